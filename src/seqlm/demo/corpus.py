"""The demo's corpus: The Time Machine when cached or reachable, else one that ships with Python."""

from __future__ import annotations

from seqlm.data.registry import dataset_path, is_cached
from seqlm.errors import DatasetError


def embedded_corpus() -> tuple[str, str]:
    """Python's own reference documentation (pydoc_data), which ships with every CPython."""
    from pydoc_data.topics import topics

    text = "\n\n".join(topics[k] for k in sorted(topics))
    return text, "Python's reference documentation (pydoc_data.topics, ships with Python)"


def demo_corpus(timeout: float = 3.0) -> tuple[str, str]:
    """The Time Machine if cached or reachable (mirror or canonical), else the embedded corpus."""
    try:
        if not is_cached("timemachine"):
            dataset_path("timemachine", timeout=timeout, progress=False)
        text = dataset_path("timemachine").read_text(encoding="utf-8")
        return text, "The Time Machine by H. G. Wells (dataset 'timemachine')"
    except DatasetError:
        return embedded_corpus()
