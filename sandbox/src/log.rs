//! The request log (`GET /_sandbox/requests`): every request a processor received.

use std::collections::VecDeque;

use serde_json::{json, Map, Value};

/// The most entries kept; older ones are forgotten first.
const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, Debug)]
struct Entry {
    processor: &'static str,
    method: String,
    path: String,
    at_ms: u64,
    fault: Option<&'static str>,
}

/// Requests received by processors, oldest first.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<Entry>,
}

impl RequestLog {
    pub fn record(
        &mut self,
        processor: &'static str,
        method: &str,
        path: &str,
        at_ms: u64,
        fault: Option<&'static str>,
    ) {
        if self.entries.len() == MAX_ENTRIES {
            self.entries.pop_front();
        }
        self.entries.push_back(Entry {
            processor,
            method: method.to_string(),
            path: path.to_string(),
            at_ms,
            fault,
        });
    }

    pub fn clear(&mut self) -> usize {
        let n = self.entries.len();
        self.entries.clear();
        n
    }

    /// `{"count", "by_path": {"METHOD /path": n}, "requests": [...]}` for one processor or all.
    pub fn summary(&self, processor: Option<&str>) -> Value {
        let mut by_path = Map::new();
        let mut requests = Vec::new();
        for e in self
            .entries
            .iter()
            .filter(|e| processor.is_none_or(|p| p == e.processor))
        {
            let key = format!("{} {}", e.method, e.path);
            let n = by_path.get(&key).and_then(Value::as_u64).unwrap_or(0);
            by_path.insert(key, json!(n + 1));
            requests.push(
                json!({"processor": e.processor, "method": e.method, "path": e.path,
                                 "at_ms": e.at_ms, "fault": e.fault}),
            );
        }
        json!({"count": requests.len(), "by_path": by_path, "requests": requests})
    }
}
