//! Request signing: the documentation's computed test vector, and the headers of every request.

use super::*;
use crate::connector::Connector;
use crate::connectors::fiserv::sign;

#[test]
fn the_computed_test_vector_is_reproduced_byte_for_byte() {
    let signature = sign(
        "API_KEY",
        "SECRET",
        "CLIENT_REQUEST_ID",
        1_700_000_000_000,
        br#"{"a":1}"#,
    );
    assert_eq!(signature, "sd/wGPaJ+mI+bPSa62mFX2hshahalWrrOgej0KcZ+fc=");
    // Base64 of the raw 32-byte digest, not of its hex (that would be 88 characters).
    assert_eq!(signature.len(), 44);
    assert!(signature.ends_with('='));
}

#[test]
fn an_empty_body_signs_the_empty_string() {
    let without = sign("K", "S", "ID", 1, b"");
    let manual = {
        use base64::Engine;
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(b"S").unwrap();
        mac.update(b"KID1");
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    };
    assert_eq!(without, manual);
}

#[test]
fn every_part_of_the_message_changes_the_signature() {
    let base = sign(
        "API_KEY",
        "SECRET",
        "CLIENT_REQUEST_ID",
        1_700_000_000_000,
        br#"{"a":1}"#,
    );
    for other in [
        sign(
            "API_KEY2",
            "SECRET",
            "CLIENT_REQUEST_ID",
            1_700_000_000_000,
            br#"{"a":1}"#,
        ),
        sign(
            "API_KEY",
            "SECRET2",
            "CLIENT_REQUEST_ID",
            1_700_000_000_000,
            br#"{"a":1}"#,
        ),
        sign(
            "API_KEY",
            "SECRET",
            "CLIENT_REQUEST_ID2",
            1_700_000_000_000,
            br#"{"a":1}"#,
        ),
        sign(
            "API_KEY",
            "SECRET",
            "CLIENT_REQUEST_ID",
            1_700_000_000_001,
            br#"{"a":1}"#,
        ),
        sign(
            "API_KEY",
            "SECRET",
            "CLIENT_REQUEST_ID",
            1_700_000_000_000,
            br#"{"a": 1}"#,
        ),
    ] {
        assert_ne!(base, other);
    }
}

#[test]
fn requests_carry_the_signed_headers_over_the_exact_body_sent() {
    let request =
        sent(connector().authorize(&authorize_request(CaptureMethod::Automatic), &cx(), &[]));
    assert_eq!(request.method, HttpMethod::Post);
    assert_eq!(header(&request, "Content-Type"), Some("application/json"));
    assert_eq!(header(&request, "Api-Key"), Some(API_KEY));
    assert_eq!(header(&request, "Client-Request-Id"), Some(IDEMPOTENCY_KEY));
    assert_eq!(header(&request, "Timestamp"), Some("1700000000000"));
    assert_eq!(header(&request, "Auth-Token-Type"), Some("HMAC"));
    let body = request.body.as_ref().unwrap().as_slice();
    let expected = sign(API_KEY, API_SECRET, IDEMPOTENCY_KEY, TIMESTAMP_MS, body);
    assert_eq!(header(&request, "Authorization"), Some(expected.as_str()));
    // Compact JSON: the signed bytes are the sent bytes, with no re-serialisation.
    assert!(!body_text(&request).contains(": "));
}

#[test]
fn every_flow_is_signed_and_retry_safe() {
    let fiserv = connector();
    let cx = cx();
    let requests = [
        sent(fiserv.authorize(&authorize_request(CaptureMethod::Manual), &cx, &[])),
        sent(fiserv.capture(
            &CaptureRequest {
                connector_transaction_id: "84356531338".into(),
                amount: usd(1204),
                authorized_amount: None,
                merchant_reference: None,
                idempotency_key: None,
            },
            &cx,
            &[],
        )),
        sent(fiserv.void(
            &VoidRequest {
                connector_transaction_id: "84356531338".into(),
                ..Default::default()
            },
            &cx,
            &[],
        )),
        sent(fiserv.refund(
            &RefundRequest {
                connector_transaction_id: "84356531338".into(),
                amount: usd(1204),
                merchant_refund_reference: None,
                reason: None,
                refundable_amount: None,
                idempotency_key: None,
                metadata: Default::default(),
            },
            &cx,
            &[],
        )),
        sent(fiserv.get_payment(
            &PaymentGetRequest {
                connector_transaction_id: Some("84356531338".into()),
                ..Default::default()
            },
            &cx,
            &[],
        )),
        sent(fiserv.get_refund(
            &RefundGetRequest {
                connector_refund_id: Some("99".into()),
                ..Default::default()
            },
            &cx,
            &[],
        )),
    ];
    for request in requests {
        let body = request.body.as_ref().unwrap().as_slice();
        assert_eq!(
            header(&request, "Authorization"),
            Some(sign(API_KEY, API_SECRET, IDEMPOTENCY_KEY, TIMESTAMP_MS, body).as_str()),
            "{}",
            request.url
        );
        assert!(request.retry_safe, "{}", request.url);
        assert_eq!(request.method, HttpMethod::Post);
    }
}

#[test]
fn a_retry_is_re_signed_with_a_fresh_timestamp_but_keeps_what_fiserv_deduplicates_on() {
    let fiserv = connector();
    let request = authorize_request(CaptureMethod::Automatic);
    let first = sent(fiserv.authorize(&request, &cx(), &[]));
    let later = FlowContext {
        idempotency_key: IDEMPOTENCY_KEY.to_string(),
        timestamp_ms: TIMESTAMP_MS + 2_500,
    };
    let retry = sent(fiserv.authorize(&request, &later, &[]));
    assert_eq!(
        header(&first, "Client-Request-Id"),
        header(&retry, "Client-Request-Id")
    );
    assert_eq!(
        first.body, retry.body,
        "the body (merchantTransactionId included) must not change"
    );
    assert_eq!(header(&retry, "Timestamp"), Some("1700000002500"));
    assert_ne!(
        header(&first, "Authorization"),
        header(&retry, "Authorization")
    );
}

#[test]
fn a_client_request_id_that_cannot_be_a_header_is_refused() {
    let bad = FlowContext {
        idempotency_key: "has space".into(),
        timestamp_ms: TIMESTAMP_MS,
    };
    let e = failed(connector().authorize(&authorize_request(CaptureMethod::Automatic), &bad, &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("idempotency_key"));
}

#[test]
fn debug_output_hides_the_secret_and_the_signature() {
    let request =
        sent(connector().authorize(&authorize_request(CaptureMethod::Automatic), &cx(), &[]));
    let rendered = format!("{request:?} {:?} {:?}", connector(), config());
    assert!(!rendered.contains(API_SECRET));
    assert!(!rendered.contains(API_KEY));
    assert!(!rendered.contains(header(&request, "Authorization").unwrap()));
    assert!(!rendered.contains(CARD_NUMBER));
}
