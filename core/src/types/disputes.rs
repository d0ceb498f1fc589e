//! The disputes service.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::*;
use crate::money::Money;

/// Accept a dispute (concede it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptDisputeRequest {
    /// The processor's dispute id.
    pub connector_dispute_id: String,
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// What a piece of evidence shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceType {
    /// Receipt, invoice or transaction record.
    Receipt,
    /// Proof of shipping or delivery.
    ShippingProof,
    /// Messages exchanged with the customer.
    CustomerCommunication,
    /// The refund policy shown to the customer.
    RefundPolicy,
    /// The cancellation policy shown to the customer.
    CancellationPolicy,
    /// Proof the service was provided.
    ServiceDocumentation,
    /// Logs of the customer's access or activity.
    AccessActivityLog,
    /// A letter explaining the merchant's position.
    ExplanationLetter,
    /// Anything else.
    Other,
}

/// One evidence document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceDocument {
    pub evidence_type: EvidenceType,
    /// The file's bytes.
    pub content: Bytes,
    /// The file's MIME type, e.g. `application/pdf`.
    pub mime_type: String,
    #[serde(default)]
    pub file_name: Option<String>,
    /// The processor's own document type code, overriding the mapping of `evidence_type`
    /// (e.g. Adyen `defenseDocumentTypeCode`).
    #[serde(default)]
    pub connector_document_type: Option<String>,
}

/// Submit evidence for a dispute (without yet asking for a decision where the processor
/// separates the two).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitEvidenceRequest {
    pub connector_dispute_id: String,
    /// The evidence files. Without any, the summary alone is the evidence, where the processor
    /// takes text alone (Checkout.com, Razorpay; Adyen needs a document).
    pub documents: Vec<EvidenceDocument>,
    /// A summary of the defence, where the processor takes one.
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// Defend a dispute: submit the defence for a decision.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefendDisputeRequest {
    pub connector_dispute_id: String,
    /// The processor's defence reason code (e.g. Adyen `SupplyDefenseMaterial`), where needed.
    #[serde(default)]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// The processor's answer to a dispute operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DisputeResponse {
    pub status: DisputeStatus,
    pub connector: ConnectorName,
    pub connector_dispute_id: String,
    #[serde(default)]
    pub connector_status: Option<String>,
    #[serde(default)]
    pub stage: Option<DisputeStage>,
    #[serde(default)]
    pub amount: Option<Money>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub http_status: Option<u16>,
    #[serde(default)]
    pub raw_response: Option<String>,
}

impl DisputeResponse {
    pub fn new(
        connector: ConnectorName,
        status: DisputeStatus,
        connector_dispute_id: impl Into<String>,
    ) -> Self {
        DisputeResponse {
            status,
            connector,
            connector_dispute_id: connector_dispute_id.into(),
            connector_status: None,
            stage: None,
            amount: None,
            idempotency_key: None,
            request_id: None,
            http_status: None,
            raw_response: None,
        }
    }
}
