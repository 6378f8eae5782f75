"""The fuzz suite's inputs: the hostile corpus beside this file, seeds made by manikit itself (a
state, a saved plan, templates), and mutations of them; and what counts as a failure."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).with_name("corpus")
#: fragments that broke parsers, templates and the control plane before, spliced into seeds
TOKENS: tuple[bytes, ...] = (
    b"*a",
    b"&a ",
    b"<<: *a",
    b"!!python/object:os.system",
    b"\x00",
    b"\xff\xfe",
    b"9" * 40,
    b"-1e400",
    b".inf",
    b".nan",
    b"{{ ",
    b" }}",
    b"{% for i in range(99999) %}",
    b"{% endfor %}",
    b"{{ cycler }}",
    b"{{ ''.format }}",
    b"{{ [undefined_value] }}",
    b"]]]]",
    b"[[[[",
    b"\t",
    "\ufeff".encode(),
    b"~",
    b"0o777",
    b"2147483648",
    b"99999Ei",
    b"1E",
    b"---\n",
    b'"\\u0000"',
    b"{",
    b"}",
)


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stderr: str

    @property
    def internal_error(self) -> bool:
        """Exit 3 or "internal error": what the fuzz suite exists to find."""
        return self.exit_code == 3 or "internal error" in self.stderr or "Traceback" in self.stderr


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_file())


def mutate(seed: bytes, rng: random.Random, edits: int) -> bytes:
    """``seed`` with ``edits`` random changes: flipped bytes, spliced tokens, cuts and duplications."""
    data = bytearray(seed)
    for _ in range(edits):
        if not data:
            data.extend(rng.choice(TOKENS))
            continue
        at = rng.randrange(len(data))
        choice = rng.randrange(5)
        if choice == 0:
            data[at] = rng.randrange(256)
        elif choice == 1:
            data[at:at] = rng.choice(TOKENS)
        elif choice == 2:
            del data[at : at + rng.randrange(1, 64)]
        elif choice == 3:
            end = min(len(data), at + rng.randrange(1, 256))
            data[at:at] = data[at:end]
        else:
            del data[at:]
    return bytes(data)
