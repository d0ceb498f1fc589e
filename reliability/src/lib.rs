//! `make reliability`: the fault matrix (`matrix`), property-based fuzzing of every parser and
//! JSON entry point (`fuzz`), the secrets audit of TRACE logs (`secrets`, over the scenario
//! pass of `audit` and everything else this process logs, plus the bindings' outputs) and the
//! soak of every binding (`soak`), summed up in one line (`Totals::line`).

pub mod audit;
pub mod fuzz;
pub mod ledger;
pub mod matrix;
pub mod scenario;
pub mod secrets;
pub mod soak;

/// The counts of the final line.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    pub cases: usize,
    pub double_effects: usize,
    pub unreconcilable: usize,
    pub untyped: usize,
    pub leaks: usize,
    pub panics: usize,
}

impl Totals {
    /// `reliability: <cases> cases, <double effects> double effects, <unreconcilable>
    /// unreconcilable, <untyped> untyped errors, <leaks> secret leaks, <panics> panics`
    pub fn line(&self) -> String {
        format!(
            "reliability: {} cases, {} double effects, {} unreconcilable, {} untyped errors, {} secret leaks, {} panics",
            self.cases, self.double_effects, self.unreconcilable, self.untyped, self.leaks, self.panics
        )
    }

    /// Every count but the first is zero.
    pub fn clean(&self) -> bool {
        self.double_effects == 0
            && self.unreconcilable == 0
            && self.untyped == 0
            && self.leaks == 0
            && self.panics == 0
    }
}
