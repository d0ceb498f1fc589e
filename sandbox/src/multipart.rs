//! A small `multipart/form-data` reader (RFC 7578) for the processors that take file uploads
//! (Razorpay `POST /v1/documents`, Checkout.com `POST /files`).

/// One part of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params_of(params)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v)
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

/// `; a=1; b="x;y"` → `[("a", "1"), ("b", "x;y")]` (quoted values unescaped).
fn params_of(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ';' || c.is_whitespace());
        if rest.is_empty() {
            return out;
        }
        let Some(eq) = rest.find('=') else {
            return out;
        };
        let name = rest[..eq].trim().to_string();
        rest = &rest[eq + 1..];
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            v.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => v.push(c),
                }
            }
            value = v;
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            value = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        out.push((name, value));
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The parts of `body`, or why it is not a valid multipart body.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let mut pos = find(body, delimiter, 0).ok_or("the body has no part")?;
    if pos != 0 && !body[..pos].ends_with(b"\n") {
        return Err("the first boundary does not start a line".into());
    }
    loop {
        pos += delimiter.len();
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding, then the line break.
        while body.get(pos).is_some_and(|b| *b == b' ' || *b == b'\t') {
            pos += 1;
        }
        if body[pos..].starts_with(b"\r\n") {
            pos += 2;
        } else if body[pos..].starts_with(b"\n") {
            pos += 1;
        } else {
            return Err("a boundary is not followed by a line break".into());
        }
        let (headers_end, content_start) = match find(body, b"\r\n\r\n", pos) {
            Some(i) => (i, i + 4),
            None => match find(body, b"\n\n", pos) {
                Some(i) => (i, i + 2),
                None => return Err("a part has no end of headers".into()),
            },
        };
        let headers = std::str::from_utf8(&body[pos..headers_end])
            .map_err(|_| "part headers are not UTF-8".to_string())?;
        let mut close = Vec::with_capacity(delimiter.len() + 2);
        close.extend_from_slice(b"\r\n");
        close.extend_from_slice(delimiter);
        let (content_end, next) = match find(body, &close, content_start) {
            Some(i) => (i, i + 2),
            None => {
                let mut lf = vec![b'\n'];
                lf.extend_from_slice(delimiter);
                match find(body, &lf, content_start) {
                    Some(i) => (i, i + 1),
                    None => return Err("a part is not closed by a boundary".into()),
                }
            }
        };
        let mut part = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            data: body[content_start..content_end].to_vec(),
        };
        let mut disposition = false;
        for line in headers.lines() {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let name = name.trim();
            if name.eq_ignore_ascii_case("content-disposition") {
                let (kind, params) = value.split_once(';').unwrap_or((value, ""));
                if !kind.trim().eq_ignore_ascii_case("form-data") {
                    return Err("a part is not form-data".into());
                }
                disposition = true;
                for (k, v) in params_of(params) {
                    if k.eq_ignore_ascii_case("name") {
                        part.name = v;
                    } else if k.eq_ignore_ascii_case("filename") {
                        part.filename.get_or_insert(v);
                    } else if k.eq_ignore_ascii_case("filename*") {
                        // RFC 5987: charset'language'percent-encoded
                        if let Some((_, encoded)) = v.split_once("''") {
                            let decoded = url::form_urlencoded::parse(
                                format!("x={}", encoded.replace('+', "%2B")).as_bytes(),
                            )
                            .next()
                            .map(|(_, v)| v.into_owned());
                            if let Some(d) = decoded {
                                part.filename = Some(d);
                            }
                        }
                    }
                }
            } else if name.eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.trim().to_string());
            }
        }
        if !disposition || part.name.is_empty() {
            return Err("a part has no Content-Disposition name".into());
        }
        parts.push(part);
        pos = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_boundaries() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----abc123").as_deref(),
            Some("----abc123")
        );
        assert_eq!(
            boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\"").as_deref(),
            Some("a b;c")
        );
        assert_eq!(boundary("application/json"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }

    #[test]
    fn parses_parts() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"proof \\\"1\\\".pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n\x00\x01--XyZ-not\r\n--XyZ--\r\nepilogue";
        let parts = parse(body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "purpose");
        assert_eq!(parts[0].data, b"dispute_evidence");
        assert_eq!(parts[0].filename, None);
        assert_eq!(parts[1].name, "file");
        assert_eq!(parts[1].filename.as_deref(), Some("proof \"1\".pdf"));
        assert_eq!(parts[1].content_type.as_deref(), Some("application/pdf"));
        assert_eq!(parts[1].data, b"%PDF-1.4\r\n\x00\x01--XyZ-not");
    }

    #[test]
    fn rejects_broken_bodies() {
        assert!(parse(b"nothing here", "b").is_err());
        assert!(parse(
            b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
            "b"
        )
        .is_err());
        assert!(parse(b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "b").is_err());
        assert_eq!(parse(b"--b--", "b").unwrap(), Vec::new());
    }
}
