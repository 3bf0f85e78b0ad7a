//! DataFrames printed as text (`print(df)`, the `text/plain` repr): their
//! header line and rows read back into a [`Table`].

use super::Table;

/// A table found in plain text, and the 0-based text line where it starts.
#[derive(Debug)]
pub struct TextTable {
    pub table: Table,
    pub first_line: usize,
}

/// The DataFrame-like tables in a plain text.
pub fn tables(_text: &str) -> Vec<TextTable> {
    Vec::new()
}
