"""The console entry point and the one error handler: user errors are one line, bugs say so.

This module imports no library at import time: ``run()`` raises the cyclic collector's thresholds
first, so that importing typer and pydantic (hundreds of thousands of objects) does not run it.
"""

from __future__ import annotations

import errno
import gc
import os
import sys
from typing import Any

from manikit.errors import ManikitError, StateError, UserError

REPORT_URL = "https://github.com/manikit/manikit/issues"


def _click_errors() -> tuple[tuple[type[BaseException], ...], ...]:
    """typer's exit, abort and usage exceptions. typer >= 0.20 carries its own copy of click, and
    manikit imports click nowhere else: importing click as well only cost start-up time. Older
    typers raise click's own exceptions."""
    import typer

    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - depends on the installed typer
        from click import exceptions  # type: ignore[no-redef]
    return (
        (typer.Exit, getattr(exceptions, "Exit", typer.Exit)),
        (typer.Abort, getattr(exceptions, "Abort", typer.Abort)),
        (exceptions.ClickException,),
    )


def main(argv: list[str] | None = None, *, process_ends: bool = False) -> int:
    """Run one command; its exit code. ``process_ends``: the caller ends the process as soon as this
    returns (``run``), so a command that turned the cyclic collector off leaves it off."""
    try:
        return _command(argv)
    finally:
        if not process_ends:
            _KEPT.clear()
            if _COLLECTOR_OFF[0]:
                _COLLECTOR_OFF[0] = False
                gc.enable()


def _command(argv: list[str] | None) -> int:
    # pydantic looks for plugins through every installed package's metadata on first use, which
    # costs more start-up time than validating a small file; manikit's models take no plugins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _EXIT, _ABORT, _USAGE = _click_errors()
    from manikit.cli.app import app

    args = argv if argv is not None else sys.argv[1:]
    try:
        result = app(args=argv, prog_name="manikit", standalone_mode=False)
    except _EXIT as done:
        return int(getattr(done, "exit_code", 0))
    except _ABORT:
        sys.stderr.write("Aborted.\n")
        return 1
    except _USAGE as exc:
        usage: Any = exc  # a ClickException (typer's copy of click or click's own)
        usage.__dict__["message"] = _plain(usage.message)  # Final in click's stubs; a plain attribute
        usage.show()
        return _error_exit_code(usage.exit_code, args)
    except StateError as exc:
        sys.stderr.write(exc.kubectl_message() + "\n")
        return _error_exit_code(exc.exit_code, args)
    except UserError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return _error_exit_code(exc.exit_code, args)
    except ManikitError as exc:  # raised as it is, the base error is a bug
        return _internal(exc)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if exc.errno not in _FULL:
            return _internal(exc)
        # a full disk (stdout on one, or a file the command writes) is the machine's, not a bug
        sys.stderr.write(f"error: cannot write: {exc.strerror or exc}\n")
        return 1
    except Exception as exc:  # the last line of defence: a bug, said as one
        return _internal(exc)
    return result if isinstance(result, int) else 0


#: the errnos of a write that found no room: said as the user's error, not as a bug
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def _plain(message: str) -> str:
    """A usage message in manikit's words: pydantic's "Value error, " prefix (typer's enum check) dropped."""
    return message.replace("Value error, ", "")


def _error_exit_code(code: int, argv: list[str]) -> int:
    """Errors exit with their own code, except under ``--detailed-exitcode``, where 2 means "changes
    present": there every error (usage errors included) exits 1."""
    if code == 2 and "--detailed-exitcode" in argv:
        return 1
    return code


def _internal(exc: BaseException) -> int:
    from manikit import __version__  # read on demand: importlib.metadata is slow to import

    sys.stderr.write(
        f"internal error: {type(exc).__name__}: {exc}\n"
        f"This is a bug in manikit {__version__}, not in your manifests. Please report it at {REPORT_URL}\n"
        "with the command you ran; set MANIKIT_DEBUG=1 to include the traceback.\n"
    )
    if os.environ.get("MANIKIT_DEBUG"):
        import traceback  # only for a bug's report: start-up time otherwise

        traceback.print_exc()
    return 3


#: the cyclic collector's thresholds for a command's process (mypy sets the same kind): manikit builds
#: large acyclic trees (10,000 parsed objects are millions of dicts and lists), and with the default
#: thresholds the collector walks them again and again while they grow, up to two thirds of a big
#: plan's time; the few cycles there are still get collected, later. Raised before typer and pydantic
#: are imported: with the default thresholds importing them alone ran the collector a score of times.
GC_THRESHOLDS = (200_000, 30, 30)


#: set by a command that may end without the interpreter's teardown (``end_without_teardown``)
_END_FAST = [False]
#: what such a command leaves to the end of the process, not to be freed before it (``end_without_teardown``)
_KEPT: list[object] = []


def end_without_teardown(*kept: object) -> None:
    """Let the ``manikit`` process end as soon as this command returns and its output is flushed,
    without the interpreter's teardown: freeing a big plan's objects one by one took a tenth of a
    second or more, and freed nothing anyone needed. ``kept``: what the command's return would free
    on its way out (its state's caches, after an apply: a fifth of a CPU second), kept until the end.
    Only for a command that leaves nothing to finalize: its files and the state closed, its worker
    processes joined, no thread but daemons. In-process callers get ``kept`` freed as ``main`` returns."""
    _END_FAST[0] = True
    _KEPT.extend(kept)


#: set by a command that turned the cyclic collector off for the rest of its run (``collector_off``)
_COLLECTOR_OFF = [False]


def collector_off() -> None:
    """Run the rest of this command without the cyclic collector: for a command that builds millions
    of objects in trees (no cycles: reference counting frees them) and then ends. An apply of 10,000
    objects spent about half a second in collections that found a handful of cycles
    (tests/cli/test_apply_collector.py keeps it so). ``main`` turns the collector back on when the
    command returns to a caller that goes on (tests, in-process callers); ``run`` ends the process."""
    if gc.isenabled():
        gc.disable()
        _COLLECTOR_OFF[0] = True


def run() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    code = main(process_ends=True)
    if _END_FAST[0] and _flushed():
        os._exit(code)
    # The command is done: its state committed and closed, its files written. What is left is the
    # interpreter's teardown, whose collections walked every object a big command leaves (a 10,000
    # object apply: 800,000 of them, 2.5 s of exit). Frozen, they are freed by reference counting
    # alone; streams are still flushed, atexit handlers run and exit codes are kept as before.
    gc.freeze()
    sys.exit(code)


def _flushed() -> bool:
    """Whether stdout and stderr took what is buffered; if not (a closed pipe, a full disk), the
    interpreter's own exit says so, as without the fast end."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return False
    return True
