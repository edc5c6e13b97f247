"""seqlm: sequence models and language models, from counting n-grams to recurrent networks."""

from seqlm.errors import ConfigError, DataError, DatasetError, SeqlmError

__version__ = "0.1.0"

__all__ = ["ConfigError", "DataError", "DatasetError", "SeqlmError", "__version__"]
