//! Fiserv: Commerce Hub REST API (`/ch/payments/v1/...`).
//!
//! Read top to bottom:
//! * this file: configuration, the support table, request signing ([`sign`]), the connector
//!   (URLs and credentials prepared once at construction) and the [`Connector`]
//!   implementation, which only wires each flow to the builder and parser of its file;
//! * `amounts.rs`: exact decimal major-unit amounts (`"total": 12.04`);
//! * `payments.rs`: authorize and setup_mandate (`POST /payments/v1/charges`), capture (the
//!   same endpoint with a reference transaction), void (`POST /payments/v1/cancels`), PSync
//!   (`POST /payments/v1/transaction-inquiry`) and the state mapping;
//! * `refunds.rs`: refund (`POST /payments/v1/refunds`) and RSync (transaction-inquiry with
//!   the refund's own id);
//! * `errors.rs`: error bodies and HTTP statuses into unified errors;
//! * `wire.rs`: typed request bodies and lenient response bodies;
//! * `tests/`: unit tests over every example payload of the Commerce Hub documentation.
//!
//! What sets Commerce Hub apart, and how this connector handles it:
//! * **Every request is signed** (CH docs `Authentication-Header.md`): `Authorization` =
//!   Base64(HMAC-SHA256(api_secret, Api-Key + Client-Request-Id + Timestamp + body)), with
//!   `Auth-Token-Type: HMAC`. The body is serialized once; those exact bytes are signed and
//!   sent. `Timestamp` is [`FlowContext::timestamp_ms`], fresh on every attempt, so a retry is
//!   re-signed (Commerce Hub rejects timestamps older than about five minutes).
//! * **`Client-Request-Id` is the idempotency key** (CH docs `Idempotency.md`): it is the
//!   operation's idempotency key, the same on every retry, and Commerce Hub answers a repeated
//!   id with the original response. Together with request bodies that depend only on the
//!   unified request (the `merchantTransactionId` is the caller's reference, never a per-attempt
//!   value), this makes every request safe to resend (`retry_safe`).
//! * **Amounts are JSON numbers in major units** (`12.04`), written from exact decimal text.
//! * **Every call is a `POST`**, status queries included: PSync and RSync post to
//!   `transaction-inquiry`, which answers a JSON array; they also find a payment or refund by
//!   your reference (`referenceMerchantTransactionId`). Capture posts to `charges` with
//!   `referenceTransactionDetails` and `captureFlag: true`.
//! * **Outcomes are synchronous.** A decline is HTTP 201 with `transactionState: "DECLINED"`
//!   and is a `failure` response with the gateway `responseCode` (e.g. `006`) as its code,
//!   never an error. A sale (`captureFlag: true`) that is approved is `charged` even when the
//!   state reads `AUTHORIZED`, as the documented examples show; an approved `CANCEL` is
//!   `voided` whatever its state.
//! * **Saving a card** (setup_mandate) is a sale with `transactionDetails.createToken` and
//!   `storedCredentials` (CH docs `Payment-Token.md`, `Stored-Credentials.md`), or for a zero
//!   amount an account verification with `createToken` (`POST
//!   /payments-vas/v1/accounts/verification`, CH docs `Verification.md`); the TransArmor token
//!   comes back in `paymentTokens[]` (or `source.tokenData`). Charging it later (a `mandate`
//!   payment method) uses `sourceType: "PaymentToken"`, which also needs the card's expiry, so
//!   the mandate id carries `{tokenSource}:{MMYYYY}:{tokenData}`. A successful setup is
//!   `charged` (the verification's `VERIFIED` included).
//! * **No 3-D Secure** (a separate Commerce Hub service), **no webhooks, no dispute API and
//!   no order API**: those flows are typed `unsupported` errors.
//! * **Base URL.** Cert `https://connect-cert.fiservapis.com/ch`, production
//!   `https://connect.fiservapis.com/ch` (CH docs `Use-Our-APIs.md`). A `base_url` override is
//!   normalized so that exactly one `/ch` segment precedes `payments/v1/...`.

use std::fmt;

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::client::Environment;
use crate::connector::{single_exchange, Connector, Support};
use crate::connectors::{join_url, Endpoint};
use crate::error::{Error, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::secret::Secret;
use crate::types::*;

mod amounts;
mod errors;
mod payments;
mod refunds;
mod wire;

#[cfg(test)]
mod tests;

pub use amounts::{fiserv_exponent, total_text};

/// The certification (sandbox) API root.
pub const SANDBOX_BASE_URL: &str = "https://connect-cert.fiservapis.com/ch";
/// The production API root.
pub const LIVE_BASE_URL: &str = "https://connect.fiservapis.com/ch";

/// Fiserv Commerce Hub credentials. `Debug` shows neither the key nor the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FiservConfig {
    /// The API key (`Api-Key` header, and the first part of every signed message).
    pub api_key: String,
    /// The API secret: the HMAC-SHA256 key of the request signature.
    pub api_secret: Secret<String>,
    /// The merchant id (`merchantDetails.merchantId`, at most 40 characters).
    pub merchant_id: String,
    /// The terminal id (`merchantDetails.terminalId`).
    pub terminal_id: String,
}

impl FiservConfig {
    pub fn new(
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
        merchant_id: impl Into<String>,
        terminal_id: impl Into<String>,
    ) -> FiservConfig {
        FiservConfig {
            api_key: api_key.into(),
            api_secret: Secret::new(api_secret.into()),
            merchant_id: merchant_id.into(),
            terminal_id: terminal_id.into(),
        }
    }
}

impl fmt::Debug for FiservConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FiservConfig")
            .field("api_key", &crate::secret::REDACTED)
            .field("api_secret", &self.api_secret)
            .field("merchant_id", &self.merchant_id)
            .field("terminal_id", &self.terminal_id)
            .finish()
    }
}

/// Why CreateOrder is unsupported.
pub(crate) const CREATE_ORDER_UNSUPPORTED: &str =
    "Commerce Hub has no pre-payment order object; authorize directly (the charge's \
     transactionProcessingDetails.orderId is returned as connector_order_id)";

/// Why the dispute flows are unsupported.
pub(crate) const DISPUTES_UNSUPPORTED: &str =
    "the Commerce Hub API has no dispute endpoints; disputes are handled outside the API \
     (Fiserv ClientLine / merchant portal)";

/// Why webhooks are unsupported.
pub(crate) const WEBHOOKS_UNSUPPORTED: &str =
    "Commerce Hub sends no webhooks for payments, refunds or disputes; every outcome is \
     synchronous, and later changes are read with payments.get / refunds.get \
     (transaction-inquiry)";

/// How Fiserv supports each flow.
pub fn support(flow: Flow) -> Support {
    match flow {
        Flow::Authorize
        | Flow::Psync
        | Flow::Capture
        | Flow::Void
        | Flow::Refund
        | Flow::Rsync
        | Flow::SetupMandate => Support::Synchronous,
        Flow::CreateOrder => Support::Unsupported(CREATE_ORDER_UNSUPPORTED),
        Flow::AcceptDispute | Flow::SubmitEvidence | Flow::DefendDispute => {
            Support::Unsupported(DISPUTES_UNSUPPORTED)
        }
        Flow::Webhook => Support::Unsupported(WEBHOOKS_UNSUPPORTED),
    }
}

/// The request signature (CH docs `Authentication-Header.md`): standard Base64, with
/// padding, of the raw 32-byte HMAC-SHA256 of `api_key + client_request_id + timestamp_ms +
/// body`, keyed with the UTF-8 bytes of `api_secret`. `body` must be the exact bytes sent
/// (empty for a request without a body). The result is always 44 characters.
///
/// ```
/// use connector_service::connectors::fiserv::sign;
/// assert_eq!(
///     sign("API_KEY", "SECRET", "CLIENT_REQUEST_ID", 1_700_000_000_000, br#"{"a":1}"#),
///     "sd/wGPaJ+mI+bPSa62mFX2hshahalWrrOgej0KcZ+fc="
/// );
/// ```
pub fn sign(
    api_key: &str,
    api_secret: &str,
    client_request_id: &str,
    timestamp_ms: u64,
    body: &[u8],
) -> String {
    // HMAC takes keys of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(api_secret.as_bytes())
        .expect("HMAC-SHA256 accepts keys of any length");
    mac.update(api_key.as_bytes());
    mac.update(client_request_id.as_bytes());
    mac.update(timestamp_ms.to_string().as_bytes());
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The Fiserv connector. Everything per-client (credentials, URLs) is prepared by
/// [`Fiserv::new`]; the flow functions only build bodies and parse answers.
pub struct Fiserv {
    api_key: String,
    api_secret: Secret<String>,
    merchant_id: String,
    terminal_id: String,
    urls: Urls,
}

/// The URL of every endpoint, built once.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Urls {
    /// `.../ch`, exactly one `/ch` segment.
    root: String,
    charges: String,
    cancels: String,
    refunds: String,
    inquiry: String,
    verification: String,
}

impl Urls {
    fn new(base: &str) -> Urls {
        let root = api_root(base);
        Urls {
            charges: join_url(&root, "payments/v1/charges"),
            cancels: join_url(&root, "payments/v1/cancels"),
            refunds: join_url(&root, "payments/v1/refunds"),
            inquiry: join_url(&root, "payments/v1/transaction-inquiry"),
            verification: join_url(&root, "payments-vas/v1/accounts/verification"),
            root,
        }
    }
}

/// `base` with exactly one trailing `/ch` segment: `https://host` and `https://host/ch/` both
/// give `https://host/ch`.
fn api_root(base: &str) -> String {
    let trimmed = base.trim_end_matches('/');
    if trimmed.ends_with("/ch") {
        trimmed.to_string()
    } else {
        format!("{trimmed}/ch")
    }
}

impl fmt::Debug for Fiserv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fiserv")
            .field("merchant_id", &self.merchant_id)
            .field("terminal_id", &self.terminal_id)
            .field("base_url", &self.urls.root)
            .finish_non_exhaustive()
    }
}

impl Fiserv {
    /// Validates the credentials and prepares the URLs. Fails with a `configuration` error
    /// for an empty credential, an API key that cannot travel in a header, or a merchant id
    /// longer than Commerce Hub's 40 characters.
    pub fn new(config: &FiservConfig, endpoint: &Endpoint) -> Result<Fiserv> {
        let api_key = config.api_key.trim();
        if api_key.is_empty() {
            return Err(Error::configuration("Fiserv api_key must not be empty"));
        }
        if !api_key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::configuration(
                "Fiserv api_key must be printable ASCII without spaces (it is sent as the Api-Key header)",
            ));
        }
        if config.api_secret.expose().is_empty() {
            return Err(Error::configuration("Fiserv api_secret must not be empty"));
        }
        let merchant_id = config.merchant_id.trim();
        if merchant_id.is_empty() {
            return Err(Error::configuration("Fiserv merchant_id must not be empty"));
        }
        if merchant_id.chars().count() > 40 {
            return Err(Error::configuration(
                "Fiserv merchant_id must be at most 40 characters",
            ));
        }
        let terminal_id = config.terminal_id.trim();
        if terminal_id.is_empty() {
            return Err(Error::configuration("Fiserv terminal_id must not be empty"));
        }
        let default = match endpoint.environment {
            Environment::Sandbox => SANDBOX_BASE_URL,
            Environment::Live => LIVE_BASE_URL,
        };
        Ok(Fiserv {
            api_key: api_key.to_string(),
            api_secret: config.api_secret.clone(),
            merchant_id: merchant_id.to_string(),
            terminal_id: terminal_id.to_string(),
            urls: Urls::new(&endpoint.base_or(default)),
        })
    }

    fn merchant(&self) -> wire::MerchantDetails<'_> {
        wire::MerchantDetails {
            merchant_id: &self.merchant_id,
            terminal_id: &self.terminal_id,
        }
    }

    /// A signed JSON POST. The body is serialized once; those bytes are signed and sent.
    /// `Client-Request-Id` is the operation's idempotency key (the same on every retry) and
    /// `Timestamp` the attempt's time, so a retry is re-signed but deduplicated.
    fn post<T: Serialize>(&self, url: &str, body: &T, cx: &FlowContext) -> Result<HttpRequest> {
        let client_request_id = cx.idempotency_key.as_str();
        if client_request_id.is_empty()
            || client_request_id.len() > 64
            || !client_request_id.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(Error::invalid_request(
                "idempotency_key",
                "Fiserv sends the idempotency key as Client-Request-Id: 1 to 64 printable \
                 characters without spaces",
            ));
        }
        let bytes = serde_json::to_vec(body)
            .map_err(|_| Error::internal("a Fiserv request body could not be serialized"))?;
        let timestamp = cx.timestamp_ms;
        let signature = sign(
            &self.api_key,
            self.api_secret.expose(),
            client_request_id,
            timestamp,
            &bytes,
        );
        Ok(HttpRequest::new(HttpMethod::Post, url)
            .raw_body("application/json", bytes)
            .header("Accept", "application/json")
            .header("Api-Key", self.api_key.as_str())
            .header("Client-Request-Id", client_request_id)
            .header("Timestamp", timestamp.to_string())
            .header("Auth-Token-Type", "HMAC")
            .header("Authorization", signature)
            // Commerce Hub answers a repeated Client-Request-Id with the original response
            // (CH docs `Idempotency.md`); inquiries only read.
            .retry_safe(true))
    }
}

/// Runs a single-exchange flow, tagging every error with the connector and flow.
fn exchange<T>(
    flow: Flow,
    responses: &[HttpResponse],
    build: impl FnOnce() -> Result<HttpRequest>,
    parse: impl FnOnce(&HttpResponse) -> Result<T>,
) -> Result<Step<T>> {
    single_exchange(responses, build, parse)
        .map_err(|e| e.with_connector(ConnectorName::Fiserv, flow))
}

impl Connector for Fiserv {
    fn name(&self) -> ConnectorName {
        ConnectorName::Fiserv
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
        exchange(
            Flow::Authorize,
            responses,
            || self.authorize_request(req, cx),
            |r| payments::parse_authorize(r, req),
        )
    }

    fn get_payment(
        &self,
        req: &PaymentGetRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        exchange(
            Flow::Psync,
            responses,
            || self.payment_inquiry_request(req, cx),
            |r| payments::parse_inquiry(r, req),
        )
    }

    fn capture(
        &self,
        req: &CaptureRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        exchange(
            Flow::Capture,
            responses,
            || self.capture_request(req, cx),
            |r| payments::parse_capture(r, req),
        )
    }

    fn void(
        &self,
        req: &VoidRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        exchange(
            Flow::Void,
            responses,
            || self.void_request(req, cx),
            |r| payments::parse_void(r, req),
        )
    }

    fn refund(
        &self,
        req: &RefundRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        exchange(
            Flow::Refund,
            responses,
            || self.refund_request(req, cx),
            |r| refunds::parse_refund(r, req),
        )
    }

    fn get_refund(
        &self,
        req: &RefundGetRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        exchange(
            Flow::Rsync,
            responses,
            || self.refund_inquiry_request(req, cx),
            |r| refunds::parse_refund_inquiry(r, req),
        )
    }

    fn setup_mandate(
        &self,
        req: &SetupMandateRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        exchange(
            Flow::SetupMandate,
            responses,
            || self.setup_mandate_request(req, cx),
            |r| payments::parse_setup_mandate(r, req),
        )
    }
}
