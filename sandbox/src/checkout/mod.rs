//! Checkout.com: the Unified Payments API (`/payments`, `/tokens`, `/disputes`, `/files`) and
//! its webhooks, as described in the Checkout.com API reference and docs and
//! Checkout.com's payment-method docs (Apple Pay, Google Pay, iDEAL, EPS). Paths are the real ones below `/checkout`.
//!
//! What sets it apart, and what the emulation reproduces:
//! - `Authorization: Bearer <secret key>` (the public key for `POST /tokens`); anything else is
//!   `401` with an empty body;
//! - declines are `201` with `approved: false`, `status: "Declined"` and a `response_code`;
//! - 3-D Secure is `202` `Pending` with `_links.redirect.href` (a page of the sandbox); the
//!   shopper returns to `success_url`/`failure_url` with `cko-session-id=sid_...`;
//! - capture, void and refund answer `202` with an `action_id`; the action is recorded at once
//!   (`GET /payments/{id}/actions`) and confirmed by a signed webhook after the webhook delay;
//! - `Cko-Idempotency-Key`: the same key with the same request answers the first answer again;
//!   the same key with another request is a `429` duplicate;
//! - webhooks carry `Cko-Signature`, the hex HMAC-SHA256 of the raw body.
//!
//! Sandbox choices where the documentation leaves a gap are listed in the README ("Checkout.com").

use std::collections::HashMap;
use std::sync::Mutex;

use http::{HeaderName, Method, StatusCode};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::processor::{Context, ControlError, DisputeRequest, Processor, Request, Response};
use crate::util::{lock, random_string};

mod cards;
mod disputes;
mod events;
mod ledger;
mod payments;

/// The secret key the sandbox accepts (`Authorization: Bearer ...`).
pub const SECRET_KEY: &str = "sk_sbox_m3kq7xv2wd5nfh4tlc6yrj8pbe";
/// The public key, for `POST /tokens`.
pub const PUBLIC_KEY: &str = "pk_sbox_t4nw9hq2xc7vkd3mfe5lzr6yga";
/// The processing channel of the account (required on `POST /payments`).
pub const PROCESSING_CHANNEL_ID: &str = "pc_w5tk3qz7bvx2nhd4mfe6ylc9ra";
/// The key of the webhooks' `Cko-Signature` HMAC.
pub const WEBHOOK_SECRET: &str = "whsec_sbx_cko_8Hq2Lw5Rt9Vz3Nc7";

/// The largest amount accepted, in minor units (keeps every sum far from overflowing).
const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// Sandbox-only hooks below the processor's prefix (no authentication).
const HOOKS_PREFIX: &str = "/_sandbox/";

/// Lower-case letters and digits: the alphabet of Checkout.com ids.
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

pub struct Checkout {
    state: Mutex<State>,
}

impl Checkout {
    pub fn new() -> Checkout {
        Checkout {
            state: Mutex::new(State::default()),
        }
    }
}

impl Default for Checkout {
    fn default() -> Self {
        Checkout::new()
    }
}

/// One remembered `Cko-Idempotency-Key`.
struct IdempotentAnswer {
    /// Method, path and SHA-256 of the body of the first request.
    fingerprint: String,
    response: Response,
}

/// Everything the emulated Checkout.com account knows.
#[derive(Default)]
struct State {
    payments: HashMap<String, payments::Payment>,
    /// 3-D Secure session id (`sid_...`) → payment id.
    sessions: HashMap<String, String>,
    /// Stored instruments (`src_...`), reusable with `source.type = "id"`.
    sources: HashMap<String, cards::CardData>,
    /// Single-use tokens from `POST /tokens`.
    tokens: HashMap<String, payments::Token>,
    disputes: HashMap<String, disputes::Dispute>,
    files: HashMap<String, disputes::File>,
    idempotency: HashMap<String, IdempotentAnswer>,
    /// Creation sequence, to list collections newest first.
    seq: u64,
}

impl State {
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// `pay_`, `act_`, `src_`, `sid_`, ... followed by 26 lower-case letters and digits.
    fn new_id(&self, prefix: &str) -> String {
        self.new_id_len(prefix, 26)
    }

    fn new_id_len(&self, prefix: &str, len: usize) -> String {
        loop {
            let id = format!("{prefix}{}", random_string(len, LOWER_ALNUM));
            let taken = self.payments.contains_key(&id)
                || self.sessions.contains_key(&id)
                || self.sources.contains_key(&id)
                || self.tokens.contains_key(&id)
                || self.disputes.contains_key(&id)
                || self.files.contains_key(&id)
                || self
                    .payments
                    .values()
                    .any(|p| p.actions.iter().any(|a| a.id == id));
            if !taken {
                return id;
            }
        }
    }
}

/// The current time as Checkout.com writes it: `2019-09-10T10:11:12Z`.
fn iso_now() -> String {
    iso_after(0)
}

/// Now plus `secs`, in the same format.
fn iso_after(secs: u64) -> String {
    crate::util::rfc3339(
        std::time::SystemTime::now(),
        std::time::Duration::from_secs(secs),
    )
    .replace("+00:00", "Z")
}

/// An answer in Checkout.com's error shapes (Checkout.com API reference, "Errors").
#[derive(Debug, Clone, PartialEq, Eq)]
enum ApiError {
    /// `{"request_id", "error_type", "error_codes"}` (422 `request_invalid`, 429).
    Codes {
        status: StatusCode,
        error_type: &'static str,
        codes: Vec<String>,
    },
    /// `{"request_id", "error_type"}` without codes (a body that is not JSON).
    Malformed,
    /// A status with an empty body: 401, 403 (action not allowed), 404.
    Empty(StatusCode),
}

impl ApiError {
    /// 422 `request_invalid` with one error code.
    fn invalid(code: &str) -> ApiError {
        ApiError::Codes {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            error_type: "request_invalid",
            codes: vec![code.to_string()],
        }
    }

    fn not_found() -> ApiError {
        ApiError::Empty(StatusCode::NOT_FOUND)
    }

    /// 403: "Capture not allowed", "Void not allowed", "Refund not allowed".
    fn not_allowed() -> ApiError {
        ApiError::Empty(StatusCode::FORBIDDEN)
    }

    /// 429 for a `Cko-Idempotency-Key` replayed with another request.
    fn duplicate() -> ApiError {
        ApiError::Codes {
            status: StatusCode::TOO_MANY_REQUESTS,
            error_type: "request_invalid",
            codes: vec!["duplicate_request".to_string()],
        }
    }

    /// 429 for too many requests (the `rate_limit` fault).
    fn rate_limited() -> ApiError {
        ApiError::Codes {
            status: StatusCode::TOO_MANY_REQUESTS,
            error_type: "too_many_requests",
            codes: vec!["api_calls_quota_exceeded".to_string()],
        }
    }

    fn into_response(self, request_id: &str) -> Response {
        match self {
            ApiError::Codes {
                status,
                error_type,
                codes,
            } => Response::json(
                status,
                &json!({"request_id": request_id, "error_type": error_type, "error_codes": codes}),
            ),
            ApiError::Malformed => Response::json(
                StatusCode::UNPROCESSABLE_ENTITY,
                &json!({"request_id": request_id, "error_type": "request_malformed"}),
            ),
            ApiError::Empty(status) => Response::new(status, "application/json", ""),
        }
    }
}

type ApiResult = Result<Response, ApiError>;

/// The request body as a JSON object; an empty body is `{}`.
fn parse_body(request: &Request) -> Result<Map<String, Value>, ApiError> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match request.json() {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::Malformed),
    }
}

/// An optional string field; another JSON type is `<field>_invalid`.
fn opt_str(body: &Map<String, Value>, field: &str) -> Result<Option<String>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::invalid(&format!("{field}_invalid"))),
    }
}

/// An optional integer: a JSON integer, or a string of digits (integrations send expiry
/// months as `"03"`, and the API accepts them, Checkout.com API reference, "Authorize — POST /payments").
fn opt_int(body: &Map<String, Value>, field: &str, code: &str) -> Result<Option<i64>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| ApiError::invalid(code)),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::invalid(code)),
        Some(_) => Err(ApiError::invalid(code)),
    }
}

fn opt_bool(body: &Map<String, Value>, field: &str) -> Result<Option<bool>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::invalid(&format!("{field}_invalid"))),
    }
}

fn opt_object<'a>(
    body: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(ApiError::invalid(&format!("{field}_invalid"))),
    }
}

/// `reference`: at most 50 characters.
fn opt_reference(body: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    let reference = opt_str(body, "reference")?;
    if reference.as_ref().is_some_and(|r| r.chars().count() > 50) {
        return Err(ApiError::invalid("reference_invalid"));
    }
    Ok(reference)
}

/// `metadata`: a flat map of scalar values (answered as given).
fn opt_metadata(body: &Map<String, Value>) -> Result<Option<Value>, ApiError> {
    match body.get("metadata") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) if map.values().all(|v| !v.is_object() && !v.is_array()) => {
            Ok(Some(Value::Object(map.clone())))
        }
        Some(_) => Err(ApiError::invalid("metadata_invalid")),
    }
}

/// An optional amount in minor units (0..=MAX).
fn opt_amount(body: &Map<String, Value>) -> Result<Option<i64>, ApiError> {
    match body.get("amount") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(a) if (0..=MAX_AMOUNT).contains(&a) => Ok(Some(a)),
            _ => Err(ApiError::invalid("amount_invalid")),
        },
        Some(_) => Err(ApiError::invalid("amount_invalid")),
    }
}

/// Emits the events as signed webhooks (after the sandbox's webhook delay, in order).
fn emit(ctx: &Context, events: Vec<events::Event>) {
    ctx.emit_webhooks(
        events
            .into_iter()
            .map(|e| e.to_webhook(WEBHOOK_SECRET))
            .collect(),
    );
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route<'a> {
    CreatePayment,
    GetPayment(&'a str),
    PaymentActions(&'a str),
    Capture(&'a str),
    Void(&'a str),
    Refund(&'a str),
    CreateToken,
    ListDisputes,
    GetDispute(&'a str),
    AcceptDispute(&'a str),
    ProvideEvidence(&'a str),
    SubmitEvidence(&'a str),
    GetEvidence(&'a str),
    UploadFile,
    GetFile(&'a str),
    /// The 3-D Secure page the shopper is redirected to (a browser page: no key).
    ThreeDsPage(&'a str),
    /// The simulated bank of a redirect method (iDEAL, EPS): a browser page, no key.
    BankPage(&'a str),
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
    let put = method == Method::PUT;
    Some(match (segments.as_slice(), get, post, put) {
        (["payments"], _, true, _) => Route::CreatePayment,
        (["payments", id], true, _, _) => Route::GetPayment(id),
        (["payments", id, "actions"], true, _, _) => Route::PaymentActions(id),
        (["payments", id, "captures"], _, true, _) => Route::Capture(id),
        (["payments", id, "voids"], _, true, _) => Route::Void(id),
        (["payments", id, "refunds"], _, true, _) => Route::Refund(id),
        (["tokens"], _, true, _) => Route::CreateToken,
        (["disputes"], true, _, _) => Route::ListDisputes,
        (["disputes", id], true, _, _) => Route::GetDispute(id),
        (["disputes", id, "accept"], _, true, _) => Route::AcceptDispute(id),
        (["disputes", id, "evidence"], _, _, true) => Route::ProvideEvidence(id),
        (["disputes", id, "evidence"], _, true, _) => Route::SubmitEvidence(id),
        (["disputes", id, "evidence"], true, _, _) => Route::GetEvidence(id),
        (["files"], _, true, _) => Route::UploadFile,
        (["files", id], true, _, _) => Route::GetFile(id),
        (["3ds", id], _, _, _) if get || post => Route::ThreeDsPage(id),
        (["apm", id], _, _, _) if get || post => Route::BankPage(id),
        _ => return None,
    })
}

/// Whether `Authorization` is `Bearer <key>` (the scheme case-insensitive).
fn bearer_is(request: &Request, key: &str) -> bool {
    let Some(value) = request.header("authorization") else {
        return false;
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer")
        && bool::from(token.trim().as_bytes().ct_eq(key.as_bytes()))
}

/// What identifies a request for `Cko-Idempotency-Key`: method, path and body digest.
fn fingerprint(request: &Request) -> String {
    format!(
        "{} {} {}",
        request.method,
        request.path,
        hex::encode(Sha256::digest(&request.body))
    )
}

impl Checkout {
    fn api(&self, request: &Request, ctx: &Context) -> ApiResult {
        let route = route(&request.method, &request.path).ok_or_else(ApiError::not_found)?;
        if let Route::ThreeDsPage(session) = route {
            return Ok(payments::three_ds_page(
                &mut lock(&self.state),
                request,
                session,
                ctx,
            ));
        }
        if let Route::BankPage(session) = route {
            return Ok(payments::bank_page(
                &mut lock(&self.state),
                request,
                session,
                ctx,
            ));
        }
        let key = if route == Route::CreateToken {
            PUBLIC_KEY
        } else {
            SECRET_KEY
        };
        if !bearer_is(request, key) {
            return Err(ApiError::Empty(StatusCode::UNAUTHORIZED));
        }
        let mut state = lock(&self.state);
        let idempotency_key = request
            .header("cko-idempotency-key")
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .filter(|_| request.method == Method::POST || request.method == Method::PUT)
            .map(str::to_string);
        if let Some(key) = &idempotency_key {
            if let Some(previous) = state.idempotency.get(key) {
                if previous.fingerprint == fingerprint(request) {
                    return Ok(previous.response.clone());
                }
                return Err(ApiError::duplicate());
            }
        }
        let result = self.dispatch(&mut state, route, request, ctx);
        if let Some(key) = idempotency_key {
            // Remember a processed request's answer, to give it again to a replay. Errors
            // are not remembered: the request can be corrected and sent with the same key.
            if let Ok(response) = &result {
                let response = response.clone();
                state.idempotency.insert(
                    key,
                    IdempotentAnswer {
                        fingerprint: fingerprint(request),
                        response,
                    },
                );
            }
        }
        result
    }

    fn dispatch(
        &self,
        state: &mut State,
        route: Route<'_>,
        request: &Request,
        ctx: &Context,
    ) -> ApiResult {
        if matches!(route, Route::UploadFile) {
            return disputes::upload_file(state, request, ctx);
        }
        let body = parse_body(request)?;
        match route {
            Route::CreatePayment => payments::create(state, &body, ctx),
            Route::GetPayment(id) => payments::get(state, id, ctx),
            Route::PaymentActions(id) => payments::actions(state, id),
            Route::Capture(id) => payments::capture(state, id, &body, ctx),
            Route::Void(id) => payments::void(state, id, &body, ctx),
            Route::Refund(id) => payments::refund(state, id, &body, ctx),
            Route::CreateToken => payments::create_token(state, &body),
            Route::ListDisputes => disputes::list(state, ctx),
            Route::GetDispute(id) => disputes::get(state, id, ctx),
            Route::AcceptDispute(id) => disputes::accept(state, id, ctx),
            Route::ProvideEvidence(id) => disputes::provide_evidence(state, id, &body),
            Route::SubmitEvidence(id) => disputes::submit_evidence(state, id, ctx),
            Route::GetEvidence(id) => disputes::get_evidence(state, id),
            Route::GetFile(id) => disputes::get_file(state, id, ctx),
            Route::UploadFile | Route::ThreeDsPage(_) | Route::BankPage(_) => {
                Err(ApiError::not_found())
            }
        }
    }

    /// The sandbox-only hooks under `/checkout/_sandbox/` (README "Checkout.com").
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
        let hook = hook.trim_end_matches('/');
        let result = match (request.method.as_str(), hook) {
            ("POST", path) => {
                let dispute = path
                    .strip_prefix("disputes/")
                    .and_then(|p| p.strip_suffix("/resolve"));
                let payment = path
                    .strip_prefix("payments/")
                    .and_then(|p| p.strip_suffix("/decline_next"));
                match (dispute, payment) {
                    (Some(id), _) => disputes::resolve(&mut state, id, &body, ctx),
                    (_, Some(id)) => payments::decline_next(&mut state, id),
                    _ => Err(ControlError::new(
                        StatusCode::NOT_FOUND,
                        format!("no Checkout.com sandbox hook {hook:?}"),
                    )),
                }
            }
            _ => Err(ControlError::new(
                StatusCode::NOT_FOUND,
                format!("no Checkout.com sandbox hook {} {hook:?}", request.method),
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

/// A request id as Checkout.com's `Cko-Request-Id` (a UUID).
fn new_request_id() -> String {
    let hex = random_string(32, b"0123456789abcdef");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Adds the tracing headers every Checkout.com answer carries.
fn with_tracing(response: Response, request_id: &str) -> Response {
    let already = response.headers.contains_key("cko-request-id");
    let response = response.with_header(HeaderName::from_static("cko-version"), "1.0.0");
    if already {
        response
    } else {
        response.with_header(HeaderName::from_static("cko-request-id"), request_id)
    }
}

impl Processor for Checkout {
    fn name(&self) -> &'static str {
        "checkout"
    }

    fn ledger(&self) -> Vec<Value> {
        ledger::entries(&lock(&self.state))
    }

    fn reset(&self) {
        *lock(&self.state) = State::default();
    }

    fn credentials(&self) -> Value {
        json!({
            "type": "checkout",
            "secret_key": SECRET_KEY,
            "public_key": PUBLIC_KEY,
            "processing_channel_id": PROCESSING_CHANNEL_ID,
            "webhook_secrets": [WEBHOOK_SECRET],
        })
    }

    fn handle(&self, request: &Request, ctx: &Context) -> Response {
        if let Some(hook) = request.path.strip_prefix(HOOKS_PREFIX) {
            return self.hook(request, hook, ctx);
        }
        let request_id = new_request_id();
        let response = self
            .api(request, ctx)
            .unwrap_or_else(|e| e.into_response(&request_id));
        with_tracing(response, &request_id)
    }

    fn error_response(&self, status: StatusCode) -> Response {
        let request_id = new_request_id();
        let error = match status.as_u16() {
            429 => ApiError::rate_limited(),
            413 => ApiError::invalid("request_too_large"),
            422 => ApiError::invalid("request_invalid"),
            _ => ApiError::Empty(status),
        };
        with_tracing(error.into_response(&request_id), &request_id)
    }

    fn malformed_response(&self) -> Response {
        Response::new(
            StatusCode::OK,
            "application/json",
            "{\"id\": \"pay_mbabizu24mvu3mela5njyhpit4\", \"status\": \"Autho",
        )
    }

    fn open_dispute(&self, request: &DisputeRequest, ctx: &Context) -> Result<Value, ControlError> {
        let mut state = lock(&self.state);
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
        assert_eq!(route(&post, "/payments"), Some(Route::CreatePayment));
        assert_eq!(
            route(&get, "/payments/pay_1"),
            Some(Route::GetPayment("pay_1"))
        );
        assert_eq!(
            route(&get, "/payments/pay_1/actions"),
            Some(Route::PaymentActions("pay_1"))
        );
        assert_eq!(
            route(&post, "/payments/pay_1/captures"),
            Some(Route::Capture("pay_1"))
        );
        assert_eq!(
            route(&post, "/payments/pay_1/voids"),
            Some(Route::Void("pay_1"))
        );
        assert_eq!(
            route(&post, "/payments/pay_1/refunds"),
            Some(Route::Refund("pay_1"))
        );
        assert_eq!(
            route(&Method::PUT, "/disputes/dsp_1/evidence"),
            Some(Route::ProvideEvidence("dsp_1"))
        );
        assert_eq!(
            route(&post, "/disputes/dsp_1/evidence"),
            Some(Route::SubmitEvidence("dsp_1"))
        );
        assert_eq!(route(&post, "/files"), Some(Route::UploadFile));
        assert_eq!(
            route(&post, "/3ds/sid_1"),
            Some(Route::ThreeDsPage("sid_1"))
        );
        assert_eq!(route(&get, "/payments/pay_1/captures"), None);
        assert_eq!(route(&post, "/payments/pay_1"), None);
        assert_eq!(route(&get, "//payments"), None);
        assert_eq!(route(&Method::DELETE, "/payments/pay_1"), None);
    }

    #[test]
    fn error_shapes() {
        let r = ApiError::invalid("payment_source_required").into_response("rq1");
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            body,
            json!({"request_id": "rq1", "error_type": "request_invalid",
                   "error_codes": ["payment_source_required"]})
        );
        let r = ApiError::Empty(StatusCode::UNAUTHORIZED).into_response("rq2");
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.is_empty());
    }

    #[test]
    fn ids_have_the_documented_shape() {
        let state = State::default();
        let id = state.new_id("pay_");
        assert_eq!(id.len(), 30);
        assert!(id[4..].bytes().all(|b| LOWER_ALNUM.contains(&b)));
        assert!(SECRET_KEY.starts_with("sk_sbox_"));
        assert!(PUBLIC_KEY.starts_with("pk_sbox_"));
        assert_eq!(PROCESSING_CHANNEL_ID.len(), 29);
        assert!(iso_now().ends_with('Z'));
    }
}
