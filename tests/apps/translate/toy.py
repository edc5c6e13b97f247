"""A toy translation task the tests can learn in seconds: English digit words -> Chinese digits.

"Three one four." -> "三一四。" (word order kept, so attention should look at the aligned word).
"""

from __future__ import annotations

import random
from pathlib import Path

EN = "zero one two three four five six seven eight nine".split()
ZH = "零一二三四五六七八九"


def toy_pairs(n: int, seed: int = 0, longest: int = 5) -> list[tuple[str, str]]:
    """``n`` pairs of 1..longest digits, seeded."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        digits = [rng.randrange(10) for _ in range(rng.randint(1, longest))]
        out.append((" ".join(EN[d] for d in digits).capitalize() + ".",
                    "".join(ZH[d] for d in digits) + "。"))
    return out


def write_toy(folder: Path, n_train: int = 600, n_valid: int = 40, n_test: int = 40
              ) -> dict[str, Path]:
    """train.tsv, valid.tsv and test.tsv of toy pairs (different seeds) in ``folder``."""
    paths = {}
    for part, n, seed in (("train", n_train, 0), ("valid", n_valid, 1), ("test", n_test, 2)):
        p = folder / f"{part}.tsv"
        p.write_text("".join(f"{s}\t{t}\n" for s, t in toy_pairs(n, seed)), encoding="utf-8")
        paths[part] = p
    return paths
