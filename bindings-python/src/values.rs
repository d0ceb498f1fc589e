//! JSON between Python values and text, here rather than in `json.dumps` / `json.loads`.
//!
//! A request's `dict` is written as JSON text here: `json.dumps` costs more than the whole Rust
//! step of most flows. Only what JSON carries as it is crosses: `dict` with `str` keys, `list`,
//! `str`, `int` within 64 bits, finite `float`, `bool` and `None`. Anything else (a tuple, an
//! `int` key, a `Decimal`, a huge integer, NaN, nesting deeper than [`MAX_DEPTH`]) is a
//! [`NotJson`] error, and the caller falls back to `json.dumps`, which converts what JSON can
//! and reports the rest with the field's path.
//!
//! The core's answers are read into Python values here ([`read_json`]), in one pass over the
//! text, about twice as fast as `json.loads`, which the binding used before.

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

/// The Python value (`dict`, `list`, `str`, `int`, `float`, `bool`, `None`) of a JSON text:
/// what `json.loads` gives for the core's answers (the last of duplicate keys wins, as there;
/// an integer beyond 64 bits, which the core never writes, reads as a `float`). A text that is
/// not JSON (never one the core wrote) is an `internal` error, which names no value.
pub(crate) fn read_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde::de::DeserializeSeed::deserialize(PySeed(py), &mut de)
        .and_then(|value| de.end().map(|()| value))
        .map_err(|e| {
            crate::to_py_err(&connector_service::Error::internal(format!(
                "cannot read the core's answer: {e}"
            )))
        })
}

struct PySeed<'py>(Python<'py>);

impl<'de, 'py> serde::de::DeserializeSeed<'de> for PySeed<'py> {
    type Value = Bound<'py, PyAny>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn py_error<E: serde::de::Error>(e: PyErr) -> E {
    E::custom(e)
}

impl<'de, 'py> serde::de::Visitor<'de> for PySeed<'py> {
    type Value = Bound<'py, PyAny>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.0, v).to_owned().into_any())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        let Ok(int) = v.into_pyobject(self.0);
        Ok(int.into_any())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        let Ok(int) = v.into_pyobject(self.0);
        Ok(int.into_any())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.0, v).into_any())
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.0, v).into_any())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(self.0.None().into_bound(self.0))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.0);
        while let Some(v) = seq.next_element_seed(PySeed(self.0))? {
            list.append(v).map_err(py_error)?;
        }
        Ok(list.into_any())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.0);
        while let Some(k) = map.next_key_seed(PySeed(self.0))? {
            let v = map.next_value_seed(PySeed(self.0))?;
            dict.set_item(k, v).map_err(py_error)?;
        }
        Ok(dict.into_any())
    }
}
