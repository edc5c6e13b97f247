"""The LanguageModel contract: the derived verbs checked against a hand computation."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest

import seqlm.core
from seqlm.core import LN10, LanguageModel, Perplexity
from seqlm.data.vocab import Vocab


class Uniform(LanguageModel):
    """Every predicted token has probability 1/|V| (|V| = the vocabulary, <unk> included)."""

    def __init__(self, vocab: Vocab, proper: bool = True) -> None:
        self.vocab, self.mode, self.tokenizer, self.proper = vocab, "sentence", "word", proper

    def token_logprobs(self, text: str) -> np.ndarray:
        n = sum(len(u.targets) for u in self.units(text))
        return np.full(n, -math.log(len(self.vocab)))


def test_contract_needs_token_logprobs() -> None:
    with pytest.raises(TypeError):
        LanguageModel()  # type: ignore[abstract]


def test_derived_verbs_match_a_hand_computation() -> None:
    vocab = Vocab(["a", "b", "</s>", "<s>"])  # a b </s> <s> <unk>: |V| = 5
    lm = Uniform(vocab)
    # "a zz" predicts a, zz (OOV), </s>: three tokens of probability 1/5
    assert lm.score("a zz") == pytest.approx(3 * math.log10(1 / 5))
    assert lm.full_scores("a zz") == [
        (pytest.approx(math.log10(0.2)), 2, False),
        (pytest.approx(math.log10(0.2)), 3, True),
        (pytest.approx(math.log10(0.2)), 4, False)]
    ppl = lm.perplexity(["a zz", "b"])  # 5 predicted tokens, one OOV
    assert (ppl.ppl, ppl.tokens, ppl.oov, ppl.zero_prob) == (pytest.approx(5.0), 5, 1, 0)
    assert ppl.bits_per_token == pytest.approx(math.log2(5))
    assert ppl.logprob == pytest.approx(5 * math.log(0.2)) and ppl.proper
    assert [s for s, _ in lm.compare(["a b a", "b"])] == ["b", "a b a"]
    assert not Uniform(vocab, proper=False).perplexity("a").proper
    assert pytest.approx(math.log(10)) == LN10


def test_perplexity_summary_by_hand() -> None:
    lp = np.log(np.array([0.5, 0.25, 0.0 + 1e-300, 0.5]))
    p = Perplexity.from_logprobs(lp, np.array([False, True, False, False]))
    assert p.ppl == pytest.approx(float(np.exp(-lp.mean())))
    assert p.ppl_excl_oov == pytest.approx(float(np.exp(-lp[[0, 2, 3]].mean())))
    assert "perplexity" in str(p) and "1 OOV" in str(p)


def test_core_has_no_module_level_torch_import() -> None:
    """seqlm.core and seqlm.registry stay light (issue 12: ``import seqlm.core`` without torch;
    the full-import check lives with seqlm.data's own, which core imports)."""
    root = Path(seqlm.core.__file__).parent
    for path in [*root.glob("*.py"), root.parent / "registry.py"]:
        tree = ast.parse(path.read_text())
        for node in tree.body:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "torch" for n in names), path
