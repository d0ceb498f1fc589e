//! Payments: authorize, setup_mandate, PSync, capture and void (Checkout.com API reference,
//! Payments > "Request a payment or payout", "Get payment details", "Capture a payment",
//! "Void a payment").
//!
//! | flow | requests |
//! |---|---|
//! | authorize (card, mandate) | `POST /payments` |
//! | setup_mandate | `POST /payments` with `amount: 0` (a card verification) |
//! | psync | `GET /payments/{pay_... or sid_...}` |
//! | capture | `POST /payments/{id}/captures` (202) |
//! | void | `POST /payments/{id}/voids` (202) |
//!
//! Status mapping (201 / 202 / PSync `status` → unified):
//!
//! | `status` | unified |
//! |---|---|
//! | `Pending` (202) | `authentication_pending` with a GET redirect when `_links.redirect` is there, else `pending` |
//! | `Authorized` | `authorized` for manual capture; `charged` for automatic capture (a capture is scheduled) or when PSync shows nothing left to capture |
//! | `Card Verified` | `charged` (the verification is done; setup_mandate's mandate is created) |
//! | `Captured`, `Paid`, `Refunded`, `Partially Refunded` | `charged` (refunds are tracked separately) |
//! | `Partially Captured` | `partial_charged` |
//! | `Declined`, or `approved: false` | `failure` with [`DeclineDetails`] |
//! | `Canceled` | `failure` |
//! | `Expired` | `expired` |
//! | `Voided` | `voided` |
//! | `Retry Scheduled`, anything unknown | `pending` |

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::wire::{Payment, PaymentState, Processing, Token};
use super::{errors, invalid_response, money_from_wire, parse_success, wire_amount, Checkout};
use crate::connector::single_exchange;
use crate::error::{Error, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::mask::mask_body;
use crate::money::Money;
use crate::types::*;

/// Checkout.com's limit on `reference`.
const REFERENCE_MAX_CHARS: usize = 50;

/// The cko-session-id parameter the shopper's return URL carries after a redirect.
pub(super) const SESSION_ID_PARAM: &str = "cko-session-id";

/// Which flow a payment answer belongs to, and what the request said.
#[derive(Clone, Debug)]
pub(super) struct Reading {
    /// The request's capture mode, when known.
    pub capture: Option<CaptureMethod>,
    /// A setup_mandate (the verification creates the mandate).
    pub setup: bool,
    /// The mandate the payment was made with (a mandate charge).
    pub mandate_id: Option<String>,
    /// The amount the request asked for, when the answer does not repeat it (202).
    pub requested: Option<Money>,
}

// ---- authorize ----------------------------------------------------------------------------

/// How the payment's source is obtained.
enum Plan {
    /// Pay with this `source` at once.
    Direct {
        source: Value,
        merchant_initiated: bool,
        mandate_id: Option<String>,
    },
    /// Exchange the wallet token first (`POST /tokens` with the public key), then pay with
    /// `source: {type: "token", token: "tok_..."}`.
    Tokenize { token_request: Value },
}

/// Authorize: one `POST /payments`, or for Apple Pay and Google Pay tokens two steps: the
/// token exchange, then the payment (payment-methods: Checkout.com "Apple Pay" / "Google Pay"
/// for API only; API reference, Tokens > "Request a token").
pub(super) fn authorize(
    c: &Checkout,
    req: &AuthorizeRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    // Everything is checked before the first request is built.
    let mut body = payment_base(c, &req.amount, &req.merchant_reference)?;
    let billing = req.billing_address.as_ref();
    let mut capture = req.capture_method;
    let plan = match &req.payment_method {
        PaymentMethod::Card(card) => Plan::Direct {
            source: card_source(card, billing),
            merchant_initiated: false,
            mandate_id: None,
        },
        PaymentMethod::Mandate(m) => {
            let (source, merchant_initiated) = mandate_source(m, &mut body)?;
            Plan::Direct {
                source,
                merchant_initiated,
                mandate_id: Some(m.mandate_id.trim().to_string()),
            }
        }
        PaymentMethod::NetworkToken(t) => Plan::Direct {
            source: network_token_source(t, billing)?,
            merchant_initiated: false,
            mandate_id: None,
        },
        PaymentMethod::ApplePay(w) => Plan::Tokenize {
            token_request: json!({"type": "applepay", "token_data": apple_pay_token_data(w)?}),
        },
        PaymentMethod::GooglePay(w) => Plan::Tokenize {
            token_request: json!({"type": "googlepay", "token_data": google_pay_token_data(w)?}),
        },
        PaymentMethod::BankRedirect(b)
            if matches!(
                b.method,
                BankRedirectMethod::Ideal | BankRedirectMethod::Eps
            ) =>
        {
            check_bank_redirect(req, b.method)?;
            // Bank transfers are captured at once: there is no separate authorization.
            capture = CaptureMethod::Automatic;
            // The shopper picks their bank on the redirect page: the current iDEAL and EPS
            // sources take no bank (`issuer` is not sent). EPS takes a `purpose`, the text on
            // the shopper's statement (Checkout.com SDK `RequestEpsSource`).
            let source = match b.method {
                BankRedirectMethod::Eps => json!({
                    "type": "eps",
                    "purpose": req.merchant_reference.trim(),
                }),
                _ => json!({"type": "ideal"}),
            };
            Plan::Direct {
                source,
                merchant_initiated: false,
                mandate_id: None,
            }
        }
        other => {
            return Err(Error::unsupported_payment_method(
                ConnectorName::Checkout,
                Flow::Authorize,
                other,
            ))
        }
    };
    if !matches!(req.payment_method, PaymentMethod::BankRedirect(_)) {
        body.insert(
            "capture".into(),
            json!(req.capture_method == CaptureMethod::Automatic),
        );
    }
    let merchant_initiated = matches!(
        plan,
        Plan::Direct {
            merchant_initiated: true,
            ..
        }
    );
    if !merchant_initiated && !matches!(req.payment_method, PaymentMethod::BankRedirect(_)) {
        if let Some(three_ds) = three_ds(req.authentication_type, false) {
            body.insert("3ds".into(), three_ds);
        }
    }
    add_shopper(
        &mut body,
        req.customer.as_ref(),
        req.shipping_address.as_ref(),
        req.return_url.as_deref(),
        &req.metadata,
    );
    let mut reading = Reading {
        capture: Some(capture),
        setup: false,
        mandate_id: None,
        requested: Some(req.amount),
    };
    let payment = |body: Map<String, Value>, step: usize| {
        c.write_json(
            HttpMethod::Post,
            c.urls.payments.clone(),
            &Value::Object(body),
            cx.step_key(step),
        )
    };
    match plan {
        Plan::Direct {
            source, mandate_id, ..
        } => {
            body.insert("source".into(), source);
            reading.mandate_id = mandate_id;
            single_exchange(
                responses,
                || payment(body, 0),
                |r| parse_payment(r, &reading),
            )
        }
        Plan::Tokenize { token_request } => {
            let public = c.public_authorization.as_ref().ok_or_else(|| {
                Error::configuration(
                    "Checkout.com exchanges Apple Pay and Google Pay tokens with the public key: \
                     set public_key in the Checkout.com configuration",
                )
            })?;
            match responses {
                [] => Ok(Step::Send(
                    HttpRequest::new(HttpMethod::Post, c.urls.tokens.clone())
                        .header("Authorization", public.expose().as_str())
                        .header("Accept", "application/json")
                        .json_body(&token_request)
                        // A token is single-use and expires unused: making a second one
                        // cannot charge anybody.
                        .retry_safe(true),
                )),
                [token] => {
                    let token = parse_token(token)?;
                    let mut source = Map::new();
                    source.insert("type".into(), json!("token"));
                    source.insert("token".into(), json!(token));
                    if let Some(address) = billing.and_then(address) {
                        source.insert("billing_address".into(), address);
                    }
                    body.insert("source".into(), Value::Object(source));
                    payment(body, 1).map(Step::Send)
                }
                [_, response] => parse_payment(response, &reading).map(Step::Done),
                _ => Err(Error::internal(
                    "checkout authorize: more responses than requests",
                )),
            }
        }
    }
}

/// `source.type: "network_token"` for a decrypted wallet token or a scheme token
/// (payment-methods: API reference `PaymentRequestNetworkTokenSource`): `token_type` is the
/// wallet, else the scheme's token service by the number (`vts` for Visa, `mdes` for
/// Mastercard).
fn network_token_source(t: &NetworkToken, billing: Option<&Address>) -> Result<Value> {
    let token_type =
        match t.wallet {
            Some(WalletKind::ApplePay) => "applepay",
            Some(WalletKind::GooglePay) => "googlepay",
            None => match t.number.expose().as_bytes().first() {
                Some(b'4') => "vts",
                Some(b'2' | b'5') => "mdes",
                _ => return Err(Error::invalid_request(
                    "payment_method.wallet",
                    "Checkout.com needs the token's type: a wallet (apple_pay, google_pay), or a \
                     Visa (VTS) or Mastercard (MDES) network token",
                )),
            },
        };
    let eci = t
        .eci
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            Error::invalid_request(
                "payment_method.eci",
                "Checkout.com requires the ECI with a network token's cryptogram",
            )
        })?;
    let mut source = Map::new();
    source.insert("type".into(), json!("network_token"));
    source.insert("token".into(), json!(t.number.expose()));
    source.insert("expiry_month".into(), json!(t.expiry_month));
    source.insert("expiry_year".into(), json!(t.expiry_year));
    source.insert("token_type".into(), json!(token_type));
    source.insert("cryptogram".into(), json!(t.cryptogram.expose().trim()));
    source.insert("eci".into(), json!(eci));
    if let Some(name) = t.holder_name.as_deref().map(str::trim) {
        if !name.is_empty() {
            source.insert("name".into(), json!(name));
        }
    }
    if let Some(address) = billing.and_then(address) {
        source.insert("billing_address".into(), address);
    }
    Ok(Value::Object(source))
}

/// The Apple Pay `paymentData` object (`version`, `data`, `signature`, `header`), from its
/// JSON text or the Base64 of it.
fn apple_pay_token_data(w: &ApplePay) -> Result<Value> {
    let text = w.token.expose().trim();
    let parsed = json_object(text.as_bytes()).or_else(|| {
        use base64::Engine;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .ok()?;
        json_object(&decoded)
    });
    parsed.ok_or_else(|| {
        Error::invalid_request(
            "payment_method.token",
            "must be Apple Pay's paymentData object, as JSON text or its Base64",
        )
    })
}

/// The Google Pay token (`protocolVersion`, `signature`, `signedMessage`) from its JSON text.
fn google_pay_token_data(w: &GooglePay) -> Result<Value> {
    json_object(w.token.expose().trim().as_bytes()).ok_or_else(|| {
        Error::invalid_request(
            "payment_method.token",
            "must be Google Pay's tokenizationData.token, a JSON text",
        )
    })
}

fn json_object(bytes: &[u8]) -> Option<Value> {
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .filter(Value::is_object)
}

/// The `tok_...` of a `POST /tokens` answer.
fn parse_token(response: &HttpResponse) -> Result<String> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let created: Token = parse_success(response, "token answer")?;
    created
        .token
        .ok_or_else(|| invalid_response(response, "Checkout.com's token answer has no token"))
}

/// iDEAL and EPS take euros, capture at once, and need the URLs the shopper returns to
/// (payment-methods: Checkout.com docs "iDEAL", "EPS").
fn check_bank_redirect(req: &AuthorizeRequest, method: BankRedirectMethod) -> Result<()> {
    let name = match method {
        BankRedirectMethod::Eps => "EPS",
        _ => "iDEAL",
    };
    if req.amount.currency.code() != "EUR" {
        return Err(Error::invalid_request(
            "amount.currency",
            format!("{name} payments are in EUR"),
        ));
    }
    if req.capture_method == CaptureMethod::Manual {
        return Err(Error::invalid_request(
            "capture_method",
            format!(
                "{name} has no separate authorization: the payment is captured at once (use automatic)"
            ),
        ));
    }
    if req.return_url.is_none() {
        return Err(Error::invalid_request(
            "return_url",
            format!("is required for {name}: the shopper returns there from their bank"),
        ));
    }
    Ok(())
}

/// `amount`, `currency`, `reference` and `processing_channel_id`.
fn payment_base(c: &Checkout, amount: &Money, reference: &str) -> Result<Map<String, Value>> {
    let mut body = Map::new();
    body.insert("amount".into(), json!(wire_amount(amount, "amount")?));
    body.insert("currency".into(), json!(amount.currency.code()));
    body.insert(
        "reference".into(),
        json!(checked_reference("merchant_reference", reference)?),
    );
    if let Some(pc) = &c.processing_channel_id {
        body.insert("processing_channel_id".into(), json!(pc));
    }
    Ok(body)
}

/// A `reference` of at most 50 characters.
pub(super) fn checked_reference<'a>(field: &str, reference: &'a str) -> Result<&'a str> {
    let reference = reference.trim();
    if reference.chars().count() > REFERENCE_MAX_CHARS {
        return Err(Error::invalid_request(
            field,
            format!("Checkout.com takes a reference of at most {REFERENCE_MAX_CHARS} characters"),
        ));
    }
    Ok(reference)
}

/// `source.type: "card"`: expiry month and year as integers, the CVC as a string (keeps
/// leading zeros).
pub(super) fn card_source(card: &Card, billing: Option<&Address>) -> Value {
    let mut source = Map::new();
    source.insert("type".into(), json!("card"));
    source.insert("number".into(), json!(card.number.expose()));
    source.insert("expiry_month".into(), json!(card.expiry_month));
    source.insert("expiry_year".into(), json!(card.expiry_year));
    if let Some(cvc) = &card.cvc {
        source.insert("cvv".into(), json!(cvc.expose()));
    }
    if let Some(name) = card.holder_name.as_deref().map(str::trim) {
        if !name.is_empty() {
            source.insert("name".into(), json!(name));
        }
    }
    if let Some(address) = billing.and_then(address) {
        source.insert("billing_address".into(), address);
    }
    Value::Object(source)
}

/// `source.type: "id"` for a saved instrument, plus the merchant-initiated fields. Returns the
/// source and whether the payment is merchant-initiated.
fn mandate_source(m: &MandateReference, body: &mut Map<String, Value>) -> Result<(Value, bool)> {
    let id = m.mandate_id.trim();
    if id.is_empty() {
        return Err(Error::invalid_request(
            "payment_method.mandate_id",
            "must not be empty",
        ));
    }
    let (payment_type, merchant_initiated) = match m.usage {
        MandateUsage::Unscheduled => ("Unscheduled", true),
        MandateUsage::Subscription => ("Recurring", true),
        // The shopper pays with the saved card.
        MandateUsage::CardOnFile => ("Regular", false),
    };
    body.insert("payment_type".into(), json!(payment_type));
    body.insert("merchant_initiated".into(), json!(merchant_initiated));
    if merchant_initiated {
        // The scheme transaction id of the customer-initiated setup (API reference,
        // `previous_payment_id`: "the initial payment's id or scheme transaction id").
        if let Some(previous) = m
            .network_transaction_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            body.insert("previous_payment_id".into(), json!(previous));
        }
    }
    Ok((json!({"type": "id", "id": id}), merchant_initiated))
}

/// The `3ds` object: `enabled` as asked; left out (Checkout.com's default: no 3-D Secure
/// unless the account's rules ask for it) for `auto`.
fn three_ds(authentication: AuthenticationType, mandate_setup: bool) -> Option<Value> {
    match authentication {
        AuthenticationType::Auto => None,
        AuthenticationType::NoThreeDs => Some(json!({"enabled": false})),
        AuthenticationType::ThreeDs if mandate_setup => Some(json!({
            "enabled": true,
            "challenge_indicator": "challenge_requested_mandate"
        })),
        AuthenticationType::ThreeDs => Some(json!({"enabled": true})),
    }
}

/// An address in Checkout.com's shape; `None` when it has no field.
fn address(a: &Address) -> Option<Value> {
    let mut out = Map::new();
    let mut put = |key: &str, value: &Option<String>| {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            out.insert(key.into(), json!(v));
        }
    };
    put("address_line1", &a.line1);
    put("address_line2", &a.line2);
    put("city", &a.city);
    put("state", &a.state);
    put("zip", &a.postal_code);
    put("country", &a.country);
    (!out.is_empty()).then_some(Value::Object(out))
}

/// Customer, shipping, shopper IP, return URLs and metadata.
fn add_shopper(
    body: &mut Map<String, Value>,
    customer: Option<&Customer>,
    shipping: Option<&Address>,
    return_url: Option<&str>,
    metadata: &Metadata,
) {
    if let Some(customer) = customer {
        let mut out = Map::new();
        if let Some(email) = customer.email.as_deref().map(str::trim) {
            if !email.is_empty() {
                out.insert("email".into(), json!(email));
            }
        }
        let name = [
            customer.first_name.as_deref(),
            customer.last_name.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        if !name.is_empty() {
            out.insert("name".into(), json!(name));
        }
        if !out.is_empty() {
            body.insert("customer".into(), Value::Object(out));
        }
        if let Some(ip) = customer.ip_address.as_deref().map(str::trim) {
            if !ip.is_empty() {
                body.insert("payment_ip".into(), json!(ip));
            }
        }
    }
    if let Some(address) = shipping.and_then(address) {
        body.insert("shipping".into(), json!({ "address": address }));
    }
    if let Some(url) = return_url {
        // Where the shopper returns after 3-D Secure, with `?cko-session-id=sid_...`.
        body.insert("success_url".into(), json!(url));
        body.insert("failure_url".into(), json!(url));
    }
    if !metadata.is_empty() {
        body.insert("metadata".into(), json!(metadata));
    }
}

// ---- setup_mandate ------------------------------------------------------------------------

/// A card verification: `POST /payments` with the setup amount (zero for a verification),
/// `Card Verified`, and the `source.id` as the mandate (API reference, "Request a payment",
/// zero-amount card verification; `payment_type` and `store_for_future_use` from the current
/// API).
pub(super) fn setup_mandate(
    c: &Checkout,
    req: &SetupMandateRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let card = match &req.payment_method {
        PaymentMethod::Card(card) => card,
        _ => {
            return Err(Error::invalid_request(
                "payment_method",
                "a Checkout.com mandate is set up from a card",
            ))
        }
    };
    let mut body = payment_base(c, &req.amount, &req.merchant_reference)?;
    body.insert(
        "source".into(),
        card_source(card, req.billing_address.as_ref()),
    );
    body.insert("capture".into(), json!(true));
    let payment_type = match req.usage {
        MandateUsage::Subscription => "Recurring",
        MandateUsage::Unscheduled => "Unscheduled",
        MandateUsage::CardOnFile => "Regular",
    };
    body.insert("payment_type".into(), json!(payment_type));
    body.insert("merchant_initiated".into(), json!(false));
    body.insert("store_for_future_use".into(), json!(true));
    if let Some(three_ds) = three_ds(req.authentication_type, true) {
        body.insert("3ds".into(), three_ds);
    }
    add_shopper(
        &mut body,
        Some(&req.customer),
        None,
        req.return_url.as_deref(),
        &req.metadata,
    );
    let reading = Reading {
        capture: Some(CaptureMethod::Automatic),
        setup: true,
        mandate_id: None,
        requested: Some(req.amount),
    };
    single_exchange(
        responses,
        || {
            c.write_json(
                HttpMethod::Post,
                c.urls.payments.clone(),
                &Value::Object(body),
                cx.step_key(0),
            )
        },
        |r| {
            let result = parse_payment(r, &reading)?;
            let succeeded = matches!(
                result.status,
                PaymentStatus::Charged | PaymentStatus::Authorized
            );
            if succeeded && result.mandate_id.is_none() {
                return Err(invalid_response(
                    r,
                    "Checkout.com verified the card but returned no source.id to charge later",
                ));
            }
            Ok(result)
        },
    )
}

// ---- psync --------------------------------------------------------------------------------

/// `GET /payments/{id}`: the `cko-session-id` the return URL received when given (the
/// shopper's 3-D Secure return), else the payment id.
pub(super) fn get_payment(
    c: &Checkout,
    req: &PaymentGetRequest,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let session = req.redirect_result.as_ref().and_then(|params| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(SESSION_ID_PARAM))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    });
    let (field, id) = match (session, req.connector_transaction_id.as_deref()) {
        (Some(sid), _) => ("redirect_result.cko-session-id", sid),
        (None, Some(id)) => ("connector_transaction_id", id),
        (None, None) => {
            return Err(Error::invalid_request(
                "connector_transaction_id",
                "Checkout.com looks payments up by their id (pay_...) or the cko-session-id \
                 of the shopper's return",
            ))
        }
    };
    let url = c.id_url("payments", field, id, "")?;
    let reading = Reading {
        capture: req.capture_method,
        setup: false,
        mandate_id: None,
        requested: None,
    };
    single_exchange(responses, || Ok(c.get(url)), |r| parse_payment(r, &reading))
}

// ---- answers ------------------------------------------------------------------------------

/// A payment answer (201, 202 or PSync's 200) into the unified response; an error answer
/// into the unified error.
pub(super) fn parse_payment(response: &HttpResponse, reading: &Reading) -> Result<PaymentResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let p: Payment = parse_success(response, "payment")?;
    let id =
        p.id.clone()
            .ok_or_else(|| invalid_response(response, "Checkout.com's payment has no id"))?;
    let state = p.status.as_deref().map(PaymentState::parse);
    let redirect = p.redirect_url();
    let status = payment_status(&p, state, response.status, redirect.is_some(), reading);

    let mut r = PaymentResponse::new(ConnectorName::Checkout, status);
    r.connector_status = p.status.clone();
    r.connector_transaction_id = Some(id);
    r.connector_operation_id = p.action_id.clone();
    r.merchant_reference = p.reference.clone();
    r.network_transaction_id = p.scheme_id.clone();
    r.connector_customer_id = p.customer.as_ref().and_then(|c| c.id.clone());
    r.amount = money_from_wire(p.amount, p.currency.as_deref()).or(reading.requested);
    let source_id = p.source.as_ref().and_then(|s| s.id.clone());
    if reading.setup || state == Some(PaymentState::CardVerified) {
        r.mandate_id = source_id;
    } else if reading.mandate_id.is_some() {
        r.mandate_id = source_id.or_else(|| reading.mandate_id.clone());
    }
    if status == PaymentStatus::AuthenticationPending {
        r.next_action = redirect.map(|url| {
            NextAction::Redirect(RedirectAction {
                url,
                method: HttpMethod::Get,
                form_fields: BTreeMap::new(),
            })
        });
    }
    if status == PaymentStatus::Failure {
        r.decline = Some(decline_details(
            p.response_code.as_deref(),
            p.response_summary.as_deref(),
            p.processing.as_ref(),
        ));
    }
    r.http_status = Some(response.status);
    r.request_id = response.request_id();
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(r)
}

/// The unified status of a payment answer (see the module table).
fn payment_status(
    p: &Payment,
    state: Option<PaymentState>,
    http_status: u16,
    has_redirect: bool,
    reading: &Reading,
) -> PaymentStatus {
    let pending = || {
        if has_redirect {
            PaymentStatus::AuthenticationPending
        } else {
            PaymentStatus::Pending
        }
    };
    match state {
        Some(PaymentState::Declined) => PaymentStatus::Failure,
        Some(PaymentState::Pending) => pending(),
        Some(PaymentState::Voided) => PaymentStatus::Voided,
        Some(PaymentState::Canceled) => PaymentStatus::Failure,
        Some(PaymentState::Expired) => PaymentStatus::Expired,
        // A 202 without a known status is still "the shopper must act" or "not done yet".
        None | Some(PaymentState::Unknown) if http_status == 202 => pending(),
        // Anything not approved is a decline, whatever else it says.
        _ if p.approved == Some(false) => PaymentStatus::Failure,
        Some(PaymentState::Authorized) => {
            let nothing_left = p
                .balances
                .as_ref()
                .and_then(|b| b.available_to_capture)
                .is_some_and(|left| left == 0);
            if reading.setup || reading.capture == Some(CaptureMethod::Automatic) || nothing_left {
                PaymentStatus::Charged
            } else {
                PaymentStatus::Authorized
            }
        }
        Some(PaymentState::CardVerified) => PaymentStatus::Charged,
        Some(
            PaymentState::Captured
            | PaymentState::Paid
            | PaymentState::Refunded
            | PaymentState::PartiallyRefunded,
        ) => PaymentStatus::Charged,
        Some(PaymentState::PartiallyCaptured) => PaymentStatus::PartialCharged,
        Some(PaymentState::RetryScheduled | PaymentState::Unknown) | None => pending(),
    }
}

/// The family of a `response_code` (Checkout.com docs, "Response codes"): `20xxx` soft,
/// `30xxx` hard, `4xxxx` risk. Goes into [`DeclineDetails::reason`], which is the closest slot
/// of the shared type.
pub(super) fn decline_family(code: &str) -> Option<&'static str> {
    match code.trim().as_bytes().first()? {
        b'2' => Some("soft_decline"),
        b'3' => Some("hard_decline"),
        b'4' => Some("risk_decline"),
        _ => None,
    }
}

/// The summary of the response codes the Checkout.com docs ("Response codes", "Test cards")
/// name, for answers that leave `response_summary` out.
fn known_summary(code: &str) -> Option<&'static str> {
    Some(match code {
        "10000" => "Approved",
        "20001" => "Refer to card issuer",
        "20005" => "Declined - Do not honour",
        "20012" => "Invalid transaction",
        "20014" => "Invalid card number",
        "20051" => "Insufficient Funds",
        "20054" => "Expired card",
        "20057" => "Transaction not permitted to cardholder",
        "20059" => "Suspected fraud",
        "20061" => "Activity amount limit exceeded",
        "20062" => "Restricted card",
        "20063" => "Security violation",
        "20068" => "Response received too late / timeout",
        "20078" => "Blocked, first used",
        "200N7" => "Decline for CVV2 failure",
        "200R3" => "Issuer stop payment (revocation)",
        "20154" => "3DS authentication required",
        "30015" => "No such issuer",
        "30041" => "Lost card",
        "30043" => "Stolen card",
        _ => return None,
    })
}

/// Decline details: code `response_code`, message `response_summary`, the family as the
/// reason, and the scheme's codes from `processing`.
pub(super) fn decline_details(
    code: Option<&str>,
    summary: Option<&str>,
    processing: Option<&Processing>,
) -> DeclineDetails {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    let partner_code = processing.and_then(|p| p.partner_response_code.clone());
    DeclineDetails {
        code: code.map(str::to_string),
        message: summary
            .map(str::to_string)
            .or_else(|| code.and_then(known_summary).map(str::to_string)),
        reason: code.and_then(decline_family).map(str::to_string),
        network_decline_code: partner_code.clone(),
        network_advice_code: processing
            .and_then(|p| p.partner_merchant_advice_code.clone())
            .or(partner_code),
    }
}

// ---- capture and void ---------------------------------------------------------------------

/// `POST /payments/{id}/captures` with the amount: 202 Accepted is `pending` until the
/// `payment_captured` webhook (or PSync) confirms it.
pub(super) fn capture(
    c: &Checkout,
    req: &CaptureRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let url = c.id_url(
        "payments",
        "connector_transaction_id",
        &req.connector_transaction_id,
        "/captures",
    )?;
    let mut body = Map::new();
    body.insert("amount".into(), json!(wire_amount(&req.amount, "amount")?));
    if let Some(reference) = &req.merchant_reference {
        body.insert(
            "reference".into(),
            json!(checked_reference("merchant_reference", reference)?),
        );
    }
    single_exchange(
        responses,
        || c.write_json(HttpMethod::Post, url, &Value::Object(body), cx.step_key(0)),
        |r| {
            parse_action_accepted(
                r,
                &req.connector_transaction_id,
                PaymentStatus::Pending,
                Some(req.amount),
            )
        },
    )
}

/// `POST /payments/{id}/voids`: 202 Accepted is `void_initiated` until the `payment_voided`
/// webhook (or PSync) confirms it.
pub(super) fn void(
    c: &Checkout,
    req: &VoidRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let url = c.id_url(
        "payments",
        "connector_transaction_id",
        &req.connector_transaction_id,
        "/voids",
    )?;
    let mut body = Map::new();
    if let Some(reference) = &req.merchant_reference {
        body.insert(
            "reference".into(),
            json!(checked_reference("merchant_reference", reference)?),
        );
    }
    single_exchange(
        responses,
        || c.write_json(HttpMethod::Post, url, &Value::Object(body), cx.step_key(0)),
        |r| {
            parse_action_accepted(
                r,
                &req.connector_transaction_id,
                PaymentStatus::VoidInitiated,
                req.amount,
            )
        },
    )
}

/// The 202 `{action_id, reference}` of a capture or void.
fn parse_action_accepted(
    response: &HttpResponse,
    payment_id: &str,
    status: PaymentStatus,
    amount: Option<Money>,
) -> Result<PaymentResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let accepted: super::wire::ActionAccepted = if response.body.as_slice().is_empty() {
        Default::default()
    } else {
        parse_success(response, "action")?
    };
    let mut r = PaymentResponse::new(ConnectorName::Checkout, status);
    r.connector_transaction_id = Some(payment_id.trim().to_string());
    r.connector_operation_id = accepted.action_id;
    r.merchant_reference = accepted.reference;
    r.amount = amount;
    r.http_status = Some(response.status);
    r.request_id = response.request_id();
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(r)
}
