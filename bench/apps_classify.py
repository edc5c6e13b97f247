"""Names by language: seqlm's character classifier beside the majority class and a character
n-gram TF-IDF + logistic regression (scikit-learn), on one stratified 80/10/10 split.

    python bench/apps_classify.py --threads 1 --jobs 2   # full: 2 seeds, 600 CPU s in all
    python bench/apps_classify.py --quick                # a 20-CPU-second smoke run
    python bench/apps_classify.py --threads 1 --jobs 2 --split-seed 3  # another split

Each seed is one command, `seqlm classify train --data names --seed K --cpu-limit 285
--epochs 1000 --threads 1` (printed), `--jobs 2` runs them side by side. The budget of 600
CPU seconds covers everything the commands do (imports, data, training, class LMs): each
seed's training gets its share less RESERVE seconds.

The split is seqlm's stratified split of the 20,050 name lines (seed 0; test 2,005 names),
the same for every model. The seqlm model is the `seqlm classify train` default (a
bidirectional LSTM over characters, 256 units, max+mean pooling, a moving average of the
weights, and per-class character 4-gram LMs whose Bayes' rule log-posteriors the output layer
reads, out of fold in training), trained by the one training loop with a CPU-time budget per
seed (`--cpu-limit`), the best epoch by validation loss kept, and the seeds' probabilities
averaged (`seqlm classify eval r0/best.pt r1/best.pt ...`). The table also shows the class
LMs alone.
The TF-IDF model uses characters n = 1..4 and C tuned on the validation part. Also printed:
accuracy on the test names that never occur in the training part (duplicates are many: Arabic
has 2,000 lines but 108 distinct names).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchutil import Row, parser, print_table

BENCH = {"quick": ["--quick", "--threads", "1"], "full": [["--threads", "1", "--jobs", "2"]]}
RESERVE = 15.0  # CPU seconds of each command outside training: imports, data, class LMs
# the figures on such a split (test 2,005 names)
REFERENCE = {"majority": (0.468, 0.035), "tutorial char RNN": (0.768, 0.396),
             "TF-IDF + LR": (0.842, 0.487)}


def tfidf_lr(texts: list[str], y: np.ndarray, parts: dict[str, np.ndarray],
             grid: list[float]) -> tuple[np.ndarray, float]:
    """Char 1..4-gram TF-IDF + logistic regression, C picked on the validation part."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 4), lowercase=False, sublinear_tf=True)
    X = vec.fit_transform([texts[i] for i in parts["train"]])
    best = (-1.0, 0.0, None)
    for C in grid:
        clf = LogisticRegression(C=C, max_iter=2000).fit(X, y[parts["train"]])
        acc = float((clf.predict(vec.transform([texts[i] for i in parts["valid"]]))
                     == y[parts["valid"]]).mean())
        if acc > best[0]:
            best = (acc, C, clf)
    clf = best[2]
    assert clf is not None
    return clf.predict(vec.transform([texts[i] for i in parts["test"]])), best[1]


SEQLM = [sys.executable, "-c", "import sys; from seqlm.cli.main import main; "
          "sys.exit(main(sys.argv[1:]))"]


def start_jobs(commands: list[list[str]], jobs: int, out: Path) -> Callable[[], float]:
    """Start the commands, ``jobs`` at a time, in a thread (logs in ``out``); returns a
    function that waits for them all and gives their CPU seconds in all."""
    import resource
    import subprocess
    import threading

    out.mkdir(parents=True, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    failed: list[str] = []

    def run_all() -> None:
        pending, running = list(enumerate(commands)), []
        while pending or running:
            while pending and len(running) < max(1, jobs):
                k, cmd = pending.pop(0)
                log = open(out / f"train{k}.log", "w")  # noqa: SIM115 (closed below)
                running.append((subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT),
                                log))
            time.sleep(1.0)
            for proc, log in list(running):
                if proc.poll() is not None:
                    log.close()
                    running.remove((proc, log))
                    if proc.returncode:
                        failed.append(log.name)

    thread = threading.Thread(target=run_all)
    thread.start()

    def wait() -> float:
        thread.join()
        if failed:
            raise SystemExit(f"training failed: see {', '.join(failed)}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)

    return wait


def run_jobs(commands: list[list[str]], jobs: int, out: Path) -> float:
    """Run the commands, ``jobs`` at a time; their CPU seconds in all."""
    return start_jobs(commands, jobs, out)()


def main() -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=2, help="models averaged")
    p.add_argument("--cpu-seconds", type=float, default=600.0,
                   help="training CPU time for all seeds together")
    p.add_argument("--out", default=None, help="keep the runs here (default: a temp folder)")
    p.add_argument("--jobs", type=int, default=1,
                   help="seeds trained at once (each is budgeted in its own CPU time)")
    p.add_argument("--split-seed", type=int, default=0,
                   help="seed of the stratified split (another split: how much the test "
                        "figures move with the draw of the 2,005 test names)")
    a = p.parse_args()
    if a.quick:
        a.seeds, a.cpu_seconds = 1, 20.0
    from seqlm.apps.classify.predict import Classifier, Ensemble
    from seqlm.apps.classify.train import ClassifySettings, split_examples
    from seqlm.apps.common import LabelMap, classification_report

    base = ClassifySettings(data="names", split_seed=a.split_seed)
    parts = split_examples(base)
    labels = LabelMap(parts["train"].labels)
    train_names = set(parts["train"].texts)
    test = parts["test"]
    y_test = labels.encode(test.labels)
    unseen = np.array([t not in train_names for t in test.texts])
    rows: list[Row] = []

    def add(name: str, pred: np.ndarray, extra: str = "") -> None:
        r = classification_report(y_test, pred, labels.labels)
        ref = REFERENCE.get(name, (None, None))
        rows.append(Row(f"{name}{extra}: test accuracy", r.accuracy, ref[0]))
        rows.append(Row(f"{name}{extra}: test macro-F1", r.macro_f1, ref[1]))
        print(f"{name}{extra}: accuracy {r.accuracy:.4f}, macro-F1 {r.macro_f1:.4f}, on the "
              f"{int(unseen.sum())} test names unseen in training "
              f"{float((pred[unseen] == y_test[unseen]).mean()):.4f}", flush=True)

    out = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="seqlm-classify-"))
    budget = max(1.0, a.cpu_seconds / a.seeds - (0 if a.quick else RESERVE))
    runs = [out / f"seed{a.seed + k}" for k in range(a.seeds)]
    commands = [[*SEQLM, "classify", "train", "--data", "names", "--out", str(run),
                 "--seed", str(a.seed + k), "--split-seed", str(a.split_seed),
                 "--cpu-limit", f"{budget:g}", "--epochs", "1000",
                 "--threads", str(a.threads or 1), "--no-progress", "--overwrite"]
                for k, run in enumerate(runs)]
    for c in commands:
        print("seqlm " + " ".join(c[3:]), flush=True)
    wait = start_jobs(commands, a.jobs, out)  # the baselines run meanwhile
    y_train = labels.encode(parts["train"].labels)
    add("majority", np.full(len(test), np.bincount(y_train).argmax()))
    if not a.quick:
        try:
            everything = parts["train"].texts + parts["valid"].texts + test.texts
            y_all = labels.encode(parts["train"].labels + parts["valid"].labels + test.labels)
            n1, n2 = len(parts["train"]), len(parts["train"]) + len(parts["valid"])
            idx = {"train": np.arange(n1), "valid": np.arange(n1, n2),
                   "test": np.arange(n2, len(everything))}
            pred, C = tfidf_lr(everything, y_all, idx, [1, 3, 10, 30, 100])
            add("TF-IDF + LR", pred, f" (C={C:g})")
        except ImportError:
            print("TF-IDF + LR skipped: scikit-learn is not installed (pip install "
                  "scikit-learn)")
    cpu = wait()
    members = [Classifier.load(run / "best.pt") for run in runs]
    for k, m in enumerate(members):
        add("seqlm BiLSTM + class LMs", m.probabilities(test.texts).argmax(1),
            f" seed {a.seed + k}")
    if members[0].class_lm is not None:
        add("seqlm class 4-gram LMs alone",
            members[0].class_lm.log_joint(test.texts).argmax(1))
    model = Ensemble(members) if len(members) > 1 else members[0]
    if len(members) > 1:
        add("seqlm BiLSTM + class LMs", model.probabilities(test.texts).argmax(1),
            f" ensemble of {len(members)}")
    valid = model.evaluate(parts["valid"])  # what the runs chose on, for comparison
    print(f"seqlm on the validation part: accuracy {valid.accuracy:.4f}, macro-F1 "
          f"{valid.macro_f1:.4f}")
    print(f"seqlm training: {cpu:.0f} CPU seconds in all (budget {a.cpu_seconds:.0f}, "
          f"--cpu-limit {budget:g} per seed); runs in {out}")
    print_table("names: language of a surname, stratified 80/10/10 split "
                f"(split seed {a.split_seed}), test 2,005", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
