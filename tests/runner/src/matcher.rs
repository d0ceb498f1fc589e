//! The expectations of a step (tests/README.md, "Expectations").

use serde_json::Value;

fn show(actual: Option<&Value>) -> String {
    actual.map_or_else(|| "nothing".into(), Value::to_string)
}

/// Checks `actual` against `expected` (tests/README.md, "Expectations"); returns the first
/// mismatch, named by its dotted place under `path`.
pub fn matches(expected: &Value, actual: Option<&Value>, path: &str) -> Result<(), String> {
    let present = actual.filter(|a| !a.is_null());
    match expected {
        Value::String(s) if s == "$present" => present
            .map(|_| ())
            .ok_or_else(|| format!("{path}: expected a value, got none")),
        Value::String(s) if s == "$absent" => match present {
            None => Ok(()),
            Some(v) => Err(format!("{path}: expected no value, got {v}")),
        },
        Value::Object(fields) => {
            let actual = present
                .filter(|a| a.is_object())
                .ok_or_else(|| format!("{path}: expected an object, got {}", show(actual)))?;
            for (k, v) in fields {
                matches(v, actual.get(k), &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        Value::Array(items) => {
            let actual = present
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{path}: expected an array, got {}", show(actual)))?;
            if actual.len() != items.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}: {}",
                    items.len(),
                    actual.len(),
                    Value::Array(actual.clone())
                ));
            }
            for (i, (e, a)) in items.iter().zip(actual).enumerate() {
                matches(e, Some(a), &format!("{path}.{i}"))?;
            }
            Ok(())
        }
        Value::Null => match present {
            None => Ok(()),
            Some(v) => Err(format!("{path}: expected null, got {v}")),
        },
        expected => match present {
            Some(a) if a == expected => Ok(()),
            Some(Value::Number(a))
                if expected.as_f64().is_some() && a.as_f64() == expected.as_f64() =>
            {
                Ok(())
            }
            other => Err(format!("{path}: expected {expected}, got {}", show(other))),
        },
    }
}
