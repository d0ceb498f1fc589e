//! Charges (authorizations, sales and captures), cancels, refunds, transaction inquiry,
//! tokenisation and account verification (CH docs `Payments/{Charges,Capture,Cancel,Refund,
//! Inquiry}.md`, `Payments_VAS/Payment-Token.md`).

use std::time::{Duration, SystemTime};

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::amount::{self, Amount, AmountError};
use super::cards::{self, Script};
use super::{ApiError, ApiResult, Call, State, HEX};
use crate::processor::Response;
use crate::util::{current_year_month, random_string, valid_card_number, UPPER_ALNUM};

const DIGITS: &[u8] = b"0123456789";

/// The longest `merchantTransactionId` / `merchantOrderId` (CH docs `Transaction-Details.md`).
const MAX_MERCHANT_ID_LEN: usize = 128;

/// The documented `reversalReasonCode` values (CH docs `Cancel.md`).
const REVERSAL_REASONS: &[&str] = &[
    "VOID",
    "SUSPECTED_FRAUD",
    "TIMEOUT",
    "CARD_OVERRIDE",
    "EDIT_ERROR",
    "MAC_VERIFICATION_ERROR",
    "MAC_SYNCH_ERROR",
    "ENCRYPTION_ERROR",
    "SYSTEM_ERROR",
];

/// `gatewayResponse.transactionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Charge,
    Capture,
    Cancel,
    Refund,
    Tokenize,
    Verification,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Charge => "CHARGE",
            Kind::Capture => "CAPTURE",
            Kind::Cancel => "CANCEL",
            Kind::Refund => "REFUND",
            Kind::Tokenize => "TOKENIZE",
            Kind::Verification => "VERIFICATION",
        }
    }
}

/// A card the sandbox knows by token (never its number).
#[derive(Debug, Clone)]
pub struct StoredCard {
    bin: String,
    last4: String,
    scheme: String,
}

/// `paymentReceipt.processorResponseDetails`, the issuer's side.
#[derive(Debug, Clone)]
struct Outcome {
    approval_status: &'static str,
    approval_code: Option<String>,
    response_code: String,
    response_message: &'static str,
    host_code: &'static str,
    host_message: &'static str,
    /// `bankAssociationDetails.avsSecurityCodeResponse`, from the CVV and AVS scripts.
    avs_security: Option<Value>,
}

impl Outcome {
    fn approved() -> Outcome {
        Outcome {
            approval_status: "APPROVED",
            approval_code: Some(format!("OK{}", random_string(4, DIGITS))),
            response_code: "000".to_string(),
            response_message: "APPROVAL",
            host_code: "00",
            host_message: "APPROVAL",
            avs_security: None,
        }
    }

    fn declined(code: &str) -> Outcome {
        let (message, host_code, host_message) = cards::decline_texts(code);
        Outcome {
            approval_status: "DECLINED",
            approval_code: None,
            response_code: code.to_string(),
            response_message: message,
            host_code,
            host_message,
            avs_security: None,
        }
    }

    fn is_approved(&self) -> bool {
        self.approval_status == "APPROVED"
    }
}

/// One Commerce Hub transaction.
#[derive(Debug, Clone)]
pub struct Transaction {
    seq: u64,
    id: String,
    order_id: String,
    kind: Kind,
    /// `transactionState`: `AUTHORIZED`, `CAPTURED`, `VOIDED`, `DECLINED`, `CHECKED`.
    state: &'static str,
    /// The amount asked for (and approved, when approved).
    amount: Option<Amount>,
    outcome: Outcome,
    capture_flag: Option<bool>,
    merchant_transaction_id: Option<String>,
    merchant_order_id: Option<String>,
    client_request_id: String,
    api_trace_id: String,
    timestamp: String,
    scheme_transaction_id: String,
    /// The transaction this one refers to (a capture's, cancel's or refund's charge).
    reference: Option<String>,
    reversal_reason_code: Option<String>,
    /// The response's `source` object (masked card).
    source: Option<Value>,
    /// `paymentTokens` created by this transaction.
    tokens: Vec<Value>,
    /// For charges, in thousandths: still authorized, captured, refunded.
    authorized: i64,
    captured: i64,
    refunded: i64,
}

/// `2021-06-20T23:42:48Z`
pub fn timestamp_now() -> String {
    crate::util::rfc3339(SystemTime::now(), Duration::ZERO).replace("+00:00", "Z")
}

impl Transaction {
    fn new(state: &mut State, call: &Call, kind: Kind, order_id: Option<String>) -> Transaction {
        let seq = state.next_seq();
        Transaction {
            seq,
            id: state.new_transaction_id(),
            order_id: order_id.unwrap_or_else(|| format!("CHG01{}", random_string(32, HEX))),
            kind,
            state: "AUTHORIZED",
            amount: None,
            outcome: Outcome::approved(),
            capture_flag: None,
            merchant_transaction_id: None,
            merchant_order_id: None,
            client_request_id: call.client_request_id.clone(),
            api_trace_id: call.api_trace_id.clone(),
            timestamp: timestamp_now(),
            scheme_transaction_id: random_string(15, UPPER_ALNUM),
            reference: None,
            reversal_reason_code: None,
            source: None,
            tokens: Vec::new(),
            authorized: 0,
            captured: 0,
            refunded: 0,
        }
    }

    /// The response envelope (CH OAS `PaymentCardChargesResponse` and siblings). Inquiry
    /// elements also carry `gatewayTransactionId` (the same id), and their `approvedAmount`
    /// total is a numeric string (CH OAS `TransactionInquiryResponse` example).
    fn envelope(&self, inquiry: bool) -> Value {
        let mut gateway = json!({
            "transactionType": self.kind.as_str(),
            "transactionState": self.state,
            "transactionOrigin": "ECOM",
            "transactionProcessingDetails": {
                "orderId": self.order_id,
                "transactionDate": self.timestamp.get(..10).unwrap_or(""),
                "apiTraceId": self.api_trace_id,
                "clientRequestId": self.client_request_id,
                "transactionId": self.id,
            },
        });
        // The CH docs' decline example names the time `transactionTime`, the others
        // `transactionTimestamp`.
        let time_key = if self.state == "DECLINED" {
            "transactionTime"
        } else {
            "transactionTimestamp"
        };
        gateway["transactionProcessingDetails"][time_key] = json!(self.timestamp);
        if inquiry {
            gateway["gatewayTransactionId"] = json!(self.id);
        }
        let mut body = Map::new();
        body.insert("gatewayResponse".into(), gateway);
        if let Some(source) = &self.source {
            body.insert("source".into(), source.clone());
        }
        if !self.tokens.is_empty() {
            body.insert("paymentTokens".into(), Value::Array(self.tokens.clone()));
        }
        let o = &self.outcome;
        let mut bank = json!({
            "associationResponseCode": if o.is_approved() { "000" } else { o.host_code },
            "transactionTimestamp": self.timestamp,
        });
        if let Some(avs) = &o.avs_security {
            bank["avsSecurityCodeResponse"] = avs.clone();
        }
        let mut details = json!({
            "approvalStatus": o.approval_status,
            "schemeTransactionId": self.scheme_transaction_id,
            "processor": "FISERV",
            "host": "NASHVILLE",
            "responseCode": o.response_code,
            "responseMessage": o.response_message,
            "hostResponseCode": o.host_code,
            "hostResponseMessage": o.host_message,
            "localTimestamp": self.timestamp,
            "bankAssociationDetails": bank,
        });
        if let Some(code) = &o.approval_code {
            details["approvalCode"] = json!(code);
        }
        let mut receipt = json!({
            "merchantName": "Sandbox Merchant",
            "processorResponseDetails": details,
        });
        if o.is_approved() {
            if let Some(amount) = &self.amount {
                receipt["approvedAmount"] = if inquiry {
                    amount.to_json_text()
                } else {
                    amount.to_json()
                };
            }
        }
        body.insert("paymentReceipt".into(), receipt);
        let mut transaction_details = Map::new();
        if let Some(flag) = self.capture_flag {
            transaction_details.insert("captureFlag".into(), json!(flag));
        }
        if let Some(id) = &self.merchant_transaction_id {
            transaction_details.insert("merchantTransactionId".into(), json!(id));
        }
        if let Some(id) = &self.merchant_order_id {
            transaction_details.insert("merchantOrderId".into(), json!(id));
        }
        if let Some(code) = &self.reversal_reason_code {
            transaction_details.insert("reversalReasonCode".into(), json!(code));
        }
        body.insert(
            "transactionDetails".into(),
            Value::Object(transaction_details),
        );
        if let Some(reference) = &self.reference {
            body.insert(
                "referenceTransactionDetails".into(),
                json!({"referenceTransactionId": reference}),
            );
        }
        Value::Object(body)
    }
}

fn created(t: &Transaction) -> Response {
    Response::json(StatusCode::CREATED, &t.envelope(false))
}

/// An optional sub-object: absent/null → empty; another type → 400 `100`.
fn object<'a>(
    body: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(ApiError::invalid(field)),
    }
}

/// An optional string field of `object` (named `path` in errors).
fn opt_str(
    object: Option<&Map<String, Value>>,
    field: &str,
    path: &str,
) -> Result<Option<String>, ApiError> {
    match object.and_then(|o| o.get(field)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::invalid(path)),
    }
}

/// `transactionDetails`, the fields the sandbox uses.
#[derive(Debug, Default)]
struct Details {
    capture_flag: Option<bool>,
    create_token: bool,
    merchant_transaction_id: Option<String>,
    merchant_order_id: Option<String>,
    reversal_reason_code: Option<String>,
}

fn details(body: &Map<String, Value>) -> Result<Details, ApiError> {
    let d = object(body, "transactionDetails")?;
    let flag = |name: &str| -> Result<Option<bool>, ApiError> {
        match d.and_then(|d| d.get(name)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::invalid(&format!("transactionDetails.{name}"))),
        }
    };
    let merchant_transaction_id = opt_str(
        d,
        "merchantTransactionId",
        "transactionDetails.merchantTransactionId",
    )?;
    if merchant_transaction_id
        .as_ref()
        .is_some_and(|m| m.is_empty() || m.len() > MAX_MERCHANT_ID_LEN)
    {
        return Err(ApiError::invalid(
            "transactionDetails.merchantTransactionId",
        ));
    }
    let merchant_order_id =
        match opt_str(d, "merchantOrderId", "transactionDetails.merchantOrderId") {
            Ok(Some(m)) if m.is_empty() || m.len() > MAX_MERCHANT_ID_LEN => Err(ApiError::gateway(
                "134",
                Some("transactionDetails.merchantOrderId"),
            )),
            Err(_) => Err(ApiError::gateway(
                "134",
                Some("transactionDetails.merchantOrderId"),
            )),
            Ok(m) => Ok(m),
        }?;
    let reversal_reason_code = opt_str(
        d,
        "reversalReasonCode",
        "transactionDetails.reversalReasonCode",
    )?;
    if reversal_reason_code
        .as_deref()
        .is_some_and(|r| !REVERSAL_REASONS.contains(&r))
    {
        return Err(ApiError::invalid("transactionDetails.reversalReasonCode"));
    }
    Ok(Details {
        capture_flag: flag("captureFlag")?,
        create_token: flag("createToken")?.unwrap_or(false),
        merchant_transaction_id,
        merchant_order_id,
        reversal_reason_code,
    })
}

/// `amount`: 400 `106` when missing, `105` when invalid (naming the field).
fn required_amount(body: &Map<String, Value>) -> Result<Amount, ApiError> {
    amount::parse(body.get("amount")).map_err(|e| match e {
        AmountError::Missing(field) => ApiError::gateway("106", Some(field)),
        AmountError::Invalid(field) => ApiError::gateway("105", Some(field)),
    })
}

/// An optional `amount` (captures, cancels, refunds).
fn optional_amount(body: &Map<String, Value>) -> Result<Option<Amount>, ApiError> {
    match body.get("amount") {
        None | Some(Value::Null) => Ok(None),
        _ => required_amount(body).map(Some),
    }
}

/// A payment source, validated.
struct Source {
    /// The response's `source` object (masked).
    summary: Value,
    card: StoredCard,
    expired: bool,
    /// Only a card can be tokenised.
    is_card: bool,
}

/// Whether (month, year) is before the current month.
fn expired(month: u32, year: i64) -> bool {
    let (now_year, now_month) = current_year_month();
    year < now_year || (year == now_year && month < now_month)
}

fn two_digit_month(value: Option<&Value>) -> Option<u32> {
    let text = value?.as_str()?;
    (text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse::<u32>().ok())
        .flatten()
        .filter(|m| (1..=12).contains(m))
}

/// `source`: `PaymentCard` (every route that takes a source) or `PaymentToken` (charges).
/// The simulator takes no other source type (CH docs `Simulator-Scripts.md`).
fn source(state: &State, body: &Map<String, Value>, allow_token: bool) -> Result<Source, ApiError> {
    let source = match body.get("source") {
        Some(Value::Object(s)) => s,
        _ => return Err(ApiError::gateway("102", Some("source"))),
    };
    let source_type = match source.get("sourceType") {
        Some(Value::String(t)) => t.as_str(),
        _ => return Err(ApiError::gateway("102", Some("source.sourceType"))),
    };
    let card = match source.get("card") {
        Some(Value::Object(c)) => c,
        _ => {
            let code = if source_type == "PaymentCard" {
                "102"
            } else {
                "115"
            };
            return Err(ApiError::gateway(code, Some("source.card")));
        }
    };
    let month = two_digit_month(card.get("expirationMonth"))
        .ok_or_else(|| ApiError::gateway("115", Some("source.card.expirationMonth")))?;
    let year_text = card
        .get("expirationYear")
        .and_then(Value::as_str)
        .unwrap_or("");
    match source_type {
        "PaymentCard" => {
            let number = match card.get("cardData") {
                Some(Value::String(n)) => n.as_str(),
                _ => return Err(ApiError::gateway("103", Some("source.card.cardData"))),
            };
            if !valid_card_number(number) {
                return Err(ApiError::gateway("103", Some("source.card.cardData")));
            }
            // Observed at the cert host (Fiserv Commerce Hub API docs, "Other test cards"): this test number cannot be assigned a brand.
            if number == "4012888888881881" {
                return Err(ApiError::gateway_message(
                    "104",
                    Some("source.card.cardData"),
                    "first 6 digits of the account number - 401288",
                ));
            }
            // `YYYY` (two-digit years are to be expanded by the client).
            let year = (year_text.len() == 4 && year_text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| year_text.parse::<i64>().ok())
                .flatten()
                .ok_or_else(|| ApiError::gateway("115", Some("source.card.expirationYear")))?;
            match card.get("securityCode") {
                None => {}
                Some(Value::String(cvv))
                    if (3..=4).contains(&cvv.len()) && cvv.bytes().all(|b| b.is_ascii_digit()) => {}
                Some(_) => return Err(ApiError::invalid("source.card.securityCode")),
            }
            let summary_card = cards::card_summary(number, &format!("{month:02}"), year_text);
            Ok(Source {
                summary: json!({"sourceType": "PaymentCard", "card": summary_card}),
                card: StoredCard {
                    bin: number.chars().take(8).collect(),
                    last4: number[number.len() - 4..].to_string(),
                    scheme: cards::scheme(number).to_string(),
                },
                expired: expired(month, year),
                is_card: true,
            })
        }
        "PaymentToken" if allow_token => {
            let token = match source.get("tokenData") {
                Some(Value::String(t)) if !t.is_empty() => t.as_str(),
                _ => return Err(ApiError::gateway("103", Some("source.tokenData"))),
            };
            match source.get("tokenSource") {
                Some(Value::String(s)) if s == "TRANSARMOR" => {}
                None | Some(Value::Null) => return Err(ApiError::missing("source.tokenSource")),
                Some(_) => return Err(ApiError::invalid("source.tokenSource")),
            }
            let stored = state
                .tokens
                .get(token)
                .cloned()
                .ok_or_else(|| ApiError::gateway("103", Some("source.tokenData")))?;
            // The token example of `Payment-Token.md` sends a two-digit year.
            let year = match year_text.len() {
                2 | 4 if year_text.bytes().all(|b| b.is_ascii_digit()) => {
                    let y = year_text.parse::<i64>().unwrap_or(0);
                    if y < 100 {
                        2000 + y
                    } else {
                        y
                    }
                }
                _ => return Err(ApiError::gateway("115", Some("source.card.expirationYear"))),
            };
            Ok(Source {
                summary: json!({
                    "sourceType": "PaymentToken",
                    "tokenData": token,
                    "tokenSource": "TRANSARMOR",
                    "card": {
                        "bin": stored.bin,
                        "last4": stored.last4,
                        "scheme": stored.scheme,
                        "expirationMonth": format!("{month:02}"),
                        "expirationYear": year_text,
                    },
                }),
                card: stored,
                expired: expired(month, year),
                is_card: false,
            })
        }
        _ => Err(ApiError::gateway("205", Some("source.sourceType"))),
    }
}

/// A new TransArmor token for the card: digits, as long as a card number, ending with the
/// card's last four.
fn new_token(state: &mut State, card: &StoredCard) -> Value {
    let token = loop {
        let t = format!("8{}{}", random_string(11, DIGITS), card.last4);
        if !state.tokens.contains_key(&t) {
            break t;
        }
    };
    state.tokens.insert(token.clone(), card.clone());
    json!({
        "tokenData": token,
        "tokenSource": "TRANSARMOR",
        "tokenResponseCode": "000",
        "tokenResponseDescription": "SUCCESS",
    })
}

/// `POST /payments/v1/charges`: an authorization or sale, or, with
/// `referenceTransactionDetails`, a capture.
pub(super) fn charges(state: &mut State, call: &Call, body: &Map<String, Value>) -> ApiResult {
    let d = details(body)?;
    if object(body, "referenceTransactionDetails")?.is_some() {
        return capture(state, call, body, d);
    }
    let amount = required_amount(body)?;
    let capture_flag = d.capture_flag.unwrap_or(false);
    if amount.milli == 0 && capture_flag {
        return Err(ApiError::gateway("836", Some("amount.total")));
    }
    let source = source(state, body, true)?;
    let mut t = Transaction::new(state, call, Kind::Charge, None);
    t.capture_flag = Some(capture_flag);
    t.merchant_transaction_id = d.merchant_transaction_id;
    t.merchant_order_id = d.merchant_order_id;
    t.source = Some(source.summary.clone());
    let script = if source.expired {
        Script::Decline("032".to_string())
    } else if amount.milli == 0 {
        Script::Approve
    } else {
        cards::script(amount.milli)
    };
    t.outcome = match script {
        Script::Approve => Outcome::approved(),
        Script::SecurityCode(result) => Outcome {
            avs_security: Some(json!({"securityCodeMatch": result})),
            ..Outcome::approved()
        },
        Script::Address(street, postal) => Outcome {
            avs_security: Some(json!({"streetMatch": street, "postalCodeMatch": postal})),
            ..Outcome::approved()
        },
        Script::Decline(code) => Outcome::declined(&code),
    };
    if t.outcome.is_approved() {
        t.state = if capture_flag {
            "CAPTURED"
        } else {
            "AUTHORIZED"
        };
        t.authorized = amount.milli;
        if capture_flag {
            t.captured = amount.milli;
        }
        if d.create_token && source.is_card {
            t.tokens = vec![new_token(state, &source.card)];
        }
    } else {
        t.state = "DECLINED";
    }
    t.amount = Some(amount);
    let response = created(&t);
    state.transactions.insert(t.id.clone(), t);
    Ok(response)
}

/// Which reference a request gave (exactly one of them).
enum Reference {
    Transaction(String),
    MerchantTransaction(String),
    Order(String),
    MerchantOrder(String),
    ClientRequest(String),
}

fn reference(body: &Map<String, Value>, inquiry: bool) -> Result<Reference, ApiError> {
    let r = object(body, "referenceTransactionDetails")?
        .ok_or_else(|| ApiError::gateway("131", Some("referenceTransactionDetails")))?;
    let mut found = Vec::new();
    let mut names = vec![
        "referenceTransactionId",
        "referenceMerchantTransactionId",
        "referenceOrderId",
        "referenceMerchantOrderId",
    ];
    if inquiry {
        names.push("referenceClientRequestId");
    }
    for name in names {
        let path = format!("referenceTransactionDetails.{name}");
        match r.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::String(v)) if !v.is_empty() => found.push((name, v.clone())),
            Some(_) => return Err(ApiError::invalid(&path)),
        }
    }
    if found.len() > 1 {
        return Err(ApiError::gateway_message(
            "100",
            Some("referenceTransactionDetails"),
            "Only a single transaction identifier should be passed",
        ));
    }
    let Some((name, value)) = found.pop() else {
        return Err(ApiError::gateway(
            "131",
            Some("referenceTransactionDetails"),
        ));
    };
    Ok(match name {
        "referenceTransactionId" => Reference::Transaction(value),
        "referenceMerchantTransactionId" => Reference::MerchantTransaction(value),
        "referenceOrderId" => Reference::Order(value),
        "referenceMerchantOrderId" => Reference::MerchantOrder(value),
        _ => Reference::ClientRequest(value),
    })
}

/// The transactions a reference designates, oldest first.
fn lookup(state: &State, reference: &Reference) -> Vec<String> {
    let mut hits: Vec<&Transaction> = state
        .transactions
        .values()
        .filter(|t| match reference {
            Reference::Transaction(id) => t.id == *id,
            Reference::MerchantTransaction(id) => t.merchant_transaction_id.as_deref() == Some(id),
            Reference::Order(id) => t.order_id == *id,
            Reference::MerchantOrder(id) => t.merchant_order_id.as_deref() == Some(id),
            Reference::ClientRequest(id) => t.client_request_id == *id,
        })
        .collect();
    hits.sort_by_key(|t| t.seq);
    hits.into_iter().map(|t| t.id.clone()).collect()
}

/// The charge a capture, cancel or refund refers to: a reference to a capture means its
/// charge; an order or merchant reference means the order's (latest) charge. 400 `801` when
/// there is none.
fn referenced_charge(state: &State, body: &Map<String, Value>) -> Result<String, ApiError> {
    let reference = reference(body, false)?;
    let field = match &reference {
        Reference::Transaction(_) => "referenceTransactionDetails.referenceTransactionId",
        Reference::MerchantTransaction(_) => {
            "referenceTransactionDetails.referenceMerchantTransactionId"
        }
        Reference::Order(_) => "referenceTransactionDetails.referenceOrderId",
        Reference::MerchantOrder(_) => "referenceTransactionDetails.referenceMerchantOrderId",
        Reference::ClientRequest(_) => "referenceTransactionDetails.referenceClientRequestId",
    };
    let not_found = || ApiError::gateway("801", Some(field));
    let hits = lookup(state, &reference);
    let id = match reference {
        Reference::Transaction(_) => hits.into_iter().next(),
        _ => hits.into_iter().rev().find(|id| {
            state
                .transactions
                .get(id)
                .is_some_and(|t| t.kind == Kind::Charge)
        }),
    }
    .ok_or_else(not_found)?;
    let t = state.transactions.get(&id).ok_or_else(not_found)?;
    match (t.kind, &t.reference) {
        (Kind::Capture, Some(parent)) => Ok(parent.clone()),
        _ => Ok(id),
    }
}

/// The follow-up's amount: the currency of the charge (`804`), more than zero (`836`), at most
/// `limit` (`807`).
fn check_follow_up_amount(amount: &Amount, currency: &str, limit: i64) -> Result<(), ApiError> {
    if amount.currency != currency {
        return Err(ApiError::gateway("804", Some("amount.currency")));
    }
    if amount.milli <= 0 {
        return Err(ApiError::gateway("836", Some("amount.total")));
    }
    if amount.milli > limit {
        return Err(ApiError::gateway("807", Some("amount.total")));
    }
    Ok(())
}

/// A capture: `/charges` with `captureFlag: true` and the authorization's reference (CH docs
/// `Capture.md`). One capture per authorization, full or partial (the rest is released).
fn capture(state: &mut State, call: &Call, body: &Map<String, Value>, d: Details) -> ApiResult {
    if d.capture_flag != Some(true) {
        return Err(ApiError::invalid("transactionDetails.captureFlag"));
    }
    let amount = optional_amount(body)?;
    let charge_id = referenced_charge(state, body)?;
    let charge = state
        .transactions
        .get(&charge_id)
        .cloned()
        .ok_or_else(|| ApiError::gateway("801", None))?;
    if charge.kind != Kind::Charge {
        return Err(ApiError::gateway("819", None));
    }
    match charge.state {
        "AUTHORIZED" => {}
        "CAPTURED" => return Err(ApiError::gateway("820", None)),
        "VOIDED" => return Err(ApiError::gateway("821", None)),
        _ => return Err(ApiError::gateway("819", None)),
    }
    let currency = charge
        .amount
        .as_ref()
        .map(|a| a.currency.clone())
        .unwrap_or_default();
    let amount = match amount {
        Some(a) => {
            check_follow_up_amount(&a, &currency, charge.authorized)?;
            a
        }
        None => Amount {
            milli: charge.authorized,
            currency,
        },
    };
    let mut t = Transaction::new(state, call, Kind::Capture, Some(charge.order_id.clone()));
    t.state = "CAPTURED";
    t.capture_flag = Some(true);
    t.merchant_transaction_id = d.merchant_transaction_id;
    t.merchant_order_id = charge.merchant_order_id.clone();
    t.reference = Some(charge.id.clone());
    t.source = charge.source.clone();
    t.captured = amount.milli;
    t.amount = Some(amount.clone());
    if let Some(c) = state.transactions.get_mut(&charge_id) {
        c.state = "CAPTURED";
        c.captured = amount.milli;
    }
    let response = created(&t);
    state.transactions.insert(t.id.clone(), t);
    Ok(response)
}

/// `POST /payments/v1/cancels`: voids an authorization, or reverses a sale or capture not yet
/// refunded. An `amount` below the authorized one is a partial cancel of an authorization.
/// The answer, like the CH docs' Cancel examples, is a `CANCEL` transaction in state
/// `AUTHORIZED` with `approvalStatus: APPROVED` (HTTP 200, as in the CH OAS); the charge
/// itself becomes `VOIDED`.
pub(super) fn cancel(state: &mut State, call: &Call, body: &Map<String, Value>) -> ApiResult {
    let d = details(body)?;
    let amount = optional_amount(body)?;
    let charge_id = referenced_charge(state, body)?;
    let charge = state
        .transactions
        .get(&charge_id)
        .cloned()
        .ok_or_else(|| ApiError::gateway("801", None))?;
    let cancellable = charge.kind == Kind::Charge
        && (charge.state == "AUTHORIZED" || (charge.state == "CAPTURED" && charge.refunded == 0));
    if !cancellable {
        return Err(ApiError::gateway("833", None));
    }
    let currency = charge
        .amount
        .as_ref()
        .map(|a| a.currency.clone())
        .unwrap_or_default();
    let open = if charge.state == "AUTHORIZED" {
        charge.authorized
    } else {
        charge.captured
    };
    let amount = match amount {
        Some(a) => {
            check_follow_up_amount(&a, &currency, open)?;
            a
        }
        None => Amount {
            milli: open,
            currency,
        },
    };
    let partial = amount.milli < open && charge.state == "AUTHORIZED";
    let mut t = Transaction::new(state, call, Kind::Cancel, Some(charge.order_id.clone()));
    t.state = "AUTHORIZED";
    t.merchant_transaction_id = d.merchant_transaction_id;
    t.merchant_order_id = charge.merchant_order_id.clone();
    t.reversal_reason_code = d.reversal_reason_code;
    t.reference = Some(charge.id.clone());
    t.source = charge.source.clone();
    t.amount = Some(amount.clone());
    if let Some(c) = state.transactions.get_mut(&charge_id) {
        if partial {
            c.authorized -= amount.milli;
        } else {
            c.state = "VOIDED";
        }
    }
    let response = Response::json(StatusCode::OK, &t.envelope(false));
    state.transactions.insert(t.id.clone(), t);
    Ok(response)
}

/// `POST /payments/v1/refunds`: a tagged refund of a captured charge, full (no `amount`) or
/// partial, several times up to the captured amount. The answer is a `REFUND` transaction in
/// state `AUTHORIZED` with `approvalStatus: APPROVED` (CH OAS `RefundResponse`).
pub(super) fn refund(state: &mut State, call: &Call, body: &Map<String, Value>) -> ApiResult {
    let d = details(body)?;
    let amount = optional_amount(body)?;
    let charge_id = referenced_charge(state, body)?;
    let charge = state
        .transactions
        .get(&charge_id)
        .cloned()
        .ok_or_else(|| ApiError::gateway("801", None))?;
    if charge.kind != Kind::Charge || charge.state != "CAPTURED" {
        return Err(ApiError::gateway("837", None));
    }
    let currency = charge
        .amount
        .as_ref()
        .map(|a| a.currency.clone())
        .unwrap_or_default();
    let left = charge.captured - charge.refunded;
    if left <= 0 {
        return Err(ApiError::gateway("807", Some("amount.total")));
    }
    let amount = match amount {
        Some(a) => {
            check_follow_up_amount(&a, &currency, left)?;
            a
        }
        None => Amount {
            milli: left,
            currency,
        },
    };
    let mut t = Transaction::new(state, call, Kind::Refund, Some(charge.order_id.clone()));
    t.state = "AUTHORIZED";
    t.merchant_transaction_id = d.merchant_transaction_id;
    t.merchant_order_id = charge.merchant_order_id.clone();
    t.reference = Some(charge.id.clone());
    t.source = charge.source.clone();
    t.amount = Some(amount.clone());
    if let Some(c) = state.transactions.get_mut(&charge_id) {
        c.refunded += amount.milli;
    }
    let response = created(&t);
    state.transactions.insert(t.id.clone(), t);
    Ok(response)
}

/// `POST /payments/v1/transaction-inquiry`: HTTP 201 with the array of the transactions the
/// reference designates (an order reference gives every transaction of the order), each in
/// its current state; an empty array when there is none.
pub(super) fn inquiry(state: &State, body: &Map<String, Value>) -> ApiResult {
    let reference = reference(body, true)?;
    let items: Vec<Value> = lookup(state, &reference)
        .iter()
        .filter_map(|id| state.transactions.get(id))
        .map(|t| t.envelope(true))
        .collect();
    Ok(Response::json(StatusCode::CREATED, &Value::Array(items)))
}

/// `POST /payments-vas/v1/tokens`: tokenises a card without authorization (`TOKENIZE`).
pub(super) fn tokenize(state: &mut State, call: &Call, body: &Map<String, Value>) -> ApiResult {
    let d = details(body)?;
    let source = source(state, body, false)?;
    let mut t = Transaction::new(state, call, Kind::Tokenize, None);
    t.merchant_transaction_id = d.merchant_transaction_id;
    t.merchant_order_id = d.merchant_order_id;
    t.source = Some(source.summary.clone());
    t.tokens = vec![new_token(state, &source.card)];
    let response = created(&t);
    state.transactions.insert(t.id.clone(), t);
    Ok(response)
}

/// `POST /payments-vas/v1/accounts/verification`: a zero-amount account verification
/// (`VERIFICATION`, state `CHECKED`), with a token when `createToken` is set. An expired card
/// is declined (`032`).
pub(super) fn verify(state: &mut State, call: &Call, body: &Map<String, Value>) -> ApiResult {
    let d = details(body)?;
    let amount = optional_amount(body)?;
    let source = source(state, body, false)?;
    let mut t = Transaction::new(state, call, Kind::Verification, None);
    t.merchant_transaction_id = d.merchant_transaction_id;
    t.merchant_order_id = d.merchant_order_id;
    t.source = Some(source.summary.clone());
    t.amount = amount;
    if source.expired {
        t.state = "DECLINED";
        t.outcome = Outcome::declined("032");
    } else {
        t.state = "CHECKED";
        if d.create_token {
            t.tokens = vec![new_token(state, &source.card)];
        }
    }
    let response = created(&t);
    state.transactions.insert(t.id.clone(), t);
    Ok(response)
}
