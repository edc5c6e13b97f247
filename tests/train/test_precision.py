"""bf16 probe: a model that cannot run under bf16 autocast here trains in float32, one line said."""

from __future__ import annotations

import torch

from seqlm.data import SeqDataLoader
from seqlm.train import LanguageModelTask, TrainConfig, Trainer
from seqlm.train.precision import bf16_failure, first_batch
from tests.train.tiny import TinyLM, corpus

ONEDNN = "could not create a primitive descriptor for the LSTM forward propagation primitive"


class NoBf16(TinyLM):
    """Fails under CPU bf16 autocast the way oneDNN's LSTM does on CPUs without AVX-512 BF16."""

    def forward(self, X: torch.Tensor, state: torch.Tensor | None = None):
        if torch.is_autocast_enabled("cpu"):
            raise RuntimeError(ONEDNN)
        return super().forward(X, state)


def train(model: torch.nn.Module, precision: str) -> Trainer:
    loader = SeqDataLoader(corpus(400), 4, 5, strategy="sequential", seed=1)
    cfg = TrainConfig(epochs=1, lr=0.5, precision=precision, progress=False, device="cpu")
    trainer = Trainer(model, LanguageModelTask(), loader, None, cfg)
    trainer.fit()
    return trainer


def test_unsupported_bf16_falls_back_to_float32_with_one_line(capsys) -> None:
    torch.manual_seed(0)
    fallback = train(NoBf16(), "bf16")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ONEDNN in err and "training in float32" in err
    assert not fallback.bf16
    torch.manual_seed(0)
    plain = train(TinyLM(), "fp32")  # the same run in float32, from the same seed
    for a, b in zip(fallback.model.parameters(), plain.model.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_the_probe_changes_nothing_and_passes_a_supported_model() -> None:
    torch.manual_seed(0)
    model, failing = TinyLM(), NoBf16()
    loader = SeqDataLoader(corpus(400), 4, 5, "random", seed=2)
    before = ({k: v.clone() for k, v in model.state_dict().items()}, loader.state_dict(),
              torch.get_rng_state())
    batch = first_batch(loader)
    assert bf16_failure(model, LanguageModelTask(), batch, torch.device("cpu")) is None
    assert bf16_failure(failing, LanguageModelTask(), batch, torch.device("cpu")) == ONEDNN
    assert all(p.grad is None for p in model.parameters())
    for k, v in model.state_dict().items():
        torch.testing.assert_close(v, before[0][k], rtol=0, atol=0)
    assert loader.state_dict() == before[1]
    assert torch.equal(torch.get_rng_state(), before[2])
    torch.testing.assert_close(next(iter(loader))[0], batch[0])  # the same first batch
