//! A notebook is one `.ipynb` document, nbformat 3 or 4, read into one model.
//!
//! Both formats become the same [`Notebook`]: cells numbered in reading order
//! (nbformat 3 worksheets are numbered on in order), each with its source, its
//! outputs as MIME bundles and its attachments. Text keeps, line by line, the
//! line of the `.ipynb` file it came from, so a finding can point an editor at
//! it. Nothing here knows about rules.

mod parse;

pub use parse::{parse, ParseError};

/// One notebook, read from the bytes of one `.ipynb` blob.
#[derive(Debug, Default)]
pub struct Notebook {
    pub nbformat: u32,
    pub nbformat_minor: u32,
    pub cells: Vec<Cell>,
    /// Notebook-level metadata, flattened into its strings.
    pub metadata: Vec<JsonString>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellType {
    Code,
    Markdown,
    Raw,
    /// nbformat 3 only.
    Heading,
}

impl CellType {
    pub fn as_str(self) -> &'static str {
        match self {
            CellType::Code => "code",
            CellType::Markdown => "markdown",
            CellType::Raw => "raw",
            CellType::Heading => "heading",
        }
    }
}

#[derive(Debug)]
pub struct Cell {
    /// Numbered from 1, as a person counts.
    pub number: usize,
    pub id: Option<String>,
    pub cell_type: CellType,
    pub source: Text,
    pub tags: Vec<String>,
    pub outputs: Vec<Output>,
    pub attachments: Vec<Attachment>,
    /// Cell metadata, flattened into its strings (tags excluded).
    pub metadata: Vec<JsonString>,
}

/// Text with, for each of its lines, the `.ipynb` line it was read from.
#[derive(Debug, Default, Clone)]
pub struct Text {
    pub value: String,
    /// `file_lines[i]` is the 1-based file line of the text's line `i`
    /// (0-based); empty when unknown.
    pub file_lines: Vec<u32>,
}

impl Text {
    pub fn file_line(&self, line_index: usize) -> Option<u32> {
        self.file_lines
            .get(line_index)
            .or(self.file_lines.last())
            .copied()
    }
}

#[derive(Debug)]
pub struct Output {
    /// Numbered from 1 within its cell.
    pub number: usize,
    /// As written in the notebook: `stream`, `execute_result`, `pyout`, ...
    pub output_type: String,
    /// The stream's text (`stream` outputs).
    pub stream: Option<Text>,
    /// The MIME bundle, with nbformat 3 keys (`png`, `html`) mapped to MIME types.
    pub data: Vec<MimeItem>,
    /// `error` and `pyerr` outputs.
    pub error: Option<ErrorOutput>,
}

#[derive(Debug)]
pub struct ErrorOutput {
    pub ename: Text,
    pub evalue: Text,
    /// The traceback lines joined, ANSI codes still in.
    pub traceback: Text,
}

#[derive(Debug)]
pub struct Attachment {
    pub name: String,
    pub data: Vec<MimeItem>,
}

/// One entry of a MIME bundle.
#[derive(Debug)]
pub struct MimeItem {
    pub mime: String,
    pub content: MimeContent,
}

#[derive(Debug)]
pub enum MimeContent {
    /// A string or list of strings (text types, and base64 for images).
    Text(Text),
    /// A JSON value (`application/json`, `+json`, widget views), flattened.
    Json(Vec<JsonString>),
}

/// A string found in a JSON value: a key or a string value.
#[derive(Debug, Clone)]
pub struct JsonString {
    /// Where it is, as `$.a.b[2]`.
    pub path: String,
    pub value: String,
    pub file_line: Option<u32>,
}
