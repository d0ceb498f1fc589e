//! Adyen Checkout v68 emulation: lifecycle, validation, test behaviours, tokens, 3-D Secure.

mod common;

use common::*;
use serde_json::{json, Value};

fn assert_service_error(reply: &Reply, status: u16, code: &str, error_type: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["errorCode"], code, "{body}");
    assert_eq!(body["errorType"], error_type, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn manual_capture_lifecycle_with_partial_captures_and_refunds() {
    let h = start().await;
    let auth = h
        .adyen("/v68/payments", &h.manual(VISA, "John Smith", 1000))
        .await;
    assert_eq!(auth.status, 200);
    let auth = auth.json();
    assert_eq!(auth["resultCode"], "Authorised");
    assert_eq!(auth["merchantReference"], "order-42");
    assert_eq!(auth["amount"], json!({"currency": "EUR", "value": 1000}));
    assert!(auth.get("refusalReason").is_none());
    let psp = auth["pspReference"].as_str().unwrap().to_string();
    assert_eq!(psp.len(), 16);

    let item = h.next_item("AUTHORISATION").await;
    assert_eq!(item["pspReference"], psp.as_str());
    assert_eq!(item["success"], "true");
    assert_eq!(item["merchantAccountCode"], h.merchant.as_str());
    assert_eq!(item["amount"]["value"], 1000);
    assert_eq!(item["paymentMethod"], "visa");

    // Nothing captured yet, so nothing to refund.
    let refund = h
        .adyen(
            &format!("/v68/payments/{psp}/refunds"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 100, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(refund.status, 422, "{}", refund.text);

    let capture = h.adyen(&format!("/v68/payments/{psp}/captures"),
                          &json!({"merchantAccount": h.merchant, "amount": {"value": 600, "currency": "EUR"}, "reference": "cap-1"})).await;
    assert_eq!(capture.status, 201, "{}", capture.text);
    let capture = capture.json();
    assert_eq!(capture["status"], "received");
    assert_eq!(capture["paymentPspReference"], psp.as_str());
    assert_eq!(capture["reference"], "cap-1");
    assert_eq!(capture["merchantAccount"], h.merchant.as_str());
    assert_eq!(capture["amount"], json!({"value": 600, "currency": "EUR"}));
    let capture_psp = capture["pspReference"].as_str().unwrap().to_string();
    assert_ne!(capture_psp, psp);
    let item = h.next_item("CAPTURE").await;
    assert_eq!(item["pspReference"], capture_psp.as_str());
    assert_eq!(item["originalReference"], psp.as_str());
    assert_eq!(item["merchantReference"], "cap-1");
    assert_eq!(item["success"], "true");
    assert_eq!(item["amount"]["value"], 600);

    // 400 left: 500 is too much, 400 is fine.
    let over = h
        .adyen(
            &format!("/v68/payments/{psp}/captures"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 500, "currency": "EUR"}}),
        )
        .await;
    assert_service_error(&over, 422, "137", "validation");
    let rest = h
        .adyen(
            &format!("/v68/payments/{psp}/captures"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 400, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(rest.status, 201);
    h.next_item("CAPTURE").await;

    // Refunds up to the captured amount.
    let r1 = h
        .adyen(
            &format!("/v68/payments/{psp}/refunds"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 700, "currency": "EUR"},
                             "merchantRefundReason": "CUSTOMER REQUEST"}),
        )
        .await;
    assert_eq!(r1.status, 201, "{}", r1.text);
    let r1 = r1.json();
    assert_eq!(r1["status"], "received");
    assert_eq!(r1["merchantRefundReason"], "CUSTOMER REQUEST");
    let item = h.next_item("REFUND").await;
    assert_eq!(item["pspReference"], r1["pspReference"]);
    assert_eq!(item["originalReference"], psp.as_str());
    assert_eq!(item["success"], "true");
    assert_eq!(item["merchantReference"], "order-42");
    let over = h
        .adyen(
            &format!("/v68/payments/{psp}/refunds"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 301, "currency": "EUR"}}),
        )
        .await;
    assert_service_error(&over, 422, "137", "validation");
    let wrong_currency = h
        .adyen(
            &format!("/v68/payments/{psp}/refunds"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 300, "currency": "USD"}}),
        )
        .await;
    assert_service_error(&wrong_currency, 422, "137", "validation");
    let free_text = h
        .adyen(
            &format!("/v68/payments/{psp}/refunds"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 300, "currency": "EUR"},
                                    "merchantRefundReason": "customer_request"}),
        )
        .await;
    assert_service_error(&free_text, 422, "702", "validation");
    let last = h
        .adyen(
            &format!("/v68/payments/{psp}/refunds"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 300, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(last.status, 201);
    assert_eq!(h.next_item("REFUND").await["amount"]["value"], 300);
}

#[tokio::test]
async fn automatic_capture_needs_no_capture_and_is_refundable() {
    let h = start().await;
    let auth = h
        .adyen("/v68/payments", &h.payment(MASTERCARD, "Jane Doe", 2500))
        .await
        .json();
    assert_eq!(auth["resultCode"], "Authorised");
    let psp = auth["pspReference"].as_str().unwrap();
    assert_eq!(h.next_item("AUTHORISATION").await["paymentMethod"], "mc");
    let capture = h
        .adyen(
            &format!("/v68/payments/{psp}/captures"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 100, "currency": "EUR"}}),
        )
        .await;
    assert_service_error(&capture, 422, "137", "validation");
    let refund = h
        .adyen(
            &format!("/v68/payments/{psp}/refunds"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 2500, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(refund.status, 201);
    // A cancel after capture is accepted but fails in the webhook.
    let cancel = h
        .adyen(
            &format!("/v68/payments/{psp}/cancels"),
            &json!({"merchantAccount": h.merchant}),
        )
        .await;
    assert_eq!(cancel.status, 201);
    let item = h.next_item("CANCELLATION").await;
    assert_eq!(item["success"], "false");
    assert_eq!(item["originalReference"], psp);
}

#[tokio::test]
async fn cancel_voids_an_authorisation() {
    let h = start().await;
    let psp = h
        .adyen("/v68/payments", &h.manual(VISA, "A B", 1000))
        .await
        .json()["pspReference"]
        .as_str()
        .unwrap()
        .to_string();
    let cancel = h
        .adyen(
            &format!("/v68/payments/{psp}/cancels"),
            &json!({"merchantAccount": h.merchant, "reference": "void-1"}),
        )
        .await;
    assert_eq!(cancel.status, 201);
    let cancel = cancel.json();
    assert_eq!(cancel["status"], "received");
    assert_eq!(cancel["paymentPspReference"], psp.as_str());
    assert!(cancel.get("amount").is_none());
    let item = h.next_item("CANCELLATION").await;
    assert_eq!(item["success"], "true");
    assert_eq!(item["originalReference"], psp.as_str());
    assert_eq!(item["pspReference"], cancel["pspReference"]);
    assert_eq!(item["merchantReference"], "void-1");
    // Nothing left to capture.
    let capture = h
        .adyen(
            &format!("/v68/payments/{psp}/captures"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 1, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(capture.status, 422);
    let again = h
        .adyen(
            &format!("/v68/payments/{psp}/cancels"),
            &json!({"merchantAccount": h.merchant}),
        )
        .await;
    assert_eq!(again.status, 201);
    assert_eq!(h.next_item("CANCELLATION").await["success"], "false");
}

#[tokio::test]
async fn failing_capture_and_refund_holder_names() {
    let h = start().await;
    let psp = h
        .adyen("/v68/payments", &h.manual(VISA, "capture failed", 1000))
        .await
        .json()["pspReference"]
        .as_str()
        .unwrap()
        .to_string();
    let capture = h
        .adyen(
            &format!("/v68/payments/{psp}/captures"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 1000, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(capture.status, 201);
    let capture_psp = capture.json()["pspReference"].clone();
    assert_eq!(h.next_item("CAPTURE").await["pspReference"], capture_psp);
    let failed = h.next_item("CAPTURE_FAILED").await;
    assert_eq!(failed["pspReference"], capture_psp);
    assert_eq!(failed["originalReference"], psp.as_str());

    let psp = h
        .adyen("/v68/payments", &h.payment(VISA, "refund failed", 1000))
        .await
        .json()["pspReference"]
        .as_str()
        .unwrap()
        .to_string();
    let refund = h
        .adyen(
            &format!("/v68/payments/{psp}/refunds"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 1000, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(refund.status, 201);
    let refund_psp = refund.json()["pspReference"].clone();
    h.next_item("REFUND").await;
    let failed = h.next_item("REFUND_FAILED").await;
    assert_eq!(failed["pspReference"], refund_psp);
    assert_eq!(failed["originalReference"], psp.as_str());
}

#[tokio::test]
async fn authentication_and_merchant_errors() {
    let h = start().await;
    let body = h.payment(VISA, "J", 100).to_string();
    let url = format!("{}/v68/payments", h.sandbox.url("adyen"));
    let none = h
        .send(reqwest::Method::POST, &url, &[], Some(body.clone()))
        .await
        .unwrap();
    assert_service_error(&none, 401, "000", "security");
    assert!(none.json().get("pspReference").is_none());
    let wrong = h
        .send(
            reqwest::Method::POST,
            &url,
            &[("X-API-Key", "wrong")],
            Some(body),
        )
        .await
        .unwrap();
    assert_service_error(&wrong, 401, "000", "security");

    let mut other = h.payment(VISA, "J", 100);
    other["merchantAccount"] = json!("SomeoneElse");
    let reply = h.adyen("/v68/payments", &other).await;
    assert_service_error(&reply, 403, "901", "security");
    assert_eq!(reply.json()["message"], "Invalid Merchant Account");
    assert!(reply.json()["pspReference"].is_string());

    let malformed = h
        .adyen_raw("/v68/payments", "{\"amount\": ", &[])
        .await
        .unwrap();
    assert_service_error(&malformed, 400, "702", "validation");
    let not_object = h.adyen_raw("/v68/payments", "[1]", &[]).await.unwrap();
    assert_service_error(&not_object, 400, "702", "validation");

    // Unknown paths and methods still answer the ServiceError shape.
    let unknown = h.adyen("/v71/payments", &json!({})).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["errorCode"], "000");
    let get = h
        .send(
            reqwest::Method::GET,
            &url,
            &[("X-API-Key", &h.api_key)],
            None,
        )
        .await
        .unwrap();
    assert_eq!(get.status, 405);
    assert_eq!(get.json()["status"], 405);
}

#[tokio::test]
async fn validation_errors_name_the_problem() {
    let h = start().await;
    let base = h.payment(VISA, "J", 100);
    let without = |field: &str| {
        let mut b = base.clone();
        b.as_object_mut().unwrap().remove(field);
        b
    };
    let cases: Vec<(Value, &str)> = vec![
        (without("amount"), "100"),
        (without("reference"), "130"),
        (without("returnUrl"), "14_030"),
        (without("paymentMethod"), "702"),
        (without("merchantAccount"), "702"),
        (
            {
                let mut b = base.clone();
                b["amount"]["value"] = json!(-1);
                b
            },
            "137",
        ),
        (
            {
                let mut b = base.clone();
                b["amount"]["value"] = json!(10.5);
                b
            },
            "137",
        ),
        (
            {
                let mut b = base.clone();
                b["amount"]["value"] = json!("100");
                b
            },
            "137",
        ),
        (
            {
                let mut b = base.clone();
                b["amount"]["currency"] = json!("EURO");
                b
            },
            "138",
        ),
        (
            {
                let mut b = base.clone();
                b["amount"]["currency"] = json!("XYZ");
                b
            },
            "138",
        ),
        (
            {
                let mut b = base.clone();
                b["paymentMethod"]["number"] = json!("4111111111111112");
                b
            },
            "101",
        ),
        (
            {
                let mut b = base.clone();
                b["paymentMethod"]["number"] = json!("4111-1111");
                b
            },
            "101",
        ),
        (
            {
                let mut b = base.clone();
                b["paymentMethod"]["type"] = json!(null);
                b
            },
            "702",
        ),
        (
            {
                let mut b = base.clone();
                b["shopperReference"] = json!("ab");
                b
            },
            "702",
        ),
        (
            {
                let mut b = base.clone();
                b["storePaymentMethod"] = json!(true);
                b
            },
            "702",
        ),
        (
            {
                let mut b = base.clone();
                b["shopperInteraction"] = json!("Phone");
                b
            },
            "702",
        ),
        (
            {
                let mut b = base.clone();
                b["additionalData"] = json!({"RequestedTestAcquirerResponseCode": "99"});
                b
            },
            "702",
        ),
        (
            {
                let mut b = base.clone();
                b["paymentMethod"]["encryptedCardNumber"] = json!("adyenjs_0_1_25$abc");
                b["paymentMethod"].as_object_mut().unwrap().remove("number");
                b
            },
            "174",
        ),
    ];
    for (body, code) in cases {
        let reply = h.adyen("/v68/payments", &body).await;
        assert_service_error(&reply, 422, code, "validation");
        // Card data never comes back in an error. The pspReference is
        // random and may hold the CVC's digits, so it is left out.
        let mut error = reply.json();
        error.as_object_mut().unwrap().remove("pspReference");
        let error = error.to_string();
        assert!(
            !error.contains("4111111111111112") && !error.contains("737"),
            "{}",
            reply.text
        );
    }
    // A method the sandbox does not emulate is Adyen's "not supported" configuration error.
    let mut klarna = base.clone();
    klarna["paymentMethod"] = json!({"type": "klarna"});
    let reply = h.adyen("/v68/payments", &klarna).await;
    assert_service_error(&reply, 500, "905", "configuration");
    // Bank redirects redirect to the bank; the GenericIssuer types need an issuer.
    let mut ideal = base.clone();
    ideal["paymentMethod"] = json!({"type": "ideal", "issuer": "1121"});
    let reply = h.adyen("/v68/payments", &ideal).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["resultCode"], "RedirectShopper");
    assert_eq!(reply.json()["action"]["method"], "GET");
    let mut eps = base.clone();
    eps["paymentMethod"] = json!({"type": "eps"});
    let reply = h.adyen("/v68/payments", &eps).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    // A network token needs its cryptogram.
    let mut token = base.clone();
    token["paymentMethod"] = json!({"type": "networkToken", "number": "4111111111111111", "expiryMonth": "03", "expiryYear": "2030"});
    let reply = h.adyen("/v68/payments", &token).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    // Zero-value authorisations are allowed (card verification, mandates).
    let mut zero = base.clone();
    zero["amount"]["value"] = json!(0);
    assert_eq!(
        h.adyen("/v68/payments", &zero).await.json()["resultCode"],
        "Authorised"
    );
    // Unknown payment on modifications.
    let reply = h
        .adyen(
            "/v68/payments/NOSUCHPAYMENT000/captures",
            &json!({"merchantAccount": h.merchant, "amount": {"value": 1, "currency": "EUR"}}),
        )
        .await;
    assert_service_error(&reply, 422, "167", "validation");
    let reply = h
        .adyen(
            "/v68/payments/NOSUCHPAYMENT000/cancels",
            &json!({"merchantAccount": h.merchant}),
        )
        .await;
    assert_service_error(&reply, 422, "167", "validation");
    let reply = h
        .adyen(
            "/v68/payments/NOSUCHPAYMENT000/refunds",
            &json!({"merchantAccount": h.merchant}),
        )
        .await;
    assert_service_error(&reply, 422, "167", "validation");
}

#[tokio::test]
async fn magic_holder_names_and_requested_response_codes() {
    let h = start().await;
    let table: [(&str, u8, &str, &str); 17] = [
        ("UNKNOWN", 0, "Error", "Unknown"),
        ("APPROVED", 1, "Authorised", ""),
        ("DECLINED", 2, "Refused", "Refused"),
        ("REFERRAL", 3, "Refused", "Referral"),
        ("ERROR", 4, "Error", "Acquirer Error"),
        ("BLOCK_CARD", 5, "Refused", "Blocked Card"),
        ("CARD_EXPIRED", 6, "Refused", "Expired Card"),
        ("INVALID_AMOUNT", 7, "Refused", "Invalid Amount"),
        ("INVALID_CARD_NUMBER", 8, "Refused", "Invalid Card Number"),
        ("ISSUER_UNAVAILABLE", 9, "Refused", "Issuer Unavailable"),
        ("NOT_SUPPORTED", 10, "Refused", "Not supported"),
        (
            "NOT_3D_AUTHENTICATED",
            11,
            "Refused",
            "3D Not Authenticated",
        ),
        ("NOT_ENOUGH_BALANCE", 12, "Refused", "Not enough balance"),
        ("PENDING", 13, "Received", ""),
        ("ACQUIRER_FRAUD", 14, "Refused", "Acquirer Fraud"),
        ("CANCELLED", 15, "Refused", "Cancelled"),
        ("SHOPPER_CANCELLED", 16, "Refused", "Shopper Cancelled"),
    ];
    for (holder, code, result, reason) in table {
        let by_name = h
            .adyen("/v68/payments", &h.payment(VISA, holder, 100))
            .await
            .json();
        let mut by_code_body = h.payment(VISA, "John Smith", 100);
        by_code_body["additionalData"] =
            json!({"RequestedTestAcquirerResponseCode": code.to_string()});
        let by_code = h.adyen("/v68/payments", &by_code_body).await.json();
        for answer in [&by_name, &by_code] {
            assert_eq!(answer["resultCode"], result, "{holder}: {answer}");
            assert!(answer["pspReference"].is_string());
            if reason.is_empty() {
                assert!(answer.get("refusalReason").is_none(), "{holder}: {answer}");
            } else {
                assert_eq!(answer["refusalReason"], reason, "{holder}");
                assert_eq!(answer["refusalReasonCode"], code.to_string(), "{holder}");
                assert_eq!(
                    answer["additionalData"]["refusalReasonRaw"], reason,
                    "{holder}"
                );
            }
        }
    }
    // The raw acquirer response form.
    let raw = h
        .adyen(
            "/v68/payments",
            &h.payment(VISA, "DECLINED : 06 : ERROR", 100),
        )
        .await
        .json();
    assert_eq!(raw["resultCode"], "Refused");
    assert_eq!(raw["refusalReasonCode"], "2");
    assert_eq!(raw["additionalData"]["refusalReasonRaw"], "06 : ERROR");
    assert_eq!(raw["additionalData"]["refusalCodeRaw"], "06");
}

#[tokio::test]
async fn declines_emit_a_failed_authorisation_and_cannot_be_captured() {
    let h = start().await;
    let declined = h
        .adyen("/v68/payments", &h.manual(VISA, "NOT_ENOUGH_BALANCE", 100))
        .await
        .json();
    let psp = declined["pspReference"].as_str().unwrap();
    let item = h.next_item("AUTHORISATION").await;
    assert_eq!(item["pspReference"], psp);
    assert_eq!(item["success"], "false");
    assert_eq!(item["reason"], "Not enough balance");
    let capture = h
        .adyen(
            &format!("/v68/payments/{psp}/captures"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 100, "currency": "EUR"}}),
        )
        .await;
    assert_service_error(&capture, 422, "167", "validation");

    // PENDING: Received, and no AUTHORISATION until there is an outcome.
    let pending = h
        .adyen("/v68/payments", &h.payment(VISA, "PENDING", 100))
        .await
        .json();
    assert_eq!(pending["resultCode"], "Received");
    let none = h
        .control(
            reqwest::Method::POST,
            "/_sandbox/webhooks/next",
            Some(json!({"processor": "adyen", "timeout_ms": 300})),
        )
        .await;
    assert_eq!(none.status, 404);
}

#[tokio::test]
async fn cvc_and_expiry_are_checked() {
    let h = start().await;
    let mut wrong_cvc = h.payment(VISA, "John Smith", 100);
    wrong_cvc["paymentMethod"]["cvc"] = json!("123");
    let reply = h.adyen("/v68/payments", &wrong_cvc).await.json();
    assert_eq!(reply["resultCode"], "Refused");
    assert_eq!(reply["refusalReason"], "Refused");
    assert_eq!(reply["refusalReasonCode"], "2");

    let mut no_cvc = h.payment(VISA, "John Smith", 100);
    no_cvc["paymentMethod"]
        .as_object_mut()
        .unwrap()
        .remove("cvc");
    assert_eq!(
        h.adyen("/v68/payments", &no_cvc).await.json()["resultCode"],
        "Refused"
    );

    let mut expired = h.payment(VISA, "APPROVED", 100);
    expired["paymentMethod"]["expiryYear"] = json!("2019");
    assert_eq!(
        h.adyen("/v68/payments", &expired).await.json()["resultCode"],
        "Refused"
    );

    // Amex wants 7373, not 737.
    assert_eq!(
        h.adyen("/v68/payments", &h.payment(AMEX, "J", 100))
            .await
            .json()["resultCode"],
        "Authorised"
    );
    let mut amex_737 = h.payment(AMEX, "J", 100);
    amex_737["paymentMethod"]["cvc"] = json!("737");
    assert_eq!(
        h.adyen("/v68/payments", &amex_737).await.json()["resultCode"],
        "Refused"
    );

    // Client-side-encrypted test values.
    let mut encrypted = h.payment(VISA, "J", 100);
    encrypted["paymentMethod"] = json!({"type": "scheme", "encryptedCardNumber": "test_4111111111111111",
        "encryptedExpiryMonth": "test_03", "encryptedExpiryYear": "test_2030", "encryptedSecurityCode": "test_737"});
    assert_eq!(
        h.adyen("/v68/payments", &encrypted).await.json()["resultCode"],
        "Authorised"
    );

    // Wallets.
    let mut gpay = h.payment(VISA, "J", 100);
    gpay["paymentMethod"] = json!({"type": "googlepay", "googlePayToken": "{\"signature\":\"x\"}"});
    let reply = h.adyen("/v68/payments", &gpay).await.json();
    assert_eq!(reply["resultCode"], "Authorised");
    assert_eq!(reply["additionalData"]["paymentMethod"], "googlepay");
}

#[tokio::test]
async fn stored_payment_methods() {
    let h = start().await;
    let mut setup = h.payment(VISA, "John Smith", 0);
    setup["storePaymentMethod"] = json!(true);
    setup["shopperReference"] = json!("shopper-1");
    setup["recurringProcessingModel"] = json!("UnscheduledCardOnFile");
    setup["shopperInteraction"] = json!("Ecommerce");
    let reply = h.adyen("/v68/payments", &setup).await.json();
    assert_eq!(reply["resultCode"], "Authorised");
    let token = reply["additionalData"]["tokenization.storedPaymentMethodId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(token.len(), 16);
    assert_eq!(
        reply["additionalData"]["tokenization.shopperReference"],
        "shopper-1"
    );
    assert_eq!(
        reply["additionalData"]["tokenization.store.operationType"],
        "created"
    );
    // Storing the same card again gives the same token.
    let again = h.adyen("/v68/payments", &setup).await.json();
    assert_eq!(
        again["additionalData"]["tokenization.storedPaymentMethodId"],
        token.as_str()
    );
    assert_eq!(
        again["additionalData"]["tokenization.store.operationType"],
        "alreadyExisting"
    );

    let mut mit = json!({
        "amount": {"currency": "EUR", "value": 1500}, "reference": "sub-2", "merchantAccount": h.merchant,
        "returnUrl": "https://shop.example/return", "shopperReference": "shopper-1",
        "shopperInteraction": "ContAuth", "recurringProcessingModel": "UnscheduledCardOnFile",
        "paymentMethod": {"type": "scheme", "storedPaymentMethodId": token},
    });
    let charge = h.adyen("/v68/payments", &mit).await.json();
    assert_eq!(charge["resultCode"], "Authorised", "{charge}");
    assert_eq!(charge["additionalData"]["cardSummary"], "1111");
    // Test outcomes apply to token payments too.
    mit["additionalData"] = json!({"RequestedTestAcquirerResponseCode": "12"});
    assert_eq!(
        h.adyen("/v68/payments", &mit).await.json()["refusalReasonCode"],
        "12"
    );
    // Another shopper's reference does not unlock the token.
    mit["shopperReference"] = json!("shopper-2");
    let reply = h.adyen("/v68/payments", &mit).await;
    assert_service_error(&reply, 422, "800", "validation");
    mit["paymentMethod"]["storedPaymentMethodId"] = json!("UNKNOWNTOKEN0000");
    mit["shopperReference"] = json!("shopper-1");
    assert_service_error(
        &h.adyen("/v68/payments", &mit).await,
        422,
        "800",
        "validation",
    );
}

/// Follows the redirect action like a browser would: GET the page, POST the form, and
/// answers the `Location` header.
async fn challenge(h: &Harness, url: &str, password: &str) -> String {
    let page = h.send(reqwest::Method::GET, url, &[], None).await.unwrap();
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(
        page.text.contains("<form") && page.text.contains("name=\"password\""),
        "{}",
        page.text
    );
    let posted = h
        .send(
            reqwest::Method::POST,
            url,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            Some(format!("password={password}")),
        )
        .await
        .unwrap();
    assert_eq!(posted.status, 302, "{}", posted.text);
    posted.header("location").unwrap()
}

fn redirect_result(location: &str) -> String {
    let url = url::Url::parse(location).unwrap();
    assert_eq!(url.path(), "/return");
    assert_eq!(
        url.query_pairs().find(|(k, _)| k == "cart").unwrap().1,
        "7",
        "merchant's own parameters kept"
    );
    url.query_pairs()
        .find(|(k, _)| k == "redirectResult")
        .unwrap()
        .1
        .into_owned()
}

#[tokio::test]
async fn three_d_secure_redirect_round_trip() {
    let h = start().await;
    let mut body = h.manual(THREE_DS_CARD, "John Smith", 4200);
    body["additionalData"]["executeThreeD"] = json!("true");
    let first = h.adyen("/v68/payments", &body).await.json();
    assert_eq!(first["resultCode"], "RedirectShopper");
    let action = &first["action"];
    assert_eq!(action["type"], "redirect");
    assert_eq!(action["method"], "GET");
    let url = action["url"].as_str().unwrap();
    assert!(url.starts_with(&h.sandbox.url("adyen")), "{url}");
    // No authorisation yet.
    let none = h
        .control(
            reqwest::Method::POST,
            "/_sandbox/webhooks/next",
            Some(json!({"processor": "adyen", "timeout_ms": 200})),
        )
        .await;
    assert_eq!(none.status, 404);

    let location = challenge(&h, url, "password").await;
    assert!(
        location.starts_with("https://shop.example/return?"),
        "{location}"
    );
    let result = redirect_result(&location);
    // The page is single-use.
    assert_eq!(
        h.send(reqwest::Method::GET, url, &[], None)
            .await
            .unwrap()
            .status,
        404
    );

    let details = h
        .adyen(
            "/v68/payments/details",
            &json!({"details": {"redirectResult": result}}),
        )
        .await;
    assert_eq!(details.status, 200, "{}", details.text);
    let details = details.json();
    assert_eq!(details["resultCode"], "Authorised");
    assert_eq!(details["merchantReference"], "order-42");
    assert_eq!(details["additionalData"]["threeDAuthenticated"], "true");
    let psp = details["pspReference"].as_str().unwrap().to_string();
    let item = h.next_item("AUTHORISATION").await;
    assert_eq!(item["pspReference"], psp.as_str());
    // The result is given once.
    let again = h
        .adyen(
            "/v68/payments/details",
            &json!({"details": {"redirectResult": result}}),
        )
        .await;
    assert_service_error(&again, 422, "14_018", "validation");
    // The payment is a normal manual-capture payment.
    let capture = h
        .adyen(
            &format!("/v68/payments/{psp}/captures"),
            &json!({"merchantAccount": h.merchant, "amount": {"value": 4200, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(capture.status, 201);
}

#[tokio::test]
async fn three_d_secure_wrong_password_fails_authentication() {
    let h = start().await;
    let mut body = h.payment(THREE_DS_CARD, "John Smith", 4200);
    body["additionalData"] = json!({"executeThreeD": "true"});
    let first = h.adyen("/v68/payments", &body).await.json();
    let location = challenge(&h, first["action"]["url"].as_str().unwrap(), "letmein").await;
    let details = h
        .adyen(
            "/v68/payments/details",
            &json!({"details": {"redirectResult": redirect_result(&location)}}),
        )
        .await
        .json();
    assert_eq!(details["resultCode"], "Refused");
    assert_eq!(details["refusalReason"], "3D Not Authenticated");
    assert_eq!(details["refusalReasonCode"], "11");
    assert_eq!(details["additionalData"]["threeDAuthenticated"], "false");
    assert_eq!(h.next_item("AUTHORISATION").await["success"], "false");

    // Without executeThreeD the same card goes straight through; details needs a known result.
    body["additionalData"] = json!({});
    assert_eq!(
        h.adyen("/v68/payments", &body).await.json()["resultCode"],
        "Authorised"
    );
    let bogus = h
        .adyen(
            "/v68/payments/details",
            &json!({"details": {"redirectResult": "nope"}}),
        )
        .await;
    assert_service_error(&bogus, 422, "14_018", "validation");
    let empty = h.adyen("/v68/payments/details", &json!({})).await;
    assert_service_error(&empty, 422, "702", "validation");
}

#[tokio::test]
async fn idempotency_key_replays_the_first_answer() {
    let h = start().await;
    let body = h.manual(VISA, "John Smith", 1000).to_string();
    let key = [("Idempotency-Key", "3f0c3d0e-4b1e-4d7a-9b0a-5f7e2f1c9a11")];
    let first = h.adyen_raw("/v68/payments", &body, &key).await.unwrap();
    assert_eq!(first.header("idempotency-key").as_deref(), Some(key[0].1));
    let second = h.adyen_raw("/v68/payments", &body, &key).await.unwrap();
    assert_eq!(second.status, first.status);
    assert_eq!(second.text, first.text);
    assert_eq!(second.header("idempotency-key").as_deref(), Some(key[0].1));
    // One payment, one webhook.
    h.next_item("AUTHORISATION").await;
    let none = h
        .control(
            reqwest::Method::POST,
            "/_sandbox/webhooks/next",
            Some(json!({"processor": "adyen", "timeout_ms": 300})),
        )
        .await;
    assert_eq!(none.status, 404);

    // Same key on another endpoint is refused; an over-long key too.
    let psp = first.json()["pspReference"].as_str().unwrap().to_string();
    let capture =
        json!({"merchantAccount": h.merchant, "amount": {"value": 100, "currency": "EUR"}})
            .to_string();
    let reused = h
        .adyen_raw(&format!("/v68/payments/{psp}/captures"), &capture, &key)
        .await
        .unwrap();
    assert_eq!(reused.status, 422);
    assert_eq!(reused.json()["errorCode"], "704");
    let long = "k".repeat(65);
    let too_long = h
        .adyen_raw("/v68/payments", &body, &[("Idempotency-Key", &long)])
        .await
        .unwrap();
    assert_eq!(too_long.status, 400);
    // Errors are not remembered: a corrected retry with the same key is processed.
    let k2 = [("Idempotency-Key", "k2")];
    let bad = h.adyen_raw("/v68/payments", "{}", &k2).await.unwrap();
    assert_eq!(bad.status, 422);
    let good = h.adyen_raw("/v68/payments", &body, &k2).await.unwrap();
    assert_eq!(good.json()["resultCode"], "Authorised");
    // Modifications replay too: one capture only.
    let k3 = [("Idempotency-Key", "k3")];
    let c1 = h
        .adyen_raw(&format!("/v68/payments/{psp}/captures"), &capture, &k3)
        .await
        .unwrap();
    let c2 = h
        .adyen_raw(&format!("/v68/payments/{psp}/captures"), &capture, &k3)
        .await
        .unwrap();
    assert_eq!(c1.text, c2.text);
    let rest = json!({"merchantAccount": h.merchant, "amount": {"value": 900, "currency": "EUR"}});
    assert_eq!(
        h.adyen(&format!("/v68/payments/{psp}/captures"), &rest)
            .await
            .status,
        201
    );
}

#[tokio::test]
async fn odd_bodies_always_get_the_service_error_shape() {
    let h = start().await;
    let psp = h
        .adyen("/v68/payments", &h.manual(VISA, "J", 100))
        .await
        .json()["pspReference"]
        .as_str()
        .unwrap()
        .to_string();
    let paths = [
        "/v68/payments".to_string(),
        "/v68/payments/details".to_string(),
        format!("/v68/payments/{psp}/captures"),
        format!("/v68/payments/{psp}/cancels"),
        format!("/v68/payments/{psp}/refunds"),
        "/ca/services/DisputeService/v30/acceptDispute".to_string(),
        "/ca/services/DisputeService/v30/supplyDefenseDocument".to_string(),
        "/ca/services/DisputeService/v30/defendDispute".to_string(),
        "/ca/services/DisputeService/v30/retrieveApplicableDefenseReasons".to_string(),
        "/ca/services/DisputeService/v30/deleteDisputeDefenseDocument".to_string(),
    ];
    let m = h.merchant.clone();
    let bodies = [
        "".to_string(),
        "null".to_string(),
        "\"text\"".to_string(),
        "{\"a\":".to_string(),
        json!({"merchantAccount": 5}).to_string(),
        json!({"merchantAccount": m, "merchantAccountCode": m, "amount": "ten"}).to_string(),
        json!({"merchantAccount": m, "amount": {"value": 1e300, "currency": 3}}).to_string(),
        json!({"merchantAccount": m, "amount": {"value": 9223372036854775807u64, "currency": "EUR"}}).to_string(),
        json!({"merchantAccount": m, "amount": {"value": 10, "currency": "EUR"}, "reference": [], "returnUrl": {}}).to_string(),
        json!({"merchantAccount": m, "amount": {"value": 10, "currency": "EUR"}, "reference": "r", "returnUrl": "x",
               "paymentMethod": {"type": "scheme", "number": "٤١١١١١١١١١١١١١١١", "holderName": ["x"]}}).to_string(),
        json!({"merchantAccount": m, "amount": {"value": 10, "currency": "EUR"}, "reference": "r", "returnUrl": "x",
               "paymentMethod": {"type": "scheme", "number": VISA, "expiryMonth": 3, "cvc": 737}, "additionalData": []}).to_string(),
        json!({"merchantAccountCode": m, "disputePspReference": 1, "defenseDocuments": "x", "details": []}).to_string(),
        json!({"merchantAccountCode": m, "disputePspReference": "X", "defenseDocuments": [1, {"content": 2}],
               "defenseReasonCode": null, "defenseDocumentType": {}}).to_string(),
        format!("{}{}", "[".repeat(200), "]".repeat(200)),
    ];
    for path in &paths {
        for body in &bodies {
            let reply = h
                .adyen_raw(path, body, &[])
                .await
                .unwrap_or_else(|e| panic!("{path} {body}: {e}"));
            let value = reply.json();
            if reply.status >= 400 {
                assert_eq!(value["status"], reply.status, "{path} {body}: {value}");
                assert!(
                    value["errorCode"].is_string() && value["errorType"].is_string(),
                    "{path} {body}: {value}"
                );
            } else {
                assert!(value.is_object(), "{path} {body}: {value}");
            }
        }
    }
}
