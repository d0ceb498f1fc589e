//! The retry policy, driven through the real client with a scripted transport: retries happen
//! only where they cannot act twice at the processor.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use connector_service::connectors::adyen::AdyenConfig;
use connector_service::connectors::razorpay::RazorpayConfig;
use connector_service::transport::{SendFuture, TransportError, TransportErrorKind};
use connector_service::*;

/// What the scripted transport answers to each attempt, in order.
enum Answer {
    Response(u16, &'static str, Option<&'static str>),
    Fail(TransportErrorKind),
}

#[derive(Default)]
struct Scripted {
    answers: Mutex<VecDeque<Answer>>,
    sent: Mutex<Vec<HttpRequest>>,
}

impl HttpTransport for Scripted {
    fn send<'a>(&'a self, request: &'a HttpRequest, _timeout: Duration) -> SendFuture<'a> {
        self.sent.lock().unwrap().push(request.clone());
        let answer = self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .expect("an answer is scripted for every attempt");
        Box::pin(async move {
            match answer {
                Answer::Response(status, body, retry_after) => {
                    let mut response = HttpResponse::new(status, body.as_bytes().to_vec());
                    if let Some(after) = retry_after {
                        response = response.with_header("Retry-After", after);
                    }
                    Ok(response)
                }
                Answer::Fail(kind) => Err(TransportError {
                    kind,
                    message: "scripted failure".into(),
                }),
            }
        })
    }
}

fn fast_retries() -> TransportOptions {
    TransportOptions {
        retry: RetryOptions {
            enabled: true,
            max_attempts: 3,
            initial_backoff_ms: 1,
            max_backoff_ms: 20,
        },
        ..Default::default()
    }
}

fn client(config: impl Into<ConnectorConfig>, answers: Vec<Answer>) -> (Client, Arc<Scripted>) {
    let transport = Arc::new(Scripted {
        answers: Mutex::new(answers.into()),
        ..Default::default()
    });
    let config = ClientConfig::new(config)
        .base_url("http://processor.test")
        .transport(fast_retries());
    (
        Client::with_transport(config, transport.clone()).unwrap(),
        transport,
    )
}

fn adyen(answers: Vec<Answer>) -> (Client, Arc<Scripted>) {
    client(AdyenConfig::new("key", "Merchant"), answers)
}

fn razorpay(answers: Vec<Answer>) -> (Client, Arc<Scripted>) {
    client(RazorpayConfig::new("rzp_test_key", "secret"), answers)
}

fn adyen_authorize() -> AuthorizeRequest {
    let mut card = Card::new(CardNumber::new("4111111111111111").unwrap(), 3, 2030);
    card.cvc = Some(Secret::new("737".into()));
    let mut r = AuthorizeRequest::new(
        Money::new(1000, Currency::EUR),
        "order-1",
        PaymentMethod::Card(card),
    );
    r.return_url = Some("https://shop.example/return".into());
    r
}

fn razorpay_refund() -> RefundRequest {
    RefundRequest {
        connector_transaction_id: "pay_FVmAstJWfsD3SO".into(),
        amount: Money::new(100, Currency::INR),
        merchant_refund_reference: None,
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Default::default(),
    }
}

const AUTHORISED: &str = r#"{"pspReference":"V4HZ4RBFJGXXGN82","resultCode":"Authorised","merchantReference":"order-1"}"#;
const UNAVAILABLE: &str =
    r#"{"status":503,"errorCode":"000","message":"Service unavailable","errorType":"internal"}"#;
const REFUND: &str = r#"{"id":"rfnd_1","entity":"refund","amount":100,"currency":"INR","payment_id":"pay_FVmAstJWfsD3SO","status":"processed"}"#;
const RZP_SERVER_ERROR: &str =
    r#"{"error":{"code":"SERVER_ERROR","description":"The server encountered an error"}}"#;

#[tokio::test]
async fn deduplicated_requests_are_retried_with_the_same_idempotency_key() {
    let (client, transport) = adyen(vec![
        Answer::Response(503, UNAVAILABLE, None),
        Answer::Fail(TransportErrorKind::Timeout),
        Answer::Response(200, AUTHORISED, None),
    ]);
    let payment = client
        .payments()
        .authorize(adyen_authorize())
        .await
        .unwrap();
    assert_eq!(payment.status, PaymentStatus::Charged);
    let sent = transport.sent.lock().unwrap();
    assert_eq!(sent.len(), 3);
    let keys: Vec<&str> = sent
        .iter()
        .map(|r| r.headers["Idempotency-Key"].as_str())
        .collect();
    assert!(
        keys.iter().all(|k| *k == keys[0]),
        "one key for every attempt: {keys:?}"
    );
    assert_eq!(payment.idempotency_key.as_deref(), Some(keys[0]));
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_error_is_returned() {
    let (client, transport) = adyen(vec![
        Answer::Response(503, UNAVAILABLE, None),
        Answer::Response(503, UNAVAILABLE, None),
        Answer::Response(503, UNAVAILABLE, None),
    ]);
    let err = client
        .payments()
        .authorize(adyen_authorize())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::ProcessorUnavailable);
    assert_eq!(err.http_status, Some(503));
    assert!(err.retryable);
    assert!(err.idempotency_key.is_some());
    assert_eq!(transport.sent.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_request_that_may_have_reached_a_processor_without_idempotency_is_never_resent() {
    for failure in [
        Answer::Fail(TransportErrorKind::Timeout),
        Answer::Fail(TransportErrorKind::Io),
        Answer::Response(500, RZP_SERVER_ERROR, None),
        Answer::Response(503, "", None),
    ] {
        let (client, transport) = razorpay(vec![failure, Answer::Response(200, REFUND, None)]);
        let err = client
            .payments()
            .refund(razorpay_refund())
            .await
            .unwrap_err();
        assert!(err.code.is_transient(), "{err}");
        assert_eq!(
            transport.sent.lock().unwrap().len(),
            1,
            "a refund POST was resent after {err}"
        );
    }
}

#[tokio::test]
async fn a_request_that_was_never_sent_is_retried_even_without_idempotency() {
    let (client, transport) = razorpay(vec![
        Answer::Fail(TransportErrorKind::Connect),
        Answer::Response(200, REFUND, None),
    ]);
    let refund = client.payments().refund(razorpay_refund()).await.unwrap();
    assert_eq!(refund.status, RefundStatus::Success);
    assert_eq!(transport.sent.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured_and_a_long_one_ends_the_retries() {
    let (client, transport) = adyen(vec![
        Answer::Response(429, "", Some("0")),
        Answer::Response(200, AUTHORISED, None),
    ]);
    assert_eq!(
        client
            .payments()
            .authorize(adyen_authorize())
            .await
            .unwrap()
            .status,
        PaymentStatus::Charged
    );
    assert_eq!(transport.sent.lock().unwrap().len(), 2);

    let (client, transport) = adyen(vec![Answer::Response(429, "", Some("120"))]);
    let err = client
        .payments()
        .authorize(adyen_authorize())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::RateLimited);
    assert_eq!(transport.sent.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn retries_can_be_disabled_per_call() {
    let (client, transport) = adyen(vec![Answer::Response(503, UNAVAILABLE, None)]);
    let err = client
        .payments()
        .with_options(CallOptions {
            retry: Some(false),
            ..Default::default()
        })
        .authorize(adyen_authorize())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::ProcessorUnavailable);
    assert_eq!(transport.sent.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn errors_that_retrying_cannot_fix_are_not_retried() {
    let unauthorized = r#"{"status":401,"errorCode":"000","message":"HTTP Status Response - Unauthorized","errorType":"security"}"#;
    let (client, transport) = adyen(vec![Answer::Response(401, unauthorized, None)]);
    let err = client
        .payments()
        .authorize(adyen_authorize())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Authentication);
    assert!(!err.retryable);
    assert_eq!(transport.sent.lock().unwrap().len(), 1);
}
