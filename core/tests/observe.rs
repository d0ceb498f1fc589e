//! Per-call observability: the observer receives a record of every call (fields present,
//! secrets absent), retries are counted, a panicking observer never fails a call, and the
//! `connector_call` span carries the same fields.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use connector_sandbox::Sandbox;
use connector_service::connectors::adyen::AdyenConfig;
use connector_service::transport::{SendFuture, TransportError, TransportErrorKind};
use connector_service::*;

/// Held by every test that makes calls: `tracing` caches per call site whether a span is
/// wanted, and a call on another test's thread while the span test installs its subscriber
/// could cache "no" for `connector_call` after the subscriber's own check (a flaky failure).
static CALLS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const PAN: &str = "4111111111111111";
const CVC: &str = "737";

#[derive(Default)]
struct Records(Mutex<Vec<CallRecord>>);

impl CallObserver for Records {
    fn on_call(&self, record: &CallRecord) {
        self.0.lock().unwrap().push(record.clone());
    }
}

fn card(holder: &str) -> PaymentMethod {
    let mut card = Card::new(CardNumber::new(PAN).unwrap(), 3, 2030);
    card.cvc = Some(Secret::new(CVC.to_string()));
    card.holder_name = Some(holder.to_string());
    PaymentMethod::Card(card)
}

fn authorize(holder: &str) -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(
        Money::new(2000, Currency::EUR),
        format!("order-{}", uuid::Uuid::new_v4()),
        card(holder),
    );
    r.return_url = Some("https://shop.example/return".into());
    r
}

fn adyen_config(sandbox: &Sandbox) -> (AdyenConfig, String) {
    let creds = sandbox.credentials()["adyen"].clone();
    let api_key = creds["api_key"].as_str().unwrap().to_string();
    let config: AdyenConfig = serde_json::from_value({
        let mut c = creds.clone();
        c.as_object_mut().unwrap().remove("type");
        c
    })
    .unwrap();
    (config, api_key)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_observer_gets_every_call_with_its_fields_and_no_secret() {
    let _calls = CALLS.lock().await;
    let sandbox = Sandbox::start().await.unwrap();
    let (mut config, api_key) = adyen_config(&sandbox);
    let records = Arc::new(Records::default());
    let client = Client::new(ClientConfig::new(config.clone()).base_url(sandbox.url("adyen")))
        .unwrap()
        .with_observer(records.clone());

    let mut request = authorize("John Smith");
    request.idempotency_key = Some("idem-observe-1".into());
    let payment = client.payments().authorize(request).await.unwrap();
    let declined = client
        .payments()
        .authorize(authorize("DECLINED"))
        .await
        .unwrap();
    assert!(declined.is_declined());
    let mut invalid = authorize("John Smith");
    invalid.amount = Money::new(-1, Currency::EUR);
    let invalid_err = client.payments().authorize(invalid).await.unwrap_err();

    config.api_key = Secret::new("wrong-key-value".into());
    let bad = Client::new(ClientConfig::new(config).base_url(sandbox.url("adyen")))
        .unwrap()
        .with_observer(records.clone());
    let auth_err = bad
        .payments()
        .authorize(authorize("John Smith"))
        .await
        .unwrap_err();
    assert_eq!(auth_err.code, ErrorCode::Authentication);

    let records = records.0.lock().unwrap().clone();
    assert_eq!(records.len(), 4, "{records:?}");

    let ok = &records[0];
    assert_eq!(ok.connector, ConnectorName::Adyen);
    assert_eq!(ok.operation, "payments.authorize");
    assert_eq!(ok.flow, Flow::Authorize);
    assert_eq!(ok.status.as_deref(), Some(ok.outcome.as_str()));
    assert_eq!(
        ok.status.as_deref(),
        Some(
            serde_json::to_value(payment.status)
                .unwrap()
                .as_str()
                .unwrap()
        )
    );
    assert_eq!(ok.error_code, None);
    assert_eq!(ok.http_status, Some(200));
    assert_eq!(ok.attempts, 1);
    assert!(ok.latency_us > 0);
    assert_eq!(ok.idempotency_key, "idem-observe-1");
    assert_eq!(ok.request_id, payment.request_id);

    let decline = &records[1];
    assert_eq!(decline.outcome, "failure");
    assert_eq!(decline.error_code, None);
    assert!(!decline.idempotency_key.is_empty());

    let invalid = &records[2];
    assert_eq!(invalid.error_code, Some(invalid_err.code));
    assert_eq!(invalid.outcome, invalid_err.code.as_str());
    assert_eq!(invalid.attempts, 0, "an invalid request is never sent");
    assert_eq!(invalid.http_status, None);
    assert_eq!(invalid.status, None);

    let unauthorized = &records[3];
    assert_eq!(unauthorized.outcome, "authentication");
    assert_eq!(unauthorized.error_code, Some(ErrorCode::Authentication));
    assert_eq!(unauthorized.http_status, Some(401));
    assert_eq!(unauthorized.attempts, 1);
    assert_eq!(
        Some(unauthorized.idempotency_key.as_str()),
        auth_err.idempotency_key.as_deref()
    );

    for record in &records {
        let json = serde_json::to_string(record).unwrap();
        let debug = format!("{record:?}");
        for text in [&json, &debug] {
            for secret in [PAN, api_key.as_str(), "wrong-key-value", "John Smith"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
            assert!(!text.contains(&format!("\"{CVC}\"")), "CVC in {text}");
        }
    }
}

/// A transport failing with a connection error (never sent) before answering.
struct FailsThenAnswers {
    answers: Mutex<VecDeque<Option<(u16, &'static str)>>>,
}

impl HttpTransport for FailsThenAnswers {
    fn send<'a>(&'a self, _request: &'a HttpRequest, _timeout: Duration) -> SendFuture<'a> {
        let answer = self.answers.lock().unwrap().pop_front().expect("scripted");
        Box::pin(async move {
            match answer {
                Some((status, body)) => Ok(HttpResponse::new(status, body.as_bytes().to_vec())),
                None => Err(TransportError {
                    kind: TransportErrorKind::Connect,
                    message: "scripted failure".into(),
                }),
            }
        })
    }
}

#[tokio::test]
async fn retries_are_counted_and_a_panicking_observer_does_not_fail_the_call() {
    let _calls = CALLS.lock().await;
    let transport = Arc::new(FailsThenAnswers {
        answers: Mutex::new(VecDeque::from([
            None,
            None,
            Some((
                200,
                r#"{"pspReference":"PSP1","resultCode":"Authorised","merchantReference":"r"}"#,
            )),
        ])),
    });
    let mut config = ClientConfig::new(AdyenConfig::new("API-KEY-SECRET", "Merchant"))
        .base_url("http://127.0.0.1:9/adyen");
    config.transport.retry = RetryOptions {
        enabled: true,
        max_attempts: 3,
        initial_backoff_ms: 1,
        max_backoff_ms: 5,
    };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let client = Client::with_transport(config, transport)
        .unwrap()
        .with_observer(Arc::new(move |record: &CallRecord| {
            sink.lock().unwrap().push(record.clone());
            panic!("an observer bug");
        }));
    let payment = client
        .payments()
        .authorize(authorize("John Smith"))
        .await
        .unwrap();
    assert_eq!(payment.connector_transaction_id.as_deref(), Some("PSP1"));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].attempts, 3);
    assert_eq!(seen[0].http_status, Some(200));
    assert!(!format!("{:?}", seen[0]).contains("API-KEY-SECRET"));
}

/// A processor that never answers.
struct NeverAnswers;

impl HttpTransport for NeverAnswers {
    fn send<'a>(&'a self, _request: &'a HttpRequest, _timeout: Duration) -> SendFuture<'a> {
        Box::pin(std::future::pending())
    }
}

/// A client over `transport` whose records are kept.
fn recorded(transport: Arc<dyn HttpTransport>) -> (Client, Arc<Records>) {
    let config = ClientConfig::new(AdyenConfig::new("API-KEY-SECRET", "Merchant"))
        .base_url("http://127.0.0.1:9/adyen");
    let records = Arc::new(Records::default());
    let client = Client::with_transport(config, transport)
        .unwrap()
        .with_observer(records.clone());
    (client, records)
}

#[tokio::test]
async fn a_call_given_up_by_its_caller_is_reported_as_cancelled() {
    let _calls = CALLS.lock().await;
    let (client, records) = recorded(Arc::new(NeverAnswers));
    let mut request = authorize("John Smith");
    request.idempotency_key = Some("cancelled-key-1".into());
    // The caller stops waiting (as a cancelled task, coroutine or aborted signal does): the
    // call's future is dropped while its request is in flight.
    let gave_up = tokio::time::timeout(
        Duration::from_millis(50),
        client.payments().authorize(request),
    )
    .await;
    assert!(gave_up.is_err());
    {
        let seen = records.0.lock().unwrap();
        assert_eq!(seen.len(), 1, "{seen:?}");
        let record = &seen[0];
        assert_eq!(record.outcome, "cancelled");
        assert_eq!(record.operation, "payments.authorize");
        assert_eq!(record.status, None);
        assert_eq!(record.error_code, None);
        assert_eq!(record.attempts, 1);
        assert_eq!(record.http_status, None);
        assert_eq!(record.idempotency_key, "cancelled-key-1");
        assert!(record.latency_us >= 50_000, "{}", record.latency_us);
        assert!(!format!("{record:?}").contains("API-KEY-SECRET"));
    }

    // A call that ends is reported once, not again as cancelled when its future is dropped.
    let (client, records) = recorded(Arc::new(FailsThenAnswers {
        answers: Mutex::new(VecDeque::from([Some((
            200,
            r#"{"pspReference":"PSP2","resultCode":"Authorised","merchantReference":"r"}"#,
        ))])),
    }));
    client
        .payments()
        .authorize(authorize("John Smith"))
        .await
        .unwrap();
    let outcomes: Vec<String> = records
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.outcome.clone())
        .collect();
    assert_eq!(outcomes, ["charged"]);
}

#[test]
fn the_record_is_in_the_api_schema() {
    let schema = json::api_schema();
    let record = &schema["definitions"]["CallRecord"];
    for field in [
        "connector",
        "operation",
        "flow",
        "outcome",
        "status",
        "error_code",
        "http_status",
        "attempts",
        "latency_us",
        "idempotency_key",
        "request_id",
    ] {
        assert!(
            record["properties"].get(field).is_some(),
            "{field} missing from {record}"
        );
    }
}

/// Collects the fields recorded on `connector_call` spans.
#[derive(Clone, Default)]
struct SpanFields(Arc<Mutex<Vec<(String, String)>>>);

struct Visitor<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push((
            field.name().to_string(),
            format!("{value:?}").trim_matches('"').to_string(),
        ));
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for SpanFields {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _id: &tracing::span::Id,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if attrs.metadata().name() == "connector_call" {
            attrs.record(&mut Visitor(&mut self.0.lock().unwrap()));
        }
    }

    fn on_record(
        &self,
        _id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        values.record(&mut Visitor(&mut self.0.lock().unwrap()));
    }
}

#[tokio::test]
async fn the_connector_call_span_carries_the_record_fields() {
    let _calls = CALLS.lock().await;
    use tracing_subscriber::layer::SubscriberExt;

    let fields = SpanFields::default();
    let subscriber = tracing_subscriber::registry().with(fields.clone());
    let _default = tracing::subscriber::set_default(subscriber);
    let transport = Arc::new(FailsThenAnswers {
        answers: Mutex::new(VecDeque::from([Some((
            200,
            r#"{"pspReference":"PSP2","resultCode":"Refused","refusalReason":"Refused","merchantReference":"r"}"#,
        ))])),
    });
    let config = ClientConfig::new(AdyenConfig::new("API-KEY-SECRET", "Merchant"))
        .base_url("http://127.0.0.1:9/adyen");
    let client = Client::with_transport(config, transport).unwrap();
    let mut request = authorize("John Smith");
    request.idempotency_key = Some("span-key".into());
    let payment = client.payments().authorize(request).await.unwrap();
    assert!(payment.is_declined());

    let fields = fields.0.lock().unwrap().clone();
    let get = |name: &str| {
        fields
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("connector").as_deref(), Some("adyen"));
    assert_eq!(get("operation").as_deref(), Some("payments.authorize"));
    assert_eq!(get("idempotency_key").as_deref(), Some("span-key"));
    assert_eq!(get("outcome").as_deref(), Some("failure"));
    assert_eq!(get("http_status").as_deref(), Some("200"));
    assert_eq!(get("attempts").as_deref(), Some("1"));
    assert!(get("latency_us").is_some());
    let all = format!("{fields:?}");
    assert!(!all.contains("API-KEY-SECRET") && !all.contains(PAN));
}
