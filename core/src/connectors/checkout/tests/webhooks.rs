//! `Cko-Signature` verification and the event mapping, over the documented example events.

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;
use sha2::Sha256;

use super::*;
use crate::connector::Connector;

/// Checkout.com API reference, "Payload shapes": the legacy `payment_captured` example.
const PAYMENT_CAPTURED: &str = r#"{
  "id": "evt_6aznipgxbuaure3qen5qbzyswy",
  "type": "payment_captured",
  "created_on": "2019-06-07T08:25:22Z",
  "data": {
    "action_id": "act_gse7gcrhleuedmzhq25n3mhweq",
    "response_code": "10000",
    "response_summary": "Approved",
    "amount": 10000,
    "processing": {"acquirer_transaction_id": "8137549557", "acquirer_reference_number": "000220552364"},
    "id": "pay_waji5li3mqtetnaor77xmow4bq",
    "currency": "EUR",
    "processed_on": "2019-06-07T08:25:22Z",
    "reference": "ORD-5023-4E89"
  },
  "_links": {
    "self": {"href": "https://api.sandbox.checkout.com/events/evt_6aznipgxbuaure3qen5qbzyswy"},
    "payment": {"href": "https://api.sandbox.checkout.com/payments/pay_waji5li3mqtetnaor77xmow4bq"}
  }
}"#;

/// Checkout.com API reference, "Payload shapes": the `dispute_evidence_submitted` example.
const DISPUTE_EVIDENCE_SUBMITTED: &str = r#"{"id": "evt_b6anegml5j6u7kwzuzdg6r4sem", "type": "dispute_evidence_submitted", "created_on": "2018-06-21T12:00:31Z",
 "data": {"id": "dsp_9rjdlsd4epepfjyyf9vl", "date": "2018-07-06T11:19:20Z", "category": "canceled_recurring",
          "amount": 20020, "currency": "USD", "reason_code": "10.4", "payment_id": "pay_cnhuomagalglgozxy5zm",
          "payment_action_id": "act_7B15779D173D0W45700D", "payment_reference": "some-company-ref", "payment_method": "Visa"},
 "_links": {"self": {"href": "https://api.checkout.com/workflows/events/evt_b6anegml5j6u7kwzuzdg6r4sem"},
            "subject": {"href": "https://api.checkout.com/workflows/events/subject/dsp_9rjdlsd4epepfjyyf9vl"}}}"#;

fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn signed(body: &str, secret: &str) -> WebhookRequest {
    let headers: BTreeMap<String, String> = [
        ("Cko-Signature".to_string(), sign(secret, body.as_bytes())),
        ("Content-Type".to_string(), "application/json".to_string()),
    ]
    .into();
    WebhookRequest::new(headers, body.as_bytes().to_vec())
}

fn one_event(body: &str) -> WebhookEvent {
    let n = connector()
        .handle_webhook(&signed(body, WEBHOOK_SECRET))
        .unwrap();
    assert_eq!(n.connector, ConnectorName::Checkout);
    assert_eq!(n.acknowledgement.status, 200);
    assert_eq!(n.events.len(), 1);
    n.events.into_iter().next().unwrap()
}

fn payment_status(event_type: &str, data: serde_json::Value) -> PaymentStatus {
    let body = json!({"id": "evt_1", "type": event_type, "created_on": "2024-01-01T00:00:00Z", "data": data});
    match one_event(&body.to_string()) {
        WebhookEvent::Payment(p) => p.status,
        other => panic!("{event_type}: expected a payment event, got {other:?}"),
    }
}

#[test]
fn a_self_computed_vector_verifies() {
    // No official vector exists: hex(HMAC-SHA256(utf8(secret), body)) over a fixed body.
    let body = br#"{"id":"evt_1","type":"payment_approved","data":{"id":"pay_1"}}"#;
    assert_eq!(sign("secret", body), {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    });
    assert_eq!(sign("secret", body).len(), 64);
    let request = signed(std::str::from_utf8(body).unwrap(), WEBHOOK_SECRET);
    assert!(connector().handle_webhook(&request).is_ok());
}

#[test]
fn payment_captured_example_is_a_charged_payment_event() {
    match one_event(PAYMENT_CAPTURED) {
        WebhookEvent::Payment(p) => {
            assert_eq!(p.event_type, "payment_captured");
            assert_eq!(
                p.event_id.as_deref(),
                Some("evt_6aznipgxbuaure3qen5qbzyswy")
            );
            assert_eq!(p.connector_transaction_id, "pay_waji5li3mqtetnaor77xmow4bq");
            assert_eq!(
                p.connector_operation_id.as_deref(),
                Some("act_gse7gcrhleuedmzhq25n3mhweq")
            );
            assert_eq!(p.merchant_reference.as_deref(), Some("ORD-5023-4E89"));
            assert_eq!(p.status, PaymentStatus::Charged);
            assert_eq!(p.amount, Some(Money::new(10000, Currency::EUR)));
            assert_eq!(p.occurred_at.as_deref(), Some("2019-06-07T08:25:22Z"));
            assert!(p.decline.is_none());
        }
        other => panic!("expected a payment event, got {other:?}"),
    }
}

#[test]
fn dispute_evidence_submitted_example_is_a_challenged_dispute() {
    match one_event(DISPUTE_EVIDENCE_SUBMITTED) {
        WebhookEvent::Dispute(d) => {
            assert_eq!(
                d.event_id.as_deref(),
                Some("evt_b6anegml5j6u7kwzuzdg6r4sem")
            );
            assert_eq!(d.connector_dispute_id, "dsp_9rjdlsd4epepfjyyf9vl");
            assert_eq!(
                d.connector_transaction_id.as_deref(),
                Some("pay_cnhuomagalglgozxy5zm")
            );
            assert_eq!(d.status, DisputeStatus::Challenged);
            assert_eq!(d.stage, DisputeStage::Dispute);
            assert_eq!(d.amount, Some(usd(20020)));
            assert_eq!(d.reason_code.as_deref(), Some("10.4"));
            assert_eq!(d.reason.as_deref(), Some("canceled_recurring"));
            assert_eq!(d.occurred_at.as_deref(), Some("2018-06-21T12:00:31Z"));
        }
        other => panic!("expected a dispute event, got {other:?}"),
    }
}

#[test]
fn workflows_format_is_accepted() {
    let body = json!({
        "id": "evt_wf", "type": "payment_captured", "version": "1.0.0",
        "timestamp": "2023-03-01T10:00:00Z",
        "data": {"id": "pay_wf", "action_id": "act_wf", "amount": 500, "currency": "GBP",
                 "balances": {"total_authorized": 500, "total_captured": 500},
                 "metadata": {}, "event_links": {"payment": "https://..."}},
        "action_invocations": []
    });
    match one_event(&body.to_string()) {
        WebhookEvent::Payment(p) => {
            assert_eq!(p.status, PaymentStatus::Charged);
            assert_eq!(p.occurred_at.as_deref(), Some("2023-03-01T10:00:00Z"));
            assert_eq!(p.amount, Some(Money::new(500, Currency::GBP)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_payment_event_type_maps() {
    let data = json!({"id": "pay_1", "action_id": "act_1", "amount": 100, "currency": "USD"});
    for (event_type, expected) in [
        ("payment_approved", PaymentStatus::Authorized),
        ("payment_pending", PaymentStatus::AuthenticationPending),
        ("payment_captured", PaymentStatus::Charged),
        ("payment_paid", PaymentStatus::Charged),
        ("payment_capture_pending", PaymentStatus::Pending),
        ("payment_capture_declined", PaymentStatus::CaptureFailed),
        ("payment_declined", PaymentStatus::Failure),
        ("payment_expired", PaymentStatus::Expired),
        ("payment_voided", PaymentStatus::Voided),
        ("payment_void_declined", PaymentStatus::VoidFailed),
        ("payment_canceled", PaymentStatus::Failure),
        ("payment_cancelled", PaymentStatus::Failure),
        (
            "payment_authentication_failed",
            PaymentStatus::AuthenticationFailed,
        ),
        ("authentication_failed", PaymentStatus::AuthenticationFailed),
        (
            "authentication_expired",
            PaymentStatus::AuthenticationFailed,
        ),
        ("card_verified", PaymentStatus::Charged),
        ("card_verification_declined", PaymentStatus::Failure),
    ] {
        assert_eq!(
            payment_status(event_type, data.clone()),
            expected,
            "{event_type}"
        );
    }
    // A cancellation after an authorization is a void.
    let authorized = json!({"id": "pay_1", "balances": {"total_authorized": 100}});
    assert_eq!(
        payment_status("payment_canceled", authorized),
        PaymentStatus::Voided
    );
}

#[test]
fn declines_and_verifications_carry_their_details() {
    let body = json!({"id": "evt_d", "type": "payment_declined",
        "data": {"id": "pay_d", "response_code": "20051", "response_summary": "Insufficient Funds",
                 "amount": 100, "currency": "USD"}});
    match one_event(&body.to_string()) {
        WebhookEvent::Payment(p) => {
            let d = p.decline.unwrap();
            assert_eq!(d.code.as_deref(), Some("20051"));
            assert_eq!(d.reason.as_deref(), Some("soft_decline"));
        }
        other => panic!("{other:?}"),
    }
    let body = json!({"id": "evt_v", "type": "card_verified",
        "data": {"id": "pay_v", "source": {"id": "src_v", "type": "card"}, "scheme_id": "123"}});
    match one_event(&body.to_string()) {
        WebhookEvent::Payment(p) => {
            assert_eq!(p.mandate_id.as_deref(), Some("src_v"));
            assert_eq!(p.network_transaction_id.as_deref(), Some("123"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn refund_events_use_the_action_id_as_refund_id() {
    for (event_type, expected) in [
        ("payment_refunded", RefundStatus::Success),
        ("payment_refund_pending", RefundStatus::Pending),
        ("payment_refund_declined", RefundStatus::Failure),
    ] {
        let body = json!({"id": "evt_r", "type": event_type, "created_on": "2024-01-01T00:00:00Z",
            "data": {"id": "pay_r", "action_id": "act_refund", "amount": 1000, "currency": "USD",
                     "reference": "refund-1", "response_summary": "Declined"}});
        match one_event(&body.to_string()) {
            WebhookEvent::Refund(r) => {
                assert_eq!(r.status, expected, "{event_type}");
                assert_eq!(r.connector_refund_id, "act_refund");
                assert_eq!(r.connector_transaction_id.as_deref(), Some("pay_r"));
                assert_eq!(r.event_id.as_deref(), Some("evt_r"));
                assert_eq!(r.amount, Some(usd(1000)));
                assert_eq!(r.merchant_refund_reference.as_deref(), Some("refund-1"));
                assert_eq!(r.reason.is_some(), expected == RefundStatus::Failure);
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn every_dispute_event_type_maps() {
    for (event_type, status, stage) in [
        (
            "payment_retrieval",
            DisputeStatus::Opened,
            DisputeStage::PreDispute,
        ),
        (
            "payment_chargeback",
            DisputeStatus::Opened,
            DisputeStage::Dispute,
        ),
        (
            "dispute_received",
            DisputeStatus::Opened,
            DisputeStage::Dispute,
        ),
        (
            "dispute_evidence_required",
            DisputeStatus::Opened,
            DisputeStage::Dispute,
        ),
        (
            "dispute_evidence_submitted",
            DisputeStatus::Challenged,
            DisputeStage::Dispute,
        ),
        (
            "dispute_evidence_acknowledged_by_scheme",
            DisputeStatus::Challenged,
            DisputeStage::Dispute,
        ),
        (
            "dispute_accepted",
            DisputeStatus::Accepted,
            DisputeStage::Dispute,
        ),
        (
            "dispute_canceled",
            DisputeStatus::Cancelled,
            DisputeStage::Dispute,
        ),
        (
            "dispute_resolved",
            DisputeStatus::Cancelled,
            DisputeStage::Dispute,
        ),
        (
            "dispute_expired",
            DisputeStatus::Expired,
            DisputeStage::Dispute,
        ),
        ("dispute_won", DisputeStatus::Won, DisputeStage::Dispute),
        ("dispute_lost", DisputeStatus::Lost, DisputeStage::Dispute),
        (
            "dispute_arbitration_won",
            DisputeStatus::Won,
            DisputeStage::PreArbitration,
        ),
        (
            "dispute_arbitration_lost",
            DisputeStatus::Lost,
            DisputeStage::PreArbitration,
        ),
    ] {
        let body = json!({"id": "evt_x", "type": event_type,
            "data": {"id": "dsp_x", "payment_id": "pay_x", "amount": 500, "currency": "USD",
                     "reason_code": "10.4", "evidence_required_by": "2024-02-01T00:00:00Z",
                     "status": "evidence_required"}});
        match one_event(&body.to_string()) {
            WebhookEvent::Dispute(d) => {
                assert_eq!((d.status, d.stage), (status, stage), "{event_type}");
                assert_eq!(d.respond_by.as_deref(), Some("2024-02-01T00:00:00Z"));
                assert_eq!(d.connector_status.as_deref(), Some("evidence_required"));
            }
            other => panic!("{event_type}: {other:?}"),
        }
    }
}

#[test]
fn unknown_and_informational_events_are_ignored() {
    for event_type in [
        "payment_risk_matched",
        "authentication_started",
        "something_new",
    ] {
        let body = json!({"id": "evt_i", "type": event_type, "data": {"whatever": [1]}});
        match one_event(&body.to_string()) {
            WebhookEvent::Ignored(i) => {
                assert_eq!(i.event_type, event_type);
                assert_eq!(i.event_id.as_deref(), Some("evt_i"));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn rotation_accepts_every_configured_secret() {
    let c = connector();
    assert!(c
        .handle_webhook(&signed(PAYMENT_CAPTURED, WEBHOOK_SECRET))
        .is_ok());
    assert!(c
        .handle_webhook(&signed(PAYMENT_CAPTURED, OLD_WEBHOOK_SECRET))
        .is_ok());
    // Uppercase hex verifies too.
    let mut request = signed(PAYMENT_CAPTURED, WEBHOOK_SECRET);
    let upper = request.headers["Cko-Signature"].to_ascii_uppercase();
    request.headers.insert("Cko-Signature".into(), upper);
    assert!(c.handle_webhook(&request).is_ok());
    // The header name is case-insensitive.
    let mut request = signed(PAYMENT_CAPTURED, WEBHOOK_SECRET);
    let value = request.headers.remove("Cko-Signature").unwrap();
    request.headers.insert("cko-signature".into(), value);
    assert!(c.handle_webhook(&request).is_ok());
}

#[test]
fn a_wrong_key_a_changed_byte_or_a_missing_header_is_rejected() {
    let c = connector();
    let verification_failed = |request: &WebhookRequest| {
        let e = c.handle_webhook(request).unwrap_err();
        assert_code(&e, ErrorCode::WebhookVerificationFailed);
        assert!(!e.to_string().contains(WEBHOOK_SECRET));
    };
    verification_failed(&signed(PAYMENT_CAPTURED, "not-the-secret"));

    let mut changed = signed(PAYMENT_CAPTURED, WEBHOOK_SECRET);
    changed.body = Bytes(PAYMENT_CAPTURED.replace("10000,", "10001,").into_bytes());
    verification_failed(&changed);
    // Re-serialised JSON is not the signed body.
    let mut reserialized = signed(PAYMENT_CAPTURED, WEBHOOK_SECRET);
    let value: serde_json::Value = serde_json::from_str(PAYMENT_CAPTURED).unwrap();
    reserialized.body = Bytes(value.to_string().into_bytes());
    verification_failed(&reserialized);

    let mut missing = signed(PAYMENT_CAPTURED, WEBHOOK_SECRET);
    missing.headers.remove("Cko-Signature");
    verification_failed(&missing);

    for malformed in ["", "zz", "abc", &"g".repeat(64), &"a".repeat(63)] {
        let mut request = signed(PAYMENT_CAPTURED, WEBHOOK_SECRET);
        request
            .headers
            .insert("Cko-Signature".into(), malformed.to_string());
        verification_failed(&request);
    }
}

#[test]
fn without_a_configured_secret_nothing_is_trusted() {
    let c = Checkout::new(&CheckoutConfig::new(SECRET_KEY), &sandbox()).unwrap();
    let e = c
        .handle_webhook(&signed(PAYMENT_CAPTURED, WEBHOOK_SECRET))
        .unwrap_err();
    assert_code(&e, ErrorCode::Configuration);
}

#[test]
fn verified_but_unusable_bodies_are_errors() {
    let c = connector();
    for body in [
        "not json",
        r#"{"id": "evt_1"}"#,
        r#"{"id": "evt_1", "type": "payment_captured", "data": {}}"#,
        r#"{"id": "evt_1", "type": "payment_refunded", "data": {"id": "pay_1"}}"#,
    ] {
        let e = c.handle_webhook(&signed(body, WEBHOOK_SECRET)).unwrap_err();
        assert_code(&e, ErrorCode::InvalidRequest);
    }
}
