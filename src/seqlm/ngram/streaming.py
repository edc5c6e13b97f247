"""Out-of-core counting under a memory cap (``fit_file(..., memory=4e9)``, as ``lmplz -S``).

Pass 1 reads the file in line-aligned blocks and counts token types (the vocabulary). Pass 2
counts each block with the compiled counter into a sorted ``Run`` (runs.py) and spills it to a
temporary folder as .npy files. The merge then reads, order by order, one range of first words
at a time from every run (memory-mapped, so only that range is resident), merges it and appends
it to files; the merged orders are assembled and estimated as in memory but into file-backed
arrays worked through in chunks (spool.py), so the model is never held whole: what stays
resident is the order below the one being made, read at random. The block size comes from the
cap and the measured bytes per token of counting, so counting never holds more than the cap,
and a block is at most an eighth of the text, so counting does not set the peak (a block costs
~129 B a token at order 5). A small text (at most IN_MEMORY_TOKENS) that fits the cap is
counted in memory in one go.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from tqdm import tqdm

from seqlm.data.conventions import BOS, EOS
from seqlm.data.text import decode_text
from seqlm.io import open_binary
from seqlm.ngram.errors import ConfigError
from seqlm.ngram.memory import counting_bytes
from seqlm.ngram.protocol import M, NgramModel
from seqlm.ngram.runs import Run, assemble, count_tokens, merge_order
from seqlm.ngram.spool import Spool, drop
from seqlm.ngram.tokens import TypeTokens, UnitTokens, tokenize_text
from seqlm.ngram.vocab_build import lmplz_ranks, vocab_from_counts

MERGE_BYTES_PER_ROW = 160  # a merged range: words, counts, starts, sort keys, permutation, copies
# (measured: synth10M, order 5, 8M-row ranges peaked at ~140 bytes a row above what was held)
MIN_RANGE_ROWS = 1 << 16  # a range this small at least, whatever is held
MERGE_SHARE = 16          # ranges of at most a 16th of an order: the merge is not the peak
MIN_BLOCK = 1 << 20       # bytes of text per block at least
IN_MEMORY_TOKENS = 1 << 22  # a text this small is counted in one go (a few hundred MB at most)
BLOCK_SHARE = 8           # blocks of at most an eighth of the text, so counting is not the peak


def text_blocks(path: str | os.PathLike[str], block_bytes: int) -> Iterator[tuple[str, int]]:
    """(text, bytes) of about ``block_bytes``, cut after a newline (a sentence never spans two
    blocks); compressed files and ``-`` are read as by ``read_text``."""
    with open_binary(path) as fh:
        carry, first = b"", True
        while True:
            chunk = fh.read(block_bytes)
            data = carry + chunk
            if not chunk:
                if data:
                    yield decode_text(data, str(path)) if first else data.decode(), len(data)
                return
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                carry = data
                continue
            block, carry = data[:cut], data[cut:]
            yield (decode_text(block, str(path)) if first else _decode(block, path)), len(block)
            first = False


def _decode(block: bytes, path: str | os.PathLike[str]) -> str:
    if b"\x00" in block:
        return decode_text(block, str(path))  # raises the usual error
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError:
        return decode_text(block, str(path))


def parse_memory(value: str | int) -> int:
    """Bytes from ``4G``, ``500M``, ``80%`` (of physical memory) or a plain integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        n = value
    else:
        s = str(value).strip().upper()
        try:
            if s.endswith("%"):
                total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
                n = int(total * float(s[:-1]) / 100)
            else:
                mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
                n = int(float(s[:-1]) * mult[s[-1]]) if s[-1:] in mult else int(s)
        except (ValueError, KeyError):
            raise ConfigError(f"memory must look like 4G, 500M or 80%, got {value!r}") from None
    if n < 1 << 24:
        raise ConfigError(f"a memory cap below 16 MB cannot count anything useful: {value!r}")
    return n


def _type_counts(text: str, model: NgramModel) -> tuple[Counter[str], int]:
    toks = tokenize_text(text, model.mode, model._tok())
    if isinstance(toks, TypeTokens):
        return Counter(dict(zip(toks.types, toks.counts.tolist(), strict=True))), len(toks.ids)
    assert isinstance(toks, UnitTokens)
    flat = [t for u in toks.units for t in (*u.context, *u.targets)]
    return Counter(flat), len(flat)


def fit_file(model: M, path: str | os.PathLike[str], memory: int,
             temp_dir: str | os.PathLike[str] | None = None, progress: bool = False) -> M:
    """Fit ``model`` on a (possibly huge) text file counting within ``memory`` bytes: in memory
    when the text is small (IN_MEMORY_TOKENS) and fits the cap at the measured bytes per token
    (judged from the file's size, else from the tokens pass 1 counted), else in blocks spilled
    to disk and merged."""
    if model.mode != "sentence":
        raise ConfigError("out-of-core counting needs sentence mode (blocks are cut at lines)")
    per_token = counting_bytes(1, model.order)
    p = Path(path)
    plain = str(path) != "-" and p.is_file() and p.suffix.lower() not in (".gz", ".bz2", ".xz")
    if plain and p.stat().st_size // 2 <= min(IN_MEMORY_TOKENS, memory // per_token):
        # small and within the cap even at 2 bytes a token
        from seqlm.data.text import read_text

        model.fit(read_text(p))  # the in-memory path: fastest when the data fits
        return model
    counts: Counter[str] = Counter()
    tokens = size = 0
    with tqdm(desc="pass 1: vocabulary", unit="tok", unit_scale=True, disable=not progress) as bar:
        for text, nbytes in text_blocks(path, max(MIN_BLOCK, memory // (4 * per_token))):
            c, n = _type_counts(text, model)
            counts.update(c)
            tokens, size = tokens + n, size + nbytes
            bar.update(n)
    if tokens == 0:
        raise ConfigError(f"{path} has no tokens to count")
    if str(path) != "-" and tokens <= min(IN_MEMORY_TOKENS, memory // per_token):  # it fits
        from seqlm.data.text import read_text

        model.fit(read_text(p))
        return model
    if not model._fixed_vocab:
        model.vocab = vocab_from_counts(counts.items(), (BOS, EOS))
    model._check_vocab()
    block = max(MIN_BLOCK, min(int(memory / (per_token * tokens / size) * 0.8),
                               -(-size // BLOCK_SHARE)))
    with tempfile.TemporaryDirectory(prefix="seqlm-counts-", dir=temp_dir,
                                     ignore_cleanup_errors=True) as tmp:
        spool = Spool(Path(tmp) / "model")
        spool.folder.mkdir()
        runs, first = _count_blocks(model, path, block, Path(tmp), progress)
        merged = _merge(runs, len(model.vocab), model.order, memory, progress, spool)
        del runs
        for f in Path(tmp).glob("run*.npy"):  # the runs are merged: their disk space goes
            f.unlink()
        tables = assemble(merged, len(model.vocab), spool)
        model._estimate(tables, lmplz_ranks(first, model.vocab), spool.empty)
    return model  # its arrays map files that are unlinked now: they live as long as it does


def _count_blocks(model: NgramModel, path: str | os.PathLike[str], block: int, tmp: Path,
                  progress: bool) -> tuple[list[Run], np.ndarray]:
    """Pass 2: count every block; spill its orders >= 2 as memory-mapped .npy files."""
    V = len(model.vocab)
    first = np.full(V, -1, dtype=np.int64)
    offset, runs, spilled = 0, [], 0
    bar = tqdm(desc="pass 2: counting", unit="tok", unit_scale=True, disable=not progress)
    for i, (text, _) in enumerate(text_blocks(path, block)):
        run = count_tokens(tokenize_text(text, model.mode, model._tok()), model.vocab,
                           model.order)
        assert run.first is not None
        new = (first < 0) & (run.first >= 0)
        first[new] = run.first[new] + offset
        offset += run.tokens
        for n in range(1, model.order):
            for name, arr in (("words", run.words[n]), ("count", run.count[n]),
                              ("starts", run.starts[n])):
                f = tmp / f"run{i}.{name}{n + 1}.npy"
                np.save(f, arr)
                spilled += arr.nbytes
            run.words[n], run.count[n], run.starts[n] = (
                np.load(tmp / f"run{i}.{name}{n + 1}.npy", mmap_mode="r")
                for name in ("words", "count", "starts"))
        runs.append(run)
        bar.update(run.tokens)
        bar.set_postfix(spilled=f"{spilled / 1e6:.0f} MB", runs=len(runs))
    bar.close()
    return runs, first


def _merge(runs: list[Run], V: int, order: int, memory: int, progress: bool, spool: Spool
           ) -> Run:
    """Merge the runs order by order, one range of first words at a time within ``memory``,
    appending each order's merged rows to files of ``spool`` (nothing order-sized is held)."""
    merged = Run([runs[0].words[0]], [np.sum([r.count[0] for r in runs], axis=0)],
                 [np.logical_or.reduce([r.starts[0] for r in runs])],
                 sum(r.tokens for r in runs))
    for n in range(1, order):
        cum, offsets = _first_word_offsets(runs, n, V)
        budget = max(MIN_RANGE_ROWS, min(memory // MERGE_BYTES_PER_ROW,
                                         int(cum[-1]) // MERGE_SHARE))
        cuts = [0]
        while cuts[-1] < V:  # the next range: as many first words as the budget holds
            start = int(cum[cuts[-1] - 1]) if cuts[-1] else 0
            cuts.append(max(cuts[-1] + 1, int(np.searchsorted(cum, start + budget, "right"))))
        out = (spool.appender(np.int32, n + 1), spool.appender(np.int64),
               spool.appender(np.bool_))
        for a, b in tqdm(list(itertools.pairwise(cuts)),
                         desc=f"merge: order {n + 1}", disable=not progress):
            sl = []
            for r, at in zip(runs, offsets, strict=True):
                lo, hi = at[a], at[b]
                sl.append((np.asarray(r.words[n][lo:hi]), np.asarray(r.count[n][lo:hi]),
                           np.asarray(r.starts[n][lo:hi])))
            part = merge_order(*(list(x) for x in zip(*sl, strict=True)))
            del sl
            for r in runs:
                drop(r.words[n], r.count[n], r.starts[n])
            for app, arr in zip(out, part, strict=True):
                app.write(arr)
            del part
        for dest, app in zip((merged.words, merged.count, merged.starts), out, strict=True):
            dest.append(app.finish())
    return merged


def _first_word_offsets(runs: list[Run], n: int, V: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Cumulative number of order-(n+1) rows over all runs by first word, and per run the row
    where each first word begins (V + 1 offsets): a range's rows are then found without
    searching the spilled column, which numpy would copy whole (it is strided) for each search."""
    total = np.zeros(V, dtype=np.int64)
    offsets = []
    for r in runs:
        hist = np.bincount(r.words[n][:, 0], minlength=V)
        total += hist
        offsets.append(np.concatenate([[0], np.cumsum(hist)]))
        drop(r.words[n])
    return np.cumsum(total), offsets
