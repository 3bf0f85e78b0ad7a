//! Extraction turns each part of a notebook into segments: text ready to scan,
//! each carrying where it came from.
//!
//! A part is decoded the way its kind needs: HTML loses its tags and keeps its
//! tables as rows that know their column header, JSON becomes its strings,
//! tracebacks lose their ANSI codes, SVG keeps its text. Images are not text:
//! they are handed on as [`Image`]s for OCR, checked by their magic bytes.

pub mod ansi;
pub mod dataframe;
pub mod grid;
pub mod html;
pub mod image;
pub mod markdown;
mod markup;
pub mod pairs;
pub mod svg;

use std::collections::HashMap;
use std::sync::Arc;

use crate::notebook::{CellType, JsonString, MimeContent, MimeItem, Notebook, Text};

/// Which piece of a notebook a segment was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartKind {
    Source,
    Output,
    Attachment,
    Metadata,
}

impl PartKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartKind::Source => "source",
            PartKind::Output => "output",
            PartKind::Attachment => "attachment",
            PartKind::Metadata => "metadata",
        }
    }
}

/// How the text of a segment was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Via {
    Text,
    Html,
    Json,
    Ocr,
    /// The raw bytes of a notebook that could not be parsed.
    Raw,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Text => "text",
            Via::Html => "html",
            Via::Json => "json",
            Via::Ocr => "ocr",
            Via::Raw => "raw",
        }
    }
}

/// Where in a notebook a part is: everything of a location but the line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// Numbered from 1; `None` for notebook metadata and unreadable notebooks.
    pub cell: Option<usize>,
    pub cell_id: Option<String>,
    pub cell_type: Option<&'static str>,
    pub part: Option<PartKind>,
    /// Numbered from 1 within the cell.
    pub output: Option<usize>,
    pub output_type: Option<String>,
    pub attachment: Option<String>,
    pub mime: Option<String>,
    /// The cell's Jupyter tags (for `nbgate-allow`).
    pub tags: Vec<String>,
}

/// A table cell's place: the row (from 1, header rows not counted) and the
/// column's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRef {
    pub row: usize,
    pub column: String,
}

/// Text ready to scan, with its origin.
#[derive(Debug, Clone)]
pub struct Segment {
    pub text: String,
    /// Shared: a table of a million cells is a million segments of one origin.
    pub origin: Arc<Origin>,
    pub via: Via,
    /// 1-based `.ipynb` line for each line of `text`; empty when unknown.
    pub file_lines: Vec<u32>,
    /// Set when the text is one table cell.
    pub table: Option<TableRef>,
    /// Set when the text is a JSON string: its path, such as `$.data[0].email`.
    pub json_path: Option<String>,
}

impl Segment {
    pub fn file_line(&self, line_index: usize) -> Option<u32> {
        self.file_lines
            .get(line_index)
            .or(self.file_lines.last())
            .copied()
    }
}

/// A table found in an output: HTML `<table>` or a DataFrame's text repr.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// One header per column; a column without a header gets its number.
    pub headers: Vec<String>,
    /// Each row's cells, as many as `headers`. Index columns are kept, named
    /// after the index (or "index"): an index can hold personal data too.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The table without the columns a printer drew only to say that others
    /// were cut (headed `...` or `…`).
    pub fn without_elided_columns(mut self) -> Table {
        let keep: Vec<bool> = self.headers.iter().map(|h| !is_elision(h)).collect();
        if keep.iter().all(|&kept| kept) {
            return self;
        }
        fn pick(cells: Vec<String>, keep: &[bool]) -> Vec<String> {
            cells
                .into_iter()
                .zip(keep)
                .filter(|(_, kept)| **kept)
                .map(|(cell, _)| cell)
                .collect()
        }
        self.headers = pick(self.headers, &keep);
        self.rows = self.rows.into_iter().map(|row| pick(row, &keep)).collect();
        self
    }
}

/// A text's lines, a `\r` before each `\n` left out.
pub(crate) fn split_lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect()
}

/// A cell that stands for rows or columns left out of a printed table.
pub fn is_elision(cell: &str) -> bool {
    matches!(cell, "..." | ".." | "…")
}

/// A row drawn only to say that rows were left out: elisions and blanks.
pub fn is_elided_row(cells: &[String]) -> bool {
    cells.iter().all(|cell| is_elision(cell) || cell.is_empty())
}

/// A table and where it is.
#[derive(Debug, Clone)]
pub struct LocatedTable {
    pub table: Table,
    pub origin: Origin,
    pub via: Via,
    pub file_line: Option<u32>,
    /// The `.ipynb` line of each cell, row by row, where known. Empty for a
    /// keyed table.
    pub cell_lines: Vec<Vec<Option<u32>>>,
    /// Values gathered by the key that holds them (JSON records, a printed
    /// dict), one a row: their own segments scan them, and their columns
    /// are weaker evidence than a table's.
    pub keyed: bool,
}

impl LocatedTable {
    /// Whether its cells are scanned as table cells: not for a keyed table,
    /// whose values their text or JSON segments scan already.
    pub fn scans_cells(&self) -> bool {
        !self.keyed
    }

    /// One table cell as a segment, built when it is scanned so that a
    /// notebook of millions of cells never holds them all as segments.
    pub fn cell_segment(&self, origin: &Arc<Origin>, row: usize, column: usize) -> Option<Segment> {
        let value = self.table.rows.get(row)?.get(column)?;
        let header = self.table.headers.get(column)?;
        if value.trim().is_empty() {
            return None;
        }
        let line = self
            .cell_lines
            .get(row)
            .and_then(|lines| lines.get(column).copied().flatten())
            .or(self.file_line);
        Some(Segment {
            text: value.clone(),
            origin: Arc::clone(origin),
            via: self.via,
            file_lines: line.into_iter().collect(),
            table: Some(TableRef {
                row: row + 1,
                column: header.clone(),
            }),
            json_path: None,
        })
    }
}

/// An image inside a notebook, decoded from base64 and recognised by its
/// magic bytes.
#[derive(Debug, Clone)]
pub struct Image {
    pub bytes: Vec<u8>,
    pub origin: Origin,
    pub file_line: Option<u32>,
}

/// An image that could not be handed to OCR, and why.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub origin: Origin,
    pub reason: String,
}

/// Everything scannable that one notebook holds.
#[derive(Debug, Default)]
pub struct Extracted {
    pub segments: Vec<Segment>,
    pub tables: Vec<LocatedTable>,
    pub images: Vec<Image>,
    /// Parts that could not be decoded (a broken base64 image, say).
    pub problems: Vec<Unreadable>,
}

/// Splits a notebook into segments, tables and images.
pub fn extract(notebook: &Notebook) -> Extracted {
    let mut out = Extracted::default();

    for item in &notebook.metadata {
        out.segments.push(json_segment(
            item,
            Origin {
                part: Some(PartKind::Metadata),
                ..Origin::default()
            },
        ));
    }

    for cell in &notebook.cells {
        let cell_origin = Origin {
            cell: Some(cell.number),
            cell_id: cell.id.clone(),
            cell_type: Some(cell.cell_type.as_str()),
            tags: cell.tags.clone(),
            ..Origin::default()
        };

        let source_origin = Origin {
            part: Some(PartKind::Source),
            ..cell_origin.clone()
        };
        if cell.cell_type == CellType::Markdown {
            extract_markdown(&cell.source, source_origin, &mut out);
        } else {
            out.segments
                .push(text_segment(&cell.source, source_origin, Via::Text));
        }

        for item in &cell.metadata {
            out.segments.push(json_segment(
                item,
                Origin {
                    part: Some(PartKind::Metadata),
                    ..cell_origin.clone()
                },
            ));
        }

        for output in &cell.outputs {
            let origin = Origin {
                part: Some(PartKind::Output),
                output: Some(output.number),
                output_type: Some(output.output_type.clone()),
                ..cell_origin.clone()
            };
            if let Some(stream) = &output.stream {
                let origin = Origin {
                    mime: Some("text/plain".into()),
                    ..origin.clone()
                };
                extract_plain_text(stream, origin, &mut out);
            }
            if let Some(error) = &output.error {
                for text in [&error.ename, &error.evalue] {
                    out.segments
                        .push(text_segment(text, origin.clone(), Via::Text));
                }
                let traceback = ansi::strip_text(&error.traceback);
                out.segments
                    .push(text_segment(&traceback, origin.clone(), Via::Text));
            }
            for item in &output.data {
                extract_mime(item, origin.clone(), &mut out);
            }
        }

        for attachment in &cell.attachments {
            let origin = Origin {
                part: Some(PartKind::Attachment),
                attachment: Some(attachment.name.clone()),
                ..cell_origin.clone()
            };
            for item in &attachment.data {
                extract_mime(item, origin.clone(), &mut out);
            }
        }
    }

    out.segments
        .retain(|segment| !segment.text.trim().is_empty());
    out
}

/// One entry of a MIME bundle, by its type.
fn extract_mime(item: &MimeItem, origin: Origin, out: &mut Extracted) {
    let origin = Origin {
        mime: Some(item.mime.clone()),
        ..origin
    };
    let text = match &item.content {
        MimeContent::Json(strings) => {
            for string in strings {
                out.segments.push(json_segment(string, origin.clone()));
            }
            let keyed = strings.iter().filter_map(|string| {
                // Keys are listed too, with their own path; they are not values.
                let key = json_key(&string.path)?;
                (string.value != key).then_some((key, string.value.as_str()))
            });
            if let Some(table) = keyed_table(keyed) {
                // Records in a JSON output are a table whose columns are
                // their keys: `$.users[3].name` is row 3 of column `name`.
                out.tables.push(LocatedTable {
                    table,
                    file_line: strings.first().and_then(|s| s.file_line),
                    origin,
                    via: Via::Json,
                    cell_lines: Vec::new(),
                    keyed: true,
                });
            }
            return;
        }
        MimeContent::Text(text) => text,
    };
    let mime = item.mime.as_str();

    if let Some(kind) = image::raster_kind(mime) {
        match image::decode_base64(&text.value, kind) {
            Ok(bytes) => out.images.push(Image {
                bytes,
                origin,
                file_line: text.file_lines.first().copied(),
            }),
            Err(reason) => out.problems.push(Unreadable { origin, reason }),
        }
        return;
    }

    match mime {
        "text/html" => {
            let html = html::extract(&text.value);
            let file_line = text.file_lines.first().copied();
            // The map gives the line each text line starts on: exact for
            // pandas (one tag per line), at worst a line early for a
            // paragraph that wraps.
            let file_lines = html
                .source_lines
                .iter()
                .filter_map(|&line| text.file_line(line))
                .collect();
            out.segments.push(Segment {
                text: html.text,
                origin: Arc::new(origin.clone()),
                via: Via::Html,
                file_lines,
                table: None,
                json_path: None,
            });
            for script in html.scripts {
                let lines = script.text.split('\n').count();
                out.segments.push(Segment {
                    text: script.text,
                    origin: Arc::new(origin.clone()),
                    via: Via::Html,
                    file_lines: (script.first_line..script.first_line + lines)
                        .filter_map(|line| text.file_line(line))
                        .collect(),
                    table: None,
                    json_path: None,
                });
            }
            for table in html.tables {
                let cell_line = |row: usize, column: usize| {
                    table
                        .cell_lines
                        .get(row)
                        .and_then(|lines| lines.get(column))
                        .and_then(|&line| text.file_line(line))
                };
                let first = text.file_line(table.first_line).or(file_line);
                push_table(table.table, &origin, Via::Html, first, &cell_line, out);
            }
        }
        "image/svg+xml" => {
            let (svg_text, source_lines) = svg::text_lines(&text.value);
            out.segments.push(Segment {
                text: svg_text,
                origin: Arc::new(origin),
                via: Via::Html,
                file_lines: source_lines
                    .iter()
                    .filter_map(|&line| text.file_line(line))
                    .collect(),
                table: None,
                json_path: None,
            });
        }
        "text/plain" => extract_plain_text(text, origin, out),
        "text/markdown" => extract_markdown(text, origin, out),
        _ if image::is_binary_mime(mime) => {
            log::debug!("{mime} is binary and not an image nbgate reads: not scanned");
        }
        _ => out.segments.push(text_segment(text, origin, Via::Text)),
    }
}

/// Plain text, and the tables printed in it: drawn ones (Spark, polars,
/// tabulate) and pandas DataFrames.
fn extract_plain_text(text: &Text, origin: Origin, out: &mut Extracted) {
    let clean = ansi::strip_text(text);
    let found_tables = first_claims(grid::tables(&clean.value), dataframe::tables(&clean.value));
    push_printed_pairs(&clean, &origin, out);
    extract_text_with_tables(clean, found_tables, origin, out);
}

/// A dict or JSON printed as text: its string values by key, classified as
/// a JSON output's are. The values themselves are scanned with the text.
fn push_printed_pairs(clean: &Text, origin: &Origin, out: &mut Extracted) {
    let found = pairs::pairs(&clean.value);
    let Some(first) = found.first() else {
        return;
    };
    let file_line = clean.file_line(first.line);
    let keyed = found.iter().map(|p| (p.key.as_str(), p.value.as_str()));
    if let Some(table) = keyed_table(keyed) {
        out.tables.push(LocatedTable {
            table,
            origin: origin.clone(),
            via: Via::Text,
            file_line,
            cell_lines: Vec::new(),
            keyed: true,
        });
    }
}

/// Markdown (a cell's source or a `text/markdown` output), and the cells of
/// its pipe tables and of drawn tables pasted into it.
fn extract_markdown(text: &Text, origin: Origin, out: &mut Extracted) {
    let found_tables = first_claims(markdown::tables(&text.value), grid::tables(&text.value));
    extract_text_with_tables(text.clone(), found_tables, origin, out);
}

/// Tables two readers found in one text, where a table of `later` that
/// shares a line with one of `first` is left out: one table, read once.
fn first_claims(
    first: Vec<dataframe::TextTable>,
    later: Vec<dataframe::TextTable>,
) -> Vec<dataframe::TextTable> {
    let span = |found: &dataframe::TextTable| {
        found.first_line..=found.row_lines.last().copied().unwrap_or(found.first_line)
    };
    let claimed: Vec<_> = first.iter().map(span).collect();
    let mut tables = first;
    tables.extend(later.into_iter().filter(|found| {
        let mine = span(found);
        !claimed
            .iter()
            .any(|taken| taken.start() <= mine.end() && mine.start() <= taken.end())
    }));
    tables
}

/// A text whose table rows are scanned as table cells and blanked out of the
/// text segment.
fn extract_text_with_tables(
    clean: Text,
    found_tables: Vec<dataframe::TextTable>,
    origin: Origin,
    out: &mut Extracted,
) {
    // A row's values are scanned as its cells; emptying its line in the text
    // (the line count kept, so lines still map) stops a second finding.
    let table_rows: std::collections::HashSet<usize> = found_tables
        .iter()
        .flat_map(|found| found.row_lines.iter().copied())
        .collect();
    for found in found_tables {
        let file_line = clean.file_line(found.first_line);
        let cell_line = |row: usize, _column: usize| {
            found
                .row_lines
                .get(row)
                .and_then(|&line| clean.file_line(line))
        };
        push_table(found.table, &origin, Via::Text, file_line, &cell_line, out);
    }
    let mut segment = text_segment(&clean, origin, Via::Text);
    if !table_rows.is_empty() {
        segment.text = clean
            .value
            .split('\n')
            .enumerate()
            .map(|(index, line)| {
                if table_rows.contains(&index) {
                    ""
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    out.segments.push(segment);
}

/// A table and the `.ipynb` line of each of its cells; detection scans each
/// cell alone, so its finding names row and column. `cell_line` gives a
/// cell's line (row and column from 0) where it is known.
fn push_table(
    table: Table,
    origin: &Origin,
    via: Via,
    file_line: Option<u32>,
    cell_line: &dyn Fn(usize, usize) -> Option<u32>,
    out: &mut Extracted,
) {
    let cell_lines = table
        .rows
        .iter()
        .enumerate()
        .map(|(row, cells)| {
            (0..cells.len())
                .map(|column| cell_line(row, column))
                .collect()
        })
        .collect();
    out.tables.push(LocatedTable {
        table,
        origin: origin.clone(),
        via,
        file_line,
        cell_lines,
        keyed: false,
    });
}

/// Keys a keyed table keeps a column for: past this many the text is a
/// mapping (a vocabulary, a lookup table) rather than records.
const MAX_KEYED_COLUMNS: usize = 256;

/// Values a keyed column keeps: enough to classify it.
const MAX_KEYED_VALUES: usize = 1_000;

/// String values gathered by the key that holds them (a JSON output's, or
/// a dict printed as text), as a table for column classification; `None`
/// when there are none. Row `n` holds each key's `n`-th value: only the
/// columns are read, and memory stays in proportion to the values kept.
fn keyed_table<'a>(keyed: impl Iterator<Item = (&'a str, &'a str)>) -> Option<Table> {
    let mut columns: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut column_of: HashMap<&str, usize> = HashMap::new();
    for (key, value) in keyed {
        let column = match column_of.get(key) {
            Some(&column) => column,
            None if columns.len() < MAX_KEYED_COLUMNS => {
                column_of.insert(key, columns.len());
                columns.push((key, Vec::new()));
                columns.len() - 1
            }
            None => continue,
        };
        let values = &mut columns[column].1;
        if values.len() < MAX_KEYED_VALUES {
            values.push(value);
        }
    }
    let height = columns.iter().map(|(_, values)| values.len()).max()?;
    let rows = (0..height)
        .map(|row| {
            columns
                .iter()
                .map(|(_, values)| values.get(row).map_or_else(String::new, |v| v.to_string()))
                .collect()
        })
        .collect();
    Some(Table {
        headers: columns.iter().map(|(key, _)| key.to_string()).collect(),
        rows,
    })
}

/// The key that holds the value at a JSON path: `$.users[3].name` → `name`,
/// `$.phones[0]` → `phones`, `$["first name"]` → `first name`.
fn json_key(path: &str) -> Option<&str> {
    let mut rest = path;
    while let Some(stripped) = rest.strip_suffix(']') {
        let open = stripped.rfind('[')?;
        let inside = &stripped[open + 1..];
        if let Some(quoted) = inside.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
            return Some(quoted);
        }
        rest = &stripped[..open];
    }
    let key = &rest[rest.rfind('.')? + 1..];
    (!key.is_empty()).then_some(key)
}

fn text_segment(text: &Text, origin: Origin, via: Via) -> Segment {
    Segment {
        text: text.value.clone(),
        origin: Arc::new(origin),
        via,
        file_lines: text.file_lines.clone(),
        table: None,
        json_path: None,
    }
}

fn json_segment(item: &JsonString, origin: Origin) -> Segment {
    Segment {
        text: item.value.clone(),
        origin: Arc::new(origin),
        via: Via::Json,
        file_lines: item.file_line.into_iter().collect(),
        table: None,
        json_path: Some(item.path.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keys_name_their_values() {
        assert_eq!(json_key("$.users[3].name"), Some("name"));
        assert_eq!(json_key("$.phones[0]"), Some("phones"));
        assert_eq!(json_key("$[\"first name\"]"), Some("first name"));
        assert_eq!(json_key("$[2]"), None);
    }

    #[test]
    fn keyed_tables_stay_small_for_mappings_and_long_lists() {
        let records = [
            ("name", "Ana Silva"),
            ("email", "a@b.pt"),
            ("name", "Li Wei"),
        ];
        let table = keyed_table(records.into_iter()).unwrap();
        assert_eq!(table.headers, ["name", "email"]);
        assert_eq!(table.rows, [["Ana Silva", "a@b.pt"], ["Li Wei", ""]]);

        // A vocabulary printed as a dict: every key once.
        let words: Vec<String> = (0..10_000).map(|n| format!("word{n}")).collect();
        let table = keyed_table(words.iter().map(|w| (w.as_str(), "NN"))).unwrap();
        assert_eq!(
            (table.headers.len(), table.rows.len()),
            (MAX_KEYED_COLUMNS, 1)
        );

        // One key, many values.
        let table = keyed_table((0..5_000).map(|_| ("email", "a@b.pt"))).unwrap();
        assert_eq!(table.rows.len(), MAX_KEYED_VALUES);
    }
}
