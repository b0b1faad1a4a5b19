"""The index on disk: plain files, a manifest checked on load, stale and corrupt indexes detected."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from conftest import CORPUS

from retriever.config import IndexConfig
from retriever.errors import CorruptIndexError, IndexMissingError, StaleIndexError
from retriever.search.embedded import EmbeddedSearcher


def copy_of(index_dir, tmp_path):
    """A copy of the index, and of its embedding store (so a rebuild embeds nothing)."""
    target = tmp_path / "hybrid"
    shutil.copytree(index_dir, target)
    shutil.copytree(index_dir.parent / f"{index_dir.name}-embeddings", tmp_path / f"{target.name}-embeddings")
    return target


def open_never(folder, **changes):
    return EmbeddedSearcher.open(IndexConfig(index_dir=folder, corpus_dir=CORPUS, **changes), rebuild="never")


def test_files_are_plain_and_the_manifest_records_what_matters(index_dir, corpus):
    names = {p.name for p in index_dir.iterdir()}
    assert {"manifest.json", "clauses.jsonl", "bm25", "vectors-use.npy", "vectors-e5.npy",
            "dense-use.faiss", "dense-e5.faiss"} <= names
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema_version"] == 3
    assert set(manifest["files"]) >= {"clauses.jsonl", "vectors-use.npy", "dense-e5.faiss"}  # each with its sha256
    assert manifest["clause_count"] == sum(len(d.clauses) for d in corpus.documents.values())
    assert manifest["corpus"]["hb-sti-14fyp"] == corpus.document("hb-sti-14fyp").meta.sha256
    assert manifest["embedders"]["use"]["dim"] == 512 and manifest["embedders"]["e5"]["dim"] == 384
    assert len(manifest["tokenizer"]["user_dictionary_sha256"]) == 64
    assert {"bm25s", "faiss-cpu", "numpy", "jieba"} <= set(manifest["libraries"])
    for path in index_dir.rglob("*.npy"):
        np.load(path, allow_pickle=False)  # no pickled objects anywhere
    assert not list(index_dir.parent.glob(".hybrid.*"))  # the atomic build left no temporary folder


def test_missing_index(tmp_path):
    with pytest.raises(IndexMissingError, match="index build"):
        open_never(tmp_path / "nothing")


def test_stale_index_names_what_changed(index_dir, tmp_path):
    folder = copy_of(index_dir, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["corpus"]["hb-sti-14fyp"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StaleIndexError, match="corpus.hb-sti-14fyp"):
        open_never(folder)
    with pytest.raises(StaleIndexError, match="config.b"):
        open_never(index_dir, b=0.9)  # other BM25 settings than the index was built with


@pytest.mark.parametrize(("section", "setting", "value"), [("config", "english_embedders", ["use"]),
                                                             ("tokenizer", "traditional_to_simplified", True),
                                                             ("english_tokens", "stemmer_exceptions", "none")])
def test_an_index_built_with_a_setting_this_version_lacks_is_stale(index_dir, tmp_path, section, setting, value):
    # an index written by another version (one whose reference English had fewer dense legs, whose tokenizers had
    # another setting) must not be taken for this version's: its legs would silently differ
    folder = copy_of(index_dir, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest[section][setting] = value
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StaleIndexError, match=f"{section}.{setting}: in the index but no longer"):
        open_never(folder)


def test_the_build_s_own_entries_do_not_make_an_index_stale(index_dir):
    # the build adds its time, counts and leg list beside the expected entries: the index just built is fresh
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert {"built_at", "clause_count", "dense_legs"} <= set(manifest)
    open_never(index_dir)


@pytest.mark.parametrize("damage", ["truncate-vectors", "drop-manifest", "garble-manifest", "drop-clause"])
def test_corrupt_index_is_detected(index_dir, tmp_path, damage):
    folder = copy_of(index_dir, tmp_path)
    if damage == "truncate-vectors":
        data = (folder / "vectors-use.npy").read_bytes()
        (folder / "vectors-use.npy").write_bytes(data[: len(data) // 2])
    elif damage == "drop-manifest":
        (folder / "manifest.json").unlink()
    elif damage == "garble-manifest":
        (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    else:
        lines = (folder / "clauses.jsonl").read_text(encoding="utf-8").splitlines()
        (folder / "clauses.jsonl").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="rebuild"):
        open_never(folder)


def test_a_stale_index_is_rebuilt_when_asked(index_dir, tmp_path):
    folder = copy_of(index_dir, tmp_path)
    (folder / "manifest.json").unlink()
    searcher = EmbeddedSearcher.open(IndexConfig(index_dir=folder, corpus_dir=CORPUS), rebuild="stale")
    assert (folder / "manifest.json").exists() and len(searcher.index) > 700


def test_a_removed_document_or_changed_parse_makes_the_index_stale(index_dir, tmp_path):
    folder = copy_of(index_dir, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["corpus"]["old-law-2001"] = "0" * 64  # a document the corpus no longer has
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StaleIndexError, match="old-law-2001"):
        open_never(folder)
    manifest["corpus"].pop("old-law-2001")
    manifest["documents"]["zlf-2020"] = "1" * 64  # the same sources parsed or repaired differently
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StaleIndexError, match="documents.zlf-2020"):
        open_never(folder)
