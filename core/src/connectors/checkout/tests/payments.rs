//! Authorize, setup_mandate, PSync, capture and void: request bodies and every example answer
//! of the documentation.

use serde_json::json;

use super::*;
use crate::connector::Connector;
use crate::connectors::checkout::payments::{decline_family, parse_payment, Reading};

/// Checkout.com API reference, "Example responses": the CKO OAS 201 example of `POST /payments`.
pub(super) const AUTHORIZED_201: &str = r#"{
  "id": "pay_mbabizu24mvu3mela5njyhpit4", "action_id": "act_mbabizu24mvu3mela5njyhpit4",
  "amount": 6540, "currency": "USD", "approved": true, "status": "Authorized",
  "auth_code": "770687", "response_code": "10000", "response_summary": "Approved",
  "3ds": {"downgraded": true, "enrolled": "N"}, "risk": {"flagged": true},
  "source": {"type": "card", "id": "src_nwd3m4in3hkuddfpjsaevunhdy",
    "billing_address": {"address_line1": "Checkout.com", "address_line2": "90 Tottenham Court Road",
      "city": "London", "state": "London", "zip": "W1T 4TJ", "country": "GB"},
    "phone": {"country_code": "+1", "number": "415 555 2671"},
    "last4": "4242", "fingerprint": "F31828E2BDABAE63EB694903825CDD36041CC6ED461440B81415895855502832", "bin": "424242"},
  "customer": {"id": "cus_udst2tfldj6upmye2reztkmm4i", "email": "jokershere@gmail.com", "name": "Jack Napier"},
  "processed_on": "2019-09-10T10:11:12Z", "reference": "ORD-5023-4E89",
  "processing": {"retrieval_reference_number": "909913440644", "acquirer_transaction_id": "440644309099499894406"},
  "eci": "06", "scheme_id": "489341065491658",
  "_links": {"self": {"href": "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4"},
    "action": {"href": "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4/actions"},
    "void": {"href": "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4/captures"},
    "capture": {"href": "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4/voids"}}
}"#;

/// Checkout.com API reference, "Example responses": the "Test cards" decline example for 4544249167673670 (HTTP 201).
pub(super) const DECLINED_201: &str = r#"{
  "id": "pay_aqwuar5sjb5upkupgywyzapfii", "action_id": "act_aqwuar5sjb5upkupgywyzapfii",
  "currency": "USD", "amount": 100, "approved": false, "status": "Declined",
  "response_code": "20051",
  "source": {"type": "card", "expiry_month": 12, "expiry_year": 2030, "last4": "3670",
             "fingerprint": "F31828E2BDABAE63EB694903825CDD36041CC6ED461440B81415895855502832", "bin": "424242"},
  "processed_on": "2023-01-17T17:41:52Z",
  "_links": {"self": {"href": "..."}}
}"#;

/// Checkout.com API reference, "Example responses": the 3-D Secure 202 (`PaymentAcceptedResponse`).
pub(super) const PENDING_3DS_202: &str = r#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": "Pending", "reference": "ORD-5023-4E89",
 "3ds": {"downgraded": false, "enrolled": "Y"},
 "_links": {"self": {"href": "https://api.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4"},
            "redirect": {"href": "https://api.checkout.com/3ds/pay_mbabizu24mvu3mela5njyhpit4"}}}"#;

/// Checkout.com API reference, "Capture — POST /payments/{id}/captures": the capture 202 (`CaptureAcceptedResponse`).
const CAPTURE_202: &str = r#"{"action_id": "act_...", "reference": "...", "_links": {"payment": {"href": "https://api.checkout.com/payments/pay_..."}}}"#;

fn reading(capture: Option<CaptureMethod>) -> Reading {
    Reading {
        capture,
        setup: false,
        mandate_id: None,
        requested: None,
    }
}

#[test]
fn authorize_request_is_the_documented_card_payment() {
    let mut req = AuthorizeRequest::new(
        Money::new(100, Currency::USD),
        "order-1",
        PaymentMethod::Card(card("4544249167673670")),
    );
    req.capture_method = CaptureMethod::Manual;
    let request = sent(connector().authorize(&req, &cx(), &[]));
    assert_write(&request, HttpMethod::Post, IDEMPOTENCY_KEY);
    assert_eq!(request.url, "https://api.sandbox.checkout.com/payments");
    assert_eq!(header(&request, "Content-Type"), Some("application/json"));
    // The "Test cards" example request, plus the reference and the capture mode.
    assert_eq!(
        body(&request),
        json!({
            "source": {"type": "card", "number": "4544249167673670", "cvv": "100",
                       "expiry_month": 12, "expiry_year": 2030},
            "currency": "USD", "amount": 100, "processing_channel_id": CHANNEL,
            "reference": "order-1", "capture": false
        })
    );
}

#[test]
fn authorize_request_carries_shopper_details_and_3ds() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.authentication_type = AuthenticationType::ThreeDs;
    req.return_url = Some("https://shop.example/return".into());
    req.customer = Some(Customer {
        email: Some("jokershere@gmail.com".into()),
        first_name: Some("Jack".into()),
        last_name: Some("Napier".into()),
        ip_address: Some("203.0.113.7".into()),
        ..Default::default()
    });
    req.billing_address = Some(Address {
        line1: Some("Checkout.com".into()),
        line2: Some("90 Tottenham Court Road".into()),
        city: Some("London".into()),
        postal_code: Some("W1T 4TJ".into()),
        country: Some("GB".into()),
        ..Default::default()
    });
    req.metadata.insert("order".into(), "42".into());
    if let PaymentMethod::Card(c) = &mut req.payment_method {
        c.holder_name = Some("Jack Napier".into());
    }
    let b = body(&sent(connector().authorize(&req, &cx(), &[])));
    assert_eq!(b["capture"], json!(true));
    assert_eq!(b["3ds"], json!({"enabled": true}));
    assert_eq!(b["success_url"], json!("https://shop.example/return"));
    assert_eq!(b["failure_url"], json!("https://shop.example/return"));
    assert_eq!(
        b["customer"],
        json!({"email": "jokershere@gmail.com", "name": "Jack Napier"})
    );
    assert_eq!(b["payment_ip"], json!("203.0.113.7"));
    assert_eq!(b["metadata"], json!({"order": "42"}));
    assert_eq!(b["source"]["name"], json!("Jack Napier"));
    assert_eq!(
        b["source"]["billing_address"],
        json!({"address_line1": "Checkout.com", "address_line2": "90 Tottenham Court Road",
               "city": "London", "zip": "W1T 4TJ", "country": "GB"})
    );

    req.authentication_type = AuthenticationType::NoThreeDs;
    let b = body(&sent(connector().authorize(&req, &cx(), &[])));
    assert_eq!(b["3ds"], json!({"enabled": false}));
    req.authentication_type = AuthenticationType::Auto;
    let b = body(&sent(connector().authorize(&req, &cx(), &[])));
    assert!(b.get("3ds").is_none());
}

#[test]
fn authorize_checks_reference_and_currency_before_sending() {
    let mut req = authorize_request(CaptureMethod::Manual);
    req.merchant_reference = "x".repeat(51);
    let e = failed(connector().authorize(&req, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("merchant_reference"));

    for code in ["JPY", "KWD"] {
        let mut req = authorize_request(CaptureMethod::Manual);
        req.amount = Money::new(1000, Currency::new(code).unwrap());
        let e = failed(connector().authorize(&req, &cx(), &[]));
        assert_code(&e, ErrorCode::InvalidRequest);
        assert_eq!(e.field(), Some("amount.currency"));
    }
}

#[test]
fn authorized_201_is_authorized_for_manual_and_charged_for_automatic_capture() {
    let c = connector();
    let manual = authorize_request(CaptureMethod::Manual);
    let r = done(c.authorize(&manual, &cx(), &[response(201, AUTHORIZED_201)]));
    assert_eq!(r.status, PaymentStatus::Authorized);
    assert_eq!(r.connector, ConnectorName::Checkout);
    assert_eq!(r.connector_status.as_deref(), Some("Authorized"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some(PAYMENT_ID));
    assert_eq!(
        r.connector_operation_id.as_deref(),
        Some("act_mbabizu24mvu3mela5njyhpit4")
    );
    assert_eq!(r.merchant_reference.as_deref(), Some("ORD-5023-4E89"));
    assert_eq!(r.network_transaction_id.as_deref(), Some("489341065491658"));
    assert_eq!(
        r.connector_customer_id.as_deref(),
        Some("cus_udst2tfldj6upmye2reztkmm4i")
    );
    assert_eq!(r.amount, Some(usd(6540)));
    assert_eq!(r.http_status, Some(201));
    assert!(r.decline.is_none());
    assert!(r.next_action.is_none());
    // A card payment is not a mandate.
    assert!(r.mandate_id.is_none());

    let auto = authorize_request(CaptureMethod::Automatic);
    let r = done(c.authorize(&auto, &cx(), &[response(201, AUTHORIZED_201)]));
    assert_eq!(r.status, PaymentStatus::Charged);
}

#[test]
fn declined_201_is_a_failure_result_with_decline_details() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.amount = usd(100);
    let r = done(connector().authorize(&req, &cx(), &[response(201, DECLINED_201)]));
    assert_eq!(r.status, PaymentStatus::Failure);
    assert_eq!(r.connector_status.as_deref(), Some("Declined"));
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_aqwuar5sjb5upkupgywyzapfii")
    );
    let d = r.decline.expect("decline details");
    assert_eq!(d.code.as_deref(), Some("20051"));
    // The published snippet has no response_summary: the documented meaning of 20051.
    assert_eq!(d.message.as_deref(), Some("Insufficient Funds"));
    assert_eq!(d.reason.as_deref(), Some("soft_decline"));
    assert_eq!(r.amount, Some(usd(100)));
}

#[test]
fn decline_details_carry_the_summary_family_and_scheme_codes() {
    let body = r#"{"id": "pay_x", "approved": false, "status": "Declined", "response_code": "30041",
        "response_summary": "Lost card - Pick up", "amount": 100, "currency": "EUR",
        "processing": {"partner_response_code": "41", "partner_merchant_advice_code": "03"}}"#;
    let r = parse_payment(&response(201, body), &reading(None)).unwrap();
    assert_eq!(r.status, PaymentStatus::Failure);
    let d = r.decline.unwrap();
    assert_eq!(d.code.as_deref(), Some("30041"));
    assert_eq!(d.message.as_deref(), Some("Lost card - Pick up"));
    assert_eq!(d.reason.as_deref(), Some("hard_decline"));
    assert_eq!(d.network_decline_code.as_deref(), Some("41"));
    assert_eq!(d.network_advice_code.as_deref(), Some("03"));

    // Without an advice code, the partner response code is the advice (Checkout.com API reference, "Authorize — POST /payments").
    let body = r#"{"id": "pay_x", "approved": false, "status": "Declined", "response_code": "40101",
        "processing": {"partner_response_code": "05"}}"#;
    let d = parse_payment(&response(201, body), &reading(None))
        .unwrap()
        .decline
        .unwrap();
    assert_eq!(d.reason.as_deref(), Some("risk_decline"));
    assert_eq!(d.network_advice_code.as_deref(), Some("05"));

    assert_eq!(decline_family("20005"), Some("soft_decline"));
    assert_eq!(decline_family("200N7"), Some("soft_decline"));
    assert_eq!(decline_family("30043"), Some("hard_decline"));
    assert_eq!(decline_family("41000"), Some("risk_decline"));
    assert_eq!(decline_family("10000"), None);
}

#[test]
fn pending_202_asks_for_the_3ds_redirect() {
    let mut req = authorize_request(CaptureMethod::Manual);
    req.authentication_type = AuthenticationType::ThreeDs;
    let r = done(connector().authorize(&req, &cx(), &[response(202, PENDING_3DS_202)]));
    assert_eq!(r.status, PaymentStatus::AuthenticationPending);
    assert_eq!(r.connector_status.as_deref(), Some("Pending"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some(PAYMENT_ID));
    assert_eq!(r.http_status, Some(202));
    // The 202 does not repeat the amount: the requested one.
    assert_eq!(r.amount, Some(usd(6540)));
    match r.next_action {
        Some(NextAction::Redirect(redirect)) => {
            assert_eq!(
                redirect.url,
                "https://api.checkout.com/3ds/pay_mbabizu24mvu3mela5njyhpit4"
            );
            assert_eq!(redirect.method, HttpMethod::Get);
            assert!(redirect.form_fields.is_empty());
        }
        other => panic!("expected a redirect, got {other:?}"),
    }

    // A 202 without a redirect is simply pending.
    let r = parse_payment(
        &response(202, r#"{"id": "pay_x", "status": "Pending"}"#),
        &reading(None),
    )
    .unwrap();
    assert_eq!(r.status, PaymentStatus::Pending);
    assert!(r.next_action.is_none());
}

#[test]
fn every_documented_status_maps_on_authorize_and_psync() {
    let manual = reading(Some(CaptureMethod::Manual));
    let cases = [
        ("Authorized", true, PaymentStatus::Authorized),
        ("Captured", true, PaymentStatus::Charged),
        ("Partially Captured", true, PaymentStatus::PartialCharged),
        ("Partially Refunded", true, PaymentStatus::Charged),
        ("Refunded", true, PaymentStatus::Charged),
        ("Card Verified", true, PaymentStatus::Charged),
        ("Pending", true, PaymentStatus::Pending),
        ("Retry Scheduled", true, PaymentStatus::Pending),
        ("Declined", false, PaymentStatus::Failure),
        ("Expired", false, PaymentStatus::Expired),
        ("Canceled", false, PaymentStatus::Failure),
        ("Voided", true, PaymentStatus::Voided),
        ("Paid", true, PaymentStatus::Charged),
        ("Some Future Status", true, PaymentStatus::Pending),
    ];
    for (status, approved, expected) in cases {
        for http in [200, 201] {
            let body = json!({"id": "pay_x", "status": status, "approved": approved,
                              "amount": 1000, "currency": "EUR"});
            let r = parse_payment(&response(http, &body.to_string()), &manual).unwrap();
            assert_eq!(r.status, expected, "{status} (HTTP {http})");
            assert_eq!(r.connector_status.as_deref(), Some(status));
        }
    }
}

#[test]
fn psync_authorized_uses_the_capture_mode_and_balances() {
    let body = |left: i64| {
        json!({"id": "pay_x", "status": "Authorized", "approved": true, "amount": 1000,
               "currency": "USD", "balances": {"total_authorized": 1000,
               "available_to_capture": left, "available_to_void": left}})
        .to_string()
    };
    let psync = |left: i64, capture: Option<CaptureMethod>| {
        parse_payment(&response(200, &body(left)), &reading(capture))
            .unwrap()
            .status
    };
    assert_eq!(psync(1000, None), PaymentStatus::Authorized);
    assert_eq!(
        psync(1000, Some(CaptureMethod::Manual)),
        PaymentStatus::Authorized
    );
    assert_eq!(psync(0, None), PaymentStatus::Charged);
    // A capture is scheduled for an automatic-capture payment.
    assert_eq!(
        psync(1000, Some(CaptureMethod::Automatic)),
        PaymentStatus::Charged
    );
}

#[test]
fn psync_reads_the_session_id_of_the_return_or_the_payment_id() {
    let c = connector();
    let mut req = PaymentGetRequest {
        connector_transaction_id: Some(PAYMENT_ID.into()),
        ..Default::default()
    };
    let request = sent(c.get_payment(&req, &cx(), &[]));
    assert_eq!(request.method, HttpMethod::Get);
    assert_eq!(
        request.url,
        format!("https://api.sandbox.checkout.com/payments/{PAYMENT_ID}")
    );
    assert!(request.retry_safe);
    assert!(request.body.is_none());
    assert_eq!(
        header(&request, "Authorization"),
        Some(format!("Bearer {SECRET_KEY}").as_str())
    );

    req.redirect_result = Some(
        [(
            "cko-session-id".to_string(),
            "sid_y3oqhf46pyzuxjbcn2giaqnb44".to_string(),
        )]
        .into(),
    );
    let request = sent(c.get_payment(&req, &cx(), &[]));
    assert_eq!(
        request.url,
        "https://api.sandbox.checkout.com/payments/sid_y3oqhf46pyzuxjbcn2giaqnb44"
    );

    // The return alone is enough.
    req.connector_transaction_id = None;
    assert!(sent(c.get_payment(&req, &cx(), &[]))
        .url
        .ends_with("/sid_y3oqhf46pyzuxjbcn2giaqnb44"));

    // A payment id that would change the path is rejected.
    let bad = PaymentGetRequest {
        connector_transaction_id: Some("pay_x/../../disputes".into()),
        ..Default::default()
    };
    assert_code(
        &failed(c.get_payment(&bad, &cx(), &[])),
        ErrorCode::InvalidRequest,
    );
    let none = PaymentGetRequest::default();
    assert_code(
        &failed(c.get_payment(&none, &cx(), &[])),
        ErrorCode::InvalidRequest,
    );

    // The payment after the return.
    let details = AUTHORIZED_201.replace("\"Authorized\"", "\"Captured\"");
    let r = done(c.get_payment(&req, &cx(), &[response(200, &details)]));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_transaction_id.as_deref(), Some(PAYMENT_ID));

    let e = failed(c.get_payment(&req, &cx(), &[response(404, "")]));
    assert_code(&e, ErrorCode::NotFound);
}

#[test]
fn unknown_fields_and_odd_types_never_fail_the_parse() {
    let body = r#"{"id": "pay_x", "status": "Authorized", "approved": "true", "amount": "1000",
        "currency": "USD", "source": null, "customer": "cus_oops", "balances": [],
        "_links": {"redirect": null}, "new_field": {"nested": [1, 2, 3]}}"#;
    let r = parse_payment(&response(201, body), &reading(Some(CaptureMethod::Manual))).unwrap();
    assert_eq!(r.status, PaymentStatus::Authorized);
    assert_eq!(r.amount, Some(usd(1000)));

    let e = parse_payment(&response(201, "not json"), &reading(None)).unwrap_err();
    assert_code(&e, ErrorCode::InvalidResponse);
    let e = parse_payment(
        &response(201, r#"{"status": "Authorized"}"#),
        &reading(None),
    )
    .unwrap_err();
    assert_code(&e, ErrorCode::InvalidResponse);
}

#[test]
fn raw_responses_are_masked() {
    let body = r#"{"id": "pay_x", "status": "Authorized", "approved": true,
                   "source": {"number": "4242424242424242"}}"#;
    let r = parse_payment(&response(201, body), &reading(None)).unwrap();
    assert!(!r.raw_response.unwrap().contains("4242424242424242"));
}

#[test]
fn mandate_setup_is_a_zero_amount_verification_returning_the_source() {
    let c = connector();
    let mut req = mandate_setup_request("mandate-1", "jokershere@gmail.com");
    req.customer.id = Some("customer-1".into());
    let request = sent(c.setup_mandate(&req, &cx(), &[]));
    assert_write(&request, HttpMethod::Post, IDEMPOTENCY_KEY);
    let b = body(&request);
    assert_eq!(b["amount"], json!(0));
    assert_eq!(b["capture"], json!(true));
    assert_eq!(b["payment_type"], json!("Unscheduled"));
    assert_eq!(b["merchant_initiated"], json!(false));
    assert_eq!(b["store_for_future_use"], json!(true));
    assert_eq!(b["source"]["type"], json!("card"));

    let verified = r#"{"id": "pay_verif", "action_id": "act_verif", "amount": 0, "currency": "USD",
        "approved": true, "status": "Card Verified", "response_code": "10000",
        "source": {"type": "card", "id": "src_nwd3m4in3hkuddfpjsaevunhdy"}, "scheme_id": "489341065491658"}"#;
    let r = done(c.setup_mandate(&req, &cx(), &[response(201, verified)]));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_status.as_deref(), Some("Card Verified"));
    assert_eq!(
        r.mandate_id.as_deref(),
        Some("src_nwd3m4in3hkuddfpjsaevunhdy")
    );
    assert_eq!(r.network_transaction_id.as_deref(), Some("489341065491658"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("pay_verif"));

    // A verification without a reusable source cannot be charged later.
    let no_source = r#"{"id": "pay_verif", "approved": true, "status": "Card Verified"}"#;
    assert_code(
        &failed(c.setup_mandate(&req, &cx(), &[response(201, no_source)])),
        ErrorCode::InvalidResponse,
    );
    // A declined verification is a result.
    let declined =
        r#"{"id": "pay_verif", "approved": false, "status": "Declined", "response_code": "20054"}"#;
    let r = done(c.setup_mandate(&req, &cx(), &[response(201, declined)]));
    assert_eq!(r.status, PaymentStatus::Failure);
    assert_eq!(r.decline.unwrap().message.as_deref(), Some("Expired card"));

    let mut three_ds = req.clone();
    three_ds.authentication_type = AuthenticationType::ThreeDs;
    assert_eq!(
        body(&sent(c.setup_mandate(&three_ds, &cx(), &[])))["3ds"],
        json!({"enabled": true, "challenge_indicator": "challenge_requested_mandate"})
    );
}

#[test]
fn mandate_charge_is_merchant_initiated_with_the_previous_scheme_id() {
    let c = connector();
    let mut req = AuthorizeRequest::new(
        usd(1500),
        "renewal-7",
        PaymentMethod::Mandate(MandateReference {
            mandate_id: "src_nwd3m4in3hkuddfpjsaevunhdy".into(),
            usage: MandateUsage::Subscription,
            network_transaction_id: Some("489341065491658".into()),
            connector_customer_id: None,
        }),
    );
    req.authentication_type = AuthenticationType::ThreeDs;
    let b = body(&sent(c.authorize(&req, &cx(), &[])));
    assert_eq!(
        b["source"],
        json!({"type": "id", "id": "src_nwd3m4in3hkuddfpjsaevunhdy"})
    );
    assert_eq!(b["merchant_initiated"], json!(true));
    assert_eq!(b["payment_type"], json!("Recurring"));
    assert_eq!(b["previous_payment_id"], json!("489341065491658"));
    // No shopper to authenticate in a merchant-initiated payment.
    assert!(b.get("3ds").is_none());

    let r = done(c.authorize(&req, &cx(), &[response(201, AUTHORIZED_201)]));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(
        r.mandate_id.as_deref(),
        Some("src_nwd3m4in3hkuddfpjsaevunhdy")
    );

    if let PaymentMethod::Mandate(m) = &mut req.payment_method {
        m.usage = MandateUsage::Unscheduled;
        m.network_transaction_id = None;
    }
    let b = body(&sent(c.authorize(&req, &cx(), &[])));
    assert_eq!(b["payment_type"], json!("Unscheduled"));
    assert!(b.get("previous_payment_id").is_none());

    if let PaymentMethod::Mandate(m) = &mut req.payment_method {
        m.usage = MandateUsage::CardOnFile;
    }
    let b = body(&sent(c.authorize(&req, &cx(), &[])));
    assert_eq!(b["merchant_initiated"], json!(false));
    assert_eq!(b["payment_type"], json!("Regular"));
}

#[test]
fn capture_202_is_pending_with_the_action_id() {
    let c = connector();
    let req = CaptureRequest {
        connector_transaction_id: PAYMENT_ID.into(),
        amount: usd(3000),
        authorized_amount: Some(usd(6540)),
        merchant_reference: Some("capture-1".into()),
        idempotency_key: None,
    };
    let request = sent(c.capture(&req, &cx(), &[]));
    assert_write(&request, HttpMethod::Post, IDEMPOTENCY_KEY);
    assert_eq!(
        request.url,
        format!("https://api.sandbox.checkout.com/payments/{PAYMENT_ID}/captures")
    );
    assert_eq!(
        body(&request),
        json!({"amount": 3000, "reference": "capture-1"})
    );

    let r = done(c.capture(&req, &cx(), &[response(202, CAPTURE_202)]));
    assert_eq!(r.status, PaymentStatus::Pending);
    assert_eq!(r.connector_transaction_id.as_deref(), Some(PAYMENT_ID));
    assert_eq!(r.connector_operation_id.as_deref(), Some("act_..."));
    assert_eq!(r.merchant_reference.as_deref(), Some("..."));
    assert_eq!(r.amount, Some(usd(3000)));
    assert_eq!(r.http_status, Some(202));

    let e = failed(c.capture(&req, &cx(), &[response(403, "")]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.http_status, Some(403));
    assert_eq!(e.flow, Some(Flow::Capture));
}

#[test]
fn void_202_is_void_initiated() {
    let c = connector();
    let req = VoidRequest {
        connector_transaction_id: PAYMENT_ID.into(),
        merchant_reference: Some("void-1".into()),
        ..Default::default()
    };
    let request = sent(c.void(&req, &cx(), &[]));
    assert_write(&request, HttpMethod::Post, IDEMPOTENCY_KEY);
    assert_eq!(
        request.url,
        format!("https://api.sandbox.checkout.com/payments/{PAYMENT_ID}/voids")
    );
    assert_eq!(body(&request), json!({"reference": "void-1"}));
    let accepted = r#"{"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "reference": "void-1",
        "_links": {"payment": {"href": "https://api.checkout.com/payments/pay_y3oqhf46pyzuxjbcn2giaqnb44"}}}"#;
    let r = done(c.void(&req, &cx(), &[response(202, accepted)]));
    assert_eq!(r.status, PaymentStatus::VoidInitiated);
    assert_eq!(
        r.connector_operation_id.as_deref(),
        Some("act_y3oqhf46pyzuxjbcn2giaqnb44")
    );
}

#[test]
fn every_write_of_a_flow_has_the_operation_key() {
    let c = connector();
    let other = FlowContext::new("another-key");
    let request = sent(c.authorize(&authorize_request(CaptureMethod::Manual), &other, &[]));
    assert_eq!(header(&request, "Cko-Idempotency-Key"), Some("another-key"));
}

/// Checkout.com docs, "Paying with the wallet token": the illustrative Apple Pay token answer.
const APPLE_PAY_TOKEN_201: &str = r#"{"type": "applepay", "token": "tok_ubfj2q76miwundwlk72vxt2i7q", "expires_on": "2026-03-01T10:15:00Z",
 "expiry_month": 6, "expiry_year": 2030, "scheme": "VISA", "last4": "9996", "bin": "454347",
 "card_type": "Credit", "card_category": "Consumer", "issuer_country": "GB"}"#;

const APPLE_PAY_DATA: &str = r#"{"version": "EC_v1", "data": "t7GeajLB9skXB6QSWfEpPA4WPhDqB7ekdd+F7588arLzvebKp3P0TekUslSQ8nkuacUgLdks2IKyCm7U3OL/PEYLXE7w60VkQ8WE6FXs/cqHkwtSW9vkzZNDxSLDg9slgLYxAH2/iztdipPpyIYKl0Kb6Rn9rboF+lwgRxM1B3n84miApwF5Pxl8ZOOXGY6F+3DsDo7sMCUTaJK74DUJJcjIXrigtINWKW6RFa/4qmPEC/Y+syg04x7B99mbLQQzWFm7z6HfRmynPM9/GA0kbsqd/Kn5Mkqssfhn/m6LuNKsqEmbKi85FF6kip+F17LRawG48bF/lT8wj/QEuDY0G7t/ryOnGLtKteXmAf0oJnwkelIyfyj2KI8GChBuTJonGlXKr5klPE89/ycmkgDl+T6Ms7PhiNZpuGEE2QE=",
 "signature": "MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAKCAMIID5jCCA4ugAwIBAgIIaGD2mdnMpw8wCgYIKoZIzj0EAwIwejEuMCwGA1UEAwwlQXBwbGUgQXBwbGljYXRpb24gSW50ZWdyYXRpb24gQ0EgLSBHMzEmMCQGA1UECwwdQXBwbGUgQ2VydGlmaWNhdGlvbiBBdXRob3JpdHkxEzARBgNVBAoMCkFwcGxlIEluYy4xCzAJBgNVBAYTAlVTMB4XDTE2MDYwMzE4MTY0MFoXDTIxMDYwMjE4MTY0MFowYjEoMCYGA1UEAwwfZWNjLXNtcC1icm9rZXItc2lnbl9VQzQtU0FOREJPWDEUMBIGA1UECwwLaU9TIFN5c3RlbXMxEzARBgNVBAoMCkFwcGxlIEluYy4xCzAJBgNVBAYTAlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgjD9q8Oc914gLFDZm0US5jfiqQHdbLPgsc1LUmeY+M9OvegaJajCHkwz3c6OKpbC9q+hkwNFxOh6RCbOlRsSlaOCAhEwggINMEUGCCsGAQUFBwEBBDkwNzA1BggrBgEFBQcwAYYpaHR0cDovL29jc3AuYXBwbGUuY29tL29jc3AwNC1hcHBsZWFpY2EzMDIwHQYDVR0OBBYEFAIkMAua7u1GMZekplopnkJxghxFMAwGA1UdEwEB/wQCMAAwHwYDVR0jBBgwFoAUI/JJxE+T5O8n5sT2KGw/orv9LkswggEdBgNVHSAEggEUMIIBEDCCAQwGCSqGSIb3Y2QFATCB/jCBwwYIKwYBBQUHAgIwgbYMgbNSZWxpYW5jZSBvbiB0aGlzIGNlcnRpZmljYXRlIGJ5IGFueSBwYXJ0eSBhc3N1bWVzIGFjY2VwdGFuY2Ugb2YgdGhlIHRoZW4gYXBwbGljYWJsZSBzdGFuZGFyZCB0ZXJtcyBhbmQgY29uZGl0aW9ucyBvZiB1c2UsIGNlcnRpZmljYXRlIHBvbGljeSBhbmQgY2VydGlmaWNhdGlvbiBwcmFjdGljZSBzdGF0ZW1lbnRzLjA2BggrBgEFBQcCARYqaHR0cDovL3d3dy5hcHBsZS5jb20vY2VydGlmaWNhdGVhdXRob3JpdHkvMDQGA1UdHwQtMCswKaAnoCWGI2h0dHA6Ly9jcmwuYXBwbGUuY29tL2FwcGxlYWljYTMuY3JsMA4GA1UdDwEB/wQEAwIHgDAPBgkqhkiG92NkBh0EAgUAMAoGCCqGSM49BAMCA0kAMEYCIQDaHGOui+X2T44R6GVpN7m2nEcr6T6sMjOhZ5NuSo1egwIhAL1a+/hp88DKJ0sv3eT3FxWcs71xmbLKD/QJ3mWagrJNAAAxggFfMIIBWwIBATCBhjB6MS4wLAYDVQQDDCVBcHBsZSBBcHBsaWNhdGlvbiBJbnRlZ3JhdGlvbiBDQSAtIEczMSYwJAYDVQQLDB1BcHBsZSBDZXJ0aWZpY2F0aW9uIEF1dGhvcml0eTETMBEGA1UECgwKQXBwbGUgSW5jLjELMAkGA1UEBhMCVVMCCGhg9pnZzKcPMA0GCWCGSAFlAwQCAQUAoGkwGAYJKoZIhvcNAQkDMQsGCSqGSIb3DQEHATAcBgkqhkiG9w0BCQUxDxcNMTkwNTE2MTExODM3WjAvBgkqhkiG9w0BCQQxIgQgKhqTPQwL3rVIalVYyyuqRJ0ARWQB+4hxpxuqqvuYDqQwCgYIKoZIzj0EAwIERzBFAiEA6pwp1wXwKT8Om7Ruy3AYMp3ROagK7F2AygzrHh8Dr48CIA0SeKPzcsDf9dwM3Q2GNb53yNeKpEiTZgpTeTDqhypPAAAAAAAA",
 "header": {"ephemeralPublicKey": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwoxBHNTTV2ZUKnJ5hTYzUN8EPhlYlc9ulYWbs4I0eL8XdJ/aDIVNdypEdMYBm35q5AoqGRm5ZxDH5Qs0VLCTsw==",
   "publicKeyHash": "tqYV+tmG9aMh+l/K6cicUnPqkb1gUiLjSTM9gEz6Nl0=", "transactionId": "3cee89679130a4b2617c76118a1c62fd400cd45b49dc0916d5b951b560cd17b4"}}"#;

fn wallet_request(method: PaymentMethod) -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(usd(1000), "order-42", method);
    r.capture_method = CaptureMethod::Automatic;
    r
}

#[test]
fn apple_pay_is_exchanged_with_the_public_key_then_paid_with_the_token() {
    let c = connector();
    let req = wallet_request(PaymentMethod::ApplePay(ApplePay {
        token: Secret::new(APPLE_PAY_DATA.to_string()),
    }));

    // Step 0: the token exchange, authenticated with the public key.
    let tokens = sent(c.authorize(&req, &cx(), &[]));
    assert_eq!(tokens.method, HttpMethod::Post);
    assert_eq!(tokens.url, "https://api.sandbox.checkout.com/tokens");
    assert_eq!(
        header(&tokens, "Authorization"),
        Some(format!("Bearer {PUBLIC_KEY}").as_str())
    );
    assert!(tokens.retry_safe);
    let b = body(&tokens);
    assert_eq!(b["type"], json!("applepay"));
    assert_eq!(
        b["token_data"],
        serde_json::from_str::<Value>(APPLE_PAY_DATA).unwrap()
    );

    // Step 1: the payment with the token (the documented pair: Checkout.com docs, "Paying with the wallet token").
    let token = response(201, APPLE_PAY_TOKEN_201);
    let payment = sent(c.authorize(&req, &cx(), std::slice::from_ref(&token)));
    assert_write(&payment, HttpMethod::Post, &format!("{IDEMPOTENCY_KEY}-1"));
    assert_eq!(payment.url, "https://api.sandbox.checkout.com/payments");
    assert_eq!(
        body(&payment),
        json!({"source": {"type": "token", "token": "tok_ubfj2q76miwundwlk72vxt2i7q"},
               "amount": 1000, "currency": "USD", "reference": "order-42",
               "processing_channel_id": CHANNEL, "capture": true})
    );

    // Step 2: the payment's answer.
    let r = done(c.authorize(&req, &cx(), &[token.clone(), response(201, AUTHORIZED_201)]));
    assert_eq!(r.status, PaymentStatus::Charged);
    let r = done(c.authorize(&req, &cx(), &[token, response(201, DECLINED_201)]));
    assert_eq!(r.status, PaymentStatus::Failure);

    // The Base64 of the paymentData is accepted too.
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(APPLE_PAY_DATA);
    let req64 = wallet_request(PaymentMethod::ApplePay(ApplePay {
        token: Secret::new(encoded),
    }));
    assert_eq!(
        body(&sent(c.authorize(&req64, &cx(), &[])))["token_data"]["version"],
        json!("EC_v1")
    );
}

#[test]
fn token_exchange_failures_end_the_flow() {
    let c = connector();
    let req = wallet_request(PaymentMethod::ApplePay(ApplePay {
        token: Secret::new(APPLE_PAY_DATA.to_string()),
    }));
    assert_code(
        &failed(c.authorize(&req, &cx(), &[response(401, "")])),
        ErrorCode::Authentication,
    );
    let e = failed(c.authorize(
        &req,
        &cx(),
        &[response(422, r#"{"request_id": "r", "error_type": "request_invalid", "error_codes": ["token_data_invalid"]}"#)],
    ));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("token_data_invalid"));
    assert_code(
        &failed(c.authorize(&req, &cx(), &[response(201, "{}")])),
        ErrorCode::InvalidResponse,
    );

    // Without the public key nothing is sent.
    let no_pk = Checkout::new(&CheckoutConfig::new(SECRET_KEY), &sandbox()).unwrap();
    assert_code(
        &failed(no_pk.authorize(&req, &cx(), &[])),
        ErrorCode::Configuration,
    );

    // A token that is not the wallet's data.
    let bad = wallet_request(PaymentMethod::ApplePay(ApplePay {
        token: Secret::new("not a token".into()),
    }));
    let e = failed(c.authorize(&bad, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("payment_method.token"));
}

#[test]
fn google_pay_token_goes_through_the_exchange() {
    let c = connector();
    let token = r#"{"signature":"MEQCIBx9...","protocolVersion":"ECv1","signedMessage":"{\"encryptedMessage\":\"x\",\"ephemeralPublicKey\":\"y\",\"tag\":\"z\"}"}"#;
    let req = wallet_request(PaymentMethod::GooglePay(GooglePay {
        token: Secret::new(token.into()),
    }));
    let b = body(&sent(c.authorize(&req, &cx(), &[])));
    assert_eq!(b["type"], json!("googlepay"));
    assert_eq!(b["token_data"]["protocolVersion"], json!("ECv1"));
    assert!(b["token_data"]["signedMessage"].is_string());

    let tok = response(
        201,
        r#"{"type": "googlepay", "token": "tok_g", "expires_on": "x", "expiry_month": 1, "expiry_year": 2030, "last4": "1111", "bin": "411111"}"#,
    );
    let payment = body(&sent(c.authorize(&req, &cx(), &[tok])));
    assert_eq!(
        payment["source"],
        json!({"type": "token", "token": "tok_g"})
    );

    let bad = wallet_request(PaymentMethod::GooglePay(GooglePay {
        token: Secret::new("opaque".into()),
    }));
    assert_eq!(
        failed(c.authorize(&bad, &cx(), &[])).field(),
        Some("payment_method.token")
    );
}

#[test]
fn network_tokens_use_the_network_token_source() {
    let c = connector();
    let token = |number: &str, wallet: Option<WalletKind>, eci: Option<&str>| {
        wallet_request(PaymentMethod::NetworkToken(NetworkToken {
            number: CardNumber::new(number).unwrap(),
            expiry_month: 10,
            expiry_year: 2030,
            cryptogram: Secret::new("AgAAAAAABk4DWZ4C28yUQAAAAAA=".into()),
            eci: eci.map(str::to_string),
            wallet,
            holder_name: None,
        }))
    };
    let request = sent(c.authorize(
        &token("4242424242424242", Some(WalletKind::ApplePay), Some("05")),
        &cx(),
        &[],
    ));
    assert_write(&request, HttpMethod::Post, IDEMPOTENCY_KEY);
    assert_eq!(
        body(&request)["source"],
        json!({"type": "network_token", "token": "4242424242424242", "expiry_month": 10,
               "expiry_year": 2030, "token_type": "applepay",
               "cryptogram": "AgAAAAAABk4DWZ4C28yUQAAAAAA=", "eci": "05"})
    );
    let source = |req: AuthorizeRequest| {
        body(&sent(c.authorize(&req, &cx(), &[])))["source"]["token_type"].clone()
    };
    assert_eq!(
        source(token(
            "4242424242424242",
            Some(WalletKind::GooglePay),
            Some("07")
        )),
        json!("googlepay")
    );
    assert_eq!(
        source(token("4242424242424242", None, Some("05"))),
        json!("vts")
    );
    assert_eq!(
        source(token("5436031030606378", None, Some("02"))),
        json!("mdes")
    );
    assert_eq!(
        failed(c.authorize(&token("345678901234564", None, Some("05")), &cx(), &[])).field(),
        Some("payment_method.wallet")
    );
    assert_eq!(
        failed(c.authorize(&token("4242424242424242", None, None), &cx(), &[])).field(),
        Some("payment_method.eci")
    );
    let r = done(c.authorize(
        &token("4242424242424242", Some(WalletKind::ApplePay), Some("05")),
        &cx(),
        &[response(201, AUTHORIZED_201)],
    ));
    assert_eq!(r.status, PaymentStatus::Charged);
}

#[test]
fn ideal_redirects_the_shopper_to_the_bank() {
    let c = connector();
    let mut req = AuthorizeRequest::new(
        Money::new(1000, Currency::EUR),
        "ideal-1",
        PaymentMethod::BankRedirect(BankRedirect {
            method: BankRedirectMethod::Ideal,
            issuer: None,
        }),
    );
    req.return_url = Some("https://shop.example/return".into());
    let b = body(&sent(c.authorize(&req, &cx(), &[])));
    assert_eq!(
        b,
        json!({"source": {"type": "ideal"}, "amount": 1000, "currency": "EUR",
               "reference": "ideal-1", "processing_channel_id": CHANNEL,
               "success_url": "https://shop.example/return",
               "failure_url": "https://shop.example/return"})
    );
    // Checkout.com docs, "iDEAL": 202 with a redirect to the bank.
    let accepted = r#"{"id": "pay_ideal", "status": "Pending", "customer": {"id": "cus_1"},
        "_links": {"self": {"href": "https://api.sandbox.checkout.com/payments/pay_ideal"},
                   "redirect": {"href": "https://sandbox.ideal-acquiring.ing.nl/ideal/issuer/simulation?trxid=1"}}}"#;
    let r = done(c.authorize(&req, &cx(), &[response(202, accepted)]));
    assert_eq!(r.status, PaymentStatus::AuthenticationPending);
    assert!(
        matches!(r.next_action, Some(NextAction::Redirect(ref a)) if a.url.contains("ideal-acquiring"))
    );

    let mut usd_req = req.clone();
    usd_req.amount = usd(1000);
    assert_eq!(
        failed(c.authorize(&usd_req, &cx(), &[])).field(),
        Some("amount.currency")
    );
    let mut manual = req.clone();
    manual.capture_method = CaptureMethod::Manual;
    assert_eq!(
        failed(c.authorize(&manual, &cx(), &[])).field(),
        Some("capture_method")
    );
    let mut no_return = req;
    no_return.return_url = None;
    assert_eq!(
        failed(c.authorize(&no_return, &cx(), &[])).field(),
        Some("return_url")
    );
}

#[test]
fn eps_redirects_the_shopper_with_a_purpose() {
    let c = connector();
    let mut req = AuthorizeRequest::new(
        Money::new(2500, Currency::EUR),
        "eps-1",
        PaymentMethod::BankRedirect(BankRedirect {
            method: BankRedirectMethod::Eps,
            issuer: Some("BKAUATWW".into()),
        }),
    );
    req.return_url = Some("https://shop.example/return".into());
    let b = body(&sent(c.authorize(&req, &cx(), &[])));
    assert_eq!(b["source"], json!({"type": "eps", "purpose": "eps-1"}));
    assert!(b.get("capture").is_none());
    assert!(b.get("3ds").is_none());
    let mut gbp = req;
    gbp.amount = Money::new(2500, Currency::GBP);
    let e = failed(c.authorize(&gbp, &cx(), &[]));
    assert_eq!(e.field(), Some("amount.currency"));
    assert!(e.message().contains("EPS"), "{e}");
}

#[test]
fn other_methods_are_typed_unsupported_errors_before_sending() {
    let c = connector();
    for method in [
        PaymentMethod::Upi(Upi {
            flow: UpiFlow::Intent,
            vpa: None,
        }),
        PaymentMethod::Netbanking(Netbanking {
            bank_code: "HDFC".into(),
        }),
        PaymentMethod::BankRedirect(BankRedirect {
            method: BankRedirectMethod::Trustly,
            issuer: None,
        }),
        PaymentMethod::Ewallet(Ewallet {
            provider: "OVO".into(),
            mobile_number: None,
            cashtag: None,
        }),
        PaymentMethod::EncryptedCard(EncryptedCard {
            encrypted_card_number: Secret::new("a".into()),
            encrypted_expiry_month: Secret::new("b".into()),
            encrypted_expiry_year: Secret::new("c".into()),
            encrypted_security_code: None,
            holder_name: None,
        }),
    ] {
        let e = failed(c.authorize(&wallet_request(method), &cx(), &[]));
        assert_code(&e, ErrorCode::Unsupported);
        assert_eq!(e.field(), Some("payment_method"));
        assert_eq!(e.connector, Some(ConnectorName::Checkout));
    }
}
