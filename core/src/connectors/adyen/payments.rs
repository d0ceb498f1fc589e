//! Payments: authorize (`POST /v68/payments`), setup_mandate (the same endpoint with
//! `storePaymentMethod`), and PSync after a redirect (`POST /v68/payments/details`)
//! (Adyen API reference, Checkout API > Payments).
//!
//! Every business outcome is HTTP 200 with a `resultCode` (declines included); see
//! [`status_of`] for the mapping and [`parse_payment`] for the fields read.
//!
//! | `resultCode` | unified |
//! |---|---|
//! | `Authorised` | `authorized` (manual capture) or `charged` (automatic); needs a `pspReference` |
//! | `PartiallyAuthorised` | `authorized` (manual) or `partial_charged` (automatic); needs a `pspReference` |
//! | `Refused`, `Error` | `failure` with [`DeclineDetails`] |
//! | `Cancelled` | `voided` |
//! | `Pending`, `Received`, `AuthenticationNotRequired` | `pending` (`authentication_pending` with an action) |
//! | `RedirectShopper`, `IdentifyShopper`, `ChallengeShopper`, `PresentToShopper` | `authentication_pending` |
//! | `AuthenticationFinished` | `authentication_successful` |
//! | `Success`, any value not known yet | `pending` with the raw code when the answer names the payment (`pspReference`), so the caller can sync; `invalid_response` otherwise |

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::Value;

use super::wire::{self, ResultCode};
use super::{amounts, errors, Adyen, PSYNC_WITHOUT_REDIRECT};
use crate::connector::single_exchange;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{FlowContext, HttpResponse, Step};
use crate::mask::mask_body;
use crate::types::*;

/// Adyen's `metadata` limits: 20 entries, keys up to 20 characters, values up to 80.
const METADATA_MAX_ENTRIES: usize = 20;
const METADATA_MAX_KEY: usize = 20;
const METADATA_MAX_VALUE: usize = 80;

// ---- flows ----------------------------------------------------------------------------------

/// Authorize: one `POST /payments`.
pub(super) fn authorize(
    c: &Adyen,
    req: &AuthorizeRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    single_exchange(
        responses,
        || c.checkout_post(c.urls.payments.clone(), &authorize_request(c, req)?, cx),
        |r| parse_payment(r, req.capture_method, None),
    )
}

/// setup_mandate: a tokenising `POST /payments` (the amount may be zero). A mandate setup never
/// asks for manual capture, so its `Authorised` is `charged` (a zero-value setup charges
/// nothing).
pub(super) fn setup_mandate(
    c: &Adyen,
    req: &SetupMandateRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    single_exchange(
        responses,
        || c.checkout_post(c.urls.payments.clone(), &setup_mandate_request(c, req)?, cx),
        |r| {
            let mut payment = parse_payment(r, CaptureMethod::Automatic, None)?;
            if payment.mandate_id.is_some() && payment.connector_customer_id.is_none() {
                // The token belongs to this shopperReference; charging it needs both.
                payment.connector_customer_id = req.customer.id.clone();
            }
            Ok(payment)
        },
    )
}

/// PSync: `POST /payments/details` with the return URL's parameters, once after a redirect.
pub(super) fn get_payment(
    c: &Adyen,
    req: &PaymentGetRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let capture = req.capture_method.unwrap_or_default();
    single_exchange(
        responses,
        || c.checkout_post(c.urls.payment_details.clone(), &details_request(req)?, cx),
        |r| parse_payment(r, capture, req.connector_transaction_id.as_deref()),
    )
}

// ---- requests -------------------------------------------------------------------------------

/// The `/payments` body of an authorization: a card, a stored card (mandate) charged
/// merchant-initiated (`ContAuth`), a network token, or a method the shopper completes
/// (encrypted card, wallet token, bank redirect).
pub(super) fn authorize_request<'a>(
    c: &'a Adyen,
    req: &'a AuthorizeRequest,
) -> Result<wire::PaymentRequest<'a>> {
    let customer = req.customer.as_ref();
    let mut shopper_reference = None;
    let mut recurring_processing_model = None;
    let mut mpi_data = None;
    let mut shopper_interaction = wire::ShopperInteraction::Ecommerce;
    let payment_method = match &req.payment_method {
        PaymentMethod::Card(card) => {
            if let Some(id) = customer.and_then(|c| c.id.as_deref()) {
                shopper_reference = Some(checked_shopper_reference(id)?);
            }
            card_details(card)
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
            shopper_reference = Some(checked_shopper_reference(reference)?);
            shopper_interaction = wire::ShopperInteraction::ContAuth;
            recurring_processing_model = Some(recurring_model(mandate.usage));
            wire::PaymentMethodDetails::Stored(wire::StoredCardDetails {
                kind: "scheme",
                stored_payment_method_id: &mandate.mandate_id,
            })
        }
        PaymentMethod::NetworkToken(token) => {
            let (details, mpi) = network_token_details(token);
            mpi_data = Some(mpi);
            details
        }
        other => {
            if matches!(other, PaymentMethod::BankRedirect(_))
                && req.capture_method == CaptureMethod::Manual
            {
                return Err(Error::invalid_request(
                    "capture_method",
                    "bank redirect payments are immediate transfers: use automatic capture",
                ));
            }
            shopper_method_details(other).ok_or_else(|| {
                Error::unsupported_payment_method(ConnectorName::Adyen, Flow::Authorize, other)
            })?
        }
    };
    let mut additional = wire::RequestAdditionalData::default();
    if req.capture_method == CaptureMethod::Manual {
        additional.manual_capture = Some("true");
    }
    additional.execute_three_d = execute_three_d(req.authentication_type);
    let mut body = wire::PaymentRequest {
        amount: amounts::to_adyen(&req.amount, "amount")?,
        merchant_account: &c.merchant_account,
        reference: &req.merchant_reference,
        return_url: return_url(&req.return_url)?,
        payment_method,
        mpi_data,
        store_payment_method: None,
        shopper_reference,
        recurring_processing_model,
        shopper_interaction,
        additional_data: (!additional.is_empty()).then_some(additional),
        shopper_email: None,
        shopper_ip: None,
        telephone_number: None,
        shopper_name: None,
        billing_address: None,
        delivery_address: None,
        browser_info: None,
        shopper_statement: req.statement_descriptor.as_deref(),
        metadata: checked_metadata(&req.metadata)?,
    };
    put_shopper(
        &mut body,
        customer,
        req.billing_address.as_ref(),
        req.shipping_address.as_ref(),
        req.browser_info.as_ref(),
    );
    Ok(body)
}

/// The `/payments` body that saves a card: the authorize body with `storePaymentMethod`,
/// the customer's id as `shopperReference`, the usage as `recurringProcessingModel` and
/// `Ecommerce` interaction (the shopper is present). The amount may be zero.
pub(super) fn setup_mandate_request<'a>(
    c: &'a Adyen,
    req: &'a SetupMandateRequest,
) -> Result<wire::PaymentRequest<'a>> {
    let payment_method = match &req.payment_method {
        PaymentMethod::Card(card) => Some(card_details(card)),
        other @ PaymentMethod::EncryptedCard(_) => shopper_method_details(other),
        _ => None,
    }
    .ok_or_else(|| {
        Error::invalid_request(
            "payment_method",
            "Adyen saves a card: give a card or an encrypted card",
        )
    })?;
    let id = req.customer.id.as_deref().ok_or_else(|| {
        Error::invalid_request(
            "customer.id",
            "is required to save a card (Adyen shopperReference)",
        )
    })?;
    let additional = wire::RequestAdditionalData {
        manual_capture: None,
        execute_three_d: execute_three_d(req.authentication_type),
    };
    let mut body = wire::PaymentRequest {
        amount: amounts::to_adyen(&req.amount, "amount")?,
        merchant_account: &c.merchant_account,
        reference: &req.merchant_reference,
        return_url: return_url(&req.return_url)?,
        payment_method,
        mpi_data: None,
        store_payment_method: Some(true),
        shopper_reference: Some(checked_shopper_reference(id)?),
        recurring_processing_model: Some(recurring_model(req.usage)),
        shopper_interaction: wire::ShopperInteraction::Ecommerce,
        additional_data: (!additional.is_empty()).then_some(additional),
        shopper_email: None,
        shopper_ip: None,
        telephone_number: None,
        shopper_name: None,
        billing_address: None,
        delivery_address: None,
        browser_info: None,
        shopper_statement: None,
        metadata: checked_metadata(&req.metadata)?,
    };
    put_shopper(
        &mut body,
        Some(&req.customer),
        req.billing_address.as_ref(),
        None,
        req.browser_info.as_ref(),
    );
    Ok(body)
}

/// The `/payments/details` body: `{"details": {...}}` with the return URL's Adyen parameters
/// (`PaymentCompletionDetails`); other parameters on the merchant's return URL are not Adyen's
/// and are left out. Without any redirect parameters there is nothing to ask Adyen: a typed
/// `unsupported` error (no HTTP call), since Adyen has no status endpoint.
pub(super) fn details_request(req: &PaymentGetRequest) -> Result<wire::PaymentDetailsRequest<'_>> {
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
    let get = |key: &str| {
        params
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let details = wire::PaymentCompletionDetails {
        redirect_result: get("redirectResult"),
        three_ds_result: get("threeDSResult"),
        payload: get("payload"),
        return_url_query_string: get("returnUrlQueryString"),
        md: get("MD"),
        pa_res: get("PaRes"),
        threeds2_fingerprint: get("threeds2.fingerprint"),
        threeds2_challenge_result: get("threeds2.challengeResult"),
    };
    if details.is_empty() {
        return Err(Error::invalid_request(
            "redirect_result",
            "has none of Adyen's return parameters (redirectResult, threeDSResult, payload or \
             returnUrlQueryString)",
        ));
    }
    Ok(wire::PaymentDetailsRequest { details })
}

// ---- answers --------------------------------------------------------------------------------

/// Reads a `PaymentResponse` / `PaymentDetailsResponse` (HTTP 200 for every outcome).
/// `known_psp` is the payment's reference when the request already named it (PSync).
///
/// An answer that cannot be trusted is `invalid_response`, carrying the `pspReference` known so
/// far: a success (`Authorised`, `PartiallyAuthorised`) without a `pspReference`, an unknown
/// `resultCode` without one, a body without `resultCode`, an unreadable or negative amount.
pub(super) fn parse_payment(
    response: &HttpResponse,
    capture: CaptureMethod,
    known_psp: Option<&str>,
) -> Result<PaymentResponse> {
    let references = |e: Error| {
        let psp = errors::references(response).psp_reference;
        errors::with_payment_reference(e, response, psp.as_deref().or(known_psp))
    };
    let body: wire::PaymentResponse = errors::success_body(response).map_err(references)?;
    let psp_reference = body
        .psp_reference
        .clone()
        .or_else(|| known_psp.map(str::to_string));
    let invalid = |what: &str| {
        errors::with_payment_reference(
            errors::invalid_response(response, what),
            response,
            psp_reference.as_deref(),
        )
    };
    let Some(result_text) = body.result_code.clone() else {
        return Err(invalid("a payment result without resultCode"));
    };
    let result_code = ResultCode::parse(&result_text);
    match result_code {
        ResultCode::Authorised | ResultCode::PartiallyAuthorised if psp_reference.is_none() => {
            return Err(invalid(&format!(
                "resultCode {result_text} without the payment's pspReference"
            )));
        }
        ResultCode::Success | ResultCode::Unknown if psp_reference.is_none() => {
            return Err(invalid(&format!(
                "an unknown resultCode `{}` without a pspReference",
                crate::mask::mask_text(&result_text)
            )));
        }
        _ => {}
    }
    let amount = amounts::from_adyen(body.amount.as_ref()).map_err(|why| invalid(&why))?;
    let status = status_of(result_code, capture, body.action.is_some());

    let mut payment = PaymentResponse::new(ConnectorName::Adyen, status);
    payment.connector_status = Some(result_text);
    payment.connector_transaction_id = psp_reference;
    payment.merchant_reference = body.merchant_reference.clone();
    payment.amount = amount;
    payment.next_action = body.action.as_ref().map(next_action);
    let additional = body.additional_data.clone().unwrap_or_default();
    // A refusal's reason is kept whatever the status it ends in (spec §5.1: "if refusalReason
    // or refusalReasonCode is present"): `Cancelled` with `22 FRAUD-CANCELLED` is voided, and
    // says why.
    let refused = body.refusal_reason.is_some() || body.refusal_reason_code.is_some();
    if status == PaymentStatus::Failure || refused {
        payment.decline = Some(decline_details(&body, &additional));
    }
    payment.network_transaction_id = additional.network_tx_reference.clone();
    payment.mandate_id = additional
        .stored_payment_method_id
        .clone()
        .or_else(|| additional.recurring_detail_reference.clone());
    payment.connector_customer_id = additional
        .tokenization_shopper_reference
        .clone()
        .or_else(|| additional.recurring_shopper_reference.clone());
    payment.http_status = Some(response.status);
    payment.request_id =
        errors::header_psp_reference(response).or_else(|| body.psp_reference.clone());
    payment.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(payment)
}

/// The unified status of a `resultCode` (Adyen API reference, Checkout API >
/// `PaymentResponse.resultCode`; Adyen docs "Result codes"). `Authorised` depends on the
/// capture mode of the request. A code this library does not know is `pending` (never
/// terminal): the webhook brings the outcome ([`parse_payment`] requires a `pspReference` for
/// it).
pub(super) fn status_of(
    code: ResultCode,
    capture: CaptureMethod,
    has_action: bool,
) -> PaymentStatus {
    let manual = capture == CaptureMethod::Manual;
    let waiting = if has_action {
        PaymentStatus::AuthenticationPending
    } else {
        PaymentStatus::Pending
    };
    match code {
        ResultCode::Authorised if manual => PaymentStatus::Authorized,
        ResultCode::Authorised => PaymentStatus::Charged,
        ResultCode::PartiallyAuthorised if manual => PaymentStatus::Authorized,
        ResultCode::PartiallyAuthorised => PaymentStatus::PartialCharged,
        ResultCode::Refused | ResultCode::Error => PaymentStatus::Failure,
        // Final: cancelled before completion (e.g. the shopper cancelled on the bank's page).
        ResultCode::Cancelled => PaymentStatus::Voided,
        // An APM waiting for the shopper answers Pending with an action (voucher, QR, await).
        ResultCode::Pending | ResultCode::Received | ResultCode::AuthenticationNotRequired => {
            waiting
        }
        ResultCode::RedirectShopper
        | ResultCode::IdentifyShopper
        | ResultCode::ChallengeShopper
        | ResultCode::PresentToShopper => PaymentStatus::AuthenticationPending,
        ResultCode::AuthenticationFinished => PaymentStatus::AuthenticationSuccessful,
        // `Success` belongs to non-payment operations; anything else is new.
        ResultCode::Success | ResultCode::Unknown => waiting,
    }
}

/// The shopper's next step. A `redirect` action becomes a redirect (the form fields are the
/// action's `data` for POST, the URL's query pairs for GET), `qrCode` a QR code, `await` a wait
/// for approval in another app; every other type (`threeDS2`, `sdk`, `voucher`, `bank`,
/// `nativeRedirect`, and types not known yet) is handed to Adyen's client SDK as the action's
/// JSON (Adyen API reference, Checkout API > `PaymentResponse.action`).
pub(super) fn next_action(action: &Value) -> NextAction {
    let typed: wire::Action = serde_json::from_value(action.clone()).unwrap_or_default();
    let action_type = typed.kind.clone().unwrap_or_else(|| "unknown".to_string());
    match action_type.as_str() {
        "redirect" => {
            if let Some(redirect) = redirect_action(&typed) {
                return NextAction::Redirect(redirect);
            }
        }
        "qrCode" => {
            if let Some(data) = typed.qr_code_data.clone() {
                return NextAction::QrCode(QrCodeAction {
                    data,
                    // `url` is where Adyen would send the shopper (`CheckoutQrCodeAction.url`);
                    // for an app payment it is an app link (BCMC Mobile: `BEPGenApp://...`),
                    // which is no image of the code: only a web address is passed on.
                    image_url: typed.url.clone().filter(|u| is_web_url(u)),
                });
            }
        }
        "await" => return NextAction::Await(AwaitAction::default()),
        _ => {}
    }
    NextAction::Sdk(SdkAction {
        action_type,
        data: action.to_string(),
    })
}

/// An absolute `http` / `https` URL.
fn is_web_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

fn redirect_action(action: &wire::Action) -> Option<RedirectAction> {
    let url = action.url.clone()?;
    let parsed = url::Url::parse(&url).ok()?;
    let method = match action.method.as_deref() {
        Some(m) if m.eq_ignore_ascii_case("POST") => HttpMethod::Post,
        _ => HttpMethod::Get,
    };
    let form_fields: BTreeMap<String, String> = match method {
        HttpMethod::Post => action
            .data
            .iter()
            .flatten()
            .filter_map(|(k, v)| form_value(v).map(|v| (k.clone(), v)))
            .collect(),
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

/// A form field's value: non-empty text, or a number or boolean written out.
fn form_value(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Why a payment was refused: `refusalReasonCode` and `refusalReason`, with the network's raw
/// response code (`refusalCodeRaw`, or the code part of `refusalReasonRaw` such as
/// `"51 : Insufficient funds"`) and the merchant advice code.
fn decline_details(
    body: &wire::PaymentResponse,
    additional: &wire::PaymentAdditionalData,
) -> DeclineDetails {
    DeclineDetails {
        code: body.refusal_reason_code.clone(),
        message: body.refusal_reason.clone(),
        reason: None,
        network_decline_code: network_decline_code(
            additional.refusal_code_raw.as_deref(),
            additional.refusal_reason_raw.as_deref(),
        ),
        network_advice_code: additional
            .merchant_advice_code
            .as_deref()
            .and_then(code_part),
    }
}

/// The network's response code: `refusalCodeRaw`, else the code part of `refusalReasonRaw`.
pub(super) fn network_decline_code(
    refusal_code_raw: Option<&str>,
    refusal_reason_raw: Option<&str>,
) -> Option<String> {
    refusal_code_raw
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .or_else(|| refusal_reason_raw.and_then(code_part))
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

// ---- request parts --------------------------------------------------------------------------

fn return_url(url: &Option<String>) -> Result<&str> {
    match url {
        Some(u) if !u.trim().is_empty() => Ok(u),
        _ => Err(Error::invalid_request(
            "return_url",
            "Adyen requires a return URL (where the shopper lands after 3-D Secure or a redirect)",
        )),
    }
}

fn checked_shopper_reference(id: &str) -> Result<&str> {
    let len = id.chars().count();
    if !(3..=256).contains(&len) {
        return Err(Error::invalid_request(
            "customer.id",
            "Adyen's shopperReference must be 3 to 256 characters",
        ));
    }
    Ok(id)
}

fn recurring_model(usage: MandateUsage) -> wire::RecurringProcessingModel {
    match usage {
        MandateUsage::Unscheduled => wire::RecurringProcessingModel::UnscheduledCardOnFile,
        MandateUsage::CardOnFile => wire::RecurringProcessingModel::CardOnFile,
        MandateUsage::Subscription => wire::RecurringProcessingModel::Subscription,
    }
}

fn execute_three_d(authentication: AuthenticationType) -> Option<&'static str> {
    match authentication {
        AuthenticationType::ThreeDs => Some("true"),
        AuthenticationType::NoThreeDs => Some("false"),
        AuthenticationType::Auto => None,
    }
}

/// A card: `type: scheme`, the number, expiry as `"03"` / `"2030"`, CVC and holder name.
fn card_details(card: &Card) -> wire::PaymentMethodDetails<'_> {
    wire::PaymentMethodDetails::Card(wire::CardDetails {
        kind: "scheme",
        number: card.number.expose(),
        expiry_month: format!("{:02}", card.expiry_month),
        expiry_year: format!("{:04}", card.expiry_year),
        cvc: card.cvc.as_ref().map(|c| c.expose().as_str()),
        holder_name: card.holder_name.as_deref(),
    })
}

/// The `paymentMethod` of a method the shopper completes themselves (Adyen Checkout API,
/// `PaymentRequest.paymentMethod`): encrypted card fields (`scheme`), wallet tokens
/// (`applepay` / `googlepay`) and bank redirects. `None` for a method Adyen's API does not take
/// here (UPI, netbanking, e-wallets).
fn shopper_method_details(method: &PaymentMethod) -> Option<wire::PaymentMethodDetails<'_>> {
    Some(match method {
        PaymentMethod::EncryptedCard(card) => {
            wire::PaymentMethodDetails::Encrypted(wire::EncryptedCardDetails {
                kind: "scheme",
                encrypted_card_number: card.encrypted_card_number.expose(),
                encrypted_expiry_month: card.encrypted_expiry_month.expose(),
                encrypted_expiry_year: card.encrypted_expiry_year.expose(),
                encrypted_security_code: card
                    .encrypted_security_code
                    .as_ref()
                    .map(|c| c.expose().as_str()),
                holder_name: card.holder_name.as_deref(),
            })
        }
        PaymentMethod::ApplePay(wallet) => {
            wire::PaymentMethodDetails::ApplePay(wire::ApplePayDetails {
                kind: "applepay",
                apple_pay_token: apple_pay_token(wallet.token.expose()),
            })
        }
        PaymentMethod::GooglePay(wallet) => {
            wire::PaymentMethodDetails::GooglePay(wire::GooglePayDetails {
                kind: "googlepay",
                google_pay_token: wallet.token.expose(),
            })
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
            wire::PaymentMethodDetails::Bank(wire::BankDetails {
                kind,
                issuer: bank.issuer.as_deref(),
            })
        }
        _ => return None,
    })
}

/// `applePayToken` is the Base64 of the stringified Apple `paymentData` (Adyen API Explorer,
/// `ApplePayDetails.applePayToken`): the JSON text is encoded here, a value already in Base64
/// is passed on unchanged.
fn apple_pay_token(token: &str) -> String {
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
fn network_token_details(
    token: &NetworkToken,
) -> (wire::PaymentMethodDetails<'_>, wire::MpiData<'_>) {
    (
        wire::PaymentMethodDetails::NetworkToken(wire::NetworkTokenDetails {
            kind: "networkToken",
            number: token.number.expose(),
            expiry_month: format!("{:02}", token.expiry_month),
            expiry_year: format!("{:04}", token.expiry_year),
            holder_name: token.holder_name.as_deref(),
        }),
        wire::MpiData {
            token_authentication_verification_value: token.cryptogram.expose(),
            eci: token.eci.as_deref(),
        },
    )
}

/// Shopper details: email, IP, name, phone, billing and delivery addresses, browser.
fn put_shopper<'a>(
    body: &mut wire::PaymentRequest<'a>,
    customer: Option<&'a Customer>,
    billing: Option<&'a Address>,
    shipping: Option<&'a Address>,
    browser: Option<&'a BrowserInfo>,
) {
    if let Some(c) = customer {
        body.shopper_email = c.email.as_deref();
        body.shopper_ip = c.ip_address.as_deref();
        body.telephone_number = c.phone.as_deref();
    }
    let first = customer
        .and_then(|c| c.first_name.as_deref())
        .or_else(|| billing.and_then(|a| a.first_name.as_deref()));
    let last = customer
        .and_then(|c| c.last_name.as_deref())
        .or_else(|| billing.and_then(|a| a.last_name.as_deref()));
    if first.is_some() || last.is_some() {
        body.shopper_name = Some(wire::ShopperName {
            first_name: first,
            last_name: last,
        });
    }
    body.billing_address = billing.map(|a| address(a, false));
    body.delivery_address = shipping.map(|a| address(a, true));
    body.browser_info = browser
        .map(|b| wire::BrowserInfo {
            user_agent: b.user_agent.as_deref(),
            accept_header: b.accept_header.as_deref(),
            language: b.language.as_deref(),
            color_depth: b.color_depth,
            screen_height: b.screen_height,
            screen_width: b.screen_width,
            time_zone_offset: b.time_zone_offset_minutes,
            java_enabled: b.java_enabled,
        })
        .filter(|info| !info.is_empty());
}

/// An address: `street` is the first line, `houseNumberOrName` the second.
fn address(a: &Address, with_names: bool) -> wire::Address<'_> {
    wire::Address {
        street: a.line1.as_deref(),
        house_number_or_name: a.line2.as_deref(),
        city: a.city.as_deref(),
        state_or_province: a.state.as_deref(),
        postal_code: a.postal_code.as_deref(),
        country: a.country.as_deref(),
        first_name: a.first_name.as_deref().filter(|_| with_names),
        last_name: a.last_name.as_deref().filter(|_| with_names),
    }
}

/// `metadata`, within Adyen's limits (checked here: Adyen refuses the whole payment otherwise).
fn checked_metadata(metadata: &Metadata) -> Result<Option<&Metadata>> {
    if metadata.is_empty() {
        return Ok(None);
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
    Ok(Some(metadata))
}
