"""`corpus add` / `corpus remove` on a copy of the real corpus: only the changed document is re-indexed, in the
embedded index and in a milvus-lite collection, and unchanged clauses keep their anchors and vectors."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import CORPUS

from retriever.cli import main
from retriever.config import BackendConfig, IndexConfig
from retriever.errors import UnknownDocumentError
from retriever.ingest.corpus import Corpus
from retriever.search.embedded import EmbeddedSearcher
from retriever.search.milvus import MilvusSearcher

pytestmark = pytest.mark.slow  # the real models and Milvus-lite

LAW = "专利法(2020-10-17)"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A corpus copy with an embedded index and a Milvus collection (USE only, to keep it quick)."""
    root = tmp_path_factory.mktemp("incremental")
    corpus_dir = shutil.copytree(CORPUS, root / "corpus")
    mp = pytest.MonkeyPatch()
    mp.setenv("RETRIEVER_EMBEDDERS", "use")
    common = ["--index", str(root / "index" / "hybrid")]
    milvus = ["--backend", "milvus", "--milvus-uri", str(root / "milvus.db")]
    assert main(["--corpus", str(corpus_dir), "index", "build", *common]) == 0
    assert main(["--corpus", str(corpus_dir), "index", "build", *common, *milvus]) == 0
    yield {"root": root, "corpus": corpus_dir, "common": common, "milvus": milvus}
    mp.undo()


def _open(ws, backend: str):
    config = IndexConfig(index_dir=ws["root"] / "index" / "hybrid", corpus_dir=ws["corpus"])
    if backend == "embedded":
        return EmbeddedSearcher.open(config, rebuild="never")
    return MilvusSearcher.open(config, BackendConfig(backend="milvus", milvus_uri=str(ws["root"] / "milvus.db")),
                               rebuild="never")


def test_replacing_one_document_reindexes_only_it(workspace, capsys):
    ws = workspace
    before = [c.anchor for c in Corpus.load(ws["corpus"]).document("zlf-2020").clauses]
    text = (CORPUS / "laws" / f"{LAW}.md").read_text(encoding="utf-8")
    changed = text.replace("发明专利权的期限为二十年", "发明专利权的期限为二十五年", 1)
    assert changed != text
    source = ws["root"] / f"{LAW}-修订.md"
    source.write_text(changed, encoding="utf-8")
    meta = json.loads((CORPUS / "laws" / f"{LAW}.meta.json").read_text(encoding="utf-8"))
    meta_path = ws["root"] / "zlf.meta.json"
    meta_path.write_text(json.dumps({k: v for k, v in meta.items() if k not in ("sha256", "source")},
                                    ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["--corpus", str(ws["corpus"]), "corpus", "add", str(source), "--meta", str(meta_path), "--replace",
                 *ws["common"], *ws["milvus"]]) == 0
    out = capsys.readouterr().out
    assert "replaced zlf-2020" in out and "embedded index updated" in out and "milvus index updated" in out

    after = Corpus.load(ws["corpus"]).document("zlf-2020")
    assert [c.anchor for c in after.clauses] == before  # structural anchors survive the edit
    embedded = _open(ws, "embedded")
    done = embedded.index.manifest["embedded_texts"]
    assert done["embedded"] == 1 and done["documents"] == ["zlf-2020"]  # one changed clause text embedded
    milvus = _open(ws, "milvus")
    for engine in (embedded, milvus):
        hit = engine.search("发明专利权的期限为二十五年", k=1, doc="zlf-2020").hits[0]
        assert hit.anchor == "zlf-2020:ch5.a42.p1" and "二十五年" in hit.text
    assert not list(ws["corpus"].rglob(f"{LAW}.md"))  # the old source file went with the old version


def test_removing_a_document_twice(workspace, capsys):
    ws = workspace
    assert main(["--corpus", str(ws["corpus"]), "corpus", "remove", "cgzhf-2015", "--force", *ws["common"], *ws["milvus"]]) == 0
    for backend in ("embedded", "milvus"):
        engine = _open(ws, backend)
        with pytest.raises(UnknownDocumentError):
            engine.search("科技成果", doc="cgzhf-2015")
        assert all(h.doc != "cgzhf-2015" for h in engine.search("促进科技成果转化", k=20).hits)
    assert "cgzhf-2015" not in _open(ws, "milvus").collection.documents()
    capsys.readouterr()
    assert main(["--corpus", str(ws["corpus"]), "corpus", "remove", "cgzhf-2015", "--force", *ws["common"], *ws["milvus"]]) == 2
    err = capsys.readouterr().err
    assert "already removed" in err and "已删除" in err and "Traceback" not in err


def test_a_bad_file_changes_nothing(workspace, capsys):
    ws = workspace
    bad = ws["root"] / "broken.md"
    bad.write_bytes(b"\x00\x01\x02 not a law")
    files = sorted(p.name for p in ws["corpus"].rglob("*"))
    code = main(["--corpus", str(ws["corpus"]), "corpus", "add", str(bad), "--doc-id", "bad", "--title", "坏文件",
                 "--format", "law-md", *ws["common"]])
    assert code == 1 and "binary" in capsys.readouterr().err
    assert sorted(p.name for p in ws["corpus"].rglob("*")) == files


def test_unreachable_milvus_uri_in_the_cli(capsys):
    assert main(["search", "专利", "--backend", "milvus", "--milvus-uri", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach Milvus" in err and "无法连接" in err and "Traceback" not in err
