//! Disputes API v30 (Adyen API reference, Disputes API): `acceptDispute`,
//! `supplyDefenseDocument` and `defendDispute`, each a POST of
//! `{disputePspReference, merchantAccountCode, ...}` answered with
//! `{"disputeServiceResult": {"success": bool, "errorMessage"?}}`.
//!
//! * **Document types.** Each document needs a `defenseDocumentTypeCode`. A receipt maps to
//!   `TIDorInvoice` (transaction id or invoice); every other evidence type maps to
//!   `DefenseMaterial`, Adyen's generic defence material, which the generic
//!   `SupplyDefenseMaterial` reason takes. `EvidenceDocument.connector_document_type`
//!   overrides the mapping for reason-specific types (e.g. `GoodsWereAsDescribed`).
//! * **Defence reason.** `defenseReasonCode` is the request's `reason_code`; without one it
//!   is `SupplyDefenseMaterial`, the reason that accepts generic defence material. Disputes
//!   with other applicable reasons (see Adyen's `retrieveApplicableDefenseReasons`) need the
//!   reason code given explicitly.

use base64::Engine;

use super::wire::{self, DisputeServiceResponse};
use super::{errors, Adyen};
use crate::connector::single_exchange;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{FlowContext, HttpResponse, Step};
use crate::mask::mask_body;
use crate::types::*;

/// The defence reason used when the request names none.
pub const DEFAULT_DEFENSE_REASON: &str = "SupplyDefenseMaterial";

/// Adyen's `defenseDocumentTypeCode` for an evidence type.
pub fn document_type_code(evidence: EvidenceType) -> &'static str {
    match evidence {
        EvidenceType::Receipt => "TIDorInvoice",
        EvidenceType::ShippingProof
        | EvidenceType::CustomerCommunication
        | EvidenceType::RefundPolicy
        | EvidenceType::CancellationPolicy
        | EvidenceType::ServiceDocumentation
        | EvidenceType::AccessActivityLog
        | EvidenceType::ExplanationLetter
        | EvidenceType::Other => "DefenseMaterial",
    }
}

/// Accept: `acceptDispute` (`accepted`).
pub(super) fn accept(
    c: &Adyen,
    req: &AcceptDisputeRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<DisputeResponse>> {
    single_exchange(
        responses,
        || {
            let body = wire::AcceptDisputeRequest {
                dispute_psp_reference: &req.connector_dispute_id,
                merchant_account_code: &c.merchant_account,
            };
            c.disputes_post(c.urls.accept_dispute.clone(), &body, cx)
        },
        |r| parse_dispute_result(r, &req.connector_dispute_id, Flow::AcceptDispute),
    )
}

/// Submit evidence: `supplyDefenseDocument` (`challenged`: stored, not decided).
pub(super) fn submit_evidence(
    c: &Adyen,
    req: &SubmitEvidenceRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<DisputeResponse>> {
    single_exchange(
        responses,
        || {
            let body = supply_defense_document_request(c, req)?;
            c.disputes_post(c.urls.supply_defense_document.clone(), &body, cx)
        },
        |r| parse_dispute_result(r, &req.connector_dispute_id, Flow::SubmitEvidence),
    )
}

/// Defend: `defendDispute` (`challenged`: submitted, not decided).
pub(super) fn defend(
    c: &Adyen,
    req: &DefendDisputeRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<DisputeResponse>> {
    single_exchange(
        responses,
        || {
            let reason = match req.reason_code.as_deref().map(str::trim) {
                Some("") => return Err(Error::invalid_request("reason_code", "must not be empty")),
                Some(code) => code,
                None => DEFAULT_DEFENSE_REASON,
            };
            let body = wire::DefendDisputeRequest {
                defense_reason_code: reason,
                dispute_psp_reference: &req.connector_dispute_id,
                merchant_account_code: &c.merchant_account,
            };
            c.disputes_post(c.urls.defend_dispute.clone(), &body, cx)
        },
        |r| parse_dispute_result(r, &req.connector_dispute_id, Flow::DefendDispute),
    )
}

fn supply_defense_document_request<'a>(
    c: &'a Adyen,
    req: &'a SubmitEvidenceRequest,
) -> Result<wire::SupplyDefenseDocumentRequest<'a>> {
    if req.documents.is_empty() {
        return Err(Error::invalid_request(
            "documents",
            "at least one document is required",
        ));
    }
    let mut documents = Vec::with_capacity(req.documents.len());
    for (i, doc) in req.documents.iter().enumerate() {
        if doc.content.as_slice().is_empty() {
            return Err(Error::invalid_request(
                format!("documents[{i}].content"),
                "must not be empty",
            ));
        }
        let type_code = match doc.connector_document_type.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => code.to_string(),
            _ => document_type_code(doc.evidence_type).to_string(),
        };
        // Adyen takes the bare MIME type (`application/pdf`), without parameters.
        let content_type = doc.mime_type.split(';').next().unwrap_or("").trim();
        documents.push(wire::DefenseDocument {
            content: base64::engine::general_purpose::STANDARD.encode(doc.content.as_slice()),
            content_type: content_type.to_string(),
            defense_document_type_code: type_code,
        });
    }
    Ok(wire::SupplyDefenseDocumentRequest {
        defense_documents: documents,
        dispute_psp_reference: &req.connector_dispute_id,
        merchant_account_code: &c.merchant_account,
    })
}

/// Reads `disputeServiceResult`. `success: true` is `accepted` for an accept and `challenged`
/// for evidence and a defence (submitted, not decided); `success: false` is an error carrying
/// Adyen's `errorMessage`.
pub(super) fn parse_dispute_result(
    response: &HttpResponse,
    dispute_id: &str,
    flow: Flow,
) -> Result<DisputeResponse> {
    let body: DisputeServiceResponse = errors::success_body(response)?;
    let result = body.dispute_service_result.ok_or_else(|| {
        errors::invalid_response(response, "an answer without disputeServiceResult")
    })?;
    let Some(success) = result.success else {
        return Err(errors::invalid_response(
            response,
            "a disputeServiceResult without success",
        ));
    };
    let request_id = errors::header_psp_reference(response);
    if !success {
        let message = result.error_message;
        let mut e = Error::new(
            ErrorCode::ProcessorError,
            format!(
                "Adyen refused the dispute operation: {}",
                message.as_deref().unwrap_or("no error message given")
            ),
        );
        e.http_status = Some(response.status);
        e.processor_message = message.map(|m| crate::mask::mask_text(&m));
        return Err(e.with_request_id(request_id));
    }
    let status = match flow {
        Flow::AcceptDispute => DisputeStatus::Accepted,
        _ => DisputeStatus::Challenged,
    };
    let mut dispute = DisputeResponse::new(ConnectorName::Adyen, status, dispute_id);
    dispute.connector_status = Some("success".to_string());
    dispute.http_status = Some(response.status);
    dispute.request_id = request_id;
    dispute.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(dispute)
}
