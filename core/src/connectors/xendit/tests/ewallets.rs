//! E-wallets (`ewallets.rs`): the documented OVO request and DANA answer (Xendit API reference, "Payment requests": e-wallet examples),
//! the channel rules, the next actions of redirect, deep-link, QR and push channels, and the
//! e-wallet statuses (Xendit API reference, "Payment requests": status of e-wallet payments).

use serde_json::json;

use super::*;
use crate::connector::Connector;

/// Xendit API reference, "Payment requests" (e-wallet example): the illustrative OVO request (push channel).
const SPEC_OVO_REQUEST: &str = r#"{"reference_id": "order-77", "amount": 25000, "currency": "IDR", "country": "ID",
 "payment_method": {"type": "EWALLET", "reusability": "ONE_TIME_USE",
   "ewallet": {"channel_code": "OVO", "channel_properties": {"mobile_number": "+628123123123"}}}}"#;

/// Xendit API reference, "Payment requests" (e-wallet example): the DANA answer (redirect channel), abridged (the documentation elides part
/// of the payment method id).
const SPEC_DANA_RESPONSE: &str = r#"{"id": "pr-0f9c1e2a-7b3d-4c55-9a61-2d8e4b7c9f10", "reference_id": "order-78", "status": "REQUIRES_ACTION",
 "amount": 25000, "currency": "IDR", "country": "ID", "capture_method": "AUTOMATIC", "failure_code": null,
 "payment_method": {"id": "pm-3a1b", "type": "EWALLET", "reusability": "ONE_TIME_USE", "status": "PENDING",
   "ewallet": {"channel_code": "DANA", "channel_properties": {"success_return_url": "https://shop.example/ok"}}},
 "actions": [
   {"action": "AUTH", "url_type": "WEB", "method": "GET", "url": "https://ewallet-mock-connector.xendit.co/v1/ewallet_connector/checkouts?token=abc", "qr_code": null},
   {"action": "AUTH", "url_type": "MOBILE", "method": "GET", "url": "https://ewallet-mock-connector.xendit.co/v1/ewallet_connector/checkouts?token=abc", "qr_code": null}]}"#;

fn wallet(provider: &str, mobile: Option<&str>) -> PaymentMethod {
    PaymentMethod::Ewallet(Ewallet {
        provider: provider.into(),
        mobile_number: mobile.map(str::to_string),
        cashtag: None,
    })
}

fn ewallet_request(provider: &str, amount: Money) -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(amount, "order-78", wallet(provider, None));
    r.return_url = Some("https://shop.example/ok".into());
    r
}

fn ovo_request() -> AuthorizeRequest {
    AuthorizeRequest::new(
        idr(25_000),
        "order-77",
        wallet("OVO", Some("+628123123123")),
    )
}

/// A payment request answer for an e-wallet channel.
fn ewallet_answer(channel: &str, status: &str, actions: Value) -> String {
    let mut v: Value = serde_json::from_str(SPEC_DANA_RESPONSE).unwrap();
    v["status"] = status.into();
    v["payment_method"]["ewallet"]["channel_code"] = channel.into();
    v["actions"] = actions;
    v.to_string()
}

#[test]
fn ovo_builds_the_spec_request() {
    let request = sent(connector().authorize(&ovo_request(), &cx(), &[]));
    assert_eq!(request.url, "https://api.xendit.co/payment_requests");
    let expected: Value = serde_json::from_str(SPEC_OVO_REQUEST).unwrap();
    assert_eq!(body(&request), expected);
    assert_eq!(header(&request, "idempotency-key"), Some(IDEMPOTENCY_KEY));
    assert!(request.retry_safe);
}

#[test]
fn redirect_channels_send_the_return_url_and_country() {
    let b = body(&sent(connector().authorize(
        &ewallet_request("gcash", money(100_000, "PHP")),
        &cx(),
        &[],
    )));
    assert_eq!(
        b,
        json!({"reference_id": "order-78", "amount": 1000, "currency": "PHP", "country": "PH",
               "payment_method": {"type": "EWALLET", "reusability": "ONE_TIME_USE",
                 "ewallet": {"channel_code": "GCASH", "channel_properties": {
                    "success_return_url": "https://shop.example/ok",
                    "failure_return_url": "https://shop.example/ok"}}}})
    );
    let mut r = ewallet_request("DANA", idr(25_000));
    r.return_url = None;
    let e = failed(connector().authorize(&r, &cx(), &[]));
    assert_eq!(e.field(), Some("return_url"));
}

#[test]
fn jenius_pay_sends_the_cashtag() {
    let mut r = AuthorizeRequest::new(
        idr(25_000),
        "order-79",
        PaymentMethod::Ewallet(Ewallet {
            provider: "JENIUSPAY".into(),
            mobile_number: None,
            cashtag: Some("$shopper".into()),
        }),
    );
    r.return_url = None;
    let b = body(&sent(connector().authorize(&r, &cx(), &[])));
    assert_eq!(
        b["payment_method"]["ewallet"]["channel_properties"],
        json!({"cashtag": "$shopper"})
    );
}

#[test]
fn channel_rules_are_checked_before_sending() {
    // OVO needs the mobile number.
    let mut r = ovo_request();
    r.payment_method = wallet("OVO", None);
    let e = failed(connector().authorize(&r, &cx(), &[]));
    assert_eq!(e.field(), Some("payment_method.mobile_number"));
    // The currency must be the channel's.
    let e = failed(connector().authorize(&ewallet_request("DANA", money(1000, "PHP")), &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("amount.currency"));
    // SHOPEEPAY works in several countries.
    let b = body(&sent(connector().authorize(
        &ewallet_request("SHOPEEPAY", money(50_000, "THB")),
        &cx(),
        &[],
    )));
    assert_eq!(b["country"], "TH");
    // E-wallets are captured at once.
    let mut r = ovo_request();
    r.capture_method = CaptureMethod::Manual;
    let e = failed(connector().authorize(&r, &cx(), &[]));
    assert_eq!(e.field(), Some("capture_method"));
    // Whole rupiah.
    let e = failed(connector().authorize(
        &ewallet_request("DANA", money(2_500_050, "IDR")),
        &cx(),
        &[],
    ));
    assert_eq!(e.field(), Some("amount"));
}

#[test]
fn channels_outside_the_payment_requests_api_are_unsupported() {
    for provider in ["SAKUKU", "mobikwik"] {
        let e = failed(connector().authorize(&ewallet_request(provider, idr(25_000)), &cx(), &[]));
        assert_code(&e, ErrorCode::Unsupported);
        assert_eq!(e.field(), Some("payment_method"));
        assert_eq!(e.connector, Some(ConnectorName::Xendit));
        assert!(e.message().contains(provider), "{e}");
    }
}

#[test]
fn other_payment_methods_are_unsupported_before_sending() {
    let methods = [
        PaymentMethod::Upi(Upi {
            flow: UpiFlow::Intent,
            vpa: None,
        }),
        PaymentMethod::Netbanking(Netbanking {
            bank_code: "HDFC".into(),
        }),
        PaymentMethod::ApplePay(ApplePay {
            token: Secret::new("{}".into()),
        }),
        PaymentMethod::BankRedirect(BankRedirect {
            method: BankRedirectMethod::Ideal,
            issuer: None,
        }),
    ];
    for method in methods {
        let r = AuthorizeRequest::new(idr(25_000), "o", method);
        let e = failed(connector().authorize(&r, &cx(), &[]));
        assert_code(&e, ErrorCode::Unsupported);
        assert_eq!(e.flow, Some(Flow::Authorize));
    }
}

#[test]
fn dana_answer_is_a_redirect_to_the_web_page() {
    let payment = done(connector().authorize(
        &ewallet_request("DANA", idr(25_000)),
        &cx(),
        &[response(201, SPEC_DANA_RESPONSE)],
    ));
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pr-0f9c1e2a-7b3d-4c55-9a61-2d8e4b7c9f10")
    );
    match payment.next_action {
        Some(NextAction::Redirect(r)) => {
            assert_eq!(
                r.url,
                "https://ewallet-mock-connector.xendit.co/v1/ewallet_connector/checkouts?token=abc"
            );
            assert_eq!(r.method, HttpMethod::Get);
        }
        other => panic!("{other:?}"),
    }
    // Ids need not start with `pr-` (the DANA docs example answers `ewc_...`).
    let mut v: Value = serde_json::from_str(SPEC_DANA_RESPONSE).unwrap();
    v["id"] = "ewc_532as23lew2321id".into();
    let payment = done(connector().authorize(
        &ewallet_request("DANA", idr(25_000)),
        &cx(),
        &[response(201, &v.to_string())],
    ));
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("ewc_532as23lew2321id")
    );
}

#[test]
fn shopeepay_answers_a_deep_link_then_a_qr_code() {
    let actions = json!([
        {"action": "AUTH", "url_type": "DEEPLINK", "method": "GET", "url": "shopeeid://main?apprl=abc", "qr_code": null},
        {"action": "AUTH", "url_type": null, "method": null, "url": null, "qr_code": "00020101021226660014ID.CO.SHOPEE.WWW"}
    ]);
    let payment = done(connector().authorize(
        &ewallet_request("SHOPEEPAY", idr(25_000)),
        &cx(),
        &[response(
            201,
            &ewallet_answer("SHOPEEPAY", "REQUIRES_ACTION", actions),
        )],
    ));
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        payment.next_action,
        Some(NextAction::DeepLink(DeepLinkAction {
            url: "shopeeid://main?apprl=abc".into()
        }))
    );
    let qr_only = json!([{"action": "AUTH", "url_type": null, "method": null, "url": null,
                          "qr_code": "00020101021226660014ID.CO.SHOPEE.WWW"}]);
    let payment = done(connector().authorize(
        &ewallet_request("SHOPEEPAY", idr(25_000)),
        &cx(),
        &[response(
            201,
            &ewallet_answer("SHOPEEPAY", "REQUIRES_ACTION", qr_only),
        )],
    ));
    assert_eq!(
        payment.next_action,
        Some(NextAction::QrCode(QrCodeAction {
            data: "00020101021226660014ID.CO.SHOPEE.WWW".into(),
            image_url: None
        }))
    );
}

#[test]
fn ovo_pending_waits_for_the_push_approval() {
    let answer = ewallet_answer("OVO", "PENDING", json!([]));
    let payment = done(connector().authorize(&ovo_request(), &cx(), &[response(201, &answer)]));
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        payment.next_action,
        Some(NextAction::Await(AwaitAction::default()))
    );
    // PSync reads the channel from the answer.
    let get = PaymentGetRequest {
        connector_transaction_id: Some("pr-0f9c1e2a-7b3d-4c55-9a61-2d8e4b7c9f10".into()),
        ..Default::default()
    };
    let payment = done(connector().get_payment(&get, &cx(), &[response(200, &answer)]));
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    // Without the channel in the answer, the request's provider tells.
    let mut v: Value = serde_json::from_str(&answer).unwrap();
    v["payment_method"] = Value::Null;
    let payment =
        done(connector().authorize(&ovo_request(), &cx(), &[response(201, &v.to_string())]));
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    // A redirect channel's PENDING is plain pending.
    let payment = done(connector().get_payment(
        &get,
        &cx(),
        &[response(200, &ewallet_answer("DANA", "PENDING", json!([])))],
    ));
    assert_eq!(payment.status, PaymentStatus::Pending);
    assert!(payment.next_action.is_none());
    // `UNKNOWN` (or a status not known yet) on a push channel is plain pending too.
    for status in ["UNKNOWN", "SOME_NEW_STATUS"] {
        let answer = ewallet_answer("OVO", status, json!([]));
        let payment = done(connector().get_payment(&get, &cx(), &[response(200, &answer)]));
        assert_eq!(payment.status, PaymentStatus::Pending, "{status}");
        assert!(payment.next_action.is_none(), "{status}");
    }
}

#[test]
fn ewallet_outcomes() {
    let get = PaymentGetRequest {
        connector_transaction_id: Some("pr-0f9c1e2a-7b3d-4c55-9a61-2d8e4b7c9f10".into()),
        ..Default::default()
    };
    let read = |status: &str, failure: Option<&str>| {
        let mut v: Value =
            serde_json::from_str(&ewallet_answer("DANA", status, json!([]))).unwrap();
        v["failure_code"] = failure.map(Value::from).unwrap_or(Value::Null);
        done(connector().get_payment(&get, &cx(), &[response(200, &v.to_string())]))
    };
    assert_eq!(read("SUCCEEDED", None).status, PaymentStatus::Charged);
    assert_eq!(read("EXPIRED", None).status, PaymentStatus::Expired);
    assert_eq!(read("CANCELED", None).status, PaymentStatus::Failure);
    for code in [
        "ACCOUNT_ACCESS_BLOCKED",
        "INVALID_MERCHANT_CREDENTIALS",
        "USER_DECLINED_PAYMENT",
        "INVALID_ACCOUNT_DETAILS",
        "MAXIMUM_LIMIT_REACHED",
        "INSUFFICIENT_BALANCE",
        "A_CODE_NOBODY_KNOWS",
    ] {
        let failed = read("FAILED", Some(code));
        assert_eq!(failed.status, PaymentStatus::Failure);
        assert_eq!(failed.decline.unwrap().code.as_deref(), Some(code));
    }
}

#[test]
fn magic_amount_errors_classify() {
    for (status, code, expected) in [
        (403, "CHANNEL_NOT_ACTIVATED", ErrorCode::Authentication),
        (503, "CHANNEL_UNAVAILABLE", ErrorCode::ProcessorUnavailable),
        (500, "SERVER_ERROR", ErrorCode::ProcessorUnavailable),
        (400, "UNSUPPORTED_CURRENCY", ErrorCode::InvalidRequest),
        (400, "INVALID_PAYMENT_METHOD_ID", ErrorCode::InvalidRequest),
        (
            401,
            "INVALID_MERCHANT_CREDENTIALS",
            ErrorCode::Authentication,
        ),
    ] {
        let body = json!({"error_code": code, "message": "m"}).to_string();
        let e = failed(connector().authorize(&ovo_request(), &cx(), &[response(status, &body)]));
        assert_code(&e, expected);
    }
}

#[test]
fn ewallet_payment_callback_is_a_payment_event() {
    let body = json!({"event": "payment.failed", "business_id": "5f27a14a9bf05c73dd040bc8",
        "created": "2025-01-01T00:05:00Z", "api_version": null,
        "data": {"id": "ewc_532as23lew2321id", "payment_request_id": "pr-0f9c1e2a-7b3d-4c55-9a61-2d8e4b7c9f10",
                 "reference_id": "order-77", "currency": "IDR", "amount": 20105, "country": "ID",
                 "status": "FAILED", "failure_code": "USER_DECLINED_PAYMENT",
                 "payment_method": {"id": "pm-3a1b", "type": "EWALLET", "reusability": "ONE_TIME_USE",
                    "ewallet": {"channel_code": "OVO", "account": {"name": null}}}}})
    .to_string();
    let request = WebhookRequest::new(
        headers(&[("X-CALLBACK-TOKEN", CALLBACK_TOKEN)]),
        body.into_bytes(),
    );
    let notification = connector().handle_webhook(&request).unwrap();
    match &notification.events[0] {
        WebhookEvent::Payment(p) => {
            assert_eq!(p.status, PaymentStatus::Failure);
            assert_eq!(
                p.connector_transaction_id,
                "pr-0f9c1e2a-7b3d-4c55-9a61-2d8e4b7c9f10"
            );
            assert_eq!(
                p.decline.as_ref().unwrap().code.as_deref(),
                Some("USER_DECLINED_PAYMENT")
            );
            assert_eq!(p.amount, Some(idr(20_105)));
        }
        other => panic!("{other:?}"),
    }
}
