"""Start an encoder from a language model trained by ``seqlm rnn train`` (pretraining transfer).

The LM's recurrent weights are copied into one direction's bottom model of the encoder (same
cell kind and sizes, checked); its token-indexed weights (the embedding rows, or for one-hot
input the rows of W_x* / the columns of ``weight_ih_l0``) are mapped by token, so the two
vocabularies need not agree: a token the LM never saw keeps its fresh initialisation. The LM's
output layer (next-token logits) is not used. The checkpoint is read with
``torch.load(weights_only=True)`` (no code in it runs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from seqlm.apps.common.encoder import TORCH_KINDS, SequenceEncoder
from seqlm.apps.common.text import PAD
from seqlm.data import Vocab
from seqlm.errors import ConfigError

OUTPUT_LAYER = ("W_hq", "b_q", "decoder.weight", "decoder.bias")


@dataclass
class Transfer:
    """What :func:`init_from_lm` did: tokens mapped, tokens left fresh, tensors copied."""

    mapped: int
    fresh: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)
    preset: str = "raw"

    def summary(self) -> str:
        missing = ", ".join(repr(t) for t in self.fresh[:8]) + (" ..." if len(self.fresh) > 8
                                                                  else "")
        return (f"{len(self.copied)} weight tensors from the LM; {self.mapped} tokens mapped, "
                f"{len(self.fresh)} new" + (f" ({missing})" if self.fresh else ""))


def token_axes(model: nn.Module) -> dict[str, int]:
    """Parameters of a seqlm.rnn model indexed by input token, and the axis of the token."""
    if getattr(model, "embedding", None) is not None:
        return {"embedding.weight": 0}
    if getattr(model, "vocab_size", None) is None:
        return {}
    if getattr(model, "kind", None) in TORCH_KINDS:
        return {"rnn.weight_ih_l0": 1}
    return {name: 0 for name, _ in model.named_parameters() if name.startswith("W_x")}


def _check_same_cell(lm_config: dict[str, Any], target: nn.Module) -> None:
    mine = dict(getattr(target, "config", {}))
    keys = ["kind", "num_hiddens", "embed_size"] + (
        ["num_layers"] if mine.get("kind") in TORCH_KINDS else [])
    differ = [f"{k} {lm_config.get(k)!r} vs {mine.get(k)!r}" for k in keys
              if lm_config.get(k) != mine.get(k)]
    if differ:
        raise ConfigError("the language model's cell differs from the encoder's (LM vs "
                          f"encoder): {'; '.join(differ)}; build the encoder with the LM's "
                          "settings")


def copy_mapped(source: torch.Tensor, target: torch.Tensor, axis: int, src_vocab: Vocab,
                dst_vocab: Vocab) -> tuple[int, list[str]]:
    """Copy ``source``'s slices along ``axis`` into ``target`` by token; returns (mapped, fresh)."""
    fresh, mapped = [], 0
    for i, token in enumerate(dst_vocab.idx_to_token):
        j = src_vocab.token_to_idx.get(token)
        if j is None or token == PAD:
            if token != PAD:
                fresh.append(token)
            continue
        target.select(axis, i).copy_(source.select(axis, j))
        mapped += 1
    return mapped, fresh


def lm_cell_options(checkpoint: str | os.PathLike[str]) -> dict[str, Any]:
    """The encoder settings that match an LM checkpoint's cell (kind, sizes, layers), so an
    encoder built with them can take :func:`init_from_lm`; read with ``weights_only``."""
    from seqlm.train import CheckpointError, load_checkpoint

    cfg = load_checkpoint(checkpoint).get("model_config") or {}
    if not isinstance(cfg, dict) or "kind" not in cfg:
        raise CheckpointError(f"{checkpoint} holds no recurrent model to start from")
    out = {"kind": cfg["kind"], "num_hiddens": cfg.get("num_hiddens"),
           "embed_size": cfg.get("embed_size") or 0}
    if cfg["kind"] in TORCH_KINDS:
        out["num_layers"] = cfg.get("num_layers", 1)
    return out


@torch.no_grad()
def init_from_lm(encoder: SequenceEncoder, checkpoint: str | os.PathLike[str], vocab: Vocab,
                 direction: str = "forward") -> Transfer:
    """Copy an LM checkpoint into ``encoder``'s ``direction`` (forward or backward) stack.

    ``vocab`` is the encoder's vocabulary (its token ids index the embedding). Raises
    CheckpointError for a file that is not an LM checkpoint, ConfigError for another cell.
    """
    from seqlm.apps.lm import load_lm

    if direction not in ("forward", "backward"):
        raise ConfigError(f"direction must be forward or backward, got {direction!r}")
    stack = encoder.forward_stack if direction == "forward" else encoder.backward_stack
    if stack is None:
        raise ConfigError("the encoder has no backward direction (bidirectional is off)")
    if len(vocab) != encoder.cfg.vocab_size:
        raise ConfigError(f"the vocabulary has {len(vocab)} tokens but the encoder reads "
                          f"{encoder.cfg.vocab_size}")
    lm, ckpt = load_lm(checkpoint)
    target = stack[0]
    _check_same_cell(dict(ckpt["model_config"]), target)
    source = lm.model.state_dict()
    axes = token_axes(target)
    report = Transfer(mapped=0, preset=str((ckpt.get("extra") or {}).get("preset", "raw")))
    for name, param in target.state_dict(keep_vars=True).items():
        if name in OUTPUT_LAYER or name not in source:
            continue
        if name in axes:
            report.mapped, report.fresh = copy_mapped(source[name], param.data, axes[name],
                                                      lm.vocab, vocab)
        elif source[name].shape == param.shape:
            param.data.copy_(source[name])
        else:
            raise ConfigError(f"LM tensor {name} has shape {tuple(source[name].shape)}, the "
                              f"encoder's {tuple(param.shape)}")
        report.copied.append(name)
    return report
