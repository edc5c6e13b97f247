"""An .npz whose arrays are memory-mapped, not read: loading costs milliseconds and no RAM
until the pages are used.

``write_npz`` writes an ordinary uncompressed (stored) npz - ``np.load`` still reads it - with
each member's data aligned to 64 bytes (zipalign's trick: padding in the local header's extra
field). ``MappedNpz`` opens any stored npz, old ones included: the zip's central directory is
the index, each member's .npy header gives dtype and shape, and the array is an ``np.memmap``
at its offset. Every declared size is checked against the member and the file, compressed
members are refused (no zip bombs), and errors are ``ModelFileError``.
"""

from __future__ import annotations

import ast
import os
import struct
import zipfile
from collections.abc import Mapping
from typing import IO, BinaryIO

import numpy as np

from seqlm.ngram.errors import ModelFileError
from seqlm.ngram.spool import drop

ALIGN = 64
WRITE_BYTES = 1 << 26  # bytes of an array written at a time
_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # a zip local file header (30 bytes)


def _npy_header(a: np.ndarray) -> bytes:
    """The .npy version 1.0 header of a 1-D C-contiguous array, padded to ALIGN bytes."""
    d = {"descr": np.lib.format.dtype_to_descr(a.dtype), "fortran_order": False,
         "shape": a.shape}
    body = repr(d).encode("latin1")
    pad = -(10 + len(body) + 1) % ALIGN
    body += b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(body)) + body


def write_npz(fh: BinaryIO, arrays: Mapping[str, np.ndarray]) -> None:
    """Write ``arrays`` as a stored npz with 64-byte aligned member data."""
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, arr in arrays.items():
            a = arr if arr.flags.c_contiguous else np.ascontiguousarray(arr)  # a memmap stays
            head = _npy_header(a)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = len(head) + a.nbytes
            big = info.file_size >= 2**31
            start = fh.tell() + _LOCAL.size + len(info.filename.encode()) + (20 if big else 0)
            pad = -(start + 4 + len(head)) % ALIGN
            info.extra = struct.pack("<HH", 0xD935, pad) + b"\0" * pad
            with zf.open(info, "w", force_zip64=big) as out:
                out.write(head)
                flat = a.reshape(-1).view(np.uint8)
                for lo in range(0, len(flat), WRITE_BYTES):  # a file-backed array's pages
                    out.write(flat[lo:lo + WRITE_BYTES].data)  # go back as they are written
                    drop(flat[lo:lo + WRITE_BYTES])


class MappedNpz:
    """The members of a stored npz as read-only memmaps (see the module doc)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self.size = os.path.getsize(self.path)
        try:
            with zipfile.ZipFile(self.path) as zf:
                self.members = {i.filename[:-4]: i for i in zf.infolist()
                                if i.filename.endswith(".npy")}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError,
                EOFError, OSError, RecursionError, struct.error) as exc:
            raise ModelFileError(f"{self.path} is not a seqlm n-gram model (ARPA text or npz "
                                 f"archive): {type(exc).__name__}") from None

    @property
    def files(self) -> list[str]:
        """Names of the arrays."""
        return list(self.members)

    def get(self, name: str) -> np.ndarray:
        """Member ``name`` as a read-only memmap (a plain array when empty)."""
        info = self.members.get(name)
        if info is None:
            raise ModelFileError(f"{self.path}: missing array {name!r}")
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
            raise ModelFileError(f"{self.path}: array {name!r} is compressed or encrypted; "
                                 "seqlm writes (and reads) stored members only")
        with open(self.path, "rb") as fh:
            start = self._data_start(fh, info)
            dtype, shape = self._npy(fh, info, start)
            offset = fh.tell()
        count = int(np.prod(shape, dtype=object))
        if offset - start + count * dtype.itemsize > info.file_size:
            raise ModelFileError(f"{self.path}: array {name!r} declares {count} items, more "
                                 "than the file holds")
        if count == 0:
            return np.zeros(shape, dtype=dtype)
        return np.memmap(self.path, dtype=dtype, mode="r", offset=offset, shape=shape)

    def _data_start(self, fh: IO[bytes], info: zipfile.ZipInfo) -> int:
        """Where the member's bytes begin (after its local header), checked against the file."""
        fh.seek(info.header_offset)
        raw = fh.read(_LOCAL.size)
        if len(raw) != _LOCAL.size or raw[:4] != b"PK\x03\x04":
            raise ModelFileError(f"{self.path}: damaged zip member {info.filename!r}")
        fields = _LOCAL.unpack(raw)
        start = info.header_offset + _LOCAL.size + fields[9] + fields[10]
        if start + info.file_size > self.size:
            raise ModelFileError(f"{self.path}: member {info.filename!r} runs past the end "
                                 "of the file (truncated?)")
        fh.seek(start)
        return start

    def _npy(self, fh: IO[bytes], info: zipfile.ZipInfo, start: int
             ) -> tuple[np.dtype, tuple[int, ...]]:
        """dtype and shape from the .npy header at the current position (literal parsing, no
        pickled objects; a header larger than 64 KiB is refused)."""
        magic = fh.read(10)
        if len(magic) != 10 or magic[:6] != b"\x93NUMPY" or magic[6] not in (1, 2, 3):
            raise ModelFileError(f"{self.path}: {info.filename!r} is not a .npy array")
        if magic[6] == 1:
            n = struct.unpack("<H", magic[8:10])[0]
        else:
            n = struct.unpack("<I", magic[8:10] + fh.read(2))[0]
        if n > 65536 or fh.tell() - start + n > info.file_size:
            raise ModelFileError(f"{self.path}: {info.filename!r} has a bad .npy header")
        try:
            d = ast.literal_eval(fh.read(n).decode("latin1"))
            dtype = np.dtype(d["descr"])
            shape = tuple(int(x) for x in d["shape"])
            fortran = d["fortran_order"]
        except (ValueError, SyntaxError, TypeError, KeyError, MemoryError, RecursionError):
            raise ModelFileError(f"{self.path}: {info.filename!r} has a bad .npy header") from None
        if dtype.hasobject or fortran not in (False, 0) or any(s < 0 for s in shape):
            raise ModelFileError(f"{self.path}: {info.filename!r} holds an unsupported array")
        return dtype, shape
