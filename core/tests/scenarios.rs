//! Runs the shared scenarios of `tests/scenarios/` against the in-process sandbox, through the
//! typed Rust API (the format is described in `tests/README.md`): the reference runner. Each
//! file is validated against `tests/scenario.schema.json` first; the steps, the variables and the
//! matcher are the shared runner's (`tests/runner`, crate `scenario_runner`).

use std::collections::BTreeMap;
use std::path::Path;

use connector_sandbox::Sandbox;
use scenario_runner::{
    expand, get_path, json_files, matches, read_json, scenario_dir, tests_dir, Runner,
};
use serde_json::Value;

/// The scenario format's JSON Schema (`tests/scenario.schema.json`), compiled.
struct ScenarioSchema {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl ScenarioSchema {
    fn load() -> ScenarioSchema {
        let path = tests_dir().join("scenario.schema.json");
        let mut schemas = boon::Schemas::new();
        let index = boon::Compiler::new()
            .compile(&path.to_string_lossy(), &mut schemas)
            .unwrap_or_else(|e| panic!("tests/scenario.schema.json does not compile: {e}"));
        ScenarioSchema { schemas, index }
    }

    /// Every complaint of the schema about `instance`, as (JSON pointer, message); none when it
    /// validates.
    fn errors(&self, instance: &Value) -> Vec<(String, String)> {
        fn leaves(e: &boon::ValidationError, parent: &str, out: &mut Vec<(String, String)>) {
            let here = e.instance_location.to_string();
            if e.causes.is_empty() {
                out.push((here, e.kind.to_string()));
            } else if let boon::ErrorKind::PropertyName { .. } = e.kind {
                // The causes are about the name alone: the place is the object that has it.
                let mut why = Vec::new();
                e.causes.iter().for_each(|c| leaves(c, "", &mut why));
                let why: Vec<String> = why.into_iter().map(|(_, m)| m).collect();
                out.push((
                    parent.to_string(),
                    format!("{}: {}", e.kind, why.join("; ")),
                ));
            } else {
                e.causes.iter().for_each(|c| leaves(c, &here, out));
            }
        }
        let mut out = Vec::new();
        if let Err(e) = self.schemas.validate(instance, self.index) {
            leaves(&e, "", &mut out);
        }
        out
    }

    /// Reads a scenario file and validates it: the error names each JSON pointer at fault.
    fn load_scenario(&self, path: &Path) -> Result<Value, String> {
        let scenario = read_json(path)?;
        let errors = self.errors(&scenario);
        if errors.is_empty() {
            return Ok(scenario);
        }
        let lines: Vec<String> = errors
            .iter()
            .map(|(pointer, message)| format!("  at \"{pointer}\": {message}"))
            .collect();
        Err(format!(
            "tests/{} does not validate against tests/scenario.schema.json:\n{}",
            path.strip_prefix(tests_dir()).unwrap_or(path).display(),
            lines.join("\n")
        ))
    }
}

async fn run_scenario(
    sandbox: &Sandbox,
    schema: &ScenarioSchema,
    path: &Path,
    blocking_io: bool,
) -> Result<(), String> {
    let scenario = schema.load_scenario(path)?;
    let mut runner: Runner =
        Runner::new(sandbox.base_url(), &sandbox.credentials(), &scenario).await?;
    runner.blocking_io = blocking_io;
    runner.run(&scenario).await
}

/// Every scenario (SCENARIOS=substring runs only the matching files, e.g. SCENARIOS=razorpay).
async fn run_all(blocking_io: bool) {
    let sandbox = Sandbox::start().await.expect("start sandbox");
    let schema = ScenarioSchema::load();
    let mut files = json_files(&scenario_dir());
    if let Ok(filter) = std::env::var("SCENARIOS") {
        files.retain(|f| {
            f.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(&filter))
        });
    }
    assert!(!files.is_empty(), "no scenarios found");
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        match run_scenario(&sandbox, &schema, file, blocking_io).await {
            Ok(()) => eprintln!("scenario {name}: ok"),
            Err(e) => {
                eprintln!("scenario {name}: FAILED: {e}");
                failures.push(format!("{name}: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_scenarios() {
    run_all(false).await;
}

/// The same scenarios with the blocking calls' exchanges (`Client::execute_blocking_io`), as
/// the bindings' blocking calls make them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_scenarios_with_blocking_io() {
    run_all(true).await;
}

/// Every file of tests/scenarios/ validates against the schema (whatever SCENARIOS selects).
#[test]
fn every_scenario_matches_the_schema() {
    let schema = ScenarioSchema::load();
    let files = json_files(&scenario_dir());
    assert!(!files.is_empty(), "no scenarios found");
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| schema.load_scenario(f).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The deliberately invalid scenarios of tests/fixtures/invalid/ are rejected, each with an error
/// at (or under) the JSON pointer that tests/fixtures/invalid.json gives.
#[test]
fn invalid_scenarios_are_rejected() {
    let schema = ScenarioSchema::load();
    let expected = read_json(&tests_dir().join("fixtures/invalid.json")).unwrap();
    let expected = expected["files"].as_object().expect("files");
    let files = json_files(&tests_dir().join("fixtures/invalid"));
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut listed: Vec<String> = expected.keys().cloned().collect();
    listed.sort();
    assert_eq!(
        names, listed,
        "tests/fixtures/invalid.json lists every fixture"
    );
    for (file, name) in files.iter().zip(&names) {
        let pointer = expected[name].as_str().unwrap();
        let errors = schema.errors(&read_json(file).unwrap());
        assert!(!errors.is_empty(), "{name} validates, but must not");
        assert!(
            errors
                .iter()
                .any(|(at, _)| at == pointer || at.starts_with(&format!("{pointer}/"))),
            "{name}: no error at {pointer:?}: {errors:?}"
        );
        let message = schema.load_scenario(file).unwrap_err();
        assert!(
            message.contains(name.as_str()) && message.contains(&format!("\"{pointer}")),
            "{message}"
        );
    }
}

/// The shared matcher self-test (tests/matchers.selftest.json), through the shared runner's
/// matcher, variable expansion and save paths: the same cases run in every language.
#[test]
fn matcher_self_test() {
    let cases = read_json(&tests_dir().join("matchers.selftest.json")).unwrap();
    let mut failures = Vec::new();
    for case in cases["match"].as_array().unwrap() {
        let name = &case["name"];
        let outcome = matches(&case["expect"], Some(&case["actual"]), "value");
        if outcome.is_ok() != case["matches"].as_bool().unwrap() {
            failures.push(format!("match {name}: {outcome:?}"));
        }
    }
    for case in cases["expand"].as_array().unwrap() {
        let name = &case["name"];
        let vars: BTreeMap<String, Value> = serde_json::from_value(case["vars"].clone()).unwrap();
        let outcome = expand(&case["value"], &vars);
        let ok = match (&outcome, case.get("error"), case.get("result_pattern")) {
            (Err(_), Some(_), _) => true,
            (Ok(Value::String(s)), None, Some(pattern)) => {
                pattern_matches(pattern.as_str().unwrap(), s)
            }
            (Ok(v), None, None) => v == &case["result"],
            _ => false,
        };
        if !ok {
            failures.push(format!("expand {name}: {outcome:?}"));
        }
    }
    for case in cases["save"].as_array().unwrap() {
        let name = &case["name"];
        let outcome = get_path(&case["value"], case["path"].as_str().unwrap());
        let ok = match (&outcome, case.get("error")) {
            (Err(_), Some(_)) => true,
            (Ok(v), None) => v == &case["result"],
            _ => false,
        };
        if !ok {
            failures.push(format!("save {name}: {outcome:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Whether `text` matches a self-test case's `result_pattern`.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    regex::Regex::new(pattern).unwrap().is_match(text)
}
