//! The Converge XML documents: the request `<txn>` (serialized) and the response `<txn>` /
//! `<txnlist>` (deserialized), with the response's enumerations and their catch-alls.
//!
//! Field names are those of the Converge developer docs ("Integration guide > Transaction
//! types" and "Error codes"). Response fields are all optional strings, read leniently: unknown
//! elements are ignored, and every value is trimmed before use (a decline can carry
//! `ssl_approval_code` as six spaces).

use serde::{Deserialize, Deserializer, Serialize};

use super::xml::{self, XmlFailure};

/// A request document. Only the fields set are sent: Converge wants absent fields left out,
/// not sent empty. Holds the PIN and card data, so it has no `Debug`.
#[derive(Serialize, Default)]
pub struct TxnRequest {
    pub ssl_merchant_id: String,
    pub ssl_user_id: String,
    pub ssl_pin: String,
    pub ssl_transaction_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_txn_id: Option<String>,
    /// `txnquery` search: the first day searched (`MM/DD/YYYY`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_search_start_date: Option<String>,
    /// `txnquery` search: the card's last four digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_card_suffix: Option<String>,
    /// `txnquery` search: the last day searched (`MM/DD/YYYY`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_search_end_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_transaction_currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_card_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_exp_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_cvv2cvc2_indicator: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_cvv2cvc2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_get_token: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_add_token: Option<&'static str>,
    /// `ccgettoken`: `N` tokenises without verifying the card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_verify: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_avs_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_avs_zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_customer_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_invoice_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_partial_shipment_flag: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_recurring_flag: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_merchant_initiated_unscheduled: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_entry_mode: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_oar_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_ps2000_data: Option<String>,
}

impl TxnRequest {
    /// The `<txn>` document.
    pub fn to_xml(&self) -> Result<String, String> {
        xml::to_xml("txn", self)
    }
}

/// A response `<txn>`: an approval, a decline, a query result or an error document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Txn {
    #[serde(default, deserialize_with = "text")]
    pub ssl_result: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_result_message: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_transaction_type: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_txn_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_approval_code: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_amount: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_transaction_currency: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_issuer_response: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_invoice_number: Option<String>,
    /// `MM/DD/YYYY hh:mm:ss AM/PM`, the terminal's local time.
    #[serde(default, deserialize_with = "text")]
    pub ssl_txn_time: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_oar_data: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_ps2000_data: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_token: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_token_response: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_add_token_response: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_trans_status: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_avs_response: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub ssl_cvv2_response: Option<String>,
    #[serde(default, deserialize_with = "text", rename = "errorCode")]
    pub error_code: Option<String>,
    #[serde(default, deserialize_with = "text", rename = "errorName")]
    pub error_name: Option<String>,
    #[serde(default, deserialize_with = "text", rename = "errorMessage")]
    pub error_message: Option<String>,
}

/// A response `<txnlist>`: the list form of query results (Converge SDK model).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct TxnList {
    #[serde(default, deserialize_with = "text")]
    pub ssl_txn_count: Option<String>,
    #[serde(default)]
    pub txn: Vec<Txn>,
}

/// An element's text, trimmed; `None` when missing, empty or only whitespace.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value: Option<String> = Option::deserialize(d)?;
    Ok(value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty()))
}

/// A parsed response document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Document {
    Txn(Box<Txn>),
    List(TxnList),
}

impl Document {
    /// The transaction of a query by `txn_id`: the flat `<txn>`, or the list entry with that id
    /// (the only entry, when a list holds one without an id).
    pub fn into_txn(self, txn_id: Option<&str>) -> Option<Txn> {
        match self {
            Document::Txn(t) => Some(*t),
            Document::List(list) => {
                let wanted = txn_id.map(str::trim);
                let count = list.txn.len();
                let mut entries = list.txn.into_iter();
                if count == 1 {
                    let only = entries.next()?;
                    return match (&only.ssl_txn_id, wanted) {
                        (Some(id), Some(w)) if id != w => None,
                        _ => Some(only),
                    };
                }
                let wanted = wanted?;
                entries.find(|t| t.ssl_txn_id.as_deref() == Some(wanted))
            }
        }
    }
}

/// Parses a response body: size-capped, DOCTYPE and undeclared entities refused, `<txn>` or
/// `<txnlist>` root.
pub fn parse_document(body: &[u8]) -> Result<Document, XmlFailure> {
    let text = xml::body_text(body)?;
    let root = xml::scan(&text)?;
    match root.as_str() {
        "txn" => xml::deserialize::<Txn>(&text).map(|t| Document::Txn(Box::new(t))),
        "txnlist" => xml::deserialize::<TxnList>(&text).map(Document::List),
        other => Err(XmlFailure::NotXml(format!(
            "the response's root element is <{}>, not <txn> or <txnlist>",
            xml::truncate(other, 32)
        ))),
    }
}

/// `ssl_transaction_type` of a response (upper case on the wire), with a catch-all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransactionType {
    Sale,
    AuthOnly,
    /// A completion (`cccomplete`) or a force.
    Force,
    Return,
    Delete,
    Void,
    CardVerification,
    GetToken,
    Other(String),
}

impl TransactionType {
    pub fn parse(value: &str) -> TransactionType {
        match value.trim().to_ascii_uppercase().as_str() {
            "SALE" | "CCSALE" => TransactionType::Sale,
            "AUTHONLY" | "CCAUTHONLY" => TransactionType::AuthOnly,
            "FORCE" | "CCFORCE" | "CCCOMPLETE" => TransactionType::Force,
            "RETURN" | "CCRETURN" => TransactionType::Return,
            "DELETE" | "CCDELETE" => TransactionType::Delete,
            "VOID" | "CCVOID" => TransactionType::Void,
            "CARDVERIFICATION" | "CCVERIFY" => TransactionType::CardVerification,
            "GETTOKEN" | "CCGETTOKEN" => TransactionType::GetToken,
            _ => TransactionType::Other(value.trim().to_string()),
        }
    }
}

/// `ssl_trans_status` of a query result, with a catch-all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransStatus {
    /// Pended.
    Pen,
    /// Unpended / released: in the open batch.
    Opn,
    /// Under review.
    Rev,
    /// Settled.
    Stl,
    /// Failed because of a post-authorisation rule.
    Pst,
    /// Failed because of fraud-prevention rules.
    Fpr,
    /// Failed because of a pre-authorisation rule.
    Pre,
    Other(String),
}

impl TransStatus {
    pub fn parse(value: &str) -> TransStatus {
        match value.trim().to_ascii_uppercase().as_str() {
            "PEN" => TransStatus::Pen,
            "OPN" => TransStatus::Opn,
            "REV" => TransStatus::Rev,
            "STL" => TransStatus::Stl,
            "PST" => TransStatus::Pst,
            "FPR" => TransStatus::Fpr,
            "PRE" => TransStatus::Pre,
            _ => TransStatus::Other(value.trim().to_string()),
        }
    }

    /// Failed by a pre-, post-authorisation or fraud rule.
    pub fn is_failed(&self) -> bool {
        matches!(self, TransStatus::Pst | TransStatus::Fpr | TransStatus::Pre)
    }

    /// Went through: in the open batch or settled (pended, under review, failed by a rule, or
    /// unknown: not yet, or not at all).
    pub fn is_through(&self) -> bool {
        matches!(self, TransStatus::Opn | TransStatus::Stl)
    }
}

/// What a response `<txn>` says (Converge docs: a transaction with `ssl_result`, or an error
/// document with `errorCode`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `errorCode` present (and not `0`): the request was rejected.
    Error,
    /// `ssl_result` is `0`.
    Approved,
    /// `ssl_result` present and not `0`.
    Declined,
    /// Neither: the document cannot be understood.
    Unknown,
}

impl Txn {
    pub fn outcome(&self) -> Outcome {
        // `errorCode` `0` is no error: the Converge SDK model's search sample carries it on
        // approved entries.
        if self.error_code.as_deref().is_some_and(|code| code != "0") {
            Outcome::Error
        } else {
            match self.ssl_result.as_deref() {
                Some("0") => Outcome::Approved,
                Some(_) => Outcome::Declined,
                None => Outcome::Unknown,
            }
        }
    }

    pub fn transaction_type(&self) -> Option<TransactionType> {
        self.ssl_transaction_type
            .as_deref()
            .map(TransactionType::parse)
    }

    pub fn trans_status(&self) -> Option<TransStatus> {
        self.ssl_trans_status.as_deref().map(TransStatus::parse)
    }

    /// The saved card's token, when tokenisation succeeded: `ssl_token` with
    /// `ssl_token_response` `SUCCESS` (or with no `ssl_token_response` at all). A token
    /// response of `Failed` (or anything else) means no usable token.
    pub fn token(&self) -> Option<&str> {
        let success = self
            .ssl_token_response
            .as_deref()
            .is_none_or(|r| r.eq_ignore_ascii_case("SUCCESS"));
        if success {
            self.ssl_token.as_deref()
        } else {
            None
        }
    }

    /// The card network's transaction reference, `ssl_oar_data|ssl_ps2000_data` (the format
    /// ActiveMerchant's Elavon gateway uses as its network transaction id).
    pub fn network_transaction_id(&self) -> Option<String> {
        match (&self.ssl_oar_data, &self.ssl_ps2000_data) {
            (None, None) => None,
            (oar, ps2000) => Some(format!(
                "{}|{}",
                oar.as_deref().unwrap_or(""),
                ps2000.as_deref().unwrap_or("")
            )),
        }
    }
}

/// Splits a network transaction id back into `(ssl_oar_data, ssl_ps2000_data)`: `oar|ps2000`;
/// without a `|`, a value longer than 22 characters is OAR data, a shorter one PS2000 data
/// (ActiveMerchant's Elavon gateway, `add_stored_credential`).
pub fn split_network_transaction_id(id: &str) -> (Option<String>, Option<String>) {
    let non_empty = |s: &str| {
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_string())
    };
    match id.split_once('|') {
        Some((oar, ps2000)) => (non_empty(oar), non_empty(ps2000)),
        None if id.trim().chars().count() > 22 => (non_empty(id), None),
        None => (None, non_empty(id)),
    }
}
