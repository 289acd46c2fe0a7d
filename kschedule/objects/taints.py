"""Node taints and pod tolerations: parsing, matching and apiserver validation.

Upstream followed (Kubernetes v1.34, ``kubernetes/kubernetes``):

- ``staging/src/k8s.io/api/core/v1/toleration.go`` ``Toleration.ToleratesTaint``: a toleration tolerates a
  taint iff (its effect is empty or equals the taint's) and (its key is empty or equals the taint's) and
  its operator is ``Exists``, or ``Equal``/empty with ``value == taint.value``.  Any other operator
  tolerates nothing.  ``MatchToleration``: equal key, effect, operator and value.
- ``staging/src/k8s.io/api/core/v1/taint.go``: ``MatchTaint`` (same key and effect) and ``ToString``
  (``key=value:effect``, ``key=value:``, ``key:effect`` or ``key``).
- ``staging/src/k8s.io/component-helpers/scheduling/corev1/helpers.go``: ``TolerationsTolerateTaint`` (any
  toleration tolerates) and ``FindMatchingUntoleratedTaint`` (first taint, in node order, that passes the
  inclusion filter and is not tolerated).
- Validation (apiserver, on create): ``pkg/apis/core/validation/validation.go`` ``ValidateTolerations``,
  ``validateNodeTaints`` and ``validateTaintEffect``.

Numeric toleration operators ``Gt``/``Lt`` (KEP-5471, feature gate ``TaintTolerationComparisonOperators``)
are alpha in v1.35 and absent from v1.34: with the gate off (the v1.34 behaviour and kschedule's default)
the apiserver rejects them and a ``Gt``/``Lt`` toleration tolerates no taint.  ``enable_comparison_operators``
switches on the v1.35 alpha semantics (both values canonical decimal int64 — no sign ``+``, no leading
zeros, no ``-0`` — else not tolerated; ``Gt`` tolerates when ``taint > toleration``, ``Lt`` when
``taint < toleration``).

``Taint`` and ``Toleration`` are frozen dataclasses (hashable).  ``parse_*`` raise
:class:`~kschedule.errors.FieldError` only for structural problems (wrong types), with paths relative to
the taint/toleration; ``validate_*`` apply the apiserver rules and raise the first error with the full path.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

from ..errors import FieldError
from .selectors import is_qualified_name, is_valid_label_value

__all__ = [
    "TAINT_EFFECTS", "TAINT_EFFECT_NO_SCHEDULE", "TAINT_EFFECT_PREFER_NO_SCHEDULE", "TAINT_EFFECT_NO_EXECUTE",
    "TOLERATION_OPERATORS", "Taint", "Toleration", "parse_taint", "parse_toleration", "parse_taints",
    "parse_tolerations", "tolerates_taint", "tolerations_tolerate_taint", "find_matching_untolerated_taint",
    "match_toleration", "taint_to_string", "validate_tolerations", "toleration_errors", "validate_taints",
    "taint_errors",
]

TAINT_EFFECT_NO_SCHEDULE = "NoSchedule"
TAINT_EFFECT_PREFER_NO_SCHEDULE = "PreferNoSchedule"
TAINT_EFFECT_NO_EXECUTE = "NoExecute"
TAINT_EFFECTS = (TAINT_EFFECT_NO_SCHEDULE, TAINT_EFFECT_PREFER_NO_SCHEDULE, TAINT_EFFECT_NO_EXECUTE)
#: Operators the v1.34 apiserver accepts ("" means Equal).
TOLERATION_OPERATORS = ("Equal", "Exists")
_COMPARISON_OPERATORS = ("Lt", "Gt")

# v1.35 alpha numeric comparison: canonical decimal int64 only.
_CANONICAL_INT_RE = re.compile(r"-?(0|[1-9][0-9]*)")
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


@dataclass(frozen=True)
class Taint:
    """``v1.Taint`` as the scheduler reads it (``timeAdded`` is parsed for type only and dropped)."""

    key: str
    value: str = ""
    effect: str = ""

    def match_taint(self, other: "Taint") -> bool:
        """Upstream ``MatchTaint``: taints are unique by key and effect."""
        return self.key == other.key and self.effect == other.effect

    def __str__(self) -> str:
        return taint_to_string(self)


@dataclass(frozen=True)
class Toleration:
    """``v1.Toleration``; ``operator`` is kept as written (``""`` means ``Equal``)."""

    key: str = ""
    operator: str = ""
    value: str = ""
    effect: str = ""
    toleration_seconds: Optional[int] = None


# --------------------------------------------------------------------------------------------------
# Parsing (structure only)
# --------------------------------------------------------------------------------------------------

def _mapping(value: Any, path: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise FieldError(path, f"expected an object, got {type(value).__name__}")
    return value


def _str(d: Mapping, key: str, path: str) -> str:
    v = d.get(key)
    if v is None:
        return ""
    if not isinstance(v, str):
        raise FieldError(_join(path, key), f"expected a string, got {type(v).__name__}")
    return v


def _join(prefix: str, child: str) -> str:
    if not prefix:
        return child
    return prefix + child if child.startswith("[") else prefix + "." + child


def _parse_taint(d: Any, path: str) -> Taint:
    d = _mapping(d, path)
    t = Taint(_str(d, "key", path), _str(d, "value", path), _str(d, "effect", path))
    _str(d, "timeAdded", path)  # RFC 3339 string or null; the scheduler never reads it
    return t


def _parse_toleration(d: Any, path: str) -> Toleration:
    d = _mapping(d, path)
    secs = d.get("tolerationSeconds")
    if secs is not None and (isinstance(secs, bool) or not isinstance(secs, int)):
        raise FieldError(_join(path, "tolerationSeconds"), f"expected an integer, got {type(secs).__name__}")
    if secs is not None and not _INT64_MIN <= secs <= _INT64_MAX:
        raise FieldError(_join(path, "tolerationSeconds"), f"{secs} does not fit in int64")
    return Toleration(_str(d, "key", path), _str(d, "operator", path), _str(d, "value", path),
                      _str(d, "effect", path), secs)


def parse_taint(d: Mapping) -> Taint:
    """A ``v1.Taint`` dict → :class:`Taint` (FieldError paths relative to the taint, e.g. ``effect``)."""
    return _parse_taint(d, "")


def parse_toleration(d: Mapping) -> Toleration:
    """A ``v1.Toleration`` dict → :class:`Toleration` (FieldError paths relative to the toleration)."""
    return _parse_toleration(d, "")


def _list(value: Any, path: str) -> Sequence:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise FieldError(path, f"expected a list, got {type(value).__name__}")
    return value


def parse_taints(taints: Optional[Sequence[Mapping]]) -> tuple[Taint, ...]:
    """A list of taint dicts (FieldError paths like ``[2].effect``)."""
    return tuple(_parse_taint(t, f"[{i}]") for i, t in enumerate(_list(taints, "")))


def parse_tolerations(tols: Optional[Sequence[Mapping]]) -> tuple[Toleration, ...]:
    """A list of toleration dicts (FieldError paths like ``[0].tolerationSeconds``)."""
    return tuple(_parse_toleration(t, f"[{i}]") for i, t in enumerate(_list(tols, "")))


# --------------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------------

def _canonical_int64(s: str) -> Optional[int]:
    if not _CANONICAL_INT_RE.fullmatch(s) or s == "-0":
        return None
    v = int(s)
    return v if _INT64_MIN <= v <= _INT64_MAX else None


def tolerates_taint(tol: Toleration, taint: Taint, enable_comparison_operators: bool = False) -> bool:
    """Upstream ``Toleration.ToleratesTaint``."""
    if tol.effect and tol.effect != taint.effect:
        return False
    if tol.key and tol.key != taint.key:
        return False
    op = tol.operator
    if op == "" or op == "Equal":
        return tol.value == taint.value
    if op == "Exists":
        return True
    if op in _COMPARISON_OPERATORS and enable_comparison_operators:
        tv, nv = _canonical_int64(tol.value), _canonical_int64(taint.value)
        if tv is None or nv is None:
            return False
        return nv < tv if op == "Lt" else nv > tv
    return False


def tolerations_tolerate_taint(tols: Iterable[Toleration], taint: Taint,
                               enable_comparison_operators: bool = False) -> bool:
    """Upstream ``TolerationsTolerateTaint``: some toleration tolerates the taint."""
    for t in tols:
        if tolerates_taint(t, taint, enable_comparison_operators):
            return True
    return False


def find_matching_untolerated_taint(taints: Iterable[Taint], tolerations: Sequence[Toleration],
                                    inclusion_filter: Optional[Callable[[Taint], bool]] = None,
                                    enable_comparison_operators: bool = False) -> Optional[Taint]:
    """Upstream ``FindMatchingUntoleratedTaint``: the first filtered taint no toleration tolerates, or None."""
    for taint in taints:
        if inclusion_filter is not None and not inclusion_filter(taint):
            continue
        if not tolerations_tolerate_taint(tolerations, taint, enable_comparison_operators):
            return taint
    return None


def match_toleration(a: Toleration, b: Toleration) -> bool:
    """Upstream ``MatchToleration``: same key, effect, operator and value (tolerationSeconds ignored)."""
    return a.key == b.key and a.effect == b.effect and a.operator == b.operator and a.value == b.value


def taint_to_string(t: Taint) -> str:
    """Upstream ``Taint.ToString``."""
    if not t.effect:
        return t.key if not t.value else f"{t.key}={t.value}:"
    if not t.value:
        return f"{t.key}:{t.effect}"
    return f"{t.key}={t.value}:{t.effect}"


# --------------------------------------------------------------------------------------------------
# apiserver validation
# --------------------------------------------------------------------------------------------------

def _q(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else str(v)


def _not_supported(value: str, valid: Sequence[str]) -> str:
    return f"Unsupported value: {_q(value)}: supported values: " + ", ".join(_q(v) for v in valid)


def _effect_errors(effect: str, allow_empty: bool, path: str) -> list[FieldError]:
    """``validateTaintEffect``."""
    if not effect:
        return [] if allow_empty else [FieldError(path, "Required value")]
    if effect not in TAINT_EFFECTS:
        return [FieldError(path, _not_supported(effect, TAINT_EFFECTS))]
    return []


def toleration_errors(tols: Any, path: str, *, allow_comparison_operators: bool = False) -> list[FieldError]:
    """Every ``ValidateTolerations`` error (full paths); structural problems raise FieldError at once."""
    errs: list[FieldError] = []
    valid_ops = TOLERATION_OPERATORS + (_COMPARISON_OPERATORS if allow_comparison_operators else ())
    for i, raw in enumerate(_list(tols, path)):
        p = f"{path}[{i}]"
        t = _parse_toleration(raw, p)
        if t.key:
            errs.extend(FieldError(_join(p, "key"), f"Invalid value: {_q(t.key)}: {m}") for m in is_qualified_name(t.key))
        if not t.key and t.operator != "Exists":
            errs.append(FieldError(_join(p, "operator"), f"Invalid value: {_q(t.operator)}: operator must be Exists "
                                   "when `key` is empty, which means \"match all values and all keys\""))
        if t.toleration_seconds is not None and t.effect != TAINT_EFFECT_NO_EXECUTE:
            errs.append(FieldError(_join(p, "effect"), f"Invalid value: {_q(t.effect)}: effect must be 'NoExecute' "
                                   "when `tolerationSeconds` is set"))
        if t.operator in ("", "Equal"):
            msgs = is_valid_label_value(t.value)
            if msgs:
                errs.append(FieldError(_join(p, "operator"), f"Invalid value: {_q(t.value)}: " + ";".join(msgs)))
        elif t.operator == "Exists":
            if t.value:
                errs.append(FieldError(_join(p, "operator"),
                                       f"Invalid value: {_q(t.value)}: value must be empty when `operator` is 'Exists'"))
        elif t.operator in valid_ops:  # Lt/Gt behind the (off by default) gate
            if _canonical_int64(t.value) is None:
                errs.append(FieldError(_join(p, "value"), f"Invalid value: {_q(t.value)}: must be a valid integer "
                                       "(canonical decimal, int64) when `operator` is 'Lt' or 'Gt'"))
        else:
            errs.append(FieldError(_join(p, "operator"), _not_supported(t.operator, valid_ops)))
        errs.extend(_effect_errors(t.effect, True, _join(p, "effect")))
    return errs


def validate_tolerations(tols: Sequence[Mapping], path: str, *, allow_comparison_operators: bool = False) -> None:
    """Raise the first ``ValidateTolerations`` error as a FieldError (path = ``path[i].field``)."""
    errs = toleration_errors(tols, path, allow_comparison_operators=allow_comparison_operators)
    if errs:
        raise errs[0]


def taint_errors(taints: Any, path: str) -> list[FieldError]:
    """Every ``validateNodeTaints`` error: key, value, required effect, unique (key, effect) pairs."""
    errs: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(_list(taints, path)):
        p = f"{path}[{i}]"
        t = _parse_taint(raw, p)
        errs.extend(FieldError(_join(p, "key"), f"Invalid value: {_q(t.key)}: {m}") for m in is_qualified_name(t.key))
        msgs = is_valid_label_value(t.value)
        if msgs:
            errs.append(FieldError(_join(p, "value"), f"Invalid value: {_q(t.value)}: " + ";".join(msgs)))
        errs.extend(_effect_errors(t.effect, False, _join(p, "effect")))
        if (t.key, t.effect) in seen:
            errs.append(FieldError(p, f"Duplicate value: {taint_to_string(t)}: taints must be unique by key and "
                                   "effect pair"))
            continue
        seen.add((t.key, t.effect))
    return errs


def validate_taints(taints: Sequence[Mapping], path: str) -> None:
    """Raise the first ``validateNodeTaints`` error as a FieldError (path = ``path[i].field``)."""
    errs = taint_errors(taints, path)
    if errs:
        raise errs[0]
