"""CoNLL-U and TSV reading: syntactic words only (UD's evaluation), errors name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from seqlm.apps.tag import load_tagged, parse_tagged
from seqlm.errors import DataError, DatasetError

MINI = Path(__file__).parent / "fixtures" / "mini.conllu"


def test_multiword_ranges_and_empty_nodes_are_skipped() -> None:
    s1, s2 = load_tagged(MINI)
    assert s1.words == ("I", "do", "n't", "know", ".")  # 2-3 don't: its words, not the token
    assert s1.tags == ("PRON", "AUX", "PART", "VERB", "PUNCT")
    assert s2.words == ("Sue", "likes", "tea", "and", "coffee")  # 4.1 (empty node) skipped
    assert load_tagged(MINI, column="xpos")[0].tags == ("PRP", "VBP", "RB", "VB", ".")


def test_tsv_format_and_detection() -> None:
    text = "The\tDET\ncat\tNOUN\n\n\nRun\tVERB\n"
    sents = parse_tagged(text)
    assert [s.words for s in sents] == [("The", "cat"), ("Run",)]
    assert [s.tags for s in sents] == [("DET", "NOUN"), ("VERB",)]


LINE = "1\tcat\tcat\tNOUN\tNN\t_\t0\troot\t0:root\t_"


@pytest.mark.parametrize(("text", "fragment"), [
    (f"{LINE}\n2\tsat\tsit\tVERB\n", "line 2: expected 10 tab-separated"),
    (f"{LINE}\nx\tsat\tsit\tVERB\tVBD\t_\t1\tx\t_\t_\n", "line 2: bad word ID 'x'"),
    (f"{LINE}\n3\tsat\tsit\tVERB\tVBD\t_\t1\tx\t_\t_\n", "line 2: word ID 3 out of order"),
    (f"# c\n{LINE}\n2\tsat\tsit\t_\tVBD\t_\t1\tx\t_\t_\n", "line 3: word 'sat' has no UPOS"),
])
def test_malformed_conllu_names_the_line(text: str, fragment: str) -> None:
    with pytest.raises(DataError, match=fragment):
        parse_tagged(text, fmt="conllu", origin="f.conllu")


def test_malformed_tsv_and_empty_inputs() -> None:
    with pytest.raises(DataError, match="line 2: expected 'token<TAB>tag'"):
        parse_tagged("a\tDET\nb NOUN\n")
    with pytest.raises(DataError, match="no tagged sentence"):
        parse_tagged("\n\n")
    with pytest.raises(DataError, match="unknown tag column"):
        parse_tagged(LINE, column="lemma")


@pytest.mark.dataset("ud-en-ewt")
def test_ewt_from_the_registry_matches_the_published_counts() -> None:
    """UD's own statistics: 12,544 / 2,001 / 2,077 sentences, 204,577 / 25,147 / 25,094 words."""
    for split, n_sent, n_words in (("train", 12544, 204577), ("dev", 2001, 25147),
                                   ("test", 2077, 25094)):
        sents = load_tagged("ud-en-ewt", split)
        assert (len(sents), sum(map(len, sents))) == (n_sent, n_words)
    assert len({t for s in sents for t in s.tags}) == 17  # the 17 UPOS tags


def test_a_dataset_published_file_by_file_is_fetched_from_each_address(
        data_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ud-en-ewt's canonical source has one address per file (no archive): each is downloaded
    and checked against its own SHA-1 when no mirror is set."""
    from dataclasses import replace

    from seqlm.data import registry
    from seqlm.data.datasets.ud_en_ewt import UD_EWT
    from tests.data.sources import registered

    ewt = registry.get_dataset("ud-en-ewt")
    assert ewt.url is None and all(f.url and f.url.startswith(UD_EWT) for f in ewt.files)
    local = replace(ewt, files=tuple(replace(f, url=data_server + f.mirror_path)
                                     for f in ewt.files))
    monkeypatch.setenv("SEQLM_CACHE", str(tmp_path))
    monkeypatch.delenv("SEQLM_MIRROR", raising=False)
    monkeypatch.setenv("SEQLM_SHARED_DATA", "")
    with registered(local):
        root = registry.fetch("ud-en-ewt", progress=False)
    assert sorted(p.name for p in (root / "ud-en-ewt").iterdir()) == [
        "en_ewt-ud-dev.conllu", "en_ewt-ud-test.conllu", "en_ewt-ud-train.conllu"]
    bad = replace(local, files=(replace(local.files[0], sha1="0" * 40),))
    monkeypatch.setenv("SEQLM_CACHE", str(tmp_path / "other"))
    with registered(bad), pytest.raises(DatasetError, match="checksum mismatch"):
        registry.fetch("ud-en-ewt", progress=False)
