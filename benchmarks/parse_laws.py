"""Robustness benchmark: parse every law of ../shared/corpora/lawrefbook and report what happened.

Needs the shared corpus (not part of the product): ``python benchmarks/parse_laws.py [FOLDER]``.
Prints how many files parsed (with or without warnings), how many failed and why, total articles and
clauses, and the time. Every failure is a per-file error; the run itself never stops on a bad file.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from collections import Counter
from pathlib import Path

from retriever.config import SHARED_LAWS
from retriever.errors import RetrieverError
from retriever.ingest.corpus import parse_document
from retriever.ingest.law import LAW_FORMAT
from retriever.types import DocumentMeta

DEFAULT = SHARED_LAWS
_ARTICLE_ANCHOR = re.compile(r"\.a([\d-]+)\.p1$")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--show", type=int, default=10, help="failures and warnings to list per reason")
    args = parser.parse_args()
    files = sorted(args.folder.rglob("*.md"))
    if not files:
        print(f"no law files under {args.folder} (this benchmark needs ../shared/corpora/lawrefbook)")
        return 2
    failures: list[tuple[Path, str]] = []
    warned: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    parsed = articles = clauses = chars = 0
    start = time.perf_counter()
    for path in files:
        rel = path.relative_to(args.folder)
        meta = DocumentMeta(
            doc_id="law-" + hashlib.sha1(str(rel).encode()).hexdigest()[:10],
            title=path.stem,
            format=LAW_FORMAT,
            source=path.name,
        )
        try:
            doc = parse_document(path.read_bytes(), meta, str(rel))
        except RetrieverError as err:
            failures.append((rel, str(getattr(err, "reason", err))))
            continue
        except Exception as err:  # a parser bug: report it for this file and go on
            failures.append((rel, f"internal error {type(err).__name__}: {err}"))
            continue
        parsed += 1
        clauses += len(doc.clauses)
        chars += sum(len(c.text) for c in doc.clauses)
        articles += sum(1 for c in doc.clauses if _ARTICLE_ANCHOR.search(c.anchor))
        for w in doc.warnings:
            reason = re.sub(r"\d+", "N", w.split(";")[0])
            warned[reason] += 1
            examples.setdefault(reason, []).append(str(rel))
    elapsed = time.perf_counter() - start
    print(f"files: {len(files)}   parsed: {parsed}   failed: {len(failures)}   time: {elapsed:.1f} s "
          f"({1000 * elapsed / len(files):.1f} ms/file)")
    print(f"articles: {articles}   clauses (paragraphs and items): {clauses}   characters: {chars}")
    print(f"parsed with warnings: {sum(warned.values())} warnings")
    for reason, n in warned.most_common():
        print(f"  {n:>5}  {reason}   e.g. {', '.join(examples[reason][:2])}")
    reasons = Counter(re.sub(r"\d+", "N", reason) for _, reason in failures)
    print("failures by reason:")
    for reason, n in reasons.most_common():
        print(f"  {n:>5}  {reason}")
    for rel, reason in failures[: args.show]:
        print(f"    {rel}: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
