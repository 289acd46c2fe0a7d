"""Kubernetes resource quantities: ``k8s.io/apimachinery/pkg/api/resource.Quantity`` (Kubernetes v1.34).

Followed upstream files (``staging/src/k8s.io/apimachinery/pkg/api/resource/``): ``quantity.go``
(``parseQuantityString``, ``ParseQuantity``, ``CanonicalizeBytes``, ``ScaledValue``, ``Add``/``Sub``/``Neg``,
``Cmp``), ``suffix.go`` (suffix tables, ``interpret``), ``amount.go`` (``int64Amount``/``infDecAmount``),
``math.go`` (int64 helpers) and ``scale_int.go`` (``scaledValue``).

Grammar: ``<sign>? <digits> [. <digits>] <suffix>`` with suffix one of the decimal SI suffixes
``n u m "" k M G T P E``, binary SI ``Ki Mi Gi Ti Pi Ei`` or a decimal exponent ``e<int>``/``E<int>``.

Like upstream, a value keeps one of two internal representations, because ``Value()``/``MilliValue()``
and ``String()`` depend on which one parsing chose:

* *int64Amount* (``value * 10**scale``) when the number has at most 18 significant digits, the scale is
  ``>= -9`` and (binary suffixes) there is no fraction and the value fits;
* *inf.Dec* otherwise. Parsing rounds such a value's magnitude **up** to a multiple of 10**-9 (so
  ``"0.0000000001"`` and ``"1.1E-9"`` become ``1n``/``2n``), caps BinarySI values at 2**63-1 (``"9Ei"``;
  DecimalSI/DecimalExponent are not capped) and switches BinarySI values in (0, 1) to DecimalSI.

``value()`` / ``milli_value()`` round up: for non-negative quantities (everything the scheduler sees)
both representations give ``ceil(q)`` / ``ceil(q * 1000)``. Negative quantities follow v1.34 exactly,
which is representation-dependent: the int64 path rounds away from zero (``"-1500m"`` -> ``-2``), the
inf.Dec path adds one to Go's truncated quotient (``"-0.0001Ki"``.Value() == ``1``). Results that do
not fit int64 wrap or saturate exactly as the v1.34 Go code does (e.g. ``"10E"``.Value() == 0,
``"9Ei"``.MilliValue() == -1000); Go's implementation-defined float->int64 conversion is taken as on
amd64 (out of range -> -2**63).

Canonical ``str()``: mantissa without trailing zeros, exponent lowered to a multiple of 3, then the
suffix of the remembered format (BinarySI falls back to DecimalSI between -1024 and 1024 or when the
value is not an integer). A parse whose input was already canonical keeps the input string, exactly as
upstream (so ``str(parse("1.500k")) == "1.500k"`` and ``str(parse("+1")) == "+1"``).

Version choices (v1.34, where later upstream changed behaviour):

* a DecimalSI value whose canonical exponent has no suffix (above ``E``) prints without a suffix:
  ``str(parse("1000E")) == "1"`` (later fixed upstream to ``"1e21"``, kubernetes#140459);
  likewise a BinarySI value past ``Ei`` (only reachable through ``+``);
* negative rounding on the inf.Dec path as described above (later fixed, kubernetes#138510);
* an exponent outside int32 is truncated to 32 bits as Go's ``int32(parsed)`` does
  (``"1e4294967297"`` == ``"1e1"``; later rejected upstream).

Inputs: ``str`` is ``ParseQuantity`` (no whitespace trimming). YAML/JSON numbers (``int``/``float``)
are first written as Go's ``encoding/json`` would write the float64/int (``0.5`` -> ``"0.5"``,
``1e21`` -> ``"1e+21"``, ``1e-7`` -> ``"1e-7"``, ``2.0`` -> ``"2"``), which is the text
``Quantity.UnmarshalJSON`` then parses. ``bool``, ``None`` and containers raise ``FieldError``.
Numbers with more than 4000 digits are rejected (Python's int/str conversion limit); upstream has none.
"""
from __future__ import annotations

import functools
import math
import re
from fractions import Fraction
from numbers import Integral, Real
from typing import Optional, Union

from ..errors import FieldError

__all__ = [
    "Quantity", "parse_quantity", "milli_value", "value",
    "DECIMAL_SI", "BINARY_SI", "DECIMAL_EXPONENT",
    "ERR_FORMAT_WRONG", "ERR_NUMERIC", "ERR_SUFFIX",
]

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

#: Upstream error texts (``quantity.go``: ErrFormatWrong, ErrNumeric, ErrSuffix).
SPLIT_RE_STRING = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = "quantities must match the regular expression '" + SPLIT_RE_STRING + "'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

_MAX_INT64_FACTORS = 18          # math.go maxInt64Factors
_NANO_INF_SCALE = 9              # inf.Scale of resource.Nano
_MAX_DIGITS = 4000               # below CPython's default int<->str limit (4300)

_I64_MIN = -(1 << 63)
_I64_MAX = (1 << 63) - 1
_U64 = 1 << 64
_MASK64 = _U64 - 1


def _wrap64(x: int) -> int:
    """Two's-complement int64 wrap (Go integer overflow, big.Int.Int64)."""
    x &= _MASK64
    return x - _U64 if x >> 63 else x


def _i32(x: int) -> int:
    """Two's-complement int32 wrap (Go ``int32``/``Scale`` arithmetic)."""
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x >> 31 else x


def _go_rem(a: int, b: int) -> int:
    """Go's ``%``: truncated remainder, sign of the dividend."""
    r = abs(a) % b
    return -r if a < 0 else r


def _fits64(x: int) -> bool:
    return _I64_MIN <= x <= _I64_MAX


def _ndigits(n: int) -> int:
    """Number of decimal digits of |n| (n != 0), without an int->str conversion for huge n."""
    n = abs(n)
    if n < 10 ** 18:
        return len(str(n))
    d = int(n.bit_length() * 0.30102999566398120)  # floor(log10(2) * bits), at most one too small
    return d + 1 if n >= 10 ** d else d


def _strip10(m: int) -> tuple[int, int]:
    """``(r, k)`` with ``m == r * 10**k`` and r not divisible by 10 (math.go removeInt64Factors)."""
    if m == 0:
        return 0, 0
    k = 0
    while m % 10 == 0:
        m //= 10
        k += 1
    return m, k


# suffix.go: fastLookup + the two listSuffixer tables.
_SUFFIXES = {
    "": (10, 0, DECIMAL_SI), "n": (10, -9, DECIMAL_SI), "u": (10, -6, DECIMAL_SI), "m": (10, -3, DECIMAL_SI),
    "k": (10, 3, DECIMAL_SI), "M": (10, 6, DECIMAL_SI), "G": (10, 9, DECIMAL_SI), "T": (10, 12, DECIMAL_SI),
    "P": (10, 15, DECIMAL_SI), "E": (10, 18, DECIMAL_SI),
    "Ki": (2, 10, BINARY_SI), "Mi": (2, 20, BINARY_SI), "Gi": (2, 30, BINARY_SI), "Ti": (2, 40, BINARY_SI),
    "Pi": (2, 50, BINARY_SI), "Ei": (2, 60, BINARY_SI),
}
_DEC_SUFFIX_OF_EXP = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
_BIN_SUFFIX_OF_EXP = {1: "Ki", 2: "Mi", 3: "Gi", 4: "Ti", 5: "Pi", 6: "Ei"}

# parseQuantityString as two linear-time matches: the number (never fails, may be empty) and then the
# rest, which must be suffix letters, an optional sign and digits. Splitting avoids the quadratic
# backtracking a single pattern has when the integer digits and the exponent digits can be adjacent.
_NUMBER_RE = re.compile(r"([+-]?)([0-9]*)(\.[0-9]*)?")
_SUFFIX_RE = re.compile(r"[eEinumkKMGTP]*[-+]?[0-9]*")
_EXPONENT_RE = re.compile(r"[-+]?[0-9]+")


def _bad(s: str, reason: str) -> FieldError:
    return FieldError("", f'invalid quantity "{s}": {reason}')


class Quantity:
    """An immutable, hashable ``resource.Quantity``.

    ``format`` is ``"DecimalSI"``, ``"BinarySI"`` or ``"DecimalExponent"``. Equality, ordering and hash
    follow the exact value (``Cmp``), not the format: ``parse("1Ki") == parse("1024")``.
    """

    # _m, _e: the exact value is _m * 10**_e.
    # _S: None for the int64Amount representation (then _m is int64 "value" and _e the Go "scale");
    #     for the inf.Dec representation, its inf.Scale: upstream's unscaled is _m * 10**(_e + _S).
    # _f: format string; _s: canonical string, cached.
    __slots__ = ("_m", "_e", "_S", "_f", "_s")

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def parse(cls, s: Union[str, int, float, "Quantity"]) -> "Quantity":
        """Parse a quantity string (``ParseQuantity``) or a YAML/JSON number (``UnmarshalJSON``)."""
        t = type(s)
        if t is str:
            return _parse_str(s)
        if t is int:
            return _parse_str(str(s))
        if t is float:
            return _parse_str(_go_json_float(s))
        return _parse_other(s)

    @classmethod
    def _int(cls, value: int, scale: int = 0, format: str = DECIMAL_SI, s: Optional[str] = None) -> "Quantity":
        """An int64Amount quantity ``value * 10**scale`` (upstream ``intQuantity`` / ``NewScaledQuantity``)."""
        q = object.__new__(cls)
        q._m = _wrap64(value)
        q._e = _i32(scale)
        q._S = None
        q._f = format
        q._s = s
        return q

    @classmethod
    def _dec(cls, unscaled: int, exponent: int = 0, format: str = DECIMAL_SI) -> "Quantity":
        """An inf.Dec quantity ``unscaled * 10**exponent`` (upstream test helper ``decQuantity``)."""
        q = object.__new__(cls)
        q._m = unscaled
        q._e = exponent
        q._S = -exponent
        q._f = format
        q._s = None
        return q

    @classmethod
    def new(cls, value: int, format: str = DECIMAL_SI) -> "Quantity":
        """``NewQuantity(value, format)``."""
        return cls._int(_int64_arg(value), 0, format)

    @classmethod
    def new_milli(cls, value: int, format: str = DECIMAL_SI) -> "Quantity":
        """``NewMilliQuantity(value, format)``: ``value / 1000``."""
        return cls._int(_int64_arg(value), -3, format)

    @classmethod
    def new_scaled(cls, value: int, scale: int) -> "Quantity":
        """``NewScaledQuantity(value, scale)``: ``value * 10**scale`` in DecimalSI."""
        return cls._int(_int64_arg(value), scale, DECIMAL_SI)

    # -- accessors ---------------------------------------------------------------------------

    @property
    def format(self) -> str:
        return self._f

    def scaled_value(self, scale: int) -> int:
        """``ScaledValue(scale)``: ``ceil(q / 10**scale)`` as int64, with upstream's overflow behaviour."""
        if self._S is None:
            return _as_scaled_int64(self._m, self._e, scale)
        return _scaled_value_dec(self._m, self._e, self._S, -scale)

    def value(self) -> int:
        """``Value()``: ``ceil(q)`` for q >= 0 (see the module docstring for negatives and overflow)."""
        return self.scaled_value(0)

    def milli_value(self) -> int:
        """``MilliValue()``: ``ceil(q * 1000)`` for q >= 0."""
        return self.scaled_value(-3)

    def as_int64(self) -> tuple[int, bool]:
        """``AsInt64()``: ``(value, True)`` only for an int64Amount with scale >= 0 that fits."""
        if self._S is not None:
            return 0, False
        if self._e == 0:
            return self._m, True
        if self._e < 0:
            return 0, False
        return _positive_scale_int64(self._m, self._e)

    def as_fraction(self) -> Fraction:
        """The exact value."""
        m, e = self._m, self._e
        return Fraction(m * 10 ** e) if e >= 0 else Fraction(m, 10 ** -e)

    def is_zero(self) -> bool:
        return self._m == 0

    def sign(self) -> int:
        return (self._m > 0) - (self._m < 0)

    # -- comparison --------------------------------------------------------------------------

    def cmp(self, other: "Quantity") -> int:
        """``Cmp``: -1, 0 or 1 comparing exact values."""
        if not isinstance(other, Quantity):
            other = Quantity.parse(other)
        return _cmp(self._m, self._e, other._m, other._e)

    def __eq__(self, other):
        if not isinstance(other, Quantity):
            return NotImplemented
        return _cmp(self._m, self._e, other._m, other._e) == 0

    def __ne__(self, other):
        if not isinstance(other, Quantity):
            return NotImplemented
        return _cmp(self._m, self._e, other._m, other._e) != 0

    def __lt__(self, other):
        if not isinstance(other, Quantity):
            return NotImplemented
        return _cmp(self._m, self._e, other._m, other._e) < 0

    def __le__(self, other):
        if not isinstance(other, Quantity):
            return NotImplemented
        return _cmp(self._m, self._e, other._m, other._e) <= 0

    def __gt__(self, other):
        if not isinstance(other, Quantity):
            return NotImplemented
        return _cmp(self._m, self._e, other._m, other._e) > 0

    def __ge__(self, other):
        if not isinstance(other, Quantity):
            return NotImplemented
        return _cmp(self._m, self._e, other._m, other._e) >= 0

    def __hash__(self):
        m, k = _strip10(self._m)
        return hash((m, self._e + k if m else 0))

    # -- arithmetic (upstream Add / Sub / Neg, returning new values) ---------------------------

    def __add__(self, other: "Quantity") -> "Quantity":
        if not isinstance(other, Quantity):
            return NotImplemented
        return _add(self, other, other._m, other._e, sub=False)

    def __sub__(self, other: "Quantity") -> "Quantity":
        if not isinstance(other, Quantity):
            return NotImplemented
        return _add(self, other, other._m, other._e, sub=True)

    def __neg__(self) -> "Quantity":
        if self._S is None:
            return Quantity._int(-self._m, self._e, self._f)   # _int wraps -MinInt64 like Go
        q = Quantity._dec(-self._m, self._e, self._f)
        q._S = self._S
        return q

    add = __add__
    sub = __sub__
    neg = __neg__

    # -- formatting --------------------------------------------------------------------------

    def __str__(self) -> str:
        s = self._s
        if s is None:
            s = _canonicalize(self)
            self._s = s
        return s

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r})"

    def __reduce__(self):
        if self._S is None:
            return (Quantity._int, (self._m, self._e, self._f, self._s))
        return (_restore_dec, (self._m, self._e, self._S, self._f))


def _restore_dec(m: int, e: int, S: int, f: str) -> Quantity:
    q = Quantity._dec(m, e, f)
    q._S = S
    return q


def _int64_arg(v) -> int:
    if isinstance(v, bool) or not isinstance(v, Integral) or not _fits64(int(v)):
        raise FieldError("", f"invalid quantity value {v!r}: must be an int64")
    return int(v)


# -- parsing -------------------------------------------------------------------------------------

def _parse_other(s) -> Quantity:
    if isinstance(s, Quantity):
        return s
    if isinstance(s, bool) or s is None or not isinstance(s, (str, Real)):
        text = repr(s)
        if len(text) > 60:
            text = text[:57] + "..."
        raise FieldError("", f"invalid quantity {text}: must be a string or a number, not {type(s).__name__}")
    if isinstance(s, str):
        return _parse_str(str(s))
    if isinstance(s, Integral):
        return _parse_str(str(int(s)))
    return _parse_str(_go_json_float(float(s)))


def _go_json_float(f: float) -> str:
    """The text Go's ``encoding/json`` writes for a float64 (what UnmarshalJSON would receive)."""
    if math.isnan(f) or math.isinf(f):
        raise _bad(repr(f), "not a finite number")
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    # repr() is the shortest round-tripping decimal, the same digits as strconv's precision -1.
    r = repr(f)
    neg = r.startswith("-")
    if neg:
        r = r[1:]
    mant, _, exp = r.partition("e")
    x = int(exp) if exp else 0
    ip, _, fp = mant.partition(".")
    digits = (ip + fp).lstrip("0")
    x -= len(fp)
    stripped = digits.rstrip("0")
    x += len(digits) - len(stripped)
    digits = stripped
    a = abs(f)
    if a < 1e-6 or a >= 1e21:
        e10 = x + len(digits) - 1
        out = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        es = str(abs(e10))
        if len(es) < 2 and e10 >= 0:
            es = "0" + es
        # Go writes at least two exponent digits, then json cleans "e-07" to "e-7".
        out += ("e+" if e10 >= 0 else "e-") + es
    elif x >= 0:
        out = digits + "0" * x
    else:
        pos = len(digits) + x
        out = digits[:pos] + "." + digits[pos:] if pos > 0 else "0." + "0" * -pos + digits
    return "-" + out if neg else out


def _parse_str(s: str) -> Quantity:
    if not s:
        raise _bad(s, ERR_FORMAT_WRONG)
    if s == "0":
        return Quantity._int(0, 0, DECIMAL_SI, "0")

    nm = _NUMBER_RE.match(s)
    sign, intpart, frac = nm.groups()
    rest = s[nm.end():]
    suf = _SUFFIXES.get(rest)
    if suf is not None:
        base, exponent, fmt = suf
    elif _SUFFIX_RE.fullmatch(rest) is None:
        raise _bad(s, ERR_FORMAT_WRONG)
    elif len(rest) > 1 and rest[0] in "eE" and _EXPONENT_RE.fullmatch(rest, 1) is not None:
        exp64 = int(rest[1:])
        if not _fits64(exp64):                 # strconv.ParseInt range error
            raise _bad(s, ERR_SUFFIX)
        base, exponent, fmt = 10, _i32(exp64), DECIMAL_EXPONENT
    else:
        raise _bad(s, ERR_SUFFIX)

    positive = sign != "-"
    num = intpart.lstrip("0") or "0"
    denom = frac[1:] if frac else ""
    if len(num) + len(denom) > _MAX_DIGITS:
        raise _bad(s, f"more than {_MAX_DIGITS} digits")

    # quantity.go ParseQuantity: the int64Amount fast path.
    mantissa = 1
    if fmt == BINARY_SI:
        scale = 0
        if exponent >= 0 and not denom:
            mantissa = 1 << exponent
            precision = 15 - len(num) - (exponent * 3 // 10) - 1
        else:
            precision = -1
    else:
        scale = exponent
        precision = _MAX_INT64_FACTORS - (len(num) + len(denom))
    if precision >= 0:
        scale = _i32(scale - len(denom))
        if scale >= -9:
            shifted = num + denom
            v = int(shifted)
            result = v * mantissa
            if _fits64(result):
                if not positive:
                    result = -result
                # upstream reuses the input as the canonical string when it looks canonical
                if fmt == BINARY_SI:
                    cached = s if (exponent % 10 == 0 and v & 0x07 != 0) else None
                else:
                    cached = s if (scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0") else None
                return Quantity._int(result, scale, fmt, cached)

    # The inf.Dec path: amount.SetString(value) needs at least one digit.
    if not intpart and not denom:
        raise _bad(s, ERR_NUMERIC)
    m = int(intpart + denom) if (intpart or denom) else 0
    inf_scale = len(denom)
    if base == 10:
        inf_scale = _i32(inf_scale + _i32(-exponent))
    else:
        m <<= exponent
    e = -inf_scale
    S = inf_scale
    if m != 0:
        # amount.Round(amount, Nano.infScale(), inf.RoundUp) on the magnitude: the result has inf.Scale 9.
        S = _NANO_INF_SCALE
        if e < -9:
            drop = -9 - e
            if drop >= _ndigits(m):
                m = 1
            else:
                p = 10 ** drop
                m = -(-m // p)
            e = -9
        if fmt == BINARY_SI:
            if _cmp(m, e, _I64_MAX, 0) > 0:
                m, e, S = _I64_MAX, 0, 0          # amount.Set(maxAllowed)
            elif _cmp(m, e, 1, 0) < 0:
                fmt = DECIMAL_SI                 # 0 < amount < 1: avoid rounding in String()
        if not positive:
            m = -m
    q = Quantity._dec(m, e, fmt)
    q._S = S
    return q


def parse_quantity(s: Union[str, int, float]) -> Quantity:
    """Same as :meth:`Quantity.parse`."""
    return Quantity.parse(s)


# -- ScaledValue ---------------------------------------------------------------------------------

def _negative_scale_int64(base: int, d: int) -> int:
    """math.go negativeScaleInt64: base / 10**d rounded away from zero (d <= 0: unchanged)."""
    if d <= 0 or base == 0:
        return base
    a = abs(base)
    if d > 19:
        t, frac = 0, True
    else:
        p = 10 ** d
        t, frac = a // p, a % p != 0
    if t == 0:
        return 1 if base > 0 else -1
    if frac:
        t += 1
    return t if base > 0 else -t


def _positive_scale_int64(base: int, d: int) -> tuple[int, bool]:
    """math.go positiveScaleInt64 as of v1.34: ``(base * 10**d, ok)`` with Go's overflow results."""
    if d == 0:
        return base, True
    if d in (1, 2, 3, 6, 9):
        # int64MultiplyScale{10,100,1000}/int64MultiplyScale return the wrapped product on overflow.
        if base in (0, 1):
            return base * 10 ** d, True
        if base == _I64_MIN:
            return 0, False
        r = base * 10 ** d
        return _wrap64(r), _fits64(r)
    if d < 0 or base == 0:
        return base, True    # a negative (wrapped) scale runs the multiply loop zero times
    if d > 19:
        return 0, False
    r = base * 10 ** d
    return (r, True) if _fits64(r) else (0, False)   # the loop returns 0 at the first overflow


def _as_scaled_int64(v: int, a: int, scale: int) -> int:
    """int64Amount.AsScaledInt64 (v1.34)."""
    if a < scale:
        return _negative_scale_int64(v, _i32(scale - a))
    return _positive_scale_int64(v, _i32(a - scale))[0]


def _low64_of(m: int, k: int) -> int:
    """big.Int.Int64() of m * 10**k (k >= 0), without building a huge number."""
    if k <= 40:
        return _wrap64(m * 10 ** k)
    return _wrap64(m * pow(10, k, _U64))


def _scaled_value_dec(m: int, e: int, S: int, new_scale: int) -> int:
    """scale_int.go scaledValue(unscaled, scale=S, newScale) with unscaled = m * 10**(e + S)."""
    if m == 0:
        return 0
    k = e + S                       # unscaled = m * 10**k, k >= 0
    dif = S - new_scale
    if dif == 0:
        return _low64_of(m, k)
    if dif < 0:
        # unscaled.Int64() * int64(math.Pow10(-dif)); beyond 10**18 the float does not fit int64 and
        # amd64 converts it to MinInt64.
        f = 10 ** -dif if -dif <= 18 else _I64_MIN
        return _wrap64(_low64_of(m, k) * f)
    if k <= 19:
        u = m * 10 ** k
        if abs(u) < _I64_MAX and dif < 19:
            # int64 fast path: Go division truncates toward zero; any remainder adds one.
            p = 10 ** dif
            t = abs(u) // p
            r = abs(u) % p
            if u < 0:
                t = -t
            return t + 1 if r else t
    if dif <= k:
        return _low64_of(m, k - dif)      # exact division, remainder 0
    u = m * 10 ** k
    q, r = divmod(u, 10 ** dif)           # big.Int.DivMod: Euclidean (floor for a positive divisor)
    q = _wrap64(q)
    return _wrap64(q + 1) if r else q


# -- Cmp -----------------------------------------------------------------------------------------

def _cmp(m1: int, e1: int, m2: int, e2: int) -> int:
    s1 = (m1 > 0) - (m1 < 0)
    s2 = (m2 > 0) - (m2 < 0)
    if s1 != s2:
        return 1 if s1 > s2 else -1
    if s1 == 0:
        return 0
    if e1 == e2:
        return (m1 > m2) - (m1 < m2)
    # Magnitudes decide when their orders differ; avoids 10**huge for wild exponents.
    o1 = _ndigits(m1) + e1
    o2 = _ndigits(m2) + e2
    if o1 != o2:
        return s1 if o1 > o2 else -s1
    if e1 > e2:
        a, b = m1 * 10 ** (e1 - e2), m2
    else:
        a, b = m1, m2 * 10 ** (e2 - e1)
    return (a > b) - (a < b)


# -- Add / Sub -----------------------------------------------------------------------------------

def _int64_amount_add(av: int, aS: int, bv: int, bS: int) -> Optional[tuple[int, int]]:
    """int64Amount.Add (v1.34); None where upstream returns false (then the inf.Dec path is used)."""
    if bv == 0:
        return av, aS
    if av == 0:
        return bv, bS
    if aS == bS:
        c = av + bv
        return (c, aS) if _fits64(c) else None
    if aS > bS:
        c, ok = _positive_scale_int64(av, _i32(aS - bS))
        if not ok or not _fits64(c + bv):
            return None
        return c + bv, bS
    c, ok = _positive_scale_int64(bv, _i32(bS - aS))
    if not ok or not _fits64(av + c):
        return None
    return av + c, aS


def _add(q: Quantity, y: Quantity, ym: int, ye: int, sub: bool) -> Quantity:
    fmt = q._f
    if q._S is None and y._S is None:
        if q._m == 0:
            fmt = y._f
        bv = _wrap64(-ym) if sub else ym       # int64Amount.Sub negates in int64, like Go
        r = _int64_amount_add(q._m, q._e, bv, ye)
        if r is not None:
            return Quantity._int(r[0], r[1], fmt)
    elif q._m == 0:
        fmt = y._f
    # inf.Dec Add/Sub: exact, result inf.Scale = max of both scales.
    qS = -q._e if q._S is None else q._S
    yS = -ye if y._S is None else y._S
    if sub:
        ym = -ym
    e = min(q._e, ye)
    m = q._m * 10 ** (q._e - e) + ym * 10 ** (ye - e)
    out = Quantity._dec(m, e, fmt)
    out._S = max(qS, yS)
    return out


# -- String / CanonicalizeBytes ------------------------------------------------------------------

def _canonical_base10(m: int, e: int) -> tuple[int, int]:
    """AsCanonicalBytes: strip factors of ten, then lower the exponent to a multiple of 3."""
    m, k = _strip10(m)
    e = _i32(e + k)
    r = _go_rem(e, 3)
    if r in (1, -2):
        m, e = m * 10, _i32(e - 1)
    elif r in (2, -1):
        m, e = m * 100, _i32(e - 2)
    return m, e


def _canonicalize(q: Quantity) -> str:
    m, e = q._m, q._e
    if m == 0:
        return "0"
    fmt = q._f
    if fmt == BINARY_SI:
        if _cmp(m, e, -1024, 0) > 0 and _cmp(m, e, 1024, 0) < 0:
            fmt = DECIMAL_SI
        else:
            # AsScale(0): round away from zero to an integer; inexact -> DecimalSI.
            if e >= 0:
                n = m * 10 ** e
            elif q._S is None:
                n = _negative_scale_int64(m, -e)
                if n * 10 ** -e != m:
                    fmt = DECIMAL_SI
            else:
                p = 10 ** -e
                n = -(-abs(m) // p)
                if n * p != abs(m):
                    fmt = DECIMAL_SI
                if m < 0:
                    n = -n
            if fmt == BINARY_SI:
                times = 0
                while n % 1024 == 0:
                    n //= 1024
                    times += 1
                return str(n) + _BIN_SUFFIX_OF_EXP.get(times, "")
    elif fmt != DECIMAL_SI:
        fmt = DECIMAL_EXPONENT
    mant, exp = _canonical_base10(m, e)
    if fmt == DECIMAL_SI:
        return str(mant) + _DEC_SUFFIX_OF_EXP.get(exp, "")
    return str(mant) if exp == 0 else f"{mant}e{exp}"


# -- memoized fast paths -------------------------------------------------------------------------

@functools.lru_cache(maxsize=1 << 18, typed=True)
def _milli_cached(s) -> int:
    return Quantity.parse(s).milli_value()


@functools.lru_cache(maxsize=1 << 18, typed=True)
def _value_cached(s) -> int:
    return Quantity.parse(s).value()


def milli_value(s: Union[str, int, float]) -> int:
    """``ParseQuantity(s).MilliValue()``, memoized per distinct input (``typed``: 1, 1.0, True differ)."""
    try:
        return _milli_cached(s)
    except TypeError:          # unhashable input (list, dict): lru_cache cannot even look it up
        return Quantity.parse(s).milli_value()


def value(s: Union[str, int, float]) -> int:
    """``ParseQuantity(s).Value()``, memoized per distinct input."""
    try:
        return _value_cached(s)
    except TypeError:
        return Quantity.parse(s).value()
