//! `make reliability`: the fault matrix (`matrix`), property-based fuzzing of every parser and
//! JSON entry point (`fuzz`), the secrets audit of TRACE logs (`secrets`) and the soak of the
//! bindings (`soak`), summed up in one line (`Totals::line`).

pub mod ledger;
pub mod matrix;
pub mod scenario;
