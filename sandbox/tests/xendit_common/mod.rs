//! Helpers for the Xendit emulation tests: a plain HTTP client, nothing from the core.
#![allow(dead_code)]

use base64::prelude::{Engine as _, BASE64_STANDARD};
use connector_sandbox::Sandbox;
use reqwest::Method;
use serde_json::{json, Value};

#[path = "../common/reply.rs"]
mod reply;
pub use reply::Reply;

impl Reply {
    /// Asserts a `{"error_code", "message"}` answer with `status` and `code`; answers the body.
    pub fn error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        let body = self.json();
        assert_eq!(body["error_code"], code, "{body}");
        assert!(body["message"].is_string(), "{body}");
        body
    }
}

pub const CHALLENGE_CARD: &str = "4000000000001091";
pub const FRICTIONLESS_CARD: &str = "4000000000001000";
pub const DECLINE_CARD: &str = "4000000000009102";

pub struct Xnd {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub secret_key: String,
    pub callback_token: String,
}

pub async fn start() -> Xnd {
    let sandbox = Sandbox::builder().start().await.expect("sandbox starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let creds = sandbox.credentials()["xendit"].clone();
    assert_eq!(creds["type"], "xendit");
    assert_eq!(
        creds.as_object().unwrap().len(),
        3,
        "exactly type, secret_key, callback_tokens: {creds}"
    );
    Xnd {
        secret_key: creds["secret_key"].as_str().unwrap().to_string(),
        callback_token: creds["callback_tokens"][0].as_str().unwrap().to_string(),
        sandbox,
        http,
    }
}

impl Xnd {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox.url("xendit"), path)
    }

    /// `Basic base64(secret_key:)`.
    pub fn auth(&self) -> String {
        format!(
            "Basic {}",
            BASE64_STANDARD.encode(format!("{}:", self.secret_key))
        )
    }

    pub async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Reply {
        let mut request = self.http.request(method, url);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.expect("answered");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Reply {
            status,
            headers,
            text,
        }
    }

    /// POST JSON with the right credentials (plus `extra` headers).
    pub async fn post_with(&self, path: &str, body: &Value, extra: &[(&str, &str)]) -> Reply {
        let auth = self.auth();
        let mut headers = vec![
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ];
        headers.extend_from_slice(extra);
        self.send(
            Method::POST,
            &self.url(path),
            &headers,
            Some(body.to_string()),
        )
        .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.post_with(path, body, &[]).await
    }

    /// POST and expect `201`.
    pub async fn post_ok(&self, path: &str, body: &Value) -> Value {
        let reply = self.post(path, body).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        reply.json()
    }

    pub async fn get(&self, path: &str) -> Reply {
        let auth = self.auth();
        self.send(
            Method::GET,
            &self.url(path),
            &[("Authorization", auth.as_str())],
            None,
        )
        .await
    }

    pub async fn get_ok(&self, path: &str) -> Value {
        let reply = self.get(path).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json()
    }

    /// POSTs the shopper page form (`result=...`); answers the `Location`.
    pub async fn complete_page(&self, url: &str, result: &str) -> String {
        let reply = self
            .send(
                Method::POST,
                url,
                &[("Content-Type", "application/x-www-form-urlencoded")],
                Some(format!("result={result}")),
            )
            .await;
        assert_eq!(reply.status, 302, "{}", reply.text);
        reply.header("location").expect("a Location")
    }

    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let url = format!("{}{}", self.sandbox.base_url(), path);
        self.send(
            method,
            &url,
            &[("Content-Type", "application/json")],
            body.map(|b| b.to_string()),
        )
        .await
    }

    /// Takes the next Xendit callback of `event` mentioning `contains`, checks its token, and
    /// answers its parsed body.
    pub async fn next_callback(&self, event: &str, contains: &str) -> Value {
        let reply = self
            .control(
                Method::POST,
                "/_sandbox/webhooks/next",
                Some(json!({"processor": "xendit", "event": event, "contains": contains, "timeout_ms": 5000})),
            )
            .await;
        assert_eq!(reply.status, 200, "no {event} callback: {}", reply.text);
        let webhook = reply.json();
        assert_eq!(
            webhook["headers"]["x-callback-token"],
            self.callback_token.as_str()
        );
        assert_eq!(webhook["headers"]["Content-Type"], "application/json");
        let body: Value = serde_json::from_str(webhook["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["event"], event);
        assert!(body["business_id"].is_string());
        assert!(body["created"].is_string());
        body
    }

    /// Asserts that no callback of `event` mentioning `contains` comes within 300 ms.
    pub async fn no_callback(&self, event: &str, contains: &str) {
        let reply = self
            .control(
                Method::POST,
                "/_sandbox/webhooks/next",
                Some(json!({"processor": "xendit", "event": event, "contains": contains, "timeout_ms": 300})),
            )
            .await;
        assert_eq!(reply.status, 404, "unexpected callback: {}", reply.text);
    }
}

/// A card payment request body (IDR 10000).
pub fn card_request(number: &str, capture: &str) -> Value {
    json!({
        "reference_id": "order-42",
        "amount": 10000,
        "currency": "IDR",
        "capture_method": capture,
        "payment_method": {
            "type": "CARD",
            "reusability": "ONE_TIME_USE",
            "reference_id": "order-42-pm",
            "card": {
                "channel_properties": {
                    "success_return_url": "https://merchant.example/return/success",
                    "failure_return_url": "https://merchant.example/return/failure",
                    "skip_three_d_secure": false
                },
                "card_information": {
                    "card_number": number,
                    "expiry_month": "12",
                    "expiry_year": "2030",
                    "cvv": "123",
                    "cardholder_name": "Joseph Doe",
                    "cardholder_email": "joseph@example.com",
                    "cardholder_phone_number": "+6281234567890"
                }
            }
        }
    })
}

/// An e-wallet payment request body.
pub fn ewallet_request(channel: &str, currency: &str, amount: i64, props: Value) -> Value {
    json!({
        "reference_id": "order-77",
        "amount": amount,
        "currency": currency,
        "payment_method": {
            "type": "EWALLET",
            "reusability": "ONE_TIME_USE",
            "ewallet": {"channel_code": channel, "channel_properties": props}
        }
    })
}
