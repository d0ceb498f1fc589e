//! Disputes (Checkout.com API reference, Disputes > "Accept dispute", "Provide dispute
//! evidence", "Submit dispute evidence"; Files > "Upload a file").
//!
//! | flow | requests | unified |
//! |---|---|---|
//! | accept | `POST /disputes/{id}/accept` (204) | `accepted` |
//! | submit_evidence | one `POST /files` per document (multipart: `file`, `purpose=dispute_evidence`; 200 `{"id": "file_..."}`), then `PUT /disputes/{id}/evidence` with each file id in its `*_file` field (204) | `challenged` (the evidence is saved) |
//! | defend | `POST /disputes/{id}/evidence` (204): the final submission to the scheme | `challenged` |
//!
//! submit_evidence is a multi-step sans-IO flow: the responses received so far say how many
//! files are uploaded. Every step carries its own idempotency key (`cx.step_key(i)`).

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::wire::Created;
use super::{errors, invalid_response, parse_success, Checkout};
use crate::connector::single_exchange;
use crate::error::{Error, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::mask::mask_body;
use crate::types::*;

/// The largest evidence file Checkout.com takes (Files > "Upload a file": 4 MB).
pub(super) const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Checkout.com's limit on a `*_text` evidence field.
pub(super) const TEXT_MAX_CHARS: usize = 500;

/// The evidence fields of `ProvideEvidenceRequest`, without their `_file` / `_text` suffix.
pub(super) const EVIDENCE_FIELDS: &[&str] = &[
    "proof_of_delivery_or_service",
    "invoice_or_receipt",
    "invoice_showing_distinct_transactions",
    "customer_communication",
    "refund_or_cancellation_policy",
    "recurring_transaction_agreement",
    "additional_evidence",
    "proof_of_delivery_or_service_date",
];

/// Where the summary goes: the free-text field of the additional evidence.
const SUMMARY_FIELD: &str = "additional_evidence_text";

pub(super) fn accept(
    c: &Checkout,
    req: &AcceptDisputeRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<DisputeResponse>> {
    let url = c.id_url(
        "disputes",
        "connector_dispute_id",
        &req.connector_dispute_id,
        "/accept",
    )?;
    let id = req.connector_dispute_id.trim().to_string();
    single_exchange(
        responses,
        || c.write(HttpMethod::Post, url, cx.step_key(0)),
        |r| parse_no_content(r, &id, DisputeStatus::Accepted),
    )
}

pub(super) fn defend(
    c: &Checkout,
    req: &DefendDisputeRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<DisputeResponse>> {
    let url = c.id_url(
        "disputes",
        "connector_dispute_id",
        &req.connector_dispute_id,
        "/evidence",
    )?;
    let id = req.connector_dispute_id.trim().to_string();
    // The evidence saved by submit_evidence is what gets sent to the scheme.
    single_exchange(
        responses,
        || c.write(HttpMethod::Post, url, cx.step_key(0)),
        |r| parse_no_content(r, &id, DisputeStatus::Challenged),
    )
}

pub(super) fn submit_evidence(
    c: &Checkout,
    req: &SubmitEvidenceRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<DisputeResponse>> {
    let evidence_url = c.id_url(
        "disputes",
        "connector_dispute_id",
        &req.connector_dispute_id,
        "/evidence",
    )?;
    let id = req.connector_dispute_id.trim().to_string();
    // Everything is checked before the first upload.
    let fields = evidence_fields(req)?;
    let summary = req
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(s) = summary {
        if s.chars().count() > TEXT_MAX_CHARS {
            return Err(Error::invalid_request(
                "summary",
                format!("Checkout.com takes evidence text of at most {TEXT_MAX_CHARS} characters"),
            ));
        }
    }
    // Checkout.com takes evidence with at least one field: a file, or the text alone.
    if fields.is_empty() && summary.is_none() {
        return Err(Error::invalid_request(
            "documents",
            "at least one document, or a summary, is required",
        ));
    }

    let n = req.documents.len();
    let mut file_ids = Vec::with_capacity(n);
    for response in responses.iter().take(n) {
        file_ids.push(parse_file(response)?);
    }
    if responses.len() < n {
        let i = responses.len();
        return upload(c, &req.documents[i], i, cx.step_key(i)).map(Step::Send);
    }
    match &responses[n..] {
        [] => {
            let mut body = Map::new();
            for (field, file_id) in fields.iter().zip(&file_ids) {
                body.insert(format!("{field}_file"), json!(file_id));
            }
            if let Some(s) = summary {
                body.insert(SUMMARY_FIELD.into(), json!(s));
            }
            c.write_json(
                HttpMethod::Put,
                evidence_url,
                &Value::Object(body),
                cx.step_key(n),
            )
            .map(Step::Send)
        }
        [response] => parse_no_content(response, &id, DisputeStatus::Challenged).map(Step::Done),
        _ => Err(Error::internal(
            "checkout submit_evidence: more responses than requests",
        )),
    }
}

/// The evidence field of each document: its `connector_document_type` when given (a field
/// name, with or without `_file`), else the mapping of its evidence type. Each field holds one
/// file, so two documents for the same field are rejected.
pub(super) fn evidence_fields(req: &SubmitEvidenceRequest) -> Result<Vec<&'static str>> {
    let mut fields: Vec<&'static str> = Vec::with_capacity(req.documents.len());
    for (i, doc) in req.documents.iter().enumerate() {
        check_document(doc, i)?;
        let field = evidence_field(doc).ok_or_else(|| {
            Error::invalid_request(
                format!("documents[{i}].connector_document_type"),
                format!(
                    "is not a Checkout.com evidence field (one of: {})",
                    EVIDENCE_FIELDS.join(", ")
                ),
            )
        })?;
        if fields.contains(&field) {
            return Err(Error::invalid_request(
                format!("documents[{i}].evidence_type"),
                format!(
                    "Checkout.com takes one file per evidence field, and `{field}_file` already has one"
                ),
            ));
        }
        fields.push(field);
    }
    Ok(fields)
}

/// The `ProvideEvidenceRequest` field (without `_file`) of a document.
pub(super) fn evidence_field(doc: &EvidenceDocument) -> Option<&'static str> {
    if let Some(t) = doc
        .connector_document_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let t = t.strip_suffix("_file").unwrap_or(t);
        return EVIDENCE_FIELDS.iter().copied().find(|f| *f == t);
    }
    Some(match doc.evidence_type {
        EvidenceType::Receipt => "invoice_or_receipt",
        EvidenceType::ShippingProof | EvidenceType::ServiceDocumentation => {
            "proof_of_delivery_or_service"
        }
        EvidenceType::CustomerCommunication => "customer_communication",
        EvidenceType::RefundPolicy | EvidenceType::CancellationPolicy => {
            "refund_or_cancellation_policy"
        }
        EvidenceType::AccessActivityLog | EvidenceType::ExplanationLetter | EvidenceType::Other => {
            "additional_evidence"
        }
    })
}

/// The MIME types Checkout.com takes for evidence (JPEG, PNG, PDF), normalized.
fn accepted_mime(mime: &str) -> Option<&'static str> {
    let essence = mime.split(';').next().unwrap_or("").trim();
    match essence.to_ascii_lowercase().as_str() {
        "application/pdf" => Some("application/pdf"),
        "image/jpeg" | "image/jpg" => Some("image/jpeg"),
        "image/png" => Some("image/png"),
        _ => None,
    }
}

fn check_document(doc: &EvidenceDocument, index: usize) -> Result<()> {
    let size = doc.content.as_slice().len();
    if size == 0 {
        return Err(Error::invalid_request(
            format!("documents[{index}].content"),
            "must not be empty",
        ));
    }
    if size > MAX_FILE_BYTES {
        return Err(Error::invalid_request(
            format!("documents[{index}].content"),
            format!(
                "Checkout.com takes evidence files of at most 4 MB (this one has {size} bytes)"
            ),
        ));
    }
    if accepted_mime(&doc.mime_type).is_none() {
        return Err(Error::invalid_request(
            format!("documents[{index}].mime_type"),
            "Checkout.com takes evidence as application/pdf, image/jpeg or image/png",
        ));
    }
    Ok(())
}

/// `POST /files` on the files host: multipart/form-data with `file` and
/// `purpose=dispute_evidence`.
fn upload(c: &Checkout, doc: &EvidenceDocument, index: usize, key: String) -> Result<HttpRequest> {
    let content = doc.content.as_slice();
    let boundary = boundary(&key, content);
    let mime = accepted_mime(&doc.mime_type).unwrap_or("application/octet-stream");
    let body = multipart_body(&boundary, &file_name(doc, index, mime), mime, content);
    Ok(c.write(HttpMethod::Post, c.urls.files.clone(), key)?
        .raw_body(&format!("multipart/form-data; boundary={boundary}"), body))
}

/// The multipart boundary of an upload: derived from the step's idempotency key and the
/// file, so that a retry (which rebuilds the request) sends the very same bytes under the same
/// `Cko-Idempotency-Key`. Never a sequence that occurs in the file.
pub(super) fn boundary(key: &str, content: &[u8]) -> String {
    let mut counter = 0u32;
    loop {
        let mut hasher = Sha256::new();
        hasher.update(key.as_bytes());
        hasher.update(counter.to_be_bytes());
        hasher.update(content);
        let digest = hex::encode(hasher.finalize());
        let candidate = format!("----checkout-evidence-{}", &digest[..32]);
        if !contains(content, candidate.as_bytes()) {
            return candidate;
        }
        counter += 1;
    }
}

/// The file name sent for a document: the given one with quotes, backslashes, slashes and
/// control characters replaced, or `evidence-N.ext`.
pub(super) fn file_name(doc: &EvidenceDocument, index: usize, mime: &str) -> String {
    let cleaned: Option<String> = doc.file_name.as_deref().map(|n| {
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
            .collect()
    });
    match cleaned.filter(|n| !n.is_empty()) {
        Some(n) => n,
        None => {
            let ext = match mime {
                "application/pdf" => "pdf",
                "image/jpeg" => "jpg",
                "image/png" => "png",
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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The `file_...` id of an upload answer.
fn parse_file(response: &HttpResponse) -> Result<String> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let created: Created = parse_success(response, "file answer")?;
    created
        .id
        .ok_or_else(|| invalid_response(response, "Checkout.com's uploaded file has no id"))
}

/// A 204 (or any 2xx) of a dispute action.
fn parse_no_content(
    response: &HttpResponse,
    dispute_id: &str,
    status: DisputeStatus,
) -> Result<DisputeResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let mut r = DisputeResponse::new(ConnectorName::Checkout, status, dispute_id);
    r.http_status = Some(response.status);
    r.request_id = response.request_id();
    if !response.body.as_slice().is_empty() {
        r.raw_response = Some(mask_body(response.body.as_slice()));
    }
    Ok(r)
}
