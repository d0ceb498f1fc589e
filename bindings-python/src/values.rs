//! A request's `dict` written as JSON text here rather than by `json.dumps`, which costs more
//! than the whole Rust step of most flows.
//!
//! Only what JSON carries as it is crosses here: `dict` with `str` keys, `list`, `str`, `int`
//! within 64 bits, finite `float`, `bool` and `None`. Anything else (a tuple, an `int` key, a
//! `Decimal`, a huge integer, NaN, nesting deeper than [`MAX_DEPTH`]) is a [`NotJson`] error,
//! and the caller falls back to `json.dumps`, which converts what JSON can and reports the rest
//! with the field's path.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use serde_json::Number;

pyo3::create_exception!(
    _native,
    NotJson,
    PyTypeError,
    "A value that does not cross as a JSON value as it is (the caller falls back to JSON text)."
);

/// Nesting deeper than this is left to `json.dumps` (the core's types nest a few levels; a
/// deeper value is a caller's mistake, which must not overflow this thread's stack).
const MAX_DEPTH: usize = 32;

/// The JSON text of a Python value built of `dict`, `list`, `str`, `int`, `float`, `bool` and
/// `None`, appended to `out` (what `json.dumps` gives, without its spaces).
pub(crate) fn write_json(obj: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> PyResult<()> {
    write_value(obj, out, 0)
}

fn write_value(obj: &Bound<'_, PyAny>, out: &mut Vec<u8>, depth: usize) -> PyResult<()> {
    if depth > MAX_DEPTH {
        return Err(not_json());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return write_str(s, out);
    }
    if obj.is_none() {
        out.extend_from_slice(b"null");
        return Ok(());
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        out.push(b'{');
        for (i, (k, v)) in d.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(k.cast::<PyString>().map_err(|_| not_json())?, out)?;
            out.push(b':');
            write_value(&v, out, depth + 1)?;
        }
        out.push(b'}');
        return Ok(());
    }
    // `bool` before `int`: it is a subclass.
    if let Ok(b) = obj.cast::<PyBool>() {
        out.extend_from_slice(if b.is_true() { b"true" } else { b"false" });
        return Ok(());
    }
    let number = if obj.cast::<PyInt>().is_ok() {
        match (obj.extract::<i64>(), obj.extract::<u64>()) {
            (Ok(i), _) => Number::from(i),
            (_, Ok(u)) => Number::from(u),
            _ => return Err(not_json()),
        }
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        Number::from_f64(f.value()).ok_or_else(not_json)?
    } else if let Ok(l) = obj.cast::<PyList>() {
        out.push(b'[');
        for (i, v) in l.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_value(&v, out, depth + 1)?;
        }
        out.push(b']');
        return Ok(());
    } else {
        return Err(not_json());
    };
    serde_json::to_writer(out, &number).map_err(|_| not_json())
}

fn write_str(s: &Bound<'_, PyString>, out: &mut Vec<u8>) -> PyResult<()> {
    serde_json::to_writer(out, s.to_str()?).map_err(|_| not_json())
}

fn not_json() -> PyErr {
    NotJson::new_err("not a JSON value")
}
