"""Single queries at C speed: the compiled scorer (``_fastquery.Engine``) for backoff-form
models, built once per model and cached, and KenLM's state API with an exact numpy twin.

A state is an immutable, hashable ``bytes``: the int32 rows r_1..r_L of the k-grams ending at
the last word (k = 1..L, -1 where absent, trailing -1 dropped); equal contexts give equal
states, so a decoder can merge hypotheses by state. Both paths produce the same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from seqlm.data.conventions import BOS, EOS
from seqlm.ngram.cext import query_module
from seqlm.ngram.counting import lookup
from seqlm.ngram.errors import ConfigError

if TYPE_CHECKING:
    from seqlm.ngram.protocol import NgramModel

State = bytes


class _Cache:
    """The engine built for one (keys, tables) pair; rebuilt when either is replaced."""

    __slots__ = ("engine", "keys", "tables", "text")

    def __init__(self, keys: object, tables: object, engine: Any, word: bool) -> None:
        self.keys, self.tables, self.engine = keys, tables, engine
        self.text = engine.score_text if engine is not None and word else None


def compiled_engine(model: NgramModel) -> Any | None:
    """The model's compiled scorer, or None (not built, disabled, count-based estimator, or a
    vocabulary that is not valid UTF-8)."""
    fq = query_module()
    if fq is None or model.tables is None:
        return None
    c = model._engine_cache
    if c is not None and c.keys is model.keys and c.tables is model.tables:
        return c.engine
    try:
        eng = fq.Engine([np.ascontiguousarray(k, dtype=np.int64) for k in model.keys],
                        [np.ascontiguousarray(p, dtype=np.float64) for p in model.tables.logp],
                        [np.ascontiguousarray(b, dtype=np.float64)
                         for b in model.tables.logbow],
                        list(model.vocab.idx_to_token), model.vocab.unk, *_markers(model))
    except UnicodeEncodeError:
        eng = None
    model._engine_cache = _Cache(model.keys, model.tables, eng, model.tokenizer == "word")
    return eng


def _markers(model: NgramModel) -> tuple[int, int]:
    """Vocabulary ids of <s> and </s> in sentence mode; (-1, -1) in stream mode."""
    if model.mode != "sentence":
        return -1, -1
    return model.vocab.index(BOS), model.vocab.index(EOS)


def check_state(model: NgramModel, state: object) -> np.ndarray:
    """The context rows of a state, validated against the model."""
    if not isinstance(state, bytes) or len(state) % 4 or len(state) // 4 > model.order - 1:
        raise ConfigError("not a state of this model (use begin_state() or score_word's)")
    ctx = np.frombuffer(state, dtype=np.int32).astype(np.int64)
    for k, r in enumerate(ctx.tolist()):
        if not -1 <= r < len(model.keys[k]):
            raise ConfigError("state rows out of range for this model")
    return ctx


def step_numpy(model: NgramModel, state: bytes, w: int) -> tuple[float, bytes]:
    """score_word on the numpy path: the same lookups and additions as the C ``score_one``."""
    assert model.tables is not None
    ctx = check_state(model, state)
    N, V, L = model.order, np.int64(len(model.vocab)), len(ctx)
    rows, length, row = [w], 1, w
    for n in range(2, N + 1):
        r = -1
        if n <= L + 1 and ctx[n - 2] >= 0:
            r = int(lookup(model.keys[n - 1], np.array([ctx[n - 2] * V + w]))[0])
        if r >= 0:
            length, row = n, r
        rows.append(r)
    lp = float(model.tables.logp[length - 1][row])
    for k in range(length, min(N - 1, L) + 1):
        if ctx[k - 1] >= 0:
            lp += float(model.tables.logbow[k - 1][ctx[k - 1]])
    return lp / float(np.log(10.0)), make_state(rows[:N - 1])


def make_state(rows: list[int]) -> bytes:
    """The canonical state of context rows (trailing -1 dropped)."""
    while rows and rows[-1] < 0:
        rows = rows[:-1]
    return np.array(rows, dtype=np.int32).tobytes()
