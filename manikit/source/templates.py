"""Render ``*.j2`` manifests: jinja2 in a sandbox, strict about undefined values, with a line map.

A template tree is the nearest directory at or above a template holding ``manikit.values.yaml`` (else
the template's own directory). Its values file is the base of the values; ``{% include %}`` and
``{% import %}`` read only inside the tree. Each tree gets one environment per set of render options,
and compiled templates are kept on disk, so a template is compiled once, not once per command.
jinja2's errors become Problems at this boundary.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import TracebackType
from typing import Any

import jinja2
from jinja2 import BaseLoader, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.runtime import Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import generate_lorem_ipsum

from manikit.diagnostics import Level, Problem
from manikit.source.linemap import LINE_MARK, MARK_END, LineMap, finish
from manikit.source.reader import MAX_FILE_BYTES, TEMPLATE_SUFFIX, VALUES_FILE, SourceText, read_source
from manikit.source.template_helpers import (
    FILTERS,
    PathUndefined,
    TemplateFailure,
    TemplateRefused,
    env_reader,
    wrap_values,
)
from manikit.source.template_limits import (
    MAX_OUTPUT,
    BoundedNamespace,
    as_data,
    bounded_filter,
    budget,
    check_arguments,
    check_binop,
    check_format_widths,
    checked,
    limit_error,
    refuse_reprs,
)
from manikit.source.values import RenderOptions, Values, base_values, deep_merge

_TOP = "\0top:"  # template names with this prefix are rendered files: only they carry line marks
_CAPTURING = frozenset({"macro", "call", "filter"})  # their body is a value, not output: never marked
_ENDS = frozenset({"endmacro", "endcall", "endfilter", "endset"})
MAX_TEMPLATE_BYTES = MAX_FILE_BYTES
_RUNTIME_FAULTS = (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, RecursionError)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered template: its text under the template's name, and the map back to template lines."""

    source: SourceText
    lines: LineMap


def render_source(source: SourceText, options: RenderOptions) -> tuple[Rendered | None, list[Problem]]:
    """Render one template file; a template fault is a Problem at the template file and line."""
    return _renderer(_tree(source.name), options).render(source)


# --- template trees and their environments ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tree:
    root: str  # as the user sees it (relative when the template path was)
    values_file: str | None


def _tree(name: str) -> _Tree:
    start = os.path.dirname(os.path.abspath(name))
    found = _find_values_dir(start)
    root_abs = found or start
    root = root_abs if os.path.isabs(name) else os.path.relpath(root_abs)
    return _Tree(root, os.path.join(root, VALUES_FILE) if found else None)


@lru_cache(maxsize=256)
def _find_values_dir(start: str) -> str | None:
    """The nearest directory at or above ``start`` with a values file; the search stops at a repo root."""
    path = start
    while True:
        if os.path.isfile(os.path.join(path, VALUES_FILE)):
            return path
        parent = os.path.dirname(path)
        if parent == path or os.path.exists(os.path.join(path, ".git")):
            return None
        path = parent


_RENDERERS: dict[tuple[str, str, str, tuple[int, int]], _Renderer] = {}


def _renderer(tree: _Tree, options: RenderOptions) -> _Renderer:
    stamp = _stamp(tree.values_file) if tree.values_file else (0, 0)
    key = (os.path.abspath(tree.root), tree.root, options.key, stamp)
    found = _RENDERERS.get(key)
    if found is None:
        if len(_RENDERERS) > 64:
            _RENDERERS.clear()
        base = base_values(os.path.abspath(tree.values_file), stamp) if tree.values_file else {}
        found = _RENDERERS[key] = _Renderer(tree.root, deep_merge(base, options.overrides), options.allow_env)
    return found


def _stamp(path: str) -> tuple[int, int]:
    """A file's modification time and size: a cached read is reused only while both are unchanged."""
    try:
        info = os.stat(path)
    except OSError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


class _Renderer:
    def __init__(self, root: str, values: Values, allow_env: bool) -> None:
        self.root = root
        self.loader = _TreeLoader(root)
        self.env = _environment(self.loader, allow_env)
        wrapped = wrap_values(values, "")
        self.context: dict[str, Any] = {"values": wrapped, **wrapped}

    def render(self, source: SourceText) -> tuple[Rendered | None, list[Problem]]:
        path = os.path.relpath(source.name, self.root).replace(os.sep, "/")
        self.loader.top_text = source.text
        try:
            template = self.env.get_template(_TOP + path)
            with budget():
                marked = _bounded_output(template.generate(self.context))
            refuse_reprs(marked)
        except TemplateSyntaxError as exc:
            return None, [_syntax_problem(exc, source.name, self.root, path)]
        except _RUNTIME_FAULTS as exc:
            return None, [_runtime_problem(exc, source.name, self.root, path, self.loader.loaded)]
        text, lines = finish(marked)
        return Rendered(SourceText(source.name, text), LineMap(lines, source.text, text)), []


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        check_binop(operator, left, right)
        return checked(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):  # "x".ljust(n), "x".zfill(n), "{:>9}".format(...)
            name = f"str.{getattr(__obj, '__name__', 'method')}"
            check_arguments(name, args, kwargs)
            check_format_widths(name, owner)
        return checked(super().call(__context, __obj, *args, **kwargs))

    def join_path(self, template: str, parent: str) -> str:
        """Every include and import names a template through here: loader-internal names are refused."""
        if not isinstance(template, str) or "\0" in template:
            raise TemplateRefused(f"{_shown(template)} is not a template name")
        return template

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        what = (
            "mapping" if isinstance(obj, Mapping) else "list" if isinstance(obj, list) else type(obj).__name__
        )
        return self.undefined(
            f"{attribute!r} of a {what} is off limits: templates reach no Python internals and "
            "cannot change values",
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )


def _environment(loader: BaseLoader, allow_env: bool) -> ImmutableSandboxedEnvironment:
    env = _Sandbox(
        loader=loader,
        undefined=PathUndefined,
        autoescape=False,  # YAML, not HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,  # one stat per use: a template edited in place is compiled again
        cache_size=-1,  # every template compiled once, however many there are
        extensions=[_LineMarks],
        finalize=as_data,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(FILTERS)
    for name, func in list(env.filters.items()):
        env.filters[name] = bounded_filter(name, func)
    env.globals["env"] = env_reader(allow_env)
    env.globals["namespace"] = BoundedNamespace
    env.globals["lipsum"] = bounded_filter("lipsum", generate_lorem_ipsum)
    return env


def _bounded_output(chunks: Iterator[str]) -> str:
    """The rendered text, stopped as soon as it passes MAX_OUTPUT.

    A line mark straight after another marks nothing, so it takes the other's place: a loop whose body
    writes nothing adds no text however often it runs (it is stopped by the time budget instead).
    """
    out: list[str] = []
    size = 0
    last_was_mark = False
    for chunk in chunks:
        is_mark = _is_bare_mark(chunk)
        if is_mark and last_was_mark:
            size -= len(out.pop())
        last_was_mark = is_mark
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise limit_error(f"the rendered text is over {MAX_OUTPUT // 2**20} MiB")
        out.append(chunk)
    return "".join(out)


def _is_bare_mark(chunk: str) -> bool:
    return chunk.startswith(LINE_MARK) and chunk.endswith(MARK_END) and chunk.count(MARK_END) == 1


CACHE_ENV = "MANIKIT_CACHE_DIR"  # where compiled templates are kept; "off" keeps none


@lru_cache(maxsize=1)
def _bytecode_cache() -> BytecodeCache | None:
    """Compiled templates kept on disk, so a template is compiled once, not once per command.

    Compiling is most of the cost of a template (milliseconds each, against a fraction of one to render),
    and lint, plan and apply read the same templates in turn. Entries are keyed by template name and
    source checksum; the directory is named after the code that compiles, so a change to it starts afresh.
    """
    configured = os.environ.get(CACHE_ENV)
    if configured == "off":
        return None
    base = configured or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "manikit"
    )
    directory = os.path.join(base, f"templates-{_code_tag()}")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        info = os.stat(directory)
    except OSError:
        return None  # an unwritable cache only costs time: render without one
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        return None  # compiled code others could write is code others could run: not used
    return _QuietCache(directory)


def _code_tag() -> str:
    digest = hashlib.sha256(f"{jinja2.__version__} {sys.version}".encode())
    for module in (__file__, os.path.join(os.path.dirname(__file__), "linemap.py")):
        with open(module, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:16]


class _QuietCache(FileSystemBytecodeCache):
    """A cache entry that cannot be written (disk full, read-only) is a missed speed-up, not an error."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class _TreeLoader(BaseLoader):
    """Templates from inside one directory tree: no absolute paths, no ``..``, no symlinks leading out."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.loaded: set[str] = set()  # file names of the templates read, to find them in tracebacks
        self.top_text = ""  # the text of the file being rendered, as the caller read and decoded it

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template.startswith(_TOP):  # the file the user named: already read, wherever a symlink leads
            path = os.path.normpath(os.path.join(self.root, template.removeprefix(_TOP)))
            return self._found(path, self.top_text)
        name = template
        tree = f"the template tree {os.path.join(self.root, '')}"
        if name.startswith(("/", "\\")) or os.path.isabs(name) or os.path.splitdrive(name)[0]:
            raise TemplateRefused(f"{name!r} is an absolute path: templates include only from {tree}")
        parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
        if ".." in parts:
            raise TemplateRefused(f"{name!r} leaves {tree}: '..' is not allowed")
        path = os.path.normpath(os.path.join(self.root, *parts))
        real = os.path.realpath(path)
        if os.path.commonpath([real, self.real_root]) != self.real_root:
            raise TemplateRefused(f"{name!r} resolves outside {tree}")
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise TemplateRefused(f"{name!r} is not a regular file: templates include only files")
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read(MAX_TEMPLATE_BYTES + 1)
            if len(text) > MAX_TEMPLATE_BYTES:
                raise TemplateFailure(f"template {path} is over {MAX_TEMPLATE_BYTES // 2**20} MiB")
        except FileNotFoundError:
            raise TemplateNotFound(name) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateFailure(f"cannot read template {path}: {exc}") from exc
        return self._found(path, text)

    def _found(self, path: str, text: str) -> tuple[str, str, Callable[[], bool]]:
        stamp = _stamp(path)
        self.loaded.add(path)
        return text, path, lambda: _stamp(path) == stamp


def _shown(value: object) -> str:
    text = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


# --- line marks ------------------------------------------------------------------------------------


def _mark(line: int) -> str:
    return f"{LINE_MARK}{line}{MARK_END}"


class _LineMarks(Extension):
    """Marks the output of a rendered file with the template line each piece of it comes from.

    Marks go where output starts (text, ``{{ }}``, ``{% %}``), never inside a macro, call, filter or
    block-set body, whose text is a value a filter may still transform.
    """

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        if not (stream.name or "").startswith(_TOP):
            yield from stream
            return
        tokens = iter(stream)
        depth = 0
        last = 0  # the line of the last mark since the last tag: between tags, code runs straight on
        for token in tokens:
            if token.type == "data" and depth == 0:
                text, last = _marked_text(token.value, token.lineno, last)
                yield Token(token.lineno, "data", text)
            elif token.type == "block_begin":
                tag = _read_tag(token, tokens)
                if depth == 0 and last != token.lineno:
                    yield Token(token.lineno, "data", _mark(token.lineno))
                depth = max(0, depth + _nesting(tag))
                last = 0  # a tag may loop, branch or call: the next output marks its line again
                yield from tag
            elif token.type == "variable_begin" and depth == 0:
                if last != token.lineno:
                    yield Token(token.lineno, "data", _mark(token.lineno))
                    last = token.lineno
                yield token
            else:
                yield token


def _marked_text(text: str, line: int, last: int) -> tuple[str, int]:
    pieces = text.split("\n")
    out = [_mark(line) if line != last else "", pieces[0]]
    for offset, piece in enumerate(pieces[1:], 1):
        out += ["\n", _mark(line + offset), piece]
    return "".join(out), line + len(pieces) - 1


def _read_tag(first: Token, tokens: Iterator[Token]) -> list[Token]:
    tag = [first]
    for token in tokens:
        tag.append(token)
        if token.type == "block_end":
            break
    return tag


def _nesting(tag: list[Token]) -> int:
    """+1 when a tag opens a capturing body, -1 when it closes one."""
    name = tag[1].value if len(tag) > 1 and tag[1].type == "name" else ""
    if name in _CAPTURING or (name == "set" and not any(t.type == "assign" for t in tag)):
        return 1
    return -1 if name in _ENDS else 0


# --- errors to Problems ----------------------------------------------------------------------------


def _display(filename: str | None, name: str, root: str, path: str) -> str:
    """The rendered file's name as the user gave it; another template's as a path under the tree."""
    if not filename or filename == os.path.normpath(os.path.join(root, *path.split("/"))):
        return name
    return filename


def _syntax_problem(exc: TemplateSyntaxError, name: str, root: str, path: str) -> Problem:
    return Problem(
        _display(exc.filename, name, root, path),
        exc.lineno or 1,
        0,
        "MK020",
        "template-syntax",
        Level.ERROR,
        f"template syntax error: {exc.message or exc}",
    )


def _runtime_problem(exc: BaseException, name: str, root: str, path: str, templates: set[str]) -> Problem:
    filename, line = _template_frame(exc.__traceback__, templates)
    file = _display(filename, name, root, path)
    message = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, UndefinedError):
        return Problem(
            file,
            line,
            0,
            "MK021",
            "undefined-value",
            Level.ERROR,
            message,
            hint="define it in manikit.values.yaml, a --values file or --set, or give it a default: "
            "{{ x | default(...) }}",
        )
    if isinstance(exc, SecurityError):
        return Problem(file, line, 0, "MK022", "template-refused", Level.ERROR, f"refused: {message}")
    if isinstance(exc, TemplateNotFound):
        message = f"no template {exc.name!r} in the template tree {os.path.join(root, '')}"
    elif isinstance(exc, RecursionError):
        message = "the template includes or calls itself without end"
    elif not isinstance(exc, TemplateError):
        message = f"{type(exc).__name__}: {message}"
    return Problem(file, line, 0, "MK023", "template-error", Level.ERROR, message)


def _template_frame(tb: TracebackType | None, templates: set[str]) -> tuple[str | None, int]:
    """The innermost frame of a template (jinja2 rewrites tracebacks to template files and lines)."""
    found: tuple[str | None, int] = (None, 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in templates:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_file(name: str, options: RenderOptions) -> tuple[SourceText | None, list[Problem]]:
    """One file's text as the loaders see it: a ``*.j2`` file rendered, any other file as it is."""
    source, problems = read_source(name)
    if source is None or not name.lower().endswith(TEMPLATE_SUFFIX):
        return source, problems
    rendered, render_problems = render_source(source, options)
    return (rendered.source if rendered else None), [*problems, *render_problems]
