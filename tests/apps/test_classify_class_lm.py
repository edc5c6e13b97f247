"""Class LMs (Bayes' rule over per-class n-gram LMs) stacked under the network: scores against
n-gram models fitted and summed by hand, out-of-fold scores against LMs refitted by hand, the
output layer's sum, the checkpoint round trip, and the CLI run that trains on them."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import numpy as np
import pytest
import torch

from seqlm.apps.classify.class_lm import ClassLM, default_order, out_of_fold
from seqlm.apps.classify.model import ClassifierConfig, SequenceClassifier
from seqlm.apps.classify.predict import Classifier
from seqlm.apps.common import encode_texts, pad_index
from seqlm.apps.common.padding import pad_batch
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


def test_out_of_fold_scores_come_from_lms_that_never_saw_the_example() -> None:
    got = out_of_fold(TEXTS, LABELS, CLASSES, 3, folds=2, seed=4)
    fold = np.random.default_rng(4).integers(0, 2, len(TEXTS))
    for k in range(2):
        rest = [i for i in range(len(TEXTS)) if fold[i] != k]
        held = [i for i in range(len(TEXTS)) if fold[i] == k]
        if len({LABELS[i] for i in rest}) < len(CLASSES):  # a class missing: all texts' LMs
            lm = ClassLM(3).fit(TEXTS, LABELS, CLASSES)
        else:
            lm = ClassLM(3).fit([TEXTS[i] for i in rest], [LABELS[i] for i in rest], CLASSES)
        np.testing.assert_allclose(got[held], lm.log_posterior([TEXTS[i] for i in held]),
                                   atol=1e-12)
    np.testing.assert_allclose(np.exp(got).sum(axis=1), 1.0)
    assert not np.allclose(got, ClassLM(3).fit(TEXTS, LABELS, CLASSES).log_posterior(TEXTS))


def test_the_output_layer_adds_the_scaled_lm_log_posterior() -> None:
    torch.manual_seed(0)
    cfg = ClassifierConfig(vocab_size=9, num_classes=3, num_hiddens=5, embed_size=4,
                           lm_input=True)
    model = SequenceClassifier(cfg).eval()
    plain = SequenceClassifier(ClassifierConfig(vocab_size=9, num_classes=3, num_hiddens=5,
                                                embed_size=4)).eval()
    plain.load_state_dict({k: v for k, v in model.state_dict().items() if k != "lm_scale"})
    ids, lengths = torch.tensor([[2, 3, 4], [5, 6, 1]]), torch.tensor([3, 2])
    lm = torch.log_softmax(torch.randn(2, 3), -1)
    with torch.no_grad():
        model.lm_scale.fill_(0.7)
        torch.testing.assert_close(model(ids, lengths, lm), plain(ids, lengths) + 0.7 * lm)
    with pytest.raises(ConfigError, match="lm_logp"):
        model(ids, lengths)
    assert "lm_scale" not in plain.state_dict()


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


def test_cli_trains_on_the_class_lms_and_the_checkpoint_alone_uses_them(
        toy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["classify", "train", "--data", str(toy), "--out", str(out), "--class-lm", "3",
                 *SMALL]) == 0
    ckpt = load_checkpoint(out / "best.pt")
    assert ckpt["extra"]["class_lm"]["order"] == 3 and "lm_scale" in ckpt["model_state"]
    clf = Classifier.load(out / "best.pt")
    assert clf.class_lm is not None and clf.class_lm.order == 3
    texts = ["lambov", "kirason", "zzz"]
    model = clf.model
    ids, lengths = pad_batch(encode_texts(texts, clf.vocab), pad_index(clf.vocab))
    lm = torch.tensor(clf.class_lm.log_posterior(texts), dtype=torch.float32)
    with torch.no_grad():
        by_hand = torch.softmax(model(ids, lengths, lm).double(), -1).numpy()
    np.testing.assert_allclose(clf.probabilities(texts), by_hand, atol=1e-6)
    capsys.readouterr()
    assert main(["classify", "eval", str(out / "best.pt"), "--split", "test", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"] >= 0.9  # the endings decide
    assert main(["classify", "predict", str(out / "best.pt"), "dimaov"]) == 0
    assert capsys.readouterr().out.split("\t")[1].startswith("ru")
    assert main(["classify", "train", "--out", str(out), "--resume", "--epochs", "2",
                 "--no-progress"]) == 0  # resumes with the same out-of-fold scores
    assert Classifier.load(out / "last.pt").class_lm is not None


def test_class_lm_0_trains_the_network_alone(toy: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plain"
    assert main(["classify", "train", "--data", str(toy), "--out", str(out), "--class-lm", "0",
                 *SMALL]) == 0
    assert "class_lm" not in load_checkpoint(out / "best.pt")["extra"]
    assert Classifier.load(out / "best.pt").class_lm is None
    assert main(["classify", "train", "--data", str(toy), "--out", str(tmp_path / "x"),
                 "--class-lm", "11", *SMALL]) == 2
    assert "--class-lm" in capsys.readouterr().err


def test_out_of_fold_falls_back_for_a_class_too_small_to_leave_out() -> None:
    texts, labels = [*TEXTS, "mueller"], [*LABELS, "de"]  # one German name: its fold lacks it
    got = out_of_fold(texts, labels, [*CLASSES, "de"], 3, folds=3, seed=0)
    everything = ClassLM(3).fit(texts, labels, [*CLASSES, "de"])
    fold = np.random.default_rng(0).integers(0, 3, len(texts))
    held = [i for i in range(len(texts)) if fold[i] == fold[-1]]
    np.testing.assert_allclose(got[held], everything.log_posterior([texts[i] for i in held]),
                               atol=1e-12)
    assert np.isfinite(got).all()
