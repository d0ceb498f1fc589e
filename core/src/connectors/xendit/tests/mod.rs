//! Unit tests of the Xendit connector: every example payload of the Xendit documentation (the
//! illustrative requests and answers, the verbatim Python SDK callbacks, the error codes)
//! through the builders and parsers, the status tables, amounts and callback verification.

mod amounts;
mod config;
mod errors;
mod ewallets;
mod payments;
mod published;
mod refunds;
mod webhooks;
mod wire;

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Xendit, XenditConfig};
use crate::client::Environment;
use crate::connectors::Endpoint;
use crate::error::{ErrorCode, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::money::{Currency, Money};
use crate::secret::{CardNumber, Secret};
use crate::types::*;

pub(super) const SECRET_KEY: &str = "xnd_development_TEST_SECRET_do_not_print";
pub(super) const CALLBACK_TOKEN: &str = "cb-token-current-0123456789";
pub(super) const OLD_CALLBACK_TOKEN: &str = "cb-token-previous-9876543210";
pub(super) const IDEMPOTENCY_KEY: &str = "7d2c1f0e-5b4a-4c3d-8e9f-0a1b2c3d4e5f";
/// The documented 3-D Secure test card (Xendit docs "Test Scenarios").
pub(super) const CARD_NUMBER: &str = "4000000000001091";
pub(super) const CVV: &str = "123";

pub(super) fn config() -> XenditConfig {
    XenditConfig::new(SECRET_KEY)
        .callback_token(CALLBACK_TOKEN)
        .callback_token(OLD_CALLBACK_TOKEN)
}

pub(super) fn endpoint() -> Endpoint {
    Endpoint::new(Environment::Sandbox, None).unwrap()
}

pub(super) fn connector() -> Xendit {
    Xendit::new(&config(), &endpoint()).unwrap()
}

pub(super) fn cx() -> FlowContext {
    FlowContext::new(IDEMPOTENCY_KEY)
}

pub(super) fn card() -> Card {
    let mut card = Card::new(CardNumber::new(CARD_NUMBER).unwrap(), 12, 2027);
    card.cvc = Some(Secret::new(CVV.to_string()));
    card.holder_name = Some("Joseph Doe".to_string());
    card
}

pub(super) fn customer() -> Customer {
    Customer {
        id: Some("cust-42".to_string()),
        email: Some("joseph@example.com".to_string()),
        phone: Some("+6281234567890".to_string()),
        first_name: Some("Joseph".to_string()),
        last_name: Some("Doe".to_string()),
        ip_address: None,
    }
}

pub(super) fn money(minor: i64, code: &str) -> Money {
    Money::new(minor, Currency::new(code).unwrap())
}

pub(super) fn idr(major: i64) -> Money {
    money(major * 100, "IDR")
}

/// The documented illustrative authorization (Xendit API reference, "Authorize — POST /payment_requests"): IDR 10,000, automatic capture, 3-D Secure.
pub(super) fn authorize_request() -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(idr(10_000), "order-42", PaymentMethod::Card(card()));
    r.customer = Some(customer());
    r.return_url = Some("https://merchant.example/return".to_string());
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

pub(super) fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `Basic base64("<secret_key>:")`.
pub(super) fn expected_authorization() -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{SECRET_KEY}:"))
    )
}

pub(super) fn assert_code(error: &crate::error::Error, code: ErrorCode) {
    assert_eq!(error.code(), code, "{error}");
}

pub(super) fn headers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Xendit API reference, "Authorize — 3DS required": the illustrative answer of a card authorization that needs 3-D Secure.
pub(super) const AUTHORIZE_3DS: &str = r#"{"id": "pr-1fdaf346-dd2e-4b6c-b938-124c7167a822", "business_id": "5f27a14a9bf05c73dd040bc8",
 "reference_id": "order-42", "created": "2025-01-01T00:00:00Z", "updated": "2025-01-01T00:00:00Z",
 "currency": "IDR", "amount": 10000, "country": "ID", "capture_method": "AUTOMATIC", "initiator": null,
 "payment_method": {"id": "pm-2b2c6092-2100-4843-a7fc-f5c7edac7efd", "type": "CARD", "reusability": "ONE_TIME_USE",
   "status": "PENDING", "reference_id": "order-42-pm",
   "card": {"currency": "IDR",
            "channel_properties": {"skip_three_d_secure": false,
                                   "success_return_url": "https://merchant.example/return/success",
                                   "failure_return_url": "https://merchant.example/return/failure"},
            "card_information": {"masked_card_number": "400000XXXXXX1091", "expiry_month": "12", "expiry_year": "2027",
                                 "cardholder_name": "Joseph Doe", "network": "VISA", "type": "CREDIT", "country": "US"}}},
 "status": "REQUIRES_ACTION", "failure_code": null,
 "actions": [{"action": "AUTH", "url_type": "WEB", "method": "GET", "url": "https://xendit-3ds.example/auth/pr-1fdaf346", "qr_code": null}],
 "metadata": null}"#;

/// Xendit API reference, "Authorize — declined": the same object, declined.
pub(super) fn authorize_declined() -> String {
    let mut v: Value = serde_json::from_str(AUTHORIZE_3DS).unwrap();
    v["status"] = "FAILED".into();
    v["failure_code"] = "DECLINED_BY_ISSUER".into();
    v["actions"] = Value::Array(vec![]);
    v.to_string()
}

/// Xendit API reference, "Authorize — 3DS required" with another status (and capture method).
pub(super) fn payment_request_with(status: &str, capture_method: &str) -> String {
    let mut v: Value = serde_json::from_str(AUTHORIZE_3DS).unwrap();
    v["status"] = status.into();
    v["capture_method"] = capture_method.into();
    v["actions"] = Value::Array(vec![]);
    v.to_string()
}
