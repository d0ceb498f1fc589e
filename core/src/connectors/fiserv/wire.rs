//! Commerce Hub wire types: typed request bodies (serialized once, signed, sent as they are)
//! and lenient response bodies.
//!
//! Request structs borrow from the unified request and never derive `Debug`: they carry the
//! card number and security code. Response structs accept what Commerce Hub adds: unknown
//! fields are ignored, every field is optional, ids and codes may be strings or numbers, a
//! field of an unexpected shape reads as absent, and enumerations stay strings (compared
//! case-insensitively by the mappers) so an unknown value never fails parsing.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

// `object`: an object of the expected shape, or `None` for anything else (null included).
use crate::connectors::{lenient_object as object, raw_array_items};

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// The body of every Commerce Hub payment call (charges, captures, cancels, refunds and
/// transaction-inquiry): the objects a call does not use are left out.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct PaymentRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_details: Option<TransactionDetails<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_interaction: Option<TransactionInteraction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_transaction_details: Option<ReferenceTransactionDetails<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored_credentials: Option<StoredCredentials<'a>>,
    pub merchant_details: MerchantDetails<'a>,
}

/// `amount`: `total` is a JSON number in major units, written from exact decimal text
/// (never through binary floating point).
#[derive(Serialize)]
pub(super) struct Amount<'a> {
    pub total: Box<RawValue>,
    pub currency: &'a str,
}

/// `source`, tagged by `sourceType`.
#[derive(Serialize)]
#[serde(tag = "sourceType")]
pub(super) enum Source<'a> {
    /// A card (CH docs `Payment-Card.md`).
    PaymentCard { card: CardData<'a> },
    /// A TransArmor token saved by an earlier charge with `createToken` (CH docs
    /// `Payment-Token.md`, "PaymentToken Charges Request"): the token, its source and the
    /// card's expiry.
    PaymentToken {
        #[serde(rename = "tokenData")]
        token_data: &'a str,
        #[serde(rename = "tokenSource")]
        token_source: &'a str,
        card: CardExpiry,
    },
    /// A wallet payload the merchant decrypted, or a network token with its cryptogram (CH
    /// docs `Decrypted-Wallet.md`).
    DecryptedWallet {
        card: CardData<'a>,
        cavv: &'a str,
        #[serde(rename = "walletType")]
        wallet_type: &'static str,
    },
    /// Apple Pay's encrypted `paymentData` (CH docs `Apple-Pay-Web-REST.md`): its fields
    /// (`data`, `header`, `signature`, `version`) as the wallet produced them.
    ApplePay {
        #[serde(flatten)]
        payment_data: serde_json::Map<String, Value>,
    },
    /// Google Pay's encrypted token (CH docs `Google-Pay-Web-REST.md`): `signedMessage` as
    /// `data`, `signature`, and `protocolVersion` as `version`.
    GooglePay {
        data: String,
        signature: String,
        version: String,
    },
}

/// `source.card` of a card or decrypted wallet.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CardData<'a> {
    pub card_data: &'a str,
    pub expiration_month: String,
    pub expiration_year: String,
    /// Left out entirely when there is no security code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_code: Option<&'a str>,
}

/// `source.card` of a token charge: the expiry only.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CardExpiry {
    pub expiration_month: String,
    pub expiration_year: String,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct TransactionDetails<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_flag: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_token: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_type_indicator: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_transaction_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reversal_reason_code: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TransactionInteraction {
    pub origin: &'static str,
    pub eci_indicator: &'static str,
    pub pos_condition_code: &'static str,
}

/// `referenceTransactionDetails`: exactly one identifier is set (CH docs
/// `Reference-Transaction-Details.md`: "Only a single transaction identifier should be
/// passed").
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ReferenceTransactionDetails<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    reference_transaction_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference_order_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference_merchant_transaction_id: Option<&'a str>,
}

impl<'a> ReferenceTransactionDetails<'a> {
    /// By the Commerce Hub `transactionId` of the transaction.
    pub fn transaction_id(id: &'a str) -> Self {
        ReferenceTransactionDetails {
            reference_transaction_id: Some(id),
            reference_order_id: None,
            reference_merchant_transaction_id: None,
        }
    }

    /// By the Commerce Hub `orderId` the transactions share.
    pub fn order_id(id: &'a str) -> Self {
        ReferenceTransactionDetails {
            reference_transaction_id: None,
            reference_order_id: Some(id),
            reference_merchant_transaction_id: None,
        }
    }

    /// By the `merchantTransactionId` the transaction was sent with (your reference).
    pub fn merchant_transaction_id(id: &'a str) -> Self {
        ReferenceTransactionDetails {
            reference_transaction_id: None,
            reference_order_id: None,
            reference_merchant_transaction_id: Some(id),
        }
    }
}

/// `storedCredentials` (CH docs `Stored-Credentials.md`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StoredCredentials<'a> {
    pub scheduled: bool,
    pub initiator: &'static str,
    pub sequence: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme_reference_transaction_id: Option<&'a str>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct MerchantDetails<'a> {
    pub merchant_id: &'a str,
    pub terminal_id: &'a str,
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// One transaction, as charges, cancels and refunds answer it and as each element of a
/// transaction-inquiry array. Some documented examples move objects to the top level
/// (`transactionProcessingDetails`, `processorResponseDetails`) or flatten the processor
/// details into `paymentReceipt`; the accessors below look in every documented place.
#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct Transaction {
    #[serde(deserialize_with = "object")]
    pub gateway_response: Option<GatewayResponse>,
    #[serde(deserialize_with = "object")]
    pub transaction_processing_details: Option<ProcessingDetails>,
    #[serde(deserialize_with = "object")]
    pub source: Option<SourceResponse>,
    #[serde(deserialize_with = "object")]
    pub payment_receipt: Option<PaymentReceipt>,
    #[serde(deserialize_with = "object")]
    pub processor_response_details: Option<ProcessorResponseDetails>,
    #[serde(deserialize_with = "object")]
    pub transaction_details: Option<TransactionDetailsResponse>,
    #[serde(deserialize_with = "lenient_list")]
    pub payment_tokens: Option<Vec<PaymentToken>>,
    #[serde(deserialize_with = "object")]
    pub payment_token: Option<PaymentToken>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct GatewayResponse {
    #[serde(deserialize_with = "opt_text")]
    pub transaction_type: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub transaction_state: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub gateway_transaction_id: Option<String>,
    /// Where one documented example puts the order id.
    #[serde(deserialize_with = "opt_text")]
    pub order_id: Option<String>,
    #[serde(deserialize_with = "object")]
    pub transaction_processing_details: Option<ProcessingDetails>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct ProcessingDetails {
    #[serde(deserialize_with = "opt_text")]
    pub order_id: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub transaction_id: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub api_trace_id: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub client_request_id: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct SourceResponse {
    /// Where the stored-credentials example returns the token.
    #[serde(deserialize_with = "opt_text")]
    pub token_data: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub token_source: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct PaymentReceipt {
    #[serde(deserialize_with = "object")]
    pub approved_amount: Option<AmountResponse>,
    #[serde(deserialize_with = "object")]
    pub processor_response_details: Option<ProcessorResponseDetails>,
    /// Some examples flatten the processor details into the receipt.
    #[serde(flatten)]
    pub flat: ProcessorResponseDetails,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct AmountResponse {
    /// A number or a numeric string (both appear in the documentation).
    pub total: Option<Value>,
    #[serde(deserialize_with = "opt_text")]
    pub currency: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct ProcessorResponseDetails {
    #[serde(deserialize_with = "opt_text")]
    pub approval_status: Option<String>,
    #[serde(deserialize_with = "opt_text", alias = "schemeTransactionID")]
    pub scheme_transaction_id: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub response_code: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub response_message: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub host_response_code: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub host_response_message: Option<String>,
}

impl ProcessorResponseDetails {
    /// The code of a decline or failure: the gateway `responseCode`, or the host's
    /// `hostResponseCode` when the gateway's is absent or says approval (`000`, as some of
    /// Fiserv's declined test answers carry beside the host's `51`); none when both say
    /// approval.
    pub fn failure_code(&self) -> Option<String> {
        let failure = |code: &&String| !code.trim_start_matches('0').is_empty();
        self.response_code
            .as_ref()
            .filter(failure)
            .or(self.host_response_code.as_ref().filter(failure))
            .cloned()
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct TransactionDetailsResponse {
    #[serde(deserialize_with = "opt_bool")]
    pub capture_flag: Option<bool>,
    #[serde(deserialize_with = "opt_text")]
    pub merchant_transaction_id: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct PaymentToken {
    #[serde(deserialize_with = "opt_text")]
    pub token_data: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub token_source: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub token_response_code: Option<String>,
}

impl Transaction {
    /// `transactionProcessingDetails`, under `gatewayResponse` or at the top level.
    fn processing(&self) -> Option<&ProcessingDetails> {
        self.gateway_response
            .as_ref()
            .and_then(|g| g.transaction_processing_details.as_ref())
            .or(self.transaction_processing_details.as_ref())
    }

    /// The Commerce Hub `transactionId` (else `gatewayTransactionId`): what later calls
    /// reference as `referenceTransactionId`.
    pub fn transaction_id(&self) -> Option<String> {
        self.processing()
            .and_then(|p| p.transaction_id.clone())
            .or_else(|| {
                self.gateway_response
                    .as_ref()
                    .and_then(|g| g.gateway_transaction_id.clone())
            })
    }

    /// Whether `id` is this transaction's `transactionId` or `gatewayTransactionId`.
    pub fn has_id(&self, id: &str) -> bool {
        let id = id.trim();
        self.processing()
            .and_then(|p| p.transaction_id.as_deref())
            .is_some_and(|t| t == id)
            || self
                .gateway_response
                .as_ref()
                .and_then(|g| g.gateway_transaction_id.as_deref())
                .is_some_and(|t| t == id)
    }

    pub fn order_id(&self) -> Option<String> {
        self.processing()
            .and_then(|p| p.order_id.clone())
            .or_else(|| {
                self.gateway_response
                    .as_ref()
                    .and_then(|g| g.order_id.clone())
            })
    }

    pub fn api_trace_id(&self) -> Option<String> {
        self.processing().and_then(|p| p.api_trace_id.clone())
    }

    /// `gatewayResponse.transactionType`, upper case.
    pub fn transaction_type(&self) -> Option<String> {
        self.gateway_response
            .as_ref()
            .and_then(|g| g.transaction_type.as_deref())
            .map(str::to_ascii_uppercase)
    }

    /// `gatewayResponse.transactionState`, upper case.
    pub fn state(&self) -> Option<String> {
        self.gateway_response
            .as_ref()
            .and_then(|g| g.transaction_state.as_deref())
            .map(str::to_ascii_uppercase)
    }

    /// The processor response details: `paymentReceipt.processorResponseDetails`, a
    /// top-level `processorResponseDetails`, or the same fields flattened into
    /// `paymentReceipt`.
    pub fn processor_details(&self) -> Option<&ProcessorResponseDetails> {
        let receipt = self.payment_receipt.as_ref();
        receipt
            .and_then(|r| r.processor_response_details.as_ref())
            .or(self.processor_response_details.as_ref())
            .or_else(|| {
                receipt
                    .map(|r| &r.flat)
                    .filter(|f| f.approval_status.is_some() || f.response_code.is_some())
            })
    }

    /// `approvalStatus`, upper case.
    pub fn approval_status(&self) -> Option<String> {
        self.processor_details()
            .and_then(|d| d.approval_status.as_deref())
            .map(str::to_ascii_uppercase)
    }

    /// `paymentReceipt.approvedAmount`.
    pub fn approved_amount(&self) -> Option<&AmountResponse> {
        self.payment_receipt
            .as_ref()
            .and_then(|r| r.approved_amount.as_ref())
    }

    pub fn capture_flag(&self) -> Option<bool> {
        self.transaction_details
            .as_ref()
            .and_then(|d| d.capture_flag)
    }

    pub fn merchant_transaction_id(&self) -> Option<String> {
        self.transaction_details
            .as_ref()
            .and_then(|d| d.merchant_transaction_id.clone())
    }

    /// The saved card's token and its source: a TransArmor entry of `paymentTokens[]` first,
    /// else the first entry with data, else `paymentToken`, else `source.tokenData`.
    pub fn token(&self) -> Option<(String, String)> {
        fn pair(t: &PaymentToken) -> Option<(String, String)> {
            let data = t.token_data.clone()?;
            let source = t
                .token_source
                .clone()
                .unwrap_or_else(|| "TRANSARMOR".into());
            let failed = t.token_response_code.as_deref().is_some_and(|c| {
                !c.trim().is_empty() && !c.trim().trim_start_matches('0').is_empty()
            });
            (!failed).then_some((source, data))
        }
        let tokens = self.payment_tokens.as_deref().unwrap_or_default();
        tokens
            .iter()
            .filter(|t| {
                t.token_source
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case("TRANSARMOR"))
            })
            .find_map(pair)
            .or_else(|| tokens.iter().find_map(pair))
            .or_else(|| self.payment_token.as_ref().and_then(pair))
            .or_else(|| {
                let source = self.source.as_ref()?;
                Some((
                    source
                        .token_source
                        .clone()
                        .unwrap_or_else(|| "TRANSARMOR".into()),
                    source.token_data.clone()?,
                ))
            })
    }
}

/// An error body (CH OAS `ErrorResponse`, CH docs `Error-Response.md`), with the documented
/// variants: the items in `error[]` or `details[]`, at the top level, inside
/// `gatewayResponse` (5xx examples) or inside an `errorResponse` wrapper.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct ErrorBody {
    #[serde(deserialize_with = "object")]
    pub gateway_response: Option<ErrorGatewayResponse>,
    #[serde(deserialize_with = "one_or_many")]
    pub error: Vec<ErrorItem>,
    #[serde(deserialize_with = "one_or_many")]
    pub details: Vec<ErrorItem>,
    #[serde(deserialize_with = "object")]
    pub error_response: Option<Box<ErrorBody>>,
    /// A bare `{"code": ..., "message": ...}` (gateway answers outside the documented shape).
    #[serde(flatten)]
    pub top: ErrorItem,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct ErrorGatewayResponse {
    #[serde(deserialize_with = "object")]
    pub transaction_processing_details: Option<ProcessingDetails>,
    #[serde(deserialize_with = "one_or_many")]
    pub error: Vec<ErrorItem>,
    #[serde(deserialize_with = "one_or_many")]
    pub details: Vec<ErrorItem>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct ErrorItem {
    #[serde(rename = "type", deserialize_with = "opt_text")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub code: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub field: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub message: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub additional_info: Option<String>,
}

impl ErrorBody {
    /// The first error item, wherever the body puts it.
    pub fn first_item(&self) -> Option<&ErrorItem> {
        let nested = self.gateway_response.as_ref();
        self.error
            .first()
            .or_else(|| self.details.first())
            .or_else(|| nested.and_then(|g| g.error.first()))
            .or_else(|| nested.and_then(|g| g.details.first()))
            .or_else(|| self.error_response.as_ref().and_then(|e| e.first_item()))
            .or_else(|| Some(&self.top).filter(|t| t.code.is_some() || t.message.is_some()))
    }

    /// The `apiTraceId` of the failed call.
    pub fn api_trace_id(&self) -> Option<String> {
        self.gateway_response
            .as_ref()
            .and_then(|g| g.transaction_processing_details.as_ref())
            .and_then(|d| d.api_trace_id.clone())
            .or_else(|| self.error_response.as_ref().and_then(|e| e.api_trace_id()))
    }
}

// ---------------------------------------------------------------------------------------------
// Lenient field readers
// ---------------------------------------------------------------------------------------------

/// A list of objects of the expected shape (items of another shape are skipped), or `None`
/// when the value is not a list.
fn lenient_list<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    Ok(raw_array_items(d)?.map(|items| {
        items
            .iter()
            .filter(|item| item.get().starts_with('{'))
            .filter_map(|item| serde_json::from_str(item.get()).ok())
            .collect()
    }))
}

/// Text from a string, number or boolean; `None` for an empty string or any other shape.
fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// A boolean, also written as the text `"true"` / `"false"`.
fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })
}

/// A list of error items, or a single item object; anything else is an empty list.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ErrorItem>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter(Value::is_object)
            .filter_map(|item| serde_json::from_value(item).ok())
            .collect(),
        item @ Value::Object(_) => serde_json::from_value(item).into_iter().collect(),
        _ => Vec::new(),
    })
}
