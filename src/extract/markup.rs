//! A tokenizer for HTML and SVG markup, shared by the HTML and SVG decoders.
//!
//! It is hand-written for one job: to walk a document of any size once, in
//! linear time and without recursion, and to hand on text, tags and comments
//! with the byte offset where each starts. It does not build a tree and it
//! never fails: markup it cannot make sense of is passed on as text, so a
//! stray `<` can never hide the rest of a document from the scan.

use memchr::{memchr, memmem};
use std::borrow::Cow;

/// One piece of a document. Offsets are byte offsets into the source.
#[derive(Debug)]
pub(crate) enum Token<'a> {
    /// Character data, entities not yet decoded.
    Text {
        raw: &'a str,
        at: usize,
    },
    /// Content that holds no markup and no entities: `<script>`, `<style>`,
    /// `<![CDATA[...]]>`. `element` is the lower-cased name of the element
    /// that holds it, or `cdata`.
    Raw {
        raw: &'a str,
        at: usize,
        element: &'static str,
    },
    Start {
        /// Lower-cased.
        name: String,
        attrs: Vec<(&'a str, &'a str)>,
        self_closing: bool,
        at: usize,
    },
    End {
        name: String,
    },
    Comment {
        raw: &'a str,
        at: usize,
    },
}

/// Elements whose content is raw text: no tags and no entities inside.
const RAW_TEXT: &[&str] = &["script", "style"];

/// Calls `on` for each token of `src`, in order.
pub(crate) fn tokenize<'a>(src: &'a str, mut on: impl FnMut(Token<'a>)) {
    let bytes = src.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        let Some(lt) = memchr(b'<', &bytes[pos..]).map(|i| pos + i) else {
            on(Token::Text {
                raw: &src[pos..],
                at: pos,
            });
            return;
        };
        if lt > pos {
            on(Token::Text {
                raw: &src[pos..lt],
                at: pos,
            });
        }
        match markup_at(src, lt) {
            Markup::Token(token, next) => {
                let raw_element = match &token {
                    Token::Start {
                        name, self_closing, ..
                    } if !self_closing => RAW_TEXT.iter().find(|e| **e == name.as_str()).copied(),
                    _ => None,
                };
                on(token);
                pos = next;
                if let Some(element) = raw_element {
                    let end = find_end_tag(bytes, pos, element).unwrap_or(bytes.len());
                    if end > pos {
                        on(Token::Raw {
                            raw: &src[pos..end],
                            at: pos,
                            element,
                        });
                    }
                    pos = end;
                }
            }
            Markup::Skip(next) => pos = next,
            Markup::LiteralLt => {
                on(Token::Text { raw: "<", at: lt });
                pos = lt + 1;
            }
            Markup::Unterminated => {
                // A browser would drop the rest; a scanner must not lose it.
                on(Token::Text {
                    raw: &src[lt..],
                    at: lt,
                });
                return;
            }
        }
    }
}

enum Markup<'a> {
    Token(Token<'a>, usize),
    /// A doctype or processing instruction, skipped up to this offset.
    Skip(usize),
    LiteralLt,
    /// Markup that runs to the end of the input.
    Unterminated,
}

/// The markup starting at the `<` at `lt`.
fn markup_at(src: &str, lt: usize) -> Markup<'_> {
    let bytes = src.as_bytes();
    let rest = &bytes[lt..];
    if rest.starts_with(b"<!--") {
        let body = lt + 4;
        // `<!-->` and `<!--->` are empty comments.
        for short in [&b">"[..], &b"->"[..]] {
            if bytes[body..].starts_with(short) {
                return Markup::Token(Token::Comment { raw: "", at: lt }, body + short.len());
            }
        }
        return match memmem::find(&bytes[body..], b"-->") {
            Some(i) => Markup::Token(
                Token::Comment {
                    raw: &src[body..body + i],
                    at: body,
                },
                body + i + 3,
            ),
            None => Markup::Unterminated,
        };
    }
    if rest.starts_with(b"<![CDATA[") {
        let body = lt + 9;
        return match memmem::find(&bytes[body..], b"]]>") {
            Some(i) => Markup::Token(
                Token::Raw {
                    raw: &src[body..body + i],
                    at: body,
                    element: "cdata",
                },
                body + i + 3,
            ),
            None => Markup::Unterminated,
        };
    }
    if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
        return match memchr(b'>', rest) {
            Some(i) => Markup::Skip(lt + i + 1),
            None => Markup::Unterminated,
        };
    }
    if rest.starts_with(b"</") {
        if !rest.get(2).is_some_and(u8::is_ascii_alphabetic) {
            return Markup::LiteralLt;
        }
        let name_end = name_end(bytes, lt + 2);
        return match memchr(b'>', &bytes[name_end..]) {
            Some(i) => Markup::Token(
                Token::End {
                    name: src[lt + 2..name_end].to_ascii_lowercase(),
                },
                name_end + i + 1,
            ),
            None => Markup::Unterminated,
        };
    }
    if !rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
        return Markup::LiteralLt;
    }
    start_tag(src, lt)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The end of a tag name starting at `from`.
fn name_end(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while at < bytes.len() && !is_space(bytes[at]) && bytes[at] != b'/' && bytes[at] != b'>' {
        at += 1;
    }
    at
}

/// A start tag and its attributes. Every step moves forward, so a tag costs
/// its own length whatever it holds.
fn start_tag(src: &str, lt: usize) -> Markup<'_> {
    let bytes = src.as_bytes();
    let name_end = name_end(bytes, lt + 1);
    let name = src[lt + 1..name_end].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut at = name_end;
    let mut self_closing = false;
    loop {
        while at < bytes.len() && (is_space(bytes[at]) || bytes[at] == b'/') {
            self_closing = bytes[at] == b'/';
            at += 1;
        }
        if at >= bytes.len() {
            return Markup::Unterminated;
        }
        if bytes[at] == b'>' {
            let token = Token::Start {
                name,
                attrs,
                self_closing,
                at: lt,
            };
            return Markup::Token(token, at + 1);
        }
        self_closing = false;

        let attr_start = at;
        at += 1; // an attribute name may start with `=`, as browsers allow
        while at < bytes.len() && !matches!(bytes[at], b'=' | b'>' | b'/') && !is_space(bytes[at]) {
            at += 1;
        }
        let attr_name = &src[attr_start..at];
        while at < bytes.len() && is_space(bytes[at]) {
            at += 1;
        }
        if at >= bytes.len() || bytes[at] != b'=' {
            attrs.push((attr_name, ""));
            continue;
        }
        at += 1;
        while at < bytes.len() && is_space(bytes[at]) {
            at += 1;
        }
        let Some(&first) = bytes.get(at) else {
            return Markup::Unterminated;
        };
        if first == b'"' || first == b'\'' {
            let Some(close) = memchr(first, &bytes[at + 1..]) else {
                return Markup::Unterminated;
            };
            attrs.push((attr_name, &src[at + 1..at + 1 + close]));
            at += close + 2;
        } else {
            let value_start = at;
            while at < bytes.len() && !is_space(bytes[at]) && bytes[at] != b'>' {
                at += 1;
            }
            attrs.push((attr_name, &src[value_start..at]));
        }
    }
}

/// The offset of the `</element` that ends a raw text element, searching from
/// `from`; `None` when it never ends.
fn find_end_tag(bytes: &[u8], from: usize, element: &str) -> Option<usize> {
    let mut at = from;
    while let Some(i) = memmem::find(&bytes[at..], b"</") {
        let tag = at + i;
        let name = bytes.get(tag + 2..tag + 2 + element.len())?;
        let after = bytes.get(tag + 2 + element.len()).copied();
        let ends_name = after.is_none_or(|b| is_space(b) || b == b'>' || b == b'/');
        if name.eq_ignore_ascii_case(element.as_bytes()) && ends_name {
            return Some(tag);
        }
        at = tag + 2;
    }
    None
}

/// The value of an attribute, by lower-case name, entities decoded.
pub(crate) fn attr<'a>(attrs: &[(&'a str, &'a str)], name: &str) -> Option<Cow<'a, str>> {
    attrs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| decode_entities(v))
}

/// Decodes character references: named ones nbgate knows, `&#NNN;` and
/// `&#xHH;`. Anything else is left as written.
pub(crate) fn decode_entities(raw: &str) -> Cow<'_, str> {
    if memchr(b'&', raw.as_bytes()).is_none() {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        match entity(&rest[amp..]) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[amp + len..];
            }
            None => {
                out.push('&');
                rest = &rest[amp + 1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Names a reference may use without its `;`, as browsers accept them.
const LEGACY_WITHOUT_SEMICOLON: &[&str] = &["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"];

/// The character a reference at the start of `s` (which starts with `&`)
/// stands for, and the reference's length in bytes.
pub(crate) fn entity(s: &str) -> Option<(char, usize)> {
    let bytes = s.as_bytes();
    if bytes.get(1) == Some(&b'#') {
        let (digits_from, radix) = match bytes.get(2) {
            Some(b'x' | b'X') => (3, 16),
            _ => (2, 10),
        };
        let mut end = digits_from;
        while end < bytes.len() && end - digits_from < 8 && (bytes[end] as char).is_digit(radix) {
            end += 1;
        }
        if end == digits_from {
            return None;
        }
        let code = u32::from_str_radix(&s[digits_from..end], radix).ok()?;
        // NUL, surrogates and out-of-range code points become U+FFFD.
        let c = match code {
            0 => '\u{fffd}',
            _ => char::from_u32(code).unwrap_or('\u{fffd}'),
        };
        let len = if bytes.get(end) == Some(&b';') {
            end + 1
        } else {
            end
        };
        return Some((c, len));
    }
    let mut end = 1;
    while end < bytes.len() && end <= 10 && bytes[end].is_ascii_alphanumeric() {
        end += 1;
    }
    let name = &s[1..end];
    let c = named_entity(name)?;
    if bytes.get(end) == Some(&b';') {
        Some((c, end + 1))
    } else if LEGACY_WITHOUT_SEMICOLON.contains(&name) {
        Some((c, end))
    } else {
        None
    }
}

/// The named references nbgate decodes: markup, spaces and punctuation, and
/// the Latin-1 letters that names and addresses use.
fn named_entity(name: &str) -> Option<char> {
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        // No-break spaces are spaces for a scanner.
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "plusmn" => '±',
        "times" => '×',
        "divide" => '÷',
        "middot" => '·',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "bull" => '•',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "sect" => '§',
        "para" => '¶',
        "iexcl" => '¡',
        "iquest" => '¿',
        "micro" => 'µ',
        "ordf" => 'ª',
        "ordm" => 'º',
        "szlig" => 'ß',
        "Agrave" => 'À',
        "Aacute" => 'Á',
        "Acirc" => 'Â',
        "Atilde" => 'Ã',
        "Auml" => 'Ä',
        "Aring" => 'Å',
        "AElig" => 'Æ',
        "Ccedil" => 'Ç',
        "Egrave" => 'È',
        "Eacute" => 'É',
        "Ecirc" => 'Ê',
        "Euml" => 'Ë',
        "Igrave" => 'Ì',
        "Iacute" => 'Í',
        "Icirc" => 'Î',
        "Iuml" => 'Ï',
        "ETH" => 'Ð',
        "Ntilde" => 'Ñ',
        "Ograve" => 'Ò',
        "Oacute" => 'Ó',
        "Ocirc" => 'Ô',
        "Otilde" => 'Õ',
        "Ouml" => 'Ö',
        "Oslash" => 'Ø',
        "Ugrave" => 'Ù',
        "Uacute" => 'Ú',
        "Ucirc" => 'Û',
        "Uuml" => 'Ü',
        "Yacute" => 'Ý',
        "THORN" => 'Þ',
        "agrave" => 'à',
        "aacute" => 'á',
        "acirc" => 'â',
        "atilde" => 'ã',
        "auml" => 'ä',
        "aring" => 'å',
        "aelig" => 'æ',
        "ccedil" => 'ç',
        "egrave" => 'è',
        "eacute" => 'é',
        "ecirc" => 'ê',
        "euml" => 'ë',
        "igrave" => 'ì',
        "iacute" => 'í',
        "icirc" => 'î',
        "iuml" => 'ï',
        "eth" => 'ð',
        "ntilde" => 'ñ',
        "ograve" => 'ò',
        "oacute" => 'ó',
        "ocirc" => 'ô',
        "otilde" => 'õ',
        "ouml" => 'ö',
        "oslash" => 'ø',
        "ugrave" => 'ù',
        "uacute" => 'ú',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "yacute" => 'ý',
        "thorn" => 'þ',
        "yuml" => 'ÿ',
        "OElig" => 'Œ',
        "oelig" => 'œ',
        "Scaron" => 'Š',
        "scaron" => 'š',
        "Zcaron" => 'Ž',
        "zcaron" => 'ž',
        "Yuml" => 'Ÿ',
        _ => return None,
    };
    Some(c)
}

/// Elements that start and end a line of text.
pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "caption"
            | "dd"
            | "details"
            | "dialog"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "header"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "option"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "ul"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenize(src, |t| {
            out.push(match t {
                Token::Text { raw, .. } => format!("T:{raw}"),
                Token::Raw { raw, element, .. } => format!("R:{element}:{raw}"),
                Token::Start { name, attrs, .. } => format!("S:{name}{attrs:?}"),
                Token::End { name, .. } => format!("E:{name}"),
                Token::Comment { raw, .. } => format!("C:{raw}"),
            })
        });
        out
    }

    #[test]
    fn tags_attributes_and_raw_text() {
        assert_eq!(
            kinds(r#"<A HREF="x>y" b=1 c>t</a><script>if (a<b) "</p>"</SCRIPT >"#),
            [
                r#"S:a[("HREF", "x>y"), ("b", "1"), ("c", "")]"#,
                "T:t",
                "E:a",
                r#"S:script[]"#,
                r#"R:script:if (a<b) "</p>""#,
                "E:script"
            ]
        );
        assert_eq!(kinds("a < b <3"), ["T:a ", "T:<", "T: b ", "T:<", "T:3"]);
        assert_eq!(
            kinds("x<!-- hi -->y<!DOCTYPE html>"),
            ["T:x", "C: hi ", "T:y"]
        );
    }

    #[test]
    fn unterminated_markup_is_kept_as_text() {
        assert_eq!(kinds("a<b c=\"d"), ["T:a", "T:<b c=\"d"]);
        assert_eq!(kinds("a<!-- b"), ["T:a", "T:<!-- b"]);
        assert_eq!(kinds("<script>x = 1"), ["S:script[]", "R:script:x = 1"]);
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a&amp;b &lt;&gt; &quot;&apos;"),
            "a&b <> \"'"
        );
        assert_eq!(
            decode_entities("&#64;&#x41;&#X42;&eacute;&nbsp;&amp"),
            "@AB\u{e9} &"
        );
        assert_eq!(
            decode_entities("&bogus; & &#; &#xZZ;"),
            "&bogus; & &#; &#xZZ;"
        );
        assert_eq!(decode_entities("&#0;&#xD800;"), "\u{fffd}\u{fffd}");
    }
}
