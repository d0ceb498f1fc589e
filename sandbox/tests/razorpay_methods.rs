//! Razorpay emulation: UPI collect and intent, netbanking and wallets through `create/json`,
//! the mock bank page, the UPI completion hook and their webhooks.

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

fn method_payment(order: &Value, extra: Value) -> Value {
    let mut body = json!({
        "amount": order["amount"], "currency": order["currency"], "order_id": order["id"],
        "email": "gaurav.kumar@example.com", "contact": "9000090000",
        "ip": "203.0.113.7", "callback_url": CALLBACK,
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// POSTs `choice` to the mock bank page; answers the redirect's query parameters.
async fn choose(r: &Rzp, page: &str, choice: &str) -> Vec<(String, String)> {
    let reply = r
        .send(
            Method::POST,
            page,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            Some(format!("choice={choice}").into_bytes()),
        )
        .await;
    assert_eq!(reply.status, 302, "{}", reply.text);
    let location = reply.header("location").expect("a Location");
    assert!(location.starts_with(CALLBACK), "{location}");
    url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[tokio::test]
async fn netbanking_success_through_the_mock_page() {
    let r = start().await;
    let order = r.order(50_000, true).await;
    let order_id = order["id"].as_str().unwrap().to_string();
    let created = r
        .post_ok(
            "/v1/payments/create/json",
            &method_payment(&order, json!({"method": "netbanking", "bank": "HDFC"})),
        )
        .await;
    let id = created["razorpay_payment_id"].as_str().unwrap().to_string();
    let next = created["next"].as_array().unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0]["action"], "redirect");
    let page = next[0]["url"].as_str().unwrap().to_string();
    let otp = r
        .post(&format!("/v1/payments/{id}/otp_generate"), &json!({}))
        .await;
    otp.error(
        400,
        "OTP authentication is not available for this payment method",
    );
    let payment = r.get_ok(&format!("/v1/payments/{id}")).await;
    assert_eq!(payment["status"], "created");
    assert_eq!(payment["method"], "netbanking");
    assert_eq!(payment["bank"], "HDFC");
    assert_eq!(payment["card"], Value::Null);

    let form = r.send(Method::GET, &page, &[], None).await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains("value=\"success\""), "{}", form.text);
    assert!(form.text.contains("value=\"failure\""), "{}", form.text);

    let params = choose(&r, &page, "success").await;
    assert_eq!(param(&params, "razorpay_payment_id"), id);
    assert_eq!(param(&params, "razorpay_order_id"), order_id);
    assert_eq!(
        param(&params, "razorpay_signature"),
        hmac_hex(&r.key_secret, format!("{order_id}|{id}").as_bytes())
    );
    let payment = r.get_ok(&format!("/v1/payments/{id}")).await;
    assert_eq!(payment["status"], "captured", "payment_capture=1 captures");
    r.webhook("payment.authorized", &id).await;
    r.webhook("payment.captured", &id).await;
    r.webhook("order.paid", &id).await;
    // The page is single use.
    let again = r.send(Method::GET, &page, &[], None).await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn wallet_failure_through_the_mock_page() {
    let r = start().await;
    let order = r.order(10_000, false).await;
    let created = r
        .post_ok(
            "/v1/payments/create/json",
            &method_payment(&order, json!({"method": "wallet", "wallet": "mobikwik"})),
        )
        .await;
    let id = created["razorpay_payment_id"].as_str().unwrap().to_string();
    let page = created["next"][0]["url"].as_str().unwrap().to_string();
    let params = choose(&r, &page, "failure").await;
    assert_eq!(param(&params, "error[source]"), "customer");
    let payment = r.get_ok(&format!("/v1/payments/{id}")).await;
    assert_eq!(payment["status"], "failed");
    assert_eq!(payment["method"], "wallet");
    assert_eq!(payment["wallet"], "mobikwik");
    assert_eq!(payment["error_source"], "customer");
    r.webhook("payment.failed", &id).await;
}

#[tokio::test]
async fn wallet_success_is_authorized_without_auto_capture() {
    let r = start().await;
    let order = r.order(10_000, false).await;
    let created = r
        .post_ok(
            "/v1/payments/create/json",
            &method_payment(&order, json!({"method": "wallet", "wallet": "phonepe"})),
        )
        .await;
    let id = created["razorpay_payment_id"].as_str().unwrap().to_string();
    let page = created["next"][0]["url"].as_str().unwrap().to_string();
    choose(&r, &page, "success").await;
    let payment = r.get_ok(&format!("/v1/payments/{id}")).await;
    assert_eq!(payment["status"], "authorized");
}

#[tokio::test]
async fn bank_and_wallet_codes_are_validated() {
    let r = start().await;
    let order = r.order(10_000, false).await;
    for (extra, description) in [
        (
            json!({"method": "netbanking"}),
            "The bank field is required.",
        ),
        (
            json!({"method": "netbanking", "bank": "ZZZZ"}),
            "Invalid bank code provided.",
        ),
        (json!({"method": "wallet"}), "The wallet field is required."),
        (
            json!({"method": "wallet", "wallet": "paytm"}),
            "Invalid wallet name provided.",
        ),
        (
            json!({"method": "upi", "upi": {"flow": "collect"}}),
            "The upi vpa field is required.",
        ),
    ] {
        let reply = r
            .post("/v1/payments/create/json", &method_payment(&order, extra))
            .await;
        reply.error(400, description);
    }
}

#[tokio::test]
async fn upi_collect_test_vpas_decide_at_once() {
    let r = start().await;
    let order = r.order(10_000, true).await;
    let created = r
        .post_ok(
            "/v1/payments/create/json",
            &method_payment(
                &order,
                json!({"method": "upi", "upi": {"flow": "collect", "vpa": "success@razorpay"}}),
            ),
        )
        .await;
    let id = created["razorpay_payment_id"].as_str().unwrap().to_string();
    assert_eq!(
        created["next"],
        json!([{"action": "poll", "url": r.url(&format!("/v1/payments/{id}"))}])
    );
    let payment = r.get_ok(&format!("/v1/payments/{id}")).await;
    assert_eq!(payment["status"], "captured");
    assert_eq!(payment["method"], "upi");
    assert_eq!(payment["vpa"], "success@razorpay");
    r.webhook("payment.captured", &id).await;
    r.webhook("order.paid", &id).await;

    let order = r.order(10_000, false).await;
    let created = r
        .post_ok(
            "/v1/payments/create/json",
            &method_payment(
                &order,
                json!({"method": "upi", "upi": {"flow": "collect", "vpa": "failure@razorpay"}}),
            ),
        )
        .await;
    let id = created["razorpay_payment_id"].as_str().unwrap().to_string();
    let payment = r.get_ok(&format!("/v1/payments/{id}")).await;
    assert_eq!(payment["status"], "failed");
    assert_eq!(payment["error_source"], "customer");
    r.webhook("payment.failed", &id).await;

    let order = r.order(10_000, false).await;
    let created = r
        .post_ok(
            "/v1/payments/create/json",
            &method_payment(&order, json!({"method": "upi", "vpa": "someone@okbank"})),
        )
        .await;
    let id = created["razorpay_payment_id"].as_str().unwrap().to_string();
    let payment = r.get_ok(&format!("/v1/payments/{id}")).await;
    assert_eq!(payment["status"], "created", "other VPAs wait");
}

#[tokio::test]
async fn upi_intent_completes_through_the_sandbox_hook() {
    let r = start().await;
    let order = r.order(12_345, false).await;
    let created = r
        .post_ok(
            "/v1/payments/create/json",
            &method_payment(&order, json!({"method": "upi", "upi": {"flow": "intent"}})),
        )
        .await;
    let id = created["razorpay_payment_id"].as_str().unwrap().to_string();
    let next = created["next"].as_array().unwrap();
    assert_eq!(next.len(), 2);
    assert_eq!(next[0]["action"], "intent");
    let link = next[0]["url"].as_str().unwrap();
    assert!(link.starts_with("upi://pay?"), "{link}");
    assert!(link.contains("am=123.45"), "{link}");
    assert_eq!(next[1]["action"], "poll");
    let payment = r.get_ok(&format!("/v1/payments/{id}")).await;
    assert_eq!(payment["status"], "created");
    assert_eq!(payment["vpa"], Value::Null);

    let hook = format!("/razorpay/_sandbox/payments/{id}/complete");
    let bad = r
        .control(Method::POST, &hook, Some(json!({"result": "maybe"})))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    let done = r
        .control(Method::POST, &hook, Some(json!({"result": "success"})))
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    let payment = r.get_ok(&format!("/v1/payments/{id}")).await;
    assert_eq!(payment["status"], "authorized");
    r.webhook("payment.authorized", &id).await;
    let again = r
        .control(Method::POST, &hook, Some(json!({"result": "failure"})))
        .await;
    assert_eq!(again.status, 409, "{}", again.text);
}
