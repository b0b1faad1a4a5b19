"""The index folder as files: what a build leaves behind, how it is swapped in, and how it is checked.

- Every file of a build (and of a delta segment) is listed in its manifest with its sha256, so a changed, missing or
  added file (tampered clause text, zeroed vectors, a deleted leg) is found on load: :func:`check_files`.
- A build is written into ``.NAME.tmp-PID`` and swapped in (``NAME`` → ``.NAME.old-PID``, the new one → ``NAME``);
  readers keep the old index until that moment. :func:`recover` finishes or undoes a swap that a killed process left
  half done, and removes the leftovers of dead builds.
- Writing errors (a read-only folder, a full disk) become :class:`IndexWriteError` naming the folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from retriever.errors import CorruptIndexError, IndexWriteError

__all__ = ["file_digests", "check_files", "swap_in", "recover", "writing", "looks_like_index", "INDEX_FILES"]

INDEX_FILES = re.compile(r"^(manifest\.json|clauses\.jsonl|bm25(-en)?|vectors-.+\.npy|dense-.+\.faiss|delta\.json"
                         r"|delta-\d+)$")
"""The names an index folder holds (a folder with anything else is not ours to overwrite)."""
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)$")


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def file_digests(folder: Path, skip: tuple[str, ...] = ("manifest.json",)) -> dict[str, str]:
    """Relative path → sha256 of every file under ``folder`` but ``skip`` and delta segments."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in skip and not rel.startswith(("delta-", "delta.json", ".")):
            out[rel] = _sha256(path)
    return out


def check_files(folder: Path, recorded: dict[str, str] | None, what: str) -> None:
    """:class:`CorruptIndexError` unless ``folder`` holds exactly the files ``recorded`` (by sha256)."""
    if recorded is None:
        raise CorruptIndexError(f"{what} at {folder} records no file digests (made by an older version): rebuild it "
                                "with `python -m retriever index build`")
    found = file_digests(folder)
    missing = sorted(set(recorded) - set(found))
    changed = sorted(f for f in set(recorded) & set(found) if recorded[f] != found[f])
    if missing or changed:
        problem = f"missing {', '.join(missing[:3])}" if missing else f"changed since the build: {', '.join(changed[:3])}"
        raise CorruptIndexError(f"{what} at {folder} is damaged ({problem}): rebuild it with "
                                "`python -m retriever index build`")


def looks_like_index(folder: Path) -> bool:
    """Whether a folder is empty or holds only what an index holds (so a build may replace it)."""
    return not folder.exists() or all(INDEX_FILES.match(p.name) for p in folder.iterdir())


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(target: Path) -> list[tuple[str, int, Path]]:
    """(kind, pid, path) of the ``.NAME.tmp-PID`` / ``.NAME.old-PID`` folders beside ``target``, newest first."""
    if not target.parent.is_dir():
        return []
    found = []
    for path in target.parent.iterdir():
        m = _LEFTOVER.match(path.name)
        if m and m["name"] == target.name and path.is_dir():
            found.append((m["kind"], int(m["pid"]), path))
    return sorted(found, key=lambda f: f[2].stat().st_mtime, reverse=True)


def recover(target: Path) -> None:
    """Finish or undo a swap that a killed build left half done, then remove the leftovers of dead builds.

    A missing index folder with a complete new build beside it (one with a manifest) gets that build; otherwise the
    previous index (``.old``) goes back in place."""
    dead = [(kind, path) for kind, pid, path in _leftovers(target) if not _alive(pid)]
    if not target.exists():
        complete = [p for kind, p in dead if kind == "tmp" and (p / "manifest.json").exists()]
        previous = [p for kind, p in dead if kind == "old" and (p / "manifest.json").exists()]
        for candidate in complete + previous:
            try:
                candidate.rename(target)
                break
            except OSError:
                continue
    for _, path in dead:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)


def swap_in(tmp: Path, target: Path) -> None:
    """Put the finished build ``tmp`` in place of ``target`` (readers see the old index or the new one)."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    try:
        if target.exists():
            target.rename(old)
        tmp.rename(target)
    except OSError as err:  # another process swapped its own build in at the same moment
        shutil.rmtree(tmp, ignore_errors=True)
        if not (target / "manifest.json").exists():
            raise CorruptIndexError(f"could not put the new index in place at {target} ({err}): build it again") from None
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Turn an operating-system error while writing an index into :class:`IndexWriteError` naming the folder."""
    try:
        yield
    except PermissionError as err:
        raise IndexWriteError(f"cannot write the index at {folder}: permission denied ({err.filename}); choose a "
                              "writable folder with --index or RETRIEVER_INDEX_DIR 索引目录不可写") from None
    except OSError as err:
        raise IndexWriteError(f"cannot write the index at {folder}: {err.strerror} ({err.filename}) "
                              "索引无法写入") from None
