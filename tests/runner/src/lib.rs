//! The Rust runner of the shared scenarios (`tests/scenarios/`, format in `tests/README.md`),
//! through the typed API against the sandbox. One implementation for its two users:
//!
//! - `core/tests/scenarios.rs`, the reference runner: validates every file against
//!   `tests/scenario.schema.json`, runs the matcher self-test, then every scenario;
//! - the reliability suite (`reliability/src/scenario.rs`), which stops before a step of its
//!   choice ([`Runner::run_steps`]), makes that call itself ([`Runner::call`], typed errors)
//!   and records what crossed the wire through [`Hooks`].
//!
//! [`expand`] and [`get_path`] are the variables (`${name}`, `save`), [`matches`] the
//! expectations, [`Runner`] the steps.

use std::path::{Path, PathBuf};

use serde_json::Value;

mod expand;
mod matcher;
mod runner;

pub use expand::{expand, get_path};
pub use matcher::matches;
pub use runner::{Hooks, Outcome, Runner};

/// The repository's `tests/` folder: the scenarios, their schema, the fixtures and vectors.
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `tests/scenarios/`.
pub fn scenario_dir() -> PathBuf {
    tests_dir().join("scenarios")
}

/// The `.json` files of `dir`, sorted by name.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// A JSON file's contents.
pub fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))
}
