//! Checkout.com emulation: authentication, authorize (201 approvals and declines, 202 3-D
//! Secure), PSync, captures/voids/refunds (202 + actions + signed webhooks), card
//! verification and stored instruments, idempotency, tokens, errors (checkout.md).

mod checkout_common;

use checkout_common::*;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn bearer_secret_key_is_required() {
    let c = start().await;
    let body = c.payment(VISA, 100, false).to_string().into_bytes();
    for auth in [
        None,
        Some("Bearer sk_sbox_wrong".to_string()),
        Some(c.secret_key.clone()),
        Some(format!("Basic {}", c.secret_key)),
        Some(format!("Bearer {}", c.public_key)),
    ] {
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(a) = &auth {
            headers.push(("Authorization", a.as_str()));
        }
        let reply = c
            .send(
                Method::POST,
                &c.url("/payments"),
                &headers,
                Some(body.clone()),
            )
            .await;
        assert_eq!(reply.status, 401, "{auth:?}");
        assert!(reply.text.is_empty(), "401 has an empty body");
        assert!(reply.header("cko-request-id").is_some());
    }
    let creds = c.sandbox.credentials()["checkout"].clone();
    let mut keys = creds
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect::<Vec<_>>();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "processing_channel_id",
            "public_key",
            "secret_key",
            "type",
            "webhook_secrets"
        ]
    );
    assert_eq!(creds["type"], "checkout");
}

#[tokio::test]
async fn manual_capture_partial_capture_refund_and_actions() {
    let c = start().await;
    let p = c.authorize(VISA, 6540, false).await;
    let id = p["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("pay_") && id.len() == 30, "{id}");
    assert_eq!(p["approved"], true);
    assert_eq!(p["status"], "Authorized");
    assert_eq!(p["response_code"], "10000");
    assert!(p["action_id"].as_str().unwrap().starts_with("act_"));
    assert!(p["source"]["id"].as_str().unwrap().starts_with("src_"));
    assert_eq!(p["source"]["last4"], "4242");
    assert_eq!(p["balances"]["available_to_capture"], 6540);
    assert!(p["scheme_id"].is_string());
    c.webhook("payment_approved", &id).await;

    let got = c.get(&format!("/payments/{id}")).await.json();
    assert_eq!(got["status"], "Authorized");
    assert_eq!(got["balances"]["available_to_capture"], 6540);

    let cap = c
        .post(
            &format!("/payments/{id}/captures"),
            &json!({"amount": 4000, "reference": "cap-1"}),
        )
        .await;
    assert_eq!(cap.status, 202, "{}", cap.text);
    let cap = cap.json();
    let cap_id = cap["action_id"].as_str().unwrap().to_string();
    assert_eq!(cap["reference"], "cap-1");
    assert!(cap["_links"]["payment"]["href"]
        .as_str()
        .unwrap()
        .ends_with(&id));
    let hook = c.webhook("payment_captured", &id).await;
    assert_eq!(hook["data"]["id"], id.as_str());
    assert_eq!(hook["data"]["action_id"], cap_id.as_str());
    assert_eq!(hook["data"]["amount"], 4000);

    let got = c.get(&format!("/payments/{id}")).await.json();
    assert_eq!(got["status"], "Partially Captured");
    assert_eq!(got["balances"]["total_captured"], 4000);
    assert_eq!(got["balances"]["available_to_capture"], 2540);

    // More than what is left: 422.
    let over = c
        .post(&format!("/payments/{id}/refunds"), &json!({"amount": 5000}))
        .await;
    assert_eq!(over.status, 422);
    assert_eq!(
        over.json()["error_codes"],
        json!(["refund_amount_exceeds_balance"])
    );

    let refund = c
        .post(&format!("/payments/{id}/refunds"), &json!({"amount": 1000}))
        .await;
    assert_eq!(refund.status, 202);
    let refund_id = refund.json()["action_id"].as_str().unwrap().to_string();
    let hook = c.webhook("payment_refunded", &refund_id).await;
    assert_eq!(hook["data"]["amount"], 1000);

    let actions = c.get(&format!("/payments/{id}/actions")).await;
    assert_eq!(actions.status, 200);
    let actions = actions.json();
    let kinds: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["Refund", "Capture", "Authorization"],
        "newest first"
    );
    assert_eq!(actions[0]["id"], refund_id.as_str());
    assert_eq!(actions[0]["approved"], true);
    assert_eq!(actions[1]["id"], cap_id.as_str());

    let got = c.get(&format!("/payments/{id}")).await.json();
    assert_eq!(got["status"], "Partially Refunded");
    assert_eq!(got["balances"]["available_to_refund"], 3000);

    // A void after a capture is not allowed: 403, empty body.
    let void = c.post(&format!("/payments/{id}/voids"), &json!({})).await;
    assert_eq!(void.status, 403);
}

#[tokio::test]
async fn auto_capture_answers_authorized_then_is_captured() {
    let c = start().await;
    let p = c.authorize(VISA, 1000, true).await;
    let id = p["id"].as_str().unwrap();
    assert_eq!(p["status"], "Authorized");
    let hook = c.webhook("payment_captured", id).await;
    assert_eq!(hook["type"], "payment_captured");
    let got = c.get(&format!("/payments/{id}")).await.json();
    assert_eq!(got["status"], "Captured");
    assert_eq!(got["balances"]["available_to_capture"], 0);
    assert_eq!(got["balances"]["available_to_refund"], 1000);
    // Full refund without an amount.
    let refund = c.post(&format!("/payments/{id}/refunds"), &json!({})).await;
    assert_eq!(refund.status, 202);
    let got = c.get(&format!("/payments/{id}")).await.json();
    assert_eq!(got["status"], "Refunded");
}

#[tokio::test]
async fn void_an_authorization() {
    let c = start().await;
    let p = c.authorize(VISA, 500, false).await;
    let id = p["id"].as_str().unwrap();
    let void = c
        .post(
            &format!("/payments/{id}/voids"),
            &json!({"reference": "v-1"}),
        )
        .await;
    assert_eq!(void.status, 202);
    let action = void.json()["action_id"].as_str().unwrap().to_string();
    let hook = c.webhook("payment_voided", id).await;
    assert_eq!(hook["data"]["action_id"], action.as_str());
    let got = c.get(&format!("/payments/{id}")).await.json();
    assert_eq!(got["status"], "Voided");
    assert_eq!(
        c.post(&format!("/payments/{id}/captures"), &json!({}))
            .await
            .status,
        403
    );
    assert_eq!(
        c.post(&format!("/payments/{id}/voids"), &json!({}))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn declines_are_201_with_response_codes() {
    let c = start().await;
    let p = c.authorize(INSUFFICIENT_FUNDS, 100, true).await;
    assert_eq!(p["approved"], false);
    assert_eq!(p["status"], "Declined");
    assert_eq!(p["response_code"], "20051");
    assert_eq!(p["response_summary"], "Insufficient Funds");
    assert_eq!(p["processing"]["partner_response_code"], "51");
    let id = p["id"].as_str().unwrap();
    c.webhook("payment_declined", id).await;
    let got = c.get(&format!("/payments/{id}")).await.json();
    assert_eq!(got["status"], "Declined");
    assert_eq!(
        c.post(&format!("/payments/{id}/captures"), &json!({}))
            .await
            .status,
        403
    );

    let hard = c.authorize(VISA, 30041, false).await;
    assert_eq!(hard["response_code"], "30041");
    let risk = c.authorize(VISA, 40101, false).await;
    assert_eq!(risk["response_code"], "40101");
    assert_eq!(risk["risk"]["flagged"], true);
    let cvv = c.authorize("4734868958733862", 100, false).await;
    assert_eq!(cvv["response_code"], "200N7");
}

#[tokio::test]
async fn three_ds_redirect_and_return() {
    let c = start().await;
    let mut body = c.payment(VISA, 2500, false);
    body["3ds"] = json!({"enabled": true});
    body["success_url"] = json!("https://shop.example/ok?order=1");
    body["failure_url"] = json!("https://shop.example/ko");
    let reply = c.post("/payments", &body).await;
    assert_eq!(reply.status, 202, "{}", reply.text);
    let p = reply.json();
    assert_eq!(p["status"], "Pending");
    let id = p["id"].as_str().unwrap().to_string();
    let page = p["_links"]["redirect"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(page.starts_with(&c.url("/3ds/sid_")), "{page}");
    assert_eq!(
        c.get(&format!("/payments/{id}")).await.json()["status"],
        "Pending"
    );

    let form = c.send(Method::GET, &page, &[], None).await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains("<form"));
    let done = c
        .send(
            Method::POST,
            &page,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            Some(b"password=Checkout1%21".to_vec()),
        )
        .await;
    assert_eq!(done.status, 302);
    let location = url::Url::parse(&done.header("location").unwrap()).unwrap();
    assert_eq!(location.path(), "/ok");
    let params: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    assert_eq!(params[0], ("order".into(), "1".into()));
    let sid = params
        .iter()
        .find(|(k, _)| k == "cko-session-id")
        .unwrap()
        .1
        .clone();
    assert!(page.ends_with(&sid));

    let by_session = c.get(&format!("/payments/{sid}")).await.json();
    assert_eq!(by_session["id"], id.as_str());
    assert_eq!(by_session["status"], "Authorized");
    assert_eq!(by_session["approved"], true);
    assert_eq!(by_session["3ds"]["authentication_response"], "Y");

    // The page is single use.
    let again = c
        .send(Method::POST, &page, &[], Some(b"password=x".to_vec()))
        .await;
    assert_eq!(again.status, 409);
}

#[tokio::test]
async fn failed_three_ds_returns_to_the_failure_url() {
    let c = start().await;
    let mut body = c.payment(VISA, 2500, true);
    body["3ds"] = json!({"enabled": true});
    body["success_url"] = json!("https://shop.example/ok");
    body["failure_url"] = json!("https://shop.example/ko");
    let p = c.post("/payments", &body).await.json();
    let page = p["_links"]["redirect"]["href"].as_str().unwrap();
    let done = c
        .send(
            Method::POST,
            page,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            Some(b"password=wrong".to_vec()),
        )
        .await;
    assert_eq!(done.status, 302);
    let location = done.header("location").unwrap();
    assert!(
        location.starts_with("https://shop.example/ko?cko-session-id=sid_"),
        "{location}"
    );
    let got = c
        .get(&format!("/payments/{}", p["id"].as_str().unwrap()))
        .await
        .json();
    assert_eq!(got["status"], "Declined");
    assert_eq!(got["actions"][0]["response_code"], "20151");
}

#[tokio::test]
async fn card_verification_and_merchant_initiated_payment() {
    let c = start().await;
    let mut body = c.payment(VISA, 0, true);
    body["payment_type"] = json!("Unscheduled");
    body["merchant_initiated"] = json!(false);
    let verified = c.post("/payments", &body).await;
    assert_eq!(verified.status, 201);
    let verified = verified.json();
    assert_eq!(verified["status"], "Card Verified");
    let source = verified["source"]["id"].as_str().unwrap().to_string();
    c.webhook("card_verified", verified["id"].as_str().unwrap())
        .await;

    let mit = json!({
        "source": {"type": "id", "id": source},
        "amount": 1999, "currency": "USD", "merchant_initiated": true,
        "payment_type": "Unscheduled", "previous_payment_id": verified["id"],
        "processing_channel_id": c.channel,
    });
    let paid = c.post("/payments", &mit).await;
    assert_eq!(paid.status, 201, "{}", paid.text);
    let paid = paid.json();
    assert_eq!(paid["status"], "Authorized");
    assert_eq!(paid["source"]["id"], source.as_str());

    let unknown = json!({"source": {"type": "id", "id": "src_nosuchsource000000000000000"},
                         "amount": 100, "currency": "USD", "processing_channel_id": c.channel});
    let reply = c.post("/payments", &unknown).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.json()["error_codes"], json!(["source_id_invalid"]));

    // A declined verification is not reusable.
    let declined = c.authorize(INSUFFICIENT_FUNDS, 0, true).await;
    assert_eq!(declined["status"], "Declined");
    let reuse = json!({"source": {"type": "id", "id": declined["source"]["id"]},
                       "amount": 100, "currency": "USD", "processing_channel_id": c.channel});
    assert_eq!(c.post("/payments", &reuse).await.status, 422);
}

#[tokio::test]
async fn validation_errors_are_422_with_codes() {
    let c = start().await;
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"amount": 100, "currency": "USD", "processing_channel_id": c.channel}),
            "payment_source_required",
        ),
        (
            json!({"source": Cko::card(VISA), "amount": 100, "currency": "USD"}),
            "processing_channel_id_required",
        ),
        (
            json!({"source": Cko::card(VISA), "amount": 100, "processing_channel_id": c.channel}),
            "currency_required",
        ),
        (
            json!({"source": Cko::card("4242424242424241"), "amount": 100, "currency": "USD", "processing_channel_id": c.channel}),
            "card_number_invalid",
        ),
        (
            json!({"source": {"type": "card", "number": VISA, "expiry_month": 13, "expiry_year": 2030}, "amount": 100, "currency": "USD", "processing_channel_id": c.channel}),
            "card_expiry_month_invalid",
        ),
        (
            json!({"source": {"type": "card", "number": VISA, "expiry_month": 1, "expiry_year": 2020}, "amount": 100, "currency": "USD", "processing_channel_id": c.channel}),
            "card_expired",
        ),
        (
            json!({"source": Cko::card(VISA), "amount": -1, "currency": "USD", "processing_channel_id": c.channel}),
            "amount_invalid",
        ),
        (
            json!({"source": Cko::card(VISA), "amount": 1, "currency": "USD", "reference": "x".repeat(51), "processing_channel_id": c.channel}),
            "reference_invalid",
        ),
        (
            json!({"source": {"type": "network_token", "token": VISA, "expiry_month": 12, "expiry_year": 2030, "token_type": "vts"}, "amount": 1, "currency": "USD", "processing_channel_id": c.channel}),
            "cryptogram_required",
        ),
    ];
    for (body, code) in cases {
        let reply = c.post("/payments", &body).await;
        assert_eq!(reply.status, 422, "{code}: {}", reply.text);
        let error = reply.json();
        assert_eq!(error["error_type"], "request_invalid");
        assert_eq!(error["error_codes"], json!([code]));
        assert!(error["request_id"].is_string());
    }
    // String expiry fields are accepted (as integrations send them).
    let mut body = c.payment(VISA, 100, false);
    body["source"]["expiry_month"] = json!("03");
    body["source"]["expiry_year"] = json!("2035");
    assert_eq!(c.post("/payments", &body).await.status, 201);
    // A capture above the authorization.
    let p = c.authorize(VISA, 100, false).await;
    let over = c
        .post(
            &format!("/payments/{}/captures", p["id"].as_str().unwrap()),
            &json!({"amount": 101}),
        )
        .await;
    assert_eq!(over.status, 422);
    assert_eq!(
        over.json()["error_codes"],
        json!(["capture_value_greater_than_authorized"])
    );
    // Unknown payment: 404.
    assert_eq!(
        c.get("/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa")
            .await
            .status,
        404
    );
    assert_eq!(
        c.get("/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa/actions")
            .await
            .status,
        404
    );
    // Not JSON.
    let reply = c
        .send(
            Method::POST,
            &c.url("/payments"),
            &[("Authorization", &format!("Bearer {}", c.secret_key))],
            Some(b"{".to_vec()),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.json()["error_type"], "request_malformed");
}

#[tokio::test]
async fn idempotency_key_replays_and_duplicates() {
    let c = start().await;
    let body = c.payment(VISA, 700, false);
    let first = c
        .call(
            Method::POST,
            "/payments",
            Some(&body),
            &[("Cko-Idempotency-Key", "k-1")],
        )
        .await;
    let again = c
        .call(
            Method::POST,
            "/payments",
            Some(&body),
            &[("Cko-Idempotency-Key", "k-1")],
        )
        .await;
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(first.json()["id"], again.json()["id"], "the same payment");
    let mut other = body.clone();
    other["amount"] = json!(701);
    let dup = c
        .call(
            Method::POST,
            "/payments",
            Some(&other),
            &[("Cko-Idempotency-Key", "k-1")],
        )
        .await;
    assert_eq!(dup.status, 429);
    assert_eq!(dup.json()["error_codes"], json!(["duplicate_request"]));
    // A capture replayed with its key is captured once.
    let id = first.json()["id"].as_str().unwrap().to_string();
    let path = format!("/payments/{id}/captures");
    let cap = json!({"amount": 300});
    let a = c
        .call(
            Method::POST,
            &path,
            Some(&cap),
            &[("Cko-Idempotency-Key", "cap-k")],
        )
        .await;
    let b = c
        .call(
            Method::POST,
            &path,
            Some(&cap),
            &[("Cko-Idempotency-Key", "cap-k")],
        )
        .await;
    assert_eq!(a.json()["action_id"], b.json()["action_id"]);
    let got = c.get(&format!("/payments/{id}")).await.json();
    assert_eq!(got["balances"]["total_captured"], 300);
}

#[tokio::test]
async fn faults_use_checkout_error_shapes() {
    let c = start().await;
    let rule = c
        .control(Method::POST, "/_sandbox/faults", &json!({"processor": "checkout", "path": "/payments", "fault": {"type": "rate_limit", "retry_after_s": 1}}))
        .await;
    assert_eq!(rule.status, 200, "{}", rule.text);
    let limited = c.post("/payments", &c.payment(VISA, 100, false)).await;
    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.json()["error_codes"],
        json!(["api_calls_quota_exceeded"])
    );
    c.control(Method::POST, "/_sandbox/faults", &json!({"processor": "checkout", "path": "/payments", "fault": {"type": "status", "status": 502}}))
        .await;
    let down = c.post("/payments", &c.payment(VISA, 100, false)).await;
    assert_eq!(down.status, 502);
    assert_eq!(
        c.post("/payments", &c.payment(VISA, 100, false))
            .await
            .status,
        201
    );
}

#[tokio::test]
async fn wallet_tokens_and_network_tokens() {
    let c = start().await;
    let apple = json!({"type": "applepay", "token_data": {"version": "EC_v1", "data": "abc", "signature": "sig",
        "header": {"ephemeralPublicKey": "k", "publicKeyHash": "h", "transactionId": "t"}}});
    // The secret key is not the right key for /tokens.
    assert_eq!(c.post("/tokens", &apple).await.status, 401);
    let auth = format!("Bearer {}", c.public_key);
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let reply = c
        .send(
            Method::POST,
            &c.url("/tokens"),
            &headers,
            Some(apple.to_string().into_bytes()),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let token = reply.json();
    assert_eq!(token["type"], "applepay");
    let tok = token["token"].as_str().unwrap().to_string();
    assert!(tok.starts_with("tok_"));
    let pay = json!({"source": {"type": "token", "token": tok}, "amount": 1000, "currency": "USD",
                     "processing_channel_id": c.channel});
    let paid = c.post("/payments", &pay).await;
    assert_eq!(paid.status, 201, "{}", paid.text);
    assert_eq!(paid.json()["source"]["last4"], "9996");
    // Single use.
    let reused = c.post("/payments", &pay).await;
    assert_eq!(reused.json()["error_codes"], json!(["token_used"]));
    let bad =
        json!({"type": "googlepay", "token_data": {"signature": "s", "signedMessage": "not json"}});
    let reply = c
        .send(
            Method::POST,
            &c.url("/tokens"),
            &headers,
            Some(bad.to_string().into_bytes()),
        )
        .await;
    assert_eq!(reply.status, 422);

    let nt = json!({"source": {"type": "network_token", "token": "4543474002249996", "expiry_month": 6,
                               "expiry_year": 2031, "token_type": "applepay", "cryptogram": "AgAAAAAABk4DWZ4C28yUQAAAAAA=", "eci": "05"},
                    "amount": 1200, "currency": "EUR", "capture": false, "processing_channel_id": c.channel});
    let paid = c.post("/payments", &nt).await;
    assert_eq!(paid.status, 201, "{}", paid.text);
    let paid = paid.json();
    assert_eq!(paid["status"], "Authorized");
    assert_eq!(paid["source"]["type"], "network_token");
    assert_eq!(paid["eci"], "05");
    assert!(paid["source"]["payment_account_reference"].is_string());
}

#[tokio::test]
async fn ideal_redirects_to_the_simulated_bank() {
    let c = start().await;
    let body = json!({"source": {"type": "ideal", "description": "order 1", "language": "nl"},
                      "amount": 1500, "currency": "EUR", "reference": "ideal-1",
                      "success_url": "https://shop.example/ok", "failure_url": "https://shop.example/ko",
                      "processing_channel_id": c.channel});
    let mut usd = body.clone();
    usd["currency"] = json!("USD");
    assert_eq!(
        c.post("/payments", &usd).await.json()["error_codes"],
        json!(["currency_not_supported"])
    );
    let reply = c.post("/payments", &body).await;
    assert_eq!(reply.status, 202, "{}", reply.text);
    let p = reply.json();
    assert_eq!(p["status"], "Pending");
    let id = p["id"].as_str().unwrap().to_string();
    let page = p["_links"]["redirect"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(page.starts_with(&c.url("/apm/sid_")), "{page}");
    c.webhook("payment_pending", &id).await;
    assert_eq!(c.send(Method::GET, &page, &[], None).await.status, 200);
    let done = c
        .send(
            Method::POST,
            &page,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            Some(b"outcome=approve".to_vec()),
        )
        .await;
    assert_eq!(done.status, 302);
    assert!(done
        .header("location")
        .unwrap()
        .starts_with("https://shop.example/ok?cko-session-id=sid_"));
    c.webhook("payment_capture_pending", &id).await;
    c.webhook("payment_captured", &id).await;
    let got = c.get(&format!("/payments/{id}")).await.json();
    assert_eq!(got["status"], "Captured");
    assert_eq!(got["source"], json!({"type": "ideal"}));
    assert_eq!(
        c.post(&format!("/payments/{id}/captures"), &json!({}))
            .await
            .status,
        403
    );
    assert_eq!(
        c.post(&format!("/payments/{id}/refunds"), &json!({"amount": 500}))
            .await
            .status,
        202
    );

    // Declined at the bank: back to the failure URL.
    let p = c.post("/payments", &body).await.json();
    let page = p["_links"]["redirect"]["href"].as_str().unwrap();
    let done = c
        .send(
            Method::POST,
            page,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            Some(b"outcome=expire".to_vec()),
        )
        .await;
    assert!(done
        .header("location")
        .unwrap()
        .starts_with("https://shop.example/ko?"));
    c.webhook("payment_expired", p["id"].as_str().unwrap())
        .await;
    let got = c
        .get(&format!("/payments/{}", p["id"].as_str().unwrap()))
        .await
        .json();
    assert_eq!(got["status"], "Expired");
}

#[tokio::test]
async fn declined_actions_after_the_202() {
    let c = start().await;
    let p = c.authorize(VISA, 900, true).await;
    let id = p["id"].as_str().unwrap().to_string();
    let hook = c
        .control(
            Method::POST,
            &format!("/checkout/_sandbox/payments/{id}/decline_next"),
            &json!({}),
        )
        .await;
    assert_eq!(hook.status, 200, "{}", hook.text);
    let refund = c
        .post(&format!("/payments/{id}/refunds"), &json!({"amount": 300}))
        .await;
    assert_eq!(refund.status, 202, "accepted first");
    let action = refund.json()["action_id"].as_str().unwrap().to_string();
    let event = c.webhook("payment_refund_declined", &action).await;
    assert_eq!(event["data"]["response_code"], "20005");
    let actions = c.get(&format!("/payments/{id}/actions")).await.json();
    assert_eq!(actions[0]["id"], action.as_str());
    assert_eq!(actions[0]["approved"], false);
    let got = c.get(&format!("/payments/{id}")).await.json();
    assert_eq!(got["status"], "Captured");
    assert_eq!(got["balances"]["available_to_refund"], 900);
    // Only the next one: the following refund is approved.
    let refund = c
        .post(&format!("/payments/{id}/refunds"), &json!({"amount": 300}))
        .await;
    let action = refund.json()["action_id"].as_str().unwrap().to_string();
    c.webhook("payment_refunded", &action).await;

    let p = c.authorize(VISA, 900, false).await;
    let id = p["id"].as_str().unwrap().to_string();
    c.control(
        Method::POST,
        &format!("/checkout/_sandbox/payments/{id}/decline_next"),
        &json!({}),
    )
    .await;
    assert_eq!(
        c.post(&format!("/payments/{id}/voids"), &json!({}))
            .await
            .status,
        202
    );
    c.webhook("payment_void_declined", &id).await;
    assert_eq!(
        c.get(&format!("/payments/{id}")).await.json()["status"],
        "Authorized"
    );
    c.control(
        Method::POST,
        &format!("/checkout/_sandbox/payments/{id}/decline_next"),
        &json!({}),
    )
    .await;
    assert_eq!(
        c.post(&format!("/payments/{id}/captures"), &json!({}))
            .await
            .status,
        202
    );
    c.webhook("payment_capture_declined", &id).await;
    assert_eq!(
        c.get(&format!("/payments/{id}")).await.json()["status"],
        "Authorized"
    );
    let unknown = c
        .control(
            Method::POST,
            "/checkout/_sandbox/payments/pay_nosuch/decline_next",
            &json!({}),
        )
        .await;
    assert_eq!(unknown.status, 404);
}
