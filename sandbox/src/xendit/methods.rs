//! Payment methods (`pm-...`): the card or e-wallet of a payment request, saved for later
//! payments when `reusability` is `MULTIPLE_USE`, the test cards (Xendit docs "Simulate card
//! scenarios" and "Test Scenarios"), and
//! the standalone `POST /v2/payment_methods` / `GET /v2/payment_methods/{id}`.

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::ewallets::Channel;
use super::{
    callback, join, new_id, new_token, now_iso, opt_bool, opt_metadata, opt_obj, opt_str, req_str,
    ApiError, ApiResult, State, BUSINESS_ID,
};
use crate::processor::{Context, Webhook};
use crate::util::valid_card_number;

/// What a card does, by number (Xendit docs "Simulate card scenarios" and "Test Scenarios";
/// the decline cards are the sandbox's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// A 3-D Secure challenge (unless `skip_three_d_secure`).
    Challenge,
    /// Approved without a challenge.
    Frictionless,
    /// Declined by the issuer: `FAILED` with this `failure_code`.
    Decline(&'static str),
}

/// Challenge cards (3-D Secure with a challenge page).
const CHALLENGE_CARDS: [&str; 8] = [
    "4000000000002503",
    "5200000000002151",
    "4440000009900010",
    "5123450000000008",
    "4200350000000801",
    "5413530000000501",
    "4000000000001091",
    "3337000000200004",
];

/// The sandbox's decline cards and their `failure_code`.
pub const DECLINE_CARDS: [(&str, &str); 6] = [
    ("4000000000009102", "DECLINED_BY_ISSUER"),
    ("4000000000009201", "INSUFFICIENT_BALANCE"),
    ("4000000000009300", "DECLINED_BY_PROCESSOR"),
    ("4000000000009409", "INVALID_CVV"),
    ("4000000000009508", "EXPIRED_CARD"),
    ("5200000000009107", "STOLEN_CARD"),
];

/// The behaviour of a card number for an amount (in hundredths) and currency.
pub fn behaviour(number: &str, currency: &str, amount: i64) -> Behaviour {
    if let Some((_, code)) = DECLINE_CARDS.iter().find(|(n, _)| *n == number) {
        return Behaviour::Decline(code);
    }
    // Visa TH: frictionless below THB 20.
    if number == "4200350000000801" && currency == "THB" && amount < 20_00 {
        return Behaviour::Frictionless;
    }
    if CHALLENGE_CARDS.contains(&number) {
        Behaviour::Challenge
    } else {
        Behaviour::Frictionless
    }
}

fn network(number: &str) -> &'static str {
    let two: u32 = number.get(..2).and_then(|p| p.parse().ok()).unwrap_or(0);
    let four: u32 = number.get(..4).and_then(|p| p.parse().ok()).unwrap_or(0);
    if number.starts_with('4') {
        "VISA"
    } else if (51..=55).contains(&two) || (2221..=2720).contains(&four) {
        "MASTERCARD"
    } else if two == 34 || two == 37 {
        "AMEX"
    } else if two == 35 || four == 3337 {
        "JCB"
    } else {
        "UNKNOWN"
    }
}

/// A card as stored: the full number is kept (for the test behaviour) and never answered.
#[derive(Clone, Debug)]
pub struct CardDetails {
    pub number: String,
    pub expiry_month: String,
    pub expiry_year: String,
    pub cardholder_name: String,
    pub cardholder_email: String,
    pub cardholder_phone_number: String,
    pub channel_properties: Value,
    pub currency: Option<String>,
    pub country: String,
}

impl CardDetails {
    fn masked(&self) -> String {
        let n = &self.number;
        format!(
            "{}{}{}",
            &n[..6],
            "X".repeat(n.len() - 10),
            &n[n.len() - 4..]
        )
    }

    fn to_json(&self) -> Value {
        json!({
            "currency": self.currency,
            "channel_properties": self.channel_properties,
            "card_information": {
                "token_id": null,
                "masked_card_number": self.masked(),
                "expiry_month": self.expiry_month,
                "expiry_year": self.expiry_year,
                "cardholder_name": self.cardholder_name,
                "cardholder_email": self.cardholder_email,
                "cardholder_phone_number": self.cardholder_phone_number,
                "fingerprint": format!("sbx{}", &self.number[self.number.len() - 4..]),
                "type": "CREDIT",
                "network": network(&self.number),
                "country": self.country,
                "issuer": "SANDBOX BANK",
            },
            "card_verification_results": null,
        })
    }
}

#[derive(Clone, Debug)]
pub struct EwalletDetails {
    pub channel: &'static Channel,
    pub channel_properties: Value,
}

#[derive(Clone, Debug)]
pub struct PaymentMethod {
    pub id: String,
    pub kind: &'static str,
    pub reusability: &'static str,
    /// `PENDING`, `ACTIVE`, `INACTIVE`, `EXPIRED` or `FAILED`.
    pub status: &'static str,
    pub reference_id: Option<String>,
    pub customer_id: Value,
    pub description: Option<String>,
    pub metadata: Value,
    pub card: Option<CardDetails>,
    pub ewallet: Option<EwalletDetails>,
    pub created: String,
    pub updated: String,
    /// `actions[]` of a standalone payment method waiting for 3-D Secure.
    pub actions: Vec<Value>,
    pub failure_code: Option<String>,
}

impl PaymentMethod {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "type": self.kind,
            "reusability": self.reusability,
            "status": self.status,
            "reference_id": self.reference_id,
            "business_id": BUSINESS_ID,
            "customer_id": self.customer_id,
            "description": self.description,
            "metadata": self.metadata,
            "country": self.card.as_ref().map(|c| c.country.clone()),
            "card": self.card.as_ref().map(CardDetails::to_json),
            "ewallet": self.ewallet.as_ref().map(|e| json!({
                "channel_code": e.channel.code,
                "channel_properties": e.channel_properties,
                "account": {"name": null, "account_details": null, "balance": null, "point_balance": null},
            })),
            "direct_debit": null,
            "virtual_account": null,
            "over_the_counter": null,
            "qr_code": null,
            "billing_information": null,
            "failure_code": self.failure_code,
            "actions": self.actions,
            "created": self.created,
            "updated": self.updated,
        })
    }

    pub fn set_status(&mut self, status: &'static str) {
        self.status = status;
        self.updated = now_iso();
    }
}

/// `reusability`: `ONE_TIME_USE` (default) or `MULTIPLE_USE`.
pub fn reusability(body: &Map<String, Value>, path: &str) -> Result<&'static str, ApiError> {
    match opt_str(body, path, "reusability")?.as_deref() {
        None | Some("ONE_TIME_USE") => Ok("ONE_TIME_USE"),
        Some("MULTIPLE_USE") => Ok("MULTIPLE_USE"),
        Some(_) => Err(ApiError::validation(
            &join(path, "reusability"),
            "must be one of ONE_TIME_USE, MULTIPLE_USE",
        )),
    }
}

/// A return URL: an absolute http(s) URL.
pub fn opt_url(
    body: &Map<String, Value>,
    path: &str,
    field: &str,
) -> Result<Option<String>, ApiError> {
    let Some(url) = opt_str(body, path, field)? else {
        return Ok(None);
    };
    match url::Url::parse(&url) {
        Ok(u) if u.scheme() == "https" || u.scheme() == "http" => Ok(Some(url)),
        _ => Err(ApiError::validation(
            &join(path, field),
            "must be a valid https URL",
        )),
    }
}

/// Card `channel_properties`: `success_return_url`, `failure_return_url`,
/// `skip_three_d_secure` and the optional extras, kept as sent.
pub fn card_channel_properties(body: &Map<String, Value>, path: &str) -> Result<Value, ApiError> {
    let Some(props) = opt_obj(body, path, "channel_properties")? else {
        return Ok(Value::Null);
    };
    let path = join(path, "channel_properties");
    opt_url(props, &path, "success_return_url")?;
    opt_url(props, &path, "failure_return_url")?;
    opt_bool(props, &path, "skip_three_d_secure")?;
    Ok(Value::Object(props.clone()))
}

/// `payment_method.card` of a request (or `card` of `/v2/payment_methods`).
pub fn card_from_request(
    card: &Map<String, Value>,
    path: &str,
    currency: Option<&str>,
) -> Result<CardDetails, ApiError> {
    let channel_properties = card_channel_properties(card, path)?;
    let info_path = join(path, "card_information");
    let info =
        opt_obj(card, path, "card_information")?.ok_or_else(|| ApiError::required(&info_path))?;
    let number = req_str(info, &info_path, "card_number")?;
    let number: String = number.chars().filter(|c| !c.is_whitespace()).collect();
    let test_card = DECLINE_CARDS.iter().any(|(n, _)| *n == number);
    if !test_card && !valid_card_number(&number) {
        return Err(ApiError::bad_request(
            "INVALID_PAYMENT_DETAILS",
            "The card number is invalid",
        ));
    }
    let month = req_str(info, &info_path, "expiry_month")?;
    let month_ok = month.len() == 2 && month.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m));
    if !month_ok {
        return Err(ApiError::validation(
            &join(&info_path, "expiry_month"),
            "must be a 2-digit month (MM)",
        ));
    }
    let year = req_str(info, &info_path, "expiry_year")?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::validation(
            &join(&info_path, "expiry_year"),
            "must be a 4-digit year (YYYY)",
        ));
    }
    let (now_year, now_month) = crate::util::current_year_month();
    let (y, m): (i64, u32) = (year.parse().unwrap_or(0), month.parse().unwrap_or(0));
    if (y, m) < (now_year, now_month) {
        return Err(ApiError::bad_request(
            "CARD_EXPIRED",
            "The card has expired",
        ));
    }
    if let Some(cvv) = opt_str(info, &info_path, "cvv")? {
        if !(3..=4).contains(&cvv.len()) || !cvv.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::validation(
                &join(&info_path, "cvv"),
                "must be 3 or 4 digits",
            ));
        }
    }
    let cardholder_name = req_str(info, &info_path, "cardholder_name")?;
    let cardholder_email = req_str(info, &info_path, "cardholder_email")?;
    if !cardholder_email.contains('@') {
        return Err(ApiError::validation(
            &join(&info_path, "cardholder_email"),
            "must be a valid email address",
        ));
    }
    let cardholder_phone_number = req_str(info, &info_path, "cardholder_phone_number")?;
    Ok(CardDetails {
        number,
        expiry_month: month,
        expiry_year: year,
        cardholder_name,
        cardholder_email,
        cardholder_phone_number,
        channel_properties,
        currency: currency.map(str::to_string),
        country: currency
            .map(super::amounts::country)
            .unwrap_or("ID")
            .to_string(),
    })
}

/// A new payment method record (not stored yet).
pub fn new_method(
    kind: &'static str,
    reusability: &'static str,
    reference_id: Option<String>,
    customer_id: Value,
    card: Option<CardDetails>,
    ewallet: Option<EwalletDetails>,
) -> PaymentMethod {
    let now = now_iso();
    PaymentMethod {
        id: new_id("pm"),
        kind,
        reusability,
        status: "PENDING",
        reference_id,
        customer_id,
        description: None,
        metadata: Value::Null,
        card,
        ewallet,
        created: now.clone(),
        updated: now,
        actions: Vec::new(),
        failure_code: None,
    }
}

/// `payment_method.activated` (or `payment_method.failed`) with the payment method as `data`.
pub fn method_callback(method: &PaymentMethod) -> Webhook {
    let event = if method.status == "ACTIVE" {
        "payment_method.activated"
    } else {
        "payment_method.failed"
    };
    callback(event, method.to_json())
}

/// `POST /v2/payment_methods`: a card saved without a payment (the shapes are the sandbox's
/// reading of the Node SDK `PaymentMethod` API). Answers `PENDING`; a frictionless card is
/// `ACTIVE` right after (callback `payment_method.activated`); a challenge card carries an
/// `AUTH` action to the 3-D Secure page first.
pub(super) fn create(state: &mut State, body: &Map<String, Value>, ctx: &Context) -> ApiResult {
    match req_str(body, "", "type")?.as_str() {
        "CARD" => {}
        other => {
            return Err(ApiError::validation(
                "type",
                format!("{other} payment methods are not supported in the sandbox"),
            ))
        }
    }
    let reusability = reusability(body, "")?;
    let card = opt_obj(body, "", "card")?.ok_or_else(|| ApiError::required("card"))?;
    let currency = match opt_str(card, "card", "currency")? {
        Some(_) => Some(super::amounts::currency(card, "card")?),
        None => None,
    };
    let details = card_from_request(card, "card", currency)?;
    let mut method = new_method(
        "CARD",
        reusability,
        opt_str(body, "", "reference_id")?,
        body.get("customer_id").cloned().unwrap_or(Value::Null),
        Some(details.clone()),
        None,
    );
    method.description = opt_str(body, "", "description")?;
    method.metadata = opt_metadata(body)?;
    let skip = details
        .channel_properties
        .get("skip_three_d_secure")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut webhooks = Vec::new();
    let answer = match behaviour(&details.number, currency.unwrap_or(""), i64::MAX) {
        Behaviour::Challenge if !skip => {
            if details
                .channel_properties
                .get("success_return_url")
                .is_none()
            {
                return Err(ApiError::required(
                    "card.channel_properties.success_return_url",
                ));
            }
            let token = new_token();
            method.actions = vec![json!({
                "action": "AUTH", "url_type": "WEB", "method": "GET",
                "url": format!("{}/web/3ds/{token}", ctx.processor_url()), "qr_code": null,
            })];
            state.pages.insert(token, method.id.clone());
            method.to_json()
        }
        Behaviour::Decline(code) => {
            let answer = method.to_json();
            method.failure_code = Some(code.to_string());
            method.set_status("FAILED");
            webhooks.push(method_callback(&method));
            answer
        }
        _ => {
            let answer = method.to_json();
            method.set_status("ACTIVE");
            webhooks.push(method_callback(&method));
            answer
        }
    };
    state.payment_methods.insert(method.id.clone(), method);
    ctx.emit_webhooks(webhooks);
    Ok((StatusCode::CREATED, answer))
}

/// `GET /v2/payment_methods/{id}`.
pub(super) fn get(state: &State, id: &str) -> ApiResult {
    let method = state
        .payment_methods
        .get(id)
        .ok_or_else(|| ApiError::not_found("Payment method", id))?;
    Ok((StatusCode::OK, method.to_json()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cards() {
        assert_eq!(
            behaviour("4000000000001091", "IDR", 1),
            Behaviour::Challenge
        );
        assert_eq!(
            behaviour("4000000000001000", "IDR", 1),
            Behaviour::Frictionless
        );
        assert_eq!(
            behaviour("4200350000000801", "THB", 19_99),
            Behaviour::Frictionless
        );
        assert_eq!(
            behaviour("4200350000000801", "THB", 20_00),
            Behaviour::Challenge
        );
        assert_eq!(
            behaviour("4000000000009102", "IDR", 1),
            Behaviour::Decline("DECLINED_BY_ISSUER")
        );
        assert_eq!(network("4000000000001091"), "VISA");
        assert_eq!(network("5200000000002151"), "MASTERCARD");
        assert_eq!(network("340000000001098"), "AMEX");
        assert_eq!(network("3337000000200004"), "JCB");
        for (number, _) in DECLINE_CARDS {
            assert!(valid_card_number(number), "{number}");
        }
    }

    #[test]
    fn masks_the_number() {
        let card = CardDetails {
            number: "4000000000001091".into(),
            expiry_month: "12".into(),
            expiry_year: "2030".into(),
            cardholder_name: "J".into(),
            cardholder_email: "j@example.com".into(),
            cardholder_phone_number: "+62".into(),
            channel_properties: Value::Null,
            currency: None,
            country: "ID".into(),
        };
        assert_eq!(card.masked(), "400000XXXXXX1091");
        assert!(!card.to_json().to_string().contains("4000000000001091"));
    }
}
