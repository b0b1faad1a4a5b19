"""``eval/report.md``: named sections that each command replaces in place, so figures from different runs stay apart."""

from __future__ import annotations

import re
from pathlib import Path

from retriever.config import REPORT_PATH

__all__ = ["write_report_section"]


def write_report_section(name: str, body: str, path: Path = REPORT_PATH) -> None:
    """Replace (or append) the section between ``<!-- name:start -->`` and ``<!-- name:end -->`` in the report."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Evaluation report\n"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
