//! Checkout.com emulation: disputes opened by the control API, evidence files, accept,
//! evidence stored and submitted, decisions, and the signed `dispute_*` webhooks (Checkout.com API reference, "Disputes").

mod checkout_common;

use checkout_common::*;
use reqwest::Method;
use serde_json::json;

/// A `multipart/form-data` body with a file and a purpose.
fn multipart(file: &[u8], mime: &str, name: &str, purpose: &str) -> (String, Vec<u8>) {
    let boundary = "----sbxboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n{purpose}\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {mime}\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(c: &Cko, file: &[u8], mime: &str, name: &str, purpose: &str) -> Reply {
    let (content_type, body) = multipart(file, mime, name, purpose);
    let auth = format!("Bearer {}", c.secret_key);
    c.send(
        Method::POST,
        &c.url("/files"),
        &[
            ("Authorization", auth.as_str()),
            ("Content-Type", content_type.as_str()),
        ],
        Some(body),
    )
    .await
}

async fn dispute(c: &Cko, payment: &str, reason: Option<&str>) -> String {
    let mut body = json!({"processor": "checkout", "payment_id": payment});
    if let Some(r) = reason {
        body["reason_code"] = json!(r);
    }
    let reply = c.control(Method::POST, "/_sandbox/disputes", &body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()["dispute_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn evidence_then_defence() {
    let c = start().await;
    let p = c.authorize(VISA, 5000, true).await;
    let payment = p["id"].as_str().unwrap().to_string();
    let id = dispute(&c, &payment, Some("13.1")).await;
    assert!(id.starts_with("dsp_"));
    let received = c.webhook("dispute_received", &id).await;
    assert_eq!(received["data"]["id"], id.as_str());
    assert_eq!(received["data"]["payment_id"], payment.as_str());
    assert_eq!(received["data"]["amount"], 5000);
    assert_eq!(received["data"]["reason_code"], "13.1");
    assert_eq!(received["data"]["category"], "product_service_not_received");
    assert!(received["data"]["evidence_required_by"].is_string());
    c.webhook("dispute_evidence_required", &id).await;

    let got = c.get(&format!("/disputes/{id}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["status"], "evidence_required");

    // Submitting before any evidence is stored: 422.
    assert_eq!(
        c.post(&format!("/disputes/{id}/evidence"), &json!({}))
            .await
            .status,
        422
    );

    let file = upload(
        &c,
        b"%PDF-1.4\n%\xc3\xa4\n",
        "application/pdf",
        "invoice.pdf",
        "dispute_evidence",
    )
    .await;
    assert_eq!(file.status, 200, "{}", file.text);
    let file_id = file.json()["id"].as_str().unwrap().to_string();
    assert!(file_id.starts_with("file_"));
    assert_eq!(
        c.get(&format!("/files/{file_id}")).await.json()["purpose"],
        "dispute_evidence"
    );

    let bad = c
        .call(
            Method::PUT,
            &format!("/disputes/{id}/evidence"),
            Some(&json!({"invoice_or_receipt_file": "file_nosuchfile"})),
            &[],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(
        c.call(
            Method::PUT,
            &format!("/disputes/{id}/evidence"),
            Some(&json!({})),
            &[]
        )
        .await
        .status,
        422
    );
    let stored = c
        .call(
            Method::PUT,
            &format!("/disputes/{id}/evidence"),
            Some(&json!({"invoice_or_receipt_file": file_id, "invoice_or_receipt_text": "Invoice #1"})),
            &[],
        )
        .await;
    assert_eq!(stored.status, 204, "{}", stored.text);
    assert_eq!(
        c.get(&format!("/disputes/{id}")).await.json()["status"],
        "evidence_required"
    );
    let evidence = c.get(&format!("/disputes/{id}/evidence")).await.json();
    assert_eq!(evidence["invoice_or_receipt_file"], file_id.as_str());

    let sent = c
        .post(&format!("/disputes/{id}/evidence"), &json!({}))
        .await;
    assert_eq!(sent.status, 204);
    let hook = c.webhook("dispute_evidence_submitted", &id).await;
    assert_eq!(hook["data"]["id"], id.as_str());
    assert_eq!(
        c.get(&format!("/disputes/{id}")).await.json()["status"],
        "evidence_under_review"
    );
    // Accepting after the defence: not allowed.
    assert_eq!(
        c.post(&format!("/disputes/{id}/accept"), &json!({}))
            .await
            .status,
        403
    );

    let won = c
        .control(
            Method::POST,
            &format!("/checkout/_sandbox/disputes/{id}/resolve"),
            &json!({"outcome": "won"}),
        )
        .await;
    assert_eq!(won.status, 200, "{}", won.text);
    c.webhook("dispute_won", &id).await;
    assert_eq!(
        c.get(&format!("/disputes/{id}")).await.json()["status"],
        "won"
    );
}

#[tokio::test]
async fn accept_and_errors() {
    let c = start().await;
    let p = c.authorize(VISA, 3000, true).await;
    let payment = p["id"].as_str().unwrap().to_string();
    let id = dispute(&c, &payment, None).await;
    let accepted = c.post(&format!("/disputes/{id}/accept"), &json!({})).await;
    assert_eq!(accepted.status, 204);
    assert!(accepted.text.is_empty());
    let hook = c.webhook("dispute_accepted", &id).await;
    assert_eq!(hook["data"]["category"], "fraudulent");
    assert_eq!(
        c.get(&format!("/disputes/{id}")).await.json()["status"],
        "accepted"
    );
    assert_eq!(
        c.post(&format!("/disputes/{id}/accept"), &json!({}))
            .await
            .status,
        403
    );
    assert_eq!(
        c.post("/disputes/dsp_nosuchdispute000000/accept", &json!({}))
            .await
            .status,
        404
    );
    let list = c.get("/disputes").await.json();
    assert_eq!(list["total_count"], 1);

    // An uncaptured payment cannot be disputed.
    let auth = c.authorize(VISA, 100, false).await;
    let reply = c
        .control(
            Method::POST,
            "/_sandbox/disputes",
            &json!({"processor": "checkout", "payment_id": auth["id"]}),
        )
        .await;
    assert_eq!(reply.status, 409);

    // Files: wrong purpose, wrong type.
    assert_eq!(
        upload(&c, b"%PDF-1.4", "application/pdf", "a.pdf", "other")
            .await
            .status,
        422
    );
    let txt = upload(&c, b"hello", "text/plain", "a.txt", "dispute_evidence").await;
    assert_eq!(txt.status, 422);
    assert_eq!(txt.json()["error_codes"], json!(["file_type_invalid"]));
}

#[tokio::test]
async fn webhooks_are_signed_over_the_raw_body() {
    let c = start().await;
    let p = c.authorize(VISA, 100, false).await;
    // `webhook()` checks Cko-Signature = hex HMAC-SHA256(secret, raw body).
    let hook = c
        .webhook("payment_approved", p["id"].as_str().unwrap())
        .await;
    assert!(hook["id"].as_str().unwrap().starts_with("evt_"));
    assert!(hook["created_on"].as_str().unwrap().ends_with('Z'));
    assert_eq!(hook["data"]["action_id"], p["action_id"]);
    assert_eq!(hook["data"]["response_code"], "10000");
}
