"""seqlm.train -- the one training loop every neural model in seqlm uses.

The loop is generic: it trains any ``nn.Module`` on any *task*, an object that turns
``(model, batch, state)`` into ``StepOutput(loss_sum, count, new_state)``
(see :class:`seqlm.train.tasks.Task`). Two tasks ship here:

* :class:`LanguageModelTask` -- batches ``(X, Y)`` of token ids, ``model(X, state) ->
  (logits (batch, steps, vocab), state)``, summed cross-entropy; reports perplexity
  ``exp(mean NLL)``.
  A batch ``(X, Y, S)`` with soft targets S is trained on -sum_v S_v log p_v instead
  (knowledge distillation: :mod:`seqlm.apps.lm.teacher` mixes the labels with an n-gram's).
* :class:`RegressionTask` -- batches ``(X, Y)`` of floats; ``model(X, state) -> (pred, state)``
  or ``model(X) -> pred`` (pred of Y's shape, a trailing size-1 axis is squeezed); summed
  squared error; reports MSE.

Usage (the series models of issue 5 use it the same way with RegressionTask)::

    from seqlm.data import SeqDataLoader
    from seqlm.train import LanguageModelTask, StreamBatches, TrainConfig, fit

    train = SeqDataLoader(ids, batch_size=32, num_steps=35, strategy="sequential", seed=0)
    valid = StreamBatches(valid_ids, batch_size=10, num_steps=35)  # deterministic, full text
    cfg = TrainConfig(epochs=10, optimizer="sgd", lr=1.0, clip=1.0)
    result = fit(model, LanguageModelTask(), train, valid, cfg, out="runs/a",
                 vocab=vocab.to_dict(), extra={"level": "char"})
    result.history[-1]["valid_ppl"]; result.intervals  # per-interval ||g|| and clipped fraction
    fit(model, LanguageModelTask(), train, valid, cfg, out="runs/a", resume="runs/a/last.pt")

Batches: any iterable. If it has ``carries_state = True`` (``SeqDataLoader`` with
``strategy="sequential"``, ``StreamBatches``) the state flows from one batch to the next,
detached (truncated BPTT); otherwise every batch starts from ``state=None``. If it has
``state_dict``/``load_state_dict`` they are checkpointed (exact resume). Batches of tensors
(tuples/lists/dicts) are moved to the device for you.

Per step: mean loss -> backward -> :func:`clip_gradients` (g <- min(1, theta/||g||) g over all
parameters; returns ||g|| before clipping) -> optimiser step. Per ``log_interval`` steps a row
in ``result.intervals`` (grad_norm_mean/max, clipped_frac, lr, loss, metric, items_per_s). Per
epoch a row in ``result.history`` (train/valid loss and metric, lr, grad norms, clipped_frac,
items/s), validation, plateau annealing, early stopping, and with ``out``: ``last.pt``,
``best.pt`` (best validation), ``epochs.csv``, ``intervals.csv``, ``<metric>.png`` and
``grad_norm.png``, all written atomically.

Checkpoints (:func:`save_checkpoint` / :func:`load_checkpoint`) are dicts of plain data and
tensors, read with ``torch.load(weights_only=True)``, default ``map_location="cpu"``. Keys:
format, model_config (``model.config`` if present), model_state, optimizer_state,
scheduler_state, train_config, vocab, extra, metric, epoch, step, best, bad_epochs, history,
intervals, rng, loader, in_progress. Rebuild a model with its own builder from
``ckpt["model_config"]`` and ``model.load_state_dict(ckpt["model_state"])``.

Errors (all :class:`seqlm.errors.SeqlmError`): :class:`TrainingDiverged` (NaN/inf loss or
gradient norm; nothing written, the last good checkpoint stays), :class:`CheckpointError` (not
ours, unsafe pickle, corrupt, wrong model or vocabulary), ``ConfigError`` (NaN learning rate,
unknown optimiser, ``--device cuda`` without a GPU...).
"""

from seqlm.train.batches import StreamBatches, to_device
from seqlm.train.checkpoint import FORMAT, load_checkpoint, save_checkpoint
from seqlm.train.clip import clip_gradients, grad_norm
from seqlm.train.config import TrainConfig, make_optimizer, resolve_device
from seqlm.train.errors import CheckpointError, TrainingDiverged
from seqlm.train.tasks import LanguageModelTask, RegressionTask, StepOutput, Task
from seqlm.train.trainer import Trainer, TrainResult, evaluate, fit

__all__ = [
    "FORMAT",
    "CheckpointError",
    "LanguageModelTask",
    "RegressionTask",
    "StepOutput",
    "StreamBatches",
    "Task",
    "TrainConfig",
    "TrainResult",
    "Trainer",
    "TrainingDiverged",
    "clip_gradients",
    "evaluate",
    "fit",
    "grad_norm",
    "load_checkpoint",
    "make_optimizer",
    "resolve_device",
    "save_checkpoint",
    "to_device",
]
