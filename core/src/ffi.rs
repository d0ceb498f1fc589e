//! The one protocol the three bindings speak across their FFI boundary (no FFI dependency here:
//! each binding maps [`FfiError`] to its own native exception in one place).
//!
//! - Every entry point of a binding runs its work through [`guard`] (or [`guard_future`] for a
//!   future): a panic becomes an `internal` error instead of unwinding into Python, Node or the
//!   JVM, and a library error becomes an [`FfiError`].
//! - An [`FfiError`] carries one shape: the core's error as JSON (`ErrorInfo`: `code`,
//!   `message`, `field`, `connector`, `flow`, `http_status`, ...). Each language builds the
//!   exception class of `code` from it; the class names come from the naming table exported
//!   with the API schema ([`crate::ErrorCode::class_stem`]).
//! - Values cross as JSON text (plus raw bytes for webhook bodies).

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::{Error, ErrorCode, Result};

/// A library error on its way across an FFI boundary: the core's error JSON.
#[derive(Clone, PartialEq, Eq)]
pub struct FfiError {
    json: String,
}

impl FfiError {
    /// The error as JSON (`ErrorInfo`); never contains a secret or a card number.
    pub fn json(&self) -> &str {
        &self.json
    }

    pub fn into_json(self) -> String {
        self.json
    }
}

impl From<Error> for FfiError {
    fn from(e: Error) -> FfiError {
        FfiError {
            json: crate::json::error_to_json(&e),
        }
    }
}

impl std::fmt::Debug for FfiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.json)
    }
}

impl std::fmt::Display for FfiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.json)
    }
}

impl std::error::Error for FfiError {}

/// The error that replaces a panic: a bug in this library.
pub fn panic_error() -> Error {
    Error::new(
        ErrorCode::Internal,
        "the native library panicked; this is a bug in connector-service, please report it",
    )
}

/// Runs `f`; a library error becomes an [`FfiError`], a panic an `internal` one.
pub fn guard<T>(f: impl FnOnce() -> Result<T>) -> std::result::Result<T, FfiError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(FfiError::from),
        Err(_) => Err(panic_error().into()),
    }
}

/// [`guard`] for a future: a panic while it is polled becomes an `internal` error.
pub fn guard_future<T, F>(future: F) -> Guarded<F>
where
    F: Future<Output = Result<T>>,
{
    Guarded(Box::pin(future))
}

/// The future of [`guard_future`].
pub struct Guarded<F>(Pin<Box<F>>);

impl<T, F: Future<Output = Result<T>>> Future for Guarded<F> {
    type Output = std::result::Result<T, FfiError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(result)) => Poll::Ready(result.map_err(FfiError::from)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(panic_error().into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(e: &FfiError) -> String {
        let v: serde_json::Value = serde_json::from_str(e.json()).unwrap();
        v["code"].as_str().unwrap().to_string()
    }

    #[test]
    fn errors_cross_as_the_core_json_and_panics_as_internal() {
        let e =
            guard::<()>(|| Err(Error::invalid_request("amount", "must be positive"))).unwrap_err();
        assert_eq!(code(&e), "invalid_request");
        assert!(e.json().contains("\"field\":\"amount\""));
        let e = guard::<()>(|| panic!("boom")).unwrap_err();
        assert_eq!(code(&e), "internal");
        assert_eq!(guard(|| Ok(7)).unwrap(), 7);
    }

    #[test]
    fn a_panicking_future_is_an_internal_error() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let e = rt
            .block_on(guard_future::<(), _>(async { panic!("boom") }))
            .unwrap_err();
        assert_eq!(code(&e), "internal");
        assert_eq!(rt.block_on(guard_future(async { Ok(1) })).unwrap(), 1);
    }
}
