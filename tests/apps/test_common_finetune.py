"""ULMFiT helpers: layer groups cover every parameter once, top first; discriminative rates;
gradual unfreezing by epoch."""

from __future__ import annotations

import pytest

from seqlm.apps.classify.model import ClassifierConfig, SequenceClassifier
from seqlm.apps.common.finetune import discriminative_groups, layer_groups, unfreeze
from seqlm.errors import ConfigError


@pytest.mark.parametrize("kind", ["lstm", "gru_scratch"])
def test_groups_top_first_and_complete(kind: str) -> None:
    model = SequenceClassifier(ClassifierConfig(vocab_size=9, num_classes=3, kind=kind,
                                                num_hiddens=4, embed_size=3, num_layers=2))
    groups = layer_groups(model)
    assert len(groups) == 4  # head, layer 2, layer 1, token input
    ids = [id(p) for g in groups for p in g]
    assert sorted(ids) == sorted(id(p) for p in model.parameters())  # each exactly once
    assert {id(p) for p in groups[0]} == {id(p) for p in model.head.parameters()}
    enc = model.encoder
    bottom = [enc.forward_stack[0], enc.backward_stack[0]]  # type: ignore[index]
    assert {id(p) for p in groups[3]} == {id(m.embedding.weight) for m in bottom}
    top = "rnn.weight_hh_l1" if kind == "lstm" else "W_hh"
    top_params = [p for n, p in enc.named_parameters() if n.endswith(top)
                  and (kind == "lstm" or ".1." in n)]
    assert {id(p) for p in top_params} <= {id(p) for p in groups[1]}
    rates = [g["lr"] for g in discriminative_groups(model, 0.01, 2.0)]
    assert rates == pytest.approx([0.01, 0.005, 0.0025, 0.00125])
    with pytest.raises(ConfigError):
        discriminative_groups(model, 0.01, 0.5)


def test_gradual_unfreezing() -> None:
    model = SequenceClassifier(ClassifierConfig(vocab_size=9, num_classes=3, num_hiddens=4,
                                                embed_size=3))
    groups = layer_groups(model)
    assert unfreeze(model, 0) == 1
    assert all(p.requires_grad for p in groups[0])
    assert not any(p.requires_grad for g in groups[1:] for p in g)
    assert unfreeze(model, 1) == 2 and all(p.requires_grad for p in groups[1])
    assert unfreeze(model, 10) == len(groups)
    assert all(p.requires_grad for p in model.parameters())
