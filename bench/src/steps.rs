//! The sans-IO step matrix: per connector and flow, the typed Rust cost of building the
//! request (the first step) and of parsing the response (the last step), and the fixtures the
//! bindings' benchmarks replay. Each flow is first run for real against the in-process sandbox
//! (with a small blocking HTTP/1.1 sender), so the responses parsed are the sandbox's own.

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use connector_sandbox::Sandbox;
use connector_service::json::JsonConnector;
use connector_service::*;
use serde_json::{json, Value};

/// A card authorization (manual capture) that each connector's sandbox approves.
fn authorize_request(connector: &str) -> Value {
    let (minor_units, currency, number) = match connector {
        "adyen" => (10000, "USD", "5101180000000007"),
        "checkout" => (6540, "USD", "4242424242424242"),
        "elavon" => (10000, "USD", "4124939999999990"),
        "fiserv" => (10000, "USD", "4012001928706700"),
        "razorpay" => (50000, "INR", "4111111111111111"),
        _ => (1000000, "IDR", "4000000000000002"),
    };
    json!({
        "amount": {"minor_units": minor_units, "currency": currency},
        "merchant_reference": format!("bench-{connector}"),
        "capture_method": "manual",
        "payment_method": {"type": "card", "number": number, "expiry_month": 12, "expiry_year": 2030,
                           "cvc": "123", "holder_name": "Jane Doe"},
        "customer": {"email": "jane@example.com", "phone": "+6281234567890"},
        "billing_address": {"line1": "1 Peachtree St", "postal_code": "30303", "country": "US"},
        "return_url": "https://shop.example/return",
    })
}

/// Sends one request with a fresh connection; the sandbox answers with a Content-Length body.
fn send(request: &HttpRequest) -> HttpResponse {
    let rest = request
        .url
        .strip_prefix("http://")
        .expect("sandbox URLs are http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).expect("connect to the sandbox");
    let body = request
        .body
        .as_ref()
        .map(|b| b.0.clone())
        .unwrap_or_default();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        request.method.as_str(),
        if path.is_empty() { "/" } else { path },
        body.len()
    );
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write");
    stream.write_all(&body).expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head")
        + 4;
    let head = String::from_utf8_lossy(&raw[..split - 4]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let mut response = HttpResponse::new(status, raw[split..].to_vec());
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            response = response.with_header(name.trim(), value.trim());
        }
    }
    response
}

/// Runs operation `op` to its end; returns the responses received and the result JSON.
fn drive(
    connector: &JsonConnector,
    op: &str,
    request: &Value,
    key: &str,
) -> Option<(Vec<HttpResponse>, Value)> {
    let request = request.to_string();
    let mut responses: Vec<HttpResponse> = Vec::new();
    for _ in 0..8 {
        let responses_json = serde_json::to_string(&responses).expect("responses");
        let out: Value = match connector.step(op, &request, &responses_json, Some(key)) {
            Ok(out) => serde_json::from_str(&out).expect("step output"),
            Err(e) => {
                eprintln!("  {op}: {} (not measured)", e.message);
                return None;
            }
        };
        if out["type"] == "done" {
            return Some((responses, out["response"].clone()));
        }
        let http: HttpRequest = serde_json::from_value(out["request"].clone()).expect("request");
        responses.push(tokio::task::block_in_place(|| send(&http)));
    }
    None
}

fn ns_per_op(budget: Duration, mut f: impl FnMut()) -> f64 {
    for _ in 0..200 {
        f(); // warm-up
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..50 {
            f();
        }
        n += 50;
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

pub async fn run(path: &str) {
    let budget = Duration::from_millis(
        std::env::var("BENCH_STEP_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300),
    );
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut connectors = Vec::new();
    println!("== sans-IO step, typed Rust (ns per step)");
    println!(
        "{:<10} {:<28} {:>10} {:>10}",
        "connector", "flow", "build", "parse"
    );
    for name in [
        "adyen", "checkout", "razorpay", "fiserv", "elavon", "xendit",
    ] {
        let config =
            json!({"connector": sandbox.credentials()[name], "base_url": sandbox.url(name)});
        let json_connector = JsonConnector::new(&config.to_string()).expect("connector");
        let typed: ClientConfig = serde_json::from_value(config.clone()).expect("config");
        let connector = typed.build_connector().expect("connector");
        let mut flows = Vec::new();
        let mut plan: Vec<(String, Value)> =
            vec![("payments.authorize".into(), authorize_request(name))];
        let mut i = 0;
        while i < plan.len() {
            let (op, request) = plan[i].clone();
            i += 1;
            let key = format!("bench-{name}-{i}");
            let Some((responses, result)) = drive(&json_connector, &op, &request, &key) else {
                continue;
            };
            if op == "payments.authorize" && flows.is_empty() {
                if let Some(id) = result["connector_transaction_id"].as_str() {
                    let amount = request["amount"].clone();
                    plan.push((
                        "payments.get".into(),
                        json!({"connector_transaction_id": id, "capture_method": "manual"}),
                    ));
                    plan.push((
                        "payments.capture".into(),
                        json!({"connector_transaction_id": id, "amount": amount}),
                    ));
                    plan.push((
                        "payments.refund".into(),
                        json!({"connector_transaction_id": id, "amount": amount}),
                    ));
                }
                // Void an authorization of its own (the first one gets captured).
                if let Some((_, auth)) = drive(&json_connector, &op, &request, &format!("{key}-v"))
                {
                    plan.push((
                        "payments.void".into(),
                        json!({"connector_transaction_id": auth["connector_transaction_id"]}),
                    ));
                }
            }
            if op == "payments.refund" {
                if let (Some(refund), Some(id)) = (
                    result["connector_refund_id"].as_str(),
                    request["connector_transaction_id"].as_str(),
                ) {
                    plan.push((
                        "refunds.get".into(),
                        json!({"connector_refund_id": refund, "connector_transaction_id": id}),
                    ));
                }
            }
            let flow_request =
                FlowRequest::from_json(&op, &request.to_string()).expect("typed request");
            let cx = FlowContext::new(key.as_str());
            let build_ns = ns_per_op(budget, || {
                black_box(
                    flow_request
                        .step(connector.as_ref(), &cx, &[])
                        .expect("build"),
                );
            });
            let parse_ns = ns_per_op(budget, || {
                black_box(
                    flow_request
                        .step(connector.as_ref(), &cx, &responses)
                        .expect("parse"),
                );
            });
            println!("{name:<10} {op:<28} {build_ns:>10.0} {parse_ns:>10.0}");
            flows.push(json!({
                "op": op, "request": request, "idempotency_key": key,
                "responses": responses, "rust_build_ns": build_ns, "rust_parse_ns": parse_ns,
            }));
        }
        connectors.push(json!({"name": name, "config": config, "flows": flows}));
    }
    std::fs::write(
        path,
        serde_json::to_string_pretty(&json!({"connectors": connectors})).expect("json"),
    )
    .expect("write the step figures");
}
