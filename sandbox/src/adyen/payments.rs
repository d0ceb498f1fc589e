//! `POST /v68/payments`, `POST /v68/payments/details` and the 3-D Secure challenge page.

use base64::prelude::{Engine as _, BASE64_STANDARD};
use http::{Method, StatusCode};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::notifications::Notification;
use super::testdata::{self, Outcome};
use super::{
    check_merchant, opt_str, parse_amount, req_str, Adyen, ApiError, ApiResult, State,
    BANK_PAGE_PREFIX, THREE_DS_PAGE_PREFIX,
};
use crate::processor::{Context, Request, Response};
use crate::util::{html_escape, random_string, ALNUM, UPPER_ALNUM};

/// Where a payment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Waiting for the shopper's 3-D Secure challenge.
    RedirectShopper,
    Authorised,
    Refused,
    Error,
    Received,
}

#[derive(Clone, Debug)]
pub struct CardInfo {
    pub last4: String,
    /// `MM` and `YYYY`.
    pub expiry_month: String,
    pub expiry_year: String,
}

/// What the shopper is sent to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChallengeKind {
    /// The 3-D Secure challenge page (a password).
    ThreeDs,
    /// A bank redirect method's page (approve, decline or cancel).
    Bank,
}

/// A pending 3-D Secure challenge or bank page.
#[derive(Clone, Debug)]
pub struct Challenge {
    pub kind: ChallengeKind,
    /// The authorisation outcome once the shopper is authenticated.
    pub outcome: Outcome,
    pub return_url: String,
    /// `None` until the shopper answered the challenge page.
    pub authenticated: Option<bool>,
}

#[derive(Clone, Debug)]
pub struct Payment {
    pub psp: String,
    pub reference: String,
    pub value: i64,
    pub currency: String,
    pub manual_capture: bool,
    pub status: Status,
    pub captured: i64,
    pub refunded: i64,
    pub cancelled: bool,
    /// Adyen's payment method variant (`visa`, `mc`, `amex`, `googlepay`, ...).
    pub variant: String,
    pub holder: String,
    pub card: Option<CardInfo>,
    /// SHA-256 of the card number (never the number itself), to recognise a stored card.
    pub fingerprint: Option<String>,
    pub shopper_reference: Option<String>,
    /// `storePaymentMethod: true` was asked.
    pub store: bool,
    pub challenge: Option<Challenge>,
}

impl Payment {
    /// What can still be captured: the authorised amount not captured yet (manual capture only).
    pub fn capturable(&self) -> i64 {
        if self.status != Status::Authorised || !self.manual_capture || self.cancelled {
            0
        } else {
            self.value - self.captured
        }
    }

    pub fn refundable(&self) -> i64 {
        self.captured - self.refunded
    }
}

/// A stored payment method (token).
#[derive(Clone, Debug)]
pub struct StoredCard {
    pub shopper_reference: String,
    pub variant: String,
    pub holder: String,
    pub card: Option<CardInfo>,
    pub fingerprint: Option<String>,
}

fn flag(additional: Option<&Map<String, Value>>, key: &str) -> bool {
    match additional.and_then(|a| a.get(key)) {
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        Some(Value::Bool(b)) => *b,
        _ => false,
    }
}

/// A card field, plain or client-side encrypted. In the test environment, encrypted fields
/// may carry the raw value behind a `test_` prefix (Adyen API reference, "Cards"); real ciphertext cannot be read here.
fn card_field<'a>(
    pm: &'a Map<String, Value>,
    plain: &str,
    encrypted: &str,
) -> Result<Option<&'a str>, ApiError> {
    if let Some(value) = opt_str(pm, plain)? {
        return Ok(Some(value));
    }
    match opt_str(pm, encrypted)? {
        None => Ok(None),
        Some(value) => match value.strip_prefix("test_") {
            Some(raw) => Ok(Some(raw)),
            None => Err(ApiError::validation("174", "Unable to decrypt data")),
        },
    }
}

fn check_enum(body: &Map<String, Value>, field: &str, allowed: &[&str]) -> Result<(), ApiError> {
    match opt_str(body, field)? {
        Some(v) if !allowed.contains(&v) => Err(ApiError::invalid(field)),
        _ => Ok(()),
    }
}

/// What the payment method in the request resolves to.
struct Resolved {
    variant: String,
    holder: String,
    card: Option<CardInfo>,
    fingerprint: Option<String>,
    /// Card checks (CVC, expiry) failed: a generic refusal.
    card_refused: bool,
    three_ds_enrolled: bool,
    /// A bank redirect method: the shopper approves on the bank's page; `Some(issuer)`.
    bank: Option<Option<String>>,
}

/// Adyen's bank redirect `paymentMethod.type`s, and whether each needs an `issuer`
/// (`GenericIssuerPaymentMethodDetails`). iDEAL's issuer became optional in 2024.
const BANK_REDIRECTS: [(&str, bool); 9] = [
    ("ideal", false),
    ("eps", true),
    ("onlineBanking_PL", true),
    ("onlineBanking_CZ", true),
    ("onlineBanking_SK", true),
    ("onlinebanking_IN", true),
    ("paybybank", false),
    ("trustly", false),
    ("directEbanking", false),
];

/// The outcome the legacy iDEAL test issuers force (`1160` refused, `1161` pending, `1162`
/// cancelled); other issuers leave it to the shopper's choice on the bank page.
fn issuer_outcome(issuer: Option<&str>) -> Option<Outcome> {
    match issuer {
        Some("1160") => Some(Outcome::declined(2)),
        Some("1161") => Some(Outcome::Received),
        Some("1162") => Some(Outcome::Cancelled),
        _ => None,
    }
}

fn resolve_method(
    state: &State,
    pm: &Map<String, Value>,
    shopper_reference: Option<&str>,
) -> Result<Resolved, ApiError> {
    let kind = req_str(pm, "type").map_err(|_| ApiError::missing("paymentMethod.type"))?;
    let holder = opt_str(pm, "holderName")?.unwrap_or("").to_string();
    match kind {
        "scheme" => {
            let stored_id = match opt_str(pm, "storedPaymentMethodId")? {
                Some(id) => Some(id),
                None => opt_str(pm, "recurringDetailReference")?,
            };
            if let Some(id) = stored_id {
                let shopper =
                    shopper_reference.ok_or_else(|| ApiError::missing("shopperReference"))?;
                let stored = state
                    .stored
                    .get(id)
                    .filter(|s| s.shopper_reference == shopper)
                    .ok_or_else(|| ApiError::validation("800", "Contract not found"))?;
                return Ok(Resolved {
                    variant: stored.variant.clone(),
                    holder: if holder.is_empty() {
                        stored.holder.clone()
                    } else {
                        holder
                    },
                    card: stored.card.clone(),
                    fingerprint: stored.fingerprint.clone(),
                    card_refused: false,
                    three_ds_enrolled: false,
                    bank: None,
                });
            }
            let number = card_field(pm, "number", "encryptedCardNumber")?
                .ok_or_else(|| ApiError::missing("paymentMethod.number"))?;
            if !testdata::valid_card_number(number) {
                return Err(ApiError::validation("101", "Invalid card number"));
            }
            let month = card_field(pm, "expiryMonth", "encryptedExpiryMonth")?;
            let year = card_field(pm, "expiryYear", "encryptedExpiryYear")?;
            let cvc = card_field(pm, "cvc", "encryptedSecurityCode")?;
            let variant = testdata::card_variant(number);
            let card_refused =
                !testdata::valid_test_cvc(variant, cvc) || !testdata::valid_expiry(month, year);
            let card = CardInfo {
                last4: number[number.len() - 4..].to_string(),
                expiry_month: month
                    .map(|m| format!("{:0>2}", m.trim()))
                    .unwrap_or_default(),
                expiry_year: year.map(|y| y.trim().to_string()).unwrap_or_default(),
            };
            Ok(Resolved {
                variant: variant.to_string(),
                holder,
                card: Some(card),
                fingerprint: Some(hex::encode(Sha256::digest(number.as_bytes()))),
                card_refused,
                three_ds_enrolled: testdata::three_ds_challenge_card(number),
                bank: None,
            })
        }
        "networkToken" => {
            // A network token pays like its card (the token number passes the same checks);
            // the cryptogram is checked by the caller, in `mpiData`.
            let number =
                req_str(pm, "number").map_err(|_| ApiError::missing("paymentMethod.number"))?;
            if !testdata::valid_card_number(number) {
                return Err(ApiError::validation("101", "Invalid card number"));
            }
            let month = opt_str(pm, "expiryMonth")?;
            let year = opt_str(pm, "expiryYear")?;
            Ok(Resolved {
                variant: testdata::card_variant(number).to_string(),
                holder,
                card: Some(CardInfo {
                    last4: number[number.len() - 4..].to_string(),
                    expiry_month: month
                        .map(|m| format!("{:0>2}", m.trim()))
                        .unwrap_or_default(),
                    expiry_year: year.map(|y| y.trim().to_string()).unwrap_or_default(),
                }),
                fingerprint: Some(hex::encode(Sha256::digest(number.as_bytes()))),
                card_refused: !testdata::valid_expiry(month, year),
                three_ds_enrolled: false,
                bank: None,
            })
        }
        kind if BANK_REDIRECTS.iter().any(|(k, _)| *k == kind) => {
            let needs_issuer = BANK_REDIRECTS.iter().any(|(k, needs)| *k == kind && *needs);
            let issuer = opt_str(pm, "issuer")?.filter(|i| !i.trim().is_empty());
            if needs_issuer && issuer.is_none() {
                return Err(ApiError::missing("paymentMethod.issuer"));
            }
            Ok(Resolved {
                variant: kind.to_string(),
                holder,
                card: None,
                fingerprint: None,
                card_refused: false,
                three_ds_enrolled: false,
                bank: Some(issuer.map(str::to_string)),
            })
        }
        "googlepay" | "paywithgoogle" | "applepay" => {
            let (field, variant) = if kind == "applepay" {
                ("applePayToken", "applepay")
            } else {
                ("googlePayToken", "googlepay")
            };
            let token = req_str(pm, field)
                .map_err(|_| ApiError::missing(&format!("paymentMethod.{field}")))?;
            Ok(Resolved {
                variant: variant.to_string(),
                holder,
                card: None,
                fingerprint: Some(hex::encode(Sha256::digest(token.as_bytes()))),
                card_refused: false,
                three_ds_enrolled: false,
                bank: None,
            })
        }
        _ => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "905",
            "Payment details are not supported",
            "configuration",
        )),
    }
}

/// `POST /v68/payments`
pub(super) fn authorise(
    state: &mut State,
    adyen: &Adyen,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    check_merchant(body, "merchantAccount")?;
    let (value, currency) = parse_amount(body)?;
    let reference = match opt_str(body, "reference")? {
        Some(r) if !r.trim().is_empty() => r.to_string(),
        _ => return Err(ApiError::validation("130", "Reference Missing")),
    };
    let pm = match body.get("paymentMethod") {
        Some(Value::Object(pm)) => pm,
        None | Some(Value::Null) => return Err(ApiError::missing("paymentMethod")),
        Some(_) => return Err(ApiError::invalid("paymentMethod")),
    };
    let return_url = match opt_str(body, "returnUrl")? {
        Some(u) if !u.trim().is_empty() => u.to_string(),
        _ => return Err(ApiError::validation("14_030", "Return URL is missing.")),
    };
    let additional = match body.get("additionalData") {
        None | Some(Value::Null) => None,
        Some(Value::Object(a)) => Some(a),
        Some(_) => return Err(ApiError::invalid("additionalData")),
    };
    let shopper_reference = opt_str(body, "shopperReference")?;
    if shopper_reference.is_some_and(|s| s.chars().count() < 3) {
        return Err(ApiError::validation(
            "702",
            "Field 'shopperReference' must be at least 3 characters.",
        ));
    }
    let store = match body.get("storePaymentMethod") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ApiError::invalid("storePaymentMethod")),
    };
    if store && shopper_reference.is_none() {
        return Err(ApiError::missing("shopperReference"));
    }
    check_enum(
        body,
        "recurringProcessingModel",
        &["CardOnFile", "Subscription", "UnscheduledCardOnFile"],
    )?;
    check_enum(
        body,
        "shopperInteraction",
        &["Ecommerce", "ContAuth", "Moto", "POS"],
    )?;
    let requested = testdata::outcome_for_requested_code(
        additional.and_then(|a| a.get("RequestedTestAcquirerResponseCode")),
    )
    .map_err(|_| ApiError::invalid("additionalData.RequestedTestAcquirerResponseCode"))?;
    let method = resolve_method(state, pm, shopper_reference)?;
    let pm_type = method.variant.clone();
    if matches!(req_str(pm, "type"), Ok("networkToken")) {
        let cryptogram = match body.get("mpiData") {
            Some(Value::Object(mpi)) => opt_str(mpi, "tokenAuthenticationVerificationValue")?,
            _ => None,
        };
        if cryptogram.is_none_or(|c| c.trim().is_empty()) {
            return Err(ApiError::missing(
                "mpiData.tokenAuthenticationVerificationValue",
            ));
        }
    }

    let outcome = if method.card_refused {
        Outcome::declined(2)
    } else {
        requested
            .or_else(|| testdata::outcome_for_holder(&method.holder))
            .unwrap_or(Outcome::Authorised)
    };
    let psp = state.new_psp();
    let mut payment = Payment {
        psp: psp.clone(),
        reference,
        value,
        currency,
        manual_capture: flag(additional, "manualCapture"),
        status: Status::RedirectShopper,
        captured: 0,
        refunded: 0,
        cancelled: false,
        variant: method.variant,
        holder: method.holder,
        card: method.card,
        fingerprint: method.fingerprint,
        shopper_reference: shopper_reference.map(str::to_string),
        store,
        challenge: None,
    };

    if let Some(issuer) = &method.bank {
        // Bank transfers are immediate: no separate capture.
        payment.manual_capture = false;
        let page = random_string(32, ALNUM);
        let url = format!("{}{}{}", ctx.processor_url(), BANK_PAGE_PREFIX, page);
        payment.challenge = Some(Challenge {
            kind: ChallengeKind::Bank,
            outcome: issuer_outcome(issuer.as_deref()).unwrap_or(outcome),
            return_url,
            authenticated: None,
        });
        state.challenge_pages.insert(page, psp.clone());
        state.payments.insert(psp, payment);
        let body = json!({
            "resultCode": "RedirectShopper",
            "action": {"paymentMethodType": pm_type, "url": url, "method": "GET", "type": "redirect"},
        });
        return Ok(Response::json(StatusCode::OK, &body));
    }
    if method.three_ds_enrolled && flag(additional, "executeThreeD") {
        let page = random_string(32, ALNUM);
        let url = format!("{}{}{}", ctx.processor_url(), THREE_DS_PAGE_PREFIX, page);
        payment.challenge = Some(Challenge {
            kind: ChallengeKind::ThreeDs,
            outcome,
            return_url,
            authenticated: None,
        });
        state.challenge_pages.insert(page, psp.clone());
        state.payments.insert(psp, payment);
        let body = json!({
            "resultCode": "RedirectShopper",
            "action": {"paymentMethodType": "scheme", "url": url, "method": "GET", "type": "redirect"},
        });
        return Ok(Response::json(StatusCode::OK, &body));
    }
    let body = finalize(state, adyen, payment, outcome, None, ctx);
    Ok(Response::json(StatusCode::OK, &body))
}

/// `POST /v68/payments/details`
pub(super) fn details(
    state: &mut State,
    adyen: &Adyen,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    let details = match body.get("details") {
        Some(Value::Object(d)) => d,
        _ => return Err(ApiError::missing("details")),
    };
    let Some(redirect_result) = opt_str(details, "redirectResult")? else {
        if details.contains_key("threeDSResult") || details.contains_key("payload") {
            return Err(ApiError::validation("14_018", "Invalid payload provided"));
        }
        return Err(ApiError::missing("details.redirectResult"));
    };
    let payment = state
        .redirect_results
        .remove(redirect_result)
        .and_then(|psp| state.payments.remove(&psp))
        .ok_or_else(|| ApiError::validation("14_018", "Invalid payload provided"))?;
    let mut payment = payment;
    let Some(challenge) = payment.challenge.take() else {
        state.payments.insert(payment.psp.clone(), payment);
        return Err(ApiError::validation("14_018", "Invalid payload provided"));
    };
    let authenticated = challenge.authenticated == Some(true);
    let (outcome, three_ds) = match challenge.kind {
        ChallengeKind::ThreeDs if authenticated => (challenge.outcome, Some(true)),
        ChallengeKind::ThreeDs => (Outcome::declined(11), Some(false)),
        // The bank page recorded the shopper's choice in the outcome.
        ChallengeKind::Bank => (challenge.outcome, None),
    };
    let body = finalize(state, adyen, payment, outcome, three_ds, ctx);
    Ok(Response::json(StatusCode::OK, &body))
}

/// Applies the authorisation outcome: state, token, response body and AUTHORISATION webhook.
fn finalize(
    state: &mut State,
    adyen: &Adyen,
    mut p: Payment,
    outcome: Outcome,
    three_ds: Option<bool>,
    ctx: &Context,
) -> Value {
    let mut additional = Map::new();
    if let Some(authenticated) = three_ds {
        additional.insert("threeDOffered".into(), json!("true"));
        additional.insert(
            "threeDAuthenticated".into(),
            json!(authenticated.to_string()),
        );
        additional.insert("liabilityShift".into(), json!(authenticated.to_string()));
    }
    additional.insert("paymentMethod".into(), json!(p.variant));
    if let Some(card) = &p.card {
        additional.insert("cardSummary".into(), json!(card.last4));
        additional.insert("expiryDate".into(), json!(expiry_date(card)));
    }
    let mut response = Map::new();
    let mut webhook_data: Vec<(String, String)> = Vec::new();
    let (result_code, success, reason) = match &outcome {
        Outcome::Authorised => {
            p.status = Status::Authorised;
            if !p.manual_capture {
                p.captured = p.value;
            }
            let auth_code = random_string(6, b"0123456789");
            additional.insert("authCode".into(), json!(auth_code));
            if p.card.is_some() {
                additional.insert("cvcResult".into(), json!("1 Matches"));
                additional.insert(
                    "avsResult".into(),
                    json!("4 AVS not supported for this card type"),
                );
            }
            additional.insert("refusalReasonRaw".into(), json!("AUTHORISED"));
            additional.insert(
                "networkTxReference".into(),
                json!(random_string(15, b"0123456789")),
            );
            webhook_data.push(("authCode".into(), auth_code.clone()));
            if p.store {
                if let Some(shopper) = p.shopper_reference.clone() {
                    let (token, operation) = store_method(state, &p, &shopper);
                    for (k, v) in [
                        ("tokenization.storedPaymentMethodId", token),
                        ("tokenization.shopperReference", shopper),
                        ("tokenization.store.operationType", operation.to_string()),
                    ] {
                        additional.insert(k.into(), json!(v));
                        webhook_data.push((k.into(), v));
                    }
                }
            }
            let summary = p
                .card
                .as_ref()
                .map(|c| format!("{auth_code}:{}:{}", c.last4, expiry_date(c)));
            ("Authorised", true, summary.or(Some(auth_code)))
        }
        Outcome::Declined {
            result_code,
            code,
            reason,
            raw,
        } => {
            p.status = if *result_code == "Error" {
                Status::Error
            } else {
                Status::Refused
            };
            match raw {
                Some((raw_reason, raw_code)) => {
                    additional.insert("refusalReasonRaw".into(), json!(raw_reason));
                    additional.insert("refusalCodeRaw".into(), json!(raw_code));
                }
                None => {
                    additional.insert("refusalReasonRaw".into(), json!(reason));
                }
            }
            response.insert("refusalReason".into(), json!(reason));
            response.insert("refusalReasonCode".into(), json!(code.to_string()));
            (*result_code, false, Some(reason.to_string()))
        }
        Outcome::Received => {
            p.status = Status::Received;
            ("Received", false, None)
        }
        Outcome::Cancelled => {
            p.status = Status::Refused;
            ("Cancelled", false, Some("Cancelled".to_string()))
        }
    };
    if let Some(card) = &p.card {
        webhook_data.push(("cardSummary".into(), card.last4.clone()));
        webhook_data.push(("expiryDate".into(), expiry_date(card)));
    }
    if let Some(shopper) = &p.shopper_reference {
        webhook_data.push(("shopperReference".into(), shopper.clone()));
    }

    let mut body = Map::new();
    body.insert("additionalData".into(), Value::Object(additional));
    body.insert("pspReference".into(), json!(p.psp));
    body.insert("resultCode".into(), json!(result_code));
    body.insert(
        "amount".into(),
        json!({"currency": p.currency, "value": p.value}),
    );
    body.insert("merchantReference".into(), json!(p.reference));
    body.extend(response);

    if outcome != Outcome::Received {
        let notification = Notification {
            event_code: "AUTHORISATION",
            psp_reference: p.psp.clone(),
            original_reference: None,
            merchant_reference: p.reference.clone(),
            value: p.value,
            currency: p.currency.clone(),
            success,
            reason,
            payment_method: Some(p.variant.clone()),
            additional_data: webhook_data,
            operations: success.then(|| vec!["CANCEL", "CAPTURE", "REFUND"]),
        };
        adyen.emit(ctx, &[notification]);
    }
    state.payments.insert(p.psp.clone(), p);
    Value::Object(body)
}

fn expiry_date(card: &CardInfo) -> String {
    format!(
        "{}/{}",
        card.expiry_month.trim_start_matches('0'),
        card.expiry_year
    )
}

/// Stores the payment's method for its shopper; answers the token and whether it was
/// `created` or `alreadyExisting`.
fn store_method(state: &mut State, p: &Payment, shopper: &str) -> (String, &'static str) {
    let existing = state.stored.iter().find(|(_, s)| {
        s.shopper_reference == shopper && s.fingerprint.is_some() && s.fingerprint == p.fingerprint
    });
    if let Some((token, _)) = existing {
        return (token.clone(), "alreadyExisting");
    }
    let token = loop {
        let candidate = random_string(16, UPPER_ALNUM);
        if !state.stored.contains_key(&candidate) {
            break candidate;
        }
    };
    state.stored.insert(
        token.clone(),
        StoredCard {
            shopper_reference: shopper.to_string(),
            variant: p.variant.clone(),
            holder: p.holder.clone(),
            card: p.card.clone(),
            fingerprint: p.fingerprint.clone(),
        },
    );
    (token, "created")
}

/// The sandbox's 3-D Secure challenge page: `GET` shows a form; `POST password=...`
/// redirects to the merchant's `returnUrl` with `redirectResult`.
pub(super) fn challenge_page(state: &mut State, request: &Request, token: &str) -> Response {
    let Some(psp) = state.challenge_pages.get(token).cloned() else {
        return page(
            StatusCode::NOT_FOUND,
            "Authentication session not found",
            "<p>This 3-D Secure session does not exist or was already completed.</p>",
        );
    };
    let Some(payment) = state.payments.get_mut(&psp) else {
        return page(
            StatusCode::NOT_FOUND,
            "Authentication session not found",
            "<p>The payment no longer exists.</p>",
        );
    };
    match request.method {
        Method::GET | Method::HEAD => {
            let amount = format!("{} {}", payment.value, payment.currency);
            let last4 = payment
                .card
                .as_ref()
                .map(|c| c.last4.clone())
                .unwrap_or_default();
            let content = format!(
                "<p>Merchant: {}<br>Amount (minor units): {}<br>Card: **** {}</p>\
                 <form method=\"POST\" action=\"\">\
                 <label>Password <input type=\"password\" name=\"password\" autofocus></label> \
                 <button type=\"submit\">Submit</button></form>\
                 <p><small>Sandbox: the password is <code>password</code> (or <code>1234</code>); anything else fails authentication.</small></p>",
                html_escape(super::MERCHANT_ACCOUNT),
                html_escape(&amount),
                html_escape(&last4),
            );
            page(StatusCode::OK, "3-D Secure authentication", &content)
        }
        Method::POST => {
            let password = request
                .form_pairs()
                .into_iter()
                .find(|(k, _)| k == "password")
                .map(|(_, v)| v);
            let authenticated = matches!(password.as_deref(), Some("password") | Some("1234"));
            let Some(challenge) = payment
                .challenge
                .as_mut()
                .filter(|c| c.kind == ChallengeKind::ThreeDs)
            else {
                return page(
                    StatusCode::NOT_FOUND,
                    "Authentication session not found",
                    "<p>Nothing to authenticate.</p>",
                );
            };
            challenge.authenticated = Some(authenticated);
            let return_url = challenge.return_url.clone();
            state.challenge_pages.remove(token);
            let redirect_result = new_redirect_result();
            state.redirect_results.insert(redirect_result.clone(), psp);
            Response::redirect(&append_query(
                &return_url,
                "redirectResult",
                &redirect_result,
            ))
        }
        _ => page(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            "<p>Use GET or POST.</p>",
        ),
    }
}

/// The sandbox's bank page for redirect methods (iDEAL, EPS, online banking, ...): `GET` shows
/// the choices; `POST choice=approve|decline|cancel` redirects to the merchant's `returnUrl`
/// with `redirectResult`, and `/payments/details` then answers `Authorised`, `Refused` or
/// `Cancelled` (an outcome forced by a test issuer wins over `approve`).
pub(super) fn bank_page(state: &mut State, request: &Request, token: &str) -> Response {
    let not_found = || {
        page(
            StatusCode::NOT_FOUND,
            "Bank session not found",
            "<p>This payment session does not exist or was already completed.</p>",
        )
    };
    let Some(psp) = state.challenge_pages.get(token).cloned() else {
        return not_found();
    };
    let Some(payment) = state.payments.get_mut(&psp) else {
        return not_found();
    };
    match request.method {
        Method::GET | Method::HEAD => {
            let content = format!(
                "<p>Pay {} (minor units) {} with {}</p>\
                 <form method=\"POST\" action=\"\">\
                 <button name=\"choice\" value=\"approve\">Approve</button> \
                 <button name=\"choice\" value=\"decline\">Decline</button> \
                 <button name=\"choice\" value=\"cancel\">Cancel</button></form>",
                payment.value,
                html_escape(&payment.currency),
                html_escape(&payment.variant),
            );
            page(StatusCode::OK, "Sandbox bank", &content)
        }
        Method::POST => {
            let choice = request
                .form_pairs()
                .into_iter()
                .find(|(k, _)| k == "choice")
                .map(|(_, v)| v);
            let Some(challenge) = payment
                .challenge
                .as_mut()
                .filter(|c| c.kind == ChallengeKind::Bank)
            else {
                return not_found();
            };
            match choice.as_deref() {
                Some("approve") => {}
                Some("decline") => challenge.outcome = Outcome::declined(2),
                Some("cancel") => challenge.outcome = Outcome::Cancelled,
                _ => {
                    return page(
                        StatusCode::BAD_REQUEST,
                        "Choose an answer",
                        "<p>Post choice=approve, decline or cancel.</p>",
                    )
                }
            }
            challenge.authenticated = Some(true);
            let return_url = challenge.return_url.clone();
            state.challenge_pages.remove(token);
            let redirect_result = new_redirect_result();
            state.redirect_results.insert(redirect_result.clone(), psp);
            Response::redirect(&append_query(
                &return_url,
                "redirectResult",
                &redirect_result,
            ))
        }
        _ => page(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            "<p>Use GET or POST.</p>",
        ),
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

/// An opaque `redirectResult`, shaped like Adyen's (with `!`, `+`, `/` and `=`, so that
/// clients must URL-decode it properly).
fn new_redirect_result() -> String {
    let bytes: Vec<u8> = (0..48).map(|_| fastrand::u8(..)).collect();
    format!("Ab02b4c0!{}", BASE64_STANDARD.encode(bytes))
}

/// `url` with `name=value` appended to its query (before any fragment).
fn append_query(url: &str, name: &str, value: &str) -> String {
    if let Ok(mut parsed) = url::Url::parse(url) {
        parsed.query_pairs_mut().append_pair(name, value);
        return parsed.to_string();
    }
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let separator = if base.contains('?') { '&' } else { '?' };
    let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let mut out = format!("{base}{separator}{name}={encoded}");
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_query_parameters() {
        assert_eq!(
            append_query("https://shop.example/return", "r", "a+b/c="),
            "https://shop.example/return?r=a%2Bb%2Fc%3D"
        );
        assert_eq!(
            append_query("https://shop.example/return?x=1#top", "r", "v"),
            "https://shop.example/return?x=1&r=v#top"
        );
        assert_eq!(
            append_query("/relative?x=1", "r", "a b"),
            "/relative?x=1&r=a+b"
        );
    }
}
