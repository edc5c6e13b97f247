"""The encoder-decoder: padding never matters, teacher forcing = stepping, loss skips padding;
greedy and beam search checked against a hand loop and against exhaustive search."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from seqlm.apps.common import pad_batch
from seqlm.apps.translate import SearchConfig, Seq2Seq, Seq2SeqConfig, beam_search, greedy
from seqlm.errors import ConfigError
from seqlm.train import LanguageModelTask

PAD, BOS, EOS, UNK = 1, 2, 3, 0
BANNED = [PAD, BOS, UNK]


def _model(cell: str = "gru", attention: str = "additive", tgt_vocab: int = 9, layers: int = 1,
           seed: int = 0, scale: float = 1.0) -> Seq2Seq:
    """A small random model; ``scale`` > 1 sharpens it (outputs that vary with the source)."""
    torch.manual_seed(seed)
    cfg = Seq2SeqConfig(src_vocab=11, tgt_vocab=tgt_vocab, cell=cell, embed=5, hidden=6,
                        layers=layers, attention=attention, dropout=0.0)
    m = Seq2Seq(cfg).double().eval().requires_grad_(False)
    for p in m.parameters():
        p.mul_(scale)
    return m


CELLS = [("gru", 2), ("lstm", 1), ("rnn", 1), ("gru_scratch", 1), ("lstm_scratch", 1)]


@pytest.mark.parametrize(("cell", "layers"), CELLS)
@pytest.mark.parametrize("attention", ["additive", "none"])
def test_a_sentence_scores_the_same_alone_or_padded_in_a_batch(cell: str, layers: int,
                                                                 attention: str) -> None:
    m = _model(cell, attention, layers=layers)
    src_a, tgt_a = [4, 5, 6, EOS], [BOS, 4, 5]
    src_b, tgt_b = [7, 8, 9, 10, 4, 5, EOS], [BOS, 6, 7, 8, 4]
    src, lens = pad_batch([src_a, src_b], PAD)
    tgt, _ = pad_batch([tgt_a, tgt_b], PAD)
    both = m((src, lens, tgt))[0]
    alone = m((torch.tensor([src_a]), torch.tensor([4]), torch.tensor([tgt_a])))[0]
    assert torch.allclose(both[0, :3], alone[0], atol=1e-12)


def test_teacher_forcing_equals_feeding_the_same_tokens_step_by_step() -> None:
    m = _model()
    src, lens = pad_batch([[4, 5, EOS], [6, 7, 8, 9, EOS]], PAD)
    tgt_in = torch.tensor([[BOS, 4, 5], [BOS, 6, 7]])
    forced = m((src, lens, tgt_in))[0]
    memory, state = m.encode(src, lens)
    for t in range(3):
        logits, state, weights = m.step(tgt_in[:, t], state, memory)
        assert torch.allclose(logits, forced[:, t], atol=1e-12)
        assert weights is not None
        assert torch.allclose(weights.sum(-1), torch.ones(2, dtype=torch.float64))
        assert torch.all(weights[0, 3:] == 0)  # the first source's padding


def test_the_loss_never_scores_padding() -> None:
    m = _model()
    task = LanguageModelTask(ignore_index=PAD)
    pairs = [([4, 5, EOS], [BOS, 4, 5, EOS]), ([6, 7, 8, 9, EOS], [BOS, 6, EOS])]
    total, count = 0.0, 0
    for s, t in pairs:
        x = (torch.tensor([s]), torch.tensor([len(s)]), torch.tensor([t[:-1]]))
        out = task.step(m, (x, torch.tensor([t[1:]])), None)
        total, count = total + float(out.loss_sum), count + out.count
    src, lens = pad_batch([s for s, _ in pairs], PAD)
    tgt, _ = pad_batch([t for _, t in pairs], PAD)
    out = task.step(m, ((src, lens, tgt[:, :-1]), tgt[:, 1:]), None)
    assert out.count == count == 3 + 2
    assert math.isclose(float(out.loss_sum), total, rel_tol=1e-12)


def _hand_greedy(m: Seq2Seq, src: list[int], max_len: int) -> tuple[list[int], float]:
    memory, state = m.encode(torch.tensor([src]), torch.tensor([len(src)]))
    y, out, logp = BOS, [], 0.0
    for _ in range(max_len):
        logits, state, _ = m.step(torch.tensor([y]), state, memory)
        lp = torch.log_softmax(logits[0], -1)
        lp[BANNED] = -math.inf
        y = int(lp.argmax())
        logp += float(lp[y])
        if y == EOS:
            break
        out.append(y)
    return out, logp


@pytest.mark.parametrize("attention", ["additive", "none"])
def test_greedy_beam_1_and_a_hand_loop_agree(attention: str) -> None:
    m = _model(attention=attention, seed=1, scale=4.0)
    sources = [[4, 5, 6, EOS], [7, EOS], [8, 9, 10, 4, 5, 6, EOS]]
    src, lens = pad_batch(sources, PAD)
    batch = greedy(m, src, lens, BOS, EOS, [6, 6, 6], BANNED)
    for i, s in enumerate(sources):
        tokens, logp = _hand_greedy(m, s, 6)
        one = beam_search(m, torch.tensor([s]), torch.tensor([len(s)]), BOS, EOS, 6, 1, 0.6,
                          BANNED)
        assert batch[i].tokens == one.tokens == tokens
        assert math.isclose(batch[i].logprob, logp, rel_tol=1e-9)
        assert math.isclose(one.logprob, logp, rel_tol=1e-9)
        if attention == "additive":
            assert batch[i].attention is not None and one.attention is not None
            assert torch.allclose(batch[i].attention, one.attention)
            assert batch[i].attention.shape == (len(tokens) + int(batch[i].ended), len(s))


def _sequence_logprob(m: Seq2Seq, src: list[int], ys: list[int]) -> float:
    x = (torch.tensor([src]), torch.tensor([len(src)]), torch.tensor([[BOS, *ys[:-1]]]))
    lp = torch.log_softmax(m(x)[0][0], -1)
    return float(sum(lp[t, y] for t, y in enumerate(ys)))


@pytest.mark.parametrize("alpha", [0.0, 0.6, 2.0])
def test_a_wide_beam_finds_the_exhaustive_best(alpha: float) -> None:
    m = _model(tgt_vocab=6, seed=5, scale=3.0)  # real outputs: <eos>, 4, 5
    src, max_len = [4, 5, 6, EOS], 3
    best, best_score = None, -math.inf
    for n in range(max_len):  # every output that ends with <eos> within max_len steps
        for ys in itertools.product([4, 5], repeat=n):
            lp = _sequence_logprob(m, src, [*ys, EOS])
            score = lp / (((5 + n + 1) / 6) ** alpha)
            if score > best_score:
                best, best_score = list(ys), score
    h = beam_search(m, torch.tensor([src]), torch.tensor([4]), BOS, EOS, max_len, 27, alpha,
                    BANNED)
    assert h.ended and h.tokens == best
    assert math.isclose(h.normalised(alpha), best_score, rel_tol=1e-9)


def test_search_settings_and_max_length() -> None:
    assert SearchConfig(max_len_a=1.5, max_len_b=4).max_len(3) == 9  # ceil(4.5) + 4
    with pytest.raises(ConfigError):
        SearchConfig(beam=0)
    m = _model(seed=1)
    src, lens = pad_batch([[4, 5, EOS]], PAD)
    assert len(greedy(m, src, lens, BOS, EOS, [2], BANNED)[0].tokens) <= 2
    never = greedy(m, src, lens, BOS, EOS, [4], [*BANNED, EOS])[0]  # <eos> banned: runs to max
    assert len(never.tokens) == 4 and not never.ended


def test_config_checks() -> None:
    with pytest.raises(ConfigError, match="attention"):
        Seq2SeqConfig(attention="dot")
    with pytest.raises(ConfigError, match="cell kind"):
        Seq2SeqConfig(cell="transformer")
    with pytest.raises(ConfigError, match="vocabulary sizes"):
        Seq2Seq(Seq2SeqConfig())
    cfg = Seq2SeqConfig(src_vocab=5, tgt_vocab=6)
    assert Seq2SeqConfig.from_dict(_model().config).hidden == 6
    assert Seq2SeqConfig.from_dict({"kind": "seq2seq", **vars(cfg)}) == cfg
    with pytest.raises(ConfigError, match="unknown Seq2SeqConfig setting"):
        Seq2SeqConfig.from_dict({"heads": 8})
