//! Razorpay: REST API v1 (orders, payments, refunds, disputes, webhooks).
//!
//! Read top to bottom:
//! * this file: configuration, the support table, the connector (auth header and URLs prepared
//!   once at construction) and the [`Connector`] implementation, which only wires each flow to
//!   a function of a flow-family file;
//! * `wire.rs`: the typed, lenient shapes of Razorpay's entities and answers;
//! * `orders.rs`: CreateOrder, and the order step that payments take first;
//! * `payments.rs`: authorize (cards, mandate charges, UPI, netbanking, wallets),
//!   setup_mandate, PSync, capture;
//! * `refunds.rs`: refund and RSync;
//! * `disputes.rs`: accept, submit evidence (document uploads, then a draft contest), defend;
//! * `webhooks.rs`: `X-Razorpay-Signature` verification, freshness, dedup ids, event mapping;
//! * `errors.rs`: error bodies and HTTP statuses into declines or unified errors;
//! * `tests/`: unit tests over Razorpay's published example payloads.
//!
//! What sets Razorpay apart, and how this connector handles it:
//!
//! * **No idempotency, anywhere.** Razorpay's API takes no idempotency key for orders,
//!   payments, refunds or disputes (Razorpay docs, "API Reference": no idempotency header is
//!   documented). **The same call sent twice creates two orders and two payments.** The
//!   idempotency key of a call is therefore never sent, no Razorpay request is marked
//!   retry-safe except reads (`GET`), and the client never resends a write on its own. When a
//!   write fails with an unknown outcome (`timeout`, `network`, `invalid_response`), the error
//!   carries the Razorpay ids known so far (`connector_order_id`, `connector_transaction_id`,
//!   `connector_refund_id`): look them up (PSync, RSync, the order's payments) before trying
//!   again. The order `receipt` (your `merchant_reference`) is the reference to reconcile by.
//! * **An order comes first.** Authorize (and setup_mandate) without a `connector_order_id`
//!   are multi-step flows: the first request creates the order, the next one the payment.
//! * **Amounts** are integer sub-units (paise). Only two-decimal currencies are accepted: how
//!   Razorpay treats zero- and three-decimal currencies is not documented.
//! * **Card payments are never final at authorize**: the answer is `authentication_pending`
//!   with a redirect; the outcome comes from PSync (after checking the return signature) or
//!   a webhook. A payment PSync still finds `created` is `authentication_pending` too: the
//!   customer has not finished (Razorpay docs, "Payments > Payment Life Cycle").
//! * **Declines arrive as HTTP 400** errors; for payment flows they are turned into a
//!   `failure` response with [`crate::DeclineDetails`], never an error.
//! * **No void**: uncaptured authorizations are refunded automatically after 5 days.
//! * **Webhooks** are signed over the raw body. The event id used for deduplication is the
//!   `x-razorpay-event-id` header (derived from the body without it); the header is not
//!   covered by the signature, so an optional freshness window (`webhook_tolerance_seconds`)
//!   rejects replays.

use std::fmt;

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::call::References;
use crate::connector::{Connector, Support};
use crate::connectors::{join_url, Endpoint};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::money::{Currency, Money};
use crate::secret::Secret;
use crate::types::*;

mod disputes;
mod errors;
mod orders;
mod payments;
mod refunds;
mod webhooks;
mod wire;

#[cfg(test)]
mod tests;

/// The one Razorpay host, for test and live keys alike (the key decides the mode).
pub const BASE_URL: &str = "https://api.razorpay.com";

/// Default `token.max_amount` of a card mandate, in paise: ₹15,000, the RBI ceiling for
/// recurring card debits without an additional authentication (unverified at Razorpay).
pub const DEFAULT_MANDATE_MAX_AMOUNT: i64 = 1_500_000;

/// Default `token.frequency` of a card mandate: charges of any schedule (unverified).
pub const DEFAULT_MANDATE_FREQUENCY: &str = "as_presented";

/// Razorpay credentials and settings.
///
/// **Razorpay takes no idempotency key.** Orders, payments and refunds sent twice are created
/// twice; the idempotency key of a call is not sent to Razorpay and protects nothing there.
/// The client therefore never resends a Razorpay write, and errors of calls that may have acted
/// carry the Razorpay ids to look up before retrying by hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RazorpayConfig {
    /// Key id (`rzp_test_...` or `rzp_live_...`).
    pub key_id: String,
    /// Key secret.
    pub key_secret: Secret<String>,
    /// Webhook secrets accepted when verifying `X-Razorpay-Signature`. During a rotation, list
    /// the new secret and the old one.
    #[serde(default)]
    pub webhook_secrets: Vec<Secret<String>>,
    /// The most a later charge of a card mandate may take, in paise (`token.max_amount` of the
    /// setup order). Default 1500000 (₹15,000).
    #[serde(default)]
    pub mandate_max_amount: Option<i64>,
    /// The charge frequency of card mandates (`token.frequency`). Default `as_presented`.
    #[serde(default)]
    pub mandate_frequency: Option<String>,
    /// Replay protection for webhooks: when set, an event whose `created_at` (Unix seconds, in
    /// the signed body) is more than this many seconds away from now is rejected
    /// (`webhook_verification_failed`), and so is an event without a `created_at`. Razorpay
    /// retries a failed delivery with the event's original `created_at` (hourly for 24 hours
    /// per its webhook docs), so a window shorter than that refuses late retries. Default: no
    /// freshness check.
    #[serde(default)]
    pub webhook_tolerance_seconds: Option<u64>,
}

impl RazorpayConfig {
    pub fn new(key_id: impl Into<String>, key_secret: impl Into<String>) -> RazorpayConfig {
        RazorpayConfig {
            key_id: key_id.into(),
            key_secret: Secret::new(key_secret.into()),
            webhook_secrets: Vec::new(),
            mandate_max_amount: None,
            mandate_frequency: None,
            webhook_tolerance_seconds: None,
        }
    }

    /// Rejects webhooks whose `created_at` is more than `seconds` away from now.
    pub fn webhook_tolerance_seconds(mut self, seconds: u64) -> RazorpayConfig {
        self.webhook_tolerance_seconds = Some(seconds);
        self
    }

    /// Adds a webhook secret (call twice during a rotation).
    pub fn webhook_secret(mut self, secret: impl Into<String>) -> RazorpayConfig {
        self.webhook_secrets.push(Secret::new(secret.into()));
        self
    }
}

const NO_VOID: &str =
    "Razorpay has no API to cancel an authorization; an authorization that is not \
                       captured within 5 days is voided and refunded to the customer automatically";

/// How Razorpay supports each flow. Every write (authorize, capture, refund, setup_mandate,
/// create_order, the dispute flows) is synchronous but **not idempotent**: Razorpay takes no
/// idempotency key, so a repeated call acts again.
pub fn support(flow: Flow) -> Support {
    match flow {
        Flow::Void => Support::Unsupported(NO_VOID),
        Flow::Authorize
        | Flow::Psync
        | Flow::Capture
        | Flow::Refund
        | Flow::Rsync
        | Flow::SetupMandate
        | Flow::CreateOrder
        | Flow::AcceptDispute
        | Flow::SubmitEvidence
        | Flow::DefendDispute
        | Flow::Webhook => Support::Synchronous,
    }
}

/// The Razorpay connector. Everything per-client (the auth header, the URLs) is computed once
/// in [`Razorpay::new`].
pub struct Razorpay {
    key_secret: Secret<String>,
    /// `Basic base64(key_id:key_secret)`.
    authorization: Secret<String>,
    webhook_secrets: Vec<Secret<String>>,
    webhook_tolerance_seconds: Option<u64>,
    mandate_max_amount: i64,
    mandate_frequency: String,
    urls: Urls,
}

/// The fixed URLs, and the base for those with an id in the path.
struct Urls {
    base: String,
    orders: String,
    customers: String,
    documents: String,
    payment_create_json: String,
    payment_create_recurring: String,
}

impl Urls {
    fn new(base: String) -> Urls {
        Urls {
            orders: join_url(&base, "/v1/orders"),
            customers: join_url(&base, "/v1/customers"),
            documents: join_url(&base, "/v1/documents"),
            payment_create_json: join_url(&base, "/v1/payments/create/json"),
            payment_create_recurring: join_url(&base, "/v1/payments/create/recurring"),
            base,
        }
    }
}

impl fmt::Debug for Razorpay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Razorpay")
            .field("base_url", &self.urls.base)
            .field("webhook_secrets", &self.webhook_secrets.len())
            .finish_non_exhaustive()
    }
}

impl Razorpay {
    pub fn new(config: &RazorpayConfig, endpoint: &Endpoint) -> Result<Razorpay> {
        let key_id = config.key_id.trim();
        if key_id.is_empty() {
            return Err(Error::configuration("razorpay key_id must not be empty"));
        }
        if key_id.contains(':') || !key_id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::configuration(
                "razorpay key_id must be printable ASCII without `:` or spaces",
            ));
        }
        if config.key_secret.expose().is_empty() {
            return Err(Error::configuration(
                "razorpay key_secret must not be empty",
            ));
        }
        if config.webhook_secrets.iter().any(|s| s.expose().is_empty()) {
            return Err(Error::configuration(
                "razorpay webhook_secrets must not contain an empty secret",
            ));
        }
        let mandate_max_amount = config
            .mandate_max_amount
            .unwrap_or(DEFAULT_MANDATE_MAX_AMOUNT);
        if mandate_max_amount <= 0 {
            return Err(Error::configuration(
                "razorpay mandate_max_amount must be positive",
            ));
        }
        let mandate_frequency = config
            .mandate_frequency
            .clone()
            .unwrap_or_else(|| DEFAULT_MANDATE_FREQUENCY.to_string());
        if mandate_frequency.trim().is_empty() {
            return Err(Error::configuration(
                "razorpay mandate_frequency must not be empty",
            ));
        }
        let credentials = format!("{key_id}:{}", config.key_secret.expose());
        let authorization = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(credentials)
        );
        Ok(Razorpay {
            key_secret: config.key_secret.clone(),
            authorization: Secret::new(authorization),
            webhook_secrets: config.webhook_secrets.clone(),
            webhook_tolerance_seconds: config.webhook_tolerance_seconds,
            mandate_max_amount,
            mandate_frequency,
            urls: Urls::new(endpoint.base_or(BASE_URL)),
        })
    }

    /// A request with the auth header. POSTs and PATCHes are not retry-safe: Razorpay has no
    /// idempotency header, so a resend could act twice.
    fn request(&self, method: HttpMethod, url: String) -> HttpRequest {
        HttpRequest::new(method, url)
            .header("Authorization", self.authorization.expose().as_str())
            .header("Accept", "application/json")
            .retry_safe(method == HttpMethod::Get)
    }

    fn get(&self, url: String) -> HttpRequest {
        self.request(HttpMethod::Get, url)
    }

    fn post_json(&self, url: String, body: &serde_json::Value) -> HttpRequest {
        self.request(HttpMethod::Post, url).json_body(body)
    }

    /// `{base}/v1/{collection}/{id}{suffix}`, with `id` checked to be a plain Razorpay id so it
    /// cannot change the path.
    fn id_url(&self, collection: &str, field: &str, id: &str, suffix: &str) -> Result<String> {
        let id = checked_id(field, id)?;
        Ok(join_url(
            &self.urls.base,
            &format!("/v1/{collection}/{id}{suffix}"),
        ))
    }
}

/// Razorpay's limit on a `receipt` (orders and refunds).
const RECEIPT_MAX_CHARS: usize = 40;

/// The largest page Razorpay lists (`count`, Razorpay API reference, "Fetch All Orders").
const LIST_MAX: usize = 100;

/// Your reference as a Razorpay `receipt` of an `entity` (trimmed, at most 40 characters).
fn receipt<'a>(reference: &'a str, field: &str, entity: &str) -> Result<&'a str> {
    let receipt = reference.trim();
    if receipt.chars().count() > RECEIPT_MAX_CHARS {
        return Err(Error::invalid_request(
            field,
            format!(
                "becomes the Razorpay {entity} receipt, which takes at most {RECEIPT_MAX_CHARS} characters"
            ),
        ));
    }
    Ok(receipt)
}

/// Checks an id goes into a URL path unchanged: Razorpay ids are `prefix_` plus letters and
/// digits.
fn checked_id<'a>(field: &str, id: &'a str) -> Result<&'a str> {
    let id = id.trim();
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Error::invalid_request(
            field,
            "is not a Razorpay id (letters, digits and `_` only)",
        ));
    }
    Ok(id)
}

/// An amount on the wire: integer sub-units. Razorpay's handling of zero-, three- and
/// four-decimal currencies is not documented (Razorpay docs, "Currencies"), so only two-decimal currencies pass:
/// sending JPY 1000 as `1000` could charge JPY 10 or JPY 1000.
fn wire_amount(money: &Money, field: &str) -> Result<i64> {
    if money.currency.iso_exponent() != 2 {
        return Err(Error::invalid_request(
            format!("{field}.currency"),
            format!(
                "{} has {} decimals; Razorpay's handling of currencies without exactly 2 decimals is \
                 unverified, so only 2-decimal currencies (such as INR) are accepted",
                money.currency,
                money.currency.iso_exponent()
            ),
        ));
    }
    Ok(money.minor_units)
}

/// A wire amount back into [`Money`], when the currency is known and has 2 decimals. A missing
/// amount is `None`; an amount that is not a non-negative integer is an error (its message).
fn money_from_wire(
    amount: &wire::Amount,
    currency: Option<&str>,
) -> std::result::Result<Option<Money>, String> {
    let minor = match amount {
        wire::Amount::Missing => return Ok(None),
        wire::Amount::Valid(n) => *n,
        wire::Amount::Invalid(raw) => {
            return Err(format!(
                "Razorpay's amount `{}` is not a non-negative integer number of subunits",
                crate::mask::mask_text(raw)
            ))
        }
    };
    let currency = match currency.map(str::trim).map(Currency::new) {
        Some(Ok(c)) if c.iso_exponent() == 2 => c,
        _ => return Ok(None),
    };
    Ok(Some(Money::new(minor, currency)))
}

/// [`money_from_wire`] for an answer: a broken amount is `invalid_response`.
fn response_money(
    response: &HttpResponse,
    amount: &wire::Amount,
    currency: Option<&str>,
) -> Result<Option<Money>> {
    money_from_wire(amount, currency).map_err(|m| invalid_response(response, m))
}

/// The JSON body of a 2xx answer, or `invalid_response` (with the Razorpay ids the body names).
fn parse_success<T: DeserializeOwned>(response: &HttpResponse, what: &str) -> Result<T> {
    let body = response.body.as_slice();
    serde_json::from_slice(body)
        .or_else(|e| {
            // A key given twice (Razorpay's published refund answer repeats `receipt`) fails
            // the typed read; read as a JSON value, the last one counts, as in most parsers.
            let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| e)?;
            serde_json::from_value(value)
        })
        .map_err(|_| {
            invalid_response(
                response,
                format!(
                    "Razorpay answered HTTP {} with a body that is not a valid {what}",
                    response.status
                ),
            )
        })
}

/// An `invalid_response` error about a 2xx answer. The outcome of the call is unknown, so the
/// error carries the Razorpay ids the body names, if any, to reconcile with.
fn invalid_response(response: &HttpResponse, message: impl Into<String>) -> Error {
    let mut e = Error::invalid_response(message);
    e.http_status = Some(response.status);
    with_ids(
        e.with_request_id(response.request_id()),
        &ids_in_body(response.body.as_slice()),
    )
}

/// Records `id` in its slot of `refs`, told by Razorpay's id prefix (`order_`, `pay_`,
/// `rfnd_`), unless the slot is taken; an id that is not a plain Razorpay id is ignored.
fn add_id(refs: &mut References, id: Option<&str>) {
    let Some(id) = id.map(str::trim) else { return };
    if checked_id("id", id).is_err() {
        return;
    }
    let slot = if id.starts_with("order_") {
        &mut refs.order_id
    } else if id.starts_with("pay_") {
        &mut refs.transaction_id
    } else if id.starts_with("rfnd_") {
        &mut refs.refund_id
    } else {
        return;
    };
    slot.get_or_insert_with(|| id.to_string());
}

/// The ids a Razorpay answer names, read leniently from any JSON body: an entity's `id`,
/// `order_id` and `payment_id`, the `razorpay_*_id` fields of a payment creation answer, and
/// an error's `metadata`. Anything unreadable is simply not there.
fn ids_in_body(body: &[u8]) -> References {
    let mut refs = References::default();
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(body) else {
        return refs;
    };
    let text = |m: &serde_json::Map<String, serde_json::Value>, k: &str| {
        m.get(k).and_then(|v| v.as_str()).map(str::to_string)
    };
    for key in [
        "id",
        "razorpay_payment_id",
        "razorpay_order_id",
        "payment_id",
        "order_id",
    ] {
        add_id(&mut refs, text(&map, key).as_deref());
    }
    if let Some(serde_json::Value::Object(meta)) = map.get("error").and_then(|e| e.get("metadata"))
    {
        for key in ["payment_id", "order_id"] {
            add_id(&mut refs, text(meta, key).as_deref());
        }
    }
    refs
}

/// Records `refs` on an error (ids already on it are kept).
fn with_ids(e: Error, refs: &References) -> Error {
    e.with_references(
        refs.order_id.as_deref(),
        refs.transaction_id.as_deref(),
        refs.refund_id.as_deref(),
    )
}

/// Lowercase-hex HMAC-SHA256.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Result<[u8; 32]> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key).map_err(|_| Error::internal("HMAC key rejected"))?;
    mac.update(message);
    let bytes = mac.finalize().into_bytes();
    let mut out = [0u8; 32];
    out.copy_from_slice(bytes.as_slice());
    Ok(out)
}

/// Whether `signature_hex` is the hex HMAC-SHA256 of `message` under `key`, compared in
/// constant time. A malformed signature (not 64 hex digits) is simply "no".
fn hmac_matches(key: &[u8], message: &[u8], signature_hex: &str) -> Result<bool> {
    let provided = match decode_signature(signature_hex) {
        Some(p) => p,
        None => return Ok(false),
    };
    let expected = hmac_sha256(key, message)?;
    Ok(bool::from(expected.ct_eq(&provided)))
}

/// 64 hex digits into 32 bytes.
fn decode_signature(signature_hex: &str) -> Option<[u8; 32]> {
    let s = signature_hex.trim();
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// Razorpay deduplicates no write, so a `timeout` answer (HTTP 408) to a write is never marked
/// retryable: its outcome is unknown, and resending could act twice. (Attribution of the
/// connector and flow is the driver tail's, `crate::call::Call`.)
fn tagged<T>(flow: Flow, result: Result<Step<T>>) -> Result<Step<T>> {
    result.map_err(|mut e| {
        if e.code == ErrorCode::Timeout && !matches!(flow, Flow::Psync | Flow::Rsync) {
            e.retryable = false;
        }
        e
    })
}

impl Connector for Razorpay {
    fn name(&self) -> ConnectorName {
        ConnectorName::Razorpay
    }

    /// The Razorpay ids a call may already have acted on, known before its next request is
    /// sent: those the request names (the order of an authorize, the payment of a capture or a
    /// refund, the refund of an RSync) and those of the answers received so far (the order a
    /// two-step authorize, mandate charge or setup_mandate created first).
    ///
    /// For a driver: when sending step `responses.len()` of `request` fails in transport
    /// (timeout, connection reset after sending), the request may have acted; record these ids
    /// on the error (`Error::with_references`) so the caller looks them up before retrying.
    /// Razorpay deduplicates nothing, so a blind retry can create a second order or payment.
    fn references(
        &self,
        request: &crate::connector::FlowRequest,
        responses: &[HttpResponse],
    ) -> References {
        use crate::connector::FlowRequest as R;
        let mut refs = References::default();
        match request {
            R::Authorize(r) => add_id(&mut refs, r.connector_order_id.as_deref()),
            R::SetupMandate(r) => add_id(&mut refs, r.connector_order_id.as_deref()),
            R::GetPayment(r) => {
                add_id(&mut refs, r.connector_transaction_id.as_deref());
                add_id(&mut refs, r.connector_order_id.as_deref());
            }
            R::Capture(r) => add_id(&mut refs, Some(&r.connector_transaction_id)),
            R::Void(r) => add_id(&mut refs, Some(&r.connector_transaction_id)),
            R::Refund(r) => add_id(&mut refs, Some(&r.connector_transaction_id)),
            R::GetRefund(r) => {
                add_id(&mut refs, r.connector_refund_id.as_deref());
                add_id(&mut refs, r.connector_transaction_id.as_deref());
            }
            R::CreateOrder(_)
            | R::AcceptDispute(_)
            | R::SubmitEvidence(_)
            | R::DefendDispute(_) => {}
        }
        responses
            .iter()
            .filter(|r| r.is_success())
            .fold(refs, |refs, r| refs.or(ids_in_body(r.body.as_slice())))
    }

    fn support(&self, flow: Flow) -> Support {
        support(flow)
    }

    fn authorize(
        &self,
        req: &AuthorizeRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        tagged(Flow::Authorize, payments::authorize(self, req, responses))
    }

    fn get_payment(
        &self,
        req: &PaymentGetRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        tagged(Flow::Psync, payments::get_payment(self, req, responses))
    }

    fn capture(
        &self,
        req: &CaptureRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        tagged(Flow::Capture, payments::capture(self, req, responses))
    }

    fn refund(
        &self,
        req: &RefundRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        tagged(Flow::Refund, refunds::refund(self, req, cx, responses))
    }

    fn get_refund(
        &self,
        req: &RefundGetRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        tagged(Flow::Rsync, refunds::get_refund(self, req, responses))
    }

    fn setup_mandate(
        &self,
        req: &SetupMandateRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        tagged(
            Flow::SetupMandate,
            payments::setup_mandate(self, req, responses),
        )
    }

    fn create_order(
        &self,
        req: &CreateOrderRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<OrderResponse>> {
        tagged(
            Flow::CreateOrder,
            orders::create_order(self, req, responses),
        )
    }

    fn accept_dispute(
        &self,
        req: &AcceptDisputeRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        tagged(Flow::AcceptDispute, disputes::accept(self, req, responses))
    }

    fn submit_evidence(
        &self,
        req: &SubmitEvidenceRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        tagged(
            Flow::SubmitEvidence,
            disputes::submit_evidence(self, req, responses),
        )
    }

    fn defend_dispute(
        &self,
        req: &DefendDisputeRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        tagged(Flow::DefendDispute, disputes::defend(self, req, responses))
    }

    fn handle_webhook(&self, req: &WebhookRequest) -> Result<WebhookNotification> {
        webhooks::handle(self, req)
    }
}
