"""Class LMs (Bayes' rule over per-class n-gram LMs) and their mix with the network: scores
against n-gram models fitted and summed by hand, the validation grid against a brute-force
search, the checkpoint round trip, and the CLI run that attaches them."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import numpy as np
import pytest
import torch

from seqlm.apps.classify.class_lm import (
    LM_WEIGHTS,
    WEIGHTS,
    ClassLM,
    Mix,
    choose_mix,
    default_order,
    log_softmax,
)
from seqlm.apps.classify.predict import Classifier
from seqlm.cli.main import main
from seqlm.data import Vocab
from seqlm.data.conventions import BOS, EOS
from seqlm.errors import ConfigError, DataError
from seqlm.ngram.model import NgramLM
from seqlm.train import CheckpointError, load_checkpoint

TEXTS = ["ivanov", "petrov", "smirnov", "kuznetsov", "smith", "johnson", "williamson", "brown",
         "sato", "suzuki", "takahashi", "tanaka", "watanabe"]
LABELS = ["ru", "ru", "ru", "ru", "en", "en", "en", "en", "ja", "ja", "ja", "ja", "ja"]
CLASSES = ["en", "ja", "ru"]
QUERIES = ["popov", "ito", "jones", "qx", "a b"]


def test_log_likelihoods_are_per_class_ngram_scores_summed_by_hand() -> None:
    lm = ClassLM(3).fit(TEXTS, LABELS, CLASSES)
    got = lm.log_likelihoods(QUERIES)
    vocab = Vocab([c for t in TEXTS for c in t], reserved_tokens=[BOS, EOS])
    for j, c in enumerate(CLASSES):
        own = NgramLM(3, tokenizer="char", vocab=vocab).fit(
            [t for t, lab in zip(TEXTS, LABELS, strict=True) if lab == c])
        for i, q in enumerate(QUERIES):  # KenLM-style log10 score of the whole name
            assert got[i, j] == pytest.approx(own.score(q) * np.log(10), abs=1e-9)
    np.testing.assert_allclose(np.exp(lm.log_prior), [4 / 13, 5 / 13, 4 / 13])
    post = lm.log_posterior(QUERIES)
    joint = got + np.log([4 / 13, 5 / 13, 4 / 13])
    by_hand = joint - np.log(np.exp(joint).sum(axis=1, keepdims=True))  # Bayes' rule
    np.testing.assert_allclose(post, by_hand, atol=1e-12)
    assert CLASSES[int(post[0].argmax())] == "ru" and CLASSES[int(post[1].argmax())] == "ja"


def test_word_level_and_defaults() -> None:
    assert default_order("char") == 4 and default_order("word") == 2
    lm = ClassLM(2, "word").fit(["good film", "great fun", "bad film", "awful plot"],
                                ["pos", "pos", "neg", "neg"], ["neg", "pos"])
    post = lm.log_posterior(["great film", "awful film"])
    assert post[0].argmax() == 1 and post[1].argmax() == 0
    with pytest.raises(ConfigError, match="level"):
        ClassLM(2, "byte")


def test_bad_input_is_a_typed_error() -> None:
    with pytest.raises(DataError, match="no training text for class 'de'"):
        ClassLM(3).fit(TEXTS, LABELS, [*CLASSES, "de"])
    with pytest.raises(DataError, match="not one of the classes"):
        ClassLM(3).fit(TEXTS, LABELS, ["en", "ru"])
    lm = ClassLM(3).fit(TEXTS, LABELS, CLASSES)
    with pytest.raises(DataError, match="example 2 is empty"):
        lm.log_likelihoods(["ito", ""])
    with pytest.raises(ConfigError, match="not fitted"):
        ClassLM(3).log_likelihoods(["ito"])
    state = lm.to_state()
    del state["models"][1]["logp"]
    with pytest.raises(CheckpointError, match="class LMs"):
        ClassLM.from_state(state)


def test_state_round_trips_through_a_weights_only_file() -> None:
    lm = ClassLM(4).fit(TEXTS, LABELS, CLASSES)
    buf = io.BytesIO()
    torch.save({"class_lm": lm.to_state()}, buf)
    buf.seek(0)
    back = ClassLM.from_state(torch.load(buf, weights_only=True)["class_lm"])
    assert back.classes == CLASSES and back.order == 4
    np.testing.assert_array_equal(back.log_joint(QUERIES), lm.log_joint(QUERIES))


def test_choose_mix_is_the_grid_minimum_and_ignores_noise() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 300)
    net = np.log(np.full((300, 4), 0.1 / 3))
    net[np.arange(300), y] = np.log(0.9)  # a good network
    noise = rng.normal(size=(300, 4)) * 3  # class "LMs" that know nothing
    mix, nll = choose_mix(net, noise, y)
    assert mix.t == 0.0 and mix.w > 0
    grid = [(float(-log_softmax(w * net + t * noise)[np.arange(300), y].mean()), w, t)
            for w in WEIGHTS for t in LM_WEIGHTS if w or t]
    assert nll == pytest.approx(min(grid)[0])
    lm_good = 5.0 * np.eye(4)[y] + 0.1 * noise  # now the LMs know better than the net
    mix2, _ = choose_mix(net * 0.0 + np.log(0.25), lm_good, y)
    assert mix2.t > 0
    np.testing.assert_allclose(np.exp(Mix(1.0, 0.0)(net, noise)), np.exp(net), atol=1e-12)


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two classes told apart by their endings (-ov / -son) over shared letters."""
    rng = random.Random(1)
    rows = []
    for _ in range(60):
        rows.append("".join(rng.choice("abdeiklmnr") for _ in range(rng.randint(2, 6)))
                    + "ov\tru")
        rows.append("".join(rng.choice("abdeiklmnr") for _ in range(rng.randint(2, 6)))
                    + "son\ten")
    path = tmp_path_factory.mktemp("toy") / "endings.tsv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


SMALL = ["--hidden", "8", "--embed", "4", "--batch-size", "16", "--no-progress", "--threads",
         "1", "--epochs", "1", "--ema", "0"]


def test_cli_attaches_the_class_lms_and_the_checkpoint_alone_uses_them(
        toy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["classify", "train", "--data", str(toy), "--out", str(out), "--class-lm", "3",
                 *SMALL]) == 0
    assert "class LMs (order 3) mixed in" in capsys.readouterr().out
    ckpt = load_checkpoint(out / "best.pt")
    assert ckpt["extra"]["class_lm"]["order"] == 3
    clf = Classifier.load(out / "best.pt")
    assert clf.class_lm is not None and clf.mix is not None
    texts = ["lambov", "kirason", "zzz"]
    by_hand = np.exp(clf.mix(clf.net_log_probs(texts), clf.class_lm.log_joint(texts)))
    np.testing.assert_allclose(clf.probabilities(texts), by_hand, atol=1e-12)
    np.testing.assert_allclose(clf.probabilities(texts).sum(axis=1), 1.0)
    assert main(["classify", "eval", str(out / "best.pt"), "--split", "test", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"] >= 0.9  # the endings decide
    assert main(["classify", "predict", str(out / "best.pt"), "dimaov"]) == 0
    assert capsys.readouterr().out.split("\t")[1].startswith("ru")


def test_class_lm_0_trains_the_network_alone(toy: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plain"
    assert main(["classify", "train", "--data", str(toy), "--out", str(out), "--class-lm", "0",
                 *SMALL]) == 0
    assert "class LMs" not in capsys.readouterr().out
    assert "class_lm" not in load_checkpoint(out / "best.pt")["extra"]
    assert Classifier.load(out / "best.pt").class_lm is None
    assert main(["classify", "train", "--data", str(toy), "--out", str(tmp_path / "x"),
                 "--class-lm", "11", *SMALL]) == 2
    assert "--class-lm" in capsys.readouterr().err
