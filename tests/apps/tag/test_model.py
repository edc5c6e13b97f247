"""The tagger's maths: packed BiRNN = two hand-run directions, padding and batch-mates never
matter, the loss is the per-word cross-entropy, word dropout follows alpha/(alpha+f)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from seqlm.apps.tag import Sentence, TaggerConfig, tag_data
from seqlm.apps.tag.batches import collate, encode
from seqlm.apps.tag.model import birnn_states
from seqlm.apps.tag.task import TaggingTask
from seqlm.apps.tag.train import build_tagger
from seqlm.errors import ConfigError
from tests.apps.tag.toy import toy_sentences


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_packed_birnn_equals_two_directions_run_by_hand(cell: str) -> None:
    torch.manual_seed(0)
    rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell](
        3, 4, batch_first=True, bidirectional=True)
    fwd = type(rnn)(3, 4, batch_first=True)
    bwd = type(rnn)(3, 4, batch_first=True)
    for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
        getattr(fwd, name).data.copy_(getattr(rnn, name))
        getattr(bwd, name).data.copy_(getattr(rnn, name + "_reverse"))
    x = torch.randn(2, 5, 3)
    lengths = torch.tensor([3, 5])
    steps, summary = birnn_states(rnn, x, lengths)
    for b, n in enumerate(lengths.tolist()):
        f = fwd(x[b:b + 1, :n])[0][0]
        r = bwd(x[b:b + 1, :n].flip(1))[0][0].flip(0)
        torch.testing.assert_close(steps[b, :n], torch.cat([f, r], -1))
        assert torch.all(steps[b, n:] == 0)  # padding: zeros, never read
        torch.testing.assert_close(summary[b], torch.cat([f[-1], r[0]]))


def _model_and_data(seed: int = 0):  # type: ignore[no-untyped-def]
    torch.manual_seed(seed)
    data = tag_data(toy_sentences(40))
    model = build_tagger({"hidden": 8, "char_hidden": 6, "char_embed": 5, "word_embed": 7},
                         data.vocabs)
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
        logits = model(collate([e], data.vocabs))[0]
        expected += float(F.cross_entropy(logits, torch.tensor(e.tag_ids), reduction="sum"))
        count += len(e.tag_ids)
    assert out.count == count
    assert float(out.loss_sum) == pytest.approx(expected, rel=1e-5)


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
    model.train()
    torch.manual_seed(1)
    big = collate(data.train * 20, data.vocabs)
    words = big["words"]
    rare = [i for i, c in enumerate(counts) if c == 1]
    assert rare, "the toy data should have words seen once"
    # empirical rate at which count-1 words become <unk> inside forward: P = 0.25 / 1.25
    hits = total = 0
    orig_embed = model.embedding.forward
    seen_ids: list[torch.Tensor] = []
    model.embedding.forward = lambda ids: (seen_ids.append(ids), orig_embed(ids))[1]
    for _ in range(20):
        model(big)
    mask = torch.isin(words, torch.tensor(rare))
    for ids in seen_ids:
        hits += int((ids[mask] == 0).sum())
        total += int(mask.sum())
    assert hits / total == pytest.approx(0.2, abs=0.03)


def test_config_is_checked_and_round_trips() -> None:
    cfg = TaggerConfig(num_words=10, num_chars=5, num_tags=3, cell="gru")
    assert TaggerConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ConfigError, match="unknown cell"):
        TaggerConfig(10, 5, 3, cell="transformer")
    with pytest.raises(ConfigError, match="hidden must be a positive integer"):
        TaggerConfig(10, 5, 3, hidden=0)
    with pytest.raises(ConfigError, match="unknown tagger settings"):
        TaggerConfig.from_dict({**cfg.to_dict(), "colour": 1})
