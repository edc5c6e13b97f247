"""``python -m seqlm`` (and ``torchrun -m seqlm``): the same CLI as the ``seqlm`` command."""

from seqlm.cli.main import run

if __name__ == "__main__":
    run()
