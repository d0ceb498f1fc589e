//! Line layout shared by the generators, so that generated files pass their language's formatter
//! (ruff, ktlint) like hand-written ones. Each generator passes its own line length.

/// Whether `line` is at most `width` characters.
pub fn fits(width: usize, line: &str) -> bool {
    line.chars().count() <= width
}

/// `{indent}{open}{items}{close}` on one line if it fits in `width`, else `open`, one item a
/// line (indented, with a trailing comma) and `close` on lines of their own. `open` ends with the
/// bracket, `close` starts with it.
pub fn one_per_line(
    width: usize,
    indent: &str,
    open: &str,
    items: &[String],
    close: &str,
) -> String {
    let flat = format!("{indent}{open}{}{close}", items.join(", "));
    if fits(width, &flat) {
        return flat + "\n";
    }
    let mut out = format!("{indent}{open}\n");
    for item in items {
        out.push_str(&format!("{indent}    {item},\n"));
    }
    out.push_str(&format!("{indent}{close}\n"));
    out
}
