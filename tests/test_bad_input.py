"""Bad documents get a clear, specific error (or a warning) and never a crash or a silent loss."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import CORPUS

from retriever import (
    BinaryDocumentError,
    Corpus,
    CorpusError,
    DocumentMeta,
    DuplicateAnchorError,
    EmptyDocumentError,
    StructureError,
    UnknownAnchorError,
    UnknownDocumentError,
    parse_document,
)

LAW_FILE = CORPUS / "laws" / "科学技术进步法(2021-12-24).md"
PLAN_FILE = CORPUS / "hubei-sti-14fyp.scraped.txt"
LAW = DocumentMeta(doc_id="test-law", title="测试", format="law-md", source="x.md")
PLAN = DocumentMeta(doc_id="test-plan", title="测试", format="scraped-plan", source="x.txt", issue_date="2021-09-24")


def test_empty_file():
    with pytest.raises(EmptyDocumentError, match="empty"):
        parse_document(b"  \n\n", LAW, "empty.md")


def test_binary_file():
    with pytest.raises(BinaryDocumentError, match="binary"):
        parse_document(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", LAW, "image.md")


def test_undecodable_bytes_are_not_guessed():
    with pytest.raises(BinaryDocumentError, match="neither UTF-8 nor GB18030"):
        parse_document(bytes(range(0x80, 0x100)) * 4, LAW, "noise.md")


def test_gbk_file_is_read_with_a_warning_and_loses_nothing():
    text = LAW_FILE.read_text(encoding="utf-8")
    utf8 = parse_document(text.encode("utf-8"), LAW, "law.md")
    gbk = parse_document(text.encode("gbk"), LAW, "law-gbk.md")
    assert [c.text for c in gbk.clauses] == [c.text for c in utf8.clauses]
    assert any("GB18030" in w for w in gbk.warnings)


def test_no_recognizable_headings_gives_one_section_of_paragraphs():
    doc = parse_document("# 某通知\n\n第一段文字。\n\n第二段文字。\n".encode(), LAW, "notice.md")
    assert [c.anchor for c in doc.clauses] == ["test-law:p1", "test-law:p2"]
    assert any("no articles" in w for w in doc.warnings)


def test_truncated_law_is_parsed_with_a_warning():
    data = LAW_FILE.read_bytes()
    cut = data.index("第十条".encode()) + 20  # mid-article, and mid-character
    doc = parse_document(data[:cut], LAW, "cut.md")
    assert doc.clauses[-1].anchor == "test-law:ch1.a10.p1"
    assert any("truncated" in w for w in doc.warnings)


def test_truncated_plan_is_a_structure_error_naming_what_is_missing():
    data = PLAN_FILE.read_bytes()
    half = data[: data.index("第九章组织实施一批科技重大专项\n".encode(), 20000)]
    with pytest.raises(StructureError, match="truncated") as err:
        parse_document(half, PLAN, "half.txt")
    assert "第九章" in str(err.value)


def test_plan_without_contents_page():
    with pytest.raises(StructureError, match="目录"):
        parse_document("备注\n\n标题\n\n正文。\n".encode(), PLAN, "bad.txt")


def test_duplicate_anchor_names_both_places():
    text = "# 某法\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 甲。\n\n第二条 乙。\n\n第一条 丙。\n"
    with pytest.raises(DuplicateAnchorError) as err:
        parse_document(text.encode(), LAW, "dup.md")
    assert err.value.anchor == "test-law:ch1.a1.p1"
    assert "line 7" in str(err.value) and "line 11" in str(err.value)


def test_unknown_anchor_suggests_nearest(corpus):
    with pytest.raises(UnknownAnchorError) as err:
        corpus.clause("hb-sti-14fyp:ch5.s1.p9")
    assert err.value.suggestions and all(s.startswith("hb-sti-14fyp:ch5.s1.") for s in err.value.suggestions)


def test_unknown_document(corpus):
    with pytest.raises(UnknownDocumentError, match="hb-sti-14fyp"):
        corpus.document("no-such-doc")


def _copy_corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def test_edited_source_is_refused(tmp_path):
    folder = _copy_corpus(tmp_path)
    source = folder / "hubei-sti-14fyp.scraped.txt"
    source.write_bytes(source.read_bytes() + b"\n")
    with pytest.raises(CorpusError, match="never be edited"):
        Corpus.load(folder)


@pytest.mark.parametrize(
    ("change", "message"),
    [({"format": "pdf"}, "unknown format"), ({"colour": "red"}, "unknown metadata fields"), ({"doc_id": ""}, "required")],
)
def test_malformed_metadata(tmp_path, change, message):
    folder = _copy_corpus(tmp_path)
    meta_path = folder / "hubei-sti-14fyp.meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(change)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        Corpus.load(folder)
