//! The JSON report, schema version 1: what tests and other tools read.

use serde_json::{json, Value};
use std::io::{self, Write};

use super::Report;
use crate::detect::Finding;
use crate::policy::Verdict;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let value = to_value(report);
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

pub fn to_value(report: &Report) -> Value {
    let findings: Vec<Value> = report
        .shown()
        .map(|(path, finding, verdict)| finding_value(path, finding, verdict))
        .collect();
    let skipped: Vec<Value> = report
        .skipped()
        .map(|s| {
            json!({
                "path": s.path,
                "cell": s.origin.cell,
                "output": s.origin.output,
                "attachment": s.origin.attachment,
                "mime": s.origin.mime,
                "reason": s.reason,
            })
        })
        .collect();
    let summary = report.summary();
    json!({
        "version": 1,
        "findings": findings,
        "skipped": skipped,
        "summary": {
            "notebooks": summary.notebooks,
            "findings": summary.findings,
            "blocking": summary.blocking,
            "warnings": summary.warnings,
            "preexisting": summary.preexisting,
            "allowed": summary.allowed,
        },
    })
}

fn finding_value(path: &str, finding: &Finding, verdict: &Verdict) -> Value {
    let severity = match verdict {
        Verdict::Block => "block",
        _ => "warn",
    };
    let origin = &finding.origin;
    json!({
        "rule": finding.rule_id,
        "kind": finding.kind.as_str(),
        "severity": severity,
        "preexisting": matches!(verdict, Verdict::PreExisting),
        "message": finding.message,
        "path": path,
        "cell": origin.cell,
        "cell_id": origin.cell_id,
        "cell_type": origin.cell_type,
        "part": origin.part.map(|p| p.as_str()),
        "output": origin.output,
        "output_type": origin.output_type,
        "attachment": origin.attachment,
        "mime": origin.mime,
        "line": finding.line,
        "column": finding.column,
        "table": finding.table.as_ref().map(|t| json!({"row": t.row, "column": t.column})),
        "json_path": finding.json_path,
        "count": finding.count,
        "file_line": finding.file_line,
        "preview": finding.preview,
        "fingerprint": finding.fingerprint,
        "via": finding.via.as_str(),
        "introduced_by": finding.introduced_by,
    })
}
