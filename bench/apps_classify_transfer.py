"""Pretraining transfer on names: with 10% of the training labels, a classifier started from
scratch vs one whose encoder starts from character LMs trained by `seqlm rnn train` on all the
training names (no labels): a forward LM for the forward direction, one on the reversed names
for the backward direction.

    python bench/apps_classify_transfer.py --jobs 3      # 3 seeds per arm
    python bench/apps_classify_transfer.py --quick

Same stratified split as bench/apps_classify.py (test 2,005 names); the 10% (1,604 names) is a
stratified draw from the training part (`--label-frac 0.1`); the LMs read the 16,040 training
names only (never the validation or test names). The commands are printed; the figure is the
test accuracy averaged over the seeds, scratch vs pretrained. Both arms pin the classifier
settings the transfer was measured with (CLF: the LM's cell, no weight averaging, no class LMs),
so the comparison is of the encoder's start alone, whatever classify's defaults become.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from apps_classify import SEQLM, run_jobs
from benchutil import Row, parser, print_table

BENCH = {"quick": ["--quick", "--threads", "1"], "full": [["--threads", "1"]]}
CLF = ["--hidden", "128", "--embed", "64", "--dropout", "0.2", "--head-dropout", "0.3",
       "--ema", "0", "--class-lm", "0"]
LM = ["--level", "char", "--model", "lstm", "--embed", "64", "--hidden", "128", "--optimizer",
      "adam", "--lr", "3e-3", "--batch-size", "32", "--num-steps", "35", "--dropout", "0.2"]


def main() -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--lm-epochs", type=int, default=6)
    p.add_argument("--label-frac", type=float, default=0.1)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--ulmfit", action="store_true",
                   help="a third arm: discriminative rates (2.6) and gradual unfreezing")
    p.add_argument("--out", default=None)
    a = p.parse_args()
    if a.quick:
        a.seeds, a.lm_epochs = 1, 1
    from seqlm.apps.classify.predict import Classifier
    from seqlm.apps.classify.train import ClassifySettings, split_examples
    from seqlm.apps.common import LabelMap

    out = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="seqlm-transfer-"))
    out.mkdir(parents=True, exist_ok=True)
    parts = split_examples(ClassifySettings(data="names"))
    names = parts["train"].texts
    (out / "names-train.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    (out / "names-train-rev.txt").write_text("\n".join(n[::-1] for n in names) + "\n",
                                             encoding="utf-8")
    threads = ["--threads", str(a.threads or 1), "--no-progress"]
    lms = [[*SEQLM, "rnn", "train", "--data", str(out / f"names-train{rev}.txt"), "--out",
            str(out / f"lm{rev}"), *LM, "--epochs", str(a.lm_epochs), "--seed", str(a.seed),
            *threads] for rev in ("", "-rev")]
    if a.quick:
        lms = [[*c, "--time-limit", "10"] for c in lms]
    arms = {"scratch": [],
            "pretrained": ["--init-from", str(out / "lm" / "best.pt"), "--init-from-backward",
                           str(out / "lm-rev" / "best.pt")]}
    if a.ulmfit:
        arms["pretrained + ULMFiT"] = [*arms["pretrained"], "--discriminative", "2.6",
                                       "--gradual-unfreeze"]
    runs = {(arm, k): out / f"{arm.replace(' + ', '-')}{k}" for arm in arms
            for k in range(a.seeds)}
    clfs = [[*SEQLM, "classify", "train", "--data", "names", "--label-frac", str(a.label_frac),
             "--out", str(run), "--seed", str(a.seed + k), "--overwrite", *CLF, *arms[arm],
             *threads,
             *(["--epochs", "2"] if a.quick else [])] for (arm, k), run in runs.items()]
    for c in lms + clfs:
        print("seqlm " + " ".join(c[3:]), flush=True)
    cpu = run_jobs(lms, a.jobs, out) + run_jobs(clfs, a.jobs, out / "clf")
    labels = LabelMap(parts["train"].labels)
    y = labels.encode(parts["test"].labels)
    acc = {arm: [] for arm in arms}  # type: dict[str, list[float]]
    for (arm, _), run in runs.items():
        pred = Classifier.load(run / "best.pt").probabilities(parts["test"].texts).argmax(1)
        acc[arm].append(float((pred == y).mean()))
    for arm, values in acc.items():
        print(f"{arm}: test accuracy {np.mean(values):.4f} (seeds: "
              f"{', '.join(f'{v:.4f}' for v in values)})")
    gain = 100 * (np.mean(acc["pretrained"]) - np.mean(acc["scratch"]))
    print(f"pretrained - scratch: {gain:+.2f} accuracy points (target >= +3); "
          f"{cpu:.0f} CPU seconds in all; runs in {out}")
    rows = [Row(f"{arm}, {a.label_frac:.0%} of labels: test accuracy", float(np.mean(v)),
                float(np.mean(acc["scratch"])) if arm != "scratch" else None)
            for arm, v in acc.items()]
    rows.append(Row("pretrained - scratch (points)", gain, 3.0))
    print_table("names, pretrained char LMs vs scratch (test 2,005 names)", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
