"""The compiled path (seqlm.ngram._fastcount) against the numpy/Python path: identical results.

Every comparison runs the same code twice, once with ``SEQLM_NO_CEXT=1``. Skipped when the
extension is not built (it is built by ``pip install -e .`` wherever a C compiler exists).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlm.data import load_text
from seqlm.data.conventions import Mode, units
from seqlm.data.tokenize import word_tokenize
from seqlm.errors import DataError
from seqlm.ngram import NgramLM
from seqlm.ngram.cext import built, compiled
from seqlm.ngram.counting import OrderCounts, count_ngrams, first_positions
from seqlm.ngram.runs import Run, assemble
from seqlm.ngram.tokens import TypeTokens, UnitTokens, compiled_tokens

pytestmark = pytest.mark.skipif(not built(), reason="seqlm.ngram._fastcount is not built "
                                "(no C compiler at install time): only the numpy path exists")

SPACES = [" ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85",
          "\xa0", "\u1680", "\u2000", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000",
          "  ", "\n\n"]
WORDS = ["a", "b", "the", "é", "ß", "中文", "x\u200by", "<s>", "</s>", "<unk>", "\U0001f600"]


@pytest.fixture(scope="module", autouse=True)
def _compiled_enabled() -> Iterator[None]:
    """These tests compare both paths, so the compiled one must be on whatever the caller set."""
    saved = os.environ.pop("SEQLM_NO_CEXT", None)
    yield
    if saved is not None:
        os.environ["SEQLM_NO_CEXT"] = saved


@contextlib.contextmanager
def numpy_path() -> Iterator[None]:
    """Run the block with the compiled helpers disabled."""
    saved = os.environ.get("SEQLM_NO_CEXT")
    os.environ["SEQLM_NO_CEXT"] = "1"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SEQLM_NO_CEXT"]
        else:
            os.environ["SEQLM_NO_CEXT"] = saved


def c_tokens(text: str, mode: Mode) -> TypeTokens:
    toks = compiled_tokens(text, mode, word_tokenize)
    assert toks is not None
    return toks


def c_units(toks: TypeTokens) -> list[tuple[list[str], list[str]]]:
    """(context, targets) per unit, rebuilt from the compiled path's type ids."""
    words = [toks.types[i] for i in toks.ids]
    out, at = [], 0
    for n in toks.unit_lens.tolist():
        out.append((words[at:at + 1], words[at + 1:at + n]))
        at += n
    return out


def py_units(text: str, mode: Mode) -> list[tuple[list[str], list[str]]]:
    return [(u.context, u.targets) for u in units(text, mode, word_tokenize)]


def assert_same_counts(seq: np.ndarray, unit_start: np.ndarray, order: int, V: int) -> None:
    fast = count_ngrams(seq, unit_start, order, V)
    with numpy_path():
        slow = count_ngrams(seq, unit_start, order, V)
    for n, (a, b) in enumerate(zip(fast, slow, strict=True), 1):
        for field in ("keys", "suffix", "count", "starts"):
            x, y = getattr(a, field), getattr(b, field)
            assert x.dtype == y.dtype and np.array_equal(x, y), (n, field)


def assert_same_model(text: str, other: str, **kwargs: object) -> None:
    """Fit both ways: same vocabulary, counts, probabilities and scores (exactly)."""
    fast = NgramLM(**kwargs).fit(text)  # type: ignore[arg-type]
    with numpy_path():
        slow = NgramLM(**kwargs).fit(text)  # type: ignore[arg-type]
        slow_ppl = slow.perplexity(other)
        slow_full = slow.full_scores(other)
    assert fast.vocab.idx_to_token == slow.vocab.idx_to_token
    assert fast.vocab.token_freqs == slow.vocab.token_freqs
    assert fast.num_ngrams == slow.num_ngrams
    assert fast.counts is not None and slow.counts is not None
    for a, b in zip(fast.keys + fast.counts, slow.keys + slow.counts, strict=True):
        assert np.array_equal(a, b)
    if fast.tables is not None and slow.tables is not None:
        assert fast.discounts == slow.discounts
        for a, b in zip(fast.tables.logp + fast.tables.logbow,
                        slow.tables.logp + slow.tables.logbow, strict=True):
            assert np.array_equal(a, b)
    np.testing.assert_equal(dataclasses.astuple(fast.perplexity(other)),
                            dataclasses.astuple(slow_ppl))  # nan == nan here
    np.testing.assert_equal(fast.full_scores(other), slow_full)


def test_env_var_selects_the_numpy_path() -> None:
    assert compiled() is not None
    with numpy_path():
        assert compiled() is None
        assert compiled_tokens("a b", "sentence", word_tokenize) is None
    os.environ["SEQLM_NO_CEXT"] = "0"
    try:
        assert compiled() is not None
    finally:
        del os.environ["SEQLM_NO_CEXT"]


def test_only_the_default_word_tokenizer_is_compiled() -> None:
    assert compiled_tokens("a b", "sentence", lambda s: s.split()) is None
    assert compiled_tokens("a b", "stream", list) is None


def test_whitespace_is_exactly_python_str_split() -> None:
    """Every code point (but surrogates) between two letters: the same tokens and lines."""
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    text = "".join(f"a{c}" for c in chars)
    for mode in ("sentence", "stream"):
        assert c_units(c_tokens(text, mode)) == py_units(text, mode)  # type: ignore[arg-type]


def test_lone_surrogates_fall_back_to_python() -> None:
    text = "a b\ud800 c\nb a"
    assert compiled_tokens(text, "sentence", word_tokenize) is None
    assert_same_model(text, text, order=2)


@pytest.mark.parametrize("text", ["", " \n\t ", "\n\n", "one"])
def test_nothing_to_score_raises_on_both_paths(text: str) -> None:
    mode: Mode = "stream" if text == "one" else "sentence"
    assert compiled_tokens(text, mode, word_tokenize) is None
    with pytest.raises(DataError):
        NgramLM(2, mode=mode).fit(text)


corpora = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SPACES)),
                   min_size=1, max_size=60).map(lambda ws: "".join(w + s for w, s in ws))


@settings(max_examples=150, deadline=None)
@given(text=corpora, other=corpora, lead=st.sampled_from(["", " ", "\n", "\u3000\n"]),
       mode=st.sampled_from(["sentence", "stream"]))
def test_tokens_vocab_and_encoding_match(text: str, other: str, lead: str, mode: Mode) -> None:
    text = lead + text
    fast = compiled_tokens(text, mode, word_tokenize)
    if fast is None:  # nothing to score: Python raises (checked above)
        with pytest.raises(DataError):
            units(text, mode, word_tokenize)
        return
    slow = UnitTokens(units(text, mode, word_tokenize))
    assert c_units(fast) == [(u.context, u.targets) for u in slow.units]
    reserved = ("<s>", "</s>") if mode == "sentence" else ()
    vocab = fast.vocab(reserved)
    ref = slow.vocab(reserved)
    assert vocab.idx_to_token == ref.idx_to_token and vocab.token_freqs == ref.token_freqs
    pairs: list[tuple[TypeTokens, UnitTokens]] = [(fast, slow)]
    fast_other = compiled_tokens(other, mode, word_tokenize)
    if fast_other is not None:  # encoded with text's vocabulary: OOV tokens
        pairs.append((fast_other, UnitTokens(units(other, mode, word_tokenize))))
    for a, b in pairs:
        x, y = a.encode(vocab), b.encode(vocab)
        for field in ("seq", "unit_start", "targets", "oov"):
            assert np.array_equal(getattr(x, field), getattr(y, field)), field
        seq, unit_start = a.sequence(vocab)
        assert np.array_equal(seq, x.seq) and np.array_equal(unit_start, x.unit_start)


@settings(max_examples=150, deadline=None)
@given(lens=st.lists(st.integers(1, 9), min_size=0, max_size=30), V=st.integers(1, 6),
       order=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_counts_match_on_any_units(lens: list[int], V: int, order: int, seed: int) -> None:
    seq = np.random.default_rng(seed).integers(0, V, size=sum(lens)).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64) if lens else []
    unit_start = np.repeat(np.asarray(starts, dtype=np.int64), lens)
    assert_same_counts(seq, unit_start, order, V)
    first = first_positions(seq, V)
    with numpy_path():
        assert np.array_equal(first, first_positions(seq, V))


@settings(max_examples=40, deadline=None)
@given(text=corpora, other=corpora, order=st.integers(1, 4),
       est=st.sampled_from(["kneser_ney", "modified_kneser_ney", "witten_bell", "mle"]),
       mode=st.sampled_from(["sentence", "stream"]))
def test_models_match(text: str, other: str, order: int, est: str, mode: Mode) -> None:
    if compiled_tokens(text, mode, word_tokenize) is None:
        return
    if compiled_tokens(other, mode, word_tokenize) is None:
        other = text
    assert_same_model(text, other, order=order, estimator=est, mode=mode)


def test_fixed_vocabulary_with_oov_matches() -> None:
    base = NgramLM(2).fit("a b c\nb c a")
    assert_same_model("a b zz\n<unk> q a", "q r a", order=2, vocab=base.vocab)


@pytest.mark.dataset("ptb")
def test_ptb_slice_matches() -> None:
    lines = load_text("ptb", split="train").splitlines()
    train, test = "\n".join(lines[:4000]), "\n".join(lines[4000:4400])
    assert_same_model(train, test, order=3, estimator="kneser_ney")
    assert_same_model(train, test, order=4)
    assert_same_model(train, test, order=3, mode="stream")


def order_args(**change: object) -> dict[str, object]:
    """Valid count_order arguments for 3 positions in one unit (V = 4), with some replaced."""
    z32, z64 = np.zeros(3, dtype=np.int32), np.zeros(3, dtype=np.int64)
    fc = compiled()
    assert fc is not None
    args: dict[str, object] = {
        "seq": z32, "unit_start": z64, "end_prev": z32, "word_perm": np.arange(3, dtype=np.int32),
        "n": 2, "vocab_size": 4, "n_prev": 4, "keys": z64.copy(), "suffix": z64.copy(),
        "count": z64.copy(), "starts": np.zeros(3, dtype=bool), "end_new": z32.copy(),
        "work": np.zeros(fc.work_size(3, 4) // 8 + 1, dtype=np.int64)}
    args.update(change)
    return args


BAD_ORDER_ARGS = [
    {"unit_start": np.array([0, -1, 0])},              # a unit starting before the text
    {"unit_start": np.array([0, 2, 0])},               # ... or after the position
    {"seq": np.array([0, 9, 0], dtype=np.int32)},      # a word id >= V
    {"end_prev": np.array([7, 0, 0], dtype=np.int32)},  # a row >= n_prev
    {"word_perm": np.array([0, 5, 1], dtype=np.int32)},  # not positions
    {"word_perm": np.array([1, 1, 2], dtype=np.int32)},  # not a permutation
    {"work": np.zeros(2, dtype=np.int64)},             # too little scratch
    {"keys": np.zeros(2, dtype=np.int64)},             # wrong length
    {"seq": np.zeros(3, dtype=np.int64)},              # wrong item size (lengths disagree)
]


def test_valid_order_args_count() -> None:
    args = order_args()  # words 0 0 0: the bigram (0, 0) twice
    assert compiled().count_order(*args.values()) == 1  # type: ignore[union-attr]
    assert args["count"][0] == 2 and args["keys"][0] == 0  # type: ignore[index]
    assert args["end_new"].tolist() == [-1, 0, 0]  # type: ignore[attr-defined]


@pytest.mark.parametrize("change", BAD_ORDER_ARGS)
def test_bad_count_order_input_raises(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        compiled().count_order(*order_args(**change).values())  # type: ignore[union-attr]


def test_other_bad_input_raises() -> None:
    fc = compiled()
    assert fc is not None
    seq, us = np.array([0, 1, 9]), np.zeros(3, dtype=np.int64)
    perm, count, starts = np.zeros(3, np.int32), np.zeros(4, np.int64), np.zeros(4, bool)
    for bad in ((seq, us), (seq[:2], us)):  # a word id >= V; lengths that disagree
        with pytest.raises(ValueError):
            fc.count_words(*bad, 4, perm, count, starts)
    with pytest.raises(ValueError):
        fc.first_positions(seq, 4, np.zeros(4, np.int64))
    with pytest.raises(ValueError):  # ids buffer below the documented bound
        fc.tokenize("a b c", "<s>", "</s>", np.zeros(2, np.int32))
    with pytest.raises(TypeError):
        fc.tokenize("a b c", "<s>", None, np.zeros(9, np.int32))


def word_rows(tables: list[OrderCounts], V: int) -> list[np.ndarray]:
    """Each order's n-grams as sorted rows of word ids, decoded from the counter's keys."""
    words = [np.arange(V, dtype=np.int32).reshape(-1, 1)]
    for t in tables[1:]:
        prefix, last = np.divmod(t.keys, V)
        words.append(np.column_stack([words[-1][prefix], last]).astype(np.int32))
    return words


@settings(max_examples=120, deadline=None)
@given(lens=st.lists(st.integers(1, 12), min_size=1, max_size=30), V=st.integers(1, 7),
       order=st.integers(2, 6), seed=st.integers(0, 2**32 - 1))
def test_assembled_merged_counts_equal_the_counters_tables(lens: list[int], V: int, order: int,
                                                           seed: int) -> None:
    seq = np.random.default_rng(seed).integers(0, V, size=sum(lens)).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
    with numpy_path():
        ref = count_ngrams(seq, np.repeat(starts, lens), order, V)
    words = word_rows(ref, V)
    for path in (contextlib.nullcontext, numpy_path):
        with path():
            got = assemble(Run(list(words), [t.count for t in ref], [t.starts for t in ref]), V)
        for n, (a, b) in enumerate(zip(got, ref, strict=True), 1):
            for field in ("keys", "suffix", "count", "starts"):
                assert np.array_equal(getattr(a, field), getattr(b, field)), (path, n, field)


@pytest.mark.parametrize("parts", [2, 3, 7])
def test_assembly_in_chunks_with_a_spool_equals_one_pass(parts: int, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of core the rows come a chunk at a time (the compiled merge joins resume from their
    state, numpy's searches are per chunk) into file-backed arrays: the same tables."""
    from seqlm.ngram import spool

    V, order = 9, 5
    seq = np.random.default_rng(parts).integers(0, V, size=3000).astype(np.int64)
    lens = [30] * 100
    starts = np.repeat(np.arange(0, 3000, 30), lens).astype(np.int64)
    ref = count_ngrams(seq, starts, order, V)
    words = word_rows(ref, V)
    monkeypatch.setattr(spool, "CHUNK_ROWS", max(1, max(len(w) for w in words) // parts))
    for path in (contextlib.nullcontext, numpy_path):
        with path():
            got = assemble(Run(list(words), [t.count for t in ref], [t.starts for t in ref]), V,
                           spool.Spool(tmp_path))
        for n, (a, b) in enumerate(zip(got, ref, strict=True), 1):
            if n > 1:
                assert isinstance(a.keys, np.memmap) and isinstance(a.suffix, np.memmap)
            for field in ("keys", "suffix", "count", "starts"):
                assert np.array_equal(getattr(a, field), getattr(b, field)), (path, n, field)


def test_compiled_assembly_state_is_checked() -> None:
    """A state whose merge-join rows lie outside the orders below is refused (False), not
    followed; the state of a finished call says the offsets are made."""
    seq = np.array([0, 1, 2, 0, 1, 1, 2, 2, 0], dtype=np.int64)
    ref = count_ngrams(seq, np.zeros(9, dtype=np.int64), 3, 3)
    words = word_rows(ref, 3)
    fc = compiled()
    assert fc is not None
    rows = len(words[2])
    args = (words[2], 3, [ref[1].keys], ref[1].suffix, 3, np.zeros(4, np.int64))
    state = np.zeros(68, np.int64)
    keys, suffix = np.zeros(rows, np.int64), np.zeros(rows, np.int64)
    assert fc.assemble_order(*args, keys, suffix, state)
    assert np.array_equal(keys, ref[2].keys) and np.array_equal(suffix, ref[2].suffix)
    assert state[0] == 1 and state[1] == keys[-1]
    state[1] = -1
    state[4 + 2] = len(ref[1].keys) + 1  # order 2's join row past its end
    assert not fc.assemble_order(*args, keys, suffix, state)
    with pytest.raises(ValueError, match="state"):
        fc.assemble_order(*args, keys, suffix, np.zeros(3, np.int64))


def test_inconsistent_merged_counts_raise_on_both_paths() -> None:
    seq = np.array([0, 1, 2, 0, 1, 1], dtype=np.int64)
    ref = count_ngrams(seq, np.zeros(6, dtype=np.int64), 3, 3)
    words = word_rows(ref, 3)
    bad_prefix = words[2].copy()
    bad_prefix[0] = [2, 2, 0]  # (2, 2) is no bigram of the text
    unsorted = words[2][::-1].copy()
    for rows in (bad_prefix, unsorted, words[2] + 5):
        for path in (contextlib.nullcontext, numpy_path):
            run = Run([*words[:2], rows], [t.count for t in ref], [t.starts for t in ref])
            with path(), pytest.raises(ValueError, match="order 3: merged counts"):
                assemble(run, 3)
    fc = compiled()
    assert fc is not None
    with pytest.raises(ValueError):  # an order below 3 is numpy's (keys from the words alone)
        fc.assemble_order(words[1], 2, [], ref[0].suffix, 3, np.zeros(1, np.int64),
                          np.zeros(4, np.int64), np.zeros(4, np.int64))
    with pytest.raises(ValueError):  # the keys of order 2 missing
        fc.assemble_order(words[2], 3, [], ref[1].suffix, 3, np.zeros(4, np.int64),
                          np.zeros(len(words[2]), np.int64), np.zeros(len(words[2]), np.int64))
