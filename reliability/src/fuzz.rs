//! Property-based fuzzing (proptest, stable toolchain) of every response parser (each
//! connector's `FlowRequest::step` on recorded sandbox answers, mutated or random), every
//! webhook parser (`handle_webhook` on recorded webhooks, mutated and re-signed so that the
//! parser behind the signature check is reached), and the JSON entry points
//! (`JsonConnector::new` / `step` / `handle_webhook`, `FlowRequest::from_json`,
//! `json::from_json::<ClientConfig>`).
//!
//! The properties: no panic (caught with `catch_unwind`), no hang (a single input taking more
//! than `HANG_SECS` is counted as one), and no untyped error (`internal`).

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connector_service::json::JsonConnector;
use connector_service::{
    ClientConfig, Connector, ErrorCode, FlowContext, FlowRequest, HttpResponse, Step,
    WebhookRequest,
};
use hmac::{KeyInit, Mac};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

use crate::scenario::{CallSample, WebhookSample};

/// One input taking longer than this is a hang.
pub const HANG_SECS: u64 = 5;

/// What a fuzz target found.
#[derive(Clone, Debug, Default)]
pub struct FuzzReport {
    pub cases: usize,
    pub panics: usize,
    pub hangs: usize,
    pub untyped: usize,
    pub findings: Vec<String>,
}

impl FuzzReport {
    fn add(&mut self, other: FuzzReport) {
        self.cases += other.cases;
        self.panics += other.panics;
        self.hangs += other.hangs;
        self.untyped += other.untyped;
        self.findings.extend(other.findings);
    }
}

/// A seed for a response parser: a call replayable step by step.
#[derive(Clone)]
struct ParseSeed {
    name: String,
    connector: Arc<dyn Connector>,
    request: FlowRequest,
    key: String,
    responses: Vec<HttpResponse>,
}

/// A seed for a webhook parser.
#[derive(Clone)]
struct HookSeed {
    name: String,
    connector: Arc<dyn Connector>,
    /// How to sign a mutated body so that it passes verification, when we can.
    signer: Signer,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

#[derive(Clone)]
enum Signer {
    None,
    /// Header, key: lowercase hex HMAC-SHA256 of the body (Checkout.com, Razorpay).
    HexHmac(&'static str, String),
}

impl Signer {
    fn sign(&self, headers: &mut BTreeMap<String, String>, body: &[u8]) {
        if let Signer::HexHmac(header, key) = self {
            if let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()) {
                mac.update(body);
                let sig = hex::encode(mac.finalize().into_bytes());
                headers.retain(|k, _| !k.eq_ignore_ascii_case(header));
                headers.insert(header.to_string(), sig);
            }
        }
    }
}

/// A seed for the JSON entry points.
#[derive(Clone)]
struct JsonSeed {
    config: String,
    op: String,
    request: String,
    responses: String,
}

/// Everything the fuzzers start from.
pub struct Seeds {
    parse: Vec<ParseSeed>,
    hooks: Vec<HookSeed>,
    json: Vec<JsonSeed>,
}

impl Seeds {
    pub fn len(&self) -> (usize, usize, usize) {
        (self.parse.len(), self.hooks.len(), self.json.len())
    }
}

/// Builds the seeds from the calls and webhooks recorded while running the scenarios.
/// `configs` maps a connector to the client configuration JSON used for it.
pub fn seeds(
    calls: &[CallSample],
    webhooks: &[WebhookSample],
    configs: &BTreeMap<String, Value>,
) -> Seeds {
    let mut connectors: BTreeMap<String, Arc<dyn Connector>> = BTreeMap::new();
    for (name, config) in configs {
        if let Ok(c) = serde_json::from_value::<ClientConfig>(config.clone()) {
            if let Ok(built) = c.build_connector() {
                connectors.insert(name.clone(), built);
            }
        }
    }
    let mut parse = Vec::new();
    let mut json_seeds = Vec::new();
    for call in calls {
        let Some(connector) = connectors.get(&call.connector) else {
            continue;
        };
        let Ok(request) = FlowRequest::from_json(&call.op, &call.request.to_string()) else {
            continue;
        };
        let responses: Option<Vec<HttpResponse>> =
            call.exchanges.iter().map(|x| x.response.clone()).collect();
        let Some(responses) = responses.filter(|r| !r.is_empty()) else {
            continue;
        };
        let key = request
            .idempotency_key()
            .map(str::to_string)
            .unwrap_or_else(|| "fuzz-key".to_string());
        // Only calls whose exchanges replay as one flow (no retries in between).
        let cx = FlowContext::new(key.as_str());
        let replays = (0..responses.len()).all(|k| {
            matches!(
                request.step(connector.as_ref(), &cx, &responses[..k]),
                Ok(Step::Send(_))
            )
        });
        if !replays {
            continue;
        }
        parse.push(ParseSeed {
            name: format!("{} {}", call.connector, call.op),
            connector: connector.clone(),
            request,
            key,
            responses: responses.clone(),
        });
        json_seeds.push(JsonSeed {
            config: configs[&call.connector].to_string(),
            op: call.op.clone(),
            request: call.request.to_string(),
            responses: serde_json::to_string(&responses).unwrap_or_default(),
        });
    }
    let mut hooks = Vec::new();
    for hook in webhooks {
        let Some(connector) = connectors.get(&hook.connector) else {
            continue;
        };
        let creds = &configs[&hook.connector]["connector"];
        let secret = creds["webhook_secrets"][0].as_str().map(str::to_string);
        let signer = match (hook.connector.as_str(), secret) {
            ("checkout", Some(s)) => Signer::HexHmac("cko-signature", s),
            ("razorpay", Some(s)) => Signer::HexHmac("x-razorpay-signature", s),
            _ => Signer::None,
        };
        hooks.push(HookSeed {
            name: format!("{} webhook", hook.connector),
            connector: connector.clone(),
            signer,
            headers: hook.headers.clone(),
            body: hook.body.clone(),
        });
    }
    // Connectors without webhooks in the scenarios still get their `handle_webhook` fuzzed.
    for (name, connector) in &connectors {
        if !webhooks.iter().any(|h| &h.connector == name) {
            hooks.push(HookSeed {
                name: format!("{name} webhook"),
                connector: connector.clone(),
                signer: Signer::None,
                headers: [("content-type".to_string(), "application/json".to_string())].into(),
                body:
                    br#"{"id": "evt_1", "type": "payment", "data": {"id": "pay_1", "amount": 100}}"#
                        .to_vec(),
            });
        }
    }
    Seeds {
        parse,
        hooks,
        json: json_seeds,
    }
}

// ---- mutations --------------------------------------------------------------------------

fn random_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
    match rng.u8(0..16) {
        0 => Value::Null,
        1 => json!(rng.bool()),
        2 => json!(-1),
        3 => json!(0),
        4 => json!(i64::MAX),
        5 => json!(u64::MAX),
        6 => json!(1e308),
        7 => json!(-0.5),
        8 => json!(""),
        9 => json!("x".repeat(rng.usize(1..5000))),
        10 => json!("\u{0}\u{202e}é\u{1F4B3}"),
        11 => json!([]),
        12 => json!({}),
        13 if depth < 4 => Value::Array(
            (0..rng.usize(1..4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        14 if depth < 4 => {
            let mut m = serde_json::Map::new();
            for _ in 0..rng.usize(1..4) {
                m.insert(
                    ["id", "status", "amount", "type", "x"][rng.usize(0..5)].to_string(),
                    random_value(rng, depth + 1),
                );
            }
            Value::Object(m)
        }
        15 => {
            // Nesting deeper than any parser's recursion limit.
            let mut v = json!(1);
            for _ in 0..rng.usize(100..400) {
                v = json!([v]);
            }
            v
        }
        _ => json!("AUTHORISED"),
    }
}

/// Changes one node of a JSON document: a new value, a removed key, a type change.
fn mutate_json(rng: &mut fastrand::Rng, v: &mut Value) {
    // A random walk down the document, stopping anywhere.
    let go_deeper = rng.u8(0..3) != 0;
    let child = match v {
        Value::Object(m) if !m.is_empty() && go_deeper => {
            let i = rng.usize(0..m.len());
            m.values_mut().nth(i)
        }
        Value::Array(a) if !a.is_empty() && go_deeper => {
            let i = rng.usize(0..a.len());
            a.get_mut(i)
        }
        _ => None,
    };
    if let Some(child) = child {
        return mutate_json(rng, child);
    }
    match v {
        Value::Object(m) if !m.is_empty() && rng.bool() => {
            if let Some(k) = m.keys().nth(rng.usize(0..m.len())).cloned() {
                if rng.bool() {
                    m.remove(&k);
                } else {
                    m.insert(k, random_value(rng, 0));
                }
            }
        }
        other => *other = random_value(rng, 0),
    }
}

const INTERESTING: &[u8] = b"\0\xff\"{}[],:\\<>&=;'\n 0-9.eE";

fn mutate_bytes(rng: &mut fastrand::Rng, data: &mut Vec<u8>) {
    let len = data.len();
    match rng.u8(0..7) {
        0 if len > 0 => {
            let i = rng.usize(0..len);
            data[i] ^= 1 << rng.u8(0..8);
        }
        1 if len > 0 => {
            let i = rng.usize(0..len);
            data[i] = INTERESTING[rng.usize(0..INTERESTING.len())];
        }
        2 if len > 0 => {
            let a = rng.usize(0..len);
            let b = (a + rng.usize(1..64)).min(len);
            data.drain(a..b);
        }
        3 => {
            let at = rng.usize(0..=len);
            let extra: Vec<u8> = (0..rng.usize(1..32)).map(|_| rng.u8(..)).collect();
            data.splice(at..at, extra);
        }
        4 => data.truncate(rng.usize(0..=len)),
        5 if len > 0 => {
            let a = rng.usize(0..len);
            let b = (a + rng.usize(1..128)).min(len);
            let chunk = data[a..b].to_vec();
            let at = rng.usize(0..=data.len());
            data.splice(at..at, chunk);
        }
        _ => {
            let at = rng.usize(0..=len);
            let tag = INTERESTING[rng.usize(0..INTERESTING.len())];
            data.insert(at, tag);
        }
    }
}

/// `n` mutations of `input`, JSON-aware when it is JSON.
fn mutate(rng: &mut fastrand::Rng, input: &[u8], n: u8) -> Vec<u8> {
    if let Ok(mut v) = serde_json::from_slice::<Value>(input) {
        if rng.u8(0..4) != 0 {
            for _ in 0..n {
                mutate_json(rng, &mut v);
            }
            return serde_json::to_vec(&v).unwrap_or_default();
        }
    }
    let mut data = input.to_vec();
    for _ in 0..n {
        mutate_bytes(rng, &mut data);
    }
    data
}

const STATUSES: &[u16] = &[
    200, 201, 202, 204, 301, 400, 401, 402, 403, 404, 405, 409, 415, 422, 429, 500, 502, 503, 504,
];

fn mutate_response(rng: &mut fastrand::Rng, r: &HttpResponse, n: u8) -> HttpResponse {
    let mut out = r.clone();
    match rng.u8(0..10) {
        // Random bytes, whatever the seed.
        0 => {
            out.body = (0..rng.usize(0..512))
                .map(|_| rng.u8(..))
                .collect::<Vec<u8>>()
                .into()
        }
        1 => out.body = Vec::new().into(),
        _ => out.body = mutate(rng, &r.body.0, n).into(),
    }
    if rng.u8(0..4) == 0 {
        out.status = if rng.bool() {
            STATUSES[rng.usize(0..STATUSES.len())]
        } else {
            rng.u16(100..600)
        };
    }
    if rng.u8(0..8) == 0 {
        out.headers.clear();
    }
    out
}

// ---- running --------------------------------------------------------------------------

/// The strategy every target draws from: a seed index, an RNG seed, a mutation count.
fn draws(runner: &mut TestRunner, seeds: usize, cases: usize) -> Vec<(usize, u64, u8)> {
    let strategy = (0..seeds.max(1), any::<u64>(), 1u8..5);
    (0..cases)
        .filter_map(|_| strategy.new_tree(runner).ok().map(|t| t.current()))
        .collect()
}

static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// Runs `f` on one input: counts a panic, a hang, an untyped error.
fn check(
    report: &mut FuzzReport,
    target: &str,
    f: impl FnOnce() -> Option<connector_service::Error>,
) {
    report.cases += 1;
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(f));
    if started.elapsed() > Duration::from_secs(HANG_SECS) {
        report.hangs += 1;
        report.findings.push(format!(
            "HANG {target}: one input took {:?}",
            started.elapsed()
        ));
    }
    match outcome {
        Err(_) => {
            report.panics += 1;
            let message = PANIC_MESSAGE.lock().unwrap().take().unwrap_or_default();
            if report.findings.len() < 50 {
                report.findings.push(format!("PANIC {target}: {message}"));
            }
        }
        Ok(Some(e)) if e.code == ErrorCode::Internal => {
            report.untyped += 1;
            if report.findings.len() < 50 {
                report.findings.push(format!("UNTYPED {target}: {e}"));
            }
        }
        Ok(_) => {}
    }
}

fn fuzz_parsers(seeds: &[ParseSeed], cases: usize, runner: &mut TestRunner) -> FuzzReport {
    let mut report = FuzzReport::default();
    if seeds.is_empty() {
        return report;
    }
    for (i, seed, n) in draws(runner, seeds.len(), cases) {
        let s = &seeds[i];
        let mut rng = fastrand::Rng::with_seed(seed);
        // Which exchange to break: the ones before it are the real answers.
        let k = rng.usize(0..s.responses.len());
        let mut responses = s.responses[..k].to_vec();
        responses.push(mutate_response(&mut rng, &s.responses[k], n));
        let cx = FlowContext::new(s.key.as_str());
        check(&mut report, &s.name, || {
            s.request.step(s.connector.as_ref(), &cx, &responses).err()
        });
    }
    report
}

fn fuzz_webhooks(seeds: &[HookSeed], cases: usize, runner: &mut TestRunner) -> FuzzReport {
    let mut report = FuzzReport::default();
    if seeds.is_empty() {
        return report;
    }
    for (i, seed, n) in draws(runner, seeds.len(), cases) {
        let s = &seeds[i];
        let mut rng = fastrand::Rng::with_seed(seed);
        let body = if rng.u8(0..10) == 0 {
            (0..rng.usize(0..512)).map(|_| rng.u8(..)).collect()
        } else {
            mutate(&mut rng, &s.body, n)
        };
        let mut headers = s.headers.clone();
        // Mostly re-signed, so that the parser behind the signature check is reached.
        if rng.u8(0..5) != 0 {
            s.signer.sign(&mut headers, &body);
        } else if let Some(k) = headers
            .keys()
            .nth(rng.usize(0..headers.len().max(1)))
            .cloned()
        {
            if rng.bool() {
                headers.remove(&k);
            } else {
                headers.insert(
                    k,
                    String::from_utf8_lossy(&mutate(&mut rng, b"x", n)).into(),
                );
            }
        }
        let request = WebhookRequest::new(headers, body);
        check(&mut report, &s.name, || {
            s.connector.handle_webhook(&request).err()
        });
    }
    report
}

fn fuzz_json(seeds: &[JsonSeed], cases: usize, runner: &mut TestRunner) -> FuzzReport {
    let mut report = FuzzReport::default();
    if seeds.is_empty() {
        return report;
    }
    for (i, seed, n) in draws(runner, seeds.len(), cases) {
        let s = &seeds[i];
        let mut rng = fastrand::Rng::with_seed(seed);
        let text = |rng: &mut fastrand::Rng, t: &str| {
            String::from_utf8_lossy(&mutate(rng, t.as_bytes(), n)).into_owned()
        };
        match rng.u8(0..5) {
            0 => {
                let config = text(&mut rng, &s.config);
                check(&mut report, "JsonConnector::new", || {
                    JsonConnector::new(&config).err()
                });
                check(&mut report, "json::from_json::<ClientConfig>", || {
                    connector_service::json::from_json::<ClientConfig>(&config).err()
                });
            }
            1 => {
                let request = text(&mut rng, &s.request);
                let op = s.op.clone();
                check(&mut report, "FlowRequest::from_json", || {
                    FlowRequest::from_json(&op, &request).err()
                });
            }
            2 | 3 => {
                let Ok(connector) = JsonConnector::new(&s.config) else {
                    continue;
                };
                let (request, responses) = if rng.bool() {
                    (text(&mut rng, &s.request), s.responses.clone())
                } else {
                    (s.request.clone(), text(&mut rng, &s.responses))
                };
                let op = s.op.clone();
                check(&mut report, "JsonConnector::step", || {
                    connector.step(&op, &request, &responses, None).err()
                });
            }
            _ => {
                let Ok(connector) = JsonConnector::new(&s.config) else {
                    continue;
                };
                let headers = text(&mut rng, r#"{"content-type": "application/json"}"#);
                let body = mutate(&mut rng, s.request.as_bytes(), n);
                check(&mut report, "JsonConnector::handle_webhook", || {
                    connector.handle_webhook(&headers, &body).err()
                });
            }
        }
    }
    report
}

/// Runs every target with about `cases` inputs each (parsers get `cases` per connector).
pub fn run(seeds: &Seeds, cases: usize) -> FuzzReport {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        *PANIC_MESSAGE.lock().unwrap() = Some(format!("{message} at {location}"));
    }));
    let mut runner = TestRunner::new(Config {
        cases: cases as u32,
        failure_persistence: None,
        ..Config::default()
    });
    let mut report = FuzzReport::default();
    // Per connector, so that each gets its share.
    let mut by_connector: BTreeMap<String, Vec<ParseSeed>> = BTreeMap::new();
    for s in &seeds.parse {
        by_connector
            .entry(s.connector.name().as_str().to_string())
            .or_default()
            .push(s.clone());
    }
    for group in by_connector.values() {
        report.add(fuzz_parsers(group, cases, &mut runner));
    }
    let mut hooks: BTreeMap<String, Vec<HookSeed>> = BTreeMap::new();
    for s in &seeds.hooks {
        hooks
            .entry(s.connector.name().as_str().to_string())
            .or_default()
            .push(s.clone());
    }
    for group in hooks.values() {
        report.add(fuzz_webhooks(group, cases, &mut runner));
    }
    report.add(fuzz_json(&seeds.json, cases, &mut runner));
    std::panic::set_hook(previous);
    report
}
