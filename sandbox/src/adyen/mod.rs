//! Adyen: Checkout API v68, Disputes API v30 and standard notifications, as described in
//! the Adyen API reference and docs. Paths are the real ones below `/adyen`.
//!
//! Sandbox choices where the documentation leaves a gap are listed in the README ("Adyen").

use std::collections::HashMap;
use std::sync::Mutex;

use http::{HeaderName, Method, StatusCode};
use serde_json::{json, Map, Value};
use subtle::ConstantTimeEq;

use crate::processor::{Context, ControlError, DisputeRequest, Processor, Request, Response};
use crate::util::{lock, random_string, UPPER_ALNUM};

mod disputes;
mod ledger;
mod modifications;
mod notifications;
mod payments;
mod testdata;

/// The API key the sandbox accepts (`X-API-Key`).
pub const API_KEY: &str = "AQE_sandbox_adyen_api_key_4bd1c6a2e9f0";
/// The merchant account the sandbox accepts.
pub const MERCHANT_ACCOUNT: &str = "SandboxMerchantECOM";
/// The webhook HMAC key (hex) that signs notifications.
pub const WEBHOOK_HMAC_KEY: &str =
    "C864C6BF77DE91E7F1460FBAD1BAFB54E58155B276540D693BD7FA951F4EE2E2";

/// The longest `Idempotency-Key` Adyen accepts.
const MAX_IDEMPOTENCY_KEY: usize = 64;

const DISPUTES_PREFIX: &str = "/ca/services/DisputeService/v30/";
/// The sandbox's own 3-D Secure challenge page.
const THREE_DS_PAGE_PREFIX: &str = "/hpp/3ds/";
const BANK_PAGE_PREFIX: &str = "/hpp/bank/";
/// Sandbox-only hooks below the processor's prefix (no authentication; README "Adyen").
const HOOKS_PREFIX: &str = "/_sandbox/";

pub struct Adyen {
    state: Mutex<State>,
    hmac_key: Vec<u8>,
}

impl Adyen {
    pub fn new() -> Adyen {
        Adyen {
            state: Mutex::new(State::default()),
            hmac_key: hex::decode(WEBHOOK_HMAC_KEY).unwrap_or_default(),
        }
    }
}

/// Everything the emulated Adyen account knows.
#[derive(Default)]
struct State {
    payments: HashMap<String, payments::Payment>,
    /// Stored payment methods by `storedPaymentMethodId`.
    stored: HashMap<String, payments::StoredCard>,
    /// 3-D Secure page token → payment.
    challenge_pages: HashMap<String, String>,
    /// `redirectResult` → payment (consumed by `/payments/details`).
    redirect_results: HashMap<String, String>,
    disputes: HashMap<String, disputes::Dispute>,
    /// `Idempotency-Key` → the first (successful) answer and the path it answered.
    idempotency: HashMap<String, (String, Response)>,
}

impl State {
    /// A new 16-character reference, unique across payments, modifications and disputes.
    fn new_psp(&self) -> String {
        loop {
            let psp = random_string(16, UPPER_ALNUM);
            if !self.payments.contains_key(&psp) && !self.disputes.contains_key(&psp) {
                return psp;
            }
        }
    }
}

/// An answer in Adyen's `ServiceError` shape (Adyen API reference, "HTTP errors — ServiceError").
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    error_type: &'static str,
}

impl ApiError {
    fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        error_type: &'static str,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            error_type,
        }
    }

    /// 422, `validation`.
    fn validation(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            message,
            "validation",
        )
    }

    /// 422 `702` for a required field that is missing or of the wrong type.
    fn missing(field: &str) -> ApiError {
        ApiError::validation("702", format!("Required field '{field}' is not provided."))
    }

    fn invalid(field: &str) -> ApiError {
        ApiError::validation("702", format!("Field '{field}' is not valid."))
    }

    fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "000",
            "HTTP Status Response - Unauthorized",
            "security",
        )
    }

    fn invalid_merchant() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "901",
            "Invalid Merchant Account",
            "security",
        )
    }

    fn into_response(self) -> Response {
        let mut body = json!({
            "status": self.status.as_u16(),
            "errorCode": self.code,
            "message": self.message,
            "errorType": self.error_type,
        });
        // Adyen gives a reference to errors once the request got past authentication.
        if self.status != StatusCode::UNAUTHORIZED && self.status != StatusCode::BAD_REQUEST {
            body["pspReference"] = json!(random_string(16, UPPER_ALNUM));
        }
        Response::json(self.status, &body)
    }
}

type ApiResult = Result<Response, ApiError>;

/// The request's JSON object, or 400 `702`.
fn parse_object(request: &Request) -> Result<Map<String, Value>, ApiError> {
    match request.json() {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "702",
            "Unexpected input: expected a JSON object",
            "validation",
        )),
        Err(e) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "702",
            format!(
                "Unexpected input: the body is not valid JSON ({})",
                syntax_position(&e)
            ),
            "validation",
        )),
    }
}

fn syntax_position(e: &serde_json::Error) -> String {
    // Only the position: serde's message could quote the input, which may hold card data.
    format!("line {}, column {}", e.line(), e.column())
}

/// An optional string field: absent/null → None; another type → 422.
fn opt_str<'a>(body: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(ApiError::invalid(field)),
    }
}

/// A required, non-empty string field.
fn req_str<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    match opt_str(body, field)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(ApiError::missing(field)),
    }
}

/// `merchantAccount` (or `merchantAccountCode`): required, and must be the sandbox's.
fn check_merchant(body: &Map<String, Value>, field: &str) -> Result<(), ApiError> {
    let merchant = req_str(body, field)?;
    if merchant == MERCHANT_ACCOUNT {
        Ok(())
    } else {
        Err(ApiError::invalid_merchant())
    }
}

/// `amount` as `(value, currency)`: 422 `100` when missing, `137` when the value is not a
/// non-negative integer, `138` when the currency is not ISO 4217.
fn parse_amount(body: &Map<String, Value>) -> Result<(i64, String), ApiError> {
    let amount = match body.get("amount") {
        None | Some(Value::Null) => return Err(ApiError::validation("100", "No amount specified")),
        Some(Value::Object(amount)) => amount,
        Some(_) => return Err(ApiError::validation("137", "Invalid amount specified")),
    };
    let value = match amount.get("value") {
        None | Some(Value::Null) => return Err(ApiError::validation("100", "No amount specified")),
        Some(v) => v
            .as_i64()
            .filter(|v| (0..=MAX_AMOUNT).contains(v))
            .ok_or_else(|| ApiError::validation("137", "Invalid amount specified"))?,
    };
    let currency = amount
        .get("currency")
        .and_then(Value::as_str)
        .filter(|c| testdata::valid_currency(c))
        .ok_or_else(|| ApiError::validation("138", "Unsupported currency specified"))?;
    Ok((value, currency.to_string()))
}

/// The largest amount accepted, in minor units (keeps every sum far from overflowing).
const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route<'a> {
    Payments,
    Details,
    Capture(&'a str),
    Cancel(&'a str),
    Refund(&'a str),
    Dispute(&'a str),
}

fn route(path: &str) -> Option<Route<'_>> {
    if let Some(op) = path.strip_prefix(DISPUTES_PREFIX) {
        return disputes::OPERATIONS
            .contains(&op)
            .then_some(Route::Dispute(op));
    }
    match path {
        "/v68/payments" => return Some(Route::Payments),
        "/v68/payments/details" => return Some(Route::Details),
        _ => {}
    }
    let rest = path.strip_prefix("/v68/payments/")?;
    let (psp, operation) = rest.split_once('/')?;
    if psp.is_empty() || psp.contains('/') {
        return None;
    }
    match operation {
        "captures" => Some(Route::Capture(psp)),
        "cancels" => Some(Route::Cancel(psp)),
        "refunds" => Some(Route::Refund(psp)),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HookRoute<'a> {
    /// `disputes/{disputePspReference}/resolve`
    ResolveDispute(&'a str),
}

fn hook_route(hook: &str) -> Option<HookRoute<'_>> {
    let psp = hook
        .trim_end_matches('/')
        .strip_prefix("disputes/")?
        .strip_suffix("/resolve")?;
    (!psp.is_empty() && !psp.contains('/')).then_some(HookRoute::ResolveDispute(psp))
}

/// A hook's body: a JSON object, or nothing (an empty object).
fn parse_hook_body(request: &Request) -> Result<Map<String, Value>, ControlError> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ControlError::new(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object",
        )),
    }
}

impl Adyen {
    fn authorised(request: &Request) -> bool {
        match request.header("x-api-key") {
            Some(key) => bool::from(key.as_bytes().ct_eq(API_KEY.as_bytes())),
            None => false,
        }
    }

    fn api(&self, request: &Request, ctx: &Context) -> ApiResult {
        let Some(route) = route(&request.path) else {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "000",
                "HTTP Status Response - Not Found",
                "validation",
            ));
        };
        if request.method != Method::POST {
            return Err(ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "000",
                "HTTP Status Response - Method Not Allowed",
                "validation",
            ));
        }
        if !Self::authorised(request) {
            return Err(ApiError::unauthorized());
        }
        let key = request.header("idempotency-key").map(str::to_string);
        let mut state = lock(&self.state);
        if let Some(key) = &key {
            if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "702",
                    "Idempotency-Key must be 1 to 64 characters",
                    "validation",
                ));
            }
            if let Some((path, first)) = state.idempotency.get(key) {
                if *path == request.path {
                    return Ok(first.clone());
                }
                return Err(ApiError::validation(
                    "704",
                    "Idempotency-Key was already used for another request",
                ));
            }
        }
        let body = parse_object(request)?;
        let response = match route {
            Route::Payments => payments::authorise(&mut state, self, &body, ctx)?,
            Route::Details => payments::details(&mut state, self, &body, ctx)?,
            Route::Capture(psp) => modifications::capture(&mut state, self, psp, &body, ctx)?,
            Route::Cancel(psp) => modifications::cancel(&mut state, self, psp, &body, ctx)?,
            Route::Refund(psp) => modifications::refund(&mut state, self, psp, &body, ctx)?,
            Route::Dispute(op) => disputes::operation(&mut state, self, op, &body, ctx)?,
        };
        if let Some(key) = key {
            if response.status.is_success() {
                state
                    .idempotency
                    .insert(key, (request.path.clone(), response.clone()));
            }
        }
        Ok(response)
    }

    /// The sandbox-only hooks under `/adyen/_sandbox/`. Answers are the control API's: JSON,
    /// errors `{"error": "..."}` with a 4xx status.
    fn hook(&self, request: &Request, hook: &str, ctx: &Context) -> Response {
        let result = match (request.method.as_str(), hook_route(hook)) {
            ("POST", Some(HookRoute::ResolveDispute(psp))) => parse_hook_body(request)
                .and_then(|body| disputes::resolve(&mut lock(&self.state), self, psp, &body, ctx)),
            (method, Some(_)) => Err(ControlError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{method} is not allowed on /adyen/_sandbox/{hook}"),
            )),
            (_, None) => Err(ControlError::new(
                StatusCode::NOT_FOUND,
                format!("no Adyen sandbox hook /adyen/_sandbox/{hook}"),
            )),
        };
        match result {
            Ok(value) => Response::json(StatusCode::OK, &value),
            Err(e) => Response::json(e.status, &json!({ "error": e.message })),
        }
    }

    /// Emits signed notifications.
    fn emit(&self, ctx: &Context, notifications: &[notifications::Notification]) {
        let webhooks = notifications
            .iter()
            .map(|n| n.to_webhook(MERCHANT_ACCOUNT, &self.hmac_key))
            .collect();
        ctx.emit_webhooks(webhooks);
    }
}

impl Default for Adyen {
    fn default() -> Self {
        Adyen::new()
    }
}

impl Processor for Adyen {
    fn name(&self) -> &'static str {
        "adyen"
    }

    fn ledger(&self) -> Vec<Value> {
        ledger::entries(&lock(&self.state))
    }

    fn reset(&self) {
        *lock(&self.state) = State::default();
    }

    fn credentials(&self) -> Value {
        json!({
            "type": "adyen",
            "api_key": API_KEY,
            "merchant_account": MERCHANT_ACCOUNT,
            "webhook_hmac_key": WEBHOOK_HMAC_KEY,
        })
    }

    fn handle(&self, request: &Request, ctx: &Context) -> Response {
        if let Some(hook) = request.path.strip_prefix(HOOKS_PREFIX) {
            return self.hook(request, hook, ctx);
        }
        if let Some(token) = request.path.strip_prefix(THREE_DS_PAGE_PREFIX) {
            return payments::challenge_page(&mut lock(&self.state), request, token);
        }
        if let Some(token) = request.path.strip_prefix(BANK_PAGE_PREFIX) {
            return payments::bank_page(&mut lock(&self.state), request, token);
        }
        let echo = request.header("idempotency-key").map(str::to_string);
        let response = self
            .api(request, ctx)
            .unwrap_or_else(ApiError::into_response);
        match echo {
            Some(key) => response.with_header(HeaderName::from_static("idempotency-key"), &key),
            None => response,
        }
    }

    fn error_response(&self, status: StatusCode) -> Response {
        let (code, message, error_type) = match status.as_u16() {
            400 => ("702", "Unexpected input", "validation"),
            401 => ("000", "HTTP Status Response - Unauthorized", "security"),
            403 => ("010", "Not allowed", "security"),
            404 => ("000", "HTTP Status Response - Not Found", "validation"),
            413 => ("702", "Request body too large", "validation"),
            422 => ("702", "Unprocessable request", "validation"),
            429 => ("000", "Too many requests", "internal"),
            s if s >= 500 => ("000", "Internal error, please retry later", "internal"),
            _ => ("000", "HTTP error", "validation"),
        };
        ApiError::new(status, code, message, error_type).into_response()
    }

    fn malformed_response(&self) -> Response {
        Response::new(
            StatusCode::OK,
            "application/json",
            "{\"pspReference\": \"8816118280275545\", \"resultCode\": \"Auth",
        )
    }

    fn open_dispute(&self, request: &DisputeRequest, ctx: &Context) -> Result<Value, ControlError> {
        disputes::open(&mut lock(&self.state), self, request, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("/v68/payments"), Some(Route::Payments));
        assert_eq!(route("/v68/payments/details"), Some(Route::Details));
        assert_eq!(
            route("/v68/payments/ABC/captures"),
            Some(Route::Capture("ABC"))
        );
        assert_eq!(
            route("/v68/payments/ABC/cancels"),
            Some(Route::Cancel("ABC"))
        );
        assert_eq!(
            route("/v68/payments/ABC/refunds"),
            Some(Route::Refund("ABC"))
        );
        assert_eq!(route("/v68/payments//refunds"), None);
        assert_eq!(route("/v68/payments/A/B/refunds"), None);
        assert_eq!(route("/v71/payments"), None);
        assert_eq!(
            route("/ca/services/DisputeService/v30/acceptDispute"),
            Some(Route::Dispute("acceptDispute"))
        );
        assert_eq!(route("/ca/services/DisputeService/v30/nope"), None);
    }

    #[test]
    fn hook_routes() {
        assert_eq!(
            hook_route("disputes/ABC/resolve"),
            Some(HookRoute::ResolveDispute("ABC"))
        );
        assert_eq!(
            hook_route("disputes/ABC/resolve/"),
            Some(HookRoute::ResolveDispute("ABC"))
        );
        assert_eq!(hook_route("disputes//resolve"), None);
        assert_eq!(hook_route("disputes/A/B/resolve"), None);
        assert_eq!(hook_route("disputes/ABC"), None);
        assert_eq!(hook_route("payments/ABC/resolve"), None);
    }

    #[test]
    fn credentials_have_a_64_hex_key() {
        assert_eq!(WEBHOOK_HMAC_KEY.len(), 64);
        assert_eq!(
            hex::decode(WEBHOOK_HMAC_KEY).map(|k| k.len()).ok(),
            Some(32)
        );
    }
}
