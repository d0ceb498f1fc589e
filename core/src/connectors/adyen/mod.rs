//! Adyen: Checkout API v68, Disputes API v30, standard webhooks.
//!
//! Read top to bottom:
//! * this file: configuration, the support table, the connector (URLs, headers and keys
//!   prepared once at construction) and the [`Connector`] implementation, which only wires
//!   each flow to a function of a flow-family file;
//! * `wire.rs`: the typed request bodies and the typed, lenient answers and notifications;
//! * `amounts.rs`: Adyen's own currency exponent table and exact conversions;
//! * `payments.rs`: authorize, setup_mandate and `/payments/details` (PSync): request bodies
//!   and the `resultCode` / `action` / refusal mapping;
//! * `modifications.rs`: capture, cancel (void) and refund, which Adyen answers with
//!   `201 received` (the outcome arrives by webhook);
//! * `disputes.rs`: DisputeService v30 `acceptDispute`, `supplyDefenseDocument`,
//!   `defendDispute`;
//! * `webhooks.rs`: HMAC verification of every notification item and the event mapping;
//! * `errors.rs`: the `ServiceError` shape of non-2xx answers and unreadable answers;
//! * `tests/`: unit tests over Adyen's published example payloads, one file per source file.
//!
//! What sets Adyen apart, and how this connector handles it:
//! * **Endpoints.** Sandbox: `https://checkout-test.adyen.com/v68/...` and
//!   `https://ca-test.adyen.com/ca/services/DisputeService/v30/...`. Live:
//!   `https://{live_endpoint_prefix}-checkout-live.adyenpayments.com/checkout/v68/...` and
//!   `https://ca-live.adyen.com/ca/services/DisputeService/v30/...` (the Adyen libraries'
//!   `-test` → `-live` rule). A `base_url` override replaces both hosts (the prefix is then
//!   not needed).
//! * **Every business outcome is HTTP 200** with a `resultCode`, declines included: a
//!   `Refused` is a `failure` result with [`DeclineDetails`], never an error. A success
//!   (`Authorised`) must name the payment (`pspReference`), or it is `invalid_response`; a
//!   `resultCode` added after v68 is `pending` with the raw code when the answer names the
//!   payment (the webhook brings the outcome), `invalid_response` otherwise.
//! * **No status endpoint.** PSync works only with the parameters the shopper's return URL
//!   received (`redirectResult`, `threeDSResult`, `payload`); without them it fails with a
//!   typed `unsupported` error and no HTTP call. RSync is unsupported: refund outcomes arrive
//!   by webhook.
//! * **Capture mode.** `Authorised` is `authorized` for manual capture and `charged` for
//!   automatic capture; `PartiallyAuthorised` is `authorized` (manual) or `partial_charged`
//!   (automatic). A mandate setup never asks for manual capture, so its `Authorised` is
//!   `charged` (a zero-value setup charges nothing).
//! * **Idempotency.** Every request carries `Idempotency-Key` (Adyen docs, "API idempotency"):
//!   Adyen answers a replayed key with the first response, so every request is retry-safe.
//!   Errors of calls that may have had an effect (a 2xx that cannot be read, a 5xx) carry the
//!   processor ids known so far (`Error::with_references`).
//! * **Webhooks.** Bodies over [`webhooks::MAX_WEBHOOK_BODY_BYTES`] are rejected unread; each
//!   item's HMAC is verified before the next item is read, and no event is built unless every
//!   item verified. The signature covers only `pspReference`, `originalReference`,
//!   `merchantAccountCode`, `merchantReference`, `amount.value`, `amount.currency`, `eventCode`
//!   and `success` (Adyen docs, "Verify HMAC signatures"). The other values (`disputeStatus`,
//!   `reason`, `eventDate`, token ids and every other `additionalData` key) are unsigned: they
//!   are reported as information and never enter an event's deduplication id, which is built
//!   from signed fields only. An `AUTHORISATION` notification does not say how the payment is
//!   captured, so a successful one is reported as `authorized`; the request's capture mode
//!   tells the caller whether that means the funds are being captured.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::Environment;
use crate::connector::{Connector, Support};
use crate::connectors::Endpoint;
use crate::error::{Error, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::secret::Secret;
use crate::types::*;

mod amounts;
mod disputes;
mod errors;
mod modifications;
mod payments;
mod webhooks;
mod wire;

#[cfg(test)]
mod tests;

pub use amounts::adyen_exponent;

/// Adyen credentials and settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdyenConfig {
    /// API key of the web-service user (`X-API-Key`).
    pub api_key: Secret<String>,
    /// The merchant account code.
    pub merchant_account: String,
    /// The live endpoint prefix from the Customer Area (required in the live environment).
    #[serde(default)]
    pub live_endpoint_prefix: Option<String>,
    /// The webhook HMAC key (hex), to verify standard notifications.
    #[serde(default)]
    pub webhook_hmac_key: Option<Secret<String>>,
    /// A separate API key for the Disputes API, when the account uses one.
    #[serde(default)]
    pub dispute_api_key: Option<Secret<String>>,
}

impl AdyenConfig {
    pub fn new(api_key: impl Into<String>, merchant_account: impl Into<String>) -> AdyenConfig {
        AdyenConfig {
            api_key: Secret::new(api_key.into()),
            merchant_account: merchant_account.into(),
            live_endpoint_prefix: None,
            webhook_hmac_key: None,
            dispute_api_key: None,
        }
    }
}

/// Why RSync is unsupported.
pub(crate) const RSYNC_UNSUPPORTED: &str =
    "Adyen has no refund status endpoint; refund outcomes arrive by webhook \
     (REFUND, REFUND_FAILED, REFUNDED_REVERSED) and the refund's pspReference is the refund id";

/// Why CreateOrder is unsupported.
pub(crate) const CREATE_ORDER_UNSUPPORTED: &str =
    "Adyen's /orders creates a gift-card / partial-payment container, not a \
     pre-payment order; card payments need no order, so authorize directly";

/// Why PSync without redirect parameters is unsupported.
pub(crate) const PSYNC_WITHOUT_REDIRECT: &str =
    "Adyen has no payment status endpoint; pass the parameters the return URL \
     received (redirectResult, threeDSResult, payload or returnUrlQueryString) as redirect_result to \
     finish a redirect, otherwise \
     the outcome arrives by webhook (AUTHORISATION, CAPTURE, CANCELLATION)";

/// How Adyen supports each flow.
pub fn support(flow: Flow) -> Support {
    match flow {
        Flow::Authorize | Flow::SetupMandate => Support::Synchronous,
        // Only after a redirect (`/payments/details`), which answers with the final result.
        Flow::Psync => Support::Synchronous,
        // `201 received`: the outcome arrives by webhook.
        Flow::Capture | Flow::Void | Flow::Refund => Support::Asynchronous,
        Flow::Rsync => Support::Unsupported(RSYNC_UNSUPPORTED),
        Flow::CreateOrder => Support::Unsupported(CREATE_ORDER_UNSUPPORTED),
        Flow::AcceptDispute | Flow::SubmitEvidence | Flow::DefendDispute => Support::Synchronous,
        Flow::Webhook => Support::Synchronous,
    }
}

const API_VERSION: &str = "v68";
const SANDBOX_CHECKOUT: &str = "https://checkout-test.adyen.com";
const SANDBOX_DISPUTES_HOST: &str = "https://ca-test.adyen.com";
const LIVE_DISPUTES_HOST: &str = "https://ca-live.adyen.com";
const DISPUTES_PATH: &str = "/ca/services/DisputeService/v30";

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The Adyen connector. Everything per-client (URLs, credentials, the decoded webhook key) is
/// prepared by [`Adyen::new`]; the flow functions only build bodies and parse answers.
pub struct Adyen {
    merchant_account: String,
    api_key: Secret<String>,
    dispute_api_key: Secret<String>,
    /// The hex-decoded webhook HMAC key.
    webhook_hmac_key: Option<Secret<Vec<u8>>>,
    urls: Urls,
}

/// The URLs of every operation, built once.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Urls {
    /// `{checkout host}/v68`; modifications append `/payments/{psp}/...`.
    checkout: String,
    payments: String,
    payment_details: String,
    accept_dispute: String,
    supply_defense_document: String,
    defend_dispute: String,
}

impl Urls {
    fn new(checkout_host: &str, disputes_base: &str) -> Urls {
        let checkout = format!("{}/{API_VERSION}", checkout_host.trim_end_matches('/'));
        let disputes = disputes_base.trim_end_matches('/');
        Urls {
            payments: format!("{checkout}/payments"),
            payment_details: format!("{checkout}/payments/details"),
            accept_dispute: format!("{disputes}/acceptDispute"),
            supply_defense_document: format!("{disputes}/supplyDefenseDocument"),
            defend_dispute: format!("{disputes}/defendDispute"),
            checkout,
        }
    }

    /// `{checkout}/payments/{psp}/{operation}` for captures, cancels and refunds.
    fn modification(&self, payment_psp_reference: &str, operation: &str) -> String {
        format!(
            "{}/payments/{}/{operation}",
            self.checkout,
            utf8_percent_encode(payment_psp_reference, PATH_SEGMENT)
        )
    }
}

impl std::fmt::Debug for Adyen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Adyen")
            .field("merchant_account", &self.merchant_account)
            .field("checkout_url", &self.urls.checkout)
            .field(
                "webhook_hmac_key",
                &self.webhook_hmac_key.as_ref().map(|_| "***"),
            )
            .finish_non_exhaustive()
    }
}

impl Adyen {
    /// Validates the configuration and prepares every per-client value. Fails with a
    /// `configuration` error for an empty or malformed credential, a malformed live endpoint
    /// prefix, a live environment without a prefix (unless `base_url` replaces the hosts), or
    /// a webhook HMAC key that is not hex.
    pub fn new(config: &AdyenConfig, endpoint: &Endpoint) -> Result<Adyen> {
        check_api_key("api_key", config.api_key.expose())?;
        let dispute_api_key = match &config.dispute_api_key {
            Some(key) => {
                check_api_key("dispute_api_key", key.expose())?;
                key.clone()
            }
            None => config.api_key.clone(),
        };
        let merchant_account = config.merchant_account.trim();
        if merchant_account.is_empty() {
            return Err(Error::configuration(
                "Adyen merchant_account must not be empty",
            ));
        }
        if let Some(prefix) = &config.live_endpoint_prefix {
            check_live_prefix(prefix)?;
        }
        let urls = match (&endpoint.base_url, endpoint.environment) {
            (Some(base), _) => Urls::new(
                base,
                &format!("{}{DISPUTES_PATH}", base.trim_end_matches('/')),
            ),
            (None, Environment::Sandbox) => Urls::new(
                SANDBOX_CHECKOUT,
                &format!("{SANDBOX_DISPUTES_HOST}{DISPUTES_PATH}"),
            ),
            (None, Environment::Live) => {
                let prefix = config.live_endpoint_prefix.as_deref().ok_or_else(|| {
                    Error::configuration(
                        "Adyen live_endpoint_prefix is required in the live environment \
                         (Customer Area → Developers → API URLs)",
                    )
                })?;
                let checkout = format!("https://{prefix}-checkout-live.adyenpayments.com/checkout");
                Urls::new(&checkout, &format!("{LIVE_DISPUTES_HOST}{DISPUTES_PATH}"))
            }
        };
        let webhook_hmac_key = match &config.webhook_hmac_key {
            Some(hex_key) => Some(Secret::new(decode_hmac_key(hex_key.expose())?)),
            None => None,
        };
        Ok(Adyen {
            merchant_account: merchant_account.to_string(),
            api_key: config.api_key.clone(),
            dispute_api_key,
            webhook_hmac_key,
            urls,
        })
    }

    /// A JSON POST to the Checkout API.
    fn checkout_post(
        &self,
        url: String,
        body: &impl Serialize,
        cx: &FlowContext,
    ) -> Result<HttpRequest> {
        post(url, &self.api_key, body, cx)
    }

    /// A JSON POST to the Disputes API (with the dispute key when one is configured).
    fn disputes_post(
        &self,
        url: String,
        body: &impl Serialize,
        cx: &FlowContext,
    ) -> Result<HttpRequest> {
        post(url, &self.dispute_api_key, body, cx)
    }
}

/// Every Adyen request: `X-API-Key`, JSON, and the operation's `Idempotency-Key`. Adyen answers
/// a replayed key with the first response, so resending is safe.
fn post(
    url: String,
    api_key: &Secret<String>,
    body: &impl Serialize,
    cx: &FlowContext,
) -> Result<HttpRequest> {
    let key = cx.idempotency_key.as_str();
    if key.is_empty() || key.len() > 64 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_request(
            "idempotency_key",
            "Adyen takes an Idempotency-Key of 1 to 64 printable characters",
        ));
    }
    // The body holds card data: a serialization error must not quote it.
    let json = serde_json::to_vec(body)
        .map_err(|_| Error::internal("the Adyen request body could not be serialized"))?;
    Ok(HttpRequest::new(HttpMethod::Post, url)
        .header("X-API-Key", api_key.expose().as_str())
        .header("Accept", "application/json")
        .header("Idempotency-Key", key)
        .raw_body("application/json", json)
        .retry_safe(true))
}

fn check_api_key(name: &str, key: &str) -> Result<()> {
    if key.trim().is_empty() {
        return Err(Error::configuration(format!(
            "Adyen {name} must not be empty"
        )));
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::configuration(format!(
            "Adyen {name} must be printable ASCII without spaces (it is sent as an HTTP header)"
        )));
    }
    Ok(())
}

fn check_live_prefix(prefix: &str) -> Result<()> {
    let valid = !prefix.is_empty()
        && prefix.len() <= 100
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !prefix.starts_with('-')
        && !prefix.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(Error::configuration(
            "Adyen live_endpoint_prefix must be the prefix shown in the Customer Area \
             (letters, digits and dashes, e.g. 1797a841fbb37ca7-AdyenDemo)",
        ))
    }
}

fn decode_hmac_key(hex_key: &str) -> Result<Vec<u8>> {
    let trimmed = hex_key.trim();
    if trimmed.is_empty() {
        return Err(Error::configuration(
            "Adyen webhook_hmac_key must not be empty",
        ));
    }
    // The hex decoder's error may quote the offending character: do not pass it on.
    hex::decode(trimmed).map_err(|_| {
        Error::configuration("Adyen webhook_hmac_key must be the hex string from the Customer Area")
    })
}

impl Connector for Adyen {
    fn name(&self) -> ConnectorName {
        ConnectorName::Adyen
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
        payments::authorize(self, req, cx, responses)
    }

    fn get_payment(
        &self,
        req: &PaymentGetRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        payments::get_payment(self, req, cx, responses)
    }

    fn capture(
        &self,
        req: &CaptureRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        modifications::capture(self, req, cx, responses)
    }

    fn void(
        &self,
        req: &VoidRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        modifications::void(self, req, cx, responses)
    }

    fn refund(
        &self,
        req: &RefundRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        modifications::refund(self, req, cx, responses)
    }

    fn get_refund(
        &self,
        _req: &RefundGetRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        Err(Error::unsupported(
            ConnectorName::Adyen,
            Flow::Rsync,
            RSYNC_UNSUPPORTED,
        ))
    }

    fn setup_mandate(
        &self,
        req: &SetupMandateRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        payments::setup_mandate(self, req, cx, responses)
    }

    fn create_order(
        &self,
        _req: &CreateOrderRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<OrderResponse>> {
        Err(Error::unsupported(
            ConnectorName::Adyen,
            Flow::CreateOrder,
            CREATE_ORDER_UNSUPPORTED,
        ))
    }

    fn accept_dispute(
        &self,
        req: &AcceptDisputeRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        disputes::accept(self, req, cx, responses)
    }

    fn submit_evidence(
        &self,
        req: &SubmitEvidenceRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        disputes::submit_evidence(self, req, cx, responses)
    }

    fn defend_dispute(
        &self,
        req: &DefendDisputeRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        disputes::defend(self, req, cx, responses)
    }

    fn handle_webhook(&self, req: &WebhookRequest) -> Result<WebhookNotification> {
        webhooks::handle(self, req)
    }
}
