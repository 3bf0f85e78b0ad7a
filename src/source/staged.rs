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

use gix::bstr::{BString, ByteSlice};
use gix::index::entry::{Flags, Mode, Stage};
use gix::{ObjectId, Repository};

use super::range::{blob_of, is_notebook_path, GitError};
use super::Blob;

/// A notebook the index holds in a version HEAD does not.
#[derive(Debug, Clone)]
pub struct StagedNotebook {
    pub path: String,
    pub id: ObjectId,
    /// HEAD's version of the same notebook: at the same path, or for a
    /// notebook the index adds, the one it was moved or copied from.
    pub previous: Option<ObjectId>,
}

/// The staged notebooks that differ from HEAD (the empty tree before the
/// first commit), by path.
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
    let mut sparse_dirs: Vec<BString> = Vec::new();
    let mut candidates: Vec<(BString, ObjectId)> = Vec::new();
    for entry in index.entries() {
        let path = entry.path(&index);
        if entry.mode.is_sparse() {
            // A folder outside the sparse cone: it stands for HEAD's tree,
            // so the notebooks in it are neither staged nor removed.
            sparse_dirs.push(path.to_owned());
            continue;
        }
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
            log::debug!("{path}: a symlink or submodule, not a notebook; skipped");
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

    // 3. What differs from HEAD at the same path.
    let mut staged = Vec::new();
    let mut added = Vec::new();
    for (path, id) in candidates {
        match in_head.get(&path) {
            Some(head_id) if *head_id == id => {}
            Some(head_id) => staged.push(StagedNotebook {
                path: path.to_str_lossy().into_owned(),
                id,
                previous: Some(*head_id),
            }),
            None => added.push((path, id)),
        }
    }

    // 4. A notebook new at its path may be an old one moved or copied.
    if !added.is_empty() {
        let mut all_in_head = HashMap::new();
        head_notebooks(
            repo,
            head_tree,
            &mut BString::default(),
            None,
            &mut all_in_head,
        )?;
        let in_sparse_dir = |path: &BString| sparse_dirs.iter().any(|dir| is_under(path, dir));
        let removed: Vec<(BString, ObjectId)> = all_in_head
            .iter()
            .filter(|(path, _)| !in_index.contains(*path) && !in_sparse_dir(path))
            .map(|(path, id)| (path.clone(), *id))
            .collect();
        for (path, id, previous) in pair_moves(&all_in_head, removed, added) {
            staged.push(StagedNotebook {
                path: path.to_str_lossy().into_owned(),
                id,
                previous,
            });
        }
    }
    staged.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(staged)
}

/// Whether `path` lies in the folder `dir` (written with or without a
/// trailing slash, as sparse directory entries are).
fn is_under(path: &[u8], dir: &[u8]) -> bool {
    let dir = dir.strip_suffix(b"/").unwrap_or(dir);
    path.len() > dir.len() && path.starts_with(dir) && path[dir.len()] == b'/'
}

/// Finds HEAD's version of each notebook the index adds: HEAD's notebook
/// with the same content (a pure rename or a copy), else a removed notebook
/// with the same file name (a move, perhaps edited), else, when exactly one
/// notebook is removed and one added, that one (a rename, perhaps edited).
/// Git's own rename detection compares content similarity; these three cases
/// are what a commit usually holds, and a wrong pairing only changes which
/// findings count as pre-existing for a notebook whose history already had them.
fn pair_moves(
    head: &HashMap<BString, ObjectId>,
    mut removed: Vec<(BString, ObjectId)>,
    added: Vec<(BString, ObjectId)>,
) -> Vec<(BString, ObjectId, Option<ObjectId>)> {
    // One answer whatever the hash map's order.
    removed.sort();
    let file_name = |p: &BString| p.rsplit_str("/").next().map(<[u8]>::to_owned);
    let mut paired: Vec<(BString, ObjectId, Option<ObjectId>)> = Vec::new();
    let mut unpaired = Vec::new();
    for (path, id) in added {
        if head.values().any(|head_id| *head_id == id) {
            removed.retain(|(_, removed_id)| *removed_id != id);
            paired.push((path, id, Some(id)));
            continue;
        }
        let name = file_name(&path);
        match removed.iter().position(|(old, _)| file_name(old) == name) {
            Some(at) => {
                let (_, old_id) = removed.remove(at);
                paired.push((path, id, Some(old_id)));
            }
            None => unpaired.push((path, id)),
        }
    }
    if let ([(path, id)], [(_, old_id)]) = (unpaired.as_slice(), removed.as_slice()) {
        paired.push((path.clone(), *id, Some(*old_id)));
    } else {
        paired.extend(unpaired.into_iter().map(|(path, id)| (path, id, None)));
    }
    paired
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
    blob_of(repo, &staged.path, staged.id, staged.previous, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[n; 20])
    }

    #[test]
    fn moves_pair_by_content_then_name_then_alone() {
        let head: HashMap<BString, ObjectId> = [("a.ipynb", 1), ("dir/b.ipynb", 2), ("c.ipynb", 3)]
            .into_iter()
            .map(|(p, n)| (BString::from(p), id(n)))
            .collect();
        let removed = vec![
            (BString::from("dir/b.ipynb"), id(2)),
            (BString::from("c.ipynb"), id(3)),
        ];
        let added = vec![
            (BString::from("copy.ipynb"), id(1)),
            (BString::from("new/b.ipynb"), id(9)),
            (BString::from("renamed.ipynb"), id(8)),
        ];
        let paired = pair_moves(&head, removed, added);
        let previous = |p: &str| paired.iter().find(|(path, _, _)| path == p).unwrap().2;
        assert_eq!(previous("copy.ipynb"), Some(id(1)));
        assert_eq!(previous("new/b.ipynb"), Some(id(2)));
        assert_eq!(previous("renamed.ipynb"), Some(id(3)));
    }

    #[test]
    fn sparse_folders_hold_their_paths() {
        assert!(is_under(b"out/b.ipynb", b"out/"));
        assert!(is_under(b"out/x/b.ipynb", b"out"));
        assert!(!is_under(b"outside/b.ipynb", b"out/"));
    }
}
