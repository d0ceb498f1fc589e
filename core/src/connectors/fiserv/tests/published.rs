//! Payloads published by Fiserv (the `Fiserv/Commerce-Hub` documentation repository), kept
//! byte for byte under `published/` (sources in `published/SOURCES.md`), run through the flows'
//! own parsers: what each answer means (status, amounts, ids, decline or error class).

use super::*;
use crate::connector::Connector;

const SALE_AUTHORIZED: &str = include_str!("published/charges_201_sale_authorized.json");
const LEGACY_FLAT_RECEIPT: &str = include_str!("published/charges_201_legacy_flat_receipt.json");
const PREAUTH_CERT_SAMPLE: &str = include_str!("published/charges_201_preauth_cert_sample.json");
const STATE_APPROVED: &str = include_str!("published/charges_201_state_approved_avs.json");
const DECLINED_VELOCITY: &str = include_str!("published/charges_201_declined_velocity_621.json");
const CAPTURED: &str = include_str!("published/capture_201_captured.json");
const CANCEL_VOIDED: &str = include_str!("published/cancels_201_voided.json");
const CANCEL_PLACEHOLDER: &str = include_str!("published/cancel_200_placeholder_state.json");
const INQUIRY_ARRAY: &str = include_str!("published/inquiry_201_array_captured.json");
const INQUIRY_LEGACY_OBJECT: &str = include_str!("published/inquiry_201_legacy_single_object.json");
const REFUND_AUTHORIZED: &str = include_str!("published/refunds_201_authorized.json");
const ERROR_703: &str = include_str!("published/error_400_error_response_703.json");
const ERROR_103: &str = include_str!("published/error_400_requested_test_error_103.json");
const ERROR_425: &str = include_str!("published/error_425_too_early.json");
const ERROR_TRAILING_COMMA: &str =
    include_str!("published/error_400_missing_type_trailing_comma.json");

fn authorize(capture: CaptureMethod, status: u16, body: &str) -> Result<Step<PaymentResponse>> {
    connector().authorize(
        &authorize_request(capture),
        &cx(),
        &[response(status, body)],
    )
}

fn capture_request() -> CaptureRequest {
    CaptureRequest {
        connector_transaction_id: "84356531338".into(),
        amount: usd(1204),
        authorized_amount: Some(usd(1204)),
        merchant_reference: None,
        idempotency_key: None,
    }
}

fn void_request(id: &str) -> VoidRequest {
    VoidRequest {
        connector_transaction_id: id.into(),
        ..Default::default()
    }
}

fn psync(id: &str) -> PaymentGetRequest {
    PaymentGetRequest {
        connector_transaction_id: Some(id.into()),
        ..Default::default()
    }
}

fn refund_request() -> RefundRequest {
    RefundRequest {
        connector_transaction_id: "84356531300".into(),
        amount: usd(1204),
        merchant_refund_reference: None,
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Default::default(),
    }
}

// ------------------------------------------------------------------------------ charges

#[test]
fn charges_md_sale_is_charged_and_pre_auth_authorized() {
    let r = done(authorize(CaptureMethod::Automatic, 201, SALE_AUTHORIZED));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_status.as_deref(), Some("AUTHORIZED"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("84356531338"));
    assert_eq!(
        r.connector_order_id.as_deref(),
        Some("RKOrdID-525133851837")
    );
    assert_eq!(r.network_transaction_id.as_deref(), Some("0225MCC625628"));
    assert_eq!(r.amount, Some(usd(1204)));
    assert_eq!(
        r.request_id.as_deref(),
        Some("362866ac81864d7c9d1ff8b5aa6e98db")
    );
    assert!(r.decline.is_none());

    let r = done(authorize(CaptureMethod::Manual, 201, SALE_AUTHORIZED));
    assert_eq!(r.status, PaymentStatus::Authorized);
}

#[test]
fn legacy_charges_md_with_lowercase_states_and_a_flat_receipt() {
    // Lower-case enums, ids at the top level, `processorResponseDetails: null` with its fields
    // flattened into the receipt, `schemeTransactionID`, a string total, `source` a string.
    let r = done(authorize(
        CaptureMethod::Automatic,
        201,
        LEGACY_FLAT_RECEIPT,
    ));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_status.as_deref(), Some("AUTHORIZED"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("838916029301"));
    assert_eq!(
        r.connector_order_id.as_deref(),
        Some("R-3b83fca8-2f9c-4364-86ae-12c91f1fcf16")
    );
    assert_eq!(r.network_transaction_id.as_deref(), Some("019078743804756"));
    assert_eq!(r.amount, Some(usd(100)));
    assert_eq!(
        r.request_id.as_deref(),
        Some("rrt-0bd552c12342d3448-b-ea-1142-12938318-7")
    );

    let r = done(authorize(CaptureMethod::Manual, 201, LEGACY_FLAT_RECEIPT));
    assert_eq!(r.status, PaymentStatus::Authorized);
}

#[test]
fn cert_sample_pre_authorization_is_authorized() {
    // The sandbox answer quoted in Capture.md: a pre-auth (`captureFlag: false`) with many
    // fields the connector does not read.
    let r = done(authorize(CaptureMethod::Manual, 201, PREAUTH_CERT_SAMPLE));
    assert_eq!(r.status, PaymentStatus::Authorized);
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("31a12bba68a44e31b98d27ad37b6b5f4")
    );
    assert_eq!(
        r.connector_order_id.as_deref(),
        Some("CHG01acb64b7e738748e0a22ecad24185e4cf")
    );
    assert_eq!(r.merchant_reference.as_deref(), Some("45503429"));
    assert_eq!(r.amount, Some(usd(10000)));
    assert!(r.network_transaction_id.is_none());
    // Read back through PSync (captureFlag false in the answer): still authorized.
    let r = done(connector().get_payment(
        &psync("31a12bba68a44e31b98d27ad37b6b5f4"),
        &cx(),
        &[response(201, PREAUTH_CERT_SAMPLE)],
    ));
    assert_eq!(r.status, PaymentStatus::Authorized);
}

#[test]
fn test_fraud_md_state_approved_is_an_approved_authorization() {
    // `transactionState: "APPROVED"` is outside the documented state list.
    let r = done(authorize(CaptureMethod::Automatic, 201, STATE_APPROVED));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_status.as_deref(), Some("APPROVED"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("838916029301"));
    assert_eq!(r.amount, Some(usd(1204)));
    assert!(r.decline.is_none());

    let r = done(authorize(CaptureMethod::Manual, 201, STATE_APPROVED));
    assert_eq!(r.status, PaymentStatus::Authorized);
}

#[test]
fn test_fraud_md_velocity_decline_is_a_failure_with_the_gateway_code() {
    let r = done(authorize(CaptureMethod::Automatic, 201, DECLINED_VELOCITY));
    assert_eq!(r.status, PaymentStatus::Failure);
    assert_eq!(r.connector_status.as_deref(), Some("DECLINED"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("838916029301"));
    assert!(r.amount.is_none());
    let decline = r.decline.expect("decline details");
    assert_eq!(decline.code.as_deref(), Some("621"));
    assert_eq!(
        decline.message.as_deref(),
        Some("Velocity: Maximum Sale Exceeded")
    );
    assert!(decline.network_decline_code.is_none());
}

// ------------------------------------------------------------------------------ capture / cancel

#[test]
fn capture_md_answer_is_charged() {
    let r = done(connector().capture(&capture_request(), &cx(), &[response(201, CAPTURED)]));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_status.as_deref(), Some("CAPTURED"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("84356531338"));
    assert_eq!(r.amount, Some(usd(1204)));
}

#[test]
fn cancel_md_answer_is_voided() {
    let r = done(connector().void(
        &void_request("84356531300"),
        &cx(),
        &[response(201, CANCEL_VOIDED)],
    ));
    assert_eq!(r.status, PaymentStatus::Voided);
    assert_eq!(r.connector_status.as_deref(), Some("VOIDED"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("84356531300"));
    assert_eq!(r.connector_operation_id.as_deref(), Some("84356531338"));
    assert_eq!(r.amount, Some(usd(1204)));
}

#[test]
fn cancel_md_placeholder_state_parses_and_stays_pending() {
    // The older Cancel.md example: type and state are the literal placeholder "string". An
    // unknown state is pending (the spec's table), even with approvalStatus APPROVED.
    let r = done(connector().void(
        &void_request("838916029301"),
        &cx(),
        &[response(200, CANCEL_PLACEHOLDER)],
    ));
    assert_eq!(r.status, PaymentStatus::Pending);
    assert_eq!(r.connector_status.as_deref(), Some("STRING"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("838916029301"));
    assert_eq!(
        r.connector_order_id.as_deref(),
        Some("R-3b83fca8-2f9c-4364-86ae-12c91f1fcf16")
    );
    assert_eq!(r.merchant_reference.as_deref(), Some("1343678765"));
    assert_eq!(r.network_transaction_id.as_deref(), Some("019078743804756"));
    assert_eq!(r.amount, Some(usd(100)));
}

// ------------------------------------------------------------------------------ inquiry

#[test]
fn inquiry_md_array_is_charged_with_a_string_total() {
    for id in ["aa829dcb83cd49f485141168e051b8d1", "84439763459"] {
        let r = done(connector().get_payment(&psync(id), &cx(), &[response(201, INQUIRY_ARRAY)]));
        assert_eq!(r.status, PaymentStatus::Charged, "{id}");
        assert_eq!(r.connector_status.as_deref(), Some("CAPTURED"));
        assert_eq!(
            r.connector_transaction_id.as_deref(),
            Some("aa829dcb83cd49f485141168e051b8d1")
        );
        assert_eq!(
            r.connector_order_id.as_deref(),
            Some("CHG01586b6416dddd4425ae764daee6c3ac8a")
        );
        assert_eq!(r.network_transaction_id.as_deref(), Some("0113MCC815463"));
        assert_eq!(r.amount, Some(usd(69000)));
    }
}

#[test]
fn legacy_inquiry_md_single_object_with_placeholder_state_is_pending() {
    let r = done(connector().get_payment(
        &psync("838916029301"),
        &cx(),
        &[response(201, INQUIRY_LEGACY_OBJECT)],
    ));
    assert_eq!(r.status, PaymentStatus::Pending);
    assert_eq!(r.connector_transaction_id.as_deref(), Some("838916029301"));
    assert_eq!(
        r.connector_order_id.as_deref(),
        Some("R-3b83fca8-2f9c-4364-86ae-12c91f1fcf16")
    );
    assert_eq!(r.merchant_reference.as_deref(), Some("1343678765"));
    assert!(r.amount.is_none());
}

// ------------------------------------------------------------------------------ refunds

#[test]
fn refund_md_answer_is_a_success() {
    let r = done(connector().refund(
        &refund_request(),
        &cx(),
        &[response(201, REFUND_AUTHORIZED)],
    ));
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(r.connector_status.as_deref(), Some("AUTHORIZED"));
    assert_eq!(r.connector_refund_id.as_deref(), Some("84356531338"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("84356531300"));
    assert_eq!(r.amount, Some(usd(1204)));
    assert!(r.failure.is_none());

    // The same transaction read back by RSync (an inquiry may answer a single object).
    let req = RefundGetRequest {
        connector_refund_id: Some("84356531338".into()),
        ..Default::default()
    };
    let r = done(connector().get_refund(&req, &cx(), &[response(201, REFUND_AUTHORIZED)]));
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(r.connector_refund_id.as_deref(), Some("84356531338"));
    assert_eq!(r.amount, Some(usd(1204)));
}

// ------------------------------------------------------------------------------ errors

#[test]
fn error_response_md_703_is_retryable_processor_unavailable() {
    for step in [
        authorize(CaptureMethod::Automatic, 400, ERROR_703),
        // The wrapped envelope reads CANCEL / DECLINED, but it is an error body, not a decline.
        connector().void(
            &void_request("84356531338"),
            &cx(),
            &[response(400, ERROR_703)],
        ),
    ] {
        let e = failed(step);
        assert_code(&e, ErrorCode::ProcessorUnavailable);
        assert!(e.retryable);
        assert_eq!(e.http_status, Some(400));
        assert_eq!(e.processor_code.as_deref(), Some("703"));
        assert_eq!(
            e.processor_message.as_deref(),
            Some("Write to downstream failed")
        );
        assert_eq!(e.request_id.as_deref(), Some("5c059eee2388e191"));
    }
}

#[test]
fn test_errors_md_103_is_an_invalid_request() {
    let e = failed(authorize(CaptureMethod::Automatic, 400, ERROR_103));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert!(!e.retryable);
    assert_eq!(e.processor_code.as_deref(), Some("103"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("Missing or Invalid Card Number or Token")
    );
    assert!(e.message().contains("cardData"), "{e}");
    assert_eq!(e.request_id.as_deref(), Some("5c059eee2388e191"));
}

#[test]
fn http_md_425_is_rate_limited_even_with_an_authorized_envelope() {
    let e = failed(authorize(CaptureMethod::Automatic, 425, ERROR_425));
    assert_code(&e, ErrorCode::RateLimited);
    assert!(e.retryable);
    assert_eq!(e.http_status, Some(425));
    // `code` is empty: the item's `type` stands in.
    assert_eq!(e.processor_code.as_deref(), Some("GATEWAY"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("The request was sent too early.")
    );
    assert_eq!(
        e.request_id.as_deref(),
        Some("rrt-0bd552c12342d3448-b-ea-1142-12938318-7")
    );
}

#[test]
fn http_md_body_that_is_not_valid_json_still_classifies_by_status() {
    // Published with a trailing comma: unreadable, so the HTTP status decides.
    assert!(serde_json::from_str::<serde_json::Value>(ERROR_TRAILING_COMMA).is_err());
    let e = failed(authorize(
        CaptureMethod::Automatic,
        400,
        ERROR_TRAILING_COMMA,
    ));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert!(!e.retryable);
    assert_eq!(e.http_status, Some(400));
    assert!(e.processor_code.is_none());
}

#[test]
fn every_fixture_but_the_documented_bad_one_is_json() {
    for (name, text) in [
        ("sale", SALE_AUTHORIZED),
        ("legacy", LEGACY_FLAT_RECEIPT),
        ("preauth", PREAUTH_CERT_SAMPLE),
        ("approved", STATE_APPROVED),
        ("declined", DECLINED_VELOCITY),
        ("captured", CAPTURED),
        ("voided", CANCEL_VOIDED),
        ("placeholder", CANCEL_PLACEHOLDER),
        ("inquiry", INQUIRY_ARRAY),
        ("inquiry legacy", INQUIRY_LEGACY_OBJECT),
        ("refund", REFUND_AUTHORIZED),
        ("703", ERROR_703),
        ("103", ERROR_103),
        ("425", ERROR_425),
    ] {
        assert!(
            serde_json::from_str::<serde_json::Value>(text).is_ok(),
            "{name}"
        );
    }
}
