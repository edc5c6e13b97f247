"""Tokenisers, pair files, de-duplication and the seeded split (toy files and the real eng-cn)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from seqlm.apps.translate import dedupe, en_words, parse_pairs, read_pairs, split_pairs, zh_chars
from seqlm.apps.translate.data import DataConfig, Vocabs
from seqlm.data import get_tokenizer
from seqlm.errors import ConfigError, DataError


def test_english_preset_lowercases_and_splits_punctuation_and_clitics() -> None:
    assert en_words("I'm Tom’s friend, don't go!") == [
        "i", "'m", "tom", "'s", "friend", ",", "don", "'t", "go", "!"]
    assert en_words("André-Louis, 1899.") == ["andré", "-", "louis", ",", "1899", "."]
    assert en_words("a\u200bb  c") == ["ab", "c"]  # a zero-width space is not a word break
    assert en_words("") == []


def test_chinese_characters_drop_spaces_and_invisible_marks() -> None:
    assert zh_chars("請\u200b\u200b借我 你的書。") == list("請借我你的書。")
    assert zh_chars(" \t") == []


def test_tokenisers_are_registered() -> None:
    assert get_tokenizer("en_words") is en_words
    assert get_tokenizer("zh_chars") is zh_chars


def test_parse_pairs_skips_blank_lines_and_names_bad_ones() -> None:
    assert parse_pairs("Hi.\t嗨。\n\n  \nRun.\t跑。\tCC-BY attribution\n") == [
        ("Hi.", "嗨。"), ("Run.", "跑。")]
    with pytest.raises(DataError, match="line 2 has no tab"):
        parse_pairs("Hi.\t嗨。\nno tab here\n", "f.tsv")
    with pytest.raises(DataError, match="line 1 has an empty target"):
        parse_pairs("Hi.\t \n")
    with pytest.raises(DataError, match="no sentence pairs"):
        parse_pairs("\n\n")


def test_dedupe_keeps_the_first_of_each_key() -> None:
    pairs = [("Hi.", "a"), ("hi .", "b"), ("Hello!", "c"), ("HI.", "d")]
    assert dedupe(pairs, lambda s: tuple(en_words(s))) == [("Hi.", "a"), ("Hello!", "c")]


def test_split_is_seeded_disjoint_and_sized() -> None:
    pairs = [(f"s{i}", f"t{i}") for i in range(101)]
    train, valid, test = split_pairs(pairs, 0.1, 0.05, seed=3)
    assert (len(train), len(valid), len(test)) == (86, 10, 5)
    assert sorted(train + valid + test) == sorted(pairs)
    assert split_pairs(pairs, 0.1, 0.05, seed=3) == (train, valid, test)
    assert split_pairs(pairs, 0.1, 0.05, seed=4)[2] != test
    with pytest.raises(ConfigError):
        split_pairs(pairs, 1.5, 0.0)
    with pytest.raises(DataError, match="nothing to train"):
        split_pairs(pairs[:2], 0.5, 0.4)


@pytest.mark.dataset("eng-cn")
def test_eng_cn_dedupes_to_19604_pairs_and_a_980_pair_test_split() -> None:
    pairs = read_pairs("eng-cn")
    assert len(pairs) == 20133
    assert len(dedupe(pairs, lambda s: tuple(en_words(s)))) == 19604
    # the 19,603: a normalisation keeping only letters and .!? merges one more pair,
    # "It's already 7:00." with "It's already 11." -- different sentences, kept apart here
    two = [s for s, _ in pairs if s in ("It's already 7:00.", "It's already 11.")]
    letters = {" ".join(re.sub(r"[^a-z.!?]+", " ", re.sub(r"([.!?])", r" \1", s.lower())).split())
               for s in two}
    assert len(two) == 2 and letters == {"it s already ."}
    assert len({tuple(en_words(s)) for s in two}) == 2
    cfg = DataConfig("eng-cn")
    test = cfg.part("test")
    assert len(test) == 980 and len(cfg.part("valid")) == 980
    assert len(cfg.part("train")) == 19604 - 2 * 980
    assert not {s for s, _ in test} & {s for s, _ in cfg.part("train")}
    reverse = DataConfig("eng-cn", reverse=True)
    assert reverse.part("test") == [(t, s) for s, t in test]
    assert (reverse.src_tokenizer, reverse.tgt_tokenizer) == ("zh_chars", "en_words")


def test_vocabularies_share_reserved_ids_and_map_unknown_words(tmp_path: Path) -> None:
    cfg = DataConfig("x", src_min_freq=1)
    pairs = [("I am cold.", "我很冷。"), ("I am hot.", "我很熱。")]
    v = Vocabs.build(cfg, pairs)
    assert v.src.to_tokens([0, 1, 2, 3]) == v.tgt.to_tokens([0, 1, 2, 3]) == [
        "<unk>", "<pad>", "<bos>", "<eos>"]
    ids = v.encode_source(["i", "am", "frozen", "<pad>"])
    assert ids.tolist() == [v.src["i"], v.src["am"], v.src.unk, v.src.unk, v.eos]
    assert v.encode_target(list("我冷")).tolist() == [v.bos, v.tgt["我"], v.tgt["冷"], v.eos]
    assert Vocabs.from_dict(v.to_dict()) == v
    with pytest.raises(DataError):
        Vocabs.from_dict({"src": v.to_dict()["src"]})
