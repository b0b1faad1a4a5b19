"""Optional machine translation through a chat model the user configures (never the default, never the reference).

The chat model comes from :func:`retriever.analysis.chat_model.chat_model_from_env` (``RETRIEVER_CHAT_MODEL``).
Results are cached in ``index/machine-translations.jsonl`` keyed by model and text, so a clause is translated once.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from retriever.analysis.chat_model import chat_model_label
from retriever.analysis.glossary import Glossary
from retriever.config import MACHINE_TRANSLATION_CACHE
from retriever.errors import MachineTranslationError

__all__ = ["MachineTranslator", "PROMPT_VERSION"]

PROMPT_VERSION = 1
_SYSTEM = (
    "You translate clauses of Chinese government policy documents into English in the register of official "
    "translations. Translate faithfully and completely; add nothing. Render each 〓 (a character lost in the "
    "source) as [illegible]. Use these renderings for the terms listed:\n{terms}\nAnswer with the translation only."
)


class MachineTranslator:
    """Translate Chinese text with an injected LangChain chat model, caching every answer on disk."""

    def __init__(self, chat_model, glossary: Glossary, cache_path: Path = MACHINE_TRANSLATION_CACHE,
                 label: str | None = None) -> None:
        self.chat_model = chat_model
        self.glossary = glossary
        self.cache_path = cache_path
        self.label = label or chat_model_label(chat_model)
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
