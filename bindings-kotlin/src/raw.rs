//! The blocking call through a plain C ABI, beside UniFFI's: primitive arguments only.
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
use std::sync::{Arc, LazyLock, RwLock, Weak};

use connector_service::ffi::{self, FfiError};
use connector_service::Error;

use crate::{NativeClient, NativeError};

static CLIENTS: LazyLock<RwLock<HashMap<u64, Weak<NativeClient>>>> =
    LazyLock::new(|| RwLock::new(HashMap::new()));
static NEXT: AtomicU64 = AtomicU64::new(1);

/// Registers a client being built; returns its handle (never reused).
pub(crate) fn register(client: Weak<NativeClient>) -> u64 {
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut clients = CLIENTS.write().unwrap_or_else(|e| e.into_inner());
    clients.insert(id, client);
    id
}

/// Forgets a client (its last reference is being dropped).
pub(crate) fn unregister(id: u64) {
    let mut clients = CLIENTS.write().unwrap_or_else(|e| e.into_inner());
    clients.remove(&id);
}

fn client(id: u64) -> Result<Arc<NativeClient>, Error> {
    let clients = CLIENTS.read().unwrap_or_else(|e| e.into_inner());
    clients
        .get(&id)
        .and_then(Weak::upgrade)
        .ok_or_else(|| Error::internal("the client is closed"))
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

/// The answer handed to Kotlin: 8 bytes of length (native byte order) of what follows, one byte `0`
/// (the response JSON follows) or `1` (the error JSON follows), then the JSON.
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
        let (op, request, options) = unsafe {
            (
                text(op, op_len, "the operation")?,
                text(request, request_len, "the request")?,
                text(options, options_len, "the options")?,
            )
        };
        let (Some(op), Some(request)) = (op, request) else {
            return Err(Error::internal(
                "the operation and the request are required",
            ));
        };
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

/// Frees an answer of [`connector_service_raw_call_blocking`].
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
