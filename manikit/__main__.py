"""``python -m manikit``: the same command line as the ``manikit`` script."""

from manikit.cli.main import run

if __name__ == "__main__":
    run()
