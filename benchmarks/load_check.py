"""Load check: 10 browser sessions ask 10 different questions of one app process at the same moment.

Prints per-session latency (submit → cited answer on screen), whether each got the library's gold-citing answer,
the app's memory before and after, and the time to the first usable page. Needs Debian's chromium and
chromium-driver (``make load-check`` installs them) and a built index (built if missing, which takes longer).
Usage: python benchmarks/load_check.py [--sessions 10]
"""

from __future__ import annotations

import argparse
import statistics
import time
from urllib.parse import parse_qs, urlparse

from ui.browser_harness import app_server, ask, chromium, rss_mb, simultaneous_sessions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from retriever.answer.extractive import Answerer
    from retriever.evaluation.retrieval import load_questions
    from retriever.search.open import open_searcher

    answerer = Answerer(open_searcher())
    expected: dict[str, list[str]] = {}
    for q in load_questions():  # alternate Chinese and English questions whose answer cites a gold clause
        if len(expected) >= args.sessions or not q.answerable:
            continue
        wanted = "zh" if len(expected) % 2 == 0 else "en"
        if q.lang.startswith("zh") != (wanted == "zh"):
            continue
        anchors = [s.anchor for s in answerer.ask(q.question, doc=answerer.searcher.corpus.primary_id).sentences]
        if set(anchors) & set(q.gold):
            expected[q.question] = anchors

    started = time.perf_counter()
    with app_server() as (url, process):
        server_up = time.perf_counter() - started
        driver = chromium()
        try:  # the first page, as a user opening the app sees it: the question box ready to type in
            driver.get(f"{url}/?lang=zh")
            WebDriverWait(driver, 120).until(ec.element_to_be_clickable(
                (By.CSS_SELECTOR, "textarea[data-testid='stChatInputTextArea']")))
            first_page = time.perf_counter() - started
            warm = []  # one session alone, models loaded: the warm latency a single user sees
            for question in list(expected)[:5]:
                warm.append(ask(driver, url, question)[1])
        finally:
            driver.quit()
        before = rss_mb(process.pid)
        t0 = time.perf_counter()
        results = simultaneous_sessions(url, list(expected))
        wall = time.perf_counter() - t0
        after = rss_mb(process.pid)

    ok = 0
    seconds = []
    for r in results:
        got = [parse_qs(urlparse(h).query)["clause"][0] for h in r.get("hrefs", [])]
        correct = "error" not in r and got == expected[r["question"]]
        ok += correct
        if "seconds" in r:
            seconds.append(r["seconds"])
        print(f"{'ok  ' if correct else 'FAIL'} {r.get('seconds', float('nan')):6.2f} s  {r['question'][:60]}"
              + (f"  {r['error'][:120]}" if "error" in r else ""))
    print(f"\nsessions: {len(results)}, correct: {ok}/{len(results)}")
    if seconds:
        print(f"answer on screen after submit: p50 {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s "
              f"(all {len(seconds)} submitted within the same second)")
    print(f"one session alone, warm: answer on screen after submit p50 {statistics.median(warm):.2f} s, "
          f"max {max(warm):.2f} s ({len(warm)} questions)")
    print(f"server up (health ok) after {server_up:.1f} s; first page usable after {first_page:.1f} s")
    print(f"app RSS: {before:.0f} MB before the sessions, {after:.0f} MB after; all sessions done in {wall:.1f} s")


if __name__ == "__main__":
    main()
