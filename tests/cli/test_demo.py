from pathlib import Path

import pytest

from seqlm.cli.demo import demo_corpus, embedded_corpus
from seqlm.cli.main import main


def test_demo_quick_runs_every_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["demo", "--quick", "--out", str(tmp_path), "--seed", "1"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "The Time Machine" in out  # served by the test mirror
    assert "== 1. Data" in out
    assert (tmp_path / "zipf.png").read_bytes()[:4] == b"\x89PNG"


def test_demo_falls_back_to_embedded_corpus(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("SEQLM_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("SEQLM_MIRROR", "http://127.0.0.1:9/")
    text, source = demo_corpus(timeout=2)
    assert source == embedded_corpus()[1] and "pydoc_data" in source
    assert len(text) > 300_000


def test_demo_out_must_be_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["demo", "--out", str(f)]) == 2
    assert "not a folder" in capsys.readouterr().err
