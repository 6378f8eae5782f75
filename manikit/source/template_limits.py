"""Templates render under limits: every value (string or list) at most MAX_VALUE long, output at most
MAX_OUTPUT, integers grown by ``**`` at most MAX_INT_BITS, widths and counts given to filters and
string methods at most MAX_WIDTH; a wall-clock budget per template, and a memory budget that bounds
what the checks cannot see coming. Values render as data (YAML flow), never as Python reprs.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from functools import wraps
from types import FrameType
from typing import Any

from jinja2.runtime import Undefined
from jinja2.utils import Namespace

from manikit.source.template_helpers import TemplateFailure

MAX_VALUE = 8 * 2**20  # characters of one string, items of one list
MAX_OUTPUT = 32 * 2**20  # characters of one rendered file (a manifest file's own limit)
MAX_WIDTH = 100_000  # a width, count or size argument to a filter or string method
MAX_INT_BITS = 4096
MEMORY_BUDGET = 256 * 2**20  # address space one render may add to the process
#: filters whose integer arguments are widths, counts or sizes of what they make
WIDTH_FILTERS = frozenset(
    {"indent", "center", "wordwrap", "truncate", "batch", "slice", "format", "replace", "lipsum", "join"}
)
TIMEOUT_ENV = "MANIKIT_TEMPLATE_TIMEOUT"
DEFAULT_TIMEOUT = 10.0  # seconds of wall-clock time per template


class TemplateLimit(TemplateFailure):
    """A template that would render beyond a limit: a user error, said with the limit."""


def limit_error(what: str) -> TemplateLimit:
    return TemplateLimit(f"{what}: templates render under limits, to keep a hostile or mistaken one bounded")


def checked(value: Any) -> Any:
    """``value`` if it is within MAX_VALUE, else a TemplateLimit."""
    if isinstance(value, (str, bytes, list, tuple)) and len(value) > MAX_VALUE:
        raise limit_error(f"a value of {len(value):,} characters or items is over {MAX_VALUE:,}")
    return value


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Before ``*`` and ``**``: refuse results too large to compute."""
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if (
                isinstance(seq, (str, list, tuple))
                and isinstance(times, int)
                and len(seq) * times > MAX_VALUE
            ):
                raise limit_error(
                    f"repeating a value {times:,} times is over {MAX_VALUE:,} characters or items"
                )
    elif operator == "%" and isinstance(left, str):
        check_format_widths("%", left)
    elif operator == "**" and _too_many_bits(left, right):
        raise limit_error(f"{left} ** {right} is over {MAX_INT_BITS} bits")


_WIDTHS = re.compile(r"%[-#0 +]*(\d+)?(?:\.(\d+))?|\{[^{}]*?:[^{}]*?(\d+)(?:\.(\d+))?[^{}]*\}")


def check_format_widths(name: str, text: str) -> None:
    """Widths and precisions in a ``%`` or ``str.format`` format string, each at most MAX_WIDTH."""
    for match in _WIDTHS.finditer(text):
        for number in match.groups():
            if number and int(number) > MAX_WIDTH:
                raise limit_error(f"{name}: the width {int(number):,} is over {MAX_WIDTH:,}")


def _too_many_bits(base: Any, exponent: Any) -> bool:
    if not (isinstance(base, int) and isinstance(exponent, int)) or exponent <= 0:
        return False
    return max(abs(base).bit_length(), 1) * exponent > MAX_INT_BITS


def check_arguments(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_WIDTH:
            raise limit_error(f"{name}: the argument {arg:,} is over {MAX_WIDTH:,}")


def bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose size arguments and result are checked."""

    @wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        if name in WIDTH_FILTERS:
            own = _after_context(args)
            check_arguments(name, own if name == "lipsum" else own[1:], kwargs)
        if name == "join" and args:
            items = list(_after_context(args)[0]) if _after_context(args) else []
            total = sum(len(i) for i in items if isinstance(i, str))
            if total > MAX_VALUE:
                raise limit_error(f"joining {total:,} characters is over {MAX_VALUE:,}")
        if name == "replace":
            _check_replace(_after_context(args), kwargs)
        return checked(func(*args, **kwargs))

    return run


def _after_context(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The filter's own arguments: jinja2 passes the context or environment first to some filters."""
    if args and type(args[0]).__name__ in ("Context", "EvalContext", "_Sandbox"):
        return args[1:]
    return args


def _check_replace(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    if len(args) >= 3 and all(isinstance(a, str) for a in args[:3]):
        text, old, new = args[:3]
        if len(new) > len(old):
            hits = text.count(old) if old else len(text) + 1
            if len(text) + hits * (len(new) - len(old)) > MAX_VALUE:
                raise limit_error(f"replace would make a value of over {MAX_VALUE:,} characters")


class BoundedNamespace(Namespace):
    """``namespace()`` whose attributes hold values within the limits (no doubling a string in a loop)."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, checked(value))


# --- values as data --------------------------------------------------------------------------------

_DATA = (str, int, float, bool, type(None))
_REPR = re.compile(
    r"<(?:(?:built-in )?(?:function|method)|bound method|class|module|generator|[\w.]+ object|Namespace)\b"
)


def as_data(value: Any) -> Any:
    """What ``{{ value }}`` writes: scalars as they are, lists and mappings as YAML flow (JSON), with
    every undefined value inside an error; anything else (functions, classes, objects) is refused."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if value is None:
        return "null"
    if isinstance(value, _DATA):
        return value
    if isinstance(value, (list, tuple, Mapping)):
        return checked(json.dumps(_plain_data(value), ensure_ascii=False))
    raise TemplateFailure(
        f"{{{{ }}}} was given {_describe(value)}, not a value: templates write strings, numbers, "
        "booleans, lists and mappings"
    )


def _plain_data(value: Any) -> Any:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, Mapping):
        return {str(k): _plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_data(v) for v in value]
    if isinstance(value, _DATA):
        return value
    raise TemplateFailure(f"a list or mapping holds {_describe(value)}, not a value")


def _describe(value: Any) -> str:
    if isinstance(value, type):
        return "a class"
    if callable(value):
        return "a function"
    return f"a {type(value).__name__} object"


def refuse_reprs(text: str) -> None:
    """Output that holds a Python object's repr (``<function ...>``) leaks internals: refused."""
    found = _REPR.search(text)
    if found:
        raise TemplateFailure(
            f"the output holds a Python object ({found.group(0)}...>), not a value: a function, class or "
            "object was turned into text"
        )


# --- time and memory -------------------------------------------------------------------------------


def timeout_seconds() -> float:
    raw = os.environ.get(TIMEOUT_ENV)
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


class _TimedOut(BaseException):
    """Raised by the alarm inside a render; BaseException so that no template-level handler eats it."""


@contextlib.contextmanager
def budget() -> Iterator[None]:
    """Wall-clock and memory budgets around one render (the alarm only in the main thread)."""
    seconds = timeout_seconds()
    with _memory_budget(), _alarm(seconds):
        try:
            yield
        except _TimedOut:
            raise limit_error(f"rendering took over {seconds:g} s") from None
        except MemoryError:
            raise limit_error(f"rendering needed over {MEMORY_BUDGET // 2**20} MiB of memory") from None


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def ring(signum: int, frame: FrameType | None) -> None:
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _memory_budget() -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    size = _address_space()
    if size is None:
        yield
        return
    wanted = size + MEMORY_BUDGET
    if soft != resource.RLIM_INFINITY and soft <= wanted:
        yield  # already limited more tightly by the user: keep theirs
        return
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
