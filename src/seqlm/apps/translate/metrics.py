"""Corpus BLEU and chrF with sacrebleu, the field's reference implementation.

BLEU uses sacrebleu's ``zh`` tokenisation when the output is Chinese (every CJK character a
token, as the WMT Chinese tasks score it) and ``13a`` otherwise; chrF is sacrebleu's default
chrF2 (character 6-grams, beta 2). Scores are on the 0-100 scale, with each signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from seqlm.errors import ConfigError, DataError


@dataclass(frozen=True)
class Scores:
    """Corpus-level BLEU and chrF (0-100), how many sentences, and sacrebleu's signatures."""

    bleu: float
    chrf: float
    sentences: int
    bleu_signature: str
    chrf_signature: str

    def to_dict(self) -> dict[str, float | int]:
        """The JSON the CLI prints: {"bleu": ..., "chrf": ..., "sentences": ...}."""
        return {"bleu": round(self.bleu, 2), "chrf": round(self.chrf, 2),
                "sentences": self.sentences}


def bleu_tokenize(tokenizer: str) -> str:
    """sacrebleu's tokenisation for output produced by ``tokenizer``: zh for characters."""
    return "zh" if tokenizer in ("zh_chars", "char") else "13a"


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str],
                  tokenize: str = "zh") -> Scores:
    """BLEU and chrF of ``hypotheses`` against one reference each (same order, same length)."""
    try:
        import sacrebleu
    except ImportError:  # pragma: no cover - a dependency of seqlm; an install may lack it
        raise ConfigError("BLEU and chrF need sacrebleu: pip install sacrebleu") from None
    if len(hypotheses) != len(references):
        raise DataError(f"{len(hypotheses)} translations for {len(references)} references")
    if not references:
        raise DataError("nothing to score: no references")
    bleu = sacrebleu.BLEU(tokenize=tokenize)
    chrf = sacrebleu.CHRF()
    hyps, refs = list(hypotheses), [list(references)]
    b, c = bleu.corpus_score(hyps, refs), chrf.corpus_score(hyps, refs)
    return Scores(float(b.score), float(c.score), len(references),
                  str(bleu.get_signature()), str(chrf.get_signature()))
