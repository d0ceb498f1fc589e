//! A local, stateful emulation of payment processors' APIs (see `README.md`).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = connector_sandbox::Sandbox::start().await?; // on the current tokio runtime
//! let adyen_base = sandbox.url("adyen"); // http://127.0.0.1:PORT/adyen
//! let credentials = sandbox.credentials(); // {"adyen": {"type": "adyen", ...}}
//! # let _ = (adyen_base, credentials);
//! # Ok(()) }
//! ```
//!
//! The server stops when the [`Sandbox`] is dropped. Callers without a tokio runtime use
//! [`Sandbox::start_on_thread`] / [`SandboxBuilder::start_on_thread`], which run it on a
//! thread of its own.
//!
//! Processors are added in [`processor`] (the trait) and `registry.rs` (one line each).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;

mod adyen;
mod checkout;
mod control;
mod elavon;
mod faults;
mod fiserv;
mod log;
mod multipart;
pub mod processor;
mod razorpay;
mod registry;
mod server;
mod util;
mod webhooks;
mod xendit;

/// How long the sandbox waits before emitting a webhook by default, so that a webhook never
/// overtakes the HTTP answer that caused it.
pub const DEFAULT_WEBHOOK_DELAY: Duration = Duration::from_millis(50);

/// Options for a sandbox; `Sandbox::builder()`.
#[derive(Clone, Debug)]
pub struct SandboxBuilder {
    host: String,
    port: u16,
    webhook_urls: Vec<(String, String)>,
    webhook_delay: Duration,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            host: "127.0.0.1".to_string(),
            port: 0,
            webhook_urls: Vec::new(),
            webhook_delay: DEFAULT_WEBHOOK_DELAY,
        }
    }
}

impl SandboxBuilder {
    /// The interface to bind (default `127.0.0.1`).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// The port (default `0`: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Also POST `processor`'s webhooks to `url` (an `http://` URL). They always go to the
    /// outbox too.
    pub fn webhook_url(mut self, processor: impl Into<String>, url: impl Into<String>) -> Self {
        self.webhook_urls.push((processor.into(), url.into()));
        self
    }

    /// How long after the call that causes it a webhook is emitted (default 50 ms).
    pub fn webhook_delay(mut self, delay: Duration) -> Self {
        self.webhook_delay = delay;
        self
    }

    /// Binds and serves on the current tokio runtime. Fails on a bind error or an invalid
    /// webhook URL (unknown processor, not `http://`).
    pub async fn start(self) -> std::io::Result<Sandbox> {
        let running = server::start(server::Config {
            host: self.host,
            port: self.port,
            webhook_urls: self.webhook_urls,
            webhook_delay: self.webhook_delay,
            processors: registry::processors(),
        })
        .await?;
        let credentials = control::credentials_json(&running.shared);
        Ok(Sandbox {
            addr: running.addr,
            base_url: running.base_url,
            credentials,
            _shared: running.shared,
            shutdown: running.shutdown,
        })
    }

    /// Starts the sandbox on a thread of its own, with its own single-threaded tokio runtime,
    /// for callers that have no runtime. It stops when the handle is dropped.
    pub fn start_on_thread(self) -> std::io::Result<SandboxThread> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("connector-sandbox".to_string())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match self.start().await {
                        Ok(sandbox) => {
                            let info = (
                                sandbox.addr,
                                sandbox.base_url.clone(),
                                sandbox.credentials.clone(),
                            );
                            let _ = ready_tx.send(Ok(info));
                            let _ = stop_rx.await;
                            drop(sandbox);
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        match ready_rx.recv() {
            Ok(Ok((addr, base_url, credentials))) => Ok(SandboxThread {
                addr,
                base_url,
                credentials,
                stop: Some(stop_tx),
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(std::io::Error::other(
                    "the sandbox thread stopped before starting",
                ))
            }
        }
    }
}

/// A running sandbox on the current tokio runtime. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    base_url: String,
    credentials: Value,
    _shared: Arc<server::Shared>,
    shutdown: watch::Sender<bool>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox with the default options (127.0.0.1, any free port).
    pub async fn start() -> std::io::Result<Sandbox> {
        SandboxBuilder::default().start().await
    }

    /// Options: host, port, webhook URLs, webhook delay.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// Starts a sandbox with the default options on a thread of its own.
    pub fn start_on_thread() -> std::io::Result<SandboxThread> {
        SandboxBuilder::default().start_on_thread()
    }

    /// `http://HOST:PORT`
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `http://HOST:PORT/<processor>`: the base URL a client of that processor uses.
    pub fn url(&self, processor: &str) -> String {
        format!("{}/{}", self.base_url, processor)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The accepted credentials, as `GET /_sandbox/credentials` answers them.
    pub fn credentials(&self) -> Value {
        self.credentials.clone()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// A sandbox running on its own thread ([`Sandbox::start_on_thread`]). Dropping it stops the
/// server and joins the thread.
pub struct SandboxThread {
    addr: SocketAddr,
    base_url: String,
    credentials: Value,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for SandboxThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxThread")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl SandboxThread {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn url(&self, processor: &str) -> String {
        format!("{}/{}", self.base_url, processor)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn credentials(&self) -> Value {
        self.credentials.clone()
    }
}

impl Drop for SandboxThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
