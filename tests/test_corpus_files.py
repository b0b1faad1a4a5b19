"""The corpus folder holds the raw sources unchanged, with complete metadata beside them."""

from __future__ import annotations

import hashlib
import json

from conftest import CORPUS, PLAN_ID


def test_plan_source_is_the_scraped_file_byte_for_byte(plan):
    raw = (CORPUS / "hubei-sti-14fyp.scraped.txt").read_bytes()
    assert len(raw) == 124_746
    assert hashlib.sha256(raw).hexdigest() == plan.meta.sha256
    meta = json.loads((CORPUS / "hubei-sti-14fyp.meta.json").read_text(encoding="utf-8"))
    assert meta["sha256"] == plan.meta.sha256


def test_plan_metadata(plan):
    meta = plan.meta
    assert meta.doc_id == PLAN_ID
    assert meta.title == "湖北省科技创新“十四五”规划"
    assert meta.issuer == "湖北省人民政府"
    assert meta.doc_number == "鄂政发〔2021〕18号"
    assert meta.issue_date == "2021-09-24"
    assert meta.publish_date == meta.effective_date == "2021-10-20"
    assert meta.source_url.startswith("http://www.hubei.gov.cn/")
    assert meta.language == "zh-Hans"


def test_three_laws_are_copied_with_metadata(corpus):
    laws = {d.doc_id: d for d in corpus.documents.values() if d.meta.format == "law-md"}
    assert set(laws) == {"kjjbf-2021", "cgzhf-2015", "zlf-2020"}
    for doc in laws.values():
        data = (CORPUS / "laws" / doc.meta.source).read_bytes()
        assert hashlib.sha256(data).hexdigest() == doc.meta.sha256
        assert data.decode("utf-8").startswith("# " + doc.meta.title)
        assert doc.meta.issuer and doc.meta.issue_date and doc.meta.effective_date
