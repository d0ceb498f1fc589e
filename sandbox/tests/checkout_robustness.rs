//! Checkout.com emulation: odd inputs on every endpoint are answered with Checkout.com's error
//! shapes (4xx), never a 500.

mod checkout_common;

use checkout_common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn odd_bodies_never_break_the_sandbox() {
    let c = start().await;
    let p = c.authorize(VISA, 1000, true).await;
    let id = p["id"].as_str().unwrap().to_string();
    let dispute = c
        .control(
            Method::POST,
            "/_sandbox/disputes",
            &json!({"processor": "checkout", "payment_id": id}),
        )
        .await
        .json()["dispute_id"]
        .as_str()
        .unwrap()
        .to_string();
    let bodies = [
        "[]",
        "null",
        "42",
        "\"text\"",
        "{\"source\": []}",
        "{\"source\": {\"type\": 1}}",
        "{\"source\": {\"type\": \"card\", \"number\": 4242424242424242}}",
        "{\"source\": {\"type\": \"card\", \"number\": \"4242424242424242\", \"expiry_month\": \"99999999999999999999\", \"expiry_year\": 2030}, \"currency\": \"USD\"}",
        "{\"amount\": 1.5, \"currency\": \"USD\"}",
        "{\"amount\": 99999999999999999999999}",
        "{\"amount\": \"100\"}",
        "{\"metadata\": {\"a\": {\"b\": 1}}}",
        "{\"reference\": 12}",
        "{\"capture_type\": \"Sometimes\"}",
        "{\"3ds\": {\"enabled\": \"yes\"}}",
        "{\"customer\": \"cus_1\"}",
        "{\"type\": \"googlepay\", \"token_data\": {\"signature\": \"s\", \"signedMessage\": 5}}",
        "{\"invoice_or_receipt_text\": 5}",
        "{\"invoice_or_receipt_text\": \"\u{1F600}\"}",
        "{\"source\": {\"type\": \"network_token\", \"token\": \"4242424242424242\", \"expiry_month\": 1, \"expiry_year\": 2030, \"token_type\": \"vts\", \"cryptogram\": \"x\", \"eci\": \"123\"}, \"currency\": \"USD\"}",
    ];
    let paths = [
        (Method::POST, "/payments".to_string()),
        (Method::POST, format!("/payments/{id}/captures")),
        (Method::POST, format!("/payments/{id}/voids")),
        (Method::POST, format!("/payments/{id}/refunds")),
        (Method::POST, "/tokens".to_string()),
        (Method::PUT, format!("/disputes/{dispute}/evidence")),
        (Method::POST, format!("/disputes/{dispute}/accept")),
        (Method::POST, "/files".to_string()),
        (Method::POST, "/payments/%00/refunds".to_string()),
        (Method::GET, "/payments/../../etc".to_string()),
    ];
    for (method, path) in &paths {
        let key = if path == "/tokens" {
            &c.public_key
        } else {
            &c.secret_key
        };
        let auth = format!("Bearer {key}");
        for body in bodies {
            let reply = c
                .send(
                    method.clone(),
                    &c.url(path),
                    &[
                        ("Authorization", auth.as_str()),
                        ("Content-Type", "application/json"),
                    ],
                    Some(body.as_bytes().to_vec()),
                )
                .await;
            assert!(
                (200..500).contains(&reply.status),
                "{method} {path} {body}: {} {}",
                reply.status,
                reply.text
            );
            if reply.status == 422 {
                let error = reply.json();
                assert!(error["request_id"].is_string());
                assert!(error["error_type"].is_string());
            }
        }
    }
    // Still consistent afterwards.
    let got = c.get(&format!("/payments/{id}")).await;
    assert_eq!(got.status, 200);
    // The 3-D Secure and bank pages with odd ids and methods.
    for page in ["/3ds/sid_nosuch", "/apm/sid_nosuch", "/3ds/%ff"] {
        let reply = c
            .send(
                Method::POST,
                &c.url(page),
                &[],
                Some(b"password=\xff".to_vec()),
            )
            .await;
        assert_eq!(reply.status, 404, "{page}");
    }
}
