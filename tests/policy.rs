//! Policy end to end: every way of allowing a finding, the default grading of
//! contact data by part, and configuration errors, through the real binary.

use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

const AWS_KEY: &str = "AKIAQYLPMN5HHHFPZAM2";

fn code_cell(source: &str, tags: &[&str]) -> Value {
    json!({"cell_type": "code", "execution_count": 1, "metadata": {"tags": tags},
           "outputs": [], "source": source})
}

fn notebook(cells: Vec<Value>) -> Value {
    json!({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
}

/// Runs `nbgate scan --format json` in `dir` on `nb.ipynb`; returns the exit
/// code and the report.
fn scan(dir: &Path, notebook: &Value, config: Option<&str>) -> (i32, Value) {
    std::fs::write(
        dir.join("nb.ipynb"),
        serde_json::to_vec_pretty(notebook).unwrap(),
    )
    .unwrap();
    if let Some(config) = config {
        std::fs::write(dir.join(".nbgate.toml"), config).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_nbgate"))
        .args(["scan", "--format", "json", "--ocr", "off", "nb.ipynb"])
        .current_dir(dir)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap_or(-1), report)
}

fn rules_found(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|findings| {
            findings
                .iter()
                .map(|f| {
                    format!(
                        "{}:{}",
                        f["rule"].as_str().unwrap(),
                        f["severity"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn aws_notebook(tags: &[&str]) -> Value {
    notebook(vec![code_cell(&format!("key = \"{AWS_KEY}\"\n"), tags)])
}

#[test]
fn a_secret_blocks_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let (code, report) = scan(dir.path(), &aws_notebook(&[]), None);
    assert_eq!(code, 1);
    assert_eq!(rules_found(&report), ["secret.aws-access-key-id:block"]);
}

#[test]
fn each_allowlist_lets_the_finding_through() {
    let fingerprint = {
        let dir = tempfile::tempdir().unwrap();
        let (_, report) = scan(dir.path(), &aws_notebook(&[]), None);
        report["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let configs = [
        format!("[allow]\nfingerprints = [\"{fingerprint}\"]\n"),
        format!("[allow]\nvalues = [\"{AWS_KEY}\"]\n"),
        "[allow]\nvalue_regexes = ['AKIAQYLP\\w+']\n".to_string(),
        "[allow]\nrules = [\"secret.aws-*\"]\n".to_string(),
        "[allow]\npaths = [\"nb.ipynb\"]\n".to_string(),
        "[allow]\npaths = [\"*.ipynb\"]\n".to_string(),
        "[rules]\ndisable = [\"secret.aws-access-key-id\"]\n".to_string(),
    ];
    for config in configs {
        let dir = tempfile::tempdir().unwrap();
        let (code, report) = scan(dir.path(), &aws_notebook(&[]), Some(&config));
        assert_eq!(code, 0, "config {config:?} should allow it: {report}");
        assert!(rules_found(&report).is_empty(), "{config:?}: {report}");
    }
}

#[test]
fn path_globs_are_relative_to_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("docs/tutorials")).unwrap();
    let path = dir.path().join("docs/tutorials/nb.ipynb");
    std::fs::write(&path, serde_json::to_vec(&aws_notebook(&[])).unwrap()).unwrap();
    std::fs::write(
        dir.path().join(".nbgate.toml"),
        "[allow]\npaths = [\"docs/tutorials/**\"]\n",
    )
    .unwrap();
    for cwd in [dir.path().to_path_buf(), dir.path().join("docs")] {
        let output = Command::new(env!("CARGO_BIN_EXE_nbgate"))
            .args(["scan", "--ocr", "off"])
            .arg(&path)
            .current_dir(&cwd)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "from {}", cwd.display());
    }
}

#[test]
fn cell_tags_and_inline_comments_allow() {
    for tags in [
        &["nbgate-allow"][..],
        &["nbgate-allow:secret.aws-access-key-id"][..],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (code, report) = scan(dir.path(), &aws_notebook(tags), None);
        assert_eq!(code, 0, "tags {tags:?}: {report}");
        assert_eq!(report["summary"]["allowed"], 1);
    }

    // A tag for another rule allows nothing.
    let dir = tempfile::tempdir().unwrap();
    let (code, _) = scan(dir.path(), &aws_notebook(&["nbgate-allow:pii.email"]), None);
    assert_eq!(code, 1);

    let dir = tempfile::tempdir().unwrap();
    let inline = notebook(vec![code_cell(
        &format!("key = \"{AWS_KEY}\"  # nbgate: allow (revoked test key)\n"),
        &[],
    )]);
    let (code, _) = scan(dir.path(), &inline, None);
    assert_eq!(code, 0);
}

#[test]
fn the_cell_tag_covers_outputs_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut cell = code_cell("print(key)\n", &["nbgate-allow"]);
    cell["outputs"] = json!([{"output_type": "stream", "name": "stdout", "text": [AWS_KEY]}]);
    let (code, report) = scan(dir.path(), &notebook(vec![cell]), None);
    assert_eq!(code, 0, "{report}");
}

#[test]
fn contact_data_warns_in_a_source_and_blocks_in_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut cell = code_cell("owner = 'jane.doe@acme-corp.com'\n", &[]);
    cell["outputs"] =
        json!([{"output_type": "stream", "name": "stdout", "text": ["ana.silva@fastmail.com\n"]}]);
    let (code, report) = scan(dir.path(), &notebook(vec![cell]), None);
    assert_eq!(code, 1);
    let mut found = rules_found(&report);
    found.sort();
    assert_eq!(found, ["pii.email:block", "pii.email:warn"]);
    let warned = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "warn")
        .unwrap();
    assert_eq!(warned["part"], "source");
}

#[test]
fn a_list_of_addresses_in_a_source_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let source = "to = ['ana.silva@fastmail.com', 'li.wei@protonmail.com', 'omar.h@outlook.com']\n";
    let (code, report) = scan(dir.path(), &notebook(vec![code_cell(source, &[])]), None);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["summary"]["blocking"], 3);
}

#[test]
fn email_domains_and_severity_overrides_apply() {
    let dir = tempfile::tempdir().unwrap();
    let mut cell = code_cell("x = 1\n", &[]);
    cell["outputs"] = json!([{"output_type": "stream", "name": "stdout",
        "text": ["ana.silva@acme-corp.com\nli.wei@protonmail.com\n"]}]);
    let config = "[allow]\nemail_domains = [\"acme-corp.com\"]\n\
                  [rules.part_severity]\n\"pii.email\" = { output = \"warn\" }\n";
    let (code, report) = scan(dir.path(), &notebook(vec![cell]), Some(config));
    assert_eq!(code, 0, "{report}");
    assert_eq!(rules_found(&report), ["pii.email:warn"]);
    assert_eq!(
        report["summary"]["allowed"], 0,
        "allowed by value, so never a finding"
    );
}

#[test]
fn bad_configuration_exits_2_naming_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = "[allow]\npaths = []\nfingerprint = [\"x\"]\n";
    std::fs::write(dir.path().join("nb.ipynb"), "{}").unwrap();
    std::fs::write(dir.path().join(".nbgate.toml"), config).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_nbgate"))
        .args(["scan", "nb.ipynb"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        output.stdout.is_empty(),
        "nothing is scanned with a bad config"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(".nbgate.toml"), "{stderr}");
    assert!(stderr.contains("line 3"), "{stderr}");
    assert!(stderr.contains("fingerprint"), "{stderr}");
}

#[test]
fn pyproject_configuration_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n[tool.nbgate.allow]\nrules = [\"secret.*\"]\n",
    )
    .unwrap();
    let (code, _) = scan(dir.path(), &aws_notebook(&[]), None);
    assert_eq!(code, 0);
}

#[test]
fn a_value_shown_as_html_and_as_text_is_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let mut cell = code_cell("df\n", &[]);
    cell["outputs"] = json!([{"output_type": "execute_result", "execution_count": 1, "metadata": {},
        "data": {
            "text/plain": ["   owner\n", "0  ana.silva@fastmail.com\n", "1  li.wei@protonmail.com"],
            "text/html": ["<table><thead><tr><th></th><th>owner</th></tr></thead><tbody>",
                          "<tr><th>0</th><td>ana.silva@fastmail.com</td></tr>",
                          "<tr><th>1</th><td>li.wei@protonmail.com</td></tr></tbody></table>"]}}]);
    let (code, report) = scan(dir.path(), &notebook(vec![cell]), None);
    assert_eq!(code, 1);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(findings[0]["mime"], "text/html");
    assert_eq!(findings[0]["table"]["column"], "owner");
    assert_eq!(findings[0]["count"], 2);
}

#[test]
fn records_in_a_json_output_are_read_as_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut cell = code_cell("resp.json()\n", &[]);
    cell["outputs"] = json!([{"output_type": "execute_result", "execution_count": 1, "metadata": {},
        "data": {"application/json": {"users": [
            {"name": "Ana Silva", "team": "growth", "salary": "81000"},
            {"name": "Li Wei", "team": "risk", "salary": "92000"},
            {"name": "Omar Haddad", "team": "ops", "salary": "77000"}]}}}]);
    let (code, report) = scan(dir.path(), &notebook(vec![cell]), None);
    assert_eq!(code, 1, "{report}");
    let column = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "pii.column-person-name")
        .unwrap_or_else(|| panic!("no name column: {report}"));
    assert_eq!(
        column["severity"], "block",
        "salary beside names makes records"
    );
    assert_eq!(column["via"], "json");
    assert_eq!(column["table"]["column"], "name");
    assert_eq!(column["count"], 3);
}

#[test]
fn a_pipe_table_in_markdown_is_read_as_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let cell = json!({"cell_type": "markdown", "metadata": {}, "source": [
        "Cohort contacts:\n", "\n",
        "| name | email | phone |\n", "|---|---|---|\n",
        "| Ana Silva | ana.silva@fastmail.com | +44 20 7946 0958 |\n",
        "| Li Wei | li.wei@protonmail.com | +1 415 555 0134 |\n",
        "| Omar Haddad | omar.h@outlook.com | +33 1 42 68 53 00 |\n"]});
    let (code, report) = scan(dir.path(), &notebook(vec![cell]), None);
    assert_eq!(code, 1, "{report}");
    let findings = report["findings"].as_array().unwrap();
    let email = findings
        .iter()
        .find(|f| f["rule"] == "pii.email")
        .expect("e-mail column");
    assert_eq!(email["table"]["column"], "email");
    assert_eq!(email["count"], 3);
    assert_eq!(
        email["severity"], "block",
        "three addresses in a source are a list"
    );
    // Pretty JSON: `{`, `"cells": [`, `{`, cell_type, metadata, `"source": [`,
    // then one line per source line; the first row is the fifth.
    assert_eq!(email["file_line"], 11, "the first row's line in the .ipynb");
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "pii.column-person-name"),
        "{report}"
    );
}

/// The README's first command scans `examples/`: it must show a secret in
/// code, in a traceback, personal data in a table and a warning.
#[test]
fn the_bundled_example_shows_each_kind_of_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_nbgate"))
        .args(["scan", "--format", "json", "--ocr", "off", "examples"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut found = rules_found(&report);
    found.sort();
    assert_eq!(
        found,
        [
            "pii.email:block",
            "pii.email:warn",
            "pii.payment-card:block",
            "secret.aws-access-key-id:block",
            "secret.database-url:block",
            "secret.github-pat-classic:block",
        ]
    );
}
