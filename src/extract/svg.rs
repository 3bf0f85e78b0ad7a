//! SVG images are XML: the text they draw (`<text>`, `<tspan>`,
//! `<textPath>`) and the text they describe themselves with (`<title>`,
//! `<desc>`) is scanned; path data, styles and attributes are not.

use super::markup::{self, Token};

/// Elements whose character data is text a person can read.
const TEXT_ELEMENTS: &[&str] = &["text", "tspan", "textpath", "title", "desc"];

/// The text content of an SVG document: one line per text element.
pub fn text(svg: &str) -> String {
    text_lines(svg).0
}

/// The text content of an SVG document, and for each of its lines the
/// 0-based source line where that line's text starts.
pub fn text_lines(svg: &str) -> (String, Vec<usize>) {
    let mut out = String::new();
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_start: Option<usize> = None;
    // Open text elements; a counter, so nesting costs nothing.
    let mut depth = 0usize;
    // Source lines are counted as tokens go by, so the whole walk stays linear.
    let (mut counted_to, mut source_line) = (0usize, 0usize);
    let mut line_at = |offset: usize| {
        let offset = offset.max(counted_to);
        source_line += memchr::memchr_iter(b'\n', &svg.as_bytes()[counted_to..offset]).count();
        counted_to = offset;
        source_line
    };
    let mut end_line = |line: &mut String, start: &mut Option<usize>| {
        let trimmed = line.trim();
        if let (false, Some(start)) = (trimmed.is_empty(), *start) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(trimmed);
            lines.push(start);
        }
        line.clear();
        *start = None;
    };
    markup::tokenize(svg, |token| match token {
        Token::Start {
            name, self_closing, ..
        } if !self_closing && is_text_element(&name) => {
            if depth == 0 || matches!(name.as_str(), "text" | "title" | "desc") {
                end_line(&mut line, &mut line_start);
            }
            depth += 1;
        }
        Token::End { name, .. } if is_text_element(&name) => {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                end_line(&mut line, &mut line_start);
            }
        }
        Token::Text { raw, at } if depth > 0 => {
            if line_start.is_none() && !raw.trim().is_empty() {
                line_start = Some(line_at(at + (raw.len() - raw.trim_start().len())));
            }
            push_collapsed(&mut line, &markup::decode_entities(raw))
        }
        Token::Raw {
            raw,
            at,
            element: "cdata",
        } if depth > 0 => {
            if line_start.is_none() && !raw.trim().is_empty() {
                line_start = Some(line_at(at));
            }
            push_collapsed(&mut line, raw)
        }
        _ => {}
    });
    end_line(&mut line, &mut line_start);
    (out, lines)
}

/// SVG is XML and names are case-sensitive, but `textPath` is lower-cased by
/// the tokenizer, which is harmless here.
fn is_text_element(name: &str) -> bool {
    TEXT_ELEMENTS.contains(&name)
}

/// Appends text with its whitespace collapsed; adjacent pieces with no
/// whitespace between them (`<tspan>AB</tspan><tspan>CD</tspan>`) join up,
/// as they are drawn.
fn push_collapsed(line: &mut String, text: &str) {
    if text.starts_with(char::is_whitespace) && !line.is_empty() && !line.ends_with(' ') {
        line.push(' ');
    }
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        line.push_str(word);
        if words.peek().is_some() {
            line.push(' ');
        }
    }
    if text.ends_with(char::is_whitespace) && !line.is_empty() && !line.ends_with(' ') {
        line.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_drawn_and_descriptive_text_only() {
        let svg = r##"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40">
  <title>Sales &amp; churn</title>
  <desc>Owner: jane.doe@acme-corp.com</desc>
  <style>.t { font: 12px sans-serif; }</style>
  <path d="M 10 10 L 90 10 Z" fill="#AKIAQYLPMN5HHHFPZAM2"/>
  <text x="5" y="20" class="t">Key: <tspan font-weight="bold">AKIA</tspan><tspan>QYLPMN5HHHFPZAM2</tspan></text>
  <text><![CDATA[a < b]]></text>
</svg>"##;
        assert_eq!(
            text(svg),
            "Sales & churn\nOwner: jane.doe@acme-corp.com\nKey: AKIAQYLPMN5HHHFPZAM2\na < b"
        );
        assert_eq!(text_lines(svg).1, [2, 3, 6, 7]);
    }
}
