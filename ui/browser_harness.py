"""Start the app on a free port and drive Debian's headless Chromium with Selenium (no browser downloads).

Shared by the browser tests and the benchmarks that drive the app (``load_check.py``, ``screenshots.py``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from retriever.config import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")


class BrowserMissing(RuntimeError):
    """Chromium or chromedriver is not installed (``make test`` installs them from Debian)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(index_dir: Path | None = None, timeout: float = 120.0):
    """Run ``streamlit run app.py`` headless; yield (base URL, process); stop it afterwards."""
    port = _free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    if index_dir is not None:
        env["RETRIEVER_INDEX_DIR"] = str(index_dir)
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                raise RuntimeError(f"the app did not start (exit {process.poll()}):\n{output[-3000:]}")
            time.sleep(0.3)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def chromium(width: int = 1400, height: int = 1000):
    """A headless Chromium WebDriver from the system packages."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        raise BrowserMissing(f"{CHROMIUM} or {CHROMEDRIVER} is missing: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-extensions", "--no-first-run", f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def ask(driver, base_url: str, question: str, timeout: float = 90.0) -> tuple[list[str], float]:
    """Open the Ask page and submit ``question``; the answer's chip hrefs and the seconds until they show."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base_url}/?lang=zh")
    WebDriverWait(driver, timeout).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "textarea[data-testid='stChatInputTextArea']")))
    return ask_on_page(driver, question, timeout)


def wait_for_text(driver, text: str, timeout: float = 60.0) -> None:
    """Wait until the page's visible text contains ``text``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: text in d.find_element(By.TAG_NAME, "body").text)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (Linux /proc)."""
    total = 0
    for child in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        direct = [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return direct + [g for c in direct for g in _children(c)]


def simultaneous_sessions(base_url: str, questions: list[str], timeout: float = 240.0) -> list[dict]:
    """One headless browser per question, all asking at once; per session the chip hrefs and the seconds."""
    import threading

    results: list[dict] = [{} for _ in questions]
    drivers = [chromium(1200, 900) for _ in questions]
    ready = threading.Barrier(len(questions))

    def session(i: int) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        driver = drivers[i]
        try:
            driver.get(f"{base_url}/?lang=zh")
            WebDriverWait(driver, timeout).until(ec.element_to_be_clickable(
                (By.CSS_SELECTOR, "textarea[data-testid='stChatInputTextArea']")))
            ready.wait(timeout)  # every session is on the page before anyone asks
            hrefs, seconds = ask_on_page(driver, questions[i], timeout)
            results[i] = {"question": questions[i], "hrefs": hrefs, "seconds": seconds}
        except Exception as err:  # noqa: BLE001 - reported per session by the caller
            results[i] = {"question": questions[i], "error": repr(err)}

    threads = [threading.Thread(target=session, args=(i,)) for i in range(len(questions))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout + 60)
    finally:
        for driver in drivers:
            driver.quit()
    return results


def ask_on_page(driver, question: str, timeout: float = 90.0) -> tuple[list[str], float]:
    """Type ``question`` into the open Ask page; the answer's chip hrefs and the seconds until they show."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    box = driver.find_element(By.CSS_SELECTOR, "textarea[data-testid='stChatInputTextArea']")
    box.send_keys(question)
    start = time.perf_counter()
    box.send_keys(Keys.ENTER)
    chips = "[data-testid='stChatMessage'] a.anchor-chip"
    WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, chips)))
    elapsed = time.perf_counter() - start
    return [c.get_attribute("href") for c in driver.find_elements(By.CSS_SELECTOR, chips)], elapsed
