"""PTB n-gram bench: seqlm's modified Kneser-Ney vs the issue's KenLM figures, and vs nltk.lm.

Run: python bench/ngram_ptb.py --quick   (about 1-2 minutes on 2 cores)
KenLM reference figures were measured on this machine (see issue 3): lmplz -o 5 -S 100M
1.79 s / 74 MB, -o 3 0.72 s / 58 MB; test ppl 141.19 / 148.28; query 3.7 M tokens/s.
nltk.lm is run here, in this process: fit on all of PTB train (as seqlm), scoring on the
first 100 (--quick) or 400 test tokens only (all of PTB test would take it hours).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchutil
from benchutil import Row

BENCH = {"quick": ["--quick"], "full": [[]], "quick_s": 40}

REF = {3: {"fit": 0.72, "mb": 58.0, "ppl": 148.28}, 5: {"fit": 1.79, "mb": 74.0, "ppl": 141.19}}
KENLM_QUERY_TOK_S = 3.7e6


def _status_mb(field: str) -> float:
    """VmRSS / VmHWM of this process from /proc (ru_maxrss would carry the parent's peak over
    exec, and the parent holds fitted models)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")  # pragma: no cover


def _fit_child(order: int, q: mp.Queue) -> None:  # type: ignore[type-arg]
    """Fit in a fresh process so that its peak memory is the fit's own."""
    from seqlm.data import load_text
    from seqlm.ngram import NgramLM

    text = load_text("ptb", split="train")
    base = _status_mb("VmRSS")  # interpreter + numpy + torch (imported by seqlm.data) + text
    t0 = time.perf_counter()
    NgramLM(order).fit(text)
    fit_s = time.perf_counter() - t0
    q.put((fit_s, _status_mb("VmHWM"), base))


def fit_in_child(order: int) -> tuple[float, float, float]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_fit_child, args=(order, q))
    p.start()
    out = q.get()
    p.join()
    return out  # type: ignore[no-any-return]


def main() -> None:
    ap = benchutil.parser(__doc__ or "")
    ap.add_argument("--lmplz", default=None,
                    help="path to KenLM's lmplz binary: also time it here, side by side")
    args = ap.parse_args()
    benchutil.setup_data_env()
    from seqlm.data import load_text
    from seqlm.ngram import NgramLM, load_model, save_model

    train, test = load_text("ptb", split="train"), load_text("ptb", split="test")
    reps = 1 if args.quick else 3
    rows: list[Row] = []
    models = {}
    for order in (3, 5):
        fits = [fit_in_child(order) for _ in range(reps)]
        fit_s = sorted(f[0] for f in fits)[len(fits) // 2]
        if args.lmplz:
            wall, mb = run_lmplz(args.lmplz, train, order)
            REF[order]["fit"], REF[order]["mb"] = wall, mb
        rows.append(Row(f"MKN-{order} fit time (s)", fit_s, REF[order]["fit"], "s", False))
        rows.append(Row(f"MKN-{order} fit peak RSS (MB)", max(f[1] for f in fits),
                        REF[order]["mb"], "MB", False))
        rows.append(Row("  of which before fitting (imports + text)", max(f[2] for f in fits),
                        None, "MB", False))
        models[order] = NgramLM(order).fit(train)
        ppl = models[order].perplexity(test).ppl
        rows.append(Row(f"MKN-{order} PTB test ppl", ppl, REF[order]["ppl"], "ppl", False))
    m5 = models[5]
    n_tok = m5.perplexity(test).tokens
    score_s = benchutil.median_time(lambda: m5.token_logprobs(test), repeat=3)
    rows.append(Row("MKN-5 scoring, batch token_logprobs (tok/s)", n_tok / score_s,
                    KENLM_QUERY_TOK_S, "tok/s"))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ptb5.npz")
        save_model(m5, path)
        load_s = benchutil.median_time(lambda: load_model(path), repeat=3)
        size_mb = os.path.getsize(path) / 1e6
    rows.append(Row(f"MKN-5 binary load ({size_mb:.0f} MB file) (s)", load_s, 1.0, "s", False))
    book = load_text("timemachine", preset="letters")
    cut = int(len(book) * 0.9)
    for order, ref in ((5, 3.891), (8, 3.697)):
        cm = NgramLM(order, mode="stream", tokenizer="char").fit(book[:cut])
        rows.append(Row(f"char MKN-{order} Time Machine test ppl", cm.perplexity(book[cut:]).ppl,
                        ref, "ppl/char", False))
    rows += nltk_rows(train, test, quick=args.quick)
    ref = "lmplz run here" if args.lmplz else "the issue's KenLM figures"
    benchutil.print_table(f"seqlm.ngram on PTB (reference: {ref}; nltk.lm in this process)", rows)


def run_lmplz(lmplz: str, train: str, order: int) -> tuple[float, float]:
    """Wall time and peak RSS of ``lmplz -o order -S 100M`` on PTB train, run here.

    lmplz refuses a literal <unk> in its input, so it is renamed to an ordinary word (as in the
    issue's reference run).
    """
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "train.txt")
        with open(src, "w", encoding="utf-8") as fh:
            fh.write(train.replace("<unk>", "UNKWORD"))
        cmd = [lmplz, "-o", str(order), "-S", "100M", "--text", src, "--arpa",
               os.path.join(tmp, "m.arpa")]
        # GNU time reports lmplz's own peak RSS (ours would inherit this process's peak over
        # fork + exec); its line is the last one on stderr.
        timer = ["/usr/bin/time", "-f", "%M"] if os.path.exists("/usr/bin/time") else []
        t0 = time.perf_counter()
        done = subprocess.run(timer + cmd, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t0
    mb = int(done.stderr.strip().splitlines()[-1]) / 1024 if timer else float("nan")
    return wall, mb


def nltk_rows(train: str, test: str, quick: bool) -> list[Row]:
    """Kneser-Ney (discount 0.1) on PTB train: nltk.lm vs seqlm, fit and per-token scoring."""
    try:
        from nltk.lm import KneserNeyInterpolated
        from nltk.lm.preprocessing import padded_everygram_pipeline
    except ImportError:  # pragma: no cover
        print("nltk not installed: skipping the nltk.lm comparison")
        return []
    from seqlm.ngram import NgramLM

    n_score = 100 if quick else 400
    sents = [s.split() for s in train.splitlines() if s.split()]
    t0 = time.perf_counter()
    grams, vocab = padded_everygram_pipeline(3, sents)
    nl = KneserNeyInterpolated(3, discount=0.1)
    nl.fit(grams, vocab)
    nltk_fit = time.perf_counter() - t0
    slice_text = "\n".join(" ".join(s) for s in sents)
    ours_fit = benchutil.median_time(lambda: NgramLM(3, "kneser_ney").fit(slice_text), 3)
    ours = NgramLM(3, "kneser_ney").fit(slice_text)
    queries = []
    for s in test.splitlines():
        toks = ["<s>", "<s>", *s.split(), "</s>"]
        queries += [(toks[i], tuple(toks[i - 2:i])) for i in range(2, len(toks))]
        if len(queries) >= n_score:
            break
    queries = queries[:n_score]
    t0 = time.perf_counter()
    for w, c in queries:
        nl.score(w, c)
    nltk_tok_s = len(queries) / (time.perf_counter() - t0)
    ours_tok_s = ours.perplexity(test).tokens / benchutil.median_time(
        lambda: ours.token_logprobs(test), 3)
    return [
        Row(f"KN-3 fit on {len(sents)} sentences (speed-up vs nltk)", nltk_fit / ours_fit, 100.0,
            "x"),
        Row(f"KN-3 scoring tok/s (speed-up vs nltk, {len(queries)} nltk tokens)",
            ours_tok_s / nltk_tok_s, 100.0, "x"),
        Row("  nltk.lm KN-3 fit (s)", nltk_fit, None, "s", False),
        Row("  nltk.lm KN-3 scoring (tok/s)", nltk_tok_s, None, "tok/s"),
    ]


if __name__ == "__main__":
    main()
