//! The control API: faults, request log, outbox, credentials, webhook delivery, lifecycle.

mod common;

use std::time::Duration;

use common::*;
use connector_sandbox::Sandbox;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn credentials_and_urls() {
    let h = start().await;
    let reply = h
        .control(reqwest::Method::GET, "/_sandbox/credentials", None)
        .await;
    assert_eq!(reply.status, 200);
    let creds = reply.json();
    assert_eq!(creds, h.sandbox.credentials());
    let adyen = &creds["adyen"];
    assert_eq!(adyen["type"], "adyen");
    assert!(adyen["api_key"].as_str().is_some_and(|k| !k.is_empty()));
    assert!(adyen["merchant_account"]
        .as_str()
        .is_some_and(|k| !k.is_empty()));
    let key = adyen["webhook_hmac_key"].as_str().unwrap();
    assert_eq!(key.len(), 64);
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        h.sandbox.url("adyen"),
        format!("{}/adyen", h.sandbox.base_url())
    );
    assert!(h.sandbox.base_url().starts_with("http://127.0.0.1:"));
    // Unknown places.
    assert_eq!(
        h.control(reqwest::Method::GET, "/_sandbox/nothing", None)
            .await
            .status,
        404
    );
    assert_eq!(
        h.control(reqwest::Method::PUT, "/_sandbox/faults", None)
            .await
            .status,
        405
    );
    assert_eq!(
        h.control(reqwest::Method::GET, "/nobody/v1/payments", None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn request_log_counts_by_path() {
    let h = start().await;
    h.adyen("/v68/payments", &h.payment(VISA, "J", 100)).await;
    h.adyen("/v68/payments", &h.payment(VISA, "J", 100)).await;
    h.adyen("/v68/payments/details", &json!({})).await;
    let log = h
        .control(
            reqwest::Method::GET,
            "/_sandbox/requests?processor=adyen",
            None,
        )
        .await
        .json();
    assert_eq!(log["count"], 3);
    assert_eq!(log["by_path"]["POST /v68/payments"], 2);
    assert_eq!(log["by_path"]["POST /v68/payments/details"], 1);
    let requests = log["requests"].as_array().unwrap();
    assert_eq!(requests[0]["path"], "/v68/payments");
    assert_eq!(requests[2]["path"], "/v68/payments/details");
    assert_eq!(requests[0]["method"], "POST");
    assert!(requests[0]["at_ms"].as_u64().unwrap() <= requests[2]["at_ms"].as_u64().unwrap());
    // Control calls are not logged.
    assert_eq!(
        h.control(reqwest::Method::GET, "/_sandbox/requests", None)
            .await
            .json()["count"],
        3
    );
    assert_eq!(
        h.control(
            reqwest::Method::GET,
            "/_sandbox/requests?processor=nope",
            None
        )
        .await
        .status,
        400
    );
    assert_eq!(
        h.control(reqwest::Method::DELETE, "/_sandbox/requests", None)
            .await
            .status,
        200
    );
    assert_eq!(
        h.control(
            reqwest::Method::GET,
            "/_sandbox/requests?processor=adyen",
            None
        )
        .await
        .json()["count"],
        0
    );
}

#[tokio::test]
async fn status_fault_answers_the_processor_error_without_processing() {
    let h = start().await;
    h.fault(
        json!({"processor": "adyen", "method": "POST", "path": "/v68/payments",
                   "fault": {"type": "status", "status": 503}, "count": 2}),
    )
    .await;
    let body = h.payment(VISA, "J", 100);
    for _ in 0..2 {
        let reply = h.adyen("/v68/payments", &body).await;
        assert_eq!(reply.status, 503);
        let error = reply.json();
        assert_eq!(error["status"], 503);
        assert!(
            error["errorCode"].is_string()
                && error["errorType"].is_string()
                && error["message"].is_string()
        );
    }
    assert_eq!(
        h.adyen("/v68/payments", &body).await.json()["resultCode"],
        "Authorised"
    );
    // Only the processed payment emitted a webhook.
    h.next_item("AUTHORISATION").await;
    let none = h
        .control(
            reqwest::Method::POST,
            "/_sandbox/webhooks/next",
            Some(json!({"timeout_ms": 200})),
        )
        .await;
    assert_eq!(none.status, 404);
    let log = h
        .control(
            reqwest::Method::GET,
            "/_sandbox/requests?processor=adyen",
            None,
        )
        .await
        .json();
    assert_eq!(log["count"], 3);
    assert_eq!(log["requests"][0]["fault"], "status");
    assert_eq!(log["requests"][2]["fault"], Value::Null);
}

#[tokio::test]
async fn filters_select_the_faulted_requests() {
    let h = start().await;
    h.fault(
        json!({"processor": "adyen", "method": "GET", "fault": {"type": "status", "status": 500}}),
    )
    .await;
    h.fault(json!({"processor": "adyen", "path": "/v68/payments/details", "fault": {"type": "status", "status": 502}})).await;
    // POST /v68/payments matches neither rule.
    assert_eq!(
        h.adyen("/v68/payments", &h.payment(VISA, "J", 100))
            .await
            .status,
        200
    );
    assert_eq!(
        h.adyen("/v68/payments/details", &json!({})).await.status,
        502
    );
    let rules = h
        .control(reqwest::Method::GET, "/_sandbox/faults", None)
        .await
        .json();
    assert_eq!(rules.as_array().unwrap().len(), 1);
    assert_eq!(
        h.control(reqwest::Method::DELETE, "/_sandbox/faults", None)
            .await
            .json()["removed"],
        1
    );
    let bad = h
        .control(
            reqwest::Method::POST,
            "/_sandbox/faults",
            Some(json!({"fault": {"type": "boom"}})),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"].is_string());
}

#[tokio::test]
async fn rate_limit_fault_sends_retry_after() {
    let h = start().await;
    h.fault(json!({"processor": "adyen", "fault": {"type": "rate_limit", "retry_after_s": 7}}))
        .await;
    let reply = h.adyen("/v68/payments", &h.payment(VISA, "J", 100)).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after").as_deref(), Some("7"));
    assert_eq!(reply.json()["status"], 429);
    assert_eq!(
        h.adyen("/v68/payments", &h.payment(VISA, "J", 100))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn latency_fault_delays_then_processes() {
    let h = start().await;
    h.fault(json!({"processor": "adyen", "fault": {"type": "latency", "ms": 30}}))
        .await;
    let reply = h.adyen("/v68/payments", &h.payment(VISA, "J", 100)).await;
    assert_eq!(reply.json()["resultCode"], "Authorised");
    let log = h
        .control(reqwest::Method::GET, "/_sandbox/requests", None)
        .await
        .json();
    assert_eq!(log["requests"][0]["fault"], "latency");
    // A client timeout shorter than the latency sees no answer.
    h.fault(json!({"processor": "adyen", "fault": {"type": "latency", "ms": 5000}}))
        .await;
    let url = format!("{}/v68/payments", h.sandbox.url("adyen"));
    let result = h
        .http
        .post(url)
        .timeout(Duration::from_millis(100))
        .body("{}")
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());
}

#[tokio::test]
async fn reset_fault_closes_without_processing() {
    let h = start().await;
    h.fault(json!({"processor": "adyen", "path": "/v68/payments", "fault": {"type": "reset"}}))
        .await;
    let body = h.manual(VISA, "J", 100).to_string();
    let key = [("Idempotency-Key", "reset-1")];
    let error = h.adyen_raw("/v68/payments", &body, &key).await.unwrap_err();
    assert!(!error.is_status(), "{error}");
    // Nothing happened: the retry is the first real processing.
    let none = h
        .control(
            reqwest::Method::POST,
            "/_sandbox/webhooks/next",
            Some(json!({"timeout_ms": 200})),
        )
        .await;
    assert_eq!(none.status, 404);
    let retry = h.adyen_raw("/v68/payments", &body, &key).await.unwrap();
    assert_eq!(retry.json()["resultCode"], "Authorised");
    h.next_item("AUTHORISATION").await;
}

#[tokio::test]
async fn drop_fault_processes_then_closes_and_idempotent_retry_gets_the_stored_answer() {
    let h = start().await;
    h.fault(json!({"processor": "adyen", "path": "/v68/payments", "fault": {"type": "drop"}}))
        .await;
    let body = h.manual(VISA, "J", 1000).to_string();
    let key = [("Idempotency-Key", "drop-1")];
    let error = h.adyen_raw("/v68/payments", &body, &key).await.unwrap_err();
    assert!(!error.is_status(), "{error}");
    // The payment was made: its webhook comes.
    let item = h.next_item("AUTHORISATION").await;
    let retry = h.adyen_raw("/v68/payments", &body, &key).await.unwrap();
    assert_eq!(retry.status, 200);
    assert_eq!(
        retry.json()["pspReference"],
        item["pspReference"],
        "the retry must not charge twice"
    );
    let none = h
        .control(
            reqwest::Method::POST,
            "/_sandbox/webhooks/next",
            Some(json!({"timeout_ms": 200})),
        )
        .await;
    assert_eq!(none.status, 404);
    // Without a key the retry would have been a second payment.
    h.fault(json!({"processor": "adyen", "path": "/v68/payments", "fault": {"type": "drop"}}))
        .await;
    assert!(h.adyen_raw("/v68/payments", &body, &[]).await.is_err());
    let second = h.adyen_raw("/v68/payments", &body, &[]).await.unwrap();
    assert_ne!(second.json()["pspReference"], item["pspReference"]);
    let first_psp = h.next_item("AUTHORISATION").await["pspReference"].clone();
    let second_psp = h.next_item("AUTHORISATION").await["pspReference"].clone();
    assert_ne!(first_psp, second_psp);
}

#[tokio::test]
async fn malformed_fault_processes_then_answers_garbage() {
    let h = start().await;
    h.fault(json!({"processor": "adyen", "fault": {"type": "malformed"}}))
        .await;
    let body = h.manual(VISA, "J", 1000).to_string();
    let key = [("Idempotency-Key", "malformed-1")];
    let reply = h.adyen_raw("/v68/payments", &body, &key).await.unwrap();
    assert_eq!(reply.status, 200);
    assert!(
        serde_json::from_str::<Value>(&reply.text).is_err(),
        "{}",
        reply.text
    );
    let item = h.next_item("AUTHORISATION").await;
    let retry = h.adyen_raw("/v68/payments", &body, &key).await.unwrap();
    assert_eq!(retry.json()["pspReference"], item["pspReference"]);
}

#[tokio::test]
async fn status_after_fault_processes_then_answers_the_error() {
    let h = start().await;
    h.fault(json!({"processor": "adyen", "path": "/v68/payments",
                   "fault": {"type": "status_after", "status": 502}}))
        .await;
    let body = h.manual(VISA, "J", 1000).to_string();
    let key = [("Idempotency-Key", "status-after-1")];
    let reply = h.adyen_raw("/v68/payments", &body, &key).await.unwrap();
    assert_eq!(reply.status, 502);
    // The payment was made anyway: its webhook comes, and the ledger holds it once.
    let item = h.next_item("AUTHORISATION").await;
    let retry = h.adyen_raw("/v68/payments", &body, &key).await.unwrap();
    assert_eq!(retry.json()["pspReference"], item["pspReference"]);
    let ledger = h
        .control(
            reqwest::Method::GET,
            "/_sandbox/ledger?processor=adyen",
            None,
        )
        .await
        .json();
    let payments: Vec<&Value> = ledger["effects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "payment")
        .collect();
    assert_eq!(payments.len(), 1, "{ledger}");
    assert_eq!(payments[0]["id"], item["pspReference"]);
    let requests = h
        .control(
            reqwest::Method::GET,
            "/_sandbox/requests?processor=adyen",
            None,
        )
        .await
        .json();
    assert_eq!(requests["requests"][0]["fault"], "status_after");
}

#[tokio::test]
async fn truncated_fault_processes_then_cuts_the_real_answer() {
    let h = start().await;
    h.fault(json!({"processor": "adyen", "fault": {"type": "truncated"}}))
        .await;
    let body = h.manual(VISA, "J", 1000).to_string();
    let reply = h.adyen_raw("/v68/payments", &body, &[]).await.unwrap();
    assert_eq!(reply.status, 200);
    assert!(reply.text.starts_with('{'), "{}", reply.text);
    assert!(
        serde_json::from_str::<Value>(&reply.text).is_err(),
        "{}",
        reply.text
    );
    let item = h.next_item("AUTHORISATION").await;
    assert!(item["pspReference"].is_string());
}

#[tokio::test]
async fn ledger_lists_what_each_processor_holds() {
    let h = start().await;
    let empty = h
        .control(reqwest::Method::GET, "/_sandbox/ledger", None)
        .await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.json(), json!({"effects": []}));
    let payment = h.adyen("/v68/payments", &h.manual(VISA, "J", 1000)).await;
    let psp = payment.json()["pspReference"].as_str().unwrap().to_string();
    let capture = json!({"merchantAccount": "SandboxMerchantECOM",
                         "amount": {"value": 400, "currency": "EUR"}});
    let captured = h
        .adyen(&format!("/v68/payments/{psp}/captures"), &capture)
        .await;
    assert_eq!(captured.status, 201, "{}", captured.text);
    let ledger = h
        .control(
            reqwest::Method::GET,
            "/_sandbox/ledger?processor=adyen",
            None,
        )
        .await
        .json();
    let effects = ledger["effects"].as_array().unwrap();
    assert_eq!(effects.len(), 1, "{ledger}");
    let entry = &effects[0];
    assert_eq!(entry["processor"], "adyen");
    assert_eq!(entry["kind"], "payment");
    assert_eq!(entry["id"], psp.as_str());
    assert_eq!(entry["amount"], 1000);
    assert_eq!(entry["captured"], 400);
    assert_eq!(entry["refunded"], 0);
    // Other processors' ledgers are empty; an unknown one is a 400; other methods 405.
    let razorpay = h
        .control(
            reqwest::Method::GET,
            "/_sandbox/ledger?processor=razorpay",
            None,
        )
        .await;
    assert_eq!(razorpay.json(), json!({"effects": []}));
    let unknown = h
        .control(
            reqwest::Method::GET,
            "/_sandbox/ledger?processor=nobody",
            None,
        )
        .await;
    assert_eq!(unknown.status, 400);
    let post = h
        .control(reqwest::Method::POST, "/_sandbox/ledger", None)
        .await;
    assert_eq!(post.status, 405);
}

#[tokio::test]
async fn deleting_the_ledger_resets_the_processors_state() {
    let h = start().await;
    let body = h.manual(VISA, "J", 1000).to_string();
    let key = [("Idempotency-Key", "reset-1")];
    let first = h.adyen_raw("/v68/payments", &body, &key).await.unwrap();
    let psp = first.json()["pspReference"].as_str().unwrap().to_string();
    let ledger = |processor: &'static str| {
        let h = &h;
        async move {
            let path = format!("/_sandbox/ledger?processor={processor}");
            h.control(reqwest::Method::GET, &path, None).await.json()["effects"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    // Only the processor named is reset.
    let other = h
        .control(
            reqwest::Method::DELETE,
            "/_sandbox/ledger?processor=razorpay",
            None,
        )
        .await;
    assert_eq!(other.json(), json!({"removed": 0}));
    assert_eq!(ledger("adyen").await, 1);
    let all = h
        .control(reqwest::Method::DELETE, "/_sandbox/ledger", None)
        .await;
    assert_eq!(all.status, 200);
    assert_eq!(all.json(), json!({"removed": 1}));
    assert_eq!(ledger("adyen").await, 0);
    // The payment is gone, and so is its idempotency record: the same key makes a new
    // payment, with the same credentials.
    let capture = json!({"merchantAccount": "SandboxMerchantECOM",
                         "amount": {"value": 400, "currency": "EUR"}});
    let captured = h
        .adyen(&format!("/v68/payments/{psp}/captures"), &capture)
        .await;
    assert_eq!(captured.status, 422, "{}", captured.text);
    let again = h.adyen_raw("/v68/payments", &body, &key).await.unwrap();
    assert_eq!(again.status, 200, "{}", again.text);
    assert_ne!(again.json()["pspReference"], psp.as_str());
    assert_eq!(ledger("adyen").await, 1);
    let unknown = h
        .control(
            reqwest::Method::DELETE,
            "/_sandbox/ledger?processor=nobody",
            None,
        )
        .await;
    assert_eq!(unknown.status, 400);
}

#[tokio::test]
async fn a_reset_drops_the_webhooks_still_due() {
    let h = start_with(Sandbox::builder().webhook_delay(Duration::from_millis(300))).await;
    let before = h.adyen("/v68/payments", &h.manual(VISA, "J", 100)).await;
    assert_eq!(before.status, 200, "{}", before.text);
    let reset = h
        .control(reqwest::Method::DELETE, "/_sandbox/ledger", None)
        .await;
    assert_eq!(reset.json(), json!({"removed": 1}));
    let after = h.adyen("/v68/payments", &h.manual(VISA, "J", 200)).await;
    let psp = after.json()["pspReference"].as_str().unwrap().to_string();
    // Only the payment made after the reset announces itself.
    let item = h.next_item("AUTHORISATION").await;
    assert_eq!(item["pspReference"], psp.as_str());
    let more = h
        .control(
            reqwest::Method::POST,
            "/_sandbox/webhooks/next",
            Some(json!({"processor": "adyen", "timeout_ms": 800})),
        )
        .await;
    assert_eq!(more.status, 404, "{}", more.text);
}

#[tokio::test]
async fn outbox_lists_filters_and_waits() {
    let h = start().await;
    let psp = h
        .adyen("/v68/payments", &h.manual(VISA, "J", 100))
        .await
        .json()["pspReference"]
        .as_str()
        .unwrap()
        .to_string();
    h.adyen(
        &format!("/v68/payments/{psp}/cancels"),
        &json!({"merchantAccount": h.merchant}),
    )
    .await;
    // Wait for both, by event.
    let cancel = h.next_webhook("CANCELLATION").await;
    assert_eq!(cancel["processor"], "adyen");
    assert!(cancel["id"].is_string());
    let list = h
        .control(
            reqwest::Method::GET,
            "/_sandbox/webhooks?processor=adyen",
            None,
        )
        .await
        .json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["event"], "AUTHORISATION");
    assert_eq!(
        h.control(reqwest::Method::DELETE, "/_sandbox/webhooks", None)
            .await
            .json()["removed"],
        1
    );
    assert_eq!(
        h.control(reqwest::Method::GET, "/_sandbox/webhooks", None)
            .await
            .json(),
        json!([])
    );
    // A waiter is woken by a webhook emitted while it waits.
    let waiter = h.control(
        reqwest::Method::POST,
        "/_sandbox/webhooks/next",
        Some(json!({"processor": "adyen", "event": "AUTHORISATION", "timeout_ms": 10000})),
    );
    let payment_body = h.payment(VISA, "J", 100);
    let pay = h.adyen("/v68/payments", &payment_body);
    let (webhook, payment) = tokio::join!(waiter, pay);
    assert_eq!(webhook.status, 200);
    let body: Value = serde_json::from_str(webhook.json()["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body["notificationItems"][0]["NotificationRequestItem"]["pspReference"],
        payment.json()["pspReference"]
    );
    let none = h
        .control(
            reqwest::Method::POST,
            "/_sandbox/webhooks/next",
            Some(json!({"processor": "adyen", "timeout_ms": 0})),
        )
        .await;
    assert_eq!(none.status, 404);
    assert!(none.json()["error"].is_string());
}

/// A one-shot HTTP endpoint that records each request body and answers `status`.
async fn receiver(statuses: Vec<u16>) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/adyen?x=1", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        for status in statuses {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head, then Content-Length bytes of body.
            let body = loop {
                let n = stream.read(&mut buf).await.unwrap();
                if n == 0 {
                    break String::new();
                }
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
                        assert!(text.starts_with("POST /hooks/adyen?x=1 HTTP/1.1"), "{text}");
                        assert!(head.contains("content-type: application/json"), "{head}");
                        break text[end + 4..end + 4 + len].to_string();
                    }
                }
            };
            let answer = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: 10\r\nconnection: close\r\n\r\n[accepted]"
            );
            stream.write_all(answer.as_bytes()).await.unwrap();
            let _ = tx.send(body);
        }
    });
    (url, rx)
}

#[tokio::test]
async fn webhooks_are_posted_to_the_configured_url_with_retries() {
    let (url, mut received) = receiver(vec![500, 200]).await;
    let h = start_with(Sandbox::builder().webhook_url("adyen", url)).await;
    let psp = h
        .adyen("/v68/payments", &h.payment(VISA, "J", 100))
        .await
        .json()["pspReference"]
        .clone();
    let failed_attempt = received.recv().await.unwrap();
    let delivered = received.recv().await.unwrap();
    assert_eq!(failed_attempt, delivered, "the retry sends the same body");
    let body: Value = serde_json::from_str(&delivered).unwrap();
    let item = &body["notificationItems"][0]["NotificationRequestItem"];
    assert_eq!(item["pspReference"], psp);
    assert!(verify_item(item, &h.hmac_key));
    // It is in the outbox too, byte for byte.
    let outbox = h.next_webhook("AUTHORISATION").await;
    assert_eq!(outbox["body"], delivered.as_str());
}

#[tokio::test]
async fn builder_rejects_bad_webhook_urls() {
    assert!(Sandbox::builder()
        .webhook_url("adyen", "https://example.com/x")
        .start()
        .await
        .is_err());
    assert!(Sandbox::builder()
        .webhook_url("adyen", "not a url")
        .start()
        .await
        .is_err());
    assert!(Sandbox::builder()
        .webhook_url("nobody", "http://127.0.0.1:1/")
        .start()
        .await
        .is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let sandbox = Sandbox::start().await.unwrap();
    let url = format!("{}/_sandbox/credentials", sandbox.base_url());
    let client = reqwest::Client::new();
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    drop(sandbox);
    // Fresh connections are refused once the accept loop has seen the signal.
    let mut refused = false;
    for _ in 0..100 {
        let fresh = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        if fresh.get(&url).send().await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "the server still answers after drop");
}

#[test]
fn runs_on_its_own_thread_without_a_runtime() {
    let sandbox = Sandbox::start_on_thread().unwrap();
    assert_eq!(sandbox.credentials()["adyen"]["type"], "adyen");
    let base = sandbox.url("adyen");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{base}/v68/payments"))
            .body("{}")
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 401);
    drop(sandbox);
}

#[tokio::test]
async fn odd_request_targets_get_an_answer() {
    let h = start().await;
    for target in ["*", "/", "/adyen", "/adyen/"] {
        let mut stream = tokio::net::TcpStream::connect(h.sandbox.addr())
            .await
            .unwrap();
        let request = format!("OPTIONS {target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 4"), "{target}: {answer}");
    }
}

#[tokio::test]
async fn a_request_whose_client_gave_up_during_latency_is_still_processed() {
    let h = start().await;
    h.fault(json!({"processor": "adyen", "fault": {"type": "latency", "ms": 400}}))
        .await;
    let url = format!("{}/v68/payments", h.sandbox.url("adyen"));
    let body = h.payment(VISA, "J", 100).to_string();
    let result = h
        .http
        .post(url)
        .header("X-API-Key", &h.api_key)
        .timeout(Duration::from_millis(50))
        .body(body)
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());
    // As at a real processor, the payment happened although the client saw a timeout.
    let item = h.next_item("AUTHORISATION").await;
    assert_eq!(item["success"], "true");
}
