"""seqlm's n-gram models side by side with KenLM in the same run: queries, loading, fitting.

Run: python bench/ngram_kenlm.py --quick            (PTB only: a few minutes on 2 cores)
     python bench/ngram_kenlm.py --sizes 10 30 100  (synthetic corpora, millions of tokens)

KenLM (the reference) is not part of seqlm. Build it once (about 10 minutes):
    apt-get install -y cmake libboost-program-options-dev libboost-system-dev \\
        libboost-thread-dev libboost-test-dev zlib1g-dev libbz2-dev liblzma-dev
    git clone https://github.com/kpu/kenlm && cd kenlm && mkdir build && cd build
    cmake .. -DCMAKE_BUILD_TYPE=Release && make -j2 lmplz build_binary
and pass --kenlm-bin kenlm/build/bin (or put lmplz on PATH); `pip install kenlm` gives the
Python module. Without them the KenLM columns are skipped with a message.

Figures are process CPU seconds (medians of --repeat runs) unless a row says wall; peak memory
is the child's VmHWM. Synthetic corpora are sampled (seed 0, reproducible) from the
interpolated modified-KN bigram model of PTB train: at each step, with the total probability
of the seen continuations of the previous word, one of them by its probability, otherwise a
word from the unigram distribution (never seqlm's own <unk>); a sentence ends at </s>. lmplz
refuses PTB's literal <unk>, so every corpus here spells it <unk_> for both tools. From 10M
tokens on, no unigram of these corpora has adjusted count 1 (every word follows many others),
so the closed-form discounts are undefined: lmplz runs with --discount_fallback, and seqlm
falls back to the same (0.5, 1, 1.5) by itself, so both estimate the same model.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchutil import Row, median_time, print_table

# python -m bench: --quick is PTB only; the full runs add the synthetic sizes (README rows)
BENCH = {"quick": ["--quick"], "full": [[], ["--quick", "--sizes", "10", "30", "100"]]}
SEQLM = [sys.executable, "-c", "from seqlm.cli.main import run; run()"]


def machine() -> str:
    """CPU model and features, cores, load average (printed with every table)."""
    model, flags = "?", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and model == "?":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    feats = " ".join(f for f in ("avx2", "avx512f", "avx512_bf16", "sha_ni") if f in flags)
    la = os.getloadavg()
    return (f"CPU {model} [{feats}], {os.cpu_count()} cores, single-threaded runs, "
            f"load average {la[0]:.1f} {la[1]:.1f} {la[2]:.1f}")


TIME = "/usr/bin/time"  # GNU time: the child's own peak RSS (see run_child)


def run_child(cmd: list[str], stdin: Path | None = None) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, peak RSS MB) of one child process.

    The peak comes from GNU time's %M when it is installed: a child spawned straight from this
    (large) process reports at least this process's own peak, because Linux folds the address
    space it replaced at exec into the child's ru_maxrss; GNU time's child starts from time's
    small one. Without GNU time the figure is an upper bound and a warning says so."""
    wrap = [TIME, "-f", "PEAK_RSS_KB=%M", *cmd] if os.path.exists(TIME) else cmd
    t0 = time.perf_counter()
    with (open(stdin, "rb") if stdin else open(os.devnull, "rb")) as fin, \
            tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(wrap, stdin=fin, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        err.seek(0)
        tail = err.read().decode(errors="replace")[-2000:]
        if proc.returncode:
            raise RuntimeError(f"{cmd[0]} failed: {tail[-500:]}")
    peaks = [line.split("=", 1)[1] for line in tail.splitlines()
             if line.startswith("PEAK_RSS_KB=")]
    if not peaks:
        print("GNU time not found: peak RSS includes this bench process's own (an upper bound)")
    peak_kb = float(peaks[-1]) if peaks else ru.ru_maxrss
    return ru.ru_utime + ru.ru_stime, wall, peak_kb / 1024


def median_child(cmd: list[str], repeat: int, stdin: Path | None = None
                 ) -> tuple[float, float, float]:
    runs = [run_child(cmd, stdin) for _ in range(repeat)]
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
            max(r[2] for r in runs))


def ptb_text(split: str) -> str:
    from seqlm.data import load_text

    return load_text("ptb", split=split).replace("<unk>", "<unk_>")


def synthetic(tokens: int, out: Path, seed: int = 0) -> Path:
    """Sample ``tokens`` tokens from the smoothed PTB bigram model (see the module doc)."""
    if out.exists():
        return out
    from seqlm.data.conventions import BOS, EOS
    from seqlm.ngram import NgramLM

    lm = NgramLM(2).fit(ptb_text("train"))
    assert lm.tables is not None
    V = len(lm.vocab)
    p1 = np.exp(lm.tables.logp[0])
    p1[~lm.predicted] = 0
    p1[lm.vocab.unk] = 0  # the floor's share of seqlm's own <unk>: lmplz refuses that word
    cum1 = np.cumsum(p1 / p1.sum())
    keys, p2 = lm.keys[1], np.exp(lm.tables.logp[1])
    prev, word = keys // V, keys % V
    start = np.searchsorted(prev, np.arange(V + 1))
    cum2 = np.cumsum(p2)  # global; a row's mass is cum2[end-1] - cum2[start-1]
    base = np.concatenate([[0.0], cum2])
    seen_mass = base[start[1:]] - base[start[:-1]]
    rng = np.random.default_rng(seed)
    bos, eos, itos = lm.vocab.index(BOS), lm.vocab.index(EOS), lm.vocab.idx_to_token
    streams, written = 4096, 0
    cur = np.full(streams, bos)
    part = out.with_name(out.name + ".part")  # renamed when complete: never half a corpus
    with open(part, "w", encoding="utf-8") as fh:
        lines: list[list[int]] = [[] for _ in range(streams)]
        while written < tokens:
            u, v = rng.random(streams), rng.random(streams)
            use_seen = u < seen_mass[cur]
            nxt = np.searchsorted(cum1, v * cum1[-1])
            s = np.nonzero(use_seen)[0]
            pos = np.searchsorted(cum2, base[start[cur[s]]] + v[s] * seen_mass[cur[s]])
            nxt[s] = word[np.minimum(pos, len(word) - 1)]
            nxt = np.minimum(nxt, V - 1)
            for i in np.nonzero(nxt == eos)[0]:
                if lines[i]:
                    fh.write(" ".join(itos[w] for w in lines[i]) + "\n")
                    written += len(lines[i]) + 1
                lines[i] = []
            for i in np.nonzero(nxt != eos)[0]:
                lines[i].append(int(nxt[i]))
            cur = np.where(nxt == eos, bos, nxt)
    part.replace(out)
    return out


def query_rows(tmp: Path, kenlm_bin: Path | None, repeat: int) -> list[Row]:
    """score() one sentence at a time, batch scoring and loading, PTB order 5."""
    from seqlm.ngram import NgramLM, load, save

    train, test = ptb_text("train"), ptb_text("test")
    lm = NgramLM(5).fit(train)
    save(lm, tmp / "ptb5.npz")
    save(lm, tmp / "ptb5.arpa")
    sents = [s for s in test.splitlines() if s.strip()]
    ntok = sum(len(s.split()) + 1 for s in sents)
    m = load(tmp / "ptb5.npz")
    m.score(sents[0])  # the first query builds the hash tables

    def cpu(fn) -> float:  # type: ignore[no-untyped-def]
        return median_time(fn, repeat, time.process_time)

    ours_loop = ntok / cpu(lambda: [m.score(s) for s in sents])
    ours_batch = ntok / cpu(lambda: m.token_logprobs(test))
    ours_load = cpu(lambda: load(tmp / "ptb5.npz"))
    ours_arpa = cpu(lambda: load(tmp / "ptb5.arpa").score(sents[0]))
    ref_loop = ref_load = ref_arpa = None
    try:
        import kenlm

        kpath = tmp / "ptb5.arpa"
        if kenlm_bin and (kenlm_bin / "build_binary").exists():
            subprocess.run([str(kenlm_bin / "build_binary"), str(tmp / "ptb5.arpa"),
                            str(tmp / "ptb5.klm")], check=True, capture_output=True)
            kpath = tmp / "ptb5.klm"
        ref_load = cpu(lambda: kenlm.Model(str(kpath)))
        ref_arpa = cpu(lambda: kenlm.Model(str(tmp / "ptb5.arpa")).score(sents[0]))
        k = kenlm.Model(str(kpath))
        ref_loop = ntok / cpu(lambda: [k.score(s) for s in sents])
        print(f"KenLM model for queries: {kpath.name}")
    except ImportError:
        print("the kenlm module is not installed (pip install kenlm): no KenLM query column")
    return [Row("score() one sentence at a time (tok/s, CPU)", ours_loop, ref_loop, "tok/s"),
            Row("batch token_logprobs (tok/s, CPU) vs kenlm loop", ours_batch, ref_loop,
                "tok/s"),
            Row("open binary PTB-5 model (s, CPU)", ours_load, ref_load, "s", False),
            Row("read PTB-5 ARPA + first query (s, CPU)", ours_arpa, ref_arpa, "s", False)]


def fit_rows(corpus: Path, order: int, tmp: Path, lmplz: Path | None, repeat: int,
             memory: str | None, label: str, fallback: bool = False) -> list[Row]:
    """seqlm ngram fit vs lmplz on the same file: CPU, wall and peak memory. ``fallback``:
    lmplz gets --discount_fallback, the discounts seqlm falls back to by itself."""
    cmd = [*SEQLM, "ngram", "fit", str(corpus), "-n", str(order), "-o", str(tmp / "m.npz")]
    if memory:
        cmd += ["--memory", memory, "--temp-dir", str(tmp)]
    ours = median_child(cmd, repeat)
    ref = None
    if lmplz is not None:
        ref = median_child([str(lmplz), "-o", str(order), "-S", memory or "4G", "-T", str(tmp),
                            "--arpa", str(tmp / "k.arpa"),
                            *(["--discount_fallback"] if fallback else [])],
                           repeat, stdin=corpus)
    def r(i):
        return (ref[i] if ref else None)
    return [Row(f"{label} order {order} fit CPU (s)", ours[0], r(0), "s", False),
            Row(f"{label} order {order} fit wall (s)", ours[1], r(1), "s", False),
            Row(f"{label} order {order} peak RSS (MB)", ours[2], r(2), "MB", False)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="PTB only, one repeat")
    ap.add_argument("--sizes", type=int, nargs="*", default=[],
                    help="synthetic corpus sizes in millions of tokens (10 30 100)")
    ap.add_argument("--memory", default="4G", help="cap for both tools on synthetic corpora")
    ap.add_argument("--kenlm-bin", type=Path, default=None, help="folder with lmplz etc.")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "seqlm-bench")
    args = ap.parse_args()
    repeat = 1 if args.quick else args.repeat
    lmplz = (args.kenlm_bin / "lmplz") if args.kenlm_bin else shutil.which("lmplz")
    lmplz = Path(lmplz) if lmplz and Path(lmplz).exists() else None
    if lmplz is None:
        print("lmplz not found (see this file's docstring to build KenLM): no lmplz column")
    print(machine())
    args.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        rows = query_rows(tmp, args.kenlm_bin, repeat)
        ptb = args.data_dir / "ptb.train.unk_.txt"
        ptb.write_text(ptb_text("train"), encoding="utf-8")
        for order in (3, 5):
            rows += fit_rows(ptb, order, tmp, lmplz, repeat, None, "PTB")
        print_table("seqlm vs KenLM: PTB (queries, loading, `seqlm ngram fit` end to end)", rows)
        cpu: list[tuple[float, float, float]] = []
        for size in args.sizes:
            corpus = synthetic(size * 10**6, args.data_dir / f"synth{size}M.txt")
            rs = fit_rows(corpus, 5, tmp, lmplz, 1, args.memory, f"{size}M synthetic", True)
            print_table(f"{size}M synthetic tokens, order 5, --memory {args.memory}", rs)
            print(machine())
            cpu.append((size, rs[0].ours, rs[0].reference or math.nan))
        if len(cpu) >= 2:
            x = np.log([c[0] for c in cpu])
            ours_exp = np.polyfit(x, np.log([c[1] for c in cpu]), 1)[0]
            ref_exp = np.polyfit(x, np.log([c[2] for c in cpu]), 1)[0]
            print(f"growth exponent of CPU time vs tokens: seqlm {ours_exp:.2f}, "
                  f"lmplz {ref_exp:.2f}")


if __name__ == "__main__":
    main()
