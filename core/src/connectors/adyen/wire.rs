//! Adyen's wire shapes: typed request bodies and lenient answers.
//!
//! Sources: Adyen API reference, Checkout API v68 (`/payments`, `/payments/details`,
//! `/payments/{paymentPspReference}/captures`, `.../cancels`, `.../refunds`), Disputes API v30
//! (`acceptDispute`, `supplyDefenseDocument`, `defendDispute`), and the Webhooks reference
//! ("Standard webhook" `NotificationRequestItem`).
//!
//! * **Requests** borrow from the unified request and never derive `Debug`: they carry card
//!   numbers, security codes and wallet tokens. Optional fields are left out when absent.
//! * **Answers** accept what Adyen adds: unknown fields are ignored, every field is optional,
//!   text fields may arrive as numbers, and enumerations (`resultCode`, `status`, `eventCode`,
//!   `disputeStatus`) stay strings, mapped by the flow files, so a value Adyen adds later never
//!   fails a parse. Genuinely free-form parts (a payment's `action`, handed to Adyen's client
//!   SDK as it is) are kept as JSON values.
//! * **Amounts** in answers keep `value` as text, so that the conversion (`amounts.rs`) can tell
//!   a missing amount from an unreadable or negative one (an `invalid_response`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Lenient readers
// ---------------------------------------------------------------------------------------------

/// A non-empty string, or a number/bool written out; `null`, `""` and other types are `None`.
pub(super) fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// A boolean from `true`/`false` or their string forms (any case); anything else is `None`.
pub(super) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })
}

/// An object read as `T`, or `None` for `null`, another type, or an object that is not a `T`.
pub(super) use crate::connectors::lenient_object as opt_object;

/// Any JSON object, kept as it is (`None` for `null` or another type).
fn opt_json_object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(v @ Value::Object(_)) => Some(v),
        _ => None,
    })
}

// ---------------------------------------------------------------------------------------------
// Shared
// ---------------------------------------------------------------------------------------------

/// `Amount` of a request: integer minor units in Adyen's exponent.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Amount<'a> {
    pub value: i64,
    pub currency: &'a str,
}

/// `Amount` of an answer or a notification, as sent. `value` is kept as text (a JSON number
/// written out, or a string); an `amount` that is not an object reads as an amount with neither
/// value nor currency, which the conversion rejects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct WireAmount {
    pub value: Option<String>,
    pub currency: Option<String>,
}

impl<'de> Deserialize<'de> for WireAmount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<WireAmount, D::Error> {
        let text = |v: Option<&Value>| match v {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        Ok(match Value::deserialize(d)? {
            Value::Object(map) => WireAmount {
                value: text(map.get("value")),
                currency: text(map.get("currency")),
            },
            _ => WireAmount::default(),
        })
    }
}

/// An `amount` field: absent and `null` are `None`, anything else is read by [`WireAmount`].
fn opt_amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<WireAmount>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(v) => Some(WireAmount::deserialize(v).map_err(serde::de::Error::custom)?),
    })
}

// ---------------------------------------------------------------------------------------------
// Checkout API: /payments
// ---------------------------------------------------------------------------------------------

/// `PaymentRequest` of `POST /payments` (authorize, and the tokenising setup of a mandate).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PaymentRequest<'a> {
    pub amount: Amount<'a>,
    pub merchant_account: &'a str,
    pub reference: &'a str,
    pub return_url: &'a str,
    pub payment_method: PaymentMethodDetails<'a>,
    /// 3-D Secure data of a network token (its cryptogram and ECI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mpi_data: Option<MpiData<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_payment_method: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shopper_reference: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_processing_model: Option<RecurringProcessingModel>,
    pub shopper_interaction: ShopperInteraction,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_data: Option<RequestAdditionalData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shopper_email: Option<&'a str>,
    #[serde(rename = "shopperIP", skip_serializing_if = "Option::is_none")]
    pub shopper_ip: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shopper_name: Option<ShopperName<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_address: Option<Address<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_info: Option<BrowserInfo<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shopper_statement: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<&'a BTreeMap<String, String>>,
}

/// `paymentMethod`: the `*Details` object of each method, tagged by its own `type` field.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum PaymentMethodDetails<'a> {
    /// `CardDetails` with the card in clear (`type: scheme`).
    Card(CardDetails<'a>),
    /// `CardDetails` of a stored card (`type: scheme` with `storedPaymentMethodId`).
    Stored(StoredCardDetails<'a>),
    /// `CardDetails` with client-side encrypted fields (`type: scheme`).
    Encrypted(EncryptedCardDetails<'a>),
    /// `CardDetails` of a network token (`type: networkToken`).
    NetworkToken(NetworkTokenDetails<'a>),
    /// `ApplePayDetails` (`type: applepay`).
    ApplePay(ApplePayDetails),
    /// `GooglePayDetails` (`type: googlepay`).
    GooglePay(GooglePayDetails<'a>),
    /// A bank redirect (`IdealDetails`, `EpsDetails`, `OnlineBankingDetails`, ...).
    Bank(BankDetails<'a>),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CardDetails<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub number: &'a str,
    /// Two digits, `"03"`.
    pub expiry_month: String,
    /// Four digits, `"2030"`.
    pub expiry_year: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvc: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_name: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StoredCardDetails<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub stored_payment_method_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EncryptedCardDetails<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub encrypted_card_number: &'a str,
    pub encrypted_expiry_month: &'a str,
    pub encrypted_expiry_year: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted_security_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_name: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NetworkTokenDetails<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub number: &'a str,
    pub expiry_month: String,
    pub expiry_year: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_name: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ApplePayDetails {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Base64 of the stringified Apple `paymentData`.
    pub apple_pay_token: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GooglePayDetails<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub google_pay_token: &'a str,
}

#[derive(Serialize)]
pub(super) struct BankDetails<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<&'a str>,
}

/// `ThreeDSecureData` (`mpiData`) of a network token payment.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MpiData<'a> {
    pub token_authentication_verification_value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eci: Option<&'a str>,
}

/// The `additionalData` keys this connector sends on `/payments` (string values).
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct RequestAdditionalData {
    /// `"true"`: authorise only; capture later.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manual_capture: Option<&'static str>,
    /// `"true"` / `"false"`: ask for 3-D Secure or skip it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execute_three_d: Option<&'static str>,
}

impl RequestAdditionalData {
    pub(super) fn is_empty(&self) -> bool {
        self.manual_capture.is_none() && self.execute_three_d.is_none()
    }
}

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ShopperInteraction {
    Ecommerce,
    ContAuth,
}

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RecurringProcessingModel {
    CardOnFile,
    Subscription,
    UnscheduledCardOnFile,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ShopperName<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<&'a str>,
}

/// `Address` (billing) and `DeliveryAddress` (which also takes the recipient's names).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Address<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub house_number_or_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_or_province: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct BrowserInfo<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept_header: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color_depth: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screen_height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screen_width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone_offset: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub java_enabled: Option<bool>,
}

impl BrowserInfo<'_> {
    pub(super) fn is_empty(&self) -> bool {
        self.user_agent.is_none()
            && self.accept_header.is_none()
            && self.language.is_none()
            && self.color_depth.is_none()
            && self.screen_height.is_none()
            && self.screen_width.is_none()
            && self.time_zone_offset.is_none()
            && self.java_enabled.is_none()
    }
}

// ---------------------------------------------------------------------------------------------
// Checkout API: /payments/details
// ---------------------------------------------------------------------------------------------

/// `PaymentDetailsRequest` of `POST /payments/details`.
#[derive(Serialize)]
pub(super) struct PaymentDetailsRequest<'a> {
    pub details: PaymentCompletionDetails<'a>,
}

/// `PaymentCompletionDetails`: the parameters the shopper's return URL received.
#[derive(Serialize, Default)]
pub(super) struct PaymentCompletionDetails<'a> {
    #[serde(rename = "redirectResult", skip_serializing_if = "Option::is_none")]
    pub redirect_result: Option<&'a str>,
    #[serde(rename = "threeDSResult", skip_serializing_if = "Option::is_none")]
    pub three_ds_result: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<&'a str>,
    /// The return's query string after a `nativeRedirect` action.
    #[serde(
        rename = "returnUrlQueryString",
        skip_serializing_if = "Option::is_none"
    )]
    pub return_url_query_string: Option<&'a str>,
    #[serde(rename = "MD", skip_serializing_if = "Option::is_none")]
    pub md: Option<&'a str>,
    #[serde(rename = "PaRes", skip_serializing_if = "Option::is_none")]
    pub pa_res: Option<&'a str>,
    #[serde(
        rename = "threeds2.fingerprint",
        skip_serializing_if = "Option::is_none"
    )]
    pub threeds2_fingerprint: Option<&'a str>,
    #[serde(
        rename = "threeds2.challengeResult",
        skip_serializing_if = "Option::is_none"
    )]
    pub threeds2_challenge_result: Option<&'a str>,
}

impl PaymentCompletionDetails<'_> {
    pub(super) fn is_empty(&self) -> bool {
        self.redirect_result.is_none()
            && self.three_ds_result.is_none()
            && self.payload.is_none()
            && self.return_url_query_string.is_none()
            && self.md.is_none()
            && self.pa_res.is_none()
            && self.threeds2_fingerprint.is_none()
            && self.threeds2_challenge_result.is_none()
    }
}

/// `PaymentResponse` of `/payments` and `PaymentDetailsResponse` of `/payments/details`: HTTP
/// 200 for every business outcome, declines included.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PaymentResponse {
    /// The outcome (`Authorised`, `Refused`, `RedirectShopper`, ...), kept as sent and mapped
    /// by [`ResultCode::parse`].
    #[serde(default, deserialize_with = "opt_text")]
    pub result_code: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub psp_reference: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub merchant_reference: Option<String>,
    #[serde(default, deserialize_with = "opt_amount")]
    pub amount: Option<WireAmount>,
    #[serde(default, deserialize_with = "opt_text")]
    pub refusal_reason: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub refusal_reason_code: Option<String>,
    #[serde(default, deserialize_with = "opt_object")]
    pub additional_data: Option<PaymentAdditionalData>,
    /// The shopper's next step (`redirect`, `threeDS2`, `qrCode`, `await`, `sdk`, `voucher`,
    /// `bank`, `nativeRedirect`, ...), kept whole: every type but the typed ones is handed to
    /// Adyen's client SDK as it is.
    #[serde(default, deserialize_with = "opt_json_object")]
    pub action: Option<Value>,
}

/// The `resultCode` values of the Checkout API v68 (`PaymentResponse.resultCode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ResultCode {
    Authorised,
    PartiallyAuthorised,
    Refused,
    Error,
    Cancelled,
    Pending,
    Received,
    AuthenticationNotRequired,
    RedirectShopper,
    IdentifyShopper,
    ChallengeShopper,
    PresentToShopper,
    AuthenticationFinished,
    /// `Success` belongs to non-payment operations (orders); not expected for a payment.
    Success,
    /// A value this connector does not know (Adyen adds values over time).
    Unknown,
}

impl ResultCode {
    pub(super) fn parse(code: &str) -> ResultCode {
        match code {
            "Authorised" => ResultCode::Authorised,
            "PartiallyAuthorised" => ResultCode::PartiallyAuthorised,
            "Refused" => ResultCode::Refused,
            "Error" => ResultCode::Error,
            "Cancelled" => ResultCode::Cancelled,
            "Pending" => ResultCode::Pending,
            "Received" => ResultCode::Received,
            "AuthenticationNotRequired" => ResultCode::AuthenticationNotRequired,
            "RedirectShopper" => ResultCode::RedirectShopper,
            "IdentifyShopper" => ResultCode::IdentifyShopper,
            "ChallengeShopper" => ResultCode::ChallengeShopper,
            "PresentToShopper" => ResultCode::PresentToShopper,
            "AuthenticationFinished" => ResultCode::AuthenticationFinished,
            "Success" => ResultCode::Success,
            _ => ResultCode::Unknown,
        }
    }
}

/// The `additionalData` keys read from a payment answer (a string map; the keys Adyen returns
/// depend on the account's "Additional data" settings).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct PaymentAdditionalData {
    #[serde(
        rename = "tokenization.storedPaymentMethodId",
        default,
        deserialize_with = "opt_text"
    )]
    pub stored_payment_method_id: Option<String>,
    #[serde(
        rename = "recurring.recurringDetailReference",
        default,
        deserialize_with = "opt_text"
    )]
    pub recurring_detail_reference: Option<String>,
    #[serde(
        rename = "tokenization.shopperReference",
        default,
        deserialize_with = "opt_text"
    )]
    pub tokenization_shopper_reference: Option<String>,
    #[serde(
        rename = "recurring.shopperReference",
        default,
        deserialize_with = "opt_text"
    )]
    pub recurring_shopper_reference: Option<String>,
    #[serde(rename = "networkTxReference", default, deserialize_with = "opt_text")]
    pub network_tx_reference: Option<String>,
    #[serde(rename = "refusalReasonRaw", default, deserialize_with = "opt_text")]
    pub refusal_reason_raw: Option<String>,
    #[serde(rename = "refusalCodeRaw", default, deserialize_with = "opt_text")]
    pub refusal_code_raw: Option<String>,
    #[serde(rename = "merchantAdviceCode", default, deserialize_with = "opt_text")]
    pub merchant_advice_code: Option<String>,
}

/// The fields of an `action` this connector maps to a typed next action (`redirect`, `qrCode`,
/// `await`); the action itself stays whole for the SDK.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Action {
    #[serde(rename = "type", default, deserialize_with = "opt_text")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub method: Option<String>,
    /// The form fields of a POST redirect.
    #[serde(default, deserialize_with = "opt_object")]
    pub data: Option<BTreeMap<String, Value>>,
    #[serde(default, deserialize_with = "opt_text")]
    pub qr_code_data: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Checkout API: modifications
// ---------------------------------------------------------------------------------------------

/// `PaymentCaptureRequest` of `POST /payments/{paymentPspReference}/captures`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CaptureRequest<'a> {
    pub merchant_account: &'a str,
    pub amount: Amount<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<&'a str>,
}

/// `PaymentCancelRequest` of `POST /payments/{paymentPspReference}/cancels`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CancelRequest<'a> {
    pub merchant_account: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<&'a str>,
}

/// `PaymentRefundRequest` of `POST /payments/{paymentPspReference}/refunds`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RefundRequest<'a> {
    pub merchant_account: &'a str,
    pub amount: Amount<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_refund_reason: Option<MerchantRefundReason>,
}

/// `merchantRefundReason`, an enum at Adyen (free text is refused).
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MerchantRefundReason {
    #[serde(rename = "FRAUD")]
    Fraud,
    #[serde(rename = "CUSTOMER REQUEST")]
    CustomerRequest,
    #[serde(rename = "RETURN")]
    Return,
    #[serde(rename = "DUPLICATE")]
    Duplicate,
    #[serde(rename = "OTHER")]
    Other,
}

/// The 201 answer of captures, cancels and refunds (`PaymentCaptureResponse`,
/// `PaymentCancelResponse`, `PaymentRefundResponse`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ModificationResponse {
    /// `received` (the only value in v68), kept as sent.
    #[serde(default, deserialize_with = "opt_text")]
    pub status: Option<String>,
    /// The modification's own reference.
    #[serde(default, deserialize_with = "opt_text")]
    pub psp_reference: Option<String>,
    /// The payment's reference.
    #[serde(default, deserialize_with = "opt_text")]
    pub payment_psp_reference: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub reference: Option<String>,
    #[serde(default, deserialize_with = "opt_amount")]
    pub amount: Option<WireAmount>,
}

// ---------------------------------------------------------------------------------------------
// Disputes API v30
// ---------------------------------------------------------------------------------------------

/// `AcceptDisputeRequest`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AcceptDisputeRequest<'a> {
    pub dispute_psp_reference: &'a str,
    pub merchant_account_code: &'a str,
}

/// `SupplyDefenseDocumentRequest`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SupplyDefenseDocumentRequest<'a> {
    pub defense_documents: Vec<DefenseDocument>,
    pub dispute_psp_reference: &'a str,
    pub merchant_account_code: &'a str,
}

/// `DefenseDocument`: Base64 content, MIME type and document type code.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DefenseDocument {
    pub content: String,
    pub content_type: String,
    pub defense_document_type_code: String,
}

/// `DefendDisputeRequest`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DefendDisputeRequest<'a> {
    pub defense_reason_code: &'a str,
    pub dispute_psp_reference: &'a str,
    pub merchant_account_code: &'a str,
}

/// The answer of every dispute operation: `{"disputeServiceResult": {...}}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DisputeServiceResponse {
    #[serde(default, deserialize_with = "opt_object")]
    pub dispute_service_result: Option<DisputeServiceResult>,
}

/// `DisputeServiceResult`: `success` (required) and an optional `errorMessage`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DisputeServiceResult {
    #[serde(default, deserialize_with = "opt_bool")]
    pub success: Option<bool>,
    #[serde(default, deserialize_with = "opt_text")]
    pub error_message: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// `ServiceError`, the body of every non-2xx answer.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ServiceError {
    #[serde(default, deserialize_with = "opt_text")]
    pub error_code: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub message: Option<String>,
    /// `validation`, `security`, `configuration`, ... (kept as sent).
    #[serde(default, deserialize_with = "opt_text")]
    pub error_type: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub psp_reference: Option<String>,
}

/// Only the `pspReference` of an answer: what is left to report when the rest cannot be read.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct References {
    #[serde(default, deserialize_with = "opt_text")]
    pub psp_reference: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub payment_psp_reference: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Standard webhooks
// ---------------------------------------------------------------------------------------------

/// A field of the HMAC signing string, as decoded: strings exactly as sent (empty and
/// whitespace included), numbers and booleans written out; `null`, missing and other types are
/// `None` (an empty string in the signing string).
fn signed_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// `{"NotificationRequestItem": {...}}`, one element of `notificationItems`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct NotificationItemWrapper {
    /// A `NotificationRequestItem` that is not an object fails the wrapper's parse.
    #[serde(rename = "NotificationRequestItem", default)]
    pub item: Option<NotificationRequestItem>,
}

/// `NotificationRequestItem` of a standard webhook.
///
/// **What the HMAC signature covers.** Adyen's `hmacSignature` (in `additionalData`) signs
/// exactly eight fields: `pspReference`, `originalReference`, `merchantAccountCode`,
/// `merchantReference`, `amount.value`, `amount.currency`, `eventCode` and `success` (Adyen
/// docs, "Verify HMAC signatures"). Those are the **signed** fields below. Every other field
/// (`eventDate`, `reason`, `paymentMethod`, `operations`, and every `additionalData` key:
/// `disputeStatus`, `chargebackReasonCode`, `defensePeriodEndsAt`, token ids, refusal codes,
/// `networkTxReference`, ...) is **unsigned**: whoever holds one signed item can change them
/// and the signature still verifies. They are reported as information, and never enter the
/// event's deduplication id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NotificationRequestItem {
    /// Signed. The payment's, the modification's, the refund's or the dispute's reference.
    #[serde(default, deserialize_with = "signed_text")]
    pub psp_reference: Option<String>,
    /// Signed. The original payment of a modification, refund or dispute.
    #[serde(default, deserialize_with = "signed_text")]
    pub original_reference: Option<String>,
    /// Signed.
    #[serde(default, deserialize_with = "signed_text")]
    pub merchant_account_code: Option<String>,
    /// Signed.
    #[serde(default, deserialize_with = "signed_text")]
    pub merchant_reference: Option<String>,
    /// Signed (`value` and `currency`).
    #[serde(default, deserialize_with = "opt_amount")]
    pub amount: Option<WireAmount>,
    /// Signed. Kept as sent; an unknown code is an ignored event.
    #[serde(default, deserialize_with = "signed_text")]
    pub event_code: Option<String>,
    /// Signed. The string `"true"` or `"false"`.
    #[serde(default, deserialize_with = "signed_text")]
    pub success: Option<String>,
    /// Unsigned.
    #[serde(default, deserialize_with = "opt_text")]
    pub event_date: Option<String>,
    /// Unsigned. Adyen's explanation, especially of a failure.
    #[serde(default, deserialize_with = "opt_text")]
    pub reason: Option<String>,
    /// The signature, and unsigned extra data.
    #[serde(default, deserialize_with = "opt_object")]
    pub additional_data: Option<NotificationAdditionalData>,
}

/// The `additionalData` keys read from a notification item. Only `hmacSignature` matters for
/// verification; **none of these values is covered by the signature**.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub(super) struct NotificationAdditionalData {
    /// Base64 HMAC-SHA256 of the eight signed fields.
    #[serde(rename = "hmacSignature", default, deserialize_with = "signed_text")]
    pub hmac_signature: Option<String>,
    /// Unsigned. Refines a dispute event's status (`Undefended`, `Won`, `Lost`, ...).
    #[serde(rename = "disputeStatus", default, deserialize_with = "opt_text")]
    pub dispute_status: Option<String>,
    /// Unsigned. The scheme's reason code (Adyen's example has a leading space).
    #[serde(
        rename = "chargebackReasonCode",
        default,
        deserialize_with = "opt_text"
    )]
    pub chargeback_reason_code: Option<String>,
    /// Unsigned. The defence deadline.
    #[serde(rename = "defensePeriodEndsAt", default, deserialize_with = "opt_text")]
    pub defense_period_ends_at: Option<String>,
    /// Unsigned.
    #[serde(rename = "refusalReasonCode", default, deserialize_with = "opt_text")]
    pub refusal_reason_code: Option<String>,
    /// Unsigned.
    #[serde(rename = "refusalReasonRaw", default, deserialize_with = "opt_text")]
    pub refusal_reason_raw: Option<String>,
    /// Unsigned.
    #[serde(rename = "refusalCodeRaw", default, deserialize_with = "opt_text")]
    pub refusal_code_raw: Option<String>,
    /// Unsigned.
    #[serde(rename = "merchantAdviceCode", default, deserialize_with = "opt_text")]
    pub merchant_advice_code: Option<String>,
    /// Unsigned.
    #[serde(rename = "networkTxReference", default, deserialize_with = "opt_text")]
    pub network_tx_reference: Option<String>,
    /// Unsigned. The stored card's token.
    #[serde(
        rename = "tokenization.storedPaymentMethodId",
        default,
        deserialize_with = "opt_text"
    )]
    pub stored_payment_method_id: Option<String>,
    /// Unsigned. The stored card's token under its legacy key.
    #[serde(
        rename = "recurring.recurringDetailReference",
        default,
        deserialize_with = "opt_text"
    )]
    pub recurring_detail_reference: Option<String>,
}
