//! The core's values and Python's, without `json.dumps` / `json.loads` in between.
//!
//! A request's `dict` is read straight into the core's typed request ([`typed_request`]), a
//! serde `Deserializer` over the Python values. When that fails (a wrong field, or a value
//! JSON does not carry as it is), the `dict` is written as JSON text here ([`write_json`]),
//! and the core reads that text and reports what is wrong, naming the field. Only what JSON
//! carries as it is crosses that way: `dict` with `str` keys, `list`, `str`, `int` within 64
//! bits, finite `float`, `bool` and `None`. Anything else (a tuple, an `int` key, a `Decimal`,
//! a huge integer, NaN, nesting deeper than [`MAX_DEPTH`]) is a [`NotJson`] error, and the
//! caller falls back to `json.dumps`, which converts what JSON can and reports the rest with
//! the field's path. (`json.dumps` costs more than the whole Rust step of most flows.)
//!
//! The core's typed answers (flow responses, webhook notifications, call records) become the
//! Python values of their JSON form directly ([`to_python`], a serde `Serializer`): no JSON
//! text is written and read again. (Only errors still cross as the core's error JSON.)

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
struct Unread;

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

/// A typed value of the core (a flow's response) as the Python values `json.loads` gives for
/// its JSON (`dict`, `list`, `str`, `int`, `float`, `bool`, `None`), built directly: no JSON
/// text is written and read again. Each value converts as `serde_json` writes it (`None` for
/// a non-finite float, a list of numbers for bytes, map keys as strings), so the result is the
/// same; a value JSON cannot carry is an `internal` error.
pub(crate) fn to_python<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    value.serialize(PySer(py)).map_err(|e| {
        crate::to_py_err(&connector_service::Error::internal(format!(
            "cannot convert the core's answer: {}",
            e.0
        )))
    })
}

/// Converting to Python values failed.
#[derive(Debug)]
struct Unwritten(String);

impl std::fmt::Display for Unwritten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unwritten {}

impl serde::ser::Error for Unwritten {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Unwritten(msg.to_string())
    }
}

impl From<PyErr> for Unwritten {
    fn from(e: PyErr) -> Self {
        Unwritten(e.to_string())
    }
}

#[derive(Clone, Copy)]
struct PySer<'py>(Python<'py>);

type Written<'py> = Result<Bound<'py, PyAny>, Unwritten>;

impl<'py> PySer<'py> {
    fn int<T>(self, v: T) -> Written<'py>
    where
        T: IntoPyObject<'py, Output = Bound<'py, PyInt>, Error = std::convert::Infallible>,
    {
        let Ok(int) = v.into_pyobject(self.0);
        Ok(int.into_any())
    }

    /// `{variant: value}`, as `serde_json` writes an enum variant with data.
    fn variant(self, variant: &'static str, value: Bound<'py, PyAny>) -> Written<'py> {
        let dict = PyDict::new(self.0);
        dict.set_item(variant, value)?;
        Ok(dict.into_any())
    }
}

impl<'py> serde::Serializer for PySer<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Unwritten;
    type SerializeSeq = PyListSer<'py>;
    type SerializeTuple = PyListSer<'py>;
    type SerializeTupleStruct = PyListSer<'py>;
    type SerializeTupleVariant = PyListSer<'py>;
    type SerializeMap = PyDictSer<'py>;
    type SerializeStruct = PyDictSer<'py>;
    type SerializeStructVariant = PyDictSer<'py>;

    fn serialize_bool(self, v: bool) -> Written<'py> {
        Ok(PyBool::new(self.0, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Written<'py> {
        self.int(v)
    }
    fn serialize_i16(self, v: i16) -> Written<'py> {
        self.int(v)
    }
    fn serialize_i32(self, v: i32) -> Written<'py> {
        self.int(v)
    }
    fn serialize_i64(self, v: i64) -> Written<'py> {
        self.int(v)
    }
    fn serialize_i128(self, v: i128) -> Written<'py> {
        match i64::try_from(v) {
            Ok(v) => self.int(v),
            Err(_) => {
                self.int(u64::try_from(v).map_err(|_| Unwritten("a 128-bit integer".into()))?)
            }
        }
    }
    fn serialize_u8(self, v: u8) -> Written<'py> {
        self.int(v)
    }
    fn serialize_u16(self, v: u16) -> Written<'py> {
        self.int(v)
    }
    fn serialize_u32(self, v: u32) -> Written<'py> {
        self.int(v)
    }
    fn serialize_u64(self, v: u64) -> Written<'py> {
        self.int(v)
    }
    fn serialize_u128(self, v: u128) -> Written<'py> {
        self.int(u64::try_from(v).map_err(|_| Unwritten("a 128-bit integer".into()))?)
    }
    /// As `serde_json` writes it (its shortest decimal form), read back as a Python float.
    fn serialize_f32(self, v: f32) -> Written<'py> {
        match v.to_string().parse::<f64>() {
            Ok(v) if v.is_finite() => self.serialize_f64(v),
            _ => self.serialize_unit(),
        }
    }
    /// `None` for NaN and the infinities, which `serde_json` writes as `null`.
    fn serialize_f64(self, v: f64) -> Written<'py> {
        if v.is_finite() {
            Ok(PyFloat::new(self.0, v).into_any())
        } else {
            self.serialize_unit()
        }
    }
    fn serialize_char(self, v: char) -> Written<'py> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Written<'py> {
        Ok(PyString::new(self.0, v).into_any())
    }
    /// A list of numbers, as `serde_json` writes bytes.
    fn serialize_bytes(self, v: &[u8]) -> Written<'py> {
        Ok(PyList::new(self.0, v)?.into_any())
    }
    fn serialize_none(self) -> Written<'py> {
        self.serialize_unit()
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, value: &T) -> Written<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Written<'py> {
        Ok(self.0.None().into_bound(self.0))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Written<'py> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Written<'py> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Written<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Written<'py> {
        self.variant(variant, value.serialize(self)?)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<PyListSer<'py>, Unwritten> {
        Ok(PyListSer {
            ser: self,
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<PyListSer<'py>, Unwritten> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<PyListSer<'py>, Unwritten> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<PyListSer<'py>, Unwritten> {
        let mut list = self.serialize_seq(Some(len))?;
        list.variant = Some(variant);
        Ok(list)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<PyDictSer<'py>, Unwritten> {
        Ok(PyDictSer {
            ser: self,
            dict: PyDict::new(self.0),
            key: None,
            variant: None,
        })
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<PyDictSer<'py>, Unwritten> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<PyDictSer<'py>, Unwritten> {
        let mut dict = self.serialize_map(Some(len))?;
        dict.variant = Some(variant);
        Ok(dict)
    }
}

/// A sequence (or a tuple variant's fields) being converted to a `list`.
struct PyListSer<'py> {
    ser: PySer<'py>,
    items: Vec<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> PyListSer<'py> {
    fn push<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritten> {
        self.items.push(value.serialize(self.ser)?);
        Ok(())
    }

    fn done(self) -> Written<'py> {
        let list = PyList::new(self.ser.0, self.items)?.into_any();
        match self.variant {
            Some(variant) => self.ser.variant(variant, list),
            None => Ok(list),
        }
    }
}

/// The four sequence traits, which differ only in their method's name.
macro_rules! list_ser {
    ($($trait:ident::$method:ident),*) => {$(
        impl<'py> serde::ser::$trait for PyListSer<'py> {
            type Ok = Bound<'py, PyAny>;
            type Error = Unwritten;
            fn $method<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritten> {
                self.push(value)
            }
            fn end(self) -> Written<'py> {
                self.done()
            }
        }
    )*};
}

list_ser!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// A map, a struct (or a struct variant's fields) being converted to a `dict`.
struct PyDictSer<'py> {
    ser: PySer<'py>,
    dict: Bound<'py, PyDict>,
    /// A map's key, until its value comes.
    key: Option<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> PyDictSer<'py> {
    fn done(self) -> Written<'py> {
        let dict = self.dict.into_any();
        match self.variant {
            Some(variant) => self.ser.variant(variant, dict),
            None => Ok(dict),
        }
    }
}

impl<'py> serde::ser::SerializeMap for PyDictSer<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Unwritten;
    /// Keys are strings, as in JSON: `serde_json` writes a number key as its digits, and
    /// refuses any other.
    fn serialize_key<T: serde::Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unwritten> {
        let key = key.serialize(self.ser)?;
        self.key = Some(if key.cast::<PyString>().is_ok() {
            key
        } else if key.cast::<PyInt>().is_ok() && key.cast::<PyBool>().is_err() {
            key.str()?.into_any()
        } else {
            return Err(Unwritten("a map key that is not a string".into()));
        });
        Ok(())
    }
    fn serialize_value<T: serde::Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), Unwritten> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Unwritten("a map value without its key".into()))?;
        self.dict.set_item(key, value.serialize(self.ser)?)?;
        Ok(())
    }
    fn end(self) -> Written<'py> {
        self.done()
    }
}

/// The two struct traits, which are the same.
macro_rules! struct_ser {
    ($($trait:ident),*) => {$(
        impl<'py> serde::ser::$trait for PyDictSer<'py> {
            type Ok = Bound<'py, PyAny>;
            type Error = Unwritten;
            fn serialize_field<T: serde::Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Unwritten> {
                self.dict.set_item(key, value.serialize(self.ser)?)?;
                Ok(())
            }
            fn end(self) -> Written<'py> {
                self.done()
            }
        }
    )*};
}

struct_ser!(SerializeStruct, SerializeStructVariant);
