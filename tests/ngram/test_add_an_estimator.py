"""How to add an n-gram estimator (docs/architecture.md): this file alone registers a new
smoothing, and fitting, the compiled and numpy scorers, ARPA and .npz files and the CLI take it
with no edit anywhere else.

The toy estimator is Jelinek-Mercer interpolation with a fixed weight (lambda = 1 - discount):
p_n(w | c) = (1 - d) c(c w) / c(c .) + d p_{n-1}(w | c') for a context seen with a
continuation, p_{n-1}(w | c') otherwise, ending in the uniform distribution over the predicted
words. It is checked against a dictionary computation of that formula written here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from seqlm.cli.main import main
from seqlm.ngram import NgramLM, load, save
from seqlm.ngram.errors import ModelFileError
from seqlm.ngram.estimators import Interpolated
from seqlm.ngram.registered import fittable_estimators
from seqlm.ngram.smoothing import ESTIMATORS, SmoothingConfig

TRAIN = ["the cat sat on the mat", "the dog sat on the log", "a cat saw the dog",
         "the dog saw a cat on the mat"]
TEST = ["the cat sat on the log", "a dog saw the mat", "the bird sat"]


@ESTIMATORS.register("jelinek_mercer", config=SmoothingConfig)
class JelinekMercer(Interpolated):
    """Fixed-weight interpolation: alpha = (1 - d) c / total, gamma = d (1 for a context never
    continued)."""

    def weights(self, c: np.ndarray, group: np.ndarray, n_groups: int,
                discounts: tuple[float, ...] | None) -> tuple[np.ndarray, np.ndarray]:
        d = self.config.discount
        total = np.bincount(group, weights=c, minlength=n_groups)
        safe = np.where(total > 0, total, 1.0)
        return (1 - d) * c / safe[group], np.where(total > 0, d, 1.0)


@pytest.fixture(scope="module", autouse=True)
def _registered() -> Iterator[None]:
    yield
    ESTIMATORS.unregister("jelinek_mercer")  # leave the registry as the other tests expect it


def brute_force(order: int, d: float) -> tuple[list[str], Callable[[str, tuple[str, ...]], float]]:
    """The predicted words and p(w | context) by the formula, from n-gram counts of the padded
    training sentences."""
    sents = [["<s>", *s.split(), "</s>"] for s in TRAIN]
    counts: Counter[tuple[str, ...]] = Counter()
    for s in sents:
        for n in range(1, order + 1):
            counts.update(tuple(s[i:i + n]) for i in range(len(s) - n + 1))
    words = sorted({w for s in sents for w in s[1:]} | {"<unk>"})  # every word but <s>

    def prob(w: str, ctx: tuple[str, ...]) -> float:
        if ctx == ():
            total = sum(counts[(v,)] for v in words)
            return (1 - d) * counts[(w,)] / total + d / len(words)
        lower = prob(w, ctx[1:])
        total = sum(counts[(*ctx, v)] for v in words)
        return (1 - d) * counts[(*ctx, w)] / total + d * lower if total else lower

    return words, prob


def test_registered_by_name() -> None:
    assert "jelinek_mercer" in fittable_estimators()
    m = NgramLM(3, "jelinek_mercer", discount=0.3)
    assert isinstance(m.smoothing, JelinekMercer) and m.smoothing.config.discount == 0.3
    assert m.proper


@pytest.mark.parametrize("order", [2, 3])
def test_probabilities_are_the_formula(order: int, both_paths: str) -> None:
    d = 0.3
    m = NgramLM(order, "jelinek_mercer", discount=d).fit("\n".join(TRAIN))
    words, prob = brute_force(order, d)
    padded = [["<s>", *s.split(), "</s>"] for s in TRAIN]
    ctxs = {tuple(s[max(0, i - order + 1):i]) for s in padded for i in range(1, len(s))}
    ctxs |= {("a", "bird")[-(order - 1):], ("the", "<unk>")[-(order - 1):]}  # unseen ones
    for ctx in ctxs:
        for w in words:
            want = prob(w, ctx)
            assert math.isclose(math.exp(m.logprob(w, list(ctx))), want, rel_tol=1e-9), ctx
        assert math.isclose(sum(prob(w, ctx) for w in words), 1.0, rel_tol=1e-9)
    for s in TEST:  # whole sentences through score(): log10 of the product of the formula
        toks = ["<s>", *s.split(), "</s>"]
        toks = [t if t in words or t == "<s>" else "<unk>" for t in toks]
        want = sum(math.log10(prob(toks[i], tuple(toks[max(0, i - order + 1):i])))
                   for i in range(1, len(toks)))
        assert math.isclose(m.score(s), want, rel_tol=1e-9)


def test_saved_and_loaded_in_both_formats(tmp_path: Path) -> None:
    m = NgramLM(3, "jelinek_mercer", discount=0.4).fit("\n".join(TRAIN))
    save(m, tmp_path / "jm.npz")
    save(m, tmp_path / "jm.arpa")
    again = load(tmp_path / "jm.npz")
    assert again.estimator == "jelinek_mercer" and isinstance(again.smoothing, JelinekMercer)
    arpa = load(tmp_path / "jm.arpa")
    for other in (again, arpa):
        for s in TEST:
            assert math.isclose(other.score(s), m.score(s), rel_tol=1e-6, abs_tol=1e-6)


def test_the_cli_fits_and_scores_with_it(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "train.txt"
    corpus.write_text("\n".join(TRAIN) + "\n", encoding="utf-8")
    out = tmp_path / "m.npz"
    assert main(["ngram", "fit", str(corpus), "-o", str(out), "-n", "3",
                 "--estimator", "jelinek_mercer", "--discount", "0.3"]) == 0
    capsys.readouterr()
    assert main(["ngram", "score", str(out), TEST[0]]) == 0
    printed = float(capsys.readouterr().out.split("\t")[0])
    want = NgramLM(3, "jelinek_mercer", discount=0.3).fit("\n".join(TRAIN)).score(TEST[0])
    assert math.isclose(printed, want, abs_tol=1e-4)


def test_a_file_of_an_unregistered_estimator_says_so(tmp_path: Path) -> None:
    save(NgramLM(2, "jelinek_mercer").fit("\n".join(TRAIN)), tmp_path / "jm.npz")
    ESTIMATORS.unregister("jelinek_mercer")
    try:
        with pytest.raises(ModelFileError, match=r"unknown estimator 'jelinek_mercer'.*registers"):
            load(tmp_path / "jm.npz")
    finally:
        ESTIMATORS.add("jelinek_mercer", JelinekMercer, config=SmoothingConfig)
