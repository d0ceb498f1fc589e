//! Payments: `POST /payments` (cards, stored instruments, tokens, network tokens), the 3-D
//! Secure page, `GET /payments/{id}`, `GET /payments/{id}/actions`, captures, voids, refunds
//! (Checkout.com API reference, "Flows"), and `POST /tokens` (Checkout.com docs, "Wallet tokenisation — POST /tokens").

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::cards::{self, CardData, Outcome};
use super::events::Event;
use super::{
    emit, iso_after, iso_now, opt_amount, opt_bool, opt_int, opt_metadata, opt_object,
    opt_reference, opt_str, ApiError, ApiResult, State, PROCESSING_CHANNEL_ID,
};
use crate::processor::{Context, Request, Response};
use crate::util::{current_year_month, html_escape, now_ms, random_string, valid_card_number};

/// The password of the sandbox's 3-D Secure page (as in Checkout.com's sandbox).
pub const THREE_DS_PASSWORD: &str = "Checkout1!";

/// How long a token from `POST /tokens` lives (Checkout.com docs, "Wallet tokenisation — POST /tokens").
const TOKEN_LIFETIME_MS: u64 = 15 * 60 * 1000;

/// A single-use token from `POST /tokens`.
pub struct Token {
    pub card: CardData,
    pub expires_at_ms: u64,
    pub used: bool,
}

/// A payment's `status` (Checkout.com API reference, "PSync — GET /payments/{id}").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pending,
    Authorized,
    CardVerified,
    Captured,
    PartiallyCaptured,
    Refunded,
    PartiallyRefunded,
    Voided,
    Declined,
    Expired,
    Canceled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "Pending",
            Status::Authorized => "Authorized",
            Status::CardVerified => "Card Verified",
            Status::Captured => "Captured",
            Status::PartiallyCaptured => "Partially Captured",
            Status::Refunded => "Refunded",
            Status::PartiallyRefunded => "Partially Refunded",
            Status::Voided => "Voided",
            Status::Declined => "Declined",
            Status::Expired => "Expired",
            Status::Canceled => "Canceled",
        }
    }
}

/// One action of a payment (`GET /payments/{id}/actions`).
#[derive(Clone, Debug)]
pub struct Action {
    pub id: String,
    /// `Authorization`, `Card Verification`, `Capture`, `Void`, `Refund`.
    pub kind: &'static str,
    pub amount: i64,
    pub approved: bool,
    pub response_code: &'static str,
    pub response_summary: &'static str,
    pub processed_on: String,
    pub reference: Option<String>,
    pub metadata: Option<Value>,
    pub auth_code: Option<String>,
}

impl Action {
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("type".into(), json!(self.kind));
        out.insert("processed_on".into(), json!(self.processed_on));
        out.insert("amount".into(), json!(self.amount));
        out.insert("approved".into(), json!(self.approved));
        if let Some(code) = &self.auth_code {
            out.insert("auth_code".into(), json!(code));
        }
        out.insert("response_code".into(), json!(self.response_code));
        out.insert("response_summary".into(), json!(self.response_summary));
        if let Some(reference) = &self.reference {
            out.insert("reference".into(), json!(reference));
        }
        out.insert(
            "processing".into(),
            json!({"acquirer_reference_number": random_string(23, b"0123456789"),
                   "acquirer_transaction_id": random_string(11, b"0123456789")}),
        );
        if let Some(metadata) = &self.metadata {
            out.insert("metadata".into(), metadata.clone());
        }
        Value::Object(out)
    }
}

/// A payment as the account keeps it.
pub struct Payment {
    pub id: String,
    pub session_id: Option<String>,
    pub requested_on: String,
    pub processed_on: Option<String>,
    pub amount: i64,
    pub currency: String,
    pub reference: Option<String>,
    pub description: Option<String>,
    pub payment_type: String,
    pub capture: bool,
    pub status: Status,
    pub outcome: Option<Outcome>,
    pub auth_code: Option<String>,
    pub auth_action_id: String,
    /// `card`, `network_token`, or the redirect method (`ideal`, `eps`): the answer's
    /// `source.type`.
    pub source_type: &'static str,
    /// A redirect payment method (no card): `ideal` or `eps`.
    pub apm: bool,
    pub source_id: String,
    pub card: CardData,
    pub billing_address: Option<Value>,
    pub phone: Option<Value>,
    pub customer: Option<Value>,
    pub three_ds: Option<Value>,
    pub success_url: Option<String>,
    pub failure_url: Option<String>,
    pub metadata: Option<Value>,
    pub eci: Option<String>,
    pub scheme_id: Option<String>,
    pub shipping: Option<Value>,
    pub billing_descriptor: Option<Value>,
    pub payment_ip: Option<String>,
    /// Actions, oldest first.
    pub actions: Vec<Action>,
    pub total_captured: i64,
    pub total_refunded: i64,
    /// A `capture_type: "Final"` capture releases the rest of the authorization.
    pub capture_final: bool,
    /// The next capture, void or refund is accepted (202) and then declined (sandbox hook).
    pub decline_next: bool,
}

impl Payment {
    fn authorized(&self) -> bool {
        !matches!(
            self.status,
            Status::Pending
                | Status::Declined
                | Status::CardVerified
                | Status::Expired
                | Status::Canceled
        )
    }

    fn voided(&self) -> bool {
        self.status == Status::Voided
    }

    pub fn available_to_capture(&self) -> i64 {
        if !self.authorized() || self.voided() || self.capture_final {
            0
        } else {
            self.amount - self.total_captured
        }
    }

    pub fn available_to_refund(&self) -> i64 {
        self.total_captured - self.total_refunded
    }

    fn available_to_void(&self) -> i64 {
        if self.status == Status::Authorized && self.total_captured == 0 {
            self.amount
        } else {
            0
        }
    }

    fn balances(&self) -> Value {
        json!({
            "total_authorized": if self.authorized() { self.amount } else { 0 },
            "total_voided": if self.voided() { self.amount } else { 0 },
            "available_to_void": self.available_to_void(),
            "total_captured": self.total_captured,
            "available_to_capture": self.available_to_capture(),
            "total_refunded": self.total_refunded,
            "available_to_refund": self.available_to_refund(),
        })
    }

    fn source_json(&self, with_id: bool) -> Value {
        let mut source = Map::new();
        source.insert("type".into(), json!(self.source_type));
        if self.apm {
            return Value::Object(source);
        }
        if with_id {
            source.insert("id".into(), json!(self.source_id));
        }
        if let Some(address) = &self.billing_address {
            source.insert("billing_address".into(), address.clone());
        }
        if let Some(phone) = &self.phone {
            source.insert("phone".into(), phone.clone());
        }
        source.extend(self.card.describe());
        if self.outcome.as_ref().is_some_and(|o| o.approved) {
            source.insert("avs_check".into(), json!("G"));
            source.insert("cvv_check".into(), json!("Y"));
        }
        if self.source_type == "network_token" {
            source.insert(
                "payment_account_reference".into(),
                json!(format!("V001{}", &self.card.fingerprint()[..25])),
            );
        }
        Value::Object(source)
    }

    fn links(&self, base: &str) -> Value {
        let href = format!("{base}/payments/{}", self.id);
        let mut links = Map::new();
        links.insert("self".into(), json!({ "href": href }));
        links.insert(
            "actions".into(),
            json!({ "href": format!("{href}/actions") }),
        );
        if self.available_to_capture() > 0 {
            links.insert(
                "capture".into(),
                json!({ "href": format!("{href}/captures") }),
            );
        }
        if self.available_to_void() > 0 {
            links.insert("void".into(), json!({ "href": format!("{href}/voids") }));
        }
        if self.available_to_refund() > 0 {
            links.insert(
                "refund".into(),
                json!({ "href": format!("{href}/refunds") }),
            );
        }
        if let (Status::Pending, Some(session)) = (self.status, &self.session_id) {
            let page = if self.apm { "apm" } else { "3ds" };
            links.insert(
                "redirect".into(),
                json!({ "href": format!("{base}/{page}/{session}") }),
            );
        }
        Value::Object(links)
    }

    /// The `data` of a payment webhook.
    fn event_data(&self, action: Option<&Action>) -> Value {
        let mut data = Map::new();
        data.insert("id".into(), json!(self.id));
        let (action_id, amount, code, summary) = match action {
            Some(a) => (a.id.clone(), a.amount, a.response_code, a.response_summary),
            None => {
                let o = self.outcome.clone().unwrap_or(Outcome::APPROVED);
                (
                    self.auth_action_id.clone(),
                    self.amount,
                    o.response_code,
                    o.response_summary,
                )
            }
        };
        data.insert("action_id".into(), json!(action_id));
        data.insert("amount".into(), json!(amount));
        data.insert("currency".into(), json!(self.currency));
        data.insert("response_code".into(), json!(code));
        data.insert("response_summary".into(), json!(summary));
        if let Some(reference) = &self.reference {
            data.insert("reference".into(), json!(reference));
        }
        data.insert("processed_on".into(), json!(iso_now()));
        data.insert(
            "processing".into(),
            json!({"acquirer_transaction_id": random_string(10, b"0123456789"),
                   "acquirer_reference_number": random_string(12, b"0123456789")}),
        );
        if let Some(metadata) = &self.metadata {
            data.insert("metadata".into(), metadata.clone());
        }
        if !self.apm && (matches!(self.status, Status::CardVerified) || self.outcome.is_some()) {
            data.insert(
                "source".into(),
                json!({"id": self.source_id, "type": self.source_type}),
            );
        }
        data.insert("balances".into(), self.balances());
        Value::Object(data)
    }

    fn event(&self, kind: &'static str, action: Option<&Action>, base: &str) -> Event {
        Event::new(
            kind,
            self.event_data(action),
            json!({"payment": {"href": format!("{base}/payments/{}", self.id)}}),
        )
    }
}

/// The payment a `pay_` or `sid_` id names.
fn find_id<'a>(state: &'a State, id: &'a str) -> Option<&'a str> {
    if state.payments.contains_key(id) {
        return Some(id);
    }
    state.sessions.get(id).map(String::as_str)
}

/// A card's number, expiry, name and CVV from a `card` source or token request.
fn card_fields(source: &Map<String, Value>, kind: &'static str) -> Result<CardData, ApiError> {
    let number = opt_str(source, "number")
        .map_err(|_| ApiError::invalid("card_number_invalid"))?
        .ok_or_else(|| ApiError::invalid("card_number_required"))?;
    if !valid_card_number(&number) {
        return Err(ApiError::invalid("card_number_invalid"));
    }
    let (month, year) = expiry(source, "card_expiry_month", "card_expiry_year")?;
    let cvv = opt_str(source, "cvv").map_err(|_| ApiError::invalid("cvv_invalid"))?;
    if let Some(cvv) = &cvv {
        if !(3..=4).contains(&cvv.len()) || !cvv.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::invalid("cvv_invalid"));
        }
    }
    let name = opt_str(source, "name")?;
    Ok(CardData {
        number,
        expiry_month: month,
        expiry_year: year,
        name,
        kind,
    })
}

/// `expiry_month` (1-12) and `expiry_year` (four digits), not in the past.
fn expiry(
    source: &Map<String, Value>,
    month_code: &str,
    year_code: &str,
) -> Result<(i64, i64), ApiError> {
    let month = opt_int(source, "expiry_month", &format!("{month_code}_invalid"))?
        .ok_or_else(|| ApiError::invalid(&format!("{month_code}_required")))?;
    if !(1..=12).contains(&month) {
        return Err(ApiError::invalid(&format!("{month_code}_invalid")));
    }
    let year = opt_int(source, "expiry_year", &format!("{year_code}_invalid"))?
        .ok_or_else(|| ApiError::invalid(&format!("{year_code}_required")))?;
    if !(1000..=9999).contains(&year) {
        return Err(ApiError::invalid(&format!("{year_code}_invalid")));
    }
    let (now_y, now_m) = current_year_month();
    if (year, month) < (now_y, i64::from(now_m)) {
        return Err(ApiError::invalid("card_expired"));
    }
    Ok((month, year))
}

/// What `source` resolves to: the card, the answer's `source.type`, and a stored id to reuse.
struct Resolved {
    /// `ideal` / `eps`: a bank redirect, no card.
    apm: Option<&'static str>,
    card: CardData,
    source_type: &'static str,
    stored_id: Option<String>,
    eci: Option<String>,
    billing_address: Option<Value>,
    phone: Option<Value>,
}

fn resolve_source(
    state: &mut State,
    source: &Map<String, Value>,
    body: &Map<String, Value>,
    three_ds: bool,
) -> Result<Resolved, ApiError> {
    let kind = opt_str(source, "type")
        .map_err(|_| ApiError::invalid("payment_source_type_invalid"))?
        .ok_or_else(|| ApiError::invalid("payment_source_type_required"))?;
    let billing_address = opt_object(source, "billing_address")?.map(|m| Value::Object(m.clone()));
    let phone = opt_object(source, "phone")?.map(|m| Value::Object(m.clone()));
    let mut resolved = match kind.as_str() {
        "card" => Resolved {
            apm: None,
            card: card_fields(source, "card")?,
            source_type: "card",
            stored_id: None,
            eci: None,
            billing_address: None,
            phone: None,
        },
        "id" => {
            let id =
                opt_str(source, "id")?.ok_or_else(|| ApiError::invalid("source_id_required"))?;
            let card = state
                .sources
                .get(&id)
                .cloned()
                .ok_or_else(|| ApiError::invalid("source_id_invalid"))?;
            let source_type = if card.kind == "network_token" {
                "network_token"
            } else {
                "card"
            };
            Resolved {
                apm: None,
                card,
                source_type,
                stored_id: Some(id),
                eci: None,
                billing_address: None,
                phone: None,
            }
        }
        "token" => {
            let id =
                opt_str(source, "token")?.ok_or_else(|| ApiError::invalid("token_required"))?;
            let token = state
                .tokens
                .get_mut(&id)
                .ok_or_else(|| ApiError::invalid("token_invalid"))?;
            if token.used {
                return Err(ApiError::invalid("token_used"));
            }
            if now_ms() > token.expires_at_ms {
                return Err(ApiError::invalid("token_expired"));
            }
            token.used = true;
            Resolved {
                apm: None,
                card: token.card.clone(),
                source_type: "card",
                stored_id: None,
                eci: None,
                billing_address: None,
                phone: None,
            }
        }
        "network_token" => {
            let number =
                opt_str(source, "token")?.ok_or_else(|| ApiError::invalid("token_required"))?;
            if !valid_card_number(&number) {
                return Err(ApiError::invalid("token_invalid"));
            }
            let (month, year) = expiry(source, "expiry_month", "expiry_year")?;
            match opt_str(source, "token_type")?.as_deref() {
                Some("vts" | "mdes" | "applepay" | "googlepay") => {}
                Some(_) => return Err(ApiError::invalid("token_type_invalid")),
                None => return Err(ApiError::invalid("token_type_required")),
            }
            // The cryptogram and ECI may be left out only for a merchant-initiated payment
            // (`previous_payment_id` set, no 3-D Secure).
            let mit = body
                .get("previous_payment_id")
                .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()))
                && !three_ds;
            let cryptogram = opt_str(source, "cryptogram")?;
            match &cryptogram {
                Some(c) if c.is_empty() || c.len() > 50 => {
                    return Err(ApiError::invalid("cryptogram_invalid"))
                }
                None if !mit => return Err(ApiError::invalid("cryptogram_required")),
                _ => {}
            }
            let eci = opt_str(source, "eci")?;
            match &eci {
                Some(e) if e.is_empty() || e.len() > 2 => {
                    return Err(ApiError::invalid("eci_invalid"))
                }
                None if !mit => return Err(ApiError::invalid("eci_required")),
                _ => {}
            }
            Resolved {
                apm: None,
                card: CardData {
                    number,
                    expiry_month: month,
                    expiry_year: year,
                    name: opt_str(source, "name")?,
                    kind: "network_token",
                },
                source_type: "network_token",
                stored_id: None,
                eci,
                billing_address: None,
                phone: None,
            }
        }
        "ideal" | "eps" => {
            // iDEAL: `description`, `language`; EPS: `purpose`. The bank is chosen on the
            // redirect page (the current iDEAL source has no `bic`).
            for field in [
                "description",
                "language",
                "purpose",
                "bic",
                "account_holder",
            ] {
                if source
                    .get(field)
                    .is_some_and(|v| !v.is_null() && !v.is_string() && !v.is_object())
                {
                    return Err(ApiError::invalid(&format!("{field}_invalid")));
                }
            }
            Resolved {
                apm: Some(if kind == "ideal" { "ideal" } else { "eps" }),
                card: CardData {
                    number: String::new(),
                    expiry_month: 0,
                    expiry_year: 0,
                    name: None,
                    kind: "apm",
                },
                source_type: if kind == "ideal" { "ideal" } else { "eps" },
                stored_id: None,
                eci: None,
                billing_address: None,
                phone: None,
            }
        }
        _ => return Err(ApiError::invalid("payment_source_type_invalid")),
    };
    resolved.billing_address = billing_address;
    resolved.phone = phone;
    Ok(resolved)
}

/// `customer`: `{id}` (echoed) or `{email, name}` (a new `cus_` id).
fn customer(state: &State, body: &Map<String, Value>) -> Result<Option<Value>, ApiError> {
    let Some(c) = opt_object(body, "customer")? else {
        return Ok(None);
    };
    let mut out = c.clone();
    match opt_str(c, "id")? {
        Some(id) if !id.starts_with("cus_") => {
            return Err(ApiError::invalid("customer_id_invalid"))
        }
        Some(_) => {}
        None => {
            out.insert("id".into(), json!(state.new_id("cus_")));
        }
    }
    Ok(Some(Value::Object(out)))
}

/// An optional URL field (`success_url`, `failure_url`).
fn opt_url(body: &Map<String, Value>, field: &str) -> Result<Option<String>, ApiError> {
    let value = opt_str(body, field)?;
    if let Some(v) = &value {
        match url::Url::parse(v) {
            Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {}
            _ => return Err(ApiError::invalid(&format!("{field}_invalid"))),
        }
    }
    Ok(value)
}

/// `POST /payments`.
pub fn create(state: &mut State, body: &Map<String, Value>, ctx: &Context) -> ApiResult {
    match opt_str(body, "processing_channel_id")? {
        None => return Err(ApiError::invalid("processing_channel_id_required")),
        Some(pc) if pc != PROCESSING_CHANNEL_ID => {
            return Err(ApiError::invalid("processing_channel_id_invalid"))
        }
        Some(_) => {}
    }
    let source = opt_object(body, "source")
        .map_err(|_| ApiError::invalid("payment_source_invalid"))?
        .ok_or_else(|| ApiError::invalid("payment_source_required"))?;
    // Leaving the amount out (or 0) is a card verification.
    let amount = opt_amount(body)?.unwrap_or(0);
    let currency =
        opt_str(body, "currency")?.ok_or_else(|| ApiError::invalid("currency_required"))?;
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::invalid("currency_invalid"));
    }
    let reference = opt_reference(body)?;
    let description = opt_str(body, "description")?;
    let capture = opt_bool(body, "capture")?.unwrap_or(true);
    let payment_type = opt_str(body, "payment_type")?.unwrap_or_else(|| "Regular".into());
    if !matches!(
        payment_type.as_str(),
        "Regular" | "Recurring" | "MOTO" | "Installment" | "Unscheduled"
    ) {
        return Err(ApiError::invalid("payment_type_invalid"));
    }
    opt_bool(body, "merchant_initiated")?;
    opt_bool(body, "store_for_future_use")?;
    let three_ds = match opt_object(body, "3ds")? {
        Some(t) => opt_bool(t, "enabled")
            .map_err(|_| ApiError::invalid("3ds_enabled_invalid"))?
            .unwrap_or(false),
        None => false,
    };
    let success_url = opt_url(body, "success_url")?;
    let failure_url = opt_url(body, "failure_url")?;
    let metadata = opt_metadata(body)?;
    let previous = opt_str(body, "previous_payment_id")?;
    if let Some(p) = &previous {
        if p.is_empty() {
            return Err(ApiError::invalid("previous_payment_id_invalid"));
        }
    }
    let payment_ip = opt_str(body, "payment_ip")?;
    let customer = customer(state, body)?;
    let resolved = resolve_source(state, source, body, three_ds)?;
    if resolved.apm.is_some() {
        if currency != "EUR" {
            return Err(ApiError::invalid("currency_not_supported"));
        }
        if amount == 0 {
            return Err(ApiError::invalid("amount_invalid"));
        }
    }

    let id = state.new_id("pay_");
    let source_id = resolved
        .stored_id
        .clone()
        .unwrap_or_else(|| state.new_id("src_"));
    let auth_action_id = format!("act_{}", &id[4..]);
    let mut payment = Payment {
        id: id.clone(),
        session_id: None,
        requested_on: iso_now(),
        processed_on: None,
        amount,
        currency,
        reference,
        description,
        payment_type,
        capture,
        status: Status::Pending,
        outcome: None,
        auth_code: None,
        auth_action_id,
        source_type: resolved.source_type,
        apm: resolved.apm.is_some(),
        source_id,
        card: resolved.card,
        billing_address: resolved.billing_address,
        phone: resolved.phone,
        customer,
        three_ds: None,
        success_url,
        failure_url,
        metadata,
        eci: resolved.eci,
        scheme_id: None,
        shipping: opt_object(body, "shipping")?.map(|m| Value::Object(m.clone())),
        billing_descriptor: opt_object(body, "billing_descriptor")?
            .map(|m| Value::Object(m.clone())),
        payment_ip,
        actions: Vec::new(),
        total_captured: 0,
        total_refunded: 0,
        capture_final: false,
        decline_next: false,
    };
    let base = ctx.processor_url();

    if three_ds || payment.apm {
        let session = state.new_id("sid_");
        payment.session_id = Some(session.clone());
        if !payment.apm {
            payment.three_ds = Some(json!({"downgraded": false, "enrolled": "Y"}));
        }
        let mut answer = Map::new();
        answer.insert("id".into(), json!(payment.id));
        answer.insert("status".into(), json!("Pending"));
        if let Some(reference) = &payment.reference {
            answer.insert("reference".into(), json!(reference));
        }
        if let Some(c) = &payment.customer {
            answer.insert("customer".into(), c.clone());
        }
        if let Some(three_ds) = &payment.three_ds {
            answer.insert("3ds".into(), three_ds.clone());
        }
        answer.insert("_links".into(), payment.links(&base));
        let event = payment.event("payment_pending", None, &base);
        state.sessions.insert(session, id.clone());
        state.payments.insert(id, payment);
        emit(ctx, vec![event]);
        return Ok(Response::json(StatusCode::ACCEPTED, &Value::Object(answer)));
    }

    let outcome = cards::outcome(&payment.card.number, payment.amount);
    state.payments.insert(id.clone(), payment);
    let (answer, events) = finalize(state, &id, outcome, &base);
    emit(ctx, events);
    Ok(Response::json(StatusCode::CREATED, &answer))
}

/// Authorizes (or verifies) a payment with the issuer's `outcome`: records the action, stores
/// the instrument when approved, applies an automatic capture *after* building the answer
/// (the answer says `Authorized`; the payment is `Captured` from then on). Answers the 201
/// body and the events to emit.
fn finalize(state: &mut State, id: &str, outcome: Outcome, base: &str) -> (Value, Vec<Event>) {
    let capture_action_id = state.new_id("act_");
    let Some(payment) = state.payments.get_mut(id) else {
        return (json!({}), Vec::new());
    };
    let now = iso_now();
    let verification = payment.amount == 0;
    payment.processed_on = Some(now.clone());
    payment.outcome = Some(outcome.clone());
    if outcome.approved {
        payment.auth_code = Some(random_string(6, b"0123456789"));
        payment.scheme_id = Some(random_string(15, b"0123456789"));
        if payment.eci.is_none() {
            payment.eci = Some(
                if payment.three_ds.is_some() {
                    "05"
                } else {
                    "07"
                }
                .into(),
            );
        }
    }
    payment.status = match (outcome.approved, verification) {
        (true, true) => Status::CardVerified,
        (true, false) => Status::Authorized,
        (false, _) => Status::Declined,
    };
    payment.actions.push(Action {
        id: payment.auth_action_id.clone(),
        kind: if verification {
            "Card Verification"
        } else {
            "Authorization"
        },
        amount: payment.amount,
        approved: outcome.approved,
        response_code: outcome.response_code,
        response_summary: outcome.response_summary,
        processed_on: now.clone(),
        reference: payment.reference.clone(),
        metadata: payment.metadata.clone(),
        auth_code: payment.auth_code.clone(),
    });

    let mut answer = Map::new();
    answer.insert("id".into(), json!(payment.id));
    answer.insert("action_id".into(), json!(payment.auth_action_id));
    answer.insert("amount".into(), json!(payment.amount));
    answer.insert("currency".into(), json!(payment.currency));
    answer.insert("approved".into(), json!(outcome.approved));
    answer.insert("status".into(), json!(payment.status.as_str()));
    if let Some(code) = &payment.auth_code {
        answer.insert("auth_code".into(), json!(code));
    }
    answer.insert("response_code".into(), json!(outcome.response_code));
    answer.insert("response_summary".into(), json!(outcome.response_summary));
    if outcome.approved && !verification {
        answer.insert("expires_on".into(), json!(iso_after(7 * 86_400)));
    }
    if let Some(three_ds) = &payment.three_ds {
        answer.insert("3ds".into(), three_ds.clone());
    }
    answer.insert("risk".into(), json!({"flagged": outcome.is_risk()}));
    answer.insert("source".into(), payment.source_json(true));
    if let Some(c) = &payment.customer {
        answer.insert("customer".into(), c.clone());
    }
    answer.insert("balances".into(), payment.balances());
    answer.insert("processed_on".into(), json!(now));
    if let Some(reference) = &payment.reference {
        answer.insert("reference".into(), json!(reference));
    }
    let mut processing = json!({
        "retrieval_reference_number": random_string(12, b"0123456789"),
        "acquirer_transaction_id": random_string(21, b"0123456789"),
    });
    if !outcome.approved {
        processing["partner_response_code"] = json!(outcome.partner_response_code());
    }
    answer.insert("processing".into(), processing);
    if let Some(eci) = &payment.eci {
        answer.insert("eci".into(), json!(eci));
    }
    if let Some(scheme_id) = &payment.scheme_id {
        answer.insert("scheme_id".into(), json!(scheme_id));
    }
    if let Some(metadata) = &payment.metadata {
        answer.insert("metadata".into(), metadata.clone());
    }
    answer.insert("_links".into(), payment.links(base));

    let mut events = Vec::new();
    match (outcome.approved, verification) {
        (true, true) => events.push(payment.event("card_verified", None, base)),
        (false, true) => events.push(payment.event("card_verification_declined", None, base)),
        (true, false) => events.push(payment.event("payment_approved", None, base)),
        (false, false) => events.push(payment.event("payment_declined", None, base)),
    }
    if outcome.approved && !verification && payment.capture {
        let action = Action {
            id: capture_action_id,
            kind: "Capture",
            amount: payment.amount,
            approved: true,
            response_code: "10000",
            response_summary: "Approved",
            processed_on: iso_now(),
            reference: payment.reference.clone(),
            metadata: None,
            auth_code: None,
        };
        payment.total_captured = payment.amount;
        payment.status = Status::Captured;
        events.push(payment.event("payment_captured", Some(&action), base));
        payment.actions.push(action);
    }
    let (source_id, card) = (payment.source_id.clone(), payment.card.clone());
    if outcome.approved {
        state.sources.insert(source_id, card);
    }
    (Value::Object(answer), events)
}

/// The sandbox's 3-D Secure page (`_links.redirect.href`): `GET` shows a password form;
/// `POST` with `password=Checkout1!` authenticates, anything else fails the challenge. The
/// shopper then returns to `success_url` (approved) or `failure_url` with
/// `cko-session-id=sid_...`.
pub fn three_ds_page(
    state: &mut State,
    request: &Request,
    session: &str,
    ctx: &Context,
) -> Response {
    let Some(id) = state.sessions.get(session).cloned() else {
        return Response::html(
            StatusCode::NOT_FOUND,
            "<!doctype html><title>Not found</title><p>Unknown 3-D Secure session.</p>".into(),
        );
    };
    let pending = state
        .payments
        .get(&id)
        .is_some_and(|p| p.status == Status::Pending);
    if request.method == http::Method::GET {
        if !pending {
            return Response::html(
                StatusCode::CONFLICT,
                "<!doctype html><title>Done</title><p>This authentication is complete.</p>".into(),
            );
        }
        let amount = state
            .payments
            .get(&id)
            .map(|p| (p.amount, p.currency.clone()));
        let (amount, currency) = amount.unwrap_or((0, String::new()));
        return Response::html(
            StatusCode::OK,
            format!(
                "<!doctype html><html><head><title>3-D Secure</title></head><body>\
                 <h1>Checkout.com sandbox: 3-D Secure 2 challenge</h1>\
                 <p>Payment {} of {} {}. Password: <code>{}</code> (anything else fails).</p>\
                 <form method=\"post\"><input name=\"password\" type=\"password\">\
                 <button type=\"submit\">Continue</button></form></body></html>",
                html_escape(&id),
                amount,
                html_escape(&currency),
                html_escape(THREE_DS_PASSWORD)
            ),
        );
    }
    if !pending {
        return Response::html(
            StatusCode::CONFLICT,
            "<!doctype html><title>Done</title><p>This authentication is complete.</p>".into(),
        );
    }
    let authenticated = request
        .form_pairs()
        .iter()
        .any(|(k, v)| k == "password" && v == THREE_DS_PASSWORD);
    let outcome = match state.payments.get_mut(&id) {
        Some(payment) => {
            payment.three_ds = Some(json!({
                "downgraded": false,
                "enrolled": "Y",
                "authentication_response": if authenticated { "Y" } else { "N" },
                "version": "2.2.0",
            }));
            if authenticated {
                cards::outcome(&payment.card.number, payment.amount)
            } else {
                Outcome::THREE_DS_FAILED
            }
        }
        None => Outcome::THREE_DS_FAILED,
    };
    let base = ctx.processor_url();
    let (_, events) = finalize(state, &id, outcome.clone(), &base);
    emit(ctx, events);
    let target = state.payments.get(&id).and_then(|p| {
        if outcome.approved {
            p.success_url.clone()
        } else {
            p.failure_url.clone()
        }
    });
    match target.and_then(|t| url::Url::parse(&t).ok()) {
        Some(mut url) => {
            url.query_pairs_mut().append_pair("cko-session-id", session);
            Response::redirect(url.as_str())
        }
        None => Response::html(
            StatusCode::OK,
            format!(
                "<!doctype html><title>Done</title><p>Authentication complete: {}.</p>",
                if outcome.approved {
                    "approved"
                } else {
                    "declined"
                }
            ),
        ),
    }
}

/// `GET /payments/{id}` (`pay_...` or `sid_...`).
pub fn get(state: &State, id: &str, ctx: &Context) -> ApiResult {
    let id = find_id(state, id).ok_or_else(ApiError::not_found)?;
    let p = state.payments.get(id).ok_or_else(ApiError::not_found)?;
    let base = ctx.processor_url();
    let mut out = Map::new();
    out.insert("id".into(), json!(p.id));
    out.insert("requested_on".into(), json!(p.requested_on));
    out.insert("source".into(), p.source_json(p.status != Status::Pending));
    out.insert("amount".into(), json!(p.amount));
    out.insert("currency".into(), json!(p.currency));
    out.insert("payment_type".into(), json!(p.payment_type));
    if let Some(reference) = &p.reference {
        out.insert("reference".into(), json!(reference));
    }
    if let Some(description) = &p.description {
        out.insert("description".into(), json!(description));
    }
    if let Some(o) = &p.outcome {
        out.insert("approved".into(), json!(o.approved));
        if o.approved && p.amount > 0 {
            out.insert("expires_on".into(), json!(iso_after(7 * 86_400)));
        }
    }
    out.insert("status".into(), json!(p.status.as_str()));
    out.insert("balances".into(), p.balances());
    if let Some(three_ds) = &p.three_ds {
        out.insert("3ds".into(), three_ds.clone());
    }
    let flagged = p.outcome.as_ref().is_some_and(Outcome::is_risk);
    out.insert("risk".into(), json!({ "flagged": flagged }));
    if let Some(c) = &p.customer {
        out.insert("customer".into(), c.clone());
    }
    if let Some(v) = &p.billing_descriptor {
        out.insert("billing_descriptor".into(), v.clone());
    }
    if let Some(v) = &p.shipping {
        out.insert("shipping".into(), v.clone());
    }
    if let Some(v) = &p.payment_ip {
        out.insert("payment_ip".into(), json!(v));
    }
    if let Some(v) = &p.metadata {
        out.insert("metadata".into(), v.clone());
    }
    if let Some(v) = &p.eci {
        out.insert("eci".into(), json!(v));
    }
    if let Some(v) = &p.scheme_id {
        out.insert("scheme_id".into(), json!(v));
    }
    let actions: Vec<Value> = p
        .actions
        .iter()
        .rev()
        .map(|a| {
            json!({"id": a.id, "type": a.kind, "response_code": a.response_code,
                   "response_summary": a.response_summary})
        })
        .collect();
    out.insert("actions".into(), Value::Array(actions));
    out.insert("_links".into(), p.links(&base));
    Ok(Response::json(StatusCode::OK, &Value::Object(out)))
}

/// `GET /payments/{id}/actions`: every action, newest first.
pub fn actions(state: &State, id: &str) -> ApiResult {
    let id = find_id(state, id).ok_or_else(ApiError::not_found)?;
    let p = state.payments.get(id).ok_or_else(ApiError::not_found)?;
    let list: Vec<Value> = p.actions.iter().rev().map(Action::to_json).collect();
    Ok(Response::json(StatusCode::OK, &Value::Array(list)))
}

/// A capture, void or refund action: approved, or declined when the sandbox hook asked for
/// it (the action is recorded with `approved: false` and changes nothing).
fn new_action(
    payment: &mut Payment,
    id: &str,
    kind: &'static str,
    amount: i64,
    reference: Option<String>,
    metadata: Option<Value>,
) -> Action {
    let declined = std::mem::take(&mut payment.decline_next);
    let (code, summary) = if declined {
        ("20005", "Declined - Do Not Honour")
    } else {
        ("10000", "Approved")
    };
    Action {
        id: id.to_string(),
        kind,
        amount,
        approved: !declined,
        response_code: code,
        response_summary: summary,
        processed_on: iso_now(),
        reference,
        metadata,
        auth_code: None,
    }
}

/// `POST /checkout/_sandbox/payments/{id}/decline_next`: the payment's next capture, void or
/// refund is accepted and then declined.
pub fn decline_next(state: &mut State, id: &str) -> Result<Value, crate::processor::ControlError> {
    let payment = state.payments.get_mut(id).ok_or_else(|| {
        crate::processor::ControlError::new(
            StatusCode::NOT_FOUND,
            format!("no Checkout.com payment {id:?}"),
        )
    })?;
    payment.decline_next = true;
    Ok(json!({"payment_id": id, "decline_next": true}))
}

/// The 202 answer of a capture, void or refund.
fn accepted(action_id: &str, reference: Option<&str>, payment: &str, base: &str) -> Response {
    let mut out = Map::new();
    out.insert("action_id".into(), json!(action_id));
    if let Some(reference) = reference {
        out.insert("reference".into(), json!(reference));
    }
    out.insert(
        "_links".into(),
        json!({"payment": {"href": format!("{base}/payments/{payment}")}}),
    );
    Response::json(StatusCode::ACCEPTED, &Value::Object(out))
}

/// `POST /payments/{id}/captures`.
pub fn capture(state: &mut State, id: &str, body: &Map<String, Value>, ctx: &Context) -> ApiResult {
    if !state.payments.contains_key(id) {
        return Err(ApiError::not_found());
    }
    let amount = opt_amount(body)?;
    let final_capture = match opt_str(body, "capture_type")?.as_deref() {
        None | Some("NonFinal") => false,
        Some("Final") => true,
        Some(_) => return Err(ApiError::invalid("capture_type_invalid")),
    };
    let reference = opt_reference(body)?;
    let metadata = opt_metadata(body)?;
    if let Some(pc) = opt_str(body, "processing_channel_id")? {
        if pc != PROCESSING_CHANNEL_ID {
            return Err(ApiError::invalid("processing_channel_id_invalid"));
        }
    }
    let action_id = state.new_id("act_");
    let base = ctx.processor_url();
    let payment = state.payments.get_mut(id).ok_or_else(ApiError::not_found)?;
    let available = payment.available_to_capture();
    if available == 0 {
        return Err(ApiError::not_allowed());
    }
    let amount = amount.unwrap_or(available);
    if amount == 0 {
        return Err(ApiError::invalid("amount_invalid"));
    }
    if amount > available {
        return Err(ApiError::invalid("capture_value_greater_than_authorized"));
    }
    let action = new_action(
        payment,
        &action_id,
        "Capture",
        amount,
        reference.clone(),
        metadata,
    );
    if !action.approved {
        let event = payment.event("payment_capture_declined", Some(&action), &base);
        payment.actions.push(action);
        emit(ctx, vec![event]);
        return Ok(accepted(&action_id, reference.as_deref(), id, &base));
    }
    payment.total_captured += amount;
    payment.capture_final = final_capture;
    payment.status = if payment.total_captured == payment.amount {
        Status::Captured
    } else {
        Status::PartiallyCaptured
    };
    let event = payment.event("payment_captured", Some(&action), &base);
    payment.actions.push(action);
    emit(ctx, vec![event]);
    Ok(accepted(&action_id, reference.as_deref(), id, &base))
}

/// `POST /payments/{id}/voids`.
pub fn void(state: &mut State, id: &str, body: &Map<String, Value>, ctx: &Context) -> ApiResult {
    if !state.payments.contains_key(id) {
        return Err(ApiError::not_found());
    }
    let reference = opt_reference(body)?;
    let metadata = opt_metadata(body)?;
    let action_id = state.new_id("act_");
    let base = ctx.processor_url();
    let payment = state.payments.get_mut(id).ok_or_else(ApiError::not_found)?;
    if payment.available_to_void() == 0 {
        return Err(ApiError::not_allowed());
    }
    let amount = payment.amount;
    let action = new_action(
        payment,
        &action_id,
        "Void",
        amount,
        reference.clone(),
        metadata,
    );
    if !action.approved {
        let event = payment.event("payment_void_declined", Some(&action), &base);
        payment.actions.push(action);
        emit(ctx, vec![event]);
        return Ok(accepted(&action_id, reference.as_deref(), id, &base));
    }
    payment.status = Status::Voided;
    let event = payment.event("payment_voided", Some(&action), &base);
    payment.actions.push(action);
    emit(ctx, vec![event]);
    Ok(accepted(&action_id, reference.as_deref(), id, &base))
}

/// `POST /payments/{id}/refunds`.
pub fn refund(state: &mut State, id: &str, body: &Map<String, Value>, ctx: &Context) -> ApiResult {
    if !state.payments.contains_key(id) {
        return Err(ApiError::not_found());
    }
    let amount = opt_amount(body)?;
    let reference = opt_reference(body)?;
    let metadata = opt_metadata(body)?;
    let action_id = state.new_id("act_");
    let base = ctx.processor_url();
    let payment = state.payments.get_mut(id).ok_or_else(ApiError::not_found)?;
    let available = payment.available_to_refund();
    if available == 0 {
        return Err(ApiError::not_allowed());
    }
    let amount = amount.unwrap_or(available);
    if amount == 0 {
        return Err(ApiError::invalid("amount_invalid"));
    }
    if amount > available {
        return Err(ApiError::invalid("refund_amount_exceeds_balance"));
    }
    let action = new_action(
        payment,
        &action_id,
        "Refund",
        amount,
        reference.clone(),
        metadata,
    );
    if !action.approved {
        let event = payment.event("payment_refund_declined", Some(&action), &base);
        payment.actions.push(action);
        emit(ctx, vec![event]);
        return Ok(accepted(&action_id, reference.as_deref(), id, &base));
    }
    payment.total_refunded += amount;
    payment.status = if payment.total_refunded == payment.total_captured {
        Status::Refunded
    } else {
        Status::PartiallyRefunded
    };
    let event = payment.event("payment_refunded", Some(&action), &base);
    payment.actions.push(action);
    emit(ctx, vec![event]);
    Ok(accepted(&action_id, reference.as_deref(), id, &base))
}

/// `POST /tokens` (public key): a raw card (for testing) or an Apple Pay / Google Pay token,
/// exchanged for a single-use `tok_` that lives 15 minutes (Checkout.com docs, "Wallet tokenisation — POST /tokens").
pub fn create_token(state: &mut State, body: &Map<String, Value>) -> ApiResult {
    let kind = opt_str(body, "type")?.ok_or_else(|| ApiError::invalid("token_type_required"))?;
    let (card, answer_type) = match kind.as_str() {
        "card" => (card_fields(body, "card")?, "card"),
        "applepay" => {
            let data = opt_object(body, "token_data")
                .map_err(|_| ApiError::invalid("token_data_invalid"))?
                .ok_or_else(|| ApiError::invalid("token_data_required"))?;
            let complete = ["version", "data", "signature"].iter().all(|f| {
                data.get(*f)
                    .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()))
            }) && data.get("header").is_some_and(Value::is_object);
            if !complete {
                return Err(ApiError::invalid("token_data_invalid"));
            }
            (wallet_card("4543474002249996", "applepay"), "applepay")
        }
        "googlepay" => {
            let data = opt_object(body, "token_data")
                .map_err(|_| ApiError::invalid("token_data_invalid"))?
                .ok_or_else(|| ApiError::invalid("token_data_required"))?;
            let complete = ["signature", "signedMessage"].iter().all(|f| {
                data.get(*f)
                    .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()))
            });
            let message_ok = data
                .get("signedMessage")
                .and_then(Value::as_str)
                .and_then(|s| serde_json::from_str::<Value>(s).ok())
                .is_some_and(|m| m.get("encryptedMessage").is_some());
            if !complete || !message_ok {
                return Err(ApiError::invalid("token_data_invalid"));
            }
            (wallet_card("4242424242424242", "googlepay"), "googlepay")
        }
        _ => return Err(ApiError::invalid("token_type_invalid")),
    };
    let token = state.new_id("tok_");
    let mut out = Map::new();
    out.insert("type".into(), json!(answer_type));
    out.insert("token".into(), json!(token));
    out.insert("expires_on".into(), json!(iso_after(15 * 60)));
    out.insert("expiry_month".into(), json!(card.expiry_month));
    out.insert("expiry_year".into(), json!(card.expiry_year));
    out.insert(
        "scheme".into(),
        json!(cards::scheme(&card.number).to_uppercase()),
    );
    out.insert("last4".into(), json!(card.last4()));
    out.insert("bin".into(), json!(card.bin()));
    out.insert("card_type".into(), json!("Credit"));
    out.insert("card_category".into(), json!("Consumer"));
    out.insert("issuer_country".into(), json!("GB"));
    state.tokens.insert(
        token,
        Token {
            card,
            expires_at_ms: now_ms() + TOKEN_LIFETIME_MS,
            used: false,
        },
    );
    Ok(Response::json(StatusCode::CREATED, &Value::Object(out)))
}

/// The card a wallet token "decrypts" to in the sandbox (expires in five years).
fn wallet_card(number: &str, kind: &'static str) -> CardData {
    let (year, month) = current_year_month();
    CardData {
        number: number.to_string(),
        expiry_month: i64::from(month),
        expiry_year: year + 5,
        name: None,
        kind,
    }
}

/// The sandbox's bank page of a redirect method (`ideal`, `eps`): `GET` shows the choices;
/// `POST outcome=approve|decline|expire|cancel` settles the payment (approve: `Captured`, with
/// `payment_capture_pending` then `payment_captured`; decline: `Declined` `20005`; expire:
/// `Expired`; cancel: `Canceled`), then returns the shopper to `success_url` (approved) or
/// `failure_url` with `cko-session-id`.
pub fn bank_page(state: &mut State, request: &Request, session: &str, ctx: &Context) -> Response {
    let id = state.sessions.get(session).cloned();
    let Some(id) = id.filter(|id| state.payments.get(id).is_some_and(|p| p.apm)) else {
        return Response::html(
            StatusCode::NOT_FOUND,
            "<!doctype html><title>Not found</title><p>Unknown payment session.</p>".into(),
        );
    };
    let pending = state
        .payments
        .get(&id)
        .is_some_and(|p| p.status == Status::Pending);
    if !pending {
        return Response::html(
            StatusCode::CONFLICT,
            "<!doctype html><title>Done</title><p>This payment is complete.</p>".into(),
        );
    }
    if request.method == http::Method::GET {
        return Response::html(
            StatusCode::OK,
            format!(
                "<!doctype html><html><head><title>Bank</title></head><body>\
                 <h1>Checkout.com sandbox: simulated bank</h1><p>Payment {}.</p>\
                 <form method=\"post\"><select name=\"outcome\">\
                 <option>approve</option><option>decline</option><option>expire</option>\
                 <option>cancel</option></select><button type=\"submit\">Continue</button>\
                 </form></body></html>",
                html_escape(&id)
            ),
        );
    }
    let outcome = request
        .form_pairs()
        .into_iter()
        .find(|(k, _)| k == "outcome")
        .map(|(_, v)| v);
    let choice = match outcome.as_deref() {
        Some("approve") | None => "approve",
        Some("decline") => "decline",
        Some("expire") => "expire",
        Some("cancel") => "cancel",
        Some(_) => {
            return Response::html(
                StatusCode::BAD_REQUEST,
                "<!doctype html><title>Bad request</title><p>outcome: approve, decline, expire or cancel.</p>".into(),
            )
        }
    };
    let capture_id = state.new_id("act_");
    let base = ctx.processor_url();
    let Some(p) = state.payments.get_mut(&id) else {
        return Response::html(StatusCode::NOT_FOUND, String::new());
    };
    let now = iso_now();
    p.processed_on = Some(now.clone());
    let mut events = Vec::new();
    let approved = choice == "approve";
    match choice {
        "approve" => {
            p.outcome = Some(Outcome::APPROVED);
            p.status = Status::Authorized;
            p.actions.push(Action {
                id: p.auth_action_id.clone(),
                kind: "Authorization",
                amount: p.amount,
                approved: true,
                response_code: "10000",
                response_summary: "Approved",
                processed_on: now.clone(),
                reference: p.reference.clone(),
                metadata: p.metadata.clone(),
                auth_code: None,
            });
            events.push(p.event("payment_capture_pending", None, &base));
            let action = Action {
                id: capture_id,
                kind: "Capture",
                amount: p.amount,
                approved: true,
                response_code: "10000",
                response_summary: "Approved",
                processed_on: now,
                reference: p.reference.clone(),
                metadata: None,
                auth_code: None,
            };
            p.total_captured = p.amount;
            p.capture_final = true;
            p.status = Status::Captured;
            events.push(p.event("payment_captured", Some(&action), &base));
            p.actions.push(action);
        }
        "decline" => {
            let outcome = Outcome {
                approved: false,
                response_code: "20005",
                response_summary: "Declined - Do Not Honour",
            };
            p.actions.push(Action {
                id: p.auth_action_id.clone(),
                kind: "Authorization",
                amount: p.amount,
                approved: false,
                response_code: outcome.response_code,
                response_summary: outcome.response_summary,
                processed_on: now,
                reference: p.reference.clone(),
                metadata: p.metadata.clone(),
                auth_code: None,
            });
            p.outcome = Some(outcome);
            p.status = Status::Declined;
            events.push(p.event("payment_declined", None, &base));
        }
        "expire" => {
            p.status = Status::Expired;
            events.push(p.event("payment_expired", None, &base));
        }
        _ => {
            p.status = Status::Canceled;
            events.push(p.event("payment_cancelled", None, &base));
        }
    }
    let target = if approved {
        p.success_url.clone()
    } else {
        p.failure_url.clone()
    };
    emit(ctx, events);
    match target.and_then(|t| url::Url::parse(&t).ok()) {
        Some(mut url) => {
            url.query_pairs_mut().append_pair("cko-session-id", session);
            Response::redirect(url.as_str())
        }
        None => Response::html(
            StatusCode::OK,
            format!("<!doctype html><title>Done</title><p>Payment {choice}d.</p>"),
        ),
    }
}
