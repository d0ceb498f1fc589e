//! The control API under `/_sandbox/...` (see README.md). JSON in, JSON out; errors are
//! `{"error": "..."}` with a 4xx status.

use std::sync::Arc;
use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::{json, Map, Value};

use crate::processor::{ControlError, DisputeRequest, Response};
use crate::server::Shared;
use crate::util::lock;

const DEFAULT_NEXT_TIMEOUT_MS: u64 = 2_000;
const MAX_NEXT_TIMEOUT_MS: u64 = 120_000;

fn ok(value: Value) -> Response {
    Response::json(StatusCode::OK, &value)
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    Response::json(status, &json!({"error": message.into()}))
}

impl From<ControlError> for Response {
    fn from(e: ControlError) -> Response {
        error(e.status, e.message)
    }
}

pub(crate) async fn handle(
    shared: &Arc<Shared>,
    method: &Method,
    path: &str,
    query: Option<&str>,
    body: &[u8],
    public_base: String,
) -> Response {
    let route = path.trim_end_matches('/');
    let result = match (method.as_str(), route) {
        ("GET", "/_sandbox/credentials") => Ok(credentials(shared)),
        ("POST", "/_sandbox/faults") => add_fault(shared, body),
        ("GET", "/_sandbox/faults") => Ok(ok(lock(&shared.faults).list())),
        ("DELETE", "/_sandbox/faults") => Ok(ok(json!({"removed": lock(&shared.faults).clear()}))),
        ("GET", "/_sandbox/requests") => {
            processor_filter(shared, query).map(|p| ok(lock(&shared.log).summary(p.as_deref())))
        }
        ("DELETE", "/_sandbox/requests") => Ok(ok(json!({"removed": lock(&shared.log).clear()}))),
        ("GET", "/_sandbox/webhooks") => {
            processor_filter(shared, query).map(|p| ok(shared.outbox.list(p.as_deref())))
        }
        ("DELETE", "/_sandbox/webhooks") => processor_filter(shared, query)
            .map(|p| ok(json!({"removed": shared.outbox.clear(p.as_deref())}))),
        ("POST", "/_sandbox/webhooks/next") => next_webhook(shared, body).await,
        ("POST", "/_sandbox/disputes") => open_dispute(shared, body, public_base),
        ("GET", "/_sandbox/ledger") => {
            processor_filter(shared, query).map(|p| ok(ledger(shared, p.as_deref())))
        }
        ("DELETE", "/_sandbox/ledger") => processor_filter(shared, query)
            .map(|p| ok(json!({"removed": reset(shared, p.as_deref())}))),
        (
            _,
            "/_sandbox/credentials"
            | "/_sandbox/faults"
            | "/_sandbox/requests"
            | "/_sandbox/webhooks"
            | "/_sandbox/webhooks/next"
            | "/_sandbox/disputes"
            | "/_sandbox/ledger",
        ) => Err(ControlError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not allowed on {route}"),
        )),
        _ => Err(ControlError::new(
            StatusCode::NOT_FOUND,
            format!("no control endpoint {route}"),
        )),
    };
    result.unwrap_or_else(Response::from)
}

/// `{"<processor>": <ConnectorConfig JSON>, ...}`
pub(crate) fn credentials_json(shared: &Shared) -> Value {
    let mut all = Map::new();
    for p in &shared.processors {
        all.insert(p.name().to_string(), p.credentials());
    }
    Value::Object(all)
}

fn credentials(shared: &Shared) -> Response {
    ok(credentials_json(shared))
}

/// `{"effects": [{"processor", "kind", "id", ...}]}`: every processor's (or one's) ledger,
/// sorted by processor, kind and id.
fn ledger(shared: &Shared, processor: Option<&str>) -> Value {
    let mut effects = Vec::new();
    for p in &shared.processors {
        if processor.is_some_and(|name| name != p.name()) {
            continue;
        }
        for mut entry in p.ledger() {
            if let Some(obj) = entry.as_object_mut() {
                obj.insert("processor".into(), json!(p.name()));
                effects.push(entry);
            }
        }
    }
    let key = |v: &Value| {
        ["processor", "kind", "id"]
            .map(|k| v.get(k).and_then(Value::as_str).unwrap_or("").to_string())
    };
    effects.sort_by_key(key);
    json!({"effects": effects})
}

/// Resets the processors' state (of `processor` only when given), dropping their webhooks
/// still due; returns how many ledger entries the state held.
fn reset(shared: &Shared, processor: Option<&str>) -> usize {
    let mut removed = 0;
    for p in &shared.processors {
        if processor.is_none_or(|name| name == p.name()) {
            removed += p.ledger().len();
            shared.reset(p.as_ref());
        }
    }
    removed
}

fn bad_request(message: impl Into<String>) -> ControlError {
    ControlError::new(StatusCode::BAD_REQUEST, message)
}

fn parse_body(body: &[u8]) -> Result<Value, ControlError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| bad_request(format!("body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(bad_request("body must be a JSON object"));
    }
    Ok(value)
}

fn known_processor(shared: &Shared, name: &str) -> Result<(), ControlError> {
    if shared.processor(name).is_some() {
        Ok(())
    } else {
        Err(bad_request(format!(
            "unknown processor {name:?}; known: {:?}",
            shared.processor_names()
        )))
    }
}

fn processor_filter(shared: &Shared, query: Option<&str>) -> Result<Option<String>, ControlError> {
    let processor = query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "processor")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default();
    if let Some(p) = &processor {
        known_processor(shared, p)?;
    }
    Ok(processor)
}

fn optional_str<'a>(body: &'a Value, name: &str) -> Result<Option<&'a str>, ControlError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad_request(format!("{name} must be a string"))),
    }
}

fn add_fault(shared: &Shared, body: &[u8]) -> Result<Response, ControlError> {
    let body = parse_body(body)?;
    let names = shared.processor_names();
    let id = lock(&shared.faults)
        .add(&body, &names)
        .map_err(bad_request)?;
    Ok(ok(json!({"id": id})))
}

async fn next_webhook(shared: &Shared, body: &[u8]) -> Result<Response, ControlError> {
    let body = parse_body(body)?;
    let processor = optional_str(&body, "processor")?;
    if let Some(p) = processor {
        known_processor(shared, p)?;
    }
    let event = optional_str(&body, "event")?;
    let contains = optional_str(&body, "contains")?;
    let timeout_ms = match body.get("timeout_ms") {
        None | Some(Value::Null) => DEFAULT_NEXT_TIMEOUT_MS,
        Some(v) => v
            .as_u64()
            .ok_or_else(|| bad_request("timeout_ms must be a non-negative integer"))?,
    }
    .min(MAX_NEXT_TIMEOUT_MS);
    match shared
        .outbox
        .next(
            processor,
            event,
            contains,
            Duration::from_millis(timeout_ms),
        )
        .await
    {
        Some(webhook) => Ok(ok(webhook.to_json())),
        None => Err(ControlError::new(
            StatusCode::NOT_FOUND,
            format!("no webhook (processor {processor:?}, event {event:?}) within {timeout_ms} ms"),
        )),
    }
}

fn open_dispute(
    shared: &Arc<Shared>,
    body: &[u8],
    public_base: String,
) -> Result<Response, ControlError> {
    let body = parse_body(body)?;
    let processor =
        optional_str(&body, "processor")?.ok_or_else(|| bad_request("processor is required"))?;
    known_processor(shared, processor)?;
    let payment_id =
        optional_str(&body, "payment_id")?.ok_or_else(|| bad_request("payment_id is required"))?;
    let reason_code = match body.get("reason_code") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => return Err(bad_request("reason_code must be a string")),
    };
    let amount = match body.get("amount") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .filter(|a| *a > 0)
                .ok_or_else(|| bad_request("amount must be a positive integer (minor units)"))?,
        ),
    };
    let request = DisputeRequest {
        payment_id: payment_id.to_string(),
        reason_code,
        amount,
        raw: body.clone(),
    };
    let Some(p) = shared.processor(processor).cloned() else {
        return Err(bad_request("unknown processor"));
    };
    let ctx = shared.context(p.name(), public_base);
    p.open_dispute(&request, &ctx).map(ok)
}
