//! The webhook outbox, the scheduler that fills it after the webhook delay, and delivery to
//! configured URLs.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use serde_json::{json, Map, Value};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch, Notify};
use tokio::time::Instant;

use crate::processor::Webhook;
use crate::util::lock;

/// The most webhooks kept in the outbox; older ones are dropped first.
const MAX_OUTBOX: usize = 10_000;
/// Delivery attempts per webhook, and the first back-off (doubled after each failure).
const DELIVERY_ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// A webhook in the outbox.
#[derive(Clone, Debug)]
pub struct StoredWebhook {
    pub id: String,
    pub processor: &'static str,
    pub event: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl StoredWebhook {
    pub fn to_json(&self) -> Value {
        let mut headers = Map::new();
        for (k, v) in &self.headers {
            headers.insert(k.clone(), json!(v));
        }
        json!({"id": self.id, "processor": self.processor, "event": self.event,
               "headers": headers, "body": self.body})
    }

    fn matches(&self, processor: Option<&str>, event: Option<&str>) -> bool {
        processor.is_none_or(|p| p == self.processor) && event.is_none_or(|e| e == self.event)
    }
}

/// Every webhook emitted and not yet taken, oldest first.
#[derive(Debug, Default)]
pub struct Outbox {
    items: Mutex<VecDeque<StoredWebhook>>,
    notify: Notify,
    next_id: AtomicU64,
}

impl Outbox {
    pub fn push(&self, processor: &'static str, webhook: Webhook) -> StoredWebhook {
        let id = format!("wh_{}", self.next_id.fetch_add(1, Ordering::Relaxed) + 1);
        let stored = StoredWebhook {
            id,
            processor,
            event: webhook.event,
            headers: webhook.headers,
            body: webhook.body,
        };
        {
            let mut items = lock(&self.items);
            if items.len() == MAX_OUTBOX {
                items.pop_front();
            }
            items.push_back(stored.clone());
        }
        self.notify.notify_waiters();
        stored
    }

    pub fn list(&self, processor: Option<&str>) -> Value {
        let items = lock(&self.items);
        Value::Array(
            items
                .iter()
                .filter(|w| w.matches(processor, None))
                .map(StoredWebhook::to_json)
                .collect(),
        )
    }

    pub fn clear(&self, processor: Option<&str>) -> usize {
        let mut items = lock(&self.items);
        let before = items.len();
        items.retain(|w| !w.matches(processor, None));
        before - items.len()
    }

    fn take(
        &self,
        processor: Option<&str>,
        event: Option<&str>,
        contains: Option<&str>,
    ) -> Option<StoredWebhook> {
        let mut items = lock(&self.items);
        let index = items.iter().position(|w| {
            w.matches(processor, event) && contains.is_none_or(|c| w.body.contains(c))
        })?;
        items.remove(index)
    }

    /// Removes and answers the oldest matching webhook (of `processor`, of type `event`, whose
    /// body contains `contains`), waiting up to `timeout` for one.
    pub async fn next(
        &self,
        processor: Option<&str>,
        event: Option<&str>,
        contains: Option<&str>,
        timeout: Duration,
    ) -> Option<StoredWebhook> {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            // Register before looking, so that a push between the look and the wait is seen.
            notified.as_mut().enable();
            if let Some(found) = self.take(processor, event, contains) {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.take(processor, event, contains);
            }
        }
    }
}

/// Webhooks waiting for their due time, in emission order.
pub(crate) struct Scheduled {
    pub due: Instant,
    pub processor: &'static str,
    /// The processor's reset count when they were scheduled.
    pub generation: u64,
    pub webhooks: Vec<Webhook>,
}

/// Moves scheduled webhooks into the outbox at their due time (in order), and hands them to
/// delivery when the processor has a webhook URL. Those of a processor reset since they were
/// scheduled are dropped.
pub(crate) async fn run_scheduler(
    shared: std::sync::Arc<crate::server::Shared>,
    mut queue: mpsc::UnboundedReceiver<Scheduled>,
    targets: HashMap<String, url::Url>,
    mut shutdown: watch::Receiver<bool>,
) {
    let (deliver_tx, deliver_rx) = mpsc::unbounded_channel::<(url::Url, StoredWebhook)>();
    if !targets.is_empty() {
        tokio::spawn(run_delivery(deliver_rx, shutdown.clone()));
    }
    loop {
        let next = tokio::select! {
            next = queue.recv() => next,
            _ = shutdown.changed() => None,
        };
        let Some(batch) = next else { return };
        tokio::select! {
            _ = tokio::time::sleep_until(batch.due) => {}
            _ = shutdown.changed() => return,
        }
        if shared.generation(batch.processor) != batch.generation {
            continue; // the processor was reset since: they concern objects that are gone
        }
        for webhook in batch.webhooks {
            let stored = shared.outbox.push(batch.processor, webhook);
            if let Some(url) = targets.get(batch.processor) {
                let _ = deliver_tx.send((url.clone(), stored));
            }
        }
    }
}

async fn run_delivery(
    mut queue: mpsc::UnboundedReceiver<(url::Url, StoredWebhook)>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let next = tokio::select! {
            next = queue.recv() => next,
            _ = shutdown.changed() => None,
        };
        let Some((url, webhook)) = next else { return };
        tokio::select! {
            _ = deliver_with_retries(&url, &webhook) => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn deliver_with_retries(url: &url::Url, webhook: &StoredWebhook) {
    let mut backoff = FIRST_BACKOFF;
    for attempt in 1..=DELIVERY_ATTEMPTS {
        let outcome = tokio::time::timeout(DELIVERY_TIMEOUT, post(url, webhook)).await;
        let error = match outcome {
            Ok(Ok(status)) if (200..300).contains(&status) => {
                tracing::debug!(id = %webhook.id, event = %webhook.event, %url, status, "webhook delivered");
                return;
            }
            Ok(Ok(status)) => format!("answered HTTP {status}"),
            Ok(Err(e)) => e,
            Err(_) => "timed out".to_string(),
        };
        tracing::warn!(id = %webhook.id, event = %webhook.event, %url, attempt, "webhook delivery failed: {error}");
        if attempt < DELIVERY_ATTEMPTS {
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
    }
    tracing::warn!(id = %webhook.id, event = %webhook.event, %url, "webhook not delivered; it stays in the outbox");
}

/// Checks a webhook target: an absolute `http://` URL (TLS is not offered).
pub(crate) fn parse_target(raw: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(raw).map_err(|e| format!("invalid webhook URL {raw:?}: {e}"))?;
    if url.scheme() != "http" {
        return Err(format!(
            "webhook URL {raw:?} must use http:// (the sandbox does not deliver over TLS)"
        ));
    }
    if url.host_str().is_none() {
        return Err(format!("webhook URL {raw:?} has no host"));
    }
    Ok(url)
}

/// POSTs one webhook; answers the HTTP status.
async fn post(url: &url::Url, webhook: &StoredWebhook) -> Result<u16, String> {
    let host = url
        .host_str()
        .ok_or("no host")?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = url.port_or_known_default().unwrap_or(80);
    let stream = TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut path = url.path().to_string();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    let host_header = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let mut request = hyper::Request::post(path).header(http::header::HOST, host_header);
    for (name, value) in &webhook.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(Full::new(Bytes::from(webhook.body.clone())))
        .map_err(|e| format!("request: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("send: {e}"))?;
    Ok(response.status().as_u16())
}
