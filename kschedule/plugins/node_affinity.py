"""NodeAffinity: Python reference of upstream ``pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go``.

Matching primitives are ``component-helpers/scheduling/corev1/nodeaffinity`` as compiled in
:mod:`kschedule.objects.selectors` (lazy parse errors: a term that does not parse never matches).

* **PreFilter** -- ``Skip`` when the pod has no ``requiredDuringSchedulingIgnoredDuringExecution``, the
  args have no ``addedAffinity.requiredDuringSchedulingIgnoredDuringExecution`` and
  ``spec.nodeSelector`` is nil.  Otherwise, when *every* required term carries ``matchFields``
  ``metadata.name In [...]`` requirements, the PreFilterResult node names are the union over terms of
  the intersection of those value sets inside a term (a term without such a requirement means "all
  nodes" and ends the walk).  An empty union is ``UnschedulableAndUnresolvable`` ``pod affinity terms
  conflict``.  :func:`pre_filter_result` returns ``(status, node_names)``; ``None`` names = all nodes.
* **Filter** -- scheduler-enforced ``addedAffinity`` required selector first
  (``node(s) didn't match scheduler-enforced node affinity``), then ``nodeSelector`` AND the pod's
  required affinity (``node(s) didn't match Pod's node affinity/selector``); both
  ``UnschedulableAndUnresolvable``.  Parse errors in the pod's terms are ignored (no match).
* **PreScore** -- ``Skip`` when the pod has no preferred terms and the args have none; ``Error`` when a
  pod preferred term does not parse (``NewPreferredSchedulingTerms`` fails; the message is the
  flattened error aggregate, e.g. ``[0].matchExpressions[0].key: Invalid value: ...``).
* **Score** -- sum of the weights of matching preferred terms: ``addedAffinity`` terms + pod terms
  (weight-0 and empty terms are dropped).
* **NormalizeScore** -- ``helper.DefaultNormalizeScore(100, reverse=False)``: all-zero stays 0, else
  ``100*raw/max`` (integer division).

Nil versus empty: the scheduler sees objects after an apiserver (protobuf) round trip, where an empty
``nodeSelector`` map or ``preferredDuringScheduling...`` list comes back nil; kschedule treats empty as
absent for the Skip decisions.  ``args`` is :class:`kschedule.config.types.NodeAffinityArgs` (only its
``added_affinity`` attribute is read, a ``v1.NodeAffinity`` dict) or None.  Invalid ``addedAffinity``
raises :class:`~kschedule.errors.InvalidConfig` (upstream fails plugin construction).
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Mapping, Optional

from ..errors import FieldError, InvalidConfig
from ..objects.selectors import OBJECT_NAME_FIELD, NodeSelector, compile_preferred_terms, preferred_score
from .base import SUCCESS, NodeState, PodInfo, Status
from .normalize import default_normalize_score

NAME = "NodeAffinity"

ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity"
ERR_REASON_CONFLICT = "pod affinity terms conflict"

_REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
_PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"


# --------------------------------------------------------------------------------------------------
# Plugin args (addedAffinity), compiled once per distinct value
# --------------------------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _compile_added(text: str):
    added = json.loads(text)
    if added is None:
        return None, None
    if not isinstance(added, Mapping):
        raise InvalidConfig("addedAffinity", f"expected an object, got {type(added).__name__}")
    required = None
    req = added.get(_REQUIRED)
    if req is not None:
        try:
            required = NodeSelector.compile(req, strict=True)
        except FieldError as e:
            e = e.prefixed(f"addedAffinity.{_REQUIRED}")
            raise InvalidConfig(e.field, e.message) from None
    preferred = None
    terms = added.get(_PREFERRED)
    if terms:  # upstream: non-nil only when len(terms) != 0
        try:
            preferred = compile_preferred_terms(terms)
        except FieldError as e:
            e = e.prefixed(f"addedAffinity.{_PREFERRED}")
            raise InvalidConfig(e.field, e.message) from None
        for t in preferred:
            if t.term.parse_errors:
                path, msg = t.term.parse_errors[0]
                raise InvalidConfig(f"addedAffinity.{_PREFERRED}{path}", msg)
    return required, preferred


def added_affinity(args) -> tuple[Optional[NodeSelector], Optional[tuple]]:
    """(required NodeSelector or None, preferred terms or None) from ``args.added_affinity``."""
    added = getattr(args, "added_affinity", None) if args is not None else None
    if added is None:
        return None, None
    try:
        key = json.dumps(added, sort_keys=True)
    except (TypeError, ValueError):
        raise InvalidConfig("addedAffinity", "must be a JSON-serialisable v1.NodeAffinity object") from None
    return _compile_added(key)


# --------------------------------------------------------------------------------------------------
# Raw pod fields (nil-ness matters for Skip and PreFilterResult)
# --------------------------------------------------------------------------------------------------

def _raw_node_affinity(pod: PodInfo) -> Optional[Mapping]:
    obj = pod.obj
    if not isinstance(obj, Mapping):
        return None
    spec = obj.get("spec") or {}
    aff = spec.get("affinity") or {}
    na = aff.get("nodeAffinity") if isinstance(aff, Mapping) else None
    return na if isinstance(na, Mapping) else None


def _has_node_selector(pod: PodInfo) -> bool:
    ra = pod.required_affinity
    return ra is not None and bool(ra.node_selector_labels)


def _required_terms(pod: PodInfo) -> Optional[list]:
    """The pod's required node selector terms as ``[(matchFields requirements as (key, op, values))]``;
    ``None`` when the pod has no required node affinity."""
    na = _raw_node_affinity(pod)
    if na is not None or pod.obj is not None:
        req = na.get(_REQUIRED) if na is not None else None
        if req is None:
            return None
        terms = []
        for t in req.get("nodeSelectorTerms") or ():
            fields = []
            for r in (t or {}).get("matchFields") or ():
                fields.append((r.get("key") or "", r.get("operator") or "", tuple(r.get("values") or ())))
            terms.append(fields)
        return terms
    ra = pod.required_affinity  # no object kept: fall back on the compiled selector
    if ra is None or ra.node_selector is None:
        return None
    return [[(r.key, r.operator, r.values) for r in t.match_fields] for t in ra.node_selector.terms]


def _has_preferred(pod: PodInfo) -> bool:
    na = _raw_node_affinity(pod)
    if na is not None:
        return bool(na.get(_PREFERRED))
    return bool(pod.preferred_terms)


# --------------------------------------------------------------------------------------------------
# Extension points
# --------------------------------------------------------------------------------------------------

def pre_filter_result(pod: PodInfo, args=None) -> tuple[Optional[Status], Optional[frozenset]]:
    """Upstream ``PreFilter``: (status or None for Success, PreFilterResult node names or None = all)."""
    added_required, _ = added_affinity(args)
    terms = _required_terms(pod)
    if terms is None and added_required is None and not _has_node_selector(pod):
        return Status("Skip"), None
    if not terms:
        return None, None
    names: Optional[set] = None
    for fields in terms:
        term_names: Optional[set] = None
        for key, op, values in fields:
            if key == OBJECT_NAME_FIELD and op == "In":
                # matchFields requirements are ANDed inside a term
                term_names = set(values) if term_names is None else term_names & set(values)
        if term_names is None:
            return None, None  # terms are ORed: one unrestricted term allows every node
        names = term_names if names is None else names | term_names
    if names is not None and not names:
        return Status("UnschedulableAndUnresolvable", NAME, (ERR_REASON_CONFLICT,)), None
    if names:
        return None, frozenset(names)
    return None, None


def pre_filter(pod: PodInfo, nodes: list, args=None) -> Optional[Status]:
    return pre_filter_result(pod, args)[0]


def filter(pod: PodInfo, node: NodeState, args=None) -> Status:  # noqa: A001 (interface name)
    added_required, _ = added_affinity(args)
    if added_required is not None and not added_required.matches(node.labels, node.name):
        return Status("UnschedulableAndUnresolvable", NAME, (ERR_REASON_ENFORCED,))
    ra = pod.required_affinity
    if ra is not None and not ra.matches(node.labels, node.name):
        return Status("UnschedulableAndUnresolvable", NAME, (ERR_REASON_POD,))
    return SUCCESS


def _aggregate_message(errors: list[str]) -> str:
    """``errors.Flatten(errors.NewAggregate(errs)).Error()``: one error as is, several as ``[a, b]``
    with duplicates dropped."""
    seen: list[str] = []
    for m in errors:
        if m not in seen:
            seen.append(m)
    if len(errors) == 1 or len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


def _upstream_path(path: str) -> str:
    # NewPreferredSchedulingTerms builds paths as [i].matchExpressions[j]..., without "preference".
    return path.replace("].preference.", "].", 1)


def preferred_parse_error(pod: PodInfo) -> Optional[str]:
    """The error ``NewPreferredSchedulingTerms`` returns for the pod's preferred terms, or None."""
    errs = [f"{_upstream_path(p)}: {m}" for t in pod.preferred_terms for p, m in t.term.parse_errors]
    return _aggregate_message(errs) if errs else None


def pre_score(pod: PodInfo, nodes: list, args=None) -> Optional[Status]:
    err = preferred_parse_error(pod)
    if err is not None:
        return Status("Error", NAME, (err,))
    _, added_preferred = added_affinity(args)
    if not _has_preferred(pod) and added_preferred is None:
        return Status("Skip")
    return None


def score(pod: PodInfo, node: NodeState, nodes: list, args=None) -> int:
    _, added_preferred = added_affinity(args)
    total = 0
    if added_preferred is not None:
        total += preferred_score(added_preferred, node.labels, node.name)
    total += preferred_score(pod.preferred_terms, node.labels, node.name)
    return total


def normalize_score(scores: list, args=None) -> list:
    return default_normalize_score(scores, reverse=False)


__all__ = [
    "NAME", "ERR_REASON_POD", "ERR_REASON_ENFORCED", "ERR_REASON_CONFLICT", "added_affinity",
    "pre_filter_result", "pre_filter", "filter", "preferred_parse_error", "pre_score", "score",
    "normalize_score",
]
