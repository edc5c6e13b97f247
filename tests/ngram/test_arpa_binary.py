"""ARPA and binary round trips, malformed files, and a hypothesis fuzz of the ARPA reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqlm.data import read_text
from seqlm.errors import ConfigError, SeqlmError
from seqlm.ngram import NgramLM
from seqlm.ngram.arpa import parse_arpa, read_arpa, write_arpa
from seqlm.ngram.binary import load_model, save_model
from seqlm.ngram.errors import ArpaError, ModelFileError

FIX = Path(__file__).parent / "fixtures"
TEXT = read_text(FIX / "small.train.txt")
PROBE = "w1 w5 zz w3\nw399 w2 w1 w1 w1\nqq"
GOOD = """\\data\\
ngram 1=4
ngram 2=2

\\1-grams:
-1.0\t<unk>
-99\t<s>\t-0.3
-0.5\t</s>
-0.4\ta\t-0.2

\\2-grams:
-0.2\t<s> a
-0.3\ta </s>

\\end\\
"""


@pytest.mark.parametrize("est", ["witten_bell", "absolute", "kneser_ney", "modified_kneser_ney"])
def test_arpa_round_trip(tmp_path: Path, est: str) -> None:
    m = NgramLM(3, est).fit(TEXT)
    write_arpa(m, tmp_path / "m.arpa")
    back = read_arpa(tmp_path / "m.arpa")
    assert back.num_ngrams == m.num_ngrams
    np.testing.assert_allclose(back.token_logprobs(PROBE), m.token_logprobs(PROBE), atol=1e-6)


def test_arpa_is_written_a_few_rows_at_a_time_with_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each order is formatted in chunks whose words are read back through the prefix rows
    (no word matrix of the whole model): chunks of 7 rows give the bytes of one chunk, the
    compiled formatter the bytes of Python's f-strings, and every line's words are the
    n-gram the model counted."""
    from seqlm.ngram import arpa

    m = NgramLM(4).fit(TEXT)
    monkeypatch.setattr(arpa, "WRITE_ROWS", 10**9)
    write_arpa(m, tmp_path / "whole.arpa")
    monkeypatch.setattr(arpa, "WRITE_ROWS", 7)
    write_arpa(m, tmp_path / "chunks.arpa")
    monkeypatch.setenv("SEQLM_NO_CEXT", "1")  # Python's formatting
    write_arpa(m, tmp_path / "python.arpa")
    text = (tmp_path / "chunks.arpa").read_text(encoding="utf-8")
    assert text == (tmp_path / "whole.arpa").read_text(encoding="utf-8")
    assert text == (tmp_path / "python.arpa").read_text(encoding="utf-8")
    lines = [ln.split("\t") for ln in text.splitlines() if ln.count("\t") >= 1]
    assert len(lines) == sum(m.num_ngrams)
    assert all(m.count(fields[1]) > 0 for fields in lines if fields[1] != "<unk>")


def test_compiled_arpa_numbers_are_pythons_to_the_byte() -> None:
    """The C formatter's "%.7g" (a long double fast path, snprintf near rounding boundaries)
    against Python's f"{x:.7g}" on 400,000 values: log-probabilities, every decade, ties
    and near-ties of the 7th digit, powers of ten, zeros, and values beyond the fast path."""
    from seqlm.ngram.cext import compiled

    fc = compiled()
    if fc is None:
        pytest.skip("the C extensions are not built")
    rng = np.random.default_rng(7)
    digits = rng.integers(1_000_000, 10_000_000, size=100_000).astype(np.float64)
    near = np.concatenate([(digits + 0.5) * 10.0 ** e for e in range(-12, 8)])
    near = np.concatenate([near, np.nextafter(near, 0), np.nextafter(near, np.inf)])
    values = np.concatenate([
        -rng.exponential(2.0, size=100_000), rng.uniform(-50, 50, size=50_000),
        rng.standard_normal(50_000) * 10.0 ** rng.integers(-20, 20, size=50_000),
        near[rng.permutation(len(near))[:200_000]], 10.0 ** np.arange(-20, 21),
        -(10.0 ** np.arange(-20, 21)), [0.0, -0.0, -99.0, 1e-300, -1e300, 9999999.5, 0.5,
                                        1e7, 9999999.499999999, np.inf, -np.inf]])
    got = fc.format_arpa(np.zeros(len(values), dtype=np.int64), 1, values, values, b"w",
                         np.array([0, 1], dtype=np.int64)).decode()
    want = "".join(f"{x:.7g}\tw\t{x:.7g}\n" if x != 0 else f"{x:.7g}\tw\n"
                   for x in values.tolist())
    assert got == want
    off = np.array([0, 1], dtype=np.int64)
    for words, n, offsets, msg in ((np.array([1]), 1, off, "word id"),
                                   (np.array([0, 0, 0]), 2, off, "rows of n"),
                                   (np.array([0]), 1, np.array([0, 2]), "offsets")):
        with pytest.raises(ValueError, match=msg):
            fc.format_arpa(words.astype(np.int64), n, np.zeros(len(words) // n),
                           None, b"w", offsets)


@pytest.mark.parametrize("est", ["mle", "lidstone", "modified_kneser_ney", "stupid_backoff"])
def test_binary_round_trip(tmp_path: Path, est: str) -> None:
    m = NgramLM(4, est, k=0.5).fit(TEXT)
    save_model(m, tmp_path / "m.npz")
    back = load_model(tmp_path / "m.npz")
    assert back.vocab == m.vocab and back.num_ngrams == m.num_ngrams
    np.testing.assert_array_equal(back.token_logprobs(PROBE), m.token_logprobs(PROBE))
    assert back.count("w1 w5") == m.count("w1 w5")


def test_arpa_model_saves_to_binary(tmp_path: Path) -> None:
    m = read_arpa(FIX / "small.o3.arpa")
    save_model(m, tmp_path / "k.npz")
    back = load_model(tmp_path / "k.npz")
    np.testing.assert_array_equal(back.token_logprobs(PROBE), m.token_logprobs(PROBE))


def test_count_based_estimators_cannot_be_written_as_arpa(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        write_arpa(NgramLM(2, "lidstone").fit(TEXT), tmp_path / "x.arpa")
    assert not (tmp_path / "x.arpa").exists()


def test_good_hand_written_arpa() -> None:
    m = parse_arpa(GOOD)
    lp = m.full_scores("a")  # <s> a </s>: 2-gram "<s> a" then "a </s>"
    assert [(round(p, 6), n) for p, n, _ in lp] == [(-0.2, 2), (-0.3, 2)]
    # unseen bigram "a a": backoff(a) + p(a) = -0.2 + -0.4
    assert m.full_scores("a a")[1][:2] == (pytest.approx(-0.6), 1)


MALFORMED = [
    ("", "no \\\\data"),
    (GOOD.replace("ngram 1=4", "ngram 1=5"), "header says"),
    (GOOD.replace("ngram 2=2", "ngram 2=3"), "header says"),
    (GOOD.replace("-0.5\t</s>", "x.5\t</s>"), "not a number"),
    (GOOD.replace("-0.5\t</s>", "0.5\t</s>"), "above 0"),
    (GOOD.replace("-0.5\t</s>", "nan\t</s>"), "NaN"),
    (GOOD.replace("\ta\t-0.2", "\ta\tinf"), "not finite"),
    (GOOD.replace("-0.2\t<s> a\n", "-0.2\t<s> b\n"), "not a unigram"),
    (GOOD.replace("-0.3\ta </s>", "-0.3\ta"), "fields"),
    (GOOD[:GOOD.index("\\2-grams")], "missing"),
    (GOOD.replace("\\end\\", ""), "end"),
    (GOOD.replace("\\2-grams:", "\\3-grams:"), "missing \\\\2-grams"),
    (GOOD.replace("ngram 1=4", "ngram one=4"), "expected 'ngram N=count'"),
    (GOOD.replace("ngram 2=2", "ngram 2=50"), "declares 54 n-grams but the file has only 15 lines"),
    (GOOD.replace("-0.3\ta </s>", "-0.2\t<s> a"), "duplicate"),
]  # (file text, what the error says): also read compiled (test_arpa_scan)


@pytest.mark.parametrize("bad,msg", MALFORMED)
def test_malformed_arpa(bad: str, msg: str) -> None:
    with pytest.raises(ArpaError, match=msg):
        parse_arpa(bad)


def test_arpa_too_large_for_memory_is_refused_from_the_header() -> None:
    huge = GOOD.replace("ngram 2=2", "ngram 2=999999999999999")
    with pytest.raises(ArpaError, match="GB"):
        parse_arpa(huge)


def test_non_utf8_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "bad.arpa").write_bytes(b"\\data\\\n\xff\xfe")
    with pytest.raises(ArpaError, match="UTF-8"):
        read_arpa(tmp_path / "bad.arpa")
    with pytest.raises(ArpaError, match="no such file"):
        read_arpa(tmp_path / "nope.arpa")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "junk.npz")
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "nope.npz")


def test_binary_with_pickled_or_wrong_arrays_is_refused(tmp_path: Path) -> None:
    np.savez(tmp_path / "obj.npz", meta=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "obj.npz")
    m = NgramLM(2).fit(TEXT)
    save_model(m, tmp_path / "ok.npz")
    z = dict(np.load(tmp_path / "ok.npz"))
    z["keys2"] = z["keys2"][::-1].copy()
    np.savez(tmp_path / "unsorted.npz", **z)
    lazy = load_model(tmp_path / "unsorted.npz")  # contents are checked at the first query
    with pytest.raises(ModelFileError, match="sorted"):
        lazy.score("a b")


lines = st.sampled_from(["\\data\\", "ngram 1=2", "ngram 2=1", "ngram 1=3", "", "\\1-grams:",
                         "\\2-grams:", "\\end\\", "-1.0\t<unk>", "-0.5\ta\t-0.1", "-0.2\t<s>",
                         "-0.3\ta a", "-0.3\t<s> a", "x\ty", "-99\t</s>", "1e999\ta",
                         "ngram 3=1", "\\3-grams:", "-0.1\ta a a"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(lines, max_size=25).map("\n".join), st.text(max_size=300)))
def test_fuzz_reader_only_raises_typed_errors(text: str) -> None:
    try:
        m = parse_arpa(text)
    except SeqlmError:
        return
    m.token_logprobs("a b a")  # a model that parsed must also score
