"""Tiny Shakespeare: the char-rnn benchmark."""

from seqlm.data.dataset import DataFile, Dataset, register_dataset


@register_dataset
def tinyshakespeare() -> Dataset:
    return Dataset(
        "tinyshakespeare",
        "Tiny Shakespeare: 1.1 MB of plays, the char-rnn benchmark",
        "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/"
        "input.txt",
        (DataFile("train", "tinyshakespeare/input.txt",
                  "04486597058d11dcc2c556b1d0433891eb639d2e", size=1115394),),
        license="public domain",
    )
