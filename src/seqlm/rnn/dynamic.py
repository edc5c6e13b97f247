"""Dynamic evaluation: a recurrent LM that keeps learning from the text it has already scored.

The text is read in segments of ``segment`` tokens. Each segment is first scored with the
current weights, then one gradient step is taken on that segment's mean NLL:
theta <- theta - lr g + decay (theta_0 - theta)  (Mikolov et al. 2010's dynamic RNNLM;
Krause et al. 2018, "Dynamic Evaluation of Neural Sequence Models", SGD form with the pull back
to the trained weights theta_0). After ``gradient_rms(train_text)`` the step is Krause et al.'s
RMS form: theta <- theta - lr g / (sqrt(MS_g) + eps) + min(decay RMS_norm, 1) (theta_0 - theta)
with RMS_norm = sqrt(MS_g) / mean(sqrt(MS_g)): parameters that the training gradients rarely
move are moved (and pulled back) less. Every prediction depends on earlier tokens only, so this
is a proper online model -- an adaptive cousin of a cache model -- but its figures are not
static test perplexities: report them as "dynamic evaluation". Dropout is off while adapting.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator

import numpy as np
import torch
import torch.nn.functional as F

from seqlm.core.lm import LanguageModel
from seqlm.errors import ConfigError, require_int, require_number
from seqlm.rnn.lm import RNNLM, scoring_bar
from seqlm.rnn.state import State, detach_state

SGD_LRS = (0.0, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1)
RMS_LRS = (0.0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3)


class DynamicEval(LanguageModel):
    """Score like ``lm`` but adapt a private copy of its weights after every segment.

    ``lr``: SGD step on each segment's mean NLL (0 = the static model, exactly);
    ``decay``: pull towards the trained weights per step; ``segment``: tokens per update;
    :meth:`gradient_rms` switches to RMS-normalised steps. Every call of ``token_logprobs``
    (``perplexity``, ``score``...) starts from the trained weights again: the adaptation lives
    only within one scored text.
    """

    def __init__(self, lm: RNNLM, lr: float = 1e-3, segment: int = 50, decay: float = 0.0
                 ) -> None:
        for name, value in (("lr", lr), ("decay", decay)):
            require_number(f"dynamic evaluation {name}", value, 0.0)
        if decay > 1:
            raise ConfigError(f"dynamic evaluation decay must be <= 1, got {decay!r}")
        require_int("segment", segment)
        self.lm, self.lr, self.segment, self.decay = lm, float(lr), segment, float(decay)
        self.vocab, self.mode, self.tokenizer = lm.vocab, lm.mode, lm.tokenizer
        self.eps = 1e-8
        self.ms = None

    @property
    def ms(self) -> list[torch.Tensor] | None:
        """MS_g, one tensor per trainable parameter (the RMS form), or None (plain SGD)."""
        return self._ms

    @ms.setter
    def ms(self, value: list[torch.Tensor] | None) -> None:
        self._ms = value
        if value is not None:
            self._rms = [m.sqrt() for m in value]
            n = sum(r.numel() for r in self._rms)
            self._mean_rms = max(float(sum(r.sum() for r in self._rms)) / n, self.eps)

    def gradient_rms(self, text: str) -> DynamicEval:
        """Set MS_g to the mean, over the segments of ``text`` (training text), of the squared
        gradient of the segment's mean NLL under the trained weights; returns self."""
        model = copy.deepcopy(self.lm.model).eval()
        params: list[torch.Tensor] = [p for p in model.parameters() if p.requires_grad]
        total = [torch.zeros_like(p) for p in params]
        count = 0
        for unit in self.units(text):
            ids = torch.from_numpy(self.vocab.encode([*unit.context, *unit.targets]))
            for grads in self._segment_grads(model, params, ids.to(self.lm.device)):
                for t, g in zip(total, grads, strict=True):
                    if g is not None:
                        t.add_(g * g)
                count += 1
        self.ms = [t / count for t in total]
        return self

    def token_logprobs(self, text: str) -> np.ndarray:
        """ln p of every predicted token, each from the weights adapted on the text before it."""
        model = copy.deepcopy(self.lm.model).eval()
        params: list[torch.Tensor] = [p for p in model.parameters() if p.requires_grad]
        start = [p.detach().clone() for p in params]
        device = self.lm.device
        out: list[np.ndarray] = []
        todo = self.units(text)
        segments = sum(-(-(len(u.context) + len(u.targets) - 1) // self.segment) for u in todo)
        bar = scoring_bar(segments, self.lm.progress)  # the wrapped model's --progress
        try:
            for unit in todo:
                ids = torch.from_numpy(self.vocab.encode([*unit.context, *unit.targets]))
                skip = len(unit.context) - 1  # predictions that are still context (none so far)
                lp = self._read(model, params, start, ids.to(device), bar.update)
                out.append(lp[skip:])
        finally:
            bar.close()
        return np.concatenate(out)

    def _read(self, model: torch.nn.Module, params: list[torch.Tensor],
              start: list[torch.Tensor], ids: torch.Tensor,
              done: Callable[[int], object] | None = None) -> np.ndarray:
        """Score one unit segment by segment, updating after each (state carried, detached);
        ``done(1)`` after each segment (a progress bar)."""
        pieces: list[np.ndarray] = []
        for grads in self._segment_grads(model, params, ids, pieces, need=self.lr > 0,
                                         done=done):
            self._step(params, start, grads)
        return np.concatenate(pieces)

    def _segment_grads(self, model: torch.nn.Module, params: list[torch.Tensor],
                       ids: torch.Tensor, scores: list[np.ndarray] | None = None,
                       need: bool = True, done: Callable[[int], object] | None = None
                       ) -> Iterator[tuple[torch.Tensor | None, ...]]:
        """For each segment of ``ids``: score it (into ``scores``), then yield the gradient of
        its mean NLL (if ``need``); the caller may change the weights before the next one."""
        state: State | None = None
        for t0 in range(0, len(ids) - 1, self.segment):
            t1 = min(t0 + self.segment, len(ids) - 1)
            X, Y = ids[t0:t1][None], ids[t0 + 1 : t1 + 1][None]
            # cuDNN's RNN backward refuses eval mode (dropout off): use the native kernels
            with torch.enable_grad(), torch.backends.cudnn.flags(enabled=False):
                logits, state = model(X, state)
                wide = logits.to(torch.promote_types(logits.dtype, torch.float32))
                lp = F.log_softmax(wide, dim=-1).gather(-1, Y[..., None])[0, :, 0]
                if scores is not None:
                    scores.append(lp.detach().double().cpu().numpy())
                grads = torch.autograd.grad(-lp.mean(), params, allow_unused=True) if need \
                    else None
            state = detach_state(state)
            if done is not None:
                done(1)
            if grads is not None:
                yield grads

    @torch.no_grad()
    def _step(self, params: list[torch.Tensor], start: list[torch.Tensor],
              grads: tuple[torch.Tensor | None, ...]) -> None:
        """theta <- theta - lr g + decay (theta_0 - theta), or the RMS form (module doc)."""
        if self.ms is None:
            for p, p0, g in zip(params, start, grads, strict=True):
                if g is not None:
                    p.sub_(g, alpha=self.lr)
                if self.decay:
                    p.add_(p0 - p, alpha=self.decay)
            return
        for p, p0, g, r in zip(params, start, grads, self._rms, strict=True):
            if g is not None:
                p.sub_(self.lr * g / (r + self.eps))
            if self.decay:
                rate = (self.decay * r / self._mean_rms).clamp(max=1.0)
                p.add_(rate * (p0 - p))

    def fit(self, valid_text: str, lrs: tuple[float, ...] | None = None) -> DynamicEval:
        """Pick ``lr`` from ``lrs`` by validation perplexity (0 keeps the static model in the
        running; the default grid suits the form: SGD or RMS); returns self."""
        best = (math.inf, self.lr)
        for lr in lrs or (RMS_LRS if self.ms is not None else SGD_LRS):
            self.lr = float(lr)
            best = min(best, (self.perplexity(valid_text).ppl, self.lr))
        self.lr = best[1]
        return self
