"""How to add a dataset: one decorated function, here in this test file alone, and the new
corpus works through the registry, load_text and the CLI (`seqlm data list/info/fetch/stats`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from seqlm.cli.main import main
from seqlm.data import DATASETS, DataFile, Dataset, load_text, register_dataset

LINES = "a tiny corpus of words\nwritten by the test itself\n" * 3


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A folder laid out like a mirror, an empty cache, and the dataset registered."""
    folder = tmp_path / "mirror"
    (folder / "tiny").mkdir(parents=True)
    data = LINES.encode()
    (folder / "tiny" / "train.txt").write_bytes(data)
    monkeypatch.setenv("SEQLM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SEQLM_MIRROR", folder.as_uri() + "/")

    @register_dataset
    def tiny() -> Dataset:
        """The whole recipe for a new dataset: name, words, source, files with sha1 and size."""
        return Dataset("tiny-test-corpus", "a corpus this test writes", None,
                       (DataFile("train", "tiny/train.txt", hashlib.sha1(data).hexdigest(),
                                 size=len(data)),))

    yield folder.as_uri() + "/"
    DATASETS.unregister("tiny-test-corpus")


def test_a_dataset_registered_in_one_place_works_everywhere(
        mirror: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert "tiny-test-corpus" in DATASETS
    assert load_text("tiny-test-corpus") == LINES
    assert load_text("tiny-test-corpus", preset="letters").split()[:2] == ["a", "tiny"]
    assert main(["data", "list"]) == 0
    listed = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["tiny-test-corpus", "cached", "a", "corpus", "this", "test", "writes"] in listed
    assert main(["data", "info", "tiny-test-corpus"]) == 0
    assert hashlib.sha1(LINES.encode()).hexdigest() in capsys.readouterr().out
    assert main(["data", "fetch", "tiny-test-corpus", "--mirror", mirror]) == 0
    assert main(["data", "stats", "tiny-test-corpus", "--json"]) == 0
    out = capsys.readouterr().out.splitlines()[-1]
    assert '"tokens": 30' in out  # 10 words a line-pair, three times


def test_the_same_name_with_other_files_is_refused(mirror: str) -> None:
    from seqlm.errors import DatasetError

    with pytest.raises(DatasetError, match="already registered"):
        register_dataset(lambda: Dataset("tiny-test-corpus", "another", None,
                                         (DataFile("train", "x.txt", "0" * 40),)))
