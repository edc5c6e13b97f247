"""English -> Chinese translation on eng-cn (de-duplicated, seeded 90/5/5 split, 980 test pairs).

Trains seqlm's encoder-decoder within a budget of *process CPU time* (the machine is shared, so
wall time says little), then scores the whole test split with sacrebleu (BLEU tokenize='zh',
chrF2), greedy and beam, beside two baselines on the same split: the nearest neighbour (the
Chinese side of the training pair whose English is closest by TF-IDF over word 1-2-grams,
scikit-learn) and the most frequent training sentence. Targets (issue 13): BLEU >= 25 and
chrF >= 22 in <= 30 CPU minutes; beam better than greedy and attention better than none. The
defaults are the measured recipe (dropout 0.4, label smoothing 0.1, weight average 0.999;
docs/translate.md).

    python bench/translate.py --quick                             # ~20 CPU seconds, smoke run
    python bench/translate.py --cpu-minutes 30 --out runs/tr-att   # the measured run
    python bench/translate.py --attention none --ema 0 --cpu-minutes 30 --out runs/tr-none
    python bench/translate.py --eval runs/tr-att/best.pt           # re-score a checkpoint
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchutil

BENCH = {
    "quick": ["--quick"],
    "full": [["--cpu-minutes", "30", "--out", "runs/tr-att"],
             ["--seed", "1", "--cpu-minutes", "30", "--out", "runs/tr-att-s1"],
             ["--ema", "0", "--cpu-minutes", "30", "--out", "runs/tr-att-last"],
             ["--attention", "none", "--ema", "0", "--cpu-minutes", "30", "--out",
              "runs/tr-none"]],
}
NN_REF = (17.9, 16.1)  # the nearest-neighbour BLEU, chrF on such a split


def baselines(train: list[tuple[str, str]], test: list[tuple[str, str]],
              translator: Any) -> dict[str, Any]:
    """Nearest neighbour by TF-IDF word 1-2-grams, and the most frequent training sentence."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from seqlm.apps.translate import en_words

    vec = TfidfVectorizer(ngram_range=(1, 2), tokenizer=en_words, lowercase=False,
                          token_pattern=None)
    X = vec.fit_transform([s for s, _ in train])
    nearest = np.asarray((vec.transform([s for s, _ in test]) @ X.T).argmax(axis=1)).ravel()
    refs = [translator.reference(t) for _, t in test]
    from seqlm.apps.translate import corpus_scores

    nn = corpus_scores([translator.reference(train[i][1]) for i in nearest], refs)
    top = Counter(t for _, t in train).most_common(1)[0][0]
    mf = corpus_scores([translator.reference(top)] * len(test), refs)
    return {"nearest": nn.to_dict(), "most_frequent": mf.to_dict(), "most_frequent_text": top}


def _quick_data(out: str) -> Any:
    """The smoke run's data: 2,000 training and 200 validation pairs of the built-in split."""
    from seqlm.apps.translate import DataConfig
    from seqlm.apps.translate.pairs import write_pairs

    full = DataConfig("eng-cn")
    os.makedirs(out, exist_ok=True)
    files = {}
    for part, n in (("train", 2000), ("valid", 200)):
        files[part] = os.path.join(out, f"quick-{part}.tsv")
        write_pairs(files[part], full.part(part)[:n])
    return DataConfig(files["train"], valid=files["valid"])


def main() -> None:
    p = benchutil.parser(__doc__.splitlines()[0])
    p.add_argument("--out", default="runs/translate-quick")
    p.add_argument("--eval", default=None, help="score this checkpoint instead of training")
    p.add_argument("--cpu-minutes", type=float, default=30.0)
    p.add_argument("--wall-minutes", type=float, default=0.0, help="also stop after this")
    p.add_argument("--attention", default="additive")
    p.add_argument("--cell", default="gru")
    p.add_argument("--embed", type=int, default=256)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--dropout", type=float, default=0.4)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--ema", type=float, default=0.999, help="weight-average decay (0 = off)")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--beam", type=int, default=5)
    p.add_argument("--alpha", type=float, default=0.6)
    args = p.parse_args()
    benchutil.setup_data_env()
    import torch

    import seqlm.apps.translate as tr
    from seqlm.train import TrainConfig

    torch.set_num_threads(args.threads or 1)
    load_start = os.getloadavg()
    info: dict[str, Any] = {"args": vars(args), "load_start": load_start}
    if args.eval is None:
        minutes = 0.25 if args.quick else args.cpu_minutes
        size = 64 if args.quick else args.hidden
        run = tr.RunConfig(_quick_data(args.out) if args.quick else tr.DataConfig("eng-cn"),
                        tr.Seq2SeqConfig(cell=args.cell, embed=size, hidden=size,
                                      layers=args.layers, attention=args.attention,
                                      dropout=args.dropout),
                        batch_size=args.batch, seed=args.seed, cpu_limit_s=60 * minutes,
                        label_smoothing=args.label_smoothing)
        tc = TrainConfig(epochs=1000, optimizer="adam", lr=args.lr, clip=1.0, anneal_factor=0.5,
                         anneal_patience=0, progress=False, ema_decay=args.ema or None,
                         time_limit_s=60 * args.wall_minutes or None)
        t0, c0 = time.perf_counter(), time.process_time()

        def line(row: dict[str, Any]) -> None:
            print(f"epoch {row['epoch']:>3}  train ppl {row['train_ppl']:7.3f}  valid ppl "
                  f"{row['valid_ppl']:7.3f}  lr {row['lr']:.2g}  cpu {row['cpu_s'] / 60:5.1f} min"
                  f"  wall {(time.perf_counter() - t0) / 60:5.1f} min  load "
                  f"{os.getloadavg()[0]:.1f}", flush=True)

        _, _, result = tr.train_translation(run, tc, args.out, on_epoch=line)
        info.update(stopped=result.stopped, epochs=len(result.history),
                    train_cpu_min=(time.process_time() - c0) / 60,
                    train_wall_min=(time.perf_counter() - t0) / 60)
        path = os.path.join(args.out, "best.pt")
    else:
        path = args.eval
    translator = tr.Translator.load(path)
    full = translator.data if translator.data.valid is None else tr.DataConfig("eng-cn")
    test = full.part("test")[: 100 if args.quick else None]
    for name, beam in (("greedy", 1), (f"beam {args.beam}", args.beam)):
        c0 = time.process_time()
        scores, _ = translator.evaluate(test, tr.SearchConfig(beam=beam, alpha=args.alpha))
        info[name] = {**scores.to_dict(), "cpu_s": time.process_time() - c0}
    info["baselines"] = baselines(full.part("train"), test, translator)
    info["load_end"] = os.getloadavg()
    rows = [
        benchutil.Row(f"seqlm {name} BLEU ({translator.model.cfg.attention} attention)",
                      info[name]["bleu"], 25.0)
        for name in ("greedy", f"beam {args.beam}")
    ] + [
        benchutil.Row(f"seqlm {name} chrF", info[name]["chrf"], 22.0)
        for name in ("greedy", f"beam {args.beam}")
    ] + [
        benchutil.Row("nearest neighbour BLEU", info["baselines"]["nearest"]["bleu"], NN_REF[0]),
        benchutil.Row("nearest neighbour chrF", info["baselines"]["nearest"]["chrf"], NN_REF[1]),
        benchutil.Row("most frequent sentence BLEU",
                      info["baselines"]["most_frequent"]["bleu"], 0.1),
    ]
    benchutil.print_table(f"eng-cn test, {len(test)} pairs (targets: BLEU 25, chrF 22), "
                          f"{info.get('train_cpu_min', 0):.1f} CPU min of training", rows)
    print(json.dumps(info, ensure_ascii=False, default=str))
    if args.eval is None:
        from seqlm.io import atomic_write

        with atomic_write(os.path.join(args.out, "bench.json")) as fh:
            json.dump(info, fh, ensure_ascii=False, default=str, indent=1)


if __name__ == "__main__":
    main()
