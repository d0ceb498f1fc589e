//! Standard notifications: the HMAC test vector, negative checks, and the event tables.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::*;
use crate::connector::Connector;
use crate::connectors::adyen::webhooks::{
    dispute_mapping, event_id, item_signature, map_item, signing_string, verify_item,
    MAX_WEBHOOK_BODY_BYTES,
};
use crate::connectors::adyen::wire::NotificationRequestItem;

/// An item as the parser reads it.
fn typed(item: &Value) -> NotificationRequestItem {
    serde_json::from_value(item.clone()).unwrap()
}

/// The Adyen Python API library's HMAC test vector, wrapped in an envelope.
const VECTOR_ENVELOPE: &str = r#"{"live": "false", "notificationItems": [{"NotificationRequestItem": {
  "additionalData": {"hmacSignature": "coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0="},
  "amount": {"currency": "EUR", "value": 1130},
  "eventCode": "AUTHORISATION", "eventDate": "2021-01-01T01:00:00+01:00",
  "merchantAccountCode": "TestMerchant", "merchantReference": "TestPayment-1407325143704",
  "paymentMethod": "visa", "pspReference": "7914073381342284", "success": "true"}}]}"#;

const VECTOR_SIGNING_STRING: &str =
    "7914073381342284::TestMerchant:TestPayment-1407325143704:1130:EUR:AUTHORISATION:true";
const VECTOR_SIGNATURE: &str = "coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0=";

fn key() -> Vec<u8> {
    hex::decode(HMAC_KEY_HEX).unwrap()
}

fn webhook(body: &str) -> WebhookRequest {
    let headers: BTreeMap<String, String> =
        [("Content-Type".to_string(), "application/json".to_string())].into();
    WebhookRequest::new(headers, body.as_bytes().to_vec())
}

fn vector_item() -> NotificationRequestItem {
    let envelope: Value = serde_json::from_str(VECTOR_ENVELOPE).unwrap();
    typed(&envelope["notificationItems"][0]["NotificationRequestItem"])
}

/// Signs items with the test key, as Adyen would, and wraps them in an envelope.
fn signed_envelope(items: &[Value]) -> String {
    let key = key();
    let wrapped: Vec<Value> = items
        .iter()
        .map(|item| {
            let signature = item_signature(&key, &typed(item)).unwrap();
            let mut item = item.as_object().unwrap().clone();
            let additional = item.entry("additionalData").or_insert_with(|| json!({}));
            additional
                .as_object_mut()
                .unwrap()
                .insert("hmacSignature".into(), signature.into());
            json!({ "NotificationRequestItem": item })
        })
        .collect();
    json!({"live": "false", "notificationItems": wrapped}).to_string()
}

fn events(body: &str) -> Vec<WebhookEvent> {
    connector()
        .handle_webhook(&webhook(body))
        .expect("verified")
        .events
}

fn one_event(item: Value) -> WebhookEvent {
    let mut all = events(&signed_envelope(&[item]));
    assert_eq!(all.len(), 1);
    all.remove(0)
}

fn item(event_code: &str, success: &str, original: Option<&str>, additional: Value) -> Value {
    let mut item = json!({
        "additionalData": additional,
        "amount": {"currency": "EUR", "value": 1000},
        "eventCode": event_code,
        "eventDate": "2021-01-01T01:00:00+01:00",
        "merchantAccountCode": MERCHANT,
        "merchantReference": "order-42",
        "pspReference": "QFQTPCQ8HXSKGK82",
        "success": success,
    });
    if let Some(original) = original {
        item["originalReference"] = original.into();
    }
    item
}

// ---------------------------------------------------------------- the official vector

#[test]
fn the_vector_signing_string_and_signature() {
    let item = vector_item();
    assert_eq!(signing_string(&item), VECTOR_SIGNING_STRING);
    assert_eq!(item_signature(&key(), &item).unwrap(), VECTOR_SIGNATURE);
    assert!(verify_item(&key(), &item));
}

#[test]
fn the_vector_envelope_verifies_and_parses() {
    let n = connector()
        .handle_webhook(&webhook(VECTOR_ENVELOPE))
        .unwrap();
    assert_eq!(n.connector, ConnectorName::Adyen);
    assert_eq!(
        n.acknowledgement,
        WebhookAcknowledgement {
            status: 200,
            content_type: "text/plain".into(),
            body: "[accepted]".into()
        }
    );
    assert_eq!(n.events.len(), 1);
    match &n.events[0] {
        WebhookEvent::Payment(p) => {
            assert_eq!(p.event_type, "AUTHORISATION");
            assert_eq!(
                p.event_id.as_deref(),
                Some("7914073381342284:AUTHORISATION:true")
            );
            assert_eq!(p.connector_transaction_id, "7914073381342284");
            assert_eq!(p.connector_operation_id, None);
            assert_eq!(
                p.merchant_reference.as_deref(),
                Some("TestPayment-1407325143704")
            );
            assert_eq!(p.status, PaymentStatus::Authorized);
            assert_eq!(p.amount, Some(money(1130, "EUR")));
            assert_eq!(p.occurred_at.as_deref(), Some("2021-01-01T01:00:00+01:00"));
            assert!(p.decline.is_none());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn changing_any_signed_field_breaks_the_signature() {
    let adyen = connector();
    let envelope: Value = serde_json::from_str(VECTOR_ENVELOPE).unwrap();
    let paths: [&[&str]; 8] = [
        &["pspReference"],
        &["merchantAccountCode"],
        &["merchantReference"],
        &["amount", "value"],
        &["amount", "currency"],
        &["eventCode"],
        &["success"],
        &["additionalData", "hmacSignature"],
    ];
    for path in paths {
        let mut tampered = envelope.clone();
        let mut target = &mut tampered["notificationItems"][0]["NotificationRequestItem"];
        for segment in path {
            target = &mut target[*segment];
        }
        *target = match target.clone() {
            Value::Number(n) => json!(n.as_i64().unwrap() + 1),
            Value::String(s) if s == "true" => json!("false"),
            Value::String(s) => {
                // Change exactly one character.
                let mut chars: Vec<char> = s.chars().collect();
                let i = chars.len() / 2;
                chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
                json!(chars.into_iter().collect::<String>())
            }
            other => panic!("{other}"),
        };
        let e = adyen
            .handle_webhook(&webhook(&tampered.to_string()))
            .unwrap_err();
        assert_code(&e, ErrorCode::WebhookVerificationFailed);
    }
    // An originalReference that was not signed breaks it too.
    let mut tampered = envelope.clone();
    tampered["notificationItems"][0]["NotificationRequestItem"]["originalReference"] =
        json!("9913140798220028");
    assert_code(
        &adyen
            .handle_webhook(&webhook(&tampered.to_string()))
            .unwrap_err(),
        ErrorCode::WebhookVerificationFailed,
    );
    // Fields outside the signing string do not matter (Adyen docs, "Verify HMAC signatures").
    let mut other = envelope;
    other["notificationItems"][0]["NotificationRequestItem"]["eventDate"] =
        json!("2030-01-01T00:00:00Z");
    other["live"] = json!("true");
    assert!(adyen.handle_webhook(&webhook(&other.to_string())).is_ok());
}

#[test]
fn another_key_does_not_verify() {
    let mut c = config();
    c.webhook_hmac_key = Some(Secret::new(
        "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF".into(),
    ));
    let adyen = Adyen::new(&c, &sandbox_endpoint()).unwrap();
    let e = adyen.handle_webhook(&webhook(VECTOR_ENVELOPE)).unwrap_err();
    assert_code(&e, ErrorCode::WebhookVerificationFailed);
    assert!(!e.to_string().contains(VECTOR_SIGNATURE));
}

#[test]
fn missing_or_malformed_signatures_fail_without_panicking() {
    let adyen = connector();
    let envelope: Value = serde_json::from_str(VECTOR_ENVELOPE).unwrap();
    type Tamper = Box<dyn Fn(&mut Value)>;
    let variants: Vec<Tamper> = vec![
        Box::new(|item| {
            item["additionalData"]
                .as_object_mut()
                .unwrap()
                .remove("hmacSignature");
        }),
        Box::new(|item| {
            item.as_object_mut().unwrap().remove("additionalData");
        }),
        Box::new(|item| item["additionalData"]["hmacSignature"] = json!("")),
        Box::new(|item| item["additionalData"]["hmacSignature"] = json!("not base64 !!")),
        Box::new(|item| {
            item["additionalData"]["hmacSignature"] =
                json!("coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0")
        }),
        Box::new(|item| item["additionalData"]["hmacSignature"] = json!("AAAA")),
        Box::new(|item| item["additionalData"]["hmacSignature"] = json!(12345)),
        Box::new(|item| item["additionalData"]["hmacSignature"] = json!(null)),
        Box::new(|item| item["additionalData"] = json!("not an object")),
    ];
    for variant in variants {
        let mut tampered = envelope.clone();
        variant(&mut tampered["notificationItems"][0]["NotificationRequestItem"]);
        let e = adyen
            .handle_webhook(&webhook(&tampered.to_string()))
            .unwrap_err();
        assert_code(&e, ErrorCode::WebhookVerificationFailed);
    }
}

#[test]
fn verification_leaves_the_item_unchanged() {
    let item = vector_item();
    let before = item.clone();
    assert!(verify_item(&key(), &item));
    assert_eq!(item, before);
}

#[test]
fn every_item_is_verified() {
    let good = item("REFUND", "true", Some("9913140798220028"), json!({}));
    let body = signed_envelope(&[good.clone(), good]);
    assert_eq!(events(&body).len(), 2);
    // Break the second item only: the whole request is rejected.
    let mut envelope: Value = serde_json::from_str(&body).unwrap();
    envelope["notificationItems"][1]["NotificationRequestItem"]["amount"]["value"] = json!(999);
    let e = connector()
        .handle_webhook(&webhook(&envelope.to_string()))
        .unwrap_err();
    assert_code(&e, ErrorCode::WebhookVerificationFailed);
    assert!(e.message().contains("item 1"), "{e}");
}

#[test]
fn bodies_that_are_not_notifications_are_rejected() {
    let adyen = connector();
    for body in [
        "",
        "not json",
        "[]",
        "{}",
        r#"{"notificationItems": []}"#,
        r#"{"notificationItems": [{"Other": {}}]}"#,
        r#"{"notificationItems": "x"}"#,
    ] {
        assert_code(
            &adyen.handle_webhook(&webhook(body)).unwrap_err(),
            ErrorCode::WebhookVerificationFailed,
        );
    }
}

#[test]
fn without_a_key_webhooks_are_a_configuration_error() {
    let mut c = config();
    c.webhook_hmac_key = None;
    let adyen = Adyen::new(&c, &sandbox_endpoint()).unwrap();
    let e = adyen.handle_webhook(&webhook(VECTOR_ENVELOPE)).unwrap_err();
    assert_code(&e, ErrorCode::Configuration);
}

#[test]
fn signing_string_rules() {
    // Missing fields are empty strings; values are used as decoded, with no escaping.
    let item = json!({"pspReference": "A:B", "merchantAccountCode": "M\\N", "eventCode": "CAPTURE", "success": "false",
                      "amount": {"value": 0, "currency": "JPY"}});
    assert_eq!(
        signing_string(&typed(&item)),
        "A:B::M\\N::0:JPY:CAPTURE:false"
    );
    assert_eq!(signing_string(&typed(&json!({}))), ":::::::");
    // Strings are used exactly as decoded, blanks included.
    let item = json!({"pspReference": " P ", "merchantReference": "", "amount": {"value": "10", "currency": "EUR"}});
    assert_eq!(signing_string(&typed(&item)), " P ::::10:EUR::");
}

// ---------------------------------------------------------------- Webhooks API reference examples

/// Refund that failed (Webhooks OAS example), signed with the test key.
#[test]
fn refund_failed_example() {
    let example = json!({
      "amount": {"currency": "EUR", "value": 1000}, "eventCode": "REFUND",
      "eventDate": "2021-01-01T01:00:00+01:00", "merchantAccountCode": "YOUR_MERCHANT_ACCOUNT",
      "merchantReference": "YOUR_MERCHANT_REFERENCE", "originalReference": "9913140798220028",
      "paymentMethod": "visa", "pspReference": "QFQTPCQ8HXSKGK82",
      "reason": "Transaction hasn't been captured, refund not possible", "success": "false"});
    match one_event(example) {
        WebhookEvent::Refund(r) => {
            assert_eq!(r.event_type, "REFUND");
            assert_eq!(
                r.event_id.as_deref(),
                Some("QFQTPCQ8HXSKGK82:REFUND:false:9913140798220028")
            );
            assert_eq!(r.connector_refund_id, "QFQTPCQ8HXSKGK82");
            assert_eq!(
                r.connector_transaction_id.as_deref(),
                Some("9913140798220028")
            );
            assert_eq!(
                r.merchant_refund_reference.as_deref(),
                Some("YOUR_MERCHANT_REFERENCE")
            );
            assert_eq!(r.status, RefundStatus::Failure);
            assert_eq!(r.amount, Some(money(1000, "EUR")));
            assert_eq!(
                r.reason.as_deref(),
                Some("Transaction hasn't been captured, refund not possible")
            );
            assert_eq!(r.occurred_at.as_deref(), Some("2021-01-01T01:00:00+01:00"));
        }
        other => panic!("{other:?}"),
    }
}

/// Chargeback (Webhooks OAS example, abridged), signed with the test key.
#[test]
fn chargeback_example() {
    let example = json!({
      "additionalData": {"chargebackReasonCode": " 4853", "defensePeriodEndsAt": "2021-07-31T03:03:07+02:00",
        "defendable": "true", "grossCurrency": "EUR", "grossValue": "2000", "chargebackSchemeCode": "mc",
        "capturePspReference": "8636172945333378"},
      "amount": {"currency": "EUR", "value": 1000}, "eventCode": "CHARGEBACK",
      "eventDate": "2021-01-01T01:00:00+01:00", "merchantAccountCode": "YOUR_MERCHANT_ACCOUNT",
      "merchantReference": "YOUR_MERCHANT_REFERENCE", "originalReference": "9913140798220028",
      "paymentMethod": "mc", "pspReference": "QFQTPCQ8HXSKGK82",
      "reason": "Payment.TxId=300000000524534724 dispute", "success": "true"});
    match one_event(example) {
        WebhookEvent::Dispute(d) => {
            assert_eq!(d.event_type, "CHARGEBACK");
            assert_eq!(
                d.event_id.as_deref(),
                Some("QFQTPCQ8HXSKGK82:CHARGEBACK:true:9913140798220028")
            );
            assert_eq!(d.connector_dispute_id, "QFQTPCQ8HXSKGK82");
            assert_eq!(
                d.connector_transaction_id.as_deref(),
                Some("9913140798220028")
            );
            assert_eq!(d.stage, DisputeStage::Dispute);
            assert_eq!(d.status, DisputeStatus::Lost, "no disputeStatus: lost");
            assert_eq!(d.reason_code.as_deref(), Some("4853"));
            assert_eq!(d.respond_by.as_deref(), Some("2021-07-31T03:03:07+02:00"));
            assert_eq!(d.amount, Some(money(1000, "EUR")));
            assert_eq!(
                d.reason.as_deref(),
                Some("Payment.TxId=300000000524534724 dispute")
            );
            assert_eq!(d.connector_status, None);
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- event tables

#[test]
fn payment_event_table() {
    use PaymentStatus::*;
    // (eventCode, success, original reference, expected payment id, operation id, status)
    let table = [
        (
            "AUTHORISATION",
            "true",
            None,
            "QFQTPCQ8HXSKGK82",
            None,
            Authorized,
        ),
        (
            "AUTHORISATION",
            "false",
            None,
            "QFQTPCQ8HXSKGK82",
            None,
            Failure,
        ),
        (
            "AUTHORISATION_ADJUSTMENT",
            "true",
            Some("PAY1"),
            "PAY1",
            Some("QFQTPCQ8HXSKGK82"),
            Authorized,
        ),
        (
            "AUTHORISATION_ADJUSTMENT",
            "false",
            Some("PAY1"),
            "PAY1",
            Some("QFQTPCQ8HXSKGK82"),
            Failure,
        ),
        (
            "RECURRING_CONTRACT",
            "true",
            None,
            "QFQTPCQ8HXSKGK82",
            None,
            Authorized,
        ),
        (
            "RECURRING_CONTRACT",
            "false",
            None,
            "QFQTPCQ8HXSKGK82",
            None,
            Failure,
        ),
        (
            "CANCELLATION",
            "true",
            Some("PAY1"),
            "PAY1",
            Some("QFQTPCQ8HXSKGK82"),
            Voided,
        ),
        (
            "CANCELLATION",
            "false",
            Some("PAY1"),
            "PAY1",
            Some("QFQTPCQ8HXSKGK82"),
            VoidFailed,
        ),
        (
            "CAPTURE",
            "true",
            Some("PAY1"),
            "PAY1",
            Some("QFQTPCQ8HXSKGK82"),
            Charged,
        ),
        (
            "CAPTURE",
            "false",
            Some("PAY1"),
            "PAY1",
            Some("QFQTPCQ8HXSKGK82"),
            CaptureFailed,
        ),
        (
            "CAPTURE_FAILED",
            "true",
            Some("PAY1"),
            "PAY1",
            Some("QFQTPCQ8HXSKGK82"),
            CaptureFailed,
        ),
        (
            "CAPTURE_FAILED",
            "false",
            Some("PAY1"),
            "PAY1",
            Some("QFQTPCQ8HXSKGK82"),
            CaptureFailed,
        ),
        (
            "OFFER_CLOSED",
            "true",
            None,
            "QFQTPCQ8HXSKGK82",
            None,
            Expired,
        ),
        (
            "OFFER_CLOSED",
            "false",
            None,
            "QFQTPCQ8HXSKGK82",
            None,
            Expired,
        ),
    ];
    for (code, success, original, payment_id, operation_id, status) in table {
        match one_event(item(code, success, original, json!({}))) {
            WebhookEvent::Payment(p) => {
                assert_eq!(p.status, status, "{code} {success}");
                assert_eq!(p.connector_transaction_id, payment_id, "{code}");
                assert_eq!(p.connector_operation_id.as_deref(), operation_id, "{code}");
                let expected_id = match original {
                    Some(o) => format!("QFQTPCQ8HXSKGK82:{code}:{success}:{o}"),
                    None => format!("QFQTPCQ8HXSKGK82:{code}:{success}"),
                };
                assert_eq!(p.event_id, Some(expected_id));
                assert_eq!(p.merchant_reference.as_deref(), Some("order-42"));
            }
            other => panic!("{code}: {other:?}"),
        }
    }
}

#[test]
fn failed_authorisation_carries_the_reason_and_tokens_are_read() {
    let mut failed_item = item(
        "AUTHORISATION",
        "false",
        None,
        json!({"refusalReasonRaw": "51 : Insufficient funds", "merchantAdviceCode": "01"}),
    );
    failed_item["reason"] = json!("Not enough balance");
    match one_event(failed_item) {
        WebhookEvent::Payment(p) => {
            let d = p.decline.unwrap();
            assert_eq!(d.message.as_deref(), Some("Not enough balance"));
            assert_eq!(d.network_decline_code.as_deref(), Some("51"));
            assert_eq!(d.network_advice_code.as_deref(), Some("01"));
        }
        other => panic!("{other:?}"),
    }
    let ok = item(
        "AUTHORISATION",
        "true",
        None,
        json!({"recurring.recurringDetailReference": "8415718415172200", "networkTxReference": "MCC999"}),
    );
    match one_event(ok) {
        WebhookEvent::Payment(p) => {
            assert_eq!(p.mandate_id.as_deref(), Some("8415718415172200"));
            assert_eq!(p.network_transaction_id.as_deref(), Some("MCC999"));
            assert!(p.decline.is_none());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn refund_event_table() {
    use RefundStatus::*;
    let table = [
        ("REFUND", "true", Success),
        ("REFUND", "false", Failure),
        ("CANCEL_OR_REFUND", "true", Success),
        ("CANCEL_OR_REFUND", "false", Failure),
        ("REFUND_FAILED", "true", Failure),
        ("REFUND_FAILED", "false", Failure),
        ("REFUNDED_REVERSED", "true", Failure),
        ("REFUNDED_REVERSED", "false", Failure),
    ];
    for (code, success, status) in table {
        match one_event(item(code, success, Some("PAY1"), json!({}))) {
            WebhookEvent::Refund(r) => {
                assert_eq!(r.status, status, "{code} {success}");
                assert_eq!(r.connector_refund_id, "QFQTPCQ8HXSKGK82");
                assert_eq!(r.connector_transaction_id.as_deref(), Some("PAY1"));
            }
            other => panic!("{code}: {other:?}"),
        }
    }
}

#[test]
fn dispute_event_table() {
    use DisputeStage::*;
    use DisputeStatus::*;
    let table = [
        ("NOTIFICATION_OF_CHARGEBACK", None, PreDispute, Opened),
        (
            "NOTIFICATION_OF_CHARGEBACK",
            Some("Pending"),
            PreDispute,
            Opened,
        ),
        ("REQUEST_FOR_INFORMATION", None, PreDispute, Opened),
        ("CHARGEBACK", Some("Undefended"), Dispute, Opened),
        ("CHARGEBACK", Some("Pending"), Dispute, Opened),
        ("CHARGEBACK", Some("Unresponded"), Dispute, Opened),
        ("CHARGEBACK", Some("Responded"), Dispute, Challenged),
        ("CHARGEBACK", Some("Expired"), Dispute, Expired),
        ("CHARGEBACK", Some("Lost"), Dispute, Lost),
        ("CHARGEBACK", None, Dispute, Lost),
        ("CHARGEBACK", Some("Accepted"), Dispute, Accepted),
        ("CHARGEBACK", Some("Won"), Dispute, Won),
        ("CHARGEBACK_REVERSED", Some("Pending"), Dispute, Challenged),
        ("CHARGEBACK_REVERSED", Some("Won"), Dispute, Won),
        ("CHARGEBACK_REVERSED", None, Dispute, Won),
        ("SECOND_CHARGEBACK", Some("Lost"), PreArbitration, Lost),
        ("SECOND_CHARGEBACK", None, PreArbitration, Lost),
        (
            "PREARBITRATION_WON",
            Some("Pending"),
            PreArbitration,
            Opened,
        ),
        ("PREARBITRATION_WON", Some("Won"), PreArbitration, Won),
        ("PREARBITRATION_WON", None, PreArbitration, Won),
        ("PREARBITRATION_LOST", Some("Lost"), PreArbitration, Lost),
        ("PREARBITRATION_LOST", None, PreArbitration, Lost),
        ("DISPUTE_DEFENSE_PERIOD_ENDED", None, Dispute, Expired),
    ];
    for (code, dispute_status, stage, status) in table {
        assert_eq!(
            dispute_mapping(code, dispute_status),
            Some((stage, status)),
            "{code} {dispute_status:?}"
        );
        let additional = match dispute_status {
            Some(s) => json!({"disputeStatus": s, "chargebackReasonCode": "10.4"}),
            None => json!({"chargebackReasonCode": "10.4"}),
        };
        match one_event(item(code, "true", Some("PAY1"), additional)) {
            WebhookEvent::Dispute(d) => {
                assert_eq!(
                    (d.stage, d.status),
                    (stage, status),
                    "{code} {dispute_status:?}"
                );
                assert_eq!(d.connector_status.as_deref(), dispute_status);
                assert_eq!(d.connector_dispute_id, "QFQTPCQ8HXSKGK82");
                assert_eq!(d.connector_transaction_id.as_deref(), Some("PAY1"));
                assert_eq!(d.reason_code.as_deref(), Some("10.4"));
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    // Every disputeStatus value of the Webhooks OAS parses.
    for value in [
        "Unresponded",
        "Responded",
        "Expired",
        "Undefended",
        "Accepted",
        "Pending",
        "Lost",
        "Won",
    ] {
        assert!(dispute_mapping("CHARGEBACK", Some(value)).is_some());
    }
}

#[test]
fn unknown_and_unmapped_codes_are_ignored() {
    for code in [
        "PREARBITRATION_ACCEPTED",
        "SCHEME_ARBITRATION_LOST",
        "NOTIFICATION_OF_FRAUD",
        "REPORT_AVAILABLE",
        "HANDLED_EXTERNALLY",
        "MANUAL_REVIEW_ACCEPT",
        "A_CODE_FROM_2031",
    ] {
        match one_event(item(code, "true", Some("PAY1"), json!({}))) {
            WebhookEvent::Ignored(i) => {
                assert_eq!(i.event_type, code);
                assert_eq!(
                    i.event_id,
                    Some(format!("QFQTPCQ8HXSKGK82:{code}:true:PAY1"))
                );
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    // A batch mixing known and unknown codes parses whole, in order.
    let body = signed_envelope(&[
        item("NEW_THING", "true", None, json!({})),
        item("CAPTURE", "true", Some("PAY1"), json!({})),
    ]);
    let all = events(&body);
    assert!(matches!(all[0], WebhookEvent::Ignored(_)));
    assert!(matches!(all[1], WebhookEvent::Payment(ref p) if p.connector_transaction_id == "PAY1"));
}

#[test]
fn dispute_reason_codes_are_trimmed_and_blank_ones_dropped() {
    match one_event(item(
        "CHARGEBACK",
        "true",
        Some("PAY1"),
        json!({"chargebackReasonCode": "   "}),
    )) {
        WebhookEvent::Dispute(d) => assert_eq!(d.reason_code, None),
        other => panic!("{other:?}"),
    }
}

/// The deduplication id is built from signed fields only: a CHARGEBACK whose (unsigned)
/// `disputeStatus` changed has the same id, while its status still follows `disputeStatus`.
/// An item whose unsigned fields were edited is a duplicate, never a new event.
#[test]
fn the_event_id_comes_from_signed_fields_only() {
    let item = |status: &str, reason: &str| {
        json!({
            "pspReference": "DZ4DPSHB4WD2WN82", "originalReference": "9913140798220028",
            "merchantAccountCode": "M", "merchantReference": "R", "eventCode": "CHARGEBACK", "success": "true",
            "amount": {"value": 1000, "currency": "EUR"}, "reason": reason,
            "eventDate": "2021-01-01T01:00:00+01:00",
            "additionalData": {"disputeStatus": status, "chargebackReasonCode": "4853",
                               "tokenization.storedPaymentMethodId": reason}
        })
    };
    let event = |v: Value| match one_event(v) {
        WebhookEvent::Dispute(d) => d,
        other => panic!("{other:?}"),
    };
    let first = event(item("Undefended", "first"));
    let edited = event(item("Won", "edited"));
    assert_eq!(
        first.event_id.as_deref(),
        Some("DZ4DPSHB4WD2WN82:CHARGEBACK:true:9913140798220028")
    );
    assert_eq!(first.event_id, edited.event_id);
    assert_eq!(first.status, DisputeStatus::Opened);
    assert_eq!(edited.status, DisputeStatus::Won);
    assert_eq!(edited.connector_status.as_deref(), Some("Won"));
    // Every signed field changes the id, or the signature: the eventCode, success and the
    // references are in it.
    let a = typed(&item("Undefended", "x"));
    let mut b = a.clone();
    b.success = Some("false".into());
    assert_ne!(event_id(&a), event_id(&b));
    let mut c = a.clone();
    c.original_reference = None;
    assert_eq!(event_id(&c), "DZ4DPSHB4WD2WN82:CHARGEBACK:true");
}

// ---------------------------------------------------------------- hardening

/// A body over the limit is rejected before it is read, even when it is a genuine,
/// well-signed notification padded with whitespace.
#[test]
fn an_oversized_body_is_rejected_unread() {
    let adyen = connector();
    let mut padded = VECTOR_ENVELOPE.to_string();
    padded.push_str(&" ".repeat(MAX_WEBHOOK_BODY_BYTES + 1 - padded.len()));
    assert_eq!(padded.len(), MAX_WEBHOOK_BODY_BYTES + 1);
    let e = adyen.handle_webhook(&webhook(&padded)).unwrap_err();
    assert_code(&e, ErrorCode::WebhookVerificationFailed);
    assert!(e.message().contains("limit"), "{e}");
    // At the limit it is read (and verifies).
    padded.pop();
    assert_eq!(
        adyen
            .handle_webhook(&webhook(&padded))
            .unwrap()
            .events
            .len(),
        1
    );
    // A large batch of unsigned items is rejected by its size alone.
    let unsigned = item("AUTHORISATION", "true", None, json!({}));
    let many: Vec<Value> = vec![json!({ "NotificationRequestItem": unsigned }); 10_000];
    let body = json!({"live": "false", "notificationItems": many}).to_string();
    assert!(body.len() > MAX_WEBHOOK_BODY_BYTES);
    let e = adyen.handle_webhook(&webhook(&body)).unwrap_err();
    assert_code(&e, ErrorCode::WebhookVerificationFailed);
    assert!(e.message().contains("limit"), "{e}");
}

/// An unsigned item never yields an event: not alone, not next to signed ones, and not when
/// it comes first or last.
#[test]
fn an_unsigned_item_never_yields_an_event() {
    let adyen = connector();
    let signed: Value = serde_json::from_str(&signed_envelope(&[item(
        "CAPTURE",
        "true",
        Some("PAY1"),
        json!({}),
    )]))
    .unwrap();
    let signed_item = signed["notificationItems"][0].clone();
    let unsigned_item =
        json!({"NotificationRequestItem": item("CANCELLATION", "true", Some("PAY1"), json!({}))});
    for items in [
        vec![unsigned_item.clone()],
        vec![signed_item.clone(), unsigned_item.clone()],
        vec![unsigned_item.clone(), signed_item.clone()],
    ] {
        let body = json!({"live": "false", "notificationItems": items}).to_string();
        let e = adyen.handle_webhook(&webhook(&body)).unwrap_err();
        assert_code(&e, ErrorCode::WebhookVerificationFailed);
    }
    // The first failing item stops the work: the message names it.
    let body =
        json!({"live": "false", "notificationItems": [unsigned_item, signed_item]}).to_string();
    let e = adyen.handle_webhook(&webhook(&body)).unwrap_err();
    assert!(e.message().contains("item 0"), "{e}");
}

/// A signed item of a mapped event whose amount cannot be read is an `invalid_response`; an
/// ignored event's amount is not read.
#[test]
fn an_unreadable_amount_in_a_verified_item_is_an_invalid_response() {
    let mut bad = item("REFUND", "true", Some("PAY1"), json!({}));
    bad["amount"] = json!({"value": -1000, "currency": "EUR"});
    let e = connector()
        .handle_webhook(&webhook(&signed_envelope(&[bad.clone()])))
        .unwrap_err();
    assert_code(&e, ErrorCode::InvalidResponse);
    assert!(e.message().contains("negative"), "{e}");
    assert!(map_item(&typed(&bad), 0).is_err());
    let mut report = item("REPORT_AVAILABLE", "true", None, json!({}));
    report["amount"] = json!({"value": 0, "currency": ""});
    assert!(matches!(
        one_event(report),
        WebhookEvent::Ignored(ref i) if i.event_type == "REPORT_AVAILABLE"
    ));
}
