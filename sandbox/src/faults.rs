//! Fault rules (`POST /_sandbox/faults`): what goes wrong, for which requests, how many times.

use http::StatusCode;
use serde_json::{json, Value};

/// What a fault does to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Wait, then handle the request normally.
    Latency { ms: u64 },
    /// Answer this status with the processor's error shape, without processing.
    Status { status: StatusCode },
    /// Process the request, then close the connection without an answer.
    Drop,
    /// Close the connection without an answer and without processing.
    Reset,
    /// Process the request, then answer 200 with a body that does not parse.
    Malformed,
    /// Answer 429 with `Retry-After`, without processing.
    RateLimit { retry_after_s: u64 },
    /// Process the request, then answer this status with the processor's error shape (the
    /// effect happened; the caller is told it failed).
    StatusAfter { status: StatusCode },
    /// Process the request, then answer its real status and headers with the body cut to
    /// half its length.
    Truncated,
}

impl Fault {
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::Latency { .. } => "latency",
            Fault::Status { .. } => "status",
            Fault::Drop => "drop",
            Fault::Reset => "reset",
            Fault::Malformed => "malformed",
            Fault::RateLimit { .. } => "rate_limit",
            Fault::StatusAfter { .. } => "status_after",
            Fault::Truncated => "truncated",
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Fault::Latency { ms } => json!({"type": "latency", "ms": ms}),
            Fault::Status { status } => json!({"type": "status", "status": status.as_u16()}),
            Fault::StatusAfter { status } => {
                json!({"type": "status_after", "status": status.as_u16()})
            }
            Fault::RateLimit { retry_after_s } => {
                json!({"type": "rate_limit", "retry_after_s": retry_after_s})
            }
            other => json!({"type": other.kind()}),
        }
    }
}

/// The longest latency a rule may ask for.
const MAX_LATENCY_MS: u64 = 600_000;

#[derive(Clone, Debug)]
struct Rule {
    id: String,
    processor: Option<String>,
    method: Option<String>,
    path: Option<String>,
    fault: Fault,
    remaining: u64,
}

impl Rule {
    fn matches(&self, processor: &str, method: &str, path: &str) -> bool {
        self.processor.as_deref().is_none_or(|p| p == processor)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix))
    }
}

/// The active fault rules, in the order they were added.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Vec<Rule>,
    next_id: u64,
}

impl Faults {
    /// Validates and adds a rule; answers its id.
    pub fn add(&mut self, body: &Value, processors: &[&str]) -> Result<String, String> {
        let obj = body
            .as_object()
            .ok_or("the fault rule must be a JSON object")?;
        let processor = optional_string(obj.get("processor"), "processor")?;
        if let Some(p) = &processor {
            if !processors.contains(&p.as_str()) {
                return Err(format!("unknown processor {p:?}"));
            }
        }
        let method = optional_string(obj.get("method"), "method")?.map(|m| m.to_ascii_uppercase());
        let path = optional_string(obj.get("path"), "path")?;
        if let Some(p) = &path {
            if !p.starts_with('/') {
                return Err(
                    "path must start with '/' (a prefix of the processor path, e.g. /v68/payments)"
                        .into(),
                );
            }
        }
        let count = match obj.get("count") {
            None | Some(Value::Null) => 1,
            Some(v) => match v.as_u64() {
                Some(n) if n >= 1 => n,
                _ => return Err("count must be a positive integer".into()),
            },
        };
        let fault = parse_fault(obj.get("fault").ok_or("fault is required")?)?;
        self.next_id += 1;
        let id = format!("fault_{}", self.next_id);
        self.rules.push(Rule {
            id: id.clone(),
            processor,
            method,
            path,
            fault,
            remaining: count,
        });
        Ok(id)
    }

    /// The fault for this request, if a rule matches: the first matching rule loses one use.
    pub fn take(&mut self, processor: &str, method: &str, path: &str) -> Option<Fault> {
        let index = self
            .rules
            .iter()
            .position(|r| r.matches(processor, method, path))?;
        let rule = &mut self.rules[index];
        let fault = rule.fault.clone();
        rule.remaining -= 1;
        if rule.remaining == 0 {
            self.rules.remove(index);
        }
        Some(fault)
    }

    /// Removes every rule; answers how many there were.
    pub fn clear(&mut self) -> usize {
        let n = self.rules.len();
        self.rules.clear();
        n
    }

    /// The rules still active, with their remaining counts.
    pub fn list(&self) -> Value {
        Value::Array(
            self.rules
                .iter()
                .map(|r| {
                    json!({"id": r.id, "processor": r.processor, "method": r.method, "path": r.path,
                           "fault": r.fault.to_json(), "remaining": r.remaining})
                })
                .collect(),
        )
    }
}

fn optional_string(value: Option<&Value>, name: &str) -> Result<Option<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{name} must be a string")),
    }
}

fn parse_fault(value: &Value) -> Result<Fault, String> {
    let kind = value
        .get("type")
        .and_then(Value::as_str)
        .ok_or("fault.type is required")?;
    let number = |name: &str| -> Result<u64, String> {
        value
            .get(name)
            .and_then(Value::as_u64)
            .ok_or(format!("fault.{name} must be a non-negative integer"))
    };
    Ok(match kind {
        "latency" => {
            let ms = number("ms")?;
            if ms > MAX_LATENCY_MS {
                return Err(format!("fault.ms must be at most {MAX_LATENCY_MS}"));
            }
            Fault::Latency { ms }
        }
        "status" | "status_after" => {
            let status = number("status")?;
            let status = u16::try_from(status)
                .ok()
                .filter(|s| (400..=599).contains(s))
                .and_then(|s| StatusCode::from_u16(s).ok())
                .ok_or("fault.status must be an HTTP error status (400-599)")?;
            if kind == "status" {
                Fault::Status { status }
            } else {
                Fault::StatusAfter { status }
            }
        }
        "truncated" => Fault::Truncated,
        "drop" => Fault::Drop,
        "reset" => Fault::Reset,
        "malformed" => Fault::Malformed,
        "rate_limit" => {
            let retry_after_s = match value.get("retry_after_s") {
                None | Some(Value::Null) => 1,
                Some(_) => number("retry_after_s")?,
            };
            Fault::RateLimit { retry_after_s }
        }
        other => {
            return Err(format!(
                "unknown fault.type {other:?} (latency, status, status_after, drop, reset, malformed, truncated, rate_limit)"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_filter_and_count_down() {
        let mut faults = Faults::default();
        let id = faults
            .add(
                &json!({"processor": "adyen", "method": "post", "path": "/v68/payments",
                         "fault": {"type": "status", "status": 503}, "count": 2}),
                &["adyen"],
            )
            .unwrap();
        assert_eq!(id, "fault_1");
        assert_eq!(faults.take("adyen", "GET", "/v68/payments"), None);
        assert_eq!(faults.take("other", "POST", "/v68/payments"), None);
        let expected = Some(Fault::Status {
            status: StatusCode::SERVICE_UNAVAILABLE,
        });
        assert_eq!(
            faults.take("adyen", "POST", "/v68/payments/details"),
            expected
        );
        assert_eq!(faults.take("adyen", "POST", "/v68/payments"), expected);
        assert_eq!(faults.take("adyen", "POST", "/v68/payments"), None);
    }

    #[test]
    fn bad_rules_are_rejected() {
        let mut faults = Faults::default();
        for bad in [
            json!([]),
            json!({"fault": {"type": "explode"}}),
            json!({"fault": {"type": "status", "status": 200}}),
            json!({"fault": {"type": "status_after", "status": 302}}),
            json!({"fault": {"type": "latency"}}),
            json!({"fault": {"type": "drop"}, "count": 0}),
            json!({"processor": "nope", "fault": {"type": "drop"}}),
            json!({"path": "v68", "fault": {"type": "drop"}}),
        ] {
            assert!(faults.add(&bad, &["adyen"]).is_err(), "{bad}");
        }
        assert_eq!(faults.clear(), 0);
    }
}
