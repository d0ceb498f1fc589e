//! Fiserv Commerce Hub emulation: charges, captures, cancels, refunds, inquiry, tokens, the
//! simulator scripts and validation.

mod fiserv_common;

use fiserv_common::*;
use serde_json::{json, Value};

fn reference(id: &str) -> Value {
    json!({"referenceTransactionId": id})
}

#[tokio::test]
async fn manual_capture_lifecycle_with_partial_capture_and_refunds() {
    let h = start().await;
    let auth = h.authorize(json!(100.00), false).await;
    assert_eq!(kind(&auth), "CHARGE");
    assert_eq!(state(&auth), "AUTHORIZED");
    assert_eq!(approval(&auth), "APPROVED");
    assert_eq!(
        auth["paymentReceipt"]["approvedAmount"],
        json!({"total": 100, "currency": "USD"})
    );
    assert_eq!(
        auth["paymentReceipt"]["processorResponseDetails"]["responseCode"],
        "000"
    );
    assert_eq!(auth["source"]["card"]["last4"], "6700");
    assert_eq!(auth["source"]["card"]["scheme"], "VISA");
    assert!(!auth.to_string().contains(VISA));
    assert_eq!(auth["transactionDetails"]["captureFlag"], false);
    let payment = txn_id(&auth);
    let order = order_id(&auth);

    // Nothing captured yet: no refund.
    let refund = h
        .post(
            "/ch/payments/v1/refunds",
            &json!({"amount": {"total": 10, "currency": "USD"},
                    "referenceTransactionDetails": reference(&payment),
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_error(&refund, 400, "GATEWAY", Some("837"));

    // More than authorized: refused.
    let capture_body = |total: Value| {
        json!({"amount": {"total": total, "currency": "USD"},
               "transactionDetails": {"captureFlag": true, "merchantTransactionId": "cap-1"},
               "referenceTransactionDetails": reference(&payment),
               "merchantDetails": h.merchant()})
    };
    assert_error(
        &h.charge(&capture_body(json!(100.01))).await,
        400,
        "GATEWAY",
        Some("807"),
    );
    // Another currency: refused.
    let mut eur = capture_body(json!(10));
    eur["amount"]["currency"] = json!("EUR");
    assert_error(&h.charge(&eur).await, 400, "GATEWAY", Some("804"));
    // Without captureFlag: refused.
    let mut no_flag = capture_body(json!(10));
    no_flag["transactionDetails"] = json!({});
    assert_error(&h.charge(&no_flag).await, 400, "GATEWAY", Some("100"));

    let capture = h.charge(&capture_body(json!(60.5))).await;
    assert_eq!(capture.status, 201, "{}", capture.text);
    let capture = capture.json();
    assert_eq!(kind(&capture), "CAPTURE");
    assert_eq!(state(&capture), "CAPTURED");
    assert_eq!(approval(&capture), "APPROVED");
    assert_eq!(
        capture["paymentReceipt"]["approvedAmount"],
        json!({"total": 60.5, "currency": "USD"})
    );
    assert_eq!(order_id(&capture), order);
    let capture_id = txn_id(&capture);
    assert_ne!(capture_id, payment);

    // A second capture: already performed.
    assert_error(
        &h.charge(&capture_body(json!(10))).await,
        400,
        "GATEWAY",
        Some("820"),
    );

    // The charge is now CAPTURED.
    let items = h.inquiry(reference(&payment)).await;
    assert_eq!(items.status, 201);
    let items = items.json();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(kind(&items[0]), "CHARGE");
    assert_eq!(state(&items[0]), "CAPTURED");
    assert_eq!(
        items[0]["gatewayResponse"]["gatewayTransactionId"],
        payment.as_str()
    );

    // Partial refund of 20.25, then the rest by default (40.25), then nothing left.
    let refund = h
        .post(
            "/ch/payments/v1/refunds",
            &json!({"amount": {"total": 20.25, "currency": "USD"},
                    "transactionDetails": {"merchantTransactionId": "rf-1"},
                    "referenceTransactionDetails": reference(&payment),
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    let refund = refund.json();
    assert_eq!(kind(&refund), "REFUND");
    assert_eq!(approval(&refund), "APPROVED");
    assert_eq!(
        refund["paymentReceipt"]["approvedAmount"],
        json!({"total": 20.25, "currency": "USD"})
    );
    let refund_id = txn_id(&refund);
    let too_much = h
        .post(
            "/ch/payments/v1/refunds",
            &json!({"amount": {"total": 40.26, "currency": "USD"},
                    "referenceTransactionDetails": reference(&capture_id),
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_error(&too_much, 400, "GATEWAY", Some("807"));
    let rest = h
        .post(
            "/ch/payments/v1/refunds",
            &json!({"referenceTransactionDetails": reference(&capture_id),
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_eq!(rest.status, 201, "{}", rest.text);
    assert_eq!(
        rest.json()["paymentReceipt"]["approvedAmount"],
        json!({"total": 40.25, "currency": "USD"})
    );

    // The refund by its own id.
    let items = h.inquiry(reference(&refund_id)).await.json();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(kind(&items[0]), "REFUND");
    assert_eq!(approval(&items[0]), "APPROVED");
    assert_eq!(txn_id(&items[0]), refund_id);
    // Inquiry totals are numeric strings, as in the CH OAS inquiry example.
    assert_eq!(
        items[0]["paymentReceipt"]["approvedAmount"],
        json!({"total": "20.25", "currency": "USD"})
    );

    // The whole order: charge, capture, two refunds, oldest first.
    let items = h.inquiry(json!({"referenceOrderId": order})).await.json();
    let kinds: Vec<&str> = items.as_array().unwrap().iter().map(kind).collect();
    assert_eq!(kinds, ["CHARGE", "CAPTURE", "REFUND", "REFUND"]);
    // By the merchant's order id and transaction id.
    let items = h
        .inquiry(json!({"referenceMerchantOrderId": "order-42"}))
        .await
        .json();
    assert_eq!(items.as_array().unwrap().len(), 4);
    let items = h
        .inquiry(json!({"referenceMerchantTransactionId": "rf-1"}))
        .await
        .json();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(txn_id(&items[0]), refund_id);
}

#[tokio::test]
async fn a_sale_is_captured_and_can_be_refunded_at_once() {
    let h = start().await;
    let sale = h.authorize(json!(12.04), true).await;
    assert_eq!(state(&sale), "CAPTURED");
    assert_eq!(sale["transactionDetails"]["captureFlag"], true);
    let refund = h
        .post(
            "/ch/payments/v1/refunds",
            &json!({"amount": {"total": 12.04, "currency": "USD"},
                    "referenceTransactionDetails": reference(&txn_id(&sale)),
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    // A capture of a sale: already performed.
    let capture = h
        .charge(&json!({"amount": {"total": 1, "currency": "USD"},
                        "transactionDetails": {"captureFlag": true},
                        "referenceTransactionDetails": reference(&txn_id(&sale)),
                        "merchantDetails": h.merchant()}))
        .await;
    assert_error(&capture, 400, "GATEWAY", Some("820"));
}

#[tokio::test]
async fn cancel_voids_an_authorization() {
    let h = start().await;
    let auth = h.authorize(json!(30), false).await;
    let payment = txn_id(&auth);
    let cancel_body = json!({"transactionDetails": {"merchantTransactionId": "void-1",
                                                    "reversalReasonCode": "VOID"},
                             "referenceTransactionDetails": reference(&payment),
                             "merchantDetails": {"merchantId": h.merchant_id}});
    let cancel = h.post("/ch/payments/v1/cancels", &cancel_body).await;
    assert_eq!(cancel.status, 200, "{}", cancel.text);
    let cancel = cancel.json();
    assert_eq!(kind(&cancel), "CANCEL");
    assert_eq!(approval(&cancel), "APPROVED");
    assert_eq!(cancel["transactionDetails"]["reversalReasonCode"], "VOID");
    let items = h.inquiry(reference(&payment)).await.json();
    assert_eq!(state(&items[0]), "VOIDED");
    // Twice: not in an authorized or captured state.
    let again = h.post("/ch/payments/v1/cancels", &cancel_body).await;
    assert_error(&again, 400, "GATEWAY", Some("833"));
    // No capture after a void.
    let capture = h
        .charge(&json!({"transactionDetails": {"captureFlag": true},
                        "referenceTransactionDetails": reference(&payment),
                        "merchantDetails": h.merchant()}))
        .await;
    assert_error(&capture, 400, "GATEWAY", Some("821"));
    // Unknown reversal reason.
    let auth = h.authorize(json!(30), false).await;
    let bad = h
        .post(
            "/ch/payments/v1/cancels",
            &json!({"transactionDetails": {"reversalReasonCode": "BECAUSE"},
                    "referenceTransactionDetails": reference(&txn_id(&auth)),
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_error(&bad, 400, "GATEWAY", Some("100"));
}

#[tokio::test]
async fn unknown_references_are_801_and_missing_ones_131() {
    let h = start().await;
    for path in ["/ch/payments/v1/cancels", "/ch/payments/v1/refunds"] {
        let reply = h
            .post(
                path,
                &json!({"referenceTransactionDetails": reference("0000"),
                        "merchantDetails": h.merchant()}),
            )
            .await;
        let err = assert_error(&reply, 400, "GATEWAY", Some("801"));
        assert_eq!(
            err["error"][0]["field"],
            "referenceTransactionDetails.referenceTransactionId"
        );
        let reply = h
            .post(path, &json!({"merchantDetails": h.merchant()}))
            .await;
        assert_error(&reply, 400, "GATEWAY", Some("131"));
    }
    let reply = h
        .charge(&json!({"transactionDetails": {"captureFlag": true},
                        "referenceTransactionDetails": reference("0000"),
                        "merchantDetails": h.merchant()}))
        .await;
    assert_error(&reply, 400, "GATEWAY", Some("801"));
    // Two identifiers at once.
    let reply = h
        .inquiry(json!({"referenceTransactionId": "a", "referenceOrderId": "b"}))
        .await;
    assert_error(&reply, 400, "GATEWAY", Some("100"));
    // Not found: an empty array.
    let reply = h.inquiry(reference("nothing")).await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.json(), json!([]));
}

#[tokio::test]
async fn magic_amounts_decline_with_the_last_three_digits() {
    let h = start().await;
    let reply = h.charge(&h.auth_body(json!(5006.00), true)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let body = reply.json();
    assert_eq!(kind(&body), "CHARGE");
    assert_eq!(state(&body), "DECLINED");
    let details = &body["paymentReceipt"]["processorResponseDetails"];
    assert_eq!(details["approvalStatus"], "DECLINED");
    assert_eq!(details["responseCode"], "006");
    assert_eq!(details["responseMessage"], "DECLINED");
    assert_eq!(details["hostResponseCode"], "51");
    // As in the CH docs' decline example: `transactionTime`.
    let processing = &body["gatewayResponse"]["transactionProcessingDetails"];
    assert!(processing["transactionTime"].is_string(), "{body}");
    assert!(processing.get("transactionTimestamp").is_none(), "{body}");
    assert!(body["paymentReceipt"].get("approvedAmount").is_none());
    // The decline is kept for inquiries.
    let items = h.inquiry(reference(&txn_id(&body))).await.json();
    assert_eq!(state(&items[0]), "DECLINED");
    assert_eq!(
        items[0]["paymentReceipt"]["processorResponseDetails"]["responseCode"],
        "006"
    );
    // No capture of a decline.
    let capture = h
        .charge(&json!({"transactionDetails": {"captureFlag": true},
                        "referenceTransactionDetails": reference(&txn_id(&body)),
                        "merchantDetails": h.merchant()}))
        .await;
    assert_error(&capture, 400, "GATEWAY", Some("819"));

    let body = h.authorize(json!(5051), false).await;
    assert_eq!(
        body["paymentReceipt"]["processorResponseDetails"]["responseCode"],
        "051"
    );
    // Under 5000 and from 6000: approved.
    assert_eq!(
        state(&h.authorize(json!(4999.99), false).await),
        "AUTHORIZED"
    );
    assert_eq!(state(&h.authorize(json!(6000), false).await), "AUTHORIZED");
    // CVV and AVS scripts take precedence in 5070-5088.
    let cvv = h.authorize(json!(5071), false).await;
    assert_eq!(state(&cvv), "AUTHORIZED");
    assert_eq!(
        cvv["paymentReceipt"]["processorResponseDetails"]["bankAssociationDetails"]
            ["avsSecurityCodeResponse"]["securityCodeMatch"],
        "NOT_MATCHED"
    );
    let avs = h.authorize(json!(5080), false).await;
    assert_eq!(state(&avs), "AUTHORIZED");
    assert!(
        avs["paymentReceipt"]["processorResponseDetails"]["bankAssociationDetails"]
            ["avsSecurityCodeResponse"]["streetMatch"]
            .is_string()
    );
}

#[tokio::test]
async fn requested_test_response_codes_are_400_errors() {
    let h = start().await;
    let mut body = h.auth_body(json!(10), true);
    body["additionalDataCommon"] = json!({"additionalData": {"requestedTestResponseCode": "103"}});
    let err = assert_error(&h.charge(&body).await, 400, "GATEWAY", Some("103"));
    assert_eq!(
        err["error"][0]["message"],
        "Missing or Invalid Card Number or Token"
    );
    assert!(err["gatewayResponse"]["transactionProcessingDetails"]["apiTraceId"].is_string());
    assert!(err["gatewayResponse"]["transactionProcessingDetails"]["clientRequestId"].is_string());
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let h = start().await;
    type Change = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Change, &str, &str)> = vec![
        (
            "no amount",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("amount");
            }),
            "106",
            "amount",
        ),
        (
            "bad currency",
            Box::new(|b| b["amount"]["currency"] = json!("XYZ")),
            "105",
            "amount.currency",
        ),
        (
            "too many decimals",
            Box::new(|b| b["amount"]["total"] = json!(10.123)),
            "105",
            "amount.total",
        ),
        (
            "negative",
            Box::new(|b| b["amount"]["total"] = json!(-1)),
            "105",
            "amount.total",
        ),
        (
            "minor units for JPY",
            Box::new(|b| b["amount"] = json!({"total": 10.5, "currency": "JPY"})),
            "105",
            "amount.total",
        ),
        (
            "no source",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("source");
            }),
            "102",
            "source",
        ),
        (
            "wallet",
            Box::new(|b| b["source"]["sourceType"] = json!("GooglePay")),
            "205",
            "source.sourceType",
        ),
        (
            "bad luhn",
            Box::new(|b| b["source"]["card"]["cardData"] = json!("4012001928706701")),
            "103",
            "source.card.cardData",
        ),
        (
            "no brand",
            Box::new(|b| b["source"]["card"]["cardData"] = json!("4012888888881881")),
            "104",
            "source.card.cardData",
        ),
        (
            "month",
            Box::new(|b| b["source"]["card"]["expirationMonth"] = json!("13")),
            "115",
            "source.card.expirationMonth",
        ),
        (
            "one-digit month",
            Box::new(|b| b["source"]["card"]["expirationMonth"] = json!("2")),
            "115",
            "source.card.expirationMonth",
        ),
        (
            "two-digit year",
            Box::new(|b| b["source"]["card"]["expirationYear"] = json!("30")),
            "115",
            "source.card.expirationYear",
        ),
        (
            "empty cvv",
            Box::new(|b| b["source"]["card"]["securityCode"] = json!("")),
            "100",
            "source.card.securityCode",
        ),
        (
            "captureFlag text",
            Box::new(|b| b["transactionDetails"]["captureFlag"] = json!("true")),
            "100",
            "transactionDetails.captureFlag",
        ),
        (
            "zero sale",
            Box::new(|b| b["amount"]["total"] = json!(0)),
            "836",
            "amount.total",
        ),
    ];
    for (name, change, code, field) in cases {
        let mut body = h.auth_body(json!(10), true);
        change(&mut body);
        let err = assert_error(&h.charge(&body).await, 400, "GATEWAY", Some(code));
        assert_eq!(err["error"][0]["field"], field, "{name}");
    }
    // Not JSON, not an object, empty.
    for (text, code) in [("{\"amount\":", "121"), ("[1]", "121"), ("", "138")] {
        let reply = h.raw("/ch/payments/v1/charges", text, &h.signed()).await;
        assert_error(&reply, 400, "GATEWAY", Some(code));
    }
    // Amounts as numeric strings and other exponents are fine.
    let mut body = h.auth_body(json!("15.50"), false);
    assert_eq!(h.charge(&body).await.status, 201);
    body["amount"] = json!({"total": 1000, "currency": "JPY"});
    assert_eq!(h.charge(&body).await.status, 201);
    body["amount"] = json!({"total": 1.5, "currency": "KWD"});
    assert_eq!(h.charge(&body).await.status, 201);
    // No security code is fine.
    let mut body = h.auth_body(json!(10), true);
    body["source"]["card"]
        .as_object_mut()
        .unwrap()
        .remove("securityCode");
    assert_eq!(h.charge(&body).await.status, 201);
}

#[tokio::test]
async fn an_expired_card_is_declined() {
    let h = start().await;
    let mut body = h.auth_body(json!(10), true);
    body["source"]["card"]["expirationYear"] = json!("2020");
    let reply = h.charge(&body).await;
    assert_eq!(reply.status, 201);
    let body = reply.json();
    assert_eq!(state(&body), "DECLINED");
    assert_eq!(
        body["paymentReceipt"]["processorResponseDetails"]["responseCode"],
        "032"
    );
}

#[tokio::test]
async fn tokens_from_a_charge_a_verification_or_the_tokens_endpoint_can_be_charged() {
    let h = start().await;
    // createToken on a charge.
    let mut body = h.auth_body(json!(1), false);
    body["transactionDetails"]["createToken"] = json!(true);
    let reply = h.charge(&body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let charge = reply.json();
    let token = &charge["paymentTokens"][0];
    assert_eq!(token["tokenSource"], "TRANSARMOR");
    assert_eq!(token["tokenResponseCode"], "000");
    let token_data = token["tokenData"].as_str().unwrap().to_string();
    assert!(token_data.ends_with("6700"));

    // Zero-amount verification with a token.
    let verification = h
        .post(
            "/ch/payments-vas/v1/accounts/verification",
            &json!({"source": Harness::card(MASTERCARD, "777"),
                    "transactionDetails": {"createToken": true},
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_eq!(verification.status, 201, "{}", verification.text);
    let verification = verification.json();
    assert_eq!(kind(&verification), "VERIFICATION");
    assert_eq!(state(&verification), "CHECKED");
    assert_eq!(approval(&verification), "APPROVED");
    let mc_token = verification["paymentTokens"][0]["tokenData"]
        .as_str()
        .unwrap()
        .to_string();

    // The tokens endpoint.
    let tokenized = h
        .post(
            "/ch/payments-vas/v1/tokens",
            &json!({"source": Harness::card(AMEX, "7777"), "merchantDetails": h.merchant()}),
        )
        .await;
    assert_eq!(tokenized.status, 201, "{}", tokenized.text);
    let tokenized = tokenized.json();
    assert_eq!(kind(&tokenized), "TOKENIZE");
    let amex_token = tokenized["paymentTokens"][0]["tokenData"]
        .as_str()
        .unwrap()
        .to_string();

    for (token, scheme) in [
        (&token_data, "VISA"),
        (&mc_token, "MASTERCARD"),
        (&amex_token, "AMEX"),
    ] {
        let reply = h
            .charge(&json!({
                "amount": {"total": 19.99, "currency": "USD"},
                "source": {"sourceType": "PaymentToken", "tokenData": token,
                           "tokenSource": "TRANSARMOR",
                           "card": {"expirationMonth": "12", "expirationYear": "2030"}},
                "transactionDetails": {"captureFlag": true},
                "storedCredentials": {"scheduled": false, "initiator": "MERCHANT",
                                      "sequence": "SUBSEQUENT"},
                "merchantDetails": h.merchant(),
            }))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        let body = reply.json();
        assert_eq!(state(&body), "CAPTURED");
        assert_eq!(body["source"]["sourceType"], "PaymentToken");
        assert_eq!(body["source"]["card"]["scheme"], scheme);
    }
    // An unknown token, another token source.
    let unknown = h
        .charge(&json!({
            "amount": {"total": 19.99, "currency": "USD"},
            "source": {"sourceType": "PaymentToken", "tokenData": "8000000000000000",
                       "tokenSource": "TRANSARMOR",
                       "card": {"expirationMonth": "12", "expirationYear": "30"}},
            "transactionDetails": {"captureFlag": true},
            "merchantDetails": h.merchant(),
        }))
        .await;
    assert_error(&unknown, 400, "GATEWAY", Some("103"));
    let other = h
        .charge(&json!({
            "amount": {"total": 19.99, "currency": "USD"},
            "source": {"sourceType": "PaymentToken", "tokenData": token_data,
                       "tokenSource": "CHASE",
                       "card": {"expirationMonth": "12", "expirationYear": "2030"}},
            "transactionDetails": {"captureFlag": true},
            "merchantDetails": h.merchant(),
        }))
        .await;
    assert_error(&other, 400, "GATEWAY", Some("100"));
    // A declined charge makes no token.
    let mut body = h.auth_body(json!(5005), false);
    body["transactionDetails"]["createToken"] = json!(true);
    let declined = h.charge(&body).await.json();
    assert_eq!(state(&declined), "DECLINED");
    assert!(declined.get("paymentTokens").is_none());
}

#[tokio::test]
async fn a_sale_can_be_cancelled_before_any_refund() {
    let h = start().await;
    let sale = h.authorize(json!(44), true).await;
    let cancel = h
        .post(
            "/ch/payments/v1/cancels",
            &json!({"referenceTransactionDetails": reference(&txn_id(&sale)),
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_eq!(cancel.status, 200, "{}", cancel.text);
    let items = h.inquiry(reference(&txn_id(&sale))).await.json();
    assert_eq!(state(&items[0]), "VOIDED");
    // Refunded sales cannot be cancelled.
    let sale = h.authorize(json!(44), true).await;
    let refund = h
        .post(
            "/ch/payments/v1/refunds",
            &json!({"amount": {"total": 4, "currency": "USD"},
                    "referenceTransactionDetails": reference(&txn_id(&sale)),
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_eq!(refund.status, 201);
    let cancel = h
        .post(
            "/ch/payments/v1/cancels",
            &json!({"referenceTransactionDetails": reference(&txn_id(&sale)),
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_error(&cancel, 400, "GATEWAY", Some("833"));
}

#[tokio::test]
async fn faults_use_the_error_shapes() {
    let h = start().await;
    let fault = |status: u16| json!({"processor": "fiserv", "fault": {"type": "status", "status": status}, "count": 1});
    let url = format!("{}/_sandbox/faults", h.sandbox.base_url());
    for (status, kind) in [
        (503, "APIM"),
        (500, "GATEWAY"),
        (429, "APIM"),
        (401, "APIM"),
    ] {
        let r = h
            .http
            .post(&url)
            .header("Content-Type", "application/json")
            .body(fault(status).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let reply = h.charge(&h.auth_body(json!(1), true)).await;
        assert_eq!(reply.status, status, "{}", reply.text);
        assert_eq!(reply.json()["error"][0]["type"], kind);
    }
}

#[tokio::test]
async fn a_partial_cancel_keeps_the_rest_authorized() {
    let h = start().await;
    let auth = h.authorize(json!(80), false).await;
    let payment = txn_id(&auth);
    let cancel = h
        .post(
            "/ch/payments/v1/cancels",
            &json!({"amount": {"total": 30, "currency": "USD"},
                    "referenceTransactionDetails": reference(&payment),
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_eq!(cancel.status, 200, "{}", cancel.text);
    assert_eq!(
        cancel.json()["paymentReceipt"]["approvedAmount"],
        json!({"total": 30, "currency": "USD"})
    );
    let items = h.inquiry(reference(&payment)).await.json();
    assert_eq!(state(&items[0]), "AUTHORIZED");
    // 50 are left: 50.01 is too much, 50 is fine (as a numeric string).
    let capture = |total: Value| {
        json!({"amount": {"total": total, "currency": "USD"},
               "transactionDetails": {"captureFlag": true},
               "referenceTransactionDetails": reference(&payment),
               "merchantDetails": h.merchant()})
    };
    assert_error(
        &h.charge(&capture(json!(50.01))).await,
        400,
        "GATEWAY",
        Some("807"),
    );
    let reply = h.charge(&capture(json!("50.00"))).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    // The whole order: charge, cancel, capture.
    let items = h
        .inquiry(json!({"referenceOrderId": order_id(&auth)}))
        .await
        .json();
    let kinds: Vec<&str> = items.as_array().unwrap().iter().map(kind).collect();
    assert_eq!(kinds, ["CHARGE", "CANCEL", "CAPTURE"]);
}

#[tokio::test]
async fn verification_and_tokens_validate_their_source() {
    let h = start().await;
    let mut card = Harness::card(VISA, "777");
    card["card"]["expirationYear"] = json!("2021");
    let reply = h
        .post(
            "/ch/payments-vas/v1/accounts/verification",
            &json!({"source": card, "merchantDetails": h.merchant()}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let body = reply.json();
    assert_eq!(state(&body), "DECLINED");
    assert_eq!(
        body["paymentReceipt"]["processorResponseDetails"]["responseCode"],
        "032"
    );
    let reply = h
        .post(
            "/ch/payments-vas/v1/tokens",
            &json!({"source": {"sourceType": "PaymentToken", "tokenData": "1", "tokenSource": "TRANSARMOR",
                               "card": {"expirationMonth": "12", "expirationYear": "2030"}},
                    "merchantDetails": h.merchant()}),
        )
        .await;
    assert_error(&reply, 400, "GATEWAY", Some("205"));
    let reply = h
        .post(
            "/ch/payments-vas/v1/tokens",
            &json!({"merchantDetails": h.merchant()}),
        )
        .await;
    assert_error(&reply, 400, "GATEWAY", Some("102"));
}

#[tokio::test]
async fn requested_error_codes_apply_to_refunds_and_cancels_too() {
    let h = start().await;
    let sale = h.authorize(json!(10), true).await;
    for path in ["/ch/payments/v1/refunds", "/ch/payments/v1/cancels"] {
        let reply = h
            .post(
                path,
                &json!({"referenceTransactionDetails": reference(&txn_id(&sale)),
                        "additionalDataCommon": {"additionalData": {"requestedTestResponseCode": "704"}},
                        "merchantDetails": h.merchant()}),
            )
            .await;
        let err = assert_error(&reply, 400, "GATEWAY", Some("704"));
        assert_eq!(err["error"][0]["message"], "Transaction Timed Out");
    }
    // Nothing happened to the sale.
    let items = h.inquiry(reference(&txn_id(&sale))).await.json();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(state(&items[0]), "CAPTURED");
}

#[tokio::test]
async fn an_error_is_not_replayed_for_its_request_id() {
    let h = start().await;
    let s = h.signed();
    let mut bad = h.auth_body(json!(10), true);
    bad["amount"]["currency"] = json!("XYZ");
    let reply = h.raw("/ch/payments/v1/charges", &bad.to_string(), &s).await;
    assert_error(&reply, 400, "GATEWAY", Some("105"));
    let err = reply.json();
    assert_eq!(
        err["gatewayResponse"]["transactionProcessingDetails"]["clientRequestId"],
        s.request_id.as_str()
    );
    // The corrected request with the same id is processed.
    let mut again = h.signed();
    again.request_id = s.request_id.clone();
    let reply = h
        .raw(
            "/ch/payments/v1/charges",
            &h.auth_body(json!(10), true).to_string(),
            &again,
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
}

#[tokio::test]
async fn the_malformed_fault_is_not_json() {
    let h = start().await;
    let url = format!("{}/_sandbox/faults", h.sandbox.base_url());
    let r = h
        .http
        .post(&url)
        .header("Content-Type", "application/json")
        .body(
            json!({"processor": "fiserv", "fault": {"type": "malformed"}, "count": 1}).to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let reply = h.charge(&h.auth_body(json!(1), true)).await;
    assert!(serde_json::from_str::<Value>(&reply.text).is_err());
}
