"""Build hook for the optional C extensions; all other metadata is in pyproject.toml.

``optional=True``: without a C compiler or Python headers the install still succeeds and
seqlm.ngram uses its numpy code instead (docs/ngram.md, "Compiled path").
"""

from setuptools import Extension, setup

HEADERS = ["src/seqlm/ngram/_textscan.h", "src/seqlm/ngram/_arpascan.h",
           "src/seqlm/ngram/_assemble.h", "src/seqlm/ngram/_merge.h",
           "src/seqlm/ngram/_arpawrite.h"]

setup(ext_modules=[
    Extension("seqlm.ngram._fastcount", ["src/seqlm/ngram/_fastcount.c"], depends=HEADERS,
              optional=True),
    Extension("seqlm.ngram._fastquery", ["src/seqlm/ngram/_fastquery.c"], depends=HEADERS,
              optional=True),
])
