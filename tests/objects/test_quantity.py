"""Tests for kschedule.objects.quantity, ported from upstream Kubernetes v1.34.

Upstream: staging/src/k8s.io/apimachinery/pkg/api/resource/{quantity_test.go, scale_int_test.go,
quantity_example_test.go}. Where the stored upstream tests already carry post-v1.34 fixes, the v1.34
behaviour is asserted instead and the row says so.
"""
from __future__ import annotations

import math
import pickle
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from kschedule.errors import FieldError
from kschedule.objects import quantity as qmod
from kschedule.objects.quantity import (
    BINARY_SI, DECIMAL_EXPONENT, DECIMAL_SI, ERR_FORMAT_WRONG, ERR_NUMERIC, ERR_SUFFIX,
    Quantity, milli_value, parse_quantity, value,
)

MOST_POSITIVE = (1 << 63) - 1
MOST_NEGATIVE = -(1 << 63)
P = Quantity.parse
dec = Quantity._dec          # upstream decQuantity(i, exponent, format)
intq = Quantity._int         # upstream intQuantity(i, scale, format)


def _wrap(x: int) -> int:
    """Go int64 overflow."""
    return (x + 2 ** 63) % 2 ** 64 - 2 ** 63


# ---------------------------------------------------------------------------------------------
# quantity_test.go TestQuantityParse (the valid table; each row is also checked with "-" and "+")
PARSE_TABLE = [
    ("0", dec(0, 0, DECIMAL_SI)),
    ("0n", dec(0, 0, DECIMAL_SI)),
    ("0u", dec(0, 0, DECIMAL_SI)),
    ("0m", dec(0, 0, DECIMAL_SI)),
    ("0Ki", dec(0, 0, BINARY_SI)),
    ("0k", dec(0, 0, DECIMAL_SI)),
    ("0Mi", dec(0, 0, BINARY_SI)),
    ("0M", dec(0, 0, DECIMAL_SI)),
    ("0Gi", dec(0, 0, BINARY_SI)),
    ("0G", dec(0, 0, DECIMAL_SI)),
    ("0Ti", dec(0, 0, BINARY_SI)),
    ("0T", dec(0, 0, DECIMAL_SI)),
    ("1", dec(1, 0, DECIMAL_SI)),
    ("1Ki", dec(1024, 0, BINARY_SI)),
    ("8Ki", dec(8 * 1024, 0, BINARY_SI)),
    ("7Mi", dec(7 * 1024 ** 2, 0, BINARY_SI)),
    ("6Gi", dec(6 * 1024 ** 3, 0, BINARY_SI)),
    ("5Ti", dec(5 * 1024 ** 4, 0, BINARY_SI)),
    ("4Pi", dec(4 * 1024 ** 5, 0, BINARY_SI)),
    ("3Ei", dec(3 * 1024 ** 6, 0, BINARY_SI)),
    ("10Ti", dec(10 * 1024 ** 4, 0, BINARY_SI)),
    ("100Ti", dec(100 * 1024 ** 4, 0, BINARY_SI)),
    ("5n", dec(5, -9, DECIMAL_SI)),
    ("4u", dec(4, -6, DECIMAL_SI)),
    ("3m", dec(3, -3, DECIMAL_SI)),
    ("9", dec(9, 0, DECIMAL_SI)),
    ("8k", dec(8, 3, DECIMAL_SI)),
    ("50k", dec(5, 4, DECIMAL_SI)),
    ("7M", dec(7, 6, DECIMAL_SI)),
    ("6G", dec(6, 9, DECIMAL_SI)),
    ("5T", dec(5, 12, DECIMAL_SI)),
    ("40T", dec(4, 13, DECIMAL_SI)),
    ("300T", dec(3, 14, DECIMAL_SI)),
    ("2P", dec(2, 15, DECIMAL_SI)),
    ("1E", dec(1, 18, DECIMAL_SI)),
    ("1E-3", dec(1, -3, DECIMAL_EXPONENT)),
    ("1e3", dec(1, 3, DECIMAL_EXPONENT)),
    ("1E6", dec(1, 6, DECIMAL_EXPONENT)),
    ("1e9", dec(1, 9, DECIMAL_EXPONENT)),
    ("1E12", dec(1, 12, DECIMAL_EXPONENT)),
    ("1e15", dec(1, 15, DECIMAL_EXPONENT)),
    ("1E18", dec(1, 18, DECIMAL_EXPONENT)),
    ("1e14", dec(1, 14, DECIMAL_EXPONENT)),
    ("1e13", dec(1, 13, DECIMAL_EXPONENT)),
    ("100.035k", dec(100035, 0, DECIMAL_SI)),
    ("0.001", dec(1, -3, DECIMAL_SI)),
    ("0.0005k", dec(5, -1, DECIMAL_SI)),
    ("0.005", dec(5, -3, DECIMAL_SI)),
    ("0.05", dec(5, -2, DECIMAL_SI)),
    ("0.5", dec(5, -1, DECIMAL_SI)),
    ("0.00050k", dec(5, -1, DECIMAL_SI)),
    ("0.00500", dec(5, -3, DECIMAL_SI)),
    ("0.05000", dec(5, -2, DECIMAL_SI)),
    ("0.50000", dec(5, -1, DECIMAL_SI)),
    ("0.5e0", dec(5, -1, DECIMAL_EXPONENT)),
    ("0.5e-1", dec(5, -2, DECIMAL_EXPONENT)),
    ("0.5e-2", dec(5, -3, DECIMAL_EXPONENT)),
    ("10.035M", dec(10035, 3, DECIMAL_SI)),
    ("1.2e3", dec(12, 2, DECIMAL_EXPONENT)),
    ("1.3E+6", dec(13, 5, DECIMAL_EXPONENT)),
    ("1.40e9", dec(14, 8, DECIMAL_EXPONENT)),
    ("1.53E12", dec(153, 10, DECIMAL_EXPONENT)),
    ("1.6e15", dec(16, 14, DECIMAL_EXPONENT)),
    ("1.7E18", dec(17, 17, DECIMAL_EXPONENT)),
    ("9.01", dec(901, -2, DECIMAL_SI)),
    ("8.1k", dec(81, 2, DECIMAL_SI)),
    ("7.123456M", dec(7123456, 0, DECIMAL_SI)),
    ("6.987654321G", dec(6987654321, 0, DECIMAL_SI)),
    ("5.444T", dec(5444, 9, DECIMAL_SI)),
    ("40.1T", dec(401, 11, DECIMAL_SI)),
    ("300.2T", dec(3002, 11, DECIMAL_SI)),
    ("2.5P", dec(25, 14, DECIMAL_SI)),
    ("1.01E", dec(101, 16, DECIMAL_SI)),
    # Things that saturate/round
    ("3.001n", dec(4, -9, DECIMAL_SI)),
    ("1.1E-9", dec(2, -9, DECIMAL_EXPONENT)),
    ("0.0000000001", dec(1, -9, DECIMAL_SI)),
    ("0.0000000005", dec(1, -9, DECIMAL_SI)),
    ("0.00000000050", dec(1, -9, DECIMAL_SI)),
    ("0.5e-9", dec(1, -9, DECIMAL_EXPONENT)),
    ("0.9n", dec(1, -9, DECIMAL_SI)),
    ("0.00000012345", dec(124, -9, DECIMAL_SI)),
    ("0.00000012354", dec(124, -9, DECIMAL_SI)),
    ("9Ei", dec(MOST_POSITIVE, 0, BINARY_SI)),
    ("9223372036854775807Ki", dec(MOST_POSITIVE, 0, BINARY_SI)),
    ("12E", dec(12, 18, DECIMAL_SI)),
    # fractional binary
    ("100.035Ki", dec(10243584, -2, BINARY_SI)),
    ("0.5Mi", dec(512 * 1024, 0, BINARY_SI)),
    ("0.05Gi", dec(536870912, -1, BINARY_SI)),
    ("0.025Ti", dec(274877906944, -1, BINARY_SI)),
    # Things written by trolls
    ("0.000000000001Ki", dec(2, -9, DECIMAL_SI)),  # rounds up, changes format
    (".001", dec(1, -3, DECIMAL_SI)),
    (".0001k", dec(100, -3, DECIMAL_SI)),
    ("1.", dec(1, 0, DECIMAL_SI)),
    ("1.G", dec(1, 9, DECIMAL_SI)),
]


@pytest.mark.parametrize("text,expect", PARSE_TABLE, ids=[r[0] for r in PARSE_TABLE])
def test_quantity_parse_table(text, expect):
    got = P(text)
    assert got.cmp(expect) == 0, (text, str(got), str(expect))
    assert got == expect
    assert got.format == expect.format
    i, ok = expect.as_int64()
    j, ok2 = got.as_int64()
    if ok and ok2:
        assert i == j
    # negative version: the magnitude is rounded, then negated; the format is the same
    neg = P("-" + text)
    assert neg == -expect
    assert neg.format == expect.format
    plus = P("+" + text)
    assert plus == expect and plus.format == expect.format


# quantity_test.go TestQuantityParse (invalid list, v1.34 subset) plus the brief's cases.
# "1e4294967297" is omitted: v1.34 truncates the exponent to int32 (tested below); later upstream rejects it.
INVALID = [
    ("1.1.M", ERR_FORMAT_WRONG),
    ("1+1.0M", ERR_FORMAT_WRONG),
    ("0.1mi", ERR_SUFFIX),
    ("0.1am", ERR_FORMAT_WRONG),
    ("aoeu", ERR_FORMAT_WRONG),
    (".5i", ERR_SUFFIX),
    ("1i", ERR_SUFFIX),
    ("-3.01i", ERR_SUFFIX),
    ("-3.01e-", ERR_SUFFIX),
    (" 1", ERR_FORMAT_WRONG),
    ("1 ", ERR_FORMAT_WRONG),
    ("", ERR_FORMAT_WRONG),
    ("1.5.0", ERR_FORMAT_WRONG),
    ("1.1.Mi", ERR_FORMAT_WRONG),
    ("Non-Numeric", ERR_FORMAT_WRONG),       # TestQuantityParseNonNumericPanic
    ("invalid", ERR_FORMAT_WRONG),           # TestQuantityValueSet: 'v' is neither suffix letter nor digit
    ("12XB", ERR_FORMAT_WRONG),
    ("1Q", ERR_FORMAT_WRONG),
    ("1KI", ERR_FORMAT_WRONG),               # 'I' is not a suffix letter
    ("1mi", ERR_SUFFIX),
    ("1kb", ERR_FORMAT_WRONG),
    ("1mb", ERR_FORMAT_WRONG),
    ("1ki", ERR_SUFFIX),
    ("e", ERR_SUFFIX),
    ("1ee3", ERR_SUFFIX),
    ("1e3.5", ERR_FORMAT_WRONG),
    ("1e9223372036854775808", ERR_SUFFIX),   # strconv.ParseInt range error
    ("e-10", ERR_NUMERIC),                   # inf.Dec SetString("") has no digits
    (".e-10", ERR_NUMERIC),
    ("-.e-10", ERR_NUMERIC),
    ("1_000", ERR_FORMAT_WRONG),
    ("١", ERR_FORMAT_WRONG),                 # non-ASCII digit
]


@pytest.mark.parametrize("text,reason", INVALID, ids=[repr(r[0]) for r in INVALID])
def test_quantity_parse_invalid(text, reason):
    with pytest.raises(FieldError) as ei:
        P(text)
    assert ei.value.field == ""
    assert ei.value.message == f'invalid quantity "{text}": {reason}'
    with pytest.raises(FieldError):
        milli_value(text)
    with pytest.raises(FieldError):
        value(text)


def test_invalid_error_texts_are_upstreams():
    # quantity.go ErrFormatWrong / ErrNumeric / ErrSuffix
    assert ERR_FORMAT_WRONG == (
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    assert ERR_NUMERIC == "unable to parse numeric part of quantity"
    assert ERR_SUFFIX == "unable to parse quantity's suffix"
    assert str(pytest.raises(FieldError, P, "1.5.0").value).startswith('invalid quantity "1.5.0": quantities')


@pytest.mark.parametrize("bad", [None, True, False, [1], {"a": 1}, (1,), b"1", object()])
def test_non_quantity_types_rejected(bad):
    for fn in (P, parse_quantity, milli_value, value):
        with pytest.raises(FieldError) as ei:
            fn(bad)
        assert ei.value.message.startswith("invalid quantity ")
        assert type(bad).__name__ in ei.value.message


def test_bool_not_confused_with_int_by_cache():
    assert milli_value(1) == 1000 and value(1) == 1
    with pytest.raises(FieldError):
        milli_value(True)
    with pytest.raises(FieldError):
        value(True)


@pytest.mark.parametrize("f", [math.nan, math.inf, -math.inf])
def test_non_finite_floats_rejected(f):
    with pytest.raises(FieldError, match="not a finite number"):
        P(f)


# Quirks of the v1.34 scanner (parseQuantityString) that upstream accepts.
@pytest.mark.parametrize("text,expect,fmt", [
    (".", 0, DECIMAL_SI),         # TestParseQuantityString: "." and "-." scan as 0
    ("-.", 0, DECIMAL_SI),
    ("-", 0, DECIMAL_SI),
    ("+", 0, DECIMAL_SI),
    ("Ki", 0, BINARY_SI),         # an empty number is 0
    ("m", 0, DECIMAL_SI),
    ("e3", 0, DECIMAL_EXPONENT),
    ("000", 0, DECIMAL_SI),
    ("0.025Ti", Fraction(274877906944, 10), BINARY_SI),
    ("-1.025Ti", -Fraction(1025, 1000) * 2 ** 40, BINARY_SI),
    ("1E-3", Fraction(1, 1000), DECIMAL_EXPONENT),
    ("1e4294967297", 10, DECIMAL_EXPONENT),   # v1.34: int32(4294967297) == 1
    ("1e-4294967295", 10, DECIMAL_EXPONENT),  # int32(-4294967295) == 1
    ("1e003", 1000, DECIMAL_EXPONENT),
])
def test_scanner_quirks(text, expect, fmt):
    q = P(text)
    assert q.as_fraction() == expect
    assert q.format == fmt


# quantity_test.go TestQuantityParseZero
def test_quantity_parse_zero():
    assert str(P("0")) == "0"


# ---------------------------------------------------------------------------------------------
# quantity_test.go TestQuantityString (v1.34 rows; "1e21"/"10e69" fallback rows are post-v1.34)
STRING_TABLE = [
    (dec(1024 ** 3, 0, BINARY_SI), "1Gi", "1024Mi"),
    (dec(300 * 1024 ** 2, 0, BINARY_SI), "300Mi", "307200Ki"),
    (dec(6 * 1024, 0, BINARY_SI), "6Ki", ""),
    (dec(1001 * 1024 ** 3, 0, BINARY_SI), "1001Gi", "1025024Mi"),
    (dec(1024 ** 4, 0, BINARY_SI), "1Ti", "1024Gi"),
    (dec(5, 0, BINARY_SI), "5", "5000m"),
    (dec(500, -3, BINARY_SI), "500m", "0.5"),
    (dec(1, 9, DECIMAL_SI), "1G", "1000M"),
    (dec(1000, 6, DECIMAL_SI), "1G", "0.001T"),
    (dec(1000000, 3, DECIMAL_SI), "1G", ""),
    (dec(1000000000, 0, DECIMAL_SI), "1G", ""),
    (dec(1, -3, DECIMAL_SI), "1m", "1000u"),
    (dec(80, -3, DECIMAL_SI), "80m", ""),
    (dec(1080, -3, DECIMAL_SI), "1080m", "1.08"),
    (dec(108, -2, DECIMAL_SI), "1080m", "1080000000n"),
    (dec(10800, -4, DECIMAL_SI), "1080m", ""),
    (dec(300, 6, DECIMAL_SI), "300M", ""),
    (dec(1, 12, DECIMAL_SI), "1T", ""),
    (dec(1, 18, DECIMAL_SI), "1E", ""),
    (dec(1234567, 6, DECIMAL_SI), "1234567M", ""),
    (dec(1234567, -3, BINARY_SI), "1234567m", ""),
    (dec(3, 3, DECIMAL_SI), "3k", ""),
    (dec(1025, 0, BINARY_SI), "1025", ""),
    (dec(0, 0, DECIMAL_SI), "0", ""),
    (dec(0, 0, BINARY_SI), "0", ""),
    (dec(1, 9, DECIMAL_EXPONENT), "1e9", ".001e12"),
    (dec(1, -3, DECIMAL_EXPONENT), "1e-3", "0.001e0"),
    (dec(1, -9, DECIMAL_EXPONENT), "1e-9", "1000e-12"),
    (dec(80, -3, DECIMAL_EXPONENT), "80e-3", ""),
    (dec(300, 6, DECIMAL_EXPONENT), "300e6", ""),
    (dec(1, 12, DECIMAL_EXPONENT), "1e12", ""),
    (dec(1, 3, DECIMAL_EXPONENT), "1e3", ""),
    (dec(3, 3, DECIMAL_EXPONENT), "3e3", ""),
    (dec(3, 3, DECIMAL_SI), "3k", ""),
    (dec(0, 0, DECIMAL_EXPONENT), "0", "00"),
    (dec(1, -9, DECIMAL_SI), "1n", ""),
    (dec(80, -9, DECIMAL_SI), "80n", ""),
    (dec(1080, -9, DECIMAL_SI), "1080n", ""),
    (dec(108, -8, DECIMAL_SI), "1080n", ""),
    (dec(10800, -10, DECIMAL_SI), "1080n", ""),
    (dec(1, -6, DECIMAL_SI), "1u", ""),
    (dec(80, -6, DECIMAL_SI), "80u", ""),
    (dec(1080, -6, DECIMAL_SI), "1080u", ""),
]


@pytest.mark.parametrize("q,expect,alternate", STRING_TABLE, ids=[r[1] + "|" + r[2] for r in STRING_TABLE])
def test_quantity_string(q, expect, alternate):
    assert str(q) == expect
    # the int64Amount form of the same value prints the same
    if q._e >= -18 and q._m.bit_length() < 60:
        assert str(intq(q._m, q._e, q.format)) == expect
    parsed = P(expect)
    assert parsed._s == expect            # parse keeps an already-canonical input string
    assert str(parsed) == expect
    if alternate:
        alt = P(alternate)
        assert alt._s is None             # ... but not a non-canonical one
        assert str(alt) == expect
    if not q.is_zero():
        assert str(-q) == "-" + expect    # never "-0"


# quantity_test.go TestBinarySIZeroExponentString
@pytest.mark.parametrize("q,want", [
    (intq(2000, 0, BINARY_SI), "2000"), (intq(-2000, 0, BINARY_SI), "-2000"),
    (dec(2000, 0, BINARY_SI), "2000"), (dec(-2000, 0, BINARY_SI), "-2000"),
])
def test_binary_si_zero_exponent_string(q, want):
    assert str(q) == want


# v1.34 CanonicalizeBytes drops a missing suffix instead of falling back (fixed after v1.34,
# kubernetes#140459 / TestQuantityStringBelowNano); pinned so a version bump notices.
@pytest.mark.parametrize("q,want", [
    (dec(1, 21, DECIMAL_SI), "1"),
    (P("1000E"), "1"),
    (dec(1, -12, DECIMAL_SI), "1"),
    (dec(1, -10, DECIMAL_SI), "100"),
    (dec(1 << 70, 0, BINARY_SI), "1"),   # 1024**7: no binary suffix past Ei
])
def test_v134_missing_suffix_is_dropped(q, want):
    assert str(q) == want


# quantity_test.go TestQuantityParseEmit
PARSE_EMIT = [
    ("1Ki", "1Ki"), ("1Mi", "1Mi"), ("1Gi", "1Gi"), ("1024Mi", "1Gi"), ("1000M", "1G"),
    (".001Ki", "1024m"), (".000001Ki", "1024u"), (".000000001Ki", "1024n"), (".000000000001Ki", "2n"),
]


@pytest.mark.parametrize("text,expect", PARSE_EMIT)
def test_quantity_parse_emit(text, expect):
    assert str(P(text)) == expect
    assert str(P("-" + text)) == "-" + expect


# quantity_test.go TestParseQuantity (v1.34): AsInt64, exact value and re-serialization near int64 limits.
# Columns: input, AsInt64 value or None, exact decimal, canonical ("" = the input itself).
PARSE_QUANTITY = [
    ("-999999999999999999", -999999999999999999, "-999999999999999999", ""),
    ("999999999999999999", 999999999999999999, "999999999999999999", ""),
    ("-999999999999999999.0", None, "-999999999999999999", "-999999999999999999"),
    ("999999999999999999.0", None, "999999999999999999", "999999999999999999"),
    ("-999999999999999999.1", None, "-999999999999999999.1", "-999999999999999999100m"),
    ("999999999999999999.1", None, "999999999999999999.1", "999999999999999999100m"),
    ("-9999999999999999999", None, "-9999999999999999999", ""),
    ("9999999999999999999", None, "9999999999999999999", ""),
    ("-1E", -1000000000000000000, "-1000000000000000000", ""),
    ("1E", 1000000000000000000, "1000000000000000000", ""),
    ("-1000000000000000000", None, "-1000000000000000000", "-1E"),
    ("1000000000000000000", None, "1000000000000000000", "1E"),
    ("-9999999999999999999.0", None, "-9999999999999999999", "-9999999999999999999"),
    ("9999999999999999999.0", None, "9999999999999999999", "9999999999999999999"),
    ("-1.0E", -1000000000000000000, "-1000000000000000000", "-1E"),
    ("1.0E", 1000000000000000000, "1000000000000000000", "1E"),
    ("-1000000000000000000.0", None, "-1000000000000000000", "-1E"),
    ("1000000000000000000.0", None, "1000000000000000000", "1E"),
    ("-9999999999999999999000m", None, "-9999999999999999999", "-9999999999999999999"),
    ("9999999999999999999000m", None, "9999999999999999999", "9999999999999999999"),
    ("-9999999999999999999.1", None, "-9999999999999999999.1", "-9999999999999999999100m"),
    ("9999999999999999999.1", None, "9999999999999999999.1", "9999999999999999999100m"),
    ("-1.0000000000000000001E", None, "-1000000000000000000.1", "-1000000000000000000100m"),
    ("1.0000000000000000001E", None, "1000000000000000000.1", "1000000000000000000100m"),
    ("-1000000000000000000.1", None, "-1000000000000000000.1", "-1000000000000000000100m"),
    ("1000000000000000000.1", None, "1000000000000000000.1", "1000000000000000000100m"),
    ("-1.000000000000000001E", None, "-1000000000000000001", "-1000000000000000001"),
    ("1.000000000000000001E", None, "1000000000000000001", "1000000000000000001"),
    ("-1000000000000000001", None, "-1000000000000000001", ""),
    ("1000000000000000001", None, "1000000000000000001", ""),
    ("-10E", None, "-10000000000000000000", ""),
    ("10E", None, "10000000000000000000", ""),
    ("-10000000000000000000", None, "-10000000000000000000", "-10E"),
    ("10000000000000000000", None, "10000000000000000000", "10E"),
    ("-10.0E", None, "-10000000000000000000", "-10E"),
    ("10.0E", None, "10000000000000000000", "10E"),
    ("-10000000000000000000.0", None, "-10000000000000000000", "-10E"),
    ("10000000000000000000.0", None, "10000000000000000000", "10E"),
    ("-10000000000000000000000m", None, "-10000000000000000000", "-10E"),
    ("10000000000000000000000m", None, "10000000000000000000", "10E"),
    ("-10.0000000000000000001E", None, "-10000000000000000000.1", "-10000000000000000000100m"),
    ("10.0000000000000000001E", None, "10000000000000000000.1", "10000000000000000000100m"),
    ("-10000000000000000000.1", None, "-10000000000000000000.1", "-10000000000000000000100m"),
    ("10000000000000000000.1", None, "10000000000000000000.1", "10000000000000000000100m"),
    ("-10.000000000000000001E", None, "-10000000000000000001", "-10000000000000000001"),
    ("10.000000000000000001E", None, "10000000000000000001", "10000000000000000001"),
    ("-10000000000000000001", None, "-10000000000000000001", ""),
    ("10000000000000000001", None, "10000000000000000001", ""),
    ("-9223372036854775809", None, "-9223372036854775809", ""),
    ("9223372036854775806", None, "9223372036854775806", ""),
    ("-9223372036854775809.0", None, "-9223372036854775809", "-9223372036854775809"),
    ("9223372036854775806.0", None, "9223372036854775806", "9223372036854775806"),
    ("-9223372036854775809000m", None, "-9223372036854775809", "-9223372036854775809"),
    ("9223372036854775806000m", None, "9223372036854775806", "9223372036854775806"),
    ("-9223372036854775809.1", None, "-9223372036854775809.1", "-9223372036854775809100m"),
    ("9223372036854775806.1", None, "9223372036854775806.1", "9223372036854775806100m"),
    ("-9223372036854775808", None, "-9223372036854775808", ""),
    ("9223372036854775807", None, "9223372036854775807", ""),
    ("-9223372036854775808.0", None, "-9223372036854775808", "-9223372036854775808"),
    ("9223372036854775807.0", None, "9223372036854775807", "9223372036854775807"),
    ("-9223372036854775808000m", None, "-9223372036854775808", "-9223372036854775808"),
    ("9223372036854775807000m", None, "9223372036854775807", "9223372036854775807"),
    ("-9223372036854775808.1", None, "-9223372036854775808.1", "-9223372036854775808100m"),
    ("9223372036854775807.1", None, "9223372036854775807.1", "9223372036854775807100m"),
    ("-9223372036854775807", None, "-9223372036854775807", ""),
    ("9223372036854775808", None, "9223372036854775808", ""),
    ("-9223372036854775807.0", None, "-9223372036854775807", "-9223372036854775807"),
    ("9223372036854775808.0", None, "9223372036854775808", "9223372036854775808"),
    ("-9223372036854775807000m", None, "-9223372036854775807", "-9223372036854775807"),
    ("9223372036854775808000m", None, "9223372036854775808", "9223372036854775808"),
    ("-9223372036854775807.1", None, "-9223372036854775807.1", "-9223372036854775807100m"),
    ("9223372036854775808.1", None, "9223372036854775808.1", "9223372036854775808100m"),
]


@pytest.mark.parametrize("text,as_int,exact,canonical", PARSE_QUANTITY, ids=[r[0] for r in PARSE_QUANTITY])
def test_parse_quantity_near_int64(text, as_int, exact, canonical):
    q = P(text)
    v, ok = q.as_int64()
    if as_int is None:
        assert not ok
    else:
        assert ok and v == as_int
    assert q.as_fraction() == Fraction(Decimal(exact))
    assert str(q) == (canonical or text)


# ---------------------------------------------------------------------------------------------
# quantity_test.go TestQuantityCmp
@pytest.mark.parametrize("x,y,expect", [("0", "0", 0), ("100m", "50m", 1), ("50m", "100m", -1), ("10000T", "100Gi", 1)])
def test_quantity_cmp(x, y, expect):
    assert P(x).cmp(P(y)) == expect
    assert P(y).cmp(P(x)) == -expect


@pytest.mark.parametrize("x,y,expect", [
    (dec(0, 0), dec(0, 0), 0), (intq(0, 0), dec(0, 0), 0), (dec(0, 0), intq(0, 0), 0), (intq(0, 0), intq(0, 0), 0),
    (intq(0, 0), dec(10, 0), -1), (intq(0, 0), dec(-10, 0), 1), (dec(10, 0), intq(0, 0), 1), (dec(-10, 0), intq(0, 0), -1),
])
def test_quantity_cmp_zero_representations(x, y, expect):
    assert x.cmp(y) == expect


# quantity_test.go TestQuantityCmpInt64AndDec: each pair compared as int64Amount and as inf.Dec.
CMP_INT64_AND_DEC = [
    ((901, -2), (901, -2), 0), ((90, -1), (901, -2), -1), ((901, -2), (900, -2), 1), ((0, 0), (0, 0), 0),
    ((0, 1), (0, -1), 0), ((0, -1), (0, 1), 0), ((800, -3), (1, 0), -1), ((800, -3), (79, -2), 1),
    ((MOST_POSITIVE, 0), (1, -1), 1), ((MOST_POSITIVE, 1), (1, 0), 1), ((MOST_POSITIVE, 1), (1, 1), 1),
    ((MOST_POSITIVE, 1), (0, 1), 1), ((MOST_POSITIVE, -16), (1, 3), -1),
    ((MOST_NEGATIVE, 0), (0, 0), -1), ((MOST_NEGATIVE, -18), (-1, 0), -1), ((MOST_NEGATIVE, -19), (-1, 0), 1),
    ((10 ** 18, -17), (1, 1), 0), ((10 ** 18, -17), (-10, 0), 1), ((-10 ** 18, -17), (-10, 0), 0),
    ((10 ** 18, -17), (1, 0), 1), ((10 ** 18 + 1, -17), (1, 1), 1), ((10 ** 18 - 1, -17), (1, 1), -1),
]


@pytest.mark.parametrize("a,b,expect", CMP_INT64_AND_DEC)
def test_quantity_cmp_int64_and_dec(a, b, expect):
    for x in (intq(*a), dec(*a)):
        for y in (intq(*b), dec(*b)):
            assert x.cmp(y) == expect
            assert y.cmp(x) == -expect
            assert (x == y) == (expect == 0)
            assert (x < y) == (expect < 0) and (x > y) == (expect > 0)
            assert (x <= y) == (expect <= 0) and (x >= y) == (expect >= 0)
            if expect == 0:
                assert hash(x) == hash(y)


def test_cmp_with_huge_exponents():
    assert P("1e2000000000") > P("9E")
    assert P("1e-2000000000") == P("1n")       # rounded up to nano
    assert P("1e-2000000000") > P("0")
    assert P("-1e2000000000") < P("-9E")
    assert intq(1, 2000000000) > intq(999, 1999999997)
    assert intq(1000, 1999999997) == intq(1, 2000000000)


# ---------------------------------------------------------------------------------------------
# quantity_test.go TestQuantityNeg / TestNeg
def test_quantity_neg():
    assert str(-intq(901, -2)) == "-9010m"
    assert str(-dec(901, -2)) == "-9010m"
    for a, expected in [
        (intq(0, 0), intq(0, 0)), (intq(10, 0, BINARY_SI), intq(-10, 0, BINARY_SI)),
        (intq(-10, 0, BINARY_SI), intq(10, 0, BINARY_SI)), (dec(0, 0), intq(0, 0)),
        (dec(10, 0, BINARY_SI), intq(-10, 0, BINARY_SI)), (dec(-10, 0, BINARY_SI), intq(10, 0, BINARY_SI)),
    ]:
        assert -a == expected
        assert (-a).format == a.format


# quantity_test.go TestQuantityAddZeroPreservesSuffix / TestQuantitySubZeroPreservesSuffix
@pytest.mark.parametrize("text", ["100m", "1Gi"])
def test_add_sub_zero_preserve_suffix(text):
    zero = P("0")
    v = P(text)
    assert str(v + zero) == text
    assert str(zero + v) == text
    assert str(v - zero) == text
    assert str(zero - v) == str(-v) == "-" + text


# quantity_test.go TestAdd / TestSub
ZERO_DSI = intq(0, 0, DECIMAL_SI)


@pytest.mark.parametrize("a,b,add,sub", [
    (dec(10, 0), dec(1, 1), dec(20, 0), dec(0, 0)),
    (dec(10, 0), dec(1, 0, BINARY_SI), dec(11, 0), dec(9, 0)),
    (dec(10, 0, BINARY_SI), dec(1, 0), dec(11, 0, BINARY_SI), dec(9, 0, BINARY_SI)),
    (ZERO_DSI, dec(50, 0), dec(50, 0), dec(-50, 0)),
    (dec(50, 0), ZERO_DSI, dec(50, 0), dec(50, 0)),
    (ZERO_DSI, ZERO_DSI, dec(0, 0), dec(0, 0)),
])
def test_add_sub(a, b, add, sub):
    assert a + b == add
    assert a - b == sub
    for x, y in [(a, b), (intq(a._m, a._e, a.format), intq(b._m, b._e, b.format))]:
        assert x.add(y) == add and x.sub(y) == sub
        assert (x + y).format == (y.format if x.is_zero() else x.format)


def test_add_overflow_switches_to_exact_decimal():
    big = intq(MOST_POSITIVE, 0)
    s = big + big
    assert s.as_fraction() == 2 * MOST_POSITIVE
    assert s.as_int64()[1] is False
    assert str(s) == str(2 * MOST_POSITIVE)
    assert (intq(1, 0) + intq(MOST_POSITIVE, 1)).as_fraction() == MOST_POSITIVE * 10 + 1


def test_v134_sub_most_negative_wraps():
    # v1.34 int64Amount.Sub negates in int64: 0 - MinInt64 stays MinInt64 (fixed after v1.34).
    assert (ZERO_DSI - intq(MOST_NEGATIVE, 0)).as_fraction() == MOST_NEGATIVE
    assert (-intq(MOST_NEGATIVE, 0)).as_fraction() == MOST_NEGATIVE


# quantity_test.go TestAddSubRoundTrip / TestAddSubRoundTripAcrossScales / TestNegateRoundTrip (seeded)
@given(st.lists(st.tuples(st.integers(0, MOST_POSITIVE), st.integers(-10, 10)), max_size=30))
@settings(max_examples=50, deadline=None)
def test_add_sub_round_trip(items):
    q = ZERO_DSI
    for j, k in items:
        q = q + Quantity.new_scaled(j, k)
    for j, k in items:
        q = q - Quantity.new_scaled(j, k)
    assert q.is_zero()
    for j, k in items:
        x = Quantity.new_scaled(j, k)
        assert -(-x) == x


# ---------------------------------------------------------------------------------------------
# quantity_test.go TestMilliNewSet / TestNewSet / TestNewScaledSet
@pytest.mark.parametrize("v,fmt,expect,exact", [
    (1, DECIMAL_SI, "1m", True), (1000, DECIMAL_SI, "1", True), (1234000, DECIMAL_SI, "1234", True),
    (1024, BINARY_SI, "1024m", False), (1000000, "invalidFormatDefaultsToExponent", "1e3", True),
    (1024 * 1024, BINARY_SI, "1048576m", False),
])
def test_milli_new_set(v, fmt, expect, exact):
    q = Quantity.new_milli(v, fmt)
    assert str(q) == expect
    if exact:
        assert P(str(q)).milli_value() == v


@pytest.mark.parametrize("v,fmt,expect", [
    (1, DECIMAL_SI, "1"), (1000, DECIMAL_SI, "1k"), (1234000, DECIMAL_SI, "1234k"), (1024, BINARY_SI, "1Ki"),
    (1000000, "invalidFormatDefaultsToExponent", "1e6"), (1024 * 1024, BINARY_SI, "1Mi"),
])
def test_new_set(v, fmt, expect):
    for q in (Quantity.new(v, fmt), dec(v, 0, fmt)):
        assert str(q) == expect
        assert P(str(q)).value() == v


@pytest.mark.parametrize("v,scale,expect", [
    (1, -9, "1n"), (1000, -9, "1u"), (1, -6, "1u"), (1000, -6, "1m"), (1, -3, "1m"), (1000, -3, "1"),
    (1, 0, "1"), (0, -9, "0"), (0, -6, "0"), (0, -3, "0"), (0, 0, "0"),
])
def test_new_scaled_set(v, scale, expect):
    q = Quantity.new_scaled(v, scale)
    assert str(q) == expect
    assert P(str(q)).scaled_value(scale) == v


# quantity_test.go TestScaledValue
@pytest.mark.parametrize("from_scale,to_scale,expected", [
    (-9, -9, 1), (-9, -6, 1), (-9, -3, 1), (-9, 0, 1), (-6, -9, 1000), (-6, -6, 1), (-6, -3, 1), (-6, 0, 1),
    (-3, -9, 10 ** 6), (-3, -6, 1000), (-3, -3, 1), (-3, 0, 1), (0, -9, 10 ** 9), (0, -6, 10 ** 6),
    (0, -3, 1000), (0, 0, 1), (2, -2, 100 * 100),
])
def test_scaled_value(from_scale, to_scale, expected):
    assert Quantity.new_scaled(1, from_scale).scaled_value(to_scale) == expected
    assert dec(1, from_scale).scaled_value(to_scale) == expected


# scale_int_test.go TestScaledValueInternal (v1.34 rows): scaledValue(unscaled, scale, newScale) with
# inf.Dec scales, i.e. the quantity unscaled * 10**-scale asked for ScaledValue(-newScale).
@pytest.mark.parametrize("unscaled,scale,new_scale,want", [
    (1000, 0, 0, 1000), (1000, 0, -3, 1), (1000, 3, 0, 1), (0, 3, 0, 0),
    (999, 3, 0, 1), (500, 3, 0, 1), (499, 3, 0, 1), (1, 3, 0, 1),
    (MOST_POSITIVE - 1, 1, 0, (MOST_POSITIVE - 1) // 10 + 1),
    (10 ** 100, 100, 0, 1),
    (0, 0, 3, 0), (1, 0, 3, 1000), (1, -3, 0, 1000), (1000, -3, 2, 100000000),
    (MOST_POSITIVE // 1000, 0, 3, (MOST_POSITIVE // 1000) * 1000),
    # v1.34 negatives: the int64 fast path adds one to Go's truncated quotient, the big.Int path to the
    # floored one (both later changed to round away from zero, kubernetes#138510).
    (-1000, 0, 0, -1000), (-1000, 3, 0, -1), (-1, 3, 0, 1), (-1500, 3, 0, 0), (-999, 3, 0, 1),
    (-5, 19, 0, 0), (-(10 ** 100), 100, 0, -1),
])
def test_scaled_value_internal(unscaled, scale, new_scale, want):
    assert dec(unscaled, -scale).scaled_value(-new_scale) == want


# MilliValue / Value rounding of parsed strings: int64Amount path rounds away from zero, inf.Dec path as v1.34.
# Negative rows of upstream TestNegativeValueRoundsAwayFromZero carry v1.34 values where they differ.
@pytest.mark.parametrize("text,want_value,want_milli", [
    ("-.484785E-1", -1, -49), (".484785E-1", 1, 49), ("-0.0005", -1, -1), ("0.0005", 1, 1),
    ("-1500m", -2, -1500), ("1500m", 2, 1500), ("-1", -1, -1000), ("1", 1, 1000), ("0", 0, 0),
    (".484785E-7466", 1, 1),
    ("-.484785E-7466", 1, 1),                              # v1.34 (later: -1, -1)
    ("9.5000000001Gi", 10200547329, 10200547328108),
    ("-9.5000000001Gi", -10200547328, -10200547328107),    # v1.34 (later: -10200547329, -10200547328108)
    ("-0.0001Ki", 1, -101),                                 # v1.34 int64 fast path on a negative unscaled
    ("500m", 1, 500), ("100m", 1, 100), ("1m", 1, 1), ("0.1m", 1, 1), ("1n", 1, 1), ("1u", 1, 1),
    ("1.5", 2, 1500), ("2", 2, 2000), ("2Gi", 2 * 1024 ** 3, 2 * 1024 ** 3 * 1000), ("128974848", 128974848, 128974848000),
    ("129e6", 129000000, 129000000000), ("123Mi", 128974848, 128974848000), ("0.5Ki", 512, 512000),
    ("1.1Ki", 1127, 1126400), ("1.0000000001", 2, 1001), ("999999999999999999.1", 10 ** 18, 3875820019684211836),
])
def test_value_and_milli_value(text, want_value, want_milli):
    q = P(text)
    assert q.value() == want_value
    assert q.milli_value() == want_milli
    assert value(text) == want_value
    assert milli_value(text) == want_milli


# quantity_example_test.go ExampleFormat / ExampleMustParse
def test_examples():
    assert str(Quantity.new(5 * 1024 ** 3, BINARY_SI)) == "5Gi"
    assert str(Quantity.new(5 * 1000 ** 3, DECIMAL_SI)) == "5G"
    assert str(Quantity.new_milli(5300, DECIMAL_SI)) == "5300m"
    assert (P("5Gi").value(), P("5Gi").format) == (5368709120, BINARY_SI)
    assert (P("5G").value(), P("5G").format) == (5000000000, DECIMAL_SI)
    assert (P("5300m").milli_value(), P("5300m").format) == (5300, DECIMAL_SI)
    assert (P("5.4").milli_value(), P("5.4").format) == (5400, DECIMAL_SI)


# Results that do not fit int64 follow v1.34 Go arithmetic exactly (no exception).
@pytest.mark.parametrize("text,want_value,want_milli", [
    ("9Ei", MOST_POSITIVE, -1000),                 # capped inf.Dec, inf.Scale 0: MaxInt64 * 1000 wraps
    ("12E", 0, 0),                                  # int64Amount{12, 18}: multiply loop overflows -> 0
    ("10E", 0, 0),
    ("9E", 9 * 10 ** 18, 0),
    ("9223372036854775k", 9223372036854775000, _wrap(9223372036854775 * 10 ** 6)),  # *10**6 wraps
    ("1234567890123456789012", -1363962815083169260, 1096246371337559584),      # big.Int.Int64 low bits
    ("1e2147483647", 0, 1),                         # Milli: scale 2147483647+3 wraps negative -> unchanged
    ("1.55e-2147483647", 0, 155),                   # scale - len(denom) wraps to +2147483647
])
def test_overflow_matches_go(text, want_value, want_milli):
    q = P(text)
    assert q.value() == want_value
    assert q.milli_value() == want_milli


# ---------------------------------------------------------------------------------------------
# YAML/JSON numbers: written as Go's encoding/json writes a float64, then parsed (UnmarshalJSON).
@pytest.mark.parametrize("f,text", [
    (0.5, "0.5"), (2.0, "2"), (100.0, "100"), (0.1, "0.1"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
    (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"), (123456.789, "123456.789"), (-0.25, "-0.25"),
    (-0.0, "-0"), (0.0, "0"), (1.7976931348623157e308, "1.7976931348623157e+308"), (5e-324, "5e-324"),
    (1e-100, "1e-100"), (12345678912345678.0, "12345678912345678"),
])
def test_go_json_float_text(f, text):
    assert qmod._go_json_float(f) == text
    assert P(f) == P(text)
    assert P(f).format == P(text).format


# quantity_test.go TestJSONWhitespace (number rows; string rows are UnmarshalJSON's TrimSpace, not ParseQuantity)
@pytest.mark.parametrize("n,expect", [(1, "1"), (10, "10"), (-1, "-1")])
def test_json_numbers(n, expect):
    assert str(P(n)) == expect


@pytest.mark.parametrize("v,cpu_milli,mem", [
    (2, 2000, 2), (0.5, 500, 1), (1.5, 1500, 2), (0.001, 1, 1), (0.0001, 1, 1), (10 ** 20, _wrap(10 ** 23), _wrap(10 ** 20)),
])
def test_number_inputs(v, cpu_milli, mem):
    assert milli_value(v) == cpu_milli
    assert value(v) == mem


def test_numpy_scalars_accepted():
    np = pytest.importorskip("numpy")
    assert milli_value(np.float64(0.5)) == 500
    assert value(np.int64(3)) == 3
    with pytest.raises(FieldError):
        value(np.bool_(True))


# ---------------------------------------------------------------------------------------------
def test_immutable_hashable_picklable():
    q = P("1.5Gi")
    with pytest.raises(AttributeError):
        q.format = DECIMAL_SI
    with pytest.raises(AttributeError):
        q.other = 1
    assert {P("1Ki"): 1}[P("1024")] == 1
    assert len({P("1"), P("1000m"), P("1e0"), P("0.001k")}) == 1
    for s in ["1.5Gi", "100m", "9Ei", "12345678901234567890", "-0.0001Ki"]:
        x = P(s)
        y = pickle.loads(pickle.dumps(x))
        assert y == x and str(y) == str(x) and y.format == x.format
        assert (y.value(), y.milli_value()) == (x.value(), x.milli_value())
    assert repr(P("0.5")) == "Quantity('500m')"
    assert parse_quantity("2Gi") == P("2Gi")
    assert P(P("2Gi")) == P("2Gi")


def test_cached_string_quirks():
    # ParseQuantity keeps the input when it passes upstream's "already canonical" test.
    assert str(P("1.500k")) == "1.500k"
    assert str(P("+1")) == "+1"
    assert str(P("01")) == "01"
    assert str(P("1E3")) == "1E3"
    assert str(P("1025Ki")) == "1025Ki"
    assert str(P("1000")) == "1k"
    assert str(P("1024Ki")) == "1Mi"
    assert str(P("1.5Gi")) == "1536Mi"
    assert str(P("1.5")) == "1500m"


def test_pathological_inputs_are_fast_and_rejected():
    with pytest.raises(FieldError, match=re.escape(ERR_FORMAT_WRONG)):
        P("1" * 100000 + "x")
    with pytest.raises(FieldError, match=re.escape(ERR_FORMAT_WRONG)):
        P("1" * 50000 + "e" * 50000 + "x")
    with pytest.raises(FieldError, match="digits"):
        P("1" * 5000)
    assert P("0" * 100000) == P("0")


# ---------------------------------------------------------------------------------------------
# Properties
DEC_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}


def _exact(n: int, suffix: str) -> Fraction:
    if suffix in BIN_SUFFIXES:
        return Fraction(n * 2 ** BIN_SUFFIXES[suffix])
    if suffix.startswith(("e", "E")) and suffix not in DEC_SUFFIXES:
        return Fraction(n) * Fraction(10) ** int(suffix[1:])
    return Fraction(n) * Fraction(10) ** DEC_SUFFIXES[suffix]


def _v134_dec_scaled(x: Fraction, divisor: int) -> int:
    """scale_int.go scaledValue for an unscaled value at nano scale (x * 10**9 is an integer)."""
    u = int(x * 10 ** 9)
    if abs(u) < 2 ** 63 - 1:
        t = abs(u) // divisor * (1 if u >= 0 else -1)    # Go: truncated division
        return t + (1 if u % divisor else 0)
    q, r = divmod(u, divisor)                             # big.Int.DivMod: floored
    return q + (1 if r else 0)


def _ceil_away(x: Fraction) -> int:
    c = math.ceil(abs(x))
    return c if x >= 0 else -c


suffixes = st.sampled_from(sorted(DEC_SUFFIXES) + sorted(BIN_SUFFIXES) + ["e3", "E-3", "e-7", "e12", "e0"])


LIMIT = 2 ** 62 // 1000      # keep MilliValue inside int64


def _bounded(suffix: str, places: int = 0):
    bound = int(LIMIT / _exact(1, suffix) * 10 ** places)
    return st.integers(-bound, bound).map(lambda n: (n, suffix))


@given(suffixes.flatmap(_bounded))
@settings(max_examples=500, deadline=None)
def test_value_is_exact_ceiling(ns):
    n, suffix = ns
    text = f"{n}{suffix}"
    x = _exact(n, suffix)
    q = P(text)
    assert q.as_fraction() == x
    if q._S is None:
        # int64Amount (<= 18 digits): ceil for q >= 0, negatives rounded away from zero
        assert q.value() == _ceil_away(x)
        assert q.milli_value() == _ceil_away(x * 1000)
    else:
        # inf.Dec (19+ digits, fractional binary): v1.34 scaledValue
        assert q.value() == _v134_dec_scaled(x, 10 ** 9)
        assert q.milli_value() == _v134_dec_scaled(x, 10 ** 6)
    assert value(text) == q.value() and milli_value(text) == q.milli_value()
    if n >= 0:
        assert q.value() == math.ceil(x) and q.milli_value() == math.ceil(x * 1000)


@given(st.tuples(suffixes, st.integers(0, 12)).flatmap(
    lambda sp: st.tuples(_bounded(sp[0], sp[1]), st.just(sp[1]))))
@settings(max_examples=500, deadline=None)
def test_fraction_inputs_round_up_to_nano(args):
    (n, suffix), places = args
    n = abs(n)
    digits = str(n).rjust(places + 1, "0")
    text = (digits[:-places] + "." + digits[-places:] if places else digits) + suffix
    x = _exact(1, suffix) * Fraction(n, 10 ** places)
    q = P(text)
    nano = Fraction(math.ceil(x * 10 ** 9), 10 ** 9)
    assert q.as_fraction() == nano
    assert q.milli_value() == math.ceil(nano * 1000)
    assert q.value() == math.ceil(nano)


@given(st.integers(-(10 ** 20), 10 ** 20), suffixes, st.integers(0, 4))
@settings(max_examples=400, deadline=None)
@example(n=309413125, suffix="Ki", places=1)  # found by hypothesis: the binary-SI text without a suffix
def test_string_round_trip(n, suffix, places):
    digits = str(abs(n)).rjust(places + 1, "0")
    text = ("-" if n < 0 else "") + (digits[:-places] + "." + digits[-places:] if places else digits) + suffix
    q = P(text)
    # v1.34 drops the suffix above E (see test_v134_missing_suffix_is_dropped): stay below it
    assume(q.format != DECIMAL_SI or abs(q.as_fraction()) < 10 ** 21)
    s = str(q)
    r = P(s)
    assert r == q
    assert hash(r) == hash(q)
    # The text keeps its format's suffix only when it has one: a binary-SI amount that is not a whole
    # number of Ki prints without a suffix (CanonicalizeBytes: AsCanonicalBase1024Bytes gives exponent
    # 0), and that text parses as decimal SI ("30941312.5Ki" -> "31683904000" -> "31683904k"), as
    # resource.MustParse(...).String() does upstream. The canonical text of the re-parsed quantity is a
    # fixed point.
    if r.format == q.format:
        assert str(r) == s
    assert str(P(str(r))) == str(r)


@given(st.integers(-(10 ** 20), 10 ** 20), suffixes, st.integers(-(10 ** 20), 10 ** 20), suffixes)
@settings(max_examples=300, deadline=None)
def test_cmp_matches_exact_values(a, sa, b, sb):
    x, y = P(f"{a}{sa}"), P(f"{b}{sb}")
    fx, fy = x.as_fraction(), y.as_fraction()
    assert x.cmp(y) == (fx > fy) - (fx < fy)
    assert (x == y) == (fx == fy)
    if fx == fy:
        assert hash(x) == hash(y)
    assert (x + y).as_fraction() == fx + fy
    assert (x - y).as_fraction() == fx - fy


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False))
@settings(max_examples=300, deadline=None)
def test_float_inputs_match_their_decimal_text(f):
    q = P(f)
    exact = Fraction(Decimal(repr(f)))
    nano = Fraction(math.ceil(abs(exact) * 10 ** 9), 10 ** 9)
    assert q.as_fraction() == (nano if exact >= 0 else -nano)
    if f >= 0:
        assert milli_value(f) == math.ceil(nano * 1000)
