//! End-to-end tests of the core: the real binary scans notebooks written the
//! way Jupyter writes them (nbformat 4.0, 4.5 and 3, one-space indent), and
//! every finding must say where it is, down to the `.ipynb` line, without
//! ever printing a value in full.

use serde::Serialize;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const AWS: &str = "AKIAQYLPMN5HHHFPZAM2";
// Its last six characters are the CRC-32 checksum GitHub tokens carry.
const GITHUB: &str = "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";
const EMAIL: &str = "jane.doe@acme-corp.com";
// Not the famous 4111 1111 1111 1111: one digit repeated is a documentation value.
const CARD: &str = "4539 1488 0343 6467";
const DB_PASSWORD: &str = "Tr0ub4dor3x";
const DB_URL: &str = "postgresql://analyst:Tr0ub4dor3x@db.internal:5432/sales";
const PASSWORD: &str = "Sup3rS3cret!2024";
const KEY_BODY: &str = "MIIEpAIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HECdnH";

/// Everything that must never be printed in full.
const SECRETS: &[&str] = &[AWS, GITHUB, EMAIL, CARD, DB_PASSWORD, PASSWORD, KEY_BODY];

/// A real 1x1 PNG.
const TINY_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// Writes a notebook as Jupyter does (`json.dumps(nb, indent=1)`).
fn write_notebook(dir: &Path, name: &str, notebook: &Value) -> (PathBuf, String) {
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    notebook.serialize(&mut serializer).unwrap();
    bytes.push(b'\n');
    let path = dir.join(name);
    std::fs::write(&path, &bytes).unwrap();
    (path, String::from_utf8(bytes).unwrap())
}

/// The 1-based line of the only line of `text` holding `marker`.
fn line_of(text: &str, marker: &str) -> u64 {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(marker))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "marker {marker:?} must be on exactly one line"
    );
    lines[0] as u64
}

/// The 1-based character column of `needle` in `line`.
fn column_of(line: &str, needle: &str) -> u64 {
    let byte = line.find(needle).unwrap();
    line[..byte].chars().count() as u64 + 1
}

fn nbgate(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nbgate"))
        .args(args)
        .current_dir(dir)
        .env_remove("NBGATE_OCR_MODELS")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Runs a JSON scan; checks the run printed no value in full.
fn scan_json(dir: &Path, path: &Path) -> (i32, Value) {
    let out = nbgate(
        &[
            "scan",
            "--format",
            "json",
            "--ocr",
            "off",
            path.to_str().unwrap(),
        ],
        dir,
    );
    assert_no_secret(&out);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().unwrap(), report)
}

fn assert_no_secret(out: &Output) {
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret} printed in full:\n{text}");
        }
    }
}

/// What a finding must say; `None` fields are not checked.
#[derive(Default, Clone)]
struct Expect<'a> {
    rule: &'a str,
    cell: Value,
    cell_id: Value,
    cell_type: Value,
    part: Value,
    output: Value,
    output_type: Value,
    mime: Value,
    line: u64,
    column: u64,
    table: Value,
    json_path: Value,
    attachment: Value,
    file_line: u64,
    preview: &'a str,
    via: &'a str,
}

/// The one finding at the expected place (rule, cell, part, output, MIME
/// type, table cell and JSON path), checked field by field.
fn check(report: &Value, want: &Expect) {
    let findings = report["findings"].as_array().unwrap();
    let matching: Vec<&Value> = findings
        .iter()
        .filter(|f| {
            f["rule"] == want.rule
                && f["cell"] == want.cell
                && f["part"] == want.part
                && f["output"] == want.output
                && f["mime"] == want.mime
                && f["table"] == want.table
                && f["json_path"] == want.json_path
                && f["attachment"] == want.attachment
                && f["via"] == want.via
        })
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "expected one {} in cell {} part {} output {} mime {} via {}; findings: {:#}",
        want.rule,
        want.cell,
        want.part,
        want.output,
        want.mime,
        want.via,
        report["findings"]
    );
    let f = matching[0];
    let context = format!("{f:#}");
    assert_eq!(f["cell_id"], want.cell_id, "{context}");
    assert_eq!(f["cell_type"], want.cell_type, "{context}");
    assert_eq!(f["output_type"], want.output_type, "{context}");
    assert_eq!(f["line"], want.line, "{context}");
    assert_eq!(f["column"], want.column, "{context}");
    assert_eq!(f["file_line"], want.file_line, "{context}");
    assert_eq!(f["preview"], want.preview, "{context}");
    for key in ["kind", "severity", "message", "path", "fingerprint"] {
        assert!(f[key].is_string(), "{key} missing: {context}");
    }
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
}

const AWS_PREVIEW: &str = "AKIA****************";
const GITHUB_PREVIEW: &str = "ghp_************************************";
const EMAIL_PREVIEW: &str = "j*******@acme-corp.com";
const CARD_PREVIEW: &str = "4539***************";
const DB_PREVIEW: &str = "Tr0u*******";

/// pandas' `to_html()` of a two-row frame, one tag per line.
fn pandas_html() -> Vec<String> {
    [
        "<table border=\"1\" class=\"dataframe\">",
        "  <thead>",
        "    <tr style=\"text-align: right;\">",
        "      <th></th>",
        "      <th>name</th>",
        "      <th>email</th>",
        "    </tr>",
        "  </thead>",
        "  <tbody>",
        "    <tr>",
        "      <th>0</th>",
        "      <td>Jane Doe</td>",
        "      <td>jane.doe@acme-corp.com</td>",
        "    </tr>",
        "    <tr>",
        "      <th>1</th>",
        "      <td>Bob Lee</td>",
        "      <td>NaN</td>",
        "    </tr>",
        "  </tbody>",
        "</table>",
    ]
    .iter()
    .map(|line| format!("{line}\n"))
    .collect()
}

/// The same frame's `text/plain` repr.
fn pandas_text() -> Vec<String> {
    vec![
        "       name                   email\n".into(),
        "0  Jane Doe  jane.doe@acme-corp.com\n".into(),
        "1   Bob Lee                     NaN".into(),
    ]
}

fn v4_notebook(minor: u32) -> Value {
    let with_id = |id: &str, mut cell: Value| {
        if minor >= 5 {
            cell["id"] = json!(id);
        }
        cell
    };
    json!({
        "nbformat": 4,
        "nbformat_minor": minor,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "owner": format!("loc-nbmeta {DB_URL}"),
        },
        "cells": [
            with_id("c-code", json!({
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {"tags": ["demo"], "reviewer": format!("loc-cellmeta {EMAIL}")},
                "source": ["import boto3\n", format!("key = \"{AWS}\"  # loc-src")],
                "outputs": [
                    {"output_type": "stream", "name": "stdout",
                     "text": ["connecting\n", format!("token {GITHUB} loc-stream\n")]},
                    {"output_type": "execute_result", "execution_count": 1, "metadata": {},
                     "data": {"text/plain": [format!("card {CARD} loc-result")]}},
                    {"output_type": "error", "ename": "ValueError", "evalue": "bad",
                     "traceback": [
                        "\u{1b}[0;31m---------------------------------------------------------\u{1b}[0m\n",
                        format!("\u{1b}[0;31mValueError\u{1b}[0m: db {DB_URL} loc-trace"),
                     ]},
                ],
            })),
            with_id("c-md", json!({
                "cell_type": "markdown",
                "metadata": {},
                "source": ["# Notes\n", format!("Contact {EMAIL} for access loc-md")],
                "attachments": {
                    "note.txt": {"text/plain": format!("loc-attach {AWS}")},
                },
            })),
            with_id("c-raw", json!({
                "cell_type": "raw",
                "metadata": {},
                "source": format!("db_password = \"{PASSWORD}\" loc-raw"),
            })),
            with_id("c-rich", json!({
                "cell_type": "code",
                "execution_count": 2,
                "metadata": {},
                "source": ["display(df)"],
                "outputs": [
                    {"output_type": "display_data", "metadata": {},
                     "data": {"text/html": pandas_html(), "text/plain": pandas_text()}},
                    {"output_type": "display_data", "metadata": {},
                     "data": {"text/markdown": [format!("**Key**: {AWS} loc-markdown")]}},
                    {"output_type": "display_data", "metadata": {},
                     "data": {"text/latex": [format!("$\\text{{{GITHUB}}}$ loc-latex")]}},
                    {"output_type": "display_data", "metadata": {},
                     "data": {"text/html": [
                        "<div>chart</div>\n",
                        "<script>\n",
                        format!("var cfg = {{token: \"{GITHUB}\"}};  // loc-script\n"),
                        "</script>\n",
                     ]}},
                    {"output_type": "display_data", "metadata": {},
                     "data": {
                        "application/json": {"user": {"email": format!("{EMAIL}")}},
                        "application/vnd.acme.report+json": {"items": [format!("{AWS}")]},
                     }},
                    {"output_type": "display_data", "metadata": {},
                     "data": {"image/svg+xml": [
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\n",
                        "<path d=\"M 0 0 L 10 10\"/>\n",
                        format!("<text x=\"1\" y=\"5\">loc-svg {AWS}</text>\n"),
                        "</svg>\n",
                     ]}},
                    {"output_type": "display_data", "metadata": {},
                     "data": {"image/png": TINY_PNG, "text/plain": ["<Figure size 1x1>"]}},
                ],
            })),
        ],
    })
}

#[test]
fn v4_5_every_part_kind_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = write_notebook(dir.path(), "all.ipynb", &v4_notebook(5));
    let (code, report) = scan_json(dir.path(), &path);
    assert_eq!(code, 1, "{report:#}");

    let output = |n: u64, kind: &str, mime: Option<&str>| (json!(n), json!(kind), json!(mime));
    let code_cell = |output: (Value, Value, Value)| Expect {
        cell: json!(1),
        cell_id: json!("c-code"),
        cell_type: json!("code"),
        part: json!("output"),
        output: output.0,
        output_type: output.1,
        mime: output.2,
        line: 1,
        column: 1,
        ..Expect::default()
    };
    let rich_cell = |output: (Value, Value, Value)| Expect {
        cell: json!(4),
        cell_id: json!("c-rich"),
        ..code_cell(output)
    };

    // Code source.
    check(
        &report,
        &Expect {
            rule: "secret.aws-access-key-id",
            part: json!("source"),
            output: Value::Null,
            output_type: Value::Null,
            mime: Value::Null,
            line: 2,
            column: column_of(&format!("key = \"{AWS}\""), AWS),
            file_line: line_of(&file, "loc-src"),
            preview: AWS_PREVIEW,
            via: "text",
            ..code_cell(output(0, "", None))
        },
    );
    // Cell metadata.
    check(
        &report,
        &Expect {
            rule: "pii.email",
            part: json!("metadata"),
            output: Value::Null,
            output_type: Value::Null,
            mime: Value::Null,
            json_path: json!("$.metadata.reviewer"),
            column: column_of(&format!("loc-cellmeta {EMAIL}"), EMAIL),
            file_line: line_of(&file, "loc-cellmeta"),
            preview: EMAIL_PREVIEW,
            via: "json",
            ..code_cell(output(0, "", None))
        },
    );
    // Stream.
    check(
        &report,
        &Expect {
            rule: "secret.github-pat-classic",
            line: 2,
            column: 7,
            file_line: line_of(&file, "loc-stream"),
            preview: GITHUB_PREVIEW,
            via: "text",
            ..code_cell(output(1, "stream", Some("text/plain")))
        },
    );
    // execute_result text/plain.
    check(
        &report,
        &Expect {
            rule: "pii.payment-card",
            column: 6,
            file_line: line_of(&file, "loc-result"),
            preview: CARD_PREVIEW,
            via: "text",
            ..code_cell(output(2, "execute_result", Some("text/plain")))
        },
    );
    // Error with ANSI codes: columns count in the text without them.
    check(
        &report,
        &Expect {
            rule: "secret.database-url",
            line: 2,
            column: column_of(&format!("ValueError: db {DB_URL}"), DB_PASSWORD),
            file_line: line_of(&file, "loc-trace"),
            preview: DB_PREVIEW,
            via: "text",
            ..code_cell(output(3, "error", None))
        },
    );
    // Markdown source and its attachment.
    let markdown = Expect {
        cell: json!(2),
        cell_id: json!("c-md"),
        cell_type: json!("markdown"),
        part: json!("source"),
        ..Expect::default()
    };
    check(
        &report,
        &Expect {
            rule: "pii.email",
            line: 2,
            column: 9,
            file_line: line_of(&file, "loc-md"),
            preview: EMAIL_PREVIEW,
            via: "text",
            ..markdown.clone()
        },
    );
    check(
        &report,
        &Expect {
            rule: "secret.aws-access-key-id",
            part: json!("attachment"),
            attachment: json!("note.txt"),
            mime: json!("text/plain"),
            line: 1,
            column: 12,
            file_line: line_of(&file, "loc-attach"),
            preview: AWS_PREVIEW,
            via: "text",
            cell: json!(2),
            cell_id: json!("c-md"),
            cell_type: json!("markdown"),
            ..Expect::default()
        },
    );
    // Raw source.
    check(
        &report,
        &Expect {
            rule: "secret.password-assignment",
            cell: json!(3),
            cell_id: json!("c-raw"),
            cell_type: json!("raw"),
            part: json!("source"),
            line: 1,
            column: column_of(&format!("db_password = \"{PASSWORD}\""), PASSWORD),
            file_line: line_of(&file, "loc-raw"),
            preview: "Sup3************",
            via: "text",
            ..Expect::default()
        },
    );
    // A DataFrame in HTML: the finding names the table row and column, and
    // the line of its `<td>`.
    check(
        &report,
        &Expect {
            rule: "pii.email",
            table: json!({"row": 1, "column": "email"}),
            file_line: line_of(&file, "<td>jane.doe@acme-corp.com</td>"),
            preview: EMAIL_PREVIEW,
            via: "html",
            ..rich_cell(output(1, "display_data", Some("text/html")))
        },
    );
    // ...and not again from the same frame's text repr: one value, one finding.
    let text_twins = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["cell"] == 4 && f["output"] == 1 && f["mime"] == "text/plain")
        .count();
    assert_eq!(text_twins, 0, "{report:#}");
    // text/markdown and text/latex outputs.
    check(
        &report,
        &Expect {
            rule: "secret.aws-access-key-id",
            column: 10,
            file_line: line_of(&file, "loc-markdown"),
            preview: AWS_PREVIEW,
            via: "text",
            ..rich_cell(output(2, "display_data", Some("text/markdown")))
        },
    );
    check(
        &report,
        &Expect {
            rule: "secret.github-pat-classic",
            column: 8,
            file_line: line_of(&file, "loc-latex"),
            preview: GITHUB_PREVIEW,
            via: "text",
            ..rich_cell(output(3, "display_data", Some("text/latex")))
        },
    );
    // A `<script>`: scanned, apart from the visible text.
    check(
        &report,
        &Expect {
            rule: "secret.github-pat-classic",
            line: 2,
            column: column_of("var cfg = {token: \"ghp_", "ghp_"),
            file_line: line_of(&file, "loc-script"),
            preview: GITHUB_PREVIEW,
            via: "html",
            ..rich_cell(output(4, "display_data", Some("text/html")))
        },
    );
    // JSON outputs: the JSON path says where.
    check(
        &report,
        &Expect {
            rule: "pii.email",
            json_path: json!("$.user.email"),
            file_line: line_of(&file, "\"email\": \"jane.doe"),
            preview: EMAIL_PREVIEW,
            via: "json",
            ..rich_cell(output(5, "display_data", Some("application/json")))
        },
    );
    check(
        &report,
        &Expect {
            rule: "secret.aws-access-key-id",
            json_path: json!("$.items[0]"),
            file_line: line_of(&file, &format!("    \"{AWS}\"")),
            preview: AWS_PREVIEW,
            via: "json",
            ..rich_cell(output(
                5,
                "display_data",
                Some("application/vnd.acme.report+json"),
            ))
        },
    );
    // SVG text, not its path data.
    check(
        &report,
        &Expect {
            rule: "secret.aws-access-key-id",
            column: 9,
            file_line: line_of(&file, "loc-svg"),
            preview: AWS_PREVIEW,
            via: "html",
            ..rich_cell(output(6, "display_data", Some("image/svg+xml")))
        },
    );
    // Notebook metadata.
    check(
        &report,
        &Expect {
            rule: "secret.database-url",
            part: json!("metadata"),
            json_path: json!("$.metadata.owner"),
            line: 1,
            column: column_of(&format!("loc-nbmeta {DB_URL}"), DB_PASSWORD),
            file_line: line_of(&file, "loc-nbmeta"),
            preview: DB_PREVIEW,
            via: "json",
            ..Expect::default()
        },
    );

    // Table values are scanned once, as cells, never again in the text.
    let in_tables_only = |mime: &str| {
        report["findings"].as_array().unwrap().iter().all(|f| {
            !(f["cell"] == 4 && f["output"] == 1 && f["mime"] == mime && f["table"].is_null())
        })
    };
    assert!(in_tables_only("text/html"), "{report:#}");
    assert!(in_tables_only("text/plain"), "{report:#}");

    // The image is listed as not read, never scanned as text.
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{report:#}");
    assert_eq!(skipped[0]["cell"], 4);
    assert_eq!(skipped[0]["output"], 7);
    assert_eq!(skipped[0]["mime"], "image/png");
    assert!(skipped[0]["reason"]
        .as_str()
        .unwrap()
        .contains("OCR is off"));
    assert!(skipped[0]["path"].as_str().unwrap().ends_with("all.ipynb"));
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["mime"] != "image/png"));
}

#[test]
fn json_report_schema() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = write_notebook(dir.path(), "all.ipynb", &v4_notebook(5));
    let (_, report) = scan_json(dir.path(), &path);
    assert_eq!(report["version"], 1);
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.len() >= 17, "{report:#}");
    let fields = [
        "rule",
        "kind",
        "severity",
        "preexisting",
        "message",
        "path",
        "cell",
        "cell_id",
        "cell_type",
        "part",
        "output",
        "output_type",
        "attachment",
        "mime",
        "line",
        "column",
        "table",
        "json_path",
        "count",
        "file_line",
        "preview",
        "fingerprint",
        "via",
        "introduced_by",
    ];
    for finding in findings {
        for field in fields {
            assert!(
                finding.get(field).is_some(),
                "{field} missing from {finding:#}"
            );
        }
        assert!(["block", "warn"].contains(&finding["severity"].as_str().unwrap()));
        assert!(["secret", "pii", "nbgate"].contains(&finding["kind"].as_str().unwrap()));
        assert!(finding["line"].as_u64().unwrap() >= 1);
        assert!(finding["column"].as_u64().unwrap() >= 1);
        assert!(finding["file_line"].as_u64().unwrap() >= 1);
    }
    let summary = &report["summary"];
    assert_eq!(summary["notebooks"], 1);
    assert_eq!(summary["findings"].as_u64().unwrap(), findings.len() as u64);
    let blocking = findings.iter().filter(|f| f["severity"] == "block").count();
    assert_eq!(summary["blocking"].as_u64().unwrap(), blocking as u64);
    assert!(blocking > 0);
    assert!(report["skipped"].is_array());
}

#[test]
fn v4_0_without_cell_ids() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = write_notebook(dir.path(), "old.ipynb", &v4_notebook(0));
    assert!(!file.contains("\"id\""));
    let (code, report) = scan_json(dir.path(), &path);
    assert_eq!(code, 1);
    check(
        &report,
        &Expect {
            rule: "secret.aws-access-key-id",
            cell: json!(1),
            cell_id: Value::Null,
            cell_type: json!("code"),
            part: json!("source"),
            line: 2,
            column: 8,
            file_line: line_of(&file, "loc-src"),
            preview: AWS_PREVIEW,
            via: "text",
            ..Expect::default()
        },
    );
}

fn v3_notebook() -> Value {
    json!({
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "legacy"},
        "worksheets": [
            {"cells": [
                {"cell_type": "heading", "level": 1, "metadata": {},
                 "source": [format!("Owner {EMAIL} loc-heading")]},
                {"cell_type": "code", "language": "python", "collapsed": false, "metadata": {},
                 "input": ["import os\n", format!("db = \"{DB_URL}\"  # loc-input")],
                 "prompt_number": 1,
                 "outputs": [
                    {"output_type": "pyout", "prompt_number": 1, "metadata": {},
                     "text": [format!("'{AWS}' loc-pyout")],
                     "html": pandas_html()},
                    {"output_type": "pyerr", "ename": "KeyError", "evalue": "'x'",
                     "traceback": [
                        "\u{1b}[1;31m---------------------------------------------------\u{1b}[0m\n",
                        format!("\u{1b}[1;31mKeyError\u{1b}[0m: token {GITHUB} loc-pyerr"),
                     ]},
                    {"output_type": "display_data", "metadata": {},
                     "json": {"contact": format!("{EMAIL}")},
                     "png": TINY_PNG},
                 ]},
            ]},
            {"cells": [
                {"cell_type": "markdown", "metadata": {},
                 "source": [format!("Second sheet {AWS} loc-sheet2")]},
                {"cell_type": "raw", "metadata": {},
                 "source": ["-----BEGIN RSA PRIVATE KEY-----\n", format!("{KEY_BODY}\n"),
                            "-----END RSA PRIVATE KEY-----\n"]},
            ]},
        ],
    })
}

#[test]
fn v3_worksheets_outputs_and_heading_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = write_notebook(dir.path(), "v3.ipynb", &v3_notebook());
    let (code, report) = scan_json(dir.path(), &path);
    assert_eq!(code, 1, "{report:#}");

    check(
        &report,
        &Expect {
            rule: "pii.email",
            cell: json!(1),
            cell_type: json!("heading"),
            part: json!("source"),
            line: 1,
            column: 7,
            file_line: line_of(&file, "loc-heading"),
            preview: EMAIL_PREVIEW,
            via: "text",
            ..Expect::default()
        },
    );
    let code_cell = Expect {
        cell: json!(2),
        cell_type: json!("code"),
        part: json!("output"),
        line: 1,
        column: 1,
        ..Expect::default()
    };
    check(
        &report,
        &Expect {
            rule: "secret.database-url",
            part: json!("source"),
            line: 2,
            column: column_of(&format!("db = \"{DB_URL}"), DB_PASSWORD),
            file_line: line_of(&file, "loc-input"),
            preview: DB_PREVIEW,
            via: "text",
            ..code_cell.clone()
        },
    );
    check(
        &report,
        &Expect {
            rule: "secret.aws-access-key-id",
            output: json!(1),
            output_type: json!("pyout"),
            mime: json!("text/plain"),
            column: 2,
            file_line: line_of(&file, "loc-pyout"),
            preview: AWS_PREVIEW,
            via: "text",
            ..code_cell.clone()
        },
    );
    check(
        &report,
        &Expect {
            rule: "pii.email",
            output: json!(1),
            output_type: json!("pyout"),
            mime: json!("text/html"),
            table: json!({"row": 1, "column": "email"}),
            file_line: line_of(&file, "<td>jane.doe@acme-corp.com</td>"),
            preview: EMAIL_PREVIEW,
            via: "html",
            ..code_cell.clone()
        },
    );
    check(
        &report,
        &Expect {
            rule: "secret.github-pat-classic",
            output: json!(2),
            output_type: json!("pyerr"),
            line: 2,
            column: 17,
            file_line: line_of(&file, "loc-pyerr"),
            preview: GITHUB_PREVIEW,
            via: "text",
            ..code_cell.clone()
        },
    );
    check(
        &report,
        &Expect {
            rule: "pii.email",
            output: json!(3),
            output_type: json!("display_data"),
            mime: json!("application/json"),
            json_path: json!("$.contact"),
            file_line: line_of(&file, "\"contact\": \"jane"),
            preview: EMAIL_PREVIEW,
            via: "json",
            ..code_cell.clone()
        },
    );
    // The second worksheet numbers on.
    check(
        &report,
        &Expect {
            rule: "secret.aws-access-key-id",
            cell: json!(3),
            cell_type: json!("markdown"),
            part: json!("source"),
            line: 1,
            column: 14,
            file_line: line_of(&file, "loc-sheet2"),
            preview: AWS_PREVIEW,
            via: "text",
            ..Expect::default()
        },
    );
    check(
        &report,
        &Expect {
            rule: "secret.private-key",
            cell: json!(4),
            cell_type: json!("raw"),
            part: json!("source"),
            line: 1,
            column: 1,
            file_line: line_of(&file, "BEGIN RSA PRIVATE KEY"),
            // The header, the line break and the key's first line (64 characters).
            preview: &format!("----{}", "*".repeat(31 + 1 + 64 - 4)),
            via: "text",
            ..Expect::default()
        },
    );
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["mime"], "image/png");
    assert_eq!(skipped[0]["cell"], 2);
    assert_eq!(skipped[0]["output"], 3);
}

fn unreadable(report: &Value) -> &Value {
    let findings = report["findings"].as_array().unwrap();
    let found: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "nbgate.unreadable")
        .collect();
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["severity"], "block");
    found[0]
}

#[test]
fn broken_notebooks_block_and_are_scanned_raw() {
    let dir = tempfile::tempdir().unwrap();

    // Not JSON at all, a secret inside.
    let invalid = dir.path().join("invalid.ipynb");
    std::fs::write(&invalid, format!("{{\"cells\": [\n  oops {AWS}\n")).unwrap();
    let (code, report) = scan_json(dir.path(), &invalid);
    assert_eq!(code, 1);
    let why = unreadable(&report);
    assert!(why["message"].as_str().unwrap().contains("JSON"), "{why:#}");
    let raw: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "secret.aws-access-key-id")
        .collect();
    assert_eq!(raw.len(), 1);
    assert_eq!(raw[0]["via"], "raw");
    assert_eq!(raw[0]["line"], 2);
    assert_eq!(raw[0]["file_line"], 2);

    // A real notebook cut in half.
    let (_, text) = write_notebook(dir.path(), "whole.ipynb", &v4_notebook(5));
    let truncated = dir.path().join("truncated.ipynb");
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let (code, report) = scan_json(dir.path(), &truncated);
    assert_eq!(code, 1);
    unreadable(&report);

    // JSON of the wrong shape.
    let shape = dir.path().join("shape.ipynb");
    std::fs::write(
        &shape,
        r#"{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": {"a": 1}}"#,
    )
    .unwrap();
    let (code, report) = scan_json(dir.path(), &shape);
    assert_eq!(code, 1);
    let why = unreadable(&report);
    assert!(
        why["message"].as_str().unwrap().contains("not a list"),
        "{why:#}"
    );
}

#[test]
fn non_utf8_bytes_are_read_lossily() {
    let dir = tempfile::tempdir().unwrap();
    let (_, text) = write_notebook(dir.path(), "tmp.ipynb", &v4_notebook(5));
    // Invalid UTF-8 inside a JSON string.
    let mut bytes = text.replace("# Notes", "# Notes XX").into_bytes();
    let at = bytes.windows(2).position(|w| w == b"XX").unwrap();
    bytes.splice(at..at + 2, [0xff, 0xfe]);
    let path = dir.path().join("latin.ipynb");
    std::fs::write(&path, &bytes).unwrap();
    let (code, report) = scan_json(dir.path(), &path);
    assert_eq!(code, 1);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "nbgate.unreadable"));
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "pii.email" && f["cell"] == 2));
}

fn clean_notebook() -> Value {
    json!({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "execution_count": null,
                   "source": ["print('hello')"], "outputs": []}],
    })
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (clean, _) = write_notebook(dir.path(), "clean.ipynb", &clean_notebook());
    let (code, report) = scan_json(dir.path(), &clean);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["findings"], 0);

    let (dirty, _) = write_notebook(dir.path(), "dirty.ipynb", &v4_notebook(5));
    assert_eq!(scan_json(dir.path(), &dirty).0, 1);

    let missing = nbgate(&["scan", "--ocr", "off", "no-such.ipynb"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such.ipynb"));

    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[scan]\nno_such_key = 1\n").unwrap();
    let bad = nbgate(
        &[
            "scan",
            "--ocr",
            "off",
            "--config",
            config.to_str().unwrap(),
            "clean.ipynb",
        ],
        dir.path(),
    );
    assert_eq!(
        bad.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let absent = nbgate(
        &[
            "scan",
            "--ocr",
            "off",
            "--config",
            "absent.toml",
            "clean.ipynb",
        ],
        dir.path(),
    );
    assert_eq!(absent.status.code(), Some(2));
}

#[test]
fn dash_reads_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let (_, text) = write_notebook(dir.path(), "x.ipynb", &v4_notebook(5));
    let mut child = Command::new(env!("CARGO_BIN_EXE_nbgate"))
        .args(["scan", "--format", "json", "--ocr", "off", "-"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_no_secret(&out);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &report["findings"][0];
    assert_eq!(first["path"], "<stdin>");
    check(
        &report,
        &Expect {
            rule: "secret.aws-access-key-id",
            cell: json!(1),
            cell_id: json!("c-code"),
            cell_type: json!("code"),
            part: json!("source"),
            line: 2,
            column: 8,
            file_line: line_of(&text, "loc-src"),
            preview: AWS_PREVIEW,
            via: "text",
            ..Expect::default()
        },
    );
}

#[test]
fn sarif_output() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = write_notebook(dir.path(), "all.ipynb", &v4_notebook(5));
    let (_, json_report) = scan_json(dir.path(), &path);
    let out = nbgate(
        &[
            "scan",
            "--format",
            "sarif",
            "--ocr",
            "off",
            path.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_no_secret(&out);
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "nbgate");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in [
        "secret.aws-access-key-id",
        "pii.email",
        "secret.private-key",
    ] {
        assert!(rules.contains(&id), "{id} not in {rules:?}");
    }
    let results = run["results"].as_array().unwrap();
    let findings = json_report["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for (result, finding) in results.iter().zip(findings) {
        assert_eq!(result["ruleId"], finding["rule"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], finding["file_line"]);
        assert_eq!(result["properties"]["cell"], finding["cell"]);
        assert_eq!(result["properties"]["output"], finding["output"]);
        assert!(result["level"] == "error" || result["level"] == "warning");
    }
}

#[test]
fn human_output_escapes_terminal_controls() {
    let dir = tempfile::tempdir().unwrap();
    let notebook = json!({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "markdown", "id": "m", "metadata": {},
                   "source": [format!("Clear \u{1b}[2J the screen, token {GITHUB}")]}],
    });
    let (path, _) = write_notebook(dir.path(), "esc.ipynb", &notebook);
    let path = path.to_str().unwrap();

    let plain = nbgate(
        &["scan", "--ocr", "off", "--color", "never", path],
        dir.path(),
    );
    assert_no_secret(&plain);
    assert_eq!(plain.status.code(), Some(1));
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(text.contains("secret.github-pat-classic"), "{text}");
    assert!(
        text.contains("\\u{1b}[2J"),
        "the escape is shown escaped: {text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "no ESC at all without colour: {text}"
    );

    let coloured = nbgate(
        &["scan", "--ocr", "off", "--color", "always", path],
        dir.path(),
    );
    assert_no_secret(&coloured);
    let text = String::from_utf8_lossy(&coloured.stdout);
    assert!(text.contains('\u{1b}'), "colour is on");
    assert!(
        !text.contains("\u{1b}[2J"),
        "notebook content never reaches the terminal raw"
    );
}
