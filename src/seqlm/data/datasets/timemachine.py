"""H. G. Wells, The Time Machine: the d2l book's character-level corpus."""

from seqlm.data.dataset import DataFile, Dataset, register_dataset
from seqlm.data.datasets._hubs import D2L_HUB


@register_dataset
def timemachine() -> Dataset:
    return Dataset(
        "timemachine",
        "H. G. Wells, The Time Machine (Project Gutenberg text used by the d2l book)",
        D2L_HUB + "timemachine.txt",
        (DataFile("train", "timemachine.txt", "090b5e7e70c295757f55df93cb0a180b9691891a",
                  size=178979),),
        license="public domain",
    )
