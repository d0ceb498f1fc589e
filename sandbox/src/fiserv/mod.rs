//! Fiserv Commerce Hub: the REST payments API (`/ch/payments/v1/...`) and the two value-added
//! endpoints a card-on-file setup uses (`/ch/payments-vas/v1/tokens`,
//! `/ch/payments-vas/v1/accounts/verification`), as described in
//! the Fiserv Commerce Hub API docs. Paths are the real ones below `/fiserv`, with their
//! `/ch` segment (`/fiserv/ch/payments/v1/charges`).
//!
//! Every request is signed (see [`signing`]) and carries the merchant in its body. Commerce
//! Hub has no webhooks, no disputes and no orders. Sandbox choices where the documentation leaves a gap
//! are listed in the README ("Fiserv").

use std::collections::HashMap;
use std::sync::Mutex;

use http::{Method, StatusCode};
use serde_json::{json, Map, Value};
use subtle::ConstantTimeEq;

use crate::processor::{Context, Processor, Request, Response};
use crate::util::{lock, now_ms, random_string};

mod amount;
mod cards;
mod payments;
pub mod signing;

/// The API key the sandbox accepts (`Api-Key`).
pub const API_KEY: &str = "fsv-sbx-ApiKey-Q7m2Lx9Tc4Hz8Rw1";
/// The API secret: the HMAC key of `Authorization`.
pub const API_SECRET: &str = "fsv-sbx-ApiSecret-b3Nq6Vk0Jd5Ye2Pa";
/// The merchant (`merchantDetails.merchantId`); the CH docs' sandbox example identifier.
pub const MERCHANT_ID: &str = "100008000003683";
/// The terminal (`merchantDetails.terminalId`); the CH docs' sandbox example identifier.
pub const TERMINAL_ID: &str = "10000001";

/// How far `Timestamp` may be from the sandbox's clock (CH docs `Authentication-Header.md`:
/// five minutes).
const TIMESTAMP_WINDOW_MS: u64 = 5 * 60 * 1000;
/// The longest `Client-Request-Id` accepted.
const MAX_CLIENT_REQUEST_ID: usize = 128;

const HEX: &[u8] = b"0123456789abcdef";

/// The API's routes (below the `/ch` segment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Charges,
    Cancels,
    Refunds,
    Inquiry,
    Tokens,
    Verification,
}

fn route(path: &str) -> Option<Route> {
    let path = path.strip_prefix("/ch")?;
    match path.trim_end_matches('/') {
        "/payments/v1/charges" => Some(Route::Charges),
        "/payments/v1/cancels" => Some(Route::Cancels),
        "/payments/v1/refunds" => Some(Route::Refunds),
        "/payments/v1/transaction-inquiry" => Some(Route::Inquiry),
        "/payments-vas/v1/tokens" => Some(Route::Tokens),
        "/payments-vas/v1/accounts/verification" => Some(Route::Verification),
        _ => None,
    }
}

pub struct Fiserv {
    state: Mutex<State>,
}

impl Fiserv {
    pub fn new() -> Fiserv {
        Fiserv {
            state: Mutex::new(State::default()),
        }
    }
}

impl Default for Fiserv {
    fn default() -> Self {
        Fiserv::new()
    }
}

/// Everything the emulated Commerce Hub merchant knows.
#[derive(Default)]
struct State {
    /// Every transaction (charges, captures, cancels, refunds, tokenisations, verifications)
    /// by `transactionId`.
    transactions: HashMap<String, payments::Transaction>,
    /// TransArmor tokens (`tokenData`) → the card they stand for.
    tokens: HashMap<String, payments::StoredCard>,
    /// `Client-Request-Id` → the first answer (2xx) given to it.
    answered: HashMap<String, Response>,
    seq: u64,
}

impl State {
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A fresh 32-character hexadecimal `transactionId`.
    fn new_transaction_id(&self) -> String {
        loop {
            let id = random_string(32, HEX);
            if !self.transactions.contains_key(&id) {
                return id;
            }
        }
    }
}

/// The request's identity, once authenticated.
#[derive(Debug, Clone)]
struct Call {
    client_request_id: String,
    api_trace_id: String,
}

/// An answer in Commerce Hub's error shape (CH docs `Error-Response.md`):
/// `{"gatewayResponse": {"transactionProcessingDetails": {...}}, "error": [{type, code, field,
/// message}]}`. `APIM` errors (the API gateway in front) have no code and no
/// `gatewayResponse`.
#[derive(Debug, Clone)]
struct ApiError {
    status: StatusCode,
    kind: &'static str,
    code: Option<String>,
    field: Option<String>,
    message: String,
}

impl ApiError {
    fn apim(status: StatusCode, message: &str) -> ApiError {
        ApiError {
            status,
            kind: "APIM",
            code: None,
            field: None,
            message: message.to_string(),
        }
    }

    /// 401: bad key, bad signature, stale or future timestamp (`Response-Handling.md`).
    fn unauthorized() -> ApiError {
        ApiError::apim(
            StatusCode::UNAUTHORIZED,
            "ApiKey and/or Authentication supplied are invalid.",
        )
    }

    /// 400 `GATEWAY` with the code's documented message.
    fn gateway(code: &str, field: Option<&str>) -> ApiError {
        ApiError::gateway_message(code, field, cards::error_message(code))
    }

    fn gateway_message(code: &str, field: Option<&str>, message: &str) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "GATEWAY",
            code: Some(code.to_string()),
            field: field.map(str::to_string),
            message: message.to_string(),
        }
    }

    /// 400 `100` naming the field.
    fn invalid(field: &str) -> ApiError {
        ApiError::gateway("100", Some(field))
    }

    /// 400 `107` naming the field.
    fn missing(field: &str) -> ApiError {
        ApiError::gateway("107", Some(field))
    }

    fn body(&self, call: Option<&Call>) -> Value {
        let mut item = Map::new();
        item.insert("type".into(), json!(self.kind));
        if let Some(code) = &self.code {
            item.insert("code".into(), json!(code));
        }
        if let Some(field) = &self.field {
            item.insert("field".into(), json!(field));
        }
        item.insert("message".into(), json!(self.message));
        let mut body = Map::new();
        if self.kind != "APIM" {
            let (trace, client) = match call {
                Some(c) => (c.api_trace_id.clone(), Some(c.client_request_id.clone())),
                None => (random_string(32, HEX), None),
            };
            body.insert(
                "gatewayResponse".into(),
                json!({"transactionProcessingDetails": {
                    "apiTraceId": trace,
                    "clientRequestId": client,
                    "transactionTimestamp": payments::timestamp_now(),
                }}),
            );
        }
        body.insert("error".into(), Value::Array(vec![Value::Object(item)]));
        Value::Object(body)
    }

    fn into_response(self, call: Option<&Call>) -> Response {
        Response::json(self.status, &self.body(call))
    }
}

type ApiResult = Result<Response, ApiError>;

impl Fiserv {
    /// Checks the headers of Fiserv Commerce Hub API docs, "Credentials, headers and request signing": key, token type, timestamp window, request id, signature.
    fn authenticate(request: &Request) -> Result<Call, ApiError> {
        let header = |name: &str| request.header(name).map(str::trim).unwrap_or("");
        let api_key = header("api-key");
        if !bool::from(api_key.as_bytes().ct_eq(API_KEY.as_bytes())) {
            return Err(ApiError::unauthorized());
        }
        if !header("auth-token-type").eq_ignore_ascii_case("HMAC") {
            return Err(ApiError::unauthorized());
        }
        let client_request_id = header("client-request-id");
        if client_request_id.is_empty() || client_request_id.len() > MAX_CLIENT_REQUEST_ID {
            return Err(ApiError::unauthorized());
        }
        let timestamp = header("timestamp");
        let Some(ts) = (!timestamp.is_empty() && timestamp.len() <= 16)
            .then(|| timestamp.parse::<u64>().ok())
            .flatten()
        else {
            return Err(ApiError::unauthorized());
        };
        if now_ms().abs_diff(ts) > TIMESTAMP_WINDOW_MS {
            return Err(ApiError::unauthorized());
        }
        let given = header("authorization");
        if !signing::verify(
            given,
            API_KEY,
            API_SECRET,
            client_request_id,
            timestamp,
            &request.body,
        ) {
            return Err(ApiError::unauthorized());
        }
        Ok(Call {
            client_request_id: client_request_id.to_string(),
            api_trace_id: random_string(32, HEX),
        })
    }

    fn api(&self, request: &Request, call: &mut Option<Call>) -> ApiResult {
        let Some(route) = route(&request.path) else {
            return Err(ApiError::apim(StatusCode::NOT_FOUND, "Resource not found."));
        };
        if request.method != Method::POST {
            return Err(ApiError::apim(
                StatusCode::METHOD_NOT_ALLOWED,
                "Method not allowed.",
            ));
        }
        let authenticated = Self::authenticate(request)?;
        let current = call.insert(authenticated).clone();
        let content_type = request
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        if !content_type.starts_with("application/json") {
            return Err(ApiError::apim(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type.",
            ));
        }
        let mut state = lock(&self.state);
        // Idempotency (CH docs `Idempotency.md`): a request id the host already answered
        // gets the original answer again.
        if let Some(first) = state.answered.get(&current.client_request_id) {
            return Ok(first.clone());
        }
        let body = parse_body(request)?;
        check_merchant(&body, matches!(route, Route::Charges))?;
        if let Some(code) = requested_test_response_code(&body) {
            return Err(ApiError::gateway(&code, None));
        }
        let response = match route {
            Route::Charges => payments::charges(&mut state, &current, &body)?,
            Route::Cancels => payments::cancel(&mut state, &current, &body)?,
            Route::Refunds => payments::refund(&mut state, &current, &body)?,
            Route::Inquiry => payments::inquiry(&state, &body)?,
            Route::Tokens => payments::tokenize(&mut state, &current, &body)?,
            Route::Verification => payments::verify(&mut state, &current, &body)?,
        };
        if response.status.is_success() && route != Route::Inquiry {
            state
                .answered
                .insert(current.client_request_id.clone(), response.clone());
        }
        Ok(response)
    }
}

/// The body as a JSON object: 400 `138` when empty, `121` when not JSON or not an object.
fn parse_body(request: &Request) -> Result<Map<String, Value>, ApiError> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::gateway("138", None));
    }
    match request.json() {
        Ok(Value::Object(map)) => Ok(map),
        // Never serde's message: it could quote the input, which may hold card data.
        _ => Err(ApiError::gateway("121", None)),
    }
}

/// The sandbox-only `additionalDataCommon.additionalData.requestedTestResponseCode` (archived
/// CH docs `Test-Errors.md`): the request is answered 400 with that error code.
fn requested_test_response_code(body: &Map<String, Value>) -> Option<String> {
    let code = body
        .get("additionalDataCommon")?
        .get("additionalData")?
        .get("requestedTestResponseCode")?;
    let code = match code {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!code.is_empty() && code.len() <= 6 && code.bytes().all(|b| b.is_ascii_digit()))
        .then_some(code)
}

/// `merchantDetails.merchantId` is required on every request and must be the sandbox's
/// (`201`); `terminalId` is required on charges and captures (CH docs `Charges.md`,
/// `Capture.md`) and must be the sandbox's wherever it is sent (`202`).
fn check_merchant(body: &Map<String, Value>, terminal_required: bool) -> Result<(), ApiError> {
    let details = match body.get("merchantDetails") {
        Some(Value::Object(d)) => d,
        None | Some(Value::Null) => return Err(ApiError::missing("merchantDetails.merchantId")),
        Some(_) => return Err(ApiError::invalid("merchantDetails")),
    };
    match details.get("merchantId") {
        Some(Value::String(m)) if m == MERCHANT_ID => {}
        None | Some(Value::Null) => return Err(ApiError::missing("merchantDetails.merchantId")),
        Some(_) => return Err(ApiError::gateway("201", Some("merchantDetails.merchantId"))),
    }
    match details.get("terminalId") {
        Some(Value::String(t)) if t == TERMINAL_ID => Ok(()),
        None | Some(Value::Null) if !terminal_required => Ok(()),
        None | Some(Value::Null) => Err(ApiError::missing("merchantDetails.terminalId")),
        Some(_) => Err(ApiError::gateway("202", Some("merchantDetails.terminalId"))),
    }
}

impl Processor for Fiserv {
    fn name(&self) -> &'static str {
        "fiserv"
    }

    fn ledger(&self) -> Vec<Value> {
        payments::ledger::entries(&lock(&self.state).transactions)
    }

    fn reset(&self) {
        *lock(&self.state) = State::default();
    }

    fn credentials(&self) -> Value {
        json!({
            "type": "fiserv",
            "api_key": API_KEY,
            "api_secret": API_SECRET,
            "merchant_id": MERCHANT_ID,
            "terminal_id": TERMINAL_ID,
        })
    }

    fn handle(&self, request: &Request, _ctx: &Context) -> Response {
        let mut call = None;
        match self.api(request, &mut call) {
            Ok(response) => response,
            Err(error) => error.into_response(call.as_ref()),
        }
    }

    fn error_response(&self, status: StatusCode) -> Response {
        let error = match status.as_u16() {
            400 => ApiError::gateway("100", None),
            401 => ApiError::unauthorized(),
            403 => ApiError::apim(status, "Forbidden."),
            404 => ApiError::apim(status, "Resource not found."),
            408 => ApiError::apim(status, "Broken client connectivity."),
            413 => ApiError::apim(status, "Request entity too large."),
            415 => ApiError::apim(status, "Unsupported media type."),
            429 => ApiError::apim(status, "Request volume is too high."),
            500 => ApiError {
                status,
                ..ApiError::gateway("703", None)
            },
            503 => ApiError::apim(status, "Service unavailable."),
            504 => ApiError {
                status,
                ..ApiError::gateway("704", None)
            },
            s if s >= 500 => ApiError {
                status,
                ..ApiError::gateway("700", None)
            },
            _ => ApiError::apim(status, "Request failed."),
        };
        error.into_response(None)
    }

    fn malformed_response(&self) -> Response {
        Response::new(
            StatusCode::CREATED,
            "application/json",
            "{\"gatewayResponse\": {\"transactionType\": \"CHARGE\", \"transactionState\": \"AUTH",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("/ch/payments/v1/charges"), Some(Route::Charges));
        assert_eq!(route("/ch/payments/v1/cancels"), Some(Route::Cancels));
        assert_eq!(route("/ch/payments/v1/refunds"), Some(Route::Refunds));
        assert_eq!(
            route("/ch/payments/v1/transaction-inquiry"),
            Some(Route::Inquiry)
        );
        assert_eq!(route("/ch/payments-vas/v1/tokens"), Some(Route::Tokens));
        assert_eq!(
            route("/ch/payments-vas/v1/accounts/verification"),
            Some(Route::Verification)
        );
        assert_eq!(route("/payments/v1/charges"), None);
        assert_eq!(route("/ch/ch/payments/v1/charges"), None);
        assert_eq!(route("/ch/payments/v1/disputes"), None);
    }

    #[test]
    fn error_bodies() {
        let e = ApiError::gateway("105", Some("amount.currency")).body(None);
        assert_eq!(e["error"][0]["type"], "GATEWAY");
        assert_eq!(e["error"][0]["code"], "105");
        assert_eq!(e["error"][0]["field"], "amount.currency");
        assert_eq!(e["error"][0]["message"], "Invalid Amount or Currency");
        assert!(e["gatewayResponse"]["transactionProcessingDetails"]["apiTraceId"].is_string());
        let a = ApiError::unauthorized().body(None);
        assert_eq!(
            a,
            json!({"error": [{"type": "APIM", "message": "ApiKey and/or Authentication supplied are invalid."}]})
        );
    }
}
