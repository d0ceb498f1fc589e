//! Razorpay emulation: orders, card payments through the mock OTP page and the native OTP
//! flow, PSync, capture, refunds, recurring tokens, expiry, and the error shapes (razorpay.md).

mod razorpay_common;

use razorpay_common::*;
use reqwest::Method;
use serde_json::{json, Value};

fn param<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {params:?}"))
}

#[tokio::test]
async fn manual_capture_lifecycle_through_the_otp_page() {
    let r = start().await;
    let order = r.order(50_000, false).await;
    assert!(order["id"].as_str().unwrap().starts_with("order_"));
    assert_eq!(order["entity"], "order");
    assert_eq!(order["status"], "created");
    assert_eq!(order["amount"], 50_000);
    assert_eq!(order["amount_paid"], 0);
    assert_eq!(order["amount_due"], 50_000);
    assert_eq!(order["attempts"], 0);
    assert_eq!(order["receipt"], "rcpt-1");
    assert_eq!(
        order["notes"],
        json!([]),
        "empty notes are an array (Razorpay API docs, Orders)"
    );
    let order_id = order["id"].as_str().unwrap().to_string();

    let created = r
        .post_ok("/v1/payments/create/json", &r.card_payment(&order, VISA))
        .await;
    let payment_id = created["razorpay_payment_id"].as_str().unwrap().to_string();
    assert!(payment_id.starts_with("pay_"));
    let next = created["next"].as_array().unwrap();
    assert_eq!(next.len(), 2);
    assert_eq!(next[0]["action"], "redirect");
    assert_eq!(next[1]["action"], "otp_generate");
    let page = next[0]["url"].as_str().unwrap().to_string();
    assert!(page.starts_with(&r.url("/v1/payments/")), "{page}");
    assert!(page.ends_with("/authorize"), "{page}");
    assert!(next[1]["url"]
        .as_str()
        .unwrap()
        .contains(&format!("key_id={}", r.key_id)));

    // Not final: created, and the order was attempted.
    let payment = r.get_ok(&format!("/v1/payments/{payment_id}")).await;
    assert_eq!(payment["status"], "created");
    assert_eq!(payment["captured"], false);
    assert_eq!(payment["order_id"], order_id.as_str());
    let fetched = r.get_ok(&format!("/v1/orders/{order_id}")).await;
    assert_eq!(fetched["status"], "attempted");
    assert_eq!(fetched["attempts"], 1);

    // The mock page: GET shows a form (no API key needed).
    let form = r.send(Method::GET, &page, &[], None).await;
    assert_eq!(form.status, 200);
    assert!(form
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(form.text.contains("name=\"otp\""), "{}", form.text);
    assert!(form.text.contains("1111"));
    assert!(
        !form.text.contains(VISA),
        "the page never shows the card number"
    );

    let params = r.submit_otp(&page, "1234").await;
    assert_eq!(param(&params, "razorpay_payment_id"), payment_id);
    assert_eq!(param(&params, "razorpay_order_id"), order_id);
    assert_eq!(
        param(&params, "razorpay_signature"),
        hmac_hex(&r.key_secret, format!("{order_id}|{payment_id}").as_bytes()),
        "the return signature is HMAC(key_secret, order_id|payment_id)"
    );
    // The page is single-use.
    let again = r.send(Method::GET, &page, &[], None).await;
    assert_eq!(again.status, 404);

    let payment = r.get_ok(&format!("/v1/payments/{payment_id}")).await;
    assert_eq!(payment["entity"], "payment");
    assert_eq!(payment["status"], "authorized");
    assert_eq!(payment["captured"], false);
    assert_eq!(payment["method"], "card");
    assert_eq!(payment["amount"], 50_000);
    assert_eq!(payment["currency"], "INR");
    assert_eq!(payment["email"], "gaurav.kumar@example.com");
    assert_eq!(payment["contact"], "9000090000");
    assert_eq!(payment["card"]["last4"], "1111");
    assert_eq!(payment["card"]["network"], "Visa");
    assert!(payment["card_id"].as_str().unwrap().starts_with("card_"));
    assert_eq!(payment["refund_status"], Value::Null);
    assert_eq!(payment["error_code"], Value::Null);
    assert_eq!(payment["fee"], Value::Null);
    assert_eq!(payment["notes"], json!([]));
    assert!(payment["acquirer_data"]["auth_code"].is_string());
    assert!(
        !payment.to_string().contains(VISA),
        "no card number in the entity"
    );

    let hook = r.webhook("payment.authorized", &payment_id).await;
    assert_eq!(hook["contains"], json!(["payment"]));
    assert_eq!(
        hook["payload"]["payment"]["entity"]["id"],
        payment_id.as_str()
    );
    assert_eq!(hook["payload"]["payment"]["entity"]["status"], "authorized");

    // Capture: amount and currency required, the amount exactly the authorized one.
    let capture = format!("/v1/payments/{payment_id}/capture");
    let error = r
        .post(&capture, &json!({"amount": 50_000}))
        .await
        .error(400, "The currency field is required.");
    assert_eq!(error["field"], "currency");
    assert_eq!(error["step"], "payment_capture");
    assert_eq!(
        error["metadata"],
        json!({"payment_id": payment_id, "order_id": order_id})
    );
    let error = r
        .post(&capture, &json!({"amount": 40_000, "currency": "INR"}))
        .await
        .error(400, "Capture amount must be equal to the amount authorized");
    assert_eq!(error["field"], "amount");
    r.post(&capture, &json!({"amount": 50_000, "currency": "USD"}))
        .await
        .error(400, "The currency should be same as the payment currency");
    let captured = r
        .post_ok(&capture, &json!({"amount": 50_000, "currency": "INR"}))
        .await;
    assert_eq!(captured["status"], "captured");
    assert_eq!(captured["captured"], true);
    assert_eq!(captured["fee"], 1180, "2% plus 18% GST");
    assert_eq!(captured["tax"], 180);
    r.post(&capture, &json!({"amount": 50_000, "currency": "INR"}))
        .await
        .error(400, "This payment has already been captured");

    let hook = r.webhook("payment.captured", &payment_id).await;
    assert_eq!(hook["payload"]["payment"]["entity"]["status"], "captured");
    let hook = r.webhook("order.paid", &payment_id).await;
    assert_eq!(hook["contains"], json!(["payment", "order"]));
    assert_eq!(hook["payload"]["order"]["entity"]["status"], "paid");
    assert_eq!(hook["payload"]["order"]["entity"]["amount_due"], 0);
    let fetched = r.get_ok(&format!("/v1/orders/{order_id}")).await;
    assert_eq!(fetched["status"], "paid");
    assert_eq!(fetched["amount_paid"], 50_000);
    let listed = r.get_ok(&format!("/v1/orders/{order_id}/payments")).await;
    assert_eq!(listed["entity"], "collection");
    assert_eq!(listed["count"], 1);
    assert_eq!(listed["items"][0]["id"], payment_id.as_str());

    // Refunds: partial normal (processed), partial instant (pending, then processed), over.
    let refund_path = format!("/v1/payments/{payment_id}/refund");
    let first = r
        .post_ok(
            &refund_path,
            &json!({"amount": 10_000, "notes": {"why": "damaged"}, "receipt": "rf-1"}),
        )
        .await;
    let first_id = first["id"].as_str().unwrap().to_string();
    assert!(first_id.starts_with("rfnd_"));
    assert_eq!(first["entity"], "refund");
    assert_eq!(first["status"], "processed");
    assert_eq!(first["speed_requested"], "normal");
    assert_eq!(first["speed_processed"], "normal");
    assert_eq!(first["amount"], 10_000);
    assert_eq!(first["payment_id"], payment_id.as_str());
    assert_eq!(first["notes"], json!({"why": "damaged"}));
    assert_eq!(first["receipt"], "rf-1");
    let payment = r.get_ok(&format!("/v1/payments/{payment_id}")).await;
    assert_eq!(payment["status"], "captured");
    assert_eq!(payment["amount_refunded"], 10_000);
    assert_eq!(payment["refund_status"], "partial");
    let hook = r.webhook("refund.created", &first_id).await;
    assert_eq!(hook["contains"], json!(["refund", "payment"]));
    let hook = r.webhook("refund.processed", &first_id).await;
    assert_eq!(hook["payload"]["refund"]["entity"]["status"], "processed");
    assert_eq!(
        hook["payload"]["payment"]["entity"]["amount_refunded"],
        10_000
    );

    let instant = r
        .post_ok(&refund_path, &json!({"amount": 15_000, "speed": "optimum"}))
        .await;
    assert_eq!(instant["status"], "pending");
    assert_eq!(instant["speed_processed"], "instant");
    let instant_id = instant["id"].as_str().unwrap();
    let hook = r.webhook("refund.created", instant_id).await;
    assert_eq!(hook["payload"]["refund"]["entity"]["status"], "pending");
    r.webhook("refund.processed", instant_id).await;
    let fetched = r.get_ok(&format!("/v1/refunds/{instant_id}")).await;
    assert_eq!(fetched["status"], "processed");
    let under_payment = r
        .get_ok(&format!("/v1/payments/{payment_id}/refunds/{instant_id}"))
        .await;
    assert_eq!(under_payment, fetched);

    let error = r
        .post(&refund_path, &json!({"amount": 25_001}))
        .await
        .error(
            400,
            "The refund amount provided is greater than amount captured and not yet refunded",
        );
    assert_eq!(error["field"], "amount");
    r.post(&refund_path, &json!({"speed": "warp"}))
        .await
        .error(400, "The selected speed is invalid.");
    // The rest, without an amount: a full refund of what is left.
    let rest = r.post_ok(&refund_path, &json!({})).await;
    assert_eq!(rest["amount"], 25_000);
    let payment = r.get_ok(&format!("/v1/payments/{payment_id}")).await;
    assert_eq!(payment["status"], "refunded");
    assert_eq!(payment["refund_status"], "full");
    assert_eq!(payment["captured"], true);
    r.post(&refund_path, &json!({"amount": 100}))
        .await
        .error(400, "The payment has been fully refunded already");
    let refunds = r
        .get_ok(&format!("/v1/payments/{payment_id}/refunds"))
        .await;
    assert_eq!(refunds["count"], 3);
    assert_eq!(refunds["items"][2]["id"], first_id.as_str(), "newest first");
}

#[tokio::test]
async fn auto_capture_orders_capture_at_authorization() {
    let r = start().await;
    let (order, payment_id) = r.authorized_payment(25_000, true).await;
    let payment = r.get_ok(&format!("/v1/payments/{payment_id}")).await;
    assert_eq!(payment["status"], "captured");
    assert_eq!(payment["captured"], true);
    let authorized = r.webhook("payment.authorized", &payment_id).await;
    assert_eq!(
        authorized["payload"]["payment"]["entity"]["status"], "authorized",
        "a snapshot at event time"
    );
    r.webhook("payment.captured", &payment_id).await;
    let paid = r.webhook("order.paid", &payment_id).await;
    assert_eq!(paid["payload"]["order"]["entity"]["id"], order["id"]);
    // A paid order takes no other payment.
    let error = r
        .post("/v1/payments/create/json", &r.card_payment(&order, VISA))
        .await
        .error(400, "Payment for this order has already been completed");
    assert_eq!(error["field"], "order_id");
}

#[tokio::test]
async fn a_short_otp_fails_the_payment() {
    let r = start().await;
    let order = r.order(10_000, false).await;
    let order_id = order["id"].as_str().unwrap();
    let (payment_id, page) = r.create_payment(&r.card_payment(&order, VISA)).await;
    let params = r.submit_otp(&page, "12").await;
    assert_eq!(param(&params, "error[code]"), "BAD_REQUEST_ERROR");
    assert_eq!(
        param(&params, "error[description]"),
        "Authentication failed due to incorrect otp"
    );
    assert_eq!(param(&params, "error[reason]"), "invalid_otp");
    let metadata: Value = serde_json::from_str(param(&params, "error[metadata]")).unwrap();
    assert_eq!(
        metadata,
        json!({"payment_id": payment_id, "order_id": order_id})
    );
    assert!(!params.iter().any(|(k, _)| k == "razorpay_signature"));

    let payment = r.get_ok(&format!("/v1/payments/{payment_id}")).await;
    assert_eq!(payment["status"], "failed");
    assert_eq!(payment["error_code"], "BAD_REQUEST_ERROR");
    assert_eq!(
        payment["error_description"],
        "Authentication failed due to incorrect otp"
    );
    assert_eq!(payment["error_source"], "customer");
    assert_eq!(payment["error_step"], "payment_authentication");
    assert_eq!(payment["error_reason"], "invalid_otp");
    let hook = r.webhook("payment.failed", &payment_id).await;
    assert_eq!(hook["payload"]["payment"]["entity"]["status"], "failed");
    assert_eq!(
        hook["payload"]["payment"]["entity"]["error_reason"],
        "invalid_otp"
    );
    r.no_webhook("payment.authorized", &payment_id).await;
    r.post(
        &format!("/v1/payments/{payment_id}/capture"),
        &json!({"amount": 10_000, "currency": "INR"}),
    )
    .await
    .error(
        400,
        "Only payments which have been authorized and not yet captured can be captured",
    );
    // A late authorisation (sandbox hook): failed, then authorized after all (Razorpay API docs, "PSync — GET /v1/payments/{payment_id}").
    let late = r
        .control(
            Method::POST,
            &format!("/razorpay/_sandbox/payments/{payment_id}/authorize_late"),
            None,
        )
        .await;
    assert_eq!(late.status, 200, "{}", late.text);
    assert_eq!(late.json()["status"], "authorized");
    assert_eq!(late.json()["error_code"], Value::Null);
    r.webhook("payment.authorized", &payment_id).await;
    let again = r
        .control(
            Method::POST,
            &format!("/razorpay/_sandbox/payments/{payment_id}/authorize_late"),
            None,
        )
        .await;
    assert_eq!(again.status, 409);
    // The order can be paid by another attempt.
    let (second, page) = r.create_payment(&r.card_payment(&order, VISA)).await;
    r.submit_otp(&page, "9999999999").await;
    assert_eq!(
        r.get_ok(&format!("/v1/payments/{second}")).await["status"],
        "authorized"
    );
    assert_eq!(
        r.get_ok(&format!("/v1/orders/{order_id}")).await["attempts"],
        2
    );
}

#[tokio::test]
async fn native_otp_flow() {
    let r = start().await;
    let order = r.order(10_000, false).await;
    let order_id = order["id"].as_str().unwrap();
    let created = r
        .post_ok("/v1/payments/create/json", &r.card_payment(&order, VISA))
        .await;
    let payment_id = created["razorpay_payment_id"].as_str().unwrap();
    let generate = created["next"][1]["url"].as_str().unwrap();

    // The OTP URLs carry the key id; without it (and without Basic auth) they are refused.
    let bare = generate.split('?').next().unwrap();
    let refused = r.send(Method::POST, bare, &[], None).await;
    assert_eq!(refused.status, 401, "{}", refused.text);

    let generated = r.send(Method::POST, generate, &[], None).await;
    assert_eq!(generated.status, 200, "{}", generated.text);
    let generated = generated.json();
    assert_eq!(generated["razorpay_payment_id"], payment_id);
    assert_eq!(generated["next"][0]["action"], "otp_submit");
    assert_eq!(generated["metadata"]["last4"], "1111");
    let submit = generated["next"][0]["url"].as_str().unwrap();
    let ok = r
        .send(
            Method::POST,
            submit,
            &[("Content-Type", "application/json")],
            Some(br#"{"otp": "654321"}"#.to_vec()),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let ok = ok.json();
    assert_eq!(ok["razorpay_order_id"], order_id);
    assert_eq!(
        ok["razorpay_signature"],
        hmac_hex(&r.key_secret, format!("{order_id}|{payment_id}").as_bytes())
    );
    // Done: a second submit is refused.
    let again = r
        .send(
            Method::POST,
            submit,
            &[("Content-Type", "application/json")],
            Some(br#"{"otp": "654321"}"#.to_vec()),
        )
        .await;
    again.error(400, "Payment has already been processed");

    // A wrong OTP: Razorpay API docs, "Errors"'s "incorrect otp" error, exactly.
    let order = r.order(10_000, false).await;
    let created = r
        .post_ok("/v1/payments/create/json", &r.card_payment(&order, VISA))
        .await;
    let payment_id = created["razorpay_payment_id"].as_str().unwrap();
    let generated = r
        .send(
            Method::POST,
            created["next"][1]["url"].as_str().unwrap(),
            &[],
            None,
        )
        .await
        .json();
    let failed = r
        .send(
            Method::POST,
            generated["next"][0]["url"].as_str().unwrap(),
            &[("Content-Type", "application/x-www-form-urlencoded")],
            Some(b"otp=123".to_vec()),
        )
        .await;
    assert_eq!(failed.status, 400);
    assert_eq!(
        failed.json(),
        json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "Authentication failed due to incorrect otp",
                         "field": null, "source": "customer", "step": "payment_authentication", "reason": "invalid_otp",
                         "metadata": {"payment_id": payment_id, "order_id": order["id"]}}})
    );
    r.webhook("payment.failed", payment_id).await;
}

#[tokio::test]
async fn payment_creation_is_checked_against_the_order() {
    let r = start().await;
    let order = r.order(10_000, false).await;

    let mut body = r.card_payment(&order, VISA);
    body["order_id"] = json!("order_DoesNotExist01");
    let error = r
        .post("/v1/payments/create/json", &body)
        .await
        .error(400, "The id provided does not exist");
    assert_eq!(error["field"], "order_id");
    assert_eq!(error["source"], "business");
    assert_eq!(error["reason"], "input_validation_failed");

    let mut body = r.card_payment(&order, VISA);
    body["amount"] = json!(9_999);
    let error = r.post("/v1/payments/create/json", &body).await.error(
        400,
        "The payment amount should be equal to the order amount",
    );
    assert_eq!(error["field"], "amount");
    assert_eq!(error["step"], "payment_initiation");

    let mut body = r.card_payment(&order, VISA);
    body["currency"] = json!("USD");
    r.post("/v1/payments/create/json", &body)
        .await
        .error(400, "The currency should be same as the order currency");

    let mut body = r.card_payment(&order, VISA);
    body.as_object_mut().unwrap().remove("order_id");
    let error = r
        .post("/v1/payments/create/json", &body)
        .await
        .error(400, "The order id field is required.");
    assert_eq!(error["field"], "order_id");

    let mut body = r.card_payment(&order, VISA);
    body.as_object_mut().unwrap().remove("contact");
    r.post("/v1/payments/create/json", &body)
        .await
        .error(400, "The contact field is required.");

    let mut body = r.card_payment(&order, VISA);
    body["card"]["number"] = json!("4111111111111112");
    let error = r
        .post("/v1/payments/create/json", &body)
        .await
        .error(400, "The card number is invalid.");
    assert_eq!(error["field"], "card[number]");
    assert!(!error.to_string().contains("4111111111111112"));

    let mut body = r.card_payment(&order, VISA);
    body["card"]["expiry_year"] = json!(20);
    r.post("/v1/payments/create/json", &body).await.error(
        400,
        "Your card has expired. Please try paying with another card.",
    );

    let mut body = r.card_payment(&order, VISA);
    body["method"] = json!("netbanking");
    let error = r.post("/v1/payments/create/json", &body).await;
    assert_eq!(error.status, 400);
    assert_eq!(
        error.json()["error"]["field"],
        "bank",
        "netbanking needs a bank"
    );

    let mut body = r.card_payment(&order, VISA);
    body["method"] = json!("emi");
    let error = r.post("/v1/payments/create/json", &body).await;
    assert_eq!(error.status, 400);
    assert_eq!(error.json()["error"]["field"], "method");

    // Nothing of the above was an attempt.
    assert_eq!(
        r.get_ok(&format!("/v1/orders/{}", order["id"].as_str().unwrap()))
            .await["attempts"],
        0
    );
}

#[tokio::test]
async fn the_decline_card_fails_at_creation_with_a_bank_error() {
    let r = start().await;
    let order = r.order(10_000, false).await;
    let reply = r
        .post(
            "/v1/payments/create/json",
            &r.card_payment(&order, DECLINED),
        )
        .await;
    let error = reply.error(
        400,
        "Your payment could not be completed as it was declined by the bank. Try another card.",
    );
    assert_eq!(error["source"], "issuer_bank");
    assert_eq!(error["step"], "payment_authorization");
    assert_eq!(error["reason"], "card_declined");
    let payment_id = error["metadata"]["payment_id"].as_str().unwrap();
    assert_eq!(error["metadata"]["order_id"], order["id"]);
    let payment = r.get_ok(&format!("/v1/payments/{payment_id}")).await;
    assert_eq!(payment["status"], "failed");
    assert_eq!(payment["error_reason"], "card_declined");
    r.webhook("payment.failed", payment_id).await;
}

#[tokio::test]
async fn orders_validate_their_fields_and_accept_form_encoding() {
    let r = start().await;
    let error = r
        .post("/v1/orders", &json!({"currency": "INR"}))
        .await
        .error(400, "The amount field is required.");
    assert_eq!(
        error,
        json!({"code": "BAD_REQUEST_ERROR", "description": "The amount field is required.", "field": "amount"}),
        "a minimal error (Razorpay API docs, Errors)"
    );
    r.post("/v1/orders", &json!({"amount": 99, "currency": "INR"}))
        .await
        .error(400, "The amount must be atleast INR 1.00");
    r.post("/v1/orders", &json!({"amount": 1000, "currency": "KWD"}))
        .await
        .error(400, "Currency is not supported");
    r.post(
        "/v1/orders",
        &json!({"amount": 1000, "currency": "INR", "receipt": "x".repeat(41)}),
    )
    .await
    .error(400, "The receipt may not be greater than 40 characters.");
    r.post(
        "/v1/orders",
        &json!({"amount": 1000, "currency": "INR", "notes": "text"}),
    )
    .await
    .error(400, "The notes must be an array (a map of keys to values).");

    let with_notes = r
        .post_ok(
            "/v1/orders",
            &json!({"amount": 1000, "currency": "USD", "notes": {"k": "v", "n": 7}}),
        )
        .await;
    assert_eq!(with_notes["notes"], json!({"k": "v", "n": "7"}));

    // Form encoding with nested keys (Razorpay API docs, "Environments, authentication, headers").
    let auth = r.auth();
    let form = r
        .send(
            Method::POST,
            &r.url("/v1/orders"),
            &[
                ("Authorization", auth.as_str()),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            Some(
                b"amount=2500&currency=INR&receipt=r%232&notes[purpose]=gift&payment_capture=1"
                    .to_vec(),
            ),
        )
        .await;
    assert_eq!(form.status, 200, "{}", form.text);
    let form = form.json();
    assert_eq!(form["amount"], 2500);
    assert_eq!(form["receipt"], "r#2");
    assert_eq!(form["notes"], json!({"purpose": "gift"}));

    let broken = r
        .send(
            Method::POST,
            &r.url("/v1/orders"),
            &[
                ("Authorization", auth.as_str()),
                ("Content-Type", "application/json"),
            ],
            Some(b"{\"amount\": 4111111111111111".to_vec()),
        )
        .await;
    assert_eq!(broken.status, 400);
    assert!(
        !broken.text.contains("4111111111111111"),
        "errors never echo the input"
    );
    let listed = r.get_ok("/v1/orders").await;
    assert_eq!(listed["count"], 2);
    assert_eq!(listed["items"][0]["id"], form["id"], "newest first");
}

#[tokio::test]
async fn authentication_routing_and_unknown_ids() {
    let r = start().await;
    let expected =
        json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "Authentication failed"}});
    let none = r
        .send(Method::GET, &r.url("/v1/payments/pay_X"), &[], None)
        .await;
    assert_eq!(none.status, 401);
    assert_eq!(none.json(), expected);
    let wrong = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::prelude::BASE64_STANDARD,
            format!("{}:wrong", r.key_id)
        )
    );
    let bad = r
        .send(
            Method::POST,
            &r.url("/v1/orders"),
            &[("Authorization", wrong.as_str())],
            Some(b"{}".to_vec()),
        )
        .await;
    assert_eq!(bad.status, 401);
    assert_eq!(bad.json(), expected);
    assert!(!bad.text.contains(&r.key_id));

    // There is no void: any attempt is a routing error, as is any unknown path or method.
    let (_, payment_id) = r.authorized_payment(10_000, false).await;
    for (method, path) in [
        (Method::POST, format!("/v1/payments/{payment_id}/void")),
        (Method::POST, format!("/v1/payments/{payment_id}/cancel")),
        (Method::DELETE, format!("/v1/payments/{payment_id}")),
        (Method::GET, format!("/v1/payments/{payment_id}/capture")),
        (Method::GET, "/v2/orders".to_string()),
        (Method::GET, "/".to_string()),
    ] {
        let reply = r.call(method.clone(), &path, None).await;
        assert_eq!(reply.status, 404, "{method} {path}");
        assert_eq!(
            reply.json(),
            json!({"message": "no Route matched with those values"})
        );
    }
    for path in [
        "/v1/payments/pay_Unknown0000001",
        "/v1/orders/order_Unknown00000001",
        "/v1/refunds/rfnd_Unknown000001",
        "/v1/disputes/disp_Unknown000001",
        "/v1/payments/pay_Unknown0000001/refunds",
    ] {
        let error = r
            .get(path)
            .await
            .error(400, "The id provided does not exist");
        assert_eq!(error["source"], "business", "{path}");
    }
    r.post(
        "/v1/payments/pay_Unknown0000001/capture",
        &json!({"amount": 100, "currency": "INR"}),
    )
    .await
    .error(400, "The id provided does not exist");
    // The credentials answered by the control API are the ones accepted.
    let creds = r
        .control(Method::GET, "/_sandbox/credentials", None)
        .await
        .json();
    assert_eq!(
        creds["razorpay"],
        json!({"type": "razorpay", "key_id": r.key_id, "key_secret": r.key_secret,
               "webhook_secrets": [r.webhook_secret]})
    );
}

#[tokio::test]
async fn recurring_tokens_are_created_and_charged() {
    let r = start().await;
    let customer = r
        .post_ok(
            "/v1/customers",
            &json!({"name": "Gaurav Kumar", "email": "gaurav.kumar@example.com", "contact": "+919000090000"}),
        )
        .await;
    let customer_id = customer["id"].as_str().unwrap().to_string();
    assert!(customer_id.starts_with("cust_"));
    assert_eq!(customer["entity"], "customer");
    r.post(
        "/v1/customers",
        &json!({"email": "gaurav.kumar@example.com", "contact": "+919000090000"}),
    )
    .await
    .error(400, "Customer already exists for the merchant");
    let same = r
        .post_ok(
            "/v1/customers",
            &json!({"email": "gaurav.kumar@example.com", "contact": "+919000090000", "fail_existing": "0"}),
        )
        .await;
    assert_eq!(same["id"], customer_id.as_str());

    // A recurring payment needs an authorisation order (Razorpay API docs, "SetupMandate — recurring payments"), not a plain one.
    let plain = r.order(100, true).await;
    let mut body = r.card_payment(&plain, VISA);
    body["recurring"] = json!(1);
    body["customer_id"] = json!(customer_id);
    let error = r.post("/v1/payments/create/json", &body).await.error(
        400,
        "A recurring card payment needs an order created with customer_id, method card and token",
    );
    assert_eq!(error["field"], "order_id");

    // The authorisation order (Razorpay API docs, "SetupMandate — recurring payments").
    let order = r
        .post_ok(
            "/v1/orders",
            &json!({"amount": 100, "currency": "INR", "customer_id": customer_id, "method": "card",
                    "payment_capture": 1,
                    "token": {"max_amount": 500_000, "expire_at": 2_709_971_120_i64, "frequency": "as_presented"}}),
        )
        .await;
    assert_eq!(order["method"], "card");
    assert_eq!(
        order["token"],
        json!({"max_amount": 500_000, "expire_at": 2_709_971_120_i64, "frequency": "as_presented"})
    );
    let mut body = r.card_payment(&order, VISA);
    body["recurring"] = json!("1");
    let error = r.post("/v1/payments/create/json", &body).await.error(
        400,
        "The customer id field is required when recurring is present.",
    );
    assert_eq!(error["field"], "customer_id");
    body["customer_id"] = json!(customer_id);
    let (payment_id, page) = r.create_payment(&body).await;
    r.submit_otp(&page, "1234").await;
    let payment = r.get_ok(&format!("/v1/payments/{payment_id}")).await;
    assert_eq!(payment["status"], "captured");
    assert_eq!(payment["customer_id"], customer_id.as_str());
    let token_id = payment["token_id"].as_str().unwrap().to_string();
    assert!(token_id.starts_with("token_"));
    let hook = r.webhook("payment.authorized", &payment_id).await;
    assert_eq!(
        hook["payload"]["payment"]["entity"]["token_id"],
        token_id.as_str()
    );
    let tokens = r
        .get_ok(&format!("/v1/customers/{customer_id}/tokens"))
        .await;
    assert_eq!(tokens["count"], 1);
    assert_eq!(tokens["items"][0]["id"], token_id.as_str());
    assert_eq!(tokens["items"][0]["max_amount"], 500_000);
    assert_eq!(tokens["items"][0]["card"]["last4"], "1111");

    // A later charge: a new order, then create/recurring.
    let charge_order = r.order(19_900, false).await;
    let charge = json!({"email": "gaurav.kumar@example.com", "contact": "+919000090000",
                        "amount": 19_900, "currency": "INR", "order_id": charge_order["id"],
                        "customer_id": customer_id, "token": token_id, "recurring": "1",
                        "description": "Monthly box", "notes": {"cycle": "2"}});
    let charged = r.post_ok("/v1/payments/create/recurring", &charge).await;
    let charge_id = charged["razorpay_payment_id"].as_str().unwrap();
    assert_eq!(charged["razorpay_order_id"], charge_order["id"]);
    assert_eq!(
        charged["razorpay_signature"],
        hmac_hex(
            &r.key_secret,
            format!("{}|{charge_id}", charge_order["id"].as_str().unwrap()).as_bytes()
        )
    );
    let payment = r.get_ok(&format!("/v1/payments/{charge_id}")).await;
    assert_eq!(payment["status"], "authorized");
    assert_eq!(payment["token_id"], token_id.as_str());
    assert_eq!(payment["notes"], json!({"cycle": "2"}));
    r.webhook("payment.authorized", charge_id).await;

    // Unknown token, another customer's token, above the token's maximum.
    let other = r
        .post_ok(
            "/v1/customers",
            &json!({"name": "Other", "email": "other@example.com"}),
        )
        .await;
    let next_order = r.order(19_900, false).await;
    let mut bad = charge.clone();
    bad["order_id"] = next_order["id"].clone();
    bad["token"] = json!("token_DoesNotExist01");
    let error = r
        .post("/v1/payments/create/recurring", &bad)
        .await
        .error(400, "The id provided does not exist");
    assert_eq!(error["field"], "token");
    let mut bad = charge.clone();
    bad["order_id"] = next_order["id"].clone();
    bad["customer_id"] = other["id"].clone();
    let error = r
        .post("/v1/payments/create/recurring", &bad)
        .await
        .error(400, "The token does not belong to the customer");
    assert_eq!(error["field"], "token");
    let big_order = r.order(600_000, false).await;
    let mut bad = charge.clone();
    bad["order_id"] = big_order["id"].clone();
    bad["amount"] = json!(600_000);
    r.post("/v1/payments/create/recurring", &bad).await.error(
        400,
        "The amount is greater than the maximum amount allowed for the token",
    );
    // The order must match the charge.
    let mut bad = charge.clone();
    bad["order_id"] = next_order["id"].clone();
    bad["amount"] = json!(100);
    r.post("/v1/payments/create/recurring", &bad).await.error(
        400,
        "The payment amount should be equal to the order amount",
    );
}

#[tokio::test]
async fn uncaptured_authorizations_expire_into_automatic_refunds() {
    let r = start().await;
    let (order, payment_id) = r.authorized_payment(10_000, false).await;
    let (_, other_id) = r.authorized_payment(10_000, false).await;
    assert_eq!(
        r.control(Method::GET, "/razorpay/_sandbox/authorization_window", None)
            .await
            .json(),
        json!({"seconds": 432_000}),
        "5 days by default"
    );
    let expired = r
        .control(
            Method::POST,
            "/razorpay/_sandbox/expire_authorizations",
            Some(json!({"payment_id": payment_id})),
        )
        .await;
    assert_eq!(expired.status, 200, "{}", expired.text);
    assert_eq!(expired.json(), json!({"expired": [payment_id]}));
    let payment = r.get_ok(&format!("/v1/payments/{payment_id}")).await;
    assert_eq!(payment["status"], "refunded");
    assert_eq!(payment["captured"], false);
    assert_eq!(payment["amount_refunded"], 10_000);
    r.post(
        &format!("/v1/payments/{payment_id}/capture"),
        &json!({"amount": 10_000, "currency": "INR"}),
    )
    .await
    .error(
        400,
        "This payment has already been refunded as it was not captured in time",
    );
    r.post(&format!("/v1/payments/{payment_id}/refund"), &json!({}))
        .await
        .error(400, "The payment has been fully refunded already");
    assert_eq!(
        r.get_ok(&format!("/v1/orders/{}", order["id"].as_str().unwrap()))
            .await["status"],
        "attempted"
    );
    // Expiring it again is a conflict; the other payment is untouched until the window shrinks.
    let again = r
        .control(
            Method::POST,
            "/razorpay/_sandbox/expire_authorizations",
            Some(json!({"payment_id": payment_id})),
        )
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(
        r.get_ok(&format!("/v1/payments/{other_id}")).await["status"],
        "authorized"
    );
    let window = r
        .control(
            Method::PUT,
            "/razorpay/_sandbox/authorization_window",
            Some(json!({"seconds": 0})),
        )
        .await;
    assert_eq!(window.status, 200, "{}", window.text);
    assert_eq!(
        r.get_ok(&format!("/v1/payments/{other_id}")).await["status"],
        "refunded"
    );
}

#[tokio::test]
async fn faults_answer_razorpay_error_shapes() {
    let r = start().await;
    for (status, code) in [
        (503, "SERVER_ERROR"),
        (500, "SERVER_ERROR"),
        (429, "BAD_REQUEST_ERROR"),
    ] {
        let added = r
            .control(
                Method::POST,
                "/_sandbox/faults",
                Some(json!({"processor": "razorpay", "path": "/v1/orders",
                            "fault": {"type": "status", "status": status}})),
            )
            .await;
        assert_eq!(added.status, 200, "{}", added.text);
        let reply = r
            .post("/v1/orders", &json!({"amount": 100, "currency": "INR"}))
            .await;
        assert_eq!(reply.status, status);
        assert_eq!(reply.json()["error"]["code"], code);
    }
    let added = r
        .control(
            Method::POST,
            "/_sandbox/faults",
            Some(json!({"processor": "razorpay", "fault": {"type": "malformed"}})),
        )
        .await;
    assert_eq!(added.status, 200);
    let reply = r
        .post("/v1/orders", &json!({"amount": 100, "currency": "INR"}))
        .await;
    assert_eq!(reply.status, 200);
    assert!(serde_json::from_str::<Value>(&reply.text).is_err());
    // The malformed answer came after processing: the order exists.
    assert_eq!(r.get_ok("/v1/orders").await["count"], 1);
    let log = r
        .control(Method::GET, "/_sandbox/requests?processor=razorpay", None)
        .await
        .json();
    assert_eq!(log["by_path"]["POST /v1/orders"], 4);
}

/// Reconciliation after an unknown outcome: the order whose answer was lost is found by its
/// `receipt` (Razorpay API docs, "Fetch All Orders"), and `authorized` / `expand[]` tell
/// whether a payment went through.
#[tokio::test]
async fn lost_order_is_found_by_receipt() {
    let r = start().await;
    let fault = r
        .control(
            Method::POST,
            "/_sandbox/faults",
            Some(
                json!({"processor": "razorpay", "method": "POST", "path": "/v1/orders",
                        "fault": {"type": "drop"}}),
            ),
        )
        .await;
    assert_eq!(fault.status, 200, "{}", fault.text);
    let lost = r
        .http
        .post(r.url("/v1/orders"))
        .header("Authorization", r.auth())
        .header("Content-Type", "application/json")
        .body(json!({"amount": 50_000, "currency": "INR", "receipt": "cart-77"}).to_string())
        .send()
        .await;
    assert!(lost.is_err(), "the connection is dropped");
    r.post_ok(
        "/v1/orders",
        &json!({"amount": 100, "currency": "INR", "receipt": "cart-770"}),
    )
    .await;

    let found = r.get_ok("/v1/orders?receipt=cart-77").await;
    assert_eq!(found["entity"], "collection");
    assert_eq!(found["count"], 1);
    let order = found["items"][0].clone();
    assert_eq!(order["receipt"], "cart-77");
    assert_eq!(order["amount"], 50_000);
    assert_eq!(order["status"], "created");
    assert_eq!(
        r.get_ok("/v1/orders?receipt=cart-77&authorized=1").await["count"],
        0
    );

    // A payment on it, authorized through the OTP page: now listed as authorized, with it.
    let (payment_id, page) = r.create_payment(&r.card_payment(&order, VISA)).await;
    r.submit_otp(&page, "123456").await;
    let authorized = r
        .get_ok("/v1/orders?receipt=cart-77&authorized=1&expand[]=payments")
        .await;
    assert_eq!(authorized["count"], 1);
    let payments = &authorized["items"][0]["payments"];
    assert_eq!(payments["count"], 1);
    assert_eq!(payments["items"][0]["id"], payment_id.as_str());
    assert_eq!(payments["items"][0]["status"], "authorized");
    let without = r.get_ok("/v1/orders?authorized=0").await;
    assert_eq!(without["count"], 1);
    assert_eq!(without["items"][0]["receipt"], "cart-770");

    let bad = r.get("/v1/orders?count=101").await;
    let error = bad.error(400, "The count may not be greater than 100.");
    assert_eq!(error["field"], "count");
    // The list is the API proper: Basic auth is required.
    let anonymous = r
        .send(Method::GET, &r.url("/v1/orders?receipt=cart-77"), &[], None)
        .await;
    assert_eq!(anonymous.status, 401);
}
