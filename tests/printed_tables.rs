//! Tables printed as text by the libraries data people use, through the real
//! binary: each is read as a table, so its columns are judged by header and
//! values and its findings name row and column.

use serde_json::{json, Value};
use std::process::Command;

fn stream(text: &str) -> Value {
    json!({"output_type": "stream", "name": "stdout", "text": text})
}

fn plain_result(text: &str) -> Value {
    json!({"output_type": "execute_result", "execution_count": 1, "metadata": {},
           "data": {"text/plain": text}})
}

/// Scans a notebook of one code cell with `output`; returns the exit code
/// and the findings.
fn scan(output: Value) -> (i32, Vec<Value>) {
    let notebook = json!({
        "cells": [{"cell_type": "code", "execution_count": 1, "metadata": {},
                   "outputs": [output], "source": "df.show()"}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nb.ipynb");
    std::fs::write(&path, serde_json::to_vec_pretty(&notebook).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nbgate"))
        .args(["scan", "--format", "json", "--ocr", "off"])
        .arg(&path)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap().clone();
    (out.status.code().unwrap(), findings)
}

/// The (rule, table column) of each finding.
fn columns(findings: &[Value]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["table"]["column"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

#[test]
fn spark_show_output_is_a_table() {
    let text = "+---+--------------+--------------------+--------------+\n\
                | id|     full_name|               email|         phone|\n\
                +---+--------------+--------------------+--------------+\n\
                |  1|     Ana Silva|ana.silva@fabrik.de |+44 7700 900123|\n\
                |  2|   Marek Nowak| m.nowak@poczta.pl  |+48 601 234 567|\n\
                |  3|Joana Ferreira|joana.f@sapo.pt     |+351 912 345 678|\n\
                +---+--------------+--------------------+--------------+\n";
    let (code, findings) = scan(stream(text));
    assert_eq!(code, 1, "{findings:#?}");
    let found = columns(&findings);
    for want in [
        ("pii.email", "email"),
        ("pii.column-person-name", "full_name"),
    ] {
        assert!(
            found.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} not in {found:?}"
        );
    }
    let email = findings.iter().find(|f| f["rule"] == "pii.email").unwrap();
    assert_eq!(email["output_type"], "stream");
    assert_eq!(email["table"]["row"], 1);
}

#[test]
fn polars_frame_is_a_table() {
    let text = "shape: (3, 2)\n\
                ┌─────┬─────────────┐\n\
                │ id  ┆ ssn         │\n\
                │ --- ┆ ---         │\n\
                │ i64 ┆ str         │\n\
                ╞═════╪═════════════╡\n\
                │ 1   ┆ 219-09-9999 │\n\
                │ 2   ┆ 457-55-5462 │\n\
                │ 3   ┆ 078-05-1121 │\n\
                └─────┴─────────────┘";
    let (code, findings) = scan(plain_result(text));
    assert_eq!(code, 1, "{findings:#?}");
    assert!(
        findings
            .iter()
            .all(|f| f["table"]["column"] == "ssn" && f["mime"] == "text/plain"),
        "{findings:#?}"
    );
}

#[test]
fn tabulate_grid_of_patients_is_a_table() {
    let text = "+------------------+-----------+----------------------+\n\
                | patient          | mrn       | diagnosis            |\n\
                +==================+===========+======================+\n\
                | Ana Silva        | MRN004211 | type 2 diabetes      |\n\
                +------------------+-----------+----------------------+\n\
                | Marek Nowak      | MRN004212 | hypertension         |\n\
                +------------------+-----------+----------------------+\n\
                | Joana Ferreira   | MRN004213 | asthma               |\n\
                +------------------+-----------+----------------------+";
    let (code, findings) = scan(stream(text));
    assert_eq!(code, 1, "{findings:#?}");
    let found: Vec<String> = columns(&findings).into_iter().map(|(_, c)| c).collect();
    for column in ["patient", "mrn", "diagnosis"] {
        assert!(
            found.iter().any(|c| c == column),
            "{column} not in {found:?}"
        );
    }
}

#[test]
fn metrics_printed_in_a_grid_are_not_findings() {
    let text = "+-------+----------+-----------+--------+\n\
                | epoch | loss     | val_loss  | lr     |\n\
                +-------+----------+-----------+--------+\n\
                | 1     | 0.6931   | 0.6822    | 0.001  |\n\
                | 2     | 0.5120   | 0.5307    | 0.001  |\n\
                +-------+----------+-----------+--------+\n\
                ----------------------------------------\n\
                | Name  | Type     | Params    |\n\
                ----------------------------------------\n\
                | model | ResNet   | 11.2 M    |\n\
                | loss  | CrossEnt | 0         |\n";
    let (code, findings) = scan(stream(text));
    assert_eq!(code, 0, "{findings:#?}");
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn pandas_frame_printed_without_its_index_is_a_table() {
    // print(df.to_string(index=False)), as pandas 3.1.1 prints it.
    let text = concat!(
        "     full_name  age       diagnosis\n",
        "     Ana Silva   34          asthma\n",
        "   Marek Nowak   51    hypertension\n",
        "Joana Ferreira   29 type 2 diabetes\n",
        "    Tomasz Lis   47          asthma\n",
    );
    let (code, findings) = scan(stream(text));
    assert_eq!(code, 1, "{findings:#?}");
    let found = columns(&findings);
    for want in [
        ("pii.column-person-name", "full_name"),
        ("pii.column-health", "diagnosis"),
    ] {
        assert!(
            found.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} not in {found:?}"
        );
    }
}

#[test]
fn a_dict_printed_from_an_api_names_a_person() {
    // print(requests.get(url).json()): a Python dict's repr, not JSON.
    let text = "{'id': 7, 'name': 'Joana Ferreira', 'username': 'jferreira', \
                'email': 'joana.f@sapo.pt', 'address': {'street': 'Rua Augusta 27', \
                'city': 'Lisboa'}, 'active': True}\n";
    let (code, findings) = scan(stream(text));
    assert_eq!(code, 1, "{findings:#?}");
    let found = columns(&findings);
    assert!(
        found.contains(&("pii.column-person-name".to_string(), "name".to_string())),
        "{found:?}"
    );
}

#[test]
fn a_dict_of_model_settings_is_not_a_person() {
    let text = "{'name': 'ResNet Large', 'optimizer': 'AdamW', 'scheduler': 'Cosine Annealing'}\n\
                {'name': 'Owl Creek', 'kind': 'River Basin'}\n";
    let (code, findings) = scan(stream(text));
    assert_eq!(code, 0, "{findings:#?}");
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn keyed_values_that_are_not_records_of_people_are_not_reported() {
    // Famous athletes by sport, and the arguments of a function call: names
    // and an address by key, with nothing about the people beside them.
    let text = "{'athletes': [{'name': 'Serena Williams', 'sport': 'Tennis'},\n\
                \x20 {'name': 'Lionel Messi', 'sport': 'Soccer'},\n\
                \x20 {'name': 'Simone Biles', 'sport': 'Gymnastics'}]}\n\
                [FunctionCall(args={'address': '1600 Amphitheatre Pkwy, Mountain View', \
                'product': 'Pixel 9'}, name='place_order')]\n";
    let (code, findings) = scan(stream(text));
    assert_eq!(code, 0, "{findings:#?}");
    assert!(findings.is_empty(), "{findings:#?}");
}
