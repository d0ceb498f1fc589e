//! A runner of the shared scenarios (`tests/scenarios/`, format in `tests/README.md`), the same
//! as `core/tests/scenarios.rs`, with what the reliability suite needs on top: it can stop
//! before any step, hands back typed errors, and records what crossed the wire (HTTP
//! exchanges per call, webhooks) as seeds for the fuzzers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use connector_service::transport::SendFuture;
use connector_service::{
    CallOptions, Client, ClientConfig, Error, FlowRequest, HttpRequest, HttpResponse,
    HttpTransport, TransportOptions, WebhookRequest,
};
use serde_json::{json, Map, Value};

/// The operations that change something at the processor (the write flows).
pub const WRITE_OPS: &[&str] = &[
    "payments.authorize",
    "payments.capture",
    "payments.void",
    "payments.refund",
    "payments.setup_mandate",
    "payments.create_order",
    "disputes.accept",
    "disputes.submit_evidence",
    "disputes.defend",
];

pub fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios")
}

/// Every scenario file, sorted, as `(file name, JSON)`.
pub fn load_scenarios() -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("tests/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|f| {
            let name = f.file_name()?.to_string_lossy().to_string();
            let text = std::fs::read_to_string(&f).ok()?;
            Some((name, serde_json::from_str(&text).ok()?))
        })
        .collect()
}

/// One HTTP exchange of a call: what was sent, and the answer (None: a transport error).
#[derive(Clone, Debug)]
pub struct Exchange {
    pub request: HttpRequest,
    pub response: Option<HttpResponse>,
}

/// A transport that sends through the default one and records every exchange.
pub struct Recording {
    inner: connector_service::transport::ReqwestTransport,
    pub exchanges: Mutex<Vec<Exchange>>,
}

impl Recording {
    pub fn new(options: &TransportOptions) -> Arc<Recording> {
        Arc::new(Recording {
            inner: connector_service::transport::ReqwestTransport::new(options).expect("transport"),
            exchanges: Mutex::new(Vec::new()),
        })
    }

    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.exchanges.lock().unwrap())
    }
}

impl HttpTransport for Recording {
    fn send<'a>(&'a self, request: &'a HttpRequest, timeout: Duration) -> SendFuture<'a> {
        Box::pin(async move {
            let result = self.inner.send(request, timeout).await;
            self.exchanges.lock().unwrap().push(Exchange {
                request: request.clone(),
                response: result.as_ref().ok().cloned(),
            });
            result
        })
    }
}

/// A recorded call: its operation and request JSON, and the responses of its exchanges.
#[derive(Clone, Debug)]
pub struct CallSample {
    pub connector: String,
    pub op: String,
    pub request: Value,
    pub exchanges: Vec<Exchange>,
}

/// A webhook as the sandbox delivered it.
#[derive(Clone, Debug)]
pub struct WebhookSample {
    pub connector: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

pub struct Runner {
    pub sandbox_url: String,
    pub http: reqwest::Client,
    pub client: Client,
    pub config: Value,
    pub connector: String,
    pub vars: BTreeMap<String, Value>,
    pub recording: Arc<Recording>,
    pub calls: Vec<CallSample>,
    pub webhooks: Vec<WebhookSample>,
}

/// Expands `${var}` references (and `${uuid}`) in every string of `value`.
pub fn expand(value: &Value, vars: &BTreeMap<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                if !name.contains("${") && !name.contains('}') {
                    return lookup(name, vars);
                }
            }
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                out.push_str(&rest[..start]);
                let end = rest[start..]
                    .find('}')
                    .map(|e| start + e)
                    .ok_or("unterminated ${")?;
                match lookup(&rest[start + 2..end], vars)? {
                    Value::String(v) => out.push_str(&v),
                    other => out.push_str(&other.to_string()),
                }
                rest = &rest[end + 1..];
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

fn lookup(name: &str, vars: &BTreeMap<String, Value>) -> Result<Value, String> {
    if name == "uuid" {
        return Ok(Value::String(uuid::Uuid::new_v4().to_string()));
    }
    vars.get(name)
        .cloned()
        .ok_or_else(|| format!("undefined scenario variable `{name}`"))
}

/// Reads a dotted path (`events.0.connector_dispute_id`).
pub fn get_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, part| match v {
        Value::Object(m) => m.get(part),
        Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// Checks `actual` against `expected`; returns the first mismatch.
pub fn matches(expected: &Value, actual: Option<&Value>, path: &str) -> Result<(), String> {
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
            let actual = present.ok_or_else(|| format!("{path}: expected an object, got none"))?;
            for (k, v) in fields {
                matches(v, actual.get(k), &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        Value::Array(items) => {
            let actual = present
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{path}: expected an array"))?;
            if actual.len() != items.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}",
                    items.len(),
                    actual.len()
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

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
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
            "cannot tamper: `{find}` is not in the webhook body"
        ));
    }
    Ok(body.replacen(find, replace, 1).into_bytes())
}

impl Runner {
    /// A runner for `scenario` against the sandbox at `sandbox_url` (whose credentials are
    /// `credentials`); clears the sandbox's faults, request log and outbox.
    pub async fn new(
        sandbox_url: &str,
        credentials: &Value,
        scenario: &Value,
    ) -> Result<Runner, String> {
        let connector = scenario["connector"]
            .as_str()
            .ok_or("no connector")?
            .to_string();
        let mut creds = credentials[&connector].clone();
        if let Some(overrides) = scenario.get("config_overrides").and_then(Value::as_object) {
            for (k, v) in overrides {
                creds[k] = v.clone();
            }
        }
        let mut config =
            json!({"connector": creds, "base_url": format!("{sandbox_url}/{connector}")});
        if let Some(transport) = scenario.get("transport") {
            config["transport"] = transport.clone();
        }
        let typed: ClientConfig =
            serde_json::from_value(config.clone()).map_err(|e| format!("bad config: {e}"))?;
        let recording = Recording::new(&typed.transport);
        let client = Client::with_transport(typed, recording.clone()).map_err(|e| e.to_string())?;
        let runner = Runner {
            sandbox_url: sandbox_url.to_string(),
            http: reqwest::Client::new(),
            client,
            config,
            connector,
            vars: BTreeMap::new(),
            recording,
            calls: Vec::new(),
            webhooks: Vec::new(),
        };
        for path in [
            "/_sandbox/faults",
            "/_sandbox/requests",
            "/_sandbox/webhooks",
        ] {
            runner.control("DELETE", path, None).await;
        }
        Ok(runner)
    }

    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{}", self.sandbox_url, path);
        let mut req = self
            .http
            .request(method.parse().unwrap_or(reqwest::Method::GET), url);
        if let Some(body) = body {
            req = req.json(&body);
        }
        match req.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let text = resp.text().await.unwrap_or_default();
                (
                    status,
                    serde_json::from_str(&text).unwrap_or(Value::String(text)),
                )
            }
            Err(e) => (0, Value::String(e.to_string())),
        }
    }

    /// Calls `op` with `request` (already expanded) through the typed API.
    pub async fn call(
        &mut self,
        op: &str,
        request: &Value,
        options: &CallOptions,
    ) -> Result<Value, Error> {
        let flow = FlowRequest::from_json(op, &request.to_string())?;
        tracing::trace!(request = ?flow, "reliability: calling {op}");
        let _ = self.recording.take();
        let result = self.client.execute(flow, options).await;
        self.calls.push(CallSample {
            connector: self.connector.clone(),
            op: op.to_string(),
            request: request.clone(),
            exchanges: self.recording.take(),
        });
        match &result {
            Ok(r) => tracing::trace!(response = ?r, "reliability: {op} answered"),
            Err(e) => tracing::trace!(error = ?e, display = %e, "reliability: {op} failed"),
        }
        result.map(|r| serde_json::to_value(&r).unwrap_or(Value::Null))
    }

    fn verify_webhook(&mut self, headers: BTreeMap<String, String>, raw: Vec<u8>) -> (Value, bool) {
        self.webhooks.push(WebhookSample {
            connector: self.connector.clone(),
            headers: headers.clone(),
            body: raw.clone(),
        });
        match self
            .client
            .webhooks()
            .verify_and_parse(&WebhookRequest::new(headers, raw))
        {
            Ok(n) => {
                tracing::trace!(notification = ?n, "reliability: webhook parsed");
                (serde_json::to_value(&n).unwrap_or(Value::Null), false)
            }
            Err(e) => {
                tracing::trace!(error = ?e, display = %e, "reliability: webhook rejected");
                (serde_json::to_value(&e).unwrap_or(Value::Null), true)
            }
        }
    }

    /// Runs one step (not yet expanded); checks its expectations.
    pub async fn step(&mut self, step: &Value) -> Result<(), String> {
        let step = expand(step, &self.vars)?;
        let (result, is_error): (Value, bool) =
            if let Some(op) = step.get("call").and_then(Value::as_str) {
                let options: CallOptions = match step.get("options") {
                    Some(o) => serde_json::from_value(o.clone())
                        .map_err(|e| format!("bad options: {e}"))?,
                    None => CallOptions::default(),
                };
                match self.call(op, &step["request"], &options).await {
                    Ok(v) => (v, false),
                    Err(e) => (serde_json::to_value(&e).unwrap_or(Value::Null), true),
                }
            } else if let Some(hook) = step.get("webhook").filter(|h| h.get("file").is_some()) {
                let file = hook["file"].as_str().ok_or("webhook.file must be a path")?;
                let raw = std::fs::read(scenario_dir().join("..").join(file))
                    .map_err(|e| format!("cannot read {file}: {e}"))?;
                let headers: BTreeMap<String, String> =
                    serde_json::from_value(hook.get("headers").cloned().unwrap_or(json!({})))
                        .map_err(|e| format!("webhook.headers: {e}"))?;
                let raw = tamper(hook, raw)?;
                self.verify_webhook(headers, raw)
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
                        Err("expected no webhook".into())
                    };
                }
                if status != 200 {
                    return Err(format!("no webhook in the sandbox outbox ({status})"));
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
                self.verify_webhook(headers, raw)
            } else if let Some(fault) = step.get("fault") {
                let mut fault = fault.clone();
                if let Some(obj) = fault.as_object_mut() {
                    obj.entry("processor").or_insert(json!(self.connector));
                }
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
                    .map_err(|e| e.to_string())?;
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
                    .ok_or("redirect page answered without a Location")?
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
                return Err("unknown step kind".into());
            };

        match (step.get("expect"), step.get("expect_error")) {
            (_, Some(expected)) => {
                if !is_error {
                    return Err("expected an error, got a result".into());
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
                let value = if path.is_empty() {
                    Some(&result)
                } else {
                    get_path(&result, path)
                };
                let value = value.ok_or_else(|| format!("cannot save `{var}`: no `{path}`"))?;
                self.vars.insert(var.clone(), value.clone());
            }
        }
        Ok(())
    }

    /// Runs the steps `0..end` of `scenario`.
    pub async fn run_steps(&mut self, scenario: &Value, end: usize) -> Result<(), String> {
        let steps = scenario["steps"].as_array().ok_or("no steps")?;
        for (i, step) in steps.iter().enumerate().take(end) {
            let name = step.get("name").and_then(Value::as_str).unwrap_or("");
            self.step(step)
                .await
                .map_err(|e| format!("step {i} {name}: {e}"))?;
        }
        Ok(())
    }
}
