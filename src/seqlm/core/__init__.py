"""The contracts every part of seqlm builds on (depends on nothing above ``seqlm.data``).

- :class:`LanguageModel`: implement ``token_logprobs``; get ``score``, ``full_scores``,
  ``perplexity`` and ``compare`` (with :class:`Perplexity`), and say whether scores are
  probabilities (``proper``).
- :class:`Forecaster`: the series models' ``fit`` / ``predict_paths`` / ``predict`` shape.
- :class:`Registry`: things register themselves by name with a typed config dataclass
  (``@REG.register("name", config=Config)``); the registry builds, saves and loads them.
"""

from seqlm.core.forecast import Forecaster, as_values
from seqlm.core.lm import LanguageModel, TokenScores, as_text, oov_flags
from seqlm.core.results import LN2, LN10, Perplexity
from seqlm.core.state import detach
from seqlm.registry import Entry, Registry, config_to_dict, make_config

__all__ = [
    "LN2",
    "LN10",
    "Entry",
    "Forecaster",
    "LanguageModel",
    "Perplexity",
    "Registry",
    "TokenScores",
    "as_text",
    "as_values",
    "config_to_dict",
    "detach",
    "make_config",
    "oov_flags",
]
