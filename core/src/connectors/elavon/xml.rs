//! Safe XML for the Converge XML API: building the `xmldata` form body, and reading response
//! documents without ever expanding anything the document declares.
//!
//! Requests are serialized by `quick-xml`'s serde serializer, which escapes every value (`&`,
//! `<`, `>`, quotes), then form-URL-encoded as the single field `xmldata` (Converge developer
//! docs, "Integration guide > XML API": `POST .../processxml.do` with
//! `Content-Type: application/x-www-form-urlencoded`).
//!
//! Responses are read in two passes, both with `quick-xml`:
//!
//! 1. [`scan`] walks the events and refuses what a Converge answer never has and a hostile one
//!    needs: a `<!DOCTYPE ...>` (the only place entities can be declared), references to
//!    entities other than the five predefined ones, documents above [`MAX_RESPONSE_BYTES`], and
//!    nesting deeper than [`MAX_DEPTH`]. It also finds the root element (`txn` or `txnlist`).
//! 2. The serde deserializer then maps the document onto the typed structs of `wire.rs`, with
//!    an entity resolver that refuses any DTD, so nothing declared by the document is ever
//!    expanded even if the first pass were bypassed.

use std::fmt;

use quick_xml::de::{Deserializer, EntityResolver};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesText, Event};
use quick_xml::Reader;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The largest response body parsed. A Converge answer is a flat `<txn>` of a few dozen short
/// elements (about 2 KB); a `<txnlist>` of a query by id holds one transaction. Anything far
/// larger is refused unparsed.
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// The deepest element nesting accepted: `<txnlist><txn><ssl_...>` is 3.
pub const MAX_DEPTH: usize = 8;

/// Why a body could not be read as a Converge document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum XmlFailure {
    /// Refused as hostile or oversized: a DOCTYPE, an entity that is not predefined, too large,
    /// too deep. Never expanded.
    Refused(String),
    /// Not (well-formed) XML at all, e.g. an HTML page or a truncated body.
    NotXml(String),
    /// Well-formed XML, but not a Converge `<txn>` / `<txnlist>` document of the expected shape.
    Unexpected(String),
}

impl fmt::Display for XmlFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XmlFailure::Refused(m) | XmlFailure::NotXml(m) | XmlFailure::Unexpected(m) => {
                f.write_str(m)
            }
        }
    }
}

/// Serializes `value` as `<root>...</root>` (values escaped by `quick-xml`).
pub fn to_xml<T: Serialize>(root: &str, value: &T) -> Result<String, String> {
    quick_xml::se::to_string_with_root(root, value).map_err(|e| e.to_string())
}

/// The form body `xmldata=<url-encoded xml>`.
pub fn form_body(xml: &str) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("xmldata", xml)
        .finish()
        .into_bytes()
}

/// The response body as text: decoded as UTF-8 (invalid sequences replaced), a byte-order mark
/// and surrounding whitespace removed.
pub fn body_text(body: &[u8]) -> Result<String, XmlFailure> {
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(XmlFailure::Refused(format!(
            "the response body has {} bytes, more than the {MAX_RESPONSE_BYTES} accepted",
            body.len()
        )));
    }
    let text = String::from_utf8_lossy(body);
    Ok(text
        .trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_string())
}

/// Whether a DOCTYPE's content or a root element's name is `html` (any case): the document is
/// an HTML page (a proxy's or the server's error page: maintenance, gateway error, firewall),
/// not an answer of Converge's, and not a hostile document either.
fn is_html(name: &[u8]) -> bool {
    let name = name.trim_ascii_start();
    name.len() >= 4
        && name[..4].eq_ignore_ascii_case(b"html")
        && name
            .get(4)
            .is_none_or(|c| c.is_ascii_whitespace() || *c == b'[' || *c == b'>')
}

fn html_page() -> XmlFailure {
    XmlFailure::NotXml("the response body is an HTML page".to_string())
}

/// Checks a document (see the module doc) and returns its root element's name.
pub fn scan(text: &str) -> Result<String, XmlFailure> {
    if !text.starts_with('<') {
        return Err(XmlFailure::NotXml(
            "the response body is not XML".to_string(),
        ));
    }
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut root: Option<String> = None;
    let mut root_closed = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            XmlFailure::NotXml(format!("the response body is not well-formed XML: {e}"))
        })?;
        match event {
            Event::DocType(doctype) if is_html(&doctype) => return Err(html_page()),
            Event::DocType(_) => {
                return Err(XmlFailure::Refused(
                    "the response declares a DOCTYPE; DTDs and entity declarations are refused"
                        .to_string(),
                ))
            }
            Event::GeneralRef(reference) => {
                if reference.is_char_ref() {
                    match reference.resolve_char_ref() {
                        Ok(Some(ch)) if is_xml_char(ch) => {}
                        _ => {
                            return Err(XmlFailure::Refused(
                                "the response has an invalid character reference".to_string(),
                            ))
                        }
                    }
                } else {
                    let name = String::from_utf8_lossy(&reference);
                    if resolve_predefined_entity(&name).is_none() {
                        return Err(XmlFailure::Refused(format!(
                            "the response references the undeclared entity `&{};`; only the \
                             predefined XML entities are accepted",
                            truncate(&name, 32)
                        )));
                    }
                }
            }
            Event::Start(start) => {
                if root_closed {
                    return Err(XmlFailure::NotXml(
                        "the response has more than one root element".to_string(),
                    ));
                }
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(XmlFailure::Refused(format!(
                        "the response nests elements deeper than {MAX_DEPTH} levels"
                    )));
                }
                if root.is_none() {
                    // Checked before anything inside it is read (an HTML page's `&nbsp;`).
                    if is_html(start.local_name().as_ref()) {
                        return Err(html_page());
                    }
                    root = Some(String::from_utf8_lossy(start.local_name().as_ref()).into_owned());
                }
            }
            Event::Empty(empty) => {
                if root_closed {
                    return Err(XmlFailure::NotXml(
                        "the response has more than one root element".to_string(),
                    ));
                }
                if root.is_none() {
                    root = Some(String::from_utf8_lossy(empty.local_name().as_ref()).into_owned());
                    root_closed = true;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    root_closed = true;
                }
            }
            Event::Text(t) => {
                if depth == 0 && !t.iter().all(u8::is_ascii_whitespace) {
                    return Err(XmlFailure::NotXml(
                        "the response has text outside its root element".to_string(),
                    ));
                }
            }
            Event::CData(_) => {
                if depth == 0 {
                    return Err(XmlFailure::NotXml(
                        "the response has text outside its root element".to_string(),
                    ));
                }
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if depth != 0 {
        return Err(XmlFailure::NotXml(
            "the response body is truncated XML".to_string(),
        ));
    }
    root.ok_or_else(|| XmlFailure::NotXml("the response has no root element".to_string()))
}

/// Deserializes a document that passed [`scan`] into `T`, refusing any DTD.
pub fn deserialize<T: DeserializeOwned>(text: &str) -> Result<T, XmlFailure> {
    let mut de = Deserializer::from_str_with_resolver(text, RefuseDtd);
    T::deserialize(&mut de).map_err(|e| {
        XmlFailure::Unexpected(format!(
            "the response is not a Converge transaction document: {}",
            truncate(&e.to_string(), 200)
        ))
    })
}

/// An entity resolver that knows only the predefined entities and fails on any DTD.
struct RefuseDtd;

/// The error [`RefuseDtd`] raises for a DTD.
#[derive(Debug)]
struct DtdRefused;

impl fmt::Display for DtdRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DTDs are refused")
    }
}

impl std::error::Error for DtdRefused {}

impl EntityResolver for RefuseDtd {
    type Error = DtdRefused;

    fn capture(&mut self, _doctype: BytesText) -> Result<(), DtdRefused> {
        Err(DtdRefused)
    }

    fn resolve(&self, entity: &str) -> Option<&str> {
        resolve_predefined_entity(entity)
    }
}

/// Whether `ch` may appear in an XML 1.0 document (the `Char` production).
fn is_xml_char(ch: char) -> bool {
    matches!(ch, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// A value made safe for an XML text node: characters XML 1.0 cannot carry (control
/// characters) become spaces, then the value is trimmed. `None` when nothing is left, so the
/// element is left out rather than sent empty.
pub fn clean_text(value: &str) -> Option<String> {
    let cleaned: String = value
        .chars()
        .map(|c| {
            if c.is_control() || !is_xml_char(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        None
    } else {
        Some(trimmed.to_string())
    }
}

/// At most `max` characters of `s`.
pub fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
