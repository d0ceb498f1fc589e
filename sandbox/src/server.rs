//! The HTTP server: accepts connections (hyper, HTTP/1.1), routes `/_sandbox/...` to the
//! control API and `/<processor>/...` to the processor, applying fault rules and logging.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http::{header, HeaderValue, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::control;
use crate::faults::{Fault, Faults};
use crate::log::RequestLog;
use crate::processor::{Context, Processor, Request, Response, Webhook};
use crate::util::{lock, now_ms};
use crate::webhooks::{self, Outbox, Scheduled};

/// The largest request body accepted (defence documents are Base64 inside JSON).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// State shared by every connection of one sandbox.
pub(crate) struct Shared {
    pub processors: Vec<Arc<dyn Processor>>,
    pub faults: Mutex<Faults>,
    pub log: Mutex<RequestLog>,
    pub outbox: Outbox,
    scheduler: mpsc::UnboundedSender<Scheduled>,
    webhook_delay: Duration,
    /// How many times each processor was reset (`DELETE /_sandbox/ledger`): webhooks scheduled
    /// before a reset are dropped when they fall due.
    resets: Mutex<HashMap<&'static str, u64>>,
    /// Held (shared) while a processor handles a request, and (exclusive) by a reset: a reset
    /// waits for the requests being handled, so none of them writes into the state after it.
    handling: RwLock<()>,
}

impl Shared {
    pub fn processor(&self, name: &str) -> Option<&Arc<dyn Processor>> {
        self.processors.iter().find(|p| p.name() == name)
    }

    pub fn processor_names(&self) -> Vec<&'static str> {
        self.processors.iter().map(|p| p.name()).collect()
    }

    pub fn schedule_webhooks(&self, processor: &'static str, webhooks: Vec<Webhook>) {
        if webhooks.is_empty() {
            return;
        }
        let due = Instant::now() + self.webhook_delay;
        // Fails only once the sandbox is shutting down; nothing to do then.
        let _ = self.scheduler.send(Scheduled {
            due,
            processor,
            generation: self.generation(processor),
            webhooks,
        });
    }

    /// How many times `processor` was reset.
    pub fn generation(&self, processor: &str) -> u64 {
        lock(&self.resets).get(processor).copied().unwrap_or(0)
    }

    /// Resets `processor`'s state, once the requests being handled are done; its webhooks
    /// still due are dropped.
    pub fn reset(&self, processor: &dyn Processor) {
        let _alone = self.handling.write().unwrap_or_else(|e| e.into_inner());
        *lock(&self.resets).entry(processor.name()).or_default() += 1;
        processor.reset();
    }

    pub fn context(self: &Arc<Self>, processor: &'static str, public_base: String) -> Context {
        Context {
            shared: self.clone(),
            processor,
            public_base,
        }
    }
}

/// How to start a server.
pub(crate) struct Config {
    pub host: String,
    pub port: u16,
    pub webhook_urls: Vec<(String, String)>,
    pub webhook_delay: Duration,
    pub processors: Vec<Arc<dyn Processor>>,
}

/// A running server: stops when `shutdown` is set (or dropped).
pub(crate) struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub shared: Arc<Shared>,
    pub shutdown: watch::Sender<bool>,
}

fn invalid_input(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, message)
}

/// Binds and starts serving on the current tokio runtime.
pub(crate) async fn start(config: Config) -> std::io::Result<Running> {
    let mut targets = HashMap::new();
    for (processor, raw) in &config.webhook_urls {
        if !config.processors.iter().any(|p| p.name() == processor) {
            return Err(invalid_input(format!(
                "--webhook-url names an unknown processor {processor:?}"
            )));
        }
        targets.insert(
            processor.clone(),
            webhooks::parse_target(raw).map_err(invalid_input)?,
        );
    }
    let listener = TcpListener::bind((config.host.as_str(), config.port)).await?;
    let addr = listener.local_addr()?;
    let host = if config.host.contains(':') && !config.host.starts_with('[') {
        format!("[{}]", config.host)
    } else {
        config.host.clone()
    };
    let base_url = format!("http://{host}:{}", addr.port());

    let (scheduler_tx, scheduler_rx) = mpsc::unbounded_channel();
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let shared = Arc::new(Shared {
        processors: config.processors,
        faults: Mutex::new(Faults::default()),
        log: Mutex::new(RequestLog::default()),
        outbox: Outbox::default(),
        scheduler: scheduler_tx,
        webhook_delay: config.webhook_delay,
        resets: Mutex::new(HashMap::new()),
        handling: RwLock::new(()),
    });
    tokio::spawn(webhooks::run_scheduler(
        shared.clone(),
        scheduler_rx,
        targets,
        shutdown_rx.clone(),
    ));
    tokio::spawn(accept_loop(
        listener,
        shared.clone(),
        Arc::from(base_url.as_str()),
        shutdown_rx,
    ));
    Ok(Running {
        addr,
        base_url,
        shared,
        shutdown: shutdown_tx,
    })
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    base_url: Arc<str>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // E.g. too many open files: wait a little rather than spin.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let base_url = base_url.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let service =
                service_fn(move |request| serve(shared.clone(), base_url.clone(), request));
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                result = connection => {
                    if let Err(e) = result {
                        tracing::debug!("connection closed: {e}");
                    }
                }
                _ = shutdown.changed() => {}
            }
        });
    }
}

/// The error that makes hyper close the connection without writing a response.
#[derive(Debug)]
pub(crate) struct CloseConnection(&'static str);

impl std::fmt::Display for CloseConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "connection closed on purpose ({})", self.0)
    }
}

impl std::error::Error for CloseConnection {}

type HyperResponse = hyper::Response<Full<Bytes>>;

fn into_hyper(response: Response) -> HyperResponse {
    let mut out = hyper::Response::new(Full::new(response.body));
    *out.status_mut() = response.status;
    *out.headers_mut() = response.headers;
    out
}

async fn serve(
    shared: Arc<Shared>,
    base_url: Arc<str>,
    request: hyper::Request<Incoming>,
) -> Result<HyperResponse, CloseConnection> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let public_base = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_graphic()))
        .map(|h| format!("http://{h}"))
        .unwrap_or_else(|| base_url.to_string());
    let body = Limited::new(body, MAX_BODY)
        .collect()
        .await
        .map(|c| c.to_bytes());

    if path == "/_sandbox" || path.starts_with("/_sandbox/") {
        let body = match body {
            Ok(body) => body,
            Err(e) if e.is::<http_body_util::LengthLimitError>() => {
                let error = json!({"error": "body too large"});
                return Ok(into_hyper(Response::json(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &error,
                )));
            }
            Err(_) => return Err(CloseConnection("body not received")),
        };
        let answer = control::handle(
            &shared,
            &parts.method,
            &path,
            query.as_deref(),
            &body,
            public_base,
        )
        .await;
        return Ok(into_hyper(answer));
    }

    // `OPTIONS *` and authority-form targets have no leading slash.
    let trimmed = path.strip_prefix('/').unwrap_or(&path);
    let (name, rest) = match trimmed.find('/') {
        Some(i) => (&trimmed[..i], &trimmed[i..]),
        None => (trimmed, "/"),
    };
    let Some(processor) = shared.processor(name).cloned() else {
        let error = json!({"error": format!("no processor at /{name}; known: {:?}", shared.processor_names())});
        return Ok(into_hyper(Response::json(StatusCode::NOT_FOUND, &error)));
    };
    let body = match body {
        Ok(body) => body,
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return Ok(into_hyper(
                processor.error_response(StatusCode::PAYLOAD_TOO_LARGE),
            ));
        }
        Err(_) => return Err(CloseConnection("body not received")),
    };

    let name = processor.name();
    let method = parts.method.as_str().to_string();
    let fault = lock(&shared.faults).take(name, &method, rest);
    lock(&shared.log).record(
        name,
        &method,
        rest,
        now_ms(),
        fault.as_ref().map(Fault::kind),
    );

    let request = Request {
        method: parts.method,
        path: rest.to_string(),
        query,
        headers: parts.headers,
        body,
    };
    let ctx = shared.context(name, public_base);
    let worker = processor.clone();
    let process = move || {
        let _handling = ctx
            .shared
            .handling
            .read()
            .unwrap_or_else(|e| e.into_inner());
        catch_unwind(AssertUnwindSafe(|| worker.handle(&request, &ctx))).unwrap_or_else(|_| {
            tracing::error!(processor = name, path = %request.path, "processor panicked; answering 500");
            worker.error_response(StatusCode::INTERNAL_SERVER_ERROR)
        })
    };
    let response = match fault {
        None => process(),
        Some(Fault::Latency { ms }) => {
            // As at a real processor, the request is processed even if the client gives up
            // while waiting: run it apart from the connection, which hyper drops on close.
            let delayed = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                process()
            });
            delayed
                .await
                .unwrap_or_else(|_| processor.error_response(StatusCode::INTERNAL_SERVER_ERROR))
        }
        Some(Fault::Status { status }) => processor.error_response(status),
        Some(Fault::RateLimit { retry_after_s }) => {
            let mut response = processor.error_response(StatusCode::TOO_MANY_REQUESTS);
            response
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
            response
        }
        Some(Fault::Reset) => return Err(CloseConnection("reset fault")),
        Some(Fault::Drop) => {
            let _ = process();
            return Err(CloseConnection("drop fault"));
        }
        Some(Fault::Malformed) => {
            let _ = process();
            processor.malformed_response()
        }
        Some(Fault::StatusAfter { status }) => {
            let _ = process();
            processor.error_response(status)
        }
        Some(Fault::Truncated) => {
            let mut response = process();
            let half = response.body.len() / 2;
            response.body.truncate(half);
            response.headers.remove(header::CONTENT_LENGTH);
            response
        }
    };
    Ok(into_hyper(response))
}
