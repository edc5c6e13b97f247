from pathlib import Path

import pytest

from seqlm.cli.main import main
from seqlm.demo import demo_corpus, embedded_corpus


def _numbers(out: str) -> list[str]:
    """The demo's output without its speed and timing lines (those depend on the machine)."""
    return [line for line in out.splitlines() if "/s" not in line and "done in" not in line]


@pytest.mark.dataset("timemachine")  # it checks that the demo uses the book when reachable
def test_demo_quick_runs_every_step_reproducibly(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    runs = []
    for name in ("a", "b"):
        rc = main(["demo", "--quick", "--out", str(tmp_path / name), "--seed", "1"])
        out, err = capsys.readouterr()
        assert rc == 0, err
        runs.append(out.replace(str(tmp_path / name), "OUT"))
    out = runs[0]
    assert "The Time Machine" in out  # served by the test mirror
    for header in ("== 1. Data", "== 2. n-gram", "== 3. Recurrent", "== 4. Series"):
        assert header in out
    for png in ("zipf.png", "rnn_grad_norm.png", "series_k_step.png"):
        assert (tmp_path / "a" / png).read_bytes()[:4] == b"\x89PNG"
    assert _numbers(runs[0]) == _numbers(runs[1])  # same seed, same numbers


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


def test_a_demo_section_is_one_registered_function(tmp_path: Path) -> None:
    """How to add a demo section: register run(ctx) from anywhere; the demo numbers it."""
    from seqlm.demo import SECTIONS, DemoContext, demo_section, run_demo, sections

    @demo_section("toy", order=99)
    def run(ctx: DemoContext) -> None:
        ctx.section("Toy")
        ctx.say(f"quick={ctx.quick} seed={ctx.seed} words={len(ctx.text.split()) > 1000}")

    try:
        assert [name for name, _ in sections()][-1] == "toy"  # after data, ngram, rnn, series
        lines: list[str] = []
        run_demo(tmp_path, seed=4, quick=True, embedded=True, echo=lines.append,
                 only=("toy",))
        assert lines == ["\n== 1. Toy ==", "quick=True seed=4 words=True"]
    finally:
        SECTIONS.unregister("toy")
