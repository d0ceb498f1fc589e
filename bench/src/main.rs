//! `make bench`: figures for the sans-IO layer, webhook verification, and end-to-end calls
//! against the in-process sandbox. Numbers are printed, never asserted.
//!
//! `--steps PATH`: only the sans-IO step matrix (every connector and flow, typed Rust cost of
//! building the request and of parsing the response), written to PATH as JSON together with
//! the fixtures (configuration, request, recorded responses) that the Python and Node
//! benchmarks (`bench/step.py`, `bench/step.mjs`) replay through their bindings.

use std::hint::black_box;
use std::time::{Duration, Instant};

use connector_sandbox::Sandbox;
use connector_service::*;

mod steps;

fn card() -> PaymentMethod {
    let mut card = Card::new(CardNumber::new("4111111111111111").expect("valid"), 3, 2030);
    card.cvc = Some(Secret::new("737".into()));
    PaymentMethod::Card(card)
}

fn authorize_request(i: usize) -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(
        Money::new(1000 + i as i64, Currency::EUR),
        format!("bench-{i}"),
        card(),
    );
    r.return_url = Some("https://shop.example/return".into());
    r
}

/// Runs `f` repeatedly for about `budget` and prints the time per call.
fn per_op(label: &str, budget: Duration, mut f: impl FnMut(usize)) {
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < budget {
        for _ in 0..100 {
            f(n);
            n += 1;
        }
    }
    let ns = start.elapsed().as_nanos() as f64 / n as f64;
    println!("{label:<52} {:>10.0} ns/op  ({n} ops)", ns);
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(path) = args
        .iter()
        .position(|a| a == "--steps")
        .and_then(|i| args.get(i + 1))
    {
        steps::run(path).await;
        return;
    }
    let sandbox = Sandbox::start().await.expect("sandbox");
    let config: ClientConfig = serde_json::from_value(serde_json::json!({
        "connector": sandbox.credentials()["adyen"],
        "base_url": sandbox.url("adyen"),
    }))
    .expect("config");
    let connector = config.build_connector().expect("connector");
    let budget = Duration::from_millis(700);

    println!("== sans-IO (Adyen), single thread");
    let cx = FlowContext::new("bench-key");
    per_op("build authorize request", budget, |i| {
        let req = FlowRequest::Authorize(authorize_request(i));
        black_box(req.step(connector.as_ref(), &cx, &[]).expect("build"));
    });
    let approved = HttpResponse::new(
        200,
        br#"{"pspReference":"V4HZ4RBFJGXXGN82","resultCode":"Authorised","merchantReference":"bench","amount":{"value":1000,"currency":"EUR"},"additionalData":{"authCode":"044925","networkTxReference":"MCC123"}}"#.to_vec(),
    );
    let responses = [approved];
    let req = FlowRequest::Authorize(authorize_request(0));
    per_op("parse authorize response", budget, |_| {
        black_box(
            req.step(connector.as_ref(), &cx, &responses)
                .expect("parse"),
        );
    });
    let json_connector = connector_service::json::JsonConnector::new(
        &serde_json::json!({"connector": sandbox.credentials()["adyen"], "base_url": sandbox.url("adyen")}).to_string(),
    )
    .expect("json connector");
    let request_json = serde_json::json!({
        "amount": {"minor_units": 1000, "currency": "EUR"}, "merchant_reference": "bench",
        "return_url": "https://shop.example/return",
        "payment_method": {"type": "card", "number": "4111111111111111", "expiry_month": 3, "expiry_year": 2030, "cvc": "737"}
    })
    .to_string();
    per_op(
        "build via the JSON interface (what bindings pay)",
        budget,
        |_| {
            black_box(
                json_connector
                    .step("payments.authorize", &request_json, "", Some("k"))
                    .expect("step"),
            );
        },
    );

    println!("\n== end to end against the in-process sandbox (loopback HTTP)");
    let client = Client::new(config).expect("client");
    for concurrency in [1usize, 16, 64] {
        let total = 400usize;
        let start = Instant::now();
        let mut latencies = Vec::with_capacity(total);
        let mut i = 0;
        while i < total {
            let batch: Vec<_> = (i..(i + concurrency).min(total))
                .map(|n| {
                    let client = client.clone();
                    tokio::spawn(async move {
                        let t = Instant::now();
                        let r = client
                            .payments()
                            .authorize(authorize_request(n))
                            .await
                            .expect("authorize");
                        assert_eq!(r.status, PaymentStatus::Charged);
                        t.elapsed()
                    })
                })
                .collect();
            for handle in batch {
                latencies.push(handle.await.expect("task"));
            }
            i += concurrency;
        }
        let elapsed = start.elapsed();
        latencies.sort();
        println!(
            "authorize, concurrency {concurrency:<3} {:>8.0} calls/s   p50 {:>7.2} ms   p99 {:>7.2} ms",
            total as f64 / elapsed.as_secs_f64(),
            percentile(&latencies, 0.50).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        );
    }
    if let Some(rss) = rss_kib() {
        println!(
            "\nresident memory after the runs (sandbox included): {} MiB",
            rss / 1024
        );
    }
}
