//! HTML outputs (pandas DataFrames, rich reprs): text without tags, and
//! tables as rows whose cells know their column header.
//!
//! The document is walked once by the [`markup`](super::markup) tokenizer.
//! Text outside tables becomes lines (one per block element, whitespace
//! collapsed); text inside a table goes only to that table's cells, so a
//! value in a table is scanned once, as a cell that knows its row and column.
//! What a browser does not show but the file holds (script contents,
//! comments, link targets) is kept apart, to be scanned without being
//! mistaken for visible text. Nothing recurses: nested tables are a stack.

use super::markup::{self, Token};
use super::Table;

/// Tables nested deeper than this are read as part of the table around them.
const MAX_TABLE_DEPTH: usize = 64;

/// Grid slots that `colspan` and `rowspan` may add to one table beyond its
/// own cells, so `colspan=1000` on every row cannot blow memory up.
const MAX_SPAN_SLOTS: usize = 1_000_000;

/// What an HTML document holds, ready to scan.
#[derive(Debug, Default)]
pub struct HtmlText {
    /// Text outside tables and scripts: tags removed, entities decoded, one
    /// line per block element. Table headers are here too (one line per
    /// table), as they are in no cell.
    pub text: String,
    /// `source_lines[i]` is the 0-based line of the HTML source where text
    /// line `i` starts; as many as `text` has lines.
    pub source_lines: Vec<usize>,
    /// Whether every text line lies on the one source line it maps to (false
    /// when a paragraph wraps across source lines: a value on its second
    /// source line is then mapped a line too early).
    pub line_map_is_exact: bool,
    /// Text the document holds but does not show: `<script>` contents
    /// (plotting libraries embed data there), comments, and `href`/`src`
    /// targets other than `data:` URLs.
    pub scripts: Vec<Hidden>,
    /// Every `<table>`, with its headers.
    pub tables: Vec<HtmlTable>,
}

/// Text a browser does not show, and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub text: String,
    /// 0-based source line of its first character; its lines follow on.
    pub first_line: usize,
}

/// A table and where its pieces are in the source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HtmlTable {
    pub table: Table,
    /// 0-based source line of the `<table>` tag.
    pub first_line: usize,
    /// 0-based source line of each cell, shaped like `table.rows`.
    pub cell_lines: Vec<Vec<usize>>,
}

/// Decodes an HTML document.
pub fn extract(html: &str) -> HtmlText {
    let mut decoder = Decoder::default();
    markup::tokenize(html, |token| decoder.token(token));
    decoder.finish(html)
}

/// Lines of visible text being built, with the source offset where each
/// starts and ends.
#[derive(Default)]
struct Lines {
    text: String,
    starts: Vec<usize>,
    ends: Vec<usize>,
    open: bool,
    pending_space: bool,
    last_end: usize,
}

impl Lines {
    fn push(&mut self, c: char, at: usize, preformatted: bool) {
        if c == '\n' && preformatted {
            self.break_line();
            return;
        }
        if c.is_whitespace() && !preformatted {
            self.pending_space = self.open;
            return;
        }
        if !self.open {
            if c.is_whitespace() {
                return;
            }
            if !self.text.is_empty() {
                self.text.push('\n');
            }
            self.starts.push(at);
            self.open = true;
        } else if self.pending_space {
            self.text.push(' ');
        }
        self.pending_space = false;
        self.text.push(c);
        self.last_end = at;
    }

    fn break_line(&mut self) {
        if self.open {
            self.ends.push(self.last_end);
            self.open = false;
        }
        self.pending_space = false;
    }
}

/// The text of one table cell: one line, whitespace collapsed.
#[derive(Default)]
struct CellText {
    text: String,
    pending_space: bool,
}

impl CellText {
    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.pending_space = !self.text.is_empty();
            return;
        }
        if self.pending_space {
            self.text.push(' ');
            self.pending_space = false;
        }
        self.text.push(c);
    }

    fn space(&mut self) {
        self.pending_space = !self.text.is_empty();
    }
}

struct CellBuilder {
    text: CellText,
    is_header: bool,
    colspan: usize,
    rowspan: usize,
    at: usize,
}

struct RowBuilder {
    cells: Vec<CellBuilder>,
    in_head: bool,
}

#[derive(Default)]
struct TableBuilder {
    rows: Vec<RowBuilder>,
    cell_open: bool,
    row_open: bool,
    in_head: bool,
    at: usize,
}

impl TableBuilder {
    fn close_cell(&mut self) {
        self.cell_open = false;
    }

    fn open_row(&mut self) {
        self.cell_open = false;
        self.rows.push(RowBuilder {
            cells: Vec::new(),
            in_head: self.in_head,
        });
        self.row_open = true;
    }

    fn open_cell(&mut self, is_header: bool, colspan: usize, rowspan: usize, at: usize) {
        if !self.row_open {
            self.open_row();
        }
        if let Some(row) = self.rows.last_mut() {
            row.cells.push(CellBuilder {
                text: CellText::default(),
                is_header,
                colspan,
                rowspan,
                at,
            });
            self.cell_open = true;
        }
    }

    fn current_cell(&mut self) -> Option<&mut CellText> {
        if !self.cell_open {
            return None;
        }
        self.rows
            .last_mut()
            .and_then(|row| row.cells.last_mut())
            .map(|cell| &mut cell.text)
    }
}

#[derive(Default)]
struct Decoder {
    lines: Lines,
    hidden: Vec<(String, usize)>,
    tables: Vec<(HtmlTable, Vec<(String, usize)>)>,
    open_tables: Vec<TableBuilder>,
    /// `<table>` tags past [`MAX_TABLE_DEPTH`] still open.
    ignored_tables: usize,
    /// Open `<pre>` and `<textarea>` elements.
    preformatted: usize,
}

impl Decoder {
    fn token(&mut self, token: Token<'_>) {
        match token {
            Token::Text { raw, at } => self.text(raw, at),
            Token::Raw { raw, at, element } => match element {
                "script" => self.hidden.push((raw.to_string(), at)),
                "cdata" => self.text(raw, at),
                _ => {} // style sheets hold no data worth scanning
            },
            Token::Comment { raw, at } => {
                if !raw.trim().is_empty() {
                    self.hidden.push((raw.to_string(), at));
                }
            }
            Token::Start {
                name,
                attrs,
                self_closing,
                at,
            } => {
                for key in ["href", "src"] {
                    if let Some(target) = markup::attr(&attrs, key) {
                        let target = target.trim();
                        if !target.is_empty() && !target.starts_with("data:") {
                            self.hidden.push((target.to_string(), at));
                        }
                    }
                }
                let span = |key| {
                    markup::attr(&attrs, key)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                };
                let (colspan, rowspan) = (span("colspan").clamp(1, 1000), span("rowspan"));
                self.start(&name, colspan, rowspan, at);
                if self_closing {
                    self.end(&name);
                }
            }
            Token::End { name, .. } => self.end(&name),
        }
    }

    fn text(&mut self, raw: &str, at: usize) {
        let preformatted = self.preformatted > 0;
        let mut cell = self.open_tables.last_mut().and_then(|t| t.current_cell());
        let mut i = 0;
        while i < raw.len() {
            let rest = &raw[i..];
            let (c, len) = match rest.as_bytes()[0] {
                b'&' => markup::entity(rest).unwrap_or(('&', 1)),
                _ => {
                    let c = rest.chars().next().unwrap_or('\u{fffd}');
                    (c, c.len_utf8())
                }
            };
            match cell.as_mut() {
                Some(cell) => cell.push(c),
                None => self.lines.push(c, at + i, preformatted),
            }
            i += len;
        }
    }

    fn block_boundary(&mut self) {
        match self.open_tables.last_mut().and_then(|t| t.current_cell()) {
            Some(cell) => cell.space(),
            None => self.lines.break_line(),
        }
    }

    fn start(&mut self, name: &str, colspan: usize, rowspan: usize, at: usize) {
        match name {
            "table" => {
                self.block_boundary();
                if self.open_tables.len() >= MAX_TABLE_DEPTH {
                    self.ignored_tables += 1;
                    return;
                }
                self.open_tables.push(TableBuilder {
                    at,
                    ..TableBuilder::default()
                });
                return;
            }
            "pre" | "textarea" => self.preformatted += 1,
            _ => {}
        }
        if let Some(table) = self.open_tables.last_mut() {
            match name {
                "thead" => {
                    table.close_cell();
                    table.in_head = true;
                    return;
                }
                "tbody" | "tfoot" => {
                    table.close_cell();
                    table.in_head = false;
                    return;
                }
                "tr" => {
                    table.open_row();
                    return;
                }
                "td" | "th" => {
                    table.open_cell(name == "th", colspan, rowspan, at);
                    return;
                }
                _ => {}
            }
        }
        if markup::is_block(name) {
            self.block_boundary();
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "table" => {
                if self.ignored_tables > 0 {
                    self.ignored_tables -= 1;
                } else if let Some(builder) = self.open_tables.pop() {
                    let finished = finish_table(builder);
                    self.tables.push(finished);
                }
                self.block_boundary();
                return;
            }
            "pre" | "textarea" => self.preformatted = self.preformatted.saturating_sub(1),
            _ => {}
        }
        if let Some(table) = self.open_tables.last_mut() {
            match name {
                "thead" => {
                    table.close_cell();
                    table.in_head = false;
                    return;
                }
                "tr" => {
                    table.close_cell();
                    table.row_open = false;
                    return;
                }
                "td" | "th" => {
                    table.close_cell();
                    return;
                }
                _ => {}
            }
        }
        if markup::is_block(name) {
            self.block_boundary();
        }
    }

    fn finish(mut self, html: &str) -> HtmlText {
        // Tables never closed are tables all the same.
        while let Some(builder) = self.open_tables.pop() {
            let finished = finish_table(builder);
            self.tables.push(finished);
        }
        self.lines.break_line();
        let lines = LineIndex::new(html);

        // Each table's header line joins the text, in document order, so
        // header text is scanned without being in any cell.
        let mut text = Lines::default();
        let mut header_lines = self
            .tables
            .iter()
            .flat_map(|(_, headers)| headers.iter())
            .filter(|(h, _)| !h.is_empty())
            .peekable();
        let mut visible = self
            .lines
            .text
            .split('\n')
            .zip(self.lines.starts.iter().zip(&self.lines.ends))
            .filter(|(line, _)| !line.is_empty())
            .peekable();
        loop {
            let take_header = match (visible.peek(), header_lines.peek()) {
                (Some((_, (start, _))), Some((_, at))) => at < start,
                (None, Some(_)) => true,
                (_, None) => false,
            };
            let (line, start, end) = if take_header {
                let Some((line, at)) = header_lines.next() else {
                    break;
                };
                (line.as_str(), *at, *at)
            } else {
                let Some((line, (start, end))) = visible.next() else {
                    break;
                };
                (line, *start, *end)
            };
            if !text.text.is_empty() {
                text.text.push('\n');
            }
            text.text.push_str(line);
            text.starts.push(start);
            text.ends.push(end);
        }

        let source_lines: Vec<usize> = text.starts.iter().map(|&at| lines.line(at)).collect();
        let line_map_is_exact = text
            .ends
            .iter()
            .zip(&source_lines)
            .all(|(&end, &line)| lines.line(end) == line);
        let mut tables: Vec<HtmlTable> = self.tables.into_iter().map(|(t, _)| t).collect();
        for table in &mut tables {
            table.first_line = lines.line(table.first_line);
            for row in &mut table.cell_lines {
                for at in row.iter_mut() {
                    *at = lines.line(*at);
                }
            }
        }
        // Inner tables close first; report them in document order.
        tables.sort_by_key(|t| t.first_line);

        HtmlText {
            text: text.text,
            source_lines,
            line_map_is_exact,
            scripts: self
                .hidden
                .into_iter()
                .map(|(text, at)| Hidden {
                    text,
                    first_line: lines.line(at),
                })
                .collect(),
            tables,
        }
    }
}

/// Byte offset → 0-based line.
struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        LineIndex {
            newlines: memchr::memchr_iter(b'\n', text.as_bytes()).collect(),
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset)
    }
}

/// Where a grid slot's content comes from: the cell (row, index in row), and
/// whether this slot is the cell's own or one its span covers.
#[derive(Clone, Copy)]
struct Slot {
    row: usize,
    cell: usize,
    spanned: bool,
}

/// Lays cells out in a grid (spans honoured), picks the header rows and
/// names every column. Returns the table (offsets still in bytes) and its
/// header cells' texts and offsets, for the text.
///
/// Column names: header rows are the `<thead>` rows, or else the leading
/// rows made only of `<th>` cells. A column's name joins its non-empty header
/// levels with " / " (pandas MultiIndex columns `("contact", "email")` give
/// "contact / email"): both levels stay visible to a person and the last one
/// is still a word a column classifier can find. Index columns (a body row's
/// leading `<th>` cells, as pandas writes them) are kept as columns: an index
/// of e-mail addresses is personal data too. They take the index name (the
/// last non-empty header level, pandas' second header row) or "index".
fn finish_table(builder: TableBuilder) -> (HtmlTable, Vec<(String, usize)>) {
    let rows = builder.rows;
    let mut grid: Vec<Vec<Option<Slot>>> = vec![Vec::new(); rows.len()];
    let mut span_budget = MAX_SPAN_SLOTS;
    for (r, row) in rows.iter().enumerate() {
        let mut c = 0;
        for (index, cell) in row.cells.iter().enumerate() {
            while grid[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            let rows_left = rows.len() - r;
            // rowspan=0 means "to the end of the table".
            let rowspan = match cell.rowspan {
                0 => rows_left,
                n => n.min(rows_left),
            };
            let mut colspan = cell.colspan;
            let mut rowspan = rowspan;
            let extra = (colspan * rowspan).saturating_sub(1);
            if extra > span_budget {
                colspan = 1;
                rowspan = 1;
            } else {
                span_budget -= extra;
            }
            for dr in 0..rowspan {
                let slots = &mut grid[r + dr];
                if slots.len() < c + colspan {
                    slots.resize(c + colspan, None);
                }
                for dc in 0..colspan {
                    slots[c + dc] = Some(Slot {
                        row: r,
                        cell: index,
                        spanned: dr > 0 || dc > 0,
                    });
                }
            }
            c += colspan;
        }
    }

    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    let any_head = rows.iter().any(|row| row.in_head);
    let leading_th_rows = rows
        .iter()
        .take_while(|row| !row.cells.is_empty() && row.cells.iter().all(|c| c.is_header))
        .count();
    let is_header_row = |r: usize| -> bool {
        if any_head {
            rows[r].in_head
        } else {
            r < leading_th_rows
        }
    };
    let header_rows: Vec<usize> = (0..rows.len()).filter(|&r| is_header_row(r)).collect();
    let body_rows: Vec<usize> = (0..rows.len())
        .filter(|&r| !is_header_row(r) && !rows[r].cells.is_empty())
        .collect();

    let cell = |slot: &Slot| &rows[slot.row].cells[slot.cell];
    let index_columns = (0..width)
        .take_while(|&c| {
            !body_rows.is_empty()
                && body_rows.iter().all(|&r| {
                    grid[r]
                        .get(c)
                        .copied()
                        .flatten()
                        .is_some_and(|slot| cell(&slot).is_header)
                })
        })
        .count();

    let mut headers = Vec::with_capacity(width);
    for c in 0..width {
        let mut levels: Vec<&str> = Vec::new();
        for &r in &header_rows {
            let Some(slot) = grid[r].get(c).copied().flatten() else {
                continue;
            };
            let text = cell(&slot).text.text.as_str();
            if !text.is_empty() && levels.last() != Some(&text) {
                levels.push(text);
            }
        }
        let name = if c < index_columns {
            levels.last().map_or("index".to_string(), |l| l.to_string())
        } else if levels.is_empty() {
            (c + 1).to_string()
        } else {
            levels.join(" / ")
        };
        headers.push(name);
    }

    let mut table_rows = Vec::with_capacity(body_rows.len());
    let mut cell_lines = Vec::with_capacity(body_rows.len());
    for &r in &body_rows {
        let mut values = Vec::with_capacity(width);
        let mut offsets = Vec::with_capacity(width);
        for c in 0..width {
            match grid[r].get(c).copied().flatten() {
                Some(slot) => {
                    let origin = cell(&slot);
                    // A spanned slot repeats nothing: the value is scanned once.
                    values.push(if slot.spanned {
                        String::new()
                    } else {
                        origin.text.text.clone()
                    });
                    offsets.push(origin.at);
                }
                None => {
                    values.push(String::new());
                    offsets.push(rows[r].cells.first().map_or(builder.at, |c| c.at));
                }
            }
        }
        table_rows.push(values);
        cell_lines.push(offsets);
    }

    let header_cells: Vec<(String, usize)> = header_rows
        .iter()
        .flat_map(|&r| rows[r].cells.iter())
        .filter(|c| !c.text.text.is_empty())
        .map(|c| (c.text.text.clone(), c.at))
        .collect();
    let header_line = header_cells.first().map(|(_, at)| {
        let joined: Vec<&str> = header_cells.iter().map(|(t, _)| t.as_str()).collect();
        (joined.join("  "), *at)
    });

    (
        HtmlTable {
            table: Table {
                headers,
                rows: table_rows,
            },
            first_line: builder.at,
            cell_lines,
        },
        header_line.into_iter().collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `df.to_html()` of a three-row frame, as pandas 3.1 writes it.
    const PANDAS: &str = r#"<table border="1" class="dataframe">
  <thead>
    <tr style="text-align: right;">
      <th></th>
      <th>name</th>
      <th>email</th>
      <th>age</th>
    </tr>
  </thead>
  <tbody>
    <tr>
      <th>0</th>
      <td>Ana Silva</td>
      <td>ana.silva@acme-corp.com</td>
      <td>31</td>
    </tr>
    <tr>
      <th>1</th>
      <td>Bob Lee</td>
      <td>bob@corp.co.uk</td>
      <td>45</td>
    </tr>
    <tr>
      <th>2</th>
      <td>Zoë Ng</td>
      <td>NaN</td>
      <td>7</td>
    </tr>
  </tbody>
</table>"#;

    fn rows(t: &Table) -> Vec<Vec<&str>> {
        t.rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn pandas_table_cells_know_their_header_and_line() {
        let html = extract(&format!(
            "<div>\n<p>before</p>\n{PANDAS}\n<p>3 rows × 3 columns</p>\n</div>"
        ));
        assert_eq!(html.tables.len(), 1);
        let table = &html.tables[0];
        assert_eq!(table.table.headers, ["index", "name", "email", "age"]);
        assert_eq!(
            rows(&table.table)[0],
            ["0", "Ana Silva", "ana.silva@acme-corp.com", "31"]
        );
        assert_eq!(table.first_line, 2);
        // `<td>ana.silva@...</td>` is on source line 15.
        assert_eq!(table.cell_lines[0][2], 15);
        // Cell values are not in the text; headers are, once.
        assert!(!html.text.contains("ana.silva"));
        assert_eq!(html.text, "before\nname  email  age\n3 rows × 3 columns");
        assert_eq!(html.source_lines, [1, 6, 32]);
        assert!(html.line_map_is_exact);
    }

    #[test]
    fn named_index_and_multiindex_columns() {
        // df.set_index("email").to_html()
        let named = r#"<table><thead>
<tr><th></th><th>name</th><th>age</th></tr>
<tr><th>email</th><th></th><th></th></tr>
</thead><tbody>
<tr><th>ana.silva@acme-corp.com</th><td>Ana Silva</td><td>31</td></tr>
</tbody></table>"#;
        let t = &extract(named).tables[0].table;
        assert_eq!(t.headers, ["email", "name", "age"]);
        assert_eq!(rows(t), [["ana.silva@acme-corp.com", "Ana Silva", "31"]]);

        // MultiIndex columns [("A","x"), ("A","y"), ("B","z")]
        let multi = r#"<table><thead>
<tr><th></th><th colspan="2" halign="left">A</th><th>B</th></tr>
<tr><th></th><th>x</th><th>y</th><th>z</th></tr>
</thead><tbody><tr><th>0</th><td>1</td><td>2</td><td>3</td></tr></tbody></table>"#;
        let t = &extract(multi).tables[0].table;
        assert_eq!(t.headers, ["index", "A / x", "A / y", "B / z"]);
        assert_eq!(rows(t), [["0", "1", "2", "3"]]);
    }

    #[test]
    fn multiindex_rows_with_rowspan_stay_aligned() {
        let html = r#"<table><thead>
<tr><th></th><th></th><th>v</th></tr>
<tr><th>k1</th><th>k2</th><th></th></tr></thead><tbody>
<tr><th rowspan="2" valign="top">a</th><th>x</th><td>1</td></tr>
<tr><th>y</th><td>2</td></tr>
<tr><th>b</th><th>x</th><td>3</td></tr></tbody></table>"#;
        let t = &extract(html).tables[0].table;
        assert_eq!(t.headers, ["k1", "k2", "v"]);
        assert_eq!(rows(t), [["a", "x", "1"], ["", "y", "2"], ["b", "x", "3"]]);
    }

    #[test]
    fn tables_without_thead() {
        let th_first =
            "<table><tr><th>user</th><th>token</th></tr><tr><td>a</td><td>b</td></tr></table>";
        let t = &extract(th_first).tables[0].table;
        assert_eq!(t.headers, ["user", "token"]);
        assert_eq!(rows(t), [["a", "b"]]);

        let bare = "<table><tr><td>a</td><td>b<td>c</tr><tr><td>d</table>";
        let t = &extract(bare).tables[0].table;
        assert_eq!(t.headers, ["1", "2", "3"]);
        assert_eq!(rows(t), [vec!["a", "b", "c"], vec!["d", "", ""]]);

        let colspan = "<table><tr><td colspan=2>wide</td><td>c</td></tr><tr><td>a</td><td>b</td><td>c</td></tr></table>";
        let t = &extract(colspan).tables[0].table;
        assert_eq!(rows(t), [["wide", "", "c"], ["a", "b", "c"]]);
    }

    #[test]
    fn nested_tables_are_separate() {
        let html = "<table><tr><th>outer</th></tr><tr><td>x <table><tr><th>inner</th></tr>\
                    <tr><td>y</td></tr></table> z</td></tr></table>";
        let out = extract(html);
        assert_eq!(out.tables.len(), 2);
        let outer = out
            .tables
            .iter()
            .find(|t| t.table.headers == ["outer"])
            .unwrap();
        let inner = out
            .tables
            .iter()
            .find(|t| t.table.headers == ["inner"])
            .unwrap();
        assert_eq!(rows(&outer.table), [["x z"]]);
        assert_eq!(rows(&inner.table), [["y"]]);
    }

    #[test]
    fn text_blocks_entities_scripts_and_comments() {
        let html = "<h1>Title &amp; more</h1><p>a\n   b<br>c</p><pre>  x\n  y</pre>\
                    <style>.a{color:red}</style><script>var key = 'k';</script>\
                    <!-- note --><a href=\"https://h.example/?t=1\">link</a> <img src=\"data:image/png;base64,AA\">";
        let out = extract(html);
        assert_eq!(out.text, "Title & more\na b\nc\nx\ny\nlink");
        assert!(!out.text.contains("color"));
        let hidden: Vec<&str> = out.scripts.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(
            hidden,
            ["var key = 'k';", " note ", "https://h.example/?t=1"]
        );
        // The paragraph wraps across two source lines.
        assert!(!out.line_map_is_exact);
    }

    #[test]
    fn huge_and_hostile_input_is_linear() {
        let one_line = "<td>x</td><a b='c'>&amp;".repeat(200_000);
        let out = extract(&one_line);
        assert!(out.text.len() > 100_000);
        let deep = "<table><tr><td>".repeat(100_000);
        let out = extract(&deep);
        assert_eq!(out.tables.len(), MAX_TABLE_DEPTH);
        let spans = "<table><tr><td colspan=1000 rowspan=1000>x</td></tr></table>".repeat(50);
        assert_eq!(extract(&spans).tables.len(), 50);
        let unclosed = "<a title='".repeat(100_000);
        assert_eq!(extract(&unclosed).text.len(), unclosed.len());
    }
}
