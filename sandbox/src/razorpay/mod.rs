//! Razorpay: REST API v1 (orders, payments, refunds, customers and tokens, disputes and
//! documents) and webhooks, as described in the Razorpay API docs. Paths are
//! the real ones below `/razorpay`.
//!
//! Sandbox choices where the documentation leaves a gap are listed in the README ("Razorpay").

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::prelude::{Engine as _, BASE64_STANDARD};
use http::{Method, StatusCode};
use serde_json::{json, Map, Value};
use subtle::ConstantTimeEq;

use crate::processor::{Context, ControlError, DisputeRequest, Processor, Request, Response};
use crate::util::{lock, random_string, ALNUM};

mod cards;
mod disputes;
mod events;
mod ledger;
mod orders;
mod payments;
mod refunds;

/// The key id the sandbox accepts (a test-mode key).
pub const KEY_ID: &str = "rzp_test_Sbx4kQ9v2LmT7a";
/// The key secret: Basic auth, and the key of the `razorpay_signature` HMAC.
pub const KEY_SECRET: &str = "sbxKeySecret9fG2hQ4wL7nZ";
/// The webhook secret that signs `X-Razorpay-Signature`.
pub const WEBHOOK_SECRET: &str = "sbx_webhook_secret_5Tq8Rw2Y";
/// The merchant account of the webhooks' `account_id`.
pub const ACCOUNT_ID: &str = "acc_SandboxRzp0001";

/// How long an authorization may stay uncaptured before it is refunded automatically (Razorpay API docs, "PSync — GET /v1/payments/{payment_id}").
pub const DEFAULT_AUTHORIZATION_WINDOW: Duration = Duration::from_secs(5 * 86_400);

/// The largest amount accepted, in minor units (keeps every sum far from overflowing).
const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// Sandbox-only hooks below the processor's prefix (no authentication).
const HOOKS_PREFIX: &str = "/_sandbox/";

pub struct Razorpay {
    state: Mutex<State>,
}

impl Razorpay {
    pub fn new() -> Razorpay {
        Razorpay {
            state: Mutex::new(State::new()),
        }
    }
}

impl Default for Razorpay {
    fn default() -> Self {
        Razorpay::new()
    }
}

/// Everything the emulated Razorpay account knows.
struct State {
    orders: HashMap<String, orders::Order>,
    customers: HashMap<String, orders::Customer>,
    payments: HashMap<String, payments::Payment>,
    /// Mock authentication page id (the `track_id`) → payment id.
    tracks: HashMap<String, String>,
    tokens: HashMap<String, payments::Token>,
    refunds: HashMap<String, refunds::Refund>,
    disputes: HashMap<String, disputes::Dispute>,
    documents: HashMap<String, disputes::Document>,
    /// Creation sequence, to list collections newest first.
    seq: u64,
    authorization_window: Duration,
}

impl State {
    fn new() -> State {
        State {
            orders: HashMap::new(),
            customers: HashMap::new(),
            payments: HashMap::new(),
            tracks: HashMap::new(),
            tokens: HashMap::new(),
            refunds: HashMap::new(),
            disputes: HashMap::new(),
            documents: HashMap::new(),
            seq: 0,
            authorization_window: DEFAULT_AUTHORIZATION_WINDOW,
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A fresh id: `prefix` + 14 letters and digits, unique across every entity.
    fn new_id(&self, prefix: &str) -> String {
        loop {
            let id = format!("{prefix}{}", random_string(14, ALNUM));
            let taken = self.orders.contains_key(&id)
                || self.customers.contains_key(&id)
                || self.payments.contains_key(&id)
                || self.tokens.contains_key(&id)
                || self.refunds.contains_key(&id)
                || self.disputes.contains_key(&id)
                || self.documents.contains_key(&id)
                || self.tracks.contains_key(&id);
            if !taken {
                return id;
            }
        }
    }
}

/// Unix seconds now.
fn now_s() -> i64 {
    (crate::util::now_ms() / 1000) as i64
}

/// The optional parts of a full error (Razorpay API docs, "Errors"): `source`, `step`, `reason`, `metadata`.
#[derive(Debug, Clone)]
struct ErrorDetail {
    source: &'static str,
    step: &'static str,
    reason: &'static str,
    metadata: Value,
}

/// An answer in Razorpay's error shapes (Razorpay API docs, "Errors").
#[derive(Debug, Clone)]
enum ApiError {
    /// `{"error": {"code", "description", "field", [source, step, reason, metadata]}}`
    Error {
        status: StatusCode,
        code: &'static str,
        description: String,
        field: Option<String>,
        detail: Option<Box<ErrorDetail>>,
    },
    /// Bad credentials: 401 `{"error": {"code": "BAD_REQUEST_ERROR", "description": "Authentication failed"}}`.
    Authentication,
    /// No such route: 404 `{"message": "no Route matched with those values"}`.
    NoRoute,
}

impl ApiError {
    /// A minimal 400 `BAD_REQUEST_ERROR`: code, description and field.
    fn bad_request(description: impl Into<String>, field: Option<&str>) -> ApiError {
        ApiError::Error {
            status: StatusCode::BAD_REQUEST,
            code: "BAD_REQUEST_ERROR",
            description: description.into(),
            field: field.map(str::to_string),
            detail: None,
        }
    }

    /// A minimal error naming the offending field.
    fn field(field: &str, description: impl Into<String>) -> ApiError {
        ApiError::bad_request(description, Some(field))
    }

    fn required(field: &str) -> ApiError {
        ApiError::field(field, format!("The {} field is required.", human(field)))
    }

    fn invalid(field: &str) -> ApiError {
        ApiError::field(field, format!("The {} is invalid.", human(field)))
    }

    /// A full 400 error: a business-side input problem on a payment step.
    fn input(
        description: impl Into<String>,
        field: Option<&str>,
        step: &'static str,
        metadata: Value,
    ) -> ApiError {
        ApiError::Error {
            status: StatusCode::BAD_REQUEST,
            code: "BAD_REQUEST_ERROR",
            description: description.into(),
            field: field.map(str::to_string),
            detail: Some(Box::new(ErrorDetail {
                source: "business",
                step,
                reason: "input_validation_failed",
                metadata,
            })),
        }
    }

    /// 400 "The id provided does not exist" (Razorpay API docs, "Errors").
    fn no_such_id(field: Option<&str>) -> ApiError {
        ApiError::input(
            "The id provided does not exist",
            field,
            "payment_initiation",
            json!({}),
        )
    }

    /// Adds the full-error parts to a minimal error (or replaces them).
    fn with_detail(self, detail: ErrorDetail) -> ApiError {
        match self {
            ApiError::Error {
                status,
                code,
                description,
                field,
                ..
            } => ApiError::Error {
                status,
                code,
                description,
                field,
                detail: Some(Box::new(detail)),
            },
            other => other,
        }
    }

    fn body(&self) -> Value {
        match self {
            ApiError::Error {
                code,
                description,
                field,
                detail,
                ..
            } => {
                let mut error = Map::new();
                error.insert("code".into(), json!(code));
                error.insert("description".into(), json!(description));
                error.insert("field".into(), json!(field));
                if let Some(d) = detail {
                    error.insert("source".into(), json!(d.source));
                    error.insert("step".into(), json!(d.step));
                    error.insert("reason".into(), json!(d.reason));
                    error.insert("metadata".into(), d.metadata.clone());
                }
                json!({ "error": Value::Object(error) })
            }
            ApiError::Authentication => {
                json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "Authentication failed"}})
            }
            ApiError::NoRoute => json!({"message": "no Route matched with those values"}),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::Error { status, .. } => *status,
            ApiError::Authentication => StatusCode::UNAUTHORIZED,
            ApiError::NoRoute => StatusCode::NOT_FOUND,
        }
    }

    fn into_response(self) -> Response {
        Response::json(self.status(), &self.body())
    }
}

/// `card[expiry_month]` → `card expiry month`, for messages.
fn human(field: &str) -> String {
    field
        .replace("][", " ")
        .replace(['[', '_'], " ")
        .replace(']', "")
}

type ApiResult = Result<Response, ApiError>;

fn ok(value: &Value) -> ApiResult {
    Ok(Response::json(StatusCode::OK, value))
}

/// The request body as an object: JSON, or form encoding with nested keys
/// (`card[number]`, `notes[key]`, `token[max_amount]`, `items[]`). An empty body is `{}`.
fn parse_body(request: &Request) -> Result<Map<String, Value>, ApiError> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let content_type = request
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return form_to_object(request.form_pairs());
    }
    match request.json() {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request(
            "The request body must be a JSON object",
            None,
        )),
        // Only the position: serde's message could quote the input, which may hold card data.
        Err(e) => Err(ApiError::bad_request(
            format!(
                "The request body is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
            None,
        )),
    }
}

/// The query parameters as an object, nested keys expanded as in a form body (`expand[]`).
fn parse_query(request: &Request) -> Result<Map<String, Value>, ApiError> {
    form_to_object(request.query_pairs())
}

/// The deepest form key accepted (`a[b][c]` is 3): deeper keys are refused rather than
/// expanded, so that no body can exhaust the stack.
const MAX_FORM_DEPTH: usize = 8;

/// Form pairs to a JSON object, expanding `a[b][c]=v` and `a[]=v`.
fn form_to_object(pairs: Vec<(String, String)>) -> Result<Map<String, Value>, ApiError> {
    let mut root = Value::Object(Map::new());
    for (key, value) in pairs {
        let mut parts = Vec::new();
        match key.find('[') {
            Some(i) if key.ends_with(']') => {
                parts.push(key[..i].to_string());
                for p in key[i + 1..key.len() - 1].split("][") {
                    parts.push(p.to_string());
                }
            }
            _ => parts.push(key.clone()),
        }
        if parts.len() > MAX_FORM_DEPTH {
            return Err(ApiError::bad_request(
                "The request body nests too deeply",
                None,
            ));
        }
        insert_path(&mut root, &parts, Value::String(value));
    }
    match root {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

fn insert_path(node: &mut Value, parts: &[String], value: Value) {
    let Some((first, rest)) = parts.split_first() else {
        return;
    };
    if first.is_empty() {
        // `a[]`: append to an array.
        if !node.is_array() {
            *node = Value::Array(Vec::new());
        }
        if let Value::Array(items) = node {
            if rest.is_empty() {
                items.push(value);
            } else {
                let mut child = Value::Object(Map::new());
                insert_path(&mut child, rest, value);
                items.push(child);
            }
        }
        return;
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    if let Value::Object(map) = node {
        if rest.is_empty() {
            map.insert(first.clone(), value);
        } else {
            let child = map
                .entry(first.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            insert_path(child, rest, value);
        }
    }
}

/// An optional string: absent/null → None; numbers are accepted as their text.
fn opt_str(body: &Map<String, Value>, field: &str) -> Result<Option<String>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(ApiError::field(
            field,
            format!("The {} must be a string.", human(field)),
        )),
    }
}

/// A required, non-blank string.
fn req_str(body: &Map<String, Value>, field: &str) -> Result<String, ApiError> {
    match opt_str(body, field)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(ApiError::required(field)),
    }
}

/// An optional integer: a JSON integer or a string of digits (form encoding).
fn opt_int(body: &Map<String, Value>, field: &str) -> Result<Option<i64>, ApiError> {
    let invalid = || ApiError::field(field, format!("The {} must be an integer.", human(field)));
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(invalid),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse::<i64>().map(Some).map_err(|_| invalid()),
        Some(_) => Err(invalid()),
    }
}

/// `0`/`1`, `true`/`false` (JSON or text); absent → None.
fn opt_flag(body: &Map<String, Value>, field: &str) -> Result<Option<bool>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(Some(true)),
        Some(Value::Number(n)) if n.as_i64() == Some(0) => Ok(Some(false)),
        Some(Value::String(s)) => match s.trim() {
            "1" | "true" => Ok(Some(true)),
            "0" | "false" | "" => Ok(Some(false)),
            _ => Err(ApiError::invalid(field)),
        },
        Some(_) => Err(ApiError::invalid(field)),
    }
}

/// An optional nested object (`card`, `token`, `browser`).
fn opt_object<'a>(
    body: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(ApiError::field(
            field,
            format!("The {} must be an array.", human(field)),
        )),
    }
}

/// `amount`: required, an integer in 0..=MAX (the minimum is checked by each endpoint).
fn req_amount(body: &Map<String, Value>) -> Result<i64, ApiError> {
    let amount = opt_int(body, "amount")?.ok_or_else(|| ApiError::required("amount"))?;
    if !(0..=MAX_AMOUNT).contains(&amount) {
        return Err(ApiError::field("amount", "The amount is invalid"));
    }
    Ok(amount)
}

/// `currency`: required, one the account accepts (two-decimal ISO 4217 currencies).
fn req_currency(body: &Map<String, Value>) -> Result<String, ApiError> {
    let currency = req_str(body, "currency")?;
    if !cards::supported_currency(&currency) {
        return Err(ApiError::field("currency", "Currency is not supported"));
    }
    Ok(currency)
}

/// `notes`: a flat map of at most 15 entries of at most 256 characters (values are kept as
/// text), or an empty array. Answers the stored form: `[]` when empty, an object otherwise.
fn parse_notes(body: &Map<String, Value>) -> Result<Value, ApiError> {
    let notes = match body.get("notes") {
        None | Some(Value::Null) => return Ok(json!([])),
        Some(Value::Array(items)) if items.is_empty() => return Ok(json!([])),
        Some(Value::Object(map)) => map,
        Some(_) => {
            return Err(ApiError::field(
                "notes",
                "The notes must be an array (a map of keys to values).",
            ))
        }
    };
    if notes.len() > 15 {
        return Err(ApiError::field(
            "notes",
            "Number of fields in notes should be less than or equal to 15",
        ));
    }
    let mut out = Map::new();
    for (k, v) in notes {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            _ => {
                return Err(ApiError::field(
                    "notes",
                    format!("The notes.{k} must be a string."),
                ))
            }
        };
        if text.chars().count() > 256 {
            return Err(ApiError::field(
                "notes",
                format!("The notes.{k} may not be greater than 256 characters."),
            ));
        }
        out.insert(k.clone(), json!(text));
    }
    if out.is_empty() {
        Ok(json!([]))
    } else {
        Ok(Value::Object(out))
    }
}

/// Emits the events as signed webhooks (after the sandbox's webhook delay, in order).
fn emit(ctx: &Context, events: Vec<events::Event>) {
    ctx.emit_webhooks(
        events
            .iter()
            .map(|e| e.to_webhook(WEBHOOK_SECRET))
            .collect(),
    );
}

/// A collection answer: `{"entity": "collection", "count", "items"}`.
fn collection(items: Vec<Value>) -> Value {
    json!({"entity": "collection", "count": items.len(), "items": items})
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route<'a> {
    CreateOrder,
    ListOrders,
    GetOrder(&'a str),
    OrderPayments(&'a str),
    CreateJson,
    CreateRecurring,
    GetPayment(&'a str),
    Capture(&'a str),
    Refund(&'a str),
    PaymentRefunds(&'a str),
    PaymentRefund(&'a str, &'a str),
    GetRefund(&'a str),
    CreateCustomer,
    GetCustomer(&'a str),
    CustomerTokens(&'a str),
    ListDisputes,
    GetDispute(&'a str),
    AcceptDispute(&'a str),
    ContestDispute(&'a str),
    UploadDocument,
    GetDocument(&'a str),
    /// The mock authentication page (a browser page: no API key).
    AuthorizePage(&'a str),
    /// The native OTP flow (authenticated by `key_id` in the query, as the real URLs are).
    OtpGenerate(&'a str),
    OtpSubmit(&'a str),
}

impl Route<'_> {
    /// Whether the route is the API proper (Basic auth) rather than a customer-facing page.
    fn needs_basic_auth(&self) -> bool {
        !matches!(
            self,
            Route::AuthorizePage(_) | Route::OtpGenerate(_) | Route::OtpSubmit(_)
        )
    }
}

fn route<'a>(method: &Method, path: &'a str) -> Option<Route<'a>> {
    let path = path.strip_suffix('/').unwrap_or(path);
    let rest = path.strip_prefix("/v1/")?;
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let get = method == Method::GET;
    let post = method == Method::POST;
    Some(match (segments.as_slice(), get, post) {
        (["orders"], _, true) => Route::CreateOrder,
        (["orders"], true, _) => Route::ListOrders,
        (["orders", id], true, _) => Route::GetOrder(id),
        (["orders", id, "payments"], true, _) => Route::OrderPayments(id),
        (["payments", "create", "json"], _, true) => Route::CreateJson,
        (["payments", "create", "recurring"], _, true) => Route::CreateRecurring,
        (["payments", id], true, _) => Route::GetPayment(id),
        (["payments", id, "capture"], _, true) => Route::Capture(id),
        (["payments", id, "refund"], _, true) => Route::Refund(id),
        (["payments", id, "refunds"], true, _) => Route::PaymentRefunds(id),
        (["payments", id, "refunds", rid], true, _) => Route::PaymentRefund(id, rid),
        (["payments", id, "authorize"], _, _) if get || post => Route::AuthorizePage(id),
        (["payments", id, "otp_generate"], _, true) => Route::OtpGenerate(id),
        (["payments", id, "otp", "submit"], _, true) => Route::OtpSubmit(id),
        (["refunds", id], true, _) => Route::GetRefund(id),
        (["customers"], _, true) => Route::CreateCustomer,
        (["customers", id], true, _) => Route::GetCustomer(id),
        (["customers", id, "tokens"], true, _) => Route::CustomerTokens(id),
        (["disputes"], true, _) => Route::ListDisputes,
        (["disputes", id], true, _) => Route::GetDispute(id),
        (["disputes", id, "accept"], _, true) => Route::AcceptDispute(id),
        (["disputes", id, "contest"], _, _) if method == Method::PATCH => Route::ContestDispute(id),
        (["documents"], _, true) => Route::UploadDocument,
        (["documents", id], true, _) => Route::GetDocument(id),
        _ => return None,
    })
}

/// Whether the request carries `Authorization: Basic base64(KEY_ID:KEY_SECRET)`.
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
    let expected = format!("{KEY_ID}:{KEY_SECRET}");
    bool::from(decoded.as_slice().ct_eq(expected.as_bytes()))
}

/// The OTP endpoints carry the key id in the query (`key_id=`), as Razorpay's URLs do;
/// Basic auth is accepted too.
fn key_id_ok(request: &Request) -> bool {
    basic_auth_ok(request)
        || request
            .query_pairs()
            .iter()
            .any(|(k, v)| k == "key_id" && bool::from(v.as_bytes().ct_eq(KEY_ID.as_bytes())))
}

impl Razorpay {
    fn api(&self, request: &Request, ctx: &Context) -> ApiResult {
        let route = route(&request.method, &request.path).ok_or(ApiError::NoRoute)?;
        if let Route::AuthorizePage(track) = route {
            return Ok(payments::authorize_page(
                &mut lock(&self.state),
                request,
                track,
                ctx,
            ));
        }
        let authenticated = if route.needs_basic_auth() {
            basic_auth_ok(request)
        } else {
            key_id_ok(request)
        };
        if !authenticated {
            return Err(ApiError::Authentication);
        }
        let mut state = lock(&self.state);
        payments::expire_authorizations(&mut state, None, false);
        let body = if route == Route::UploadDocument {
            Map::new()
        } else {
            parse_body(request)?
        };
        match route {
            Route::CreateOrder => orders::create(&mut state, &body),
            Route::ListOrders => orders::list(&state, &parse_query(request)?),
            Route::GetOrder(id) => orders::get(&state, id),
            Route::OrderPayments(id) => orders::payments(&state, id),
            Route::CreateCustomer => orders::create_customer(&mut state, &body),
            Route::GetCustomer(id) => orders::get_customer(&state, id),
            Route::CustomerTokens(id) => payments::customer_tokens(&state, id),
            Route::CreateJson => payments::create_json(&mut state, &body, ctx),
            Route::CreateRecurring => payments::create_recurring(&mut state, &body, ctx),
            Route::GetPayment(id) => payments::get(&state, id),
            Route::Capture(id) => payments::capture(&mut state, id, &body, ctx),
            Route::OtpGenerate(id) => payments::otp_generate(&mut state, id, request, ctx),
            Route::OtpSubmit(id) => payments::otp_submit(&mut state, id, &body, ctx),
            Route::Refund(id) => refunds::create(&mut state, id, &body, ctx),
            Route::PaymentRefunds(id) => refunds::list_for_payment(&state, id),
            Route::PaymentRefund(id, rid) => refunds::get(&state, rid, Some(id)),
            Route::GetRefund(id) => refunds::get(&state, id, None),
            Route::ListDisputes => disputes::list(&state),
            Route::GetDispute(id) => disputes::get(&state, id),
            Route::AcceptDispute(id) => disputes::accept(&mut state, id, ctx),
            Route::ContestDispute(id) => disputes::contest(&mut state, id, &body, ctx),
            Route::UploadDocument => disputes::upload_document(&mut state, request),
            Route::GetDocument(id) => disputes::get_document(&state, id),
            Route::AuthorizePage(_) => Err(ApiError::NoRoute),
        }
    }

    /// The sandbox-only hooks under `/razorpay/_sandbox/` (README "Razorpay").
    fn hook(&self, request: &Request, hook: &str, ctx: &Context) -> Response {
        let body = if request.body.iter().all(u8::is_ascii_whitespace) {
            Ok(Value::Object(Map::new()))
        } else {
            serde_json::from_slice::<Value>(&request.body)
        };
        let body = match body {
            Ok(Value::Object(map)) => map,
            _ => return hook_error(StatusCode::BAD_REQUEST, "the body must be a JSON object"),
        };
        let mut state = lock(&self.state);
        let result = match (request.method.as_str(), hook.trim_end_matches('/')) {
            ("PUT", "authorization_window") => match body.get("seconds").and_then(Value::as_u64) {
                Some(seconds) => {
                    state.authorization_window = Duration::from_secs(seconds);
                    payments::expire_authorizations(&mut state, None, false);
                    Ok(json!({"seconds": seconds}))
                }
                None => Err(ControlError::new(
                    StatusCode::BAD_REQUEST,
                    "seconds must be a non-negative integer",
                )),
            },
            ("GET", "authorization_window") => {
                Ok(json!({"seconds": state.authorization_window.as_secs()}))
            }
            ("POST", "expire_authorizations") => {
                let payment = match body.get("payment_id") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(id)) => Some(id.clone()),
                    Some(_) => {
                        return hook_error(StatusCode::BAD_REQUEST, "payment_id must be a string")
                    }
                };
                if let Some(id) = &payment {
                    if !state.payments.contains_key(id) {
                        return hook_error(
                            StatusCode::NOT_FOUND,
                            &format!("no Razorpay payment {id:?}"),
                        );
                    }
                }
                let expired = payments::expire_authorizations(&mut state, payment.as_deref(), true);
                if payment.is_some() && expired.is_empty() {
                    return hook_error(
                        StatusCode::CONFLICT,
                        "the payment is not an authorization waiting for capture",
                    );
                }
                Ok(json!({ "expired": expired }))
            }
            ("POST", path) => {
                let dispute = path
                    .strip_prefix("disputes/")
                    .and_then(|p| p.strip_suffix("/resolve"));
                let payment = path
                    .strip_prefix("payments/")
                    .and_then(|p| p.strip_suffix("/authorize_late"));
                let complete = path
                    .strip_prefix("payments/")
                    .and_then(|p| p.strip_suffix("/complete"));
                match (dispute, payment, complete) {
                    (Some(id), _, _) => disputes::resolve(&mut state, id, &body, ctx),
                    (_, Some(id), _) => payments::authorize_late(&mut state, id, ctx),
                    (_, _, Some(id)) => payments::complete_upi(&mut state, id, &body, ctx),
                    _ => Err(ControlError::new(
                        StatusCode::NOT_FOUND,
                        format!("no Razorpay sandbox hook {hook:?}"),
                    )),
                }
            }
            _ => Err(ControlError::new(
                StatusCode::NOT_FOUND,
                format!("no Razorpay sandbox hook {} {hook:?}", request.method),
            )),
        };
        match result {
            Ok(value) => Response::json(StatusCode::OK, &value),
            Err(e) => hook_error(e.status, &e.message),
        }
    }
}

fn hook_error(status: StatusCode, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}

impl Processor for Razorpay {
    fn name(&self) -> &'static str {
        "razorpay"
    }

    fn ledger(&self) -> Vec<Value> {
        ledger::entries(&lock(&self.state))
    }

    fn reset(&self) {
        *lock(&self.state) = State::new();
    }

    fn credentials(&self) -> Value {
        json!({
            "type": "razorpay",
            "key_id": KEY_ID,
            "key_secret": KEY_SECRET,
            "webhook_secrets": [WEBHOOK_SECRET],
        })
    }

    fn handle(&self, request: &Request, ctx: &Context) -> Response {
        if let Some(hook) = request.path.strip_prefix(HOOKS_PREFIX) {
            return self.hook(request, hook, ctx);
        }
        self.api(request, ctx)
            .unwrap_or_else(ApiError::into_response)
    }

    fn error_response(&self, status: StatusCode) -> Response {
        let error = match status.as_u16() {
            401 => ApiError::Authentication,
            404 => ApiError::NoRoute,
            s if s >= 500 => ApiError::Error {
                status,
                code: "SERVER_ERROR",
                description:
                    "The server encountered an error. The incident has been reported to admins."
                        .into(),
                field: None,
                detail: None,
            },
            413 => ApiError::Error {
                status,
                code: "BAD_REQUEST_ERROR",
                description: "The request body is too large".into(),
                field: None,
                detail: None,
            },
            429 => ApiError::Error {
                status,
                code: "BAD_REQUEST_ERROR",
                description: "Too many requests".into(),
                field: None,
                detail: None,
            },
            _ => ApiError::Error {
                status,
                code: "BAD_REQUEST_ERROR",
                description: "The request could not be processed".into(),
                field: None,
                detail: None,
            },
        };
        Response::json(status, &error.body())
    }

    fn malformed_response(&self) -> Response {
        Response::new(
            StatusCode::OK,
            "application/json",
            "{\"id\": \"pay_Sbx0000000000M\", \"entity\": \"payment\", \"status\": \"captu",
        )
    }

    fn open_dispute(&self, request: &DisputeRequest, ctx: &Context) -> Result<Value, ControlError> {
        let mut state = lock(&self.state);
        payments::expire_authorizations(&mut state, None, false);
        disputes::open(&mut state, request, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(route(&post, "/v1/orders"), Some(Route::CreateOrder));
        assert_eq!(
            route(&get, "/v1/orders/order_1"),
            Some(Route::GetOrder("order_1"))
        );
        assert_eq!(
            route(&get, "/v1/orders/order_1/payments"),
            Some(Route::OrderPayments("order_1"))
        );
        assert_eq!(
            route(&post, "/v1/payments/create/json"),
            Some(Route::CreateJson)
        );
        assert_eq!(
            route(&post, "/v1/payments/create/recurring"),
            Some(Route::CreateRecurring)
        );
        assert_eq!(
            route(&get, "/v1/payments/pay_1"),
            Some(Route::GetPayment("pay_1"))
        );
        assert_eq!(
            route(&post, "/v1/payments/pay_1/capture"),
            Some(Route::Capture("pay_1"))
        );
        assert_eq!(
            route(&get, "/v1/payments/pay_1/refunds/rfnd_1"),
            Some(Route::PaymentRefund("pay_1", "rfnd_1"))
        );
        assert_eq!(
            route(&Method::PATCH, "/v1/disputes/disp_1/contest"),
            Some(Route::ContestDispute("disp_1"))
        );
        assert_eq!(
            route(&get, "/v1/payments/T1/authorize"),
            Some(Route::AuthorizePage("T1"))
        );
        assert_eq!(
            route(&post, "/v1/payments/T1/authorize"),
            Some(Route::AuthorizePage("T1"))
        );
        // No void, wrong methods, odd paths.
        assert_eq!(route(&post, "/v1/payments/pay_1/cancel"), None);
        assert_eq!(route(&post, "/v1/payments/pay_1/void"), None);
        assert_eq!(route(&get, "/v1/payments/pay_1/capture"), None);
        assert_eq!(route(&post, "/v1/disputes/disp_1/contest"), None);
        assert_eq!(route(&Method::DELETE, "/v1/payments/T1/authorize"), None);
        assert_eq!(route(&get, "/v1//payments"), None);
        assert_eq!(route(&get, "/v2/payments/pay_1"), None);
        assert_eq!(route(&get, "/"), None);
    }

    #[test]
    fn form_bodies_nest() {
        let object = form_to_object(vec![
            ("amount".into(), "100".into()),
            ("card[number]".into(), "4111".into()),
            ("token[max_amount]".into(), "5000".into()),
            ("notes[a]".into(), "x".into()),
            ("items[]".into(), "1".into()),
            ("items[]".into(), "2".into()),
            ("others[][type]".into(), "t".into()),
        ])
        .unwrap();
        assert_eq!(
            Value::Object(object),
            json!({"amount": "100", "card": {"number": "4111"}, "token": {"max_amount": "5000"},
                   "notes": {"a": "x"}, "items": ["1", "2"], "others": [{"type": "t"}]})
        );
        let deep = format!("a{}", "[]".repeat(100_000));
        assert!(form_to_object(vec![(deep, "1".into())]).is_err());
    }

    #[test]
    fn error_shapes() {
        assert_eq!(
            ApiError::required("amount").body(),
            json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "The amount field is required.", "field": "amount"}})
        );
        assert_eq!(
            ApiError::no_such_id(None).body(),
            json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "The id provided does not exist",
                             "field": null, "source": "business", "step": "payment_initiation",
                             "reason": "input_validation_failed", "metadata": {}}})
        );
        assert_eq!(ApiError::Authentication.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            ApiError::NoRoute.body(),
            json!({"message": "no Route matched with those values"})
        );
        assert_eq!(human("card[expiry_month]"), "card expiry month");
    }

    #[test]
    fn credentials_are_test_mode() {
        assert!(KEY_ID.starts_with("rzp_test_"));
        assert_eq!(KEY_ID.len(), "rzp_test_".len() + 14);
    }
}
