//! OCR end to end: notebooks built around the images in `tests/fixtures/ocr`
//! (drawn by `make.py` there), scanned by the real binary with the real
//! PP-OCRv6 models.
//!
//! The models are found through `NBGATE_OCR_MODELS` or the default folder
//! `${XDG_DATA_HOME:-~/.local/share}/nbgate/ocr`. Without them these tests
//! fail and say to run `scripts/fetch-ocr-models.sh`: OCR untested must not
//! look like OCR passing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use serde_json::{json, Value};

use nbgate::config::Config;
use nbgate::ocr::{Ocr, DETECTION_MODEL, RECOGNITION_MODEL};
use nbgate::scan::{Blob, Scanner};

const ENV_SCREENSHOT: &str = "env-screenshot.png";
const SMALL_TEXT: &str = "small-text.jpg";
const DARK_THEME: &str = "dark-theme.png";
const CHART: &str = "chart.png";

/// The model folder, or a failure that says how to get the models.
fn models() -> PathBuf {
    let dir = std::env::var_os("NBGATE_OCR_MODELS")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(nbgate::ocr::user_model_dir)
        .expect("neither NBGATE_OCR_MODELS nor HOME is set");
    let present = dir.join(DETECTION_MODEL).is_file() && dir.join(RECOGNITION_MODEL).is_file();
    assert!(
        present,
        "the OCR models are not in {}: run scripts/fetch-ocr-models.sh (or set \
         NBGATE_OCR_MODELS to their folder) before the OCR tests",
        dir.display()
    );
    dir
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ocr")
        .join(name);
    fs::read(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

fn base64_of(name: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(fixture(name))
}

/// A v4 notebook: a code cell whose one output displays the image.
fn v4_with_output(mime: &str, image: &str) -> Value {
    json!({
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "markdown",
                "id": "intro",
                "metadata": {},
                "source": ["# Setup\n", "Nothing secret here."]
            },
            {
                "cell_type": "code",
                "id": "show",
                "execution_count": 1,
                "metadata": {},
                "source": ["display(Image(\"shot.png\"))"],
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": ["loaded\n"]},
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {mime: base64_of(image), "text/plain": ["<IPython.core.display.Image object>"]}
                    }
                ]
            }
        ]
    })
}

/// A scan run: the JSON report and the exit code.
struct Run {
    report: Value,
    code: i32,
}

impl Run {
    fn findings(&self) -> &Vec<Value> {
        self.report["findings"]
            .as_array()
            .expect("findings is an array")
    }

    fn rules(&self) -> Vec<&str> {
        let mut rules: Vec<&str> = self
            .findings()
            .iter()
            .map(|f| f["rule"].as_str().expect("rule is a string"))
            .collect();
        rules.sort();
        rules
    }

    fn skipped(&self) -> &Vec<Value> {
        self.report["skipped"]
            .as_array()
            .expect("skipped is an array")
    }
}

/// Writes the notebook and scans it with `--ocr <mode>`, a private cache and
/// the given model folder.
fn scan(notebook: &Value, mode: &str, models: &Path, cache: &Path) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("notebook.ipynb");
    fs::write(&path, serde_json::to_vec_pretty(notebook).expect("json")).expect("write notebook");
    let output = Command::new(env!("CARGO_BIN_EXE_nbgate"))
        .args(["scan", "--format", "json", "--ocr", mode, "--ocr-models"])
        .arg(models)
        .arg(&path)
        .env("NBGATE_CACHE_DIR", cache)
        .env_remove("NBGATE_OCR_MODELS")
        .current_dir(dir.path())
        .output()
        .expect("run nbgate");
    let code = output.status.code().expect("exit code");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|err| {
        panic!(
            "no JSON report ({err}); exit {code}; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Run { report, code }
}

fn scan_required(notebook: &Value) -> Run {
    let cache = tempfile::tempdir().expect("temp dir");
    scan(notebook, "required", &models(), cache.path())
}

/// Asserts a finding of `rule` located at the image.
fn assert_image_finding(
    run: &Run,
    rule: &str,
    cell: u64,
    part: (&str, Value),
    mime: &str,
) -> Value {
    let finding = run
        .findings()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {:#}", run.report))
        .clone();
    assert_eq!(finding["via"], "ocr", "{finding:#}");
    assert_eq!(finding["cell"], cell, "{finding:#}");
    assert_eq!(finding[part.0], part.1, "{finding:#}");
    assert_eq!(finding["mime"], mime, "{finding:#}");
    finding
}

#[test]
fn reads_the_clear_fixtures_exactly() {
    let ocr = Ocr::load(&models()).expect("models load");
    let read = |name: &str| -> Vec<String> {
        ocr.read_uncached(&fixture(name))
            .unwrap_or_else(|err| panic!("{name}: {err}"))
            .into_iter()
            .map(|line| line.text)
            .collect()
    };
    assert_eq!(
        read(ENV_SCREENSHOT)[1..],
        [
            "AWS_ACCESS_KEY_ID=AKIAQYLPMN5HHHFPZAM2",
            "ALERT_EMAIL=jane.doe@acme-corp.com"
        ]
    );
    assert_eq!(
        read(SMALL_TEXT),
        ["Report owner: ravi.kumar@fabrikam-data.com"]
    );
    assert_eq!(
        read(DARK_THEME),
        ["$ export AWS_ACCESS_KEY_ID=AKIAZ7KX3MB4QW2RTL6N"]
    );

    let chart = read(CHART);
    assert_eq!(
        chart.first().map(String::as_str),
        Some("Monthly revenue 2024")
    );
    assert!(chart.iter().any(|line| line == "Revenue (k$)"), "{chart:?}");
    assert!(chart.iter().any(|line| line == "Month"), "{chart:?}");
}

#[test]
fn a_key_and_an_email_in_a_screenshot_output_block() {
    let run = scan_required(&v4_with_output("image/png", ENV_SCREENSHOT));
    assert_eq!(
        run.rules(),
        ["pii.email", "secret.aws-access-key-id"],
        "{:#}",
        run.report
    );
    let key = assert_image_finding(
        &run,
        "secret.aws-access-key-id",
        2,
        ("output", json!(2)),
        "image/png",
    );
    assert_eq!(key["part"], "output");
    assert!(
        !key["preview"]
            .as_str()
            .unwrap_or_default()
            .contains("AKIAQYLPMN5HHHFPZAM2"),
        "the key is never shown in full: {key:#}"
    );
    assert_image_finding(&run, "pii.email", 2, ("output", json!(2)), "image/png");
    assert_eq!(run.code, 1, "a secret blocks");
    assert!(run.skipped().is_empty(), "{:#}", run.report);
}

#[test]
fn small_jpeg_text_is_read() {
    let run = scan_required(&v4_with_output("image/jpeg", SMALL_TEXT));
    assert_eq!(run.rules(), ["pii.email"], "{:#}", run.report);
    assert_image_finding(&run, "pii.email", 2, ("output", json!(2)), "image/jpeg");
}

#[test]
fn light_text_on_dark_is_read() {
    let run = scan_required(&v4_with_output("image/png", DARK_THEME));
    assert_eq!(
        run.rules(),
        ["secret.aws-access-key-id"],
        "{:#}",
        run.report
    );
    assert_image_finding(
        &run,
        "secret.aws-access-key-id",
        2,
        ("output", json!(2)),
        "image/png",
    );
}

#[test]
fn an_attachment_in_a_markdown_cell_is_read() {
    let notebook = json!({
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [{
            "cell_type": "markdown",
            "id": "pasted",
            "metadata": {},
            "source": ["Our settings:\n", "![env.png](attachment:env.png)"],
            "attachments": {"env.png": {"image/png": base64_of(ENV_SCREENSHOT)}}
        }]
    });
    let run = scan_required(&notebook);
    assert_eq!(
        run.rules(),
        ["pii.email", "secret.aws-access-key-id"],
        "{:#}",
        run.report
    );
    let key = assert_image_finding(
        &run,
        "secret.aws-access-key-id",
        1,
        ("attachment", json!("env.png")),
        "image/png",
    );
    assert_eq!(key["part"], "attachment");
}

#[test]
fn a_png_output_of_an_nbformat_3_notebook_is_read() {
    let notebook = json!({
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "old"},
        "worksheets": [{
            "cells": [{
                "cell_type": "code",
                "collapsed": false,
                "input": ["show()"],
                "language": "python",
                "metadata": {},
                "prompt_number": 1,
                "outputs": [{
                    "output_type": "display_data",
                    "metadata": {},
                    "png": base64_of(DARK_THEME)
                }]
            }],
            "metadata": {}
        }]
    });
    let run = scan_required(&notebook);
    assert_eq!(
        run.rules(),
        ["secret.aws-access-key-id"],
        "{:#}",
        run.report
    );
    assert_image_finding(
        &run,
        "secret.aws-access-key-id",
        1,
        ("output", json!(1)),
        "image/png",
    );
}

#[test]
fn a_chart_with_axis_labels_gives_no_finding() {
    let run = scan_required(&v4_with_output("image/png", CHART));
    assert_eq!(run.findings().len(), 0, "{:#}", run.report);
    assert!(run.skipped().is_empty(), "{:#}", run.report);
    assert_eq!(run.code, 0);
}

#[test]
fn text_is_cached_encrypted_and_reused_without_the_models() {
    let models = models();
    let cache = tempfile::tempdir().expect("temp dir");
    let notebook = v4_with_output("image/png", ENV_SCREENSHOT);
    let first = scan(&notebook, "required", &models, cache.path());
    assert_eq!(first.rules(), ["pii.email", "secret.aws-access-key-id"]);

    // One entry, and the key is not in it in the clear.
    let entries: Vec<PathBuf> = fs::read_dir(cache.path().join("ocr"))
        .expect("the cache folder exists")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let stored = fs::read(&entries[0]).expect("read entry");
    assert!(!String::from_utf8_lossy(&stored).contains("AKIA"));

    // Models of the same sizes but garbage inside: only the cache can give
    // the text now, and `auto` loads the models only on a cache miss.
    let fake = tempfile::tempdir().expect("temp dir");
    for name in [DETECTION_MODEL, RECOGNITION_MODEL] {
        let size = fs::metadata(models.join(name)).expect("model").len();
        let file = fs::File::create(fake.path().join(name)).expect("fake model");
        file.set_len(size).expect("size the fake model");
    }
    let second = scan(&notebook, "auto", fake.path(), cache.path());
    assert_eq!(second.rules(), first.rules(), "{:#}", second.report);
    assert!(second.skipped().is_empty(), "{:#}", second.report);

    // A new image with those models cannot be read, and says so.
    let other = scan(
        &v4_with_output("image/png", DARK_THEME),
        "auto",
        fake.path(),
        cache.path(),
    );
    assert_eq!(other.findings().len(), 0);
    let reason = other.skipped()[0]["reason"].as_str().expect("a reason");
    assert!(reason.contains("cannot load OCR model"), "{reason}");
}

#[test]
fn missing_models_fail_required_and_are_listed_with_auto() {
    let empty = tempfile::tempdir().expect("temp dir");
    let cache = tempfile::tempdir().expect("temp dir");
    let notebook = v4_with_output("image/png", ENV_SCREENSHOT);

    let output = Command::new(env!("CARGO_BIN_EXE_nbgate"))
        .args([
            "scan",
            "--format",
            "json",
            "--ocr",
            "required",
            "--ocr-models",
        ])
        .arg(empty.path())
        .arg("-")
        .env("NBGATE_CACHE_DIR", cache.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run nbgate");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("fetch-ocr-models.sh"), "{stderr}");

    let run = scan(&notebook, "auto", empty.path(), cache.path());
    assert_eq!(run.findings().len(), 0);
    assert_eq!(run.skipped().len(), 1, "{:#}", run.report);
    assert_eq!(run.skipped()[0]["cell"], 2);
    assert_eq!(run.skipped()[0]["mime"], "image/png");

    let off = scan(&notebook, "off", empty.path(), cache.path());
    assert!(off.skipped()[0]["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("off"));
}

#[test]
fn an_image_claiming_huge_dimensions_is_skipped_not_allocated() {
    // A 1x1 PNG whose header claims 60000x60000 pixels (CRC not fixed: the
    // decoder must refuse it either way without allocating 14 GB).
    let mut png = fixture(CHART);
    png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let mut notebook = v4_with_output("image/png", CHART);
    notebook["cells"][1]["outputs"][1]["data"]["image/png"] =
        json!(base64::engine::general_purpose::STANDARD.encode(&png));
    let run = scan_required(&notebook);
    assert_eq!(run.findings().len(), 0);
    let reason = run.skipped()[0]["reason"].as_str().expect("a reason");
    assert!(reason.contains("does not decode"), "{reason}");
}

#[test]
fn an_image_the_previous_version_held_is_not_read_again() {
    let mut config = Config::default();
    config.scan.ocr_models = Some(models());
    let cache = tempfile::tempdir().expect("temp dir");
    // The scanner reads the cache folder from the environment; every test
    // in this binary that uses the library sets the same kind of private
    // folder, and none reads another's.
    std::env::set_var("NBGATE_CACHE_DIR", cache.path());

    let before = v4_with_output("image/png", ENV_SCREENSHOT);
    let mut after = before.clone();
    after["cells"][0]["source"] = json!(["# Setup\n", "Now with more words."]);
    let blob = Blob {
        path: "notebook.ipynb".into(),
        bytes: serde_json::to_vec(&after).expect("json"),
        previous: Some(serde_json::to_vec(&before).expect("json")),
        introduced_by: None,
    };

    // Not cached: the image is not read, and nothing is listed as skipped.
    let scanner = Scanner::new(&config).expect("scanner");
    let result = scanner.scan(&blob);
    assert!(result.findings.is_empty(), "{:?}", result.findings);
    assert!(result.skipped.is_empty(), "{:?}", result.skipped);

    // When pre-existing findings block, it is read, and its findings are
    // pre-existing.
    config.policy.block_preexisting = true;
    let scanner = Scanner::new(&config).expect("scanner");
    let result = scanner.scan(&blob);
    assert_eq!(result.findings.len(), 2, "{:?}", result.findings);
    assert!(result
        .findings
        .iter()
        .all(|(finding, _)| finding.preexisting));

    // Now its text is cached: it is shown, as pre-existing, at no cost.
    config.policy.block_preexisting = false;
    let scanner = Scanner::new(&config).expect("scanner");
    let result = scanner.scan(&blob);
    assert_eq!(result.findings.len(), 2, "{:?}", result.findings);
    assert!(result
        .findings
        .iter()
        .all(|(finding, _)| finding.preexisting));
}

#[test]
fn models_are_found_in_the_user_data_folder_without_being_named() {
    let models = models();
    let data = tempfile::tempdir().expect("temp dir");
    let folder = data.path().join("nbgate").join("ocr");
    fs::create_dir_all(&folder).expect("model folder");
    for name in [DETECTION_MODEL, RECOGNITION_MODEL] {
        #[cfg(unix)]
        std::os::unix::fs::symlink(models.join(name), folder.join(name)).expect("link model");
        #[cfg(not(unix))]
        fs::copy(models.join(name), folder.join(name)).expect("copy model");
    }
    let cache = tempfile::tempdir().expect("temp dir");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("notebook.ipynb");
    let notebook = v4_with_output("image/jpeg", SMALL_TEXT);
    fs::write(&path, serde_json::to_vec(&notebook).expect("json")).expect("write notebook");

    let output = Command::new(env!("CARGO_BIN_EXE_nbgate"))
        .args(["scan", "--format", "json", "--ocr", "required"])
        .arg(&path)
        .env("XDG_DATA_HOME", data.path())
        .env("NBGATE_CACHE_DIR", cache.path())
        .env_remove("NBGATE_OCR_MODELS")
        .output()
        .expect("run nbgate");
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(report["findings"][0]["rule"], "pii.email", "{report:#}");
    assert_eq!(report["findings"][0]["via"], "ocr", "{report:#}");
}

/// Many notebooks with images, scanned in parallel with `--ocr auto` and a
/// cold cache, so the models load lazily inside the parallel scan. This hung
/// for ever when a rayon worker loading the models stole another image's job
/// that waited on the same load; the test kills a run that outlives a
/// generous limit rather than hanging the suite.
#[test]
fn lazily_loaded_models_do_not_deadlock_a_parallel_scan() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = tempfile::tempdir().expect("temp dir");
    for index in 0..6 {
        let mut notebook = v4_with_output("image/png", ENV_SCREENSHOT);
        let second = json!({"output_type": "display_data", "metadata": {},
                            "data": {"image/png": base64_of(DARK_THEME)}});
        notebook["cells"][1]["outputs"]
            .as_array_mut()
            .expect("outputs")
            .push(second);
        let path = dir.path().join(format!("nb{index}.ipynb"));
        fs::write(&path, serde_json::to_vec(&notebook).expect("json")).expect("write");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_nbgate"))
        .args(["scan", "--format", "json", "--ocr", "auto", "--ocr-models"])
        .arg(models())
        .arg(dir.path())
        .env("NBGATE_CACHE_DIR", cache.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run nbgate");
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(600) {
            let _ = child.kill();
            panic!("nbgate did not finish a parallel OCR scan: deadlocked");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let output = child.wait_with_output().expect("output");
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let findings = report["findings"].as_array().expect("findings");
    let aws_keys = findings
        .iter()
        .filter(|f| f["rule"] == "secret.aws-access-key-id" && f["via"] == "ocr")
        .count();
    assert_eq!(
        aws_keys, 12,
        "two keys in each of six notebooks: {report:#}"
    );
}
