//! Unit tests of the Adyen connector, one file per source file: Adyen's published example
//! payloads (Checkout API v68, Disputes API v30 and Webhooks API references) through the
//! parsers, the HMAC test vector of the Adyen Python API library, the mapping tables, and
//! request building.

mod amounts;
mod config;
mod disputes;
mod errors;
mod modifications;
mod payments;
mod published;
mod secrets;
mod webhooks;
mod wire;

use serde_json::Value;

use super::{Adyen, AdyenConfig};
use crate::client::Environment;
use crate::connectors::Endpoint;
use crate::error::{ErrorCode, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::money::{Currency, Money};
use crate::secret::{CardNumber, Secret};
use crate::types::*;

/// The HMAC key of the Adyen Python API library's test vector (`test/UtilTest.py`,
/// `test_notification_request_item_hmac`).
pub(super) const HMAC_KEY_HEX: &str =
    "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
pub(super) const API_KEY: &str = "AQEyhmfxK4_TEST_API_KEY_do_not_print";
pub(super) const DISPUTE_KEY: &str = "AQEyhmfxK4_DISPUTE_REVIEW_KEY_secret";
pub(super) const MERCHANT: &str = "TestMerchant";
pub(super) const IDEMPOTENCY_KEY: &str = "5b1f6b2e-4a47-4c55-9f0e-2f6a1c7d9e10";
pub(super) const CARD_NUMBER: &str = "4111111111111111";
pub(super) const CVC: &str = "737";

pub(super) fn config() -> AdyenConfig {
    let mut c = AdyenConfig::new(API_KEY, MERCHANT);
    c.webhook_hmac_key = Some(Secret::new(HMAC_KEY_HEX.to_string()));
    c
}

pub(super) fn sandbox_endpoint() -> Endpoint {
    Endpoint::new(Environment::Sandbox, None).unwrap()
}

pub(super) fn connector() -> Adyen {
    Adyen::new(&config(), &sandbox_endpoint()).unwrap()
}

pub(super) fn cx() -> FlowContext {
    FlowContext::new(IDEMPOTENCY_KEY)
}

pub(super) fn card() -> Card {
    let mut card = Card::new(CardNumber::new(CARD_NUMBER).unwrap(), 3, 2030);
    card.cvc = Some(Secret::new(CVC.to_string()));
    card.holder_name = Some("John Smith".to_string());
    card
}

pub(super) fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub(super) fn money(minor: i64, code: &str) -> Money {
    Money::new(minor, Currency::new(code).unwrap())
}

pub(super) fn authorize_request() -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(usd(1000), "order-42", PaymentMethod::Card(card()));
    r.return_url = Some("https://shop.example/return?order=42".to_string());
    r
}

pub(super) fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(status, body.as_bytes().to_vec())
}

/// The request of a flow's first step.
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

/// The error of a step.
pub(super) fn failed<T: std::fmt::Debug>(step: Result<Step<T>>) -> crate::error::Error {
    step.expect_err("the flow should fail")
}

pub(super) fn body(request: &HttpRequest) -> Value {
    serde_json::from_slice(request.body.as_ref().expect("a body").as_slice()).expect("a JSON body")
}

/// Checks the headers every Adyen request carries.
pub(super) fn assert_adyen_headers(request: &HttpRequest, api_key: &str) {
    assert_eq!(request.method, HttpMethod::Post);
    assert_eq!(
        request.headers.get("X-API-Key").map(String::as_str),
        Some(api_key)
    );
    assert_eq!(
        request.headers.get("Content-Type").map(String::as_str),
        Some("application/json")
    );
    assert_eq!(
        request.headers.get("Idempotency-Key").map(String::as_str),
        Some(IDEMPOTENCY_KEY)
    );
    assert!(request.retry_safe, "Adyen deduplicates by Idempotency-Key");
}

pub(super) fn assert_code(error: &crate::error::Error, code: ErrorCode) {
    assert_eq!(error.code(), code, "{error}");
}
