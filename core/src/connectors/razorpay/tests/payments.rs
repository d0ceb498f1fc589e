//! Payments (`payments.rs`): authorize (cards, mandates, UPI, netbanking, wallets), PSync,
//! capture, void and setup_mandate.

use super::*;
use crate::connectors::razorpay::payments::{self as rzp_payments, card_expiry_end};

// ---- authorize -------------------------------------------------------------------------------

#[test]
fn authorize_with_an_order_is_one_exchange() {
    let c = connector();
    let mut req = authorize_request();
    req.connector_order_id = Some("order_DPzFe1Q1dEOKed".into());
    req.browser_info = Some(BrowserInfo {
        user_agent: Some("Mozilla/5.0".into()),
        accept_header: Some("text/html".into()),
        language: Some("en-IN".into()),
        color_depth: Some(24),
        screen_height: Some(900),
        screen_width: Some(1440),
        time_zone_offset_minutes: Some(-330),
        java_enabled: Some(false),
        javascript_enabled: Some(true),
        referer: Some("https://shop.example/checkout".into()),
    });
    let (requests, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(CREATE_JSON)]);
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        request.url,
        "https://api.razorpay.com/v1/payments/create/json"
    );
    assert!(!request.retry_safe);
    let body = body_json(request);
    assert_eq!(body["amount"], 50000);
    assert_eq!(body["currency"], "INR");
    assert_eq!(body["order_id"], "order_DPzFe1Q1dEOKed");
    assert_eq!(body["method"], "card");
    assert_eq!(
        body["card"],
        json!({"number": PAN, "expiry_month": 11, "expiry_year": 30, "cvv": CVC, "name": "Gaurav Kumar"})
    );
    assert!(
        body["card"]["expiry_month"].is_u64(),
        "expiry_month is an integer"
    );
    assert_eq!(body["email"], "gaurav.kumar@example.com");
    assert_eq!(body["contact"], "+919000090000");
    assert_eq!(
        body["authentication"],
        json!({"authentication_channel": "browser"})
    );
    assert_eq!(
        body["browser"],
        json!({"java_enabled": false, "javascript_enabled": true, "timezone_offset": -330,
               "color_depth": 24, "screen_width": 1440, "screen_height": 900})
    );
    assert_eq!(body["ip"], "203.0.113.9");
    assert_eq!(body["referer"], "https://shop.example/checkout");
    assert_eq!(body["user_agent"], "Mozilla/5.0");
    assert_eq!(body["callback_url"], "https://shop.example/return");
    assert_eq!(body["notes"], json!({"cart": "42"}));

    let payment = result.unwrap();
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pay_FVmAstJWfsD3SO")
    );
    assert_eq!(
        payment.connector_order_id.as_deref(),
        Some("order_DPzFe1Q1dEOKed")
    );
    match payment.next_action {
        Some(NextAction::Redirect(r)) => {
            assert_eq!(
                r.url,
                "https://api.razorpay.com/v1/payments/FVmAtLUe9XZSGM/authorize"
            );
            assert_eq!(r.method, HttpMethod::Get);
        }
        other => panic!("expected a redirect, got {other:?}"),
    }
    assert_eq!(payment.request_id.as_deref(), Some("req_abc123"));
}

#[test]
fn authorize_without_an_order_creates_it_first() {
    let c = connector();
    let mut req = authorize_request();
    req.capture_method = CaptureMethod::Manual;

    // Step 0: the order.
    let first = match c.authorize(&req, &cx(), &[]).unwrap() {
        Step::Send(r) => r,
        Step::Done(_) => panic!("the order must be created first"),
    };
    assert_eq!(first.url, "https://api.razorpay.com/v1/orders");
    assert_eq!(
        body_json(&first),
        json!({"amount": 50000, "currency": "INR", "receipt": "receipt#1", "payment_capture": 0, "notes": {"cart": "42"}})
    );

    // Step 1: the payment, in the order just created.
    let responses = vec![ok(ORDER)];
    let second = match c.authorize(&req, &cx(), &responses).unwrap() {
        Step::Send(r) => r,
        Step::Done(_) => panic!("the payment comes after the order"),
    };
    assert_eq!(
        second.url,
        "https://api.razorpay.com/v1/payments/create/json"
    );
    assert_eq!(body_json(&second)["order_id"], "order_EKwxwAgItmmXdp");
    assert_eq!(
        body_json(&second)["authentication"],
        json!({"authentication_channel": "app"})
    );
    assert!(body_json(&second).get("browser").is_none());

    // Done.
    let responses = vec![ok(ORDER), ok(CREATE_JSON)];
    let payment = match c.authorize(&req, &cx(), &responses).unwrap() {
        Step::Done(p) => p,
        Step::Send(_) => panic!("two exchanges are enough"),
    };
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        payment.connector_order_id.as_deref(),
        Some("order_EKwxwAgItmmXdp")
    );
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pay_FVmAstJWfsD3SO")
    );
    assert_eq!(payment.merchant_reference.as_deref(), Some("receipt#1"));
    assert_eq!(payment.amount, Some(inr(50000)));

    // A failed order step is an error, and no payment is attempted.
    let e = c
        .authorize(&req, &cx(), &[status(401, ERROR_AUTH)])
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Authentication);
}

#[test]
fn authorize_needs_the_phone_number_before_anything_is_sent() {
    let c = connector();
    let mut req = authorize_request();
    req.customer.as_mut().unwrap().phone = None;
    let e = c.authorize(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("customer.phone"));
    req.customer = None;
    assert_eq!(
        c.authorize(&req, &cx(), &[]).unwrap_err().field(),
        Some("customer.phone")
    );
}

#[test]
fn authorize_needs_the_email_before_anything_is_sent() {
    // Razorpay docs, "S2S integration: Create Payment Json": `email` and `contact` are both required in practice.
    let c = connector();
    let mut req = authorize_request();
    req.customer.as_mut().unwrap().email = Some("  ".into());
    let e = c.authorize(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("customer.email"));
    let mut req = setup_request();
    req.customer.email = None;
    assert_eq!(
        c.setup_mandate(&req, &cx(), &[]).unwrap_err().field(),
        Some("customer.email")
    );
    let mut req = AuthorizeRequest::new(
        inr(2500),
        "renewal-9",
        PaymentMethod::Mandate(MandateReference {
            mandate_id: "token_FHfn3rIiM1Z8nr".into(),
            usage: MandateUsage::Subscription,
            network_transaction_id: None,
            connector_customer_id: Some("cust_DtHaBuooGHTuyZ".into()),
        }),
    );
    req.customer = Some(Customer {
        email: None,
        ..customer()
    });
    assert_eq!(
        c.authorize(&req, &cx(), &[]).unwrap_err().field(),
        Some("customer.email")
    );
}

#[test]
fn authorize_answer_without_next_is_invalid() {
    let c = connector();
    let mut req = authorize_request();
    req.connector_order_id = Some("order_1".into());
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(r#"{"razorpay_payment_id": "pay_1"}"#)],
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidResponse);
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok("<html>oops</html>")],
    );
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert_eq!(e.http_status, Some(200));
    // Only an OTP action: handed over as an SDK action.
    let otp = r#"{"razorpay_payment_id": "pay_2", "next": [{"action": "otp_generate", "url": "https://api.razorpay.com/v1/payments/pay_2/otp_generate"}]}"#;
    let (_, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(otp)]);
    match result.unwrap().next_action {
        Some(NextAction::Sdk(s)) => {
            assert_eq!(s.action_type, "otp_generate");
            assert!(s.data.contains("otp_generate"));
        }
        other => panic!("expected an SDK action, got {other:?}"),
    }
}

#[test]
fn a_4xx_decline_is_a_result_not_an_error() {
    let c = connector();
    let mut req = authorize_request();
    req.connector_order_id = Some("order_DBJKIP31Y4jl8".into());
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![status(400, ERROR_DECLINE)],
    );
    let payment = result.expect("a decline is Ok(failure)");
    assert_eq!(payment.status, PaymentStatus::Failure);
    assert!(payment.is_declined());
    let decline = payment.decline.unwrap();
    assert_eq!(decline.code.as_deref(), Some("BAD_REQUEST_ERROR"));
    assert_eq!(
        decline.message.as_deref(),
        Some("Authentication failed due to incorrect otp")
    );
    assert_eq!(decline.reason.as_deref(), Some("invalid_otp"));
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pay_EDNBKIP31Y4jl8")
    );
    assert_eq!(
        payment.connector_order_id.as_deref(),
        Some("order_DBJKIP31Y4jl8")
    );
    assert_eq!(payment.http_status, Some(400));
    assert_eq!(payment.request_id.as_deref(), Some("req_err42"));

    // The same body from issuer_bank / issuer (the `error_source` of the official failed-payment
    // webhook samples) / bank at the authorization step, and via PSync and capture.
    for source in ["issuer_bank", "issuer", "bank"] {
        let body = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "Payment declined by bank",
                                    "source": source, "step": "payment_authorization", "reason": "payment_declined"}});
        let (_, result) = drive(
            |r| c.authorize(&req, &cx(), r),
            vec![status(400, &body.to_string())],
        );
        assert_eq!(result.unwrap().status, PaymentStatus::Failure);
    }
    let get = PaymentGetRequest {
        connector_transaction_id: Some("pay_EDNBKIP31Y4jl8".into()),
        ..Default::default()
    };
    let (_, result) = drive(
        |r| c.get_payment(&get, &cx(), r),
        vec![status(400, ERROR_DECLINE)],
    );
    assert_eq!(result.unwrap().status, PaymentStatus::Failure);
    let capture = CaptureRequest {
        connector_transaction_id: "pay_EDNBKIP31Y4jl8".into(),
        amount: inr(1000),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: None,
    };
    let (_, result) = drive(
        |r| c.capture(&capture, &cx(), r),
        vec![status(400, ERROR_DECLINE)],
    );
    assert_eq!(result.unwrap().status, PaymentStatus::Failure);

    // A refund has no decline: the same body is an error there.
    let refund = RefundRequest {
        connector_transaction_id: "pay_EDNBKIP31Y4jl8".into(),
        amount: inr(100),
        merchant_refund_reference: None,
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    };
    let (_, result) = drive(
        |r| c.refund(&refund, &cx(), r),
        vec![status(400, ERROR_DECLINE)],
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::ProcessorError);
}

#[test]
fn validation_errors_from_razorpay_are_not_declines() {
    let c = connector();
    let mut req = authorize_request();
    req.connector_order_id = Some("order_1".into());
    let body = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "The contact field is required.",
                                "field": "contact", "source": "business", "step": "payment_initiation",
                                "reason": "input_validation_failed", "metadata": {}}});
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![status(400, &body.to_string())],
    );
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert!(e.message().contains("field: contact"), "{}", e.message());
    assert!(
        e.message().contains("input_validation_failed"),
        "{}",
        e.message()
    );

    // The card is refused at initiation (the customer's card, not the request): a decline.
    let body = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "International cards are not accepted",
                                "source": "customer", "step": "payment_initiation",
                                "reason": "international_transaction_not_allowed"}});
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![status(400, &body.to_string())],
    );
    assert_eq!(
        result.unwrap().decline.unwrap().reason.as_deref(),
        Some("international_transaction_not_allowed")
    );

    // A failure on the gateway's side is neither a decline nor the request's fault.
    let body = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "Payment processing failed at the gateway",
                                "source": "gateway", "step": "payment_authorization", "reason": "gateway_technical_error"}});
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![status(400, &body.to_string())],
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::ProcessorError);
}

#[test]
fn mandate_charge_creates_an_order_then_a_recurring_payment() {
    let c = connector();
    let mut req = AuthorizeRequest::new(
        inr(2500),
        "renewal-9",
        PaymentMethod::Mandate(MandateReference {
            mandate_id: "token_FHfn3rIiM1Z8nr".into(),
            usage: MandateUsage::Subscription,
            network_transaction_id: None,
            connector_customer_id: Some("cust_DtHaBuooGHTuyZ".into()),
        }),
    );
    req.customer = Some(customer());
    let answer = r#"{"razorpay_payment_id": "pay_1Aa00000000001", "razorpay_order_id": "order_EKwxwAgItmmXdp",
                     "razorpay_signature": "9ef4dffbfd84f1318f6739a3ce19f9d85851857ae648f114332d8401e0949a3d"}"#;
    let (requests, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(ORDER), ok(answer)]);
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].url, "https://api.razorpay.com/v1/orders");
    assert_eq!(
        requests[1].url,
        "https://api.razorpay.com/v1/payments/create/recurring"
    );
    let body = body_json(&requests[1]);
    assert_eq!(body["order_id"], "order_EKwxwAgItmmXdp");
    assert_eq!(body["customer_id"], "cust_DtHaBuooGHTuyZ");
    assert_eq!(body["token"], "token_FHfn3rIiM1Z8nr");
    assert_eq!(body["recurring"], "1");
    assert_eq!(body["amount"], 2500);
    assert_eq!(body["contact"], "+919000090000");
    assert!(body.get("card").is_none());
    let payment = result.unwrap();
    assert_eq!(payment.status, PaymentStatus::Pending);
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pay_1Aa00000000001")
    );
    assert_eq!(payment.mandate_id.as_deref(), Some("token_FHfn3rIiM1Z8nr"));
    assert_eq!(
        payment.connector_customer_id.as_deref(),
        Some("cust_DtHaBuooGHTuyZ")
    );

    // The customer id is required, and is checked before the order is created.
    if let PaymentMethod::Mandate(m) = &mut req.payment_method {
        m.connector_customer_id = None;
    }
    let e = c.authorize(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.field(), Some("payment_method.connector_customer_id"));
}

// ---- psync -----------------------------------------------------------------------------------

#[test]
fn return_signature_is_verified_against_the_requests_order() {
    let c = connector();
    let sig = return_signature("order_G8VPOayFxWEU28", "pay_G8VQzjPLoAvm6D");
    assert!(rzp_payments::return_signature_valid(
        &c,
        "order_G8VPOayFxWEU28",
        "pay_G8VQzjPLoAvm6D",
        &sig
    )
    .unwrap());

    let req = PaymentGetRequest {
        redirect_result: Some(redirect_result(
            "pay_G8VQzjPLoAvm6D",
            "order_G8VPOayFxWEU28",
            &sig,
        )),
        connector_order_id: Some("order_G8VPOayFxWEU28".into()),
        capture_method: Some(CaptureMethod::Automatic),
        ..Default::default()
    };
    let (requests, result) = drive(|r| c.get_payment(&req, &cx(), r), vec![ok(CAPTURED)]);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/pay_G8VQzjPLoAvm6D"
    );
    assert_eq!(result.unwrap().status, PaymentStatus::Charged);

    // Forged: a signature made for another order, even when the return names that order.
    let forged_sig = return_signature("order_ATTACKER", "pay_G8VQzjPLoAvm6D");
    let forged = PaymentGetRequest {
        redirect_result: Some(redirect_result(
            "pay_G8VQzjPLoAvm6D",
            "order_ATTACKER",
            &forged_sig,
        )),
        connector_order_id: Some("order_G8VPOayFxWEU28".into()),
        ..Default::default()
    };
    let e = c.get_payment(&forged, &cx(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("redirect_result.razorpay_signature"));

    // Garbage, truncated and other-key signatures.
    for bad in [
        "zz",
        &sig[..63],
        &sign("another_secret", b"order_G8VPOayFxWEU28|pay_G8VQzjPLoAvm6D"),
    ] {
        let req = PaymentGetRequest {
            redirect_result: Some(redirect_result(
                "pay_G8VQzjPLoAvm6D",
                "order_G8VPOayFxWEU28",
                bad,
            )),
            connector_order_id: Some("order_G8VPOayFxWEU28".into()),
            ..Default::default()
        };
        assert_eq!(
            c.get_payment(&req, &cx(), &[]).unwrap_err().field(),
            Some("redirect_result.razorpay_signature")
        );
    }
    // Swapped payment id.
    let req = PaymentGetRequest {
        redirect_result: Some(redirect_result("pay_OTHER", "order_G8VPOayFxWEU28", &sig)),
        connector_order_id: Some("order_G8VPOayFxWEU28".into()),
        ..Default::default()
    };
    assert!(c.get_payment(&req, &cx(), &[]).is_err());

    // Without the order id of the request, the return cannot be verified.
    let req = PaymentGetRequest {
        redirect_result: Some(redirect_result(
            "pay_G8VQzjPLoAvm6D",
            "order_G8VPOayFxWEU28",
            &sig,
        )),
        ..Default::default()
    };
    assert_eq!(
        c.get_payment(&req, &cx(), &[]).unwrap_err().field(),
        Some("connector_order_id")
    );
}

#[test]
fn unsigned_return_falls_back_to_the_merchants_own_ids() {
    let c = connector();
    let req = PaymentGetRequest {
        redirect_result: Some(BTreeMap::from([
            ("error[code]".to_string(), "BAD_REQUEST_ERROR".to_string()),
            (
                "razorpay_payment_id".to_string(),
                "pay_FROM_RETURN".to_string(),
            ),
        ])),
        connector_transaction_id: Some("pay_DEAU825sJlCbGa".into()),
        ..Default::default()
    };
    let (requests, _) = drive(|r| c.get_payment(&req, &cx(), r), vec![ok(CAPTURED)]);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/pay_DEAU825sJlCbGa"
    );

    let only_return = PaymentGetRequest {
        redirect_result: Some(BTreeMap::from([(
            "razorpay_payment_id".to_string(),
            "pay_X".to_string(),
        )])),
        ..Default::default()
    };
    assert_eq!(
        c.get_payment(&only_return, &cx(), &[]).unwrap_err().code(),
        ErrorCode::InvalidRequest
    );
}

fn payment_entity(status: &str, captured: bool) -> String {
    json!({"id": "pay_X1", "entity": "payment", "amount": 1000, "currency": "INR", "status": status,
           "order_id": "order_X1", "captured": captured, "customer_id": "cust_DtHaBuooGHTuyZ",
           "token_id": "token_FHfn3rIiM1Z8nr", "notes": [], "error_code": null, "created_at": 1595449871})
    .to_string()
}

#[test]
fn psync_status_mapping() {
    let c = connector();
    let cases = [
        (
            "created",
            false,
            Some(CaptureMethod::Automatic),
            PaymentStatus::Pending,
        ),
        (
            "authorized",
            false,
            Some(CaptureMethod::Manual),
            PaymentStatus::Authorized,
        ),
        (
            "authorized",
            false,
            Some(CaptureMethod::Automatic),
            PaymentStatus::Pending,
        ),
        ("authorized", false, None, PaymentStatus::Authorized),
        (
            "captured",
            true,
            Some(CaptureMethod::Manual),
            PaymentStatus::Charged,
        ),
        ("refunded", false, None, PaymentStatus::AutoRefunded),
        ("refunded", true, None, PaymentStatus::Charged),
    ];
    for (raw, captured, capture_method, expected) in cases {
        let req = PaymentGetRequest {
            connector_transaction_id: Some("pay_X1".into()),
            capture_method,
            ..Default::default()
        };
        let (_, result) = drive(
            |r| c.get_payment(&req, &cx(), r),
            vec![ok(&payment_entity(raw, captured))],
        );
        let p = result.unwrap();
        assert_eq!(p.status, expected, "{raw} / {capture_method:?}");
        assert_eq!(p.connector_status.as_deref(), Some(raw));
        assert_eq!(p.mandate_id.as_deref(), Some("token_FHfn3rIiM1Z8nr"));
        assert_eq!(
            p.connector_customer_id.as_deref(),
            Some("cust_DtHaBuooGHTuyZ")
        );
        assert_eq!(p.connector_order_id.as_deref(), Some("order_X1"));
        assert_eq!(p.amount, Some(inr(1000)));
        assert!(p.decline.is_none());
    }
    let req = PaymentGetRequest {
        connector_transaction_id: Some("pay_X1".into()),
        ..Default::default()
    };
    // A status this connector does not know is `pending` (the outcome comes by sync or
    // webhook), with the raw status kept.
    let (_, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![ok(&payment_entity("teleported", false))],
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::Pending);
    assert_eq!(p.connector_status.as_deref(), Some("teleported"));
}

#[test]
fn psync_of_a_failed_payment_carries_the_decline() {
    // The payment entity of the official payment.failed sample, as GET /v1/payments/{id} returns it.
    let envelope: Value = serde_json::from_str(PAYMENT_FAILED_WEBHOOK).unwrap();
    let entity = envelope["payload"]["payment"]["entity"].to_string();
    let c = connector();
    let req = PaymentGetRequest {
        connector_transaction_id: Some("pay_DEAU825sJlCbGa".into()),
        ..Default::default()
    };
    let (_, result) = drive(|r| c.get_payment(&req, &cx(), r), vec![ok(&entity)]);
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::Failure);
    let d = p.decline.unwrap();
    assert_eq!(d.code.as_deref(), Some("BAD_REQUEST_ERROR"));
    assert_eq!(d.message.as_deref(), Some("Payment failed"));
    assert_eq!(d.reason.as_deref(), Some("payment_failed"));
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_DEATVTRRctwEGb")
    );
}

#[test]
fn psync_by_order_picks_the_deciding_payment() {
    let c = connector();
    let req = PaymentGetRequest {
        connector_order_id: Some("order_G8VPOayFxWEU28".into()),
        capture_method: Some(CaptureMethod::Automatic),
        ..Default::default()
    };
    let failed_later = json!({"id": "pay_LATE_FAIL", "entity": "payment", "amount": 1000, "currency": "INR",
                              "status": "failed", "captured": false, "created_at": 1606985300,
                              "error_code": "BAD_REQUEST_ERROR", "error_description": "Payment failed"});
    let captured: Value = serde_json::from_str(CAPTURED).unwrap();
    let failed_earlier = json!({"id": "pay_EARLY_FAIL", "entity": "payment", "status": "failed", "created_at": 1606985000});
    let collection = json!({"entity": "collection", "count": 3, "items": [failed_later, captured, failed_earlier]});
    let (requests, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![ok(&collection.to_string())],
    );
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/orders/order_G8VPOayFxWEU28/payments"
    );
    assert!(requests[0].retry_safe);
    let p = result.unwrap();
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_G8VQzjPLoAvm6D")
    );
    assert_eq!(p.status, PaymentStatus::Charged);

    // Only failed attempts: the latest one.
    let collection = json!({"entity": "collection", "count": 2, "items": [
        {"id": "pay_A", "status": "failed", "created_at": 10}, {"id": "pay_B", "status": "failed", "created_at": 20}]});
    let (_, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![ok(&collection.to_string())],
    );
    let p = result.unwrap();
    assert_eq!(p.connector_transaction_id.as_deref(), Some("pay_B"));
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_G8VPOayFxWEU28")
    );

    let empty = r#"{"entity": "collection", "count": 0, "items": []}"#;
    let (_, result) = drive(|r| c.get_payment(&req, &cx(), r), vec![ok(empty)]);
    assert_eq!(result.unwrap_err().code(), ErrorCode::NotFound);
}

// ---- capture / void --------------------------------------------------------------------------

#[test]
fn capture_sends_amount_and_currency_and_reads_the_payment() {
    let c = connector();
    let req = CaptureRequest {
        connector_transaction_id: "pay_G8VQzjPLoAvm6D".into(),
        amount: inr(1000),
        authorized_amount: Some(inr(1000)),
        merchant_reference: None,
        idempotency_key: None,
    };
    let (requests, result) = drive(|r| c.capture(&req, &cx(), r), vec![ok(CAPTURED)]);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/pay_G8VQzjPLoAvm6D/capture"
    );
    assert!(!requests[0].retry_safe);
    assert_eq!(
        body_json(&requests[0]),
        json!({"amount": 1000, "currency": "INR"})
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_G8VQzjPLoAvm6D")
    );
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_G8VPOayFxWEU28")
    );
    assert_eq!(
        p.connector_customer_id.as_deref(),
        Some("cust_DitrYCFtCIokBO")
    );
    assert_eq!(p.amount, Some(inr(1000)));
}

#[test]
fn partial_capture_is_rejected_before_sending() {
    let c = connector();
    let req = CaptureRequest {
        connector_transaction_id: "pay_G8VQzjPLoAvm6D".into(),
        amount: inr(600),
        authorized_amount: Some(inr(1000)),
        merchant_reference: None,
        idempotency_key: None,
    };
    let e = c.capture(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("amount"));
    assert!(
        e.message().contains("exactly the authorized amount"),
        "{}",
        e.message()
    );
}

#[test]
fn void_is_unsupported_with_the_reason() {
    let c = connector();
    let req = VoidRequest {
        connector_transaction_id: "pay_1".into(),
        ..Default::default()
    };
    let e = c.void(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported);
    assert_eq!(e.flow, Some(Flow::Void));
    assert!(e.message().contains("5 days"), "{}", e.message());
}

// ---- setup_mandate ---------------------------------------------------------------------------

#[test]
fn setup_mandate_steps_customer_order_payment() {
    let c = connector();
    let req = setup_request();
    let (requests, result) = drive(
        |r| c.setup_mandate(&req, &cx(), r),
        vec![ok(CUSTOMER), ok(MANDATE_ORDER), ok(CREATE_JSON)],
    );
    assert_eq!(requests.len(), 3);

    assert_eq!(requests[0].url, "https://api.razorpay.com/v1/customers");
    assert_eq!(
        body_json(&requests[0]),
        json!({"name": "Gaurav Kumar", "email": "gaurav.kumar@example.com", "contact": "+919000090000",
               "fail_existing": "0", "notes": {"merchant_customer_id": "merchant-cust-7"}})
    );

    assert_eq!(requests[1].url, "https://api.razorpay.com/v1/orders");
    let order = body_json(&requests[1]);
    assert_eq!(order["customer_id"], "cust_1Aa00000000003");
    assert_eq!(order["method"], "card");
    assert_eq!(order["amount"], 100);
    assert_eq!(order["payment_capture"], 1);
    assert_eq!(order["token"]["max_amount"], DEFAULT_MANDATE_MAX_AMOUNT);
    assert_eq!(order["token"]["frequency"], DEFAULT_MANDATE_FREQUENCY);
    // The card expires end of November 2030: 2030-11-30T23:59:59Z.
    assert_eq!(order["token"]["expire_at"], 1922313599);

    assert_eq!(
        requests[2].url,
        "https://api.razorpay.com/v1/payments/create/json"
    );
    let payment = body_json(&requests[2]);
    assert_eq!(payment["order_id"], "order_1Aa00000000002");
    assert_eq!(payment["customer_id"], "cust_1Aa00000000003");
    assert_eq!(payment["recurring"], "1");
    assert_eq!(payment["card"]["number"], PAN);
    assert_eq!(
        payment["callback_url"],
        "https://shop.example/mandate-return"
    );

    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert!(matches!(p.next_action, Some(NextAction::Redirect(_))));
    assert_eq!(
        p.connector_customer_id.as_deref(),
        Some("cust_1Aa00000000003")
    );
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_1Aa00000000002")
    );
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_FVmAstJWfsD3SO")
    );
    // The token id arrives with PSync once the customer has authenticated.
    assert_eq!(p.mandate_id, None);
}

#[test]
fn setup_mandate_with_an_order_skips_the_order_step() {
    let c = connector();
    let mut req = setup_request();
    req.connector_order_id = Some("order_GIVEN1".into());
    let (requests, result) = drive(
        |r| c.setup_mandate(&req, &cx(), r),
        vec![ok(CUSTOMER), ok(CREATE_JSON)],
    );
    assert_eq!(requests.len(), 2);
    assert_eq!(body_json(&requests[1])["order_id"], "order_GIVEN1");
    assert_eq!(
        result.unwrap().connector_order_id.as_deref(),
        Some("order_GIVEN1")
    );
}

#[test]
fn setup_mandate_checks_and_declines() {
    let c = connector();
    let mut req = setup_request();
    req.amount = inr(0);
    assert_eq!(
        c.setup_mandate(&req, &cx(), &[]).unwrap_err().field(),
        Some("amount")
    );
    let mut req = setup_request();
    req.customer.phone = None;
    assert_eq!(
        c.setup_mandate(&req, &cx(), &[]).unwrap_err().field(),
        Some("customer.phone")
    );

    // A declined authorization payment is a failure response, with the customer kept.
    let req = setup_request();
    let (_, result) = drive(
        |r| c.setup_mandate(&req, &cx(), r),
        vec![ok(CUSTOMER), ok(MANDATE_ORDER), status(400, ERROR_DECLINE)],
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(
        p.connector_customer_id.as_deref(),
        Some("cust_1Aa00000000003")
    );

    // Configured mandate limits.
    let mut config = RazorpayConfig::new(KEY_ID, KEY_SECRET);
    config.mandate_max_amount = Some(500_000);
    config.mandate_frequency = Some("monthly".into());
    let c = Razorpay::new(
        &config,
        &Endpoint::new(crate::Environment::Sandbox, None).unwrap(),
    )
    .unwrap();
    let (requests, _) = drive(
        |r| c.setup_mandate(&req, &cx(), r),
        vec![ok(CUSTOMER), ok(MANDATE_ORDER), ok(CREATE_JSON)],
    );
    let order = body_json(&requests[1]);
    assert_eq!(order["token"]["max_amount"], 500_000);
    assert_eq!(order["token"]["frequency"], "monthly");
}

#[test]
fn card_expiry_end_is_the_last_second_of_the_month() {
    let mut c = card();
    c.expiry_month = 12;
    c.expiry_year = 2029;
    assert_eq!(card_expiry_end(&c), 1893455999); // 2029-12-31T23:59:59Z
    c.expiry_month = 2;
    c.expiry_year = 2028;
    assert_eq!(card_expiry_end(&c), 1835481599); // 2028-02-29T23:59:59Z (leap year)
}

// ---- UPI, netbanking and wallets ---------------------------------------------------------------

fn method_request(method: Value) -> AuthorizeRequest {
    let mut req = authorize_request();
    req.connector_order_id = Some("order_DPzFe1Q1dEOKed".into());
    req.payment_method = serde_json::from_value(method).unwrap();
    req
}

#[test]
fn upi_netbanking_and_wallet_bodies() {
    let c = connector();
    let cases = [
        (
            json!({"type": "upi", "flow": "collect", "vpa": "success@razorpay"}),
            json!({"method": "upi", "upi": {"flow": "collect", "vpa": "success@razorpay"}}),
        ),
        (
            json!({"type": "upi", "flow": "intent"}),
            json!({"method": "upi", "upi": {"flow": "intent"}}),
        ),
        (
            json!({"type": "netbanking", "bank_code": "HDFC"}),
            json!({"method": "netbanking", "bank": "HDFC"}),
        ),
        (
            json!({"type": "ewallet", "provider": "mobikwik"}),
            json!({"method": "wallet", "wallet": "mobikwik"}),
        ),
    ];
    for (method, expected) in cases {
        let req = method_request(method.clone());
        let (requests, _) = drive(
            |r| c.authorize(&req, &cx(), r),
            vec![ok(
                r#"{"razorpay_payment_id":"pay_1","next":[{"action":"poll","url":"https://api.razorpay.com/v1/payments/pay_1"}]}"#,
            )],
        );
        assert_eq!(
            requests[0].url,
            "https://api.razorpay.com/v1/payments/create/json"
        );
        assert!(!requests[0].retry_safe);
        let body = body_json(&requests[0]);
        for (key, value) in expected.as_object().unwrap() {
            assert_eq!(&body[key], value, "{method}: {key}");
        }
        assert_eq!(body["order_id"], "order_DPzFe1Q1dEOKed");
        assert_eq!(body["amount"], 50000);
        assert_eq!(body["email"], "gaurav.kumar@example.com");
        assert!(body.get("card").is_none());
    }
}

#[test]
fn upi_and_redirect_method_answers_are_pending_with_the_right_next_action() {
    let c = connector();
    // Netbanking / wallet: a redirect to the bank's or wallet's page.
    let req = method_request(json!({"type": "netbanking", "bank_code": "HDFC"}));
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(
            r#"{"razorpay_payment_id":"pay_NB1","next":[{"action":"redirect","url":"https://api.razorpay.com/v1/payments/pay_NB1/authorize"}]}"#,
        )],
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert!(
        matches!(p.next_action, Some(NextAction::Redirect(ref r)) if r.url.ends_with("/pay_NB1/authorize"))
    );
    // Without an action, the bank's page cannot be opened: the answer is unusable (spec §3.2),
    // never the UPI app's waiting state.
    for answer in [
        r#"{"razorpay_payment_id":"pay_NB1"}"#,
        r#"{"razorpay_payment_id":"pay_NB1","next":[]}"#,
    ] {
        let (_, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(answer)]);
        let e = result.unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidResponse, "{answer}");
        assert_eq!(e.connector_transaction_id.as_deref(), Some("pay_NB1"));
    }
    // UPI intent: the opaque upi:// link, unchanged.
    let intent = "upi://pay?pa=success@razorpay&pn=Shop&tr=EZV123&am=500.00&cu=INR&mc=5411";
    let req = method_request(json!({"type": "upi", "flow": "intent"}));
    let answer = json!({"razorpay_payment_id": "pay_UPI2", "next": [{"action": "intent", "url": intent}, {"action": "poll", "url": "https://api.razorpay.com/v1/payments/pay_UPI2"}]}).to_string();
    let (_, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(&answer)]);
    assert_eq!(
        result.unwrap().next_action,
        Some(NextAction::DeepLink(DeepLinkAction { url: intent.into() }))
    );
    // `create/upi` style answers: a `link`, or the payment id alone.
    let answer = json!({"razorpay_payment_id": "pay_UPI3", "link": intent}).to_string();
    let (_, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(&answer)]);
    assert!(matches!(
        result.unwrap().next_action,
        Some(NextAction::DeepLink(_))
    ));
    // UPI collect: approval in the UPI app, polled; honestly pending.
    let req = method_request(json!({"type": "upi", "flow": "collect", "vpa": "success@razorpay"}));
    for answer in [
        r#"{"razorpay_payment_id":"pay_UPI1","next":[{"action":"poll","url":"https://api.razorpay.com/v1/payments/pay_UPI1"}]}"#,
        r#"{"razorpay_payment_id":"pay_UPI1"}"#,
    ] {
        let (_, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(answer)]);
        let p = result.unwrap();
        assert_eq!(p.status, PaymentStatus::AuthenticationPending);
        assert_eq!(p.connector_transaction_id.as_deref(), Some("pay_UPI1"));
        assert!(matches!(p.next_action, Some(NextAction::Await(_))));
    }
    // Unknown action kinds are kept, not failed on.
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(
            r#"{"razorpay_payment_id":"pay_UPI1","next":[{"action":"something_new","url":"https://x"}]}"#,
        )],
    );
    assert!(
        matches!(result.unwrap().next_action, Some(NextAction::Sdk(ref s)) if s.action_type == "something_new")
    );
}

#[test]
fn methods_razorpay_does_not_take_are_unsupported_and_redirects_need_a_return_url() {
    let c = connector();
    for method in [
        json!({"type": "apple_pay", "token": "tok"}),
        json!({"type": "bank_redirect", "method": "ideal"}),
        json!({"type": "encrypted_card", "encrypted_card_number": "a", "encrypted_expiry_month": "b", "encrypted_expiry_year": "c"}),
    ] {
        let req = method_request(method.clone());
        let (requests, result) = drive(|r| c.authorize(&req, &cx(), r), vec![]);
        assert!(requests.is_empty());
        let e = result.unwrap_err();
        assert_eq!(e.code, ErrorCode::Unsupported, "{method}");
        assert_eq!(e.field.as_deref(), Some("payment_method"));
    }
    let mut req = method_request(json!({"type": "netbanking", "bank_code": "HDFC"}));
    req.return_url = None;
    let (requests, result) = drive(|r| c.authorize(&req, &cx(), r), vec![]);
    assert!(requests.is_empty());
    assert_eq!(result.unwrap_err().field.as_deref(), Some("return_url"));
}

// ---- hardening: reconcilable errors, strict PSync parsing, `created` -------------------------

fn server_error() -> HttpResponse {
    status(
        500,
        r#"{"error": {"code": "SERVER_ERROR", "description": "down"}}"#,
    )
}

#[test]
fn a_failed_payment_step_names_the_order_it_created() {
    let c = connector();
    let req = authorize_request();
    // The payment step fails after the order was created: the error names the order.
    for second in [
        server_error(),
        status(
            408,
            r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "timeout"}}"#,
        ),
        ok("<html>proxy error</html>"),
    ] {
        let (requests, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(ORDER), second]);
        assert_eq!(requests.len(), 2);
        let e = result.unwrap_err();
        assert_eq!(
            e.connector_order_id.as_deref(),
            Some("order_EKwxwAgItmmXdp"),
            "{e}"
        );
        assert_eq!(e.connector_transaction_id, None);
    }
    // A 2xx without next[] that does name the payment: both ids.
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(ORDER), ok(r#"{"razorpay_payment_id": "pay_HALF1"}"#)],
    );
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert_eq!(
        e.connector_order_id.as_deref(),
        Some("order_EKwxwAgItmmXdp")
    );
    assert_eq!(e.connector_transaction_id.as_deref(), Some("pay_HALF1"));
    // An error whose metadata names the payment.
    let body = json!({"error": {"code": "GATEWAY_ERROR", "description": "gateway down",
                                "metadata": {"payment_id": "pay_META1", "order_id": "order_EKwxwAgItmmXdp"}}});
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(ORDER), status(502, &body.to_string())],
    );
    let e = result.unwrap_err();
    assert_eq!(e.connector_transaction_id.as_deref(), Some("pay_META1"));
    assert_eq!(
        e.connector_order_id.as_deref(),
        Some("order_EKwxwAgItmmXdp")
    );

    // A mandate charge: order, then create/recurring.
    let mut mit = AuthorizeRequest::new(
        inr(2500),
        "renewal-9",
        PaymentMethod::Mandate(MandateReference {
            mandate_id: "token_FHfn3rIiM1Z8nr".into(),
            usage: MandateUsage::Subscription,
            network_transaction_id: None,
            connector_customer_id: Some("cust_DtHaBuooGHTuyZ".into()),
        }),
    );
    mit.customer = Some(customer());
    let (_, result) = drive(
        |r| c.authorize(&mit, &cx(), r),
        vec![ok(ORDER), server_error()],
    );
    assert_eq!(
        result.unwrap_err().connector_order_id.as_deref(),
        Some("order_EKwxwAgItmmXdp")
    );

    // setup_mandate: customer, order, then the authorization payment.
    let setup = setup_request();
    let (_, result) = drive(
        |r| c.setup_mandate(&setup, &cx(), r),
        vec![ok(CUSTOMER), ok(MANDATE_ORDER), server_error()],
    );
    assert_eq!(
        result.unwrap_err().connector_order_id.as_deref(),
        Some("order_1Aa00000000002")
    );

    // With the merchant's own order, that order is named too.
    let mut own = authorize_request();
    own.connector_order_id = Some("order_OWN1".into());
    let (_, result) = drive(|r| c.authorize(&own, &cx(), r), vec![server_error()]);
    assert_eq!(
        result.unwrap_err().connector_order_id.as_deref(),
        Some("order_OWN1")
    );
}

#[test]
fn capture_errors_name_the_payment() {
    let c = connector();
    let req = CaptureRequest {
        connector_transaction_id: "pay_G8VQzjPLoAvm6D".into(),
        amount: inr(1000),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: None,
    };
    for answer in [server_error(), ok("not json")] {
        let (_, result) = drive(|r| c.capture(&req, &cx(), r), vec![answer]);
        assert_eq!(
            result.unwrap_err().connector_transaction_id.as_deref(),
            Some("pay_G8VQzjPLoAvm6D")
        );
    }
    // The answer is about another payment: not a capture of this one.
    let mut other: Value = serde_json::from_str(CAPTURED).unwrap();
    other["id"] = json!("pay_SOMEONE_ELSE");
    let (_, result) = drive(|r| c.capture(&req, &cx(), r), vec![ok(&other.to_string())]);
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert_eq!(
        e.connector_transaction_id.as_deref(),
        Some("pay_G8VQzjPLoAvm6D")
    );
}

fn psync(c: &Razorpay, body: &str) -> Result<PaymentResponse> {
    let req = PaymentGetRequest {
        connector_transaction_id: Some("pay_X1".into()),
        capture_method: Some(CaptureMethod::Manual),
        ..Default::default()
    };
    drive(|r| c.get_payment(&req, &cx(), r), vec![ok(body)]).1
}

#[test]
fn psync_rejects_another_payment_and_broken_amounts() {
    let c = connector();
    let entity = |patch: Value| {
        let mut p: Value = serde_json::from_str(&payment_entity("authorized", false)).unwrap();
        for (k, v) in patch.as_object().unwrap() {
            p[k] = v.clone();
        }
        p.to_string()
    };
    // Another payment's entity is never this payment's status.
    let e = psync(&c, &entity(json!({"id": "pay_OTHER"}))).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert!(e.message().contains("pay_OTHER"), "{}", e.message());
    assert_eq!(e.connector_transaction_id.as_deref(), Some("pay_X1"));
    // Negative, fractional and textual amounts are broken answers, not missing amounts.
    for amount in [
        json!(-1000),
        json!(10.5),
        json!("ten"),
        json!("-5"),
        json!(true),
    ] {
        let e = psync(&c, &entity(json!({"amount": amount}))).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidResponse, "{amount}");
        assert!(e.message().contains("amount"), "{}", e.message());
    }
    // A numeric string is an amount; a missing or null one is simply unknown.
    assert_eq!(
        psync(&c, &entity(json!({"amount": "1000"})))
            .unwrap()
            .amount,
        Some(inr(1000))
    );
    assert_eq!(
        psync(&c, &entity(json!({"amount": null}))).unwrap().amount,
        None
    );

    // By order: a listed payment of another order is a broken answer.
    let req = PaymentGetRequest {
        connector_order_id: Some("order_X1".into()),
        ..Default::default()
    };
    let collection = json!({"entity": "collection", "count": 1, "items": [
        serde_json::from_str::<Value>(&entity(json!({"order_id": "order_OTHER"}))).unwrap()]});
    let (_, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![ok(&collection.to_string())],
    );
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert_eq!(e.connector_order_id.as_deref(), Some("order_X1"));
}

#[test]
fn a_created_payment_waits_for_the_customer() {
    let c = connector();
    let created = |method: &str, token: Value| {
        json!({"id": "pay_X1", "entity": "payment", "amount": 1000, "currency": "INR",
               "status": "created", "order_id": "order_X1", "captured": false, "method": method,
               "token_id": token, "notes": []})
        .to_string()
    };
    // Card, netbanking, wallet: the redirect or OTP of authorize is still outstanding.
    for method in ["card", "netbanking", "wallet"] {
        let p = psync(&c, &created(method, Value::Null)).unwrap();
        assert_eq!(p.status, PaymentStatus::AuthenticationPending, "{method}");
        assert_eq!(p.connector_status.as_deref(), Some("created"));
        assert_eq!(p.next_action, None);
    }
    // UPI: the customer approves in the UPI app.
    let p = psync(&c, &created("upi", Value::Null)).unwrap();
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert!(matches!(p.next_action, Some(NextAction::Await(_))));
    // A charge of a saved token involves no customer: pending.
    let p = psync(&c, &created("card", json!("token_FHfn3rIiM1Z8nr"))).unwrap();
    assert_eq!(p.status, PaymentStatus::Pending);
    assert_eq!(p.next_action, None);
}

// ---- psync by receipt ------------------------------------------------------------------------

fn order_item(id: &str, receipt: &str, status: &str, created_at: i64) -> Value {
    json!({"id": id, "entity": "order", "amount": 1000, "amount_paid": 0, "amount_due": 1000,
           "currency": "INR", "receipt": receipt, "offer_id": null, "status": status,
           "attempts": 0, "notes": [], "created_at": created_at})
}

#[test]
fn psync_by_receipt_finds_the_order_then_its_payment() {
    let c = connector();
    let req = PaymentGetRequest {
        merchant_reference: Some("order #42".into()),
        capture_method: Some(CaptureMethod::Automatic),
        ..Default::default()
    };
    let orders = json!({"entity": "collection", "count": 3, "items": [
        order_item("order_NEWER", "order #42", "created", 1606985400),
        order_item("order_OTHER", "order #43", "paid", 1606985300),
        order_item("order_G8VPOayFxWEU28", "order #42", "paid", 1606985200),
    ]});
    let captured: Value = serde_json::from_str(CAPTURED).unwrap();
    let payments = json!({"entity": "collection", "count": 1, "items": [captured]});
    let (requests, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![ok(&orders.to_string()), ok(&payments.to_string())],
    );
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/orders?receipt=order%20%2342&count=100"
    );
    assert_eq!(
        requests[1].url,
        "https://api.razorpay.com/v1/orders/order_G8VPOayFxWEU28/payments"
    );
    assert!(requests
        .iter()
        .all(|r| r.retry_safe && r.method == HttpMethod::Get));
    let p = result.unwrap();
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_G8VQzjPLoAvm6D")
    );
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_G8VPOayFxWEU28")
    );
    assert_eq!(p.status, PaymentStatus::Charged);
}

#[test]
fn psync_by_receipt_tells_no_order_from_an_unpaid_order() {
    let c = connector();
    let req = PaymentGetRequest {
        merchant_reference: Some("order-44".into()),
        ..Default::default()
    };
    // No order has the receipt: nothing was made under it.
    let none = json!({"entity": "collection", "count": 1, "items": [order_item("order_X", "order-4", "created", 1)]});
    let (requests, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![ok(&none.to_string())],
    );
    assert_eq!(requests.len(), 1);
    let e = result.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(e.connector_order_id, None);

    // The order exists and has no payment: not_found naming the order, to pay on it again.
    let one = json!({"entity": "collection", "count": 1, "items": [order_item("order_Y", "order-44", "created", 1)]});
    let empty = r#"{"entity": "collection", "count": 0, "items": []}"#;
    let (requests, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![ok(&one.to_string()), ok(empty)],
    );
    assert_eq!(requests.len(), 2);
    let e = result.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(e.connector_order_id.as_deref(), Some("order_Y"));

    // An order id that could change the next request's path is refused.
    let bad = json!({"entity": "collection", "count": 1, "items": [order_item("order_1/../x", "order-44", "created", 1)]});
    let (_, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![ok(&bad.to_string())],
    );
    assert_eq!(result.unwrap_err().code, ErrorCode::InvalidResponse);

    // The list's own error is the processor's.
    let (_, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![status(401, ERROR_AUTH)],
    );
    assert_eq!(result.unwrap_err().code, ErrorCode::Authentication);
}
