"""The optional chat model (never the default): an OpenAI-compatible server or Ollama, through LangChain.

Configured in :class:`~retriever.config.ChatConfig` (``RETRIEVER_CHAT_MODEL=openai:MODEL`` or ``ollama:MODEL``,
``RETRIEVER_CHAT_BASE_URL``, ``RETRIEVER_CHAT_API_KEY``, ``RETRIEVER_CHAT_TIMEOUT``). Used for machine translation
(:mod:`retriever.english.machine_translation`) and verified generated answers (:mod:`retriever.answer.generative`).
"""

from __future__ import annotations

from typing import Any

from retriever.config import ChatConfig
from retriever.errors import ChatModelError

__all__ = ["chat_model_from_env", "chat_model_label"]


def chat_model_from_env(config: ChatConfig | None = None) -> Any:
    """The configured LangChain chat model, or None when none is configured."""
    config = config or ChatConfig()
    if not config.model:
        return None
    provider, _, model = config.model.partition(":")
    try:
        timeout = float(config.timeout)
    except ValueError:
        raise ChatModelError("RETRIEVER_CHAT_TIMEOUT must be a number of seconds") from None
    base_url = config.base_url or None
    try:
        if provider == "openai":
            from langchain_openai import ChatOpenAI

            return ChatOpenAI(model=model, base_url=base_url, api_key=config.api_key, timeout=timeout, max_retries=0,
                              temperature=0)
        if provider == "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(model=model, base_url=base_url or "http://localhost:11434", temperature=0,
                              client_kwargs={"timeout": timeout})
    except ImportError as err:
        raise ChatModelError(f"the package for {provider!r} is not installed: {err}") from None
    raise ChatModelError(f"RETRIEVER_CHAT_MODEL must be 'openai:MODEL' or 'ollama:MODEL', not {config.model!r}")


def chat_model_label(chat_model: Any) -> str:
    """A chat model's name for labels and cache keys."""
    return (getattr(chat_model, "model_name", None) or getattr(chat_model, "model", None)
            or type(chat_model).__name__)
