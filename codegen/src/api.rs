//! The API description the generators work from, read from the core's JSON Schema
//! (`connector_service::json::api_schema`).
//!
//! The schema only uses a few shapes, and this module accepts exactly those: structs (objects
//! with properties), string enums (`oneOf` of `const` strings, or `enum`), tagged unions
//! (`x-tag`/`x-variants`, each variant a named struct), and string aliases (`Currency`). Any
//! other shape is a hard error, so a change in the core that the generators do not understand
//! fails the build instead of producing wrong bindings.

#![allow(dead_code)] // parts of the description are used by some generators only

use std::collections::BTreeMap;

use serde_json::Value;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    pub version: String,
    /// Every named type, by name.
    pub types: BTreeMap<String, TypeDef>,
    pub operations: Vec<Operation>,
    pub error_codes: Vec<String>,
    /// The stem of the base exception class (`ConnectorService`).
    pub error_base_stem: String,
    /// The core's naming table: error code -> class stem (`timeout` -> `ProcessorTimeout`).
    pub error_stems: BTreeMap<String, String>,
}

impl Api {
    /// The class stem of an error code, from the core's naming table.
    pub fn error_stem(&self, code: &str) -> &str {
        self.error_stems
            .get(code)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("the schema's naming table has no class for `{code}`"))
    }
}

/// One operation (`payments.authorize`, ...).
#[derive(Debug, Clone)]
pub struct Operation {
    /// `service.method`.
    pub name: String,
    pub service: String,
    pub method: String,
    pub flow: String,
    pub request: String,
    pub response: String,
}

#[derive(Debug, Clone)]
pub enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
    Union(UnionDef),
    /// A named string type (e.g. `Currency`), with its pattern when it has one.
    StringAlias {
        name: String,
        doc: String,
    },
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
            TypeDef::Union(u) => &u.name,
            TypeDef::StringAlias { name, .. } => name,
        }
    }
}

#[derive(Debug, Clone)]
pub struct StructDef {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON (snake_case) name.
    pub name: String,
    pub doc: String,
    pub ty: TypeRef,
    /// The field must be given (it has no default and is not nullable).
    pub required: bool,
    /// The default the core applies when the field is missing, if any (JSON).
    pub default: Option<Value>,
    /// `Some("card_number")` or `Some("secret")` for values that must be masked.
    pub secret: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub doc: String,
    /// (JSON value, doc)
    pub values: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct UnionDef {
    pub name: String,
    pub doc: String,
    /// The JSON property holding the variant name (`type`, `kind`).
    pub tag: String,
    /// (tag value, struct type name)
    pub variants: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    String,
    /// An integer, with its schema format (`int64`, `uint8`, ...).
    Integer(String),
    Bool,
    /// Binary data (Base64 string on the wire).
    Bytes,
    Named(String),
    Optional(Box<TypeRef>),
    List(Box<TypeRef>),
    /// A map from string to the given type.
    Map(Box<TypeRef>),
}

impl TypeRef {
    pub fn is_optional(&self) -> bool {
        matches!(self, TypeRef::Optional(_))
    }

    /// The type without its `Optional` wrapper.
    pub fn inner(&self) -> &TypeRef {
        match self {
            TypeRef::Optional(t) => t,
            t => t,
        }
    }
}

fn doc_of(v: &Value) -> String {
    v.get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string()
}

fn ref_name(v: &Value) -> Option<String> {
    v.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .map(str::to_string)
}

/// Reads the schema produced by `api_schema()`.
pub fn parse(schema: &Value) -> Result<Api, String> {
    let defs = schema["definitions"]
        .as_object()
        .ok_or("schema has no definitions")?;
    let mut types = BTreeMap::new();
    for (name, def) in defs {
        types.insert(name.clone(), parse_def(name, def)?);
    }
    let operations = schema["operations"]
        .as_array()
        .ok_or("schema has no operations")?
        .iter()
        .map(|op| {
            let name = op["name"]
                .as_str()
                .ok_or("operation without name")?
                .to_string();
            let (service, method) = name
                .split_once('.')
                .ok_or("operation name is not service.method")?;
            Ok(Operation {
                service: service.to_string(),
                method: method.to_string(),
                flow: op["flow"].as_str().unwrap_or_default().to_string(),
                request: op["request"]
                    .as_str()
                    .ok_or("operation without request")?
                    .to_string(),
                response: op["response"]
                    .as_str()
                    .ok_or("operation without response")?
                    .to_string(),
                name,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let error_codes: Vec<String> = schema["error_codes"]
        .as_array()
        .ok_or("schema has no error codes")?
        .iter()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();
    let classes = &schema["error_classes"];
    let error_base_stem = classes["base"]
        .as_str()
        .ok_or("schema has no error class base")?
        .to_string();
    let error_stems: BTreeMap<String, String> = classes["stems"]
        .as_object()
        .ok_or("schema has no error class stems")?
        .iter()
        .filter_map(|(code, stem)| Some((code.clone(), stem.as_str()?.to_string())))
        .collect();
    if let Some(code) = error_codes.iter().find(|c| !error_stems.contains_key(*c)) {
        return Err(format!("the error code `{code}` has no class stem"));
    }
    let api = Api {
        version: schema["version"].as_str().unwrap_or("0").to_string(),
        types,
        operations,
        error_codes,
        error_base_stem,
        error_stems,
    };
    check_references(&api)?;
    Ok(api)
}

fn parse_def(name: &str, def: &Value) -> Result<TypeDef, String> {
    let doc = doc_of(def);
    if let (Some(tag), Some(variants)) = (
        def.get("x-tag").and_then(Value::as_str),
        def.get("x-variants").and_then(Value::as_object),
    ) {
        let variants = variants
            .iter()
            .map(|(k, v)| {
                ref_name(v)
                    .map(|t| (k.clone(), t))
                    .ok_or(format!("{name}: union variant {k} is not a reference"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // The bindings pick a value's tag from its type: two variants of one type could not
        // be told apart when serializing.
        for (i, (tag, ty)) in variants.iter().enumerate() {
            if let Some((other, _)) = variants[..i].iter().find(|(_, t)| t == ty) {
                return Err(format!(
                    "{name}: variants `{other}` and `{tag}` share the type {ty}; give each variant its own type"
                ));
            }
        }
        return Ok(TypeDef::Union(UnionDef {
            name: name.into(),
            doc,
            tag: tag.into(),
            variants,
        }));
    }
    if let Some(one_of) = def.get("oneOf").and_then(Value::as_array) {
        // Documented variants come as `const`s; schemars groups undocumented ones in an `enum`.
        let mut values = Vec::new();
        for v in one_of {
            if let Some(c) = v.get("const").and_then(Value::as_str) {
                values.push((c.to_string(), doc_of(v)));
            } else if let Some(list) = v.get("enum").and_then(Value::as_array) {
                for item in list {
                    let item = item
                        .as_str()
                        .ok_or(format!("{name}: non-string enum value"))?;
                    values.push((item.to_string(), String::new()));
                }
            } else {
                return Err(format!(
                    "{name}: oneOf that is neither a string enum nor a tagged union"
                ));
            }
        }
        return Ok(TypeDef::Enum(EnumDef {
            name: name.into(),
            doc,
            values,
        }));
    }
    if let Some(values) = def.get("enum").and_then(Value::as_array) {
        let values = values
            .iter()
            .map(|v| v.as_str().map(|s| (s.to_string(), String::new())))
            .collect::<Option<Vec<_>>>()
            .ok_or(format!("{name}: non-string enum"))?;
        return Ok(TypeDef::Enum(EnumDef {
            name: name.into(),
            doc,
            values,
        }));
    }
    match def.get("type").and_then(Value::as_str) {
        Some("object") => {
            let props = def
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let required: Vec<&str> = def
                .get("required")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut fields = Vec::new();
            for (field, prop) in &props {
                let ty = parse_type(prop).map_err(|e| format!("{name}.{field}: {e}"))?;
                let default = prop.get("default").cloned().filter(|d| !d.is_null());
                let is_required =
                    required.contains(&field.as_str()) && !ty.is_optional() && default.is_none();
                // A list of secrets carries the mark on its items (`Vec<Secret<String>>`).
                let secret = prop
                    .get("x-secret")
                    .or_else(|| prop.pointer("/items/x-secret"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                fields.push(Field {
                    name: field.clone(),
                    doc: doc_of(prop),
                    ty,
                    required: is_required,
                    default,
                    secret,
                });
            }
            // Required fields first (languages with positional parameters need that), each
            // group in the core's declaration order (the schema preserves it).
            fields.sort_by_key(|f| !f.required);
            Ok(TypeDef::Struct(StructDef {
                name: name.into(),
                doc,
                fields,
            }))
        }
        Some("string") => Ok(TypeDef::StringAlias {
            name: name.into(),
            doc,
        }),
        other => Err(format!("{name}: unsupported schema type {other:?}")),
    }
}

fn parse_type(v: &Value) -> Result<TypeRef, String> {
    if let Some(name) = ref_name(v) {
        return Ok(TypeRef::Named(name));
    }
    if let Some(any_of) = v.get("anyOf").and_then(Value::as_array) {
        let non_null: Vec<&Value> = any_of
            .iter()
            .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            .collect();
        if non_null.len() == 1 && any_of.len() == 2 {
            return Ok(TypeRef::Optional(Box::new(parse_type(non_null[0])?)));
        }
        return Err("anyOf other than T | null".into());
    }
    let (ty, nullable) = match v.get("type") {
        Some(Value::String(t)) => (t.as_str(), false),
        Some(Value::Array(ts)) => {
            let names: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
            let non_null: Vec<&str> = names.iter().copied().filter(|t| *t != "null").collect();
            if non_null.len() != 1 {
                return Err(format!("unsupported type list {names:?}"));
            }
            (non_null[0], names.contains(&"null"))
        }
        _ => return Err(format!("no type in {v}")),
    };
    let base = match ty {
        "string" if v.get("x-bytes").is_some() => TypeRef::Bytes,
        "string" => TypeRef::String,
        "integer" => TypeRef::Integer(
            v.get("format")
                .and_then(Value::as_str)
                .unwrap_or("int64")
                .to_string(),
        ),
        "boolean" => TypeRef::Bool,
        "array" => TypeRef::List(Box::new(parse_type(
            v.get("items").ok_or("array without items")?,
        )?)),
        "object" => match v.get("additionalProperties") {
            Some(ap) if ap.is_object() => TypeRef::Map(Box::new(parse_type(ap)?)),
            _ => return Err("inline object without additionalProperties".into()),
        },
        other => return Err(format!("unsupported type {other}")),
    };
    Ok(if nullable {
        TypeRef::Optional(Box::new(base))
    } else {
        base
    })
}

fn check_references(api: &Api) -> Result<(), String> {
    fn walk(t: &TypeRef, api: &Api, ctx: &str) -> Result<(), String> {
        match t {
            TypeRef::Named(n) if !api.types.contains_key(n) => {
                Err(format!("{ctx}: unknown type {n}"))
            }
            TypeRef::Optional(i) | TypeRef::List(i) | TypeRef::Map(i) => walk(i, api, ctx),
            _ => Ok(()),
        }
    }
    for def in api.types.values() {
        match def {
            TypeDef::Struct(s) => {
                for f in &s.fields {
                    walk(&f.ty, api, &format!("{}.{}", s.name, f.name))?;
                }
            }
            TypeDef::Union(u) => {
                for (_, v) in &u.variants {
                    match api.types.get(v) {
                        Some(TypeDef::Struct(_)) => {}
                        _ => return Err(format!("{}: variant {v} is not a struct", u.name)),
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `snake_case` → `camelCase`.
pub fn camel(s: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in s.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `snake_case` → `PascalCase`.
pub fn pascal(s: &str) -> String {
    let c = camel(s);
    let mut chars = c.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `snake_case` → `SCREAMING_SNAKE_CASE`.
pub fn screaming(s: &str) -> String {
    s.to_uppercase()
}

/// The union (if any) that has `struct_name` as a variant, with the variant's tag value.
pub fn union_of<'a>(api: &'a Api, struct_name: &str) -> Vec<(&'a UnionDef, &'a str)> {
    api.types
        .values()
        .filter_map(|t| match t {
            TypeDef::Union(u) => u
                .variants
                .iter()
                .find(|(_, s)| s == struct_name)
                .map(|(tag, _)| (u, tag.as_str())),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_schema_parses() {
        let api = parse(&connector_service::json::api_schema()).unwrap();
        assert!(matches!(api.types["PaymentMethod"], TypeDef::Union(_)));
        assert!(matches!(api.types["PaymentStatus"], TypeDef::Enum(_)));
        assert!(matches!(api.types["Currency"], TypeDef::StringAlias { .. }));
        let TypeDef::Struct(card) = &api.types["Card"] else {
            panic!()
        };
        let number = card.fields.iter().find(|f| f.name == "number").unwrap();
        assert_eq!(number.secret.as_deref(), Some("card_number"));
        assert!(number.required);
        let cvc = card.fields.iter().find(|f| f.name == "cvc").unwrap();
        assert!(!cvc.required && cvc.ty.is_optional());
        assert!(api
            .operations
            .iter()
            .any(|o| o.name == "payments.authorize"));
        assert_eq!(camel("minor_units"), "minorUnits");
        assert_eq!(pascal("payment_status"), "PaymentStatus");
    }
}
