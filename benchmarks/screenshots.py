"""Take a screenshot of each page of the app (Ask, Search, Read, Check citation) into docs/screenshots/.

Runs the real app on the built index (``index/``, built if missing) in Debian's headless Chromium.
Chinese text needs a CJK font (``make screenshots`` installs fonts-noto-cjk).
Usage: python benchmarks/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from urllib.parse import quote

from retriever.config import ROOT
from ui.browser_harness import app_server, chromium, wait_for_text

CHAT = "textarea[data-testid='stChatInputTextArea']"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    def type_into(selector: str, text: str, button: str | None = None):
        def act(driver) -> None:
            WebDriverWait(driver, 300).until(ec.element_to_be_clickable((By.CSS_SELECTOR, selector))).send_keys(text)
            if button:
                driver.find_element(By.XPATH, f"//button[.//p[text()='{button}']]").click()
        return act

    # (file, query string, text on the page before acting, action, text on the page when done)
    shots = [
        ("ask-zh.png", "lang=zh", "用中文、繁體或英文提问", type_into(CHAT, "湖北在光纤和激光器方面打算发展哪些产品?\n"),
         "分享链接"),
        ("ask-refusal-en.png", "lang=en", "Ask in English",
         type_into(CHAT, "What is the annual budget of the Hubei Natural Science Foundation, in yuan?\n"),
         "Nearest clauses"),
        ("search-en.png", "page=search&lang=en", "Search words",
         type_into("input[aria-label^='Search words']", "talent attraction\n"), "Why this matched"),
        ("read-zh.png", f"clause={quote('hb-sti-14fyp:ch1.s1.p5')}&lang=zh", "链接指向的条款", None, "链接指向的条款"),
        ("check-en.png", "page=check&lang=en", "Paste a quote",
         type_into("textarea[aria-label^='Paste a quote']", "全省全社会研发经费投入由十二五末的561.7亿元上升到2021年的1005.3亿元",
                   "Check"), "Altered"),
    ]
    with app_server() as (url, _):
        driver = chromium(1400, 1100)
        try:
            for name, params, ready, action, done in shots:
                driver.get(f"{url}/?{params}")
                wait_for_text(driver, ready, 300)
                if action:
                    action(driver)
                wait_for_text(driver, done, 300)
                time.sleep(2)  # let charts and fonts settle
                driver.save_screenshot(str(args.out / name))
        finally:
            driver.quit()
    for png in sorted(args.out.glob("*.png")):
        print(f"{png.relative_to(ROOT)}  {png.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
