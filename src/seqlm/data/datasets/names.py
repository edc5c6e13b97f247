"""About 20k surnames in 18 languages (the PyTorch tutorial's data.zip); split = language."""

from seqlm.data.dataset import DataFile, Dataset, register_dataset

_LANGUAGES = (  # language, sha1, size in bytes
    ("Arabic", "9835120bb0d23d0ff65a1e487dcd1e167ea846d3", 13191),
    ("Chinese", "2fdb9fd5a8250aea3f5774dac42f89ef3392814f", 1248),
    ("Czech", "3b19827fcd7c299b867cb9ebdbc390d50dbbcb19", 3920),
    ("Dutch", "047891e9a13c927946839bdb0abc0814d5b1b494", 2352),
    ("English", "337fa1b9439b5a020a29a685ef8215519fcaf49f", 27126),
    ("French", "f7f8aa22697a90b8d76cd405849205f0e07ae27f", 2179),
    ("German", "dbe5750494dab30b28537ddf94a5f4128fda0e4a", 5611),
    ("Greek", "3b494ea9246f6a470979a3d5bccd327846416f00", 1982),
    ("Irish", "47294f34d07642de38dcf17df9a1fe6bca8c48dc", 1859),
    ("Italian", "427f6de6a473e25c40427184f69ebf1b52179141", 5658),
    ("Japanese", "6e787189767b894fd4339c2cdf9005c1357004c0", 7623),
    ("Korean", "576af6e2543978ea9f4d30e59b98d0758356578b", 424),
    ("Polish", "31afb6027fa0725814bb560a11aaec34024db671", 1166),
    ("Portuguese", "cb029efa525806813eb2c5e531138a0e11571157", 555),
    ("Russian", "906b09c917127718d39ea0252d1c1a7869678ba5", 85172),
    ("Scottish", "9092fb0d12592d0b8cb4d9d663d8421daf9d5e7c", 753),
    ("Spanish", "6ce5d745aa908c1fe4d9fde18ce7e56cf5ae20b1", 2285),
    ("Vietnamese", "93742c823d023ab48d3752e51b57499e16870257", 340),
)


@register_dataset
def names() -> Dataset:
    return Dataset(
        "names",
        "About 20k surnames in 18 languages, one a line; split = language",
        "https://download.pytorch.org/tutorial/data.zip",
        tuple(DataFile(lang, f"names/{lang}.txt", sha1, f"data/names/{lang}.txt", size)
              for lang, sha1, size in _LANGUAGES),
        license="PyTorch tutorials (BSD)",
    )
