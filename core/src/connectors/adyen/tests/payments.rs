//! Authorize, setup_mandate and PSync: request bodies and the `resultCode` mapping.

use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::connector::Connector;
use crate::connectors::adyen::payments::{code_part, status_of};
use crate::connectors::adyen::wire::ResultCode;

fn payment_status(code: &str, capture: CaptureMethod, has_action: bool) -> PaymentStatus {
    status_of(ResultCode::parse(code), capture, has_action)
}

// ---------------------------------------------------------------- authorize: the request

#[test]
fn card_authorize_request() {
    let request = sent(connector().authorize(&authorize_request(), &cx(), &[]));
    assert_eq!(request.url, "https://checkout-test.adyen.com/v68/payments");
    assert_adyen_headers(&request, API_KEY);
    let b = body(&request);
    assert_eq!(b["amount"], json!({"value": 1000, "currency": "USD"}));
    assert_eq!(b["merchantAccount"], MERCHANT);
    assert_eq!(b["reference"], "order-42");
    assert_eq!(b["returnUrl"], "https://shop.example/return?order=42");
    assert_eq!(
        b["paymentMethod"],
        json!({"type": "scheme", "number": CARD_NUMBER, "expiryMonth": "03", "expiryYear": "2030",
               "cvc": CVC, "holderName": "John Smith"})
    );
    assert_eq!(b["shopperInteraction"], "Ecommerce");
    // Automatic capture and no 3-D Secure preference: nothing to add.
    assert!(b.get("additionalData").is_none(), "{b}");
    assert!(b.get("shopperReference").is_none());
    assert!(b.get("metadata").is_none());
}

#[test]
fn expiry_is_always_two_and_four_digits() {
    let mut r = authorize_request();
    let mut c = card();
    c.expiry_month = 12;
    c.cvc = None;
    c.holder_name = None;
    r.payment_method = PaymentMethod::Card(c);
    let b = body(&sent(connector().authorize(&r, &cx(), &[])));
    assert_eq!(
        b["paymentMethod"],
        json!({"type": "scheme", "number": CARD_NUMBER, "expiryMonth": "12", "expiryYear": "2030"})
    );
}

#[test]
fn manual_capture_and_three_ds_go_to_additional_data() {
    let adyen = connector();
    let cases = [
        (
            CaptureMethod::Manual,
            AuthenticationType::Auto,
            json!({"manualCapture": "true"}),
        ),
        (
            CaptureMethod::Automatic,
            AuthenticationType::ThreeDs,
            json!({"executeThreeD": "true"}),
        ),
        (
            CaptureMethod::Automatic,
            AuthenticationType::NoThreeDs,
            json!({"executeThreeD": "false"}),
        ),
        (
            CaptureMethod::Manual,
            AuthenticationType::ThreeDs,
            json!({"manualCapture": "true", "executeThreeD": "true"}),
        ),
    ];
    for (capture, auth, expected) in cases {
        let mut r = authorize_request();
        r.capture_method = capture;
        r.authentication_type = auth;
        let b = body(&sent(adyen.authorize(&r, &cx(), &[])));
        assert_eq!(b["additionalData"], expected, "{capture:?} {auth:?}");
    }
}

#[test]
fn customer_addresses_browser_statement_and_metadata_are_mapped() {
    let mut r = authorize_request();
    r.customer = Some(Customer {
        id: Some("shopper-123".into()),
        email: Some("jane@example.com".into()),
        phone: Some("+31201234567".into()),
        first_name: Some("Jane".into()),
        last_name: Some("Doe".into()),
        ip_address: Some("203.0.113.7".into()),
    });
    r.billing_address = Some(Address {
        line1: Some("Simon Carmiggeltstraat".into()),
        line2: Some("6-50".into()),
        city: Some("Amsterdam".into()),
        state: Some("NH".into()),
        postal_code: Some("1011 DJ".into()),
        country: Some("NL".into()),
        first_name: None,
        last_name: None,
    });
    r.shipping_address = Some(Address {
        line1: Some("Main St 1".into()),
        city: Some("Utrecht".into()),
        country: Some("NL".into()),
        first_name: Some("Jan".into()),
        last_name: Some("Jansen".into()),
        ..Default::default()
    });
    r.browser_info = Some(BrowserInfo {
        user_agent: Some("Mozilla/5.0".into()),
        accept_header: Some("text/html".into()),
        language: Some("nl-NL".into()),
        color_depth: Some(24),
        screen_height: Some(723),
        screen_width: Some(1536),
        time_zone_offset_minutes: Some(-120),
        java_enabled: Some(false),
        javascript_enabled: Some(true),
        referer: None,
    });
    r.statement_descriptor = Some("SHOP*ORDER42".into());
    r.metadata.insert("orderId".into(), "42".into());
    let b = body(&sent(connector().authorize(&r, &cx(), &[])));
    assert_eq!(b["shopperReference"], "shopper-123");
    assert_eq!(b["shopperEmail"], "jane@example.com");
    assert_eq!(b["shopperIP"], "203.0.113.7");
    assert_eq!(b["telephoneNumber"], "+31201234567");
    assert_eq!(
        b["shopperName"],
        json!({"firstName": "Jane", "lastName": "Doe"})
    );
    assert_eq!(
        b["billingAddress"],
        json!({"street": "Simon Carmiggeltstraat", "houseNumberOrName": "6-50", "city": "Amsterdam",
               "stateOrProvince": "NH", "postalCode": "1011 DJ", "country": "NL"})
    );
    assert_eq!(
        b["deliveryAddress"],
        json!({"street": "Main St 1", "city": "Utrecht", "country": "NL", "firstName": "Jan", "lastName": "Jansen"})
    );
    assert_eq!(
        b["browserInfo"],
        json!({"userAgent": "Mozilla/5.0", "acceptHeader": "text/html", "language": "nl-NL", "colorDepth": 24,
               "screenHeight": 723, "screenWidth": 1536, "timeZoneOffset": -120, "javaEnabled": false})
    );
    assert_eq!(b["shopperStatement"], "SHOP*ORDER42");
    assert_eq!(b["metadata"], json!({"orderId": "42"}));
}

#[test]
fn the_shopper_name_falls_back_to_the_billing_address() {
    let mut r = authorize_request();
    r.billing_address = Some(Address {
        first_name: Some("Ann".into()),
        last_name: Some("Lee".into()),
        ..Default::default()
    });
    let b = body(&sent(connector().authorize(&r, &cx(), &[])));
    assert_eq!(
        b["shopperName"],
        json!({"firstName": "Ann", "lastName": "Lee"})
    );
}

#[test]
fn a_missing_return_url_is_rejected_before_sending() {
    let mut r = authorize_request();
    r.return_url = None;
    let e = failed(connector().authorize(&r, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("return_url"));
}

#[test]
fn metadata_beyond_adyen_limits_is_rejected() {
    let adyen = connector();
    let mut r = authorize_request();
    for i in 0..21 {
        r.metadata.insert(format!("k{i}"), "v".into());
    }
    assert_eq!(
        failed(adyen.authorize(&r, &cx(), &[])).field(),
        Some("metadata")
    );
    let mut r = authorize_request();
    r.metadata.insert("k".repeat(21), "v".into());
    assert_eq!(
        failed(adyen.authorize(&r, &cx(), &[])).field(),
        Some("metadata")
    );
    let mut r = authorize_request();
    r.metadata.insert("note".into(), "x".repeat(81));
    assert_eq!(
        failed(adyen.authorize(&r, &cx(), &[])).field(),
        Some("metadata.note")
    );
    let mut r = authorize_request();
    r.metadata.insert("k".repeat(20), "x".repeat(80));
    assert!(adyen.authorize(&r, &cx(), &[]).is_ok());
}

#[test]
fn a_short_shopper_reference_is_rejected() {
    let mut r = authorize_request();
    r.customer = Some(Customer {
        id: Some("ab".into()),
        ..Default::default()
    });
    let e = failed(connector().authorize(&r, &cx(), &[]));
    assert_eq!(e.field(), Some("customer.id"));
}

fn mandate_request(usage: MandateUsage) -> AuthorizeRequest {
    let mut r = authorize_request();
    r.payment_method = PaymentMethod::Mandate(MandateReference {
        mandate_id: "M5N7TQ4TG5PFWR50".into(),
        usage,
        network_transaction_id: None,
        connector_customer_id: None,
    });
    r.customer = Some(Customer {
        id: Some("shopper-123".into()),
        ..Default::default()
    });
    r
}

#[test]
fn mandate_authorize_is_a_cont_auth_stored_card_payment() {
    let cases = [
        (MandateUsage::Unscheduled, "UnscheduledCardOnFile"),
        (MandateUsage::CardOnFile, "CardOnFile"),
        (MandateUsage::Subscription, "Subscription"),
    ];
    for (usage, model) in cases {
        let b = body(&sent(connector().authorize(
            &mandate_request(usage),
            &cx(),
            &[],
        )));
        assert_eq!(
            b["paymentMethod"],
            json!({"type": "scheme", "storedPaymentMethodId": "M5N7TQ4TG5PFWR50"})
        );
        assert_eq!(b["shopperReference"], "shopper-123");
        assert_eq!(b["shopperInteraction"], "ContAuth");
        assert_eq!(b["recurringProcessingModel"], model);
        assert!(b["paymentMethod"].get("number").is_none());
    }
}

#[test]
fn mandate_authorize_needs_the_shopper_reference() {
    let mut r = mandate_request(MandateUsage::Unscheduled);
    r.customer = None;
    let e = failed(connector().authorize(&r, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("customer.id"));
    // The customer id the setup answered with serves too.
    if let PaymentMethod::Mandate(m) = &mut r.payment_method {
        m.connector_customer_id = Some("shopper-123".into());
    }
    let b = body(&sent(connector().authorize(&r, &cx(), &[])));
    assert_eq!(b["shopperReference"], "shopper-123");
}

// ---------------------------------------------------------------- authorize: the response

/// Checkout API reference, `/payments`: the `card-direct` 200 example.
const AUTHORISED_EXAMPLE: &str = r#"{
  "additionalData": {"cvcResult": "1 Matches", "authCode": "044925",
    "avsResult": "4 AVS not supported for this card type", "avsResultRaw": "4", "cvcResultRaw": "M",
    "refusalReasonRaw": "AUTHORISED", "acquirerCode": "TestPmmAcquirer", "acquirerReference": "YOUR_ACQUIRER_REFERENCE"},
  "pspReference": "YOUR_PSP_REFERENCE",
  "resultCode": "Authorised",
  "merchantReference": "YOUR_MERCHANT_REFERENCE"
}"#;

#[test]
fn authorised_example_with_automatic_capture_is_charged() {
    let p = done(connector().authorize(
        &authorize_request(),
        &cx(),
        &[response(200, AUTHORISED_EXAMPLE)],
    ));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.connector, ConnectorName::Adyen);
    assert_eq!(p.connector_status.as_deref(), Some("Authorised"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("YOUR_PSP_REFERENCE")
    );
    assert_eq!(
        p.merchant_reference.as_deref(),
        Some("YOUR_MERCHANT_REFERENCE")
    );
    assert_eq!(p.request_id.as_deref(), Some("YOUR_PSP_REFERENCE"));
    assert_eq!(p.http_status, Some(200));
    assert!(p.decline.is_none());
    assert!(p.next_action.is_none());
    assert!(p.mandate_id.is_none());
    assert!(p.raw_response.as_deref().unwrap().contains("044925"));
}

#[test]
fn authorised_example_with_manual_capture_is_authorized() {
    let mut r = authorize_request();
    r.capture_method = CaptureMethod::Manual;
    let p = done(connector().authorize(&r, &cx(), &[response(200, AUTHORISED_EXAMPLE)]));
    assert_eq!(p.status, PaymentStatus::Authorized);
}

#[test]
fn the_psp_reference_header_is_the_request_id() {
    let r = response(200, AUTHORISED_EXAMPLE).with_header("pspReference", "HEADER_PSP");
    let p = done(connector().authorize(&authorize_request(), &cx(), &[r]));
    assert_eq!(p.request_id.as_deref(), Some("HEADER_PSP"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("YOUR_PSP_REFERENCE")
    );
}

/// An illustrative decline built from the documented `PaymentResponse` fields (Adyen docs,
/// "Refusal reasons").
#[test]
fn decline_example_is_a_failure_with_details() {
    let decline = r#"{"pspReference": "8816118280275545", "resultCode": "Refused",
     "refusalReason": "Not enough balance", "refusalReasonCode": "12",
     "merchantReference": "order-42",
     "additionalData": {"refusalReasonRaw": "51 : Insufficient funds"}}"#;
    let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, decline)]));
    assert_eq!(p.status, PaymentStatus::Failure);
    assert!(p.is_declined());
    let d = p.decline.unwrap();
    assert_eq!(d.code.as_deref(), Some("12"));
    assert_eq!(d.message.as_deref(), Some("Not enough balance"));
    assert_eq!(d.network_decline_code.as_deref(), Some("51"));
    assert_eq!(d.network_advice_code, None);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("8816118280275545")
    );
    assert_eq!(p.merchant_reference.as_deref(), Some("order-42"));
}

#[test]
fn decline_raw_codes_and_advice_codes_are_read() {
    let refused = r#"{"pspReference": "P1", "resultCode": "Refused", "refusalReason": "Refused", "refusalReasonCode": 2,
      "additionalData": {"refusalCodeRaw": "05", "refusalReasonRaw": "05 : Do not honor", "merchantAdviceCode": "03 : Do not try again"}}"#;
    let d = done(connector().authorize(&authorize_request(), &cx(), &[response(200, refused)]))
        .decline
        .unwrap();
    assert_eq!(d.code.as_deref(), Some("2"));
    assert_eq!(d.network_decline_code.as_deref(), Some("05"));
    assert_eq!(d.network_advice_code.as_deref(), Some("03"));

    let error = r#"{"pspReference": "P2", "resultCode": "Error", "refusalReason": "Acquirer Error", "refusalReasonCode": "4"}"#;
    let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, error)]));
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(
        p.decline.unwrap().message.as_deref(),
        Some("Acquirer Error")
    );

    assert_eq!(code_part("51 : Insufficient funds").as_deref(), Some("51"));
    assert_eq!(code_part("DECLINED : 06 : ERROR").as_deref(), Some("06"));
    assert_eq!(
        code_part("N7 : Decline for CVV2 failure").as_deref(),
        Some("N7")
    );
    assert_eq!(code_part("AUTHORISED"), None);
    assert_eq!(code_part(""), None);
}

/// Checkout API reference, `/payments`: the `ideal` redirect example.
#[test]
fn redirect_example_is_a_get_redirect_with_the_query_pairs() {
    let redirect = r#"{
      "resultCode": "RedirectShopper",
      "action": {
        "paymentMethodType": "ideal",
        "url": "https://test.adyen.com/hpp/checkout.shtml?u=redirectIdeal&p=eJxtUstygjAU",
        "method": "GET",
        "type": "redirect"
      }
    }"#;
    let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, redirect)]));
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(p.connector_transaction_id, None);
    match p.next_action.unwrap() {
        NextAction::Redirect(r) => {
            assert_eq!(
                r.url,
                "https://test.adyen.com/hpp/checkout.shtml?u=redirectIdeal&p=eJxtUstygjAU"
            );
            assert_eq!(r.method, HttpMethod::Get);
            let expected: BTreeMap<String, String> = [
                ("u".to_string(), "redirectIdeal".to_string()),
                ("p".to_string(), "eJxtUstygjAU".to_string()),
            ]
            .into();
            assert_eq!(r.form_fields, expected);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn post_redirect_carries_the_data_as_form_fields() {
    let redirect = r#"{"resultCode": "RedirectShopper", "pspReference": "P3",
      "action": {"type": "redirect", "method": "POST", "url": "https://test.adyen.com/hpp/3d/validate.shtml",
                 "data": {"MD": "M2RmMDdh", "PaReq": "BQABAgCW", "TermUrl": "https://shop.example/return"},
                 "paymentMethodType": "scheme"}}"#;
    let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, redirect)]));
    match p.next_action.unwrap() {
        NextAction::Redirect(r) => {
            assert_eq!(r.method, HttpMethod::Post);
            assert_eq!(r.url, "https://test.adyen.com/hpp/3d/validate.shtml");
            assert_eq!(r.form_fields["MD"], "M2RmMDdh");
            assert_eq!(r.form_fields["PaReq"], "BQABAgCW");
            assert_eq!(r.form_fields["TermUrl"], "https://shop.example/return");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_other_action_type_goes_to_the_sdk_with_its_json() {
    let actions = [
        (
            "IdentifyShopper",
            json!({"type": "threeDS2", "subtype": "fingerprint", "token": "eyJ0aHJlZURT", "paymentData": "Ab02b4c0", "authorisationToken": "BQAB", "paymentMethodType": "scheme"}),
        ),
        (
            "ChallengeShopper",
            json!({"type": "threeDS2", "subtype": "challenge", "token": "eyJhY3NS"}),
        ),
        (
            "Pending",
            json!({"type": "sdk", "sdkData": {"token": "x"}, "paymentMethodType": "wechatpaySDK"}),
        ),
        (
            "PresentToShopper",
            json!({"type": "qrCode", "url": "https://test.adyen.com/qr"}),
        ),
        (
            "PresentToShopper",
            json!({"type": "voucher", "reference": "1234", "expiresAt": "2030-01-01T00:00:00"}),
        ),
        (
            "PresentToShopper",
            json!({"type": "bank", "beneficiary": "Adyen", "iban": "NL13TEST0123456789"}),
        ),
        (
            "RedirectShopper",
            json!({"type": "nativeRedirect", "nativeRedirectData": "abc", "url": "https://bank.example"}),
        ),
        ("RedirectShopper", json!({"type": "somethingNew", "foo": 1})),
    ];
    for (result_code, action) in actions {
        let body =
            json!({"resultCode": result_code, "pspReference": "P4", "action": action}).to_string();
        let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, &body)]));
        assert_eq!(
            p.status,
            PaymentStatus::AuthenticationPending,
            "{result_code} {action}"
        );
        match p.next_action.unwrap() {
            NextAction::Sdk(sdk) => {
                assert_eq!(sdk.action_type, action["type"].as_str().unwrap());
                let data: serde_json::Value = serde_json::from_str(&sdk.data).unwrap();
                assert_eq!(data, action);
            }
            other => panic!("{other:?}"),
        }
    }
    // An action without a type, or a redirect without a usable URL, is still handed over.
    let body = json!({"resultCode": "RedirectShopper", "action": {"method": "GET"}}).to_string();
    let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, &body)]));
    assert!(matches!(p.next_action, Some(NextAction::Sdk(ref s)) if s.action_type == "unknown"));
    let body =
        json!({"resultCode": "RedirectShopper", "action": {"type": "redirect", "method": "GET"}})
            .to_string();
    let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, &body)]));
    assert!(matches!(p.next_action, Some(NextAction::Sdk(ref s)) if s.action_type == "redirect"));
}

#[test]
fn qr_code_and_await_actions_are_typed() {
    let body = json!({"resultCode": "PresentToShopper", "pspReference": "P5", "action": {"type": "qrCode", "qrCodeData": "upi://pay?pa=x", "url": "https://test.adyen.com/qr", "paymentMethodType": "paynow"}}).to_string();
    let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, &body)]));
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        p.next_action,
        Some(NextAction::QrCode(QrCodeAction {
            data: "upi://pay?pa=x".into(),
            image_url: Some("https://test.adyen.com/qr".into()),
        }))
    );
    let body = json!({"resultCode": "Pending", "pspReference": "P6", "action": {"type": "await", "paymentMethodType": "blik"}}).to_string();
    let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, &body)]));
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        p.next_action,
        Some(NextAction::Await(AwaitAction::default()))
    );
}

fn authorize_body_for(method: serde_json::Value) -> serde_json::Value {
    let mut req = authorize_request();
    req.payment_method = serde_json::from_value(method).unwrap();
    body(&sent(connector().authorize(&req, &cx(), &[])))
}

#[test]
fn wallet_tokens_encrypted_cards_and_bank_redirects_are_mapped() {
    let body = authorize_body_for(
        json!({"type": "encrypted_card", "encrypted_card_number": "test_4111111111111111", "encrypted_expiry_month": "test_03", "encrypted_expiry_year": "test_2030", "encrypted_security_code": "test_737"}),
    );
    assert_eq!(
        body["paymentMethod"],
        json!({"type": "scheme", "encryptedCardNumber": "test_4111111111111111", "encryptedExpiryMonth": "test_03", "encryptedExpiryYear": "test_2030", "encryptedSecurityCode": "test_737"})
    );
    // Apple Pay's paymentData JSON is sent as Base64; a Base64 token is passed unchanged.
    let body = authorize_body_for(json!({"type": "apple_pay", "token": "{\"version\":\"EC_v1\"}"}));
    assert_eq!(
        body["paymentMethod"],
        json!({"type": "applepay", "applePayToken": "eyJ2ZXJzaW9uIjoiRUNfdjEifQ=="})
    );
    let body =
        authorize_body_for(json!({"type": "apple_pay", "token": "eyJ2ZXJzaW9uIjoiRUNfdjEifQ=="}));
    assert_eq!(
        body["paymentMethod"]["applePayToken"],
        "eyJ2ZXJzaW9uIjoiRUNfdjEifQ=="
    );
    let body =
        authorize_body_for(json!({"type": "google_pay", "token": "{\"signature\":\"MEQ\"}"}));
    assert_eq!(
        body["paymentMethod"],
        json!({"type": "googlepay", "googlePayToken": "{\"signature\":\"MEQ\"}"})
    );
    let body = authorize_body_for(
        json!({"type": "network_token", "number": "4111111111111111", "expiry_month": 3, "expiry_year": 2030, "cryptogram": "AgAAAAAABk4DWZ4C28yUQAAAAAA=", "eci": "07", "wallet": "google_pay"}),
    );
    assert_eq!(
        body["paymentMethod"],
        json!({"type": "networkToken", "number": "4111111111111111", "expiryMonth": "03", "expiryYear": "2030"})
    );
    assert_eq!(
        body["mpiData"],
        json!({"tokenAuthenticationVerificationValue": "AgAAAAAABk4DWZ4C28yUQAAAAAA=", "eci": "07"})
    );
    for (method, adyen_type) in [
        ("ideal", "ideal"),
        ("pay_by_bank", "paybybank"),
        ("trustly", "trustly"),
        ("sofort", "directEbanking"),
    ] {
        let body = authorize_body_for(json!({"type": "bank_redirect", "method": method}));
        assert_eq!(
            body["paymentMethod"],
            json!({"type": adyen_type}),
            "{method}"
        );
    }
    let body = authorize_body_for(
        json!({"type": "bank_redirect", "method": "online_banking_pl", "issuer": "154"}),
    );
    assert_eq!(
        body["paymentMethod"],
        json!({"type": "onlineBanking_PL", "issuer": "154"})
    );
}

#[test]
fn methods_adyen_does_not_take_are_unsupported_before_sending() {
    for method in [
        json!({"type": "upi", "flow": "collect", "vpa": "success@razorpay"}),
        json!({"type": "netbanking", "bank_code": "HDFC"}),
        json!({"type": "ewallet", "provider": "OVO"}),
    ] {
        let mut req = authorize_request();
        req.payment_method = serde_json::from_value(method.clone()).unwrap();
        let err = connector().authorize(&req, &cx(), &[]).unwrap_err();
        assert_eq!(err.code, ErrorCode::Unsupported, "{method}");
        assert_eq!(err.field.as_deref(), Some("payment_method"));
        assert!(
            err.message.contains(req.payment_method.kind()),
            "{}",
            err.message
        );
    }
}

#[test]
fn result_code_table() {
    use CaptureMethod::{Automatic as Auto, Manual};
    use PaymentStatus::*;
    let table = [
        ("Authorised", Charged, Authorized),
        ("PartiallyAuthorised", PartialCharged, Authorized),
        ("Refused", Failure, Failure),
        ("Error", Failure, Failure),
        ("Cancelled", Voided, Voided),
        ("Pending", Pending, Pending),
        ("Received", Pending, Pending),
        ("AuthenticationNotRequired", Pending, Pending),
        (
            "RedirectShopper",
            AuthenticationPending,
            AuthenticationPending,
        ),
        (
            "IdentifyShopper",
            AuthenticationPending,
            AuthenticationPending,
        ),
        (
            "ChallengeShopper",
            AuthenticationPending,
            AuthenticationPending,
        ),
        (
            "PresentToShopper",
            AuthenticationPending,
            AuthenticationPending,
        ),
        (
            "AuthenticationFinished",
            AuthenticationSuccessful,
            AuthenticationSuccessful,
        ),
        ("Success", Pending, Pending),
        ("SomethingAdyenAddsLater", Pending, Pending),
    ];
    for (code, automatic, manual) in table {
        assert_eq!(
            payment_status(code, Auto, false),
            automatic,
            "{code} automatic"
        );
        assert_eq!(payment_status(code, Manual, false), manual, "{code} manual");
        assert!(
            !payment_status(code, Auto, false).is_terminal() || code != "SomethingAdyenAddsLater"
        );
    }
    // Waiting for the shopper (APM with an action) is authentication pending.
    assert_eq!(payment_status("Pending", Auto, true), AuthenticationPending);
    assert_eq!(
        payment_status("Received", Auto, true),
        AuthenticationPending
    );
    // Through the parser, too.
    for (code, automatic, _) in table {
        let body = json!({"resultCode": code, "pspReference": "P5"}).to_string();
        let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, &body)]));
        assert_eq!(p.status, automatic, "{code}");
        assert_eq!(p.connector_status.as_deref(), Some(code));
    }
}

#[test]
fn token_network_reference_and_amount_are_read() {
    for key in [
        "tokenization.storedPaymentMethodId",
        "recurring.recurringDetailReference",
    ] {
        let body = json!({"resultCode": "Authorised", "pspReference": "P6",
            "amount": {"value": 1000, "currency": "EUR"},
            "additionalData": {key: "M5N7TQ4TG5PFWR50", "networkTxReference": "MCC123456789",
                               "tokenization.shopperReference": "shopper-123"}})
        .to_string();
        let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, &body)]));
        assert_eq!(p.mandate_id.as_deref(), Some("M5N7TQ4TG5PFWR50"), "{key}");
        assert_eq!(p.network_transaction_id.as_deref(), Some("MCC123456789"));
        assert_eq!(p.connector_customer_id.as_deref(), Some("shopper-123"));
        assert_eq!(p.amount, Some(money(1000, "EUR")));
    }
    // Amounts come back through Adyen's exponents: CLP 1000.00 at Adyen is CLP 1000.
    let body = r#"{"resultCode": "PartiallyAuthorised", "pspReference": "P7", "amount": {"value": 100000, "currency": "CLP"}}"#;
    let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, body)]));
    assert_eq!(p.status, PaymentStatus::PartialCharged);
    assert_eq!(p.amount, Some(money(1000, "CLP")));
}

#[test]
fn unreadable_success_bodies_are_invalid_responses() {
    for body in [
        "<html>oops</html>",
        "",
        "[]",
        r#"{"pspReference": "P8"}"#,
        r#"{"resultCode": null}"#,
    ] {
        let e = failed(connector().authorize(&authorize_request(), &cx(), &[response(200, body)]));
        assert_code(&e, ErrorCode::InvalidResponse);
        assert_eq!(e.http_status, Some(200));
        assert!(!e.retryable);
    }
    // A number where a string belongs still reads; an unknown code is pending, never a panic.
    let p = done(connector().authorize(
        &authorize_request(),
        &cx(),
        &[response(200, r#"{"resultCode": 5, "pspReference": "P8"}"#)],
    ));
    assert_eq!(p.status, PaymentStatus::Pending);
    assert_eq!(p.connector_status.as_deref(), Some("5"));
}

// ---------------------------------------------------------------- loose success parsing

/// A success that does not name the payment cannot be reconciled: `invalid_response`, never
/// `charged` with no id.
#[test]
fn a_success_without_psp_reference_is_an_invalid_response() {
    for (code, capture) in [
        ("Authorised", CaptureMethod::Automatic),
        ("Authorised", CaptureMethod::Manual),
        ("PartiallyAuthorised", CaptureMethod::Automatic),
    ] {
        let mut r = authorize_request();
        r.capture_method = capture;
        let body = json!({"resultCode": code, "merchantReference": "order-42"}).to_string();
        let e = failed(connector().authorize(&r, &cx(), &[response(200, &body)]));
        assert_code(&e, ErrorCode::InvalidResponse);
        assert!(e.message().contains("pspReference"), "{e}");
        assert_eq!(e.connector_transaction_id, None);
    }
    // The same for a mandate setup.
    let e = failed(connector().setup_mandate(
        &setup_request(),
        &cx(),
        &[response(
            200,
            r#"{"resultCode": "Authorised", "additionalData": {"tokenization.storedPaymentMethodId": "M5N7TQ4TG5PFWR50"}}"#,
        )],
    ));
    assert_code(&e, ErrorCode::InvalidResponse);
    // PSync already knows the payment: its Authorised answer keeps the request's id.
    let p = done(connector().get_payment(
        &psync(&[("redirectResult", "X6XtfGC3")]),
        &cx(),
        &[response(200, r#"{"resultCode": "Authorised"}"#)],
    ));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("V4HZ4RBFJGXXGN82")
    );
}

/// A `resultCode` added after v68 never fails a parse when the payment is named: `pending`
/// with the raw code, so the caller can sync. Without a `pspReference` nothing can be
/// reconciled: `invalid_response`.
#[test]
fn unknown_result_codes_are_pending_with_a_psp_reference_else_invalid() {
    for code in ["SomethingAdyenAddsLater", "Success"] {
        let body = json!({"resultCode": code, "pspReference": "P10"}).to_string();
        let p = done(connector().authorize(&authorize_request(), &cx(), &[response(200, &body)]));
        assert_eq!(p.status, PaymentStatus::Pending, "{code}");
        assert_eq!(p.connector_status.as_deref(), Some(code));
        assert_eq!(p.connector_transaction_id.as_deref(), Some("P10"));

        let body = json!({ "resultCode": code }).to_string();
        let e = failed(connector().authorize(&authorize_request(), &cx(), &[response(200, &body)]));
        assert_code(&e, ErrorCode::InvalidResponse);
        assert!(e.message().contains("pspReference"), "{e}");
    }
    // Known waiting codes need no pspReference (the redirect example has none).
    let p = done(connector().authorize(
        &authorize_request(),
        &cx(),
        &[response(200, r#"{"resultCode": "Received"}"#)],
    ));
    assert_eq!(p.status, PaymentStatus::Pending);
}

/// An amount in an answer that cannot be read is `invalid_response`, carrying the payment's
/// reference so the caller can reconcile.
#[test]
fn unreadable_or_negative_answer_amounts_are_invalid_responses_with_the_reference() {
    for amount in [
        json!({"value": -1000, "currency": "EUR"}),
        json!({"value": "ten", "currency": "EUR"}),
        json!({"value": 10.5, "currency": "EUR"}),
        json!({"value": 1000, "currency": "???"}),
        json!({"value": 1000}),
        json!("1000 EUR"),
    ] {
        let body = json!({"resultCode": "Authorised", "pspReference": "P11", "amount": amount})
            .to_string();
        let e = failed(connector().authorize(&authorize_request(), &cx(), &[response(200, &body)]));
        assert_code(&e, ErrorCode::InvalidResponse);
        assert_eq!(
            e.connector_transaction_id.as_deref(),
            Some("P11"),
            "{amount}"
        );
        assert_eq!(e.http_status, Some(200));
    }
    // An absent or null amount is simply absent.
    let p = done(connector().authorize(
        &authorize_request(),
        &cx(),
        &[response(
            200,
            r#"{"resultCode": "Authorised", "pspReference": "P12", "amount": null}"#,
        )],
    ));
    assert_eq!(p.amount, None);
}

/// Errors of a call that may have had an effect carry the ids known so far; a refused request
/// (4xx) did nothing and carries none.
#[test]
fn errors_that_may_have_had_an_effect_carry_the_payment_reference() {
    let unavailable = r#"{"status": 500, "errorCode": "000", "message": "Internal error", "errorType": "internal", "pspReference": "P13"}"#;
    let e =
        failed(connector().authorize(&authorize_request(), &cx(), &[response(500, unavailable)]));
    assert_code(&e, ErrorCode::ProcessorUnavailable);
    assert_eq!(e.connector_transaction_id.as_deref(), Some("P13"));
    let invalid = r#"{"status": 422, "errorCode": "14_030", "message": "Return URL is missing.", "errorType": "validation", "pspReference": "P14"}"#;
    let e = failed(connector().authorize(&authorize_request(), &cx(), &[response(422, invalid)]));
    assert_eq!(e.connector_transaction_id, None);
    assert_eq!(e.request_id.as_deref(), Some("P14"));
    // A 200 without resultCode still names the payment.
    let e = failed(connector().authorize(
        &authorize_request(),
        &cx(),
        &[response(200, r#"{"pspReference": "P15"}"#)],
    ));
    assert_code(&e, ErrorCode::InvalidResponse);
    assert_eq!(e.connector_transaction_id.as_deref(), Some("P15"));
}

// ---------------------------------------------------------------- PSync (payments/details)

fn psync(params: &[(&str, &str)]) -> PaymentGetRequest {
    PaymentGetRequest {
        connector_transaction_id: Some("V4HZ4RBFJGXXGN82".into()),
        redirect_result: Some(
            params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
        ..Default::default()
    }
}

#[test]
fn psync_with_redirect_parameters_posts_the_details() {
    let adyen = connector();
    let req = psync(&[("redirectResult", "X6XtfGC3!Y..."), ("order", "42")]);
    let request = sent(adyen.get_payment(&req, &cx(), &[]));
    assert_eq!(
        request.url,
        "https://checkout-test.adyen.com/v68/payments/details"
    );
    assert_adyen_headers(&request, API_KEY);
    assert_eq!(
        body(&request),
        json!({"details": {"redirectResult": "X6XtfGC3!Y..."}})
    );

    let req = psync(&[("threeDSResult", "eyJ0cmFuc1N0YXR1cyI6IlkifQ==")]);
    assert_eq!(
        body(&sent(adyen.get_payment(&req, &cx(), &[]))),
        json!({"details": {"threeDSResult": "eyJ0cmFuc1N0YXR1cyI6IlkifQ=="}})
    );
    let req = psync(&[("payload", "Ab02b4c0!BQABAgA")]);
    assert_eq!(
        body(&sent(adyen.get_payment(&req, &cx(), &[]))),
        json!({"details": {"payload": "Ab02b4c0!BQABAgA"}})
    );
    // After a `nativeRedirect` action, the return carries its query string.
    let req = psync(&[("returnUrlQueryString", "gpid=GP1234&status=APPROVED")]);
    assert_eq!(
        body(&sent(adyen.get_payment(&req, &cx(), &[]))),
        json!({"details": {"returnUrlQueryString": "gpid=GP1234&status=APPROVED"}})
    );
}

/// Checkout API reference, `/payments/details`: the `00.redirect` example.
#[test]
fn details_example_maps_like_authorize() {
    let adyen = connector();
    let example = r#"{"resultCode": "Authorised", "pspReference": "V4HZ4RBFJGXXGN82"}"#;
    let req = psync(&[("redirectResult", "X6XtfGC3")]);
    let p = done(adyen.get_payment(&req, &cx(), &[response(200, example)]));
    assert_eq!(
        p.status,
        PaymentStatus::Charged,
        "automatic capture is the default"
    );
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("V4HZ4RBFJGXXGN82")
    );
    let mut manual = req.clone();
    manual.capture_method = Some(CaptureMethod::Manual);
    assert_eq!(
        done(adyen.get_payment(&manual, &cx(), &[response(200, example)])).status,
        PaymentStatus::Authorized
    );
    // Without pspReference in the answer, the request's id is kept.
    let p = done(adyen.get_payment(
        &req,
        &cx(),
        &[response(
            200,
            r#"{"resultCode": "Refused", "refusalReason": "Refused"}"#,
        )],
    ));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("V4HZ4RBFJGXXGN82")
    );
    assert_eq!(p.status, PaymentStatus::Failure);
}

#[test]
fn psync_without_redirect_data_is_unsupported_and_sends_nothing() {
    let adyen = connector();
    for req in [
        PaymentGetRequest {
            connector_transaction_id: Some("V4HZ4RBFJGXXGN82".into()),
            ..Default::default()
        },
        PaymentGetRequest {
            connector_transaction_id: Some("V4HZ4RBFJGXXGN82".into()),
            redirect_result: Some(BTreeMap::new()),
            ..Default::default()
        },
    ] {
        let e = failed(adyen.get_payment(&req, &cx(), &[]));
        assert_code(&e, ErrorCode::Unsupported);
        assert!(e.message().contains("webhook"), "{e}");
        assert_eq!(e.connector, Some(ConnectorName::Adyen));
        assert_eq!(e.flow, Some(Flow::Psync));
    }
    let e = failed(adyen.get_payment(&psync(&[("order", "42")]), &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("redirect_result"));
}

// ---------------------------------------------------------------- setup_mandate

fn setup_request() -> SetupMandateRequest {
    SetupMandateRequest {
        usage: MandateUsage::Subscription,
        return_url: Some("https://shop.example/return".into()),
        ..SetupMandateRequest::new(
            usd(0),
            "setup-1",
            PaymentMethod::Card(card()),
            Customer {
                id: Some("shopper-123".into()),
                email: Some("jane@example.com".into()),
                ..Default::default()
            },
        )
    }
}

#[test]
fn setup_mandate_request_is_a_zero_value_tokenising_payment() {
    let request = sent(connector().setup_mandate(&setup_request(), &cx(), &[]));
    assert_eq!(request.url, "https://checkout-test.adyen.com/v68/payments");
    assert_adyen_headers(&request, API_KEY);
    let b = body(&request);
    assert_eq!(b["amount"], json!({"value": 0, "currency": "USD"}));
    assert_eq!(b["storePaymentMethod"], true);
    assert_eq!(b["shopperReference"], "shopper-123");
    assert_eq!(b["recurringProcessingModel"], "Subscription");
    assert_eq!(b["shopperInteraction"], "Ecommerce");
    assert_eq!(b["reference"], "setup-1");
    assert_eq!(b["returnUrl"], "https://shop.example/return");
    assert_eq!(b["paymentMethod"]["number"], CARD_NUMBER);
    assert_eq!(b["shopperEmail"], "jane@example.com");
    assert!(b.get("additionalData").is_none());
}

#[test]
fn setup_mandate_response_carries_the_mandate() {
    // Checkout OAS `subscription-first-transaction`: the token and its shopper.
    let answer = r#"{"additionalData": {"tokenization.storedPaymentMethodId": "M5N7TQ4TG5PFWR50",
        "tokenization.shopperReference": "shopper-123", "tokenization.store.operationType": "created"},
      "pspReference": "QJLXLVSS9BNG5S65", "resultCode": "Authorised",
      "amount": {"currency": "USD", "value": 0}, "merchantReference": "setup-1"}"#;
    let p = done(connector().setup_mandate(&setup_request(), &cx(), &[response(200, answer)]));
    assert_eq!(p.mandate_id.as_deref(), Some("M5N7TQ4TG5PFWR50"));
    assert_eq!(p.connector_customer_id.as_deref(), Some("shopper-123"));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.amount, Some(usd(0)));
    // With only the legacy key, and no shopper echoed, the request's customer id is kept.
    let legacy = r#"{"additionalData": {"recurring.recurringDetailReference": "8415718415172200"},
      "pspReference": "QJLXLVSS9BNG5S66", "resultCode": "Authorised"}"#;
    let p = done(connector().setup_mandate(&setup_request(), &cx(), &[response(200, legacy)]));
    assert_eq!(p.mandate_id.as_deref(), Some("8415718415172200"));
    assert_eq!(p.connector_customer_id.as_deref(), Some("shopper-123"));
    // A refused setup has no mandate.
    let refused = r#"{"pspReference": "P9", "resultCode": "Refused", "refusalReason": "CVC Declined", "refusalReasonCode": "24"}"#;
    let p = done(connector().setup_mandate(&setup_request(), &cx(), &[response(200, refused)]));
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.mandate_id, None);
    assert_eq!(p.connector_customer_id, None);
}

#[test]
fn setup_mandate_checks_its_inputs() {
    let adyen = connector();
    let mut r = setup_request();
    r.customer.id = None;
    assert_eq!(
        failed(adyen.setup_mandate(&r, &cx(), &[])).field(),
        Some("customer.id")
    );
    let mut r = setup_request();
    r.return_url = None;
    assert_eq!(
        failed(adyen.setup_mandate(&r, &cx(), &[])).field(),
        Some("return_url")
    );
    let mut r = setup_request();
    r.payment_method = mandate_request(MandateUsage::Unscheduled).payment_method;
    assert_eq!(
        failed(adyen.setup_mandate(&r, &cx(), &[])).field(),
        Some("payment_method")
    );
    let mut r = setup_request();
    r.usage = MandateUsage::Unscheduled;
    r.authentication_type = AuthenticationType::ThreeDs;
    let b = body(&sent(adyen.setup_mandate(&r, &cx(), &[])));
    assert_eq!(b["recurringProcessingModel"], "UnscheduledCardOnFile");
    assert_eq!(b["additionalData"], json!({"executeThreeD": "true"}));
}
