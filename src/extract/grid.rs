//! Tables drawn with bars and rules: Spark's `df.show()`, polars and rich
//! frames, tabulate and PrettyTable output, psql-style results and markdown
//! tables printed to a stream. Their rows are read back into a [`Table`] so
//! that a column of emails printed by Spark is judged like one in HTML.
//!
//! Every such table is lines of two kinds: rules (`+----+`, `╞════╡`,
//! `|---|:--|`), made of dashes, box-drawing characters, pluses, colons and
//! bars only, and rows that begin and end with a bar and part their cells
//! with bars (`|`, `│`, `┃`, `║`, or polars' dotted `┆`). The first row is
//! the header; rows above the first rule under it (polars' `---` and dtype
//! lines, a header wrapped onto two lines) belong to the header. A block is
//! a table only when it has a rule, a header and at least one row with as
//! many cells as the header.

use super::dataframe::TextTable;
use super::{is_elided_row, split_lines, Table};

/// Lines longer than this (in bytes) are not read as table lines.
const MAX_LINE_BYTES: usize = 80_000;

/// The bars that part cells.
fn is_bar(c: char) -> bool {
    matches!(c, '|' | '│' | '┃' | '║' | '┆' | '┇' | '┊' | '┋' | '╎' | '╏')
}

/// Characters a horizontal stroke is drawn with.
fn is_stroke(c: char) -> bool {
    matches!(
        c,
        '-' | '=' | '─' | '━' | '═' | '┄' | '┅' | '┈' | '┉' | '╌' | '╍'
    )
}

/// `+----+---+`, `╞═════╪═══╡`, `|:---|---:|`, `└──┴──┘`: strokes with the
/// joints, corners and bars that go with them, nothing else.
fn is_rule(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.chars().filter(|&c| is_stroke(c)).count() >= 3
        && trimmed.chars().all(|c| {
            is_stroke(c) || is_bar(c) || matches!(c, '+' | ':' | ' ' | '\u{2500}'..='\u{257F}')
        })
}

/// The cells of a row line (`| a | b |`, `│ a ┆ b │`), or `None` when the
/// line does not begin and end with a bar.
fn cells(line: &str) -> Option<Vec<String>> {
    if line.len() > MAX_LINE_BYTES {
        return None;
    }
    let trimmed = line.trim();
    let mut chars = trimmed.chars();
    let (first, last) = (chars.next()?, chars.next_back()?);
    if !is_bar(first) || !is_bar(last) || is_rule(trimmed) {
        return None;
    }
    let inner = &trimmed[first.len_utf8()..trimmed.len() - last.len_utf8()];
    Some(inner.split(is_bar).map(|c| c.trim().to_string()).collect())
}

/// A line of a drawn table.
enum Line {
    Rule,
    Row(Vec<String>),
}

fn classify(line: &str) -> Option<Line> {
    // Cheap refusal first: a drawn line starts with a bar, a joint or a stroke.
    let first = line.trim_start().chars().next()?;
    if !(is_bar(first) || is_stroke(first) || matches!(first, '+' | ':' | '\u{2500}'..='\u{257F}'))
    {
        return None;
    }
    if is_rule(line) {
        // A rule alone is a separator in any log; it only counts beside rows.
        Some(Line::Rule)
    } else {
        cells(line).map(Line::Row)
    }
}

/// The drawn tables in a plain text.
pub fn tables(text: &str) -> Vec<TextTable> {
    let lines = split_lines(text);
    let mut found = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        // A block: consecutive rule and row lines.
        let start = at;
        let mut block = Vec::new();
        while let Some(line) = lines.get(at).and_then(|l| classify(l)) {
            block.push((at, line));
            at += 1;
        }
        if block.is_empty() {
            at += 1;
            continue;
        }
        if let Some(table) = read_block(&block) {
            found.push(table);
        }
        debug_assert!(at > start);
    }
    found
}

/// The table a block of lines draws, if it is one.
fn read_block(block: &[(usize, Line)]) -> Option<TextTable> {
    if !block.iter().any(|(_, line)| matches!(line, Line::Rule)) {
        return None;
    }
    let rows: Vec<(usize, &Vec<String>)> = block
        .iter()
        .filter_map(|(number, line)| match line {
            Line::Row(cells) => Some((*number, cells)),
            Line::Rule => None,
        })
        .collect();
    let (first_line, header) = *rows.first()?;
    let width = header.len();

    // The header block ends at the first rule under the header row, or,
    // in a polars frame, at the rule under the dtype line that follows
    // the `---` line (which reads as a rule of its own).
    let rule_after = |line: usize| {
        block
            .iter()
            .position(|(number, entry)| *number > line && matches!(entry, Line::Rule))
    };
    let mut header_end = rule_after(first_line);
    if let Some(index) = header_end {
        if let [(_, Line::Row(dtypes)), (_, Line::Rule), ..] = &block[index + 1..] {
            if dtypes.iter().all(|cell| is_polars_dtype(cell)) {
                header_end = Some(index + 2);
            }
        }
    }
    let header_end = header_end.map(|index| block[index].0);
    let (header_rows, data_rows): (Vec<_>, Vec<_>) = rows
        .iter()
        .copied()
        .partition(|(number, _)| header_end.is_some_and(|end| *number < end));
    let (headers, data_rows) = if data_rows.is_empty() {
        // Framed but never ruled under a header: every row is data.
        let numbered = (1..=width).map(|n| n.to_string()).collect();
        (numbered, rows.clone())
    } else {
        (header_names(&header_rows, width), data_rows)
    };

    // Rows drawn only to say that some were left out are not data; nor are
    // such columns (below).
    let mut table = Table {
        headers,
        rows: Vec::new(),
    };
    let mut row_lines = Vec::new();
    for (number, row) in data_rows {
        if row.len() != width {
            // A row of another shape: not this table (or a cell holds a bar).
            continue;
        }
        if is_elided_row(row) {
            continue;
        }
        table.rows.push(row.clone());
        row_lines.push(number);
    }
    let table = table.without_elided_columns();
    if table.rows.is_empty() || table.headers.is_empty() {
        return None;
    }
    Some(TextTable {
        table,
        first_line,
        row_lines,
    })
}

/// A polars dtype as printed under a column name: `i64`, `str`,
/// `datetime[μs]`, `list[str]`.
fn is_polars_dtype(cell: &str) -> bool {
    let base = cell.split('[').next().unwrap_or(cell);
    matches!(
        base,
        "i8" | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "f32"
            | "f64"
            | "str"
            | "bool"
            | "date"
            | "datetime"
            | "time"
            | "duration"
            | "list"
            | "array"
            | "struct"
            | "cat"
            | "enum"
            | "decimal"
            | "binary"
            | "null"
            | "object"
    )
}

/// Column names from the header rows: the first row's cells, with the
/// cells of a header wrapped onto further rows joined on; polars' `---`
/// line and the dtype line under it are not part of a name.
fn header_names(header_rows: &[(usize, &Vec<String>)], width: usize) -> Vec<String> {
    let mut names: Vec<String> = header_rows[0].1.clone();
    for (_, row) in header_rows.iter().skip(1) {
        let polars_lines = row
            .iter()
            .all(|cell| cell == "---" || is_polars_dtype(cell));
        if row.len() != width || polars_lines {
            break;
        }
        for (name, more) in names.iter_mut().zip(row.iter()) {
            if !more.is_empty() {
                name.push(' ');
                name.push_str(more);
            }
        }
    }
    names
        .into_iter()
        .enumerate()
        .map(|(n, name)| {
            if name.is_empty() {
                (n + 1).to_string()
            } else {
                name
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(text: &str) -> TextTable {
        super::super::dataframe::only_table(text, tables)
    }

    #[test]
    fn reads_spark_show_output() {
        let text = "+---+---------+--------------------+\n\
                    | id|     name|               email|\n\
                    +---+---------+--------------------+\n\
                    |  1|Ana Silva|ana.silva@fabrik.de |\n\
                    |  2|   Li Wei|   li.wei@outlook.com|\n\
                    +---+---------+--------------------+\n\
                    only showing top 2 rows";
        let found = only(text);
        assert_eq!(found.table.headers, ["id", "name", "email"]);
        assert_eq!(found.table.rows[1], ["2", "Li Wei", "li.wei@outlook.com"]);
        assert_eq!(found.first_line, 1);
        assert_eq!(found.row_lines, [3, 4]);
    }

    #[test]
    fn reads_a_polars_frame_without_its_dtype_lines() {
        let text = "shape: (3, 2)\n\
                    ┌─────┬───────────────────┐\n\
                    │ id  ┆ email             │\n\
                    │ --- ┆ ---               │\n\
                    │ i64 ┆ str               │\n\
                    ╞═════╪═══════════════════╡\n\
                    │ 1   ┆ ana@fabrik.de     │\n\
                    │ …   ┆ …                 │\n\
                    │ 3   ┆ li.wei@outlook.com│\n\
                    └─────┴───────────────────┘";
        let found = only(text);
        assert_eq!(found.table.headers, ["id", "email"]);
        assert_eq!(
            found.table.rows.len(),
            2,
            "the elided row is not data: {:?}",
            found.table.rows
        );
        assert_eq!(found.table.rows[1][1], "li.wei@outlook.com");
        assert_eq!(found.row_lines, [6, 8]);
    }

    #[test]
    fn reads_rich_and_tabulate_grids() {
        let rich = "┏━━━━━━┳━━━━━━━━━━━━━┓\n\
                    ┃ Name ┃ Phone       ┃\n\
                    ┡━━━━━━╇━━━━━━━━━━━━━┩\n\
                    │ Ana  │ 020 7946 0958 │\n\
                    └──────┴─────────────┘";
        assert_eq!(only(rich).table.rows[0], ["Ana", "020 7946 0958"]);

        let grid = "+--------+---------+\n| patient | mrn    |\n+========+=========+\n\
                    | A. Li  | 0042    |\n+--------+---------+\n| B. Ng  | 0043    |\n\
                    +--------+---------+";
        let found = only(grid);
        assert_eq!(found.table.headers, ["patient", "mrn"]);
        assert_eq!(found.table.rows, [["A. Li", "0042"], ["B. Ng", "0043"]]);
    }

    #[test]
    fn reads_a_printed_markdown_table() {
        let found = only("| name | ssn |\n|:-----|----:|\n| Ana | 123-45-6789 |");
        assert_eq!(found.table.headers, ["name", "ssn"]);
        assert_eq!(found.table.rows[0], ["Ana", "123-45-6789"]);
    }

    #[test]
    fn a_header_wrapped_onto_two_lines_is_one_name() {
        let text = "+--------+--------+\n| home   | date   |\n| phone  | of     |\n\
                    +--------+--------+\n| 555    | 1990   |";
        assert_eq!(only(text).table.headers, ["home phone", "date of"]);
    }

    #[test]
    fn rules_and_bars_alone_are_not_tables() {
        assert!(tables("----------\nEpoch 1/10\n----------").is_empty());
        assert!(tables("| a | b |\n| c | d |").is_empty(), "no rule");
        assert!(tables("+------+\n+------+").is_empty(), "no rows");
        assert!(tables("x = a | b | c\n---------").is_empty());
    }
}
