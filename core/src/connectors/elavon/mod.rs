//! Elavon: the Converge XML API (`processxml.do`).
//!
//! What sets Elavon apart, and how this connector handles it:
//!
//! * **XML in a form post, one endpoint.** Every request is a `<txn>` document sent as the form
//!   field `xmldata` to `processxml.do`; `ssl_transaction_type` chooses the operation
//!   (`ccsale`, `ccauthonly`, `cccomplete`, `ccdelete`, `ccreturn`, `txnquery`, `ccverify`).
//!   Documents are built and read with `quick-xml` (see `xml.rs`): every value is escaped, and
//!   a response with a DOCTYPE, an undeclared entity, or an oversized body is refused unparsed
//!   (`invalid_response`).
//! * **Credentials inside the document.** `ssl_merchant_id`, `ssl_user_id` and `ssl_pin` go in
//!   every `<txn>`; there are no auth headers and no signing.
//! * **Always HTTP 200.** The outcome is read from the XML: `ssl_result` `0` is an approval,
//!   any other value a decline (a `failure` response with [`DeclineDetails`]), and an
//!   `errorCode` document an error classified by its code (`errors.rs`). HTTP 5xx and non-XML
//!   bodies are `processor_unavailable`.
//! * **Amounts** are decimal strings in major units with the currency's ISO exponent
//!   (`10.00`, JPY `1000`, KWD `1.500`), at most 11 characters. `ssl_transaction_currency` is
//!   only sent to multi-currency terminals ([`ElavonConfig::multi_currency`]); a single-currency
//!   terminal only takes its own currency, and any other is refused before sending.
//! * **Void** is `ccdelete`, which deletes an auth-only or sale and attempts its reversal
//!   (Converge docs, "Delete"). `ccvoid` only removes a sale, credit or force from the open
//!   batch before settlement (Converge docs, "Void"); the unified void cancels an uncaptured
//!   authorization, which is `ccdelete`'s job, so `ccvoid` is not used. Void and capture answers
//!   may carry a **new** `ssl_txn_id`, reported as `connector_operation_id` (the payment keeps
//!   its id); a refund's new `ssl_txn_id` is its `connector_refund_id`.
//! * **Mandates** are Converge card tokens: `setup_mandate` is a zero-amount `ccverify` with
//!   `ssl_get_token=Y` (a positive amount: a tokenising `ccsale`); a mandate is charged with
//!   `ssl_token` instead of card data and the stored-credential fields. `setup_mandate` first
//!   searches for an approved setup under the same `merchant_reference` (`search.rs`) and, when
//!   an earlier call's answer was lost, only fetches the card's token (`ccgettoken` without
//!   verification; a card has one token per merchant), so it can be made again safely.
//! * **No idempotency, no webhooks, no disputes, no orders.** Every write is marked not
//!   retry-safe and only `txnquery` is retry-safe. After an uncertain outcome (no id came
//!   back), reconcile by your reference: `payments.get` with `merchant_reference` and
//!   `refunds.get` with `merchant_refund_reference` search the last days' transactions for
//!   the one with that `ssl_invoice_number` (`search.rs`); `not_found` means nothing was made
//!   under it.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::Environment;
use crate::connector::{Connector, Support};
use crate::connectors::{join_url, Endpoint};
use crate::error::{Error, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::money::{Currency, Money};
use crate::secret::Secret;
use crate::types::*;

mod errors;
mod payments;
mod refunds;
mod search;
mod wire;
mod xml;

#[cfg(test)]
mod tests;

/// The demo (sandbox) host (Converge developer docs, "Integration guide > XML API").
pub const DEMO_HOST: &str = "https://api.demo.convergepay.com";
/// The production host.
pub const LIVE_HOST: &str = "https://api.convergepay.com";
/// The XML endpoint on the demo host.
pub const DEMO_PATH: &str = "/VirtualMerchantDemo/processxml.do";
/// The XML endpoint on the production host.
pub const LIVE_PATH: &str = "/VirtualMerchant/processxml.do";

/// Elavon Converge credentials and terminal settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElavonConfig {
    /// Converge account ID (`ssl_merchant_id`), up to 15 characters.
    pub merchant_id: String,
    /// Converge user ID with "Hosted Payment API User" status (`ssl_user_id`), up to 15
    /// characters, case-sensitive.
    pub user_id: String,
    /// The terminal PIN (`ssl_pin`), up to 64 characters.
    pub pin: Secret<String>,
    /// Whether the terminal is set up for multiple currencies. Only then is
    /// `ssl_transaction_currency` sent (Converge rejects it on other terminals). Default false.
    #[serde(default)]
    pub multi_currency: bool,
    /// The currency of a single-currency terminal: the only currency accepted when
    /// `multi_currency` is false. Default USD.
    #[serde(default)]
    pub terminal_currency: Option<Currency>,
}

impl ElavonConfig {
    pub fn new(
        merchant_id: impl Into<String>,
        user_id: impl Into<String>,
        pin: impl Into<String>,
    ) -> ElavonConfig {
        ElavonConfig {
            merchant_id: merchant_id.into(),
            user_id: user_id.into(),
            pin: Secret::new(pin.into()),
            multi_currency: false,
            terminal_currency: None,
        }
    }

    /// Marks the terminal as set up for multiple currencies.
    pub fn multi_currency(mut self, multi_currency: bool) -> ElavonConfig {
        self.multi_currency = multi_currency;
        self
    }

    /// Sets the currency of a single-currency terminal.
    pub fn terminal_currency(mut self, currency: Currency) -> ElavonConfig {
        self.terminal_currency = Some(currency);
        self
    }
}

const NO_ORDERS: &str =
    "the Converge XML API has no orders; authorize directly (ccsale / ccauthonly)";
const NO_DISPUTES: &str = "the Converge XML API has no dispute API; disputes are handled in \
                           Elavon's merchant portal";
const NO_WEBHOOKS: &str = "the Converge XML API is synchronous and sends no webhooks; poll \
                           with payments.get / refunds.get (txnquery)";

/// How Elavon supports each flow.
pub fn support(flow: Flow) -> Support {
    match flow {
        Flow::Authorize
        | Flow::Psync
        | Flow::Capture
        | Flow::Void
        | Flow::Refund
        | Flow::Rsync
        | Flow::SetupMandate => Support::Synchronous,
        Flow::CreateOrder => Support::Unsupported(NO_ORDERS),
        Flow::AcceptDispute | Flow::SubmitEvidence | Flow::DefendDispute => {
            Support::Unsupported(NO_DISPUTES)
        }
        Flow::Webhook => Support::Unsupported(NO_WEBHOOKS),
    }
}

/// The Elavon connector. The credentials are checked and the URL fixed once, in
/// [`Elavon::new`].
pub struct Elavon {
    merchant_id: String,
    user_id: String,
    pin: Secret<String>,
    multi_currency: bool,
    terminal_currency: Currency,
    url: String,
}

impl fmt::Debug for Elavon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Elavon")
            .field("merchant_id", &self.merchant_id)
            .field("url", &self.url)
            .field("multi_currency", &self.multi_currency)
            .field("terminal_currency", &self.terminal_currency)
            .finish_non_exhaustive()
    }
}

/// Checks a credential: not empty, at most `max` characters, no control characters or
/// surrounding spaces.
fn check_credential(name: &str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::configuration(format!(
            "elavon {name} must not be empty"
        )));
    }
    if value.trim() != value || value.chars().any(char::is_control) {
        return Err(Error::configuration(format!(
            "elavon {name} must not have surrounding spaces or control characters"
        )));
    }
    if value.chars().count() > max {
        return Err(Error::configuration(format!(
            "elavon {name} must be at most {max} characters"
        )));
    }
    Ok(())
}

impl Elavon {
    pub fn new(config: &ElavonConfig, endpoint: &Endpoint) -> Result<Elavon> {
        check_credential("merchant_id", &config.merchant_id, 15)?;
        check_credential("user_id", &config.user_id, 15)?;
        check_credential("pin", config.pin.expose(), 64)?;
        let path = match endpoint.environment {
            Environment::Sandbox => DEMO_PATH,
            Environment::Live => LIVE_PATH,
        };
        let host = match endpoint.environment {
            Environment::Sandbox => DEMO_HOST,
            Environment::Live => LIVE_HOST,
        };
        Ok(Elavon {
            merchant_id: config.merchant_id.clone(),
            user_id: config.user_id.clone(),
            pin: config.pin.clone(),
            multi_currency: config.multi_currency,
            terminal_currency: config.terminal_currency.unwrap_or(Currency::USD),
            url: join_url(&endpoint.base_or(host), path),
        })
    }

    /// A request document of `transaction_type` with the credentials.
    fn txn(&self, transaction_type: &'static str) -> wire::TxnRequest {
        wire::TxnRequest {
            ssl_merchant_id: self.merchant_id.clone(),
            ssl_user_id: self.user_id.clone(),
            ssl_pin: self.pin.expose().clone(),
            ssl_transaction_type: transaction_type,
            ..Default::default()
        }
    }

    /// The form POST of a document. Only `txnquery` is retry-safe: Converge has no
    /// idempotency mechanism, so a resent write could act twice.
    fn post(&self, txn: &wire::TxnRequest, retry_safe: bool) -> Result<HttpRequest> {
        let document = txn
            .to_xml()
            .map_err(|e| Error::internal(format!("could not build the Elavon XML: {e}")))?;
        Ok(HttpRequest::new(HttpMethod::Post, self.url.clone())
            .header("Accept", "application/xml")
            .raw_body(
                "application/x-www-form-urlencoded",
                xml::form_body(&document),
            )
            .retry_safe(retry_safe))
    }

    /// `ssl_amount` (and `ssl_transaction_currency` on multi-currency terminals) for `money`.
    fn wire_amount(&self, money: &Money, field: &str) -> Result<(String, Option<String>)> {
        let currency_field = format!("{field}.currency");
        if !self.multi_currency && money.currency != self.terminal_currency {
            return Err(Error::invalid_request(
                currency_field,
                format!(
                    "this Elavon terminal takes only {} (it is not set up for multiple \
                     currencies); got {}",
                    self.terminal_currency, money.currency
                ),
            ));
        }
        let amount = payments::amount_string(money, field)?;
        let currency = self
            .multi_currency
            .then(|| money.currency.code().to_string());
        Ok((amount, currency))
    }

    /// The currency of an answer's amounts: its `ssl_transaction_currency`, the request's
    /// currency, or the terminal's.
    fn answer_currency(&self, txn: &wire::Txn, request: Option<Currency>) -> Option<Currency> {
        if let Some(code) = &txn.ssl_transaction_currency {
            return Currency::new(code.trim()).ok();
        }
        request.or(Some(self.terminal_currency))
    }
}

impl Connector for Elavon {
    fn name(&self) -> ConnectorName {
        ConnectorName::Elavon
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
        payments::authorize(self, req, responses)
    }

    fn get_payment(
        &self,
        req: &PaymentGetRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        payments::get_payment(self, req, cx.timestamp_ms, responses)
    }

    fn capture(
        &self,
        req: &CaptureRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        payments::capture(self, req, responses)
    }

    fn void(
        &self,
        req: &VoidRequest,
        _cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        payments::void(self, req, responses)
    }

    fn refund(
        &self,
        req: &RefundRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        refunds::refund(self, req, &cx.idempotency_key, responses)
    }

    fn get_refund(
        &self,
        req: &RefundGetRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        refunds::get_refund(self, req, cx.timestamp_ms, responses)
    }

    fn setup_mandate(
        &self,
        req: &SetupMandateRequest,
        cx: &FlowContext,
        responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        payments::setup_mandate(self, req, cx.timestamp_ms, responses)
    }
}
