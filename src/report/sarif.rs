//! SARIF 2.1.0, for code-scanning dashboards: rule metadata, the `.ipynb`
//! line where known, and cell and output in each result's properties.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::{self, Write};

use super::{describe_location, Report};
use crate::detect::RuleSet;
use crate::policy::Verdict;

pub fn write(report: &Report, rules: &RuleSet, out: &mut dyn Write) -> io::Result<()> {
    let value = to_value(report, rules);
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

pub fn to_value(report: &Report, rules: &RuleSet) -> Value {
    let used: BTreeSet<&str> = report.shown().map(|(_, f, _)| f.rule_id.as_str()).collect();
    let mut descriptors: Vec<Value> = rules
        .rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": rule.id.replace(['.', '-'], "_"),
                "shortDescription": {"text": rule.name},
                "help": {"text": rule.help},
                "properties": {"kind": rule.kind.as_str()},
            })
        })
        .collect();
    for id in used {
        if rules.get(id).is_none() {
            descriptors.push(json!({"id": id, "shortDescription": {"text": id}}));
        }
    }

    let results: Vec<Value> = report
        .shown()
        .map(|(path, finding, verdict)| {
            let level = match verdict {
                Verdict::Block => "error",
                Verdict::Warn => "warning",
                _ => "note",
            };
            let mut physical = json!({"artifactLocation": {"uri": path}});
            // SARIF regions need a start line; without one the result points
            // at the whole file.
            if let Some(line) = finding.file_line {
                physical["region"] = json!({"startLine": line});
            }
            let origin = &finding.origin;
            json!({
                "ruleId": finding.rule_id,
                "level": level,
                "message": {"text": format!("{} ({}): {}", finding.message, describe_location(finding), finding.preview)},
                "locations": [{"physicalLocation": physical}],
                "partialFingerprints": {"nbgate/v1": finding.fingerprint},
                "properties": {
                    "cell": origin.cell,
                    "cell_id": origin.cell_id,
                    "part": origin.part.map(|p| p.as_str()),
                    "output": origin.output,
                    "attachment": origin.attachment,
                    "mime": origin.mime,
                    "via": finding.via.as_str(),
                    "preexisting": matches!(verdict, Verdict::PreExisting),
                },
            })
        })
        .collect();

    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "nbgate",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "results": results,
        }],
    })
}
