//! The native half of the Kotlin/JVM binding: a thin UniFFI layer over the core's JSON API
//! (`connector_service::json`).
//!
//! Everything crossing the boundary is JSON text (plus raw webhook bodies as bytes): the Kotlin
//! types and their JSON conversion are generated from the core's schema by `codegen`, so this
//! layer has no per-type code. Errors cross as one [`NativeError`] carrying the core's error
//! JSON, which the Kotlin layer turns into its sealed exception hierarchy.
//!
//! One multi-threaded tokio runtime serves the whole process (timers; behind a proxy, the
//! exchanges). A blocking call runs on its calling thread, which makes the HTTP exchanges
//! itself on blocking sockets (`JsonClient::call_blocking_io`). A `suspend` (or
//! `CompletableFuture`) call writes its request on the calling thread too, on a non-blocking
//! socket, and the [`reactor`]'s thread reads the answer when it comes (on Linux; elsewhere the
//! call is a task on the runtime). The calls cross
//! through a plain C ABI ([`raw`]) rather than UniFFI's glue, which allocates JNA structures on
//! every call.
//! No panic crosses the boundary: every entry point runs through the core's FFI guard
//! (`connector_service::ffi`), which reports an `internal` error with the same error JSON as
//! every other failure.

use std::future::Future;
use std::sync::{Arc, LazyLock};

use connector_service::ffi::{self, FfiError};
use connector_service::json::{JsonClient, JsonConnector};
use connector_service::Error;
use tokio::runtime::Runtime;

uniffi::setup_scaffolding!();

mod observe;
mod raw;
#[cfg(target_os = "linux")]
mod reactor;

/// The allocator of this library's Rust code: mimalloc (the workspace Cargo.toml says why).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The process-wide runtime: I/O, timers, and the tasks of every call.
static RUNTIME: LazyLock<Option<Runtime>> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .thread_name("connector-service")
        .enable_all()
        .build()
        .ok()
});

fn runtime() -> Result<&'static Runtime, Error> {
    RUNTIME
        .as_ref()
        .ok_or_else(|| Error::internal("cannot start the tokio runtime"))
}

/// A call failed. `error_json` is the core's error (`error_to_json`): code, message, field,
/// connector, flow, http_status, processor_code, processor_message, request_id,
/// idempotency_key, retryable. Never contains a secret or card number.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum NativeError {
    #[error("{error_json}")]
    Failed { error_json: String },
}

impl From<FfiError> for NativeError {
    fn from(e: FfiError) -> Self {
        NativeError::Failed {
            error_json: e.into_json(),
        }
    }
}

impl From<Error> for NativeError {
    fn from(e: Error) -> Self {
        FfiError::from(e).into()
    }
}

/// Runs `f` through the core's FFI guard: errors and panics become a [`NativeError`].
fn guard<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, NativeError> {
    ffi::guard(f).map_err(NativeError::from)
}

/// Runs `future` to completion on the shared runtime, blocking the calling thread.
///
/// A JVM thread is normally outside any runtime. A coroutine resumed without a dispatcher
/// (`Dispatchers.Unconfined`) may however run on one of the runtime's workers, where a plain
/// `block_on` would panic: there the worker is handed over first (`block_in_place`).
fn block_on<F: Future>(future: F) -> Result<F::Output, Error> {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            Ok(tokio::task::block_in_place(|| handle.block_on(future)))
        }
        _ => Ok(runtime()?.block_on(future)),
    }
}

/// A client: one connector with its credentials and one connection pool.
#[derive(uniffi::Object)]
pub struct NativeClient {
    inner: JsonClient,
    /// Its name for the plain C ABI of [`raw`].
    raw_handle: u64,
}

impl NativeClient {
    /// The client, registered for the plain C ABI.
    fn wrap(inner: JsonClient) -> Arc<NativeClient> {
        Arc::new_cyclic(|client| NativeClient {
            inner,
            raw_handle: raw::register(client.clone()),
        })
    }

    /// Calls `operation` (`payments.authorize`, ...) with a request JSON and optional
    /// `CallOptions` JSON, blocking the calling thread until the response JSON. Not exported
    /// through UniFFI: Kotlin calls it through the plain C ABI of [`raw`].
    pub(crate) fn call_blocking(
        &self,
        operation: String,
        request_json: String,
        options_json: Option<String>,
    ) -> Result<String, NativeError> {
        // The call runs on this thread, which makes its HTTP exchanges itself on blocking
        // sockets (`execute_blocking_io`): no hand-off to the runtime's threads and back. The
        // runtime still provides the timers (retry back-off) and, with a proxy, the exchanges.
        guard(|| {
            block_on(self.inner.call_blocking_io(
                &operation,
                &request_json,
                options_json.as_deref(),
            ))?
        })
    }
}

impl Drop for NativeClient {
    fn drop(&mut self) {
        raw::unregister(self.raw_handle);
    }
}

#[uniffi::export]
impl NativeClient {
    /// Builds a client from a `ClientConfig` JSON.
    #[uniffi::constructor]
    pub fn new(config_json: String) -> Result<Arc<NativeClient>, NativeError> {
        guard(|| {
            // Building the HTTP client needs no runtime context, but its pool lives on ours.
            let _entered = runtime()?.enter();
            Ok(NativeClient::wrap(JsonClient::new(&config_json)?))
        })
    }

    /// The processor's name (`adyen`, `razorpay`, ...).
    pub fn connector_name(&self) -> String {
        self.inner.connector_name().as_str().to_string()
    }

    /// This client's name for `connector_service_raw_call_blocking` (see the `raw` module).
    pub fn raw_handle(&self) -> u64 {
        self.raw_handle
    }

    /// Verifies and parses a webhook: headers as a JSON object of strings, and the raw body.
    pub fn handle_webhook(
        &self,
        headers_json: String,
        body: Vec<u8>,
    ) -> Result<String, NativeError> {
        guard(|| self.inner.handle_webhook(&headers_json, &body))
    }
}

/// The sans-IO connector: builds the processor's HTTP requests and parses its answers; the
/// caller sends them with its own HTTP client.
#[derive(uniffi::Object)]
pub struct NativeConnector {
    inner: JsonConnector,
    /// Its name for the plain C ABI of [`raw`].
    raw_handle: u64,
}

impl Drop for NativeConnector {
    fn drop(&mut self) {
        raw::unregister_connector(self.raw_handle);
    }
}

#[uniffi::export]
impl NativeConnector {
    /// Builds the connector from a `ClientConfig` JSON (its `transport` part is unused).
    #[uniffi::constructor]
    pub fn new(config_json: String) -> Result<Arc<NativeConnector>, NativeError> {
        guard(|| {
            let inner = JsonConnector::new(&config_json)?;
            Ok(Arc::new(NativeConnector {
                raw_handle: raw::register_connector(inner.clone()),
                inner,
            }))
        })
    }

    pub fn connector_name(&self) -> String {
        self.inner.connector_name().as_str().to_string()
    }

    /// This connector's name for `connector_service_raw_step` (see the `raw` module).
    pub fn raw_handle(&self) -> u64 {
        self.raw_handle
    }

    /// Verifies and parses a webhook, as [`NativeClient::handle_webhook`].
    pub fn handle_webhook(
        &self,
        headers_json: String,
        body: Vec<u8>,
    ) -> Result<String, NativeError> {
        guard(|| self.inner.handle_webhook(&headers_json, &body))
    }
}

/// A card number as it may be shown: the core's masking (first six and last four digits at
/// most), `***` for anything that is not a card number.
#[uniffi::export]
pub fn mask_card_number(number: String) -> String {
    connector_service::secret::mask_card_number(&number)
}

/// Whether values under this key (a header, form field or JSON property) are credentials or
/// card data that the core masks.
#[uniffi::export]
pub fn is_sensitive_key(key: String) -> bool {
    connector_service::http::is_sensitive_header(&key)
}

/// A fresh idempotency key (a UUID v4). Create it before a call and pass it on the request to
/// keep it when the call's coroutine is cancelled.
#[uniffi::export]
pub fn new_idempotency_key() -> String {
    connector_service::http::new_idempotency_key()
}

/// Fiserv Commerce Hub's request signature (the `Authorization` header): Base64 of the
/// HMAC-SHA256, keyed with `api_secret`, of `api_key + client_request_id + timestamp_ms + body`.
#[uniffi::export]
pub fn fiserv_signature(
    api_key: String,
    api_secret: String,
    client_request_id: String,
    timestamp_ms: u64,
    body: Vec<u8>,
) -> String {
    connector_service::connectors::fiserv::sign(
        &api_key,
        &api_secret,
        &client_request_id,
        timestamp_ms,
        &body,
    )
}

/// The core's version.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The core's API schema (JSON), the source of the generated Kotlin types.
#[uniffi::export]
pub fn api_schema_json() -> String {
    guard(|| Ok(connector_service::json::api_schema().to_string())).unwrap_or_default()
}

#[cfg(test)]
mod native_layer {
    use super::*;

    fn err<T>(result: Result<T, NativeError>) -> NativeError {
        match result {
            Ok(_) => panic!("expected an error"),
            Err(e) => e,
        }
    }

    fn code_of(e: NativeError) -> String {
        let NativeError::Failed { error_json } = e;
        let value: serde_json::Value = serde_json::from_str(&error_json).expect("error JSON");
        value["code"].as_str().expect("code").to_string()
    }

    const CONFIG: &str = r#"{"connector":{"type":"razorpay","key_id":"rzp_test_x","key_secret":"s3cr3t"},"base_url":"http://127.0.0.1:9"}"#;

    #[test]
    fn configuration_errors_cross_as_json() {
        let err = err(NativeClient::new("{\"connector\":{}}".into()));
        assert_eq!(code_of(err), "configuration");
    }

    #[test]
    fn invalid_requests_fail_before_sending_and_never_echo_the_card() {
        let client = NativeClient::new(CONFIG.into()).unwrap_or_else(|_| panic!("valid config"));
        let request = r#"{"amount":{"minor_units":100,"currency":"USD"},"merchant_reference":"r",
            "payment_method":{"type":"card","number":"4111111111111112","expiry_month":3,"expiry_year":2030}}"#;
        let err = err(client.call_blocking("payments.authorize".into(), request.into(), None));
        let NativeError::Failed { error_json } = &err;
        assert!(!error_json.contains("4111111111111112"), "{error_json}");
        assert_eq!(code_of(err), "invalid_request");
    }

    #[test]
    fn blocking_calls_work_on_a_runtime_worker_too() {
        let client = NativeClient::new(CONFIG.into()).unwrap_or_else(|_| panic!("valid config"));
        let request =
            r#"{"connector_transaction_id":"pay_1","amount":{"minor_units":100,"currency":"ZZZ"}}"#;
        let runtime = runtime().unwrap_or_else(|_| panic!("runtime"));
        // As when a coroutine resumed on a worker thread makes a blocking call.
        let result = runtime
            .block_on(runtime.spawn(async move {
                client.call_blocking("payments.capture".into(), request.into(), None)
            }))
            .unwrap_or_else(|_| panic!("the task panicked"));
        assert_eq!(code_of(err(result)), "invalid_request");
    }

    #[test]
    fn panics_become_internal_errors() {
        assert_eq!(code_of(err(guard::<()>(|| panic!("boom")))), "internal");
        // A panic in a call's future, polled by the blocking call's `block_on`.
        assert_eq!(
            code_of(err(guard::<()>(|| block_on(async { panic!("boom") })))),
            "internal"
        );
    }
}
