//! The native layer of the Node binding: a thin napi-rs wrapper over the core's JSON interface
//! (`connector_service::json`).
//!
//! Every function here takes and returns JSON text; the typed, camelCase JavaScript API and the
//! error classes live in the package's JavaScript (`index.js` and the generated
//! `generated.js`). Results come back as an envelope, `{"ok": <json>}` or `{"error": <error
//! json>}`, so that the JavaScript side builds its own `Error` subclasses with our fields
//! (napi-rs would otherwise reject with `code === "GenericFailure"`).
//!
//! Network calls return a Promise and never block the event loop: they are made on the
//! JavaScript thread, on sockets Node's event loop watches (`event_loop.rs`), or, behind a
//! proxy, on napi-rs's single tokio runtime (shared by every client in the process, so one
//! connection pool per client serves all calls). A call started with `callCancellable` can be
//! cancelled by id (`cancelCall`): its future is dropped, which closes its connection.
//!
//! No panic crosses into JavaScript: every entry point runs through the core's FFI guard
//! (`connector_service::ffi`), which turns one into an `internal` error with the same error
//! JSON as every other failure.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::task::Poll;

use connector_service::ffi::{self, FfiError};
use connector_service::json::{api_schema, JsonClient, JsonConnector};
use connector_service::types::Bytes;
use connector_service::{Error, HttpResponse, Step};
use napi::bindgen_prelude::{Array, Buffer, Null, PromiseRaw};
use napi::Env;
use napi_derive::napi;

#[cfg(target_os = "linux")]
mod event_loop;
pub mod observe;

/// The allocator of this library's Rust code: mimalloc (the workspace Cargo.toml says why).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Wraps a guarded result into the envelope the JavaScript layer unpacks: `{"ok": <json>}` or
/// `{"error": <the core's error JSON>}`.
fn envelope(result: Result<String, FfiError>) -> String {
    match result {
        Ok(json) => format!("{{\"ok\":{json}}}"),
        Err(e) => format!("{{\"error\":{}}}", e.json()),
    }
}

/// A construction failure, as a JavaScript exception whose message is the core's error JSON.
fn native_error(e: FfiError) -> napi::Error {
    napi::Error::from_reason(e.into_json())
}

/// The version of the core this addon was built from.
#[napi]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The core's API schema (JSON), which the package's types are generated from.
#[napi]
pub fn api_schema_json() -> String {
    envelope(ffi::guard(|| Ok(api_schema().to_string())))
}

/// Fiserv Commerce Hub's request signature: Base64 of the HMAC-SHA256, keyed with
/// `api_secret`, of `api_key + client_request_id + timestamp_ms + body` (JavaScript checks the
/// timestamp is a non-negative safe integer).
#[napi]
pub fn fiserv_signature(
    api_key: String,
    api_secret: String,
    client_request_id: String,
    timestamp_ms: i64,
    body: Buffer,
) -> String {
    connector_service::connectors::fiserv::sign(
        &api_key,
        &api_secret,
        &client_request_id,
        timestamp_ms.max(0) as u64,
        &body,
    )
}

/// What the promise of a cancelled call resolves with (instead of an envelope).
const CANCELLED: &str = "cancelled";

/// The ids of calls, unique in the process (calls on the runtime are cancelled by id from any
/// JavaScript thread).
static NEXT_CALL_ID: AtomicU64 = AtomicU64::new(1);

/// The cancellable calls running on the runtime, by id.
fn running() -> MutexGuard<'static, HashMap<u64, tokio::sync::oneshot::Sender<()>>> {
    static RUNNING: LazyLock<Mutex<HashMap<u64, tokio::sync::oneshot::Sender<()>>>> =
        LazyLock::new(Mutex::default);
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// `call`'s output, or `None` once `cancelled` fires (`call` is then dropped).
async fn until_cancelled<T>(
    call: impl Future<Output = T>,
    mut cancelled: tokio::sync::oneshot::Receiver<()>,
) -> Option<T> {
    let mut call = std::pin::pin!(call);
    std::future::poll_fn(move |cx| {
        if let Poll::Ready(output) = call.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        Pin::new(&mut cancelled).poll(cx).map(|_| None)
    })
    .await
}

/// Cancels a call that `callCancellable` started and that is still in progress: its future is
/// dropped (its connection closed, its sockets no longer watched), and its promise resolves
/// with `"cancelled"`. Nothing for a call that has ended. A call on the event loop is cancelled
/// from its own JavaScript thread (where it started).
#[napi]
pub fn cancel_call(id: f64) {
    let id = id as u64;
    #[cfg(target_os = "linux")]
    if event_loop::Reactor::cancel(id, CANCELLED) {
        return;
    }
    if let Some(cancel) = running().remove(&id) {
        let _ = cancel.send(());
    }
}

/// A client: one connector, its credentials and one pooled HTTP transport.
#[napi]
pub struct NativeClient {
    inner: JsonClient,
    connector: String,
}

#[napi]
impl NativeClient {
    /// Builds a client from a `ClientConfig` (JSON). Fails with an error whose message is the
    /// library error's JSON.
    #[napi(constructor)]
    pub fn new(config_json: String) -> napi::Result<NativeClient> {
        let inner = ffi::guard(|| JsonClient::new(&config_json)).map_err(native_error)?;
        let connector = inner.connector_name().as_str().to_string();
        Ok(NativeClient { inner, connector })
    }

    /// The connector's name (`adyen`, `razorpay`, ...).
    #[napi(getter)]
    pub fn connector(&self) -> String {
        self.connector.clone()
    }

    /// Calls an operation (`payments.authorize`, ...) with a JSON request and optional JSON
    /// `CallOptions`. Resolves with the envelope; never rejects for a library error. The call
    /// runs on the JavaScript thread, its sockets watched by Node's event loop (see
    /// `event_loop.rs`), where the client has the transport for it (no proxy; Linux); otherwise
    /// on the runtime.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        op: String,
        request_json: String,
        options_json: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        self.start(env, op, request_json, options_json, false)
            .map(|(_, promise)| promise)
    }

    /// [`NativeClient::call`], which [`cancel_call`] can cancel: returns the call's id and its
    /// promise.
    #[napi(ts_return_type = "[number, Promise<string>]")]
    pub fn call_cancellable<'env>(
        &self,
        env: &'env Env,
        op: String,
        request_json: String,
        options_json: Option<String>,
    ) -> napi::Result<Array<'env>> {
        let (id, promise) = self.start(env, op, request_json, options_json, true)?;
        let mut pair = env.create_array(2)?;
        pair.set(0, id as f64)?;
        pair.set(1, promise)?;
        Ok(pair)
    }

    /// Starts a call: its id and its promise. On the runtime, a `cancellable` call is recorded
    /// for [`cancel_call`].
    fn start<'env>(
        &self,
        env: &'env Env,
        op: String,
        request_json: String,
        options_json: Option<String>,
        cancellable: bool,
    ) -> napi::Result<(u64, PromiseRaw<'env, String>)> {
        let id = NEXT_CALL_ID.fetch_add(1, Ordering::Relaxed);
        let client = self.inner.clone();
        #[cfg(target_os = "linux")]
        if client.client().has_blocking_io() {
            let promise = event_loop::Reactor::start(env.raw(), id, |watcher| {
                Box::pin(ffi::guard_future(async move {
                    client
                        .call_on_event_loop(&op, &request_json, options_json.as_deref(), watcher)
                        .await
                }))
            })?;
            return Ok((id, PromiseRaw::new(env.raw(), promise)));
        }
        if !cancellable {
            let promise = env.spawn_future(async move {
                let call = client.call(&op, &request_json, options_json.as_deref());
                Ok(envelope(ffi::guard_future(call).await))
            })?;
            return Ok((id, promise));
        }
        let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
        running().insert(id, cancel);
        let promise = env
            .spawn_future(async move {
                let call =
                    ffi::guard_future(client.call(&op, &request_json, options_json.as_deref()));
                let ended = until_cancelled(call, cancelled).await;
                running().remove(&id);
                Ok(ended.map_or_else(|| CANCELLED.to_string(), envelope))
            })
            .inspect_err(|_| {
                running().remove(&id);
            })?;
        Ok((id, promise))
    }

    /// Verifies and parses a webhook: headers as a JSON object of strings, the raw body.
    #[napi]
    pub fn handle_webhook(&self, headers_json: String, body: Buffer) -> String {
        envelope(ffi::guard(|| {
            self.inner.handle_webhook(&headers_json, &body)
        }))
    }
}

/// An HTTP response given to `NativeConnector.stepParts`: its headers as the JSON text of an
/// object of strings (one `JSON.stringify` is cheaper than napi reading the properties one by
/// one).
#[napi(object)]
pub struct NativeResponse {
    pub status: u32,
    pub headers_json: String,
    pub body: Buffer,
}

/// The sans-IO connector: builds processor requests and parses their responses; the caller
/// sends them with any HTTP client.
#[napi]
pub struct NativeConnector {
    inner: JsonConnector,
    connector: String,
}

#[napi]
impl NativeConnector {
    /// Builds the connector from a `ClientConfig` (JSON); see [`NativeClient::new`].
    #[napi(constructor)]
    pub fn new(config_json: String) -> napi::Result<NativeConnector> {
        let inner = ffi::guard(|| JsonConnector::new(&config_json)).map_err(native_error)?;
        let connector = inner.connector_name().as_str().to_string();
        Ok(NativeConnector { inner, connector })
    }

    /// The connector's name.
    #[napi(getter)]
    pub fn connector(&self) -> String {
        self.connector.clone()
    }

    /// One step of an operation: the request, the JSON array of responses received so far,
    /// and the idempotency key of the operation. Returns the envelope of
    /// `{"type":"send","request":...}` or `{"type":"done","response":...}`.
    #[napi]
    pub fn step(
        &self,
        op: String,
        request_json: String,
        responses_json: String,
        idempotency_key: Option<String>,
    ) -> String {
        envelope(ffi::guard(|| {
            self.inner.step(
                &op,
                &request_json,
                &responses_json,
                idempotency_key.as_deref(),
            )
        }))
    }

    /// One step with the HTTP exchanges as JavaScript values (no JSON, no Base64 for them):
    /// the request is the core's JSON. Returns an array, by its length:
    /// - `[idempotencyKey, sendJson, body]`: the request to send, `sendJson` the JSON array
    ///   `[method, url, headers, retrySafe]`, and `body` its bytes as a Latin-1 string (one
    ///   character per byte, whatever the bytes), or null;
    /// - `[idempotencyKey, responseJson]`: the finished flow's response;
    /// - `[errorJson]`: the error.
    ///
    /// One `JSON.parse` builds the request's small objects faster than napi sets their
    /// properties one by one, and array elements cost less than named properties. A Latin-1
    /// string is a copy of the bytes into the engine, from which `Buffer.from(body, 'latin1')`
    /// takes a slice of Node's buffer pool: several times cheaper than a new `ArrayBuffer` per
    /// body (`napi_create_buffer_copy`), which V8 also sweeps.
    #[napi(ts_return_type = "[string] | [string, string] | [string, string, string | null]")]
    pub fn step_parts<'env>(
        &self,
        env: &'env Env,
        op: String,
        request_json: String,
        responses: Vec<NativeResponse>,
        idempotency_key: Option<String>,
    ) -> napi::Result<Array<'env>> {
        let run = || {
            let responses = responses
                .into_iter()
                .map(|r| {
                    Ok(HttpResponse {
                        status: u16::try_from(r.status).map_err(|_| {
                            Error::invalid_request(
                                "responses.status",
                                "must be between 0 and 65535",
                            )
                        })?,
                        headers: connector_service::json::from_json(&r.headers_json).map_err(
                            |_| {
                                Error::invalid_request(
                                    "responses.headers",
                                    "must be an object of header names to string values",
                                )
                            },
                        )?,
                        body: Bytes(r.body.to_vec()),
                    })
                })
                .collect::<connector_service::Result<Vec<HttpResponse>>>()?;
            self.inner
                .step_parts(&op, &request_json, &responses, idempotency_key.as_deref())
        };
        match ffi::guard(run) {
            Ok((Step::Send(http), key)) => {
                let head = (
                    http.method.as_str(),
                    &http.url,
                    &http.headers,
                    http.retry_safe,
                );
                let head = serde_json::to_string(&head).map_err(|e| {
                    napi::Error::from_reason(format!("cannot serialize the request: {e}"))
                })?;
                let mut out = env.create_array(3)?;
                out.set(0, key)?;
                out.set(1, head)?;
                match http.body {
                    Some(body) => out.set(2, env.create_string_latin1(&body.0)?)?,
                    None => out.set(2, Null)?,
                }
                Ok(out)
            }
            Ok((Step::Done(json), key)) => {
                let mut out = env.create_array(2)?;
                out.set(0, key)?;
                out.set(1, json)?;
                Ok(out)
            }
            Err(e) => {
                let mut out = env.create_array(1)?;
                out.set(0, e.into_json())?;
                Ok(out)
            }
        }
    }

    /// Verifies and parses a webhook.
    #[napi]
    pub fn handle_webhook(&self, headers_json: String, body: Buffer) -> String {
        envelope(ffi::guard(|| {
            self.inner.handle_webhook(&headers_json, &body)
        }))
    }
}
