//! The client: one connector with its credentials, one pooled transport, and the three
//! services (payments, refunds, disputes) plus webhooks.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tracing::Instrument;

use crate::call::Call;
use crate::connector::{Connector, FlowRequest, FlowResponse};
use crate::connectors::{ConnectorConfig, Endpoint};
use crate::error::{Error, Result};
use crate::http::{new_idempotency_key, HttpResponse, Step};
use crate::observe::{CallObserver, CallStats, Observed};
use crate::transport::{
    retry_after, BlockingTransport, CallOptions, HttpTransport, ReqwestTransport, TransportOptions,
};
use crate::types::*;

/// Which of the processor's environments to talk to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// The processor's test environment.
    #[default]
    Sandbox,
    /// The processor's live environment.
    Live,
}

/// Everything a client is built from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// The processor and its credentials.
    pub connector: ConnectorConfig,
    #[serde(default)]
    pub environment: Environment,
    /// Replaces the processor's host(s): requests go to this URL followed by the processor's
    /// own API path (e.g. `http://127.0.0.1:8080/adyen` for the local sandbox).
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub transport: TransportOptions,
}

impl ClientConfig {
    pub fn new(connector: impl Into<ConnectorConfig>) -> ClientConfig {
        ClientConfig {
            connector: connector.into(),
            environment: Environment::Sandbox,
            base_url: None,
            transport: TransportOptions::default(),
        }
    }

    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    pub fn transport(mut self, transport: TransportOptions) -> Self {
        self.transport = transport;
        self
    }

    /// Builds only the connector (the sans-IO layer), without a transport.
    pub fn build_connector(&self) -> Result<Arc<dyn Connector>> {
        let endpoint = Endpoint::new(self.environment, self.base_url.as_deref())?;
        self.connector.build(&endpoint)
    }
}

/// A client for one processor. Cheap to clone; clones share the connection pool.
///
/// The client remembers the idempotency keys its callers pass (the last
/// [`IDEMPOTENCY_KEYS_REMEMBERED`], with a digest of the request each came with): the same
/// key with different parameters is refused with a `conflict` error before anything is sent,
/// instead of the processor returning the first call's result as if it were the second's.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    connector: Arc<dyn Connector>,
    transport: Arc<dyn HttpTransport>,
    /// The exchanges of [`Client::execute_blocking_io`] and [`Client::execute_on_event_loop`],
    /// made on the first such call (clients that never make one never set up its TLS); `None`
    /// with a transport of the caller's, or a proxy. Shared by the clients made from one
    /// another, like the pool.
    blocking: Arc<OnceLock<Option<Arc<BlockingTransport>>>>,
    /// The default transport's connection slots, which the blocking transport shares; `None`
    /// with a transport of the caller's.
    slots: Option<Arc<tokio::sync::Semaphore>>,
    options: TransportOptions,
    /// Receives a record of every call; `None` skips building records.
    observer: Option<Arc<dyn CallObserver>>,
    /// Shared by the clients made from one another (`with_observer`), like the pool.
    keys: Arc<IdempotencyKeys>,
}

/// How many caller-supplied idempotency keys a client remembers (least recently used first out).
pub const IDEMPOTENCY_KEYS_REMEMBERED: usize = 10_000;

/// Caller-supplied idempotency keys and the fingerprint of the request each was first used
/// with: an HMAC-SHA256 under a random per-client key of the operation and the request's JSON
/// (without the key; secrets enter only as their SHA-256 digests). Nothing else is stored.
struct IdempotencyKeys {
    hmac_key: [u8; 32],
    state: std::sync::Mutex<KeyState>,
}

#[derive(Default)]
struct KeyState {
    by_key: std::collections::HashMap<String, ([u8; 32], u64)>,
    by_use: std::collections::BTreeMap<u64, String>,
    tick: u64,
}

impl IdempotencyKeys {
    fn new() -> IdempotencyKeys {
        let mut hmac_key = [0u8; 32];
        hmac_key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        hmac_key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        IdempotencyKeys {
            hmac_key,
            state: Default::default(),
        }
    }

    fn fingerprint(&self, request: &FlowRequest) -> [u8; 32] {
        use hmac::{Hmac, KeyInit, Mac};
        let mut json = request.fingerprint_json();
        if let Some(object) = json.as_object_mut() {
            object.remove("idempotency_key");
            // Reusing the order an earlier attempt created is the same call (README "How to
            // reconcile"): the retry adds its id and keeps the key.
            object.remove("connector_order_id");
        }
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&self.hmac_key)
            .expect("HMAC takes any key length");
        mac.update(request.operation().as_bytes());
        mac.update(&[0]);
        mac.update(json.to_string().as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Records `key` for `request`; an error if the key was used with different parameters.
    fn check(&self, key: &str, request: &FlowRequest) -> Result<()> {
        let fingerprint = self.fingerprint(request);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.tick += 1;
        let tick = state.tick;
        if let Some((known, last_use)) = state.by_key.get(key).copied() {
            if known != fingerprint {
                let mut e = Error::new(
                    crate::error::ErrorCode::Conflict,
                    "this idempotency key was already used with different parameters (or for \
                     another operation); use a new key for a different request",
                );
                e.field = Some("idempotency_key".to_string());
                return Err(e);
            }
            state.by_use.remove(&last_use);
        } else if state.by_key.len() >= IDEMPOTENCY_KEYS_REMEMBERED {
            if let Some((_, oldest)) = state.by_use.pop_first() {
                state.by_key.remove(&oldest);
            }
        }
        state.by_key.insert(key.to_string(), (fingerprint, tick));
        state.by_use.insert(tick, key.to_string());
        Ok(())
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("connector", &self.inner.connector.name())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client: validates the configuration, prepares the connector's per-client work
    /// (URLs, auth headers, keys) and creates the connection pool.
    pub fn new(config: ClientConfig) -> Result<Client> {
        let transport = ReqwestTransport::new(&config.transport)?;
        let slots = transport.slots();
        Client::build(config, Arc::new(transport), Some(slots))
    }

    /// Builds a client that sends through your own [`HttpTransport`].
    pub fn with_transport(
        config: ClientConfig,
        transport: Arc<dyn HttpTransport>,
    ) -> Result<Client> {
        Client::build(config, transport, None)
    }

    /// `slots`: the default transport's, when it is the one (the blocking transport shares them).
    fn build(
        config: ClientConfig,
        transport: Arc<dyn HttpTransport>,
        slots: Option<Arc<tokio::sync::Semaphore>>,
    ) -> Result<Client> {
        let connector = config.build_connector()?;
        Ok(Client {
            inner: Arc::new(Inner {
                connector,
                transport,
                blocking: Arc::new(OnceLock::new()),
                slots,
                options: config.transport,
                observer: None,
                keys: Arc::new(IdempotencyKeys::new()),
            }),
        })
    }

    /// This client with `observer` receiving a [`CallRecord`](crate::observe::CallRecord) for
    /// every call (replacing any previous observer). The new client shares the connection pool
    /// with this one.
    pub fn with_observer(&self, observer: Arc<dyn CallObserver>) -> Client {
        let inner = &self.inner;
        Client {
            inner: Arc::new(Inner {
                connector: inner.connector.clone(),
                transport: inner.transport.clone(),
                blocking: inner.blocking.clone(),
                slots: inner.slots.clone(),
                options: inner.options.clone(),
                observer: Some(observer),
                keys: inner.keys.clone(),
            }),
        }
    }

    /// The connector: the sans-IO functions this client drives.
    pub fn connector(&self) -> &dyn Connector {
        self.inner.connector.as_ref()
    }

    pub fn payments(&self) -> Payments<'_> {
        Payments {
            client: self,
            options: CallOptions::default(),
        }
    }

    pub fn refunds(&self) -> Refunds<'_> {
        Refunds {
            client: self,
            options: CallOptions::default(),
        }
    }

    pub fn disputes(&self) -> Disputes<'_> {
        Disputes {
            client: self,
            options: CallOptions::default(),
        }
    }

    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks { client: self }
    }

    /// Runs any flow: validation, then each HTTP exchange the connector asks for, with retries
    /// where they are safe.
    pub async fn execute(
        &self,
        request: FlowRequest,
        options: &CallOptions,
    ) -> Result<FlowResponse> {
        self.execute_with(request, options, self.inner.transport.as_ref())
            .await
    }

    /// [`Client::execute`] for a caller that blocks until the answer: the HTTP exchanges are
    /// made by the thread that polls this future, on blocking sockets (HTTP/1.1, the same TLS,
    /// limits and pool rules as the default transport), instead of being handed to the
    /// runtime's threads. Polling it blocks that thread, so poll it only where blocking is
    /// allowed: `Runtime::block_on` on a thread of your own, never a runtime worker. It still
    /// needs the runtime's timers (retry back-off, the connection-slot wait).
    ///
    /// Falls back to the default transport's exchanges when a proxy applies (`proxy_url` or
    /// the `*_PROXY` variables) or the client was built with a transport of yours.
    pub async fn execute_blocking_io(
        &self,
        request: FlowRequest,
        options: &CallOptions,
    ) -> Result<FlowResponse> {
        let transport: &dyn HttpTransport = match self.blocking() {
            Some(blocking) => blocking.as_ref(),
            None => self.inner.transport.as_ref(),
        };
        self.execute_with(request, options, transport).await
    }

    /// [`Client::execute`] for a caller on an event loop (asyncio): the HTTP exchanges are
    /// made by the thread that polls this future, on non-blocking sockets that `event_loop`
    /// watches (the connections, TLS, limits and pool of [`Client::execute_blocking_io`]),
    /// instead of being handed to the runtime's threads. Poll it on the loop's thread, within
    /// the runtime's context (it needs the runtime's timers, as the blocking one does); a new
    /// connection is made on a thread of its own. A binding's loop drives it: see
    /// [`EventLoop`](crate::transport::EventLoop).
    ///
    /// Falls back to the default transport's exchanges as [`Client::execute_blocking_io`] does.
    #[cfg(unix)]
    pub async fn execute_on_event_loop(
        &self,
        request: FlowRequest,
        options: &CallOptions,
        event_loop: Arc<dyn crate::transport::EventLoop>,
    ) -> Result<FlowResponse> {
        match self.blocking() {
            Some(blocking) => {
                let transport = crate::transport::EventLoopTransport {
                    blocking: blocking.clone(),
                    event_loop,
                };
                self.execute_with(request, options, &transport).await
            }
            None => self.execute(request, options).await,
        }
    }

    /// Whether [`Client::execute_blocking_io`] makes its exchanges on the calling thread:
    /// `false` behind a proxy, or with a transport of yours (the default transport's exchanges
    /// then serve).
    pub fn has_blocking_io(&self) -> bool {
        self.blocking().is_some()
    }

    /// The blocking transport, set up on first use.
    fn blocking(&self) -> Option<&Arc<BlockingTransport>> {
        let inner = &self.inner;
        inner
            .blocking
            .get_or_init(|| {
                let slots = inner.slots.clone()?;
                // Should TLS fail to set up (the platform verifier), the default transport serves.
                BlockingTransport::new(&inner.options, slots)
                    .ok()
                    .flatten()
                    .map(Arc::new)
            })
            .as_ref()
    }

    async fn execute_with(
        &self,
        request: FlowRequest,
        options: &CallOptions,
        transport: &dyn HttpTransport,
    ) -> Result<FlowResponse> {
        let connector = self.inner.connector.name();
        let key = request
            .idempotency_key()
            .map(str::to_string)
            .unwrap_or_else(new_idempotency_key);
        let span = tracing::info_span!(
            "connector_call",
            connector = connector.as_str(),
            operation = request.operation(),
            idempotency_key = key.as_str(),
            outcome = tracing::field::Empty,
            http_status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_us = tracing::field::Empty,
        );
        async {
            // Reported when the call ends, or when it is dropped before (cancelled).
            let mut observed = Observed::new(
                connector,
                request.operation(),
                request.flow(),
                &key,
                self.inner.observer.as_ref(),
            );
            // A caller's key is bound to the request it first came with. A request that fails
            // validation is never sent, so it binds nothing.
            let checked = match request.idempotency_key() {
                Some(key) => request
                    .validate()
                    .and_then(|()| self.inner.keys.check(key, &request)),
                None => Ok(()),
            };
            let result = match checked {
                Ok(()) => {
                    self.run(&request, &key, options, transport, &mut observed.stats)
                        .await
                }
                // Attributed like every other error (connector, flow, key), nothing sent.
                Err(e) => {
                    Err(Call::new(self.inner.connector.as_ref(), &request, &key).attribute(e, &[]))
                }
            };
            match &result {
                Ok(_) => tracing::debug!("call finished"),
                Err(e) => tracing::debug!(code = e.code.as_str(), "call failed"),
            }
            observed.end(&result);
            result
        }
        .instrument(span)
        .await
    }

    async fn run(
        &self,
        request: &FlowRequest,
        key: &str,
        options: &CallOptions,
        transport: &dyn HttpTransport,
        stats: &mut CallStats,
    ) -> Result<FlowResponse> {
        let inner = &self.inner;
        let call = Call::new(inner.connector.as_ref(), request, key);
        let timeout = Duration::from_millis(options.timeout_ms.unwrap_or(inner.options.timeout_ms));
        let retry = &inner.options.retry;
        let retries_enabled = options.retry.unwrap_or(retry.enabled);
        let max_attempts = if retries_enabled {
            retry.max_attempts.max(1)
        } else {
            1
        };

        let mut responses: Vec<HttpResponse> = Vec::new();
        let mut attempt = 1u32;
        let mut step = call.step(&responses)?;
        loop {
            let http = match step {
                Step::Done(result) => return Ok(result),
                Step::Send(http) => http,
            };
            let started = Instant::now();
            tracing::debug!(attempt, method = http.method.as_str(), url = %http.url, "sending request");
            tracing::trace!(
                body = http.masked_body().as_deref().unwrap_or(""),
                "request body"
            );
            stats.attempts += 1;
            let delay = match transport.send(&http, timeout).await {
                Ok(response) => {
                    stats.http_status = Some(response.status);
                    tracing::debug!(
                        status = response.status,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        request_id = response.request_id().as_deref().unwrap_or(""),
                        "response received"
                    );
                    tracing::trace!(body = %response.masked_body(), "response body");
                    responses.push(response);
                    match call.step(&responses) {
                        Ok(next) => {
                            step = next;
                            attempt = 1;
                            continue;
                        }
                        // `retryable` is only set when the request was retry-safe (see `Call`).
                        Err(e) if !(e.retryable && attempt < max_attempts) => return Err(e),
                        Err(e) => {
                            let response = responses.pop().expect("pushed above");
                            match retry_after(&response) {
                                Some(wait)
                                    if wait > Duration::from_millis(retry.max_backoff_ms) =>
                                {
                                    return Err(e)
                                }
                                Some(wait) => wait,
                                None => retry.backoff(attempt),
                            }
                        }
                    }
                }
                Err(te) => {
                    let may_retry = !te.maybe_sent() || http.retry_safe;
                    if !(may_retry && attempt < max_attempts) {
                        let mut e = te.clone().into_error();
                        // Retrying can only act twice if the request may have arrived.
                        e.retryable = may_retry;
                        return Err(call.attribute(e, &responses));
                    }
                    retry.backoff(attempt)
                }
            };
            tracing::warn!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
            // Rebuild rather than resend: signed requests need a fresh timestamp, while the
            // idempotency key stays the same.
            step = call.step(&responses)?;
        }
    }
}

/// Payments: authorize, get, capture, void, refund, setup_mandate, create_order.
pub struct Payments<'a> {
    client: &'a Client,
    options: CallOptions,
}

/// Refunds: get (RSync). Refunds are created with [`Payments::refund`].
pub struct Refunds<'a> {
    client: &'a Client,
    options: CallOptions,
}

/// Disputes: accept, submit_evidence, defend.
pub struct Disputes<'a> {
    client: &'a Client,
    options: CallOptions,
}

macro_rules! service_methods {
    ($service:ident { $( $(#[$doc:meta])* $method:ident($req:ty) -> $resp:ty, $into:ident; )* }) => {
        impl<'a> $service<'a> {
            /// Options (timeout, retries) for the calls made through this handle.
            pub fn with_options(mut self, options: CallOptions) -> Self {
                self.options = options;
                self
            }

            $(
                $(#[$doc])*
                pub async fn $method(&self, request: $req) -> Result<$resp> {
                    self.client.execute(request.into(), &self.options).await?.$into()
                }
            )*
        }
    };
}

service_methods!(Payments {
    /// Authorizes a payment (capturing it too, with automatic capture). A decline is a
    /// response with status `failure`, not an error.
    authorize(AuthorizeRequest) -> PaymentResponse, into_payment;
    /// Gets a payment's status (PSync), e.g. after the shopper returns from a redirect.
    get(PaymentGetRequest) -> PaymentResponse, into_payment;
    /// Captures an authorized payment, fully or partially.
    capture(CaptureRequest) -> PaymentResponse, into_payment;
    /// Cancels an uncaptured authorization.
    void(VoidRequest) -> PaymentResponse, into_payment;
    /// Refunds a captured payment, fully or partially.
    refund(RefundRequest) -> RefundResponse, into_refund;
    /// Saves a card for later merchant-initiated charges; the response carries `mandate_id`.
    setup_mandate(SetupMandateRequest) -> PaymentResponse, into_payment;
    /// Creates an order, for processors that need one before a payment.
    create_order(CreateOrderRequest) -> OrderResponse, into_order;
});

service_methods!(Refunds {
    /// Gets a refund's status (RSync).
    get(RefundGetRequest) -> RefundResponse, into_refund;
});

service_methods!(Disputes {
    /// Accepts a dispute.
    accept(AcceptDisputeRequest) -> DisputeResponse, into_dispute;
    /// Submits evidence documents for a dispute.
    submit_evidence(SubmitEvidenceRequest) -> DisputeResponse, into_dispute;
    /// Submits the defence of a dispute for a decision.
    defend(DefendDisputeRequest) -> DisputeResponse, into_dispute;
});

/// Webhooks: verify and parse incoming requests.
pub struct Webhooks<'a> {
    client: &'a Client,
}

impl Webhooks<'_> {
    /// Verifies the request's source and parses it into typed events. Fails with
    /// `webhook_verification_failed` when the signature (or token) does not match.
    ///
    /// A body larger than [`MAX_WEBHOOK_BODY_BYTES`] is rejected (`invalid_request`, field
    /// `body`) before anything reads it.
    pub fn verify_and_parse(&self, request: &WebhookRequest) -> Result<WebhookNotification> {
        let connector = self.client.inner.connector.as_ref();
        let result = handle_webhook(connector, request);
        match &result {
            Ok(n) => tracing::debug!(
                connector = connector.name().as_str(),
                events = n.events.len(),
                "webhook verified"
            ),
            Err(e) => tracing::warn!(
                connector = connector.name().as_str(),
                code = e.code.as_str(),
                "webhook rejected"
            ),
        }
        result
    }
}

/// The largest webhook body accepted: 1 MiB. The processors' notifications are a few
/// kilobytes (Adyen's batches of notification items included), so anything larger is not a
/// genuine notification and is refused before it is verified or parsed.
pub const MAX_WEBHOOK_BODY_BYTES: usize = 1024 * 1024;

/// The generic guard around every connector's webhook handling: size cap first, then the
/// connector's verification and parsing, then masking of the processor's free text.
pub(crate) fn handle_webhook(
    connector: &dyn Connector,
    request: &WebhookRequest,
) -> Result<WebhookNotification> {
    let name = connector.name();
    if request.body.0.len() > MAX_WEBHOOK_BODY_BYTES {
        return Err(Error::invalid_request(
            "body",
            format!(
                "the webhook body is {} bytes, more than the {MAX_WEBHOOK_BODY_BYTES} bytes accepted",
                request.body.0.len()
            ),
        )
        .with_connector(name, Flow::Webhook));
    }
    let mut notification = connector
        .handle_webhook(request)
        .map_err(|e| e.with_connector(name, Flow::Webhook))?;
    for event in &mut notification.events {
        match event {
            WebhookEvent::Payment(e) => {
                if let Some(d) = &mut e.decline {
                    d.mask();
                }
            }
            WebhookEvent::Refund(e) => {
                if let Some(reason) = &mut e.reason {
                    *reason = crate::mask::mask_text(reason);
                }
            }
            _ => {}
        }
    }
    Ok(notification)
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Client>();
    is::<Error>();
}
