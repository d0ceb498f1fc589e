//! Xendit: Payment Requests API (`/payment_requests`, without the `/v3` prefix), refunds
//! (`/refunds`) and callbacks.
//!
//! Read top to bottom:
//! * this file: configuration, the support table, the connector (auth header, URLs and
//!   callback tokens prepared once at construction) and the [`Connector`] implementation,
//!   which only wires each flow to the builder and parser of its file;
//! * `amounts.rs`: major-unit JSON numbers, whole rupiah for IDR;
//! * `payments.rs`: authorize, setup_mandate ("pay and save"), PSync and capture, and the
//!   next action from `actions[]`;
//! * `ewallets.rs`: e-wallet channels (redirect, deep link, QR, or push approval);
//! * `refunds.rs`: refund and RSync;
//! * `webhooks.rs`: `X-CALLBACK-TOKEN` verification and the event mapping;
//! * `errors.rs`: the `{"error_code", "message"}` error body into unified errors;
//! * `wire.rs`: the lenient wire shapes;
//! * `tests/`: unit tests over every example payload.
//!
//! What sets Xendit apart, and how this connector handles it:
//! * **One host** (`https://api.xendit.co`) for test and live: the secret key decides the
//!   mode. Authentication is HTTP Basic with the secret key as the user name and an empty
//!   password.
//! * **Amounts** are JSON numbers in major units; IDR is taken in whole rupiah, so an IDR
//!   amount that is not a multiple of 100 minor units is rejected before sending.
//! * **Declines are results**: a payment request answered 2xx with `status: "FAILED"` is a
//!   `failure` with the `failure_code` (an HTTP 400 `CARD_EXPIRED` on creation too).
//! * **E-wallets** (OVO, DANA, GCASH, SHOPEEPAY, ...) go through the same endpoint: redirect
//!   channels answer with a page, deep link or QR code, push channels (OVO, Jenius Pay) with
//!   `PENDING`, which is `authentication_pending` with an `await` next action. Other payment
//!   methods are the typed `unsupported` error, before anything is sent.
//! * **3-D Secure** comes back as `REQUIRES_ACTION` with an `AUTH` item in `actions[]`, which
//!   becomes a redirect; the outcome arrives by PSync or a callback.
//! * **Capture mode**: `SUCCEEDED` is `charged` for automatic capture and `authorized` for
//!   manual capture (Xendit's own mapping table for the Payment Requests API);
//!   `AWAITING_CAPTURE` is `authorized`. The answer's `capture_method` decides, else the
//!   request's.
//! * **Idempotency**: payment requests and refunds carry the operation's key in the
//!   `idempotency-key` header, which Xendit deduplicates on (a replay with the same body
//!   returns the first answer), so they are retry-safe. Captures take no idempotency key and
//!   are not retry-safe. PSync and RSync also find a payment or refund by your reference
//!   (`GET /payment_requests?reference_id=`, `GET /refunds?payment_request_id=`).
//! * **No void** in this API generation (cancelling exists only in the v3 API), no dispute
//!   API (chargebacks are handled in the Xendit Dashboard) and no orders.
//! * **Callbacks** are verified by a static token header, not a signature.

use std::fmt;

use base64::Engine;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::connector::{single_exchange, Connector, Support};
use crate::connectors::{join_url, Endpoint};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::secret::Secret;
use crate::types::*;

mod amounts;
mod errors;
mod ewallets;
mod payments;
mod refunds;
mod webhooks;
mod wire;

#[cfg(test)]
mod tests;

pub use amounts::xendit_exponent;

/// The one Xendit host, for test and live keys alike.
pub const BASE_URL: &str = "https://api.xendit.co";

/// Xendit credentials and settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct XenditConfig {
    /// Secret API key (`xnd_development_...` or `xnd_production_...`).
    pub secret_key: Secret<String>,
    /// Callback verification tokens accepted in `X-CALLBACK-TOKEN` (Dashboard → Settings →
    /// Callbacks). During a rotation, list the new token and the old one.
    #[serde(default)]
    pub callback_tokens: Vec<Secret<String>>,
}

impl XenditConfig {
    pub fn new(secret_key: impl Into<String>) -> XenditConfig {
        XenditConfig {
            secret_key: Secret::new(secret_key.into()),
            callback_tokens: Vec::new(),
        }
    }

    /// Adds a callback verification token (call twice during a rotation).
    pub fn callback_token(mut self, token: impl Into<String>) -> XenditConfig {
        self.callback_tokens.push(Secret::new(token.into()));
        self
    }
}

/// Why void is unsupported.
pub(crate) const VOID_UNSUPPORTED: &str =
    "Xendit's Payment Requests API has no cancel or void endpoint (cancelling an authorized \
     payment exists only in the v3 Payments API, POST /v3/payments/{id}/cancel); refund the \
     payment once captured instead";

/// Why the dispute flows are unsupported.
pub(crate) const DISPUTES_UNSUPPORTED: &str =
    "Xendit has no dispute API: chargebacks are handled in the Xendit Dashboard";

/// Why CreateOrder is unsupported.
pub(crate) const CREATE_ORDER_UNSUPPORTED: &str =
    "Xendit card payments need no order: authorize directly (Payment Sessions are a \
     different concept)";

/// How Xendit supports each flow.
pub fn support(flow: Flow) -> Support {
    match flow {
        Flow::Authorize
        | Flow::Psync
        | Flow::Capture
        | Flow::Refund
        | Flow::Rsync
        | Flow::SetupMandate
        | Flow::Webhook => Support::Synchronous,
        Flow::Void => Support::Unsupported(VOID_UNSUPPORTED),
        Flow::CreateOrder => Support::Unsupported(CREATE_ORDER_UNSUPPORTED),
        Flow::AcceptDispute | Flow::SubmitEvidence | Flow::DefendDispute => {
            Support::Unsupported(DISPUTES_UNSUPPORTED)
        }
    }
}

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The Xendit connector. Everything per-client (the auth header, the URLs, the callback token
/// digests) is prepared by [`Xendit::new`].
pub struct Xendit {
    /// `Basic base64(secret_key + ":")`.
    authorization: Secret<String>,
    /// SHA-256 of each accepted callback token.
    callback_token_digests: Vec<Secret<[u8; 32]>>,
    urls: Urls,
}

/// The fixed URLs, and the base for those with an id in the path.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Urls {
    payment_requests: String,
    refunds: String,
}

impl Urls {
    fn new(base: &str) -> Urls {
        Urls {
            payment_requests: join_url(base, "/payment_requests"),
            refunds: join_url(base, "/refunds"),
        }
    }

    /// `{collection}?{filter}={value}&limit=100` (the largest page), the value percent-encoded.
    fn list(collection: &str, filter: &str, value: &str) -> Result<String> {
        let value = value.trim();
        if value.is_empty() {
            return Err(Error::invalid_request(filter, "must not be empty"));
        }
        Ok(format!(
            "{collection}?{filter}={}&limit=100",
            utf8_percent_encode(value, NON_ALPHANUMERIC)
        ))
    }

    /// `{collection}/{id}{suffix}`, with the id percent-encoded so it cannot change the path.
    fn item(collection: &str, field: &str, id: &str, suffix: &str) -> Result<String> {
        let id = id.trim();
        if id.is_empty() {
            return Err(Error::invalid_request(field, "must not be empty"));
        }
        Ok(format!(
            "{collection}/{}{suffix}",
            utf8_percent_encode(id, PATH_SEGMENT)
        ))
    }
}

impl fmt::Debug for Xendit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Xendit")
            .field("payment_requests_url", &self.urls.payment_requests)
            .field("callback_tokens", &self.callback_token_digests.len())
            .finish_non_exhaustive()
    }
}

impl Xendit {
    /// Validates the configuration and prepares every per-client value. Fails with a
    /// `configuration` error for an empty or malformed secret key, or an empty callback
    /// token.
    pub fn new(config: &XenditConfig, endpoint: &Endpoint) -> Result<Xendit> {
        let key = config.secret_key.expose();
        if key.trim().is_empty() {
            return Err(Error::configuration("Xendit secret_key must not be empty"));
        }
        if key.contains(':') || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::configuration(
                "Xendit secret_key must be printable ASCII without `:` or spaces",
            ));
        }
        if config.callback_tokens.iter().any(|t| t.expose().is_empty()) {
            return Err(Error::configuration(
                "Xendit callback_tokens must not contain an empty token",
            ));
        }
        let authorization = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
        );
        Ok(Xendit {
            authorization: Secret::new(authorization),
            callback_token_digests: config
                .callback_tokens
                .iter()
                .map(|t| Secret::new(webhooks::token_digest(t.expose().as_bytes())))
                .collect(),
            urls: Urls::new(&endpoint.base_or(BASE_URL)),
        })
    }

    /// A request with the auth header; retry-safe only when it reads.
    fn request(&self, method: HttpMethod, url: String) -> HttpRequest {
        HttpRequest::new(method, url)
            .header("Authorization", self.authorization.expose().as_str())
            .header("Accept", "application/json")
            .retry_safe(method == HttpMethod::Get)
    }

    /// A create (`POST /payment_requests`, `POST /refunds`) with the operation's
    /// `idempotency-key`: Xendit replays the first answer for a repeated key, so resending is
    /// safe.
    fn create(&self, url: String, body: &Value, cx: &FlowContext) -> Result<HttpRequest> {
        let key = cx.idempotency_key.as_str();
        if key.is_empty() || key.len() > 64 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid_request(
                "idempotency_key",
                "Xendit takes an idempotency-key of 1 to 64 printable characters",
            ));
        }
        Ok(self
            .request(HttpMethod::Post, url)
            .header("idempotency-key", key)
            .json_body(body)
            .retry_safe(true))
    }

    fn payment_request_url(&self, id: &str, suffix: &str) -> Result<String> {
        Urls::item(
            &self.urls.payment_requests,
            "connector_transaction_id",
            id,
            suffix,
        )
    }
}

/// The item of a list answer (`{"data": [...], "has_more"}`, newest first) that `rank` ranks
/// highest (`None`: not wanted; the newest on a tie), as an answer of its own (the list's status and headers, the item as body), for the
/// one-object parsers. `not_found` when none: nothing was made under that reference.
fn list_item(
    response: &HttpResponse,
    what: &str,
    rank: impl Fn(&Value) -> Option<u8>,
) -> Result<HttpResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let list: Value = errors::parse_success(response, &format!("{what} list"))?;
    let Some(items) = list.get("data").and_then(Value::as_array) else {
        return Err(errors::invalid_response(
            response,
            format!("Xendit's {what} list has no `data` array"),
        ));
    };
    let best = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| Some((rank(item)?, std::cmp::Reverse(i), item)))
        .max_by_key(|(rank, i, _)| (*rank, *i))
        .map(|(_, _, item)| item);
    let Some(item) = best else {
        let mut e = Error::new(
            ErrorCode::NotFound,
            format!("Xendit lists no {what} with that reference_id"),
        );
        e.http_status = Some(response.status);
        return Err(e.with_request_id(response.request_id()));
    };
    Ok(HttpResponse {
        status: response.status,
        headers: response.headers.clone(),
        body: serde_json::to_vec(item).unwrap_or_default().into(),
    })
}

impl Connector for Xendit {
    fn name(&self) -> ConnectorName {
        ConnectorName::Xendit
    }

    fn support(&self, flow: Flow) -> Support {
        support(flow)
    }

    fn authorize(
        &self,
        req: &AuthorizeRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        single_exchange(
            responses,
            || {
                let body = self.authorize_body(req)?;
                self.create(self.urls.payment_requests.clone(), &body, cx)
            },
            |r| {
                let channel = match &req.payment_method {
                    PaymentMethod::Ewallet(wallet) => Some(wallet.provider.trim()),
                    _ => None,
                };
                payments::parse_payment_request(r, Some(req.capture_method), channel, true)
            },
        )
    }

    fn get_payment(
        &self,
        req: &PaymentGetRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        if let (None, Some(reference)) = (&req.connector_transaction_id, &req.merchant_reference) {
            // By your reference (`reference_id`): a payment whose call returned no id.
            return single_exchange(
                responses,
                || {
                    let url = Urls::list(&self.urls.payment_requests, "reference_id", reference)?;
                    Ok(self.request(HttpMethod::Get, url))
                },
                |r| {
                    // Of the payment requests under the reference, one that did not fail.
                    let item = list_item(r, "payment request", |item| {
                        (item["reference_id"].as_str() == Some(reference.trim())).then(
                            || match item["status"].as_str() {
                                Some("FAILED" | "CANCELED" | "CANCELLED" | "EXPIRED") => 0,
                                _ => 1,
                            },
                        )
                    })?;
                    payments::parse_payment_request(&item, req.capture_method, None, false)
                },
            );
        }
        single_exchange(
            responses,
            || {
                let id = req.connector_transaction_id.as_deref().ok_or_else(|| {
                    Error::invalid_request(
                        "connector_transaction_id",
                        "Xendit looks a payment up by its payment request id (pr-...)",
                    )
                })?;
                Ok(self.request(HttpMethod::Get, self.payment_request_url(id, "")?))
            },
            |r| {
                let mut payment =
                    payments::parse_payment_request(r, req.capture_method, None, false)?;
                if payment.connector_transaction_id.is_none() {
                    payment.connector_transaction_id = req.connector_transaction_id.clone();
                }
                Ok(payment)
            },
        )
    }

    fn capture(
        &self,
        req: &CaptureRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        single_exchange(
            responses,
            || {
                let url = self.payment_request_url(&req.connector_transaction_id, "/captures")?;
                // Xendit documents no idempotency key for captures: a resend could capture
                // twice, so the request is not retry-safe.
                Ok(self
                    .request(HttpMethod::Post, url)
                    .json_body(&payments::capture_body(req)?)
                    .retry_safe(false))
            },
            |r| payments::parse_capture(r, req),
        )
    }

    fn refund(
        &self,
        req: &RefundRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        single_exchange(
            responses,
            || self.create(self.urls.refunds.clone(), &refunds::refund_body(req)?, cx),
            |r| refunds::parse_refund(r, Some(&req.connector_transaction_id)),
        )
    }

    fn get_refund(
        &self,
        req: &RefundGetRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        if let (None, Some(reference)) = (&req.connector_refund_id, &req.merchant_refund_reference)
        {
            // By your reference (`reference_id`) among the payment's refunds.
            let payment = req.connector_transaction_id.as_deref().ok_or_else(|| {
                Error::invalid_request(
                    "connector_transaction_id",
                    "is required with merchant_refund_reference: Xendit lists refunds by payment request",
                )
            })?;
            return single_exchange(
                responses,
                || {
                    let url = Urls::list(&self.urls.refunds, "payment_request_id", payment)?;
                    Ok(self.request(HttpMethod::Get, url))
                },
                |r| {
                    let item = list_item(r, "refund", |item| {
                        (item["reference_id"].as_str() == Some(reference.trim())).then_some(0)
                    })?;
                    refunds::parse_refund(&item, Some(payment))
                },
            );
        }
        single_exchange(
            responses,
            || {
                let url = Urls::item(
                    &self.urls.refunds,
                    "connector_refund_id",
                    req.required_refund_id(ConnectorName::Xendit)?,
                    "",
                )?;
                Ok(self.request(HttpMethod::Get, url))
            },
            |r| refunds::parse_refund(r, req.connector_transaction_id.as_deref()),
        )
    }

    fn setup_mandate(
        &self,
        req: &SetupMandateRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        single_exchange(
            responses,
            || {
                let body = self.setup_mandate_body(req)?;
                self.create(self.urls.payment_requests.clone(), &body, cx)
            },
            |r| payments::parse_payment_request(r, Some(CaptureMethod::Automatic), None, true),
        )
    }

    // void, create_order and the dispute flows keep the trait's default: the typed
    // `unsupported` error with the reason from `support`.

    fn handle_webhook(&self, req: &WebhookRequest) -> Result<WebhookNotification> {
        self.handle_callback(req)
    }
}
