//! DataFrames printed as text (`print(df)`, the `text/plain` repr): their
//! header line and rows read back into a [`Table`].
//!
//! pandas pads every column to one width and right-aligns values and labels
//! in it, two spaces apart; the index comes first, left-aligned. So each
//! column's right edge is where its label ends on the header line, and a
//! row's value for a column is what lies between the previous column's edge
//! and this one's, spaces inside a value ("Ana Silva") included. A block of
//! lines is a table only when at least two rows end a value exactly on every
//! edge; prose, code and number arrays almost never do.

use super::{is_elided_row, is_elision, split_lines, Table};

/// Lines longer than this (in characters) are not read as table lines: a
/// DataFrame repr is cut to the display width long before.
const MAX_LINE_CHARS: usize = 20_000;

/// Rows a frame without index is checked against before its labels are
/// trusted.
const LABEL_SAMPLE_ROWS: usize = 16;

/// Header lines above the rows at most (MultiIndex columns have one per level).
const MAX_HEADER_LINES: usize = 4;

/// A table found in plain text, and the 0-based text line where it starts.
#[derive(Debug)]
pub struct TextTable {
    pub table: Table,
    pub first_line: usize,
    /// The 0-based text line of each row of `table.rows`.
    pub row_lines: Vec<usize>,
}

/// The DataFrame-like tables in a plain text.
pub fn tables(text: &str) -> Vec<TextTable> {
    let lines = split_lines(text);
    let mut found = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        // A frame without its index first: read as indexed, its first column
        // would pass for the index (or its rows for more header lines).
        match unindexed_at(&lines, at).or_else(|| table_at(&lines, at)) {
            Some((table, next)) => {
                found.push(table);
                at = next;
            }
            None => at += 1,
        }
    }
    found
}

fn chars_of(line: &str) -> Option<Vec<char>> {
    if line.len() > MAX_LINE_CHARS * 4 {
        return None;
    }
    let chars: Vec<char> = line.trim_end().chars().collect();
    (chars.len() <= MAX_LINE_CHARS).then_some(chars)
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// A label on a header line: its characters `start..end`.
struct Label {
    text: String,
    start: usize,
    end: usize,
}

/// The labels of a header line: runs of text separated by two or more
/// spaces (a label may hold single spaces). A trailing ` \` (pandas' mark
/// for a frame wrapped onto several blocks) is not a label.
fn labels(line: &[char]) -> Vec<Label> {
    let mut line = line;
    if line.ends_with(&['\\']) && line.len() >= 2 && line[line.len() - 2] == ' ' {
        line = &line[..line.len() - 1];
    }
    labels_split(line, 2)
}

/// Runs of text parted by at least `gap` spaces.
fn labels_split(line: &[char], gap: usize) -> Vec<Label> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < line.len() {
        if line[at] == ' ' {
            at += 1;
            continue;
        }
        let start = at;
        while at < line.len()
            && !(line[at] == ' ' && (gap == 1 || line.get(at + 1).is_none_or(|&c| c == ' ')))
        {
            at += 1;
        }
        out.push(Label {
            text: line[start..at].iter().collect(),
            start,
            end: at,
        });
    }
    out
}

/// Where a row's index ends: after the first run of text (leading spaces of
/// a sparsified MultiIndex row skipped), at the first double space.
fn index_end(row: &[char]) -> usize {
    let mut at = row.iter().position(|&c| c != ' ').unwrap_or(row.len());
    while at < row.len() && !(row[at] == ' ' && row.get(at + 1).is_none_or(|&c| c == ' ')) {
        at += 1;
    }
    at
}

/// The table whose header starts at line `first`, and the line after it.
fn table_at(lines: &[&str], first: usize) -> Option<(TextTable, usize)> {
    // Cheap refusals first: most lines of prose have no double space.
    let head = lines[first];
    if is_blank(head) || !head.contains("  ") {
        return None;
    }

    // 1. Header lines: the first, then any that start with a space, until a
    //    line that starts with text (the index names line or the first row).
    let mut headers = vec![chars_of(head)?];
    let mut at = first + 1;
    while at < lines.len()
        && headers.len() < MAX_HEADER_LINES
        && lines[at].starts_with(' ')
        && !is_blank(lines[at])
    {
        headers.push(chars_of(lines[at])?);
        at += 1;
    }

    // 2. Candidate rows: up to a blank line. The first starts with text.
    if !lines
        .get(at)
        .is_some_and(|l| l.starts_with(|c: char| c != ' '))
    {
        return None;
    }
    let mut candidates: Vec<(usize, Vec<char>)> = Vec::new();
    while at < lines.len() && !is_blank(lines[at]) {
        if let Some(name) = series_footer(lines[at]) {
            return series(lines, first, at, name);
        }
        let Some(chars) = chars_of(lines[at]) else {
            break;
        };
        candidates.push((at, chars));
        at += 1;
    }
    let columns = column_labels(headers.last()?, &candidates);
    if columns.is_empty() {
        return None;
    }

    // 3. The index width, then the column edges. Header labels that end
    //    inside the index (the columns' own name) are not columns.
    let index_width = candidates.iter().map(|(_, c)| index_end(c)).max()?;
    let edges: Vec<&Label> = columns.iter().filter(|l| l.start > index_width).collect();
    if edges.is_empty() {
        return None;
    }
    let single_column_needs_blank_index = edges.len() == 1 && head.starts_with(|c: char| c != ' ');
    if single_column_needs_blank_index && headers.len() == 1 {
        return None;
    }

    // 4. Rows, while they align. An index names line (text only in the
    //    index) right after the header is not a row.
    let mut rows = Vec::new();
    let mut row_lines = Vec::new();
    let mut end = first + headers.len();
    for (number, (line, chars)) in candidates.iter().enumerate() {
        let Some(values) = split_row(chars, index_width, &edges) else {
            break;
        };
        end = line + 1;
        let index_only = values.iter().skip(1).all(String::is_empty);
        if number == 0 && index_only {
            continue;
        }
        rows.push(values);
        row_lines.push(*line);
    }

    // 5. Truncation marks are not data: `..` rows, and `...` columns.
    let mut kept_rows = Vec::new();
    let mut kept_lines = Vec::new();
    for (row, line) in rows.into_iter().zip(row_lines) {
        if !is_elided_row(&row) {
            kept_rows.push(row);
            kept_lines.push(line);
        }
    }
    if kept_rows.len() < 2 {
        return None;
    }

    let mut names = vec![index_name(&headers, lines, first, index_width)];
    for (column, label) in edges.iter().enumerate() {
        if is_elision(&label.text) {
            names.push(label.text.clone());
            continue;
        }
        let mut levels = upper_levels(&headers, &edges, column);
        levels.push(label.text.clone());
        levels.dedup();
        names.push(levels.join(" / "));
    }
    let table = Table {
        headers: names,
        rows: kept_rows,
    };
    Some((
        TextTable {
            table: table.without_elided_columns(),
            first_line: first,
            row_lines: kept_lines,
        },
        end,
    ))
}

/// A frame printed without its index (`to_string(index=False)`): the
/// header line and every row end each value on its column's edge, the
/// first column included, which a row's index would not.
fn unindexed_at(lines: &[&str], first: usize) -> Option<(TextTable, usize)> {
    // Cheap refusal first: right-aligned, the header and the first row end
    // on the last column's edge.
    let next = lines.get(first + 1)?;
    let width = |line: &str| line.trim_end().chars().count();
    if is_blank(lines[first]) || width(lines[first]) != width(next) {
        return None;
    }
    // Column names, not a row: a label that is a number is a value (a
    // Series, a frame read from the middle, aligned log lines such as
    // `row 1: value 3.1416 ok`). Frames with numbered columns are left out.
    let number = |text: &str| {
        text.trim_end_matches(':')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    };
    if lines[first].split_whitespace().any(number) {
        return None;
    }
    let head = chars_of(lines[first])?;
    // The labels are read against the first rows only, and the rows then
    // one at a time until one does not align: tried at every line of a
    // long aligned block, reading it all each time would be quadratic.
    let block = (first + 1..lines.len()).take_while(|&line| !is_blank(lines[line]));
    let sample: Vec<(usize, Vec<char>)> = block
        .clone()
        .take(LABEL_SAMPLE_ROWS)
        .map_while(|line| chars_of(lines[line]).map(|chars| (line, chars)))
        .collect();
    let columns = column_labels(&head, &sample);
    if columns.len() < 2 {
        return None;
    }
    let edges: Vec<&Label> = columns.iter().collect();

    let mut rows = Vec::new();
    let mut row_lines = Vec::new();
    let mut end = first + 1;
    for line in block {
        let Some(chars) = chars_of(lines[line]) else {
            break;
        };
        let Some(mut values) = split_row(&chars, 0, &edges) else {
            break;
        };
        // One value under the first label, not an index and a value.
        let first_value: String = chars[..edges[0].end.min(chars.len())].iter().collect();
        if first_value.trim().contains("  ") {
            return None;
        }
        end = line + 1;
        values.remove(0);
        if !is_elided_row(&values) {
            rows.push(values);
            row_lines.push(line);
        }
    }
    if rows.len() < 2 {
        return None;
    }
    let table = Table {
        headers: edges.iter().map(|l| l.text.clone()).collect(),
        rows,
    };
    Some((
        TextTable {
            table: table.without_elided_columns(),
            first_line: first,
            row_lines,
        },
        end,
    ))
}

/// The column labels of the last header line. pandas parts columns by at
/// least one space, and a label may hold single spaces ("Shots on target"),
/// so two words one space apart are two labels only when some row ends a
/// value right under the first: a right-aligned value can end only on its
/// own column's edge.
fn column_labels(line: &[char], rows: &[(usize, Vec<char>)]) -> Vec<Label> {
    let touches = |edge: usize| {
        rows.iter().any(|(_, row)| {
            row.get(edge - 1).is_some_and(|&c| c != ' ') && row.get(edge).is_none_or(|&c| c == ' ')
        })
    };
    let mut words = labels_split(line, 1);
    if words.last().is_some_and(|w| w.text == "\\") {
        words.pop();
    }
    let mut merged: Vec<Label> = Vec::new();
    for word in words {
        match merged.last_mut() {
            Some(label) if word.start == label.end + 1 && !touches(label.end) => {
                label.text.push(' ');
                label.text.push_str(&word.text);
                label.end = word.end;
            }
            _ => merged.push(word),
        }
    }
    merged
}

/// The name a Series footer gives (`Name: email, dtype: object`), or
/// "value" for a footer without a name (`dtype: int64`).
fn series_footer(line: &str) -> Option<String> {
    if line.starts_with("dtype: ") || line.starts_with("Length: ") {
        return Some("value".into());
    }
    let rest = line.strip_prefix("Name: ")?;
    let has_dtype = rest.contains("dtype: ");
    let name = rest.split(", ").next()?.trim();
    (has_dtype && !name.is_empty()).then(|| name.to_string())
}

/// A printed Series: each line from `first` to the footer at `footer` is an
/// index and a value, right-aligned to one edge.
fn series(lines: &[&str], first: usize, footer: usize, name: String) -> Option<(TextTable, usize)> {
    let mut rows = Vec::new();
    let mut row_lines = Vec::new();
    let mut edge = None;
    for (line, text) in lines.iter().enumerate().take(footer).skip(first) {
        let chars = chars_of(text)?;
        let index_end = index_end(&chars);
        if *edge.get_or_insert(chars.len()) != chars.len() || index_end >= chars.len() {
            return None;
        }
        let value = collapse(&chars[index_end..]);
        let index = collapse(&chars[..index_end]);
        if index == ".." && value == "..." {
            continue;
        }
        rows.push(vec![index, value]);
        row_lines.push(line);
    }
    if rows.len() < 2 {
        return None;
    }
    let table = Table {
        headers: vec!["index".into(), name],
        rows,
    };
    Some((
        TextTable {
            table,
            first_line: first,
            row_lines,
        },
        footer + 1,
    ))
}

/// A row split on the column edges, its index first; `None` when a value
/// does not end on its edge or runs over into its neighbour.
fn split_row(row: &[char], index_width: usize, edges: &[&Label]) -> Option<Vec<String>> {
    let last = edges.last()?.end;
    if row.len() > last {
        return None;
    }
    let mut values = Vec::with_capacity(edges.len() + 1);
    values.push(collapse(&row[..index_width.min(row.len())]));
    let mut start = index_width;
    for label in edges {
        let end = label.end;
        let region = &row[start.min(row.len())..end.min(row.len())];
        let value = collapse(region);
        if !value.is_empty() {
            // Right-aligned: the value touches the edge, and a space parts it
            // from the previous column.
            let touches = row.get(end - 1).is_some_and(|&c| c != ' ');
            let parted = start == 0 || row.get(start).is_none_or(|&c| c == ' ');
            if !touches || !parted {
                return None;
            }
        }
        values.push(value);
        start = end;
    }
    Some(values)
}

fn collapse(chars: &[char]) -> String {
    let text: String = chars.iter().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The labels of the header lines above the last that stand over column
/// `column`: a label covers the columns from the one it starts in up to the
/// next label (pandas writes a MultiIndex level once over its span).
fn upper_levels(headers: &[Vec<char>], edges: &[&Label], column: usize) -> Vec<String> {
    let mut levels = Vec::new();
    for line in &headers[..headers.len() - 1] {
        let mut owner: Option<String> = None;
        for label in labels(line) {
            // The column whose region holds the label's start.
            let at = edges.iter().position(|e| label.start < e.end);
            if at.is_some_and(|at| at <= column) {
                owner = Some(label.text);
            }
        }
        if let Some(owner) = owner {
            levels.push(owner);
        }
    }
    levels
}

/// The index's name: the text of the index names line, or "index".
fn index_name(headers: &[Vec<char>], lines: &[&str], first: usize, width: usize) -> String {
    let names_line = lines
        .get(first + headers.len())
        .and_then(|l| chars_of(l))
        .filter(|chars| chars.iter().skip(width).all(|&c| c == ' '));
    match names_line {
        Some(chars) if !collapse(&chars).is_empty() => collapse(&chars),
        _ => "index".to_string(),
    }
}

/// The one table a reader found in `text`; fails the test otherwise.
#[cfg(test)]
pub(super) fn only_table(text: &str, reader: fn(&str) -> Vec<TextTable>) -> TextTable {
    let mut found = reader(text);
    assert_eq!(found.len(), 1, "{text}");
    found.remove(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(text: &str) -> TextTable {
        only_table(text, tables)
    }

    // Every repr below is what pandas 3.1.1 printed.

    #[test]
    fn plain_frame_with_spaces_in_values() {
        let text = "        name                    email  age
0  Ana Silva  ana.silva@acme-corp.com   31
1    Bob Lee           bob@corp.co.uk   45
2     Zoë Ng                      NaN    7";
        let t = only(text);
        assert_eq!(t.table.headers, ["index", "name", "email", "age"]);
        assert_eq!(
            t.table.rows[0],
            ["0", "Ana Silva", "ana.silva@acme-corp.com", "31"]
        );
        assert_eq!(t.table.rows[2], ["2", "Zoë Ng", "NaN", "7"]);
        assert_eq!(t.first_line, 0);
        assert_eq!(t.row_lines, [1, 2, 3]);
    }

    #[test]
    fn named_index_and_columns_name() {
        let text = "                              name  age
email                                  
ana.silva@acme-corp.com  Ana Silva   31
bob@corp.co.uk             Bob Lee   45
NaN                         Zoë Ng    7";
        let t = only(text);
        assert_eq!(t.table.headers, ["email", "name", "age"]);
        assert_eq!(t.table.rows[1], ["bob@corp.co.uk", "Bob Lee", "45"]);
        assert_eq!(t.row_lines, [2, 3, 4]);

        let text = "cols       name                    email  age
0     Ana Silva  ana.silva@acme-corp.com   31
1       Bob Lee           bob@corp.co.uk   45";
        let t = only(text);
        assert_eq!(t.table.headers, ["index", "name", "email", "age"]);
        assert_eq!(t.table.rows[0][2], "ana.silva@acme-corp.com");
    }

    #[test]
    fn truncated_frame_with_footer() {
        let text = "Result:
    col0  col1  col2  ...  col7  col8  col9
0      0     1     2  ...     7     8     9
1     10    11    12  ...    17    18    19
..   ...   ...   ...  ...   ...   ...   ...
59   590   591   592  ...   597   598   599

[60 rows x 10 columns]";
        let t = only(text);
        assert_eq!(t.first_line, 1);
        assert_eq!(
            t.table.headers,
            ["index", "col0", "col1", "col2", "col7", "col8", "col9"]
        );
        assert_eq!(t.table.rows.len(), 3);
        assert_eq!(
            t.table.rows[2],
            ["59", "590", "591", "592", "597", "598", "599"]
        );
        assert_eq!(t.row_lines, [2, 3, 5]);
    }

    #[test]
    fn multiindex_columns_and_rows() {
        let text = "   A     B
   x  y  z
0  1  2  3
1  4  5  6";
        let t = only(text);
        assert_eq!(t.table.headers, ["index", "A / x", "A / y", "B / z"]);
        assert_eq!(t.table.rows[1], ["1", "4", "5", "6"]);

        let text = "       v
k1 k2   
a  x   1
   y   2
b  x   3";
        let t = only(text);
        assert_eq!(t.table.headers, ["k1 k2", "v"]);
        assert_eq!(t.table.rows[1], ["y", "2"]);
        assert_eq!(t.table.rows[2], ["b x", "3"]);
    }

    #[test]
    fn columns_one_space_apart() {
        let text = "      Fare Cabin Embarked     sex smoker  Shots on target
0   7.2500   NaN        S  Female     No               13
1  71.2833   C85        C    Male    Yes                4
2   8.0500   NaN        S  Female     No                0";
        let t = only(text);
        assert_eq!(
            t.table.headers,
            [
                "index",
                "Fare",
                "Cabin",
                "Embarked",
                "sex",
                "smoker",
                "Shots on target"
            ]
        );
        assert_eq!(
            t.table.rows[1],
            ["1", "71.2833", "C85", "C", "Male", "Yes", "4"]
        );
    }

    #[test]
    fn truncated_wide_frame() {
        let text = "  long_column_name_0  ... long_column_name_4
0  value with spaces  ...  value with spaces
1                  x  ...                  x

[2 rows x 5 columns]";
        let t = only(text);
        assert_eq!(
            t.table.headers,
            ["index", "long_column_name_0", "long_column_name_4"]
        );
        assert_eq!(
            t.table.rows[0],
            ["0", "value with spaces", "value with spaces"]
        );
    }

    #[test]
    fn series_take_their_name() {
        let text = "0    a@b.co\n1    c@d.co\n2    e@f.co\nName: email, dtype: str";
        let t = only(text);
        assert_eq!(t.table.headers, ["index", "email"]);
        assert_eq!(t.table.rows[0], ["0", "a@b.co"]);
        assert_eq!(t.row_lines, [0, 1, 2]);
    }

    #[test]
    fn frame_printed_without_its_index() {
        // df.to_string(index=False): the widest name starts the line, so the
        // rows above it begin with spaces like header lines would.
        let text = "     full_name  age       diagnosis
     Ana Silva   34          asthma
   Marek Nowak   51    hypertension
Joana Ferreira   29 type 2 diabetes";
        let t = only(text);
        assert_eq!(t.table.headers, ["full_name", "age", "diagnosis"]);
        assert_eq!(t.table.rows[2], ["Joana Ferreira", "29", "type 2 diabetes"]);
        assert_eq!(t.row_lines, [1, 2, 3]);
        let t = only(" a  b\n 1  3\n 2  4");
        assert_eq!(t.table.headers, ["a", "b"]);
    }

    #[test]
    fn headerless_numbers_are_not_an_unindexed_frame() {
        assert!(tables(" 1.50 3\n22.25 4\n 3.00 5").is_empty());
        // Aligned log lines: a first line of values is not a header.
        let log = "row 1: value 3.1416 ok\nrow 2: value 6.2832 ok\nrow 3: value 9.4248 ok";
        assert!(tables(log).is_empty());
    }

    #[test]
    fn info_output_is_not_a_table() {
        let text = "<class 'pandas.DataFrame'>
RangeIndex: 3 entries, 0 to 2
Data columns (total 2 columns):
 #   Column  Non-Null Count  Dtype  
---  ------  --------------  -----  
 0   Fare    3 non-null      float64
 1   Cabin   1 non-null      str    
dtypes: float64(1), str(1)
memory usage: 276.0 bytes";
        assert!(tables(text).is_empty());
    }

    #[test]
    fn describe_output() {
        let text = "             age
count   3.000000
mean   27.666667
std    19.731531";
        let t = only(text);
        assert_eq!(t.table.headers, ["index", "age"]);
        assert_eq!(t.table.rows[0], ["count", "3.000000"]);
    }

    #[test]
    fn prose_code_and_arrays_are_not_tables() {
        for text in [
            "The quick brown fox\njumps over the lazy dog\nand runs away.",
            "x = 1\ny = 2\nz = x + y",
            "[[ 1  2  3]\n [ 4  5  6]\n [ 7  8  9]]",
            "array([[1, 2],\n       [3, 4]])",
            "Epoch  Loss   Acc\n1      0.5    0.8\n2      0.4    0.85\n3      0.3    0.9",
            "Name:  Ana\nEmail:  a@b.co\nAge:  31",
            "   name  age\n0   Ana   31",
            "",
        ] {
            assert!(tables(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn long_lines_are_refused_quickly() {
        let line = "a  b ".repeat(2_000_000);
        assert!(tables(&format!("{line}\n{line}\n{line}")).is_empty());
    }
}
