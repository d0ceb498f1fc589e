//! Fiserv Commerce Hub emulation: request signing, timestamps, credentials, idempotency.

mod fiserv_common;

use fiserv_common::*;
use serde_json::json;

const UNAUTHORIZED: &str = "ApiKey and/or Authentication supplied are invalid.";

#[tokio::test]
async fn credentials_are_the_connector_config() {
    let h = start().await;
    let creds = h.sandbox.credentials()["fiserv"].clone();
    let mut keys: Vec<&String> = creds.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "api_key",
            "api_secret",
            "merchant_id",
            "terminal_id",
            "type"
        ]
    );
    assert_eq!(creds["type"], "fiserv");
}

#[tokio::test]
async fn a_signed_request_is_accepted() {
    let h = start().await;
    let body = h.authorize(json!(12.04), false).await;
    assert_eq!(kind(&body), "CHARGE");
    assert_eq!(state(&body), "AUTHORIZED");
}

#[tokio::test]
async fn bad_signatures_keys_and_timestamps_are_401_apim() {
    let h = start().await;
    let body = h.auth_body(json!(10), true).to_string();
    let path = "/ch/payments/v1/charges";

    let mut cases = Vec::new();
    // Wrong secret.
    let mut s = h.signed();
    s.secret = "not-the-secret";
    cases.push(("wrong secret", s));
    // Unknown key (signed with it).
    let mut s = h.signed();
    s.api_key = "unknown-key";
    cases.push(("unknown key", s));
    // Signature of another body.
    let mut s = h.signed();
    s.authorization = Some(sign(
        &h.api_key,
        &h.api_secret,
        &s.request_id,
        &s.timestamp,
        "{}",
    ));
    cases.push(("other body", s));
    // The legacy mistake: Base64 of the hex digest.
    let mut s = h.signed();
    s.authorization = Some("OWRiMWNlZmFrZQ==".to_string());
    cases.push(("garbage", s));
    // Six minutes old, and six minutes ahead.
    let mut s = h.signed();
    s.timestamp = (now_ms() - 6 * 60 * 1000).to_string();
    cases.push(("stale", s));
    let mut s = h.signed();
    s.timestamp = (now_ms() + 6 * 60 * 1000).to_string();
    cases.push(("future", s));
    // Seconds instead of milliseconds.
    let mut s = h.signed();
    s.timestamp = (now_ms() / 1000).to_string();
    cases.push(("seconds", s));
    // Another token type.
    let mut s = h.signed();
    s.token_type = "AccessToken";
    cases.push(("token type", s));
    // No request id.
    let mut s = h.signed();
    s.request_id = String::new();
    cases.push(("no request id", s));

    for (name, s) in &cases {
        let reply = h.raw(path, &body, s).await;
        let err = assert_error(&reply, 401, "APIM", None);
        assert_eq!(err["error"][0]["message"], UNAUTHORIZED, "{name}");
    }
    // Nothing was charged: the inquiry by merchant order finds nothing.
    let reply = h
        .inquiry(json!({"referenceMerchantOrderId": "order-42"}))
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.json(), json!([]));
}

#[tokio::test]
async fn a_timestamp_within_the_window_is_accepted() {
    let h = start().await;
    let body = h.auth_body(json!(10), true).to_string();
    let mut s = h.signed();
    s.timestamp = (now_ms() - 4 * 60 * 1000).to_string();
    let reply = h.raw("/ch/payments/v1/charges", &body, &s).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
}

#[tokio::test]
async fn the_signature_covers_the_exact_bytes() {
    let h = start().await;
    // Pretty-printed JSON is fine when those are the bytes signed and sent.
    let pretty = serde_json::to_string_pretty(&h.auth_body(json!(10.5), true)).unwrap();
    let reply = h.raw("/ch/payments/v1/charges", &pretty, &h.signed()).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    // Signed compact, sent pretty: refused.
    let compact = h.auth_body(json!(10.5), true).to_string();
    let mut s = h.signed();
    s.authorization = Some(sign(
        &h.api_key,
        &h.api_secret,
        &s.request_id,
        &s.timestamp,
        &compact,
    ));
    let reply = h.raw("/ch/payments/v1/charges", &pretty, &s).await;
    assert_error(&reply, 401, "APIM", None);
}

#[tokio::test]
async fn unknown_paths_and_media_types() {
    let h = start().await;
    let reply = h.post("/ch/payments/v1/disputes", &json!({})).await;
    let err = assert_error(&reply, 404, "APIM", None);
    assert_eq!(err["error"][0]["message"], "Resource not found.");
    let reply = h.post("/payments/v1/charges", &json!({})).await;
    assert_error(&reply, 404, "APIM", None);
    let mut s = h.signed();
    s.content_type = "text/plain";
    let reply = h
        .raw(
            "/ch/payments/v1/charges",
            &h.auth_body(json!(1), true).to_string(),
            &s,
        )
        .await;
    assert_error(&reply, 415, "APIM", None);
}

#[tokio::test]
async fn a_retry_with_the_same_request_id_gets_the_first_answer() {
    let h = start().await;
    let body = h.auth_body(json!(25), true).to_string();
    let first = h.signed();
    let request_id = first.request_id.clone();
    let a = h.raw("/ch/payments/v1/charges", &body, &first).await;
    assert_eq!(a.status, 201);
    // Same id, new timestamp and signature.
    let mut again = h.signed();
    again.request_id = request_id.clone();
    again.timestamp = (now_ms() + 1).to_string();
    let b = h.raw("/ch/payments/v1/charges", &body, &again).await;
    assert_eq!(b.status, 201);
    assert_eq!(a.text, b.text);
    // One transaction only.
    let reply = h
        .inquiry(json!({"referenceClientRequestId": request_id}))
        .await;
    let items = reply.json();
    assert_eq!(items.as_array().unwrap().len(), 1, "{items}");
    assert_eq!(txn_id(&items[0]), txn_id(&a.json()));
    // A new id is a new transaction.
    let c = h.raw("/ch/payments/v1/charges", &body, &h.signed()).await;
    assert_eq!(c.status, 201);
    assert_ne!(txn_id(&c.json()), txn_id(&a.json()));
}

#[tokio::test]
async fn the_merchant_must_be_the_sandboxs() {
    let h = start().await;
    let mut body = h.auth_body(json!(10), true);
    body["merchantDetails"]["merchantId"] = json!("999");
    assert_error(&h.charge(&body).await, 400, "GATEWAY", Some("201"));
    let mut body = h.auth_body(json!(10), true);
    body["merchantDetails"]["terminalId"] = json!("999");
    assert_error(&h.charge(&body).await, 400, "GATEWAY", Some("202"));
    let mut body = h.auth_body(json!(10), true);
    body.as_object_mut().unwrap().remove("merchantDetails");
    let err = assert_error(&h.charge(&body).await, 400, "GATEWAY", Some("107"));
    assert_eq!(err["error"][0]["field"], "merchantDetails.merchantId");
    let mut body = h.auth_body(json!(10), true);
    body["merchantDetails"]
        .as_object_mut()
        .unwrap()
        .remove("terminalId");
    assert_error(&h.charge(&body).await, 400, "GATEWAY", Some("107"));
    // The inquiry needs the merchant, not the terminal.
    let reply = h
        .post(
            "/ch/payments/v1/transaction-inquiry",
            &json!({"merchantDetails": {"merchantId": h.merchant_id},
                    "referenceTransactionDetails": {"referenceTransactionId": "nope"}}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
}

#[tokio::test]
async fn the_same_bytes_resent_get_the_first_answer_whatever_the_path() {
    let h = start().await;
    let body = h.auth_body(json!(31), false).to_string();
    let s = h.signed();
    let first = h.raw("/ch/payments/v1/charges", &body, &s).await;
    assert_eq!(first.status, 201);
    // The identical request (same timestamp and signature), as a transport retry sends it.
    let again = h.raw("/ch/payments/v1/charges", &body, &s).await;
    assert_eq!(again.text, first.text);
    // The id is the key, whatever the request: another path gets the first answer too.
    let mut other = h.signed();
    other.request_id = s.request_id.clone();
    let cancel =
        json!({"referenceTransactionDetails": {"referenceTransactionId": txn_id(&first.json())},
                        "merchantDetails": h.merchant()})
        .to_string();
    let replay = h.raw("/ch/payments/v1/cancels", &cancel, &other).await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.text, first.text);
    let items = h
        .inquiry(json!({"referenceTransactionId": txn_id(&first.json())}))
        .await
        .json();
    assert_eq!(state(&items[0]), "AUTHORIZED");
}
