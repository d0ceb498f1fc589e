//! The calls and sans-IO steps through a plain C ABI, beside UniFFI's: primitive arguments only.
//! A blocking call or a step returns its answer; a started call (Kotlin's `suspend` calls) hands
//! it to a completion function from the thread that finished it (the reactor's, on Linux), and
//! can be cancelled.
//!
//! Every UniFFI call from Kotlin allocates JNA `Structure`s (the call status, each `RustBuffer`
//! argument and result), and each of those is a JNA `Memory`: a `malloc`, an entry in JNA's
//! global map of allocated memory and a cleaner registration, released only after a garbage
//! collection. A blocking call made about nine of them; under load the map grew between
//! collections and the call slowed down the longer the process ran. Here Kotlin passes byte
//! arrays and lengths (JNA direct mapping copies them without any `Structure`) and gets back
//! one pointer to bytes this module allocated, which it frees with
//! [`connector_service_raw_free`].
//!
//! A client is named by the number [`NativeClient::raw_handle`] returned; the registry holds it
//! weakly, so a closed client is gone here too. No panic leaves these functions: everything
//! runs through the core's FFI guard.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock, RwLock, Weak};

use tokio::task::AbortHandle;

use connector_service::ffi::{self, FfiError};
use connector_service::json::JsonConnector;
use connector_service::Error;

use crate::{NativeClient, NativeError};

/// What a handle names, by handle. Handles come from one counter and are never reused.
struct Registry<T>(LazyLock<RwLock<HashMap<u64, T>>>);

static NEXT: AtomicU64 = AtomicU64::new(1);

impl<T: Clone> Registry<T> {
    const fn new() -> Self {
        Registry(LazyLock::new(|| RwLock::new(HashMap::new())))
    }

    fn insert(&self, value: T) -> u64 {
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let mut map = self.0.write().unwrap_or_else(|e| e.into_inner());
        map.insert(id, value);
        id
    }

    fn remove(&self, id: u64) {
        let mut map = self.0.write().unwrap_or_else(|e| e.into_inner());
        map.remove(&id);
    }

    fn get(&self, id: u64) -> Option<T> {
        let map = self.0.read().unwrap_or_else(|e| e.into_inner());
        map.get(&id).cloned()
    }
}

/// The clients, held weakly: a closed client is gone here too.
static CLIENTS: Registry<Weak<NativeClient>> = Registry::new();

/// The sans-IO connectors: a copy of each (it holds no connection), removed when the connector
/// is dropped.
static CONNECTORS: Registry<JsonConnector> = Registry::new();

/// Registers a client being built; returns its handle.
pub(crate) fn register(client: Weak<NativeClient>) -> u64 {
    CLIENTS.insert(client)
}

/// Forgets a client (its last reference is being dropped).
pub(crate) fn unregister(id: u64) {
    CLIENTS.remove(id);
}

/// Registers a sans-IO connector; returns its handle.
pub(crate) fn register_connector(connector: JsonConnector) -> u64 {
    CONNECTORS.insert(connector)
}

/// Forgets a sans-IO connector (it is being dropped).
pub(crate) fn unregister_connector(id: u64) {
    CONNECTORS.remove(id);
}

fn client(id: u64) -> Result<Arc<NativeClient>, Error> {
    CLIENTS
        .get(id)
        .and_then(|client| client.upgrade())
        .ok_or_else(|| Error::internal("the client is closed"))
}

fn connector(id: u64) -> Result<JsonConnector, Error> {
    CONNECTORS
        .get(id)
        .ok_or_else(|| Error::internal("the connector is closed"))
}

/// # Safety
/// `ptr` is null (then `len` is ignored) or points to `len` readable bytes.
unsafe fn text<'a>(ptr: *const u8, len: usize, name: &str) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's contract.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    std::str::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Error::internal(format!("{name} is not UTF-8")))
}

/// The operation, the request and the options of a call.
///
/// # Safety
/// As [`text`], for each.
unsafe fn arguments<'a>(
    op: *const u8,
    op_len: usize,
    request: *const u8,
    request_len: usize,
    options: *const u8,
    options_len: usize,
) -> Result<(&'a str, &'a str, Option<&'a str>), Error> {
    // SAFETY: the caller's contract.
    let (op, request, options) = unsafe {
        (
            text(op, op_len, "the operation")?,
            text(request, request_len, "the request")?,
            text(options, options_len, "the options")?,
        )
    };
    match (op, request) {
        (Some(op), Some(request)) => Ok((op, request, options)),
        _ => Err(Error::internal(
            "the operation and the request are required",
        )),
    }
}

/// The answer handed to Kotlin: 8 bytes of length (native byte order) of what follows, one
/// byte `0` (the response JSON follows) or `1` (the error JSON follows), then the JSON.
fn answer(result: Result<String, String>) -> *mut u8 {
    let (marker, json) = match result {
        Ok(json) => (0u8, json),
        Err(error_json) => (1u8, error_json),
    };
    let len = (json.len() + 1) as u64;
    let mut out = Vec::with_capacity(9 + json.len());
    out.extend_from_slice(&len.to_ne_bytes());
    out.push(marker);
    out.extend_from_slice(json.as_bytes());
    Box::into_raw(out.into_boxed_slice()).cast::<u8>()
}

/// [`NativeClient::call_blocking`] for the client `client_id` names: the operation, the request
/// JSON and the optional `CallOptions` JSON (`options` null when none) as UTF-8 bytes. Returns
/// the answer (see [`answer`]); free it with [`connector_service_raw_free`].
///
/// # Safety
/// Each pointer is null or points to as many readable bytes as its length says, for the
/// duration of the call.
#[no_mangle]
pub unsafe extern "C" fn connector_service_raw_call_blocking(
    client_id: u64,
    op: *const u8,
    op_len: usize,
    request: *const u8,
    request_len: usize,
    options: *const u8,
    options_len: usize,
) -> *mut u8 {
    let result = ffi::guard(|| {
        // SAFETY: the caller's contract, passed on.
        let (op, request, options) =
            unsafe { arguments(op, op_len, request, request_len, options, options_len)? };
        Ok(client(client_id)?.call_blocking(
            op.to_string(),
            request.to_string(),
            options.map(str::to_string),
        ))
    });
    answer(match result {
        Ok(Ok(json)) => Ok(json),
        Ok(Err(NativeError::Failed { error_json })) => Err(error_json),
        Err(e) => Err(FfiError::into_json(e)),
    })
}

/// One sans-IO step (`JsonConnector::step`) of the connector `connector_id` names: the
/// operation, the request JSON, the JSON array of the responses so far and the idempotency key
/// (`key` null when none) as UTF-8 bytes. Returns the answer (see [`answer`]); free it with
/// [`connector_service_raw_free`].
///
/// # Safety
/// As [`connector_service_raw_call_blocking`].
#[no_mangle]
pub unsafe extern "C" fn connector_service_raw_step(
    connector_id: u64,
    op: *const u8,
    op_len: usize,
    request: *const u8,
    request_len: usize,
    responses: *const u8,
    responses_len: usize,
    key: *const u8,
    key_len: usize,
) -> *mut u8 {
    let result = ffi::guard(|| {
        // SAFETY: the caller's contract, passed on.
        let (op, request, responses, key) = unsafe {
            (
                text(op, op_len, "the operation")?,
                text(request, request_len, "the request")?,
                text(responses, responses_len, "the responses")?,
                text(key, key_len, "the idempotency key")?,
            )
        };
        let (Some(op), Some(request), Some(responses)) = (op, request, responses) else {
            return Err(Error::internal(
                "the operation, the request and the responses are required",
            ));
        };
        connector(connector_id)?.step(op, request, responses, key)
    });
    answer(result.map_err(FfiError::into_json))
}

/// Frees an answer of this module's functions.
///
/// # Safety
/// `answer` is null or a pointer that function returned, not freed before.
#[no_mangle]
pub unsafe extern "C" fn connector_service_raw_free(answer: *mut u8) {
    if answer.is_null() {
        return;
    }
    // SAFETY: `answer` starts with the 8-byte length of the rest of its allocation (see
    // `answer`), which was a boxed slice of exactly 8 + that length bytes.
    unsafe {
        let mut len = [0u8; 8];
        std::ptr::copy_nonoverlapping(answer, len.as_mut_ptr(), 8);
        let total = 8 + u64::from_ne_bytes(len) as usize;
        drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
            answer, total,
        )));
    }
}

/// Receives the answer of a started call, on the thread that finished it: the call's
/// id as given to [`connector_service_raw_call_start`], and the answer (see [`answer`]), which
/// the receiver frees with [`connector_service_raw_free`].
pub type Completion = extern "C" fn(call_id: u64, answer: *mut u8);

static COMPLETION: OnceLock<Completion> = OnceLock::new();

/// The started calls still running, to cancel by id.
static RUNNING: LazyLock<Mutex<HashMap<u64, AbortHandle>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Sets the function that receives the answers of started calls (once per process; later
/// calls change nothing).
#[no_mangle]
pub extern "C" fn connector_service_raw_set_completion(completion: Completion) {
    let _ = COMPLETION.set(completion);
}

/// Starts [`NativeClient::call`] for the client `client_id` names; its answer goes to the
/// completion function with `call_id`. Returns null when the call goes on, or the answer of a
/// call that ended at once (it could not start, or it needed no wait): free it with
/// [`connector_service_raw_free`].
///
/// On Linux the call is polled at once on this thread, which writes the request, and then by
/// the reactor's thread ([`crate::reactor`]); elsewhere, and when `use_reactor` is `0`, it runs
/// as a task on the runtime. Kotlin passes `0` for a call made on the reactor's thread by a
/// coroutine that is not one of the reactor's dispatcher: that thread may be blocked waiting
/// for it (`runBlocking` in an `onCall` hook), and could not drive the reactor to answer it.
///
/// # Safety
/// As [`connector_service_raw_call_blocking`].
#[no_mangle]
pub unsafe extern "C" fn connector_service_raw_call_start(
    client_id: u64,
    call_id: u64,
    use_reactor: i32,
    op: *const u8,
    op_len: usize,
    request: *const u8,
    request_len: usize,
    options: *const u8,
    options_len: usize,
) -> *mut u8 {
    let started = ffi::guard(|| {
        if COMPLETION.get().is_none() {
            return Err(Error::internal("no completion function was set"));
        }
        // SAFETY: the caller's contract, passed on.
        let (op, request, options) =
            unsafe { arguments(op, op_len, request, request_len, options, options_len)? };
        let (op, request, options) = (
            op.to_string(),
            request.to_string(),
            options.map(str::to_string),
        );
        let client = client(client_id)?;
        let runtime = crate::runtime()?;
        #[cfg(target_os = "linux")]
        if let Some(reactor) = crate::reactor::reactor().filter(|_| use_reactor != 0) {
            let event_loop = crate::reactor::Reactor::event_loop(call_id);
            let call: crate::reactor::CallFuture = Box::pin(async move {
                let call =
                    client
                        .inner
                        .call_on_event_loop(&op, &request, options.as_deref(), event_loop);
                ffi::guard_future(call).await.map_err(FfiError::into_json)
            });
            // Its timers are the runtime's.
            let _entered = runtime.enter();
            return Ok(reactor.start(call_id, call));
        }
        // Held while the task is spawned and recorded, so that the task, which removes its
        // entry when it ends, cannot end first.
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        let task = runtime.spawn(async move {
            let call = client.inner.call(&op, &request, options.as_deref());
            let result = ffi::guard_future(call).await;
            RUNNING
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&call_id);
            complete(call_id, result.map_err(FfiError::into_json));
        });
        running.insert(call_id, task.abort_handle());
        Ok(None)
    });
    match started {
        Ok(None) => std::ptr::null_mut(),
        Ok(Some(ended)) => answer(ended),
        Err(e) => answer(Err(e.into_json())),
    }
}

/// Whether there is a reactor (Linux) to drive with [`connector_service_raw_reactor_next`]:
/// `1` (started calls use it from now on: drive it), or `0` (the completion function gets every
/// answer).
#[no_mangle]
pub extern "C" fn connector_service_raw_reactor_claim() -> i32 {
    #[cfg(target_os = "linux")]
    if let Ok(true) = ffi::guard(|| Ok(crate::reactor::Reactor::claim())) {
        return 1;
    }
    0
}

/// Drives the reactor (Linux) on the calling thread until a started call ends: returns its
/// answer (see [`answer`]; free it with [`connector_service_raw_free`]) and writes its id to
/// `call_id`. Returns null and writes `0` when [`connector_service_raw_reactor_interrupt`] was
/// called. Returns null and writes `u64::MAX` at once where there is no reactor (the completion
/// function then gets every answer), and when the reactor failed (a panic, caught). Kotlin
/// calls it in a loop on a thread of its own.
///
/// # Safety
/// `call_id` points to a writable `u64`.
#[no_mangle]
pub unsafe extern "C" fn connector_service_raw_reactor_next(call_id: *mut u64) -> *mut u8 {
    #[cfg(target_os = "linux")]
    if let Ok(Some(next)) = ffi::guard(|| Ok(crate::reactor::Reactor::next())) {
        let (id, answer) = match next {
            crate::reactor::Next::Ended(id, ended) => (id, answer(ended)),
            crate::reactor::Next::Interrupted => (0, std::ptr::null_mut()),
        };
        // SAFETY: the caller's contract.
        unsafe { call_id.write(id) };
        return answer;
    }
    // SAFETY: the caller's contract.
    unsafe { call_id.write(u64::MAX) };
    std::ptr::null_mut()
}

/// Has [`connector_service_raw_reactor_next`] return (null, id `0`) once it has handled the
/// sockets ready now: the thread driving the reactor has coroutines to run. Nothing where there
/// is no reactor.
#[no_mangle]
pub extern "C" fn connector_service_raw_reactor_interrupt() {
    #[cfg(target_os = "linux")]
    if let Some(reactor) = crate::reactor::reactor() {
        reactor.interrupt();
    }
}

/// Hands a started call's answer to the completion function.
pub(crate) fn complete(call_id: u64, result: Result<String, String>) {
    if let Some(completion) = COMPLETION.get() {
        completion(call_id, answer(result));
    }
}

/// Cancels a started call that is still running: its task is dropped, and its answer never
/// comes.
#[no_mangle]
pub extern "C" fn connector_service_raw_call_cancel(call_id: u64) {
    #[cfg(target_os = "linux")]
    if let Some(reactor) = crate::reactor::reactor() {
        reactor.cancel(call_id);
    }
    let task = RUNNING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&call_id);
    if let Some(task) = task {
        task.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const CONFIG: &str = r#"{"connector":{"type":"razorpay","key_id":"rzp_test_x","key_secret":"s3cr3t"},"base_url":"http://127.0.0.1:9"}"#;
    const OP: &str = "payments.capture";
    const BAD_CURRENCY: &str =
        r#"{"connector_transaction_id":"pay_1","amount":{"minor_units":100,"currency":"ZZZ"}}"#;

    /// Reads and frees an answer: (is an error, JSON).
    fn read(answer: *mut u8) -> (bool, serde_json::Value) {
        assert!(!answer.is_null());
        // SAFETY: an answer as `answer` builds it, freed once below.
        unsafe {
            let mut len = [0u8; 8];
            std::ptr::copy_nonoverlapping(answer, len.as_mut_ptr(), 8);
            let len = u64::from_ne_bytes(len) as usize;
            let bytes = std::slice::from_raw_parts(answer.add(8), len);
            let out = (
                bytes[0] == 1,
                serde_json::from_slice(&bytes[1..]).expect("JSON"),
            );
            connector_service_raw_free(answer);
            out
        }
    }

    fn blocking(client: u64, request: &str) -> (bool, serde_json::Value) {
        // SAFETY: pointers and lengths of live strings.
        read(unsafe {
            connector_service_raw_call_blocking(
                client,
                OP.as_ptr(),
                OP.len(),
                request.as_ptr(),
                request.len(),
                std::ptr::null(),
                0,
            )
        })
    }

    #[test]
    fn a_blocking_call_answers_with_the_core_error_json() {
        let client = NativeClient::new(CONFIG.into()).unwrap_or_else(|_| panic!("valid config"));
        let (is_error, json) = blocking(client.raw_handle(), BAD_CURRENCY);
        assert!(is_error);
        assert_eq!(json["code"], "invalid_request");
        assert_eq!(json["field"], "amount.currency");
        // Invalid UTF-8 is an error answer, never a panic across the boundary.
        let bad = [0xffu8, 0xfe];
        // SAFETY: pointers and lengths of live buffers.
        let (is_error, json) = read(unsafe {
            connector_service_raw_call_blocking(
                client.raw_handle(),
                OP.as_ptr(),
                OP.len(),
                bad.as_ptr(),
                bad.len(),
                std::ptr::null(),
                0,
            )
        });
        assert!(is_error && json["code"] == "internal");
        // A dropped client is gone from the registry.
        let handle = client.raw_handle();
        drop(client);
        let (is_error, json) = blocking(handle, BAD_CURRENCY);
        assert!(is_error && json["message"].as_str().unwrap_or("").contains("closed"));
    }

    #[test]
    fn a_step_answers_with_the_request_to_send_or_the_error() {
        let connector =
            crate::NativeConnector::new(CONFIG.into()).unwrap_or_else(|_| panic!("valid config"));
        let step = |request: &str| {
            let responses = "[]";
            // SAFETY: pointers and lengths of live strings; no key (null).
            read(unsafe {
                connector_service_raw_step(
                    connector.raw_handle(),
                    OP.as_ptr(),
                    OP.len(),
                    request.as_ptr(),
                    request.len(),
                    responses.as_ptr(),
                    responses.len(),
                    std::ptr::null(),
                    0,
                )
            })
        };
        let (is_error, json) = step(
            r#"{"connector_transaction_id":"pay_1","amount":{"minor_units":100,"currency":"INR"}}"#,
        );
        assert!(!is_error, "{json}");
        assert_eq!(json["type"], "send");
        assert!(json["request"]["url"]
            .as_str()
            .unwrap_or("")
            .ends_with("/payments/pay_1/capture"));
        let (is_error, json) = step(BAD_CURRENCY);
        assert!(is_error && json["code"] == "invalid_request");
        let handle = connector.raw_handle();
        drop(connector);
        assert!(CONNECTORS.get(handle).is_none());
    }

    /// The answers of started calls, by call id, as the completion function got them.
    /// Whether an answer is an error, and its JSON.
    type Answer = (bool, serde_json::Value);

    static ANSWERS: LazyLock<(Mutex<HashMap<u64, Answer>>, std::sync::Condvar)> =
        LazyLock::new(Default::default);

    extern "C" fn completed(call_id: u64, answer: *mut u8) {
        let answer = read(answer);
        let (answers, arrived) = &*ANSWERS;
        answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(call_id, answer);
        arrived.notify_all();
    }

    /// The answer the completion function got for `call_id`, waiting up to `wait` for it.
    fn completion_of(call_id: u64, wait: Duration) -> Option<Answer> {
        let (answers, arrived) = &*ANSWERS;
        let answers = answers.lock().unwrap_or_else(|e| e.into_inner());
        let (mut answers, _) = arrived
            .wait_timeout_while(answers, wait, |a| !a.contains_key(&call_id))
            .unwrap_or_else(|e| e.into_inner());
        answers.remove(&call_id)
    }

    /// How often the reactor's driver was interrupted.
    static INTERRUPTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// A thread that drives the reactor, as Kotlin's does, handing the answers to the
    /// completion function.
    fn drive_reactor() {
        static DRIVER: std::sync::Once = std::sync::Once::new();
        DRIVER.call_once(|| {
            if connector_service_raw_reactor_claim() == 0 {
                return;
            }
            std::thread::spawn(|| loop {
                let mut call_id = 0u64;
                // SAFETY: a writable u64.
                let answer = unsafe { connector_service_raw_reactor_next(&mut call_id) };
                if answer.is_null() {
                    if call_id == 0 {
                        INTERRUPTED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        continue;
                    }
                    return;
                }
                completed(call_id, answer);
            });
        });
    }

    /// Starts a capture of `pay_1` as call `call_id`; its answer if it ended at once.
    fn start(
        client: &NativeClient,
        call_id: u64,
        options: Option<&str>,
        request: &str,
    ) -> Option<Answer> {
        connector_service_raw_set_completion(completed);
        drive_reactor();
        let (options, options_len) =
            options.map_or((std::ptr::null(), 0), |o| (o.as_ptr(), o.len()));
        // SAFETY: pointers and lengths of live strings.
        let ended = unsafe {
            connector_service_raw_call_start(
                client.raw_handle(),
                call_id,
                1,
                OP.as_ptr(),
                OP.len(),
                request.as_ptr(),
                request.len(),
                options,
                options_len,
            )
        };
        (!ended.is_null()).then(|| read(ended))
    }

    const CAPTURE: &str =
        r#"{"connector_transaction_id":"pay_1","amount":{"minor_units":1000,"currency":"INR"}}"#;

    const CAPTURED: &str = r#"{"id":"pay_1","entity":"payment","amount":1000,"currency":"INR","status":"captured","method":"upi","captured":true,"created_at":1606985209}"#;

    /// A one-connection HTTP server: reads a request, answers `CAPTURED` after `delay` (never,
    /// for `None`), then reports whether the client closed the connection within 5 s.
    fn server(delay: Option<Duration>) -> (Arc<NativeClient>, std::thread::JoinHandle<bool>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = listener.local_addr().expect("an address").port();
        let served = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().expect("a connection");
            socket
                .set_read_timeout(Some(Duration::from_secs(5)))
                .expect("a timeout");
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buffer) {
                    Ok(0) | Err(_) => return false,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            if let Some(delay) = delay {
                std::thread::sleep(delay);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{CAPTURED}",
                    CAPTURED.len()
                );
                socket.write_all(answer.as_bytes()).expect("written");
            }
            // The request's body, then the end of the connection.
            loop {
                match socket.read(&mut buffer) {
                    Ok(0) => return true,
                    Ok(_) => continue,
                    Err(_) => return false,
                }
            }
        });
        let config = format!(
            r#"{{"connector":{{"type":"razorpay","key_id":"rzp_test_x","key_secret":"s3cr3t"}},"base_url":"http://127.0.0.1:{port}"}}"#
        );
        let client = NativeClient::new(config).unwrap_or_else(|_| panic!("valid config"));
        (client, served)
    }

    #[test]
    fn a_started_call_that_cannot_start_answers_at_once() {
        let client = NativeClient::new(CONFIG.into()).unwrap_or_else(|_| panic!("valid config"));
        let (is_error, json) = start(&client, 7, None, BAD_CURRENCY)
            .or_else(|| completion_of(7, Duration::from_secs(10)))
            .expect("an answer");
        assert!(is_error);
        assert_eq!(json["code"], "invalid_request");
        assert!(RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&7)
            .is_none());
        // Cancelling a call that has ended changes nothing.
        connector_service_raw_call_cancel(7);
    }

    #[test]
    fn a_started_call_hands_its_answer_to_the_completion_function() {
        let (client, served) = server(Some(Duration::from_millis(100)));
        let ended = start(&client, 8, None, CAPTURE);
        assert!(ended.is_none(), "it waits for the answer: {ended:?}");
        let (is_error, json) = completion_of(8, Duration::from_secs(10)).expect("an answer");
        assert!(!is_error, "{json}");
        assert_eq!(json["status"], "charged");
        assert_eq!(json["connector_transaction_id"], "pay_1");
        #[cfg(target_os = "linux")]
        {
            let reactor = crate::reactor::reactor().expect("the reactor");
            assert_eq!(reactor.counts_of(8), (0, false), "no watch, no call left");
        }
        drop(client);
        assert!(
            served.join().expect("the server"),
            "the connection closed with the client"
        );
    }

    #[test]
    fn a_cancelled_call_closes_its_connection_and_never_answers() {
        let (client, served) = server(None);
        assert!(start(&client, 9, None, CAPTURE).is_none());
        std::thread::sleep(Duration::from_millis(50));
        #[cfg(target_os = "linux")]
        let reactor = crate::reactor::reactor().expect("the reactor");
        #[cfg(target_os = "linux")]
        assert_eq!(reactor.counts_of(9), (1, true), "its socket is watched");
        connector_service_raw_call_cancel(9);
        // The connection is closed (the future is dropped) while the client lives on.
        assert!(served.join().expect("the server"), "the connection closed");
        #[cfg(target_os = "linux")]
        assert_eq!(reactor.counts_of(9), (0, false));
        assert!(completion_of(9, Duration::from_millis(200)).is_none());
        drop(client);
    }

    #[test]
    fn a_started_call_keeps_its_deadline() {
        let (client, served) = server(None);
        let started = std::time::Instant::now();
        assert!(start(&client, 10, Some(r#"{"timeout_ms":300}"#), CAPTURE).is_none());
        let (is_error, json) = completion_of(10, Duration::from_secs(10)).expect("an answer");
        assert!(is_error && json["code"] == "timeout", "{json}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        #[cfg(target_os = "linux")]
        assert_eq!(
            crate::reactor::reactor()
                .expect("the reactor")
                .counts_of(10),
            (0, false)
        );
        drop(client);
        assert!(served.join().expect("the server"));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn an_interrupt_returns_the_driver_to_its_caller() {
        use std::sync::atomic::Ordering::SeqCst;
        // A call in progress, so that the driver waits in the reactor.
        let (client, served) = server(Some(Duration::from_millis(300)));
        assert!(start(&client, 11, None, CAPTURE).is_none());
        let before = INTERRUPTED.load(SeqCst);
        connector_service_raw_reactor_interrupt();
        let asked = std::time::Instant::now();
        while INTERRUPTED.load(SeqCst) == before && asked.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(INTERRUPTED.load(SeqCst), before + 1, "interrupted once");
        // The call goes on.
        let (is_error, json) = completion_of(11, Duration::from_secs(10)).expect("an answer");
        assert!(!is_error, "{json}");
        drop(client);
        assert!(served.join().expect("the server"));
    }
}
