//! Drives a full lifecycle against the sandbox with tracing at TRACE level and checks that no
//! card number, CVC, API key or webhook HMAC key appears in any log line, error text, Debug
//! output or serialized response.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use connector_sandbox::Sandbox;
use connector_service::connectors::adyen::AdyenConfig;
use connector_service::*;
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

const PANS: [&str; 2] = ["4111111111111111", "5555555555554444"];
const CVC: &str = "737";

fn card(number: &str, holder: &str) -> PaymentMethod {
    let mut card = Card::new(CardNumber::new(number).unwrap(), 3, 2030);
    card.cvc = Some(Secret::new(CVC.to_string()));
    card.holder_name = Some(holder.to_string());
    PaymentMethod::Card(card)
}

fn authorize(pm: PaymentMethod, capture: CaptureMethod) -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(
        Money::new(2000, Currency::EUR),
        format!("order-{}", uuid::Uuid::new_v4()),
        pm,
    );
    r.capture_method = capture;
    r.return_url = Some("https://shop.example/return".into());
    r
}

/// Every way a secret could show up in `text`.
fn leaks(text: &str, secrets: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for s in secrets {
        if text.contains(s.as_str()) {
            found.push(s.clone());
        }
    }
    for pattern in [
        format!("\"{CVC}\""),
        format!("={CVC}"),
        format!(": {CVC}"),
        format!(":{CVC}"),
        format!("'{CVC}'"),
    ] {
        if text.contains(&pattern) {
            found.push(format!("CVC as {pattern}"));
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_logs_errors_or_debug_output() {
    let capture = Capture::default();
    tracing_subscriber::fmt()
        .with_env_filter("connector_service=trace")
        .with_writer(capture.clone())
        .with_ansi(false)
        .init();

    let sandbox = Sandbox::start().await.unwrap();
    let creds = sandbox.credentials()["adyen"].clone();
    let api_key = creds["api_key"].as_str().unwrap().to_string();
    let hmac_key = creds["webhook_hmac_key"].as_str().unwrap().to_string();
    let mut config: AdyenConfig = serde_json::from_value({
        let mut c = creds.clone();
        c.as_object_mut().unwrap().remove("type");
        c
    })
    .unwrap();
    let client =
        Client::new(ClientConfig::new(config.clone()).base_url(sandbox.url("adyen"))).unwrap();

    let mut outputs: Vec<String> = Vec::new();
    let mut record = |label: &str, text: String| outputs.push(format!("{label}: {text}"));

    // Approved, captured, refunded, voided.
    let request = authorize(card(PANS[0], "John Smith"), CaptureMethod::Manual);
    record("request debug", format!("{request:?}"));
    let payment = client.payments().authorize(request).await.unwrap();
    record("payment debug", format!("{payment:?}"));
    record("payment json", serde_json::to_string(&payment).unwrap());
    let psp = payment.connector_transaction_id.clone().unwrap();
    let capture_request = CaptureRequest {
        connector_transaction_id: psp.clone(),
        amount: Money::new(1500, Currency::EUR),
        authorized_amount: Some(Money::new(2000, Currency::EUR)),
        merchant_reference: None,
        idempotency_key: None,
    };
    record(
        "capture",
        format!(
            "{:?}",
            client.payments().capture(capture_request).await.unwrap()
        ),
    );
    let refund = RefundRequest {
        connector_transaction_id: psp.clone(),
        amount: Money::new(500, Currency::EUR),
        merchant_refund_reference: None,
        reason: Some(RefundReason::CustomerRequest),
        refundable_amount: None,
        idempotency_key: None,
        metadata: Default::default(),
    };
    record(
        "refund",
        format!("{:?}", client.payments().refund(refund).await.unwrap()),
    );
    let second = client
        .payments()
        .authorize(authorize(card(PANS[1], "Jane Doe"), CaptureMethod::Manual))
        .await
        .unwrap();
    let void = VoidRequest {
        connector_transaction_id: second.connector_transaction_id.clone().unwrap(),
        ..Default::default()
    };
    record(
        "void",
        format!("{:?}", client.payments().void(void).await.unwrap()),
    );

    // A decline and a 3-D Secure redirect.
    let declined = client
        .payments()
        .authorize(authorize(
            card(PANS[0], "DECLINED"),
            CaptureMethod::Automatic,
        ))
        .await
        .unwrap();
    assert!(declined.is_declined());
    record(
        "decline",
        format!("{declined:?} {}", serde_json::to_string(&declined).unwrap()),
    );

    // Errors: invalid input (with the card number in the request), a 401, a tampered webhook.
    let err = CardNumber::new("4111111111111112").unwrap_err();
    record("luhn error", format!("{err} {err:?}"));
    let err = FlowRequest::from_json(
        "payments.authorize",
        r#"{"amount":{"minor_units":1,"currency":"EUR"},"merchant_reference":"x","payment_method":{"type":"card","number":"4111111111111111","expiry_month":"4111111111111111","expiry_year":2030,"cvc":"737"}}"#,
    )
    .unwrap_err();
    record("json error", format!("{err} {err:?}"));
    config.api_key = Secret::new("wrong-key-value".into());
    let bad =
        Client::new(ClientConfig::new(config.clone()).base_url(sandbox.url("adyen"))).unwrap();
    let err = bad
        .payments()
        .authorize(authorize(
            card(PANS[0], "John Smith"),
            CaptureMethod::Automatic,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Authentication);
    record(
        "401 error",
        format!("{err} {err:?} {}", serde_json::to_string(&err).unwrap()),
    );
    record("config debug", format!("{config:?} {client:?}"));

    let http = reqwest::Client::new();
    let next = http
        .post(format!("{}/_sandbox/webhooks/next", sandbox.base_url()))
        .json(&serde_json::json!({"processor": "adyen", "event": "CAPTURE", "timeout_ms": 5000}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let headers: BTreeMap<String, String> =
        serde_json::from_value(next["headers"].clone()).unwrap_or_default();
    let body = next["body"].as_str().unwrap().to_string();
    let ok = client
        .webhooks()
        .verify_and_parse(&WebhookRequest::new(headers.clone(), body.clone()))
        .unwrap();
    record("webhook", format!("{ok:?}"));
    let tampered = body.replacen("true", "fals", 1);
    let err = client
        .webhooks()
        .verify_and_parse(&WebhookRequest::new(headers, tampered))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::WebhookVerificationFailed);
    record("webhook error", format!("{err} {err:?}"));

    let mut secrets: Vec<String> = PANS.iter().map(|s| s.to_string()).collect();
    secrets.push(api_key.clone());
    secrets.push(hmac_key.clone());
    secrets.push(hmac_key.to_lowercase());
    secrets.push("wrong-key-value".into());

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.lines().count() > 20,
        "expected TRACE logs of the lifecycle, got:\n{logs}"
    );
    assert!(
        logs.contains("response body"),
        "TRACE logs carry masked bodies"
    );
    for line in logs.lines() {
        let found = leaks(line, &secrets);
        assert!(found.is_empty(), "secret {found:?} in log line: {line}");
    }
    for text in &outputs {
        let found = leaks(text, &secrets);
        assert!(found.is_empty(), "secret {found:?} in output: {text}");
    }
}

/// Wallet tokens, cryptograms and encrypted card fields are secrets like card data: masked in
/// Debug output and in the masked bodies kept as `raw_response`.
#[test]
fn new_payment_method_secrets_are_masked() {
    let methods = serde_json::json!([
        {"type": "apple_pay", "token": "APPLE-PAY-SECRET-TOKEN"},
        {"type": "google_pay", "token": "GOOGLE-PAY-SECRET-TOKEN"},
        {"type": "network_token", "number": "4111111111111111", "expiry_month": 3, "expiry_year": 2030, "cryptogram": "CRYPTOGRAM-SECRET", "eci": "05"},
        {"type": "encrypted_card", "encrypted_card_number": "ENC-NUMBER-SECRET", "encrypted_expiry_month": "ENC-MONTH-SECRET", "encrypted_expiry_year": "ENC-YEAR-SECRET", "encrypted_security_code": "ENC-CVC-SECRET"}
    ]);
    let secrets = [
        "APPLE-PAY-SECRET-TOKEN",
        "GOOGLE-PAY-SECRET-TOKEN",
        "CRYPTOGRAM-SECRET",
        "4111111111111111",
        "ENC-NUMBER-SECRET",
        "ENC-MONTH-SECRET",
        "ENC-YEAR-SECRET",
        "ENC-CVC-SECRET",
    ];
    for method in methods.as_array().unwrap() {
        let pm: PaymentMethod = serde_json::from_value(method.clone()).unwrap();
        let debug = format!("{pm:?}");
        for s in secrets {
            assert!(!debug.contains(s), "{s} in {debug}");
        }
    }
    let adyen_body = serde_json::json!({"paymentMethod": {"type": "applepay", "applePayToken": "APPLE-PAY-SECRET-TOKEN"}, "mpiData": {"tokenAuthenticationVerificationValue": "CRYPTOGRAM-SECRET"}, "encryptedExpiryMonth": "ENC-MONTH-SECRET", "cryptogram": "CRYPTOGRAM-SECRET"});
    let masked = connector_service::mask::mask_body(adyen_body.to_string().as_bytes());
    for s in secrets {
        assert!(!masked.contains(s), "{s} in {masked}");
    }
}
