//! SVG images are XML: their `<text>` and `<title>` content is scanned.

/// The text content of an SVG document.
pub fn text(svg: &str) -> String {
    super::html::extract(svg).text
}
