//! Transport: executes the connectors' HTTP requests (reqwest + rustls on tokio; for blocking
//! calls, blocking sockets on the calling thread: `transport/blocking.rs`; for calls on an
//! event loop, the same connections watched by that loop: `transport/event_loop.rs`), with
//! timeouts, a proxy, and retries only where they cannot act twice.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::types::{Bytes, HttpMethod};

mod blocking;
pub(crate) use blocking::BlockingTransport;
#[cfg(unix)]
mod event_loop;
#[cfg(unix)]
pub(crate) use event_loop::EventLoopTransport;
#[cfg(unix)]
pub use event_loop::{Asked, AskedWatches, EventLoop, Watches};
#[cfg(target_os = "linux")]
mod epoll;
#[cfg(target_os = "linux")]
pub use epoll::Epoll;

/// Transport settings of a client. Durations are in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TransportOptions {
    /// Time allowed to establish a connection.
    pub connect_timeout_ms: u64,
    /// Time allowed for one HTTP exchange, from sending to the last body byte.
    pub timeout_ms: u64,
    /// HTTP(S) proxy for every request (e.g. `http://proxy.internal:3128`). When absent, the
    /// standard `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` variables apply.
    pub proxy_url: Option<String>,
    /// Retries of failed exchanges.
    pub retry: RetryOptions,
    /// Extra text appended to the User-Agent header.
    pub user_agent_suffix: Option<String>,
    /// The largest response body read, in bytes (default 8 MiB; the processors' answers are a
    /// few kilobytes). A larger answer is abandoned as it streams in and the call fails with
    /// `invalid_response`: the outcome of a mutating call is then unknown, so it is retried only
    /// if the request is one the processor deduplicates.
    pub max_response_bytes: u64,
    /// The most HTTP exchanges this client runs at once, each on a connection of its own
    /// (default 64; its asynchronous and blocking calls together, each kind keeping up to this
    /// many idle connections per host). Further calls wait for a free slot; the wait counts
    /// against the call's timeout, and a call that finds no slot in time fails with `network`
    /// before anything is sent (safe to retry).
    pub max_connections: u32,
}

/// Default of [`TransportOptions::max_response_bytes`]: 8 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

/// Default of [`TransportOptions::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: u32 = 64;

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions {
            connect_timeout_ms: 5_000,
            timeout_ms: 30_000,
            proxy_url: None,
            retry: RetryOptions::default(),
            user_agent_suffix: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// When and how often to retry.
///
/// A request is retried only when that cannot act twice at the processor: when it was never
/// sent (connection refused), or when it is read-only or carries an idempotency key the
/// processor deduplicates on, and the answer was a timeout, a 429 or a 5xx. Delays grow
/// exponentially with full jitter; a `Retry-After` answer is honoured up to `max_backoff_ms`
/// (a longer one ends the retries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RetryOptions {
    pub enabled: bool,
    /// Attempts per HTTP exchange, the first included.
    pub max_attempts: u32,
    pub initial_backoff_ms: u64,
    pub max_backoff_ms: u64,
}

impl Default for RetryOptions {
    fn default() -> Self {
        RetryOptions {
            enabled: true,
            max_attempts: 3,
            initial_backoff_ms: 200,
            max_backoff_ms: 5_000,
        }
    }
}

impl RetryOptions {
    /// The delay before retry number `retry` (1-based), with full jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff_ms
            .saturating_mul(1u64 << retry.saturating_sub(1).min(20));
        let cap = exp.min(self.max_backoff_ms).max(1);
        Duration::from_millis(fastrand::u64(cap / 2..=cap))
    }
}

/// Options for one call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CallOptions {
    /// Overrides the client's `timeout_ms` for this call's exchanges.
    pub timeout_ms: Option<u64>,
    /// Overrides whether this call may be retried.
    pub retry: Option<bool>,
}

/// Why an exchange failed at the transport level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// The connection could not be established: the request was not sent.
    Connect,
    /// No complete answer within the timeout: the request may have been processed.
    Timeout,
    /// The connection failed after the request may have been sent.
    Io,
    /// The answer was larger than `max_response_bytes` and was abandoned: the request was sent
    /// and may have been processed.
    ResponseTooLarge,
}

/// A transport failure.
#[derive(Clone, Debug)]
pub struct TransportError {
    pub kind: TransportErrorKind,
    pub message: String,
}

impl TransportError {
    /// Whether the processor may have received the request.
    pub fn maybe_sent(&self) -> bool {
        self.kind != TransportErrorKind::Connect
    }

    /// No connection could be made (`detail` says why): not sent.
    fn connect(detail: &dyn std::fmt::Display) -> TransportError {
        TransportError {
            kind: TransportErrorKind::Connect,
            message: format!("could not connect to the processor: {detail}"),
        }
    }

    /// The connection failed once the request may have been sent.
    fn failed(detail: &dyn std::fmt::Display) -> TransportError {
        TransportError {
            kind: TransportErrorKind::Io,
            message: format!("the connection to the processor failed: {detail}"),
        }
    }

    fn timed_out() -> TransportError {
        TransportError {
            kind: TransportErrorKind::Timeout,
            message: "the processor did not answer within the timeout".to_string(),
        }
    }

    /// An answer (HTTP `status`) past `max` bytes, abandoned.
    fn too_large(status: u16, max: u64) -> TransportError {
        TransportError {
            kind: TransportErrorKind::ResponseTooLarge,
            message: format!(
                "the processor's answer (HTTP {status}) is larger than the {max} bytes accepted \
                 (transport.max_response_bytes) and was not read; the outcome is unknown: look \
                 the operation up before retrying"
            ),
        }
    }

    pub fn into_error(self) -> Error {
        let code = match self.kind {
            TransportErrorKind::Timeout => ErrorCode::Timeout,
            TransportErrorKind::ResponseTooLarge => ErrorCode::InvalidResponse,
            _ => ErrorCode::Network,
        };
        Error::new(code, self.message).with_retryable(true)
    }
}

/// Future returned by [`HttpTransport::send`].
pub type SendFuture<'a> =
    Pin<Box<dyn Future<Output = std::result::Result<HttpResponse, TransportError>> + Send + 'a>>;

/// Sends one HTTP request. Implement it to plug your own HTTP client into [`crate::Client`].
pub trait HttpTransport: Send + Sync + 'static {
    fn send<'a>(&'a self, request: &'a HttpRequest, timeout: Duration) -> SendFuture<'a>;
}

/// The default transport: one pooled reqwest client (rustls) per [`crate::Client`], at most
/// `max_connections` exchanges at once, answers read up to `max_response_bytes`.
pub struct ReqwestTransport {
    client: reqwest::Client,
    /// Shared with the client's [`BlockingTransport`]: one `max_connections` for both.
    slots: std::sync::Arc<tokio::sync::Semaphore>,
    max_response_bytes: u64,
    urls: UrlCache,
}

/// The parsed form of the URLs requests went to lately. A connector sends most of its requests
/// to a few fixed URLs (`/payments`, `/refunds`), and parsing one (its host through IDNA
/// processing) costs more than the rest of preparing the request. Cleared when full, so URLs
/// with ids in them cannot make it grow.
#[derive(Default)]
struct UrlCache(std::sync::Mutex<std::collections::HashMap<Box<str>, reqwest::Url>>);

impl UrlCache {
    const CAPACITY: usize = 64;

    /// The parsed `url`; `None` when it is not a valid URL.
    fn get(&self, url: &str) -> Option<reqwest::Url> {
        let lock = || self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(parsed) = lock().get(url) {
            return Some(parsed.clone());
        }
        let parsed = reqwest::Url::parse(url).ok()?;
        let mut urls = lock();
        if urls.len() >= Self::CAPACITY {
            urls.clear();
        }
        urls.insert(url.into(), parsed.clone());
        Some(parsed)
    }
}

/// The `User-Agent` the transports send: `connector-service/<version>`, then the suffix.
fn user_agent(options: &TransportOptions) -> String {
    let mut user_agent = format!("connector-service/{}", env!("CARGO_PKG_VERSION"));
    if let Some(suffix) = &options.user_agent_suffix {
        user_agent.push(' ');
        user_agent.push_str(suffix);
    }
    user_agent
}

/// One of `slots` (an exchange's right to a connection), waited for at most `timeout`.
async fn acquire_slot(
    slots: &tokio::sync::Semaphore,
    timeout: Duration,
) -> std::result::Result<tokio::sync::SemaphorePermit<'_>, TransportError> {
    let started = tokio::time::Instant::now();
    match tokio::time::timeout(timeout, slots.acquire()).await {
        Ok(Ok(slot)) if started.elapsed() < timeout => Ok(slot),
        _ => Err(TransportError {
            kind: TransportErrorKind::Connect,
            message: "no free connection slot within the timeout \
                      (transport.max_connections); the request was not sent"
                .to_string(),
        }),
    }
}

impl ReqwestTransport {
    pub fn new(options: &TransportOptions) -> Result<ReqwestTransport> {
        let user_agent = user_agent(options);
        if options.max_connections == 0 {
            return Err(Error::configuration(
                "transport.max_connections must be at least 1",
            ));
        }
        if options.max_response_bytes == 0 {
            return Err(Error::configuration(
                "transport.max_response_bytes must be at least 1",
            ));
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(options.connect_timeout_ms))
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(options.max_connections as usize)
            // No retry inside reqwest: the only retries are the core's, which know whether a
            // request may be sent again. (reqwest's default retries HTTP/2 refusals, which this
            // HTTP/1.1 client never meets, yet copied every request's headers to be ready to.)
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .user_agent(user_agent);
        if let Some(proxy) = &options.proxy_url {
            let proxy = reqwest::Proxy::all(proxy).map_err(|_| {
                Error::configuration("transport.proxy_url is not a valid proxy URL")
            })?;
            builder = builder.proxy(proxy);
        }
        let client = builder
            .build()
            .map_err(|e| Error::configuration(format!("cannot build the HTTP client: {e}")))?;
        Ok(ReqwestTransport {
            client,
            slots: std::sync::Arc::new(tokio::sync::Semaphore::new(
                options.max_connections as usize,
            )),
            max_response_bytes: options.max_response_bytes,
            urls: UrlCache::default(),
        })
    }

    /// Its connection slots (`max_connections`), for the client's [`BlockingTransport`].
    pub(crate) fn slots(&self) -> std::sync::Arc<tokio::sync::Semaphore> {
        self.slots.clone()
    }
}

impl HttpTransport for ReqwestTransport {
    fn send<'a>(&'a self, request: &'a HttpRequest, timeout: Duration) -> SendFuture<'a> {
        Box::pin(async move {
            // One slot per exchange, held until the body is read: reqwest has no hard cap on
            // the connections of its pool.
            let started = tokio::time::Instant::now();
            let _slot = acquire_slot(&self.slots, timeout).await?;
            let timeout = timeout.saturating_sub(started.elapsed());
            let method = match request.method {
                HttpMethod::Get => reqwest::Method::GET,
                HttpMethod::Post => reqwest::Method::POST,
                HttpMethod::Put => reqwest::Method::PUT,
                HttpMethod::Patch => reqwest::Method::PATCH,
                HttpMethod::Delete => reqwest::Method::DELETE,
            };
            // A URL that does not parse goes to reqwest as text, which reports it as before.
            let builder = match self.urls.get(&request.url) {
                Some(url) => self.client.request(method, url),
                None => self.client.request(method, &request.url),
            };
            let mut builder = builder.timeout(timeout);
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            if let Some(body) = &request.body {
                builder = builder.body(body.0.clone());
            }
            let response = builder.send().await.map_err(classify)?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = read_capped(response, self.max_response_bytes).await?;
            Ok(HttpResponse {
                status,
                headers,
                body: Bytes(body),
            })
        })
    }
}

/// Reads a response body as it streams in, abandoning it once it exceeds `max` bytes (or at
/// once when its `Content-Length` announces more).
async fn read_capped(
    mut response: reqwest::Response,
    max: u64,
) -> std::result::Result<Vec<u8>, TransportError> {
    let status = response.status().as_u16();
    if response.content_length().is_some_and(|len| len > max) {
        return Err(TransportError::too_large(status, max));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if body.len() as u64 + chunk.len() as u64 > max {
            return Err(TransportError::too_large(status, max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn classify(e: reqwest::Error) -> TransportError {
    // reqwest's Display includes the URL; ours never carry secrets, but keep the text short.
    let (is_connect, is_timeout) = (e.is_connect(), e.is_timeout());
    let message = e.without_url().to_string();
    if is_connect {
        TransportError::connect(&message)
    } else if is_timeout {
        TransportError::timed_out()
    } else {
        TransportError::failed(&message)
    }
}

/// Parses a `Retry-After` header (delta seconds or an HTTP date).
pub fn retry_after(response: &HttpResponse) -> Option<Duration> {
    let value = response.header("retry-after")?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let r = RetryOptions {
            enabled: true,
            max_attempts: 5,
            initial_backoff_ms: 100,
            max_backoff_ms: 1_000,
        };
        for _ in 0..50 {
            let d1 = r.backoff(1).as_millis();
            assert!((50..=100).contains(&d1), "{d1}");
            let d3 = r.backoff(3).as_millis();
            assert!((200..=400).contains(&d3), "{d3}");
            let d10 = r.backoff(10).as_millis();
            assert!((500..=1000).contains(&d10), "{d10}");
        }
    }

    #[test]
    fn url_cache_parses_once_and_stays_small() {
        let cache = UrlCache::default();
        let url = "https://checkout-test.adyen.com/v71/payments?x=1";
        assert_eq!(cache.get(url), Some(reqwest::Url::parse(url).unwrap()));
        assert_eq!(cache.get(url), Some(reqwest::Url::parse(url).unwrap()));
        assert_eq!(cache.get("not a url"), None);
        for i in 0..(UrlCache::CAPACITY * 2) {
            let url = format!("https://api.example/payments/{i}/captures");
            assert_eq!(cache.get(&url).unwrap().as_str(), url);
            assert!(cache.0.lock().unwrap().len() <= UrlCache::CAPACITY);
        }
    }

    #[test]
    fn retry_after_parses_seconds() {
        let r = HttpResponse::new(429, Vec::new()).with_header("Retry-After", "2");
        assert_eq!(retry_after(&r), Some(Duration::from_secs(2)));
        let r = HttpResponse::new(429, Vec::new());
        assert_eq!(retry_after(&r), None);
    }

    /// A one-file HTTP/1.1 server on a local port: answers every request with `answer`,
    /// counting how many connections are being served at once.
    fn serve(
        answer: impl Fn() -> Vec<u8> + Send + Sync + 'static,
        hold: Duration,
    ) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::io::{Read, Write};
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/x", listener.local_addr().unwrap());
        let open = Arc::new(AtomicUsize::new(0));
        let max_open = Arc::new(AtomicUsize::new(0));
        let answer = Arc::new(answer);
        let seen = max_open.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let (open, max_open, answer) = (open.clone(), max_open.clone(), answer.clone());
                std::thread::spawn(move || {
                    let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                    max_open.fetch_max(now, Ordering::SeqCst);
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    std::thread::sleep(hold);
                    // Counted as closed before answering: the client frees its slot only
                    // after reading the answer.
                    open.fetch_sub(1, Ordering::SeqCst);
                    let _ = stream.write_all(&answer());
                });
            }
        });
        (url, seen)
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    fn transport(max_response_bytes: u64, max_connections: u32) -> ReqwestTransport {
        ReqwestTransport::new(&TransportOptions {
            max_response_bytes,
            max_connections,
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn oversized_answers_are_abandoned_as_invalid_response() {
        // Announced by Content-Length.
        let (url, _) = serve(
            || {
                let mut a = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n"
                    .to_vec();
                a.extend(std::iter::repeat_n(b'x', 5000));
                a
            },
            Duration::ZERO,
        );
        // Streamed without a length (chunked): cut off while reading.
        let (chunked_url, _) = serve(
            || {
                let mut a =
                    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        .to_vec();
                for _ in 0..10 {
                    a.extend_from_slice(b"200\r\n");
                    a.extend(std::iter::repeat_n(b'{', 0x200));
                    a.extend_from_slice(b"\r\n");
                }
                a.extend_from_slice(b"0\r\n\r\n");
                a
            },
            Duration::ZERO,
        );
        let rt = runtime();
        let t = transport(4096, 4);
        for url in [url, chunked_url] {
            let request = HttpRequest::new(HttpMethod::Post, url);
            let err = rt
                .block_on(t.send(&request, Duration::from_secs(10)))
                .expect_err("too large");
            assert_eq!(err.kind, TransportErrorKind::ResponseTooLarge);
            assert!(err.maybe_sent());
            let err = err.into_error();
            assert_eq!(err.code, ErrorCode::InvalidResponse);
            assert!(
                err.message.contains("max_response_bytes"),
                "{}",
                err.message
            );
        }
        // Within the cap: read whole.
        let big = transport(8192, 4);
        let (url, _) = serve(
            || b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".to_vec(),
            Duration::ZERO,
        );
        let response = rt
            .block_on(big.send(
                &HttpRequest::new(HttpMethod::Get, url),
                Duration::from_secs(10),
            ))
            .unwrap();
        assert_eq!(response.body.as_slice(), b"{}");
    }

    #[test]
    fn concurrent_exchanges_are_capped_by_max_connections() {
        let (url, max_open) = serve(
            || b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".to_vec(),
            Duration::from_millis(30),
        );
        let rt = runtime();
        let t = std::sync::Arc::new(transport(DEFAULT_MAX_RESPONSE_BYTES, 2));
        rt.block_on(async {
            let calls: Vec<_> = (0..6)
                .map(|_| {
                    let (t, url) = (t.clone(), url.clone());
                    tokio::spawn(async move {
                        let request = HttpRequest::new(HttpMethod::Get, url);
                        t.send(&request, Duration::from_secs(30))
                            .await
                            .map(|r| r.status)
                    })
                })
                .collect();
            for call in calls {
                assert_eq!(call.await.unwrap().unwrap(), 200);
            }
        });
        let seen = max_open.load(std::sync::atomic::Ordering::SeqCst);
        assert!((1..=2).contains(&seen), "{seen} connections served at once");
    }

    #[test]
    fn a_call_that_finds_no_free_slot_in_time_was_not_sent() {
        let (url, max_open) = serve(
            || b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".to_vec(),
            Duration::from_secs(3),
        );
        let rt = runtime();
        let t = std::sync::Arc::new(transport(DEFAULT_MAX_RESPONSE_BYTES, 1));
        rt.block_on(async {
            let holder = {
                let (t, url) = (t.clone(), url.clone());
                tokio::spawn(async move {
                    let request = HttpRequest::new(HttpMethod::Get, url);
                    t.send(&request, Duration::from_secs(30))
                        .await
                        .map(|r| r.status)
                })
            };
            // Wait until the first exchange holds the only slot (its connection is open).
            while max_open.load(std::sync::atomic::Ordering::SeqCst) == 0 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let request = HttpRequest::new(HttpMethod::Get, url);
            let err = t
                .send(&request, Duration::from_millis(100))
                .await
                .expect_err("no free slot");
            assert_eq!(err.kind, TransportErrorKind::Connect);
            assert!(!err.maybe_sent());
            assert!(err.message.contains("max_connections"), "{}", err.message);
            holder.abort();
        });
    }

    #[test]
    fn zero_limits_are_configuration_errors() {
        for options in [
            TransportOptions {
                max_connections: 0,
                ..Default::default()
            },
            TransportOptions {
                max_response_bytes: 0,
                ..Default::default()
            },
        ] {
            let err = ReqwestTransport::new(&options).err().expect("rejected");
            assert_eq!(err.code, ErrorCode::Configuration);
        }
    }
}
