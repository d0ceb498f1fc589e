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

use connector_service::FlowRequest;
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

/// A request read into its typed form straight from its `dict` (no JSON text in between): the
/// `dict`'s values are visited as `serde_json` visits the same JSON (a non-negative `int` as
/// `u64`, a negative one as `i64`, a `float` as `f64`, a `str` as a string, `None` as null).
/// `None` when that fails for any reason (a value JSON does not carry as it is, a wrong field,
/// an unknown operation): the caller then gives the request's JSON text to the core, which
/// reports the error as it always has, naming the field. So this changes no outcome, only the
/// cost of a valid request.
pub(crate) fn typed_request(op: &str, request: &Bound<'_, PyAny>) -> Option<FlowRequest> {
    FlowRequest::deserialize_for(
        op,
        PyValue {
            obj: request,
            depth: 0,
        },
    )?
    .ok()
}

/// Reading a Python value failed; the reason is not kept (the JSON text is read instead).
#[derive(Debug)]
pub(crate) struct Unread;

impl std::fmt::Display for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not read from Python values")
    }
}

impl std::error::Error for Unread {}

impl serde::de::Error for Unread {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Unread
    }
}

/// A Python value as a serde `Deserializer`.
struct PyValue<'a, 'py> {
    obj: &'a Bound<'py, PyAny>,
    depth: usize,
}

impl<'de> serde::Deserializer<'de> for PyValue<'_, '_> {
    type Error = Unread;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unread> {
        let obj = self.obj;
        if self.depth > MAX_DEPTH {
            return Err(Unread);
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return visitor.visit_str(s.to_str().map_err(|_| Unread)?);
        }
        if obj.is_none() {
            return visitor.visit_unit();
        }
        if let Ok(d) = obj.cast::<PyDict>() {
            return visitor.visit_map(PyMap {
                items: d.iter(),
                value: None,
                depth: self.depth + 1,
            });
        }
        // `bool` before `int`: it is a subclass.
        if let Ok(b) = obj.cast::<PyBool>() {
            return visitor.visit_bool(b.is_true());
        }
        if obj.cast::<PyInt>().is_ok() {
            return match obj.extract::<i64>() {
                Ok(i) if i >= 0 => visitor.visit_u64(i as u64),
                Ok(i) => visitor.visit_i64(i),
                Err(_) => visitor.visit_u64(obj.extract::<u64>().map_err(|_| Unread)?),
            };
        }
        if let Ok(f) = obj.cast::<PyFloat>() {
            let v = f.value();
            return if v.is_finite() {
                visitor.visit_f64(v)
            } else {
                Err(Unread)
            };
        }
        if let Ok(l) = obj.cast::<PyList>() {
            return visitor.visit_seq(PySeq {
                items: l.iter(),
                depth: self.depth + 1,
            });
        }
        Err(Unread)
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Unread> {
        if self.obj.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unread> {
        visitor.visit_newtype_struct(self)
    }

    /// An enum from its string (a unit variant); any other shape is left to the JSON text.
    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unread> {
        let s = self.obj.cast::<PyString>().map_err(|_| Unread)?;
        let s = s.to_str().map_err(|_| Unread)?;
        visitor.visit_enum(serde::de::value::StrDeserializer::<Unread>::new(s))
    }

    /// Bytes are left to the JSON text (`serde_json` hands a string's bytes over differently).
    fn deserialize_bytes<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Unread> {
        Err(Unread)
    }

    fn deserialize_byte_buf<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Unread> {
        Err(Unread)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string unit unit_struct
        seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct PyMap<'py> {
    items: pyo3::types::iter::BoundDictIterator<'py>,
    value: Option<Bound<'py, PyAny>>,
    depth: usize,
}

impl<'de> serde::de::MapAccess<'de> for PyMap<'_> {
    type Error = Unread;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Unread> {
        let Some((k, v)) = self.items.next() else {
            return Ok(None);
        };
        self.value = Some(v);
        // Keys are strings, as in JSON; a key of another type is left to the JSON text.
        let k = k.cast::<PyString>().map_err(|_| Unread)?;
        let k = k.to_str().map_err(|_| Unread)?;
        seed.deserialize(serde::de::value::StrDeserializer::<Unread>::new(k))
            .map(Some)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Unread> {
        let value = self.value.take().ok_or(Unread)?;
        seed.deserialize(PyValue {
            obj: &value,
            depth: self.depth,
        })
    }
}

struct PySeq<'py> {
    items: pyo3::types::iter::BoundListIterator<'py>,
    depth: usize,
}

impl<'de> serde::de::SeqAccess<'de> for PySeq<'_> {
    type Error = Unread;

    fn next_element_seed<T: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Unread> {
        match self.items.next() {
            Some(v) => seed
                .deserialize(PyValue {
                    obj: &v,
                    depth: self.depth,
                })
                .map(Some),
            None => Ok(None),
        }
    }
}
