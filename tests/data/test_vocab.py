import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from seqlm.data import Vocab, load_text
from seqlm.errors import ConfigError, DataError


def test_frequency_order_ties_and_unk() -> None:
    v = Vocab("b a c a b d".split())
    # a and b tie at 2 (alphabetical), c and d tie at 1.
    assert v.idx_to_token == ["<unk>", "a", "b", "c", "d"]
    assert v["a"] == 1 and v["zzz"] == v.unk == 0
    assert v[["d", "x"]] == [4, 0]
    assert v.to_tokens([1, 2]) == ["a", "b"] and v.to_tokens(3) == "c"
    assert len(v) == 5 and "c" in v and "x" not in v


def test_min_freq_and_reserved() -> None:
    v = Vocab([["a", "a", "b"], ["a", "c", "c"]], min_freq=2, reserved_tokens=["<s>", "</s>"])
    assert v.idx_to_token == ["<unk>", "<s>", "</s>", "a", "c"]
    assert v["b"] == 0
    assert v.token_freqs == [("a", 3), ("c", 2), ("b", 1)]


def test_no_unk_raises() -> None:
    v = Vocab("a b".split(), unk=None)
    assert v.idx_to_token == ["a", "b"]
    with pytest.raises(DataError, match="not in the vocabulary"):
        v["c"]
    with pytest.raises(ConfigError):
        _ = v.unk


def test_literal_unk_in_text_is_the_unk_token() -> None:
    v = Vocab("<unk> a <unk> b".split())
    assert v.idx_to_token[0] == "<unk>" and v["<unk>"] == 0
    assert dict(v.token_freqs)["<unk>"] == 2


def test_save_load_roundtrip_json(tmp_path: Path) -> None:
    v = Vocab(list("时间机器时间"), reserved_tokens=["<pad>"])
    p = tmp_path / "v.json"
    v.save(p)
    data = json.loads(p.read_text(encoding="utf-8"))
    assert data["idx_to_token"][:3] == ["<unk>", "<pad>", "时"]
    w = Vocab.load(p)
    assert w == v and w.token_freqs == v.token_freqs
    np.testing.assert_array_equal(w.encode("时机x"), v.encode("时机x"))


@pytest.mark.parametrize(
    "content",
    ["not json", "[]", '{"format": "other"}',
     '{"format": "seqlm.vocab/1", "idx_to_token": ["a", "a"], "unk": null}',
     '{"format": "seqlm.vocab/1", "idx_to_token": ["a"], "unk": "<unk>"}'],
)
def test_bad_vocab_files(tmp_path: Path, content: str) -> None:
    p = tmp_path / "v.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(DataError):
        Vocab.load(p)


@given(st.lists(st.text(alphabet="abcde", min_size=1, max_size=2), max_size=60),
       st.integers(0, 3))
def test_vocab_properties(tokens: list[str], min_freq: int) -> None:
    v = Vocab(tokens, min_freq=min_freq)
    counts = Counter(tokens)
    # Bijection, frequencies non-increasing after <unk>, min_freq respected.
    assert all(v.token_to_idx[t] == i for i, t in enumerate(v.idx_to_token))
    body = v.idx_to_token[1:]
    freqs = [counts[t] for t in body]
    assert freqs == sorted(freqs, reverse=True)
    assert all(counts[t] >= max(min_freq, 1) for t in body)
    assert set(body) == {t for t, c in counts.items() if c >= max(min_freq, 1)} - {"<unk>"}
    # Encoding maps kept tokens to themselves and the rest to <unk>.
    decoded = v.to_tokens(v.encode(tokens))
    assert decoded == [t if t in v else "<unk>" for t in tokens]


def test_real_corpus_vocab_is_deterministic(timemachine_excerpt: Path) -> None:
    words = load_text(timemachine_excerpt, preset="letters").split()
    a, b = Vocab(words), Vocab(list(reversed(words)))
    assert a == b
    by_count = sorted(Counter(words).items(), key=lambda kv: (-kv[1], kv[0]))  # independent
    assert a.idx_to_token[1:] == [w for w, _ in by_count]
