//! The fault matrix: every write flow of every connector (taken from the shared scenarios,
//! one per connector, operation and payment-method variant) x every HTTP exchange of that
//! flow x every fault, each against a fresh in-process sandbox.
//!
//! A case replays its scenario up to the write call, injects the fault on the chosen exchange,
//! makes the call, then follows the README's "Failure handling" procedure as a caller would:
//! retry with the same idempotency key when the error is `retryable`, otherwise look up the
//! ids the error carried. It then reads the sandbox's own books (`GET /_sandbox/ledger`) and
//! compares them with the same call made without a fault:
//!
//! - a **double effect**: more objects, or more money captured / refunded (or more documents)
//!   than the call without a fault made;
//! - **unreconcilable**: an object the call made (of a kind the call without a fault exposes)
//!   that the caller cannot find with what it knows: the ids of its request, of the answer or
//!   the error, of the retry, of the lookups;
//! - **untyped**: an error with the code `internal`.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use connector_sandbox::Sandbox;
use connector_service::{CallOptions, Error, ErrorCode};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use crate::ledger::{self, Diff, Snapshot};
use crate::scenario::{expand, load_scenarios, Runner, WRITE_OPS};

/// The client's timeout in the matrix, and the latency fault past it.
pub const TIMEOUT_MS: u64 = 1_000;
pub const LATENCY_MS: u64 = 1_800;

/// One fault of the matrix.
#[derive(Clone, Debug)]
pub struct FaultSpec {
    pub name: &'static str,
    pub rule: Value,
}

/// The fault matrix: latency past the timeout, 5xx before and after processing, the
/// connection closed before (reset) and after (drop) processing, malformed and truncated
/// bodies, 429 with and without Retry-After.
pub fn faults() -> Vec<FaultSpec> {
    vec![
        FaultSpec {
            name: "latency_past_timeout",
            rule: json!({"type": "latency", "ms": LATENCY_MS}),
        },
        FaultSpec {
            name: "5xx_before",
            rule: json!({"type": "status", "status": 503}),
        },
        FaultSpec {
            name: "5xx_after",
            rule: json!({"type": "status_after", "status": 500}),
        },
        FaultSpec {
            name: "reset_before",
            rule: json!({"type": "reset"}),
        },
        FaultSpec {
            name: "drop_after",
            rule: json!({"type": "drop"}),
        },
        FaultSpec {
            name: "malformed_body",
            rule: json!({"type": "malformed"}),
        },
        FaultSpec {
            name: "truncated_body",
            rule: json!({"type": "truncated"}),
        },
        FaultSpec {
            name: "429_retry_after",
            rule: json!({"type": "rate_limit", "retry_after_s": 1}),
        },
        FaultSpec {
            name: "429_no_retry_after",
            rule: json!({"type": "status", "status": 429}),
        },
    ]
}

/// A write flow: a call step of a scenario, with what comes before it.
#[derive(Clone, Debug)]
pub struct WriteFlow {
    pub connector: String,
    pub scenario_name: String,
    pub scenario: Arc<Value>,
    pub step: usize,
    pub op: String,
    pub variant: String,
}

impl WriteFlow {
    pub fn name(&self) -> String {
        let mut n = format!("{} {}", self.connector, self.op);
        if !self.variant.is_empty() {
            n.push_str(&format!(" [{}]", self.variant));
        }
        n
    }
}

fn variant(op: &str, request: &Value) -> String {
    match op {
        "payments.authorize" | "payments.setup_mandate" => {
            let method = request["payment_method"]["type"].as_str().unwrap_or("?");
            let capture = request["capture_method"].as_str().unwrap_or("automatic");
            let mut v = format!("{method}, {capture}");
            if request.get("connector_order_id").is_some() {
                v.push_str(", with order");
            }
            v
        }
        _ => String::new(),
    }
}

/// Every write flow of the shared scenarios, one per (connector, operation, variant): the
/// first call step that is expected to succeed, in a scenario without faults or overrides.
pub fn write_flows() -> Vec<WriteFlow> {
    let mut seen = BTreeSet::new();
    let mut flows = Vec::new();
    for (name, scenario) in load_scenarios() {
        if scenario.get("config_overrides").is_some() || scenario.get("transport").is_some() {
            continue;
        }
        let steps = scenario["steps"].as_array().cloned().unwrap_or_default();
        if steps.iter().any(|s| s.get("fault").is_some()) {
            continue;
        }
        let connector = scenario["connector"].as_str().unwrap_or("").to_string();
        let scenario = Arc::new(scenario);
        for (i, step) in steps.iter().enumerate() {
            let Some(op) = step.get("call").and_then(Value::as_str) else {
                continue;
            };
            if !WRITE_OPS.contains(&op) || step.get("expect").is_none() {
                continue;
            }
            let v = variant(op, &step["request"]);
            if seen.insert((connector.clone(), op.to_string(), v.clone())) {
                flows.push(WriteFlow {
                    connector: connector.clone(),
                    scenario_name: name.clone(),
                    scenario: scenario.clone(),
                    step: i,
                    op: op.to_string(),
                    variant: v,
                });
            }
        }
    }
    flows
}

/// What one run of a write flow did.
#[derive(Clone, Debug)]
pub struct Run {
    /// The answer (`Ok`) or the error's JSON (`Err`) of the faulted call.
    pub result: Result<Value, Value>,
    /// The HTTP exchanges of the faulted call (method and path), as sent.
    pub exchanges: Vec<String>,
    /// Changes made by the call itself, and by the call plus the caller's reconciliation.
    pub after_call: Diff,
    pub after_reconcile: Diff,
    /// Every id the caller knows after reconciling.
    pub known: BTreeSet<String>,
    /// Errors of code `internal` met (call, retry, lookups).
    pub untyped: Vec<String>,
    /// What the caller did after the error.
    pub actions: Vec<String>,
}

async fn ledger_of(runner: &Runner) -> Snapshot {
    let (_, ledger) = runner
        .control(
            "GET",
            &format!("/_sandbox/ledger?processor={}", runner.connector),
            None,
        )
        .await;
    Snapshot::from_ledger(&ledger)
}

fn error_json(e: &Error) -> Value {
    serde_json::to_value(e).unwrap_or(Value::Null)
}

/// Runs `flow` once, with `fault` on its exchange number `exchange` (0-based) when given.
pub async fn run_flow(flow: &WriteFlow, fault: Option<(&FaultSpec, usize)>) -> Result<Run, String> {
    let sandbox = Sandbox::start()
        .await
        .map_err(|e| format!("sandbox: {e}"))?;
    let mut runner =
        Runner::new(sandbox.base_url(), &sandbox.credentials(), &flow.scenario).await?;
    runner
        .run_steps(&flow.scenario, flow.step)
        .await
        .map_err(|e| format!("setup: {e}"))?;
    let step = expand(&flow.scenario["steps"][flow.step], &runner.vars)?;
    let mut request = step["request"].clone();
    if request.get("idempotency_key").is_none() {
        request["idempotency_key"] = json!(format!("rel-{}", uuid::Uuid::new_v4()));
    }
    let mut options: CallOptions = match step.get("options") {
        Some(o) => serde_json::from_value(o.clone()).map_err(|e| e.to_string())?,
        None => CallOptions::default(),
    };
    options.timeout_ms = Some(TIMEOUT_MS);

    let before = ledger_of(&runner).await;
    if let Some((spec, exchange)) = fault {
        if exchange > 0 {
            // Rules apply oldest first: this one lets the first `exchange` requests through.
            let pass = json!({"processor": flow.connector, "fault": {"type": "latency", "ms": 0},
                              "count": exchange});
            runner.control("POST", "/_sandbox/faults", Some(pass)).await;
        }
        let rule = json!({"processor": flow.connector, "fault": spec.rule, "count": 1});
        let (status, body) = runner.control("POST", "/_sandbox/faults", Some(rule)).await;
        if status != 200 {
            return Err(format!("fault rejected: {body}"));
        }
    }
    let started = Instant::now();
    let result = runner.call(&flow.op, &request, &options).await;
    let exchanges = runner
        .hooks
        .calls
        .last()
        .map(|c| {
            c.exchanges
                .iter()
                .map(|x| {
                    let path = url::Url::parse(&x.request.url)
                        .map(|u| u.path().to_string())
                        .unwrap_or_default();
                    format!("{} {}", x.request.method.as_str(), path)
                })
                .collect()
        })
        .unwrap_or_default();
    if fault.is_some_and(|(spec, _)| spec.rule["type"] == "latency") {
        // The sandbox processes a delayed request after the client gave up: wait for it.
        let done = started + Duration::from_millis(LATENCY_MS + 300);
        tokio::time::sleep_until(done.into()).await;
    }
    runner.control("DELETE", "/_sandbox/faults", None).await;
    let after_call = ledger_of(&runner).await;

    let mut known = BTreeSet::new();
    ledger::ids_in(&request, &mut known);
    let mut untyped = Vec::new();
    let mut actions = Vec::new();
    let result = match result {
        Ok(v) => {
            ledger::ids_in(&v, &mut known);
            Ok(v)
        }
        Err(e) => {
            if e.code == ErrorCode::Internal {
                untyped.push(format!("call: {e}"));
            }
            reconcile(
                &mut runner,
                flow,
                &request,
                &e,
                &mut known,
                &mut untyped,
                &mut actions,
            )
            .await;
            Err(error_json(&e))
        }
    };
    let after = ledger_of(&runner).await;
    Ok(Run {
        result,
        exchanges,
        after_call: ledger::diff(&before, &after_call),
        after_reconcile: ledger::diff(&before, &after),
        known,
        untyped,
        actions,
    })
}

/// The README's procedure after a failed call: retry with the same idempotency key while the
/// error is `retryable` (at most twice); otherwise look up what the error carried.
async fn reconcile(
    runner: &mut Runner,
    flow: &WriteFlow,
    request: &Value,
    error: &Error,
    known: &mut BTreeSet<String>,
    untyped: &mut Vec<String>,
    actions: &mut Vec<String>,
) {
    let mut error = error.clone();
    let mut retry_request = request.clone();
    for attempt in 1..=2 {
        if !error.retryable {
            break;
        }
        actions.push(format!("retry {attempt} with the same idempotency key"));
        // An order the failed call already created is reused, not created again.
        if let Some(order) = &error.connector_order_id {
            if retry_request.get("connector_order_id").is_none()
                && matches!(
                    flow.op.as_str(),
                    "payments.authorize" | "payments.setup_mandate"
                )
            {
                retry_request["connector_order_id"] = json!(order);
                actions.push(format!("with connector_order_id {order}"));
            }
        }
        match runner
            .call(&flow.op, &retry_request, &CallOptions::default())
            .await
        {
            Ok(v) => {
                ledger::ids_in(&v, known);
                return;
            }
            Err(e) => {
                if e.code == ErrorCode::Internal {
                    untyped.push(format!("retry: {e}"));
                }
                error = e;
            }
        }
    }
    if let Some(id) = &error.request_id {
        known.insert(id.clone());
    }
    let capture_method = request.get("capture_method").cloned();
    let mut lookups = Vec::new();
    if let Some(id) = &error.connector_transaction_id {
        let mut get = json!({"connector_transaction_id": id});
        if let Some(c) = &capture_method {
            get["capture_method"] = c.clone();
        }
        if let Some(o) = &error.connector_order_id {
            get["connector_order_id"] = json!(o);
        }
        lookups.push(("payments.get", id.clone(), get));
    } else if let Some(id) = &error.connector_order_id {
        lookups.push((
            "payments.get",
            id.clone(),
            json!({"connector_order_id": id}),
        ));
    }
    // No id came back: look up by the caller's own reference (README "How to reconcile").
    let id_known = match flow.op.as_str() {
        // A refund's error names its payment: the refund itself is what is looked for.
        "payments.refund" => error.connector_refund_id.is_some(),
        _ => !lookups.is_empty(),
    };
    if !id_known {
        if let Some(get) = reference_lookup(flow, request, error.idempotency_key.as_deref()) {
            lookups.push(get);
        }
    }
    if let Some(id) = &error.connector_refund_id {
        let mut get = json!({"connector_refund_id": id});
        let payment = request
            .get("connector_transaction_id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| error.connector_transaction_id.clone());
        if let Some(t) = payment {
            get["connector_transaction_id"] = json!(t);
        }
        lookups.push(("refunds.get", id.clone(), get));
    }
    for (op, id, get) in lookups {
        actions.push(format!("{op} {id}"));
        match runner.call(op, &get, &CallOptions::default()).await {
            // A mandate set up (charged) whose answer, with the mandate id, was lost: the
            // setup is made again under the same reference, which finds it (README "How to
            // reconcile", step 3).
            Ok(v)
                if flow.op == "payments.setup_mandate"
                    && is_reference(&get)
                    && v["status"] == "charged"
                    && v.get("mandate_id").is_none_or(Value::is_null) =>
            {
                known.insert(id.clone());
                ledger::ids_in(&v, known);
                actions.push(format!(
                    "set up under {id} without its mandate id: the call again"
                ));
                call_again(runner, &flow.op, request, known, untyped, actions).await;
            }
            Ok(v) => {
                known.insert(id);
                ledger::ids_in(&v, known);
            }
            // Nothing under the reference, and no id known: the call made nothing, so it is
            // made again (same request, same reference).
            Err(e)
                if e.code == ErrorCode::NotFound
                    && is_reference(&get)
                    && e.connector_order_id.is_none() =>
            {
                actions.push(format!("nothing under {id}: the call again"));
                call_again(runner, &flow.op, request, known, untyped, actions).await;
            }
            // No lookup at this processor (e.g. Adyen): the id is what its webhooks carry.
            Err(e) if e.code == ErrorCode::Unsupported => {
                known.insert(id);
            }
            // The order exists and nothing was paid on it (README "How to reconcile", step
            // 2): the payment is made again on that order, with the same key.
            Err(e)
                if e.code == ErrorCode::NotFound
                    && get.get("connector_transaction_id").is_none()
                    && e.connector_order_id.is_some() =>
            {
                let order = e.connector_order_id.clone().unwrap_or_default();
                known.insert(order.clone());
                if matches!(
                    flow.op.as_str(),
                    "payments.authorize" | "payments.setup_mandate"
                ) {
                    let mut again = request.clone();
                    again["connector_order_id"] = json!(order);
                    actions.push(format!(
                        "order {order} has no payment: the call again on it"
                    ));
                    call_again(runner, &flow.op, &again, known, untyped, actions).await;
                } else {
                    actions.push(format!("order {order} found, nothing paid on it"));
                }
            }
            Err(e) => {
                if e.code == ErrorCode::Internal {
                    untyped.push(format!("lookup: {e}"));
                }
                actions.push(format!("{op} failed: {e}"));
            }
        }
    }
}

/// The lookup by the caller's own reference for a write that returned no id: the payment
/// (or order) by `merchant_reference`, the refund by `merchant_refund_reference` (for a refund
/// made without one, the call's idempotency key, which the error carries).
fn reference_lookup(
    flow: &WriteFlow,
    request: &Value,
    key: Option<&str>,
) -> Option<(&'static str, String, Value)> {
    match flow.op.as_str() {
        "payments.authorize" | "payments.setup_mandate" | "payments.create_order" => {
            let reference = request.get("merchant_reference")?.as_str()?;
            let mut get = json!({"merchant_reference": reference});
            if let Some(c) = request.get("capture_method") {
                get["capture_method"] = c.clone();
            }
            Some(("payments.get", reference.to_string(), get))
        }
        "payments.refund" => {
            let reference = match request.get("merchant_refund_reference") {
                Some(r) => r.as_str()?,
                None => key?,
            };
            let get = json!({"merchant_refund_reference": reference,
                             "connector_transaction_id": request.get("connector_transaction_id")?});
            Some(("refunds.get", reference.to_string(), get))
        }
        _ => None,
    }
}

fn is_reference(get: &Value) -> bool {
    get.get("merchant_reference").is_some() || get.get("merchant_refund_reference").is_some()
}

/// Makes the call again, recording what it answered.
async fn call_again(
    runner: &mut Runner,
    op: &str,
    request: &Value,
    known: &mut BTreeSet<String>,
    untyped: &mut Vec<String>,
    actions: &mut Vec<String>,
) {
    match runner.call(op, request, &CallOptions::default()).await {
        Ok(v) => ledger::ids_in(&v, known),
        Err(e) => {
            if e.code == ErrorCode::Internal {
                untyped.push(format!("the call again: {e}"));
            }
            actions.push(format!("the call again failed: {e}"));
        }
    }
}

/// The verdict on one case.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub name: String,
    pub double: Vec<String>,
    pub unreconcilable: Vec<String>,
    pub untyped: Vec<String>,
    pub panicked: bool,
    pub setup_error: Option<String>,
    pub outcome: String,
}

/// Judges a faulted run against the run without a fault.
pub fn judge(name: String, baseline: &Run, run: &Run) -> Verdict {
    // The kinds of object the call exposes when nothing goes wrong.
    let exposed: BTreeSet<String> = baseline
        .after_reconcile
        .new
        .iter()
        .filter(|e| ledger::findable(e, &baseline.known))
        .map(ledger::kind_key)
        .collect();
    let unreconcilable = run
        .after_reconcile
        .new
        .iter()
        .filter(|e| exposed.contains(&ledger::kind_key(e)) && !ledger::findable(e, &run.known))
        .map(|e| {
            format!(
                "{} {} not findable",
                ledger::kind_key(e),
                e["id"].as_str().unwrap_or("")
            )
        })
        .collect();
    let outcome = match &run.result {
        Ok(v) => format!("ok ({})", v["status"].as_str().unwrap_or("?")),
        Err(e) => format!(
            "{} retryable={} ids=[{}] then: {}",
            e["code"].as_str().unwrap_or("?"),
            e["retryable"],
            [
                "connector_order_id",
                "connector_transaction_id",
                "connector_refund_id"
            ]
            .iter()
            .filter_map(|k| e
                .get(*k)
                .and_then(Value::as_str)
                .map(|v| format!("{k}={v}")))
            .collect::<Vec<_>>()
            .join(", "),
            if run.actions.is_empty() {
                "nothing".to_string()
            } else {
                run.actions.join("; ")
            }
        ),
    };
    Verdict {
        name,
        double: ledger::excess(&baseline.after_reconcile, &run.after_reconcile),
        unreconcilable,
        untyped: run.untyped.clone(),
        panicked: false,
        setup_error: None,
        outcome,
    }
}

/// The matrix's totals.
#[derive(Clone, Debug, Default)]
pub struct MatrixReport {
    pub flows: usize,
    pub cases: usize,
    pub double_effects: usize,
    pub unreconcilable: usize,
    pub untyped: usize,
    pub panics: usize,
    pub setup_failures: Vec<String>,
    pub findings: Vec<String>,
}

/// Which part of the matrix to run.
#[derive(Clone, Debug)]
pub struct Selection {
    /// Only flows whose name contains one of these (empty: all).
    pub filters: Vec<String>,
    /// Only these faults (empty: all).
    pub faults: Vec<String>,
    /// Only the first exchange of each flow.
    pub first_exchange_only: bool,
    pub concurrency: usize,
    /// Print each case as it finishes.
    pub verbose: bool,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            filters: Vec::new(),
            faults: Vec::new(),
            first_exchange_only: false,
            concurrency: 6,
            verbose: false,
        }
    }
}

async fn guarded<F, T>(f: F) -> Result<T, String>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    tokio::spawn(f).await.map_err(|e| {
        if e.is_panic() {
            "panic".to_string()
        } else {
            e.to_string()
        }
    })
}

/// Runs the matrix.
pub async fn run(selection: &Selection) -> MatrixReport {
    let mut report = MatrixReport::default();
    let flows: Vec<WriteFlow> = write_flows()
        .into_iter()
        .filter(|f| {
            selection.filters.is_empty() || selection.filters.iter().any(|x| f.name().contains(x))
        })
        .collect();
    let faults: Vec<FaultSpec> = faults()
        .into_iter()
        .filter(|f| selection.faults.is_empty() || selection.faults.iter().any(|x| x == f.name))
        .collect();
    report.flows = flows.len();
    let gate = Arc::new(Semaphore::new(selection.concurrency.max(1)));

    // The runs without a fault first: they give each flow's exchanges and its effect once.
    let mut baselines = Vec::new();
    for flow in &flows {
        let gate = gate.clone();
        let f = flow.clone();
        baselines.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await;
            guarded(async move { run_flow(&f, None).await }).await
        }));
    }
    let mut cases = Vec::new();
    for (flow, handle) in flows.iter().zip(baselines) {
        let baseline = match handle.await.map_err(|e| e.to_string()).and_then(|r| r) {
            Ok(Ok(run)) if run.result.is_ok() => Arc::new(run),
            Ok(Ok(run)) => {
                report.setup_failures.push(format!(
                    "{}: fails without a fault: {}",
                    flow.name(),
                    run.result.unwrap_err()
                ));
                continue;
            }
            Ok(Err(e)) | Err(e) => {
                if e == "panic" {
                    report.panics += 1;
                }
                report.setup_failures.push(format!(
                    "{} ({}): {e}",
                    flow.name(),
                    flow.scenario_name
                ));
                continue;
            }
        };
        let exchanges = if selection.first_exchange_only {
            1.min(baseline.exchanges.len())
        } else {
            baseline.exchanges.len()
        };
        for exchange in 0..exchanges {
            for spec in &faults {
                let name = format!(
                    "{} | exchange {} {} | {}",
                    flow.name(),
                    exchange + 1,
                    baseline.exchanges[exchange],
                    spec.name
                );
                let gate = gate.clone();
                let f = flow.clone();
                let spec = spec.clone();
                let baseline = baseline.clone();
                cases.push(tokio::spawn(async move {
                    let _permit = gate.acquire_owned().await;
                    let run =
                        guarded(async move { run_flow(&f, Some((&spec, exchange))).await }).await;
                    match run {
                        Ok(Ok(run)) => judge(name, &baseline, &run),
                        Ok(Err(e)) => Verdict {
                            name,
                            double: vec![],
                            unreconcilable: vec![],
                            untyped: vec![],
                            panicked: false,
                            setup_error: Some(e),
                            outcome: String::new(),
                        },
                        Err(e) => Verdict {
                            name,
                            double: vec![],
                            unreconcilable: vec![],
                            untyped: vec![],
                            panicked: e == "panic",
                            setup_error: Some(e),
                            outcome: String::new(),
                        },
                    }
                }));
            }
        }
    }
    for handle in cases {
        let Ok(v) = handle.await else {
            report.panics += 1;
            continue;
        };
        report.cases += 1;
        if selection.verbose {
            eprintln!("  {} => {}", v.name, v.outcome);
        }
        if v.panicked {
            report.panics += 1;
            report.findings.push(format!("PANIC {}", v.name));
        }
        if let Some(e) = &v.setup_error {
            if !v.panicked {
                report.setup_failures.push(format!("{}: {e}", v.name));
            }
            continue;
        }
        if !v.double.is_empty() {
            report.double_effects += 1;
            report.findings.push(format!(
                "DOUBLE EFFECT {}: {} [{}]",
                v.name,
                v.double.join("; "),
                v.outcome
            ));
        }
        if !v.unreconcilable.is_empty() {
            report.unreconcilable += 1;
            report.findings.push(format!(
                "UNRECONCILABLE {}: {} [{}]",
                v.name,
                v.unreconcilable.join("; "),
                v.outcome
            ));
        }
        if !v.untyped.is_empty() {
            report.untyped += v.untyped.len();
            report
                .findings
                .push(format!("UNTYPED {}: {}", v.name, v.untyped.join("; ")));
        }
    }
    report
}
