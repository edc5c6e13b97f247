"""The dataset registry: named corpora, fetched once into a cache and verified by SHA-1.

Where files come from, in order:
1. the cache (``$SEQLM_CACHE``, else ``$XDG_CACHE_HOME/seqlm``, else ``~/.cache/seqlm``);
2. a mirror, if ``$SEQLM_MIRROR`` (or ``mirror=``) is set: an ``http(s)://`` or ``file://`` base
   URL under which each file sits at its ``mirror_path`` (the layout of the project's shared
   data folder), fetched and verified file by file;
3. the dataset's canonical address (a file or a zip archive), verified, then extracted safely.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from seqlm.data.download import download, extract_zip, sha1_file
from seqlm.errors import DatasetError

D2L_HUB = "http://d2l-data.s3-accelerate.amazonaws.com/"
UD_EWT = "https://raw.githubusercontent.com/UniversalDependencies/UD_English-EWT/r2.16/"
NAME_LANGUAGES = (
    "Arabic Chinese Czech Dutch English French German Greek Irish Italian Japanese Korean "
    "Polish Portuguese Russian Scottish Spanish Vietnamese"
).split()
_NAME_SHA1 = (
    "9835120bb0d23d0ff65a1e487dcd1e167ea846d3 2fdb9fd5a8250aea3f5774dac42f89ef3392814f "
    "3b19827fcd7c299b867cb9ebdbc390d50dbbcb19 047891e9a13c927946839bdb0abc0814d5b1b494 "
    "337fa1b9439b5a020a29a685ef8215519fcaf49f f7f8aa22697a90b8d76cd405849205f0e07ae27f "
    "dbe5750494dab30b28537ddf94a5f4128fda0e4a 3b494ea9246f6a470979a3d5bccd327846416f00 "
    "47294f34d07642de38dcf17df9a1fe6bca8c48dc 427f6de6a473e25c40427184f69ebf1b52179141 "
    "6e787189767b894fd4339c2cdf9005c1357004c0 576af6e2543978ea9f4d30e59b98d0758356578b "
    "31afb6027fa0725814bb560a11aaec34024db671 cb029efa525806813eb2c5e531138a0e11571157 "
    "906b09c917127718d39ea0252d1c1a7869678ba5 9092fb0d12592d0b8cb4d9d663d8421daf9d5e7c "
    "6ce5d745aa908c1fe4d9fde18ce7e56cf5ae20b1 93742c823d023ab48d3752e51b57499e16870257"
).split()


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset: where it sits in a mirror, in the canonical archive, and its SHA-1."""

    split: str
    mirror_path: str
    sha1: str
    archive_member: str | None = None
    url: str | None = None  # its own canonical address, for datasets published file by file


@dataclass(frozen=True)
class Dataset:
    """A registered corpus and how to fetch it."""

    name: str
    description: str
    url: str | None
    files: tuple[DataFile, ...]
    archive_sha1: str | None = None
    license: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def splits(self) -> list[str]:
        return [f.split for f in self.files]

    def file(self, split: str) -> DataFile:
        for f in self.files:
            if f.split == split:
                return f
        raise DatasetError(
            f"dataset {self.name!r} has no split {split!r}; choose one of {', '.join(self.splits)}"
        )


def _single(name: str, desc: str, url: str, path: str, sha1: str, lic: str, member: str | None
            = None, archive_sha1: str | None = None) -> Dataset:
    return Dataset(name, desc, url, (DataFile("train", path, sha1, member),), archive_sha1, lic)


REGISTRY: dict[str, Dataset] = {
    d.name: d
    for d in (
        _single(
            "timemachine",
            "H. G. Wells, The Time Machine (Project Gutenberg text used by the d2l book)",
            D2L_HUB + "timemachine.txt", "timemachine.txt",
            "090b5e7e70c295757f55df93cb0a180b9691891a", "public domain",
        ),
        Dataset(
            "ptb",
            "Penn Treebank, Mikolov's LM version: 10k words, <unk> in text, a sentence a line",
            D2L_HUB + "ptb.zip",
            (
                DataFile("train", "ptb/ptb.train.txt",
                         "f9ffb014fa33bd5730e5029697ad245184f3a678", "ptb/ptb.train.txt"),
                DataFile("valid", "ptb/ptb.valid.txt",
                         "d9f5fed6afa5e1b82cd1e3e5f5040f6852940228", "ptb/ptb.valid.txt"),
                DataFile("test", "ptb/ptb.test.txt",
                         "5c15c548b42d80bce9332b788514e6635fb0226e", "ptb/ptb.test.txt"),
            ),
            archive_sha1="319d85e578af0cdc590547f26231e4e31cdf1e42",
            license="LDC / Mikolov's release, for research",
        ),
        _single(
            "tinyshakespeare",
            "Tiny Shakespeare: 1.1 MB of plays, the char-rnn benchmark",
            "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/"
            "input.txt",
            "tinyshakespeare/input.txt", "04486597058d11dcc2c556b1d0433891eb639d2e",
            "public domain",
        ),
        _single(
            "jaychou",
            "Jay Chou song lyrics in Chinese (UTF-8), from the Chinese edition of the d2l book",
            "https://github.com/d2l-ai/d2l-zh/raw/v1.1/data/jaychou_lyrics.txt.zip",
            "jaychou_lyrics.txt", "1aaa9085d3ed99282ecbca0de95f48c823f3cc22",
            "for research and teaching", member="jaychou_lyrics.txt",
        ),
        Dataset(
            "names",
            "About 20k surnames in 18 languages, one a line; split = language",
            "https://download.pytorch.org/tutorial/data.zip",
            tuple(
                DataFile(lang, f"names/{lang}.txt", sha, f"data/names/{lang}.txt")
                for lang, sha in zip(NAME_LANGUAGES, _NAME_SHA1, strict=True)
            ),
            license="PyTorch tutorials (BSD)",
        ),
        Dataset(
            "ud-en-ewt",
            "Universal Dependencies English Web Treebank r2.16, CoNLL-U (UPOS, XPOS, ...): "
            "12,544 / 2,001 / 2,077 sentences",
            None,
            tuple(
                DataFile(split, f"ud-en-ewt/en_ewt-ud-{split}.conllu", sha,
                         url=f"{UD_EWT}en_ewt-ud-{split}.conllu")
                for split, sha in (("train", "514bd20bce360f5897ae05943a51c39724eb8fbd"),
                                   ("dev", "4102d220c733fad621a6c2a1319867ca40a7aa00"),
                                   ("test", "03062d028f7cf580077fee56b1cecb3bfdcc093f"))
            ),
            license="CC BY-SA 4.0 (annotations (c) 2013-2021 The Board of Trustees of the "
                    "Leland Stanford Junior University; texts from the LDC English Web Treebank)",
        ),
        Dataset(
            "eng-cn",
            "About 20k English-Chinese sentence pairs, tab-separated (Tatoeba-derived); "
            "mirror only: the upstream archive has another layout",
            None,
            (DataFile("train", "eng-cn.txt", "5b9b19c954eba7408b5094a7c7f433b1d71cf2c4"),),
            license="CC-BY 2.0 (Tatoeba)",
        ),
    )
}


def cache_dir() -> Path:
    """Where datasets live: ``$SEQLM_CACHE``, ``$XDG_CACHE_HOME/seqlm`` or ``~/.cache/seqlm``."""
    env = os.environ.get("SEQLM_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "seqlm"


def get_dataset(name: str) -> Dataset:
    """Look up a registered dataset by name."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise DatasetError(
            f"unknown dataset {name!r}; known: {', '.join(sorted(REGISTRY))}"
        ) from None


def cached_path(name: str, split: str | None = None) -> Path:
    """Where a dataset file sits in the cache (it may not be there yet)."""
    ds = get_dataset(name)
    f = ds.file(split or ds.splits[0])
    return cache_dir() / ds.name / f.mirror_path


def is_cached(name: str, split: str | None = None) -> bool:
    """True if the file is already in the cache."""
    return cached_path(name, split).is_file()


def _from_mirror(ds: Dataset, base: str, progress: bool, timeout: float) -> None:
    base = base if base.endswith("/") else base + "/"
    for f in ds.files:
        dest = cache_dir() / ds.name / f.mirror_path
        if not dest.is_file():
            download(base + f.mirror_path, dest, f.sha1, progress=progress, timeout=timeout)


def _from_canonical(ds: Dataset, progress: bool, timeout: float) -> None:
    root = cache_dir() / ds.name
    if ds.url is None and all(f.url for f in ds.files):  # published file by file
        for f in ds.files:
            dest = root / f.mirror_path
            if not dest.is_file():
                download(str(f.url), dest, f.sha1, progress=progress, timeout=timeout)
        return
    if ds.url is None:
        raise DatasetError(
            f"dataset {ds.name!r} has no public download address; set SEQLM_MIRROR to a folder "
            f"or server holding {ds.files[0].mirror_path}"
        )
    if not ds.url.endswith(".zip"):
        download(ds.url, root / ds.files[0].mirror_path, ds.files[0].sha1,
                 progress=progress, timeout=timeout)
        return
    archive = root / ".download" / Path(ds.url).name
    download(ds.url, archive, ds.archive_sha1, progress=progress, timeout=timeout)
    staging = root / ".download" / "extract"
    extract_zip(archive, staging)
    for f in ds.files:
        src = staging / (f.archive_member or f.mirror_path)
        if not src.is_file():
            raise DatasetError(f"archive {ds.url} lacks {f.archive_member}")
        got = sha1_file(src)
        if got != f.sha1:
            raise DatasetError(
                f"checksum mismatch for {f.archive_member} in {ds.url}: "
                f"expected sha1 {f.sha1}, got {got}"
            )
        dest = root / f.mirror_path
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)


def fetch(
    name: str,
    *,
    mirror: str | None = None,
    progress: bool = True,
    timeout: float = 30.0,
) -> Path:
    """Make sure every file of ``name`` is in the cache (download once), return its folder."""
    ds = get_dataset(name)
    root = cache_dir() / ds.name
    if all((root / f.mirror_path).is_file() for f in ds.files):
        return root
    base = mirror if mirror is not None else os.environ.get("SEQLM_MIRROR")
    if base:
        _from_mirror(ds, base, progress, timeout)
    else:
        _from_canonical(ds, progress, timeout)
    return root


def dataset_path(name: str, split: str | None = None, **fetch_kwargs: object) -> Path:
    """Path of one split of a dataset in the cache, downloading it first if needed."""
    ds = get_dataset(name)
    f = ds.file(split or ds.splits[0])
    root = fetch(name, **fetch_kwargs)  # type: ignore[arg-type]
    return root / f.mirror_path
