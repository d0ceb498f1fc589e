//! Runs the shared scenarios of `tests/scenarios/` against the in-process sandbox, through the
//! typed Rust API (the format is described in `tests/README.md`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use connector_sandbox::Sandbox;
use connector_service::{Client, ClientConfig, FlowRequest, WebhookRequest};
use serde_json::{json, Map, Value};

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests")
}

fn scenario_dir() -> PathBuf {
    tests_dir().join("scenarios")
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))
}

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

struct Runner {
    sandbox_url: String,
    http: reqwest::Client,
    client: Client,
    connector: String,
    vars: BTreeMap<String, Value>,
}

/// Expands `${var}` references (and `${uuid}`) in every string of `value`; a reference is `${`,
/// a name of ASCII letters, digits and `_`, then `}` (the schema allows no other `${`).
fn expand(value: &Value, vars: &BTreeMap<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                if is_var_name(name) {
                    return lookup(name, vars);
                }
            }
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                let after = &rest[start + 2..];
                let name_len = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                if name_len == 0 || !after[name_len..].starts_with('}') {
                    // Not a reference: keep the text as it is.
                    out.push_str(&rest[..start + 2]);
                    rest = after;
                    continue;
                }
                out.push_str(&rest[..start]);
                match lookup(&after[..name_len], vars)? {
                    Value::String(v) => out.push_str(&v),
                    other => out.push_str(&other.to_string()),
                }
                rest = &after[name_len + 1..];
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| expand(v, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), expand(v, vars)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

fn is_var_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn lookup(name: &str, vars: &BTreeMap<String, Value>) -> Result<Value, String> {
    if name == "uuid" {
        return Ok(Value::String(uuid::Uuid::new_v4().to_string()));
    }
    vars.get(name)
        .cloned()
        .ok_or_else(|| format!("undefined variable `{name}` (no earlier step saved it)"))
}

/// Reads a dotted path (`events.0.connector_dispute_id`; `""` is the whole value) for `save`:
/// a path that leads to nothing or to null is an error.
fn get_path(value: &Value, path: &str) -> Result<Value, String> {
    if path.is_empty() {
        return Ok(value.clone());
    }
    path.split('.')
        .try_fold(value, |v, part| match v {
            Value::Object(m) => m.get(part),
            Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        })
        .filter(|v| !v.is_null())
        .cloned()
        .ok_or_else(|| format!("no value at `{path}` in {value}"))
}

fn show(actual: Option<&Value>) -> String {
    actual.map_or_else(|| "nothing".into(), Value::to_string)
}

/// Checks `actual` against `expected` (tests/README.md, "Expectations"); returns the first
/// mismatch.
fn matches(expected: &Value, actual: Option<&Value>, path: &str) -> Result<(), String> {
    let present = actual.filter(|a| !a.is_null());
    match expected {
        Value::String(s) if s == "$present" => present
            .map(|_| ())
            .ok_or_else(|| format!("{path}: expected a value, got none")),
        Value::String(s) if s == "$absent" => match present {
            None => Ok(()),
            Some(v) => Err(format!("{path}: expected no value, got {v}")),
        },
        Value::Object(fields) => {
            let actual = present
                .filter(|a| a.is_object())
                .ok_or_else(|| format!("{path}: expected an object, got {}", show(actual)))?;
            for (k, v) in fields {
                matches(v, actual.get(k), &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        Value::Array(items) => {
            let actual = present
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{path}: expected an array, got {}", show(actual)))?;
            if actual.len() != items.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}: {}",
                    items.len(),
                    actual.len(),
                    Value::Array(actual.clone())
                ));
            }
            for (i, (e, a)) in items.iter().zip(actual).enumerate() {
                matches(e, Some(a), &format!("{path}.{i}"))?;
            }
            Ok(())
        }
        Value::Null => match present {
            None => Ok(()),
            Some(v) => Err(format!("{path}: expected null, got {v}")),
        },
        expected => match present {
            Some(a) if a == expected => Ok(()),
            Some(Value::Number(a))
                if expected.as_f64().is_some() && a.as_f64() == expected.as_f64() =>
            {
                Ok(())
            }
            other => Err(format!(
                "{path}: expected {expected}, got {}",
                other.map(Value::to_string).unwrap_or("nothing".into())
            )),
        },
    }
}

impl Runner {
    async fn control(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{}", self.sandbox_url, path);
        let mut req = self.http.request(method.parse().unwrap(), url);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("sandbox control call");
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Runs one step; returns the value `save` and `expect` apply to.
    async fn step(&mut self, step: &Value) -> Result<(), String> {
        let step = expand(step, &self.vars)?;
        let (result, is_error): (Value, bool) =
            if let Some(op) = step.get("call").and_then(Value::as_str) {
                let request = FlowRequest::from_json(op, &step["request"].to_string());
                let result = match request {
                    Err(e) => Err(e),
                    Ok(request) => {
                        let options = match step.get("options") {
                            Some(o) => serde_json::from_value(o.clone())
                                .map_err(|e| format!("bad options: {e}"))?,
                            None => Default::default(),
                        };
                        self.client.execute(request, &options).await
                    }
                };
                match result {
                    Ok(response) => (serde_json::to_value(&response).unwrap(), false),
                    Err(error) => (serde_json::to_value(&error).unwrap(), true),
                }
            } else if let Some(hook) = step.get("webhook").filter(|h| h.get("file").is_some()) {
                // An official vector: the raw bytes of a file, with the step's headers.
                let file = hook["file"].as_str().ok_or("webhook.file must be a path")?;
                let raw = std::fs::read(scenario_dir().join("..").join(file))
                    .map_err(|e| format!("cannot read {file}: {e}"))?;
                let headers: BTreeMap<String, String> =
                    serde_json::from_value(hook.get("headers").cloned().unwrap_or(json!({})))
                        .map_err(|e| format!("webhook.headers: {e}"))?;
                let raw = tamper(hook, raw)?;
                match self
                    .client
                    .webhooks()
                    .verify_and_parse(&WebhookRequest::new(headers, raw))
                {
                    Ok(n) => (serde_json::to_value(&n).unwrap(), false),
                    Err(e) => (serde_json::to_value(&e).unwrap(), true),
                }
            } else if let Some(hook) = step.get("webhook") {
                let body = json!({
                    "processor": self.connector,
                    "event": hook.get("event"),
                    "contains": hook.get("contains"),
                    "timeout_ms": hook.get("timeout_ms").cloned().unwrap_or(json!(5000)),
                });
                let (status, delivered) = self
                    .control("POST", "/_sandbox/webhooks/next", Some(body))
                    .await;
                if hook.get("none").and_then(Value::as_bool).unwrap_or(false) {
                    return if status == 404 {
                        Ok(())
                    } else {
                        Err(format!("expected no webhook, got {delivered}"))
                    };
                }
                if status != 200 {
                    return Err(format!(
                        "no webhook in the sandbox outbox ({status}): {delivered}"
                    ));
                }
                let headers: BTreeMap<String, String> =
                    serde_json::from_value(delivered["headers"].clone()).unwrap_or_default();
                let raw = tamper(
                    hook,
                    delivered["body"]
                        .as_str()
                        .unwrap_or_default()
                        .as_bytes()
                        .to_vec(),
                )?;
                match self
                    .client
                    .webhooks()
                    .verify_and_parse(&WebhookRequest::new(headers, raw))
                {
                    Ok(n) => (serde_json::to_value(&n).unwrap(), false),
                    Err(e) => (serde_json::to_value(&e).unwrap(), true),
                }
            } else if let Some(fault) = step.get("fault") {
                let mut fault = fault.clone();
                fault
                    .as_object_mut()
                    .unwrap()
                    .entry("processor")
                    .or_insert(json!(self.connector));
                let (status, body) = self.control("POST", "/_sandbox/faults", Some(fault)).await;
                if status >= 300 {
                    return Err(format!("fault rejected ({status}): {body}"));
                }
                (body, false)
            } else if let Some(call) = step.get("sandbox") {
                let method = call["method"].as_str().unwrap_or("GET");
                let path = call["path"].as_str().ok_or("a sandbox step needs a path")?;
                let (status, body) = self.control(method, path, call.get("body").cloned()).await;
                if status >= 300 {
                    return Err(format!("sandbox control call failed ({status}): {body}"));
                }
                (body, false)
            } else if let Some(redirect) = step.get("redirect") {
                let url = redirect["url"]
                    .as_str()
                    .ok_or("redirect step needs a url")?;
                let form: BTreeMap<String, String> =
                    serde_json::from_value(redirect["form"].clone()).unwrap_or_default();
                let no_redirects = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap();
                let encoded: String = form
                    .iter()
                    .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                let resp = no_redirects
                    .post(url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(encoded)
                    .send()
                    .await
                    .map_err(|e| format!("redirect POST failed: {e}"))?;
                let location = resp
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .ok_or_else(|| {
                        format!(
                            "redirect page answered {} without a Location",
                            resp.status()
                        )
                    })?
                    .to_string();
                let parsed = url::Url::parse(&location)
                    .map_err(|e| format!("bad Location {location}: {e}"))?;
                let params: Map<String, Value> = parsed
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                    .collect();
                (Value::Object(params), false)
            } else if step.get("requests").is_some() {
                let (_, body) = self
                    .control(
                        "GET",
                        &format!("/_sandbox/requests?processor={}", self.connector),
                        None,
                    )
                    .await;
                (body, false)
            } else {
                return Err(format!("unknown step kind: {step}"));
            };

        let checked = step.get("call").is_some()
            || step.get("webhook").is_some_and(|w| w.get("none").is_none());
        if checked && step.get("expect").is_none() && step.get("expect_error").is_none() {
            return Err("call and webhook steps need `expect` or `expect_error`".into());
        }
        if step.get("expect_error").is_some() && !checked {
            return Err("only call and webhook steps take `expect_error`".into());
        }
        match (step.get("expect"), step.get("expect_error")) {
            (Some(_), Some(_)) => return Err("a step has either expect or expect_error".into()),
            (_, Some(expected)) => {
                if !is_error {
                    return Err(format!("expected an error, got {result}"));
                }
                matches(expected, Some(&result), "error")?;
            }
            (Some(expected), None) => {
                if is_error {
                    return Err(format!("expected success, got error {result}"));
                }
                matches(expected, Some(&result), "result")?;
            }
            (None, None) if is_error => return Err(format!("unexpected error {result}")),
            (None, None) => {}
        }
        if let Some(save) = step.get("save").and_then(Value::as_object) {
            for (var, path) in save {
                let path = path.as_str().ok_or("save paths are strings")?;
                let value =
                    get_path(&result, path).map_err(|e| format!("cannot save `{var}`: {e}"))?;
                self.vars.insert(var.clone(), value);
            }
        }
        Ok(())
    }
}

/// Applies a webhook step's `tamper` (`{"find", "replace"}`: the first occurrence) to `raw`.
fn tamper(hook: &Value, raw: Vec<u8>) -> Result<Vec<u8>, String> {
    let Some(tamper) = hook.get("tamper") else {
        return Ok(raw);
    };
    let find = tamper["find"].as_str().ok_or("tamper needs find")?;
    let replace = tamper["replace"].as_str().ok_or("tamper needs replace")?;
    let body = String::from_utf8(raw).map_err(|_| "the webhook body is not UTF-8")?;
    if !body.contains(find) {
        return Err(format!(
            "cannot tamper: `{find}` is not in the webhook body {body}"
        ));
    }
    Ok(body.replacen(find, replace, 1).into_bytes())
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn run_scenario(
    sandbox: &Sandbox,
    schema: &ScenarioSchema,
    path: &Path,
) -> Result<(), String> {
    let scenario = schema.load_scenario(path)?;
    let connector = scenario["connector"]
        .as_str()
        .ok_or("no connector")?
        .to_string();
    let mut credentials = sandbox.credentials()[&connector].clone();
    if let Some(overrides) = scenario.get("config_overrides").and_then(Value::as_object) {
        for (k, v) in overrides {
            credentials[k] = v.clone();
        }
    }
    let mut config = json!({"connector": credentials, "base_url": sandbox.url(&connector)});
    if let Some(transport) = scenario.get("transport") {
        config["transport"] = transport.clone();
    }
    let config: ClientConfig =
        serde_json::from_value(config).map_err(|e| format!("bad config: {e}"))?;
    let mut runner = Runner {
        sandbox_url: sandbox.base_url().to_string(),
        http: reqwest::Client::new(),
        client: Client::new(config).map_err(|e| e.to_string())?,
        connector,
        vars: BTreeMap::new(),
    };
    for path in [
        "/_sandbox/faults",
        "/_sandbox/requests",
        "/_sandbox/webhooks",
    ] {
        runner.control("DELETE", path, None).await;
    }
    for (i, step) in scenario["steps"]
        .as_array()
        .ok_or("no steps")?
        .iter()
        .enumerate()
    {
        let name = step.get("name").and_then(Value::as_str).unwrap_or("");
        runner
            .step(step)
            .await
            .map_err(|e| format!("step {i} {name}: {e}"))?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_scenarios() {
    let sandbox = Sandbox::start().await.expect("start sandbox");
    let schema = ScenarioSchema::load();
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("tests/scenarios exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    // SCENARIOS=substring runs only the matching files (e.g. SCENARIOS=razorpay).
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
        match run_scenario(&sandbox, &schema, file).await {
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

fn scenario_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Every file of tests/scenarios/ validates against the schema (whatever SCENARIOS selects).
#[test]
fn every_scenario_matches_the_schema() {
    let schema = ScenarioSchema::load();
    let files = scenario_files(&scenario_dir());
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
    let files = scenario_files(&tests_dir().join("fixtures/invalid"));
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

/// The shared matcher self-test (tests/matchers.selftest.json), through this runner's matcher,
/// variable expansion and save paths: the same cases run in every language.
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
