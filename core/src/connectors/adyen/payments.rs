//! Payments: authorize (`POST /v68/payments`), setup_mandate (the same endpoint with
//! `storePaymentMethod`), and PSync after a redirect (`POST /v68/payments/details`).
//!
//! Every business outcome is HTTP 200 with a `resultCode` (declines included); see
//! [`payment_status`] for the mapping and [`parse_payment`] for the fields read.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{amounts, errors, object, text, Adyen, PSYNC_WITHOUT_REDIRECT};
use crate::error::{Error, ErrorCode, Result};
use crate::http::HttpResponse;
use crate::mask::mask_body;
use crate::types::*;

/// The return-URL parameters `/payments/details` accepts (`PaymentCompletionDetails`); other
/// parameters on the merchant's return URL are not Adyen's and are left out.
const DETAIL_KEYS: &[&str] = &[
    "redirectResult",
    "threeDSResult",
    "payload",
    "MD",
    "PaRes",
    "threeds2.fingerprint",
    "threeds2.challengeResult",
];

/// Adyen's `metadata` limits: 20 entries, keys up to 20 characters, values up to 80.
const METADATA_MAX_ENTRIES: usize = 20;
const METADATA_MAX_KEY: usize = 20;
const METADATA_MAX_VALUE: usize = 80;

impl Adyen {
    /// The `/payments` body of an authorization: a card, or a stored card (mandate) charged
    /// merchant-initiated (`ContAuth`).
    pub(super) fn authorize_body(&self, req: &AuthorizeRequest) -> Result<Value> {
        let mut body = Map::new();
        body.insert("amount".into(), amounts::to_adyen(&req.amount, "amount")?);
        body.insert(
            "merchantAccount".into(),
            self.merchant_account.clone().into(),
        );
        body.insert("reference".into(), req.merchant_reference.clone().into());
        body.insert("returnUrl".into(), return_url(&req.return_url)?.into());
        let customer = req.customer.as_ref();
        match &req.payment_method {
            PaymentMethod::Card(card) => {
                body.insert("paymentMethod".into(), card_json(card));
                body.insert("shopperInteraction".into(), "Ecommerce".into());
                if let Some(id) = customer.and_then(|c| c.id.as_deref()) {
                    body.insert("shopperReference".into(), shopper_reference(id)?.into());
                }
            }
            PaymentMethod::Mandate(mandate) => {
                // The token belongs to a shopperReference: the customer's id (or the one the
                // setup answered with).
                let reference = customer
                    .and_then(|c| c.id.as_deref())
                    .or(mandate.connector_customer_id.as_deref())
                    .ok_or_else(|| {
                        Error::invalid_request(
                            "customer.id",
                            "Adyen charges a stored card for its shopperReference: give the customer.id used at setup",
                        )
                    })?;
                if mandate.mandate_id.trim().is_empty() {
                    return Err(Error::invalid_request(
                        "payment_method.mandate_id",
                        "must not be empty",
                    ));
                }
                body.insert(
                    "paymentMethod".into(),
                    json!({"type": "scheme", "storedPaymentMethodId": mandate.mandate_id}),
                );
                body.insert(
                    "shopperReference".into(),
                    shopper_reference(reference)?.into(),
                );
                body.insert("shopperInteraction".into(), "ContAuth".into());
                body.insert(
                    "recurringProcessingModel".into(),
                    recurring_model(mandate.usage).into(),
                );
            }
            PaymentMethod::NetworkToken(token) => {
                let (pm, mpi) = network_token_json(token);
                body.insert("paymentMethod".into(), pm);
                body.insert("mpiData".into(), mpi);
                body.insert("shopperInteraction".into(), "Ecommerce".into());
            }
            other => {
                let pm = shopper_method_json(other).ok_or_else(|| {
                    Error::unsupported_payment_method(ConnectorName::Adyen, Flow::Authorize, other)
                })?;
                body.insert("paymentMethod".into(), pm);
                body.insert("shopperInteraction".into(), "Ecommerce".into());
            }
        }
        let mut additional = Map::new();
        if req.capture_method == CaptureMethod::Manual {
            additional.insert("manualCapture".into(), "true".into());
        }
        put_three_ds(&mut additional, req.authentication_type);
        if !additional.is_empty() {
            body.insert("additionalData".into(), Value::Object(additional));
        }
        put_shopper(
            &mut body,
            customer,
            req.billing_address.as_ref(),
            req.shipping_address.as_ref(),
            req.browser_info.as_ref(),
        );
        if let Some(statement) = &req.statement_descriptor {
            body.insert("shopperStatement".into(), statement.clone().into());
        }
        put_metadata(&mut body, &req.metadata)?;
        Ok(Value::Object(body))
    }

    /// The `/payments` body that saves a card: the authorize body with `storePaymentMethod`,
    /// the customer's id as `shopperReference`, the usage as `recurringProcessingModel` and
    /// `Ecommerce` interaction (the shopper is present). The amount may be zero.
    pub(super) fn setup_mandate_body(&self, req: &SetupMandateRequest) -> Result<Value> {
        let payment_method = match &req.payment_method {
            PaymentMethod::Card(card) => card_json(card),
            other => match other {
                PaymentMethod::EncryptedCard(_) => shopper_method_json(other),
                _ => None,
            }
            .ok_or_else(|| {
                Error::invalid_request(
                    "payment_method",
                    "Adyen saves a card: give a card or an encrypted card",
                )
            })?,
        };
        let id = req.customer.id.as_deref().ok_or_else(|| {
            Error::invalid_request(
                "customer.id",
                "is required to save a card (Adyen shopperReference)",
            )
        })?;
        let mut body = Map::new();
        body.insert("amount".into(), amounts::to_adyen(&req.amount, "amount")?);
        body.insert(
            "merchantAccount".into(),
            self.merchant_account.clone().into(),
        );
        body.insert("reference".into(), req.merchant_reference.clone().into());
        body.insert("returnUrl".into(), return_url(&req.return_url)?.into());
        body.insert("paymentMethod".into(), payment_method);
        body.insert("storePaymentMethod".into(), true.into());
        body.insert("shopperReference".into(), shopper_reference(id)?.into());
        body.insert(
            "recurringProcessingModel".into(),
            recurring_model(req.usage).into(),
        );
        body.insert("shopperInteraction".into(), "Ecommerce".into());
        let mut additional = Map::new();
        put_three_ds(&mut additional, req.authentication_type);
        if !additional.is_empty() {
            body.insert("additionalData".into(), Value::Object(additional));
        }
        put_shopper(
            &mut body,
            Some(&req.customer),
            req.billing_address.as_ref(),
            None,
            req.browser_info.as_ref(),
        );
        put_metadata(&mut body, &req.metadata)?;
        Ok(Value::Object(body))
    }
}

/// The `/payments/details` body: `{"details": {...}}` with the return URL's Adyen parameters.
/// Without any redirect parameters there is nothing to ask Adyen: a typed `unsupported` error
/// (no HTTP call), since Adyen has no status endpoint.
pub(super) fn details_body(req: &PaymentGetRequest) -> Result<Value> {
    let params = match &req.redirect_result {
        Some(params) if !params.is_empty() => params,
        _ => {
            let mut e = Error::new(
                ErrorCode::Unsupported,
                format!("Adyen cannot get a payment's status without redirect parameters: {PSYNC_WITHOUT_REDIRECT}"),
            );
            e.connector = Some(ConnectorName::Adyen);
            e.flow = Some(Flow::Psync);
            return Err(e);
        }
    };
    let details: Map<String, Value> = DETAIL_KEYS
        .iter()
        .filter_map(|key| {
            params
                .get(*key)
                .filter(|v| !v.is_empty())
                .map(|v| (key.to_string(), v.clone().into()))
        })
        .collect();
    if details.is_empty() {
        return Err(Error::invalid_request(
            "redirect_result",
            "has none of Adyen's return parameters (redirectResult, threeDSResult or payload)",
        ));
    }
    Ok(json!({ "details": details }))
}

/// Reads a `PaymentResponse` / `PaymentDetailsResponse` (HTTP 200 for every outcome).
pub(super) fn parse_payment(
    response: &HttpResponse,
    capture: CaptureMethod,
    flow: Flow,
) -> Result<PaymentResponse> {
    let body = errors::success_object(response, flow)?;
    let result_code = text(&body, "resultCode").ok_or_else(|| {
        errors::invalid_response(response, flow, "a payment result without resultCode")
    })?;
    let action = object(&body, "action");
    let additional = object(&body, "additionalData");
    let status = payment_status(&result_code, capture, action.is_some());

    let mut payment = PaymentResponse::new(ConnectorName::Adyen, status);
    payment.connector_status = Some(result_code);
    payment.connector_transaction_id = text(&body, "pspReference");
    payment.merchant_reference = text(&body, "merchantReference");
    payment.amount = amounts::from_adyen(object(&body, "amount"));
    payment.next_action = action.map(next_action);
    if status == PaymentStatus::Failure {
        payment.decline = Some(decline_details(&body, additional));
    }
    if let Some(additional) = additional {
        payment.network_transaction_id = text(additional, "networkTxReference");
        payment.mandate_id = mandate_id(additional);
        payment.connector_customer_id = text(additional, "tokenization.shopperReference")
            .or_else(|| text(additional, "recurring.shopperReference"));
    }
    payment.http_status = Some(response.status);
    payment.request_id =
        errors::header_psp_reference(response).or_else(|| payment.connector_transaction_id.clone());
    payment.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(payment)
}

/// The unified status of a `resultCode` (spec §5.1). `Authorised` depends on the capture mode
/// of the request. A code this library does not know is `pending` (never terminal): the
/// webhook brings the outcome.
pub(super) fn payment_status(
    result_code: &str,
    capture: CaptureMethod,
    has_action: bool,
) -> PaymentStatus {
    let manual = capture == CaptureMethod::Manual;
    let waiting = if has_action {
        PaymentStatus::AuthenticationPending
    } else {
        PaymentStatus::Pending
    };
    match result_code {
        "Authorised" if manual => PaymentStatus::Authorized,
        "Authorised" => PaymentStatus::Charged,
        "PartiallyAuthorised" if manual => PaymentStatus::Authorized,
        "PartiallyAuthorised" => PaymentStatus::PartialCharged,
        "Refused" | "Error" => PaymentStatus::Failure,
        "Cancelled" => PaymentStatus::Voided,
        // An APM waiting for the shopper answers Pending with an action (voucher, QR, await).
        "Pending" | "Received" | "AuthenticationNotRequired" => waiting,
        "RedirectShopper" | "IdentifyShopper" | "ChallengeShopper" | "PresentToShopper" => {
            PaymentStatus::AuthenticationPending
        }
        "AuthenticationFinished" => PaymentStatus::AuthenticationSuccessful,
        // `Success` belongs to non-payment operations; anything else is new.
        _ => waiting,
    }
}

/// The shopper's next step. A `redirect` action becomes a redirect (the form fields are the
/// action's `data` for POST, the URL's query pairs for GET), `qrCode` a QR code, `await` a wait
/// for approval in another app; every other type (`threeDS2`, `sdk`, `voucher`, `bank`,
/// `nativeRedirect`, and types not known yet) is handed to Adyen's client SDK as the action's
/// JSON.
pub(super) fn next_action(action: &Map<String, Value>) -> NextAction {
    let action_type = text(action, "type").unwrap_or_else(|| "unknown".to_string());
    match action_type.as_str() {
        "redirect" => {
            if let Some(redirect) = redirect_action(action) {
                return NextAction::Redirect(redirect);
            }
        }
        "qrCode" => {
            if let Some(data) = text(action, "qrCodeData") {
                return NextAction::QrCode(QrCodeAction {
                    data,
                    image_url: text(action, "url"),
                });
            }
        }
        "await" => return NextAction::Await(AwaitAction::default()),
        _ => {}
    }
    NextAction::Sdk(SdkAction {
        action_type,
        data: Value::Object(action.clone()).to_string(),
    })
}

fn redirect_action(action: &Map<String, Value>) -> Option<RedirectAction> {
    let url = text(action, "url")?;
    let parsed = url::Url::parse(&url).ok()?;
    let method = match text(action, "method") {
        Some(m) if m.eq_ignore_ascii_case("POST") => HttpMethod::Post,
        _ => HttpMethod::Get,
    };
    let form_fields: BTreeMap<String, String> = match method {
        HttpMethod::Post => object(action, "data")
            .map(|data| {
                data.keys()
                    .filter_map(|k| text(data, k).map(|v| (k.clone(), v)))
                    .collect()
            })
            .unwrap_or_default(),
        _ => parsed
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    };
    Some(RedirectAction {
        url,
        method,
        form_fields,
    })
}

/// Why a payment was refused: `refusalReasonCode` and `refusalReason`, with the network's raw
/// response code (`refusalCodeRaw`, or the code part of `refusalReasonRaw` such as
/// `"51 : Insufficient funds"`) and the merchant advice code.
pub(super) fn decline_details(
    body: &Map<String, Value>,
    additional: Option<&Map<String, Value>>,
) -> DeclineDetails {
    DeclineDetails {
        code: text(body, "refusalReasonCode"),
        message: text(body, "refusalReason"),
        reason: None,
        network_decline_code: additional.and_then(network_decline_code),
        network_advice_code: additional
            .and_then(|a| text(a, "merchantAdviceCode"))
            .and_then(|v| code_part(&v)),
    }
}

pub(super) fn network_decline_code(additional: &Map<String, Value>) -> Option<String> {
    text(additional, "refusalCodeRaw")
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .or_else(|| text(additional, "refusalReasonRaw").and_then(|raw| code_part(&raw)))
}

/// The code in a raw acquirer text: the first `:`-separated part that looks like a response
/// code (1-4 letters or digits): `"51 : Insufficient funds"` → `51`, `"AUTHORISED"` → none.
pub(super) fn code_part(raw: &str) -> Option<String> {
    raw.split(':')
        .map(str::trim)
        .find(|part| {
            (1..=4).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        .map(str::to_string)
}

/// The stored card's token, under either key Adyen may use.
pub(super) fn mandate_id(additional: &Map<String, Value>) -> Option<String> {
    text(additional, "tokenization.storedPaymentMethodId")
        .or_else(|| text(additional, "recurring.recurringDetailReference"))
}

fn return_url(url: &Option<String>) -> Result<String> {
    match url {
        Some(u) if !u.trim().is_empty() => Ok(u.clone()),
        _ => Err(Error::invalid_request(
            "return_url",
            "Adyen requires a return URL (where the shopper lands after 3-D Secure or a redirect)",
        )),
    }
}

fn shopper_reference(id: &str) -> Result<&str> {
    let len = id.chars().count();
    if !(3..=256).contains(&len) {
        return Err(Error::invalid_request(
            "customer.id",
            "Adyen's shopperReference must be 3 to 256 characters",
        ));
    }
    Ok(id)
}

fn recurring_model(usage: MandateUsage) -> &'static str {
    match usage {
        MandateUsage::Unscheduled => "UnscheduledCardOnFile",
        MandateUsage::CardOnFile => "CardOnFile",
        MandateUsage::Subscription => "Subscription",
    }
}

/// The `paymentMethod` of a method the shopper completes themselves (Adyen Checkout API,
/// `PaymentRequest.paymentMethod`): encrypted card fields (`scheme`), wallet tokens
/// (`applepay` / `googlepay`) and bank redirects. `None` for a method Adyen's API does not take
/// here (UPI, netbanking, e-wallets).
fn shopper_method_json(method: &PaymentMethod) -> Option<Value> {
    let mut pm = Map::new();
    match method {
        PaymentMethod::EncryptedCard(card) => {
            pm.insert("type".into(), "scheme".into());
            pm.insert(
                "encryptedCardNumber".into(),
                card.encrypted_card_number.expose().clone().into(),
            );
            pm.insert(
                "encryptedExpiryMonth".into(),
                card.encrypted_expiry_month.expose().clone().into(),
            );
            pm.insert(
                "encryptedExpiryYear".into(),
                card.encrypted_expiry_year.expose().clone().into(),
            );
            put(
                &mut pm,
                "encryptedSecurityCode",
                card.encrypted_security_code
                    .as_ref()
                    .map(|c| c.expose().clone()),
            );
            put(&mut pm, "holderName", card.holder_name.clone());
        }
        PaymentMethod::ApplePay(wallet) => {
            pm.insert("type".into(), "applepay".into());
            pm.insert(
                "applePayToken".into(),
                apple_pay_token(wallet.token.expose()).into(),
            );
        }
        PaymentMethod::GooglePay(wallet) => {
            pm.insert("type".into(), "googlepay".into());
            pm.insert(
                "googlePayToken".into(),
                wallet.token.expose().clone().into(),
            );
        }
        PaymentMethod::BankRedirect(bank) => {
            let kind = match bank.method {
                BankRedirectMethod::Ideal => "ideal",
                BankRedirectMethod::Eps => "eps",
                BankRedirectMethod::OnlineBankingPl => "onlineBanking_PL",
                BankRedirectMethod::OnlineBankingCz => "onlineBanking_CZ",
                BankRedirectMethod::OnlineBankingSk => "onlineBanking_SK",
                BankRedirectMethod::PayByBank => "paybybank",
                BankRedirectMethod::Trustly => "trustly",
                BankRedirectMethod::Sofort => "directEbanking",
            };
            pm.insert("type".into(), kind.into());
            put(&mut pm, "issuer", bank.issuer.clone());
        }
        _ => return None,
    }
    Some(Value::Object(pm))
}

/// `applePayToken` is the Base64 of the stringified Apple `paymentData` (Adyen API Explorer,
/// `ApplePayDetails.applePayToken`): the JSON text is encoded here, a value already in Base64
/// is passed on unchanged.
fn apple_pay_token(token: &str) -> String {
    use base64::Engine;
    let trimmed = token.trim();
    if trimmed.starts_with('{') {
        base64::engine::general_purpose::STANDARD.encode(trimmed)
    } else {
        trimmed.to_string()
    }
}

/// A network token: `paymentMethod.type: networkToken` with the token number and expiry, and
/// the cryptogram in `mpiData.tokenAuthenticationVerificationValue` with the ECI (Adyen Checkout
/// API, `CardDetails` and `ThreeDSecureData`). Adyen's docs do not show the body for a wallet
/// token the merchant decrypted; the same network-token form is sent for it.
fn network_token_json(token: &NetworkToken) -> (Value, Value) {
    let mut pm = Map::new();
    pm.insert("type".into(), "networkToken".into());
    pm.insert("number".into(), token.number.expose().into());
    pm.insert(
        "expiryMonth".into(),
        format!("{:02}", token.expiry_month).into(),
    );
    pm.insert(
        "expiryYear".into(),
        format!("{:04}", token.expiry_year).into(),
    );
    put(&mut pm, "holderName", token.holder_name.clone());
    let mut mpi = Map::new();
    mpi.insert(
        "tokenAuthenticationVerificationValue".into(),
        token.cryptogram.expose().clone().into(),
    );
    put(&mut mpi, "eci", token.eci.clone());
    (Value::Object(pm), Value::Object(mpi))
}

/// A card: `type: scheme`, the number, expiry as `"03"` / `"2030"`, CVC and holder name.
fn card_json(card: &Card) -> Value {
    let mut pm = Map::new();
    pm.insert("type".into(), "scheme".into());
    pm.insert("number".into(), card.number.expose().into());
    pm.insert(
        "expiryMonth".into(),
        format!("{:02}", card.expiry_month).into(),
    );
    pm.insert(
        "expiryYear".into(),
        format!("{:04}", card.expiry_year).into(),
    );
    if let Some(cvc) = &card.cvc {
        pm.insert("cvc".into(), cvc.expose().clone().into());
    }
    if let Some(name) = &card.holder_name {
        pm.insert("holderName".into(), name.clone().into());
    }
    Value::Object(pm)
}

fn put_three_ds(additional: &mut Map<String, Value>, authentication: AuthenticationType) {
    match authentication {
        AuthenticationType::ThreeDs => {
            additional.insert("executeThreeD".into(), "true".into());
        }
        AuthenticationType::NoThreeDs => {
            additional.insert("executeThreeD".into(), "false".into());
        }
        AuthenticationType::Auto => {}
    }
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(v) = value {
        map.insert(key.to_string(), v.into());
    }
}

/// Shopper details: email, IP, name, phone, billing and delivery addresses, browser.
fn put_shopper(
    body: &mut Map<String, Value>,
    customer: Option<&Customer>,
    billing: Option<&Address>,
    shipping: Option<&Address>,
    browser: Option<&BrowserInfo>,
) {
    if let Some(c) = customer {
        put(body, "shopperEmail", c.email.clone());
        put(body, "shopperIP", c.ip_address.clone());
        put(body, "telephoneNumber", c.phone.clone());
    }
    let first = customer
        .and_then(|c| c.first_name.clone())
        .or_else(|| billing.and_then(|a| a.first_name.clone()));
    let last = customer
        .and_then(|c| c.last_name.clone())
        .or_else(|| billing.and_then(|a| a.last_name.clone()));
    if first.is_some() || last.is_some() {
        let mut name = Map::new();
        put(&mut name, "firstName", first);
        put(&mut name, "lastName", last);
        body.insert("shopperName".into(), Value::Object(name));
    }
    if let Some(a) = billing {
        body.insert("billingAddress".into(), address_json(a, false));
    }
    if let Some(a) = shipping {
        body.insert("deliveryAddress".into(), address_json(a, true));
    }
    if let Some(b) = browser {
        let mut info = Map::new();
        put(&mut info, "userAgent", b.user_agent.clone());
        put(&mut info, "acceptHeader", b.accept_header.clone());
        put(&mut info, "language", b.language.clone());
        put(&mut info, "colorDepth", b.color_depth);
        put(&mut info, "screenHeight", b.screen_height);
        put(&mut info, "screenWidth", b.screen_width);
        put(&mut info, "timeZoneOffset", b.time_zone_offset_minutes);
        put(&mut info, "javaEnabled", b.java_enabled);
        if !info.is_empty() {
            body.insert("browserInfo".into(), Value::Object(info));
        }
    }
}

/// An address: `street` is the first line, `houseNumberOrName` the second.
fn address_json(a: &Address, with_names: bool) -> Value {
    let mut m = Map::new();
    put(&mut m, "street", a.line1.clone());
    put(&mut m, "houseNumberOrName", a.line2.clone());
    put(&mut m, "city", a.city.clone());
    put(&mut m, "stateOrProvince", a.state.clone());
    put(&mut m, "postalCode", a.postal_code.clone());
    put(&mut m, "country", a.country.clone());
    if with_names {
        put(&mut m, "firstName", a.first_name.clone());
        put(&mut m, "lastName", a.last_name.clone());
    }
    Value::Object(m)
}

/// `metadata`, within Adyen's limits (checked here: Adyen refuses the whole payment otherwise).
fn put_metadata(body: &mut Map<String, Value>, metadata: &Metadata) -> Result<()> {
    if metadata.is_empty() {
        return Ok(());
    }
    if metadata.len() > METADATA_MAX_ENTRIES {
        return Err(Error::invalid_request(
            "metadata",
            format!("Adyen accepts at most {METADATA_MAX_ENTRIES} metadata entries"),
        ));
    }
    for (key, value) in metadata {
        if key.is_empty() || key.chars().count() > METADATA_MAX_KEY {
            return Err(Error::invalid_request(
                "metadata",
                format!("Adyen metadata keys must be 1 to {METADATA_MAX_KEY} characters"),
            ));
        }
        if value.chars().count() > METADATA_MAX_VALUE {
            return Err(Error::invalid_request(
                format!("metadata.{key}"),
                format!("Adyen metadata values must be at most {METADATA_MAX_VALUE} characters"),
            ));
        }
    }
    let map: Map<String, Value> = metadata
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect();
    body.insert("metadata".into(), Value::Object(map));
    Ok(())
}
