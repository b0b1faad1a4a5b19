"""How common an English word is in general use: wordfreq's Zipf scale (7.7 for "the", 5.3 for "gave", 2.5 for
"postdoc"), from its bundled word lists (no download). A refusal names the question's specific words that the
nearest clause lacks, not the everyday ones: the documents' own counts cannot tell them apart, since the laws' and
the plan's formal English uses neither "postdoc" nor "gave".
"""

from __future__ import annotations

from functools import lru_cache

from retriever.errors import ModelUnavailableError

__all__ = ["general_frequency_en"]


@lru_cache(maxsize=4096)
def general_frequency_en(word: str) -> float:
    """The Zipf frequency of ``word`` in general English (0 for a word wordfreq does not know); wordfreq is imported
    on first use (0.3 s with its English list), not by every command that imports this package."""
    try:
        from wordfreq import zipf_frequency
    except ImportError as err:
        raise ModelUnavailableError("the general English word frequencies are missing: pip install wordfreq==3.1.1 "
                                    f"(or run `make setup`) [{err}]") from None
    return zipf_frequency(word, "en")
