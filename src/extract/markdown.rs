//! Pipe tables in markdown (`| name | phone |` over `|---|---|`): people
//! paste customer lists and cohort tables into notes too. Their cells are
//! read as a [`Table`] whose columns know their header.

use super::dataframe::TextTable;
use super::Table;

/// The pipe tables in a markdown text.
pub fn tables(text: &str) -> Vec<TextTable> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut found = Vec::new();
    let mut index = 0;
    while index + 1 < lines.len() {
        let header = lines[index];
        if !header.contains('|') || !is_separator(lines[index + 1]) {
            index += 1;
            continue;
        }
        let headers = split_row(header);
        let mut table = Table {
            headers: headers.clone(),
            rows: Vec::new(),
        };
        let mut row_lines = Vec::new();
        let mut next = index + 2;
        while next < lines.len() && lines[next].contains('|') && !lines[next].trim().is_empty() {
            let mut row = split_row(lines[next]);
            row.resize(headers.len(), String::new());
            table.rows.push(row);
            row_lines.push(next);
            next += 1;
        }
        if !table.rows.is_empty() {
            found.push(TextTable {
                table,
                first_line: index,
                row_lines,
            });
        }
        index = next;
    }
    found
}

/// `|---|:--:|`, `--- | ---`: a line of dashes, colons and pipes only, with
/// at least one pipe and one run of three dashes.
fn is_separator(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.contains('|')
        && trimmed.contains("---")
        && trimmed
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// The cells of a row, outer pipes dropped and `\|` kept as text.
fn split_row(line: &str) -> Vec<String> {
    let trimmed = line.trim();
    let trimmed = trimmed.strip_prefix('|').unwrap_or(trimmed);
    let trimmed = trimmed.strip_suffix('|').unwrap_or(trimmed);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = trimmed.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_string()),
            c => cell.push(c),
        }
    }
    cells.push(cell.trim().to_string());
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_pipe_table_with_its_headers() {
        let text =
            "Cohort:\n\n| name | phone |\n|:-----|------:|\n| Ana Silva | +44 20 7946 0958 |\n\
                    | Li Wei | +1 415 555 0100 |\n\nAfter.";
        let found = tables(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].table.headers, ["name", "phone"]);
        assert_eq!(found[0].table.rows[1], ["Li Wei", "+1 415 555 0100"]);
        assert_eq!(found[0].row_lines, [4, 5]);
    }

    #[test]
    fn prose_with_pipes_is_not_a_table() {
        assert!(tables("a | b\nno separator here\n| c |").is_empty());
        assert!(tables("| a | b |\n|---|---|\n").is_empty(), "no rows");
    }

    #[test]
    fn escaped_pipes_stay_in_their_cell() {
        let found = tables("| expr |\n| --- |\n| a \\| b |");
        assert_eq!(found[0].table.rows[0], ["a | b"]);
    }
}
