"""Model validators kept on disk between runs, so a command does not rebuild them at every start.

Building a model's validator is pydantic's core schema generation: about 50 ms for a Deployment, more
than validating a small file takes (issue 17). The core schema is plain data plus references to the
models and their validator functions, so it pickles by reference; unpickling it and handing it to
pydantic-core takes a few milliseconds. Each model's schema is written the first time it is built and
read at the next start. The directory is named after everything that shapes the schemas (pydantic,
pydantic-core, Python and the source of manikit's models), so a change to any of them starts afresh.

Pickles are code: like compiled templates (source/templates.py), they are read only from a directory
this user owns and no one else can write, and MANIKIT_CACHE_DIR=off keeps none.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from functools import lru_cache
from typing import Any

import pydantic
import pydantic_core
from pydantic import BaseModel
from pydantic_core import SchemaSerializer, SchemaValidator

CACHE_ENV = "MANIKIT_CACHE_DIR"  # the same setting as the template cache; "off" keeps none
STALE_SECONDS = 7 * 24 * 3600  # the schemas of another version of the models, unused this long, go


def load(cls: type[BaseModel]) -> bool:
    """Complete ``cls`` from its kept schema; False when there is none (or it cannot be read)."""
    path = _entry(cls)
    if path is None:
        return False
    try:
        with open(path, "rb") as handle:
            schema, config = pickle.load(handle)
    except Exception:  # a missing, stale or broken entry only costs the time of a build
        return False
    cls.__pydantic_core_schema__ = schema
    cls.__pydantic_validator__ = SchemaValidator(schema, config)
    cls.__pydantic_serializer__ = SchemaSerializer(schema, config)
    cls.__pydantic_complete__ = True
    return True


def keep(cls: type[BaseModel]) -> None:
    """Write the schema of the completed ``cls`` for later runs; a cache that cannot be written only
    costs time."""
    path = _entry(cls)
    config = _model_config(cls.__pydantic_core_schema__, cls)
    if path is None or config is None:
        return
    try:
        data = pickle.dumps((cls.__pydantic_core_schema__, config), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something in the schema that pickles only by value: built each time instead
        return
    import tempfile  # only when an entry is written: start-up time otherwise

    with contextlib.suppress(OSError):
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)  # readers see the whole entry or none
        except OSError:
            os.unlink(temporary)


def _model_config(schema: Any, cls: type[BaseModel]) -> Any:
    """The core config pydantic built ``cls`` with: the one its own model schema carries."""
    if schema.get("type") == "definitions":
        schema = schema["schema"]
    if schema.get("type") == "model" and schema.get("cls") is cls:
        return schema.get("config")
    return None


def _entry(cls: type[BaseModel]) -> str | None:
    directory = _directory()
    return None if directory is None else os.path.join(directory, f"{cls.__module__}.{cls.__qualname__}")


@lru_cache(maxsize=1)
def _directory() -> str | None:
    configured = os.environ.get(CACHE_ENV)
    if configured == "off":
        return None
    base = configured or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "manikit"
    )
    directory = os.path.join(base, f"models-{_code_tag()}")
    try:
        if not os.path.isdir(directory):
            _forget_other_versions(base)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        info = os.stat(directory)
    except OSError:
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        return None  # pickles others could write are code others could run: not used
    return directory


def _forget_other_versions(base: str) -> None:
    """A new version of the models starts its own directory: the schemas of versions no run has
    written to for a week are removed rather than left to pile up (checkouts of other versions in
    use on the same machine keep theirs)."""
    import shutil  # only when the models changed
    import time

    stale = time.time() - STALE_SECONDS
    with contextlib.suppress(OSError):
        for name in os.listdir(base):
            path = os.path.join(base, name)
            if not name.startswith("models-") or len(name) != 23 or os.path.islink(path):
                continue
            if os.stat(path).st_mtime < stale:
                shutil.rmtree(path, ignore_errors=True)


def _code_tag() -> str:
    """What the schemas depend on: the libraries that build them and the models' own source."""
    digest = hashlib.sha256(f"{pydantic.VERSION} {pydantic_core.__version__} {sys.version}".encode())
    here = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            with open(os.path.join(here, name), "rb") as handle:
                digest.update(name.encode() + b"\0" + handle.read())
    return digest.hexdigest()[:16]
