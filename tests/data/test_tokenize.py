import pytest

from seqlm.data import char_tokenize, get_tokenizer, load_text, register_tokenizer, word_tokenize
from seqlm.data.tokenize import tokenize_lines, tokenizer_names
from seqlm.errors import ConfigError


def test_word_and_char() -> None:
    assert word_tokenize(" the  time\tmachine\n by ") == ["the", "time", "machine", "by"]
    assert char_tokenize("ab c") == ["a", "b", " ", "c"]


@pytest.mark.dataset("jaychou")
def test_char_level_on_chinese_lyrics() -> None:
    text = load_text("jaychou")
    toks = char_tokenize(text)
    assert len(toks) == len(text)
    assert all(len(t) == 1 for t in toks)
    # Real CJK characters are single tokens, not UTF-8 bytes.
    cjk = {t for t in toks if "\u4e00" <= t <= "\u9fff"}
    assert len(cjk) > 2000
    assert "".join(toks) == text


def test_extension_point() -> None:
    register_tokenizer("bigram_chars", lambda s: [s[i : i + 2] for i in range(0, len(s), 2)])
    assert "bigram_chars" in tokenizer_names()
    assert get_tokenizer("bigram_chars")("abcde") == ["ab", "cd", "e"]
    assert tokenize_lines(["a b", "c"], "word") == [["a", "b"], ["c"]]


def test_unknown_tokenizer() -> None:
    with pytest.raises(ConfigError, match="unknown tokenizer"):
        get_tokenizer("bpe-not-registered")
