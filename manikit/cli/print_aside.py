"""A big plan printed by a child process while this one applies it (``manikit apply --auto-approve``).

Printing the text of 10,000 created objects takes most of a second on one core, and an approved apply
does not need to wait for it: the plan is final. So where it cannot change what anyone sees, a forked
child writes the plan to stdout while the parent applies it on the other core, and the parent commits
only once the child has written all of it. What a reader gets is what the sequential apply gives: the
plan whole, then what the apply says, in that order; and when stdout takes nothing (a closed pipe, a
full disk), nothing is applied, the error being the parent's own, as if it had printed the plan itself.

Only where all of this holds: stdout is a file or a pipe (not a terminal, not an in-process capture),
the text is plain (no colours), the cluster's batches are atomic (the local control plane: a real
cluster's writes cannot wait for the commit), and the plan is big enough to be worth a fork.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator

from manikit.cli import console
from manikit.plan.actions import Plan

#: below this many changes the plan prints in well under a tenth of a second: not worth a fork
ASIDE_MIN_CHANGES = 2000

#: what the child tells the parent when it could not print (first line: errno, or one of these)
_FAILED_BUG = "bug"
_INTERRUPTED = "interrupted"


class PrintedAside:
    """The child printing the plan. ``wait()`` returns once it has printed all of it, or raises what
    printing raised (an ``OSError`` of the same errno: ``BrokenPipeError``, a full disk...)."""

    def __init__(self, pid: int, report: int) -> None:
        self._pid = pid
        self._report = report
        self._waited = False

    def wait(self) -> None:
        if self._waited:
            return
        self._waited = True
        with os.fdopen(self._report, "rb") as report:
            said = report.read().decode("utf-8", "replace")
        _, status = os.waitpid(self._pid, 0)
        if said:
            kind, _, message = said.partition("\n")
            if kind == _INTERRUPTED:  # Ctrl-C reached the child (the terminal's whole group)
                raise KeyboardInterrupt
            if kind == _FAILED_BUG:
                raise RuntimeError(f"printing the plan failed: {message}")
            raise OSError(int(kind), message)  # OSError picks the subclass of the errno
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"the process printing the plan ended with status {status}")


def can_print_aside(plan: Plan, atomic: bool) -> bool:
    """Whether ``plan`` may be printed by a child while this process applies it (see the module)."""
    if not atomic or len(plan.changes) < ASIDE_MIN_CHANGES or not hasattr(os, "fork"):
        return False
    try:
        sys.stdout.fileno()  # an in-process capture (CliRunner) has none: the child's text would be lost
    except (AttributeError, OSError, ValueError):
        return False
    return not sys.stdout.isatty() and console.stdout().no_color


def _print_in_child(plan: Plan, report: int) -> int:
    """The child's work: print ``plan``; what went wrong goes to the parent through ``report``."""
    from manikit.cli.plan_support import PlanFormat, print_plan

    try:
        print_plan(plan, PlanFormat.text)
        sys.stdout.flush()
    except OSError as exc:
        os.write(report, f"{exc.errno or errno.EIO}\n{exc.strerror or exc}".encode())
        return 1
    except KeyboardInterrupt:
        os.write(report, f"{_INTERRUPTED}\n".encode())
        return 1
    except BaseException as exc:  # a bug in rendering: the parent reports it as one
        os.write(report, f"{_FAILED_BUG}\n{type(exc).__name__}: {exc}".encode())
        return 1
    return 0


@contextlib.contextmanager
def printed_aside(plan: Plan) -> Iterator[PrintedAside]:
    """Fork a child that prints ``plan`` as text; on leaving, wait for it whatever happened here, so
    that nothing this process says comes before the end of the plan."""
    sys.stdout.flush()  # what is buffered would be written twice, once by each process
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: print, say how it went, and end whatever happens: never goes on as the parent
        code = 1
        try:
            os.close(read_end)
            code = _print_in_child(plan, write_end)
        finally:
            os._exit(code)
    os.close(write_end)
    aside = PrintedAside(pid, read_end)
    try:
        yield aside
    except BaseException:
        with contextlib.suppress(Exception):
            aside.wait()  # the plan ends before the error that stopped the apply is said
        raise
    aside.wait()
