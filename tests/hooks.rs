//! The git hooks end to end: the real `nbgate` binary behind the scripts in
//! `hooks/`, driven by the real `git` in temporary repositories, with git's
//! system and user configuration kept out (`GIT_CONFIG_NOSYSTEM`, `HOME`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fake AWS access key id the built-in rule finds.
const KEY: &str = "AKIAQYLPMN5HHHFPZAM2";
const OTHER_KEY: &str = "AKIAZ7Q3HJK4LMNPQR5T";
const RULE: &str = "secret.aws-access-key-id";

fn nbgate() -> &'static str {
    env!("CARGO_BIN_EXE_nbgate")
}

fn hook_script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("hooks")
        .join(name)
}

/// A sandbox: its own HOME with a git identity, and helpers to run git.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let sandbox = Sandbox {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(sandbox.home()).unwrap();
        for (key, value) in [
            ("user.name", "Test Person"),
            ("user.email", "test@example.com"),
            ("init.defaultBranch", "main"),
            ("advice.detachedHead", "false"),
        ] {
            sandbox.git_ok(&sandbox.home(), &["config", "--global", key, value]);
        }
        sandbox
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn home(&self) -> PathBuf {
        self.path("home")
    }

    fn command(&self, program: &str, cwd: &Path) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(cwd)
            .env("HOME", self.home())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("NBGATE", nbgate())
            .env("USER", "tester");
        // Nothing from a git process around the test run may leak in.
        for name in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_QUARANTINE_PATH",
            "GIT_CONFIG_GLOBAL",
            "PRE_COMMIT_FROM_REF",
            "PRE_COMMIT_TO_REF",
            "CLICOLOR_FORCE",
            "NO_COLOR",
            "GL_USERNAME",
            "GITEA_PUSHER_NAME",
            "REMOTE_USER",
        ] {
            command.env_remove(name);
        }
        command
    }

    fn git(&self, cwd: &Path, args: &[&str]) -> Output {
        self.command("git", cwd).args(args).output().unwrap()
    }

    fn git_ok(&self, cwd: &Path, args: &[&str]) -> String {
        let output = self.git(cwd, args);
        assert!(
            output.status.success(),
            "git {args:?} failed:\n{}",
            text(&output)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// A repository with nbgate's pre-commit hook installed.
    fn repo(&self, name: &str) -> PathBuf {
        let repo = self.path(name);
        self.git_ok(self.dir.path(), &["init", "-q", name]);
        install_hook(&repo.join(".git/hooks"), "pre-commit");
        repo
    }

    /// A bare repository with nbgate's pre-receive hook and a server
    /// configuration file (`nbgate.config`).
    fn server(&self, name: &str, config: &str) -> PathBuf {
        let server = self.path(name);
        self.git_ok(self.dir.path(), &["init", "-q", "--bare", name]);
        install_hook(&server.join("hooks"), "pre-receive");
        let config_path = self.path(&format!("{name}.toml"));
        std::fs::write(&config_path, config).unwrap();
        self.git_ok(
            &server,
            &["config", "nbgate.config", config_path.to_str().unwrap()],
        );
        server
    }

    /// A working repository, without hooks, whose `origin` is `server`.
    fn clone_of(&self, server: &Path, name: &str) -> PathBuf {
        let repo = self.path(name);
        self.git_ok(self.dir.path(), &["init", "-q", name]);
        self.git_ok(
            &repo,
            &["remote", "add", "origin", server.to_str().unwrap()],
        );
        repo
    }
}

fn install_hook(hooks: &Path, name: &str) {
    std::fs::create_dir_all(hooks).unwrap();
    std::fs::copy(hook_script(name), hooks.join(name)).unwrap();
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A v4 notebook with one code cell holding `code`.
fn notebook(code: &str) -> String {
    serde_json::json!({
        "cells": [{
            "cell_type": "code",
            "execution_count": 1,
            "id": "c1",
            "metadata": {},
            "outputs": [],
            "source": [code],
        }],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    })
    .to_string()
}

fn write(repo: &Path, path: &str, content: &str) {
    let path = repo.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn secret_notebook() -> String {
    notebook(&format!(
        "s3 = boto3.client('s3', aws_access_key_id='{KEY}')"
    ))
}

/// Commits everything with the hooks skipped (history that predates nbgate).
fn commit_unchecked(sandbox: &Sandbox, repo: &Path, message: &str) {
    sandbox.git_ok(repo, &["add", "-A"]);
    sandbox.git_ok(repo, &["commit", "-q", "--no-verify", "-m", message]);
}

fn assert_blocked(output: &Output) {
    let shown = text(output);
    assert!(
        !output.status.success(),
        "expected a block, it passed:\n{shown}"
    );
    assert!(
        shown.contains(RULE),
        "the block does not name the rule:\n{shown}"
    );
    assert!(
        !shown.contains(KEY),
        "the full secret was printed:\n{shown}"
    );
}

fn assert_passed(output: &Output) {
    assert!(
        output.status.success(),
        "expected a pass:\n{}",
        text(output)
    );
}

// ---------------------------------------------------------------- pre-commit

#[test]
fn staged_secret_removed_from_the_working_tree_is_still_caught() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    // Also the first commit: there is no HEAD yet.
    write(&repo, "analysis.ipynb", &secret_notebook());
    sandbox.git_ok(&repo, &["add", "analysis.ipynb"]);
    write(&repo, "analysis.ipynb", &notebook("x = 1"));

    let output = sandbox.git(&repo, &["commit", "-m", "first"]);
    assert_blocked(&output);
    assert!(text(&output).contains("analysis.ipynb"));
    assert!(!sandbox
        .git(&repo, &["rev-parse", "--verify", "-q", "HEAD"])
        .status
        .success());
}

#[test]
fn first_commit_of_clean_notebooks_passes() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    write(&repo, "a.ipynb", &notebook("x = 1"));
    write(&repo, "deep/er/b.ipynb", &notebook("y = 2"));
    sandbox.git_ok(&repo, &["add", "-A"]);
    assert_passed(&sandbox.git(&repo, &["commit", "-m", "first"]));
}

#[test]
fn secret_only_in_the_working_tree_does_not_block() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    write(&repo, "a.ipynb", &notebook("x = 1"));
    commit_unchecked(&sandbox, &repo, "start");

    // A clean edit is staged, then the file gets a secret that is not staged.
    write(&repo, "a.ipynb", &notebook("x = 2"));
    sandbox.git_ok(&repo, &["add", "a.ipynb"]);
    write(&repo, "a.ipynb", &secret_notebook());
    write(&repo, "notes.txt", "hello\n");
    sandbox.git_ok(&repo, &["add", "notes.txt"]);
    assert_passed(&sandbox.git(&repo, &["commit", "-m", "clean"]));
}

#[test]
fn commit_all_and_commit_paths_read_the_temporary_index() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    write(&repo, "a.ipynb", &notebook("x = 1"));
    write(&repo, "notes.txt", "one\n");
    commit_unchecked(&sandbox, &repo, "start");

    // `commit -a` stages the working tree into a temporary index.
    write(&repo, "a.ipynb", &secret_notebook());
    assert_blocked(&sandbox.git(&repo, &["commit", "-a", "-m", "all"]));

    // `commit <path>` builds a temporary index from HEAD and that path.
    assert_blocked(&sandbox.git(&repo, &["commit", "-m", "path", "a.ipynb"]));

    // With the secret staged in the real index, a commit of another path
    // does not include it and passes.
    sandbox.git_ok(&repo, &["add", "a.ipynb"]);
    write(&repo, "notes.txt", "two\n");
    assert_passed(&sandbox.git(&repo, &["commit", "-m", "notes", "notes.txt"]));
    let staged = sandbox.git_ok(&repo, &["diff", "--cached", "--name-only"]);
    assert_eq!(staged, "a.ipynb");
}

#[test]
fn renames_keep_pre_existing_findings_and_catch_new_ones() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    write(&repo, "old.ipynb", &secret_notebook());
    commit_unchecked(&sandbox, &repo, "history before nbgate");

    std::fs::create_dir(repo.join("moved")).unwrap();
    sandbox.git_ok(&repo, &["mv", "old.ipynb", "moved/old.ipynb"]);
    let output = sandbox.git(&repo, &["commit", "-m", "move"]);
    assert_passed(&output);
    assert!(text(&output).contains("pre-existing"), "{}", text(&output));

    // A moved notebook that gains a new key blocks for the new one only.
    let both = notebook(&format!("a = '{KEY}'\nb = '{OTHER_KEY}'"));
    sandbox.git_ok(&repo, &["mv", "moved/old.ipynb", "renamed.ipynb"]);
    write(&repo, "renamed.ipynb", &both);
    sandbox.git_ok(&repo, &["add", "renamed.ipynb"]);
    let output = sandbox.git(&repo, &["commit", "-m", "edit"]);
    assert_blocked(&output);
    assert!(text(&output).contains("1 blocking"), "{}", text(&output));
}

#[test]
fn linked_worktree_uses_its_own_index() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    write(&repo, "a.ipynb", &notebook("x = 1"));
    commit_unchecked(&sandbox, &repo, "start");
    let worktree = sandbox.path("linked");
    sandbox.git_ok(
        &repo,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "feature",
            worktree.to_str().unwrap(),
        ],
    );

    write(&worktree, "a.ipynb", &secret_notebook());
    sandbox.git_ok(&worktree, &["add", "a.ipynb"]);
    assert_blocked(&sandbox.git(&worktree, &["commit", "-m", "leak"]));

    // The main worktree's index is untouched and its commits pass.
    write(&repo, "b.ipynb", &notebook("y = 1"));
    sandbox.git_ok(&repo, &["add", "b.ipynb"]);
    assert_passed(&sandbox.git(&repo, &["commit", "-m", "clean"]));
}

#[test]
fn split_index_is_read_whole() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    sandbox.git_ok(&repo, &["config", "core.splitIndex", "true"]);
    for i in 0..20 {
        write(
            &repo,
            &format!("n{i}.ipynb"),
            &notebook(&format!("x = {i}")),
        );
    }
    commit_unchecked(&sandbox, &repo, "start");
    sandbox.git_ok(&repo, &["update-index", "--split-index"]);

    write(&repo, "n7.ipynb", &secret_notebook());
    sandbox.git_ok(&repo, &["add", "n7.ipynb"]);
    let shared = std::fs::read_dir(repo.join(".git"))
        .unwrap()
        .filter_map(Result::ok)
        .any(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("sharedindex.")
        });
    assert!(shared, "git did not split the index");
    let output = sandbox.git(&repo, &["commit", "-m", "leak"]);
    assert_blocked(&output);
    assert!(text(&output).contains("n7.ipynb"));
}

#[test]
fn sparse_index_skips_collapsed_folders() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    write(&repo, "in/a.ipynb", &notebook("x = 1"));
    write(&repo, "out/b.ipynb", &secret_notebook());
    commit_unchecked(&sandbox, &repo, "start");
    sandbox.git_ok(
        &repo,
        &["sparse-checkout", "init", "--cone", "--sparse-index"],
    );
    sandbox.git_ok(&repo, &["sparse-checkout", "set", "in"]);

    write(&repo, "in/a.ipynb", &notebook("x = 2"));
    sandbox.git_ok(&repo, &["add", "in/a.ipynb"]);
    assert_passed(&sandbox.git(&repo, &["commit", "-m", "clean"]));

    write(&repo, "in/a.ipynb", &secret_notebook());
    sandbox.git_ok(&repo, &["add", "in/a.ipynb"]);
    assert_blocked(&sandbox.git(&repo, &["commit", "-m", "leak"]));
}

#[test]
fn intent_to_add_and_symlinks_are_skipped() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    write(&repo, "a.ipynb", &notebook("x = 1"));
    commit_unchecked(&sandbox, &repo, "start");

    write(&repo, "later.ipynb", &secret_notebook());
    sandbox.git_ok(&repo, &["add", "--intent-to-add", "later.ipynb"]);
    std::os::unix::fs::symlink("later.ipynb", repo.join("link.ipynb")).unwrap();
    sandbox.git_ok(&repo, &["add", "link.ipynb"]);
    let output = sandbox.git(&repo, &["commit", "-m", "link"]);
    assert_passed(&output);
}

#[test]
fn git_dir_from_the_environment_is_honoured() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    write(&repo, "a.ipynb", &secret_notebook());
    sandbox.git_ok(&repo, &["add", "a.ipynb"]);
    let elsewhere = sandbox.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let output = sandbox
        .command(nbgate(), &elsewhere)
        .arg("pre-commit")
        .env("GIT_DIR", repo.join(".git"))
        .env("GIT_WORK_TREE", &repo)
        .output()
        .unwrap();
    assert_blocked(&output);
}

#[test]
fn missing_binary_stops_the_commit() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    write(&repo, "a.ipynb", &notebook("x = 1"));
    sandbox.git_ok(&repo, &["add", "a.ipynb"]);
    let output = sandbox
        .command("git", &repo)
        .env("NBGATE", sandbox.path("no/such/nbgate"))
        .args(["commit", "-m", "x"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(text(&output).contains("was not found"), "{}", text(&output));
}

// --------------------------------------------------------------- pre-receive

/// Makes `count` commits, each changing a notebook; the one at `secret_at`
/// adds a key and the next removes it again.
fn make_history(sandbox: &Sandbox, repo: &Path, count: usize, secret_at: Option<usize>) {
    for i in 0..count {
        let content = if Some(i) == secret_at {
            secret_notebook()
        } else {
            notebook(&format!("step = {i}"))
        };
        write(repo, "work.ipynb", &content);
        commit_unchecked(sandbox, repo, &format!("step {i}"));
    }
}

fn server_ref(sandbox: &Sandbox, server: &Path, name: &str) -> Option<String> {
    let output = sandbox.git(server, &["rev-parse", "--verify", "-q", name]);
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

#[test]
fn push_with_a_secret_in_the_middle_of_fifty_commits_is_rejected() {
    let sandbox = Sandbox::new();
    let server = sandbox.server("srv.git", "");
    let repo = sandbox.clone_of(&server, "r");
    make_history(&sandbox, &repo, 5, None);
    sandbox.git_ok(&repo, &["push", "-q", "origin", "main"]);
    let before = server_ref(&sandbox, &server, "refs/heads/main");

    make_history(&sandbox, &repo, 50, Some(25));
    let output = sandbox.git(&repo, &["push", "origin", "main"]);
    assert_blocked(&output);
    let shown = text(&output);
    assert!(shown.contains("remote:"), "{shown}");
    assert!(
        !shown.contains('\x1b'),
        "colour was not forced, yet there is some:\n{shown}"
    );
    assert!(
        shown.contains("refs/heads/main "),
        "the finding names no ref:\n{shown}"
    );
    let culprit = sandbox.git_ok(&repo, &["rev-parse", "--short=7", "HEAD~24"]);
    assert!(
        shown.contains(&culprit),
        "the finding does not name {culprit}:\n{shown}"
    );
    assert_eq!(server_ref(&sandbox, &server, "refs/heads/main"), before);

    // Colour only when forced.
    let output = sandbox
        .command("git", &repo)
        .env("CLICOLOR_FORCE", "1")
        .args(["push", "origin", "main"])
        .output()
        .unwrap();
    assert_blocked(&output);
    assert!(text(&output).contains('\x1b'), "{}", text(&output));
}

#[test]
fn clean_push_is_accepted() {
    let sandbox = Sandbox::new();
    let server = sandbox.server("srv.git", "");
    let repo = sandbox.clone_of(&server, "r");
    make_history(&sandbox, &repo, 50, None);
    assert_passed(&sandbox.git(&repo, &["push", "origin", "main"]));
    let head = sandbox.git_ok(&repo, &["rev-parse", "HEAD"]);
    assert_eq!(server_ref(&sandbox, &server, "refs/heads/main"), Some(head));
}

#[test]
fn new_branches_force_pushes_tags_merges_and_deletions() {
    let sandbox = Sandbox::new();
    let server = sandbox.server("srv.git", "[server]\nallow_bypass = true\n");
    sandbox.git_ok(&server, &["config", "receive.advertisePushOptions", "true"]);
    let repo = sandbox.clone_of(&server, "r");
    make_history(&sandbox, &repo, 3, None);
    sandbox.git_ok(&repo, &["push", "-q", "origin", "main"]);

    // A new branch whose only new commit adds a secret.
    sandbox.git_ok(&repo, &["switch", "-q", "-c", "feature"]);
    make_history(&sandbox, &repo, 1, Some(0));
    let output = sandbox.git(&repo, &["push", "origin", "feature"]);
    assert_blocked(&output);
    assert!(
        text(&output).contains("refs/heads/feature"),
        "{}",
        text(&output)
    );
    assert_eq!(server_ref(&sandbox, &server, "refs/heads/feature"), None);

    // An annotated tag on that commit brings it in too.
    sandbox.git_ok(&repo, &["tag", "-a", "-m", "release", "v1"]);
    let output = sandbox.git(&repo, &["push", "origin", "v1"]);
    assert_blocked(&output);
    assert_eq!(server_ref(&sandbox, &server, "refs/tags/v1"), None);

    // A force push that rewrites main with the secret is rejected; a clean
    // rewrite is accepted.
    sandbox.git_ok(&repo, &["switch", "-q", "main"]);
    sandbox.git_ok(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    write(&repo, "other.ipynb", &secret_notebook());
    commit_unchecked(&sandbox, &repo, "rewrite with a leak");
    assert_blocked(&sandbox.git(&repo, &["push", "-f", "origin", "main"]));
    sandbox.git_ok(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    write(&repo, "other.ipynb", &notebook("clean = True"));
    commit_unchecked(&sandbox, &repo, "clean rewrite");
    assert_passed(&sandbox.git(&repo, &["push", "-f", "origin", "main"]));

    // The feature branch gets in through a recorded bypass; a merge that
    // only carries its notebook over is then accepted.
    let output = sandbox.git(
        &repo,
        &[
            "push",
            "-o",
            "nbgate.bypass=key was revoked before the push",
            "origin",
            "feature",
        ],
    );
    assert_passed(&output);
    sandbox.git_ok(&repo, &["merge", "-q", "--no-ff", "--no-edit", "feature"]);
    let output = sandbox.git(&repo, &["push", "origin", "main"]);
    assert_passed(&output);

    // A merge that adds a secret of its own (an "evil merge") is rejected.
    sandbox.git_ok(&repo, &["switch", "-q", "-c", "side", "HEAD~1"]);
    write(&repo, "side.ipynb", &notebook("side = 1"));
    commit_unchecked(&sandbox, &repo, "side");
    sandbox.git_ok(&repo, &["switch", "-q", "main"]);
    sandbox.git_ok(&repo, &["merge", "-q", "--no-ff", "--no-commit", "side"]);
    write(
        &repo,
        "merge.ipynb",
        &notebook(&format!("k = '{OTHER_KEY}'")),
    );
    sandbox.git_ok(&repo, &["add", "merge.ipynb"]);
    sandbox.git_ok(&repo, &["commit", "-q", "--no-verify", "--no-edit"]);
    let output = sandbox.git(&repo, &["push", "origin", "main"]);
    assert!(!output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("merge.ipynb"), "{}", text(&output));
    assert!(!text(&output).contains("work.ipynb"), "{}", text(&output));

    // Deleting a branch scans nothing and is accepted.
    assert_passed(&sandbox.git(&repo, &["push", "origin", ":feature"]));
    assert_eq!(server_ref(&sandbox, &server, "refs/heads/feature"), None);
}

#[test]
fn repository_config_in_the_push_cannot_weaken_the_server_policy() {
    let weakening = "[allow]\nrules = ['secret.*']\npaths = ['**']\n\
                     [rules]\ndisable = ['secret.*']\n\
                     [rules.severity]\n'secret.aws-access-key-id' = 'warn'\n";
    for server_config in ["", "[server]\ntrust_repo_config = true\n"] {
        let sandbox = Sandbox::new();
        let server = sandbox.server("srv.git", server_config);
        let repo = sandbox.clone_of(&server, "r");
        write(&repo, ".nbgate.toml", weakening);
        write(&repo, "leak.ipynb", &secret_notebook());
        commit_unchecked(&sandbox, &repo, "leak with a permissive config");
        let output = sandbox.git(&repo, &["push", "origin", "main"]);
        assert_blocked(&output);
        if !server_config.is_empty() {
            assert!(text(&output).contains("ignored"), "{}", text(&output));
        }
        assert_eq!(server_ref(&sandbox, &server, "refs/heads/main"), None);
    }
}

#[test]
fn trusted_repository_config_can_add_strictness() {
    let sandbox = Sandbox::new();
    let server = sandbox.server("srv.git", "[server]\ntrust_repo_config = true\n");
    let repo = sandbox.clone_of(&server, "r");
    write(
        &repo,
        ".nbgate.toml",
        "[[rule]]\nid = 'custom.project-code'\nname = 'Internal project code'\n\
         kind = 'secret'\npattern = 'PRJ-[0-9]{6}'\nseverity = 'block'\n",
    );
    write(&repo, "a.ipynb", &notebook("code = 'PRJ-123456'"));
    commit_unchecked(&sandbox, &repo, "custom rule");
    let output = sandbox.git(&repo, &["push", "origin", "main"]);
    assert!(!output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("custom.project-code"),
        "{}",
        text(&output)
    );
}

#[test]
fn break_glass_is_recorded_without_values() {
    let sandbox = Sandbox::new();
    let audit = sandbox.path("audit/nbgate.jsonl");
    let server = sandbox.server(
        "srv.git",
        &format!(
            "[server]\nallow_bypass = true\naudit_log = '{}'\n",
            audit.display()
        ),
    );
    sandbox.git_ok(&server, &["config", "receive.advertisePushOptions", "true"]);
    let repo = sandbox.clone_of(&server, "r");
    write(&repo, "leak.ipynb", &secret_notebook());
    commit_unchecked(&sandbox, &repo, "leak");

    // Without a reason it is blocked and says how to bypass.
    let output = sandbox.git(&repo, &["push", "origin", "main"]);
    assert_blocked(&output);
    assert!(text(&output).contains("nbgate.bypass"), "{}", text(&output));
    assert!(!audit.exists());

    let output = sandbox
        .command("git", &repo)
        .env("GL_USERNAME", "alice")
        .args([
            "push",
            "-o",
            "nbgate.bypass=test fixture, key is fake",
            "origin",
            "main",
        ])
        .output()
        .unwrap();
    assert_passed(&output);
    let log = std::fs::read_to_string(&audit).unwrap();
    assert_eq!(log.lines().count(), 1, "{log}");
    let record: serde_json::Value = serde_json::from_str(log.trim()).unwrap();
    assert_eq!(record["pusher"], "alice");
    assert_eq!(record["reason"], "test fixture, key is fake");
    assert!(record["refs"][0]
        .as_str()
        .unwrap()
        .starts_with("refs/heads/main"));
    assert_eq!(record["findings"][0]["rule"], RULE);
    assert!(record["findings"][0]["fingerprint"].as_str().unwrap().len() >= 16);
    assert!(!record["commits"].as_array().unwrap().is_empty());
    assert!(record["time"].as_str().unwrap().ends_with('Z'));
    assert!(!log.contains(KEY), "the audit log holds the value");
}

#[test]
fn bypass_is_refused_unless_the_server_allows_it() {
    let sandbox = Sandbox::new();
    let server = sandbox.server("srv.git", "");
    sandbox.git_ok(&server, &["config", "receive.advertisePushOptions", "true"]);
    let repo = sandbox.clone_of(&server, "r");
    write(&repo, "leak.ipynb", &secret_notebook());
    commit_unchecked(&sandbox, &repo, "leak");
    let output = sandbox.git(
        &repo,
        &["push", "-o", "nbgate.bypass=please", "origin", "main"],
    );
    assert_blocked(&output);
    assert!(text(&output).contains("not allowed"), "{}", text(&output));
}

#[test]
fn over_budget_the_push_is_rejected_unless_allowed() {
    let sandbox = Sandbox::new();
    let server = sandbox.server("srv.git", "[server]\nmax_bytes = 10\n");
    let repo = sandbox.clone_of(&server, "r");
    write(&repo, "a.ipynb", &notebook("x = 1"));
    commit_unchecked(&sandbox, &repo, "clean but large");
    let output = sandbox.git(&repo, &["push", "origin", "main"]);
    assert!(!output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("max_bytes"), "{}", text(&output));
    assert_eq!(server_ref(&sandbox, &server, "refs/heads/main"), None);

    let allowing = sandbox.server(
        "allow.git",
        "[server]\nmax_bytes = 10\non_timeout = 'allow'\n",
    );
    sandbox.git_ok(
        &repo,
        &["remote", "add", "allowing", allowing.to_str().unwrap()],
    );
    let output = sandbox.git(&repo, &["push", "allowing", "main"]);
    assert_passed(&output);
    assert!(text(&output).contains("on_timeout"), "{}", text(&output));

    // No time at all: the same.
    let hurried = sandbox.server("hurried.git", "[server]\nmax_seconds = 0\n");
    sandbox.git_ok(
        &repo,
        &["remote", "add", "hurried", hurried.to_str().unwrap()],
    );
    let output = sandbox.git(&repo, &["push", "hurried", "main"]);
    assert!(!output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("max_seconds"), "{}", text(&output));
}

#[test]
fn missing_binary_rejects_every_push() {
    let sandbox = Sandbox::new();
    let server = sandbox.server("srv.git", "");
    let repo = sandbox.clone_of(&server, "r");
    make_history(&sandbox, &repo, 1, None);
    let output = sandbox
        .command("git", &repo)
        .env("NBGATE", sandbox.path("no/such/nbgate"))
        .args(["push", "origin", "main"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(text(&output).contains("was not found"), "{}", text(&output));
}

// ------------------------------------------------------ ranges and pre-push

#[test]
fn scan_range_reads_the_commits_in_the_range() {
    let sandbox = Sandbox::new();
    let repo = sandbox.path("r");
    sandbox.git_ok(sandbox.dir.path(), &["init", "-q", "r"]);
    make_history(&sandbox, &repo, 3, None);
    make_history(&sandbox, &repo, 4, Some(1));
    make_history(&sandbox, &repo, 3, None);

    let scan = |range: &str| {
        sandbox
            .command(nbgate(), &repo)
            .args(["scan", "--range", range])
            .output()
            .unwrap()
    };
    assert_blocked(&scan("HEAD~7..HEAD"));
    assert_passed(&scan("HEAD~3..HEAD"));
    assert_passed(&scan("HEAD~9..HEAD~7"));
    let sarif = sandbox
        .command(nbgate(), &repo)
        .args(["scan", "--range", "HEAD~7..HEAD", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(sarif.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], RULE);
    assert_passed(&scan("HEAD~7"));
    let output = scan("HEAD~20..HEAD");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));

    // The pre-commit framework's pre-push stage.
    let from = sandbox.git_ok(&repo, &["rev-parse", "HEAD~7"]);
    let to = sandbox.git_ok(&repo, &["rev-parse", "HEAD"]);
    let output = sandbox
        .command(nbgate(), &repo)
        .arg("pre-push")
        .env("PRE_COMMIT_FROM_REF", &from)
        .env("PRE_COMMIT_TO_REF", &to)
        .output()
        .unwrap();
    assert_blocked(&output);

    // With no refs named at all: HEAD's commits that no remote has.
    let output = sandbox
        .command(nbgate(), &repo)
        .arg("pre-push")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_blocked(&output);
}

#[test]
fn missing_objects_reject_the_push() {
    let sandbox = Sandbox::new();
    let server = sandbox.server("srv.git", "");
    let mut child = sandbox
        .command(nbgate(), &server)
        .arg("pre-receive")
        .env("GIT_DIR", ".")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let line = format!("{} {} refs/heads/main\n", "0".repeat(40), "ab".repeat(20));
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), line.as_bytes()).unwrap();
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("missing"), "{}", text(&output));
}

#[test]
fn plain_pre_push_hook_reads_the_pushed_refs() {
    let sandbox = Sandbox::new();
    let remote = sandbox.path("plain.git");
    sandbox.git_ok(sandbox.dir.path(), &["init", "-q", "--bare", "plain.git"]);
    let repo = sandbox.clone_of(&remote, "r");
    std::fs::write(
        repo.join(".git/hooks/pre-push"),
        format!("#!/bin/sh\nexec '{}' pre-push \"$@\"\n", nbgate()),
    )
    .unwrap();
    let hook = repo.join(".git/hooks/pre-push");
    let mut permissions = std::fs::metadata(&hook).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&hook, permissions).unwrap();

    make_history(&sandbox, &repo, 2, None);
    assert_passed(&sandbox.git(&repo, &["push", "origin", "main"]));
    make_history(&sandbox, &repo, 3, Some(1));
    assert_blocked(&sandbox.git(&repo, &["push", "origin", "main"]));
}

// ------------------------------------------------------------------ install

#[test]
fn install_hook_chains_an_existing_hook_and_is_idempotent() {
    let sandbox = Sandbox::new();
    let repo = sandbox.path("r");
    sandbox.git_ok(sandbox.dir.path(), &["init", "-q", "r"]);
    let hooks = sandbox.path("shared-hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    sandbox.git_ok(
        &repo,
        &["config", "core.hooksPath", hooks.to_str().unwrap()],
    );
    let marker = sandbox.path("existing-hook-ran");
    let existing = format!("#!/bin/sh\ntouch '{}'\n", marker.display());
    std::fs::write(hooks.join("pre-commit"), &existing).unwrap();
    let mut permissions = std::fs::metadata(hooks.join("pre-commit"))
        .unwrap()
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(hooks.join("pre-commit"), permissions).unwrap();

    let install = || {
        sandbox
            .command(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("install.sh")
                    .to_str()
                    .unwrap(),
                &repo,
            )
            .args(["--hook", repo.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let first = install();
    assert_passed(&first);
    let installed = std::fs::read_to_string(hooks.join("pre-commit")).unwrap();
    assert!(installed.contains("nbgate-hook"));
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit.nbgate-chained")).unwrap(),
        existing
    );
    let second = install();
    assert_passed(&second);
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).unwrap(),
        installed
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit.nbgate-chained")).unwrap(),
        existing
    );

    write(&repo, "a.ipynb", &secret_notebook());
    sandbox.git_ok(&repo, &["add", "a.ipynb"]);
    assert_blocked(&sandbox.git(&repo, &["commit", "-m", "leak"]));
    assert!(marker.exists(), "the chained hook did not run");
}
