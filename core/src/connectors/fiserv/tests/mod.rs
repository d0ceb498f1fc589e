//! Unit tests of the Fiserv connector: the signature test vector, every example payload of the
//! Commerce Hub documentation used by the documentation (the Fiserv Commerce Hub API docs) through
//! the parsers, the state and error mapping tables, and request building.

mod amounts;
mod config;
mod errors;
mod payments;
mod published;
mod refunds;
mod signing;
mod wallets;
mod wire;

use serde_json::Value;

use super::{Fiserv, FiservConfig};
use crate::client::Environment;
use crate::connectors::Endpoint;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::money::{Currency, Money};
use crate::secret::{CardNumber, Secret};
use crate::types::*;

pub(super) const API_KEY: &str = "fiserv-test-api-key";
pub(super) const API_SECRET: &str = "fiserv-test-api-secret-do-not-print";
/// The sandbox example identifiers of the CH docs.
pub(super) const MERCHANT_ID: &str = "100008000003683";
pub(super) const TERMINAL_ID: &str = "10000001";
pub(super) const IDEMPOTENCY_KEY: &str = "2f1c4e7a-9b3d-4c55-8e0f-1a2b3c4d5e6f";
pub(super) const TIMESTAMP_MS: u64 = 1_700_000_000_000;
pub(super) const CARD_NUMBER: &str = "4005550000000019";

pub(super) fn config() -> FiservConfig {
    FiservConfig::new(API_KEY, API_SECRET, MERCHANT_ID, TERMINAL_ID)
}

pub(super) fn sandbox() -> Endpoint {
    Endpoint::new(Environment::Sandbox, None).unwrap()
}

pub(super) fn connector() -> Fiserv {
    Fiserv::new(&config(), &sandbox()).unwrap()
}

pub(super) fn cx() -> FlowContext {
    FlowContext {
        idempotency_key: IDEMPOTENCY_KEY.to_string(),
        timestamp_ms: TIMESTAMP_MS,
    }
}

pub(super) fn card() -> Card {
    let mut card = Card::new(CardNumber::new(CARD_NUMBER).unwrap(), 2, 2035);
    card.cvc = Some(Secret::new("123".to_string()));
    card
}

pub(super) fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub(super) fn money(minor: i64, code: &str) -> Money {
    Money::new(minor, Currency::new(code).unwrap())
}

pub(super) fn authorize_request(capture: CaptureMethod) -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(usd(1204), "order-42-attempt-1", PaymentMethod::Card(card()));
    r.capture_method = capture;
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
pub(super) fn failed<T: std::fmt::Debug>(step: Result<Step<T>>) -> Error {
    step.expect_err("the flow should fail")
}

pub(super) fn body(request: &HttpRequest) -> Value {
    serde_json::from_slice(request.body.as_ref().expect("a body").as_slice()).expect("a JSON body")
}

pub(super) fn body_text(request: &HttpRequest) -> String {
    String::from_utf8(request.body.as_ref().expect("a body").0.clone()).unwrap()
}

pub(super) fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(String::as_str)
}

pub(super) fn assert_code(error: &Error, code: ErrorCode) {
    assert_eq!(error.code(), code, "{error}");
}

// ---------------------------------------------------------------------------------------------
// Example payloads (CH OAS 1.24.11 and CH docs pages, as the documentation quotes them)
// ---------------------------------------------------------------------------------------------

/// CH OAS `PaymentCardChargesResponse` (also CH docs `Charges.md`), HTTP 201.
pub(super) const CHARGE_SUCCESS: &str = r#"{"gatewayResponse":{"transactionType":"CHARGE","transactionState":"AUTHORIZED","transactionOrigin":"ECOM",
  "transactionProcessingDetails":{"transactionTimestamp":"2021-06-20T23:42:48Z","orderId":"RKOrdID-525133851837",
   "apiTraceId":"362866ac81864d7c9d1ff8b5aa6e98db","clientRequestId":"4345791","transactionId":"84356531338"}},
 "source":{"sourceType":"PaymentCard","card":{"bin":"40055500","last4":"0019","scheme":"VISA","expirationMonth":"10","expirationYear":"2030"}},
 "paymentReceipt":{"approvedAmount":{"total":12.04,"currency":"USD"},"merchantName":"Merchant Name",
  "processorResponseDetails":{"approvalStatus":"APPROVED","approvalCode":"OK5882","schemeTransactionId":"0225MCC625628",
   "processor":"FISERV","host":"NASHVILLE","responseCode":"000","responseMessage":"APPROVAL","hostResponseCode":"00",
   "hostResponseMessage":"APPROVAL","localTimestamp":"2021-06-20T23:42:48Z",
   "bankAssociationDetails":{"associationResponseCode":"000","transactionTimestamp":"2021-06-20T23:42:48Z"}}},
 "transactionDetails":{"captureFlag":true,"merchantInvoiceNumber":"123456789012"}}"#;

/// CH docs `docs/Archive/Test-Declines.md`, request total 5006.00, HTTP 201.
pub(super) const CHARGE_DECLINED: &str = r#"{"gatewayResponse":{"transactionType":"CHARGE","transactionState":"DECLINED","transactionOrigin":"ECOM",
  "transactionProcessingDetails":{"transactionTime":"2021-06-20T23:42:48Z","orderId":"RKOrdID-525133851837",
   "apiTraceId":"362866ac81864d7c9d1ff8b5aa6e98db","clientRequestId":"4345791","transactionId":"84356531338"}},
 "source":{"sourceType":"PaymentCard","card":{"bin":"40055500","last4":"0019","scheme":"VISA","expirationMonth":"10","expirationYear":"2030"}},
 "paymentReceipt":{"merchantName":"Merchant Name",
  "processorResponseDetails":{"approvalStatus":"DECLINED","schemeTransactionId":"0225MCC625628","processor":"FISERV",
   "host":"NASHVILLE","responseCode":"006","responseMessage":"DECLINED","hostResponseCode":"51","hostResponseMessage":"Declined",
   "localTimestamp":"2021-06-20T23:42:48Z","bankAssociationDetails":{"associationResponseCode":"000","transactionTimestamp":"2021-06-20T23:42:48Z"}}},
 "transactionDetails":{"captureFlag":true,"merchantInvoiceNumber":"123456789012"}}"#;

/// CH OAS `TransactionInquiryResponse` (abridged in the documentation); `total` is a string here.
pub(super) const INQUIRY: &str = r#"[{"gatewayResponse":{"transactionOrigin":"ECOM","transactionProcessingDetails":{"apiTraceId":"aa829dcb83cd49f485141168e051b8d1","clientRequestId":"9806383","orderId":"CHG01586b6416dddd4425ae764daee6c3ac8a","transactionId":"95f6b8c8ec024e1183a8e998406656ce","transactionTimestamp":"2022-01-13T19:09:27.939151Z"},"transactionState":"CAPTURED","transactionType":"CHARGE"},"paymentReceipt":{"approvedAmount":{"currency":"USD","total":"690"}}}]"#;

/// CH OAS `ErrorResponse` / CH docs `Error-Response.md`, HTTP 400.
pub(super) const VALIDATION_ERROR: &str = r#"{"gatewayResponse":{"transactionProcessingDetails":{"apiTraceId":"7027b61dbf7645399d204dbfa0de0870","clientRequestId":"9bb0664a21fc48e3a1cef1f067fced3f"}},
 "error":[{"type":"GATEWAY","code":"105","field":"amount.currency","message":"Invalid amount or currency"}]}"#;

/// A transaction answer with the given type, state and approval status, in the documented
/// envelope.
pub(super) fn transaction(kind: &str, state: &str, approval: &str, id: &str) -> String {
    format!(
        r#"{{"gatewayResponse":{{"transactionType":"{kind}","transactionState":"{state}","transactionOrigin":"ECOM",
  "transactionProcessingDetails":{{"orderId":"RKOrdID-525133851837","apiTraceId":"trace-{id}","clientRequestId":"4345791","transactionId":"{id}"}}}},
 "paymentReceipt":{{"approvedAmount":{{"total":12.04,"currency":"USD"}},
  "processorResponseDetails":{{"approvalStatus":"{approval}","approvalCode":"OK5882","responseCode":"000","responseMessage":"APPROVAL","hostResponseCode":"00","hostResponseMessage":"APPROVAL"}}}}}}"#
    )
}
