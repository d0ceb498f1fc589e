//! Scenario variables: `${name}` references in a step (tests/README.md, "Variables") and the
//! dotted paths of `save`.

use std::collections::BTreeMap;

use serde_json::Value;

/// Expands `${var}` references (and `${uuid}`) in every string of `value`; a reference is `${`,
/// a name of ASCII letters, digits and `_`, then `}` (the schema allows no other `${`).
pub fn expand(value: &Value, vars: &BTreeMap<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                if is_var_name(name) {
                    return lookup(name, vars);
                }
            }
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                let after = &rest[start + 2..];
                let name_len = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                if name_len == 0 || !after[name_len..].starts_with('}') {
                    // Not a reference: keep the text as it is.
                    out.push_str(&rest[..start + 2]);
                    rest = after;
                    continue;
                }
                out.push_str(&rest[..start]);
                match lookup(&after[..name_len], vars)? {
                    Value::String(v) => out.push_str(&v),
                    other => out.push_str(&other.to_string()),
                }
                rest = &after[name_len + 1..];
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| expand(v, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), expand(v, vars)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

fn is_var_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn lookup(name: &str, vars: &BTreeMap<String, Value>) -> Result<Value, String> {
    if name == "uuid" {
        return Ok(Value::String(uuid::Uuid::new_v4().to_string()));
    }
    vars.get(name)
        .cloned()
        .ok_or_else(|| format!("undefined variable `{name}` (no earlier step saved it)"))
}

/// Reads a dotted path (`events.0.connector_dispute_id`; `""` is the whole value) for `save`:
/// a path that leads to nothing or to null is an error.
pub fn get_path(value: &Value, path: &str) -> Result<Value, String> {
    if path.is_empty() {
        return Ok(value.clone());
    }
    path.split('.')
        .try_fold(value, |v, part| match v {
            Value::Object(m) => m.get(part),
            Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        })
        .filter(|v| !v.is_null())
        .cloned()
        .ok_or_else(|| format!("no value at `{path}` in {value}"))
}
