//! Disputes (Razorpay API reference, "Disputes"): accept, submit evidence (upload documents, then contest as a draft)
//! and defend (contest with `submit`).
//!
//! submit_evidence is multi-step: one `POST /v1/documents` (multipart) per document, then
//! `PATCH /v1/disputes/{id}/contest` with `action: "draft"` and the document ids in the arrays
//! for their evidence type.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::wire::{non_empty, DisputeEntity, IdEntity};
use super::{errors, parse_success, response_money, Razorpay};
use crate::connector::single_exchange;
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse, Step};
use crate::mask::mask_body;
use crate::types::*;

/// Razorpay's limit on the contest `summary`.
const SUMMARY_MAX_CHARS: usize = 1000;

/// The evidence arrays of the contest body, each a list of document ids.
const EVIDENCE_ARRAYS: &[&str] = &[
    "shipping_proof",
    "billing_proof",
    "cancellation_proof",
    "customer_communication",
    "proof_of_service",
    "explanation_letter",
    "refund_confirmation",
    "access_activity_log",
    "refund_cancellation_policy",
    "term_and_conditions",
];

/// Where a document's id goes in the contest body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum EvidenceSlot {
    /// One of [`EVIDENCE_ARRAYS`].
    Array(&'static str),
    /// `others[{type, document_ids}]` with this type.
    Other(String),
}

/// The contest slot of a document: its `connector_document_type` when given (an array name,
/// or else an `others` type), otherwise the mapping of its evidence type.
pub(super) fn evidence_slot(doc: &EvidenceDocument) -> EvidenceSlot {
    if let Some(t) = non_empty(doc.connector_document_type.clone()) {
        return match EVIDENCE_ARRAYS.iter().find(|a| **a == t) {
            Some(a) => EvidenceSlot::Array(a),
            None => EvidenceSlot::Other(t),
        };
    }
    EvidenceSlot::Array(match doc.evidence_type {
        EvidenceType::Receipt => "billing_proof",
        EvidenceType::ShippingProof => "shipping_proof",
        EvidenceType::CustomerCommunication => "customer_communication",
        EvidenceType::RefundPolicy | EvidenceType::CancellationPolicy => {
            "refund_cancellation_policy"
        }
        EvidenceType::ServiceDocumentation => "proof_of_service",
        EvidenceType::AccessActivityLog => "access_activity_log",
        EvidenceType::ExplanationLetter => "explanation_letter",
        EvidenceType::Other => return EvidenceSlot::Other("other".into()),
    })
}

/// What a dispute call did, to read the answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Accept,
    Draft,
    Submit,
}

pub(super) fn accept(
    c: &Razorpay,
    req: &AcceptDisputeRequest,
    responses: &[HttpResponse],
) -> Result<Step<DisputeResponse>> {
    single_exchange(
        responses,
        || {
            Ok(c.request(
                HttpMethod::Post,
                c.id_url(
                    "disputes",
                    "connector_dispute_id",
                    &req.connector_dispute_id,
                    "/accept",
                )?,
            ))
        },
        |r| parse_dispute(r, Action::Accept),
    )
}

pub(super) fn defend(
    c: &Razorpay,
    req: &DefendDisputeRequest,
    responses: &[HttpResponse],
) -> Result<Step<DisputeResponse>> {
    single_exchange(
        responses,
        || {
            let url = c.id_url(
                "disputes",
                "connector_dispute_id",
                &req.connector_dispute_id,
                "/contest",
            )?;
            // The evidence saved by submit_evidence (a draft) is what gets submitted.
            Ok(c.request(HttpMethod::Patch, url)
                .json_body(&json!({"action": "submit"})))
        },
        |r| parse_dispute(r, Action::Submit),
    )
}

pub(super) fn submit_evidence(
    c: &Razorpay,
    req: &SubmitEvidenceRequest,
    responses: &[HttpResponse],
) -> Result<Step<DisputeResponse>> {
    let contest_url = c.id_url(
        "disputes",
        "connector_dispute_id",
        &req.connector_dispute_id,
        "/contest",
    )?;
    let summary = non_empty(req.summary.clone());
    // A contest takes documents, a summary, or both.
    if req.documents.is_empty() && summary.is_none() {
        return Err(Error::invalid_request(
            "documents",
            "at least one document, or a summary, is required",
        ));
    }
    if let Some(s) = &summary {
        if s.chars().count() > SUMMARY_MAX_CHARS {
            return Err(Error::invalid_request(
                "summary",
                format!("Razorpay takes a summary of at most {SUMMARY_MAX_CHARS} characters"),
            ));
        }
    }
    // Check every document before the first upload.
    for (i, doc) in req.documents.iter().enumerate() {
        check_document(doc, i)?;
    }

    let n = req.documents.len();
    let mut document_ids = Vec::with_capacity(n);
    for response in responses.iter().take(n) {
        document_ids.push(parse_document(response)?);
    }
    if responses.len() < n {
        let i = responses.len();
        return Ok(Step::Send(document_upload(c, &req.documents[i], i)));
    }
    match &responses[n..] {
        [] => {
            let body = contest_body("draft", summary.as_deref(), &req.documents, &document_ids);
            Ok(Step::Send(
                c.request(HttpMethod::Patch, contest_url).json_body(&body),
            ))
        }
        [response] => parse_dispute(response, Action::Draft).map(Step::Done),
        _ => Err(Error::internal(
            "razorpay submit_evidence: more responses than requests",
        )),
    }
}

/// `POST /v1/documents`: multipart/form-data with `file` and `purpose=dispute_evidence`.
fn document_upload(c: &Razorpay, doc: &EvidenceDocument, index: usize) -> HttpRequest {
    let content = doc.content.as_slice();
    let boundary = loop {
        let candidate = format!("----razorpay-evidence-{}", random_token(32));
        if !contains(content, candidate.as_bytes()) {
            break candidate;
        }
    };
    let body = multipart_body(
        &boundary,
        &file_name(doc, index),
        doc.mime_type.trim(),
        content,
    );
    c.request(HttpMethod::Post, c.urls.documents.clone())
        .raw_body(&format!("multipart/form-data; boundary={boundary}"), body)
}

/// A document's MIME type goes into a part header: it must not be able to break out of it.
fn check_document(doc: &EvidenceDocument, index: usize) -> Result<()> {
    if doc.content.as_slice().is_empty() {
        return Err(Error::invalid_request(
            format!("documents[{index}].content"),
            "must not be empty",
        ));
    }
    let mime = doc.mime_type.trim();
    let valid = mime
        .split_once('/')
        .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty())
        && mime.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !mime.contains('"');
    if !valid {
        return Err(Error::invalid_request(
            format!("documents[{index}].mime_type"),
            "must be a MIME type such as application/pdf",
        ));
    }
    Ok(())
}

/// The file name sent for a document: the given one with quotes, backslashes, slashes and
/// control characters replaced, or `evidence-N.ext`.
pub(super) fn file_name(doc: &EvidenceDocument, index: usize) -> String {
    let cleaned = doc.file_name.as_deref().map(|n| {
        n.trim()
            .chars()
            .map(|c| {
                if c.is_control() || matches!(c, '"' | '\\' | '/') {
                    '_'
                } else {
                    c
                }
            })
            .take(120)
            .collect::<String>()
    });
    match cleaned.filter(|n| !n.is_empty()) {
        Some(n) => n,
        None => {
            let ext = match doc.mime_type.trim().to_ascii_lowercase().as_str() {
                "application/pdf" => "pdf",
                "image/jpeg" | "image/jpg" => "jpg",
                "image/png" => "png",
                "text/plain" => "txt",
                _ => "bin",
            };
            format!("evidence-{}.{ext}", index + 1)
        }
    }
}

/// A multipart/form-data body with the `purpose` field and the `file` part.
pub(super) fn multipart_body(
    boundary: &str,
    file_name: &str,
    mime_type: &str,
    content: &[u8],
) -> Vec<u8> {
    let mut body = Vec::with_capacity(content.len() + 512);
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(b"Content-Disposition: form-data; name=\"purpose\"\r\n\r\n");
    body.extend_from_slice(b"dispute_evidence\r\n");
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        format!("Content-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(format!("Content-Type: {mime_type}\r\n\r\n").as_bytes());
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

fn random_token(len: usize) -> String {
    (0..len).map(|_| fastrand::alphanumeric()).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The contest body: the action, the summary, and each document id in its slot.
pub(super) fn contest_body(
    action: &str,
    summary: Option<&str>,
    documents: &[EvidenceDocument],
    ids: &[String],
) -> Value {
    let mut arrays: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut others: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (doc, id) in documents.iter().zip(ids) {
        match evidence_slot(doc) {
            EvidenceSlot::Array(a) => arrays.entry(a).or_default().push(id.clone()),
            EvidenceSlot::Other(t) => others.entry(t).or_default().push(id.clone()),
        }
    }
    let mut body = Map::new();
    body.insert("action".into(), json!(action));
    if let Some(s) = summary {
        body.insert("summary".into(), json!(s));
    }
    for (name, ids) in arrays {
        body.insert(name.into(), json!(ids));
    }
    if !others.is_empty() {
        let list: Vec<Value> = others
            .into_iter()
            .map(|(t, ids)| json!({"type": t, "document_ids": ids}))
            .collect();
        body.insert("others".into(), Value::Array(list));
    }
    Value::Object(body)
}

/// The document entity's id.
fn parse_document(response: &HttpResponse) -> Result<String> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let doc: IdEntity = parse_success(response, "document")?;
    non_empty(doc.id)
        .ok_or_else(|| super::invalid_response(response, "Razorpay's document has no id"))
}

/// Razorpay dispute status into the unified one (`closed` → cancelled is a judgement call: a
/// case closed without a chargeback decision). `None` for an unknown status.
pub(super) fn dispute_status(status: &str) -> Option<DisputeStatus> {
    Some(match status {
        "open" => DisputeStatus::Opened,
        "under_review" => DisputeStatus::Challenged,
        "won" => DisputeStatus::Won,
        "lost" => DisputeStatus::Lost,
        "closed" => DisputeStatus::Cancelled,
        _ => return None,
    })
}

/// Razorpay dispute `phase` into the unified stage.
pub(super) fn dispute_stage(phase: &str) -> Option<DisputeStage> {
    Some(match phase {
        "fraud" | "retrieval" => DisputeStage::PreDispute,
        "chargeback" => DisputeStage::Dispute,
        "pre_arbitration" | "arbitration" => DisputeStage::PreArbitration,
        _ => return None,
    })
}

/// The dispute entity answer of accept or contest.
fn parse_dispute(response: &HttpResponse, action: Action) -> Result<DisputeResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let d: DisputeEntity = parse_success(response, "dispute")?;
    let id = non_empty(d.id)
        .ok_or_else(|| super::invalid_response(response, "Razorpay's dispute has no id"))?;
    let raw = non_empty(d.status);
    let mapped = raw.as_deref().and_then(dispute_status);
    let status = match action {
        // Accepting concedes the dispute (the entity comes back `lost`).
        Action::Accept => DisputeStatus::Accepted,
        // A submitted defence is under review until decided.
        Action::Submit => match mapped {
            Some(
                decided @ (DisputeStatus::Won | DisputeStatus::Lost | DisputeStatus::Cancelled),
            ) => decided,
            _ => DisputeStatus::Challenged,
        },
        // A draft leaves the dispute as it was (open); a status this connector does not know
        // is taken as still open (the raw value stays in `connector_status`).
        Action::Draft => mapped.unwrap_or(DisputeStatus::Opened),
    };
    let mut r = DisputeResponse::new(ConnectorName::Razorpay, status, id);
    r.connector_status = raw;
    r.stage = d.phase.as_deref().and_then(dispute_stage);
    r.amount = response_money(response, &d.amount, d.currency.as_deref())?;
    r.http_status = Some(response.status);
    r.request_id = response.request_id();
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(r)
}
