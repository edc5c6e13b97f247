"""The ``seqlm`` command line: one sub-command group per part of the library."""
