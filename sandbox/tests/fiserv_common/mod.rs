//! Helpers for the Fiserv tests: a plain HTTP client that signs Commerce Hub requests itself
//! (HMAC-SHA256 of `Api-Key + Client-Request-Id + Timestamp + body`, Base64), nothing from the
//! core.
#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use base64::prelude::{Engine as _, BASE64_STANDARD};
use connector_sandbox::Sandbox;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

#[path = "../common/reply.rs"]
mod reply;
pub use reply::Reply;

pub const VISA: &str = "4012001928706700";
pub const MASTERCARD: &str = "5500007287297385";
pub const AMEX: &str = "341111227713933";

pub struct Harness {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub api_key: String,
    pub api_secret: String,
    pub merchant_id: String,
    pub terminal_id: String,
}

pub async fn start() -> Harness {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let creds = sandbox.credentials()["fiserv"].clone();
    Harness {
        api_key: creds["api_key"].as_str().unwrap().to_string(),
        api_secret: creds["api_secret"].as_str().unwrap().to_string(),
        merchant_id: creds["merchant_id"].as_str().unwrap().to_string(),
        terminal_id: creds["terminal_id"].as_str().unwrap().to_string(),
        http: reqwest::Client::new(),
        sandbox,
    }
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

pub fn sign(api_key: &str, secret: &str, request_id: &str, timestamp: &str, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{api_key}{request_id}{timestamp}{body}").as_bytes());
    BASE64_STANDARD.encode(mac.finalize().into_bytes())
}

pub fn new_request_id() -> String {
    format!("req-{}-{}", now_ms(), fastrand::u64(..))
}

/// What to send, for tests that bend the headers.
pub struct Signed<'a> {
    pub api_key: &'a str,
    pub secret: &'a str,
    pub request_id: String,
    pub timestamp: String,
    pub token_type: &'a str,
    /// Replaces the signature when set.
    pub authorization: Option<String>,
    pub content_type: &'a str,
}

impl Harness {
    pub fn signed(&self) -> Signed<'_> {
        Signed {
            api_key: &self.api_key,
            secret: &self.api_secret,
            request_id: new_request_id(),
            timestamp: now_ms().to_string(),
            token_type: "HMAC",
            authorization: None,
            content_type: "application/json",
        }
    }

    pub fn merchant(&self) -> Value {
        json!({"merchantId": self.merchant_id, "terminalId": self.terminal_id})
    }

    /// POSTs `body` (exact text) to a path below `/fiserv`, signed as `s` says.
    pub async fn raw(&self, path: &str, body: &str, s: &Signed<'_>) -> Reply {
        let authorization = s
            .authorization
            .clone()
            .unwrap_or_else(|| sign(s.api_key, s.secret, &s.request_id, &s.timestamp, body));
        let response = self
            .http
            .post(format!("{}{}", self.sandbox.url("fiserv"), path))
            .header("Content-Type", s.content_type)
            .header("Api-Key", s.api_key)
            .header("Client-Request-Id", &s.request_id)
            .header("Timestamp", &s.timestamp)
            .header("Auth-Token-Type", s.token_type)
            .header("Authorization", authorization)
            .body(body.to_string())
            .send()
            .await
            .expect("answered");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Reply {
            status,
            headers,
            text,
        }
    }

    /// POSTs JSON, correctly signed, with a fresh request id.
    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.raw(path, &body.to_string(), &self.signed()).await
    }

    pub async fn charge(&self, body: &Value) -> Reply {
        self.post("/ch/payments/v1/charges", body).await
    }

    pub fn card(number: &str, cvv: &str) -> Value {
        json!({"sourceType": "PaymentCard",
               "card": {"cardData": number, "expirationMonth": "12", "expirationYear": "2030",
                        "securityCode": cvv}})
    }

    /// An authorization (`captureFlag` as given) of `total` USD on the Visa test card.
    pub fn auth_body(&self, total: Value, capture: bool) -> Value {
        json!({
            "amount": {"total": total, "currency": "USD"},
            "source": Self::card(VISA, "777"),
            "transactionDetails": {"captureFlag": capture, "merchantTransactionId": new_request_id(),
                                   "merchantOrderId": "order-42"},
            "transactionInteraction": {"origin": "ECOM", "eciIndicator": "CHANNEL_ENCRYPTED",
                                       "posConditionCode": "CARD_NOT_PRESENT_ECOM"},
            "merchantDetails": self.merchant(),
        })
    }

    /// Authorizes and returns the charge's answer (201 asserted).
    pub async fn authorize(&self, total: Value, capture: bool) -> Value {
        let reply = self.charge(&self.auth_body(total, capture)).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        reply.json()
    }

    pub async fn inquiry(&self, reference: Value) -> Reply {
        self.post(
            "/ch/payments/v1/transaction-inquiry",
            &json!({"merchantDetails": self.merchant(), "referenceTransactionDetails": reference}),
        )
        .await
    }
}

pub fn txn_id(body: &Value) -> String {
    body["gatewayResponse"]["transactionProcessingDetails"]["transactionId"]
        .as_str()
        .expect("transactionId")
        .to_string()
}

pub fn order_id(body: &Value) -> String {
    body["gatewayResponse"]["transactionProcessingDetails"]["orderId"]
        .as_str()
        .expect("orderId")
        .to_string()
}

pub fn state(body: &Value) -> &str {
    body["gatewayResponse"]["transactionState"]
        .as_str()
        .unwrap_or("")
}

pub fn kind(body: &Value) -> &str {
    body["gatewayResponse"]["transactionType"]
        .as_str()
        .unwrap_or("")
}

pub fn approval(body: &Value) -> &str {
    body["paymentReceipt"]["processorResponseDetails"]["approvalStatus"]
        .as_str()
        .unwrap_or("")
}

/// Asserts a Commerce Hub error answer: status, `error[0].type`, and `code` when given.
pub fn assert_error(reply: &Reply, status: u16, kind: &str, code: Option<&str>) -> Value {
    assert_eq!(reply.status, status, "{}", reply.text);
    let body = reply.json();
    let item = &body["error"][0];
    assert_eq!(item["type"], kind, "{body}");
    match code {
        Some(code) => assert_eq!(item["code"], code, "{body}"),
        None => assert!(item.get("code").is_none(), "{body}"),
    }
    assert!(
        item["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body
}
