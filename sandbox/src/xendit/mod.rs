//! Xendit: the Payment Requests API without the `/v3` prefix (`/payment_requests`, captures,
//! `/refunds`, `/v2/payment_methods`) and its callbacks, for cards and e-wallets, after the
//! Xendit Node SDK (`PaymentRequest`, `Refund`, `PaymentMethod` APIs), the Python SDK callback
//! objects and the Xendit docs ("Error scenarios", "Simulate card scenarios", e-wallet
//! "Testing Scenarios"). Paths are the real ones below `/xendit`.
//!
//! Sandbox choices where the documentation leaves a gap are listed in the README ("Xendit").

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::prelude::{Engine as _, BASE64_STANDARD};
use http::{Method, StatusCode};
use serde_json::{json, Map, Value};
use subtle::ConstantTimeEq;

use crate::processor::{Context, Processor, Request, Response, Webhook};
use crate::util::{lock, random_string};

mod amounts;
mod ewallets;
mod ledger;
mod methods;
mod payments;
mod refunds;

/// The secret API key the sandbox accepts (a test-mode key): the Basic auth username.
pub const SECRET_KEY: &str = "xnd_development_Sbx7kQ2mV9pLr4TzW8yN3cHf6JdB1gXe5UaR0sKoPqMiLtYvE";
/// The callback verification token sent as `x-callback-token` on every callback.
pub const CALLBACK_TOKEN: &str = "sbxCallbackToken4Rk8Vw2Nq7Zt1Lp9Hx3Gd6Fm5Cb0Js";
/// The account's business id (`business_id` of objects and callbacks).
pub const BUSINESS_ID: &str = "5f27a14a9bf05c73dd040bc8";

/// Pages the shopper's browser opens (3-D Secure, e-wallet checkout): no API key.
const PAGES_PREFIX: &str = "/web/";
/// Sandbox-only hooks below the processor's prefix (no authentication).
const HOOKS_PREFIX: &str = "/_sandbox/";

pub struct Xendit {
    state: Mutex<State>,
}

impl Xendit {
    pub fn new() -> Xendit {
        Xendit {
            state: Mutex::new(State::default()),
        }
    }
}

impl Default for Xendit {
    fn default() -> Self {
        Xendit::new()
    }
}

/// A stored answer for an `idempotency-key`.
#[derive(Clone, Debug)]
struct Replay {
    /// `METHOD path` and the parsed body: what must match for a replay.
    fingerprint: (String, Value),
    status: StatusCode,
    body: Value,
}

/// How long a request may wait on the shopper (3-D Secure, e-wallet checkout) before it
/// expires, by default.
pub const DEFAULT_EXPIRY: Duration = Duration::from_secs(15 * 60);

/// Everything the emulated Xendit account knows.
struct State {
    payment_requests: HashMap<String, payments::PaymentRequest>,
    payment_methods: HashMap<String, methods::PaymentMethod>,
    refunds: HashMap<String, refunds::Refund>,
    /// Shopper page token → payment request id (or payment method id for `/v2`).
    pages: HashMap<String, String>,
    idempotency: HashMap<String, Replay>,
    /// Creation sequence, to list collections in order.
    seq: u64,
    /// How long a request may wait on the shopper.
    expiry: Duration,
}

impl Default for State {
    fn default() -> State {
        State {
            payment_requests: HashMap::new(),
            payment_methods: HashMap::new(),
            refunds: HashMap::new(),
            pages: HashMap::new(),
            idempotency: HashMap::new(),
            seq: 0,
            expiry: DEFAULT_EXPIRY,
        }
    }
}

impl State {
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
}

/// A fresh `<prefix>-<uuid v4>` id.
fn new_id(prefix: &str) -> String {
    let hex = |n: usize| random_string(n, b"0123456789abcdef");
    let variant = ["8", "9", "a", "b"][fastrand::usize(..4)];
    format!(
        "{prefix}-{}-{}-4{}-{variant}{}-{}",
        hex(8),
        hex(4),
        hex(3),
        hex(3),
        hex(12)
    )
}

/// A random token for a shopper page.
fn new_token() -> String {
    random_string(32, b"abcdefghijklmnopqrstuvwxyz0123456789")
}

/// Now, as Xendit writes timestamps (`2025-01-01T00:00:00.000Z`).
fn now_iso() -> String {
    let ms = crate::util::now_ms();
    let text = crate::util::rfc3339(
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms),
        std::time::Duration::ZERO,
    );
    format!("{}.{:03}Z", text.trim_end_matches("+00:00"), ms % 1000)
}

/// An answer in Xendit's error shape: `{"error_code", "message", "errors"?}`.
#[derive(Debug, Clone)]
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// Field details of a validation error: `[{"path", "message"}]`.
    errors: Vec<(String, String)>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    /// 400 `API_VALIDATION_ERROR` naming the offending field.
    fn validation(path: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "API_VALIDATION_ERROR",
            message: format!("{path}: {message}"),
            errors: vec![(path.to_string(), message)],
        }
    }

    fn required(path: &str) -> ApiError {
        ApiError::validation(path, "is required")
    }

    /// 400 with another code.
    fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn not_found(what: &str, id: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "DATA_NOT_FOUND",
            format!("{what} {id} not found"),
        )
    }

    fn invalid_api_key() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_API_KEY",
            "API key format is invalid or the key does not exist",
        )
    }

    fn no_route() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource was not found",
        )
    }

    fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("error_code".into(), json!(self.code));
        body.insert("message".into(), json!(self.message));
        if !self.errors.is_empty() {
            let errors: Vec<Value> = self
                .errors
                .iter()
                .map(|(path, message)| json!({"path": path, "message": message}))
                .collect();
            body.insert("errors".into(), Value::Array(errors));
        }
        Value::Object(body)
    }

    fn into_response(self) -> Response {
        Response::json(self.status, &self.body())
    }
}

/// A successful answer: status and JSON body (kept for idempotent replays).
type ApiResult = Result<(StatusCode, Value), ApiError>;

/// The request body as a JSON object. An empty body is `{}`.
fn parse_body(request: &Request) -> Result<Map<String, Value>, ApiError> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match request.json() {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::validation("body", "must be a JSON object")),
        // Only the position: serde's message could quote the input, which may hold card data.
        Err(e) => Err(ApiError::validation(
            "body",
            format!(
                "is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )),
    }
}

/// An optional string field (absent or null → None).
fn opt_str(body: &Map<String, Value>, path: &str, field: &str) -> Result<Option<String>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::validation(&join(path, field), "must be a string")),
    }
}

/// A required, non-blank string field.
fn req_str(body: &Map<String, Value>, path: &str, field: &str) -> Result<String, ApiError> {
    match opt_str(body, path, field)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(ApiError::required(&join(path, field))),
    }
}

/// An optional nested object.
fn opt_obj<'a>(
    body: &'a Map<String, Value>,
    path: &str,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(ApiError::validation(
            &join(path, field),
            "must be an object",
        )),
    }
}

/// An optional boolean.
fn opt_bool(body: &Map<String, Value>, path: &str, field: &str) -> Result<Option<bool>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::validation(
            &join(path, field),
            "must be a boolean",
        )),
    }
}

/// `metadata`: an object (at most 50 keys), or absent → null.
fn opt_metadata(body: &Map<String, Value>) -> Result<Value, ApiError> {
    match body.get("metadata") {
        None | Some(Value::Null) => Ok(Value::Null),
        Some(Value::Object(map)) if map.len() <= 50 => Ok(Value::Object(map.clone())),
        Some(Value::Object(_)) => Err(ApiError::validation(
            "metadata",
            "must have at most 50 keys",
        )),
        Some(_) => Err(ApiError::validation("metadata", "must be an object")),
    }
}

/// `a.b` from a path and a field (the path may be empty).
fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// A callback: `{"event", "business_id", "created", "api_version": null, "data"}` with the
/// `x-callback-token` header.
fn callback(event: &str, data: Value) -> Webhook {
    let body = json!({
        "event": event,
        "business_id": BUSINESS_ID,
        "created": now_iso(),
        "api_version": null,
        "data": data,
    })
    .to_string();
    Webhook {
        event: event.to_string(),
        headers: vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("x-callback-token".to_string(), CALLBACK_TOKEN.to_string()),
            ("webhook-id".to_string(), new_id("whk")),
        ],
        body,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route<'a> {
    CreatePaymentRequest,
    ListPaymentRequests,
    GetPaymentRequest(&'a str),
    Capture(&'a str),
    ListCaptures(&'a str),
    Simulate(&'a str),
    CreateRefund,
    ListRefunds,
    GetRefund(&'a str),
    CreatePaymentMethod,
    GetPaymentMethod(&'a str),
}

impl Route<'_> {
    /// Whether `idempotency-key` makes the call idempotent.
    fn idempotent(&self) -> bool {
        matches!(
            self,
            Route::CreatePaymentRequest
                | Route::Capture(_)
                | Route::CreateRefund
                | Route::CreatePaymentMethod
        )
    }
}

fn route<'a>(method: &Method, path: &'a str) -> Option<Route<'a>> {
    let path = path.strip_suffix('/').unwrap_or(path);
    let rest = path.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let get = method == Method::GET;
    let post = method == Method::POST;
    Some(match (segments.as_slice(), get, post) {
        (["payment_requests"], _, true) => Route::CreatePaymentRequest,
        (["payment_requests"], true, _) => Route::ListPaymentRequests,
        (["payment_requests", id], true, _) => Route::GetPaymentRequest(id),
        (["payment_requests", id, "captures"], _, true) => Route::Capture(id),
        (["payment_requests", id, "captures"], true, _) => Route::ListCaptures(id),
        (["payment_requests", id, "payments", "simulate"], _, true) => Route::Simulate(id),
        (["refunds"], _, true) => Route::CreateRefund,
        (["refunds"], true, _) => Route::ListRefunds,
        (["refunds", id], true, _) => Route::GetRefund(id),
        (["v2", "payment_methods"], _, true) => Route::CreatePaymentMethod,
        (["v2", "payment_methods", id], true, _) => Route::GetPaymentMethod(id),
        _ => return None,
    })
}

/// Whether the request carries `Authorization: Basic base64(SECRET_KEY + ":")`: the secret key
/// as the username and an empty password.
fn basic_auth_ok(request: &Request) -> bool {
    let Some(value) = request.header("authorization") else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = BASE64_STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let expected = format!("{SECRET_KEY}:");
    bool::from(decoded.as_slice().ct_eq(expected.as_bytes()))
}

impl Xendit {
    fn api(&self, request: &Request, ctx: &Context) -> Result<Response, ApiError> {
        let route = route(&request.method, &request.path).ok_or_else(ApiError::no_route)?;
        if !basic_auth_ok(request) {
            return Err(ApiError::invalid_api_key());
        }
        let body = if request.method == Method::POST {
            parse_body(request)?
        } else {
            Map::new()
        };
        let mut state = lock(&self.state);
        payments::expire_stale(&mut state);
        let key = request
            .header("idempotency-key")
            .map(str::trim)
            .filter(|k| !k.is_empty() && route.idempotent())
            .map(str::to_string);
        let fingerprint = (
            format!("{} {}", request.method, request.path.trim_end_matches('/')),
            Value::Object(body.clone()),
        );
        if let Some(key) = &key {
            if let Some(replay) = state.idempotency.get(key) {
                if replay.fingerprint != fingerprint {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        "IDEMPOTENCY_ERROR",
                        "The idempotency key has been used with a different request",
                    ));
                }
                return Ok(Response::json(replay.status, &replay.body));
            }
        }
        let query = request.query_pairs();
        let result = match route {
            Route::CreatePaymentRequest => payments::create(&mut state, &body, ctx),
            Route::ListPaymentRequests => payments::list(&state, &query),
            Route::GetPaymentRequest(id) => payments::get(&state, id),
            Route::Capture(id) => payments::capture(&mut state, id, &body, ctx),
            Route::ListCaptures(id) => payments::list_captures(&state, id),
            Route::Simulate(id) => payments::simulate(&mut state, id, ctx),
            Route::CreateRefund => refunds::create(&mut state, &body, ctx),
            Route::ListRefunds => refunds::list(&state, &query),
            Route::GetRefund(id) => refunds::get(&state, id),
            Route::CreatePaymentMethod => methods::create(&mut state, &body, ctx),
            Route::GetPaymentMethod(id) => methods::get(&state, id),
        };
        match result {
            Ok((status, value)) => {
                if let Some(key) = key {
                    state.idempotency.insert(
                        key,
                        Replay {
                            fingerprint,
                            status,
                            body: value.clone(),
                        },
                    );
                }
                Ok(Response::json(status, &value))
            }
            Err(error) => {
                // Answers the caller could act on are replayed too; server errors are not kept,
                // so that a retry is processed again.
                if let Some(key) = key.filter(|_| error.status.is_client_error()) {
                    state.idempotency.insert(
                        key,
                        Replay {
                            fingerprint,
                            status: error.status,
                            body: error.body(),
                        },
                    );
                }
                Err(error)
            }
        }
    }

    /// The sandbox-only hooks under `/xendit/_sandbox/` (README "Xendit").
    fn hook(&self, request: &Request, hook: &str, ctx: &Context) -> Response {
        let hook = hook.trim_end_matches('/');
        let mut state = lock(&self.state);
        let segments: Vec<&str> = hook.split('/').collect();
        let result = match (request.method.as_str(), segments.as_slice()) {
            ("POST", &["payment_requests", id, "complete"]) => {
                let body = match parse_body(request) {
                    Ok(body) => body,
                    Err(_) => {
                        return hook_error(
                            StatusCode::BAD_REQUEST,
                            "the body must be a JSON object",
                        )
                    }
                };
                payments::complete_hook(&mut state, id, &body, ctx)
            }
            ("POST", &["payment_requests", id, "expire"]) => payments::expire_hook(&mut state, id),
            ("PUT", &["expiry"]) => {
                match parse_body(request)
                    .ok()
                    .and_then(|b| b.get("seconds").and_then(Value::as_u64))
                {
                    Some(seconds) => {
                        state.expiry = Duration::from_secs(seconds);
                        payments::expire_stale(&mut state);
                        Ok(json!({"seconds": seconds}))
                    }
                    None => Err((
                        StatusCode::BAD_REQUEST,
                        "seconds must be a non-negative integer".to_string(),
                    )),
                }
            }
            ("GET", &["expiry"]) => Ok(json!({"seconds": state.expiry.as_secs()})),
            _ => Err((
                StatusCode::NOT_FOUND,
                format!("no Xendit sandbox hook {} {hook:?}", request.method),
            )),
        };
        match result {
            Ok(value) => Response::json(StatusCode::OK, &value),
            Err((status, message)) => hook_error(status, &message),
        }
    }
}

fn hook_error(status: StatusCode, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}

impl Processor for Xendit {
    fn name(&self) -> &'static str {
        "xendit"
    }

    fn ledger(&self) -> Vec<Value> {
        ledger::entries(&lock(&self.state))
    }

    fn reset(&self) {
        *lock(&self.state) = State::default();
    }

    fn credentials(&self) -> Value {
        json!({
            "type": "xendit",
            "secret_key": SECRET_KEY,
            "callback_tokens": [CALLBACK_TOKEN],
        })
    }

    fn handle(&self, request: &Request, ctx: &Context) -> Response {
        if let Some(hook) = request.path.strip_prefix(HOOKS_PREFIX) {
            return self.hook(request, hook, ctx);
        }
        if let Some(page) = request.path.strip_prefix(PAGES_PREFIX) {
            let mut state = lock(&self.state);
            payments::expire_stale(&mut state);
            return payments::page(&mut state, request, page, ctx);
        }
        self.api(request, ctx)
            .unwrap_or_else(ApiError::into_response)
    }

    fn error_response(&self, status: StatusCode) -> Response {
        let error = match status.as_u16() {
            400 => ApiError::new(status, "API_VALIDATION_ERROR", "The request is invalid"),
            401 => ApiError::invalid_api_key(),
            403 => ApiError::new(
                status,
                "REQUEST_FORBIDDEN_ERROR",
                "The API key is forbidden to perform this request",
            ),
            404 => ApiError::no_route(),
            409 => ApiError::new(status, "DUPLICATE_ERROR", "The request is a duplicate"),
            413 => ApiError::new(
                status,
                "API_VALIDATION_ERROR",
                "The request body is too large",
            ),
            429 => ApiError::new(
                status,
                "PAYMENT_REQUEST_RATE_LIMITED",
                "Too many requests, please retry later",
            ),
            503 => ApiError::new(
                status,
                "CHANNEL_UNAVAILABLE",
                "The payment channel requested is currently experiencing unexpected issues",
            ),
            s if s >= 500 => ApiError::new(
                status,
                "SERVER_ERROR",
                "An unexpected error occurred, our team has been notified",
            ),
            _ => ApiError::new(status, "API_VALIDATION_ERROR", "The request is invalid"),
        };
        error.into_response()
    }

    fn malformed_response(&self) -> Response {
        Response::new(
            StatusCode::OK,
            "application/json",
            "{\"id\": \"pr-00000000-0000-4000-8000-000000000000\", \"status\": \"SUCCEE",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(
            route(&post, "/payment_requests"),
            Some(Route::CreatePaymentRequest)
        );
        assert_eq!(
            route(&get, "/payment_requests/pr-1"),
            Some(Route::GetPaymentRequest("pr-1"))
        );
        assert_eq!(
            route(&post, "/payment_requests/pr-1/captures"),
            Some(Route::Capture("pr-1"))
        );
        assert_eq!(route(&post, "/refunds"), Some(Route::CreateRefund));
        assert_eq!(
            route(&get, "/refunds/rfd-1"),
            Some(Route::GetRefund("rfd-1"))
        );
        // No void in this API generation, no v3, no double slashes.
        assert_eq!(route(&post, "/payment_requests/pr-1/cancel"), None);
        assert_eq!(route(&post, "/v3/payment_requests"), None);
        assert_eq!(route(&post, "/v3/payments/py-1/cancel"), None);
        assert_eq!(route(&get, "//payment_requests/pr-1"), None);
        assert_eq!(route(&post, "//payment_requests"), None);
        assert_eq!(route(&get, "/"), None);
    }

    #[test]
    fn ids_look_like_xendit_ids() {
        let id = new_id("pr");
        assert_eq!(id.len(), "pr-".len() + 36);
        let parts: Vec<&str> = id["pr-".len()..].split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(now_iso().ends_with('Z'));
    }

    #[test]
    fn error_shapes() {
        assert_eq!(
            ApiError::required("amount").body(),
            json!({"error_code": "API_VALIDATION_ERROR", "message": "amount: is required",
                   "errors": [{"path": "amount", "message": "is required"}]})
        );
        assert_eq!(ApiError::invalid_api_key().status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            ApiError::not_found("Payment request", "pr-1").body(),
            json!({"error_code": "DATA_NOT_FOUND", "message": "Payment request pr-1 not found"})
        );
    }

    #[test]
    fn credentials_are_test_mode() {
        assert!(SECRET_KEY.starts_with("xnd_development_"));
        let creds = Xendit::new().credentials();
        assert_eq!(creds["type"], "xendit");
        assert_eq!(creds["callback_tokens"], json!([CALLBACK_TOKEN]));
    }
}
