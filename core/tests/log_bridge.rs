//! The log bridge (feature `log-bridge`, used by the bindings): a full call at TRACE level
//! reaches the sink with the span's fields, and no record carries the card number, the CVC or
//! the API key. Run with `cargo test -p connector-service --features log-bridge --test log_bridge`.
#![cfg(feature = "log-bridge")]

use std::sync::{Arc, Mutex};

use connector_sandbox::Sandbox;
use connector_service::connectors::adyen::AdyenConfig;
use connector_service::observe::log_bridge::{self, LogRecord, LogSink};
use connector_service::*;

#[derive(Default)]
struct Sink(Mutex<Vec<LogRecord>>);

impl LogSink for Sink {
    fn log(&self, record: LogRecord) {
        self.0.lock().unwrap().push(record);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_records_reach_the_sink_without_secrets() {
    let sink = Arc::new(Sink::default());
    log_bridge::install(Some(sink.clone()), "connector_service=info").unwrap();
    // RUST_LOG may be set by whoever runs the tests: the explicit filter wins.
    log_bridge::set_filter("connector_service=trace").unwrap();

    let sandbox = Sandbox::start().await.unwrap();
    let creds = sandbox.credentials()["adyen"].clone();
    let api_key = creds["api_key"].as_str().unwrap().to_string();
    let config: AdyenConfig = serde_json::from_value({
        let mut c = creds.clone();
        c.as_object_mut().unwrap().remove("type");
        c
    })
    .unwrap();
    let client = Client::new(ClientConfig::new(config).base_url(sandbox.url("adyen"))).unwrap();
    let mut card = Card::new(CardNumber::new("4111111111111111").unwrap(), 3, 2030);
    card.cvc = Some(Secret::new("737".into()));
    let mut request = AuthorizeRequest::new(
        Money::new(2000, Currency::EUR),
        "order-log-bridge",
        PaymentMethod::Card(card),
    );
    request.return_url = Some("https://shop.example/return".into());
    client.payments().authorize(request).await.unwrap();

    let records = sink.0.lock().unwrap().clone();
    assert!(
        records.iter().any(|r| r.message == "request body"),
        "{records:?}"
    );
    let sending = records
        .iter()
        .find(|r| r.message == "sending request")
        .expect("a debug record of the request");
    let field = |name: &str| {
        sending
            .fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("connector"), Some("adyen"));
    assert_eq!(field("operation"), Some("payments.authorize"));
    assert!(field("idempotency_key").is_some());
    assert_eq!(sending.level_name(), "debug");
    assert!(sending.target.starts_with("connector_service"));

    for record in &records {
        let text = format!("{} {}", record.target, record.formatted());
        for secret in ["4111111111111111", api_key.as_str()] {
            assert!(!text.contains(secret), "secret in {text}");
        }
        for cvc in ["\"737\"", "=737", ": 737", ":737"] {
            assert!(!text.contains(cvc), "CVC in {text}");
        }
    }

    // Removing the sink stops forwarding.
    log_bridge::install(None, "connector_service=info").unwrap();
    let before = sink.0.lock().unwrap().len();
    tracing::warn!(target: "connector_service::test", "not forwarded");
    assert_eq!(sink.0.lock().unwrap().len(), before);
}
