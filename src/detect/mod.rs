//! Detection runs rules over segments and turns matches into findings.
//!
//! A rule is data (TOML embedded in the binary, see `rules/`): a regex, the
//! keywords that must occur for it to be worth running, and the validators
//! that a value must pass. One Aho-Corasick automaton over every rule's
//! keywords decides which regexes run on a segment, so most text is looked at
//! once. A finding never holds the matched value: only its redacted preview
//! and its fingerprint.

pub mod columns;
pub mod rules;
pub mod validate;

use aho_corasick::AhoCorasick;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::extract::{LocatedTable, Origin, PartKind, Segment, TableRef, Via};
use crate::policy::ValueAllowlist;
pub use rules::{FoundValue, Kind, Rule, RuleDef, RuleError, RuleSet, Sensitivity, Severity};

/// One rule matched at one location.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule_id: String,
    pub kind: Kind,
    pub sensitivity: Sensitivity,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub origin: Origin,
    pub via: Via,
    /// 1-based line and column (in characters) inside the segment.
    pub line: usize,
    pub column: usize,
    /// Column of the value inside `context`.
    pub context_column: usize,
    /// Width of the match in characters, for the underline.
    pub width: usize,
    pub table: Option<TableRef>,
    pub json_path: Option<String>,
    pub file_line: Option<u32>,
    /// The value with all but its first characters masked.
    pub preview: String,
    pub fingerprint: String,
    /// The line the value is on, with the value replaced by its preview.
    pub context: String,
    /// How many distinct values this finding stands for (a table column).
    pub count: usize,
    /// The source line carries a `nbgate: allow` comment.
    pub inline_allow: bool,
    /// Set by policy: the previous version of the notebook held it already.
    pub preexisting: bool,
    /// Set by git sources: the ref and short commit that brought it in.
    pub introduced_by: Option<String>,
    /// Set by policy for contact data: distinct values of the same rule in the
    /// same part, so a customer list blocks where one address only warns.
    pub distinct_in_part: usize,
    /// Fingerprints of the other values a folded column finding stands for.
    pub folded: Vec<String>,
}

/// The hash of a rule id and a value, hex, what allowlists store.
pub fn fingerprint(rule_id: &str, value: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule_id.as_bytes());
    hasher.update([0u8]);
    hasher.update(value.as_bytes());
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The value as it may be shown: the first four characters, then an asterisk
/// for each other one. E-mail addresses keep their first character and their
/// domain.
pub fn preview(rule_id: &str, value: &str) -> String {
    if rule_id == "pii.email" {
        if let Some((local, domain)) = value.split_once('@') {
            let first: String = local.chars().take(1).collect();
            let rest = local.chars().count().saturating_sub(1);
            return format!("{first}{}@{domain}", "*".repeat(rest));
        }
    }
    let shown = if value.chars().count() <= 8 { 1 } else { 4 };
    value
        .chars()
        .enumerate()
        .map(|(i, c)| if i < shown { c } else { '*' })
        .collect()
}

/// Runs rules over text.
pub struct Detector {
    rules: RuleSet,
    keywords: AhoCorasick,
    /// For each keyword pattern, the rules it wakes.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords: they run on every segment.
    always: Vec<usize>,
    /// Values the configuration allows, checked while the value is at hand.
    allowlist: ValueAllowlist,
}

impl Detector {
    pub fn new(rules: RuleSet, allowlist: ValueAllowlist) -> Result<Self, RuleError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (index, rule) in rules.rules.iter().enumerate() {
            if rule.keywords.is_empty() {
                always.push(index);
            }
            for keyword in &rule.keywords {
                let keyword = keyword.to_ascii_lowercase();
                match patterns.iter().position(|p| *p == keyword) {
                    Some(at) => keyword_rules[at].push(index),
                    None => {
                        patterns.push(keyword);
                        keyword_rules.push(vec![index]);
                    }
                }
            }
        }
        let keywords = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&patterns)
            .map_err(|err| RuleError::Invalid {
                rule: "(keywords)".into(),
                why: err.to_string(),
            })?;
        Ok(Detector {
            rules,
            keywords,
            keyword_rules,
            always,
            allowlist,
        })
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The rules whose keywords occur in `text`, and those without keywords.
    fn candidates(&self, text: &str) -> BTreeSet<usize> {
        let mut wanted: BTreeSet<usize> = self.always.iter().copied().collect();
        for hit in self.keywords.find_overlapping_iter(text) {
            wanted.extend(&self.keyword_rules[hit.pattern().as_usize()]);
        }
        wanted
    }

    /// Every finding in one segment.
    pub fn scan_segment(&self, segment: &Segment) -> Vec<Finding> {
        let text = segment.text.as_str();
        let mut matches: Vec<(&Rule, FoundValue)> = Vec::new();
        // Ranges that specific secret rules' patterns matched, valid or not.
        let mut specific: Vec<(usize, usize)> = Vec::new();
        for index in self.candidates(text) {
            let rule = &self.rules.rules[index];
            let mut claimed = Vec::new();
            for found in rule.find_values_claiming(text, &mut claimed) {
                if !self.allowlist.allows(&rule.id, found.value) {
                    matches.push((rule, found));
                }
            }
            if !rule.generic && rule.kind == Kind::Secret {
                specific.extend(claimed);
            }
        }
        // A generic rule gives way where a specific rule's pattern matched
        // the same value: `api_key = "sk-proj-..."` is one OpenAI key, not
        // also an API key, and a GitHub token failing its checksum is not
        // some other token either.
        matches.retain(|(rule, found)| {
            !rule.generic
                || !specific
                    .iter()
                    .any(|&(start, end)| start < found.end && found.start < end)
        });
        // Every value is masked in every context line, so a line holding two
        // secrets never shows one in full beside the other's finding.
        let mut masks: Vec<(usize, usize, String)> = matches
            .iter()
            .map(|(rule, found)| (found.start, found.end, preview(&rule.id, found.value)))
            .collect();
        masks.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        matches
            .iter()
            .map(|(rule, found)| self.finding(rule, segment, found, &masks))
            .collect()
    }

    fn finding(
        &self,
        rule: &Rule,
        segment: &Segment,
        found: &FoundValue,
        masks: &[(usize, usize, String)],
    ) -> Finding {
        let text = segment.text.as_str();
        let (start, end) = (found.start, found.end);
        let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |at| end + at);
        let line_index = text[..line_start].matches('\n').count();
        let preview = preview(&rule.id, found.value);
        // The context is a window around the value: a 20 MB line must not be
        // copied into every finding on it.
        let window_start =
            char_boundary_before(text, start.saturating_sub(CONTEXT_BYTES).max(line_start));
        let window_end = char_boundary_before(text, (end + CONTEXT_BYTES).min(line_end));
        let (mut context, mut context_column) =
            masked_line(text, window_start, window_end, start, masks);
        if window_start > line_start {
            context.insert(0, '…');
            context_column += 1;
        }
        if window_end < line_end {
            context.push('…');
        }
        let column = text[line_start..start].chars().count() + 1;
        Finding {
            rule_id: rule.id.clone(),
            kind: rule.kind,
            sensitivity: rule.sensitivity,
            severity: rule.severity,
            message: rule.name.clone(),
            help: rule.help.clone(),
            origin: (*segment.origin).clone(),
            via: segment.via,
            line: line_index + 1,
            column,
            context_column,
            width: preview.chars().count(),
            table: segment.table.clone(),
            json_path: segment.json_path.clone(),
            file_line: segment.file_line(line_index),
            fingerprint: fingerprint(&rule.id, found.value),
            inline_allow: has_allow_pragma(&text[line_start..line_end]),
            preview,
            context,
            count: 1,
            preexisting: false,
            introduced_by: None,
            distinct_in_part: 1,
            folded: Vec::new(),
        }
    }

    /// Every finding in a table's cells, each cell scanned alone.
    pub fn scan_table_cells(&self, located: &LocatedTable) -> Vec<Finding> {
        let origin = Arc::new(located.origin.clone());
        let mut findings = Vec::new();
        for (row, cells) in located.table.rows.iter().enumerate() {
            for column in 0..cells.len() {
                if let Some(segment) = located.cell_segment(&origin, row, column) {
                    findings.extend(self.scan_segment(&segment));
                }
            }
        }
        findings
    }

    /// Findings for whole table columns: personal data found cell by cell is
    /// folded into one finding per column, and columns whose header names
    /// personal or health data are reported from the header.
    pub fn scan_tables(&self, tables: &[LocatedTable], cell_findings: &mut Vec<Finding>) {
        fold_table_findings(cell_findings);
        drop_mime_twins(cell_findings);
        for located in tables {
            for (column, header) in located.table.headers.iter().enumerate() {
                let values: Vec<&str> = located
                    .table
                    .rows
                    .iter()
                    .filter_map(|row| row.get(column).map(String::as_str))
                    .filter(|v| !v.trim().is_empty())
                    .collect();
                let Some(class) = columns::classify(header, &values) else {
                    continue;
                };
                // One finding per column: not again where a cell rule already
                // reported it, nor for the same output's other MIME type (a
                // DataFrame is shown both as text/html and text/plain).
                let already = cell_findings.iter().any(|f| {
                    let in_column = f.table.as_ref().is_some_and(|t| &t.column == header);
                    in_column
                        && (f.origin == located.origin && f.kind == Kind::Pii
                            || same_part(&f.origin, &located.origin) && f.rule_id == class.rule_id)
                });
                if already {
                    continue;
                }
                let distinct: BTreeSet<&str> = values.iter().copied().collect();
                let preview = format!("column `{header}`");
                let beside_person = located
                    .table
                    .headers
                    .iter()
                    .any(|other| other != header && columns::describes_a_person(other));
                // Values gathered by key (JSON, a printed dict) mix records of
                // every kind: a function call's arguments, famous athletes by
                // sport. They are records of people beside a key about people,
                // or, names aside, when the key holds several values.
                let names = class.rule_id == "pii.column-person-name";
                if located.keyed && !beside_person && (names || distinct.len() < 2) {
                    continue;
                }
                // Names alone are a list; beside another column about the
                // same people (age, salary, e-mail...) they are records.
                let is_list_of_names = names && !beside_person;
                let (severity, note) = if is_list_of_names {
                    (Severity::Warn, " (no other column describes them)")
                } else {
                    (Severity::Block, "")
                };
                // The values, not the header, make the fingerprint: allowing
                // one table must not allow every `name` column.
                let mut identity = header.clone();
                for value in &distinct {
                    identity.push('\0');
                    identity.push_str(value);
                }
                cell_findings.push(Finding {
                    rule_id: class.rule_id.to_string(),
                    kind: Kind::Pii,
                    sensitivity: class.sensitivity,
                    severity,
                    message: format!(
                        "column `{header}`: {} {}{note}",
                        distinct.len(),
                        class.plural
                    ),
                    help: "clear the output, or show aggregates or synthetic data instead".into(),
                    origin: located.origin.clone(),
                    via: located.via,
                    line: 1,
                    column: 1,
                    context_column: 1,
                    width: 0,
                    table: Some(TableRef {
                        row: 1,
                        column: header.clone(),
                    }),
                    json_path: None,
                    file_line: located.file_line,
                    fingerprint: fingerprint(class.rule_id, &identity),
                    context: preview.clone(),
                    preview,
                    count: distinct.len(),
                    inline_allow: false,
                    preexisting: false,
                    introduced_by: None,
                    distinct_in_part: distinct.len(),
                    folded: Vec::new(),
                });
            }
        }
    }
}

/// Bytes of a line kept on each side of a value in a finding's context.
const CONTEXT_BYTES: usize = 160;

/// The nearest char boundary at or before `at`.
fn char_boundary_before(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The line `line_start..line_end` of `text` with every masked range replaced
/// by its preview, and the 1-based character column where the value starting
/// at `value_start` now begins.
fn masked_line(
    text: &str,
    line_start: usize,
    line_end: usize,
    value_start: usize,
    masks: &[(usize, usize, String)],
) -> (String, usize) {
    let mut line = String::new();
    let mut column = 1;
    let mut at = line_start;
    for (start, end, preview) in masks {
        // A mask on another line, or inside one already applied, is skipped.
        if *start >= line_end || *end <= at.max(line_start) {
            continue;
        }
        let start = (*start).max(at);
        line.push_str(&text[at..start]);
        if start == value_start {
            column = line.chars().count() + 1;
        }
        line.push_str(preview);
        at = (*end).min(line_end).max(start);
    }
    if at < line_end {
        line.push_str(&text[at..line_end]);
    }
    (line, column)
}

/// Whether two origins are the same part (cell, output or attachment),
/// whatever MIME type of it each was read from.
fn same_part(a: &Origin, b: &Origin) -> bool {
    a.cell == b.cell && a.part == b.part && a.output == b.output && a.attachment == b.attachment
}

/// Drops a finding whose twin the same output holds under another MIME type:
/// Jupyter keeps a DataFrame as both `text/html` and `text/plain`, and one
/// value is one finding. The twin kept is the one that knows its table
/// column, else the first.
fn drop_mime_twins(findings: &mut Vec<Finding>) {
    type Key = (
        Option<usize>,
        Option<PartKind>,
        Option<usize>,
        Option<String>,
        String,
        String,
    );
    let key = |f: &Finding, fingerprint: &String| -> Key {
        let o = &f.origin;
        (
            o.cell,
            o.part,
            o.output,
            o.attachment.clone(),
            f.rule_id.clone(),
            fingerprint.clone(),
        )
    };
    let mut kept_mime: BTreeMap<Key, Option<String>> = BTreeMap::new();
    let by_preference = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.table.is_some())
        .chain(
            findings
                .iter()
                .enumerate()
                .filter(|(_, f)| f.table.is_none()),
        );
    let mut keep = vec![true; findings.len()];
    for (index, finding) in by_preference {
        match kept_mime.get(&key(finding, &finding.fingerprint)) {
            Some(mime) if *mime != finding.origin.mime => keep[index] = false,
            Some(_) => {}
            None => {
                // A folded column finding covers each value it stands for.
                for fingerprint in std::iter::once(&finding.fingerprint).chain(&finding.folded) {
                    kept_mime.insert(key(finding, fingerprint), finding.origin.mime.clone());
                }
            }
        }
    }
    let mut flags = keep.into_iter();
    findings.retain(|_| flags.next().unwrap_or(true));
}

/// Folds personal-data findings in table cells into one per column and rule.
fn fold_table_findings(findings: &mut Vec<Finding>) {
    let mut folded: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut groups: BTreeMap<(String, String, String), (usize, BTreeSet<String>)> = BTreeMap::new();
    for finding in findings.drain(..) {
        let Some(table) = finding.table.as_ref().filter(|_| finding.kind == Kind::Pii) else {
            folded.push(finding);
            continue;
        };
        let key = (
            format!("{:?}", finding.origin),
            table.column.clone(),
            finding.rule_id.clone(),
        );
        match groups.get_mut(&key) {
            Some((at, values)) => {
                let first = &mut folded[*at];
                if values.insert(finding.fingerprint.clone()) {
                    first.folded.push(finding.fingerprint.clone());
                }
                first.count = values.len();
            }
            None => {
                let values = BTreeSet::from([finding.fingerprint.clone()]);
                groups.insert(key, (folded.len(), values));
                folded.push(finding);
            }
        }
    }
    for finding in &mut folded {
        if finding.count > 1 {
            if let Some(table) = &finding.table {
                finding.message = format!(
                    "{} in column `{}` ({} distinct values)",
                    finding.message, table.column, finding.count
                );
            }
        }
    }
    *findings = folded;
}

/// A source line that says `nbgate: allow` (in any comment style).
fn has_allow_pragma(line: &str) -> bool {
    line.contains("nbgate: allow") || line.contains("nbgate:allow")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_mask_all_but_the_start() {
        assert_eq!(
            preview("secret.x", "AKIAABCDEFGHIJKLMNOP"),
            "AKIA****************"
        );
        assert_eq!(preview("pii.email", "jane.doe@corp.io"), "j*******@corp.io");
        assert_eq!(preview("secret.x", "hunter2"), "h******");
    }

    #[test]
    fn a_table_shown_as_html_and_text_gives_one_column_finding() {
        let detector = Detector::new(
            RuleSet::builtin().expect("built-in rules load"),
            ValueAllowlist::default(),
        )
        .expect("detector builds");
        let table = crate::extract::Table {
            headers: vec!["name".into(), "team".into()],
            rows: vec![
                vec!["Michael Allen".into(), "HR".into()],
                vec!["Nora Hall".into(), "Sales".into()],
            ],
        };
        let located = |mime: &str| LocatedTable {
            table: table.clone(),
            origin: Origin {
                cell: Some(3),
                output: Some(1),
                part: Some(crate::extract::PartKind::Output),
                mime: Some(mime.into()),
                ..Origin::default()
            },
            via: Via::Html,
            file_line: None,
            cell_lines: Vec::new(),
            keyed: false,
        };
        let mut findings = Vec::new();
        detector.scan_tables(
            &[located("text/html"), located("text/plain")],
            &mut findings,
        );
        let ids: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
        assert_eq!(ids, ["pii.column-person-name"]);
    }

    #[test]
    fn fingerprints_depend_on_rule_and_value() {
        assert_eq!(fingerprint("a", "v"), fingerprint("a", "v"));
        assert_ne!(fingerprint("a", "v"), fingerprint("b", "v"));
        assert_eq!(fingerprint("a", "v").len(), 32);
    }
}
