//! Helpers for the Razorpay emulation tests: a plain HTTP client, nothing from the core.
#![allow(dead_code)]

use base64::prelude::{Engine as _, BASE64_STANDARD};
use connector_sandbox::Sandbox;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

#[path = "../common/reply.rs"]
mod reply;
pub use reply::Reply;

impl Reply {
    /// Asserts a `{"error": {...}}` answer with `status` and `description`; answers the error.
    pub fn error(&self, status: u16, description: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        let body = self.json();
        let error = body["error"].clone();
        assert_eq!(error["code"], "BAD_REQUEST_ERROR", "{body}");
        assert_eq!(error["description"], description, "{body}");
        error
    }
}

/// Independent HMAC-SHA256 in lowercase hex (Razorpay API docs, "Authorize (server-to-server card) — POST /v1/payments/create/json", Razorpay API docs, "Signature").
pub fn hmac_hex(secret: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

pub struct Rzp {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub key_id: String,
    pub key_secret: String,
    pub webhook_secret: String,
}

pub async fn start() -> Rzp {
    start_with(Sandbox::builder()).await
}

pub async fn start_with(builder: connector_sandbox::SandboxBuilder) -> Rzp {
    let sandbox = builder.start().await.expect("sandbox starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let creds = sandbox.credentials()["razorpay"].clone();
    assert_eq!(creds["type"], "razorpay");
    Rzp {
        key_id: creds["key_id"].as_str().unwrap().to_string(),
        key_secret: creds["key_secret"].as_str().unwrap().to_string(),
        webhook_secret: creds["webhook_secrets"][0].as_str().unwrap().to_string(),
        sandbox,
        http,
    }
}

pub const VISA: &str = "4111111111111111";
pub const DECLINED: &str = "4000000000000002";
pub const CALLBACK: &str = "https://shop.example/razorpay/return?cart=7";

impl Rzp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox.url("razorpay"), path)
    }

    pub fn auth(&self) -> String {
        format!(
            "Basic {}",
            BASE64_STANDARD.encode(format!("{}:{}", self.key_id, self.key_secret))
        )
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
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

    /// An authenticated API call with a JSON body (or none).
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Reply {
        let auth = self.auth();
        let mut headers = vec![("Authorization", auth.as_str())];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        self.send(
            method,
            &self.url(path),
            &headers,
            body.map(|b| b.to_string().into_bytes()),
        )
        .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(reqwest::Method::GET, path, None).await
    }

    /// POST that must answer 200; answers the JSON.
    pub async fn post_ok(&self, path: &str, body: &Value) -> Value {
        let reply = self.post(path, body).await;
        assert_eq!(reply.status, 200, "POST {path}: {}", reply.text);
        reply.json()
    }

    pub async fn get_ok(&self, path: &str) -> Value {
        let reply = self.get(path).await;
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.text);
        reply.json()
    }

    pub async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let url = format!("{}{}", self.sandbox.base_url(), path);
        self.send(
            method,
            &url,
            &[("Content-Type", "application/json")],
            body.map(|b| b.to_string().into_bytes()),
        )
        .await
    }

    pub async fn order(&self, amount: i64, auto_capture: bool) -> Value {
        self.post_ok(
            "/v1/orders",
            &json!({"amount": amount, "currency": "INR", "receipt": "rcpt-1",
                    "payment_capture": if auto_capture { 1 } else { 0 }}),
        )
        .await
    }

    pub fn card_payment(&self, order: &Value, number: &str) -> Value {
        json!({
            "amount": order["amount"], "currency": order["currency"], "order_id": order["id"],
            "method": "card", "email": "gaurav.kumar@example.com", "contact": "9000090000",
            "card": {"number": number, "name": "Gaurav", "expiry_month": 11, "expiry_year": 30, "cvv": "100"},
            "authentication": {"authentication_channel": "browser"},
            "browser": {"java_enabled": false, "javascript_enabled": false, "timezone_offset": 11,
                        "color_depth": 23, "screen_width": 23, "screen_height": 100},
            "ip": "203.0.113.7", "referer": "https://shop.example/checkout", "user_agent": "Mozilla/5.0",
            "callback_url": CALLBACK,
        })
    }

    /// create/json; answers (payment id, redirect URL).
    pub async fn create_payment(&self, body: &Value) -> (String, String) {
        let created = self.post_ok("/v1/payments/create/json", body).await;
        let id = created["razorpay_payment_id"].as_str().unwrap().to_string();
        let next = created["next"].as_array().unwrap();
        let redirect = next
            .iter()
            .find(|n| n["action"] == "redirect")
            .expect("a redirect action");
        (id, redirect["url"].as_str().unwrap().to_string())
    }

    /// POSTs the OTP form to the mock page; answers the redirect's query parameters.
    pub async fn submit_otp(&self, page: &str, otp: &str) -> Vec<(String, String)> {
        let reply = self
            .send(
                reqwest::Method::POST,
                page,
                &[("Content-Type", "application/x-www-form-urlencoded")],
                Some(format!("otp={otp}").into_bytes()),
            )
            .await;
        assert_eq!(reply.status, 302, "{}", reply.text);
        let location = reply.header("location").expect("a Location");
        assert!(
            location.starts_with("https://shop.example/razorpay/return?cart=7&"),
            "{location}"
        );
        url::Url::parse(&location)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// Order → payment → OTP: an authorized (or captured) payment; answers (order, payment id).
    pub async fn authorized_payment(&self, amount: i64, auto_capture: bool) -> (Value, String) {
        let order = self.order(amount, auto_capture).await;
        let (id, page) = self.create_payment(&self.card_payment(&order, VISA)).await;
        self.submit_otp(&page, "123456").await;
        (order, id)
    }

    /// Takes the next Razorpay webhook of `event` whose body contains `contains`, checks its
    /// signature and headers, and answers its parsed body.
    pub async fn webhook(&self, event: &str, contains: &str) -> Value {
        let reply = self
            .control(
                reqwest::Method::POST,
                "/_sandbox/webhooks/next",
                Some(json!({"processor": "razorpay", "event": event, "contains": contains, "timeout_ms": 5000})),
            )
            .await;
        assert_eq!(reply.status, 200, "no {event} webhook: {}", reply.text);
        let webhook = reply.json();
        assert_eq!(webhook["event"], event);
        let headers = &webhook["headers"];
        assert_eq!(headers["Content-Type"], "application/json");
        let raw = webhook["body"].as_str().unwrap();
        assert_eq!(
            headers["X-Razorpay-Signature"].as_str(),
            Some(hmac_hex(&self.webhook_secret, raw.as_bytes()).as_str()),
            "signature of {raw}"
        );
        let event_id = headers["X-Razorpay-Event-Id"].as_str().unwrap();
        assert!(!event_id.is_empty());
        let body: Value = serde_json::from_str(raw).unwrap();
        assert_eq!(body["entity"], "event");
        assert_eq!(body["event"], event);
        assert!(body["account_id"].as_str().unwrap().starts_with("acc_"));
        assert!(body["created_at"].as_i64().unwrap() > 1_600_000_000);
        let contains: Vec<&str> = body["contains"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        for name in &contains {
            assert!(body["payload"][name]["entity"].is_object(), "{body}");
        }
        body
    }

    /// Asserts that no `event` webhook for `contains` comes within a short while.
    pub async fn no_webhook(&self, event: &str, contains: &str) {
        let reply = self
            .control(
                reqwest::Method::POST,
                "/_sandbox/webhooks/next",
                Some(json!({"processor": "razorpay", "event": event, "contains": contains, "timeout_ms": 300})),
            )
            .await;
        assert_eq!(reply.status, 404, "unexpected webhook: {}", reply.text);
    }
}
