"""Distillation from a cross-fitted n-gram teacher: the teacher rows against n-gram models
counted by hand without each fold, the soft-target batches against the plain loader, the soft
cross-entropy against its formula, and exact resume of a distilled run."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import torch

from seqlm.apps.lm import Distillation, TeacherBatches, lm_data, make_trainer, ngram_teacher
from seqlm.data import SeqDataLoader
from seqlm.errors import ConfigError
from seqlm.ngram import NgramLM
from seqlm.train import LanguageModelTask, TrainConfig, Trainer
from tests.train.tiny import TinyLM, corpus

TEXT = ("the time traveller for so it will be convenient to speak of him was expounding a "
        "recondite matter to us his grey eyes shone and twinkled and his usually pale face "
        "was flushed and animated ") * 3


def _row(model: NgramLM, context: str | list[str], V: int) -> np.ndarray:
    """The distribution after ``context`` one query at a time (``logprob``: its own encoding)."""
    row = np.zeros(V)
    for i in np.nonzero(model.predicted)[0]:
        row[i] = np.exp(model.logprob(model.vocab.idx_to_token[i], list(context)))
    return row


def test_teacher_rows_are_models_counted_without_their_fold() -> None:
    data = lm_data(TEXT, None, "char")
    ids, V, folds = np.asarray(data.train_ids), len(data.vocab), 4
    teacher = ngram_teacher(ids, data.vocab, order=4, folds=folds)
    assert teacher.shape == (len(ids), V) and teacher.dtype == np.float32
    np.testing.assert_allclose(teacher[1:].sum(axis=1), 1.0, atol=1e-5)
    bounds = np.linspace(0, len(ids), folds + 1).astype(int)
    for a, b in pairwise(bounds):
        rest = TEXT[:a] + TEXT[b:]  # char level: one id per character
        ref = NgramLM(4, "modified_kneser_ney", mode="stream", tokenizer="char",
                      vocab=data.vocab).fit(rest)
        for t in (max(a, 1), a + 2, (a + b) // 2, b - 1):
            np.testing.assert_allclose(teacher[t], _row(ref, TEXT[max(0, t - 3):t], V),
                                       rtol=1e-5, atol=1e-7)


def test_cross_fitting_hides_each_fold_from_its_teacher() -> None:
    """A phrase seen once, in one fold: the teacher of that fold has not counted it."""
    text = TEXT + "zyx qvk " + TEXT
    data = lm_data(text, None, "char")
    ids = np.asarray(data.train_ids)
    at = text.index("zyx qvk") + 5  # predicting 'v' after 'zyx q'
    leaky = NgramLM(6, "modified_kneser_ney", mode="stream", tokenizer="char",
                    vocab=data.vocab).fit(text)
    v = data.vocab["v"]
    assert _row(leaky, text[at - 5:at], len(data.vocab))[v] > 0.2
    assert ngram_teacher(ids, data.vocab, order=6, folds=5)[at, v] < 0.05
    leaked = ngram_teacher(ids, data.vocab, order=6, folds=1)  # the leaky teacher, on purpose
    np.testing.assert_allclose(leaked[at], _row(leaky, text[at - 5:at], len(data.vocab)),
                               rtol=1e-5, atol=1e-7)


def test_distributions_agree_with_single_queries_and_token_logprobs() -> None:
    for mode, tok, order in (("stream", "char", 5), ("sentence", "word", 3)):
        text = TEXT if tok == "char" else TEXT.replace(" and ", " and\n")
        m = NgramLM(order, "modified_kneser_ney", mode=mode, tokenizer=tok).fit(text)
        probe = "his grey face was pale and the matter" if tok == "char" else \
            "his grey eyes shone\nthe time traveller was pale"
        D = m.next_token_distributions(probe)
        lp = m.token_logprobs(probe)
        enc = m._encode(probe)
        assert D.shape == (len(lp), len(m.vocab))
        np.testing.assert_allclose(D.sum(axis=1), 1.0, atol=1e-9)
        np.testing.assert_allclose(np.log(D[np.arange(len(lp)), enc.seq[enc.targets]]), lp,
                                   atol=1e-10)
        if tok == "char":  # row i predicts character i + 1 from the ones before it
            for i in (0, 3, 17, len(lp) - 1):
                np.testing.assert_allclose(D[i], _row(m, probe[max(0, i + 1 - order + 1):i + 1],
                                                      len(m.vocab)), atol=1e-12)
        ctx = list(probe[-2:]) if tok == "char" else ["<s>", "his"]
        toks, p = m.next_token_distribution(ctx)  # the sampling path shares _distributions
        np.testing.assert_allclose(p, _row(m, ctx, len(m.vocab))[m.vocab.encode(toks)],
                                   atol=1e-12)


def test_fit_ids_equals_fit_on_the_text() -> None:
    data = lm_data(TEXT, None, "char")
    by_text = NgramLM(5, mode="stream", tokenizer="char", vocab=data.vocab).fit(TEXT)
    by_ids = NgramLM(5, mode="stream", tokenizer="char", vocab=data.vocab).fit_ids(
        data.train_ids)
    np.testing.assert_array_equal(by_ids.token_logprobs("the grey time"),
                                  by_text.token_logprobs("the grey time"))
    with pytest.raises(ConfigError, match="stream"):
        NgramLM(3, mode="sentence").fit_ids([1, 2])
    with pytest.raises(ConfigError, match="ids must be"):
        NgramLM(3, mode="stream", vocab=data.vocab).fit_ids([0, len(data.vocab)])


def test_teacher_batches_are_the_loaders_batches_with_mixed_targets() -> None:
    ids = np.asarray(corpus(500))
    teacher = np.random.default_rng(0).dirichlet(np.ones(7), size=len(ids)).astype(np.float32)
    plain = SeqDataLoader(ids, 4, 6, seed=3)
    soft = TeacherBatches(ids, teacher, 4, 6, alpha=0.4, decay=0.5, seed=3)
    pos = SeqDataLoader(np.arange(len(ids)), 4, 6, seed=3)
    for epoch, alpha in enumerate((0.4, 0.2, 0.1)):
        assert soft.current_alpha() == pytest.approx(alpha)
        batches = list(soft)
        assert soft.epoch == epoch + 1
        for (X, Y, S), (X0, Y0), (_, yp) in zip(batches, plain, pos, strict=True):
            assert torch.equal(X, X0) and torch.equal(Y, Y0)
            want = alpha * teacher[yp.numpy()]
            want[np.arange(4)[:, None], np.arange(6)[None, :], Y.numpy()] += 1 - alpha
            np.testing.assert_allclose(S.numpy(), want, atol=1e-6)
            np.testing.assert_allclose(S.sum(-1).numpy(), 1.0, atol=1e-5)


def test_soft_target_loss_is_the_cross_entropy_formula() -> None:
    torch.manual_seed(0)
    model = TinyLM().double()
    X, Y = torch.randint(0, 7, (3, 5)), torch.randint(0, 7, (3, 5))
    S = torch.softmax(torch.randn(3, 5, 7, dtype=torch.float64), -1)
    torch.set_grad_enabled(False)
    logp = torch.log_softmax(model(X)[0], -1)
    out = LanguageModelTask().step(model, (X, Y, S), None)
    assert out.count == 15
    assert float(out.loss_sum) == pytest.approx(float(-(S * logp).sum()), rel=1e-12)
    onehot = torch.nn.functional.one_hot(Y, 7).double()
    hard = LanguageModelTask().step(model, (X, Y), None)
    assert float(LanguageModelTask().step(model, (X, Y, onehot), None).loss_sum) == \
        pytest.approx(float(hard.loss_sum), rel=1e-12)
    masked = LanguageModelTask(ignore_index=2).step(model, (X, Y, S), None)
    keep = Y != 2
    assert masked.count == int(keep.sum())
    assert float(masked.loss_sum) == pytest.approx(float(-(S * logp).sum(-1)[keep].sum()),
                                                   rel=1e-12)
    torch.set_grad_enabled(True)


def _distilled(out: Path, epochs: int) -> Trainer:
    torch.manual_seed(0)
    text = TEXT * 2
    data = lm_data(text[:-200], text[-200:], "char")
    cfg = TrainConfig(epochs=epochs, optimizer="adam", lr=0.01, log_interval=5,
                      progress=False, device="cpu")
    return make_trainer(TinyLM(vocab_size=len(data.vocab), dropout=0.2), data, cfg,
                        batch_size=4, num_steps=8, seed=1, out=out,
                        distill=Distillation(alpha=0.5, decay=0.8, order=4, folds=3))


def test_distilled_run_resumes_exactly_and_records_its_settings(tmp_path: Path) -> None:
    ref = _distilled(tmp_path / "full", 3).fit()
    _distilled(tmp_path / "part", 1).fit()
    again = _distilled(tmp_path / "part", 3)
    res = again.fit(resume=tmp_path / "part" / "last.pt")
    strip = [{k: v for k, v in r.items() if k not in ("seconds", "items_per_s")}
             for r in (*res.history, *ref.history)]
    assert strip[:3] == strip[3:]
    assert again.train_batches.epoch == 3  # type: ignore[attr-defined]
    assert again.extra["distill"]["alpha"] == 0.5
    assert ref.history[-1]["valid_ppl"] < ref.history[0]["valid_ppl"]


@pytest.mark.parametrize("kw,match", [({"alpha": 1.5}, "alpha"), ({"decay": -0.1}, "decay"),
                                      ({"folds": 0}, "folds"), ({"order": 0}, "order"),
                                      ({"estimator": "stupid_backoff"}, "stupid")])
def test_bad_distillation_settings(kw: dict, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        Distillation(**kw)


def test_teacher_shape_must_match_the_ids() -> None:
    with pytest.raises(ConfigError, match="does not match"):
        TeacherBatches(np.arange(50) % 7, np.zeros((40, 7)), 2, 3, alpha=0.3)
    with pytest.raises(ConfigError, match="too few"):
        ngram_teacher([1, 2, 3], lm_data(TEXT, None, "char").vocab, folds=4)


def test_distributions_do_not_read_before_the_start_of_the_text() -> None:
    """Padding before position 0 is not context, even where <unk> (id 0) n-grams exist."""
    from seqlm.data import Vocab

    text = "ab" + "xab c" * 20
    vocab = Vocab(list("abc "))  # 'x' is <unk>: "<unk> a b" is a counted trigram
    m = NgramLM(3, mode="stream", tokenizer="char", vocab=vocab).fit(text)
    D = m.next_token_distributions(text[:6])
    for i in range(5):
        np.testing.assert_allclose(D[i], _row(m, text[max(0, i - 1):i + 1], len(vocab)),
                                   atol=1e-12)
