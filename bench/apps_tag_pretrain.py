"""Does a seqlm language model transfer into the tagger? UD English-EWT UPOS with a fraction of
the training labels: the tagger from scratch vs its spelling encoder started from a character
LM (``seqlm rnn train --level char``) trained on the *whole* EWT training text, no labels.

Same seed, same sentences, same CPU budget (process CPU time, torch on 1 thread) for both
taggers; the LM's own training time is reported apart. Parts can run as separate processes
(``--part lm``, ``--part scratch``, ``--part pretrained``, then ``--part report``) so that on a
shared machine scratch and LM train side by side; ``--part all`` runs them in turn.

    python bench/apps_tag_pretrain.py --quick                           # ~1 CPU minute
    python bench/apps_tag_pretrain.py --out runs/tag-pre                # 3 + 2 x 3 CPU minutes
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchutil

BENCH = {"quick": ["--quick"], "full": [[]], "quick_s": 80}


def lm_part(args: Any, out: Path) -> None:
    """Char LM on the whole EWT training text (the last 5% held out), CPU-budgeted."""
    from seqlm.apps.lm import lm_data, split_text, train_lm
    from seqlm.apps.tag import load_tagged
    from seqlm.apps.tag.budget import CpuBudget
    from seqlm.apps.tag.text import sentences_text
    from seqlm.train import TrainConfig

    text = sentences_text(load_tagged("ud-en-ewt", "train"))
    (out / "ewt-train.txt").write_text(text, encoding="utf-8")
    train, valid = split_text(text, 0.05)
    data = lm_data(train, valid, "char")
    cfg = TrainConfig(epochs=1000, optimizer="adam", lr=3e-3, clip=1.0, anneal_factor=0.5,
                      progress=False, device="cpu")
    budget = CpuBudget(args.lm_cpu_minutes * 60)
    model = {"kind": "lstm", "num_hiddens": 64, "embed_size": 32, "num_layers": 1}
    _, result = train_lm(model, data, cfg, batch_size=32, num_steps=64, seed=args.seed,
                         out=out / "lm", on_step=budget, extra={"preset": "raw"})
    row = result.history[-1]
    figures = {"valid_ppl": row["valid_ppl"], "epochs": len(result.history),
               "cpu_minutes": budget.used / 60}
    (out / "lm.json").write_text(json.dumps(figures), encoding="utf-8")
    print(f"char LM: {figures}", flush=True)


def tagger_part(args: Any, out: Path, pretrained: bool) -> None:
    """A tagger on ``labels_frac`` of the training sentences, scored on dev and test."""
    import torch

    from seqlm.apps.tag import evaluate_tagger, load_tagged, load_tagger, tag_data, train_tagger
    from seqlm.apps.tag.budget import CpuBudget
    from seqlm.apps.tag.pretrain import init_tagger_from_lm
    from seqlm.train import TrainConfig

    torch.manual_seed(args.seed)
    train = load_tagged("ud-en-ewt", "train")
    keep = sorted(random.Random(args.seed).sample(range(len(train)),
                                                  round(args.labels_frac * len(train))))
    dev, test = load_tagged("ud-en-ewt", "dev"), load_tagged("ud-en-ewt", "test")
    data = tag_data([train[i] for i in keep], dev)
    name = "pretrained" if pretrained else "scratch"
    lm = out / "lm" / "best.pt"

    def init(model: Any) -> None:
        print(init_tagger_from_lm(model, data.vocabs, lm), flush=True)

    cfg = TrainConfig(epochs=1000, optimizer="adam", lr=2e-3, clip=5.0, anneal_factor=0.5,
                      progress=False, device="cpu")
    budget = CpuBudget(args.tag_cpu_minutes * 60)
    _, result = train_tagger({}, data, cfg, init=init if pretrained else None,
                             batch_size=32, seed=args.seed, out=out / name, on_step=budget)
    model, vocabs, _ = load_tagger(out / name / "best.pt")
    test_scores = evaluate_tagger(model, vocabs, test)
    figures = {"dev": evaluate_tagger(model, vocabs, dev).accuracy,
               "test": test_scores.accuracy, "test_unseen": test_scores.unseen_accuracy,
               "sentences": len(keep), "epochs": len(result.history),
               "cpu_minutes": budget.used / 60, "load": os.getloadavg()}
    (out / f"{name}.json").write_text(json.dumps(figures), encoding="utf-8")
    print(f"{name}: {figures}", flush=True)


def report(out: Path) -> None:
    got = {k: json.loads((out / f"{k}.json").read_text()) for k in ("lm", "scratch",
                                                                     "pretrained")}
    s, p = got["scratch"], got["pretrained"]
    rows = [
        benchutil.Row("UPOS test accuracy, pretrained char encoder", 100 * p["test"],
                      100 * s["test"], "%"),
        benchutil.Row("UPOS test accuracy on unseen words, pretrained",
                      100 * p["test_unseen"], 100 * s["test_unseen"], "%"),
        benchutil.Row("UPOS dev accuracy, pretrained", 100 * p["dev"], 100 * s["dev"], "%"),
    ]
    benchutil.print_table(
        f"EWT UPOS with {s['sentences']} labelled sentences: pretrained (ours) vs scratch "
        f"(reference), {s['cpu_minutes']:.1f} / {p['cpu_minutes']:.1f} CPU minutes, "
        f"{s['epochs']} / {p['epochs']} epochs; char LM valid ppl "
        f"{got['lm']['valid_ppl']:.3f} after {got['lm']['cpu_minutes']:.1f} CPU minutes", rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", default="all",
                    choices=["all", "lm", "scratch", "pretrained", "report"])
    ap.add_argument("--out", default=None, help="folder for the runs [a temporary one]")
    ap.add_argument("--labels-frac", type=float, default=0.1)
    ap.add_argument("--lm-cpu-minutes", type=float, default=3.0)
    ap.add_argument("--tag-cpu-minutes", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.lm_cpu_minutes, args.tag_cpu_minutes, args.labels_frac = 0.25, 0.25, 0.02
    import torch

    torch.set_num_threads(args.threads)
    if args.out is None:
        import tempfile

        args.out = tempfile.mkdtemp(prefix="seqlm-tag-pretrain-")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if args.part in ("all", "lm"):
        lm_part(args, out)
    if args.part in ("all", "scratch"):
        tagger_part(args, out, pretrained=False)
    if args.part in ("all", "pretrained"):
        tagger_part(args, out, pretrained=True)
    if args.part in ("all", "report"):
        report(out)
    print(f"wall {(time.perf_counter() - t0) / 60:.1f} min")


if __name__ == "__main__":
    main()
