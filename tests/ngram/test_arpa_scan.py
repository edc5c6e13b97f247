"""The compiled ARPA reader (arpa_scan.py, _arpascan.h) reads regular files itself and gives
exactly the Python parser's model; anything irregular goes to the Python parser, so both accept
the same files and report the same errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seqlm.ngram import NgramLM, read_arpa, save
from seqlm.ngram.arpa_scan import scan_sections
from seqlm.ngram.cext import built
from seqlm.ngram.errors import ArpaError

from .test_arpa_binary import FIX, GOOD, MALFORMED, TEXT

pytestmark = pytest.mark.skipif(not built(), reason="the C extensions are not built")


def read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[NgramLM, NgramLM]:
    monkeypatch.delenv("SEQLM_NO_CEXT", raising=False)
    fast = read_arpa(path)
    monkeypatch.setenv("SEQLM_NO_CEXT", "1")
    slow = read_arpa(path)
    monkeypatch.delenv("SEQLM_NO_CEXT")
    return fast, slow


def assert_same(a: NgramLM, b: NgramLM) -> None:
    assert a.vocab.idx_to_token == b.vocab.idx_to_token and a.order == b.order
    assert a.tables is not None and b.tables is not None
    for n in range(a.order):
        np.testing.assert_array_equal(a.keys[n], b.keys[n])
        np.testing.assert_array_equal(a.tables.logp[n], b.tables.logp[n])
    for n in range(a.order - 1):
        np.testing.assert_array_equal(a.tables.logbow[n], b.tables.logbow[n])


def regular_files(tmp: Path) -> list[Path]:
    (tmp / "good.arpa").write_text(GOOD, encoding="utf-8")
    save(NgramLM(4).fit(TEXT), tmp / "seqlm4.arpa")
    save(NgramLM(3, "witten_bell").fit(TEXT), tmp / "wb3.arpa")
    return [FIX / "small.o3.arpa", FIX / "tiny.o3.fallback.arpa", tmp / "good.arpa",
            tmp / "seqlm4.arpa", tmp / "wb3.arpa", FIX / "short.o6.fallback.arpa"]


def test_regular_files_are_read_compiled_and_equal_the_python_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also with sections of no n-grams, and scanned three lines at a time (as a large file
    is, a million at a time)."""
    from seqlm.ngram import arpa_scan

    monkeypatch.setattr(arpa_scan, "SCAN_ROWS", 3)
    for path in regular_files(tmp_path):
        assert scan_sections(path.read_bytes(), str(path)) is not None, path  # really compiled
        assert_same(*read_both(path, monkeypatch))


@pytest.mark.parametrize("text", [
    GOOD.replace("\n", "\r\n"),                          # CRLF line ends
    GOOD.replace("-0.5\t</s>", "-inf\t</s>"),            # -inf log10 p (read as -99)
    GOOD.replace("-0.4\ta\t-0.2", "  -0.4  a   -0.2  "),  # spaces around and between fields
    GOOD.replace("-0.5\t</s>", "0.0005\t</s>"),          # a rounding-sized positive log10 p
    GOOD.replace("-0.5\t</s>", "-5e-1\t</s>"),           # an exponent
    GOOD.replace("\\end\\\n", "\\end\\"),                # no newline at the very end
])
def test_irregular_but_valid_files_read_the_same(text: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.arpa"
    path.write_text(text, encoding="utf-8", newline="")
    assert_same(*read_both(path, monkeypatch))


@pytest.mark.parametrize("bad,msg", MALFORMED)
def test_malformed_files_give_the_python_readers_error(bad: str, msg: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bad.arpa"
    path.write_text(bad, encoding="utf-8")
    errors = []
    for disabled in ("", "1"):
        monkeypatch.setenv("SEQLM_NO_CEXT", disabled)
        with pytest.raises(ArpaError, match=msg) as info:
            read_arpa(path)
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def test_the_utf8_check_reads_chunks_without_splitting_characters() -> None:
    from seqlm.ngram.arpa import _check_utf8

    _check_utf8("aé€😀b".encode(), Path("x.arpa"), chunk=1)  # every character cut by chunks
    with pytest.raises(ArpaError, match="not UTF-8"):
        _check_utf8("aé".encode() + b"\xff", Path("x.arpa"), chunk=2)


def test_the_compiled_number_parser_equals_float_bit_for_bit() -> None:
    """The fast path (digits / 10^k, Clinger's exact case) and the fallback (Python's parser)
    give float()'s value for every number: random ones of 1-19 digits, and edge cases."""
    rng = np.random.default_rng(7)
    tokens = ["-0", "0", "-0.0", "+0.5", "-99", "-1.0000000000000002", "-0.1",
              "-9007199254740993", "-9007199254740992", "-0.30000000000000004",
              "-1234567890123456789", "-12345678901234567890", "-0.0000000000000000000001",
              "-0.00000000000000000000001", "-1.5e-3", "-2E+1", "0.0009"]
    for _ in range(3000):
        digits = "".join(rng.choice(list("0123456789"), size=int(rng.integers(1, 20))))
        cut = int(rng.integers(0, len(digits) + 1))
        tokens.append("-" + (digits[:cut] or "0") + ("." + digits[cut:] if cut < len(digits)
                                                     else ""))
    probs = [t if float(t) <= 1e-3 else "-1" for t in tokens]  # larger is damage
    bows = [t if abs(float(t)) <= 1000 else "-2" for t in tokens]
    body = "".join(f"{p}\tw{k}\t{b}\n" for k, (p, b) in enumerate(zip(probs, bows,
                                                                          strict=True)))
    text = f"\\data\\\nngram 1={len(tokens)}\n\n\\1-grams:\n{body}\n\\end\\\n"
    got = scan_sections(text.encode(), "numbers")
    assert got is not None
    _, logp, bow = got[0]
    want = np.array([min(float(t), 0.0) for t in probs])
    assert logp.tobytes() == want.tobytes()  # bit for bit, -0.0 included
    assert bow.tobytes() == np.array([float(t) for t in bows]).tobytes()
    assert sum(float(t) > 1e-3 for t in tokens) == 1  # all but "+0.5" read as a log10 p
