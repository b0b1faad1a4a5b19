"""The index after a fault: a killed build, a damaged manifest, tampered files, a folder it cannot write. Nothing
here depends on model quality, so the index is built with the FAKE embedder (tests/fakes.py); each test is named
after the case it guards."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import numpy as np
import pytest
from conftest import CORPUS, fake_config

from retriever.errors import CorruptIndexError, IndexWriteError
from retriever.index.manifest import MANIFEST_FILE
from retriever.search.embedded import EmbeddedSearcher
from retriever.types import Leg, Rebuild

FAKE_BUILD = """
import sys, time
sys.path.insert(0, {tests!r})  # the tests folder, for the FAKE embedder only
from fakes import FAKE, HashEmbedder
from conftest import fake_config
from pathlib import Path
from retriever.search.embedded import EmbeddedSearcher
from retriever.types import Rebuild

def stall(message, fraction):
    if fraction >= 0.95:  # the new index written beside the old one, not yet swapped in
        print("stalled", flush=True)
        time.sleep(600)

EmbeddedSearcher.open(fake_config(Path({root!r})), rebuild=Rebuild.BUILD, embedders={{FAKE: HashEmbedder()}},
                      progress=stall)
"""


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, fake_embedders):
    """One index built with the FAKE embedder; each test damages its own copy."""
    root = tmp_path_factory.mktemp("pristine")
    EmbeddedSearcher.open(fake_config(root), embedders=fake_embedders)
    return root


@pytest.fixture()
def built(pristine, tmp_path):
    shutil.copytree(pristine, tmp_path, dirs_exist_ok=True)
    return fake_config(tmp_path)


def open_never(config, fake_embedders):
    return EmbeddedSearcher.open(config, embedders=fake_embedders, rebuild=Rebuild.NEVER)


def test_a_build_killed_mid_way_leaves_the_working_index_serving(built, fake_embedders, tmp_path):
    script = FAKE_BUILD.format(tests=str(CORPUS.parent / "tests"), root=str(tmp_path))
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=CORPUS.parent)
    try:
        assert build.stdout.readline().strip() == "stalled"
        assert open_never(built, fake_embedders).search("专利权的期限", k=1).hits  # searches go on during the build
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=30)
    finally:
        if build.poll() is None:
            build.kill()
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".hybrid.tmp-")]
    assert leftovers  # what the killed build left
    assert open_never(built, fake_embedders).search("专利权的期限", k=1).hits  # the working index is intact
    EmbeddedSearcher.open(built, embedders=fake_embedders, rebuild=Rebuild.BUILD)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".hybrid.")]  # the next build cleaned up


def test_a_swap_killed_half_way_is_finished_on_the_next_open(built, fake_embedders, tmp_path):
    """Killed between moving the old index aside and moving the new one in: the new one is put in place."""
    target = built.index_dir
    target.rename(tmp_path / ".hybrid.tmp-999999")  # a complete build of a dead process, not yet swapped in
    assert open_never(built, fake_embedders).search("专利权的期限", k=1).hits
    assert target.exists() and not (tmp_path / ".hybrid.tmp-999999").exists()


@pytest.mark.parametrize("content", ["[]", "null", '"x"', "1", "{not json"])
def test_a_manifest_that_is_not_an_object_is_refused_and_a_build_mends_it(built, fake_embedders, content):
    (built.index_dir / MANIFEST_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="index build"):
        open_never(built, fake_embedders)
    mended = EmbeddedSearcher.open(built, embedders=fake_embedders, rebuild=Rebuild.STALE)
    assert mended.search("专利权的期限", k=1).hits


def test_tampered_clause_text_is_detected(built, fake_embedders):
    clauses = built.index_dir / "clauses.jsonl"
    clauses.write_text(clauses.read_text(encoding="utf-8").replace("二十年", "三十年", 1), encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="changed since the build: clauses.jsonl"):
        open_never(built, fake_embedders)


def test_zeroed_or_reshaped_vectors_are_detected(built, fake_embedders):
    path = built.index_dir / f"vectors-{Leg.dense('fake-hash').file}.npy"
    vectors = np.load(path)
    np.save(path, np.zeros_like(vectors), allow_pickle=False)
    with pytest.raises(CorruptIndexError, match="vectors"):
        open_never(built, fake_embedders)
    np.save(path, vectors[:, :8].copy(), allow_pickle=False)
    with pytest.raises(CorruptIndexError):
        open_never(built, fake_embedders)


def test_a_missing_english_leg_is_detected(built, fake_embedders):
    shutil.rmtree(built.index_dir / Leg.bm25(english=True).file)
    with pytest.raises(CorruptIndexError, match="missing bm25-en"):
        open_never(built, fake_embedders)


def test_an_index_folder_it_cannot_write_is_a_clear_error(tmp_path, fake_embedders):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    config = fake_config(blocker)  # the index would go inside a regular file
    with pytest.raises(IndexWriteError, match="cannot write the index"):
        EmbeddedSearcher.open(config, embedders=fake_embedders)


@pytest.mark.slow  # the CLI loads the real models
def test_cli_messages_after_a_fault_name_the_fix_and_the_fix_works(built, tmp_path):
    (built.index_dir / MANIFEST_FILE).write_text("[]", encoding="utf-8")
    env = dict(os.environ, RETRIEVER_EMBEDDERS="use", RETRIEVER_EMBED_STORE=str(tmp_path / "store"))
    folder = ["--index", str(built.index_dir)]
    for command in (["search", "专利"], ["index", "status"], ["index", "update", "--backend", "embedded"]):
        result = subprocess.run([sys.executable, "-m", "retriever", *command, *folder], capture_output=True,
                                text=True, timeout=300, env=env, cwd=CORPUS.parent)
        if command[1:2] == ["update"]:  # update mends it itself
            assert result.returncode == 0 and "built" in result.stdout, result.stderr
            (built.index_dir / MANIFEST_FILE).write_text("[]", encoding="utf-8")
            continue
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "python -m retriever index build" in result.stderr
    fixed = subprocess.run([sys.executable, "-m", "retriever", "index", "build", *folder], capture_output=True,
                           text=True, timeout=600, env=env, cwd=CORPUS.parent)
    assert fixed.returncode == 0, fixed.stderr
    again = subprocess.run([sys.executable, "-m", "retriever", "index", "update", *folder], capture_output=True,
                           text=True, timeout=600, env=env, cwd=CORPUS.parent)
    assert again.returncode == 0 and "up to date" in again.stdout and "nothing to do" in again.stdout
    blocked = tmp_path / "a-file"
    blocked.write_text("x", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "retriever", "index", "build", "--index", str(blocked / "hybrid")],
                            capture_output=True, text=True, timeout=300, cwd=CORPUS.parent,
                            env=dict(env, RETRIEVER_EMBED_STORE=str(blocked / "store")))
    assert result.returncode == 1 and "cannot write the index" in result.stderr and "Traceback" not in result.stderr


def test_index_build_refuses_a_folder_that_is_not_an_index(tmp_path, capsys):
    from retriever.cli import main

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.docx").write_text("precious", encoding="utf-8")
    assert main(["index", "build", "--index", str(folder)]) == 2
    assert "not an index folder" in capsys.readouterr().err and (folder / "thesis.docx").exists()

