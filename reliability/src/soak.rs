//! The soak: many calls through one client, against a sandbox in another process, sampling
//! the process's resident memory and open descriptors at the start (after a warm-up), the
//! middle and the end. Memory may grow while caches and pools fill; it must not keep growing.
//! The bindings' soaks (`reliability/soak/`) write the same samples as JSON files that
//! `check` judges by the same bounds.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use connector_service::{CallOptions, Client, ClientConfig, FlowRequest, WebhookRequest};
use serde_json::{json, Value};

/// Growth allowed from the middle sample to the end one.
pub const MAX_RSS_GROWTH_KB: i64 = 16 * 1024;
pub const MAX_FD_GROWTH: i64 = 8;

/// One soak's samples.
#[derive(Clone, Debug)]
pub struct Samples {
    pub binding: String,
    pub calls: u64,
    pub rss_kb: [i64; 3],
    pub fds: [i64; 3],
}

impl Samples {
    pub fn from_json(v: &Value) -> Option<Samples> {
        let three = |k: &str| -> Option<[i64; 3]> {
            let a = v[k].as_array()?;
            Some([
                a.first()?.as_i64()?,
                a.get(1)?.as_i64()?,
                a.get(2)?.as_i64()?,
            ])
        };
        Some(Samples {
            binding: v["binding"].as_str()?.to_string(),
            calls: v["calls"].as_u64()?,
            rss_kb: three("rss_kb")?,
            fds: three("fds")?,
        })
    }

    /// `Err` with the reason when the growth is beyond the bounds.
    pub fn check(&self) -> Result<String, String> {
        let rss = self.rss_kb[2] - self.rss_kb[1];
        let fds = self.fds[2] - self.fds[0];
        let text = format!(
            "{}: {} calls, RSS {} / {} / {} KiB, fds {} / {} / {}",
            self.binding,
            self.calls,
            self.rss_kb[0],
            self.rss_kb[1],
            self.rss_kb[2],
            self.fds[0],
            self.fds[1],
            self.fds[2]
        );
        if rss > MAX_RSS_GROWTH_KB || fds > MAX_FD_GROWTH {
            Err(format!(
                "{text}: grows (RSS +{rss} KiB from the middle, fds +{fds})"
            ))
        } else {
            Ok(text)
        }
    }
}

/// This process's resident memory (KiB) and open descriptors.
pub fn sample() -> (i64, i64) {
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(-1);
    let fds = std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count() as i64)
        .unwrap_or(-1);
    (rss, fds)
}

/// A sandbox binary running as a child process; killed when dropped.
pub struct ExternalSandbox {
    child: Child,
    pub base_url: String,
    pub credentials: Value,
}

impl Drop for ExternalSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `bin` on a free port and reads its first lines (URL, credentials).
pub fn start_sandbox(bin: &Path) -> Result<ExternalSandbox, String> {
    use std::io::BufRead;
    let mut child = Command::new(bin)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = std::io::BufReader::new(stdout).lines();
    let first = lines
        .next()
        .and_then(Result::ok)
        .ok_or("the sandbox printed nothing")?;
    let base_url = first
        .rsplit(' ')
        .next()
        .ok_or("no URL on the first line")?
        .to_string();
    let mut credentials = serde_json::Map::new();
    for line in lines.by_ref().take(6).map_while(Result::ok) {
        let mut parts = line.splitn(3, ' ');
        if let (Some("credentials"), Some(p), Some(j)) = (parts.next(), parts.next(), parts.next())
        {
            if let Ok(v) = serde_json::from_str(j) {
                credentials.insert(p.to_string(), v);
            }
        }
    }
    // Keep reading (and dropping) its stdout so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Ok(ExternalSandbox {
        child,
        base_url,
        credentials: Value::Object(credentials),
    })
}

/// The Rust soak: `iterations` x (authorize, get, a webhook with a bad signature), through
/// one Checkout.com client.
pub async fn soak_rust(sandbox: &ExternalSandbox, iterations: u64) -> Result<Samples, String> {
    let config: ClientConfig = serde_json::from_value(json!({
        "connector": sandbox.credentials["checkout"],
        "base_url": format!("{}/checkout", sandbox.base_url),
    }))
    .map_err(|e| e.to_string())?;
    let client = Client::new(config).map_err(|e| e.to_string())?;
    let options = CallOptions::default();
    let mut calls = 0u64;
    let mut rss = [0i64; 3];
    let mut fds = [0i64; 3];
    let warmup = iterations / 10;
    for i in 0..(warmup + iterations) {
        if i == warmup {
            (rss[0], fds[0]) = sample();
        } else if i == warmup + iterations / 2 {
            (rss[1], fds[1]) = sample();
        }
        let request = json!({
            "amount": {"minor_units": 1000 + (i % 500) as i64, "currency": "USD"},
            "merchant_reference": format!("soak-{i}"),
            "payment_method": {"type": "card", "number": "4242424242424242",
                               "expiry_month": 12, "expiry_year": 2030, "cvc": "100"},
            "capture_method": "automatic",
        });
        let authorize = FlowRequest::from_json("payments.authorize", &request.to_string())
            .map_err(|e| e.to_string())?;
        let payment = client
            .execute(authorize, &options)
            .await
            .map_err(|e| format!("authorize: {e}"))?;
        let id = serde_json::to_value(&payment).map_err(|e| e.to_string())?
            ["connector_transaction_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let get = FlowRequest::from_json(
            "payments.get",
            &json!({"connector_transaction_id": id}).to_string(),
        )
        .map_err(|e| e.to_string())?;
        client
            .execute(get, &options)
            .await
            .map_err(|e| format!("get: {e}"))?;
        let hook = WebhookRequest::new(
            [("cko-signature".to_string(), "0".repeat(64))].into(),
            br#"{"type": "payment_approved", "data": {}}"#.to_vec(),
        );
        let _ = client.webhooks().verify_and_parse(&hook);
        calls += 3;
    }
    (rss[2], fds[2]) = sample();
    Ok(Samples {
        binding: "rust".into(),
        calls,
        rss_kb: rss,
        fds,
    })
}
