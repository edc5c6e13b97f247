"""Labelled minibatches: every example once per epoch, seeded, exact resume, balanced draws."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from seqlm.apps.common import LABEL_PAD, LabelledBatches, LabelTask, class_weights
from seqlm.errors import ConfigError, DataError

SEQS = [np.arange(1, 2 + i % 7) for i in range(50)]
LABELS = np.array([0] * 40 + [1] * 8 + [2] * 2)


def _epoch(loader: LabelledBatches) -> list[list[int]]:
    return [b[0][:, 0].tolist() + b[1].tolist() + b[2].tolist() for b in loader]


@pytest.mark.parametrize("bucket", [0, 2])
def test_each_example_once_and_resume_is_exact(bucket: int) -> None:
    loader = LabelledBatches(SEQS, LABELS, 8, pad_index=0, seed=3, bucket=bucket)
    seen = [int(i) for b in loader.order(0) for i in b]
    assert sorted(seen) == list(range(50)) and len(loader.order(0)) == len(loader) == 7
    first = _epoch(loader)
    state = loader.state_dict()
    second = _epoch(loader)
    assert second != first
    again = LabelledBatches(SEQS, LABELS, 8, pad_index=0, seed=3, bucket=bucket)
    again.load_state_dict(state)
    assert _epoch(again) == second
    for ids, lengths, _ in LabelledBatches(SEQS, LABELS, 8, pad_index=0, seed=3, bucket=bucket):
        assert ids.shape[1] == int(lengths.max())
        assert all(int((row != 0).sum()) == n for row, n in zip(ids, lengths, strict=True))


def test_balanced_sampling_draws_classes_evenly() -> None:
    loader = LabelledBatches(SEQS * 20, np.tile(LABELS, 20), 50, pad_index=0,
                             sampling="balanced", seed=0)
    drawn = np.concatenate([b[2].numpy() for _ in range(4) for b in loader])
    share = np.bincount(drawn, minlength=3) / len(drawn)  # 4000 draws: sd of a share 0.0075
    np.testing.assert_allclose(share, [1 / 3] * 3, atol=0.035)


def test_per_token_labels_are_padded_with_the_ignore_index() -> None:
    loader = LabelledBatches([[1, 2, 3], [4]], [[0, 1, 2], [1]], 2, pad_index=9,
                             sampling="sequential")
    ids, _, tags = next(iter(loader))
    assert ids.tolist() == [[1, 2, 3], [4, 9, 9]]
    assert tags.tolist() == [[0, 1, 2], [1, LABEL_PAD, LABEL_PAD]]


def test_task_loss_is_weighted_cross_entropy_by_hand() -> None:
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.0]])
    y = torch.tensor([0, 2])
    w = class_weights(np.array([0, 0, 0, 2]), 3)  # counts 3, 0, 1 -> (1/3, absent, 1)
    # mean over the examples of w is 1: (3 * w0 + w2) / 4 = 1 and w2 = 3 w0
    assert w[0] == pytest.approx(2 / 3) and w[2] == pytest.approx(2.0)
    out = LabelTask(w).step(lambda x: x, (logits, y), None)  # type: ignore[arg-type]
    nll = -torch.log_softmax(logits, -1)
    assert float(out.loss_sum) == pytest.approx(float(w[0] * nll[0, 0] + w[2] * nll[1, 2]))
    assert out.count == 2
    with pytest.raises(ConfigError):
        LabelledBatches(SEQS, LABELS, 0, pad_index=0)


def test_features_travel_with_their_examples() -> None:
    feats = np.arange(50 * 3, dtype=np.float64).reshape(50, 3)  # row i = 3i, 3i+1, 3i+2
    loader = LabelledBatches(SEQS, LABELS, 8, pad_index=0, seed=1, bucket=2, features=feats)
    for index, (ids, lengths, f, y) in zip(loader.order(0), loader, strict=True):
        assert f.dtype == torch.float32 and f.shape == (len(index), 3) == (len(ids), 3)
        np.testing.assert_array_equal(f.numpy(), feats[index])
        np.testing.assert_array_equal(y.numpy(), LABELS[index])
        np.testing.assert_array_equal(lengths.numpy(), [len(SEQS[i]) for i in index])
    with pytest.raises(DataError, match="one row per sequence"):
        LabelledBatches(SEQS, LABELS, 8, pad_index=0, features=feats[:10])


def test_label_smoothing_trains_but_validation_reports_the_plain_nll() -> None:
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.0]])
    y = torch.tensor([0, 2])
    model = torch.nn.Identity()
    nll = -torch.log_softmax(logits, -1)
    plain = float(nll[0, 0] + nll[1, 2])
    smooth = float(((1 - 0.3) * nll[[0, 1], [0, 2]] + 0.3 * nll.mean(-1)).sum())
    task = LabelTask(label_smoothing=0.3)
    assert float(task.step(model.train(), (logits, y), None).loss_sum) == pytest.approx(smooth)
    assert float(task.step(model.eval(), (logits, y), None).loss_sum) == pytest.approx(plain)
