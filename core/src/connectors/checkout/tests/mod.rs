//! Unit tests of the Checkout.com connector: every example payload of the documentation
//! (the Checkout.com API reference and docs) through the parsers, the mapping tables, request
//! building, webhook verification and the error classes.

mod config;
mod disputes;
mod errors;
mod payments;
mod published;
mod refunds;
mod webhooks;
mod wire;

use serde_json::Value;

use super::{Checkout, CheckoutConfig};
use crate::client::Environment;
use crate::connectors::Endpoint;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::money::{Currency, Money};
use crate::secret::{CardNumber, Secret};
use crate::types::*;

pub(super) const SECRET_KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
pub(super) const PUBLIC_KEY: &str = "pk_sbox_pkhpdtvmkgf7hdgpwnbhw7r2uic";
pub(super) const CHANNEL: &str = "pc_dkgoofpvuwuerekvd4ssr6jwom";
pub(super) const WEBHOOK_SECRET: &str = "whsec-checkout-current";
pub(super) const OLD_WEBHOOK_SECRET: &str = "whsec-checkout-previous";
pub(super) const IDEMPOTENCY_KEY: &str = "0b6c1a7e-53a4-4d8e-9d0e-7f3d1c2b9a10";
pub(super) const PAYMENT_ID: &str = "pay_mbabizu24mvu3mela5njyhpit4";

pub(super) fn config() -> CheckoutConfig {
    CheckoutConfig::new(SECRET_KEY)
        .public_key(PUBLIC_KEY)
        .processing_channel_id(CHANNEL)
        .webhook_secret(WEBHOOK_SECRET)
        .webhook_secret(OLD_WEBHOOK_SECRET)
}

pub(super) fn sandbox() -> Endpoint {
    Endpoint::new(Environment::Sandbox, None).unwrap()
}

pub(super) fn connector() -> Checkout {
    Checkout::new(&config(), &sandbox()).unwrap()
}

pub(super) fn cx() -> FlowContext {
    FlowContext::new(IDEMPOTENCY_KEY)
}

pub(super) fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub(super) fn card(number: &str) -> Card {
    let mut card = Card::new(CardNumber::new(number).unwrap(), 12, 2030);
    card.cvc = Some(Secret::new("100".to_string()));
    card
}

/// A zero-amount card verification for a mandate (`setup_mandate`), for the customer `email`.
pub(super) fn mandate_setup_request(merchant_reference: &str, email: &str) -> SetupMandateRequest {
    SetupMandateRequest::new(
        usd(0),
        merchant_reference,
        PaymentMethod::Card(card("4242424242424242")),
        Customer {
            email: Some(email.into()),
            ..Default::default()
        },
    )
}

pub(super) fn authorize_request(capture: CaptureMethod) -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(
        usd(6540),
        "ORD-5023-4E89",
        PaymentMethod::Card(card("4242424242424242")),
    );
    r.capture_method = capture;
    r
}

pub(super) fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(status, body.as_bytes().to_vec())
}

/// The request of a flow's next step.
pub(super) fn sent<T: std::fmt::Debug>(step: Result<Step<T>>) -> HttpRequest {
    match step.expect("the flow should build a request") {
        Step::Send(request) => request,
        Step::Done(done) => panic!("expected a request, got {done:?}"),
    }
}

/// The result of a flow's last step.
pub(super) fn done<T>(step: Result<Step<T>>) -> T {
    match step.expect("the flow should finish") {
        Step::Done(result) => result,
        Step::Send(request) => panic!("expected a result, got a request to {}", request.url),
    }
}

pub(super) fn failed<T: std::fmt::Debug>(step: Result<Step<T>>) -> Error {
    step.expect_err("the flow should fail")
}

pub(super) fn body(request: &HttpRequest) -> Value {
    serde_json::from_slice(request.body.as_ref().expect("a body").as_slice()).expect("a JSON body")
}

pub(super) fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(String::as_str)
}

/// The headers of every write: the secret key, the step's idempotency key, retry-safe.
pub(super) fn assert_write(request: &HttpRequest, method: HttpMethod, key: &str) {
    assert_eq!(request.method, method);
    assert_eq!(
        header(request, "Authorization"),
        Some(format!("Bearer {SECRET_KEY}").as_str())
    );
    assert_eq!(header(request, "Cko-Idempotency-Key"), Some(key));
    assert!(
        request.retry_safe,
        "Checkout.com deduplicates by Cko-Idempotency-Key"
    );
}

pub(super) fn assert_code(error: &Error, code: ErrorCode) {
    assert_eq!(error.code(), code, "{error}");
}
