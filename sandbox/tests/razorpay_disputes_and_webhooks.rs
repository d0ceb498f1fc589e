//! Razorpay emulation: webhook signing (checked against the documented official vector), delivery
//! to a URL, and disputes with multipart document uploads (Razorpay API docs, "Disputes", Razorpay API docs, "Webhooks").

mod razorpay_common;

use razorpay_common::*;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Digest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The body of Razorpay API docs, "Official test vector": 971 bytes, 2-space indentation, with its trailing newline.
const OFFICIAL_BODY: &str = "{\n  \"event\": \"payment.authorized\",\n  \"entity\": \"event\",\n  \"contains\": [\n    \"payment\"\n  ],\n  \"payload\": {\n    \"payment\": {\n      \"entity\": {\n        \"id\": \"pay_6koWN7bvxujzxM\",\n        \"entity\": \"payment\",\n        \"amount\": 1000000,\n        \"currency\": \"INR\",\n        \"status\": \"captured\",\n        \"order_id\": \"order_100000000order\",\n        \"international\": false,\n        \"method\": \"card\",\n        \"amount_refunded\": 0,\n        \"refund_status\": null,\n        \"captured\": true,\n        \"description\": \"random description\",\n        \"card_id\": \"card_6koWNAT6LASUqy\",\n        \"bank\": null,\n        \"wallet\": null,\n        \"vpa\": null,\n        \"email\": \"a@b.com\",\n        \"contact\": \"+919999999999\",\n        \"notes\": {\n          \"merchant_order_id\": \"random order id\"\n        },\n        \"fee\": 23000,\n        \"service_tax\": 3000,\n        \"error_code\": null,\n        \"error_description\": null,\n        \"created_at\": 1479978483\n      }\n    }\n  },\n  \"created_at\": 1400826760\n}\n";

#[test]
fn the_signing_used_to_check_the_sandbox_matches_the_official_vector() {
    assert_eq!(OFFICIAL_BODY.len(), 971);
    assert_eq!(
        hex::encode(sha2::Sha256::digest(OFFICIAL_BODY.as_bytes())),
        "9cc0236491299f34a154292eaed46d94b010f44b22095c034f884ca6a1862bef"
    );
    assert_eq!(
        hmac_hex("key_secret", OFFICIAL_BODY.as_bytes()),
        "d60e67fd884556c045e9be7dad57903e33efc7172c17c6e3ef77db42d2b366e9"
    );
    // Without the trailing newline the signature differs (Razorpay API docs, "Official test vector").
    assert_ne!(
        hmac_hex("key_secret", OFFICIAL_BODY.trim_end().as_bytes()),
        "d60e67fd884556c045e9be7dad57903e33efc7172c17c6e3ef77db42d2b366e9"
    );
}

#[tokio::test]
async fn webhooks_are_signed_with_unique_event_ids() {
    let r = start().await;
    let (_, payment_id) = r.authorized_payment(30_000, true).await;
    let mut ids = Vec::new();
    for event in ["payment.authorized", "payment.captured", "order.paid"] {
        let reply = r
            .control(
                Method::POST,
                "/_sandbox/webhooks/next",
                Some(json!({"processor": "razorpay", "event": event, "contains": payment_id})),
            )
            .await
            .json();
        let raw = reply["body"].as_str().unwrap();
        assert_eq!(
            reply["headers"]["X-Razorpay-Signature"].as_str().unwrap(),
            hmac_hex(&r.webhook_secret, raw.as_bytes())
        );
        // A changed body no longer matches the signature.
        let tampered = raw.replacen("30000", "30001", 1);
        assert_ne!(tampered, raw);
        assert_ne!(
            reply["headers"]["X-Razorpay-Signature"].as_str().unwrap(),
            hmac_hex(&r.webhook_secret, tampered.as_bytes())
        );
        ids.push(
            reply["headers"]["X-Razorpay-Event-Id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "one id per event");
}

#[tokio::test]
async fn webhooks_are_delivered_to_the_configured_url() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/razorpay", listener.local_addr().unwrap());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, String)>();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let mut data = Vec::new();
            let mut buf = [0u8; 8192];
            let (head, body) = loop {
                let n = stream.read(&mut buf).await.unwrap();
                assert!(n > 0, "connection closed early");
                data.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&data).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let head = text[..end].to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| {
                            l.strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap())
                        })
                        .unwrap_or(0);
                    if data.len() >= end + 4 + len {
                        break (head, text[end + 4..end + 4 + len].to_string());
                    }
                }
            };
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .await
                .unwrap();
            let _ = tx.send((head, body));
        }
    });
    let r = start_with(connector_sandbox::Sandbox::builder().webhook_url("razorpay", url)).await;
    let order = r.order(10_000, false).await;
    let (payment_id, page) = r.create_payment(&r.card_payment(&order, VISA)).await;
    r.submit_otp(&page, "1234").await;
    let (head, body) = rx.recv().await.unwrap();
    assert!(head.starts_with("post /hooks/razorpay http/1.1"), "{head}");
    let header = |name: &str| {
        head.lines()
            .find_map(|l| {
                l.strip_prefix(&format!("{name}:"))
                    .map(|v| v.trim().to_string())
            })
            .unwrap_or_else(|| panic!("no {name} in {head}"))
    };
    assert_eq!(
        header("x-razorpay-signature"),
        hmac_hex(&r.webhook_secret, body.as_bytes())
    );
    assert_eq!(header("x-razorpay-event-id").len(), 14);
    assert_eq!(header("content-type"), "application/json");
    let parsed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(parsed["event"], "payment.authorized");
    assert_eq!(
        parsed["payload"]["payment"]["entity"]["id"],
        payment_id.as_str()
    );
}

/// A form field: name, `(filename, content type)` for a file, content.
type Field<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

/// A hand-built `multipart/form-data` body.
fn multipart(boundary: &str, fields: &[Field]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, content) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some((filename, mime)) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

impl Rzp {
    async fn upload(&self, fields: &[Field<'_>]) -> Reply {
        let boundary = "----sandboxBoundary7MA4YWxkTrZu0gW";
        let auth = self.auth();
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.send(
            Method::POST,
            &self.url("/v1/documents"),
            &[
                ("Authorization", auth.as_str()),
                ("Content-Type", content_type.as_str()),
            ],
            Some(multipart(boundary, fields)),
        )
        .await
    }

    async fn open_dispute(&self, payment_id: &str, extra: Value) -> Reply {
        let mut body = json!({"processor": "razorpay", "payment_id": payment_id});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        self.control(Method::POST, "/_sandbox/disputes", Some(body))
            .await
    }

    async fn patch(&self, path: &str, body: &Value) -> Reply {
        self.call(Method::PATCH, path, Some(body)).await
    }
}

const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

#[tokio::test]
async fn disputes_are_opened_contested_and_accepted() {
    let r = start().await;
    let (_, payment_id) = r.authorized_payment(80_000, false).await;

    // Nothing captured: nothing to dispute.
    assert_eq!(r.open_dispute(&payment_id, json!({})).await.status, 409);
    assert_eq!(
        r.open_dispute("pay_Unknown0000001", json!({})).await.status,
        404
    );
    r.post_ok(
        &format!("/v1/payments/{payment_id}/capture"),
        &json!({"amount": 80_000, "currency": "INR"}),
    )
    .await;
    r.post_ok(
        &format!("/v1/payments/{payment_id}/refund"),
        &json!({"amount": 20_000}),
    )
    .await;
    assert_eq!(
        r.open_dispute(&payment_id, json!({"amount": 60_001}))
            .await
            .status,
        400,
        "more than captured minus refunded"
    );

    let opened = r.open_dispute(&payment_id, json!({})).await;
    assert_eq!(opened.status, 200, "{}", opened.text);
    let opened = opened.json();
    let dispute_id = opened["dispute_id"].as_str().unwrap().to_string();
    assert!(dispute_id.starts_with("disp_"));
    assert_eq!(opened["amount"], 60_000);
    assert_eq!(opened["phase"], "chargeback");
    assert_eq!(opened["status"], "open");

    let hook = r.webhook("payment.dispute.created", &dispute_id).await;
    assert_eq!(hook["contains"], json!(["payment", "dispute"]));
    assert_eq!(
        hook["payload"]["payment"]["entity"]["id"],
        payment_id.as_str()
    );
    let entity = &hook["payload"]["dispute"]["entity"];
    assert_eq!(entity["id"], dispute_id.as_str());
    assert_eq!(entity["entity"], "dispute");
    assert_eq!(entity["payment_id"], payment_id.as_str());
    assert_eq!(entity["amount"], 60_000);
    assert_eq!(entity["currency"], "INR");
    assert_eq!(entity["amount_deducted"], 0);
    assert_eq!(entity["status"], "open");
    assert_eq!(entity["phase"], "chargeback");
    assert!(entity["respond_by"].as_i64().unwrap() > entity["created_at"].as_i64().unwrap());
    assert!(entity["reason_code"].is_string());

    let fetched = r.get_ok(&format!("/v1/disputes/{dispute_id}")).await;
    assert_eq!(fetched["status"], "open");
    assert_eq!(
        fetched["evidence"]["amount"], 60_000,
        "defaults to the dispute amount"
    );
    assert_eq!(fetched["evidence"]["submitted_at"], Value::Null);

    // Documents: multipart with `file` and `purpose`.
    let uploaded = r
        .upload(&[
            ("purpose", None, b"dispute_evidence"),
            ("file", Some(("invoice.pdf", "application/pdf")), PDF),
        ])
        .await;
    assert_eq!(uploaded.status, 200, "{}", uploaded.text);
    let doc = uploaded.json();
    let doc_id = doc["id"].as_str().unwrap().to_string();
    assert!(doc_id.starts_with("doc_"));
    assert_eq!(doc["entity"], "document");
    assert_eq!(doc["purpose"], "dispute_evidence");
    assert_eq!(doc["name"], "invoice.pdf");
    assert_eq!(doc["mime_type"], "application/pdf");
    assert_eq!(doc["size"], PDF.len());
    assert_eq!(r.get_ok(&format!("/v1/documents/{doc_id}")).await, doc);
    // The type may come from the file name alone.
    let png = r
        .upload(&[
            (
                "file",
                Some(("delivery.PNG", "application/octet-stream")),
                b"\x89PNG\r\n\x1a\n",
            ),
            ("purpose", None, b"dispute_evidence"),
        ])
        .await;
    assert_eq!(png.status, 200, "{}", png.text);
    assert_eq!(png.json()["mime_type"], "image/png");
    let png_id = png.json()["id"].as_str().unwrap().to_string();
    // Refused uploads.
    r.upload(&[("file", Some(("a.pdf", "application/pdf")), PDF)])
        .await
        .error(400, "The purpose field is required.");
    r.upload(&[
        ("purpose", None, b"kyc"),
        ("file", Some(("a.pdf", "application/pdf")), PDF),
    ])
    .await
    .error(400, "The selected purpose is invalid.");
    r.upload(&[("purpose", None, b"dispute_evidence")])
        .await
        .error(400, "The file field is required.");
    r.upload(&[
        ("purpose", None, b"dispute_evidence"),
        ("file", Some(("notes.txt", "text/plain")), b"hello"),
    ])
    .await
    .error(400, "The file must be a file of type: jpg, jpeg, png, pdf.");
    let not_multipart = r
        .post("/v1/documents", &json!({"purpose": "dispute_evidence"}))
        .await;
    assert_eq!(not_multipart.status, 400);
    assert_eq!(not_multipart.json()["error"]["field"], "file");

    // Contest: a draft keeps the dispute open; unknown documents are refused.
    let contest = format!("/v1/disputes/{dispute_id}/contest");
    let error = r
        .patch(
            &contest,
            &json!({"shipping_proof": ["doc_DoesNotExist01"], "action": "draft"}),
        )
        .await
        .error(400, "The id provided does not exist");
    assert_eq!(error["field"], "shipping_proof");
    r.patch(&contest, &json!({"action": "maybe"}))
        .await
        .error(400, "The selected action is invalid.");
    r.patch(&contest, &json!({"summary": "x".repeat(1001)}))
        .await
        .error(400, "The summary may not be greater than 1000 characters.");
    r.patch(&contest, &json!({"action": "submit"})).await.error(
        400,
        "Evidence is required to submit a contest: a summary or at least one document",
    );
    let draft = r
        .patch(
            &contest,
            &json!({"summary": "Delivered and signed for", "billing_proof": [doc_id],
                    "others": [{"type": "delivery_photo", "document_ids": [png_id]}], "action": "draft"}),
        )
        .await;
    assert_eq!(draft.status, 200, "{}", draft.text);
    let draft = draft.json();
    assert_eq!(draft["status"], "open");
    assert_eq!(draft["evidence"]["summary"], "Delivered and signed for");
    assert_eq!(draft["evidence"]["billing_proof"], json!([doc_id]));
    assert_eq!(draft["evidence"]["shipping_proof"], Value::Null);
    assert_eq!(
        draft["evidence"]["others"],
        json!([{"type": "delivery_photo", "document_ids": [png_id]}])
    );
    assert_eq!(draft["evidence"]["submitted_at"], Value::Null);
    r.no_webhook("payment.dispute.under_review", &dispute_id)
        .await;

    // Submit: under review, submitted_at set, the draft's evidence kept.
    let submitted = r
        .patch(&contest, &json!({"amount": 50_000, "action": "submit"}))
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.text);
    let submitted = submitted.json();
    assert_eq!(submitted["status"], "under_review");
    assert_eq!(submitted["evidence"]["amount"], 50_000);
    assert_eq!(submitted["evidence"]["billing_proof"], json!([doc_id]));
    assert!(submitted["evidence"]["submitted_at"].as_i64().is_some());
    let hook = r.webhook("payment.dispute.under_review", &dispute_id).await;
    assert_eq!(
        hook["payload"]["dispute"]["entity"]["status"],
        "under_review"
    );
    r.patch(&contest, &json!({"action": "submit"})).await.error(
        400,
        "The dispute cannot be contested as it is in under_review state",
    );
    r.post(&format!("/v1/disputes/{dispute_id}/accept"), &json!({}))
        .await
        .error(
            400,
            "The dispute cannot be accepted as it is in under_review state",
        );

    // The bank decides (sandbox hook).
    let won = r
        .control(
            Method::POST,
            &format!("/razorpay/_sandbox/disputes/{dispute_id}/resolve"),
            Some(json!({"status": "won"})),
        )
        .await;
    assert_eq!(won.status, 200, "{}", won.text);
    assert_eq!(won.json()["status"], "won");
    r.webhook("payment.dispute.won", &dispute_id).await;
    let again = r
        .control(
            Method::POST,
            &format!("/razorpay/_sandbox/disputes/{dispute_id}/resolve"),
            Some(json!({"status": "lost"})),
        )
        .await;
    assert_eq!(again.status, 409);

    // A second dispute (a fraud-phase one), accepted: lost, amount deducted.
    let second = r
        .open_dispute(
            &payment_id,
            json!({"amount": 10_000, "reason_code": "goods_not_received", "phase": "fraud"}),
        )
        .await
        .json();
    let second_id = second["dispute_id"].as_str().unwrap().to_string();
    let hook = r.webhook("payment.dispute.created", &second_id).await;
    assert_eq!(hook["payload"]["dispute"]["entity"]["phase"], "fraud");
    assert_eq!(
        hook["payload"]["dispute"]["entity"]["reason_code"],
        "goods_not_received"
    );
    let accepted = r
        .post_ok(&format!("/v1/disputes/{second_id}/accept"), &json!({}))
        .await;
    assert_eq!(accepted["status"], "lost");
    assert_eq!(accepted["amount_deducted"], 10_000);
    let hook = r.webhook("payment.dispute.lost", &second_id).await;
    assert_eq!(
        hook["payload"]["dispute"]["entity"]["amount_deducted"],
        10_000
    );
    r.post(&format!("/v1/disputes/{second_id}/accept"), &json!({}))
        .await
        .error(400, "The dispute cannot be accepted as it is in lost state");
    r.post("/v1/disputes/disp_DoesNotExist01/accept", &json!({}))
        .await
        .error(400, "The id provided does not exist");

    let listed = r.get_ok("/v1/disputes").await;
    assert_eq!(listed["count"], 2);
    assert_eq!(listed["items"][0]["id"], second_id.as_str());
}

#[tokio::test]
async fn action_required_reopens_a_submitted_dispute() {
    let r = start().await;
    let (_, payment_id) = r.authorized_payment(10_000, true).await;
    let dispute_id = r.open_dispute(&payment_id, json!({})).await.json()["dispute_id"]
        .as_str()
        .unwrap()
        .to_string();
    let contest = format!("/v1/disputes/{dispute_id}/contest");
    r.patch(
        &contest,
        &json!({"summary": "Our side", "action": "submit"}),
    )
    .await;
    let reopened = r
        .control(
            Method::POST,
            &format!("/razorpay/_sandbox/disputes/{dispute_id}/resolve"),
            Some(json!({"status": "action_required"})),
        )
        .await
        .json();
    assert_eq!(reopened["status"], "open");
    assert_eq!(reopened["evidence"]["submitted_at"], Value::Null);
    assert_eq!(reopened["evidence"]["summary"], "Our side");
    r.webhook("payment.dispute.action_required", &dispute_id)
        .await;
    let bad = r
        .control(
            Method::POST,
            &format!("/razorpay/_sandbox/disputes/{dispute_id}/resolve"),
            Some(json!({"status": "maybe"})),
        )
        .await;
    assert_eq!(bad.status, 400);
    let closed = r
        .control(
            Method::POST,
            &format!("/razorpay/_sandbox/disputes/{dispute_id}/resolve"),
            Some(json!({"status": "closed"})),
        )
        .await
        .json();
    assert_eq!(closed["status"], "closed");
    r.webhook("payment.dispute.closed", &dispute_id).await;
}
