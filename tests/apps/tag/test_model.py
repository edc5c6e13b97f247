"""The tagger's maths: packed BiRNN = two hand-run directions, padding and batch-mates never
matter, the loss is the per-word cross-entropy, word dropout follows alpha/(alpha+f)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from seqlm.apps.tag import Sentence, Tagger, TaggerConfig, tag_data
from seqlm.apps.tag.batches import collate, encode
from seqlm.apps.tag.task import TaggingTask
from seqlm.apps.tag.train import build_tagger
from seqlm.errors import ConfigError
from tests.apps.tag.toy import toy_sentences


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_word_layers_equal_torchs_stacked_bidirectional_rnn(cell: str) -> None:
    """Two stacked bidirectional encoders = nn.LSTM/GRU(bidirectional, num_layers=2), each
    sentence run alone (no padding) through torch's own implementation."""
    torch.manual_seed(0)
    model, data = _model_and_data(cell=cell)
    ref = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](
        model.cfg.word_embed + 2 * model.cfg.char_hidden, model.cfg.hidden, num_layers=2,
        batch_first=True, bidirectional=True)
    for k, layer in enumerate(model.layers):
        for direction, suffix in (("forward_stack", ""), ("backward_stack", "_reverse")):
            rnn = getattr(layer, direction)[0].rnn
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(ref, f"{name}_l{k}{suffix}").data.copy_(getattr(rnn, f"{name}_l0"))
    items = data.train[:5]
    batch = collate(items, data.vocabs)
    with torch.no_grad():
        logits = model(batch)
        spelled = model.spell(batch["chars"], batch["char_lengths"])[batch["form_index"]]
        x = torch.cat([model.embedding(batch["words"]), spelled], -1)
        for b, e in enumerate(items):
            n = len(e.word_ids)
            h = ref(x[b:b + 1, :n])[0]
            torch.testing.assert_close(logits[b, :n], model.decoder(h)[0])


def _model_and_data(seed: int = 0, cell: str = "lstm"):  # type: ignore[no-untyped-def]
    torch.manual_seed(seed)
    data = tag_data(toy_sentences(40))
    model = build_tagger({"hidden": 8, "char_hidden": 6, "char_embed": 5, "word_embed": 7,
                          "cell": cell}, data.vocabs)
    return model.eval(), data


def test_a_sentence_is_tagged_the_same_alone_or_padded_among_others() -> None:
    model, data = _model_and_data()
    short, long_ = data.train[0], max(data.train, key=lambda e: len(e.word_ids))
    assert len(short.word_ids) < len(long_.word_ids)
    with torch.no_grad():
        alone = model(collate([short], data.vocabs))[0]
        mixed = model(collate([long_, short, data.train[5]], data.vocabs))[1]
    torch.testing.assert_close(mixed[: len(short.word_ids)], alone)


def test_loss_is_the_summed_cross_entropy_of_the_real_words() -> None:
    model, data = _model_and_data()
    items = data.train[:4]
    out = TaggingTask().step(model, collate(items, data.vocabs), None)
    expected, count = 0.0, 0
    for e in items:  # one sentence at a time: no padding at all
        with torch.no_grad():
            logits = model(collate([e], data.vocabs))[0]
        expected += float(F.cross_entropy(logits, torch.tensor(e.tag_ids), reduction="sum"))
        count += len(e.tag_ids)
    assert out.count == count
    assert float(out.loss_sum.detach()) == pytest.approx(expected, rel=1e-5)


def test_unseen_words_are_tagged_from_their_spelling() -> None:
    model, data = _model_and_data()
    unseen = [Sentence(("zorpness",)), Sentence(("zorping",))]
    enc = encode(unseen, data.vocabs, with_tags=False)
    assert enc[0].word_ids == enc[1].word_ids == (0,)  # both <unk> as words
    with torch.no_grad():
        a, b = (model(collate([e], data.vocabs))[0, 0] for e in enc)
    assert not torch.allclose(a, b)  # ... but their characters differ


def test_word_dropout_probability_is_alpha_over_alpha_plus_count() -> None:
    model, data = _model_and_data()
    counts = data.vocabs.word_counts()
    the = data.vocabs.words.index("the")
    assert model.unk_prob[the] == pytest.approx(0.25 / (0.25 + counts[the]))
    assert model.unk_prob[0] == 0 and model.unk_prob[1] == 0  # <unk>, <pad>
    rare = min(range(2, len(counts)), key=counts.__getitem__)
    assert model.unk_prob[rare] == pytest.approx(0.25 / (0.25 + counts[rare]))
    assert float(model.unk_prob[rare]) > 0.04  # a rare word: dropped often enough to measure
    torch.manual_seed(1)
    words = torch.tensor([[rare, 0, 1]]).repeat(20000, 1)
    dropped = model.drop_words(words)
    assert (dropped[:, 1] == 0).all() and (dropped[:, 2] == 1).all()  # never replaced
    rate = float((dropped[:, 0] == 0).float().mean())
    assert rate == pytest.approx(float(model.unk_prob[rare]), abs=0.01)


def test_config_is_checked_and_round_trips() -> None:
    cfg = TaggerConfig(num_words=10, num_chars=5, num_tags=3, cell="gru")
    assert TaggerConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ConfigError, match="unknown cell"):
        TaggerConfig(10, 5, 3, cell="transformer")
    with pytest.raises(ConfigError, match="hidden must be a positive integer"):
        TaggerConfig(10, 5, 3, hidden=0)
    with pytest.raises(ConfigError, match="unknown TaggerConfig setting"):
        TaggerConfig.from_dict({**cfg.to_dict(), "colour": 1})
    with pytest.raises(ConfigError, match="hidden"):
        TaggerConfig.from_dict({**cfg.to_dict(), "hidden": "12"})


def test_tagger_is_a_registered_application_model() -> None:
    from seqlm.apps.common.registry import MODELS

    assert MODELS["tagger"] is Tagger and MODELS.entry("tagger").config is TaggerConfig
    model = MODELS.build("tagger", {"num_words": 10, "num_chars": 5, "num_tags": 3,
                                    "hidden": 6, "char_hidden": 4, "word_embed": 4})
    assert isinstance(model, Tagger) and model.decoder.out_features == 3
    assert model.cfg == TaggerConfig.from_dict(model.config)
