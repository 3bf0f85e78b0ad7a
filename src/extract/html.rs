//! HTML outputs (pandas DataFrames, rich reprs): text without tags, and
//! tables as rows whose cells know their column header.

use super::Table;

/// What an HTML document holds, ready to scan.
#[derive(Debug, Default)]
pub struct HtmlText {
    /// Text outside tables and scripts: tags removed, entities decoded, one
    /// line per block element.
    pub text: String,
    /// `source_lines[i]` is the 0-based line of the HTML source where text
    /// line `i` starts (only meaningful when `line_map_is_exact`).
    pub source_lines: Vec<usize>,
    pub line_map_is_exact: bool,
    /// Contents of `<script>` elements (plotting libraries embed data there).
    pub scripts: Vec<String>,
    /// Every `<table>`, with its headers.
    pub tables: Vec<Table>,
}

/// Decodes an HTML document.
pub fn extract(html: &str) -> HtmlText {
    // Placeholder until the full decoder lands: tags dropped, no tables.
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    HtmlText {
        text,
        ..HtmlText::default()
    }
}
