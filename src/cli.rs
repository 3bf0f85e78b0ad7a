//! The command line: arguments, the run, and exit codes (0 nothing blocks,
//! 1 blocked, 2 usage, configuration or I/O error).

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::config::{Config, OcrMode};
use crate::report::{self, Report};
use crate::scan::Scanner;
use crate::source::paths;

#[derive(Debug, Parser)]
#[command(
    name = "nbgate",
    version,
    about = "Stops secrets and personal data in Jupyter notebooks from entering git"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan notebooks in files and folders (`-` reads standard input).
    Scan(ScanArgs),
    /// List the rules in force.
    Rules(CommonArgs),
    /// Git pre-commit hook: scan the notebooks the index adds or changes.
    PreCommit(CommonArgs),
    /// Git pre-push hook (plain git, or the pre-commit framework's
    /// PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF): scan the commits being pushed.
    PrePush(PrePushArgs),
    /// Git pre-receive hook (server): scan the pushed commits read from standard input.
    PreReceive(CommonArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct PrePushArgs {
    /// The remote's name and URL, as git passes them to a pre-push hook (unused).
    #[arg(value_name = "REMOTE", num_args = 0..=2)]
    pub remote: Vec<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Options every command that scans takes.
#[derive(Debug, Clone, clap::Args)]
pub struct CommonArgs {
    /// Configuration file (default: `.nbgate.toml` or `pyproject.toml` at the repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// When to colour human output (NO_COLOR and CLICOLOR_FORCE are honoured with auto).
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Read text in images: when models are found, always (exit 2 without them), or never.
    #[arg(long, value_enum)]
    pub ocr: Option<OcrMode>,
    /// Folder holding the OCR models.
    #[arg(long, value_name = "DIR", env = "NBGATE_OCR_MODELS")]
    pub ocr_models: Option<PathBuf>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ScanArgs {
    /// Notebooks or folders to scan (default: the current folder).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Scan the notebook versions the commits in a range brought in
    /// (`A..B`, `A..`, or `B`), instead of files.
    #[arg(long, value_name = "A..B", conflicts_with = "paths")]
    pub range: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Parses arguments and runs; returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { 2 } else { 0 };
        }
    };
    let outcome = match cli.command {
        Command::Scan(args) => scan(&args),
        Command::Rules(args) => list_rules(&args),
        Command::PreCommit(args) => crate::hook::pre_commit(&args),
        Command::PrePush(args) => crate::hook::pre_push(&args.common),
        Command::PreReceive(args) => crate::hook::pre_receive(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("nbgate: error: {}", one_line(&err));
            2
        }
    }
}

/// An error and its causes on one line.
fn one_line(err: &anyhow::Error) -> String {
    err.chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

/// The configuration for a run: `--config`, else the repository's.
pub fn load_config(common: &CommonArgs, root: &Path) -> Result<Config> {
    let config = match &common.config {
        Some(path) => Config::load(path)?,
        None => Config::discover(root)?,
    };
    Ok(apply_overrides(config, common))
}

/// The command line's OCR options over a configuration.
pub fn apply_overrides(mut config: Config, common: &CommonArgs) -> Config {
    if let Some(mode) = common.ocr {
        config.scan.ocr = Some(mode);
    }
    if let Some(dir) = &common.ocr_models {
        config.scan.ocr_models = Some(dir.clone());
    }
    config
}

/// The top of the git work tree holding `start`, or `start` itself.
pub fn repository_root(start: &Path) -> PathBuf {
    let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map_or(start.clone(), Path::to_path_buf)
}

fn scan(args: &ScanArgs) -> Result<i32> {
    if let Some(range) = &args.range {
        return crate::hook::scan_range(range, &args.common);
    }
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let root = repository_root(&cwd);
    let config = load_config(&args.common, &root)?;
    let scanner = Scanner::new(&config)?;

    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let files: Vec<PathBuf> = paths::notebook_paths(&roots)?
        .into_iter()
        .filter(|path| !scanner.policy().skips_path(&relative_to(path, &root)))
        .collect();

    let progress = progress_bar(files.len());
    let results = files
        .par_iter()
        .map(|path| {
            let blob = paths::read_blob(path)?;
            let result = scanner.scan(&blob);
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            Ok(result)
        })
        .collect::<Result<Vec<_>, paths::PathError>>()?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let report = Report { results };
    emit(&report, &scanner, &args.common)?;
    Ok(exit_code(&report, &config))
}

/// A path relative to the repository root, as `allow.paths` globs see it;
/// a path outside the root stays as given.
fn relative_to(path: &Path, root: &Path) -> String {
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let relative = absolute.strip_prefix(root).unwrap_or(path);
    relative.to_string_lossy().into_owned()
}

/// Writes the report in the chosen format to standard output.
pub fn emit(report: &Report, scanner: &Scanner, common: &CommonArgs) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match common.format {
        Format::Human => report::human::write(report, &mut out, use_color(common.color)),
        Format::Json => report::json::write(report, &mut out),
        Format::Sarif => report::sarif::write(report, scanner.rules(), &mut out),
    }
    .and_then(|()| out.flush());
    match written {
        // A reader that stopped early (`| head`) is not an error of the scan;
        // the exit code still says whether anything blocks.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

pub fn exit_code(report: &Report, config: &Config) -> i32 {
    let summary = report.summary();
    let blocked = summary.blocking > 0 || (config.policy.fail_on_warn && summary.warnings > 0);
    i32::from(blocked)
}

/// Colour for standard output: NO_COLOR turns it off, CLICOLOR_FORCE on,
/// otherwise only on a terminal.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
            if set("NO_COLOR") {
                false
            } else if set("CLICOLOR_FORCE") {
                true
            } else {
                std::io::stdout().is_terminal()
            }
        }
    }
}

/// A progress bar on standard error, for long scans on a terminal.
fn progress_bar(total: usize) -> Option<indicatif::ProgressBar> {
    if total < 50 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} notebooks")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

fn list_rules(args: &CommonArgs) -> Result<i32> {
    let cwd = std::env::current_dir()?;
    let config = load_config(args, &repository_root(&cwd))?;
    let mut config = config;
    config.scan.ocr = Some(OcrMode::Off);
    let scanner = Scanner::new(&config)?;
    let mut out = std::io::stdout().lock();
    for rule in &scanner.rules().rules {
        writeln!(
            out,
            "{:<44} {:<6} {}",
            rule.id,
            rule.severity.as_str(),
            rule.name
        )?;
    }
    Ok(0)
}
