//! Xendit emulation, cards: authentication, 3-D Secure through the challenge page, frictionless
//! approvals, declines, manual capture, refunds, saved cards, idempotency, validation and the
//! callbacks (Xendit Payment Requests API).

mod xendit_common;

use reqwest::Method;
use serde_json::{json, Value};
use xendit_common::*;

#[tokio::test]
async fn basic_auth_takes_the_secret_key_and_an_empty_password() {
    let x = start().await;
    let body = card_request(FRICTIONLESS_CARD, "AUTOMATIC").to_string();
    let url = x.url("/payment_requests");
    let cases = [
        None,
        Some(format!("Basic {}", b64(&format!("{}:x", x.secret_key)))),
        Some(format!("Basic {}", b64("xnd_development_wrong:"))),
        Some(format!("Basic {}", b64(&x.secret_key))),
        Some(format!("Bearer {}", x.secret_key)),
    ];
    for auth in cases {
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(a) = &auth {
            headers.push(("Authorization", a.as_str()));
        }
        let reply = x
            .send(Method::POST, &url, &headers, Some(body.clone()))
            .await;
        reply.error(401, "INVALID_API_KEY");
    }
    let reply = x.get("/payment_requests/pr-unknown").await;
    reply.error(404, "DATA_NOT_FOUND");
}

fn b64(text: &str) -> String {
    use base64::prelude::{Engine as _, BASE64_STANDARD};
    BASE64_STANDARD.encode(text)
}

#[tokio::test]
async fn three_d_secure_challenge_then_automatic_capture() {
    let x = start().await;
    let pr = x
        .post_ok(
            "/payment_requests",
            &card_request(CHALLENGE_CARD, "AUTOMATIC"),
        )
        .await;
    let id = pr["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("pr-"), "{id}");
    assert_eq!(pr["status"], "REQUIRES_ACTION");
    assert_eq!(pr["capture_method"], "AUTOMATIC");
    assert_eq!(pr["amount"], 10000);
    assert_eq!(pr["currency"], "IDR");
    assert_eq!(pr["country"], "ID");
    assert_eq!(pr["reference_id"], "order-42");
    assert_eq!(pr["failure_code"], Value::Null);
    let card = &pr["payment_method"]["card"]["card_information"];
    assert_eq!(card["masked_card_number"], "400000XXXXXX1091");
    assert_eq!(card["network"], "VISA");
    assert!(!pr.to_string().contains(CHALLENGE_CARD), "no full PAN");
    assert!(!pr.to_string().contains("\"123\""), "no CVV");
    assert_eq!(pr["payment_method"]["status"], "PENDING");
    assert!(pr["payment_method"]["id"]
        .as_str()
        .unwrap()
        .starts_with("pm-"));
    let actions = pr["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0]["action"], "AUTH");
    assert_eq!(actions[0]["url_type"], "WEB");
    assert_eq!(actions[0]["method"], "GET");
    assert_eq!(actions[0]["qr_code"], Value::Null);
    let page = actions[0]["url"].as_str().unwrap().to_string();
    assert!(page.starts_with(&x.url("/web/3ds/")), "{page}");

    // The page: GET shows a form without the API key, and never the card number.
    let form = x.send(Method::GET, &page, &[], None).await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains("name=\"result\""), "{}", form.text);
    assert!(form.text.contains("400000XXXXXX1091"));
    // Nothing happens before the shopper acts.
    assert_eq!(
        x.get_ok(&format!("/payment_requests/{id}")).await["status"],
        "REQUIRES_ACTION"
    );
    x.no_callback("payment.succeeded", &id).await;

    let location = x.complete_page(&page, "success").await;
    assert_eq!(location, "https://merchant.example/return/success");
    let synced = x.get_ok(&format!("/payment_requests/{id}")).await;
    assert_eq!(synced["status"], "SUCCEEDED");
    assert_eq!(synced["actions"], json!([]));
    assert_eq!(
        synced["card_verification_results"]["three_d_secure"]["three_d_secure_flow"],
        "CHALLENGE"
    );
    let cb = x.next_callback("payment.succeeded", &id).await;
    assert_eq!(cb["api_version"], Value::Null);
    assert_eq!(cb["data"]["payment_request_id"], id.as_str());
    assert!(cb["data"]["id"].as_str().unwrap().starts_with("py-"));
    assert_eq!(cb["data"]["status"], "SUCCEEDED");
    assert_eq!(cb["data"]["amount"], 10000);
    assert_eq!(cb["data"]["reference_id"], "order-42");

    // The page works once.
    let again = x
        .send(Method::POST, &page, &[], Some("result=success".into()))
        .await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn a_failed_challenge_fails_the_payment() {
    let x = start().await;
    let pr = x
        .post_ok(
            "/payment_requests",
            &card_request("5200000000002151", "MANUAL"),
        )
        .await;
    let id = pr["id"].as_str().unwrap();
    let page = pr["actions"][0]["url"].as_str().unwrap();
    let location = x.complete_page(page, "failure").await;
    assert_eq!(location, "https://merchant.example/return/failure");
    let synced = x.get_ok(&format!("/payment_requests/{id}")).await;
    assert_eq!(synced["status"], "FAILED");
    assert_eq!(synced["failure_code"], "AUTHENTICATION_FAILED");
    assert_eq!(synced["payment_method"]["status"], "FAILED");
    let cb = x.next_callback("payment.failed", id).await;
    assert_eq!(cb["data"]["failure_code"], "AUTHENTICATION_FAILED");
    assert_eq!(cb["data"]["status"], "FAILED");
}

#[tokio::test]
async fn skipping_3ds_or_a_frictionless_card_is_pending_then_final() {
    let x = start().await;
    let mut body = card_request(CHALLENGE_CARD, "AUTOMATIC");
    body["payment_method"]["card"]["channel_properties"]["skip_three_d_secure"] = json!(true);
    let pr = x.post_ok("/payment_requests", &body).await;
    assert_eq!(pr["status"], "PENDING");
    assert_eq!(pr["actions"], json!([]));
    let id = pr["id"].as_str().unwrap();
    let cb = x.next_callback("payment.succeeded", id).await;
    assert_eq!(cb["data"]["status"], "SUCCEEDED");
    assert_eq!(
        x.get_ok(&format!("/payment_requests/{id}")).await["status"],
        "SUCCEEDED"
    );

    let pr = x
        .post_ok(
            "/payment_requests",
            &card_request(FRICTIONLESS_CARD, "MANUAL"),
        )
        .await;
    assert_eq!(pr["status"], "PENDING");
    let id = pr["id"].as_str().unwrap();
    let cb = x.next_callback("payment.awaiting_capture", id).await;
    assert_eq!(cb["data"]["status"], "AWAITING_CAPTURE");
    let synced = x.get_ok(&format!("/payment_requests/{id}")).await;
    assert_eq!(synced["status"], "AWAITING_CAPTURE");
    assert_eq!(synced["capture_method"], "MANUAL");
}

#[tokio::test]
async fn declines_are_failed_payment_requests_not_http_errors() {
    let x = start().await;
    let pr = x
        .post_ok(
            "/payment_requests",
            &card_request(DECLINE_CARD, "AUTOMATIC"),
        )
        .await;
    assert_eq!(pr["status"], "FAILED");
    assert_eq!(pr["failure_code"], "DECLINED_BY_ISSUER");
    assert_eq!(pr["actions"], json!([]));
    let id = pr["id"].as_str().unwrap();
    let cb = x.next_callback("payment.failed", id).await;
    assert_eq!(cb["data"]["failure_code"], "DECLINED_BY_ISSUER");
    let synced = x.get_ok(&format!("/payment_requests/{id}")).await;
    assert_eq!(synced["status"], "FAILED");

    let pr = x
        .post_ok(
            "/payment_requests",
            &card_request("4000000000009201", "MANUAL"),
        )
        .await;
    assert_eq!(pr["failure_code"], "INSUFFICIENT_BALANCE");
}

#[tokio::test]
async fn manual_capture_partial_captures_and_refunds() {
    let x = start().await;
    let pr = x
        .post_ok(
            "/payment_requests",
            &card_request(FRICTIONLESS_CARD, "MANUAL"),
        )
        .await;
    let id = pr["id"].as_str().unwrap().to_string();
    x.next_callback("payment.awaiting_capture", &id).await;

    // Refunding before capture is not possible.
    x.post("/refunds", &json!({"payment_request_id": id}))
        .await
        .error(400, "INELIGIBLE_TRANSACTION");

    let capture = x
        .post_ok(
            &format!("/payment_requests/{id}/captures"),
            &json!({"capture_amount": 4000, "reference_id": "cap-1"}),
        )
        .await;
    assert_eq!(capture["payment_request_id"], id.as_str());
    assert!(capture["payment_id"].as_str().unwrap().starts_with("py-"));
    assert_eq!(capture["status"], "SUCCEEDED");
    assert_eq!(capture["authorized_amount"], 10000);
    assert_eq!(capture["captured_amount"], 4000);
    assert_eq!(capture["reference_id"], "cap-1");
    let cb = x.next_callback("capture.succeeded", &id).await;
    assert_eq!(cb["data"]["payment_request_id"], id.as_str());
    assert_eq!(
        x.get_ok(&format!("/payment_requests/{id}")).await["status"],
        "AWAITING_CAPTURE"
    );

    x.post(
        &format!("/payment_requests/{id}/captures"),
        &json!({"capture_amount": 6001}),
    )
    .await
    .error(400, "CAPTURE_AMOUNT_EXCEEDED");
    let second = x
        .post_ok(
            &format!("/payment_requests/{id}/captures"),
            &json!({"capture_amount": 6000}),
        )
        .await;
    assert_eq!(second["captured_amount"], 10000);
    assert_eq!(
        x.get_ok(&format!("/payment_requests/{id}")).await["status"],
        "SUCCEEDED"
    );
    x.post(
        &format!("/payment_requests/{id}/captures"),
        &json!({"capture_amount": 1}),
    )
    .await
    .error(400, "INACTIVE_PAYMENT_REQUEST");
    let captures = x.get_ok(&format!("/payment_requests/{id}/captures")).await;
    assert_eq!(captures["data"].as_array().unwrap().len(), 2);

    // A partial refund, then the rest (no amount), then nothing is left.
    let refund = x
        .post_ok(
            "/refunds",
            &json!({"payment_request_id": id, "amount": 2500, "currency": "IDR",
                    "reason": "REQUESTED_BY_CUSTOMER", "reference_id": "rf-1"}),
        )
        .await;
    let rid = refund["id"].as_str().unwrap().to_string();
    assert!(rid.starts_with("rfd-"));
    assert_eq!(refund["status"], "PENDING");
    assert_eq!(refund["amount"], 2500);
    assert_eq!(refund["payment_request_id"], id.as_str());
    assert_eq!(refund["reference_id"], "rf-1");
    let fetched = x.get_ok(&format!("/refunds/{rid}")).await;
    assert_eq!(fetched["status"], "SUCCEEDED");
    assert_eq!(fetched["amount"], 2500);
    let cb = x.next_callback("refund.succeeded", &rid).await;
    assert_eq!(cb["data"]["id"], rid.as_str());
    assert_eq!(cb["data"]["payment_id"], capture["payment_id"]);
    assert_eq!(cb["data"]["status"], "SUCCEEDED");

    x.post(
        "/refunds",
        &json!({"payment_request_id": id, "amount": 7501}),
    )
    .await
    .error(400, "REFUND_AMOUNT_EXCEEDED");
    let rest = x
        .post_ok("/refunds", &json!({"payment_request_id": id}))
        .await;
    assert_eq!(rest["amount"], 7500);
    x.post("/refunds", &json!({"payment_request_id": id}))
        .await
        .error(400, "MAXIMUM_REFUND_AMOUNT_REACHED");
    let list = x.get_ok(&format!("/refunds?payment_request_id={id}")).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    x.get("/refunds/rfd-unknown")
        .await
        .error(404, "DATA_NOT_FOUND");
    x.post("/refunds", &json!({"payment_request_id": "pr-unknown"}))
        .await
        .error(404, "DATA_NOT_FOUND");
    x.post(
        "/refunds",
        &json!({"payment_request_id": id, "reason": "BORED"}),
    )
    .await
    .error(400, "API_VALIDATION_ERROR");
}

#[tokio::test]
async fn captures_need_a_manual_authorization() {
    let x = start().await;
    let auto = x
        .post_ok(
            "/payment_requests",
            &card_request(FRICTIONLESS_CARD, "AUTOMATIC"),
        )
        .await;
    let id = auto["id"].as_str().unwrap();
    x.post(
        &format!("/payment_requests/{id}/captures"),
        &json!({"capture_amount": 10000}),
    )
    .await
    .error(400, "INACTIVE_PAYMENT_REQUEST");
    let waiting = x
        .post_ok("/payment_requests", &card_request(CHALLENGE_CARD, "MANUAL"))
        .await;
    let id = waiting["id"].as_str().unwrap();
    x.post(
        &format!("/payment_requests/{id}/captures"),
        &json!({"capture_amount": 10000}),
    )
    .await
    .error(400, "INELIGIBLE_TRANSACTION_STATUS");
    // There is no void in this API generation.
    x.post(&format!("/payment_requests/{id}/cancel"), &json!({}))
        .await
        .error(404, "NOT_FOUND");
}

#[tokio::test]
async fn saved_cards_are_charged_with_their_payment_method_id() {
    let x = start().await;
    let mut body = card_request(FRICTIONLESS_CARD, "AUTOMATIC");
    body["payment_method"]["reusability"] = json!("MULTIPLE_USE");
    let pr = x.post_ok("/payment_requests", &body).await;
    let pm = pr["payment_method"]["id"].as_str().unwrap().to_string();
    assert_eq!(pr["payment_method"]["reusability"], "MULTIPLE_USE");
    x.next_callback("payment.succeeded", pr["id"].as_str().unwrap())
        .await;
    assert_eq!(
        x.get_ok(&format!("/payment_requests/{}", pr["id"].as_str().unwrap()))
            .await["payment_method"]["status"],
        "ACTIVE"
    );

    let charge = json!({
        "reference_id": "mit-1", "amount": 25000, "currency": "IDR", "capture_method": "AUTOMATIC",
        "payment_method_id": pm,
        "channel_properties": {"skip_three_d_secure": true,
                               "success_return_url": "https://merchant.example/ok",
                               "failure_return_url": "https://merchant.example/ko"}
    });
    let paid = x.post_ok("/payment_requests", &charge).await;
    assert_eq!(paid["status"], "PENDING");
    assert_eq!(paid["payment_method"]["id"], pm.as_str());
    assert_eq!(paid["channel_properties"]["skip_three_d_secure"], true);
    let id = paid["id"].as_str().unwrap();
    x.next_callback("payment.succeeded", id).await;
    assert_eq!(
        x.get_ok(&format!("/payment_requests/{id}")).await["status"],
        "SUCCEEDED"
    );

    // A one-time card cannot be reused; an unknown id is refused.
    let once = x
        .post_ok(
            "/payment_requests",
            &card_request(FRICTIONLESS_CARD, "AUTOMATIC"),
        )
        .await;
    let mut reuse = charge.clone();
    reuse["payment_method_id"] = once["payment_method"]["id"].clone();
    x.post("/payment_requests", &reuse)
        .await
        .error(400, "INVALID_PAYMENT_METHOD_ID");
    reuse["payment_method_id"] = json!("pm-unknown");
    x.post("/payment_requests", &reuse)
        .await
        .error(400, "INVALID_PAYMENT_METHOD_ID");
}

#[tokio::test]
async fn standalone_payment_methods() {
    let x = start().await;
    let body = json!({
        "type": "CARD", "reusability": "MULTIPLE_USE", "reference_id": "save-1",
        "card": {
            "currency": "IDR",
            "channel_properties": {"success_return_url": "https://merchant.example/ok",
                                   "failure_return_url": "https://merchant.example/ko"},
            "card_information": {"card_number": CHALLENGE_CARD, "expiry_month": "12", "expiry_year": "2030",
                                 "cardholder_name": "Joseph Doe", "cardholder_email": "joseph@example.com",
                                 "cardholder_phone_number": "+6281234567890"}
        }
    });
    let pm = x.post_ok("/v2/payment_methods", &body).await;
    assert_eq!(pm["status"], "PENDING");
    let id = pm["id"].as_str().unwrap().to_string();
    let page = pm["actions"][0]["url"].as_str().unwrap().to_string();
    assert_eq!(
        x.complete_page(&page, "success").await,
        "https://merchant.example/ok"
    );
    let fetched = x.get_ok(&format!("/v2/payment_methods/{id}")).await;
    assert_eq!(fetched["status"], "ACTIVE");
    let cb = x.next_callback("payment_method.activated", &id).await;
    assert_eq!(cb["data"]["id"], id.as_str());

    let charge = json!({"amount": 10000, "currency": "IDR", "payment_method_id": id,
                        "channel_properties": {"skip_three_d_secure": true}});
    let paid = x.post_ok("/payment_requests", &charge).await;
    assert_eq!(paid["status"], "PENDING");
}

#[tokio::test]
async fn idempotency_key_replays_or_conflicts() {
    let x = start().await;
    let body = card_request(FRICTIONLESS_CARD, "AUTOMATIC");
    let first = x
        .post_with("/payment_requests", &body, &[("idempotency-key", "key-1")])
        .await;
    assert_eq!(first.status, 201);
    let second = x
        .post_with("/payment_requests", &body, &[("idempotency-key", "key-1")])
        .await;
    assert_eq!(second.status, 201);
    assert_eq!(first.json(), second.json(), "the stored answer is replayed");
    let list = x.get_ok("/payment_requests?reference_id=order-42").await;
    assert_eq!(
        list["data"].as_array().unwrap().len(),
        1,
        "one payment only"
    );

    let mut other = body.clone();
    other["amount"] = json!(20000);
    x.post_with("/payment_requests", &other, &[("idempotency-key", "key-1")])
        .await
        .error(409, "IDEMPOTENCY_ERROR");
    // Without a key, the same body makes a second payment.
    x.post_ok("/payment_requests", &body).await;
    let list = x.get_ok("/payment_requests?reference_id=order-42").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);

    // Refunds too.
    let pr = first.json();
    let refund = json!({"payment_request_id": pr["id"], "amount": 1000});
    let r1 = x
        .post_with("/refunds", &refund, &[("idempotency-key", "rk")])
        .await;
    let r2 = x
        .post_with("/refunds", &refund, &[("idempotency-key", "rk")])
        .await;
    assert_eq!(r1.json()["id"], r2.json()["id"]);
    let list = x
        .get_ok(&format!(
            "/refunds?payment_request_id={}",
            pr["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn validation_errors() {
    let x = start().await;
    let check = |mutate: fn(&mut Value), code: &'static str| {
        let mut body = card_request(FRICTIONLESS_CARD, "AUTOMATIC");
        mutate(&mut body);
        (body, code)
    };
    let cases = [
        check(|b| b["amount"] = json!(10000.5), "API_VALIDATION_ERROR"),
        check(|b| b["amount"] = json!("10000"), "API_VALIDATION_ERROR"),
        check(|b| b["amount"] = json!(1), "API_VALIDATION_ERROR"),
        check(
            |b| {
                b.as_object_mut().unwrap().remove("amount");
            },
            "API_VALIDATION_ERROR",
        ),
        check(|b| b["currency"] = json!("EUR"), "UNSUPPORTED_CURRENCY"),
        check(
            |b| b["capture_method"] = json!("LATER"),
            "API_VALIDATION_ERROR",
        ),
        check(
            |b| {
                b.as_object_mut().unwrap().remove("payment_method");
            },
            "API_VALIDATION_ERROR",
        ),
        check(
            |b| b["payment_method"]["type"] = json!("CASH"),
            "API_VALIDATION_ERROR",
        ),
        check(
            |b| {
                b["payment_method"]["card"]["card_information"]["card_number"] =
                    json!("4000000000001092")
            },
            "INVALID_PAYMENT_DETAILS",
        ),
        check(
            |b| b["payment_method"]["card"]["card_information"]["expiry_month"] = json!("13"),
            "API_VALIDATION_ERROR",
        ),
        check(
            |b| b["payment_method"]["card"]["card_information"]["expiry_year"] = json!("30"),
            "API_VALIDATION_ERROR",
        ),
        check(
            |b| b["payment_method"]["card"]["card_information"]["expiry_year"] = json!("2020"),
            "CARD_EXPIRED",
        ),
        check(
            |b| b["payment_method"]["card"]["card_information"]["cvv"] = json!("12"),
            "API_VALIDATION_ERROR",
        ),
        check(
            |b| {
                b["payment_method"]["card"]["card_information"]
                    .as_object_mut()
                    .unwrap()
                    .remove("cardholder_email");
            },
            "API_VALIDATION_ERROR",
        ),
        check(
            |b| {
                b["payment_method"]["card"]["channel_properties"]["success_return_url"] =
                    json!("not a url")
            },
            "API_VALIDATION_ERROR",
        ),
    ];
    for (body, code) in cases {
        let reply = x.post("/payment_requests", &body).await;
        let error = reply.error(400, code);
        if code == "API_VALIDATION_ERROR" {
            assert!(error["errors"].is_array(), "{error}");
        }
    }
    let mut low = card_request(FRICTIONLESS_CARD, "AUTOMATIC");
    low["amount"] = json!(1);
    let error = x
        .post("/payment_requests", &low)
        .await
        .error(400, "API_VALIDATION_ERROR");
    assert!(
        error["message"].as_str().unwrap().contains("minimum"),
        "{error}"
    );

    // A challenge card without return URLs.
    let mut body = card_request(CHALLENGE_CARD, "AUTOMATIC");
    body["payment_method"]["card"]["channel_properties"] = json!({"skip_three_d_secure": false});
    x.post("/payment_requests", &body)
        .await
        .error(400, "API_VALIDATION_ERROR");
    // Not JSON.
    let auth = x.auth();
    let reply = x
        .send(
            Method::POST,
            &x.url("/payment_requests"),
            &[("Authorization", auth.as_str())],
            Some("{\"amount\": ".into()),
        )
        .await;
    reply.error(400, "API_VALIDATION_ERROR");
    // USD takes two decimals.
    let mut usd = card_request(FRICTIONLESS_CARD, "AUTOMATIC");
    usd["currency"] = json!("USD");
    usd["amount"] = json!(10.5);
    let pr = x.post_ok("/payment_requests", &usd).await;
    assert_eq!(pr["amount"], 10.5);
}

#[tokio::test]
async fn faults_use_xendit_error_bodies() {
    let x = start().await;
    for (status, code) in [
        (500, "SERVER_ERROR"),
        (503, "CHANNEL_UNAVAILABLE"),
        (429, "PAYMENT_REQUEST_RATE_LIMITED"),
    ] {
        let reply = x
            .control(
                Method::POST,
                "/_sandbox/faults",
                Some(
                    json!({"processor": "xendit", "method": "POST", "path": "/payment_requests",
                            "fault": {"type": "status", "status": status}, "count": 1}),
                ),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        x.post(
            "/payment_requests",
            &card_request(FRICTIONLESS_CARD, "AUTOMATIC"),
        )
        .await
        .error(status, code);
    }
}

#[tokio::test]
async fn sandbox_hooks_complete_and_expire() {
    let x = start().await;
    let pr = x
        .post_ok(
            "/payment_requests",
            &card_request(CHALLENGE_CARD, "AUTOMATIC"),
        )
        .await;
    let id = pr["id"].as_str().unwrap();
    let reply = x
        .control(
            Method::POST,
            &format!("/xendit/_sandbox/payment_requests/{id}/complete"),
            Some(json!({"result": "failure", "failure_code": "DECLINED_BY_ISSUER"})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["status"], "FAILED");
    assert_eq!(reply.json()["failure_code"], "DECLINED_BY_ISSUER");

    let pr = x
        .post_ok(
            "/payment_requests",
            &card_request(CHALLENGE_CARD, "AUTOMATIC"),
        )
        .await;
    let id = pr["id"].as_str().unwrap();
    let reply = x
        .control(
            Method::POST,
            &format!("/xendit/_sandbox/payment_requests/{id}/expire"),
            None,
        )
        .await;
    assert_eq!(reply.json()["status"], "EXPIRED");
    let page = pr["actions"][0]["url"].as_str().unwrap();
    let gone = x.send(Method::GET, page, &[], None).await;
    assert_eq!(gone.status, 404);

    // Unfinished requests expire after the account's expiry time.
    let reply = x
        .control(Method::GET, "/xendit/_sandbox/expiry", None)
        .await;
    assert_eq!(reply.json()["seconds"], 900);
    let pr = x
        .post_ok(
            "/payment_requests",
            &card_request(CHALLENGE_CARD, "AUTOMATIC"),
        )
        .await;
    let id = pr["id"].as_str().unwrap();
    let reply = x
        .control(
            Method::PUT,
            "/xendit/_sandbox/expiry",
            Some(json!({"seconds": 0})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        x.get_ok(&format!("/payment_requests/{id}")).await["status"],
        "EXPIRED"
    );
    assert_eq!(
        x.get_ok(&format!("/payment_requests/{id}")).await["payment_method"]["status"],
        "EXPIRED"
    );
}
