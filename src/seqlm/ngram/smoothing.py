"""Smoothing as objects (nltk.lm's ``Smoothing`` classes are the model), registered by name.

An estimator is a class registered in :data:`ESTIMATORS` next to its own code::

    @ESTIMATORS.register("my_estimator", config=SmoothingConfig)
    class Mine(Interpolated): ...   # estimators.py; or CountBased (count_based.py)

It says whether it has a backoff form (per-order log-probabilities and backoffs: ARPA, the
compiled scorer, the state API) or is scored straight from counts, whether its scores are
probabilities (``proper``), and how it turns counts into them. ``NgramLM(order, "my_estimator")``,
``save``/``load`` (the name is stored) and ``seqlm ngram fit --estimator my_estimator`` then take
it with no edit elsewhere (registered.py imports the built-in ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from seqlm.ngram.errors import ConfigError
from seqlm.registry import Registry


@dataclass(frozen=True)
class SmoothingConfig:
    """The settings an estimator may use (NgramLM's ``k``, ``discount``, ``alpha``,
    ``interpolate_unigram``); each estimator reads the ones it needs."""

    k: float = 1.0
    discount: float = 0.75
    alpha: float = 0.4
    interpolate_unigram: bool = True


class Smoothing:
    """One estimator, built from a :class:`SmoothingConfig`."""

    backoff_form: ClassVar[bool] = False   # stores log p and backoffs per order (ARPA form)
    proper: ClassVar[bool] = True          # scores are probabilities (False: stupid backoff)
    fittable: ClassVar[bool] = True        # False: only read from a file (ARPA)
    default_discount: ClassVar[float] = 0.75
    fixed_k: ClassVar[float | None] = None  # laplace: k is always 1

    def __init__(self, config: SmoothingConfig) -> None:
        self.config = config

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config})"


ESTIMATORS: Registry[type[Smoothing]] = Registry("estimator", error=ConfigError)

