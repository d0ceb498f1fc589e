//! Payments: authorize and setup_mandate (`POST /payments/v1/charges`), capture (`charges`
//! with `referenceTransactionDetails` and `captureFlag: true`), void (`POST
//! /payments/v1/cancels`) and PSync (`POST /payments/v1/transaction-inquiry`).
//!
//! The unified status comes from `gatewayResponse.transactionType`, `transactionState` and
//! `paymentReceipt.processorResponseDetails.approvalStatus` (CH docs `Gateway-Response.md`,
//! `Processor-Response-Details.md`); see [`payment_outcome`].

use serde_json::value::RawValue;

use super::wire::{
    Amount, CardData, CardExpiry, PaymentRequest, ReferenceTransactionDetails, Source,
    StoredCredentials, Transaction, TransactionDetails, TransactionInteraction,
};
use super::{amounts, errors, Fiserv};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse};
use crate::mask::mask_body;
use crate::money::Money;
use crate::types::*;

/// Commerce Hub's limit on `merchantTransactionId` (CH docs `Transaction-Details.md`).
const MERCHANT_TRANSACTION_ID_MAX: usize = 128;

/// Why a 3-D Secure request is refused.
const THREE_DS_UNSUPPORTED: &str =
    "3-D Secure is not supported by this connector: Commerce Hub runs it through a separate \
     service (/payments-vas/v1/3ds/...) that is not implemented; send authentication_type \
     `auto` or `no_three_ds`";

/// The e-commerce interaction of a card-not-present charge (CH docs
/// `Transaction-Interaction.md`).
fn ecommerce(eci_indicator: &'static str) -> TransactionInteraction {
    TransactionInteraction {
        origin: "ECOM",
        eci_indicator,
        pos_condition_code: "CARD_NOT_PRESENT_ECOM",
    }
}

/// A caller reference sent as `merchantTransactionId`.
pub(super) fn merchant_transaction_id<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    let value = value.trim();
    if value.chars().count() > MERCHANT_TRANSACTION_ID_MAX {
        return Err(Error::invalid_request(
            field,
            "Fiserv takes a merchantTransactionId of at most 128 characters",
        ));
    }
    Ok(value)
}

/// A saved card, as the mandate id carries it: `{tokenSource}:{MMYYYY}:{tokenData}`.
pub(super) struct MandateToken {
    pub source: String,
    pub month: String,
    pub year: String,
    pub data: String,
}

impl MandateToken {
    pub fn encode(&self) -> String {
        format!("{}:{}{}:{}", self.source, self.month, self.year, self.data)
    }

    pub fn decode(mandate_id: &str) -> Result<MandateToken> {
        let invalid = || {
            Error::invalid_request(
                "payment_method.mandate_id",
                "is not a Fiserv mandate id (`{tokenSource}:{MMYYYY}:{tokenData}`, as \
                 setup_mandate returns it)",
            )
        };
        let mut parts = mandate_id.trim().splitn(3, ':');
        let (source, expiry, data) = match (parts.next(), parts.next(), parts.next()) {
            (Some(s), Some(e), Some(d)) => (s, e, d),
            _ => return Err(invalid()),
        };
        let valid_source = !source.is_empty()
            && source
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let valid_expiry = expiry.len() == 6
            && expiry.bytes().all(|b| b.is_ascii_digit())
            && matches!(expiry[..2].parse::<u8>(), Ok(1..=12));
        if !valid_source || !valid_expiry || data.is_empty() || data.len() > 2048 {
            return Err(invalid());
        }
        Ok(MandateToken {
            source: source.to_string(),
            month: expiry[..2].to_string(),
            year: expiry[2..].to_string(),
            data: data.to_string(),
        })
    }
}

/// `source.card` of a card.
fn card_data(card: &Card) -> CardData<'_> {
    CardData {
        card_data: card.number.expose(),
        expiration_month: format!("{:02}", card.expiry_month),
        expiration_year: format!("{:04}", card.expiry_year),
        security_code: card.cvc.as_ref().map(|c| c.expose().as_str()),
    }
}

/// `storedCredentials` of a charge that saves a card (the cardholder is present).
fn first_stored_credentials(usage: MandateUsage) -> StoredCredentials<'static> {
    StoredCredentials {
        scheduled: usage == MandateUsage::Subscription,
        initiator: "CARD_HOLDER",
        sequence: "FIRST",
        scheme_reference_transaction_id: None,
    }
}

/// `storedCredentials` of a charge with a saved card.
fn subsequent_stored_credentials(mandate: &MandateReference) -> StoredCredentials<'_> {
    StoredCredentials {
        scheduled: mandate.usage == MandateUsage::Subscription,
        initiator: match mandate.usage {
            MandateUsage::CardOnFile => "CARD_HOLDER",
            MandateUsage::Unscheduled | MandateUsage::Subscription => "MERCHANT",
        },
        sequence: "SUBSEQUENT",
        scheme_reference_transaction_id: mandate
            .network_transaction_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty()),
    }
}

impl Fiserv {
    /// `POST /payments/v1/charges`: a sale (`captureFlag: true`) or a pre-authorization
    /// (`false`) with a card, or a charge of a saved card (`PaymentToken`).
    pub(super) fn authorize_request(
        &self,
        req: &AuthorizeRequest,
        cx: &FlowContext,
    ) -> Result<HttpRequest> {
        if req.authentication_type == AuthenticationType::ThreeDs {
            let mut e =
                Error::unsupported(ConnectorName::Fiserv, Flow::Authorize, THREE_DS_UNSUPPORTED);
            e.field = Some("authentication_type".into());
            return Err(e);
        }
        let token;
        let (source, stored_credentials, eci) = match &req.payment_method {
            PaymentMethod::Card(card) => (
                Source::PaymentCard {
                    card: card_data(card),
                },
                None,
                "CHANNEL_ENCRYPTED",
            ),
            PaymentMethod::Mandate(mandate) => {
                token = MandateToken::decode(&mandate.mandate_id)?;
                (
                    Source::PaymentToken {
                        token_data: &token.data,
                        token_source: &token.source,
                        card: CardExpiry {
                            expiration_month: token.month.clone(),
                            expiration_year: token.year.clone(),
                        },
                    },
                    Some(subsequent_stored_credentials(mandate)),
                    "CHANNEL_ENCRYPTED",
                )
            }
            PaymentMethod::NetworkToken(network_token) => {
                let wallet_type = match network_token.wallet {
                    Some(WalletKind::ApplePay) => "APPLE_PAY",
                    Some(WalletKind::GooglePay) => "GOOGLE_PAY",
                    None => {
                        let mut e = Error::unsupported(
                            ConnectorName::Fiserv,
                            Flow::Authorize,
                            SCHEME_TOKEN_UNSUPPORTED,
                        );
                        e.field = Some("payment_method.wallet".into());
                        return Err(e);
                    }
                };
                (
                    Source::DecryptedWallet {
                        card: CardData {
                            card_data: network_token.number.expose(),
                            expiration_month: format!("{:02}", network_token.expiry_month),
                            expiration_year: format!("{:04}", network_token.expiry_year),
                            security_code: None,
                        },
                        cavv: network_token.cryptogram.expose(),
                        wallet_type,
                    },
                    None,
                    eci_indicator(network_token.eci.as_deref()),
                )
            }
            PaymentMethod::ApplePay(wallet) => (
                Source::ApplePay {
                    payment_data: apple_pay_payment_data(wallet.token.expose())?,
                },
                None,
                "SECURE_ECOM",
            ),
            PaymentMethod::GooglePay(wallet) => {
                let (data, signature, version) = google_pay_token(wallet.token.expose())?;
                (
                    Source::GooglePay {
                        data,
                        signature,
                        version,
                    },
                    None,
                    "SECURE_ECOM",
                )
            }
            other => {
                return Err(Error::unsupported_payment_method(
                    ConnectorName::Fiserv,
                    Flow::Authorize,
                    other,
                ))
            }
        };
        let body = PaymentRequest {
            amount: Some(Amount {
                total: amounts::total(&req.amount, "amount")?,
                currency: req.amount.currency.code(),
            }),
            source: Some(source),
            transaction_details: Some(TransactionDetails {
                capture_flag: Some(req.capture_method == CaptureMethod::Automatic),
                authorization_type_indicator: stored_credentials.as_ref().map(|_| "INITIAL"),
                merchant_transaction_id: Some(merchant_transaction_id(
                    "merchant_reference",
                    &req.merchant_reference,
                )?),
                ..Default::default()
            }),
            transaction_interaction: Some(ecommerce(eci)),
            stored_credentials,
            merchant_details: self.merchant(),
            ..Default::default()
        };
        self.post(&self.urls.charges, &body, cx)
    }

    /// Saves a card as a TransArmor token: a positive amount is a sale with `createToken`
    /// (`POST /payments/v1/charges`, CH docs `Payment-Token.md`, "Tokenization with Charges
    /// Request") flagged as the first of a stored-credential series; a zero amount is an
    /// account verification with `createToken` (`POST /payments-vas/v1/accounts/verification`,
    /// CH docs `Verification.md`).
    pub(super) fn setup_mandate_request(
        &self,
        req: &SetupMandateRequest,
        cx: &FlowContext,
    ) -> Result<HttpRequest> {
        if req.authentication_type == AuthenticationType::ThreeDs {
            let mut e = Error::unsupported(
                ConnectorName::Fiserv,
                Flow::SetupMandate,
                THREE_DS_UNSUPPORTED,
            );
            e.field = Some("authentication_type".into());
            return Err(e);
        }
        let card = match &req.payment_method {
            PaymentMethod::Card(card) => card,
            _ => {
                return Err(Error::invalid_request(
                    "payment_method",
                    "Fiserv saves a card: give a card payment method",
                ))
            }
        };
        if req.amount.minor_units == 0 {
            // A zero-amount account verification that tokenizes the card (CH docs
            // `Verification.md`: `paymentTokens` come back when tokenization is enabled, and
            // `createToken` asks for them).
            let body = PaymentRequest {
                source: Some(Source::PaymentCard {
                    card: card_data(card),
                }),
                transaction_details: Some(TransactionDetails {
                    create_token: Some(true),
                    merchant_transaction_id: Some(merchant_transaction_id(
                        "merchant_reference",
                        &req.merchant_reference,
                    )?),
                    ..Default::default()
                }),
                merchant_details: self.merchant(),
                ..Default::default()
            };
            return self.post(&self.urls.verification, &body, cx);
        }
        let body = PaymentRequest {
            amount: Some(Amount {
                total: amounts::total(&req.amount, "amount")?,
                currency: req.amount.currency.code(),
            }),
            source: Some(Source::PaymentCard {
                card: card_data(card),
            }),
            transaction_details: Some(TransactionDetails {
                capture_flag: Some(true),
                create_token: Some(true),
                authorization_type_indicator: Some("INITIAL"),
                merchant_transaction_id: Some(merchant_transaction_id(
                    "merchant_reference",
                    &req.merchant_reference,
                )?),
                ..Default::default()
            }),
            transaction_interaction: Some(ecommerce("CHANNEL_ENCRYPTED")),
            stored_credentials: Some(first_stored_credentials(req.usage)),
            merchant_details: self.merchant(),
            ..Default::default()
        };
        self.post(&self.urls.charges, &body, cx)
    }

    /// `POST /payments/v1/charges` referencing the authorization: a full or partial capture.
    pub(super) fn capture_request(
        &self,
        req: &CaptureRequest,
        cx: &FlowContext,
    ) -> Result<HttpRequest> {
        let reference =
            transaction_reference("connector_transaction_id", &req.connector_transaction_id)?;
        let body = PaymentRequest {
            amount: Some(Amount {
                total: amounts::total(&req.amount, "amount")?,
                currency: req.amount.currency.code(),
            }),
            transaction_details: Some(TransactionDetails {
                capture_flag: Some(true),
                merchant_transaction_id: req
                    .merchant_reference
                    .as_deref()
                    .map(|r| merchant_transaction_id("merchant_reference", r))
                    .transpose()?,
                ..Default::default()
            }),
            reference_transaction_details: Some(ReferenceTransactionDetails::transaction_id(
                reference,
            )),
            merchant_details: self.merchant(),
            ..Default::default()
        };
        self.post(&self.urls.charges, &body, cx)
    }

    /// `POST /payments/v1/cancels` referencing the authorization, reason `VOID`.
    pub(super) fn void_request(&self, req: &VoidRequest, cx: &FlowContext) -> Result<HttpRequest> {
        let reference =
            transaction_reference("connector_transaction_id", &req.connector_transaction_id)?;
        let body = PaymentRequest {
            transaction_details: Some(TransactionDetails {
                merchant_transaction_id: req
                    .merchant_reference
                    .as_deref()
                    .map(|r| merchant_transaction_id("merchant_reference", r))
                    .transpose()?,
                reversal_reason_code: Some("VOID"),
                ..Default::default()
            }),
            reference_transaction_details: Some(ReferenceTransactionDetails::transaction_id(
                reference,
            )),
            merchant_details: self.merchant(),
            ..Default::default()
        };
        self.post(&self.urls.cancels, &body, cx)
    }

    /// `POST /payments/v1/transaction-inquiry` by the payment's `transactionId`, by the
    /// Commerce Hub `orderId` (`connector_order_id`), or by your `merchant_reference` (sent as
    /// the payment's `merchantTransactionId`): a payment whose call failed without an id.
    pub(super) fn payment_inquiry_request(
        &self,
        req: &PaymentGetRequest,
        cx: &FlowContext,
    ) -> Result<HttpRequest> {
        let reference =
            match (&req.connector_transaction_id, &req.connector_order_id) {
                (Some(id), _) => ReferenceTransactionDetails::transaction_id(
                    transaction_reference("connector_transaction_id", id)?,
                ),
                (None, Some(order)) => ReferenceTransactionDetails::order_id(
                    transaction_reference("connector_order_id", order)?,
                ),
                (None, None) => match &req.merchant_reference {
                    Some(reference) => ReferenceTransactionDetails::merchant_transaction_id(
                        merchant_transaction_id("merchant_reference", reference)?,
                    ),
                    None => return Err(Error::invalid_request(
                        "connector_transaction_id",
                        "Fiserv looks a payment up by connector_transaction_id, connector_order_id or merchant_reference",
                    )),
                },
            };
        let body = PaymentRequest {
            reference_transaction_details: Some(reference),
            merchant_details: self.merchant(),
            ..Default::default()
        };
        self.post(&self.urls.inquiry, &body, cx)
    }
}

/// A Commerce Hub id to reference (`transactionId` ≤ 40 characters, `orderId`).
pub(super) fn transaction_reference<'a>(field: &str, id: &'a str) -> Result<&'a str> {
    let id = id.trim();
    if id.is_empty() || id.chars().count() > 128 || id.chars().any(char::is_control) {
        return Err(Error::invalid_request(
            field,
            "is not a Fiserv transaction or order id",
        ));
    }
    Ok(id)
}

/// Why a scheme network token (one not from a wallet) is refused.
const SCHEME_TOKEN_UNSUPPORTED: &str =
    "Commerce Hub has not published the request shape for scheme network tokens (CH docs \
     `Network-Token.md`: \"documents ... will be released soon\"); network tokens decrypted \
     from Apple Pay or Google Pay (`wallet` set) are sent as a DecryptedWallet source";

/// `transactionInteraction.eciIndicator` for a wallet cryptogram's ECI: `05`/`02`
/// authenticated (`SECURE_ECOM`), `06`/`01` attempted (`NON_AUTH_ECOM`), otherwise
/// `CHANNEL_ENCRYPTED` (CH docs `Transaction-Interaction.md`).
fn eci_indicator(eci: Option<&str>) -> &'static str {
    match eci.map(|e| e.trim().trim_start_matches('0')) {
        Some("5") | Some("2") => "SECURE_ECOM",
        Some("6") | Some("1") => "NON_AUTH_ECOM",
        _ => "CHANNEL_ENCRYPTED",
    }
}

/// The JSON object of a wallet token given as JSON text or as its Base64.
fn wallet_json(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    use base64::Engine;
    let trimmed = token.trim();
    let text = if trimmed.starts_with('{') {
        trimmed.as_bytes().to_vec()
    } else {
        base64::engine::general_purpose::STANDARD
            .decode(trimmed)
            .ok()?
    };
    match serde_json::from_slice(&text).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Apple Pay's `paymentData` (`data`, `header`, `signature`, `version`), sent as the
/// `ApplePay` source's fields (CH docs `Apple-Pay-Web-REST.md`).
fn apple_pay_payment_data(token: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    let map = wallet_json(token)
        .filter(|m| {
            ["data", "header", "signature", "version"]
                .iter()
                .all(|k| m.contains_key(*k))
        })
        .ok_or_else(|| {
            Error::invalid_request(
                "payment_method.token",
                "is not an Apple Pay paymentData object (JSON text or its Base64 with data, \
                 header, signature and version)",
            )
        })?;
    Ok(map)
}

/// Google Pay's token (`signedMessage`, `signature`, `protocolVersion`) as the `GooglePay`
/// source's `data`, `signature` and `version` (CH docs `Google-Pay-Web-REST.md`).
fn google_pay_token(token: &str) -> Result<(String, String, String)> {
    let invalid = || {
        Error::invalid_request(
            "payment_method.token",
            "is not a Google Pay token (JSON text with signedMessage, signature and \
             protocolVersion)",
        )
    };
    let map = wallet_json(token).ok_or_else(invalid)?;
    let text = |key: &str| {
        map.get(key)
            .and_then(serde_json::Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    match (
        text("signedMessage"),
        text("signature"),
        text("protocolVersion"),
    ) {
        (Some(data), Some(signature), Some(version)) => Ok((data, signature, version)),
        _ => Err(invalid()),
    }
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// What a transaction means for the payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Status(PaymentStatus),
    /// `transactionState` `DECLINED` (or `FAILED`), or `approvalStatus` `DECLINED`.
    Declined,
    /// `approvalStatus` `PROCESSING_FAILED` or `VALIDATION_FAILED`: an error.
    Failed(String),
}

/// The unified meaning of one transaction (CH docs `Gateway-Response.md`, transaction
/// states; `Processor-Response-Details.md`, approval statuses).
///
/// `sale` is whether the charge asked for capture (`captureFlag: true`): an approved sale is
/// `charged` even when its state reads `AUTHORIZED`, as the documented charge example shows.
pub(super) fn payment_outcome(txn: &Transaction, sale: Option<bool>) -> Outcome {
    let approval = txn.approval_status();
    let state = txn.state();
    let kind = txn.transaction_type();
    match approval.as_deref() {
        Some("PROCESSING_FAILED") | Some("VALIDATION_FAILED") => {
            return Outcome::Failed(approval.unwrap_or_default())
        }
        Some("DECLINED") => return Outcome::Declined,
        Some("WAITING") => return Outcome::Status(PaymentStatus::Pending),
        _ => {}
    }
    let approved = approval.as_deref() == Some("APPROVED");
    let status = match state.as_deref() {
        Some("DECLINED") | Some("FAILED") => return Outcome::Declined,
        Some("VOIDED") => PaymentStatus::Voided,
        Some("CAPTURED") | Some("SETTLED") | Some("SUCCEEDED") => {
            if is_cancel(kind.as_deref()) {
                PaymentStatus::Voided
            } else {
                PaymentStatus::Charged
            }
        }
        // A zero-amount account verification succeeded (CH docs `Verification.md` answers
        // `VERIFIED`; `CHECKED` is the state the transaction-state list gives).
        Some("VERIFIED") | Some("CHECKED") => PaymentStatus::Charged,
        // `APPROVED` is not in the documented state list, but the CH docs `Test-Fraud.md`
        // charge answer reports it (with `approvalStatus` `APPROVED`): an approved
        // authorization, read like `AUTHORIZED`.
        Some("AUTHORIZED") | Some("APPROVED") => {
            if is_cancel(kind.as_deref()) {
                // Cancels are answered with an approved CANCEL in state AUTHORIZED.
                PaymentStatus::Voided
            } else if kind.as_deref() == Some("CAPTURE")
                || (sale == Some(true) && (approved || approval.is_none()))
            {
                // A capture, or an approved sale.
                PaymentStatus::Charged
            } else {
                PaymentStatus::Authorized
            }
        }
        Some("PROCESSING") => PaymentStatus::Authorizing,
        Some("CREATED") => PaymentStatus::AuthenticationPending,
        // PENDING, WAITING, INITIALIZED, READY, COMPLETED_GET, TEMPLATE, and anything new.
        Some(_) => PaymentStatus::Pending,
        None if approved => {
            if is_cancel(kind.as_deref()) {
                PaymentStatus::Voided
            } else if kind.as_deref() == Some("CAPTURE") || sale == Some(true) {
                PaymentStatus::Charged
            } else {
                PaymentStatus::Authorized
            }
        }
        None => PaymentStatus::Pending,
    };
    Outcome::Status(status)
}

fn is_cancel(kind: Option<&str>) -> bool {
    matches!(kind, Some("CANCEL") | Some("VOID") | Some("REVERSAL"))
}

/// The decline details of a transaction: the gateway `responseCode` (the host's when the
/// gateway's says approval: [`super::wire::ProcessorResponseDetails::failure_code`]) and
/// `responseMessage`, with the host's (issuer's) code as the network code and its message as
/// the reason.
pub(super) fn decline_details(txn: &Transaction) -> DeclineDetails {
    let details = txn.processor_details();
    DeclineDetails {
        code: details.and_then(|d| d.failure_code().or_else(|| d.response_code.clone())),
        message: details
            .and_then(|d| d.response_message.clone())
            .or_else(|| txn.state()),
        reason: details.and_then(|d| d.host_response_message.clone()),
        network_decline_code: details.and_then(|d| d.host_response_code.clone()),
        network_advice_code: None,
    }
}

/// The transaction a charges / cancels / refunds call created (the single transaction of
/// its answer), or the error of a non-2xx answer. One declined as a duplicate of an earlier
/// transaction is a `conflict` ([`errors::refuse_duplicate`]).
pub(super) fn read_transaction(response: &HttpResponse) -> Result<Transaction> {
    let txn = single_transaction(response)?;
    errors::refuse_duplicate(response, &txn)?;
    Ok(txn)
}

/// The single transaction of an answer, or the error of a non-2xx one.
fn single_transaction(response: &HttpResponse) -> Result<Transaction> {
    if !response.is_success() {
        return declined_transaction(response).ok_or_else(|| errors::error(response));
    }
    // Delimited, not parsed into a tree: the transaction is read from its text.
    let mut raw: Box<RawValue> =
        serde_json::from_slice(response.body.as_slice()).map_err(|_| {
            errors::invalid_response(
                response,
                format!(
                    "Fiserv answered HTTP {} with a body that is not JSON",
                    response.status
                ),
            )
        })?;
    // Some integrations report a single-element array; read its element.
    if raw.get().starts_with('[') {
        let mut items: Vec<Box<RawValue>> = serde_json::from_str(raw.get()).unwrap_or_default();
        if items.len() == 1 {
            raw = items.remove(0);
        }
    }
    if !raw.get().starts_with('{') {
        return Err(errors::invalid_response(
            response,
            "Fiserv answered with a body that is not a transaction",
        ));
    }
    Ok(serde_json::from_str(raw.get()).unwrap_or_default())
}

/// A 4xx answer that is still a declined transaction (the documented envelope with state or
/// approval status `DECLINED`, and the gateway's `responseCode` or the host's): a decline is a
/// result, even when it does not come as HTTP 201.
fn declined_transaction(response: &HttpResponse) -> Option<Transaction> {
    if !(400..500).contains(&response.status) || matches!(response.status, 401 | 403 | 429) {
        return None;
    }
    let txn: Transaction = serde_json::from_slice(response.body.as_slice()).ok()?;
    let declined = txn.state().as_deref() == Some("DECLINED")
        || txn.approval_status().as_deref() == Some("DECLINED");
    let coded = txn
        .processor_details()
        .is_some_and(|d| d.response_code.is_some() || d.host_response_code.is_some());
    (declined && coded).then_some(txn)
}

/// The transactions of a transaction-inquiry answer (a JSON array; a single object is read
/// as a one-element array), or the error of a non-2xx one.
pub(super) fn read_inquiry(response: &HttpResponse) -> Result<Vec<Transaction>> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let raw: Box<RawValue> = serde_json::from_slice(response.body.as_slice()).map_err(|_| {
        errors::invalid_response(
            response,
            format!(
                "Fiserv answered the transaction inquiry with HTTP {} and a body that is not JSON",
                response.status
            ),
        )
    })?;
    let items: Vec<Box<RawValue>> = match raw.get().as_bytes().first() {
        Some(b'[') => serde_json::from_str(raw.get()).unwrap_or_default(),
        Some(b'{') => vec![raw],
        _ => {
            return Err(errors::invalid_response(
                response,
                "Fiserv answered the transaction inquiry with a body that is not an array of transactions",
            ))
        }
    };
    Ok(items
        .iter()
        .filter(|item| item.get().starts_with('{'))
        .map(|item| serde_json::from_str(item.get()).unwrap_or_default())
        .collect())
}

/// The `not_found` error of an empty inquiry answer.
pub(super) fn not_found(response: &HttpResponse, what: &str) -> Error {
    Error::processor(
        ErrorCode::NotFound,
        response.status,
        None,
        Some(format!("the transaction inquiry found no {what}")),
    )
    .with_request_id(response.request_id())
}

/// The amount a transaction reports.
pub(super) fn approved_money(txn: &Transaction, fallback_currency: Option<&str>) -> Option<Money> {
    let amount = txn.approved_amount()?;
    let currency = amount.currency.as_deref().or(fallback_currency)?;
    amounts::money_from_total(amount.total.as_ref()?, currency)
}

/// The payment response of a transaction, given its meaning.
fn payment_response(
    response: &HttpResponse,
    txn: &Transaction,
    outcome: Outcome,
    declined_status: PaymentStatus,
) -> Result<PaymentResponse> {
    let request_id = txn.api_trace_id().or_else(|| response.request_id());
    let status = match outcome {
        Outcome::Status(status) => status,
        Outcome::Declined => declined_status,
        Outcome::Failed(approval) => {
            return Err(errors::approval_error(
                response,
                &approval,
                txn.processor_details(),
                request_id,
            ))
        }
    };
    let mut r = PaymentResponse::new(ConnectorName::Fiserv, status);
    r.connector_status = txn.state().or_else(|| txn.approval_status());
    r.connector_transaction_id = txn.transaction_id();
    r.connector_order_id = txn.order_id();
    r.merchant_reference = txn.merchant_transaction_id();
    r.network_transaction_id = txn
        .processor_details()
        .and_then(|d| d.scheme_transaction_id.clone());
    r.amount = approved_money(txn, None);
    if status == declined_status
        && matches!(status, PaymentStatus::Failure | PaymentStatus::VoidFailed)
    {
        r.decline = Some(decline_details(txn));
    }
    r.request_id = request_id;
    r.http_status = Some(response.status);
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(r)
}

/// The answer to authorize.
pub(super) fn parse_authorize(
    response: &HttpResponse,
    req: &AuthorizeRequest,
) -> Result<PaymentResponse> {
    let txn = read_transaction(response)?;
    let sale = req.capture_method == CaptureMethod::Automatic;
    let outcome = payment_outcome(&txn, Some(sale));
    let mut r = payment_response(response, &txn, outcome, PaymentStatus::Failure)?;
    if r.merchant_reference.is_none() {
        r.merchant_reference = Some(req.merchant_reference.clone());
    }
    Ok(r)
}

/// The answer to setup_mandate: the sale's status, and the saved card as the mandate id.
pub(super) fn parse_setup_mandate(
    response: &HttpResponse,
    req: &SetupMandateRequest,
) -> Result<PaymentResponse> {
    let txn = read_transaction(response)?;
    let outcome = payment_outcome(&txn, Some(true));
    let mut r = payment_response(response, &txn, outcome, PaymentStatus::Failure)?;
    if r.merchant_reference.is_none() {
        r.merchant_reference = Some(req.merchant_reference.clone());
    }
    if !matches!(r.status, PaymentStatus::Failure) {
        if let (Some((source, data)), PaymentMethod::Card(card)) =
            (txn.token(), &req.payment_method)
        {
            r.mandate_id = Some(
                MandateToken {
                    source,
                    month: format!("{:02}", card.expiry_month),
                    year: format!("{:04}", card.expiry_year),
                    data,
                }
                .encode(),
            );
        }
    }
    Ok(r)
}

/// The answer to capture: the payment keeps its id; the capture's own id is the operation id.
pub(super) fn parse_capture(
    response: &HttpResponse,
    req: &CaptureRequest,
) -> Result<PaymentResponse> {
    let txn = read_transaction(response)?;
    let outcome = payment_outcome(&txn, Some(true));
    let mut r = payment_response(response, &txn, outcome, PaymentStatus::Failure)?;
    reference_payment(&mut r, &req.connector_transaction_id);
    if r.merchant_reference.is_none() {
        r.merchant_reference = req.merchant_reference.clone();
    }
    Ok(r)
}

/// The answer to void: an approved cancel is `voided`, a declined one `void_failed`.
pub(super) fn parse_void(response: &HttpResponse, req: &VoidRequest) -> Result<PaymentResponse> {
    let txn = read_transaction(response)?;
    let mut outcome = payment_outcome(&txn, None);
    // The cancels endpoint answers for the cancel: an approved CANCEL is the void, whatever
    // its `transactionState` (spec §5.4; the state seen is AUTHORIZED), and so is an approved
    // authorization answered there.
    let cancel = is_cancel(txn.transaction_type().as_deref());
    if txn.approval_status().as_deref() == Some("APPROVED")
        && matches!(outcome, Outcome::Status(status) if cancel || status == PaymentStatus::Authorized)
    {
        outcome = Outcome::Status(PaymentStatus::Voided);
    }
    let mut r = payment_response(response, &txn, outcome, PaymentStatus::VoidFailed)?;
    reference_payment(&mut r, &req.connector_transaction_id);
    if r.merchant_reference.is_none() {
        r.merchant_reference = req.merchant_reference.clone();
    }
    Ok(r)
}

/// Reports `payment_id` as the payment, and the answer's own transaction as the operation.
fn reference_payment(r: &mut PaymentResponse, payment_id: &str) {
    let payment_id = payment_id.trim().to_string();
    let own = r.connector_transaction_id.take();
    r.connector_operation_id = own.filter(|id| *id != payment_id);
    r.connector_transaction_id = Some(payment_id);
}

/// The answer to PSync: the payment's transaction from the inquiry array (the element with
/// the queried `transactionId`, else the order's charge), upgraded by an approved capture or
/// cancel of the same answer.
pub(super) fn parse_inquiry(
    response: &HttpResponse,
    req: &PaymentGetRequest,
) -> Result<PaymentResponse> {
    let transactions = read_inquiry(response)?;
    let payments: Vec<&Transaction> = transactions
        .iter()
        .filter(|t| t.transaction_type().as_deref() != Some("REFUND"))
        .collect();
    let queried = req.connector_transaction_id.as_deref().map(str::trim);
    let base = queried
        .and_then(|id| transactions.iter().find(|t| t.has_id(id)))
        .or_else(|| {
            payments
                .iter()
                .copied()
                .find(|t| is_charge(t.transaction_type().as_deref()))
        })
        .or_else(|| payments.first().copied())
        .ok_or_else(|| not_found(response, "payment"))?;

    let sale = base
        .capture_flag()
        .or(req.capture_method.map(|m| m == CaptureMethod::Automatic));
    let mut outcome = payment_outcome(base, sale);
    if matches!(
        outcome,
        Outcome::Status(
            PaymentStatus::Authorized | PaymentStatus::Pending | PaymentStatus::Authorizing
        )
    ) {
        // A capture or cancel of this payment in the same answer settles its state.
        let follow_ups = payments.iter().filter(|t| !std::ptr::eq(**t, base));
        let mut upgraded = None;
        for t in follow_ups {
            let kind = t.transaction_type();
            match payment_outcome(t, Some(true)) {
                Outcome::Status(PaymentStatus::Voided) if is_cancel(kind.as_deref()) => {
                    upgraded = Some(PaymentStatus::Voided);
                    break;
                }
                Outcome::Status(PaymentStatus::Charged) if kind.as_deref() == Some("CAPTURE") => {
                    upgraded = Some(PaymentStatus::Charged);
                }
                _ => {}
            }
        }
        if let Some(status) = upgraded {
            outcome = Outcome::Status(status);
        }
    }
    let mut r = payment_response(response, base, outcome, PaymentStatus::Failure)?;
    if r.connector_transaction_id.is_none() {
        r.connector_transaction_id = queried.map(str::to_string);
    }
    if r.connector_order_id.is_none() {
        r.connector_order_id = req.connector_order_id.clone();
    }
    Ok(r)
}

fn is_charge(kind: Option<&str>) -> bool {
    matches!(
        kind,
        None | Some("CHARGE") | Some("CHARGES") | Some("SALE") | Some("AUTHORIZATION")
    )
}
