"""The attention matrix as a heat map: one row per output token, one column per source token.

Chinese labels need a font with CJK glyphs. The first installed one of the usual families
(Noto/Source Han, WenQuanYi, SimHei, YaHei, PingFang, Heiti, AR PL) is used; with none, the
tick labels show code points (U+6211) instead of empty boxes, and :func:`plot_attention` says so.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

CJK_FAMILIES = ("Noto Sans CJK", "Noto Serif CJK", "Source Han", "WenQuanYi", "SimHei",
                "Microsoft YaHei", "PingFang", "Heiti", "AR PL", "Droid Sans Fallback")


def cjk_font() -> str | None:
    """Name of an installed font with CJK glyphs, or None."""
    from matplotlib import font_manager

    for font in font_manager.fontManager.ttflist:
        if any(font.name.startswith(f) for f in CJK_FAMILIES):
            return str(font.name)
    return None


def _label(token: str, can_draw_cjk: bool) -> str:
    if can_draw_cjk or all(ord(ch) < 0x2E80 for ch in token):
        return token
    return " ".join(f"U+{ord(ch):04X}" for ch in token)


def plot_attention(weights: np.ndarray, source: Sequence[str], output: Sequence[str],
                   path: str | os.PathLike[str], title: str = "") -> bool:
    """Write the (output x source) attention heat map as a PNG; False if CJK labels became
    code points for want of a font."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from seqlm.io import atomic_path

    font = cjk_font()
    rows, cols = weights.shape
    fig, ax = plt.subplots(figsize=(max(4.0, 0.5 * cols + 2), max(3.0, 0.4 * rows + 1.5)))
    image = ax.imshow(weights, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(cols), [_label(t, bool(font)) for t in source], rotation=60,
                  ha="right")
    ax.set_yticks(range(rows), [_label(t, bool(font)) for t in output])
    if font:
        for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
            label.set_fontfamily(font)
    ax.set_xlabel("source token")
    ax.set_ylabel("output token")
    ax.set_title(title or "attention weights (each row sums to 1)")
    fig.colorbar(image, ax=ax, fraction=0.05)
    fig.tight_layout()
    with atomic_path(Path(path)) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return font is not None
