//! Elavon Converge: the XML API (`processxml.do`), as described in
//! the Elavon Converge developer guide. One endpoint takes a form post whose `xmldata` field is
//! a `<txn>` document; the operation is its `ssl_transaction_type`; the credentials are inside
//! the document; every answer is HTTP 200 with an XML body, errors included. `txnquery` looks
//! a transaction up by `ssl_txn_id`, or searches by date range (`ssl_search_start_date`,
//! `ssl_search_end_date`) narrowed by card suffix and invoice number, answering a `<txnlist>`.
//!
//! Sandbox choices where the documentation leaves a gap are listed in the README ("Elavon").

use std::collections::HashMap;
use std::sync::Mutex;

use http::{Method, StatusCode};
use serde_json::{json, Value};
use subtle::ConstantTimeEq;

use crate::processor::{Context, Processor, Request, Response};
use crate::util::lock;

mod testdata;
mod transactions;
mod xml;

use transactions::{State, TransStatus};
use xml::Fields;

/// The Converge account id (`ssl_merchant_id`) the sandbox accepts.
pub const MERCHANT_ID: &str = "0019542";
/// The API user (`ssl_user_id`).
pub const USER_ID: &str = "sbxapiuser";
/// The terminal PIN (`ssl_pin`): 64 upper-case letters and digits, like Converge's.
pub const PIN: &str = "K7Q2W9E3R5T8Y1U4I6O0P3A5S7D9F2G4H6J8L1Z3X5C7V9B2N4M6Q8W0E2R4T6Y8";

/// The answer's content type.
const XML_CONTENT_TYPE: &str = "text/xml;charset=UTF-8";

/// Sandbox-only hooks below the processor's prefix (no credentials).
const HOOKS_PREFIX: &str = "/_sandbox/";

/// The paths of the XML API: the demo's, production's, and the bare file name for clients
/// whose base URL already holds the application path.
const XML_PATHS: [&str; 3] = [
    "/VirtualMerchantDemo/processxml.do",
    "/VirtualMerchant/processxml.do",
    "/processxml.do",
];

pub struct Elavon {
    state: Mutex<State>,
}

impl Elavon {
    pub fn new() -> Elavon {
        Elavon {
            state: Mutex::new(State::default()),
        }
    }
}

impl Default for Elavon {
    fn default() -> Self {
        Elavon::new()
    }
}

/// A Converge error document (`errorCode`, `errorName`, `errorMessage`), always HTTP 200.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: u16,
    pub name: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(code: u16, name: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            name,
            message: message.into(),
        }
    }

    /// 4009 Required Field Not Supplied, naming the field.
    pub fn required(field: &str) -> ApiError {
        ApiError::new(
            4009,
            "Required Field Not Supplied",
            format!("The field {field} is required for this transaction type."),
        )
    }

    /// 4009 for a field whose value is not allowed.
    pub fn invalid_value(field: &str, allowed: &str) -> ApiError {
        ApiError::new(
            4009,
            "Required Field Not Supplied",
            format!("The field {field} must be {allowed}."),
        )
    }

    /// 5040 Invalid Transaction ID.
    pub fn invalid_txn_id() -> ApiError {
        ApiError::new(
            5040,
            "Invalid Transaction ID",
            "The transaction ID is invalid for this transaction type.",
        )
    }

    /// 5091 Invalid amount (above what the original transaction allows).
    pub fn amount_above_original() -> ApiError {
        ApiError::new(
            5091,
            "Invalid amount",
            "Amount must be equal or lower than the original transaction amount.",
        )
    }

    fn document(&self) -> String {
        xml::txn_document(&[
            ("errorCode", self.code.to_string()),
            ("errorName", self.name.to_string()),
            ("errorMessage", self.message.clone()),
        ])
    }
}

/// An answer: the fields of a `<txn>`, or several `<txn>` in a `<txnlist>`.
#[derive(Debug)]
pub enum Answer {
    Txn(Vec<(&'static str, String)>),
    List(Vec<Vec<(&'static str, String)>>),
}

fn xml_response(body: String) -> Response {
    Response::new(StatusCode::OK, XML_CONTENT_TYPE, body)
}

fn html_page(status: StatusCode, title: &str) -> Response {
    Response::html(
        status,
        format!(
            "<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>",
            title = crate::util::html_escape(title)
        ),
    )
}

/// The `<txn>` document of a request: the `xmldata` form field, URL-encoded as a form post
/// should be, or raw (`xmldata=<txn>...`, as some clients send it after removing every `&`).
fn xmldata(request: &Request) -> Option<String> {
    let body = std::str::from_utf8(&request.body).ok()?;
    let trimmed = body.trim_start();
    if let Some(raw) = trimmed.strip_prefix("xmldata=") {
        if raw.contains('<') {
            return Some(raw.to_string());
        }
    }
    request
        .form_pairs()
        .into_iter()
        .find(|(k, _)| k == "xmldata")
        .map(|(_, v)| v)
}

/// Constant-time comparison of a credential.
fn same(given: &str, expected: &str) -> bool {
    given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// The three credentials: missing ones are 4000 / 4019 / 4013, wrong ones 4025.
fn check_credentials(fields: &Fields) -> Result<(), ApiError> {
    // `ssl_account_id` has been used for the same value as `ssl_merchant_id`.
    let merchant = fields
        .get("ssl_merchant_id")
        .or_else(|| fields.get("ssl_account_id"));
    let Some(merchant) = merchant else {
        return Err(ApiError::new(
            4000,
            "VID Not Supplied",
            "The Converge ID was not supplied in the authorization request.",
        ));
    };
    let Some(user) = fields.get("ssl_user_id") else {
        return Err(ApiError::new(
            4019,
            "User ID not supplied",
            "The User ID was not supplied in the authorization request.",
        ));
    };
    let Some(pin) = fields.get("ssl_pin") else {
        return Err(ApiError::new(
            4013,
            "PIN Not Supplied",
            "The PIN was not supplied in the authorization request.",
        ));
    };
    let ok = same(merchant, MERCHANT_ID) & same(user, USER_ID) & same(pin, PIN);
    if !ok {
        return Err(ApiError::new(
            4025,
            "Invalid Credentials",
            "The credentials supplied in the authorization request are invalid.",
        ));
    }
    Ok(())
}

impl Elavon {
    fn process(&self, request: &Request) -> Result<Answer, ApiError> {
        let Some(document) = xmldata(request) else {
            return Err(ApiError::new(
                4009,
                "Required Field Not Supplied",
                "The request has no xmldata field.",
            ));
        };
        let fields = xml::parse_txn(&document).map_err(|reason| {
            ApiError::new(
                4009,
                "Required Field Not Supplied",
                format!("The xmldata field is not a valid <txn> document: {reason}."),
            )
        })?;
        check_credentials(&fields)?;
        let Some(kind) = fields.get("ssl_transaction_type") else {
            return Err(ApiError::required("ssl_transaction_type"));
        };
        let kind = kind.to_ascii_lowercase();
        let mut state = lock(&self.state);
        match kind.as_str() {
            "ccsale" => state.sale(&fields, false),
            "ccauthonly" => state.sale(&fields, true),
            "cccomplete" => state.complete(&fields),
            "ccreturn" => state.refund(&fields),
            "ccdelete" => state.delete(&fields),
            "ccvoid" => state.void(&fields),
            "txnquery" => state.query(&fields),
            "ccverify" => state.verify(&fields),
            "ccgettoken" => state.get_token(&fields),
            _ => Err(ApiError::new(
                4010,
                "Invalid Transaction Type",
                "The authorization request included an invalid Transaction Type",
            )),
        }
    }

    /// `/_sandbox/...` below `/elavon`: batch close and transaction overrides.
    fn hook(&self, request: &Request, path: &str) -> Response {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let mut state = lock(&self.state);
        let result: Result<Value, (StatusCode, String)> =
            match (&request.method, segments.as_slice()) {
                (&Method::POST, ["batch", "close"]) => Ok(state.close_batch()),
                (&Method::GET, ["transactions", id]) => state
                    .describe(id)
                    .ok_or((StatusCode::NOT_FOUND, format!("unknown transaction {id}"))),
                (&Method::POST, ["transactions", id]) => match request.json() {
                    Ok(body) => hook_update(&mut state, id, &body),
                    Err(_) => Err((
                        StatusCode::BAD_REQUEST,
                        "the body must be a JSON object".into(),
                    )),
                },
                (_, ["batch", "close"]) | (_, ["transactions", _]) => {
                    Err((StatusCode::METHOD_NOT_ALLOWED, "method not allowed".into()))
                }
                _ => Err((StatusCode::NOT_FOUND, "unknown sandbox hook".into())),
            };
        match result {
            Ok(value) => Response::json(StatusCode::OK, &value),
            Err((status, message)) => Response::json(status, &json!({ "error": message })),
        }
    }
}

/// `POST /_sandbox/transactions/{id}` with `{"trans_status"?: "REV", "query_format"?: "txnlist"}`.
fn hook_update(state: &mut State, id: &str, body: &Value) -> Result<Value, (StatusCode, String)> {
    let Some(obj) = body.as_object() else {
        return Err((
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object".into(),
        ));
    };
    let status = match obj.get("trans_status") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match TransStatus::parse(s) {
            Some(status) => Some(status),
            None => {
                return Err((
                    StatusCode::BAD_REQUEST,
                    "trans_status must be 1 to 8 upper-case letters (PEN, OPN, REV, STL, PST, FPR, PRE, ...)"
                        .into(),
                ))
            }
        },
        Some(_) => {
            return Err((
                StatusCode::BAD_REQUEST,
                "trans_status must be a string".into(),
            ))
        }
    };
    let as_list = match obj.get("query_format") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s == "txnlist" => Some(true),
        Some(Value::String(s)) if s == "txn" => Some(false),
        Some(_) => {
            return Err((
                StatusCode::BAD_REQUEST,
                "query_format must be \"txn\" or \"txnlist\"".into(),
            ))
        }
    };
    state
        .override_transaction(id, status, as_list)
        .ok_or((StatusCode::NOT_FOUND, format!("unknown transaction {id}")))
}

impl Processor for Elavon {
    fn name(&self) -> &'static str {
        "elavon"
    }

    fn ledger(&self) -> Vec<Value> {
        transactions::ledger::entries(&lock(&self.state))
    }

    fn reset(&self) {
        *lock(&self.state) = State::default();
    }

    fn credentials(&self) -> Value {
        json!({
            "type": "elavon",
            "merchant_id": MERCHANT_ID,
            "user_id": USER_ID,
            "pin": PIN,
        })
    }

    fn handle(&self, request: &Request, _ctx: &Context) -> Response {
        if let Some(rest) = request.path.strip_prefix(HOOKS_PREFIX) {
            return self.hook(request, rest);
        }
        if !XML_PATHS.contains(&request.path.as_str()) {
            return html_page(StatusCode::NOT_FOUND, "404 Not Found");
        }
        if request.method != Method::POST {
            return html_page(StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed");
        }
        let body = match self.process(request) {
            Ok(Answer::Txn(fields)) => xml::txn_document(&fields),
            Ok(Answer::List(txns)) => xml::txnlist_document(&txns),
            Err(error) => error.document(),
        };
        xml_response(body)
    }

    fn error_response(&self, status: StatusCode) -> Response {
        let title = format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("Error")
        );
        html_page(status, &title)
    }

    fn malformed_response(&self) -> Response {
        xml_response(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><txn><ssl_result>0</ssl_result><ssl_txn_id>"
                .to_string(),
        )
    }
}

/// Transactions are kept by `ssl_txn_id`; tokens by `ssl_token`.
pub type Map<T> = HashMap<String, T>;
