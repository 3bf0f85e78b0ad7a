//! rustc-style diagnostics for a person: headline, location, the line with
//! the value redacted and underlined, what to do, and one summary line.

use owo_colors::{OwoColorize, Style};
use std::io::{self, Write};

use super::{describe_location, escape, Report};
use crate::detect::Finding;
use crate::policy::Verdict;

/// Longest context line shown; longer ones are cut around the match.
const MAX_CONTEXT: usize = 120;

/// Colours by role; all plain when colour is off.
struct Palette {
    error: Style,
    warning: Style,
    note: Style,
    gutter: Style,
    emphasis: Style,
}

impl Palette {
    fn new(color: bool) -> Palette {
        if !color {
            let plain = Style::new();
            return Palette {
                error: plain,
                warning: plain,
                note: plain,
                gutter: plain,
                emphasis: plain,
            };
        }
        Palette {
            error: Style::new().red().bold(),
            warning: Style::new().yellow().bold(),
            note: Style::new().cyan().bold(),
            gutter: Style::new().blue().bold(),
            emphasis: Style::new().bold(),
        }
    }
}

pub fn write(report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let palette = Palette::new(color);
    for (path, finding, verdict) in report.shown() {
        write_finding(out, &palette, path, finding, verdict)?;
    }
    for skipped in report.skipped() {
        let mut place = vec![escape(&skipped.path)];
        if let Some(cell) = skipped.origin.cell {
            place.push(format!("cell {cell}"));
        }
        if let Some(output) = skipped.origin.output {
            place.push(format!("output {output}"));
        }
        if let Some(name) = &skipped.origin.attachment {
            place.push(format!("attachment {}", escape(name)));
        }
        if let Some(mime) = &skipped.origin.mime {
            place.push(format!("({mime})"));
        }
        writeln!(
            out,
            "{}: not read: {}: {}",
            "note".style(palette.note),
            place.join(", "),
            escape(&skipped.reason)
        )?;
    }
    write_summary(report, out, &palette)
}

fn write_finding(
    out: &mut dyn Write,
    palette: &Palette,
    path: &str,
    finding: &Finding,
    verdict: &Verdict,
) -> io::Result<()> {
    let (label, style) = match verdict {
        Verdict::Block => ("error", palette.error),
        Verdict::Warn => ("warning", palette.warning),
        _ => ("note", palette.note),
    };
    let part = match finding.origin.part {
        Some(part) => format!(" in {}", part_phrase(finding, part)),
        None => String::new(),
    };
    let tail = match verdict {
        Verdict::PreExisting => " (pre-existing: the previous version has it too)",
        _ => "",
    };
    writeln!(
        out,
        "{}{}",
        format!("{label}[{}]", finding.rule_id).style(style),
        format!(": {}{part}{tail}", escape(&finding.message)).style(palette.emphasis)
    )?;
    let mut location = escape(path);
    let described = describe_location(finding);
    if !described.is_empty() {
        location.push_str(", ");
        location.push_str(&described);
    }
    if let Some(introduced) = &finding.introduced_by {
        location.push_str(&format!(" [{}]", escape(introduced)));
    }
    let number = finding.line.to_string();
    let pad = " ".repeat(number.len());
    writeln!(out, "{pad}{} {location}", "-->".style(palette.gutter))?;

    if finding.width > 0 && !finding.context.is_empty() {
        // Escaping can widen what precedes the value (a tab, a control
        // character), so the underline's column is measured after escaping.
        let before: String = finding
            .context
            .chars()
            .take(finding.context_column.saturating_sub(1))
            .collect();
        let column = escape(&before).chars().count() + 1;
        let (shown, column) = clip(&escape(&finding.context), column, finding.width);
        writeln!(out, "{pad} {}", "|".style(palette.gutter))?;
        writeln!(
            out,
            "{} {} {shown}",
            number.style(palette.gutter),
            "|".style(palette.gutter)
        )?;
        writeln!(
            out,
            "{pad} {} {}{}",
            "|".style(palette.gutter),
            " ".repeat(column.saturating_sub(1)),
            "^".repeat(finding.width.max(1)).style(style)
        )?;
    }
    writeln!(
        out,
        "{pad} {} help: {}",
        "=".style(palette.gutter),
        escape(&finding.help)
    )?;
    writeln!(
        out,
        "{pad} {} to allow it: fingerprints = [\"{}\"]",
        "=".style(palette.gutter),
        finding.fingerprint
    )?;
    writeln!(out)
}

fn part_phrase(finding: &Finding, part: crate::extract::PartKind) -> String {
    use crate::extract::PartKind::*;
    match (part, finding.origin.cell_type) {
        (Source, Some(kind)) => format!("a {kind} cell"),
        (Source, None) => "a cell".into(),
        (Output, _) => "an output".into(),
        (Attachment, _) => "an attachment".into(),
        (Metadata, _) => "metadata".into(),
    }
}

/// Cuts a long line around the match; returns the line and the match's new
/// 1-based column.
fn clip(line: &str, column: usize, width: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_CONTEXT {
        return (line.to_string(), column);
    }
    let start = column.saturating_sub(1).saturating_sub(40);
    let end = (column - 1 + width + 40).min(chars.len());
    let mut shown = String::new();
    let mut new_column = column - start;
    if start > 0 {
        shown.push('…');
        new_column += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, new_column)
}

fn write_summary(report: &Report, out: &mut dyn Write, palette: &Palette) -> io::Result<()> {
    let summary = report.summary();
    let mut parts = vec![format!(
        "{} notebook{} scanned",
        summary.notebooks,
        plural(summary.notebooks)
    )];
    parts.push(format!("{} blocking", summary.blocking));
    parts.push(format!(
        "{} warning{}",
        summary.warnings,
        plural(summary.warnings)
    ));
    if summary.preexisting > 0 {
        parts.push(format!("{} pre-existing", summary.preexisting));
    }
    if summary.allowed > 0 {
        parts.push(format!("{} allowed", summary.allowed));
    }
    if summary.skipped > 0 {
        parts.push(format!("{} not read", summary.skipped));
    }
    let head = if summary.blocking > 0 {
        "nbgate: blocked".style(palette.error).to_string()
    } else {
        "nbgate: ok".style(palette.emphasis).to_string()
    };
    writeln!(out, "{head}: {}", parts.join(", "))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
