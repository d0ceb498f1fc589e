//! Helpers for the sandbox's integration tests: a plain HTTP client, nothing from the core.
#![allow(dead_code)]

use base64::prelude::{Engine as _, BASE64_STANDARD};
use connector_sandbox::Sandbox;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

mod reply;
pub use reply::Reply;

pub struct Harness {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub api_key: String,
    pub merchant: String,
    pub hmac_key: String,
}

pub async fn start() -> Harness {
    start_with(Sandbox::builder()).await
}

pub async fn start_with(builder: connector_sandbox::SandboxBuilder) -> Harness {
    let sandbox = builder.start().await.expect("sandbox starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let creds = sandbox.credentials();
    let adyen = &creds["adyen"];
    Harness {
        api_key: adyen["api_key"].as_str().unwrap().to_string(),
        merchant: adyen["merchant_account"].as_str().unwrap().to_string(),
        hmac_key: adyen["webhook_hmac_key"].as_str().unwrap().to_string(),
        sandbox,
        http,
    }
}

impl Harness {
    pub async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Result<Reply, reqwest::Error> {
        let mut request = self.http.request(method, url);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await?;
        Ok(Reply {
            status,
            headers,
            text,
        })
    }

    /// POST JSON to an Adyen path with the right API key (plus `extra` headers).
    pub async fn adyen_raw(
        &self,
        path: &str,
        body: &str,
        extra: &[(&str, &str)],
    ) -> Result<Reply, reqwest::Error> {
        let url = format!("{}{}", self.sandbox.url("adyen"), path);
        let mut headers = vec![
            ("X-API-Key", self.api_key.as_str()),
            ("Content-Type", "application/json"),
        ];
        headers.extend_from_slice(extra);
        self.send(
            reqwest::Method::POST,
            &url,
            &headers,
            Some(body.to_string()),
        )
        .await
    }

    pub async fn adyen(&self, path: &str, body: &Value) -> Reply {
        self.adyen_raw(path, &body.to_string(), &[])
            .await
            .expect("request answered")
    }

    pub async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let url = format!("{}{}", self.sandbox.base_url(), path);
        self.send(
            method,
            &url,
            &[("Content-Type", "application/json")],
            body.map(|b| b.to_string()),
        )
        .await
        .expect("control answered")
    }

    pub async fn fault(&self, rule: Value) {
        let reply = self
            .control(reqwest::Method::POST, "/_sandbox/faults", Some(rule))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }

    /// Takes the next Adyen webhook (of `event`), waiting up to 5 s; panics when none comes.
    pub async fn next_webhook(&self, event: &str) -> Value {
        let reply = self
            .control(
                reqwest::Method::POST,
                "/_sandbox/webhooks/next",
                Some(json!({"processor": "adyen", "event": event, "timeout_ms": 5000})),
            )
            .await;
        assert_eq!(reply.status, 200, "no {event} webhook: {}", reply.text);
        reply.json()
    }

    /// The single NotificationRequestItem of the next `event` webhook, after checking the
    /// envelope and its signature.
    pub async fn next_item(&self, event: &str) -> Value {
        let webhook = self.next_webhook(event).await;
        assert_eq!(webhook["event"], event);
        assert_eq!(webhook["headers"]["Content-Type"], "application/json");
        let body: Value = serde_json::from_str(webhook["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["live"], "false");
        let items = body["notificationItems"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        let item = items[0]["NotificationRequestItem"].clone();
        assert_eq!(item["eventCode"], event);
        assert!(
            verify_item(&item, &self.hmac_key),
            "bad signature on {item}"
        );
        item
    }

    pub fn payment(&self, number: &str, holder: &str, value: i64) -> Value {
        json!({
            "amount": {"currency": "EUR", "value": value},
            "reference": "order-42",
            "merchantAccount": self.merchant,
            "returnUrl": "https://shop.example/return?cart=7",
            "paymentMethod": {"type": "scheme", "number": number, "expiryMonth": "03", "expiryYear": "2030",
                              "cvc": if number.starts_with("37") { "7373" } else { "737" }, "holderName": holder},
        })
    }

    pub fn manual(&self, number: &str, holder: &str, value: i64) -> Value {
        let mut p = self.payment(number, holder, value);
        p["additionalData"] = json!({"manualCapture": "true"});
        p
    }
}

/// An independent implementation of Adyen's notification HMAC (Adyen API reference, "Signature (HMAC) — exact algorithm").
pub fn item_signature(item: &Value, hex_key: &str) -> String {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let message = [
        s(&item["pspReference"]),
        s(&item["originalReference"]),
        s(&item["merchantAccountCode"]),
        s(&item["merchantReference"]),
        item["amount"]["value"]
            .as_i64()
            .map(|v| v.to_string())
            .unwrap_or_default(),
        s(&item["amount"]["currency"]),
        s(&item["eventCode"]),
        s(&item["success"]),
    ]
    .join(":");
    let key = hex::decode(hex_key).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(message.as_bytes());
    BASE64_STANDARD.encode(mac.finalize().into_bytes())
}

pub fn verify_item(item: &Value, hex_key: &str) -> bool {
    item["additionalData"]["hmacSignature"].as_str() == Some(item_signature(item, hex_key).as_str())
}

pub const VISA: &str = "4111111111111111";
pub const MASTERCARD: &str = "5101180000000007";
pub const AMEX: &str = "370000000000002";
pub const THREE_DS_CARD: &str = "4212345678910006";
