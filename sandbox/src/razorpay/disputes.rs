//! Disputes (Razorpay API docs, "Disputes"): opened by `POST /_sandbox/disputes`, fetched, accepted, contested with
//! documents uploaded as `multipart/form-data`; and the `payment.dispute.*` webhooks.

use std::collections::BTreeMap;

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::events::Event;
use super::{collection, emit, now_s, ok, opt_int, opt_str, ApiError, ApiResult, State};
use crate::multipart;
use crate::processor::{Context, ControlError, DisputeRequest, Request};

/// How long the merchant has to respond.
const RESPONSE_DAYS: i64 = 7;
const PHASES: [&str; 5] = [
    "fraud",
    "retrieval",
    "chargeback",
    "pre_arbitration",
    "arbitration",
];
/// The evidence categories that are arrays of document ids.
const PROOF_FIELDS: [&str; 10] = [
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
const MAX_SUMMARY: usize = 1000;
/// File types the sandbox accepts as dispute evidence.
const DOCUMENT_TYPES: [(&str, &[&str]); 3] = [
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/png", &["png"]),
    ("application/pdf", &["pdf"]),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisputeStatus {
    Open,
    UnderReview,
    Won,
    Lost,
    Closed,
}

impl DisputeStatus {
    fn as_str(self) -> &'static str {
        match self {
            DisputeStatus::Open => "open",
            DisputeStatus::UnderReview => "under_review",
            DisputeStatus::Won => "won",
            DisputeStatus::Lost => "lost",
            DisputeStatus::Closed => "closed",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Evidence {
    pub amount: Option<i64>,
    pub summary: Option<String>,
    pub proofs: BTreeMap<&'static str, Vec<String>>,
    /// `others[{type, document_ids[]}]`
    pub others: Option<Vec<(String, Vec<String>)>>,
    pub submitted_at: Option<i64>,
}

impl Evidence {
    fn has_any(&self) -> bool {
        self.summary.as_ref().is_some_and(|s| !s.trim().is_empty())
            || self.proofs.values().any(|ids| !ids.is_empty())
            || self
                .others
                .as_ref()
                .is_some_and(|o| o.iter().any(|(_, ids)| !ids.is_empty()))
    }
}

#[derive(Clone, Debug)]
pub struct Dispute {
    pub id: String,
    pub seq: u64,
    pub payment_id: String,
    pub amount: i64,
    pub currency: String,
    pub amount_deducted: i64,
    pub reason_code: String,
    pub reason_description: String,
    pub respond_by: i64,
    pub status: DisputeStatus,
    pub phase: String,
    pub created_at: i64,
    pub evidence: Evidence,
}

impl Dispute {
    pub fn entity(&self) -> Value {
        let mut evidence = Map::new();
        evidence.insert(
            "amount".into(),
            json!(self.evidence.amount.unwrap_or(self.amount)),
        );
        evidence.insert("summary".into(), json!(self.evidence.summary));
        for field in PROOF_FIELDS {
            evidence.insert(field.into(), json!(self.evidence.proofs.get(field)));
        }
        let others = self.evidence.others.as_ref().map(|others| {
            others
                .iter()
                .map(|(kind, ids)| json!({"type": kind, "document_ids": ids}))
                .collect::<Vec<_>>()
        });
        evidence.insert("others".into(), json!(others));
        evidence.insert("submitted_at".into(), json!(self.evidence.submitted_at));
        json!({
            "id": self.id,
            "entity": "dispute",
            "payment_id": self.payment_id,
            "amount": self.amount,
            "currency": self.currency,
            "amount_deducted": self.amount_deducted,
            "reason_code": self.reason_code,
            "reason_description": self.reason_description,
            "respond_by": self.respond_by,
            "status": self.status.as_str(),
            "phase": self.phase,
            "created_at": self.created_at,
            "evidence": Value::Object(evidence),
        })
    }
}

/// A `payment.dispute.*` event: the payment and the dispute (Razorpay API docs, "Events → unified").
fn dispute_event(state: &State, name: &'static str, dispute: &Dispute) -> Event {
    let payment = state
        .payments
        .get(&dispute.payment_id)
        .map(|p| p.entity())
        .unwrap_or(Value::Null);
    Event::new(
        name,
        vec![("payment", payment), ("dispute", dispute.entity())],
    )
}

#[derive(Clone, Debug)]
pub struct Document {
    pub id: String,
    pub purpose: String,
    pub name: String,
    pub mime_type: String,
    pub size: usize,
    pub created_at: i64,
}

impl Document {
    fn entity(&self) -> Value {
        json!({
            "id": self.id,
            "entity": "document",
            "purpose": self.purpose,
            "name": self.name,
            "mime_type": self.mime_type,
            "size": self.size,
            "created_at": self.created_at,
        })
    }
}

fn control_error(status: StatusCode, message: impl Into<String>) -> ControlError {
    ControlError::new(status, message)
}

/// `POST /_sandbox/disputes` for Razorpay: a dispute (`phase` from the body, default
/// `chargeback`) on a captured payment; emits `payment.dispute.created`.
pub(super) fn open(
    state: &mut State,
    request: &DisputeRequest,
    ctx: &Context,
) -> Result<Value, ControlError> {
    let payment = state.payments.get(&request.payment_id).ok_or_else(|| {
        control_error(
            StatusCode::NOT_FOUND,
            format!("no Razorpay payment {:?}", request.payment_id),
        )
    })?;
    let disputable = payment.refundable();
    if disputable <= 0 {
        return Err(control_error(
            StatusCode::CONFLICT,
            "the payment has no captured amount (not refunded) to dispute",
        ));
    }
    let amount = request.amount.unwrap_or(disputable);
    if amount > disputable {
        return Err(control_error(
            StatusCode::BAD_REQUEST,
            format!("amount {amount} is more than the disputable amount {disputable}"),
        ));
    }
    let phase = match request.raw.get("phase") {
        None | Some(Value::Null) => "chargeback".to_string(),
        Some(Value::String(p)) if PHASES.contains(&p.as_str()) => p.clone(),
        Some(_) => {
            return Err(control_error(
                StatusCode::BAD_REQUEST,
                format!("phase must be one of {PHASES:?}"),
            ))
        }
    };
    let (reason_code, reason_description) = match &request.reason_code {
        Some(code) => (code.clone(), format!("Dispute reason {code}")),
        None => (
            "fraudulent".to_string(),
            "The customer says the payment was not made by them".to_string(),
        ),
    };
    let now = now_s();
    let currency = payment.currency.clone();
    let payment_id = payment.id.clone();
    let seq = state.next_seq();
    let dispute = Dispute {
        id: state.new_id("disp_"),
        seq,
        payment_id,
        amount,
        currency,
        amount_deducted: 0,
        reason_code,
        reason_description,
        respond_by: now + RESPONSE_DAYS * 86_400,
        status: DisputeStatus::Open,
        phase,
        created_at: now,
        evidence: Evidence::default(),
    };
    emit(
        ctx,
        vec![dispute_event(state, "payment.dispute.created", &dispute)],
    );
    let answer = json!({
        "dispute_id": dispute.id,
        "payment_id": dispute.payment_id,
        "amount": dispute.amount,
        "currency": dispute.currency,
        "reason_code": dispute.reason_code,
        "phase": dispute.phase,
        "status": dispute.status.as_str(),
        "respond_by": dispute.respond_by,
    });
    state.disputes.insert(dispute.id.clone(), dispute);
    Ok(answer)
}

/// `POST /razorpay/_sandbox/disputes/{id}/resolve` with `{"status": "won" | "lost" | "closed"
/// | "action_required"}`: the bank's decision, with its webhook.
pub(super) fn resolve(
    state: &mut State,
    id: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> Result<Value, ControlError> {
    let Some(dispute) = state.disputes.get(id) else {
        return Err(control_error(
            StatusCode::NOT_FOUND,
            format!("no Razorpay dispute {id:?}"),
        ));
    };
    if !matches!(
        dispute.status,
        DisputeStatus::Open | DisputeStatus::UnderReview
    ) {
        return Err(control_error(
            StatusCode::CONFLICT,
            format!("the dispute is already {}", dispute.status.as_str()),
        ));
    }
    let mut dispute = dispute.clone();
    let event = match body.get("status").and_then(Value::as_str) {
        Some("won") => {
            dispute.status = DisputeStatus::Won;
            "payment.dispute.won"
        }
        Some("lost") => {
            dispute.status = DisputeStatus::Lost;
            dispute.amount_deducted = dispute.amount;
            "payment.dispute.lost"
        }
        Some("closed") => {
            dispute.status = DisputeStatus::Closed;
            "payment.dispute.closed"
        }
        Some("action_required") => {
            dispute.status = DisputeStatus::Open;
            dispute.evidence.submitted_at = None;
            "payment.dispute.action_required"
        }
        _ => {
            return Err(control_error(
                StatusCode::BAD_REQUEST,
                "status must be won, lost, closed or action_required",
            ))
        }
    };
    emit(ctx, vec![dispute_event(state, event, &dispute)]);
    let entity = dispute.entity();
    state.disputes.insert(dispute.id.clone(), dispute);
    Ok(entity)
}

/// `GET /v1/disputes`, newest first.
pub(super) fn list(state: &State) -> ApiResult {
    let mut disputes: Vec<&Dispute> = state.disputes.values().collect();
    disputes.sort_by_key(|x| std::cmp::Reverse(x.seq));
    ok(&collection(disputes.iter().map(|d| d.entity()).collect()))
}

/// `GET /v1/disputes/{id}`
pub(super) fn get(state: &State, id: &str) -> ApiResult {
    let dispute = state
        .disputes
        .get(id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    ok(&dispute.entity())
}

/// `POST /v1/disputes/{id}/accept`: `lost`, with `amount_deducted` = `amount`.
pub(super) fn accept(state: &mut State, id: &str, ctx: &Context) -> ApiResult {
    let dispute = state
        .disputes
        .get(id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    if dispute.status != DisputeStatus::Open {
        return Err(ApiError::bad_request(
            format!(
                "The dispute cannot be accepted as it is in {} state",
                dispute.status.as_str()
            ),
            None,
        ));
    }
    let mut dispute = dispute.clone();
    dispute.status = DisputeStatus::Lost;
    dispute.amount_deducted = dispute.amount;
    emit(
        ctx,
        vec![dispute_event(state, "payment.dispute.lost", &dispute)],
    );
    let entity = dispute.entity();
    state.disputes.insert(dispute.id.clone(), dispute);
    ok(&entity)
}

/// An array of document ids that must exist (uploaded for `dispute_evidence`).
fn document_ids(state: &State, value: &Value, field: &str) -> Result<Vec<String>, ApiError> {
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => {
            return Err(ApiError::field(
                field,
                format!("The {field} must be an array."),
            ))
        }
    };
    let mut ids = Vec::new();
    for item in items {
        let Some(id) = item.as_str() else {
            return Err(ApiError::field(
                field,
                format!("The {field} must be an array of document ids."),
            ));
        };
        match state.documents.get(id) {
            Some(doc) if doc.purpose == "dispute_evidence" => ids.push(id.to_string()),
            _ => return Err(ApiError::field(field, "The id provided does not exist")),
        }
    }
    Ok(ids)
}

/// `PATCH /v1/disputes/{id}/contest`: saves the evidence (`action: "draft"`, the default) or
/// submits it (`"submit"`: `under_review`, `evidence.submitted_at`, webhook
/// `payment.dispute.under_review`).
pub(super) fn contest(
    state: &mut State,
    id: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    let dispute = state
        .disputes
        .get(id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    let submit = match opt_str(body, "action")?.as_deref() {
        None | Some("draft") => false,
        Some("submit") => true,
        Some(_) => return Err(ApiError::field("action", "The selected action is invalid.")),
    };
    if dispute.status != DisputeStatus::Open {
        return Err(ApiError::bad_request(
            format!(
                "The dispute cannot be contested as it is in {} state",
                dispute.status.as_str()
            ),
            None,
        ));
    }
    let mut evidence = dispute.evidence.clone();
    if let Some(amount) = opt_int(body, "amount")? {
        if amount <= 0 || amount > dispute.amount {
            return Err(ApiError::field(
                "amount",
                "The amount contested must be positive and at most the disputed amount",
            ));
        }
        evidence.amount = Some(amount);
    }
    if let Some(summary) = opt_str(body, "summary")? {
        if summary.chars().count() > MAX_SUMMARY {
            return Err(ApiError::field(
                "summary",
                "The summary may not be greater than 1000 characters.",
            ));
        }
        evidence.summary = Some(summary);
    }
    for field in PROOF_FIELDS {
        if let Some(value) = body.get(field) {
            let ids = document_ids(state, value, field)?;
            evidence.proofs.insert(field, ids);
        }
    }
    match body.get("others") {
        None => {}
        Some(Value::Null) => evidence.others = None,
        Some(Value::Array(items)) => {
            let mut others = Vec::new();
            for item in items {
                let Some(item) = item.as_object() else {
                    return Err(ApiError::field(
                        "others",
                        "Each of others must have a type and document_ids.",
                    ));
                };
                let kind = match item.get("type").and_then(Value::as_str) {
                    Some(k) if !k.trim().is_empty() => k.to_string(),
                    _ => return Err(ApiError::required("others[type]")),
                };
                let ids = document_ids(
                    state,
                    item.get("document_ids").unwrap_or(&Value::Null),
                    "others[document_ids]",
                )?;
                if ids.is_empty() {
                    return Err(ApiError::required("others[document_ids]"));
                }
                others.push((kind, ids));
            }
            evidence.others = Some(others);
        }
        Some(_) => {
            return Err(ApiError::field("others", "The others must be an array."));
        }
    }
    if submit && !evidence.has_any() {
        return Err(ApiError::bad_request(
            "Evidence is required to submit a contest: a summary or at least one document",
            None,
        ));
    }
    let mut dispute = dispute.clone();
    dispute.evidence = evidence;
    if submit {
        dispute.status = DisputeStatus::UnderReview;
        dispute.evidence.submitted_at = Some(now_s());
        emit(
            ctx,
            vec![dispute_event(
                state,
                "payment.dispute.under_review",
                &dispute,
            )],
        );
    }
    let entity = dispute.entity();
    state.disputes.insert(dispute.id.clone(), dispute);
    ok(&entity)
}

/// The document's MIME type: the part's `Content-Type` (without parameters), or from the file
/// name's extension when the part says nothing useful.
fn document_mime(part: &multipart::Part) -> Option<&'static str> {
    let declared = part.content_type.as_deref().map(|c| {
        c.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    match declared.as_deref() {
        Some("image/jpg") => return Some("image/jpeg"),
        Some(c) if c != "application/octet-stream" => {
            return DOCUMENT_TYPES
                .iter()
                .find(|(m, _)| *m == c)
                .map(|(m, _)| *m)
        }
        _ => {}
    }
    let extension = part
        .filename
        .as_deref()?
        .rsplit_once('.')?
        .1
        .to_ascii_lowercase();
    DOCUMENT_TYPES
        .iter()
        .find(|(_, exts)| exts.contains(&extension.as_str()))
        .map(|(m, _)| *m)
}

/// `POST /v1/documents` (multipart: `file`, `purpose=dispute_evidence`).
pub(super) fn upload_document(state: &mut State, request: &Request) -> ApiResult {
    let boundary = request
        .header("content-type")
        .and_then(multipart::boundary)
        .ok_or_else(|| {
            ApiError::field(
                "file",
                "The request must be multipart/form-data with a file and a purpose",
            )
        })?;
    let parts = multipart::parse(&request.body, &boundary)
        .map_err(|e| ApiError::bad_request(format!("The multipart body is invalid: {e}"), None))?;
    let purpose = parts
        .iter()
        .find(|p| p.name == "purpose")
        .map(|p| String::from_utf8_lossy(&p.data).trim().to_string())
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ApiError::required("purpose"))?;
    if purpose != "dispute_evidence" {
        return Err(ApiError::field(
            "purpose",
            "The selected purpose is invalid.",
        ));
    }
    let file = parts
        .iter()
        .find(|p| p.name == "file" && p.filename.is_some())
        .ok_or_else(|| ApiError::required("file"))?;
    if file.data.is_empty() {
        return Err(ApiError::field("file", "The file must not be empty."));
    }
    let mime_type = document_mime(file).ok_or_else(|| {
        ApiError::field(
            "file",
            "The file must be a file of type: jpg, jpeg, png, pdf.",
        )
    })?;
    let document = Document {
        id: state.new_id("doc_"),
        purpose,
        name: file.filename.clone().unwrap_or_default(),
        mime_type: mime_type.to_string(),
        size: file.data.len(),
        created_at: now_s(),
    };
    let entity = document.entity();
    state.documents.insert(document.id.clone(), document);
    ok(&entity)
}

/// `GET /v1/documents/{id}`
pub(super) fn get_document(state: &State, id: &str) -> ApiResult {
    let document = state
        .documents
        .get(id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    ok(&document.entity())
}
