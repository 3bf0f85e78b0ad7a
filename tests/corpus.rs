//! The core on real and on outsized notebooks: every notebook of the shared
//! corpus of public notebooks parses and extracts, and notebooks far larger
//! than any real one (tens of megabytes, or one line of 20 MB) are scanned
//! to the end without a panic and with memory in proportion to their size.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/real");

const AWS: &str = "AKIAQYLPMN5HHHFPZAM2";

fn notebooks_under(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            notebooks_under(&path, found);
        } else if path.extension().is_some_and(|e| e == "ipynb") {
            found.push(path);
        }
    }
}

#[test]
fn every_corpus_notebook_parses_and_extracts() {
    let dir = Path::new(CORPUS);
    assert!(
        dir.is_dir(),
        "the shared corpus is missing: expected real notebooks in {} (see \
         /work/shared/corpus/real/README.md)",
        dir.display()
    );
    let mut paths = Vec::new();
    notebooks_under(dir, &mut paths);
    assert!(
        paths.len() >= 100,
        "only {} notebooks in {CORPUS}",
        paths.len()
    );

    let mut failures = Vec::new();
    let (mut tables, mut segments) = (0, 0);
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        match nbgate::notebook::parse(&text) {
            Ok(notebook) => {
                let extracted = nbgate::extract::extract(&notebook);
                tables += extracted.tables.len();
                segments += extracted.segments.len();
            }
            Err(err) => failures.push(format!("{}: {err}", path.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "notebooks that do not parse:\n{}",
        failures.join("\n")
    );
    // The corpus holds pandas HTML tables; they must come out as tables.
    assert!(tables > 50, "only {tables} tables in {} segments", segments);
}

/// Runs a scan under `/usr/bin/time -v` when it exists, returning the JSON
/// report and the peak resident memory in kilobytes.
fn scan_measured(path: &Path) -> (Value, Option<u64>) {
    let binary = env!("CARGO_BIN_EXE_nbgate");
    let args = ["scan", "--format", "json", "--ocr", "off"];
    let time = Path::new("/usr/bin/time");
    let out = if time.exists() {
        Command::new(time)
            .arg("-v")
            .arg(binary)
            .args(args)
            .arg(path)
            .output()
            .unwrap()
    } else {
        Command::new(binary).args(args).arg(path).output().unwrap()
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    let peak_kb = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|kb| kb.parse().ok());
    let report = serde_json::from_slice(&out.stdout).expect("a JSON report");
    (report, peak_kb)
}

fn assert_memory_bounded(peak_kb: Option<u64>, input_bytes: usize) {
    if let Some(kb) = peak_kb {
        // The text is held as bytes, decoded, and split into segments and
        // tables: a small multiple of the input, never a quadratic blow-up.
        let bound = 16 * input_bytes as u64 / 1024 + 64 * 1024;
        eprintln!("input {} MB, peak {} MB", input_bytes >> 20, kb >> 10);
        assert!(kb < bound, "peak {kb} kB for {input_bytes} bytes of input");
    }
}

fn aws_findings(report: &Value) -> Vec<&Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "secret.aws-access-key-id")
        .collect()
}

/// Megabytes for the big notebook: 30 by default so a debug test run stays
/// short; `NBGATE_STRESS_MB=100` for the full size.
fn stress_megabytes() -> usize {
    std::env::var("NBGATE_STRESS_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
}

#[test]
fn a_notebook_of_many_megabytes_is_scanned_to_the_end() {
    let target = stress_megabytes() << 20;
    let row = |i: usize| {
        format!(
            "    <tr>\n      <th>{i}</th>\n      <td>user{i}</td>\n      <td>{}</td>\n    </tr>\n",
            i * 7
        )
    };
    let html_table: Vec<String> = std::iter::once("<table border=\"1\" class=\"dataframe\">\n  <thead>\n    <tr><th></th><th>name</th><th>score</th></tr>\n  </thead>\n  <tbody>\n".to_string())
        .chain((0..200).map(row))
        .chain(std::iter::once("  </tbody>\n</table>\n".to_string()))
        .collect();
    let stream: Vec<String> = (0..200)
        .map(|i| format!("epoch {i}: loss {}\n", 1.0 / (i + 1) as f64))
        .collect();
    let cell = |i: usize| {
        json!({
            "cell_type": "code", "execution_count": i, "id": format!("cell-{i}"), "metadata": {},
            "source": [format!("df_{i} = load({i})\n"), "display(df)"],
            "outputs": [
                {"output_type": "stream", "name": "stdout", "text": stream},
                {"output_type": "display_data", "metadata": {},
                 "data": {"text/html": html_table, "text/plain": ["<DataFrame>"]}},
            ],
        })
    };
    let one_cell = serde_json::to_string_pretty(&cell(0)).unwrap().len();
    let count = target / one_cell + 1;
    let mut cells: Vec<Value> = (0..count).map(cell).collect();
    cells.push(json!({
        "cell_type": "code", "execution_count": null, "id": "last", "metadata": {}, "outputs": [],
        "source": [format!("key = \"{AWS}\"")],
    }));
    let notebook = json!({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells});
    let text = serde_json::to_string_pretty(&notebook).unwrap();
    drop(notebook);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.ipynb");
    std::fs::write(&path, &text).unwrap();
    let (report, peak) = scan_measured(&path);

    let found = aws_findings(&report);
    assert_eq!(found.len(), 1, "the last cell is reached");
    assert_eq!(found[0]["cell"], count + 1);
    let key_line = text.lines().position(|l| l.contains(AWS)).unwrap() + 1;
    assert_eq!(found[0]["file_line"], key_line as u64);
    assert_memory_bounded(peak, text.len());
}

#[test]
fn a_single_line_of_20_megabytes_is_scanned_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let filler = "<tr><td>x &amp; y</td><td><b>bold</b> <a href='#'>l</a></td></tr>";
    let html = format!(
        "<table>{}<tr><td>{AWS}</td></tr></table><p>{}</p>",
        filler.repeat((10 << 20) / filler.len()),
        "word &lt;tag&gt; ".repeat((10 << 20) / 17),
    );
    let notebook = json!({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "code", "execution_count": 1, "id": "one", "metadata": {},
                   "source": "show()",
                   "outputs": [{"output_type": "display_data", "metadata": {},
                                "data": {"text/html": html}}]}],
    });
    // The whole notebook on one line, as some tools write it.
    let text = serde_json::to_string(&notebook).unwrap();
    assert!(text.len() > 20 << 20 && !text.contains('\n'));
    let path = dir.path().join("one-line.ipynb");
    std::fs::write(&path, &text).unwrap();
    let (report, peak) = scan_measured(&path);

    let found = aws_findings(&report);
    assert_eq!(found.len(), 1, "the end of the line is reached");
    assert_eq!(found[0]["mime"], "text/html");
    assert_eq!(found[0]["file_line"], 1);
    assert!(found[0]["table"]["row"].as_u64().unwrap() > 100_000);
    assert_memory_bounded(peak, text.len());
}
