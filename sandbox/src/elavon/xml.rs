//! The Converge XML documents: reading a request's `<txn>` and writing the answers, with
//! quick-xml (never by pasting text together, so values are always escaped).

use std::borrow::Cow;
use std::fmt::Display;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

/// Text content as quick-xml gives it: `Result<Cow<str>, _>` in 0.41, `Cow<str>` in 0.42.
/// Reading it through this trait keeps the module building with either version.
pub trait Content {
    fn content(self) -> Result<String, String>;
}

impl Content for Cow<'_, str> {
    fn content(self) -> Result<String, String> {
        Ok(self.into_owned())
    }
}

impl<E: Display> Content for Result<Cow<'_, str>, E> {
    fn content(self) -> Result<String, String> {
        self.map(Cow::into_owned).map_err(|e| e.to_string())
    }
}

/// An element's name as text (a `QName` is bytes in quick-xml 0.41, text in 0.42).
pub fn element_name(start: &BytesStart<'_>) -> String {
    let name = start.name();
    // Two conversions with 0.42 (`&str`, then bytes); the second is a no-op with 0.41.
    #[allow(clippy::useless_asref)]
    let bytes: &[u8] = name.as_ref().as_ref();
    String::from_utf8_lossy(bytes).into_owned()
}

/// The `ssl_*` fields of a request document, in document order. Values are trimmed; empty
/// elements are left out (Converge treats them as not sent).
#[derive(Debug, Default, Clone)]
pub struct Fields {
    fields: Vec<(String, String)>,
}

impl Fields {
    /// The value of `name`, when present and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// Parses a `<txn>` request document: an optional XML declaration, a `<txn>` root, one child
/// element per field. Nested elements inside a field, a different root, text directly in the
/// root or anything after it are errors.
pub fn parse_txn(xml: &str) -> Result<Fields, String> {
    let mut reader = Reader::from_str(xml.trim());
    let mut fields = Fields::default();
    // 0: before the root; 1: inside <txn>; 2: inside a field; 3: after </txn>.
    let mut depth = 0u8;
    let mut name = String::new();
    let mut value = String::new();
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "not well-formed XML at byte {}: {e}",
                reader.error_position()
            )
        })?;
        match event {
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Start(start) => match depth {
                0 => {
                    if element_name(&start) != "txn" {
                        return Err("the root element must be <txn>".into());
                    }
                    depth = 1;
                }
                1 => {
                    name = element_name(&start);
                    value.clear();
                    depth = 2;
                }
                2 => return Err(format!("element <{name}> must hold text only")),
                _ => return Err("content after </txn>".into()),
            },
            Event::Empty(start) => match depth {
                0 if element_name(&start) == "txn" => depth = 3,
                1 => {} // <ssl_x/>: an empty field, i.e. not sent
                2 => return Err(format!("element <{name}> must hold text only")),
                _ => return Err("the root element must be <txn>".into()),
            },
            Event::End(_) => match depth {
                2 => {
                    let trimmed = value.trim();
                    if !trimmed.is_empty() {
                        fields
                            .fields
                            .push((std::mem::take(&mut name), trimmed.to_string()));
                    }
                    depth = 1;
                }
                1 => depth = 3,
                _ => return Err("unbalanced end tag".into()),
            },
            Event::Text(text) => {
                let text = text.xml10_content().content()?;
                match depth {
                    2 => value.push_str(&text),
                    _ if text.trim().is_empty() => {}
                    _ => return Err("text outside a field element".into()),
                }
            }
            Event::CData(data) => {
                if depth != 2 {
                    return Err("CDATA outside a field element".into());
                }
                value.push_str(&data.xml10_content().content()?);
            }
            Event::GeneralRef(reference) => {
                if depth != 2 {
                    return Err("text outside a field element".into());
                }
                if reference.is_char_ref() {
                    match reference.resolve_char_ref() {
                        Ok(Some(c)) => value.push(c),
                        _ => return Err("invalid character reference".into()),
                    }
                } else {
                    let entity = reference.xml10_content().content()?;
                    match resolve_predefined_entity(&entity) {
                        Some(resolved) => value.push_str(resolved),
                        None => return Err(format!("unknown entity &{entity};")),
                    }
                }
            }
            Event::Eof => {
                return match depth {
                    3 => Ok(fields),
                    0 => Err("no <txn> document".into()),
                    _ => Err("the document ends before </txn>".into()),
                };
            }
        }
    }
}

/// Writes `<?xml ...?>` and a `root` element holding one child per `(name, value)`.
fn write_element(writer: &mut Writer<Vec<u8>>, root: &str, fields: &[(&str, String)]) {
    // Writing into a Vec cannot fail.
    let _ = writer.write_event(Event::Start(BytesStart::new(root)));
    for (name, value) in fields {
        let _ = writer.write_event(Event::Start(BytesStart::new(*name)));
        let _ = writer.write_event(Event::Text(BytesText::new(value)));
        let _ = writer.write_event(Event::End(BytesEnd::new(*name)));
    }
    let _ = writer.write_event(Event::End(BytesEnd::new(root)));
}

fn with_declaration(build: impl FnOnce(&mut Writer<Vec<u8>>)) -> String {
    let mut writer = Writer::new(Vec::new());
    let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    build(&mut writer);
    String::from_utf8(writer.into_inner()).unwrap_or_default()
}

/// `<?xml version="1.0" encoding="UTF-8"?><txn>...</txn>`
pub fn txn_document(fields: &[(&str, String)]) -> String {
    with_declaration(|w| write_element(w, "txn", fields))
}

/// `<?xml ...?><txnlist><ssl_txn_count>N</ssl_txn_count><txn>...</txn>...</txnlist>`
pub fn txnlist_document(txns: &[Vec<(&str, String)>]) -> String {
    with_declaration(|w| {
        let _ = w.write_event(Event::Start(BytesStart::new("txnlist")));
        write_element_plain(w, "ssl_txn_count", &txns.len().to_string());
        for txn in txns {
            write_element(w, "txn", txn);
        }
        let _ = w.write_event(Event::End(BytesEnd::new("txnlist")));
    })
}

fn write_element_plain(writer: &mut Writer<Vec<u8>>, name: &str, value: &str) {
    let _ = writer.write_event(Event::Start(BytesStart::new(name)));
    let _ = writer.write_event(Event::Text(BytesText::new(value)));
    let _ = writer.write_event(Event::End(BytesEnd::new(name)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_entities() {
        let fields = parse_txn(
            "<?xml version=\"1.0\"?>\n<txn>\n  <ssl_amount> 10.00 </ssl_amount>\n  \
             <ssl_description>A &amp; B &lt;c&gt; &#65;</ssl_description>\n  <ssl_empty></ssl_empty>\
             <ssl_short/><ssl_cdata><![CDATA[x<y]]></ssl_cdata></txn>",
        )
        .unwrap();
        assert_eq!(fields.get("ssl_amount"), Some("10.00"));
        assert_eq!(fields.get("ssl_description"), Some("A & B <c> A"));
        assert_eq!(fields.get("ssl_empty"), None);
        assert_eq!(fields.get("ssl_short"), None);
        assert_eq!(fields.get("ssl_cdata"), Some("x<y"));
    }

    #[test]
    fn rejects_other_shapes() {
        assert!(parse_txn("<foo><a>1</a></foo>").is_err());
        assert!(parse_txn("<txn><a><b>1</b></a></txn>").is_err());
        assert!(parse_txn("<txn><a>1</a>").is_err());
        assert!(parse_txn("<txn>text</txn>").is_err());
        assert!(parse_txn("<txn><a>&bogus;</a></txn>").is_err());
        assert!(parse_txn("").is_err());
        assert!(parse_txn("<txn></txn><txn></txn>").is_err());
        assert!(parse_txn("<txn/>").is_ok());
    }

    #[test]
    fn writes_escaped_values() {
        let doc = txn_document(&[("ssl_invoice_number", "a<b&c>".to_string())]);
        assert_eq!(
            doc,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><txn><ssl_invoice_number>a&lt;b&amp;c&gt;</ssl_invoice_number></txn>"
        );
        let back = parse_txn(&doc).unwrap();
        assert_eq!(back.get("ssl_invoice_number"), Some("a<b&c>"));
    }
}
