//! Xendit emulation, e-wallets (Xendit Payment Requests API, `EWALLET`): redirect channels through the mock
//! checkout page, push channels, magic amounts, validation and refunds.

mod xendit_common;

use reqwest::Method;
use serde_json::{json, Value};
use xendit_common::*;

fn urls() -> Value {
    json!({"success_return_url": "https://shop.example/ok", "failure_return_url": "https://shop.example/ko"})
}

#[tokio::test]
async fn redirect_channel_success() {
    let x = start().await;
    let pr = x
        .post_ok(
            "/payment_requests",
            &ewallet_request("DANA", "IDR", 25000, urls()),
        )
        .await;
    let id = pr["id"].as_str().unwrap().to_string();
    assert_eq!(pr["status"], "REQUIRES_ACTION");
    assert_eq!(pr["capture_method"], "AUTOMATIC");
    assert_eq!(pr["payment_method"]["type"], "EWALLET");
    assert_eq!(pr["payment_method"]["ewallet"]["channel_code"], "DANA");
    let actions = pr["actions"].as_array().unwrap();
    let types: Vec<&str> = actions
        .iter()
        .map(|a| a["url_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["WEB", "MOBILE"]);
    for a in actions {
        assert_eq!(a["action"], "AUTH");
        assert_eq!(a["method"], "GET");
        assert_eq!(a["qr_code"], Value::Null);
    }
    let page = actions[0]["url"].as_str().unwrap().to_string();
    assert!(page.starts_with(&x.url("/web/ewallet/")), "{page}");
    let form = x.send(Method::GET, &page, &[], None).await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains("DANA"));

    assert_eq!(
        x.complete_page(&page, "success").await,
        "https://shop.example/ok"
    );
    let cb = x.next_callback("payment.succeeded", &id).await;
    assert_eq!(
        cb["data"]["payment_method"]["ewallet"]["channel_code"],
        "DANA"
    );
    assert_eq!(cb["data"]["status"], "SUCCEEDED");
    assert_eq!(
        x.get_ok(&format!("/payment_requests/{id}")).await["status"],
        "SUCCEEDED"
    );
    // DANA refunds are not available.
    x.post("/refunds", &json!({"payment_request_id": id}))
        .await
        .error(400, "REFUND_NOT_SUPPORTED");
}

#[tokio::test]
async fn redirect_channel_failure_and_magic_failure_amounts() {
    let x = start().await;
    let pr = x
        .post_ok(
            "/payment_requests",
            &ewallet_request("GCASH", "PHP", 500, urls()),
        )
        .await;
    let id = pr["id"].as_str().unwrap();
    let page = pr["actions"][0]["url"].as_str().unwrap();
    assert_eq!(
        x.complete_page(page, "failure").await,
        "https://shop.example/ko"
    );
    let cb = x.next_callback("payment.failed", id).await;
    assert_eq!(cb["data"]["failure_code"], "USER_DECLINED_PAYMENT");
    assert_eq!(
        x.get_ok(&format!("/payment_requests/{id}")).await["status"],
        "FAILED"
    );

    // 20103: the shopper approves, the wallet blocks the account.
    let pr = x
        .post_ok(
            "/payment_requests",
            &ewallet_request("LINKAJA", "IDR", 20103, urls()),
        )
        .await;
    let id = pr["id"].as_str().unwrap();
    assert_eq!(pr["status"], "REQUIRES_ACTION");
    let page = pr["actions"][0]["url"].as_str().unwrap();
    assert_eq!(
        x.complete_page(page, "success").await,
        "https://shop.example/ko"
    );
    let cb = x.next_callback("payment.failed", id).await;
    assert_eq!(cb["data"]["failure_code"], "ACCOUNT_ACCESS_BLOCKED");
}

#[tokio::test]
async fn shopeepay_deeplink_and_qr() {
    let x = start().await;
    let pr = x
        .post_ok(
            "/payment_requests",
            &ewallet_request("SHOPEEPAY", "IDR", 15000, urls()),
        )
        .await;
    let actions = pr["actions"].as_array().unwrap();
    assert_eq!(actions[0]["url_type"], "DEEPLINK");
    assert!(actions[1]["qr_code"].is_string());
    let page = actions[0]["url"].as_str().unwrap();
    assert_eq!(
        x.complete_page(page, "success").await,
        "https://shop.example/ok"
    );
    let id = pr["id"].as_str().unwrap();
    x.next_callback("payment.succeeded", id).await;
    // ShopeePay refunds are available.
    let refund = x
        .post_ok(
            "/refunds",
            &json!({"payment_request_id": id, "amount": 5000}),
        )
        .await;
    assert_eq!(refund["channel_code"], "SHOPEEPAY");
    assert_eq!(refund["payment_method_type"], "EWALLET");
}

#[tokio::test]
async fn push_channels_are_pending_then_called_back() {
    let x = start().await;
    let pr = x
        .post_ok(
            "/payment_requests",
            &ewallet_request(
                "OVO",
                "IDR",
                25000,
                json!({"mobile_number": "+628123123123"}),
            ),
        )
        .await;
    assert_eq!(pr["status"], "PENDING");
    assert_eq!(pr["actions"], json!([]));
    let id = pr["id"].as_str().unwrap();
    let cb = x.next_callback("payment.succeeded", id).await;
    assert_eq!(
        cb["data"]["payment_method"]["ewallet"]["channel_code"],
        "OVO"
    );

    let pr = x
        .post_ok(
            "/payment_requests",
            &ewallet_request("JENIUSPAY", "IDR", 20105, json!({"cashtag": "$joseph"})),
        )
        .await;
    assert_eq!(pr["status"], "PENDING");
    let id = pr["id"].as_str().unwrap();
    let cb = x.next_callback("payment.failed", id).await;
    assert_eq!(cb["data"]["failure_code"], "USER_DECLINED_PAYMENT");
    assert_eq!(
        x.get_ok(&format!("/payment_requests/{id}")).await["status"],
        "FAILED"
    );
}

#[tokio::test]
async fn magic_error_amounts_and_validation() {
    let x = start().await;
    for (amount, status, code) in [
        (10100, 403, "CHANNEL_NOT_ACTIVATED"),
        (10101, 503, "CHANNEL_UNAVAILABLE"),
        (10102, 500, "SERVER_ERROR"),
    ] {
        x.post(
            "/payment_requests",
            &ewallet_request("DANA", "IDR", amount, urls()),
        )
        .await
        .error(status, code);
    }
    x.post(
        "/payment_requests",
        &ewallet_request("OVO", "IDR", 25000, json!({})),
    )
    .await
    .error(400, "API_VALIDATION_ERROR");
    x.post(
        "/payment_requests",
        &ewallet_request("JENIUSPAY", "IDR", 25000, json!({})),
    )
    .await
    .error(400, "API_VALIDATION_ERROR");
    x.post(
        "/payment_requests",
        &ewallet_request("DANA", "PHP", 250, urls()),
    )
    .await
    .error(400, "UNSUPPORTED_CURRENCY");
    x.post(
        "/payment_requests",
        &ewallet_request("DANA", "IDR", 25000, json!({})),
    )
    .await
    .error(400, "API_VALIDATION_ERROR");
    x.post(
        "/payment_requests",
        &ewallet_request("SAKUKU", "IDR", 25000, urls()),
    )
    .await
    .error(400, "API_VALIDATION_ERROR");
    let mut linking = ewallet_request("ASTRAPAY", "IDR", 25000, urls());
    linking["payment_method"]["reusability"] = json!("MULTIPLE_USE");
    x.post("/payment_requests", &linking)
        .await
        .error(400, "API_VALIDATION_ERROR");
    let mut manual = ewallet_request("DANA", "IDR", 25000, urls());
    manual["capture_method"] = json!("MANUAL");
    x.post("/payment_requests", &manual)
        .await
        .error(400, "API_VALIDATION_ERROR");
}

#[tokio::test]
async fn simulate_completes_an_ewallet_payment() {
    let x = start().await;
    let pr = x
        .post_ok(
            "/payment_requests",
            &ewallet_request("PAYMAYA", "PHP", 300, urls()),
        )
        .await;
    let id = pr["id"].as_str().unwrap();
    let reply = x
        .post(
            &format!("/payment_requests/{id}/payments/simulate"),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["status"], "SUCCEEDED");
    x.next_callback("payment.succeeded", id).await;
    x.post(
        &format!("/payment_requests/{id}/payments/simulate"),
        &json!({}),
    )
    .await
    .error(400, "INACTIVE_PAYMENT_REQUEST");
    let card = x
        .post_ok(
            "/payment_requests",
            &card_request(CHALLENGE_CARD, "AUTOMATIC"),
        )
        .await;
    x.post(
        &format!(
            "/payment_requests/{}/payments/simulate",
            card["id"].as_str().unwrap()
        ),
        &json!({}),
    )
    .await
    .error(400, "API_VALIDATION_ERROR");
}
