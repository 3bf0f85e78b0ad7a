//! Reading nbformat 3 and 4 JSON into the [`Notebook`] model.
//!
//! The JSON is read once with values borrowed from the input
//! (`serde_json::value::RawValue`), so every string knows its byte offset in
//! the file and therefore its `.ipynb` line. Jupyter writes one source line
//! per JSON line, which makes those lines exact for cell sources and outputs.

use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;
use thiserror::Error;

use super::{
    Attachment, Cell, CellType, ErrorOutput, JsonString, MimeContent, MimeItem, Notebook, Output,
    Text,
};

/// Nesting deeper than this in metadata or JSON outputs is not flattened further.
const MAX_JSON_DEPTH: usize = 64;

#[derive(Debug, Error)]
pub enum ParseError {
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("not a notebook: {0}")]
    Shape(String),
    #[error("nbformat {0} is not supported (nbgate reads nbformat 3 and 4)")]
    Version(u32),
}

impl ParseError {
    /// The `.ipynb` line the error points at, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            ParseError::Json { line, .. } => Some(*line),
            _ => None,
        }
    }
}

impl From<serde_json::Error> for ParseError {
    fn from(err: serde_json::Error) -> Self {
        let message = err.to_string();
        // serde_json appends " at line L column C"; the fields carry that already.
        let message = match message.find(" at line ") {
            Some(at) => message[..at].to_string(),
            None => message,
        };
        ParseError::Json {
            line: err.line(),
            column: err.column(),
            message,
        }
    }
}

/// Parses the text of one `.ipynb` file.
pub fn parse(input: &str) -> Result<Notebook, ParseError> {
    let reader = Reader::new(input);
    reader.notebook()
}

#[derive(Deserialize)]
struct RawNotebook<'a> {
    #[serde(borrow, default)]
    cells: Option<&'a RawValue>,
    #[serde(borrow, default)]
    worksheets: Option<&'a RawValue>,
    #[serde(borrow, default)]
    metadata: Option<&'a RawValue>,
    #[serde(default)]
    nbformat: Option<u32>,
    #[serde(default)]
    nbformat_minor: Option<u32>,
}

#[derive(Deserialize)]
struct RawWorksheet<'a> {
    #[serde(borrow, default)]
    cells: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawCell<'a> {
    cell_type: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(borrow, default)]
    source: Option<&'a RawValue>,
    /// nbformat 3 code cells keep their source here.
    #[serde(borrow, default)]
    input: Option<&'a RawValue>,
    #[serde(borrow, default)]
    outputs: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    attachments: Option<HashMap<String, &'a RawValue>>,
    #[serde(borrow, default)]
    metadata: Option<&'a RawValue>,
}

/// nbformat 3 output keys and the MIME types they stand for.
const V3_MIME_KEYS: &[(&str, &str)] = &[
    ("text", "text/plain"),
    ("html", "text/html"),
    ("png", "image/png"),
    ("jpeg", "image/jpeg"),
    ("svg", "image/svg+xml"),
    ("latex", "text/latex"),
    ("json", "application/json"),
    ("javascript", "application/javascript"),
    ("markdown", "text/markdown"),
    ("pdf", "application/pdf"),
];

struct Reader<'a> {
    input: &'a str,
    /// Byte offsets of every `\n` in the input, for offset → line.
    newlines: Vec<usize>,
}

impl<'a> Reader<'a> {
    fn new(input: &'a str) -> Self {
        let newlines = memchr::memchr_iter(b'\n', input.as_bytes()).collect();
        Reader { input, newlines }
    }

    /// The 1-based file line of a value borrowed from the input.
    fn line_of(&self, raw: &RawValue) -> u32 {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(self.input.as_ptr() as usize);
        let line = self.newlines.partition_point(|&nl| nl < offset) + 1;
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    fn notebook(&self) -> Result<Notebook, ParseError> {
        let top: RawNotebook = serde_json::from_str(self.input)?;
        let nbformat = top.nbformat.ok_or_else(|| {
            ParseError::Shape("the top-level object has no `nbformat` number".into())
        })?;

        let mut notebook = Notebook {
            nbformat,
            nbformat_minor: top.nbformat_minor.unwrap_or(0),
            ..Notebook::default()
        };
        if let Some(metadata) = top.metadata {
            notebook.metadata = self.flatten(metadata, "$.metadata");
        }

        let raw_cells: Vec<&RawValue> = match nbformat {
            4 => {
                let cells = top
                    .cells
                    .ok_or_else(|| ParseError::Shape("nbformat 4 without `cells`".into()))?;
                serde_json::from_str(cells.get())
                    .map_err(|_| ParseError::Shape("`cells` is not a list".into()))?
            }
            3 => {
                let sheets = top
                    .worksheets
                    .ok_or_else(|| ParseError::Shape("nbformat 3 without `worksheets`".into()))?;
                let sheets: Vec<RawWorksheet> = serde_json::from_str(sheets.get())
                    .map_err(|_| ParseError::Shape("`worksheets` is not a list".into()))?;
                sheets
                    .into_iter()
                    .flat_map(|sheet| sheet.cells.unwrap_or_default())
                    .collect()
            }
            other => return Err(ParseError::Version(other)),
        };

        for (index, raw) in raw_cells.into_iter().enumerate() {
            let number = index + 1;
            let cell = self.cell(raw, number).map_err(|why| {
                ParseError::Shape(format!("cell {number} (line {}): {why}", self.line_of(raw)))
            })?;
            notebook.cells.push(cell);
        }
        Ok(notebook)
    }

    fn cell(&self, raw: &'a RawValue, number: usize) -> Result<Cell, String> {
        let parsed: RawCell = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        let cell_type = match parsed.cell_type.as_str() {
            "code" => CellType::Code,
            "markdown" => CellType::Markdown,
            "raw" => CellType::Raw,
            "heading" => CellType::Heading,
            other => return Err(format!("unknown cell_type `{other}`")),
        };
        let source = match parsed.source.or(parsed.input) {
            Some(raw) => self.text(raw)?,
            None => Text::default(),
        };

        let mut tags = Vec::new();
        let mut metadata = Vec::new();
        if let Some(raw_metadata) = parsed.metadata {
            for item in self.flatten(raw_metadata, "$.metadata") {
                if item.path.starts_with("$.metadata.tags[") {
                    tags.push(item.value);
                } else {
                    metadata.push(item);
                }
            }
        }

        let mut outputs = Vec::new();
        for (index, raw_output) in parsed.outputs.unwrap_or_default().into_iter().enumerate() {
            let output = self
                .output(raw_output, index + 1)
                .map_err(|why| format!("output {}: {why}", index + 1))?;
            outputs.push(output);
        }

        let mut attachments = Vec::new();
        let mut raw_attachments: Vec<_> =
            parsed.attachments.unwrap_or_default().into_iter().collect();
        raw_attachments.sort_by_key(|(_, raw)| raw.get().as_ptr() as usize);
        for (name, bundle) in raw_attachments {
            let bundle: HashMap<String, &RawValue> = serde_json::from_str(bundle.get())
                .map_err(|_| format!("attachment `{name}` is not a MIME bundle"))?;
            attachments.push(Attachment {
                data: self.bundle(bundle)?,
                name,
            });
        }

        Ok(Cell {
            number,
            id: parsed.id,
            cell_type,
            source,
            tags,
            outputs,
            attachments,
            metadata,
        })
    }

    fn output(&self, raw: &'a RawValue, number: usize) -> Result<Output, String> {
        let mut fields: HashMap<String, &RawValue> = serde_json::from_str(raw.get())
            .map_err(|_| "an output is not an object".to_string())?;
        let output_type: String = fields
            .remove("output_type")
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .ok_or("an output has no `output_type`")?;
        let mut output = Output {
            number,
            output_type,
            stream: None,
            data: Vec::new(),
            error: None,
        };
        match output.output_type.as_str() {
            "stream" => {
                output.stream = fields
                    .remove("text")
                    .map(|raw| self.text(raw))
                    .transpose()?;
            }
            "error" | "pyerr" => {
                let mut text_or_empty = |key: &str| match fields.remove(key) {
                    Some(raw) => self.text(raw),
                    None => Ok(Text::default()),
                };
                output.error = Some(ErrorOutput {
                    ename: text_or_empty("ename")?,
                    evalue: text_or_empty("evalue")?,
                    // Traceback entries are lines that Jupyter joins with `\n`;
                    // glued together, a value at the start of one entry would
                    // run into the end of the one before.
                    traceback: match fields.remove("traceback") {
                        Some(raw) => self.text_with(raw, true)?,
                        None => Text::default(),
                    },
                });
            }
            _ => {
                if let Some(data) = fields.remove("data") {
                    let bundle: HashMap<String, &RawValue> = serde_json::from_str(data.get())
                        .map_err(|_| "`data` is not a MIME bundle".to_string())?;
                    output.data = self.bundle(bundle)?;
                } else {
                    // nbformat 3: `text`, `html`, `png`... on the output itself.
                    for (key, mime) in V3_MIME_KEYS {
                        if let Some(raw) = fields.remove(*key) {
                            output.data.push(self.mime_item(mime, raw)?);
                        }
                    }
                }
            }
        }
        Ok(output)
    }

    fn bundle(&self, bundle: HashMap<String, &'a RawValue>) -> Result<Vec<MimeItem>, String> {
        let mut items: Vec<_> = bundle.into_iter().collect();
        items.sort_by_key(|(_, raw)| raw.get().as_ptr() as usize);
        items
            .into_iter()
            .map(|(mime, raw)| self.mime_item(&mime, raw))
            .collect()
    }

    fn mime_item(&self, mime: &str, raw: &'a RawValue) -> Result<MimeItem, String> {
        let is_json = mime == "application/json" || mime.ends_with("+json");
        let content = if is_json {
            MimeContent::Json(self.flatten(raw, "$"))
        } else {
            match self.text(raw) {
                Ok(text) => MimeContent::Text(text),
                // A text type holding an object: scan its strings all the same.
                Err(_) => MimeContent::Json(self.flatten(raw, "$")),
            }
        };
        Ok(MimeItem {
            mime: mime.to_string(),
            content,
        })
    }

    /// A notebook "multiline string": a string, or a list of strings joined.
    fn text(&self, raw: &RawValue) -> Result<Text, String> {
        self.text_with(raw, false)
    }

    /// A string or a list of strings; with `line_per_piece`, each piece of a
    /// list is a line of its own even without a trailing `\n`.
    fn text_with(&self, raw: &RawValue, line_per_piece: bool) -> Result<Text, String> {
        let json = raw.get();
        match json.as_bytes().first() {
            Some(b'"') => {
                let value: String = serde_json::from_str(json).map_err(|e| e.to_string())?;
                let line = self.line_of(raw);
                let lines = value.split('\n').count();
                Ok(Text {
                    value,
                    file_lines: vec![line; lines],
                })
            }
            Some(b'[') => {
                let pieces: Vec<&RawValue> =
                    serde_json::from_str(json).map_err(|e| e.to_string())?;
                let mut text = Text::default();
                // A text line starts in the piece after a piece that ends
                // with `\n`, or inside a piece after an inner `\n`.
                let mut line_pending = true;
                let mut last_line = self.line_of(raw);
                let count = pieces.len();
                for (index, piece) in pieces.into_iter().enumerate() {
                    let mut value: String = serde_json::from_str(piece.get())
                        .map_err(|_| "expected a list of strings".to_string())?;
                    if line_per_piece && index + 1 < count && !value.ends_with('\n') {
                        value.push('\n');
                    }
                    let line = self.line_of(piece);
                    last_line = line;
                    if value.is_empty() {
                        continue;
                    }
                    if line_pending {
                        text.file_lines.push(line);
                    }
                    line_pending = value.ends_with('\n');
                    let inner_breaks = value.matches('\n').count() - usize::from(line_pending);
                    text.file_lines
                        .extend(std::iter::repeat_n(line, inner_breaks));
                    text.value.push_str(&value);
                }
                if line_pending {
                    text.file_lines.push(last_line);
                }
                Ok(text)
            }
            Some(b'n') => Ok(Text::default()),
            _ => Err("expected a string or a list of strings".into()),
        }
    }

    /// Every key and string value in a JSON value, with its path.
    fn flatten(&self, raw: &RawValue, root: &str) -> Vec<JsonString> {
        let mut out = Vec::new();
        self.flatten_into(raw, root.to_string(), 0, &mut out);
        out
    }

    fn flatten_into(&self, raw: &RawValue, path: String, depth: usize, out: &mut Vec<JsonString>) {
        if depth > MAX_JSON_DEPTH {
            log::debug!("JSON at {path} nests deeper than {MAX_JSON_DEPTH}: not flattened further");
            return;
        }
        let json = raw.get();
        match json.as_bytes().first() {
            Some(b'"') => {
                if let Ok(value) = serde_json::from_str::<String>(json) {
                    out.push(JsonString {
                        path,
                        value,
                        file_line: Some(self.line_of(raw)),
                    });
                }
            }
            Some(b'{') => {
                let Ok(map) = serde_json::from_str::<HashMap<String, &RawValue>>(json) else {
                    return;
                };
                let mut entries: Vec<_> = map.into_iter().collect();
                entries.sort_by_key(|(_, raw)| raw.get().as_ptr() as usize);
                for (key, value) in entries {
                    let child = json_path_child(&path, &key);
                    out.push(JsonString {
                        path: child.clone(),
                        value: key,
                        file_line: Some(self.line_of(value)),
                    });
                    self.flatten_into(value, child, depth + 1, out);
                }
            }
            Some(b'[') => {
                let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(json) else {
                    return;
                };
                for (index, item) in items.into_iter().enumerate() {
                    self.flatten_into(item, format!("{path}[{index}]"), depth + 1, out);
                }
            }
            _ => {}
        }
    }
}

fn json_path_child(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", serde_json::Value::String(key.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_source_lines_map_to_file_lines() {
        let input = "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"metadata\": {\"tags\": [\"a\"]},\n   \"source\": [\n    \"x = 1\\n\",\n    \"y = 2\"\n   ],\n   \"outputs\": []\n  }\n ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";
        let nb = parse(input).unwrap();
        let cell = &nb.cells[0];
        assert_eq!(cell.source.value, "x = 1\ny = 2");
        assert_eq!(cell.source.file_lines, vec![7, 8]);
        assert_eq!(cell.tags, vec!["a".to_string()]);
    }

    #[test]
    fn v3_outputs_map_keys_to_mime_types() {
        let input = r#"{"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""},
          "worksheets": [{"cells": [
            {"cell_type": "code", "input": "1+1", "outputs": [
              {"output_type": "pyout", "text": ["2"], "html": "<b>2</b>", "png": "iVBOR", "prompt_number": 1}]}
          ]}, {"cells": [{"cell_type": "heading", "level": 1, "source": "Title"}]}]}"#;
        let nb = parse(input).unwrap();
        assert_eq!(nb.cells.len(), 2);
        let mimes: Vec<_> = nb.cells[0].outputs[0]
            .data
            .iter()
            .map(|d| d.mime.as_str())
            .collect();
        assert_eq!(mimes, ["text/plain", "text/html", "image/png"]);
        assert_eq!(nb.cells[1].cell_type, CellType::Heading);
        assert_eq!(nb.cells[1].number, 2);
    }

    #[test]
    fn bad_shapes_are_errors_not_panics() {
        assert!(matches!(parse("{"), Err(ParseError::Json { .. })));
        assert!(parse("[]").is_err());
        assert!(matches!(parse("{}"), Err(ParseError::Shape(_))));
        assert!(matches!(
            parse(r#"{"nbformat": 5}"#),
            Err(ParseError::Version(5))
        ));
        assert!(
            parse(r#"{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}"#).is_err()
        );
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let deep = format!(r#"{{"nbformat": 4, "cells": [], "metadata": {deep}}}"#);
        // Skipped over whole by the reader, and flattened only to MAX_JSON_DEPTH.
        let notebook = parse(&deep).expect("deep metadata is read");
        assert!(notebook.metadata.is_empty());
    }
}
