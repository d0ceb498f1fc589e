//! The steps of a scenario (tests/README.md, "Steps"), run against the sandbox.

use std::collections::BTreeMap;
use std::sync::Arc;

use connector_service::{
    CallOptions, Client, ClientConfig, Error, FlowRequest, FlowResponse, HttpTransport,
    TransportOptions, WebhookNotification, WebhookRequest,
};
use serde_json::{json, Map, Value};

use crate::{expand, get_path, matches, tests_dir};

/// What a runner's user sees of its work; every method does nothing by default (`()` is the
/// runner without hooks).
pub trait Hooks {
    /// The transport the scenario's client sends through (`None`: the client's default one).
    fn transport(&mut self, _options: &TransportOptions) -> Option<Arc<dyn HttpTransport>> {
        None
    }

    /// A call is about to be made (its request was built from the JSON).
    fn before_call(&mut self, _op: &str, _flow: &FlowRequest) {}

    /// A call was made: `request` is its JSON, as expanded.
    fn after_call(
        &mut self,
        _connector: &str,
        _op: &str,
        _request: &Value,
        _result: &Result<FlowResponse, Error>,
    ) {
    }

    /// A webhook was verified and parsed (or rejected): `request` is what was verified.
    fn webhook(
        &mut self,
        _connector: &str,
        _request: &WebhookRequest,
        _result: &Result<WebhookNotification, Error>,
    ) {
    }
}

impl Hooks for () {}

/// What a step produced: the value its `expect` (or `expect_error`) and `save` apply to.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A result: the response or notification as JSON, or what a sandbox, fault, redirect or
    /// requests step answered.
    Value(Value),
    /// A typed error, as JSON.
    Error(Value),
    /// A webhook step with `none`: no webhook came, as expected.
    NoWebhook,
}

/// The runner of one scenario: its client, the sandbox's control API, the saved variables.
pub struct Runner<H = ()> {
    pub sandbox_url: String,
    pub client: Client,
    /// The client's configuration, as JSON.
    pub config: Value,
    pub connector: String,
    pub vars: BTreeMap<String, Value>,
    pub hooks: H,
    /// Calls go through [`Client::execute_blocking_io`] (the exchanges on this thread's
    /// blocking sockets, as a binding's blocking call makes them) instead of
    /// [`Client::execute`].
    pub blocking_io: bool,
    http: reqwest::Client,
}

impl<H: Hooks + Default> Runner<H> {
    /// [`Runner::with_hooks`] with the default hooks.
    pub async fn new(
        sandbox_url: &str,
        credentials: &Value,
        scenario: &Value,
    ) -> Result<Runner<H>, String> {
        Runner::with_hooks(sandbox_url, credentials, scenario, H::default()).await
    }
}

impl<H: Hooks> Runner<H> {
    /// A runner for `scenario` against the sandbox at `sandbox_url` (whose credentials are
    /// `credentials`, by connector); clears the sandbox's faults, request log and outbox.
    pub async fn with_hooks(
        sandbox_url: &str,
        credentials: &Value,
        scenario: &Value,
        mut hooks: H,
    ) -> Result<Runner<H>, String> {
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
        let client = match hooks.transport(&typed.transport) {
            Some(transport) => Client::with_transport(typed, transport),
            None => Client::new(typed),
        }
        .map_err(|e| e.to_string())?;
        let runner = Runner {
            sandbox_url: sandbox_url.to_string(),
            client,
            config,
            connector,
            vars: BTreeMap::new(),
            hooks,
            blocking_io: false,
            http: reqwest::Client::new(),
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

    /// A call to the sandbox's control API: the status and the body (JSON, or else its text);
    /// status 0 when the sandbox could not be reached.
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

    /// Calls `op` with `request` (already expanded) through the typed API: the response as
    /// JSON, or the typed error.
    pub async fn call(
        &mut self,
        op: &str,
        request: &Value,
        options: &CallOptions,
    ) -> Result<Value, Error> {
        let flow = FlowRequest::from_json(op, &request.to_string())?;
        self.hooks.before_call(op, &flow);
        let result = if self.blocking_io {
            assert!(
                self.client.has_blocking_io(),
                "the client has no blocking transport (a *_PROXY variable set?)"
            );
            // This task's worker hands its other tasks over while the call blocks it.
            let client = &self.client;
            tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current()
                    .block_on(client.execute_blocking_io(flow, options))
            })
        } else {
            self.client.execute(flow, options).await
        };
        self.hooks.after_call(&self.connector, op, request, &result);
        result.map(|r| serde_json::to_value(&r).unwrap_or(Value::Null))
    }

    fn verify_webhook(&mut self, headers: BTreeMap<String, String>, raw: Vec<u8>) -> Outcome {
        let request = WebhookRequest::new(headers, raw);
        let result = self.client.webhooks().verify_and_parse(&request);
        self.hooks.webhook(&self.connector, &request, &result);
        match result {
            Ok(n) => Outcome::Value(serde_json::to_value(&n).unwrap_or(Value::Null)),
            Err(e) => Outcome::Error(serde_json::to_value(&e).unwrap_or(Value::Null)),
        }
    }

    /// Runs every step of `scenario`.
    pub async fn run(&mut self, scenario: &Value) -> Result<(), String> {
        self.run_steps(scenario, usize::MAX).await
    }

    /// Runs the steps `0..end` of `scenario` (all of them when `end` is past the last): a
    /// scenario stopped before its step `end`.
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

    /// Runs one step (not yet expanded), checks its expectations and saves its variables;
    /// returns what it produced.
    pub async fn step(&mut self, step: &Value) -> Result<Outcome, String> {
        let step = expand(step, &self.vars)?;
        let outcome = self.perform(&step).await?;
        let (result, is_error) = match &outcome {
            Outcome::Value(v) => (v, false),
            Outcome::Error(e) => (e, true),
            Outcome::NoWebhook => return Ok(outcome),
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
                matches(expected, Some(result), "error")?;
            }
            (Some(expected), None) => {
                if is_error {
                    return Err(format!("expected success, got error {result}"));
                }
                matches(expected, Some(result), "result")?;
            }
            (None, None) if is_error => return Err(format!("unexpected error {result}")),
            (None, None) => {}
        }
        if let Some(save) = step.get("save").and_then(Value::as_object) {
            for (var, path) in save {
                let path = path.as_str().ok_or("save paths are strings")?;
                let value =
                    get_path(result, path).map_err(|e| format!("cannot save `{var}`: {e}"))?;
                self.vars.insert(var.clone(), value);
            }
        }
        Ok(outcome)
    }

    /// Does what an expanded step says, without checking its expectations.
    pub async fn perform(&mut self, step: &Value) -> Result<Outcome, String> {
        if let Some(op) = step.get("call").and_then(Value::as_str) {
            let options: CallOptions = match step.get("options") {
                Some(o) => {
                    serde_json::from_value(o.clone()).map_err(|e| format!("bad options: {e}"))?
                }
                None => CallOptions::default(),
            };
            Ok(match self.call(op, &step["request"], &options).await {
                Ok(v) => Outcome::Value(v),
                Err(e) => Outcome::Error(serde_json::to_value(&e).unwrap_or(Value::Null)),
            })
        } else if let Some(hook) = step.get("webhook").filter(|h| h.get("file").is_some()) {
            // An official vector: the raw bytes of a file, with the step's headers.
            let file = hook["file"].as_str().ok_or("webhook.file must be a path")?;
            let raw = std::fs::read(tests_dir().join(file))
                .map_err(|e| format!("cannot read {file}: {e}"))?;
            let headers: BTreeMap<String, String> =
                serde_json::from_value(hook.get("headers").cloned().unwrap_or(json!({})))
                    .map_err(|e| format!("webhook.headers: {e}"))?;
            let raw = tamper(hook, raw)?;
            Ok(self.verify_webhook(headers, raw))
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
                    Ok(Outcome::NoWebhook)
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
            let body = delivered["body"].as_str().unwrap_or_default();
            let raw = tamper(hook, body.as_bytes().to_vec())?;
            Ok(self.verify_webhook(headers, raw))
        } else if let Some(fault) = step.get("fault") {
            let mut fault = fault.clone();
            if let Some(obj) = fault.as_object_mut() {
                obj.entry("processor").or_insert(json!(self.connector));
            }
            let (status, body) = self.control("POST", "/_sandbox/faults", Some(fault)).await;
            if status >= 300 {
                return Err(format!("fault rejected ({status}): {body}"));
            }
            Ok(Outcome::Value(body))
        } else if let Some(call) = step.get("sandbox") {
            let method = call["method"].as_str().unwrap_or("GET");
            let path = call["path"].as_str().ok_or("a sandbox step needs a path")?;
            let (status, body) = self.control(method, path, call.get("body").cloned()).await;
            if status >= 300 {
                return Err(format!("sandbox control call failed ({status}): {body}"));
            }
            Ok(Outcome::Value(body))
        } else if let Some(redirect) = step.get("redirect") {
            redirect_step(redirect).await.map(Outcome::Value)
        } else if step.get("requests").is_some() {
            let path = format!("/_sandbox/requests?processor={}", self.connector);
            let (_, body) = self.control("GET", &path, None).await;
            Ok(Outcome::Value(body))
        } else {
            Err(format!("unknown step kind: {step}"))
        }
    }
}

/// A redirect step: posts the form to the page, without following its answer; the query
/// parameters of the Location it sends back.
async fn redirect_step(redirect: &Value) -> Result<Value, String> {
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
        .ok_or_else(|| {
            format!(
                "redirect page answered {} without a Location",
                resp.status()
            )
        })?
        .to_string();
    let parsed = url::Url::parse(&location).map_err(|e| format!("bad Location {location}: {e}"))?;
    let params: Map<String, Value> = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    Ok(Value::Object(params))
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
