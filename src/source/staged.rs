//! The index as a source, for pre-commit: the notebooks a commit would add
//! or change, read from the object database exactly as they were staged.
//!
//! The working tree is never read: a secret that was staged and then deleted
//! from the file is still in the commit, and one only in the working tree is
//! not. The index is the one git names (`GIT_INDEX_FILE` is a temporary index
//! during `commit -a` and `commit <paths>`), in the repository and worktree
//! git names (`GIT_DIR`, linked worktrees); split indexes are joined and
//! sparse directory entries skipped, since they only stand for HEAD's trees.

use std::collections::{HashMap, HashSet};

use gix::bstr::{BStr, BString, ByteSlice};
use gix::index::entry::{Flags, Mode, Stage};
use gix::{ObjectId, Repository};

use super::range::{is_notebook_path, read_blob, GitError};
use super::Blob;

/// A notebook the index holds in a version HEAD does not.
#[derive(Debug, Clone)]
pub struct StagedNotebook {
    pub path: String,
    pub id: ObjectId,
    /// HEAD's version of the same notebook: at the same path, or for a
    /// notebook the index adds, a HEAD notebook with the same content or a
    /// removed one with the same file name (a rename or move).
    pub previous: Option<ObjectId>,
}

/// The staged notebooks that differ from HEAD (the empty tree before the
/// first commit), in index order.
pub fn staged_notebooks(repo: &Repository) -> Result<Vec<StagedNotebook>, GitError> {
    let index = match repo.open_index() {
        Ok(index) => index,
        Err(err) if !repo.index_path().exists() => {
            log::debug!("no index yet ({err:#}): nothing is staged");
            return Ok(Vec::new());
        }
        Err(err) => {
            return Err(GitError::git(
                format!("reading the index {}", repo.index_path().display()),
                err,
            ))
        }
    };

    // 1. The index's notebooks, as a commit would record them.
    let mut in_index: HashSet<BString> = HashSet::new();
    let mut candidates: Vec<(BString, ObjectId)> = Vec::new();
    for entry in index.entries() {
        let path = entry.path(&index);
        if !is_notebook_path(path) {
            continue;
        }
        in_index.insert(path.to_owned());
        if entry.stage() != Stage::Unconflicted {
            log::debug!("{path}: unmerged (stage {}), skipped", entry.stage_raw());
            continue;
        }
        if entry.flags.contains(Flags::INTENT_TO_ADD) {
            log::debug!("{path}: intent-to-add, no content staged; skipped");
            continue;
        }
        if !(entry.mode == Mode::FILE || entry.mode == Mode::FILE_EXECUTABLE) {
            log::debug!("{path}: a symlink, submodule or sparse directory; skipped");
            continue;
        }
        candidates.push((path.to_owned(), entry.id));
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }

    // 2. HEAD's versions of those paths, reading only the trees on their way.
    let head_tree = repo
        .head_tree_id_or_empty()
        .map_err(|err| GitError::git("reading HEAD", err))?
        .detach();
    let mut wanted_dirs: HashSet<BString> = HashSet::new();
    for (path, _) in &candidates {
        let mut dir = path.as_bstr();
        while let Some(slash) = dir.rfind_byte(b'/') {
            dir = dir[..slash].as_bstr();
            wanted_dirs.insert(dir.to_owned());
        }
    }
    let mut in_head = HashMap::new();
    head_notebooks(
        repo,
        head_tree,
        &mut BString::default(),
        Some(&wanted_dirs),
        &mut in_head,
    )?;

    // 3. What differs; a notebook new at its path may be an old one moved.
    let mut all_in_head: Option<HashMap<BString, ObjectId>> = None;
    let mut staged = Vec::new();
    for (path, id) in candidates {
        let previous = match in_head.get(&path) {
            Some(head_id) if *head_id == id => continue,
            Some(head_id) => Some(*head_id),
            None => {
                if all_in_head.is_none() {
                    let mut all = HashMap::new();
                    head_notebooks(repo, head_tree, &mut BString::default(), None, &mut all)?;
                    all_in_head = Some(all);
                }
                all_in_head
                    .as_ref()
                    .and_then(|all| moved_from(all, &in_index, path.as_bstr(), id))
            }
        };
        staged.push(StagedNotebook {
            path: path.to_str_lossy().into_owned(),
            id,
            previous,
        });
    }
    Ok(staged)
}

/// For a notebook the index adds: HEAD's notebook with the same content
/// (a copy or a pure rename), else a notebook the index removed with the same
/// file name (a move, perhaps edited).
fn moved_from(
    head: &HashMap<BString, ObjectId>,
    in_index: &HashSet<BString>,
    path: &BStr,
    id: ObjectId,
) -> Option<ObjectId> {
    if head.values().any(|head_id| *head_id == id) {
        return Some(id);
    }
    let name = |p: &BStr| p.rsplit_str("/").next().map(<[u8]>::to_owned);
    let file_name = name(path);
    let mut removed: Vec<(&BString, &ObjectId)> = head
        .iter()
        .filter(|(head_path, _)| !in_index.contains(*head_path))
        .filter(|(head_path, _)| name(head_path.as_bstr()) == file_name)
        .collect();
    // One answer whatever the hash map's order.
    removed.sort();
    removed.first().map(|(_, id)| **id)
}

/// HEAD's `*.ipynb` blobs, by path; with `only_dirs`, descending only into
/// those folders.
fn head_notebooks(
    repo: &Repository,
    tree: ObjectId,
    prefix: &mut BString,
    only_dirs: Option<&HashSet<BString>>,
    out: &mut HashMap<BString, ObjectId>,
) -> Result<(), GitError> {
    let object = super::range::find(repo, tree, "tree")?.into_tree();
    let decoded = object
        .decode()
        .map_err(|err| GitError::git(format!("reading tree {tree}"), err))?;
    let entries: Vec<_> = decoded
        .entries
        .iter()
        .map(|entry| (entry.filename.to_owned(), entry.mode, entry.oid.to_owned()))
        .collect();
    drop(object);

    for (name, mode, id) in entries {
        let length = prefix.len();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(&name);
        if mode.is_tree() {
            if only_dirs.is_none_or(|dirs| dirs.contains(prefix.as_bstr())) {
                head_notebooks(repo, id, prefix, only_dirs, out)?;
            }
        } else if mode.is_blob() && is_notebook_path(&name) {
            out.insert(prefix.clone(), id);
        }
        prefix.truncate(length);
    }
    Ok(())
}

/// Reads a staged notebook and HEAD's version into a blob for the scanner.
pub fn staged_to_blob(repo: &Repository, staged: &StagedNotebook) -> Result<Blob, GitError> {
    let bytes = read_blob(repo, staged.id, &staged.path)?;
    let previous = match staged.previous {
        Some(id) => Some(read_blob(repo, id, &staged.path)?),
        None => None,
    };
    Ok(Blob {
        path: staged.path.clone(),
        bytes,
        previous,
        introduced_by: None,
    })
}
