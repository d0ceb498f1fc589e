//! Callbacks (`webhooks.rs`): `X-CALLBACK-TOKEN` verification and the verbatim SDK callbacks
//! (Xendit API reference, "Payment callback — verbatim", Xendit API reference, "Refund callback — verbatim") into unified events.

use serde_json::json;

use super::*;
use crate::connector::Connector;

/// Xendit API reference, "Payment callback — verbatim": Python SDK `docs/PaymentRequestApi.md` → "PaymentCallback Object", verbatim.
const PAYMENT_CALLBACK: &str = r#"{"event":"payment.succeeded",
 "data":{"id":"ddpy-3cd658ae-25b9-4659-aa36-596ae41a809f","amount":1000,"status":"SUCCEEDED","country":"PH",
   "created":"2022-08-12T13:30:40.9209Z","updated":"2022-08-12T13:30:58.729373Z","currency":"PHP",
   "metadata":{"sku":"ABCDEFGH"},"customer_id":"c832697e-a62d-46fa-a383-24930b155e81",
   "reference_id":"25cfd0f9-baee-44ca-9a12-6debe03f3c22",
   "payment_method":{"id":"pm-951b1ad9-1fbb-4724-a744-8956ab6ed17f","card":null,"type":"DIRECT_DEBIT","status":"ACTIVE",
     "reusability":"MULTIPLE_USE","reference_id":"620b9df4-fe69-4bfd-b9d4-5cba6861db8a",
     "direct_debit":{"type":"BANK_ACCOUNT","channel_code":"BPI",
        "bank_account":{"bank_account_hash":"b4dfa99c9b60c77f2e3962b73c098945","masked_bank_account_number":"XXXXXX1234"},
        "channel_properties":{"failure_return_url":"https://your-redirect-website.com/failure","success_return_url":"https://your-redirect-website.com/success"}}},
   "description":null,"failure_code":null,"payment_detail":null,"channel_properties":null,
   "payment_request_id":"pr-5b26cae1-545b-49e9-855e-f85128f3e705"},
 "created":"2022-08-12T13:30:58.986Z","business_id":"5f27a14a9bf05c73dd040bc8","api_version":null}"#;

/// Xendit API reference, "Refund callback — verbatim": Python SDK `docs/RefundApi.md` → "RefundCallback Object", verbatim.
const REFUND_CALLBACK: &str = r#"{"event":"refund.succeeded","business_id":"5f27a14a9bf05c73dd040bc8","created":"2020-08-29T09:12:33.001Z",
 "data":{"id":"rfd-6f4a377d-a201-437f-9119-f8b00cbbe857","payment_id":"ddpy-3cd658ae-25b9-4659-aa36-596ae41a809f",
   "invoice_id":null,"amount":10000,"payment_method_type":"DIRECT_DEBIT","channel_code":"BPI","currency":"PHP",
   "status":"SUCCEEDED","reason":"CANCELLATION","reference_id":"b2756a1e-e6cd-4352-9a68-0483aa2b6a2",
   "failure_code":null,"refund_fee_amount":null,"created":"2020-08-30T09:12:33.001Z","updated":"2020-08-30T09:12:33.001Z","metadata":null}}"#;

pub(super) fn callback(token: Option<&str>, body: &str) -> WebhookRequest {
    let mut pairs = vec![("Content-Type", "application/json")];
    if let Some(token) = token {
        pairs.push(("X-CALLBACK-TOKEN", token));
    }
    WebhookRequest::new(headers(&pairs), body.as_bytes().to_vec())
}

pub(super) fn one_event(body: &str) -> WebhookEvent {
    let notification = connector()
        .handle_webhook(&callback(Some(CALLBACK_TOKEN), body))
        .expect("a verified callback");
    assert_eq!(notification.connector, ConnectorName::Xendit);
    assert_eq!(notification.acknowledgement.status, 200);
    assert_eq!(notification.events.len(), 1);
    notification.events.into_iter().next().unwrap()
}

fn payment_event(body: &str) -> PaymentEvent {
    match one_event(body) {
        WebhookEvent::Payment(p) => p,
        other => panic!("expected a payment event, got {other:?}"),
    }
}

#[test]
fn verbatim_payment_callback_is_a_charged_event() {
    let event = payment_event(PAYMENT_CALLBACK);
    assert_eq!(event.event_type, "payment.succeeded");
    assert_eq!(event.status, PaymentStatus::Charged);
    assert_eq!(
        event.connector_transaction_id,
        "pr-5b26cae1-545b-49e9-855e-f85128f3e705"
    );
    assert_eq!(
        event.event_id.as_deref(),
        Some("ddpy-3cd658ae-25b9-4659-aa36-596ae41a809f:payment.succeeded")
    );
    assert_eq!(
        event.merchant_reference.as_deref(),
        Some("25cfd0f9-baee-44ca-9a12-6debe03f3c22")
    );
    assert_eq!(event.amount, Some(money(100_000, "PHP")));
    assert_eq!(
        event.mandate_id.as_deref(),
        Some("pm-951b1ad9-1fbb-4724-a744-8956ab6ed17f")
    );
    assert_eq!(
        event.occurred_at.as_deref(),
        Some("2022-08-12T13:30:58.986Z")
    );
    assert!(event.decline.is_none());
    assert!(event.connector_operation_id.is_none());
}

#[test]
fn verbatim_refund_callback_is_a_success_event() {
    let event = match one_event(REFUND_CALLBACK) {
        WebhookEvent::Refund(r) => r,
        other => panic!("expected a refund event, got {other:?}"),
    };
    assert_eq!(event.event_type, "refund.succeeded");
    assert_eq!(event.status, RefundStatus::Success);
    assert_eq!(
        event.connector_refund_id,
        "rfd-6f4a377d-a201-437f-9119-f8b00cbbe857"
    );
    assert_eq!(
        event.connector_transaction_id.as_deref(),
        Some("ddpy-3cd658ae-25b9-4659-aa36-596ae41a809f")
    );
    assert_eq!(
        event.event_id.as_deref(),
        Some("rfd-6f4a377d-a201-437f-9119-f8b00cbbe857:refund.succeeded")
    );
    assert_eq!(
        event.merchant_refund_reference.as_deref(),
        Some("b2756a1e-e6cd-4352-9a68-0483aa2b6a2")
    );
    assert_eq!(event.amount, Some(money(1_000_000, "PHP")));
    assert!(event.reason.is_none());
}

fn with_event(body: &str, event: &str, data: Value) -> String {
    let mut v: Value = serde_json::from_str(body).unwrap();
    v["event"] = event.into();
    for (k, val) in data.as_object().unwrap() {
        v["data"][k] = val.clone();
    }
    v.to_string()
}

#[test]
fn payment_and_capture_events_map_by_name() {
    for (event, status) in [
        ("payment.succeeded", PaymentStatus::Charged),
        ("payment.awaiting_capture", PaymentStatus::Authorized),
        ("payment.failed", PaymentStatus::Failure),
        ("capture.succeeded", PaymentStatus::Charged),
        ("capture.failed", PaymentStatus::CaptureFailed),
    ] {
        let body = with_event(
            PAYMENT_CALLBACK,
            event,
            json!({"failure_code": if event.ends_with("failed") { json!("DECLINED_BY_ISSUER") } else { Value::Null }}),
        );
        let e = payment_event(&body);
        assert_eq!(e.status, status, "{event}");
        assert_eq!(
            e.connector_transaction_id,
            "pr-5b26cae1-545b-49e9-855e-f85128f3e705"
        );
        if event.ends_with("failed") {
            assert_eq!(
                e.decline.unwrap().code.as_deref(),
                Some("DECLINED_BY_ISSUER")
            );
        }
        if event.starts_with("capture.") {
            assert_eq!(
                e.connector_operation_id.as_deref(),
                Some("ddpy-3cd658ae-25b9-4659-aa36-596ae41a809f")
            );
        }
    }
}

#[test]
fn capture_callback_reads_the_captured_amount() {
    let body = json!({"event": "capture.succeeded", "business_id": "5f27a14a9bf05c73dd040bc8",
        "created": "2025-01-01T00:00:00Z", "api_version": null,
        "data": {"id": "cptr-1", "payment_request_id": "pr-1", "currency": "IDR",
                 "authorized_amount": 10000, "captured_amount": 4000, "status": "SUCCEEDED"}})
    .to_string();
    let e = payment_event(&body);
    assert_eq!(e.connector_transaction_id, "pr-1");
    assert_eq!(e.connector_operation_id.as_deref(), Some("cptr-1"));
    assert_eq!(e.amount, Some(idr(4_000)));
    assert_eq!(e.status, PaymentStatus::PartialCharged);
    let full = body.replace("\"captured_amount\":4000", "\"captured_amount\":10000");
    assert_ne!(full, body);
    assert_eq!(payment_event(&full).status, PaymentStatus::Charged);
}

#[test]
fn failed_refund_callback_carries_the_failure_code() {
    let body = with_event(
        REFUND_CALLBACK,
        "refund.failed",
        json!({"status": "FAILED", "failure_code": "INSUFFICIENT_BALANCE"}),
    );
    match one_event(&body) {
        WebhookEvent::Refund(r) => {
            assert_eq!(r.status, RefundStatus::Failure);
            assert_eq!(r.reason.as_deref(), Some("INSUFFICIENT_BALANCE"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn legacy_qr_payment_is_a_charged_event() {
    let body = json!({"event": "qr.payment", "api_version": "v2", "business_id": "5f27a14a9bf05c73dd040bc8",
        "created": "2020-01-08T18:18:18.857Z",
        "data": {"id": "qrpy_8182837te-87st-49ing-8696-1239bd4d759c", "business_id": "5f27a14a9bf05c73dd040bc8",
                 "currency": "IDR", "amount": 1500, "qr_id": "qr_8182837te-87st-49ing-8696-1239bd4d759c",
                 "reference_id": "order-qr-1", "status": "SUCCEEDED"}})
    .to_string();
    let e = payment_event(&body);
    assert_eq!(e.status, PaymentStatus::Charged);
    assert_eq!(
        e.connector_transaction_id,
        "qr_8182837te-87st-49ing-8696-1239bd4d759c"
    );
    assert_eq!(e.amount, Some(idr(1_500)));
}

#[test]
fn unknown_and_v3_events_are_ignored_not_failures() {
    for (event, api_version) in [
        ("payment_method.activated", Value::Null),
        ("payment.pending", Value::Null),
        ("something.new", Value::Null),
        ("payment.capture", json!("v3")),
        ("payment.succeeded", json!("v3")),
    ] {
        let mut v: Value = serde_json::from_str(PAYMENT_CALLBACK).unwrap();
        v["event"] = event.into();
        v["api_version"] = api_version;
        match one_event(&v.to_string()) {
            WebhookEvent::Ignored(i) => assert_eq!(i.event_type, event),
            other => panic!("{event}: {other:?}"),
        }
    }
}

#[test]
fn correct_and_rotated_tokens_are_accepted() {
    let c = connector();
    assert!(c
        .handle_webhook(&callback(Some(CALLBACK_TOKEN), PAYMENT_CALLBACK))
        .is_ok());
    assert!(c
        .handle_webhook(&callback(Some(OLD_CALLBACK_TOKEN), PAYMENT_CALLBACK))
        .is_ok());
    // Header names are case-insensitive.
    let lower = WebhookRequest::new(
        headers(&[("x-callback-token", CALLBACK_TOKEN)]),
        PAYMENT_CALLBACK.as_bytes().to_vec(),
    );
    assert!(c.handle_webhook(&lower).is_ok());
}

#[test]
fn wrong_empty_or_missing_tokens_are_rejected() {
    let c = connector();
    for token in [
        Some("wrong-token"),
        Some(""),
        Some("cb-token-current-012345678"),
        Some("cb-token-current-01234567890"),
        None,
    ] {
        let e = c
            .handle_webhook(&callback(token, PAYMENT_CALLBACK))
            .unwrap_err();
        assert_code(&e, ErrorCode::WebhookVerificationFailed);
        assert!(!e.to_string().contains(CALLBACK_TOKEN));
    }
}

#[test]
fn no_configured_token_is_a_configuration_error() {
    let c = Xendit::new(&XenditConfig::new(SECRET_KEY), &endpoint()).unwrap();
    let e = c
        .handle_webhook(&callback(Some(CALLBACK_TOKEN), PAYMENT_CALLBACK))
        .unwrap_err();
    assert_code(&e, ErrorCode::Configuration);
}

#[test]
fn verified_but_unusable_bodies_are_invalid_request() {
    for body in [
        "not json",
        r#"{"event": "payment.succeeded", "data": {"amount": 1}}"#,
        r#"{"event": "refund.succeeded", "data": null}"#,
    ] {
        let e = connector()
            .handle_webhook(&callback(Some(CALLBACK_TOKEN), body))
            .unwrap_err();
        assert_code(&e, ErrorCode::InvalidRequest);
    }
}

#[test]
fn a_callback_without_an_event_name_is_ignored() {
    // As an invoice callback of Xendit's older API: no `event`, no `data`.
    for body in [
        r#"{"data": {}}"#,
        r#"{"id": "579c8d61f23fa4ca35e52da4", "external_id": "invoice_123124123", "status": "PAID", "amount": 50000}"#,
    ] {
        let n = connector()
            .handle_webhook(&callback(Some(CALLBACK_TOKEN), body))
            .unwrap();
        match n.events.as_slice() {
            [WebhookEvent::Ignored(i)] => assert_eq!(i.event_type, ""),
            other => panic!("expected one ignored event, got {other:?}"),
        }
    }
    // The token is still checked first.
    let e = connector()
        .handle_webhook(&callback(Some("wrong-token"), r#"{"data": {}}"#))
        .unwrap_err();
    assert_code(&e, ErrorCode::WebhookVerificationFailed);
}
