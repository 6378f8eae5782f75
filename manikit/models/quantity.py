"""Kubernetes resource quantities (``250m``, ``64Mi``, ``1.5Gi``, ``1e3``), parsed and formatted exactly
as k8s.io/apimachinery's resource.Quantity does, with exact (Fraction) arithmetic.

Values finer than one nano-unit are rounded up, as Kubernetes does; the canonical form keeps the
suffix family that was parsed (decimal SI, binary SI or decimal exponent).
"""

from __future__ import annotations

import enum
import math
import re
from fractions import Fraction
from functools import lru_cache
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema


class QuantityFormat(enum.Enum):
    DECIMAL_SI = "DecimalSI"
    BINARY_SI = "BinarySI"
    DECIMAL_EXPONENT = "DecimalExponent"


_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_BY_EXPONENT = {exp: suffix for suffix, exp in _DECIMAL_SUFFIXES.items()}
_BINARY_SUFFIXES = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_BINARY_BY_POWER = {power: suffix for suffix, power in _BINARY_SUFFIXES.items()}
_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)", re.DOTALL)
_EXPONENT = re.compile(r"[eE]([+-]?[0-9]+)")
_NANO = Fraction(1, 10**9)
_MAX_DIGITS = 64  # beyond this no real quantity exists; bounds the work on hostile input
_MAX_EXPONENT = 64
#: The largest MilliValue() a Kubernetes quantity can give without overflowing Go's int64.
MAX_MILLI = 2**63 - 1
_MAX_VALUE = Fraction(MAX_MILLI, 1000)  # the same bound as a quantity value

QUANTITY_PATTERN = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[numkMGTPE]|[KMGTPE]i|[eE][+-]?[0-9]+)?$"


class QuantityError(ValueError):
    """A string that is not a Kubernetes quantity. ``suggestions`` holds likely intended spellings."""

    def __init__(self, text: str, suggestions: tuple[str, ...] = ()) -> None:
        self.text = text
        self.suggestions = suggestions
        message = f'"{text}" is not a valid quantity'
        if suggestions:
            message += "; did you mean " + " or ".join(f'"{s}"' for s in suggestions) + "?"
        else:
            message += " (examples: 250m, 1.5, 64Mi, 2Gi, 1e3)"
        super().__init__(message)


class Quantity:
    """An exact quantity. Equal and hashed by value: ``Quantity("100m") == Quantity("0.1")``."""

    __slots__ = ("format", "text", "value")

    value: Fraction
    format: QuantityFormat
    text: str

    def __new__(cls, text: str | int | float | Quantity) -> Quantity:
        if isinstance(text, Quantity):
            return text
        return parse_quantity(text)

    @classmethod
    def _make(cls, value: Fraction, fmt: QuantityFormat, text: str) -> Quantity:
        q = object.__new__(cls)
        object.__setattr__(q, "value", value)
        object.__setattr__(q, "format", fmt)
        object.__setattr__(q, "text", text)
        return q

    @classmethod
    def from_value(cls, value: Fraction | int, fmt: QuantityFormat = QuantityFormat.DECIMAL_SI) -> Quantity:
        rounded = _round_up_to_nano(Fraction(value))
        q = cls._make(rounded, fmt, "")
        object.__setattr__(q, "text", q.canonical())
        return q

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Quantity is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Quantity._make, (self.value, self.format, self.text))

    def __copy__(self) -> Quantity:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Quantity:
        return self

    def canonical(self) -> str:
        """The canonical string, as Kubernetes' Quantity.String() prints it."""
        return format_quantity(self.value, self.format)

    def __str__(self) -> str:
        return self.canonical()

    def __repr__(self) -> str:
        return f"Quantity({self.text!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Quantity):
            return self.value == other.value
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: Quantity) -> bool:
        return self.value < other.value

    def __le__(self, other: Quantity) -> bool:
        return self.value <= other.value

    def __gt__(self, other: Quantity) -> bool:
        return self.value > other.value

    def __ge__(self, other: Quantity) -> bool:
        return self.value >= other.value

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity.from_value(self.value + other.value, self.format)

    def __sub__(self, other: Quantity) -> Quantity:
        return Quantity.from_value(self.value - other.value, self.format)

    def __mul__(self, factor: int) -> Quantity:
        return Quantity.from_value(self.value * factor, self.format)

    def __bool__(self) -> bool:
        return self.value != 0

    def milli(self) -> int:
        """The value in thousandths, rounded up (Kubernetes' MilliValue)."""
        return math.ceil(self.value * 1000)

    def as_int(self) -> int:
        """The value rounded up to a whole number (Kubernetes' Value)."""
        return math.ceil(self.value)

    # pydantic integration -------------------------------------------------------------------------
    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate,
            serialization=core_schema.plain_serializer_function_ser_schema(_serialize, when_used="always"),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [{"type": "string", "pattern": QUANTITY_PATTERN}, {"type": "number"}],
            "description": "A Kubernetes quantity such as 250m, 0.5, 64Mi, 2Gi or 1e3.",
        }


def _serialize(q: Quantity) -> str:
    return q.text


def _validate(value: Any) -> Quantity:
    if type(value) is str:
        return _validate_text(value)  # the common case, once per distinct text
    if isinstance(value, Quantity):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PydanticCustomError(
            "quantity_type",
            "a quantity must be a string or a number, not {kind}",
            {"kind": type(value).__name__},
        )
    return _within_range(value)


@lru_cache(maxsize=8192)
def _validate_text(text: str) -> Quantity:
    """A manifest's quantity text: manifests repeat a few values ("100m", "128Mi") many times, and
    the parse and the range check (Fraction arithmetic) are done once for each."""
    return _within_range(text)


def _within_range(value: str | int | float) -> Quantity:
    try:
        quantity = parse_quantity(value)
    except QuantityError as exc:
        raise PydanticCustomError("quantity", "{message}", {"message": str(exc)}) from None
    if not -_MAX_VALUE <= quantity.value <= _MAX_VALUE:
        raise PydanticCustomError(
            "quantity_range",
            "too large: Kubernetes quantities hold at most 2^63-1 thousandths "
            "(9223372036854775807m, about 9.2e15 or 8Pi)",
            {},
        )
    return quantity


def parse_quantity(text: str | int | float) -> Quantity:
    """Parse a quantity; raises QuantityError (a ValueError) with suggestions when it is not one."""
    if isinstance(text, bool):
        raise QuantityError(str(text).lower())
    if isinstance(text, int):
        text = str(text)
    elif isinstance(text, float):
        if not math.isfinite(text):
            raise QuantityError(str(text))
        text = repr(text)
        if text.endswith(".0"):
            text = text[:-2]
    return _parse_cached(text)


@lru_cache(maxsize=8192)
def _parse_cached(text: str) -> Quantity:
    parsed = _parse(text)
    if parsed is None:
        raise QuantityError(text, suggest_quantity(text))
    value, fmt = parsed
    return Quantity._make(value, fmt, text)


def _parse(text: str) -> tuple[Fraction, QuantityFormat] | None:
    if not text or len(text) > _MAX_DIGITS + 8:
        return None
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    sign, whole, frac, suffix = match.groups()
    frac = frac or ""
    if not whole and not frac:
        return None
    mantissa = Fraction(int(whole + frac or "0"), 10 ** len(frac))
    if sign == "-":
        mantissa = -mantissa
    scaled = _apply_suffix(mantissa, suffix)
    if scaled is None:
        return None
    value, fmt = scaled
    return _round_up_to_nano(value), fmt


def _apply_suffix(mantissa: Fraction, suffix: str) -> tuple[Fraction, QuantityFormat] | None:
    if suffix in _DECIMAL_SUFFIXES:
        return mantissa * Fraction(10) ** _DECIMAL_SUFFIXES[suffix], QuantityFormat.DECIMAL_SI
    if suffix in _BINARY_SUFFIXES:
        return mantissa * 1024 ** _BINARY_SUFFIXES[suffix], QuantityFormat.BINARY_SI
    exp = _EXPONENT.fullmatch(suffix)
    if exp is None:
        return None
    exponent = int(exp.group(1))
    if abs(exponent) > _MAX_EXPONENT:
        return None
    return mantissa * Fraction(10) ** exponent, QuantityFormat.DECIMAL_EXPONENT


def _round_up_to_nano(value: Fraction) -> Fraction:
    """Kubernetes keeps at most nano precision and rounds away from zero."""
    scaled = value / _NANO
    if scaled.denominator == 1:
        return value
    rounded = math.ceil(scaled) if scaled > 0 else math.floor(scaled)
    return Fraction(rounded) * _NANO


def format_quantity(value: Fraction, fmt: QuantityFormat) -> str:
    """Kubernetes' canonical form (Quantity.String / CanonicalizeBytes)."""
    if value == 0:
        return "0"
    if fmt is QuantityFormat.BINARY_SI and (-1024 < value < 1024 or value.denominator != 1):
        fmt = QuantityFormat.DECIMAL_SI
    if fmt is QuantityFormat.BINARY_SI:
        number, power = int(value), 0
        while power < 6 and number % 1024 == 0:
            number //= 1024
            power += 1
        return f"{number}{_BINARY_BY_POWER.get(power, '')}"
    mantissa, exponent = int(value / _NANO), -9
    limit = 10**9 if fmt is QuantityFormat.DECIMAL_EXPONENT else 18
    while mantissa % 1000 == 0 and exponent < limit:
        mantissa //= 1000
        exponent += 3
    if fmt is QuantityFormat.DECIMAL_EXPONENT:
        return str(mantissa) if exponent == 0 else f"{mantissa}e{exponent}"
    return f"{mantissa}{_DECIMAL_BY_EXPONENT[exponent]}"


# Suggestions for near misses -----------------------------------------------------------------------
_UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "b": ("",),
    "byte": ("",),
    "bytes": ("",),
    "k": ("k", "Ki"),
    "kb": ("k", "Ki"),
    "kib": ("Ki",),
    "m": ("M", "Mi"),
    "mb": ("M", "Mi"),
    "mib": ("Mi",),
    "g": ("G", "Gi"),
    "gb": ("G", "Gi"),
    "gib": ("Gi",),
    "t": ("T", "Ti"),
    "tb": ("T", "Ti"),
    "tib": ("Ti",),
    "p": ("P", "Pi"),
    "pb": ("P", "Pi"),
    "pib": ("Pi",),
}
_CPU_WORDS = {"cpu", "cpus", "core", "cores", "vcpu", "vcpus"}
_MILLI_CPU_WORDS = {"mcpu", "millicpu", "millicore", "millicores"}


def suggest_quantity(text: str) -> tuple[str, ...]:
    """Likely intended spellings of a non-quantity: ``128mi`` -> ``128Mi``, ``1gb`` -> ``1G``, ``1Gi``."""
    compact = "".join(text.split())
    match = re.fullmatch(r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)", compact)
    if match is None:
        return ()
    number, unit = match.groups()
    if compact != text and _parse(compact) is not None:
        return (compact,)
    lowered = unit.lower()
    if lowered in _CPU_WORDS:
        return (format_quantity(_round_up_to_nano(Fraction(number)), QuantityFormat.DECIMAL_SI),)
    if lowered in _MILLI_CPU_WORDS:
        return (f"{number}m",)
    if unit in _BINARY_SUFFIXES or unit in _DECIMAL_SUFFIXES:
        return ()
    for suffix in _BINARY_SUFFIXES:
        if suffix.lower() == lowered:
            return (number + suffix,)
    candidates = _UNIT_WORDS.get(lowered, ())
    return tuple(number + suffix for suffix in candidates if suffix != unit)
