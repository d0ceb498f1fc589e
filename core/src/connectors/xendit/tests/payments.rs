//! Authorize, setup_mandate, PSync and capture (`payments.rs`), over the documented example
//! payloads (Xendit API reference, "Authorize — POST /payment_requests", Xendit API reference, "Capture — POST /payment_requests/{payment_request_id}/captures", Xendit API reference, "Authorize — 3DS required", Xendit API reference, "Authorize — declined") and the status table.

use serde_json::json;

use super::*;
use crate::connector::Connector;
use crate::connectors::xendit::payments::{next_action, payment_status};
use crate::connectors::xendit::wire::{Action, PaymentRequestStatus};

/// Xendit API reference, "Authorize — POST /payment_requests": the illustrative request, less `payment_method.reference_id` (optional, not sent).
const SPEC_REQUEST: &str = r#"{"reference_id": "order-42", "amount": 10000, "currency": "IDR", "capture_method": "AUTOMATIC",
 "payment_method": {"type": "CARD", "reusability": "ONE_TIME_USE",
   "card": {"channel_properties": {"success_return_url": "https://merchant.example/return",
                                   "failure_return_url": "https://merchant.example/return",
                                   "skip_three_d_secure": false},
            "card_information": {"card_number": "4000000000001091", "expiry_month": "12", "expiry_year": "2027",
                                 "cvv": "123", "cardholder_name": "Joseph Doe",
                                 "cardholder_email": "joseph@example.com", "cardholder_phone_number": "+6281234567890"}}}}"#;

#[test]
fn authorize_builds_the_spec_request() {
    let request = sent(connector().authorize(&authorize_request(), &cx(), &[]));
    assert_eq!(request.method, HttpMethod::Post);
    assert_eq!(request.url, "https://api.xendit.co/payment_requests");
    let expected: Value = serde_json::from_str(SPEC_REQUEST).unwrap();
    assert_eq!(body(&request), expected);
    assert_eq!(header(&request, "idempotency-key"), Some(IDEMPOTENCY_KEY));
    assert_eq!(header(&request, "Content-Type"), Some("application/json"));
    assert!(request.retry_safe, "Xendit deduplicates on idempotency-key");
}

#[test]
fn authorize_options_map_to_xendit_fields() {
    let mut r = authorize_request();
    r.capture_method = CaptureMethod::Manual;
    r.authentication_type = AuthenticationType::NoThreeDs;
    r.return_url = None;
    r.metadata.insert("sku".into(), "ABC".into());
    if let PaymentMethod::Card(card) = &mut r.payment_method {
        card.cvc = None;
        card.holder_name = None;
        card.expiry_month = 3;
    }
    let b = body(&sent(connector().authorize(&r, &cx(), &[])));
    assert_eq!(b["capture_method"], "MANUAL");
    assert_eq!(b["metadata"], json!({"sku": "ABC"}));
    let card = &b["payment_method"]["card"];
    assert_eq!(
        card["channel_properties"],
        json!({"skip_three_d_secure": true})
    );
    let info = &card["card_information"];
    assert!(info.get("cvv").is_none(), "no CVV: the field is left out");
    assert_eq!(info["expiry_month"], "03");
    // Without a holder name on the card, the customer's name.
    assert_eq!(info["cardholder_name"], "Joseph Doe");
}

#[test]
fn cardholder_email_and_phone_are_required() {
    let mut r = authorize_request();
    r.customer.as_mut().unwrap().email = None;
    let e = failed(connector().authorize(&r, &cx(), &[]));
    assert_eq!(e.field(), Some("customer.email"));
    let mut r = authorize_request();
    r.customer.as_mut().unwrap().phone = Some(" ".into());
    let e = failed(connector().authorize(&r, &cx(), &[]));
    assert_eq!(e.field(), Some("customer.phone"));
    let mut r = authorize_request();
    r.customer = None;
    assert_code(
        &failed(connector().authorize(&r, &cx(), &[])),
        ErrorCode::InvalidRequest,
    );
    let mut r = authorize_request();
    r.customer.as_mut().unwrap().first_name = None;
    r.customer.as_mut().unwrap().last_name = None;
    if let PaymentMethod::Card(card) = &mut r.payment_method {
        card.holder_name = None;
    }
    let e = failed(connector().authorize(&r, &cx(), &[]));
    assert_eq!(e.field(), Some("payment_method.holder_name"));
}

#[test]
fn card_data_stays_out_of_debug_output() {
    let request = sent(connector().authorize(&authorize_request(), &cx(), &[]));
    let debug = format!("{request:?}");
    assert!(!debug.contains(CARD_NUMBER));
    assert!(!request.masked_body().unwrap().contains(CARD_NUMBER));
}

#[test]
fn three_ds_answer_is_a_redirect_to_the_auth_action() {
    let r = authorize_request();
    let payment = done(connector().authorize(&r, &cx(), &[response(201, AUTHORIZE_3DS)]));
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    assert_eq!(payment.connector, ConnectorName::Xendit);
    assert_eq!(payment.connector_status.as_deref(), Some("REQUIRES_ACTION"));
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pr-1fdaf346-dd2e-4b6c-b938-124c7167a822")
    );
    assert_eq!(payment.merchant_reference.as_deref(), Some("order-42"));
    assert_eq!(payment.amount, Some(idr(10_000)));
    assert_eq!(payment.mandate_id, None, "ONE_TIME_USE saves nothing");
    assert_eq!(payment.http_status, Some(201));
    match payment.next_action {
        Some(NextAction::Redirect(redirect)) => {
            assert_eq!(redirect.url, "https://xendit-3ds.example/auth/pr-1fdaf346");
            assert_eq!(redirect.method, HttpMethod::Get);
            assert!(redirect.form_fields.is_empty());
        }
        other => panic!("expected a redirect, got {other:?}"),
    }
}

#[test]
fn decline_is_a_failure_result_with_the_failure_code() {
    let payment = done(connector().authorize(
        &authorize_request(),
        &cx(),
        &[response(200, &authorize_declined())],
    ));
    assert_eq!(payment.status, PaymentStatus::Failure);
    assert!(payment.is_declined());
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pr-1fdaf346-dd2e-4b6c-b938-124c7167a822")
    );
    let decline = payment.decline.expect("decline details");
    assert_eq!(decline.code.as_deref(), Some("DECLINED_BY_ISSUER"));
    assert!(payment.next_action.is_none());
}

#[test]
fn card_expired_error_on_creation_is_a_decline() {
    let body = r#"{"error_code": "CARD_EXPIRED", "message": "The card has expired"}"#;
    let payment = done(connector().authorize(&authorize_request(), &cx(), &[response(400, body)]));
    assert_eq!(payment.status, PaymentStatus::Failure);
    let decline = payment.decline.unwrap();
    assert_eq!(decline.code.as_deref(), Some("CARD_EXPIRED"));
    assert_eq!(decline.message.as_deref(), Some("The card has expired"));
    assert_eq!(payment.http_status, Some(400));
}

#[test]
fn validation_errors_on_creation_stay_errors() {
    let body = r#"{"error_code": "API_VALIDATION_ERROR", "message": "amount is below the minimum", "errors": [{"path": "amount"}]}"#;
    let e = failed(connector().authorize(&authorize_request(), &cx(), &[response(400, body)]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("API_VALIDATION_ERROR"));
    assert!(e.message().contains("minimum"), "{e}");
}

#[test]
fn status_table_automatic_and_manual() {
    use PaymentRequestStatus as S;
    let table = [
        (
            S::Succeeded,
            PaymentStatus::Charged,
            PaymentStatus::Authorized,
        ),
        (
            S::Verified,
            PaymentStatus::Charged,
            PaymentStatus::Authorized,
        ),
        (
            S::AwaitingCapture,
            PaymentStatus::Authorized,
            PaymentStatus::Authorized,
        ),
        (S::Pending, PaymentStatus::Pending, PaymentStatus::Pending),
        (
            S::RequiresAction,
            PaymentStatus::AuthenticationPending,
            PaymentStatus::AuthenticationPending,
        ),
        (S::Failed, PaymentStatus::Failure, PaymentStatus::Failure),
        (S::Canceled, PaymentStatus::Failure, PaymentStatus::Voided),
        (S::Voided, PaymentStatus::Voided, PaymentStatus::Voided),
        (S::Expired, PaymentStatus::Expired, PaymentStatus::Expired),
        (S::Unknown, PaymentStatus::Pending, PaymentStatus::Pending),
        (
            S::Other("NEW".into()),
            PaymentStatus::Pending,
            PaymentStatus::Pending,
        ),
    ];
    for (status, automatic, manual) in table {
        assert_eq!(payment_status(&status, false), automatic, "{status:?}");
        assert_eq!(payment_status(&status, true), manual, "{status:?}");
    }
}

#[test]
fn psync_reads_the_payment_request_with_the_answers_capture_method() {
    let get = PaymentGetRequest {
        connector_transaction_id: Some("pr-1fdaf346-dd2e-4b6c-b938-124c7167a822".into()),
        ..Default::default()
    };
    let request = sent(connector().get_payment(&get, &cx(), &[]));
    assert_eq!(request.method, HttpMethod::Get);
    assert_eq!(
        request.url,
        "https://api.xendit.co/payment_requests/pr-1fdaf346-dd2e-4b6c-b938-124c7167a822"
    );
    assert!(request.body.is_none());
    assert!(request.retry_safe);

    let charged = done(connector().get_payment(
        &get,
        &cx(),
        &[response(
            200,
            &payment_request_with("SUCCEEDED", "AUTOMATIC"),
        )],
    ));
    assert_eq!(charged.status, PaymentStatus::Charged);
    let held = done(connector().get_payment(
        &get,
        &cx(),
        &[response(
            200,
            &payment_request_with("AWAITING_CAPTURE", "MANUAL"),
        )],
    ));
    assert_eq!(held.status, PaymentStatus::Authorized);
    // The answer's capture method wins over the caller's.
    let mut get_manual = get.clone();
    get_manual.capture_method = Some(CaptureMethod::Manual);
    let charged = done(connector().get_payment(
        &get_manual,
        &cx(),
        &[response(
            200,
            &payment_request_with("SUCCEEDED", "AUTOMATIC"),
        )],
    ));
    assert_eq!(charged.status, PaymentStatus::Charged);
    // Without one in the answer, the caller's decides.
    let mut v: Value = serde_json::from_str(&payment_request_with("SUCCEEDED", "x")).unwrap();
    v.as_object_mut().unwrap().remove("capture_method");
    let held = done(connector().get_payment(&get_manual, &cx(), &[response(200, &v.to_string())]));
    assert_eq!(held.status, PaymentStatus::Authorized);
    let declined =
        done(connector().get_payment(&get, &cx(), &[response(200, &authorize_declined())]));
    assert_eq!(declined.status, PaymentStatus::Failure);
    assert_eq!(
        declined.decline.unwrap().code.as_deref(),
        Some("DECLINED_BY_ISSUER")
    );
}

#[test]
fn psync_errors() {
    let get = PaymentGetRequest {
        connector_transaction_id: Some("pr-missing".into()),
        ..Default::default()
    };
    let body = r#"{"error_code": "DATA_NOT_FOUND", "message": "Payment request not found"}"#;
    let e = failed(connector().get_payment(&get, &cx(), &[response(404, body)]));
    assert_code(&e, ErrorCode::NotFound);
    // A 400 CARD_EXPIRED is only a decline when the call creates the payment.
    let body = r#"{"error_code": "CARD_EXPIRED", "message": "x"}"#;
    assert_code(
        &failed(connector().get_payment(&get, &cx(), &[response(400, body)])),
        ErrorCode::InvalidRequest,
    );
    let by_order = PaymentGetRequest {
        connector_order_id: Some("o".into()),
        ..Default::default()
    };
    let e = failed(connector().get_payment(&by_order, &cx(), &[]));
    assert_eq!(e.field(), Some("connector_transaction_id"));
    // An unusable 2xx answer.
    for bad in [
        "not json",
        "[]",
        r#"{"id": "pr-1"}"#,
        r#"{"status": "SUCCEEDED"}"#,
    ] {
        let e = failed(connector().get_payment(&get, &cx(), &[response(200, bad)]));
        assert_code(&e, ErrorCode::InvalidResponse);
    }
}

#[test]
fn auth_action_is_chosen_by_name_not_position() {
    let action = |name: &str, url_type: &str, method: Option<&str>, url: &str| Action {
        action: Some(name.into()),
        url_type: Some(url_type.into()),
        method: method.map(str::to_string),
        url: Some(url.into()),
        qr_code: None,
    };
    let actions = vec![
        action(
            "CAPTURE",
            "API",
            Some("POST"),
            "https://api.example/capture",
        ),
        action("AUTH", "MOBILE", Some("GET"), "https://m.example/auth"),
        action("AUTH", "WEB", None, "https://web.example/auth?token=abc"),
    ];
    match next_action(&actions) {
        Some(NextAction::Redirect(r)) => {
            assert_eq!(r.url, "https://web.example/auth?token=abc");
            assert_eq!(r.method, HttpMethod::Get, "a null method is GET");
            assert_eq!(r.form_fields.get("token").map(String::as_str), Some("abc"));
        }
        other => panic!("{other:?}"),
    }
    let post = vec![action(
        "AUTH",
        "WEB",
        Some("POST"),
        "https://web.example/auth",
    )];
    assert!(matches!(
        next_action(&post),
        Some(NextAction::Redirect(RedirectAction {
            method: HttpMethod::Post,
            ..
        }))
    ));
    assert!(next_action(&[]).is_none());
    assert!(next_action(&actions[..1]).is_none());
}

#[test]
fn mandate_charge_sends_the_saved_payment_method() {
    let mandate = MandateReference {
        mandate_id: "pm-951b1ad9-1fbb-4724-a744-8956ab6ed17f".into(),
        usage: MandateUsage::Unscheduled,
        network_transaction_id: None,
        connector_customer_id: None,
    };
    let mut r = AuthorizeRequest::new(idr(25_000), "order-43", PaymentMethod::Mandate(mandate));
    r.return_url = Some("https://merchant.example/return".into());
    let b = body(&sent(connector().authorize(&r, &cx(), &[])));
    assert_eq!(
        b,
        json!({
            "reference_id": "order-43", "amount": 25000, "currency": "IDR",
            "capture_method": "AUTOMATIC",
            "payment_method_id": "pm-951b1ad9-1fbb-4724-a744-8956ab6ed17f",
            "channel_properties": {"skip_three_d_secure": true,
                "success_return_url": "https://merchant.example/return",
                "failure_return_url": "https://merchant.example/return"}
        })
    );
    r.authentication_type = AuthenticationType::ThreeDs;
    let b = body(&sent(connector().authorize(&r, &cx(), &[])));
    assert_eq!(b["channel_properties"]["skip_three_d_secure"], false);
}

fn setup_request() -> SetupMandateRequest {
    SetupMandateRequest {
        return_url: Some("https://merchant.example/return".into()),
        ..SetupMandateRequest::new(
            idr(10_000),
            "save-42",
            PaymentMethod::Card(card()),
            customer(),
        )
    }
}

#[test]
fn setup_mandate_pays_and_saves_the_card() {
    let request = sent(connector().setup_mandate(&setup_request(), &cx(), &[]));
    assert_eq!(request.url, "https://api.xendit.co/payment_requests");
    assert_eq!(header(&request, "idempotency-key"), Some(IDEMPOTENCY_KEY));
    let b = body(&request);
    assert_eq!(b["payment_method"]["reusability"], "MULTIPLE_USE");
    assert_eq!(b["capture_method"], "AUTOMATIC");
    assert_eq!(b["amount"], 10000);

    let mut saved: Value =
        serde_json::from_str(&payment_request_with("SUCCEEDED", "AUTOMATIC")).unwrap();
    saved["payment_method"]["reusability"] = "MULTIPLE_USE".into();
    saved["payment_method"]["status"] = "ACTIVE".into();
    let payment = done(connector().setup_mandate(
        &setup_request(),
        &cx(),
        &[response(200, &saved.to_string())],
    ));
    assert_eq!(payment.status, PaymentStatus::Charged);
    assert_eq!(
        payment.mandate_id.as_deref(),
        Some("pm-2b2c6092-2100-4843-a7fc-f5c7edac7efd")
    );

    // 3-D Secure first: the mandate id is already known.
    let mut pending: Value = serde_json::from_str(AUTHORIZE_3DS).unwrap();
    pending["payment_method"]["reusability"] = "MULTIPLE_USE".into();
    let payment = done(connector().setup_mandate(
        &setup_request(),
        &cx(),
        &[response(201, &pending.to_string())],
    ));
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    assert!(payment.next_action.is_some());
    assert!(payment.mandate_id.is_some());
}

#[test]
fn setup_mandate_needs_a_positive_amount() {
    let mut r = setup_request();
    r.amount = idr(0);
    let e = failed(connector().setup_mandate(&r, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("amount"));
}

/// Xendit API reference, "Capture — POST /payment_requests/{payment_request_id}/captures" capture answer (`Capture` in the Node SDK), built from the documented fields.
fn capture_answer(status: &str, captured: i64, authorized: i64) -> String {
    json!({
        "id": "cptr-0b7a9e3c-1d2f-4e5a-8b6c-7d8e9f0a1b2c",
        "payment_request_id": "pr-1fdaf346-dd2e-4b6c-b938-124c7167a822",
        "payment_id": "py-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
        "reference_id": "order-42-capture-1",
        "currency": "IDR", "authorized_amount": authorized, "captured_amount": captured,
        "status": status, "failure_code": if status == "FAILED" { json!("CAPTURE_AMOUNT_EXCEEDED") } else { Value::Null },
        "payment_method": null, "customer_id": null, "metadata": null, "channel_properties": null,
        "created": "2025-01-01T00:00:00Z", "updated": "2025-01-01T00:00:00Z"
    })
    .to_string()
}

fn capture_request(amount: i64) -> CaptureRequest {
    CaptureRequest {
        connector_transaction_id: "pr-1fdaf346-dd2e-4b6c-b938-124c7167a822".into(),
        amount: idr(amount),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: None,
    }
}

#[test]
fn capture_builds_the_spec_body() {
    let request = sent(connector().capture(&capture_request(10_000), &cx(), &[]));
    assert_eq!(
        request.url,
        "https://api.xendit.co/payment_requests/pr-1fdaf346-dd2e-4b6c-b938-124c7167a822/captures"
    );
    assert_eq!(body(&request), json!({"capture_amount": 10000}));
    assert!(!request.retry_safe, "captures take no idempotency key");
    let mut r = capture_request(10_000);
    r.merchant_reference = Some("cap-1".into());
    assert_eq!(
        body(&sent(connector().capture(&r, &cx(), &[]))),
        json!({"capture_amount": 10000, "reference_id": "cap-1"})
    );
}

#[test]
fn capture_answers_map_to_charged_partial_or_failed() {
    let full = done(connector().capture(
        &capture_request(10_000),
        &cx(),
        &[response(200, &capture_answer("SUCCEEDED", 10_000, 10_000))],
    ));
    assert_eq!(full.status, PaymentStatus::Charged);
    assert_eq!(
        full.connector_transaction_id.as_deref(),
        Some("pr-1fdaf346-dd2e-4b6c-b938-124c7167a822")
    );
    assert_eq!(
        full.connector_operation_id.as_deref(),
        Some("cptr-0b7a9e3c-1d2f-4e5a-8b6c-7d8e9f0a1b2c")
    );
    assert_eq!(full.amount, Some(idr(10_000)));

    let partial = done(connector().capture(
        &capture_request(4_000),
        &cx(),
        &[response(200, &capture_answer("SUCCEEDED", 4_000, 10_000))],
    ));
    assert_eq!(partial.status, PaymentStatus::PartialCharged);

    let pending = done(connector().capture(
        &capture_request(10_000),
        &cx(),
        &[response(200, &capture_answer("PENDING", 10_000, 10_000))],
    ));
    assert_eq!(pending.status, PaymentStatus::Pending);

    let failed_capture = done(connector().capture(
        &capture_request(10_000),
        &cx(),
        &[response(200, &capture_answer("FAILED", 0, 10_000))],
    ));
    assert_eq!(failed_capture.status, PaymentStatus::CaptureFailed);
    assert_eq!(
        failed_capture.decline.unwrap().code.as_deref(),
        Some("CAPTURE_AMOUNT_EXCEEDED")
    );
}

#[test]
fn capture_beyond_the_authorization_is_invalid_request() {
    let body = r#"{"error_code": "CAPTURE_AMOUNT_EXCEEDED", "message": "Capture amount exceeds the authorized amount"}"#;
    let e = failed(connector().capture(&capture_request(20_000), &cx(), &[response(400, body)]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("CAPTURE_AMOUNT_EXCEEDED"));
    let body = r#"{"error_code": "INACTIVE_PAYMENT_REQUEST", "message": "already final"}"#;
    let e = failed(connector().capture(&capture_request(10_000), &cx(), &[response(400, body)]));
    assert_code(&e, ErrorCode::InvalidRequest);
}

#[test]
fn psync_by_reference_lists_the_payment_requests_and_skips_failed_attempts() {
    let get = PaymentGetRequest {
        merchant_reference: Some("order 42".into()),
        capture_method: Some(CaptureMethod::Automatic),
        ..Default::default()
    };
    let request = sent(connector().get_payment(&get, &cx(), &[]));
    assert_eq!(request.method, HttpMethod::Get);
    assert!(request.retry_safe);
    assert_eq!(
        request.url,
        "https://api.xendit.co/payment_requests?reference_id=order%2042&limit=100"
    );
    let with = |id: &str, reference: &str, status: &str| {
        let mut v: Value =
            serde_json::from_str(&payment_request_with(status, "AUTOMATIC")).unwrap();
        v["id"] = id.into();
        v["reference_id"] = reference.into();
        v
    };
    let list = json!({"data": [
        with("pr-newer-failed", "order 42", "FAILED"),
        with("pr-other", "order 43", "SUCCEEDED"),
        with("pr-paid", "order 42", "SUCCEEDED"),
    ], "has_more": false, "links": []});
    let p = done(connector().get_payment(&get, &cx(), &[response(200, &list.to_string())]));
    assert_eq!(p.connector_transaction_id.as_deref(), Some("pr-paid"));
    assert_eq!(p.status, PaymentStatus::Charged);

    let none = json!({"data": [with("pr-other", "order 43", "SUCCEEDED")], "has_more": false});
    let e = failed(connector().get_payment(&get, &cx(), &[response(200, &none.to_string())]));
    assert_code(&e, ErrorCode::NotFound);
    let e = failed(connector().get_payment(&get, &cx(), &[response(200, "{\"items\": []}")]));
    assert_code(&e, ErrorCode::InvalidResponse);
}
