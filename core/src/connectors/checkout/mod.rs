//! Checkout.com: the Unified Payments API (`/payments`, `/disputes`, `/files`), webhooks.
//!
//! Read top to bottom:
//! * this file: configuration, the support table, the connector (hosts, auth headers and
//!   webhook keys prepared once at construction) and the [`Connector`] implementation, which
//!   only wires each flow to a function of a flow-family file;
//! * `wire.rs`: the typed, lenient shapes of Checkout.com's answers;
//! * `payments.rs`: authorize (cards, mandate charges), setup_mandate, PSync, capture, void;
//! * `refunds.rs`: refund and RSync (`GET /payments/{id}/actions`);
//! * `disputes.rs`: accept, submit evidence (file uploads, then `PUT .../evidence`), defend;
//! * `webhooks.rs`: `Cko-Signature` verification and the event mapping;
//! * `errors.rs`: HTTP errors and `ValidationError` bodies into unified errors;
//! * `tests/`: unit tests over every example payload of the documentation.
//!
//! What sets Checkout.com apart, and how this connector handles it:
//! * **Declines are HTTP 201** with `approved: false` and `status: "Declined"`: they are a
//!   `failure` result with [`DeclineDetails`] (code `response_code`, message
//!   `response_summary`), never an error. `DeclineDetails` has no slot for the response-code
//!   family, so the family goes into its `reason`: `soft_decline` (`20xxx`), `hard_decline`
//!   (`30xxx`) or `risk_decline` (`4xxxx`) (Checkout.com docs, "Response codes").
//! * **202 Accepted is not done.** A 3-D Secure payment answers 202 `Pending` with
//!   `_links.redirect` (`authentication_pending` with a GET redirect); the shopper comes back
//!   with `cko-session-id=sid_...`, and PSync reads `GET /payments/{sid or pay id}`.
//!   Captures, voids and refunds always answer 202 with an `action_id`: they are reported as
//!   `pending`, `void_initiated` and refund `pending` until a webhook or a sync confirms them.
//! * **Idempotency.** Every write carries `Cko-Idempotency-Key` (the operation's key, derived
//!   per step of a multi-step flow) and is marked retry-safe. HTTP 429 is either rate limiting
//!   (`rate_limited`, retryable) or a duplicate request for the key (`conflict`, not
//!   retryable), told apart by the body's `error_codes` / `error_type`.
//! * **Mandates.** setup_mandate is a zero-amount `POST /payments` (`Card Verified`); the
//!   returned `source.id` (`src_...`) is the mandate id. A mandate charge pays with
//!   `source: {type: "id"}`, `merchant_initiated: true` and `previous_payment_id` = the
//!   network transaction id of the setup, when given.
//! * **Payment methods.** Cards; mandates (`source.type: "id"`); Apple Pay and Google Pay
//!   tokens in two steps (`POST /tokens` with the **public** key, then `POST /payments` with
//!   `source.type: "token"`); decrypted wallets and scheme tokens as the `network_token`
//!   source; iDEAL and EPS as bank redirects (EUR, captured at once, `authentication_pending`
//!   with the bank's page). Any other method is a typed `unsupported` error before sending.
//! * **Amounts** are integer minor units. Checkout.com has its own rules for some zero- and
//!   three-decimal currencies that are not verified, so only two-decimal currencies are
//!   accepted (a typed `invalid_request` otherwise).
//! * **Hosts.** Sandbox `https://api.sandbox.checkout.com`, live `https://api.checkout.com`;
//!   evidence files go to `https://files.sandbox.checkout.com` / `https://files.checkout.com`
//!   (the Checkout.com SDKs' files host). A `base_url` override replaces both hosts.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::client::Environment;
use crate::connector::{Connector, Support};
use crate::connectors::{join_url, Endpoint};
use crate::error::{Error, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::money::{Currency, Money};
use crate::secret::Secret;
use crate::types::*;

mod disputes;
mod errors;
mod payments;
mod refunds;
mod webhooks;
mod wire;

#[cfg(test)]
mod tests;

/// The API host of the sandbox (Checkout.com SDKs, environment `sandbox`).
pub const SANDBOX_API: &str = "https://api.sandbox.checkout.com";
/// The API host of the live environment.
pub const LIVE_API: &str = "https://api.checkout.com";
/// The files host of the sandbox (dispute evidence uploads).
pub const SANDBOX_FILES: &str = "https://files.sandbox.checkout.com";
/// The files host of the live environment.
pub const LIVE_FILES: &str = "https://files.checkout.com";

/// Checkout.com credentials and settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutConfig {
    /// Secret API key (`sk_sbox_...` / `sk_...`), sent as `Authorization: Bearer <key>`.
    pub secret_key: Secret<String>,
    /// Public key (`pk_sbox_...` / `pk_...`): authenticates the wallet token exchange
    /// (`POST /tokens`). Needed only for Apple Pay and Google Pay tokens.
    #[serde(default)]
    pub public_key: Option<String>,
    /// Processing channel (`pc_...`), required by accounts on the current platform.
    #[serde(default)]
    pub processing_channel_id: Option<String>,
    /// Webhook signature keys accepted when verifying `Cko-Signature`. During a rotation, list
    /// the new key and the old one.
    #[serde(default)]
    pub webhook_secrets: Vec<Secret<String>>,
}

impl CheckoutConfig {
    pub fn new(secret_key: impl Into<String>) -> CheckoutConfig {
        CheckoutConfig {
            secret_key: Secret::new(secret_key.into()),
            public_key: None,
            processing_channel_id: None,
            webhook_secrets: Vec::new(),
        }
    }

    /// Sets the public key (for wallet token exchanges).
    pub fn public_key(mut self, public_key: impl Into<String>) -> CheckoutConfig {
        self.public_key = Some(public_key.into());
        self
    }

    /// Sets the processing channel id (`pc_...`).
    pub fn processing_channel_id(mut self, id: impl Into<String>) -> CheckoutConfig {
        self.processing_channel_id = Some(id.into());
        self
    }

    /// Adds a webhook signature key (call twice during a rotation).
    pub fn webhook_secret(mut self, secret: impl Into<String>) -> CheckoutConfig {
        self.webhook_secrets.push(Secret::new(secret.into()));
        self
    }
}

/// Why CreateOrder is unsupported.
pub(crate) const CREATE_ORDER_UNSUPPORTED: &str =
    "Checkout.com has no order object that must exist before a payment; \
     authorize directly with POST /payments (your order number goes in merchant_reference)";

/// How Checkout.com supports each flow.
pub fn support(flow: Flow) -> Support {
    match flow {
        // 201 final, or 202 + redirect for 3-D Secure (then PSync).
        Flow::Authorize | Flow::Psync | Flow::SetupMandate => Support::Synchronous,
        // 202 Accepted with an action id: confirmed later by webhook or sync.
        Flow::Capture | Flow::Void | Flow::Refund => Support::Asynchronous,
        Flow::Rsync => Support::Synchronous,
        Flow::CreateOrder => Support::Unsupported(CREATE_ORDER_UNSUPPORTED),
        Flow::AcceptDispute | Flow::SubmitEvidence | Flow::DefendDispute => Support::Synchronous,
        Flow::Webhook => Support::Synchronous,
    }
}

/// The Checkout.com connector. Everything per-client (hosts, auth headers, webhook keys) is
/// prepared by [`Checkout::new`]; the flow functions build bodies and parse answers.
pub struct Checkout {
    /// `Bearer <secret key>`.
    authorization: Secret<String>,
    /// `Bearer <public key>`, for `POST /tokens`.
    public_authorization: Option<Secret<String>>,
    processing_channel_id: Option<String>,
    webhook_secrets: Vec<Secret<String>>,
    urls: Urls,
}

/// The fixed URLs, and the API base for those with an id in the path.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Urls {
    api: String,
    payments: String,
    tokens: String,
    files: String,
}

impl Urls {
    fn new(api: &str, files_host: &str) -> Urls {
        let api = api.trim_end_matches('/').to_string();
        Urls {
            payments: join_url(&api, "/payments"),
            tokens: join_url(&api, "/tokens"),
            files: join_url(files_host, "/files"),
            api,
        }
    }
}

impl fmt::Debug for Checkout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checkout")
            .field("api", &self.urls.api)
            .field("files", &self.urls.files)
            .field("processing_channel_id", &self.processing_channel_id)
            .field(
                "public_key",
                &self.public_authorization.as_ref().map(|_| "***"),
            )
            .field("webhook_secrets", &self.webhook_secrets.len())
            .finish_non_exhaustive()
    }
}

impl Checkout {
    /// Validates the configuration and prepares every per-client value. Fails with a
    /// `configuration` error for an empty or malformed key, channel id or webhook secret.
    pub fn new(config: &CheckoutConfig, endpoint: &Endpoint) -> Result<Checkout> {
        let secret = config.secret_key.expose().trim();
        check_key("secret_key", secret)?;
        let public_authorization = match &config.public_key {
            Some(pk) => {
                let pk = pk.trim();
                check_key("public_key", pk)?;
                Some(Secret::new(format!("Bearer {pk}")))
            }
            None => None,
        };
        let processing_channel_id = match &config.processing_channel_id {
            Some(pc) => {
                let pc = pc.trim();
                if pc.is_empty() || !pc.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                    return Err(Error::configuration(
                        "checkout processing_channel_id must be a `pc_...` id (letters, digits, `_`)",
                    ));
                }
                Some(pc.to_string())
            }
            None => None,
        };
        if config.webhook_secrets.iter().any(|s| s.expose().is_empty()) {
            return Err(Error::configuration(
                "checkout webhook_secrets must not contain an empty secret",
            ));
        }
        let urls = match (&endpoint.base_url, endpoint.environment) {
            (Some(base), _) => Urls::new(base, base),
            (None, Environment::Sandbox) => Urls::new(SANDBOX_API, SANDBOX_FILES),
            (None, Environment::Live) => Urls::new(LIVE_API, LIVE_FILES),
        };
        Ok(Checkout {
            authorization: Secret::new(format!("Bearer {secret}")),
            public_authorization,
            processing_channel_id,
            webhook_secrets: config.webhook_secrets.clone(),
            urls,
        })
    }

    /// A request with the secret-key auth header. Reads are retry-safe.
    fn request(&self, method: HttpMethod, url: String) -> HttpRequest {
        HttpRequest::new(method, url)
            .header("Authorization", self.authorization.expose().as_str())
            .header("Accept", "application/json")
            .retry_safe(method == HttpMethod::Get)
    }

    fn get(&self, url: String) -> HttpRequest {
        self.request(HttpMethod::Get, url)
    }

    /// A write (POST or PUT) with its `Cko-Idempotency-Key`: Checkout.com deduplicates on it,
    /// so resending after a timeout or a 5xx cannot act twice.
    fn write(&self, method: HttpMethod, url: String, key: String) -> Result<HttpRequest> {
        let key = idempotency_key(key)?;
        Ok(self
            .request(method, url)
            .header("Cko-Idempotency-Key", key)
            .retry_safe(true))
    }

    /// A JSON write.
    fn write_json(
        &self,
        method: HttpMethod,
        url: String,
        body: &Value,
        key: String,
    ) -> Result<HttpRequest> {
        Ok(self.write(method, url, key)?.json_body(body))
    }

    /// `{api}/{collection}/{id}{suffix}`, with `id` checked so it cannot change the path.
    fn id_url(&self, collection: &str, field: &str, id: &str, suffix: &str) -> Result<String> {
        let id = checked_id(field, id)?;
        Ok(join_url(
            &self.urls.api,
            &format!("/{collection}/{id}{suffix}"),
        ))
    }
}

/// The step's idempotency key, checked to be a header value.
fn idempotency_key(key: String) -> Result<String> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_request(
            "idempotency_key",
            "Checkout.com takes a Cko-Idempotency-Key of printable characters without spaces",
        ));
    }
    Ok(key)
}

fn check_key(name: &str, key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::configuration(format!(
            "checkout {name} must not be empty"
        )));
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::configuration(format!(
            "checkout {name} must be printable ASCII without spaces (it is sent as an HTTP header)"
        )));
    }
    Ok(())
}

/// Checks an id goes into a URL path unchanged: Checkout.com ids are `prefix_` plus letters
/// and digits (`pay_`, `sid_`, `act_`, `dsp_`).
fn checked_id<'a>(field: &str, id: &'a str) -> Result<&'a str> {
    let id = id.trim();
    if id.is_empty()
        || id.len() > 100
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Error::invalid_request(
            field,
            "is not a Checkout.com id (letters, digits, `_` and `-` only)",
        ));
    }
    Ok(id)
}

/// An amount on the wire: integer minor units. Checkout.com's rules for zero- and
/// three-decimal currencies are unverified, so only two-decimal currencies pass: sending
/// JPY 1000 or KWD 1.500 under a different rule would charge a different amount.
fn wire_amount(money: &Money, field: &str) -> Result<i64> {
    if money.currency.iso_exponent() != 2 {
        return Err(Error::invalid_request(
            format!("{field}.currency"),
            format!(
                "{} has {} decimals; Checkout.com applies its own rules to currencies without \
                 exactly 2 decimals, which are not verified, so only 2-decimal currencies are accepted",
                money.currency,
                money.currency.iso_exponent()
            ),
        ));
    }
    Ok(money.minor_units)
}

/// A wire amount back into [`Money`], when the currency is known and has 2 decimals.
fn money_from_wire(amount: Option<i64>, currency: Option<&str>) -> Option<Money> {
    let currency = Currency::new(currency?.trim()).ok()?;
    if currency.iso_exponent() != 2 {
        return None;
    }
    Some(Money::new(amount?, currency))
}

/// An `invalid_response` error about an answer.
fn invalid_response(response: &HttpResponse, message: impl Into<String>) -> Error {
    let mut e = Error::invalid_response(message);
    e.http_status = Some(response.status);
    e.with_request_id(response.request_id())
}

/// The JSON body of a 2xx answer, or `invalid_response`.
fn parse_success<T: serde::de::DeserializeOwned>(response: &HttpResponse, what: &str) -> Result<T> {
    serde_json::from_slice(response.body.as_slice()).map_err(|_| {
        invalid_response(
            response,
            format!(
                "Checkout.com answered HTTP {} with a body that is not a valid {what}",
                response.status
            ),
        )
    })
}

/// HMAC-SHA256 of `message` under `key`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Result<[u8; 32]> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key).map_err(|_| Error::internal("HMAC key rejected"))?;
    mac.update(message);
    let mut out = [0u8; 32];
    out.copy_from_slice(mac.finalize().into_bytes().as_slice());
    Ok(out)
}

/// 64 hex digits (either case) into 32 bytes; anything else is `None`.
fn decode_signature(signature_hex: &str) -> Option<[u8; 32]> {
    let s = signature_hex.trim();
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// Whether `provided` is the HMAC-SHA256 of `message` under `key`, in constant time.
fn hmac_matches(key: &[u8], message: &[u8], provided: &[u8; 32]) -> Result<bool> {
    let expected = hmac_sha256(key, message)?;
    Ok(bool::from(expected.ct_eq(provided)))
}

/// Tags every error of a flow with the connector and the flow.
fn tagged<T>(flow: Flow, result: Result<Step<T>>) -> Result<Step<T>> {
    result.map_err(|e| e.with_connector(ConnectorName::Checkout, flow))
}

impl Connector for Checkout {
    fn name(&self) -> ConnectorName {
        ConnectorName::Checkout
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
        tagged(
            Flow::Authorize,
            payments::authorize(self, req, cx, responses),
        )
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
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        tagged(Flow::Capture, payments::capture(self, req, cx, responses))
    }

    fn void(
        &self,
        req: &VoidRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        tagged(Flow::Void, payments::void(self, req, cx, responses))
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
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        tagged(
            Flow::SetupMandate,
            payments::setup_mandate(self, req, cx, responses),
        )
    }

    fn accept_dispute(
        &self,
        req: &AcceptDisputeRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        tagged(
            Flow::AcceptDispute,
            disputes::accept(self, req, cx, responses),
        )
    }

    fn submit_evidence(
        &self,
        req: &SubmitEvidenceRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        tagged(
            Flow::SubmitEvidence,
            disputes::submit_evidence(self, req, cx, responses),
        )
    }

    fn defend_dispute(
        &self,
        req: &DefendDisputeRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        tagged(
            Flow::DefendDispute,
            disputes::defend(self, req, cx, responses),
        )
    }

    fn handle_webhook(&self, req: &WebhookRequest) -> Result<WebhookNotification> {
        webhooks::handle(self, req)
            .map_err(|e| e.with_connector(ConnectorName::Checkout, Flow::Webhook))
    }
}
