//! Converge answers into documents, declines and unified errors.
//!
//! Converge answers HTTP 200 to everything (Converge developer docs, "Error codes"): the
//! outcome is read from the XML, never from the status.
//!
//! | signal | result |
//! |---|---|
//! | HTTP 5xx, or a body that is not XML | `processor_unavailable` |
//! | a DOCTYPE, an undeclared entity, an oversized or over-deep document | `invalid_response` (never expanded) |
//! | `<txn>` with `errorCode` (other than `0`, which is no error) | the class of the code (table in [`error_code_class`]) |
//! | `<txn>` with `ssl_result` ≠ `0` | a decline: a `failure` response with [`DeclineDetails`] |
//! | `<txn>` with neither | `invalid_response` |

use super::wire::{self, Document, Txn};
use super::xml::{self, XmlFailure};
use crate::error::{Error, ErrorCode};
use crate::http::HttpResponse;
use crate::mask::mask_text;
use crate::types::DeclineDetails;

/// The unified class of a Converge `errorCode` (Converge developer docs, "Error codes").
pub fn error_code_class(code: &str) -> ErrorCode {
    match code.trim() {
        // Gateway not responding, gateway / adapter generated error, processing error, time-out,
        // system unavailable.
        "3000" | "3001" | "3002" | "3003" | "4017" | "4022" => ErrorCode::ProcessorUnavailable,
        // Converge ID (VID) not supplied, HTTP POST not allowed for this account or referrer, PIN
        // or user id not supplied, not permitted / permission denied for this transaction type,
        // invalid credentials.
        "4000" | "4002" | "4003" | "4013" | "4019" | "4014" | "4016" | "4025" => {
            ErrorCode::Authentication
        }
        // E-mail invalid, CVV2 indicator or data missing, required field missing, invalid
        // transaction type, settlement in progress (void failed), card number invalid, invalid
        // approval code, invalid amount (a refund above the original).
        "4005" | "4006" | "4007" | "4009" | "4010" | "4018" | "5000" | "5004" | "5091" => {
            ErrorCode::InvalidRequest
        }
        // Invalid transaction id: unknown, or not valid for this transaction type (e.g. voided
        // twice).
        "5040" => ErrorCode::NotFound,
        _ => ErrorCode::ProcessorError,
    }
}

/// Reads a Converge answer into its document, or the error it amounts to. `retry_safe` is
/// whether the request can be resent without acting twice (only `txnquery`): a transient
/// failure is retryable only then.
pub fn read_document(response: &HttpResponse, retry_safe: bool) -> Result<Document, Error> {
    if response.status >= 500 {
        let body = xml::body_text(response.body.as_slice()).unwrap_or_default();
        return Err(unavailable(
            response,
            format!(
                "Elavon answered HTTP {}{}",
                response.status,
                reason_suffix(&body)
            ),
            retry_safe,
        ));
    }
    wire::parse_document(response.body.as_slice()).map_err(|failure| match failure {
        XmlFailure::NotXml(reason) => {
            let body = xml::body_text(response.body.as_slice()).unwrap_or_default();
            unavailable(
                response,
                format!(
                    "Elavon answered HTTP {} with a body that is not a Converge XML document ({reason}){}",
                    response.status,
                    reason_suffix(&body)
                ),
                retry_safe,
            )
        }
        XmlFailure::Refused(reason) => invalid_response(
            response,
            format!("Elavon's answer was refused unparsed: {reason}"),
        ),
        XmlFailure::Unexpected(reason) => invalid_response(response, reason),
    })
}

/// The `<txn>` of an answer: the flat document, or the entry of a `<txnlist>` with `txn_id`.
pub fn read_txn(
    response: &HttpResponse,
    retry_safe: bool,
    txn_id: Option<&str>,
) -> Result<Txn, Error> {
    match read_document(response, retry_safe)?.into_txn(txn_id) {
        Some(txn) => Ok(txn),
        None => Err(invalid_response(
            response,
            "Elavon's <txnlist> answer holds no transaction with the requested ssl_txn_id",
        )),
    }
}

/// The unified error of a Converge error document (`errorCode`, `errorName`, `errorMessage`).
/// Matches on the code only: merchants can change the messages.
pub fn error_document(response: &HttpResponse, txn: &Txn, retry_safe: bool) -> Error {
    let code = txn.error_code.clone().unwrap_or_default();
    let class = error_code_class(&code);
    let message = txn.error_message.clone().or_else(|| txn.error_name.clone());
    let text = match (&txn.error_name, &txn.error_message) {
        (Some(name), Some(msg)) => format!("Elavon error {code} ({name}): {msg}"),
        (Some(only), None) | (None, Some(only)) => format!("Elavon error {code}: {only}"),
        (None, None) => format!("Elavon error {code}"),
    };
    let mut e = Error::new(class, text);
    e.http_status = Some(response.status);
    e.processor_code = Some(mask_text(&code));
    e.processor_message = message.map(|m| mask_text(&m));
    e.request_id = txn.ssl_txn_id.clone();
    e.retryable = class.is_transient() && retry_safe;
    e
}

/// The `invalid_response` error of a `<txn>` with neither `errorCode` nor `ssl_result`.
pub fn unknown_document(response: &HttpResponse, txn: &Txn) -> Error {
    invalid_response(
        response,
        "Elavon's answer has neither ssl_result nor errorCode; the outcome is unknown \
         (reconcile with txnquery before retrying)",
    )
    .with_request_id(txn.ssl_txn_id.clone())
}

/// The decline details of a `<txn>` whose `ssl_result` is not `0`.
pub fn decline_details(txn: &Txn) -> DeclineDetails {
    DeclineDetails {
        code: txn.ssl_result.clone(),
        message: txn.ssl_result_message.clone(),
        reason: None,
        network_decline_code: txn.ssl_issuer_response.clone(),
        network_advice_code: None,
    }
}

/// An `invalid_response` error about an answer.
pub fn invalid_response(response: &HttpResponse, message: impl Into<String>) -> Error {
    let mut e = Error::invalid_response(message);
    e.http_status = Some(response.status);
    e
}

fn unavailable(response: &HttpResponse, message: String, retry_safe: bool) -> Error {
    let mut e = Error::new(ErrorCode::ProcessorUnavailable, message);
    e.http_status = Some(response.status);
    e.retryable = retry_safe;
    e
}

/// `: <body>` (masked, shortened) when there is a body.
fn reason_suffix(body: &str) -> String {
    if body.is_empty() {
        String::new()
    } else {
        format!(
            ": {}",
            xml::truncate(&crate::mask::mask_body(body.as_bytes()), 300)
        )
    }
}
