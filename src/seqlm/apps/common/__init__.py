"""Building blocks every RNN application shares (classification, tagging, translation).

* :func:`pad_batch`, :func:`length_mask`, :func:`reverse_padded`, :func:`last_step` -- padded
  variable-length batches and the masks that keep padding out of every real position;
* :class:`LabelledBatches` -- seeded, resumable ``(ids, lengths, labels)`` minibatches
  (shuffled, class-balanced or in order; optional length bucketing);
* :class:`SequenceEncoder` / :class:`EncoderConfig` -- a masked (bi)directional encoder over
  any seqlm.rnn model kind, with last / mean / max pooling;
* :class:`LabelMap` -- class names <-> indices, JSON;
* :class:`LabelTask`, :func:`class_weights` -- the training loop's cross-entropy task;
* :func:`classification_report`, :func:`confusion_matrix`, :func:`plot_confusion` -- metrics;
* :func:`build_vocab`, :func:`encode_texts`, :func:`tokenize` -- examples as ids (``<pad>``
  reserved, unseen tokens -> ``<unk>``);
* :func:`init_from_lm` -- start an encoder from a ``seqlm rnn train`` checkpoint.
"""

from seqlm.apps.common.batches import LABEL_PAD, LabelledBatches
from seqlm.apps.common.encoder import EncoderConfig, SequenceEncoder
from seqlm.apps.common.labels import LabelMap
from seqlm.apps.common.metrics import (
    ClassificationReport,
    classification_report,
    confusion_matrix,
    plot_confusion,
)
from seqlm.apps.common.padding import last_step, length_mask, pad_batch, reverse_padded
from seqlm.apps.common.task import LabelTask, class_weights
from seqlm.apps.common.text import PAD, build_vocab, encode_texts, pad_index, tokenize
from seqlm.apps.common.transfer import Transfer, init_from_lm

__all__ = [
    "LABEL_PAD",
    "PAD",
    "ClassificationReport",
    "EncoderConfig",
    "LabelMap",
    "LabelTask",
    "LabelledBatches",
    "SequenceEncoder",
    "Transfer",
    "build_vocab",
    "class_weights",
    "classification_report",
    "confusion_matrix",
    "encode_texts",
    "init_from_lm",
    "last_step",
    "length_mask",
    "pad_batch",
    "pad_index",
    "plot_confusion",
    "reverse_padded",
    "tokenize",
]
