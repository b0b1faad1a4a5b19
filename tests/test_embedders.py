"""Embedders: the bundled models, and the sentence-transformers path for a model directory the user has."""

from __future__ import annotations

import numpy as np
import pytest

from retriever.analysis.embedders import SentenceTransformerEmbedder, UseEmbedder, make_embedder
from retriever.errors import ModelUnavailableError

pytestmark = pytest.mark.slow  # the real models


@pytest.fixture(scope="module")
def minilm_dir(tmp_path_factory):
    """The bundled all-MiniLM-L6-v2 saved as a plain model directory, as a user would have one on disk."""
    folder = tmp_path_factory.mktemp("models") / "all-MiniLM-L6-v2"
    SentenceTransformerEmbedder.bundled_minilm()._model.save(str(folder))
    return folder


def test_sentence_transformers_backend_from_a_local_directory(minilm_dir):
    embedder = make_embedder(f"st:{minilm_dir}")
    assert embedder.dim == 384 and embedder.name == "st:all-MiniLM-L6-v2"
    vectors = embedder.encode_passages(["national laboratories", "national labs", "pig breeding"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]  # a real model, not noise


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailableError, match="never downloaded"):
        make_embedder(f"st:{tmp_path / 'no-model'}")
    with pytest.raises(ModelUnavailableError, match="unknown embedder"):
        make_embedder("gpt-embeddings")


def test_use_is_multilingual():
    use = UseEmbedder()
    zh, en, other = use.encode_queries(["光纤和激光", "optical fibre and lasers", "生猪养殖"])
    assert zh @ en > zh @ other
