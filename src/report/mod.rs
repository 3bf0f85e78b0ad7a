//! Reports: what a scan found, for a person (rustc-style diagnostics), for
//! programs (JSON) and for code-scanning dashboards (SARIF 2.1.0).
//!
//! Every format prints values only as redacted previews; terminal control
//! characters from notebook content are escaped before they are written.

pub mod human;
pub mod json;
pub mod sarif;

use crate::detect::Finding;
use crate::extract::PartKind;
use crate::policy::Verdict;
use crate::scan::{NotebookResult, Skipped};

/// The results of one run.
#[derive(Debug, Default)]
pub struct Report {
    pub results: Vec<NotebookResult>,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub notebooks: usize,
    pub findings: usize,
    pub blocking: usize,
    pub warnings: usize,
    pub preexisting: usize,
    pub allowed: usize,
    pub skipped: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            notebooks: self.results.len(),
            ..Summary::default()
        };
        for result in &self.results {
            summary.skipped += result.skipped.len();
            for (_, verdict) in &result.findings {
                match verdict {
                    Verdict::Block => summary.blocking += 1,
                    Verdict::Warn => summary.warnings += 1,
                    Verdict::PreExisting => summary.preexisting += 1,
                    Verdict::Allowed(_) => summary.allowed += 1,
                }
            }
        }
        summary.findings = summary.blocking + summary.warnings + summary.preexisting;
        summary
    }

    /// Findings to show (allowed ones are only counted), in reading order.
    pub fn shown(&self) -> impl Iterator<Item = (&str, &Finding, &Verdict)> {
        self.results.iter().flat_map(|result| {
            result
                .findings
                .iter()
                .filter(|(_, verdict)| !matches!(verdict, Verdict::Allowed(_)))
                .map(move |(finding, verdict)| (result.path.as_str(), finding, verdict))
        })
    }

    pub fn skipped(&self) -> impl Iterator<Item = &Skipped> {
        self.results.iter().flat_map(|result| result.skipped.iter())
    }
}

/// Where a finding is, as a person reads it: `cell 7 (code), output 1
/// (text/html), table row 3, column "email"`.
pub fn describe_location(finding: &Finding) -> String {
    let origin = &finding.origin;
    let mut parts = Vec::new();
    match (origin.cell, origin.cell_type) {
        (Some(cell), Some(kind)) => parts.push(format!("cell {cell} ({kind})")),
        (Some(cell), None) => parts.push(format!("cell {cell}")),
        (None, _) if origin.part == Some(PartKind::Metadata) => {
            parts.push("notebook metadata".to_string())
        }
        _ => {
            if let Some(line) = finding.file_line {
                parts.push(format!("line {line} of the file"));
            }
        }
    }
    let via_ocr = finding.via == crate::extract::Via::Ocr;
    let mime = |mime: &Option<String>| match (mime, via_ocr) {
        (Some(mime), true) => format!(" ({mime}, OCR)"),
        (Some(mime), false) => format!(" ({mime})"),
        (None, _) => String::new(),
    };
    if let Some(output) = origin.output {
        parts.push(format!("output {output}{}", mime(&origin.mime)));
    }
    if let Some(name) = &origin.attachment {
        parts.push(format!("attachment {}{}", escape(name), mime(&origin.mime)));
    }
    if origin.part == Some(PartKind::Metadata) && origin.cell.is_some() {
        parts.push("metadata".to_string());
    }
    if let Some(path) = &finding.json_path {
        parts.push(format!("at {}", escape(path)));
    }
    if let Some(table) = &finding.table {
        if finding.count > 1 || finding.width == 0 {
            parts.push(format!("table column \"{}\"", escape(&table.column)));
        } else {
            parts.push(format!(
                "table row {}, column \"{}\"",
                table.row,
                escape(&table.column)
            ));
        }
    } else if finding.width > 0 {
        parts.push(format!("line {}", finding.line));
    }
    parts.join(", ")
}

/// Escapes characters that would act on a terminal (control characters,
/// including ESC), so notebook content cannot move the cursor or recolour.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&c.escape_unicode().to_string())
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(escape("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape("x\u{202e}y"), "x\\u{202e}y");
    }
}
