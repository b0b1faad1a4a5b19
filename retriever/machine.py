"""Optional machine translation through a chat model the user configures (never the default, never the reference).

Configure with environment variables:
- ``RETRIEVER_CHAT_MODEL``: ``openai:MODEL`` (any OpenAI-compatible server) or ``ollama:MODEL``;
- ``RETRIEVER_CHAT_BASE_URL``: the server (``http://localhost:11434`` for Ollama by default);
- ``RETRIEVER_CHAT_API_KEY`` (OpenAI-compatible servers), ``RETRIEVER_CHAT_TIMEOUT`` (seconds, default 30).
Results are cached in ``index/machine-translations.jsonl`` keyed by model and text, so a clause is translated once.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

from .config import ROOT
from .errors import RetrieverError
from .glossary import Glossary

__all__ = ["ChatModelError", "MachineTranslationError", "MachineTranslator", "chat_model_from_env", "PROMPT_VERSION"]

PROMPT_VERSION = 1
DEFAULT_CACHE = ROOT / "index" / "machine-translations.jsonl"
_SYSTEM = (
    "You translate clauses of Chinese government policy documents into English in the register of official "
    "translations. Translate faithfully and completely; add nothing. Render each 〓 (a character lost in the "
    "source) as [illegible]. Use these renderings for the terms listed:\n{terms}\nAnswer with the translation only."
)


class ChatModelError(RetrieverError):
    """The configured chat model is missing, unreachable, timed out or answered nothing usable."""


class MachineTranslationError(ChatModelError):
    """Machine translation failed (see :class:`ChatModelError`)."""


def chat_model_from_env():
    """The chat model configured in the environment, or None when none is configured."""
    spec = os.environ.get("RETRIEVER_CHAT_MODEL", "").strip()
    if not spec:
        return None
    provider, _, model = spec.partition(":")
    try:
        timeout = float(os.environ.get("RETRIEVER_CHAT_TIMEOUT", "30"))
    except ValueError:
        raise ChatModelError("RETRIEVER_CHAT_TIMEOUT must be a number of seconds") from None
    base_url = os.environ.get("RETRIEVER_CHAT_BASE_URL") or None
    try:
        if provider == "openai":
            from langchain_openai import ChatOpenAI

            return ChatOpenAI(model=model, base_url=base_url, api_key=os.environ.get("RETRIEVER_CHAT_API_KEY", "none"),
                              timeout=timeout, max_retries=0, temperature=0)
        if provider == "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(model=model, base_url=base_url or "http://localhost:11434", temperature=0,
                              client_kwargs={"timeout": timeout})
    except ImportError as err:
        raise ChatModelError(f"the package for {provider!r} is not installed: {err}") from None
    raise ChatModelError(f"RETRIEVER_CHAT_MODEL must be 'openai:MODEL' or 'ollama:MODEL', not {spec!r}")


class MachineTranslator:
    """Translate Chinese text with an injected LangChain chat model, caching every answer on disk."""

    def __init__(self, chat_model, glossary: Glossary, cache_path: Path = DEFAULT_CACHE, label: str | None = None) -> None:
        self.chat_model = chat_model
        self.glossary = glossary
        self.cache_path = cache_path
        self.label = label or getattr(chat_model, "model_name", None) or getattr(chat_model, "model", None) \
            or type(chat_model).__name__
        self._lock = threading.Lock()
        self._cache = self._read_cache()

    def _key(self, zh: str) -> str:
        return hashlib.sha256(f"{self.label}\n{PROMPT_VERSION}\n{zh}".encode()).hexdigest()

    def _read_cache(self) -> dict[str, str]:
        cache: dict[str, str] = {}
        if self.cache_path.exists():
            for line in self.cache_path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                    cache[row["key"]] = row["en"]
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # a line cut by an interrupted write: ignore it, it will be translated again
        return cache

    def translate(self, zh: str) -> str:
        """English for ``zh`` (from the cache when it was translated before)."""
        key = self._key(zh)
        if key in self._cache:
            return self._cache[key]
        terms = "\n".join(f"{t.zh} = {t.en}" for t in self.glossary.terms if t.zh in zh) or "(none)"
        messages = [("system", _SYSTEM.format(terms=terms)), ("human", zh)]
        try:
            answer = self.chat_model.invoke(messages)
        except Exception as err:  # network errors, timeouts, HTTP errors: all mean "not available now"
            raise MachineTranslationError(f"{self.label}: {type(err).__name__}: {err}") from None
        text = str(getattr(answer, "content", answer)).strip()
        if not text:
            raise MachineTranslationError(f"{self.label} returned an empty translation")
        with self._lock:
            self._cache[key] = text
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.cache_path, "a", encoding="utf-8") as out:
                out.write(json.dumps({"key": key, "model": self.label, "zh": zh, "en": text}, ensure_ascii=False) + "\n")
        return text
