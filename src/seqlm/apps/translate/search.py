"""Decoding: greedy (batched) and beam search with length normalisation.

Both feed the model its own previous token from ``<bos>`` until ``<eos>`` or ``max_len``
tokens; ``<pad>``, ``<bos>`` and ``<unk>`` are never produced (their log-probability is set to
-inf). Beam search keeps the ``beam`` best partial translations by summed log-probability,
sets aside each one that ends with ``<eos>``, stops once ``beam`` have ended (or at
``max_len``), and returns the ended one with the best normalised score

    score(y) = log p(y | x) / lp(y),   lp(y) = ((5 + |y|) / 6) ** alpha

(Wu et al. 2016; |y| counts ``<eos>``; alpha 0 = no normalisation). With ``beam=1`` it makes
exactly the greedy choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from seqlm.apps.translate.model import Seq2Seq, select_state
from seqlm.errors import ConfigError, require_int


@dataclass
class Hypothesis:
    """Output ids (``<eos>`` excluded), total log-probability, whether it ended with ``<eos>``,
    and the attention rows (one per output step, ``<eos>`` included) or None."""

    tokens: list[int]
    logprob: float
    ended: bool
    attention: torch.Tensor | None = None

    def normalised(self, alpha: float) -> float:
        """log p / ((5 + |y|) / 6) ** alpha with |y| counting <eos> when it ended."""
        length = len(self.tokens) + int(self.ended)
        return self.logprob / (((5.0 + length) / 6.0) ** alpha)


@dataclass(frozen=True)
class SearchConfig:
    """How to decode: ``beam`` 1 = greedy; max length = ceil(max_len_a * |x| + max_len_b)."""

    beam: int = 5
    alpha: float = 0.6
    max_len_a: float = 2.0
    max_len_b: int = 10

    def __post_init__(self) -> None:
        require_int("beam size", self.beam)
        if not 0.0 <= self.alpha <= 10.0:
            raise ConfigError(f"length-normalisation alpha must be in [0, 10], got {self.alpha!r}")
        if not 0.0 <= self.max_len_a <= 100.0 or self.max_len_b < 1:
            raise ConfigError("max length needs 0 <= max_len_a <= 100 and max_len_b >= 1")

    def max_len(self, source_len: int) -> int:
        """The longest output allowed for a source of ``source_len`` tokens."""
        return int(-(-(self.max_len_a * source_len) // 1)) + int(self.max_len_b)


def _log_probs(model: Seq2Seq, logits: torch.Tensor, banned: Sequence[int]) -> torch.Tensor:
    logp = torch.log_softmax(logits.to(torch.promote_types(logits.dtype, torch.float32)), -1)
    logp[:, list(banned)] = float("-inf")
    return logp


def greedy(model: Seq2Seq, src: torch.Tensor, src_len: torch.Tensor, bos: int, eos: int,
           max_lens: Sequence[int], banned: Sequence[int] = ()) -> list[Hypothesis]:
    """The most probable next token at every step, for a padded batch of sources."""
    batch = src.shape[0]
    memory, state = model.encode(src, src_len)
    y = torch.full((batch,), bos, dtype=torch.long, device=src.device)
    hyps = [Hypothesis([], 0.0, False) for _ in range(batch)]
    rows: list[list[torch.Tensor]] = [[] for _ in range(batch)]
    alive = torch.ones(batch, dtype=torch.bool)
    for t in range(max(max_lens)):
        logits, state, weights = model.step(y, state, memory)
        logp = _log_probs(model, logits, banned)
        best, y = logp.max(dim=-1)
        for b in torch.nonzero(alive).flatten().tolist():
            if t >= max_lens[b]:
                alive[b] = False
                continue
            if weights is not None:
                rows[b].append(weights[b, : int(src_len[b])].detach().cpu())
            hyps[b].logprob += float(best[b])
            if int(y[b]) == eos:
                hyps[b].ended, alive[b] = True, False
            else:
                hyps[b].tokens.append(int(y[b]))
        if not alive.any():
            break
    for h, r in zip(hyps, rows, strict=True):
        h.attention = torch.stack(r) if r else None
    return hyps


def beam_search(model: Seq2Seq, src: torch.Tensor, src_len: torch.Tensor, bos: int, eos: int,
                max_len: int, beam: int, alpha: float, banned: Sequence[int] = ()
                ) -> Hypothesis:
    """Beam search for ONE source (src of shape (1, S)); see the module docstring."""
    memory, state = model.encode(src, src_len)
    n = int(src_len[0])
    alive = [Hypothesis([], 0.0, False, torch.zeros(0, n))]
    last = torch.tensor([bos], device=src.device)
    ended: list[Hypothesis] = []
    attends = model.attention is not None
    for _ in range(max_len):
        rows = torch.zeros(len(alive), dtype=torch.long, device=src.device)
        logits, state, weights = model.step(last, state, memory.select(rows))
        logp = _log_probs(model, logits, banned)
        so_far = torch.tensor([h.logprob for h in alive], dtype=logp.dtype, device=logp.device)
        total = logp + so_far[:, None]
        scores, flat = total.flatten().topk(min(beam, total.numel()))
        survivors: list[Hypothesis] = []
        keep: list[int] = []
        for score, index in zip(scores.tolist(), flat.tolist(), strict=True):
            if score == float("-inf"):
                break
            i, v = divmod(index, logp.shape[1])
            att = alive[i].attention
            if weights is not None and att is not None:
                att = torch.cat([att, weights[i, :n].detach().cpu()[None]])
            if v == eos:
                ended.append(Hypothesis(alive[i].tokens, score, True, att))
            else:
                survivors.append(Hypothesis([*alive[i].tokens, v], score, False, att))
                keep.append(i)
        alive = survivors
        if len(ended) >= beam or not alive:
            break
        state = select_state(state, torch.tensor(keep, device=src.device))
        last = torch.tensor([h.tokens[-1] for h in alive], device=src.device)
    best = max(ended or alive, key=lambda h: h.normalised(alpha))
    if not attends:
        best.attention = None
    return best
