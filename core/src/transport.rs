//! Transport: executes the connectors' HTTP requests (reqwest + rustls on tokio), with
//! timeouts, a proxy, and retries only where they cannot act twice.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::types::{Bytes, HttpMethod};

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
}

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions {
            connect_timeout_ms: 5_000,
            timeout_ms: 30_000,
            proxy_url: None,
            retry: RetryOptions::default(),
            user_agent_suffix: None,
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

    pub fn into_error(self) -> Error {
        let code = match self.kind {
            TransportErrorKind::Timeout => ErrorCode::Timeout,
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

/// The default transport: one pooled reqwest client (rustls) per [`crate::Client`].
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    pub fn new(options: &TransportOptions) -> Result<ReqwestTransport> {
        let mut user_agent = format!("connector-service/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = &options.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(options.connect_timeout_ms))
            .pool_idle_timeout(Duration::from_secs(60))
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
        Ok(ReqwestTransport { client })
    }
}

impl HttpTransport for ReqwestTransport {
    fn send<'a>(&'a self, request: &'a HttpRequest, timeout: Duration) -> SendFuture<'a> {
        Box::pin(async move {
            let method = match request.method {
                HttpMethod::Get => reqwest::Method::GET,
                HttpMethod::Post => reqwest::Method::POST,
                HttpMethod::Put => reqwest::Method::PUT,
                HttpMethod::Patch => reqwest::Method::PATCH,
                HttpMethod::Delete => reqwest::Method::DELETE,
            };
            let mut builder = self.client.request(method, &request.url).timeout(timeout);
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
            let body = response.bytes().await.map_err(classify)?;
            Ok(HttpResponse {
                status,
                headers,
                body: Bytes(body.to_vec()),
            })
        })
    }
}

fn classify(e: reqwest::Error) -> TransportError {
    // reqwest's Display includes the URL; ours never carry secrets, but keep the text short.
    let (is_connect, is_timeout) = (e.is_connect(), e.is_timeout());
    let message = e.without_url().to_string();
    let (kind, message) = if is_connect {
        (
            TransportErrorKind::Connect,
            format!("could not connect to the processor: {message}"),
        )
    } else if is_timeout {
        (
            TransportErrorKind::Timeout,
            "the processor did not answer within the timeout".to_string(),
        )
    } else {
        (
            TransportErrorKind::Io,
            format!("the connection to the processor failed: {message}"),
        )
    };
    TransportError { kind, message }
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
    fn retry_after_parses_seconds() {
        let r = HttpResponse::new(429, Vec::new()).with_header("Retry-After", "2");
        assert_eq!(retry_after(&r), Some(Duration::from_secs(2)));
        let r = HttpResponse::new(429, Vec::new());
        assert_eq!(retry_after(&r), None);
    }
}
