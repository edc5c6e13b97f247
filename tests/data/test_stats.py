from collections import Counter
from pathlib import Path

import pytest

from seqlm.data import load_text
from seqlm.data.stats import corpus_stats, ngram_counts, zipf_plot
from seqlm.errors import ConfigError, DataError


def _brute(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    c: Counter[tuple[str, ...]] = Counter()
    for i in range(len(tokens) - n + 1):
        c[tuple(tokens[i : i + n])] += 1
    return c


def test_ngram_counts_match_brute_force(timemachine_excerpt: Path) -> None:
    toks = load_text(timemachine_excerpt, preset="letters").split()[:3000]
    for n in (1, 2, 3, 4):
        assert ngram_counts(toks, n) == _brute(toks, n)
    with pytest.raises(ConfigError):
        ngram_counts(toks, 0)


@pytest.mark.dataset("timemachine")
def test_corpus_stats_on_time_machine() -> None:
    toks = load_text("timemachine", preset="letters").split()
    s = corpus_stats(toks, top_k=3)
    assert s.num_tokens == len(toks) and s.num_types == len(set(toks))
    assert [g for g, _ in s.top[1]] == [("the",), ("i",), ("and",)]
    assert s.top[2][0] == (("of", "the"), _brute(toks, 2)[("of", "the")])
    assert s.singletons == sum(1 for c in Counter(toks).values() if c == 1)
    assert "tokens: " in s.format()
    with pytest.raises(DataError):
        corpus_stats([])


def test_zipf_plot_writes_png(tmp_path: Path, timemachine_excerpt: Path) -> None:
    out = tmp_path / "sub" / "z.png"
    zipf_plot(load_text(timemachine_excerpt).split(), out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in out.parent.iterdir()] == ["z.png"]
