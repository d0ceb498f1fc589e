//! Payments: server-to-server card payments (Razorpay API docs, "Authorize (server-to-server card) — POST /v1/payments/create/json") with the mock authentication page and the
//! native OTP flow, PSync (Razorpay API docs, "PSync — GET /v1/payments/{payment_id}"), capture (Razorpay API docs, "Capture — POST /v1/payments/{payment_id}/capture"), recurring tokens and charges (Razorpay API docs, "SetupMandate — recurring payments"), and the
//! automatic refund of expired authorizations; netbanking and wallets through the mock bank
//! page, UPI collect (test VPAs) and UPI intent (Razorpay's "S2S JSON V2" method pages).

use http::{Method, StatusCode};
use serde_json::{json, Map, Value};

use super::cards;
use super::events::{hmac_hex, Event};
use super::orders::Order;
use super::{
    collection, emit, now_s, ok, opt_flag, opt_int, opt_object, opt_str, parse_notes, req_amount,
    req_currency, req_str, ApiError, ApiResult, ErrorDetail, State, KEY_ID, KEY_SECRET,
};
use crate::processor::{Context, Request, Response};
use crate::util::{current_year_month, html_escape, now_ms, random_string, ALNUM};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentStatus {
    Created,
    Authorized,
    Captured,
    Refunded,
    Failed,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Created => "created",
            PaymentStatus::Authorized => "authorized",
            PaymentStatus::Captured => "captured",
            PaymentStatus::Refunded => "refunded",
            PaymentStatus::Failed => "failed",
        }
    }
}

/// What the payment keeps of the card (never the number or the CVV).
#[derive(Clone, Debug)]
pub struct CardInfo {
    pub id: String,
    pub name: Option<String>,
    pub last4: String,
    pub iin: String,
    pub network: &'static str,
    pub card_type: &'static str,
    pub international: bool,
    pub expiry_month: u32,
    pub expiry_year: u32,
}

impl CardInfo {
    fn entity(&self) -> Value {
        json!({
            "id": self.id,
            "entity": "card",
            "name": self.name,
            "last4": self.last4,
            "network": self.network,
            "type": self.card_type,
            "issuer": null,
            "international": self.international,
            "emi": false,
            "sub_type": "consumer",
            "token_iin": null,
        })
    }
}

/// The `error_*` fields of a failed payment.
#[derive(Clone, Debug)]
pub struct PaymentError {
    pub code: &'static str,
    pub description: &'static str,
    pub source: &'static str,
    pub step: &'static str,
    pub reason: &'static str,
}

/// Razorpay API docs, "Errors"'s "incorrect otp" error, for a failed authentication.
const INVALID_OTP: PaymentError = PaymentError {
    code: "BAD_REQUEST_ERROR",
    description: "Authentication failed due to incorrect otp",
    source: "customer",
    step: "payment_authentication",
    reason: "invalid_otp",
};

/// The issuer's refusal of [`cards::DECLINED_CARD`].
const ISSUER_DECLINE: PaymentError = PaymentError {
    code: "BAD_REQUEST_ERROR",
    description:
        "Your payment could not be completed as it was declined by the bank. Try another card.",
    source: "issuer_bank",
    step: "payment_authorization",
    reason: "card_declined",
};

/// How a payment is paid, besides cards: netbanking, wallets and UPI (Razorpay's
/// "S2S JSON V2" payment methods page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayMethod {
    Card,
    Netbanking(String),
    Wallet(String),
    /// UPI collect (`vpa` given) or intent (`vpa` is `None`).
    Upi(Option<String>),
}

impl PayMethod {
    pub fn name(&self) -> &'static str {
        match self {
            PayMethod::Card => "card",
            PayMethod::Netbanking(_) => "netbanking",
            PayMethod::Wallet(_) => "wallet",
            PayMethod::Upi(_) => "upi",
        }
    }
}

/// Bank codes of Razorpay's netbanking page (a selection of its list).
pub const BANK_CODES: &[&str] = &[
    "HDFC", "ICIC", "SBIN", "UTIB", "KKBK", "YESB", "IDFB", "INDB", "FDRL", "BARB_R", "PUNB_R",
    "CNRB", "UBIN", "RATN",
];

/// Wallet codes of Razorpay's S2S payment methods page.
pub const WALLET_CODES: &[&str] = &[
    "airtelmoney",
    "mobikwik",
    "jiomoney",
    "olamoney",
    "payzapp",
    "phonepe",
    "bajajpay",
    "amazonpay",
    "paypal",
    "phonepeswitch",
];

/// Razorpay's test UPI IDs ("Test UPI Details").
pub const UPI_SUCCESS_VPA: &str = "success@razorpay";
pub const UPI_FAILURE_VPA: &str = "failure@razorpay";

/// A non-card payment the customer declined (mock bank page, or a UPI request).
const CUSTOMER_DECLINE: PaymentError = PaymentError {
    code: "BAD_REQUEST_ERROR",
    description: "Payment was unsuccessful as you may have cancelled it or it was declined.",
    source: "customer",
    step: "payment_authentication",
    reason: "payment_cancelled",
};

#[derive(Clone, Debug)]
pub struct Payment {
    pub method: PayMethod,
    pub id: String,
    pub seq: u64,
    pub order_id: String,
    pub amount: i64,
    pub currency: String,
    pub status: PaymentStatus,
    pub captured: bool,
    pub amount_refunded: i64,
    pub card: CardInfo,
    pub email: Option<String>,
    pub contact: Option<String>,
    pub customer_id: Option<String>,
    pub token_id: Option<String>,
    /// The payment sets up a recurring token (create/json with `recurring`).
    pub recurring_setup: bool,
    pub description: Option<String>,
    pub notes: Value,
    pub callback_url: Option<String>,
    pub error: Option<PaymentError>,
    pub auth_code: Option<String>,
    pub rrn: Option<String>,
    /// When the payment was authorized (Unix ms), for the automatic refund.
    pub authorized_at_ms: Option<u64>,
    /// The mock page / OTP session, while authentication is outstanding.
    pub track_id: Option<String>,
    pub otp_generated: bool,
    pub created_at: i64,
}

impl Payment {
    pub fn refund_status(&self) -> Option<&'static str> {
        if self.amount_refunded == 0 {
            None
        } else if self.amount_refunded >= self.amount {
            Some("full")
        } else {
            Some("partial")
        }
    }

    /// What can still be refunded: captured and not refunded.
    pub fn refundable(&self) -> i64 {
        if self.captured {
            self.amount - self.amount_refunded
        } else {
            0
        }
    }

    /// Razorpay's fee (2 %) including 18 % GST, once captured; `(fee, tax)`.
    fn fee_and_tax(&self) -> (Value, Value) {
        if !self.captured {
            return (Value::Null, Value::Null);
        }
        let base = (self.amount * 2 + 50) / 100;
        let tax = (base * 18 + 50) / 100;
        (json!(base + tax), json!(tax))
    }

    /// The payment entity (Razorpay API docs, "PSync — GET /v1/payments/{payment_id}").
    pub fn entity(&self) -> Value {
        let (fee, tax) = self.fee_and_tax();
        let error = self.error.as_ref();
        let mut acquirer = Map::new();
        if let Some(code) = &self.auth_code {
            acquirer.insert("auth_code".into(), json!(code));
        }
        if let Some(rrn) = &self.rrn {
            acquirer.insert("rrn".into(), json!(rrn));
        }
        let is_card = self.method == PayMethod::Card;
        let (bank, wallet, vpa) = match &self.method {
            PayMethod::Card => (None, None, None),
            PayMethod::Netbanking(b) => (Some(b.clone()), None, None),
            PayMethod::Wallet(w) => (None, Some(w.clone()), None),
            PayMethod::Upi(v) => (None, None, v.clone()),
        };
        if matches!(self.method, PayMethod::Netbanking(_)) && self.rrn.is_some() {
            acquirer.remove("rrn");
            acquirer.remove("auth_code");
            acquirer.insert("bank_transaction_id".into(), json!(self.rrn));
        }
        if matches!(self.method, PayMethod::Wallet(_)) {
            acquirer.remove("rrn");
            acquirer.remove("auth_code");
        }
        if matches!(self.method, PayMethod::Upi(_)) {
            acquirer.remove("auth_code");
        }
        json!({
            "id": self.id,
            "entity": "payment",
            "amount": self.amount,
            "currency": self.currency,
            "status": self.status.as_str(),
            "order_id": self.order_id,
            "invoice_id": null,
            "international": self.card.international && is_card,
            "method": self.method.name(),
            "amount_refunded": self.amount_refunded,
            "refund_status": self.refund_status(),
            "captured": self.captured,
            "description": self.description,
            "card_id": if is_card { json!(self.card.id) } else { Value::Null },
            "card": if is_card { self.card.entity() } else { Value::Null },
            "bank": bank,
            "wallet": wallet,
            "vpa": vpa,
            "email": self.email,
            "contact": self.contact,
            "customer_id": self.customer_id,
            "token_id": self.token_id,
            "notes": self.notes,
            "fee": fee,
            "tax": tax,
            "error_code": error.map(|e| e.code),
            "error_description": error.map(|e| e.description),
            "error_source": error.map(|e| e.source),
            "error_step": error.map(|e| e.step),
            "error_reason": error.map(|e| e.reason),
            "acquirer_data": Value::Object(acquirer),
            "created_at": self.created_at,
        })
    }

    fn metadata(&self) -> Value {
        json!({"payment_id": self.id, "order_id": self.order_id})
    }
}

/// A saved card for recurring charges (Razorpay API docs, "SetupMandate — recurring payments").
#[derive(Clone, Debug)]
pub struct Token {
    pub id: String,
    pub seq: u64,
    pub customer_id: String,
    pub card: CardInfo,
    pub max_amount: Option<i64>,
    pub expire_at: Option<i64>,
    pub created_at: i64,
    pub used_at: Option<i64>,
}

impl Token {
    fn entity(&self) -> Value {
        let mut card = self.card.entity();
        if let Some(card) = card.as_object_mut() {
            card.remove("id");
            card.insert("expiry_month".into(), json!(self.card.expiry_month));
            card.insert("expiry_year".into(), json!(self.card.expiry_year));
        }
        json!({
            "id": self.id,
            "entity": "token",
            "token": self.id.trim_start_matches("token_"),
            "bank": null,
            "wallet": null,
            "method": "card",
            "card": card,
            "recurring": true,
            "recurring_details": {"status": "confirmed", "failure_reason": null},
            "auth_type": null,
            "mrn": null,
            "used_at": self.used_at,
            "created_at": self.created_at,
            "expired_at": self.expire_at,
            "max_amount": self.max_amount,
            "dcc_enabled": false,
        })
    }
}

/// An email address with a local part and a dotted domain.
pub fn valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// A phone number: an optional `+` then 8 to 15 digits (spaces and dashes ignored).
pub fn valid_contact(contact: &str) -> bool {
    let digits: String = contact
        .trim()
        .trim_start_matches('+')
        .chars()
        .filter(|c| *c != ' ' && *c != '-')
        .collect();
    (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `razorpay_signature`: hex HMAC-SHA256(key_secret, `order_id|payment_id`) (Razorpay API docs, "Authorize (server-to-server card) — POST /v1/payments/create/json").
pub fn return_signature(order_id: &str, payment_id: &str) -> String {
    hmac_hex(KEY_SECRET, format!("{order_id}|{payment_id}").as_bytes())
}

/// The full-error parts of a business-side input problem on a payment step.
fn input_detail(step: &'static str, metadata: Value) -> ErrorDetail {
    ErrorDetail {
        source: "business",
        step,
        reason: "input_validation_failed",
        metadata,
    }
}

/// `email` and `contact`: both required (Razorpay API docs, "Authorize (server-to-server card) — POST /v1/payments/create/json", "required in practice") and well formed.
fn customer_contact(body: &Map<String, Value>) -> Result<(String, String), ApiError> {
    let email = req_str(body, "email")?;
    if !valid_email(&email) {
        return Err(ApiError::field(
            "email",
            "The email must be a valid email address.",
        ));
    }
    let contact = req_str(body, "contact")?;
    if !valid_contact(&contact) {
        return Err(ApiError::field(
            "contact",
            "Contact number should be at least 8 digits, including country code",
        ));
    }
    Ok((email, contact))
}

/// The order of a new payment: it must exist, in the payment's currency, for the payment's
/// amount (up to the amount due with partial payments), and not be paid already.
fn check_order<'a>(
    state: &'a State,
    body: &Map<String, Value>,
    amount: i64,
    currency: &str,
) -> Result<&'a Order, ApiError> {
    let order_id = req_str(body, "order_id")?;
    let order = state
        .orders
        .get(&order_id)
        .ok_or_else(|| ApiError::no_such_id(Some("order_id")))?;
    if order.currency != currency {
        return Err(ApiError::field(
            "currency",
            "The currency should be same as the order currency",
        ));
    }
    if order.amount_due() == 0 {
        return Err(ApiError::field(
            "order_id",
            "Payment for this order has already been completed",
        ));
    }
    let amount_ok = if order.partial_payment {
        let min = if order.amount_paid == 0 {
            order.first_payment_min_amount.unwrap_or(1)
        } else {
            1
        };
        amount >= min && amount <= order.amount_due()
    } else {
        amount == order.amount
    };
    if !amount_ok {
        return Err(ApiError::field(
            "amount",
            "The payment amount should be equal to the order amount",
        ));
    }
    Ok(order)
}

/// `card{number, name, expiry_month, expiry_year, cvv}`; answers the kept card details and
/// whether it is the issuer-decline card.
fn parse_card(state: &State, card: &Map<String, Value>) -> Result<(CardInfo, bool), ApiError> {
    let number: String = req_str(card, "number")
        .map_err(|_| ApiError::required("card[number]"))?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !cards::valid_number(&number) {
        return Err(ApiError::field(
            "card[number]",
            "The card number is invalid.",
        ));
    }
    let name = opt_str(card, "name").map_err(|_| ApiError::invalid("card[name]"))?;
    let month = opt_int(card, "expiry_month")
        .map_err(|_| ApiError::invalid("card[expiry_month]"))?
        .ok_or_else(|| ApiError::required("card[expiry_month]"))?;
    if !(1..=12).contains(&month) {
        return Err(ApiError::invalid("card[expiry_month]"));
    }
    let year = opt_int(card, "expiry_year")
        .map_err(|_| ApiError::invalid("card[expiry_year]"))?
        .ok_or_else(|| ApiError::required("card[expiry_year]"))?;
    let year = match year {
        0..=99 => 2000 + year,
        2000..=2199 => year,
        _ => return Err(ApiError::invalid("card[expiry_year]")),
    };
    let (now_year, now_month) = current_year_month();
    if (year, month as u32) < (now_year, now_month) {
        return Err(ApiError::field(
            "card[expiry_year]",
            "Your card has expired. Please try paying with another card.",
        ));
    }
    let cvv = opt_str(card, "cvv")
        .map_err(|_| ApiError::invalid("card[cvv]"))?
        .ok_or_else(|| ApiError::required("card[cvv]"))?;
    let cvv_len = if cards::network(&number) == "American Express" {
        4..=4
    } else {
        3..=3
    };
    if !cvv_len.contains(&cvv.len()) || !cvv.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid("card[cvv]"));
    }
    let declined = number == cards::DECLINED_CARD;
    Ok((
        CardInfo {
            id: state.new_id("card_"),
            name,
            last4: number[number.len() - 4..].to_string(),
            iin: number[..6].to_string(),
            network: cards::network(&number),
            card_type: cards::card_type(&number),
            international: cards::international(&number),
            expiry_month: month as u32,
            expiry_year: year as u32,
        },
        declined,
    ))
}

/// `upi{flow: "collect", vpa}` (or the older top-level `vpa`) or `upi{flow: "intent"}`
/// (Razorpay's "UPI Collect" and "UPI Intent" S2S pages).
fn parse_upi(body: &Map<String, Value>) -> Result<PayMethod, ApiError> {
    let upi = opt_object(body, "upi")?;
    let flow = match upi {
        Some(upi) => opt_str(upi, "flow").map_err(|_| ApiError::invalid("upi[flow]"))?,
        None => None,
    };
    let vpa = match upi {
        Some(upi) => opt_str(upi, "vpa").map_err(|_| ApiError::invalid("upi[vpa]"))?,
        None => None,
    };
    let vpa = match vpa {
        Some(v) => Some(v),
        None => opt_str(body, "vpa")?,
    };
    match flow.as_deref() {
        Some("intent") => Ok(PayMethod::Upi(None)),
        Some("collect") | None => {
            let vpa = vpa.ok_or_else(|| ApiError::required("upi[vpa]"))?;
            let valid = vpa
                .split_once('@')
                .is_some_and(|(h, p)| !h.is_empty() && !p.is_empty() && !p.contains('@'));
            if !valid {
                return Err(ApiError::field(
                    "upi[vpa]",
                    "Invalid VPA. Please enter a valid Virtual Payment Address",
                ));
            }
            Ok(PayMethod::Upi(Some(vpa)))
        }
        Some(_) => Err(ApiError::invalid("upi[flow]")),
    }
}

/// The (unused) card details of a non-card payment.
fn no_card() -> CardInfo {
    CardInfo {
        id: String::new(),
        name: None,
        last4: String::new(),
        iin: String::new(),
        network: "",
        card_type: "",
        international: false,
        expiry_month: 0,
        expiry_year: 0,
    }
}

/// Everything `create/json` checks, before anything is stored.
struct NewPayment {
    method: PayMethod,
    amount: i64,
    currency: String,
    order_id: String,
    card: CardInfo,
    declined: bool,
    email: String,
    contact: String,
    customer_id: Option<String>,
    recurring: bool,
    description: Option<String>,
    notes: Value,
    callback_url: Option<String>,
}

fn validate_create_json(state: &State, body: &Map<String, Value>) -> Result<NewPayment, ApiError> {
    let amount = req_amount(body)?;
    let currency = req_currency(body)?;
    let order = check_order(state, body, amount, &currency)?;
    let method = req_str(body, "method")?;
    let pay_method = match method.as_str() {
        "card" => PayMethod::Card,
        "netbanking" => {
            let bank = req_str(body, "bank")?;
            if !BANK_CODES.contains(&bank.as_str()) {
                return Err(ApiError::field("bank", "Invalid bank code provided."));
            }
            PayMethod::Netbanking(bank)
        }
        "wallet" => {
            let wallet = req_str(body, "wallet")?;
            if !WALLET_CODES.contains(&wallet.as_str()) {
                return Err(ApiError::field("wallet", "Invalid wallet name provided."));
            }
            PayMethod::Wallet(wallet)
        }
        "upi" => parse_upi(body)?,
        "emi" | "cardless_emi" | "paylater" => {
            return Err(ApiError::field(
                "method",
                format!("The sandbox does not emulate method {method}"),
            ))
        }
        _ => return Err(ApiError::field("method", "Invalid payment method given")),
    };
    let (email, contact) = customer_contact(body)?;
    let (card, declined) = if pay_method == PayMethod::Card {
        let card = opt_object(body, "card")?.ok_or_else(|| ApiError::required("card"))?;
        parse_card(state, card)?
    } else {
        (no_card(), false)
    };
    let callback_url = opt_str(body, "callback_url")?.filter(|u| !u.trim().is_empty());
    if let Some(url) = &callback_url {
        let valid = url::Url::parse(url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        if !valid {
            return Err(ApiError::field(
                "callback_url",
                "The callback url format is invalid.",
            ));
        }
    }
    if let Some(auth) = opt_object(body, "authentication")? {
        match opt_str(auth, "authentication_channel")?.as_deref() {
            None | Some("browser") | Some("app") => {}
            Some(_) => return Err(ApiError::invalid("authentication[authentication_channel]")),
        }
    }
    let recurring = match body.get("recurring") {
        Some(Value::String(s)) if s == "preferred" => true,
        _ => opt_flag(body, "recurring")?.unwrap_or(false),
    };
    let customer_id = opt_str(body, "customer_id")?;
    if let Some(customer) = &customer_id {
        if !state.customers.contains_key(customer) {
            return Err(ApiError::no_such_id(Some("customer_id")));
        }
    }
    if recurring && pay_method != PayMethod::Card {
        return Err(ApiError::field(
            "recurring",
            "The sandbox emulates recurring payments for cards only",
        ));
    }
    if recurring {
        let Some(customer) = &customer_id else {
            return Err(ApiError::field(
                "customer_id",
                "The customer id field is required when recurring is present.",
            ));
        };
        // Razorpay API docs, "SetupMandate — recurring payments": the authorisation payment goes into an order made for it, with the customer,
        // the method and the token settings.
        if order.token.is_none() || order.method.as_deref() != Some("card") {
            return Err(ApiError::field(
                "order_id",
                "A recurring card payment needs an order created with customer_id, method card and token",
            ));
        }
        if order.customer_id.as_ref().is_some_and(|c| c != customer) {
            return Err(ApiError::field(
                "customer_id",
                "The customer id does not match the customer of the order",
            ));
        }
    }
    Ok(NewPayment {
        method: pay_method,
        amount,
        currency,
        order_id: order.id.clone(),
        card,
        declined,
        email,
        contact,
        customer_id,
        recurring,
        description: opt_str(body, "description")?,
        notes: parse_notes(body)?,
        callback_url,
    })
}

/// `POST /v1/payments/create/json`: a payment in `created`, with the `next[]` actions
/// (redirect to the mock page, or the native OTP flow). The issuer-decline card fails at once.
pub(super) fn create_json(
    state: &mut State,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    let new = validate_create_json(state, body)
        .map_err(|e| e.with_detail(input_detail("payment_initiation", json!({}))))?;
    let id = state.new_id("pay_");
    let track = random_string(14, ALNUM);
    let seq = state.next_seq();
    let mut payment = Payment {
        method: new.method.clone(),
        id: id.clone(),
        seq,
        order_id: new.order_id.clone(),
        amount: new.amount,
        currency: new.currency,
        status: PaymentStatus::Created,
        captured: false,
        amount_refunded: 0,
        card: new.card,
        email: Some(new.email),
        contact: Some(new.contact),
        customer_id: new.customer_id,
        token_id: None,
        recurring_setup: new.recurring,
        description: new.description,
        notes: new.notes,
        callback_url: new.callback_url,
        error: None,
        auth_code: None,
        rrn: None,
        authorized_at_ms: None,
        track_id: None,
        otp_generated: false,
        created_at: now_s(),
    };
    if let Some(order) = state.orders.get_mut(&new.order_id) {
        order.record_attempt();
    }
    if new.declined {
        payment.status = PaymentStatus::Failed;
        payment.error = Some(ISSUER_DECLINE);
        let error = ApiError::Error {
            status: StatusCode::BAD_REQUEST,
            code: ISSUER_DECLINE.code,
            description: ISSUER_DECLINE.description.into(),
            field: None,
            detail: Some(Box::new(ErrorDetail {
                source: ISSUER_DECLINE.source,
                step: ISSUER_DECLINE.step,
                reason: ISSUER_DECLINE.reason,
                metadata: payment.metadata(),
            })),
        };
        emit(
            ctx,
            vec![Event::new(
                "payment.failed",
                vec![("payment", payment.entity())],
            )],
        );
        state.payments.insert(id, payment);
        return Err(error);
    }
    let base = ctx.processor_url();
    if let PayMethod::Upi(vpa) = &new.method {
        // UPI: no redirect; the customer approves in the UPI app and the business polls
        // `GET /v1/payments/{id}` (Razorpay's "UPI Collect" and "UPI Intent" pages).
        let poll = json!({"action": "poll", "url": format!("{base}/v1/payments/{id}")});
        let next = match vpa {
            Some(_) => json!([poll]),
            None => {
                let link = format!(
                    "upi://pay?pa=success@razorpay&pn=Sandbox%20Merchant&tr={}&tn=razorpay&am={}.{:02}&cu={}&mc=5411",
                    id.trim_start_matches("pay_"),
                    new.amount / 100,
                    new.amount % 100,
                    payment.currency,
                );
                json!([{"action": "intent", "url": link}, poll])
            }
        };
        state.payments.insert(id.clone(), payment);
        // Test mode decides the two test VPAs at once ("Test UPI Details").
        match vpa.as_deref() {
            Some(UPI_SUCCESS_VPA) => emit(ctx, authorize(state, &id)),
            Some(UPI_FAILURE_VPA) => emit(ctx, fail_customer(state, &id)),
            _ => {}
        }
        return ok(&json!({"razorpay_payment_id": id, "next": next}));
    }
    payment.track_id = Some(track.clone());
    state.tracks.insert(track.clone(), id.clone());
    state.payments.insert(id.clone(), payment);
    if new.method != PayMethod::Card {
        // Netbanking and wallets: a redirect to the (mock) bank or wallet page.
        return ok(&json!({
            "razorpay_payment_id": id,
            "next": [{"action": "redirect", "url": format!("{base}/v1/payments/{track}/authorize")}],
        }));
    }
    ok(&json!({
        "razorpay_payment_id": id,
        "next": [
            {"action": "redirect", "url": format!("{base}/v1/payments/{track}/authorize")},
            {"action": "otp_generate",
             "url": format!("{base}/v1/payments/{id}/otp_generate?track_id={track}&key_id={KEY_ID}")},
        ],
    }))
}

/// The payment is authorized; with an auto-capture order it is captured at once. Answers the
/// events, in order.
fn authorize(state: &mut State, payment_id: &str) -> Vec<Event> {
    let mut events = Vec::new();
    let token = {
        let Some(payment) = state.payments.get(payment_id) else {
            return events;
        };
        match (&payment.customer_id, payment.recurring_setup) {
            (Some(customer), true) => {
                let order_token = state
                    .orders
                    .get(&payment.order_id)
                    .and_then(|o| o.token.clone());
                let setting = |k: &str| {
                    order_token
                        .as_ref()
                        .and_then(|t| t.get(k))
                        .and_then(Value::as_i64)
                };
                Some(Token {
                    id: state.new_id("token_"),
                    seq: 0,
                    customer_id: customer.clone(),
                    card: payment.card.clone(),
                    max_amount: setting("max_amount"),
                    expire_at: setting("expire_at"),
                    created_at: now_s(),
                    used_at: None,
                })
            }
            _ => None,
        }
    };
    let token_id = token.map(|mut t| {
        t.seq = state.next_seq();
        let id = t.id.clone();
        state.tokens.insert(id.clone(), t);
        id
    });
    let Some(payment) = state.payments.get_mut(payment_id) else {
        return events;
    };
    payment.status = PaymentStatus::Authorized;
    payment.authorized_at_ms = Some(now_ms());
    payment.auth_code = Some(random_string(6, b"0123456789"));
    payment.rrn = Some(random_string(12, b"0123456789"));
    payment.track_id = None;
    if token_id.is_some() {
        payment.token_id = token_id;
    }
    events.push(Event::new(
        "payment.authorized",
        vec![("payment", payment.entity())],
    ));
    let order_id = payment.order_id.clone();
    let auto_capture = state.orders.get(&order_id).is_some_and(|o| o.auto_capture);
    if auto_capture {
        events.extend(capture_now(state, payment_id));
    }
    events
}

/// Captures an authorized payment in full; answers `payment.captured` and, when the order is
/// now paid, `order.paid`.
fn capture_now(state: &mut State, payment_id: &str) -> Vec<Event> {
    let mut events = Vec::new();
    let Some(payment) = state.payments.get_mut(payment_id) else {
        return events;
    };
    payment.status = PaymentStatus::Captured;
    payment.captured = true;
    let amount = payment.amount;
    let entity = payment.entity();
    let order_id = payment.order_id.clone();
    events.push(Event::new(
        "payment.captured",
        vec![("payment", entity.clone())],
    ));
    if let Some(order) = state.orders.get_mut(&order_id) {
        if order.record_capture(amount) {
            events.push(Event::new(
                "order.paid",
                vec![("payment", entity), ("order", order.entity())],
            ));
        }
    }
    events
}

/// The payment failed authentication (Razorpay API docs, "Behaviour a simulator should reproduce": the "incorrect otp" error, `payment.failed`).
fn fail_authentication(state: &mut State, payment_id: &str) -> Vec<Event> {
    let Some(payment) = state.payments.get_mut(payment_id) else {
        return Vec::new();
    };
    payment.status = PaymentStatus::Failed;
    payment.error = Some(INVALID_OTP);
    payment.track_id = None;
    vec![Event::new(
        "payment.failed",
        vec![("payment", payment.entity())],
    )]
}

/// The customer declined a non-card payment (`payment.failed`, `error_source: customer`).
fn fail_customer(state: &mut State, payment_id: &str) -> Vec<Event> {
    let Some(payment) = state.payments.get_mut(payment_id) else {
        return Vec::new();
    };
    payment.status = PaymentStatus::Failed;
    payment.error = Some(CUSTOMER_DECLINE);
    payment.track_id = None;
    vec![Event::new(
        "payment.failed",
        vec![("payment", payment.entity())],
    )]
}

/// `POST /razorpay/_sandbox/payments/{id}/complete` with `{"result": "success"|"failure"}`:
/// the customer approves or declines a pending UPI payment in the UPI app (test mode cannot
/// complete an intent; Razorpay's "UPI Intent" page).
pub(super) fn complete_upi(
    state: &mut State,
    id: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> Result<Value, crate::processor::ControlError> {
    use crate::processor::ControlError;
    let Some(payment) = state.payments.get(id) else {
        return Err(ControlError::new(
            StatusCode::NOT_FOUND,
            format!("no Razorpay payment {id:?}"),
        ));
    };
    if !matches!(payment.method, PayMethod::Upi(_)) {
        return Err(ControlError::new(
            StatusCode::CONFLICT,
            "the payment is not a UPI payment",
        ));
    }
    if payment.status != PaymentStatus::Created {
        return Err(ControlError::new(
            StatusCode::CONFLICT,
            format!("the payment is {}, not created", payment.status.as_str()),
        ));
    }
    let events = match body.get("result").and_then(Value::as_str) {
        Some("success") => authorize(state, id),
        Some("failure") => fail_customer(state, id),
        _ => {
            return Err(ControlError::new(
                StatusCode::BAD_REQUEST,
                "result must be \"success\" or \"failure\"",
            ))
        }
    };
    emit(ctx, events);
    Ok(state
        .payments
        .get(id)
        .map(Payment::entity)
        .unwrap_or(Value::Null))
}

/// `POST /razorpay/_sandbox/payments/{id}/authorize_late`: a failed payment is authorized
/// after all (a late authorisation, Razorpay API docs, "PSync — GET /v1/payments/{payment_id}": `payment.failed` can be followed by
/// `payment.captured`). The error fields are cleared; an auto-capture order captures it.
pub(super) fn authorize_late(
    state: &mut State,
    id: &str,
    ctx: &Context,
) -> Result<Value, crate::processor::ControlError> {
    let Some(payment) = state.payments.get(id) else {
        return Err(crate::processor::ControlError::new(
            StatusCode::NOT_FOUND,
            format!("no Razorpay payment {id:?}"),
        ));
    };
    if payment.status != PaymentStatus::Failed {
        return Err(crate::processor::ControlError::new(
            StatusCode::CONFLICT,
            format!("the payment is {}, not failed", payment.status.as_str()),
        ));
    }
    if let Some(p) = state.payments.get_mut(id) {
        p.error = None;
    }
    let events = authorize(state, id);
    emit(ctx, events);
    let payment = state.payments.get(id).map(Payment::entity);
    Ok(payment.unwrap_or(Value::Null))
}

/// An OTP of 4 to 10 digits authenticates; anything else fails (Razorpay API docs, "Choosing outcomes").
fn otp_succeeds(otp: &str) -> bool {
    (4..=10).contains(&otp.len()) && otp.bytes().all(|b| b.is_ascii_digit())
}

/// Ends authentication with `otp`; answers whether it succeeded.
fn authenticate(state: &mut State, payment_id: &str, otp: &str, ctx: &Context) -> bool {
    if let Some(track) = state
        .payments
        .get(payment_id)
        .and_then(|p| p.track_id.clone())
    {
        state.tracks.remove(&track);
    }
    if otp_succeeds(otp) {
        let events = authorize(state, payment_id);
        emit(ctx, events);
        true
    } else {
        let events = fail_authentication(state, payment_id);
        emit(ctx, events);
        false
    }
}

/// The mock bank page: `GET` shows the OTP form; `POST otp=...` authenticates and redirects
/// to the payment's `callback_url` with the return parameters (Razorpay API docs, "Authorize (server-to-server card) — POST /v1/payments/create/json", Razorpay API docs, "Behaviour a simulator should reproduce").
pub(super) fn authorize_page(
    state: &mut State,
    request: &Request,
    track: &str,
    ctx: &Context,
) -> Response {
    let Some(payment_id) = state.tracks.get(track).cloned() else {
        return page(
            StatusCode::NOT_FOUND,
            "Payment not found",
            "<p>This authentication session does not exist or was already completed.</p>",
        );
    };
    let Some(payment) = state.payments.get(&payment_id) else {
        return page(
            StatusCode::NOT_FOUND,
            "Payment not found",
            "<p>The payment no longer exists.</p>",
        );
    };
    let is_card = payment.method == PayMethod::Card;
    if request.method == Method::GET && !is_card {
        let what = match &payment.method {
            PayMethod::Netbanking(b) => format!("Bank: {}", html_escape(b)),
            PayMethod::Wallet(w) => format!("Wallet: {}", html_escape(w)),
            _ => String::new(),
        };
        let content = format!(
            "<p>Razorpay test mode: a mock bank page.</p>\
             <p>Amount (minor units): {} {}<br>{what}</p>\
             <form method=\"POST\" action=\"\">\
             <button type=\"submit\" name=\"choice\" value=\"success\">Success</button> \
             <button type=\"submit\" name=\"choice\" value=\"failure\">Failure</button></form>",
            payment.amount,
            html_escape(&payment.currency),
        );
        return page(StatusCode::OK, "Mock bank page", &content);
    }
    if request.method == Method::GET {
        let content = format!(
            "<p>Razorpay test mode: a mock bank page.</p>\
             <p>Amount (minor units): {} {}<br>Card: {} **** {}</p>\
             <form method=\"POST\" action=\"\">\
             <label>OTP <input type=\"text\" name=\"otp\" inputmode=\"numeric\" autofocus></label> \
             <button type=\"submit\">Submit</button></form>\
             <p><small>Sandbox: an OTP of 4 to 10 digits succeeds; a shorter one fails.</small></p>",
            payment.amount,
            html_escape(&payment.currency),
            html_escape(payment.card.network),
            html_escape(&payment.card.last4),
        );
        return page(StatusCode::OK, "Enter OTP", &content);
    }
    let field = if is_card { "otp" } else { "choice" };
    let value = request
        .form_pairs()
        .into_iter()
        .find(|(k, _)| k == field)
        .map(|(_, v)| v)
        .unwrap_or_default();
    let callback_url = payment.callback_url.clone();
    let order_id = payment.order_id.clone();
    let (succeeded, failure) = if is_card {
        (
            authenticate(state, &payment_id, value.trim(), ctx),
            INVALID_OTP,
        )
    } else {
        state.tracks.remove(track);
        let succeeded = value.trim() == "success";
        let events = if succeeded {
            authorize(state, &payment_id)
        } else {
            fail_customer(state, &payment_id)
        };
        emit(ctx, events);
        (succeeded, CUSTOMER_DECLINE)
    };
    let params: Vec<(String, String)> = if succeeded {
        vec![
            ("razorpay_payment_id".into(), payment_id.clone()),
            ("razorpay_order_id".into(), order_id.clone()),
            (
                "razorpay_signature".into(),
                return_signature(&order_id, &payment_id),
            ),
        ]
    } else {
        vec![
            ("error[code]".into(), failure.code.into()),
            ("error[description]".into(), failure.description.into()),
            ("error[source]".into(), failure.source.into()),
            ("error[step]".into(), failure.step.into()),
            ("error[reason]".into(), failure.reason.into()),
            (
                "error[metadata]".into(),
                json!({"payment_id": payment_id, "order_id": order_id}).to_string(),
            ),
        ]
    };
    match callback_url {
        Some(url) => Response::redirect(&append_query(&url, &params)),
        None => {
            let rows: String = params
                .iter()
                .map(|(k, v)| {
                    format!(
                        "<tr><th>{}</th><td><code>{}</code></td></tr>",
                        html_escape(k),
                        html_escape(v)
                    )
                })
                .collect();
            let title = if succeeded {
                "Payment authorized"
            } else {
                "Payment failed"
            };
            page(
                StatusCode::OK,
                title,
                &format!("<p>No callback_url was given with the payment.</p><table>{rows}</table>"),
            )
        }
    }
}

fn page(status: StatusCode, title: &str, content: &str) -> Response {
    Response::html(
        status,
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{0}</title></head>\
             <body><h1>{0}</h1>{1}</body></html>",
            html_escape(title),
            content
        ),
    )
}

/// `url` with the parameters appended to its query (before any fragment).
fn append_query(url: &str, params: &[(String, String)]) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            {
                let mut query = parsed.query_pairs_mut();
                for (k, v) in params {
                    query.append_pair(k, v);
                }
            }
            parsed.to_string()
        }
        Err(_) => url.to_string(),
    }
}

/// The payment of an OTP call, while its authentication is outstanding.
fn pending_payment<'a>(
    state: &'a State,
    id: &str,
    request_track: Option<&str>,
) -> Result<&'a Payment, ApiError> {
    let payment = state
        .payments
        .get(id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    let detail = || input_detail("payment_authentication", payment.metadata());
    if payment.method != PayMethod::Card {
        return Err(ApiError::bad_request(
            "OTP authentication is not available for this payment method",
            None,
        )
        .with_detail(detail()));
    }
    let Some(track) = &payment.track_id else {
        return Err(
            ApiError::bad_request("Payment has already been processed", None).with_detail(detail()),
        );
    };
    if request_track.is_some_and(|t| t != track) {
        return Err(ApiError::invalid("track_id").with_detail(detail()));
    }
    Ok(payment)
}

/// `POST /v1/payments/{id}/otp_generate?track_id=...&key_id=...` (the native OTP flow).
pub(super) fn otp_generate(
    state: &mut State,
    id: &str,
    request: &Request,
    ctx: &Context,
) -> ApiResult {
    let query = request.query_pairs();
    let track = query
        .iter()
        .find(|(k, _)| k == "track_id")
        .map(|(_, v)| v.as_str());
    let payment = pending_payment(state, id, track)?;
    let track = payment.track_id.clone().unwrap_or_default();
    let metadata = json!({
        "issuer": null,
        "network": payment.card.network,
        "last4": payment.card.last4,
        "iin": payment.card.iin,
    });
    if let Some(p) = state.payments.get_mut(id) {
        p.otp_generated = true;
    }
    let base = ctx.processor_url();
    ok(&json!({
        "razorpay_payment_id": id,
        "next": [{"action": "otp_submit",
                  "url": format!("{base}/v1/payments/{id}/otp/submit?track_id={track}&key_id={KEY_ID}")}],
        "metadata": metadata,
    }))
}

/// `POST /v1/payments/{id}/otp/submit` with `{"otp": ...}`: the return parameters, or Razorpay API docs, "Errors"'s
/// "incorrect otp" error.
pub(super) fn otp_submit(
    state: &mut State,
    id: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    let payment = pending_payment(state, id, None)?;
    let metadata = payment.metadata();
    let order_id = payment.order_id.clone();
    if !payment.otp_generated {
        return Err(
            ApiError::bad_request("OTP has not been generated for this payment", None)
                .with_detail(input_detail("payment_authentication", metadata)),
        );
    }
    let otp = req_str(body, "otp")
        .map_err(|e| e.with_detail(input_detail("payment_authentication", metadata.clone())))?;
    if authenticate(state, id, otp.trim(), ctx) {
        ok(&json!({
            "razorpay_payment_id": id,
            "razorpay_order_id": order_id,
            "razorpay_signature": return_signature(&order_id, id),
        }))
    } else {
        Err(ApiError::Error {
            status: StatusCode::BAD_REQUEST,
            code: INVALID_OTP.code,
            description: INVALID_OTP.description.into(),
            field: None,
            detail: Some(Box::new(ErrorDetail {
                source: INVALID_OTP.source,
                step: INVALID_OTP.step,
                reason: INVALID_OTP.reason,
                metadata,
            })),
        })
    }
}

/// `GET /v1/payments/{id}`
pub(super) fn get(state: &State, id: &str) -> ApiResult {
    let payment = state
        .payments
        .get(id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    ok(&payment.entity())
}

/// `POST /v1/payments/{id}/capture` with `{amount, currency}`: both required, the amount
/// exactly the authorized amount (Razorpay API docs, "Capture — POST /v1/payments/{payment_id}/capture").
pub(super) fn capture(
    state: &mut State,
    id: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    let payment = state
        .payments
        .get(id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    let detail = input_detail("payment_capture", payment.metadata());
    let checked = (|| {
        let amount = req_amount(body)?;
        let currency = req_str(body, "currency")?;
        match payment.status {
            PaymentStatus::Authorized => {}
            PaymentStatus::Captured => {
                return Err(ApiError::bad_request(
                    "This payment has already been captured",
                    None,
                ))
            }
            PaymentStatus::Refunded if payment.captured => {
                return Err(ApiError::bad_request(
                    "This payment has already been captured",
                    None,
                ))
            }
            PaymentStatus::Refunded => {
                return Err(ApiError::bad_request(
                    "This payment has already been refunded as it was not captured in time",
                    None,
                ))
            }
            PaymentStatus::Created | PaymentStatus::Failed => {
                return Err(ApiError::bad_request(
                    "Only payments which have been authorized and not yet captured can be captured",
                    None,
                ))
            }
        }
        if currency != payment.currency {
            return Err(ApiError::field(
                "currency",
                "The currency should be same as the payment currency",
            ));
        }
        if amount != payment.amount {
            return Err(ApiError::field(
                "amount",
                "Capture amount must be equal to the amount authorized",
            ));
        }
        Ok(())
    })();
    checked.map_err(|e| e.with_detail(detail))?;
    let events = capture_now(state, id);
    emit(ctx, events);
    let payment = state
        .payments
        .get(id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    ok(&payment.entity())
}

/// `POST /v1/payments/create/recurring`: charges a token of the customer (Razorpay API docs, "SetupMandate — recurring payments"). The charge
/// is authorized at once (and captured with an auto-capture order).
pub(super) fn create_recurring(
    state: &mut State,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    let validated = (|| {
        let amount = req_amount(body)?;
        let currency = req_currency(body)?;
        let order = check_order(state, body, amount, &currency)?;
        let (email, contact) = customer_contact(body)?;
        let customer_id = req_str(body, "customer_id")?;
        if !state.customers.contains_key(&customer_id) {
            return Err(ApiError::no_such_id(Some("customer_id")));
        }
        if order
            .customer_id
            .as_ref()
            .is_some_and(|c| *c != customer_id)
        {
            return Err(ApiError::field(
                "customer_id",
                "The customer id does not match the customer of the order",
            ));
        }
        let token_id = req_str(body, "token")?;
        let token = state
            .tokens
            .get(&token_id)
            .ok_or_else(|| ApiError::no_such_id(Some("token")))?;
        if token.customer_id != customer_id {
            return Err(ApiError::field(
                "token",
                "The token does not belong to the customer",
            ));
        }
        if token.expire_at.is_some_and(|t| t <= now_s()) {
            return Err(ApiError::field("token", "The token has expired"));
        }
        if token.max_amount.is_some_and(|max| amount > max) {
            return Err(ApiError::field(
                "amount",
                "The amount is greater than the maximum amount allowed for the token",
            ));
        }
        match opt_flag(body, "recurring") {
            Ok(Some(true)) => {}
            Ok(_) | Err(_) => {
                return Err(ApiError::field(
                    "recurring",
                    "The recurring field is required and must be true.",
                ))
            }
        }
        Ok((
            amount,
            currency,
            order.id.clone(),
            email,
            contact,
            customer_id,
            token.id.clone(),
            token.card.clone(),
        ))
    })();
    let (amount, currency, order_id, email, contact, customer_id, token_id, card) =
        validated.map_err(|e| e.with_detail(input_detail("payment_initiation", json!({}))))?;
    let id = state.new_id("pay_");
    let seq = state.next_seq();
    let payment = Payment {
        method: PayMethod::Card,
        id: id.clone(),
        seq,
        order_id: order_id.clone(),
        amount,
        currency,
        status: PaymentStatus::Created,
        captured: false,
        amount_refunded: 0,
        card,
        email: Some(email),
        contact: Some(contact),
        customer_id: Some(customer_id),
        token_id: Some(token_id.clone()),
        recurring_setup: false,
        description: opt_str(body, "description").ok().flatten(),
        notes: parse_notes(body).unwrap_or_else(|_| json!([])),
        callback_url: None,
        error: None,
        auth_code: None,
        rrn: None,
        authorized_at_ms: None,
        track_id: None,
        otp_generated: false,
        created_at: now_s(),
    };
    state.payments.insert(id.clone(), payment);
    if let Some(order) = state.orders.get_mut(&order_id) {
        order.record_attempt();
    }
    if let Some(token) = state.tokens.get_mut(&token_id) {
        token.used_at = Some(now_s());
    }
    let events = authorize(state, &id);
    emit(ctx, events);
    ok(&json!({
        "razorpay_payment_id": id,
        "razorpay_order_id": order_id,
        "razorpay_signature": return_signature(&order_id, &id),
    }))
}

/// `GET /v1/customers/{id}/tokens`
pub(super) fn customer_tokens(state: &State, id: &str) -> ApiResult {
    if !state.customers.contains_key(id) {
        return Err(ApiError::no_such_id(None));
    }
    let mut tokens: Vec<&Token> = state
        .tokens
        .values()
        .filter(|t| t.customer_id == id)
        .collect();
    tokens.sort_by_key(|x| std::cmp::Reverse(x.seq));
    ok(&collection(tokens.iter().map(|t| t.entity()).collect()))
}

/// Authorizations left uncaptured beyond the window become `refunded` with `captured: false`
/// (Razorpay API docs, "PSync — GET /v1/payments/{payment_id}", Razorpay API docs, "Behaviour a simulator should reproduce"). With `force`, the window is ignored; `only` limits it to one payment.
/// Answers the ids of the payments refunded.
pub(super) fn expire_authorizations(
    state: &mut State,
    only: Option<&str>,
    force: bool,
) -> Vec<String> {
    let window_ms = state.authorization_window.as_millis() as u64;
    let now = now_ms();
    let mut expired = Vec::new();
    for payment in state.payments.values_mut() {
        if only.is_some_and(|id| id != payment.id) || payment.status != PaymentStatus::Authorized {
            continue;
        }
        let due = payment
            .authorized_at_ms
            .is_some_and(|at| now.saturating_sub(at) >= window_ms);
        if force || due {
            payment.status = PaymentStatus::Refunded;
            payment.amount_refunded = payment.amount;
            expired.push(payment.id.clone());
        }
    }
    expired.sort();
    expired
}

/// A card payment in `created` on `order_id`, for other modules' unit tests.
#[cfg(test)]
pub(super) fn test_payment(state: &mut State, order_id: &str, amount: i64) -> String {
    let id = state.new_id("pay_");
    let seq = state.next_seq();
    let payment = Payment {
        method: PayMethod::Card,
        id: id.clone(),
        seq,
        order_id: order_id.to_string(),
        amount,
        currency: "INR".into(),
        status: PaymentStatus::Created,
        captured: false,
        amount_refunded: 0,
        card: CardInfo {
            id: state.new_id("card_"),
            name: None,
            last4: "1111".into(),
            iin: "411111".into(),
            network: "Visa",
            card_type: "credit",
            international: false,
            expiry_month: 12,
            expiry_year: 2030,
        },
        email: Some("gaurav.kumar@example.com".into()),
        contact: Some("9000090000".into()),
        customer_id: None,
        token_id: None,
        recurring_setup: false,
        description: None,
        notes: json!([]),
        callback_url: None,
        error: None,
        auth_code: None,
        rrn: None,
        authorized_at_ms: None,
        track_id: None,
        otp_generated: false,
        created_at: now_s(),
    };
    state.payments.insert(id.clone(), payment);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otp_rule() {
        for good in ["1234", "123456", "0000000000"] {
            assert!(otp_succeeds(good), "{good}");
        }
        for bad in ["", "1", "123", "12345678901", "12a4", " 1234"] {
            assert!(!otp_succeeds(bad), "{bad}");
        }
    }

    #[test]
    fn contacts_and_emails() {
        assert!(valid_contact("9000090000"));
        assert!(valid_contact("+919999999999"));
        assert!(valid_contact("+91 99999-99999"));
        assert!(!valid_contact("12345"));
        assert!(!valid_contact("phone"));
        assert!(valid_email("gaurav.kumar@example.com"));
        assert!(!valid_email("gaurav.kumar"));
        assert!(!valid_email("a@b"));
        assert!(!valid_email("a b@example.com"));
    }

    #[test]
    fn return_signature_is_hmac_of_order_and_payment() {
        assert_eq!(
            return_signature("order_1", "pay_1"),
            hmac_hex(KEY_SECRET, b"order_1|pay_1")
        );
        assert_eq!(return_signature("order_1", "pay_1").len(), 64);
    }

    #[test]
    fn appends_return_parameters() {
        let url = append_query(
            "https://shop.example/return?cart=7#top",
            &[
                ("razorpay_payment_id".into(), "pay_1".into()),
                ("error[code]".into(), "X Y".into()),
            ],
        );
        assert_eq!(
            url,
            "https://shop.example/return?cart=7&razorpay_payment_id=pay_1&error%5Bcode%5D=X+Y#top"
        );
    }
}
