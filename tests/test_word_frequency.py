"""General English word frequencies (wordfreq's bundled lists): how a refusal tells specific words from everyday ones."""

from __future__ import annotations

import sys

import pytest

from retriever.analysis.word_frequency import general_frequency_en
from retriever.errors import ModelUnavailableError


def test_a_specific_word_is_rarer_in_general_english_than_an_everyday_one():
    assert general_frequency_en("postdoc") < general_frequency_en("allowance") < general_frequency_en("gave")
    assert general_frequency_en("gave") < general_frequency_en("us")
    assert general_frequency_en("qwzxv") == 0.0  # a word wordfreq does not know


def test_missing_word_frequencies_are_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "wordfreq", None)  # as if the package were not installed: import fails
    with pytest.raises(ModelUnavailableError, match="pip install wordfreq"):
        general_frequency_en.__wrapped__("postdoc")  # past the cache, which may hold the word already
