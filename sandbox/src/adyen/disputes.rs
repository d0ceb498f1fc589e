//! Disputes API v30 (Adyen API reference, "Disputes API v30"), chargebacks opened by `POST /_sandbox/disputes`, and the
//! issuer's decision (`POST /adyen/_sandbox/disputes/{disputePspReference}/resolve`), which
//! emits the outcome notifications of Adyen API reference, "Event codes"-Adyen API reference, "Dispute events".

use std::time::{Duration, SystemTime};

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use http::StatusCode;
use serde_json::{json, Map, Value};

use super::notifications::Notification;
use super::{check_merchant, req_str, Adyen, ApiError, ApiResult, State};
use crate::processor::{Context, ControlError, DisputeRequest, Response};
use crate::util::rfc3339;

pub(super) const OPERATIONS: [&str; 5] = [
    "acceptDispute",
    "defendDispute",
    "supplyDefenseDocument",
    "retrieveApplicableDefenseReasons",
    "deleteDisputeDefenseDocument",
];

/// How long the merchant has to defend.
const DEFENSE_PERIOD: Duration = Duration::from_secs(20 * 86_400);

/// Defence reasons and the document types each requires (all offered on every dispute).
const DEFENSE_REASONS: [(&str, &[&str]); 4] = [
    ("GoodsNotReturned", &["TIDorInvoice", "GoodsNotReturned"]),
    (
        "GoodsRepairedOrReplaced",
        &["TIDorInvoice", "GoodsRepairedOrReplaced"],
    ),
    (
        "GoodsWereAsDescribed",
        &["TIDorInvoice", "GoodsWereAsDescribed"],
    ),
    ("SupplyDefenseMaterial", &["DefenseMaterial"]),
];

fn known_document_type(code: &str) -> bool {
    DEFENSE_REASONS.iter().any(|(_, docs)| docs.contains(&code))
}

/// Where a dispute stands; the names are Adyen's `disputeStatus` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisputeStatus {
    /// Open: the merchant may supply documents, defend or accept.
    Undefended,
    Accepted,
    /// Defended; the issuer has not decided yet.
    Responded,
    /// Decided for the merchant.
    Won,
    /// Decided for the cardholder.
    Lost,
    /// The defence period ended without a defence.
    Expired,
}

impl DisputeStatus {
    fn as_str(self) -> &'static str {
        match self {
            DisputeStatus::Undefended => "Undefended",
            DisputeStatus::Accepted => "Accepted",
            DisputeStatus::Responded => "Responded",
            DisputeStatus::Won => "Won",
            DisputeStatus::Lost => "Lost",
            DisputeStatus::Expired => "Expired",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Dispute {
    pub psp: String,
    pub payment_psp: String,
    pub merchant_reference: String,
    pub value: i64,
    pub currency: String,
    pub reason_code: String,
    pub variant: String,
    pub status: DisputeStatus,
    pub documents: Vec<String>,
    pub defense_period_ends_at: String,
}

impl Dispute {
    fn notification(&self, event_code: &'static str, dispute_status: &str) -> Notification {
        let scheme = match self.variant.as_str() {
            "visa" => "visa",
            "amex" => "amex",
            _ => "mc",
        };
        Notification {
            event_code,
            psp_reference: self.psp.clone(),
            original_reference: Some(self.payment_psp.clone()),
            merchant_reference: self.merchant_reference.clone(),
            value: self.value,
            currency: self.currency.clone(),
            success: true,
            reason: Some(format!("Chargeback reason code {}", self.reason_code)),
            payment_method: Some(self.variant.clone()),
            additional_data: vec![
                // Adyen's own example carries a leading space here (Adyen API reference, "Dispute events").
                (
                    "chargebackReasonCode".into(),
                    format!(" {}", self.reason_code),
                ),
                ("chargebackSchemeCode".into(), scheme.into()),
                (
                    "defensePeriodEndsAt".into(),
                    self.defense_period_ends_at.clone(),
                ),
                (
                    "defendable".into(),
                    (self.status == DisputeStatus::Undefended).to_string(),
                ),
                ("disputeStatus".into(), dispute_status.into()),
                ("autoDefended".into(), "false".into()),
            ],
            operations: None,
        }
    }

    fn has_document(&self, code: &str) -> bool {
        self.documents.iter().any(|d| d == code)
    }
}

/// `POST /_sandbox/disputes` for Adyen: a chargeback on a captured payment. Emits
/// NOTIFICATION_OF_CHARGEBACK then CHARGEBACK.
pub(super) fn open(
    state: &mut State,
    adyen: &Adyen,
    request: &DisputeRequest,
    ctx: &Context,
) -> Result<Value, ControlError> {
    let psp = state.new_psp();
    let payment = state.payments.get(&request.payment_id).ok_or_else(|| {
        ControlError::new(
            StatusCode::NOT_FOUND,
            format!("no Adyen payment {:?}", request.payment_id),
        )
    })?;
    let disputable = payment.captured - payment.refunded;
    if disputable <= 0 {
        return Err(ControlError::new(
            StatusCode::CONFLICT,
            "the payment has no captured amount (not refunded) to dispute",
        ));
    }
    let value = request.amount.unwrap_or(disputable);
    if value > disputable {
        return Err(ControlError::new(
            StatusCode::BAD_REQUEST,
            format!("amount {value} is more than the disputable amount {disputable}"),
        ));
    }
    let reason_code = request.reason_code.clone().unwrap_or_else(|| {
        if payment.variant == "visa" {
            "10.4".into()
        } else {
            "4853".into()
        }
    });
    let dispute = Dispute {
        psp: psp.clone(),
        payment_psp: payment.psp.clone(),
        merchant_reference: payment.reference.clone(),
        value,
        currency: payment.currency.clone(),
        reason_code,
        variant: payment.variant.clone(),
        status: DisputeStatus::Undefended,
        documents: Vec::new(),
        defense_period_ends_at: rfc3339(SystemTime::now(), DEFENSE_PERIOD),
    };
    adyen.emit(
        ctx,
        &[
            dispute.notification("NOTIFICATION_OF_CHARGEBACK", "Undefended"),
            dispute.notification("CHARGEBACK", "Undefended"),
        ],
    );
    let answer = json!({
        "dispute_id": psp,
        "payment_id": dispute.payment_psp,
        "amount": value,
        "currency": dispute.currency,
        "reason_code": dispute.reason_code,
        "defense_period_ends_at": dispute.defense_period_ends_at,
    });
    state.disputes.insert(psp, dispute);
    Ok(answer)
}

fn result(success: bool, error_message: Option<String>) -> Value {
    let mut result = json!({"success": success});
    if let Some(message) = error_message {
        result["errorMessage"] = json!(message);
    }
    result
}

fn ok(extra: Option<(&str, Value)>) -> Response {
    let mut body = Map::new();
    if let Some((k, v)) = extra {
        body.insert(k.into(), v);
    }
    body.insert("disputeServiceResult".into(), result(true, None));
    Response::json(StatusCode::OK, &Value::Object(body))
}

fn failure(message: impl Into<String>) -> Response {
    Response::json(
        StatusCode::OK,
        &json!({"disputeServiceResult": result(false, Some(message.into()))}),
    )
}

fn closed_message(status: DisputeStatus) -> Option<&'static str> {
    match status {
        DisputeStatus::Undefended => None,
        DisputeStatus::Accepted => Some("The dispute has already been accepted"),
        DisputeStatus::Responded => Some("The dispute has already been defended"),
        DisputeStatus::Won | DisputeStatus::Lost => Some("The dispute has already been decided"),
        DisputeStatus::Expired => Some("The defense period of the dispute has ended"),
    }
}

/// One Disputes API operation.
pub(super) fn operation(
    state: &mut State,
    adyen: &Adyen,
    op: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    check_merchant(body, "merchantAccountCode")?;
    let dispute_psp = req_str(body, "disputePspReference")?;
    // Shape checks come before the look-up, as schema validation does.
    let documents = if op == "supplyDefenseDocument" {
        Some(parse_documents(body)?)
    } else {
        None
    };
    let defense_reason = if op == "defendDispute" {
        Some(req_str(body, "defenseReasonCode")?)
    } else {
        None
    };
    let document_type = if op == "deleteDisputeDefenseDocument" {
        Some(req_str(body, "defenseDocumentType")?)
    } else {
        None
    };

    let Some(dispute) = state.disputes.get_mut(dispute_psp) else {
        return Ok(failure(format!("Could not find dispute {dispute_psp}")));
    };
    Ok(match op {
        "retrieveApplicableDefenseReasons" => {
            let reasons: Vec<Value> = DEFENSE_REASONS
                .iter()
                .map(|(code, docs)| {
                    let types: Vec<Value> = docs
                        .iter()
                        .map(|d| json!({"defenseDocumentTypeCode": d, "available": dispute.has_document(d), "requirementLevel": "Required"}))
                        .collect();
                    json!({"defenseReasonCode": code, "satisfied": docs.iter().all(|d| dispute.has_document(d)), "defenseDocumentTypes": types})
                })
                .collect();
            ok(Some(("defenseReasons", Value::Array(reasons))))
        }
        "acceptDispute" => match closed_message(dispute.status) {
            Some(message) => failure(message),
            None => {
                dispute.status = DisputeStatus::Accepted;
                let n = dispute.notification("CHARGEBACK", "Accepted");
                adyen.emit(ctx, &[n]);
                ok(None)
            }
        },
        "supplyDefenseDocument" => {
            if let Some(message) = closed_message(dispute.status) {
                return Ok(failure(message));
            }
            match documents.unwrap_or_else(|| Ok(Vec::new())) {
                Err(message) => failure(message),
                Ok(types) => {
                    for t in types {
                        if !dispute.has_document(&t) {
                            dispute.documents.push(t);
                        }
                    }
                    ok(None)
                }
            }
        }
        "deleteDisputeDefenseDocument" => {
            if let Some(message) = closed_message(dispute.status) {
                return Ok(failure(message));
            }
            let code = document_type.unwrap_or_default();
            match dispute.documents.iter().position(|d| d == code) {
                Some(i) => {
                    dispute.documents.remove(i);
                    ok(None)
                }
                None => failure(format!("No defense document of type {code} was supplied")),
            }
        }
        "defendDispute" => {
            if let Some(message) = closed_message(dispute.status) {
                return Ok(failure(message));
            }
            let code = defense_reason.unwrap_or_default();
            let Some((_, required)) = DEFENSE_REASONS.iter().find(|(c, _)| *c == code) else {
                return Ok(failure(format!(
                    "Defense reason {code} is not applicable to this dispute"
                )));
            };
            let missing: Vec<&str> = required
                .iter()
                .copied()
                .filter(|d| !dispute.has_document(d))
                .collect();
            if !missing.is_empty() {
                return Ok(failure(format!(
                    "Required defense documents are missing: {}",
                    missing.join(", ")
                )));
            }
            dispute.status = DisputeStatus::Responded;
            ok(None)
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "000",
                "HTTP Status Response - Not Found",
                "validation",
            ))
        }
    })
}

/// `defenseDocuments[]`: 422 when missing or shapeless; `Err(message)` inside for content the
/// Disputes API refuses with `success: false`.
fn parse_documents(body: &Map<String, Value>) -> Result<Result<Vec<String>, String>, ApiError> {
    let documents = match body.get("defenseDocuments") {
        Some(Value::Array(docs)) if !docs.is_empty() => docs,
        _ => return Err(ApiError::missing("defenseDocuments")),
    };
    let mut types = Vec::new();
    for (i, doc) in documents.iter().enumerate() {
        let Value::Object(doc) = doc else {
            return Err(ApiError::invalid(&format!("defenseDocuments[{i}]")));
        };
        let content = req_str(doc, "content")
            .map_err(|_| ApiError::missing(&format!("defenseDocuments[{i}].content")))?;
        let content_type = req_str(doc, "contentType")
            .map_err(|_| ApiError::missing(&format!("defenseDocuments[{i}].contentType")))?;
        let type_code = req_str(doc, "defenseDocumentTypeCode").map_err(|_| {
            ApiError::missing(&format!("defenseDocuments[{i}].defenseDocumentTypeCode"))
        })?;
        if LENIENT_BASE64
            .decode(content.trim())
            .map(|b| b.is_empty())
            .unwrap_or(true)
        {
            return Ok(Err(format!("Document {i} content is not valid Base64")));
        }
        if !valid_mime(content_type) {
            return Ok(Err(format!("Document {i} has an invalid content type")));
        }
        if !known_document_type(type_code) {
            return Ok(Err(format!(
                "Defense document type {type_code} is not applicable to this dispute"
            )));
        }
        types.push(type_code.to_string());
    }
    Ok(Ok(types))
}

/// Standard Base64 that tolerates missing padding and non-zero trailing bits (the Disputes
/// OAS example itself has them).
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn valid_mime(value: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    match value.split_once('/') {
        Some((kind, sub)) => token(kind) && token(sub.split(';').next().unwrap_or("").trim()),
        None => false,
    }
}

/// The issuer's decision asked of `POST /adyen/_sandbox/disputes/{id}/resolve`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Won,
    Lost,
    Expired,
}

impl Outcome {
    fn parse(value: Option<&Value>) -> Result<Outcome, ControlError> {
        match value.and_then(Value::as_str) {
            Some("won") => Ok(Outcome::Won),
            Some("lost") => Ok(Outcome::Lost),
            Some("expired") => Ok(Outcome::Expired),
            _ => Err(ControlError::new(
                StatusCode::BAD_REQUEST,
                "outcome must be won, lost or expired",
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Outcome::Won => "won",
            Outcome::Lost => "lost",
            Outcome::Expired => "expired",
        }
    }

    /// The notifications that can carry this decision, the default first (README "Adyen").
    fn event_codes(self) -> &'static [&'static str] {
        match self {
            // The issuer accepted the defence.
            Outcome::Won => &["CHARGEBACK_REVERSED", "PREARBITRATION_WON", "CHARGEBACK"],
            // The issuer declined the defence; the disputed amount stays with the cardholder.
            Outcome::Lost => &["SECOND_CHARGEBACK", "PREARBITRATION_LOST", "CHARGEBACK"],
            // Nobody defended within the defence period.
            Outcome::Expired => &["DISPUTE_DEFENSE_PERIOD_ENDED", "CHARGEBACK"],
        }
    }

    fn status(self) -> DisputeStatus {
        match self {
            Outcome::Won => DisputeStatus::Won,
            Outcome::Lost => DisputeStatus::Lost,
            Outcome::Expired => DisputeStatus::Expired,
        }
    }

    /// The dispute status this decision applies to: a defence is decided won or lost, an
    /// undefended dispute can only expire.
    fn applies_to(self) -> DisputeStatus {
        match self {
            Outcome::Won | Outcome::Lost => DisputeStatus::Responded,
            Outcome::Expired => DisputeStatus::Undefended,
        }
    }
}

/// `POST /adyen/_sandbox/disputes/{disputePspReference}/resolve` with `{"outcome": "won" |
/// "lost" | "expired", "event_code"?: ...}`: the issuer (or the calendar) decides a dispute,
/// and the notification Adyen sends for that decision is emitted. A defended dispute is won
/// or lost, an undefended one expires; anything else (an accepted or already decided dispute,
/// an undefended one won or lost, a defended one expired) is 409.
pub(super) fn resolve(
    state: &mut State,
    adyen: &Adyen,
    dispute_psp: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> Result<Value, ControlError> {
    let outcome = Outcome::parse(body.get("outcome"))?;
    let allowed = outcome.event_codes();
    let event_code = match body.get("event_code") {
        None | Some(Value::Null) => allowed[0],
        Some(Value::String(code)) => allowed
            .iter()
            .copied()
            .find(|c| *c == code.as_str())
            .ok_or_else(|| {
                ControlError::new(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "event_code for outcome {:?} must be one of {}",
                        outcome.name(),
                        allowed.join(", ")
                    ),
                )
            })?,
        Some(_) => {
            return Err(ControlError::new(
                StatusCode::BAD_REQUEST,
                "event_code must be a string",
            ))
        }
    };
    let Some(dispute) = state.disputes.get_mut(dispute_psp) else {
        return Err(ControlError::new(
            StatusCode::NOT_FOUND,
            format!("no Adyen dispute {dispute_psp:?}"),
        ));
    };
    if dispute.status != outcome.applies_to() {
        let why = match dispute.status {
            DisputeStatus::Accepted => "it was accepted".to_string(),
            DisputeStatus::Won | DisputeStatus::Lost | DisputeStatus::Expired => {
                format!("it is already decided ({})", dispute.status.as_str())
            }
            DisputeStatus::Undefended => {
                "it was not defended (defendDispute); it can only expire".to_string()
            }
            DisputeStatus::Responded => "it was defended; it can only be won or lost".to_string(),
        };
        return Err(ControlError::new(
            StatusCode::CONFLICT,
            format!("the dispute cannot be resolved {}: {why}", outcome.name()),
        ));
    }
    dispute.status = outcome.status();
    let notification = dispute.notification(event_code, dispute.status.as_str());
    adyen.emit(ctx, &[notification]);
    Ok(json!({
        "dispute_id": dispute.psp,
        "payment_id": dispute.payment_psp,
        "amount": dispute.value,
        "currency": dispute.currency,
        "outcome": outcome.name(),
        "dispute_status": dispute.status.as_str(),
        "event_code": event_code,
    }))
}
