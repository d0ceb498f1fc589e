//! Disputes (Checkout.com API reference, "Disputes"): opened by `POST /_sandbox/disputes`, fetched, accepted, evidence
//! stored (`PUT /disputes/{id}/evidence`) and sent (`POST /disputes/{id}/evidence`); evidence
//! files uploaded with `POST /files`; the `dispute_*` webhooks.

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::events::Event;
use super::{emit, iso_after, iso_now, ApiError, ApiResult, State};
use crate::multipart;
use crate::processor::{Context, ControlError, DisputeRequest, Request, Response};

/// How long the merchant has to respond.
const RESPONSE_DAYS: u64 = 7;
/// The largest evidence file (4 MB).
const MAX_FILE: usize = 4 * 1024 * 1024;
/// At most 500 characters in a `*_text` field.
const MAX_TEXT: usize = 500;

/// `ProvideEvidenceRequest` fields (CKO OAS), without the `_file` / `_text` suffix.
const EVIDENCE_FIELDS: [&str; 8] = [
    "proof_of_delivery_or_service",
    "invoice_or_receipt",
    "invoice_showing_distinct_transactions",
    "customer_communication",
    "refund_or_cancellation_policy",
    "recurring_transaction_agreement",
    "additional_evidence",
    "proof_of_delivery_or_service_date",
];

const CATEGORIES: [&str; 9] = [
    "fraudulent",
    "unrecognized",
    "canceled_recurring",
    "product_service_not_received",
    "not_as_described",
    "credit_not_issued",
    "duplicate",
    "incorrect_amount",
    "general",
];

/// A dispute as the account keeps it.
pub struct Dispute {
    pub id: String,
    pub seq: u64,
    pub payment_id: String,
    pub payment_action_id: String,
    pub payment_reference: Option<String>,
    pub payment_method: String,
    pub payment_amount: i64,
    pub amount: i64,
    pub currency: String,
    pub reason_code: String,
    pub category: String,
    /// `evidence_required`, `evidence_under_review`, `accepted`, `won`, `lost`, ...
    pub status: &'static str,
    pub resolved_reason: Option<String>,
    pub evidence_required_by: String,
    pub received_on: String,
    pub last_update: String,
    pub evidence: Map<String, Value>,
}

impl Dispute {
    fn to_json(&self, base: &str) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("category".into(), json!(self.category));
        out.insert("status".into(), json!(self.status));
        out.insert("amount".into(), json!(self.amount));
        out.insert("currency".into(), json!(self.currency));
        out.insert("reason_code".into(), json!(self.reason_code));
        if let Some(reason) = &self.resolved_reason {
            out.insert("resolved_reason".into(), json!(reason));
        }
        out.insert(
            "relevant_evidence".into(),
            json!([
                "proof_of_delivery_or_service",
                "invoice_or_receipt",
                "customer_communication"
            ]),
        );
        if self.status == "evidence_required" {
            out.insert(
                "evidence_required_by".into(),
                json!(self.evidence_required_by),
            );
        }
        out.insert("received_on".into(), json!(self.received_on));
        out.insert("last_update".into(), json!(self.last_update));
        out.insert(
            "payment".into(),
            json!({"id": self.payment_id, "action_id": self.payment_action_id,
                   "amount": self.payment_amount, "currency": self.currency,
                   "method": self.payment_method, "reference": self.payment_reference}),
        );
        out.insert(
            "_links".into(),
            json!({"self": {"href": format!("{base}/disputes/{}", self.id)},
                   "evidence": {"href": format!("{base}/disputes/{}/evidence", self.id)}}),
        );
        Value::Object(out)
    }

    /// A `dispute_*` webhook (the CKO docs `dispute_evidence_submitted` example's shape).
    fn event(&self, kind: &'static str, base: &str) -> Event {
        let mut data = Map::new();
        data.insert("id".into(), json!(self.id));
        data.insert("date".into(), json!(self.last_update));
        data.insert("category".into(), json!(self.category));
        data.insert("status".into(), json!(self.status));
        data.insert("amount".into(), json!(self.amount));
        data.insert("currency".into(), json!(self.currency));
        data.insert("reason_code".into(), json!(self.reason_code));
        data.insert("payment_id".into(), json!(self.payment_id));
        data.insert("payment_action_id".into(), json!(self.payment_action_id));
        if let Some(reference) = &self.payment_reference {
            data.insert("payment_reference".into(), json!(reference));
        }
        data.insert("payment_method".into(), json!(self.payment_method));
        if matches!(kind, "dispute_received" | "dispute_evidence_required") {
            data.insert(
                "evidence_required_by".into(),
                json!(self.evidence_required_by),
            );
        }
        if let Some(reason) = &self.resolved_reason {
            data.insert("resolved_reason".into(), json!(reason));
        }
        Event::new(
            kind,
            Value::Object(data),
            json!({"subject": {"href": format!("{base}/disputes/{}", self.id)},
                   "payment": {"href": format!("{base}/payments/{}", self.payment_id)}}),
        )
    }
}

/// An uploaded file.
pub struct File {
    pub id: String,
    pub filename: String,
    pub purpose: String,
    pub size: usize,
    pub uploaded_on: String,
}

fn control_error(status: StatusCode, message: impl Into<String>) -> ControlError {
    ControlError::new(status, message)
}

/// The dispute category a scheme reason code suggests.
fn category_for(reason_code: &str) -> &'static str {
    match reason_code {
        "10.4" | "10.5" | "4837" | "4863" => "fraudulent",
        "13.1" | "4855" => "product_service_not_received",
        "13.3" | "4853" => "not_as_described",
        "13.2" | "4841" => "canceled_recurring",
        "13.6" | "4860" => "credit_not_issued",
        "12.6.1" | "4834" => "duplicate",
        "12.5" => "incorrect_amount",
        _ => "general",
    }
}

/// `POST /_sandbox/disputes`: a chargeback on a captured payment, announced by the
/// `dispute_received` and `dispute_evidence_required` webhooks.
pub(super) fn open(
    state: &mut State,
    request: &DisputeRequest,
    ctx: &Context,
) -> Result<Value, ControlError> {
    let id = state
        .sessions
        .get(&request.payment_id)
        .cloned()
        .unwrap_or_else(|| request.payment_id.clone());
    let payment = state.payments.get(&id).ok_or_else(|| {
        control_error(
            StatusCode::NOT_FOUND,
            format!("no Checkout.com payment {:?}", request.payment_id),
        )
    })?;
    let disputable = payment.available_to_refund();
    if disputable <= 0 {
        return Err(control_error(
            StatusCode::CONFLICT,
            "the payment has no captured amount (not refunded) to dispute",
        ));
    }
    let amount = request.amount.unwrap_or(disputable);
    if amount <= 0 || amount > disputable {
        return Err(control_error(
            StatusCode::BAD_REQUEST,
            format!("amount {amount} must be between 1 and the disputable amount {disputable}"),
        ));
    }
    let reason_code = request.reason_code.clone().unwrap_or_else(|| "10.4".into());
    let category = match request.raw.get("category") {
        None | Some(Value::Null) => category_for(&reason_code).to_string(),
        Some(Value::String(c)) if CATEGORIES.contains(&c.as_str()) => c.clone(),
        Some(_) => {
            return Err(control_error(
                StatusCode::BAD_REQUEST,
                format!("category must be one of {CATEGORIES:?}"),
            ))
        }
    };
    let capture_action = payment
        .actions
        .iter()
        .rev()
        .find(|a| a.kind == "Capture")
        .map(|a| a.id.clone())
        .unwrap_or_else(|| payment.auth_action_id.clone());
    let now = iso_now();
    let dispute = Dispute {
        id: state.new_id_len("dsp_", 20),
        seq: 0,
        payment_id: payment.id.clone(),
        payment_action_id: capture_action,
        payment_reference: payment.reference.clone(),
        payment_method: if payment.apm {
            payment.source_type.to_string()
        } else {
            super::cards::scheme(&payment.card.number).to_string()
        },
        payment_amount: payment.amount,
        amount,
        currency: payment.currency.clone(),
        reason_code,
        category,
        status: "evidence_required",
        resolved_reason: None,
        evidence_required_by: iso_after(RESPONSE_DAYS * 86_400),
        received_on: now.clone(),
        last_update: now,
        evidence: Map::new(),
    };
    let seq = state.next_seq();
    let dispute = Dispute { seq, ..dispute };
    let base = ctx.processor_url();
    emit(
        ctx,
        vec![
            dispute.event("dispute_received", &base),
            dispute.event("dispute_evidence_required", &base),
        ],
    );
    let answer = json!({
        "dispute_id": dispute.id,
        "payment_id": dispute.payment_id,
        "status": dispute.status,
        "amount": dispute.amount,
        "currency": dispute.currency,
        "evidence_required_by": dispute.evidence_required_by,
    });
    state.disputes.insert(dispute.id.clone(), dispute);
    Ok(answer)
}

/// `POST /checkout/_sandbox/disputes/{id}/resolve` `{"outcome": ...}`: the scheme's decision.
pub(super) fn resolve(
    state: &mut State,
    id: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> Result<Value, ControlError> {
    let dispute = state.disputes.get_mut(id).ok_or_else(|| {
        control_error(
            StatusCode::NOT_FOUND,
            format!("no Checkout.com dispute {id:?}"),
        )
    })?;
    let (status, event): (&'static str, &'static str) =
        match body.get("outcome").and_then(Value::as_str) {
            Some("won") => ("won", "dispute_won"),
            Some("lost") => ("lost", "dispute_lost"),
            Some("canceled") => ("canceled", "dispute_canceled"),
            Some("resolved") => ("resolved", "dispute_resolved"),
            Some("expired") => ("expired", "dispute_expired"),
            Some("arbitration_won") => ("arbitration_won", "dispute_arbitration_won"),
            Some("arbitration_lost") => ("arbitration_lost", "dispute_arbitration_lost"),
            _ => {
                return Err(control_error(
                    StatusCode::BAD_REQUEST,
                    "outcome must be one of won, lost, canceled, resolved, expired, \
                     arbitration_won, arbitration_lost",
                ))
            }
        };
    if matches!(status, "won" | "lost" | "canceled" | "resolved" | "expired")
        && !matches!(
            dispute.status,
            "evidence_required" | "evidence_under_review"
        )
    {
        return Err(control_error(
            StatusCode::CONFLICT,
            format!(
                "the dispute is {}; it cannot become {status}",
                dispute.status
            ),
        ));
    }
    dispute.status = status;
    dispute.last_update = iso_now();
    if status == "resolved" {
        dispute.resolved_reason = Some(
            body.get("reason")
                .and_then(Value::as_str)
                .unwrap_or("already_refunded")
                .to_string(),
        );
    }
    let base = ctx.processor_url();
    emit(ctx, vec![dispute.event(event, &base)]);
    Ok(json!({"dispute_id": dispute.id, "status": dispute.status}))
}

fn find<'a>(state: &'a State, id: &str) -> Result<&'a Dispute, ApiError> {
    state.disputes.get(id).ok_or_else(ApiError::not_found)
}

fn no_content() -> Response {
    Response::new(StatusCode::NO_CONTENT, "application/json", "")
}

/// `GET /disputes`: newest first.
pub fn list(state: &State, ctx: &Context) -> ApiResult {
    let base = ctx.processor_url();
    let mut disputes: Vec<&Dispute> = state.disputes.values().collect();
    disputes.sort_by_key(|d| std::cmp::Reverse(d.seq));
    let data: Vec<Value> = disputes.iter().map(|d| d.to_json(&base)).collect();
    Ok(Response::json(
        StatusCode::OK,
        &json!({"limit": 50, "skip": 0, "total_count": data.len(), "data": data}),
    ))
}

/// `GET /disputes/{id}`.
pub fn get(state: &State, id: &str, ctx: &Context) -> ApiResult {
    let dispute = find(state, id)?;
    Ok(Response::json(
        StatusCode::OK,
        &dispute.to_json(&ctx.processor_url()),
    ))
}

/// `POST /disputes/{id}/accept`: 204; only while evidence is required.
pub fn accept(state: &mut State, id: &str, ctx: &Context) -> ApiResult {
    find(state, id)?;
    let dispute = state.disputes.get_mut(id).ok_or_else(ApiError::not_found)?;
    if dispute.status != "evidence_required" {
        return Err(ApiError::not_allowed());
    }
    dispute.status = "accepted";
    dispute.last_update = iso_now();
    let event = dispute.event("dispute_accepted", &ctx.processor_url());
    emit(ctx, vec![event]);
    Ok(no_content())
}

/// `PUT /disputes/{id}/evidence`: stores the evidence (nothing is sent yet); 204.
pub fn provide_evidence(state: &mut State, id: &str, body: &Map<String, Value>) -> ApiResult {
    find(state, id)?;
    let mut given = Map::new();
    for name in EVIDENCE_FIELDS {
        let file_field = format!("{name}_file");
        let text_field = format!("{name}_text");
        match body.get(&file_field) {
            None | Some(Value::Null) => {}
            Some(Value::String(file)) => {
                let known = state
                    .files
                    .get(file)
                    .is_some_and(|f| f.purpose == "dispute_evidence");
                if !known {
                    return Err(ApiError::invalid(&format!("{file_field}_invalid")));
                }
                given.insert(file_field.clone(), json!(file));
            }
            Some(_) => return Err(ApiError::invalid(&format!("{file_field}_invalid"))),
        }
        match body.get(&text_field) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) if text.chars().count() <= MAX_TEXT => {
                given.insert(text_field.clone(), json!(text));
            }
            Some(_) => return Err(ApiError::invalid(&format!("{text_field}_invalid"))),
        }
    }
    // Fields the Python SDK adds (arbitration, compelling evidence): kept as given.
    for extra in [
        "arbitration_no_review_files",
        "arbitration_no_review_text",
        "arbitration_review_required_files",
        "arbitration_review_required_text",
        "compelling_evidence",
    ] {
        if let Some(v) = body.get(extra).filter(|v| !v.is_null()) {
            given.insert(extra.to_string(), v.clone());
        }
    }
    if given.is_empty() {
        return Err(ApiError::invalid("evidence_required"));
    }
    let dispute = state.disputes.get_mut(id).ok_or_else(ApiError::not_found)?;
    if dispute.status != "evidence_required" {
        return Err(ApiError::not_allowed());
    }
    dispute.evidence.extend(given);
    dispute.last_update = iso_now();
    Ok(no_content())
}

/// `POST /disputes/{id}/evidence`: sends the stored evidence to the scheme; 204.
pub fn submit_evidence(state: &mut State, id: &str, ctx: &Context) -> ApiResult {
    find(state, id)?;
    let dispute = state.disputes.get_mut(id).ok_or_else(ApiError::not_found)?;
    if dispute.status != "evidence_required" {
        return Err(ApiError::not_allowed());
    }
    if dispute.evidence.is_empty() {
        return Err(ApiError::invalid("evidence_required"));
    }
    dispute.status = "evidence_under_review";
    dispute.last_update = iso_now();
    let event = dispute.event("dispute_evidence_submitted", &ctx.processor_url());
    emit(ctx, vec![event]);
    Ok(no_content())
}

/// `GET /disputes/{id}/evidence`: the stored evidence.
pub fn get_evidence(state: &State, id: &str) -> ApiResult {
    let dispute = find(state, id)?;
    Ok(Response::json(
        StatusCode::OK,
        &Value::Object(dispute.evidence.clone()),
    ))
}

/// Whether the bytes, declared type or file name make a JPEG, PNG or PDF.
fn acceptable_file(part: &multipart::Part) -> bool {
    let magic = part.data.starts_with(b"%PDF")
        || part.data.starts_with(&[0xFF, 0xD8, 0xFF])
        || part.data.starts_with(b"\x89PNG");
    let declared = part.content_type.as_deref().is_some_and(|t| {
        let t = t
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        matches!(t.as_str(), "application/pdf" | "image/jpeg" | "image/png")
    });
    let named = part.filename.as_deref().is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        [".pdf", ".jpg", ".jpeg", ".png"]
            .iter()
            .any(|ext| n.ends_with(ext))
    });
    let declared_other = part
        .content_type
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty() && !t.starts_with("application/octet-stream"))
        && !declared;
    !declared_other && (magic || declared || named)
}

/// `POST /files` (`multipart/form-data`: `file`, `purpose=dispute_evidence`): 200 `{id}`.
pub fn upload_file(state: &mut State, request: &Request, ctx: &Context) -> ApiResult {
    let boundary = request
        .header("content-type")
        .and_then(multipart::boundary)
        .ok_or_else(|| ApiError::invalid("file_required"))?;
    let parts = multipart::parse(&request.body, &boundary).map_err(|_| ApiError::Malformed)?;
    let purpose = parts
        .iter()
        .find(|p| p.name == "purpose")
        .map(|p| String::from_utf8_lossy(&p.data).trim().to_string())
        .ok_or_else(|| ApiError::invalid("purpose_required"))?;
    if purpose != "dispute_evidence" {
        return Err(ApiError::invalid("purpose_invalid"));
    }
    let file = parts
        .iter()
        .find(|p| p.name == "file" && !p.data.is_empty())
        .ok_or_else(|| ApiError::invalid("file_required"))?;
    if file.data.len() > MAX_FILE {
        return Err(ApiError::invalid("file_too_large"));
    }
    if !acceptable_file(file) {
        return Err(ApiError::invalid("file_type_invalid"));
    }
    let id = state.new_id("file_");
    let base = ctx.processor_url();
    state.files.insert(
        id.clone(),
        File {
            id: id.clone(),
            filename: file.filename.clone().unwrap_or_else(|| "file".into()),
            purpose,
            size: file.data.len(),
            uploaded_on: iso_now(),
        },
    );
    Ok(Response::json(
        StatusCode::OK,
        &json!({"id": id, "_links": {"self": {"href": format!("{base}/files/{id}")}}}),
    ))
}

/// `GET /files/{id}`.
pub fn get_file(state: &State, id: &str, ctx: &Context) -> ApiResult {
    let file = state.files.get(id).ok_or_else(ApiError::not_found)?;
    let base = ctx.processor_url();
    Ok(Response::json(
        StatusCode::OK,
        &json!({"id": file.id, "filename": file.filename, "purpose": file.purpose,
                "size": file.size, "uploaded_on": file.uploaded_on,
                "_links": {"self": {"href": format!("{base}/files/{}", file.id)}}}),
    ))
}
