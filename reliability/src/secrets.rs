//! The secrets audit: every secret the scenarios use (the sandbox credentials, the test card
//! numbers, CVCs, wallet tokens), in every form it could take on the wire (plain, Base64 of
//! `key:secret`, card numbers grouped by four), searched for in everything logged.
//!
//! The Rust side logs at TRACE through a `tracing` subscriber whose writer scans each event
//! as it is written (`Scanner::make_writer`); the bindings' outputs are files scanned by
//! `Scanner::scan_file`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use base64::Engine;
use serde_json::Value;

/// Credential fields that are secrets (the others, e.g. merchant ids, are not).
const SECRET_FIELDS: &[&str] = &[
    "api_key",
    "api_secret",
    "secret_key",
    "key_secret",
    "pin",
    "webhook_hmac_key",
    "webhook_secrets",
    "callback_tokens",
];

/// Payment-method fields whose values are secrets.
const SECRET_METHOD_FIELDS: &[&str] = &[
    "number",
    "token",
    "cryptogram",
    "encrypted_card_number",
    "encrypted_expiry_month",
    "encrypted_expiry_year",
    "encrypted_security_code",
];

#[derive(Default)]
struct Found {
    bytes_scanned: u64,
    leaks: BTreeMap<String, usize>,
    examples: Vec<String>,
}

/// What to look for, and what was found.
#[derive(Clone)]
pub struct Scanner {
    needles: Arc<Vec<(String, Vec<u8>)>>,
    /// Needle indexes by first byte, to scan in one pass.
    by_first: Arc<Vec<Vec<usize>>>,
    found: Arc<Mutex<Found>>,
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        _ => {}
    }
}

fn walk_methods(value: &Value, pans: &mut Vec<String>, cvcs: &mut Vec<String>) {
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                if let Value::String(s) = v {
                    if SECRET_METHOD_FIELDS.contains(&k.as_str()) && s.len() >= 12 {
                        pans.push(s.clone());
                    }
                    if k == "cvc" || k == "cvv" {
                        cvcs.push(s.clone());
                    }
                }
                walk_methods(v, pans, cvcs);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| walk_methods(v, pans, cvcs)),
        _ => {}
    }
}

impl Scanner {
    /// The secrets of `credentials` (as `GET /_sandbox/credentials` answers) and of the
    /// scenarios' payment methods.
    pub fn new(credentials: &Value, scenarios: &[(String, Value)]) -> Scanner {
        let mut needles: Vec<(String, Vec<u8>)> = Vec::new();
        let mut add = |label: String, needle: String| {
            if needle.len() >= 6 && !needles.iter().any(|(_, n)| n == needle.as_bytes()) {
                needles.push((label, needle.into_bytes()));
            }
        };
        for (processor, creds) in credentials.as_object().into_iter().flatten() {
            for field in SECRET_FIELDS {
                let mut values = Vec::new();
                strings(&creds[*field], &mut values);
                for v in values {
                    add(format!("{processor}.{field}"), v.clone());
                    add(format!("{processor}.{field} (base64)"), b64(&v));
                    add(
                        format!("{processor}.{field} as Basic user"),
                        b64(&format!("{v}:")),
                    );
                }
            }
            // HTTP Basic credentials: `key_id:key_secret` (Razorpay).
            if let (Some(id), Some(secret)) =
                (creds["key_id"].as_str(), creds["key_secret"].as_str())
            {
                add(
                    format!("{processor} Basic key_id:key_secret"),
                    b64(&format!("{id}:{secret}")),
                );
            }
        }
        let mut pans = Vec::new();
        let mut cvcs = Vec::new();
        for (_, scenario) in scenarios {
            walk_methods(scenario, &mut pans, &mut cvcs);
        }
        for pan in pans {
            if pan.contains("${") {
                continue;
            }
            if pan.bytes().all(|b| b.is_ascii_digit()) {
                let grouped: Vec<String> = pan
                    .as_bytes()
                    .chunks(4)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect();
                add("card number (grouped)".into(), grouped.join(" "));
                add("card number".into(), pan);
            } else {
                add("payment token".into(), pan);
            }
        }
        cvcs.sort();
        cvcs.dedup();
        for cvc in cvcs {
            // A CVC is too short to look for alone: look for it as a field value.
            for form in [
                format!("\"cvc\":\"{cvc}\""),
                format!("\"cvc\": \"{cvc}\""),
                format!("\"cvv\":\"{cvc}\""),
                format!("\"cvv\": \"{cvc}\""),
                format!("\"cvv\":{cvc}"),
                format!("\"securityCode\":\"{cvc}\""),
                format!("\"security_code\":\"{cvc}\""),
                format!("\"cvc\":{cvc}"),
                format!("cvc={cvc}"),
                format!("cvc: {cvc}"),
                format!("cvc: \"{cvc}\""),
                format!("ssl_cvv2cvc2>{cvc}<"),
                format!("ssl_cvv2cvc2={cvc}"),
            ] {
                add("CVC".into(), form);
            }
        }
        let mut by_first = vec![Vec::new(); 256];
        for (i, (_, needle)) in needles.iter().enumerate() {
            by_first[needle[0] as usize].push(i);
        }
        Scanner {
            by_first: Arc::new(by_first),
            needles: Arc::new(needles),
            found: Arc::new(Mutex::new(Found::default())),
        }
    }

    pub fn needles(&self) -> usize {
        self.needles.len()
    }

    /// Scans `data` (from `source`), recording each secret found.
    pub fn scan(&self, source: &str, data: &[u8]) {
        let by_first = &self.by_first;
        let mut hit = vec![false; self.needles.len()];
        for (pos, byte) in data.iter().enumerate() {
            for &i in &by_first[*byte as usize] {
                if !hit[i] && data[pos..].starts_with(&self.needles[i].1) {
                    hit[i] = true;
                }
            }
        }
        let hits: Vec<String> = hit
            .iter()
            .enumerate()
            .filter(|(_, h)| **h)
            .map(|(i, _)| self.needles[i].0.clone())
            .collect();
        let mut found = self.found.lock().unwrap();
        found.bytes_scanned += data.len() as u64;
        for label in hits {
            *found
                .leaks
                .entry(format!("{label} in {source}"))
                .or_default() += 1;
            if found.examples.len() < 20 {
                let text = String::from_utf8_lossy(data);
                let excerpt: String = text.chars().take(300).collect();
                found
                    .examples
                    .push(format!("{label} in {source}: {excerpt}"));
            }
        }
    }

    pub fn scan_file(&self, path: &Path) -> std::io::Result<()> {
        let data = std::fs::read(path)?;
        self.scan(&path.display().to_string(), &data);
        Ok(())
    }

    /// The number of (secret, source) pairs found, and a description of each.
    pub fn leaks(&self) -> (usize, Vec<String>, u64) {
        let found = self.found.lock().unwrap();
        let mut lines: Vec<String> = found
            .leaks
            .iter()
            .map(|(k, n)| format!("{k} ({n} times)"))
            .collect();
        lines.extend(found.examples.iter().map(|e| format!("  e.g. {e}")));
        (found.leaks.len(), lines, found.bytes_scanned)
    }
}

/// A `tracing` writer that scans what is written (and keeps nothing).
pub struct ScanWriter {
    scanner: Scanner,
    buf: Vec<u8>,
}

impl Write for ScanWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for ScanWriter {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            self.scanner.scan("rust TRACE log", &self.buf);
        }
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Scanner {
    type Writer = ScanWriter;

    fn make_writer(&'a self) -> ScanWriter {
        ScanWriter {
            scanner: self.clone(),
            buf: Vec::new(),
        }
    }
}

/// Installs a global TRACE subscriber that scans every event with `scanner`.
pub fn install(scanner: &Scanner) {
    // Everything at TRACE but the sandbox (it stands for the processor, not the library) and
    // the async runtime's and HTTP/2 machinery's own bookkeeping.
    let filter = tracing_subscriber::EnvFilter::new(
        "trace,connector_sandbox=off,tokio=off,runtime=off,mio=off,h2=off,want=off",
    );
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(scanner.clone())
        .try_init();
}
