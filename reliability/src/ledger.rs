//! The sandbox's ledger (`GET /_sandbox/ledger`): snapshots and what changed between two.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// The totals that grow when money moves or a document is added.
pub const TOTALS: &[&str] = &["captured", "refunded", "voided", "documents"];

/// A snapshot: every ledger entry by (kind key, id).
#[derive(Clone, Debug, Default)]
pub struct Snapshot(pub BTreeMap<(String, String), Value>);

/// `kind`, plus `:type` where the processor has one kind of object with types (Fiserv and
/// Elavon transactions; the type of an existing Elavon transaction changes as it is completed
/// or voided, so the key of an object is its kind and id alone).
pub fn kind_key(entry: &Value) -> String {
    let kind = entry["kind"].as_str().unwrap_or("?");
    match entry.get("type").and_then(Value::as_str) {
        Some(t) => format!("{kind}:{t}"),
        None => kind.to_string(),
    }
}

fn total(entry: &Value, field: &str) -> i64 {
    match entry.get(field) {
        Some(Value::Bool(b)) => i64::from(*b),
        Some(v) => v.as_i64().unwrap_or(0),
        None => 0,
    }
}

impl Snapshot {
    pub fn from_ledger(ledger: &Value) -> Snapshot {
        let mut map = BTreeMap::new();
        for e in ledger["effects"].as_array().into_iter().flatten() {
            let id = e["id"].as_str().unwrap_or("").to_string();
            let kind = e["kind"].as_str().unwrap_or("?").to_string();
            map.insert((kind, id), e.clone());
        }
        Snapshot(map)
    }
}

/// What changed from one snapshot to another.
#[derive(Clone, Debug, Default)]
pub struct Diff {
    /// Entries that did not exist before.
    pub new: Vec<Value>,
    /// New entries by kind key.
    pub counts: BTreeMap<String, i64>,
    /// Growth of each total (new entries count with their whole totals).
    pub totals: BTreeMap<String, i64>,
}

pub fn diff(before: &Snapshot, after: &Snapshot) -> Diff {
    let mut d = Diff::default();
    for (key, entry) in &after.0 {
        let old = before.0.get(key);
        if old.is_none() {
            d.new.push(entry.clone());
            *d.counts.entry(kind_key(entry)).or_default() += 1;
        }
        for field in TOTALS {
            let grew = total(entry, field) - old.map(|o| total(o, field)).unwrap_or(0);
            if grew > 0 {
                *d.totals
                    .entry(format!("{}.{field}", entry["kind"].as_str().unwrap_or("?")))
                    .or_default() += grew;
            }
        }
    }
    d
}

/// Where `faulted` did more than `baseline` (the same call without a fault): each excess, as
/// text. Empty when nothing happened twice.
pub fn excess(baseline: &Diff, faulted: &Diff) -> Vec<String> {
    let mut out = Vec::new();
    for (kind, n) in &faulted.counts {
        let base = baseline.counts.get(kind).copied().unwrap_or(0);
        if *n > base {
            out.push(format!("{n} new {kind} (once: {base})"));
        }
    }
    for (field, n) in &faulted.totals {
        let base = baseline.totals.get(field).copied().unwrap_or(0);
        if *n > base {
            out.push(format!("{field} grew by {n} (once: {base})"));
        }
    }
    out
}

/// A refund object: found only by its own id (a refund status is not on its payment).
pub fn is_refund(entry: &Value) -> bool {
    let kind = entry["kind"].as_str().unwrap_or("");
    let t = entry.get("type").and_then(Value::as_str).unwrap_or("");
    kind.contains("refund") || t == "refund" || t == "return"
}

/// Whether a caller who knows `known` ids can find `entry`: by its id, or (not for refunds)
/// through the object it belongs to.
pub fn findable(entry: &Value, known: &BTreeSet<String>) -> bool {
    let id = entry["id"].as_str().unwrap_or("");
    if known.contains(id) {
        return true;
    }
    !is_refund(entry)
        && entry
            .get("parent")
            .and_then(Value::as_str)
            .is_some_and(|p| known.contains(p))
}

/// Every string under a key ending in `_id` (or named `id`), anywhere in `value`.
pub fn ids_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if let Value::String(s) = v {
                    if (k == "id" || k.ends_with("_id")) && !s.is_empty() {
                        out.insert(s.clone());
                    }
                } else {
                    ids_in(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| ids_in(v, out)),
        _ => {}
    }
}
