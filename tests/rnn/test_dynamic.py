"""Dynamic evaluation: static when lr = 0 or decay = 1, SGD by hand, causal, adapts, leaves the
trained model alone."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from seqlm.errors import ConfigError
from seqlm.rnn import RNNLM, TorchRNN, lm_vocab
from seqlm.rnn.dynamic import DynamicEval

TEXT = "the cat sat on the mat and the dog sat on the log"


def char_lm(seed: int = 0) -> RNNLM:
    torch.manual_seed(seed)
    vocab = lm_vocab(TEXT + "xyzq", "stream", "char")
    model = TorchRNN("lstm", 12, vocab_size=len(vocab), embed_size=6, num_layers=2,
                     dropout=0.3).double()
    return RNNLM(model, vocab, "stream", "char", chunk=7)


@pytest.mark.parametrize("mode", ["stream", "sentence"])
def test_no_learning_rate_or_full_decay_is_the_static_model(mode: str) -> None:
    torch.manual_seed(0)
    vocab = lm_vocab(TEXT, mode, "word")  # type: ignore[arg-type]
    model = TorchRNN("gru", 8, vocab_size=len(vocab), embed_size=4).double()
    lm = RNNLM(model, vocab, mode, "word", batch_size=2, chunk=3)  # type: ignore[arg-type]
    text = "the cat sat on the mat\nthe dog sat\non the log"
    static = lm.token_logprobs(text)
    for dyn in (DynamicEval(lm, lr=0.0, segment=2), DynamicEval(lm, lr=0.5, segment=2, decay=1)):
        np.testing.assert_allclose(dyn.token_logprobs(text), static, rtol=0, atol=1e-12)


def test_segments_follow_sgd_steps_computed_by_hand() -> None:
    lm = char_lm()
    text, seg, lr = TEXT, 5, 0.3
    ids = torch.from_numpy(lm.vocab.encode(list(text)))
    ref_model = copy.deepcopy(lm.model).eval()
    opt = torch.optim.SGD(ref_model.parameters(), lr=lr)
    expected, state = [], None
    for t0 in range(0, len(ids) - 1, seg):
        X, Y = ids[t0 : t0 + seg], ids[t0 + 1 : t0 + seg + 1]
        X = X[: len(Y)]
        logits, state = ref_model(X[None], state)
        lp = torch.log_softmax(logits[0], -1)[torch.arange(len(Y)), Y]
        expected.append(lp.detach().numpy())
        opt.zero_grad()
        (-lp.mean()).backward()
        opt.step()
        state = tuple(s.detach() for s in state)
    got = DynamicEval(lm, lr=lr, segment=seg).token_logprobs(text)
    np.testing.assert_allclose(got, np.concatenate(expected), rtol=1e-10, atol=1e-12)
    static = lm.token_logprobs(text)
    np.testing.assert_allclose(got[:seg], static[:seg], atol=1e-12)  # first segment: unchanged
    assert not np.allclose(got[seg:], static[seg:])


def _rms_by_hand(lm: RNNLM, text: str, seg: int, lr: float, decay: float,
                 ms: list[torch.Tensor]) -> np.ndarray:
    """Krause et al.'s RMS step written out: theta -= lr g / (sqrt(MS) + eps), then
    theta += min(decay sqrt(MS) / mean(sqrt(MS)), 1) (theta_0 - theta)."""
    model = copy.deepcopy(lm.model).eval()
    params = list(model.parameters())
    theta0 = [p.detach().clone() for p in params]
    mean_rms = torch.cat([m.sqrt().flatten() for m in ms]).mean()
    ids = torch.from_numpy(lm.vocab.encode(list(text)))
    out, state = [], None
    for t0 in range(0, len(ids) - 1, seg):
        Y = ids[t0 + 1 : t0 + seg + 1]
        logits, state = model(ids[t0 : t0 + len(Y)][None], state)
        lp = torch.log_softmax(logits[0], -1)[torch.arange(len(Y)), Y]
        out.append(lp.detach().numpy())
        grads = torch.autograd.grad(-lp.mean(), params)
        with torch.no_grad():
            for p, p0, g, m in zip(params, theta0, grads, ms, strict=True):
                p -= lr * g / (m.sqrt() + 1e-8)
                p += torch.clamp(decay * m.sqrt() / mean_rms, max=1.0) * (p0 - p)
        state = tuple(s.detach() for s in state)
    return np.concatenate(out)


def test_rms_steps_computed_by_hand() -> None:
    lm = char_lm()
    g = torch.Generator().manual_seed(5)
    ms = [torch.rand(p.shape, generator=g, dtype=torch.float64) ** 4 + 1e-4
          for p in lm.model.parameters()]
    dyn = DynamicEval(lm, lr=1e-3, segment=6, decay=0.2)
    dyn.ms = ms
    np.testing.assert_allclose(dyn.token_logprobs(TEXT),
                               _rms_by_hand(lm, TEXT, 6, 1e-3, 0.2, ms), rtol=1e-10, atol=1e-12)


def test_gradient_rms_is_the_mean_squared_segment_gradient() -> None:
    lm = char_lm()
    text, seg = "the cat sat on the mat " * 3, 7
    model = copy.deepcopy(lm.model).eval()
    ids = torch.from_numpy(lm.vocab.encode(list(text)))
    sums = [torch.zeros_like(p) for p in model.parameters()]
    state, n = None, 0
    for t0 in range(0, len(ids) - 1, seg):  # the trained weights throughout: no updates
        Y = ids[t0 + 1 : t0 + seg + 1]
        logits, state = model(ids[t0 : t0 + len(Y)][None], state)
        nll = -torch.log_softmax(logits[0], -1)[torch.arange(len(Y)), Y].mean()
        for s, gr in zip(sums, torch.autograd.grad(nll, list(model.parameters())), strict=True):
            s += gr**2
        n += 1
        state = tuple(x.detach() for x in state)
    dyn = DynamicEval(lm, lr=1e-3, segment=seg).gradient_rms(text)
    assert dyn.ms is not None
    for got, s in zip(dyn.ms, sums, strict=True):
        torch.testing.assert_close(got, s / n, rtol=1e-10, atol=1e-14)
    # the RMS form adapts too, and lr 0 stays the static model
    assert dyn.perplexity(text).ppl < lm.perplexity(text).ppl
    dyn.lr = 0.0
    assert dyn.perplexity(text).ppl == pytest.approx(lm.perplexity(text).ppl, rel=1e-12)


def test_decay_pulls_back_towards_the_trained_weights() -> None:
    lm = char_lm()
    base = lm.token_logprobs(TEXT)
    gaps = [np.abs(DynamicEval(lm, lr=0.3, segment=4, decay=d).token_logprobs(TEXT) - base).sum()
            for d in (0.0, 0.5, 0.9)]
    assert gaps[0] > gaps[1] > gaps[2] > 0


def test_predictions_use_only_earlier_tokens() -> None:
    lm = char_lm()
    dyn = DynamicEval(lm, lr=0.5, segment=4)
    a = dyn.token_logprobs(TEXT)
    b = dyn.token_logprobs(TEXT[:30] + "xyzq" * 6)
    np.testing.assert_array_equal(a[:29], b[:29])  # the first 29 predictions precede the edit
    assert a[29] != b[29]


def test_adapts_to_a_repeated_phrase_and_leaves_the_model_untouched() -> None:
    lm = char_lm()
    before = {k: v.clone() for k, v in lm.model.state_dict().items()}
    text = "the dog sat on the log " * 8
    dyn = DynamicEval(lm, lr=2.0, segment=10)
    first = dyn.perplexity(text).ppl
    assert first < 0.7 * lm.perplexity(text).ppl
    assert dyn.perplexity(text).ppl == first  # every call starts from the trained weights
    assert lm.model.training
    for k, v in lm.model.state_dict().items():
        assert torch.equal(v, before[k]), k


def test_fit_picks_the_best_rate_on_validation_text() -> None:
    lm = char_lm()
    valid = "the cat sat on the log " * 4
    dyn = DynamicEval(lm, segment=10).fit(valid, lrs=(0.0, 0.01, 0.3))
    ppls = {lr: DynamicEval(lm, lr=lr, segment=10).perplexity(valid).ppl for lr in (0.0, 0.01, 0.3)}
    assert dyn.lr == min(ppls, key=ppls.__getitem__)


@pytest.mark.parametrize("kwargs", [{"lr": -1.0}, {"lr": float("nan")}, {"decay": 1.5},
                                    {"segment": 0}, {"segment": 2.5}])
def test_bad_settings(kwargs: dict) -> None:
    with pytest.raises(ConfigError):
        DynamicEval(char_lm(), **kwargs)
