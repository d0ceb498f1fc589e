//! Helpers for the Checkout.com sandbox tests: a plain HTTP client, nothing from the core.
#![allow(dead_code)]

use connector_sandbox::Sandbox;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

#[path = "../common/reply.rs"]
mod reply;
pub use reply::Reply;

pub const VISA: &str = "4242424242424242";
pub const INSUFFICIENT_FUNDS: &str = "4544249167673670";

pub struct Cko {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub secret_key: String,
    pub public_key: String,
    pub channel: String,
    pub webhook_secret: String,
}

pub async fn start() -> Cko {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let creds = sandbox.credentials()["checkout"].clone();
    Cko {
        secret_key: creds["secret_key"].as_str().unwrap().to_string(),
        public_key: creds["public_key"].as_str().unwrap().to_string(),
        channel: creds["processing_channel_id"].as_str().unwrap().to_string(),
        webhook_secret: creds["webhook_secrets"][0].as_str().unwrap().to_string(),
        sandbox,
        http,
    }
}

pub fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

impl Cko {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox.url("checkout"), path)
    }

    pub async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Reply {
        let mut request = self.http.request(method, url);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Reply {
            status,
            headers,
            text,
        }
    }

    /// A JSON call with the secret key (plus `extra` headers).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let auth = format!("Bearer {}", self.secret_key);
        let mut headers = vec![
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ];
        headers.extend_from_slice(extra);
        self.send(
            method,
            &self.url(path),
            &headers,
            body.map(|b| b.to_string().into_bytes()),
        )
        .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.call(Method::POST, path, Some(body), &[]).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None, &[]).await
    }

    pub fn card(number: &str) -> Value {
        json!({"type": "card", "number": number, "expiry_month": 12, "expiry_year": 2035, "cvv": "100"})
    }

    pub fn payment(&self, number: &str, amount: i64, capture: bool) -> Value {
        json!({
            "source": Self::card(number),
            "amount": amount,
            "currency": "USD",
            "reference": "ORD-1",
            "capture": capture,
            "processing_channel_id": self.channel,
        })
    }

    /// `POST /payments` expecting 201.
    pub async fn authorize(&self, number: &str, amount: i64, capture: bool) -> Value {
        let reply = self
            .post("/payments", &self.payment(number, amount, capture))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        reply.json()
    }

    /// The next webhook of `event` containing `contains`, checked against its signature.
    pub async fn webhook(&self, event: &str, contains: &str) -> Value {
        let reply = self
            .send(
                Method::POST,
                &format!("{}/_sandbox/webhooks/next", self.sandbox.base_url()),
                &[("Content-Type", "application/json")],
                Some(
                    json!({"processor": "checkout", "event": event, "contains": contains, "timeout_ms": 5000})
                        .to_string()
                        .into_bytes(),
                ),
            )
            .await;
        assert_eq!(reply.status, 200, "{event}: {}", reply.text);
        let webhook = reply.json();
        let body = webhook["body"].as_str().unwrap();
        let signature = webhook["headers"]["Cko-Signature"].as_str().unwrap();
        assert_eq!(signature, hmac_hex(&self.webhook_secret, body.as_bytes()));
        serde_json::from_str(body).unwrap()
    }

    pub async fn control(&self, method: Method, path: &str, body: &Value) -> Reply {
        self.send(
            method,
            &format!("{}{}", self.sandbox.base_url(), path),
            &[("Content-Type", "application/json")],
            Some(body.to_string().into_bytes()),
        )
        .await
    }
}
