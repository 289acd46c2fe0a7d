"""TaintToleration: Python reference of upstream ``pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go``.

Semantics (toleration matching is ``v1.Toleration.ToleratesTaint`` from :mod:`kschedule.objects.taints`):

* **Filter** -- the first node taint (``spec.taints`` order) with effect ``NoSchedule`` or ``NoExecute`` that
  no toleration of the pod tolerates (``FindMatchingUntoleratedTaint`` with
  ``helper.DoNotScheduleTaintsFilterFunc``) fails the node with ``UnschedulableAndUnresolvable``.
  ``PreferNoSchedule`` taints never filter.
* **PreScore** -- keeps the tolerations whose effect is empty or ``PreferNoSchedule``; never skips.
* **Score** -- raw score = number of node taints with effect ``PreferNoSchedule`` that none of those
  tolerations tolerates.
* **NormalizeScore** -- ``helper.DefaultNormalizeScore(100, reverse=True)``: all-zero -> every node 100,
  else ``100 - 100*raw/max`` (integer division), so fewer intolerable taints score higher.

Version choices (v1.34):

* Filter reason. v1.34.0 reported ``node(s) had untolerated taint {<key>: <value>}``; upstream #134740
  ("remove taint values from unschedulable messages in pod status") replaced it with the fixed
  ``node(s) had untolerated taint(s)`` and was cherry-picked to release-1.34 (#135023), so current v1.34
  patch releases emit the fixed string.  kschedule follows the release-1.34 branch: :data:`ERR_REASON`.
  :func:`legacy_reason` gives the v1.34.0 text for callers that must match older clusters.
* Numeric ``Gt``/``Lt`` toleration operators (KEP-5471) are v1.35 alpha, off in v1.34: such a toleration
  tolerates nothing.  ``args.enable_comparison_operators`` (duck-typed; TaintToleration has no args kind
  in v1.34) switches on the v1.35 alpha matching for research.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..objects.taints import (
    TAINT_EFFECT_NO_EXECUTE, TAINT_EFFECT_NO_SCHEDULE, TAINT_EFFECT_PREFER_NO_SCHEDULE, Taint,
    find_matching_untolerated_taint, tolerations_tolerate_taint,
)
from .base import SUCCESS, NodeState, PodInfo, Status
from .normalize import default_normalize_score

NAME = "TaintToleration"

#: Filter reason on the release-1.34 branch (and v1.35+).
ERR_REASON = "node(s) had untolerated taint(s)"


def legacy_reason(taint: Taint) -> str:
    """The v1.34.0 (and earlier, since v1.26) Filter reason, which named the taint."""
    return f"node(s) had untolerated taint {{{taint.key}: {taint.value}}}"


def _comparison_ops(args) -> bool:
    return bool(getattr(args, "enable_comparison_operators", False))


def _do_not_schedule(t: Taint) -> bool:
    # helper.DoNotScheduleTaintsFilterFunc
    return t.effect == TAINT_EFFECT_NO_SCHEDULE or t.effect == TAINT_EFFECT_NO_EXECUTE


def filter(pod: PodInfo, node: NodeState, args=None) -> Status:  # noqa: A001 (interface name)
    taint = find_matching_untolerated_taint(node.taints, pod.tolerations, _do_not_schedule,
                                            _comparison_ops(args))
    if taint is None:
        return SUCCESS
    return Status("UnschedulableAndUnresolvable", NAME, (ERR_REASON,))


def prefer_no_schedule_tolerations(tolerations: Sequence) -> tuple:
    """``getAllTolerationPreferNoSchedule``: tolerations with an empty or PreferNoSchedule effect."""
    return tuple(t for t in tolerations if not t.effect or t.effect == TAINT_EFFECT_PREFER_NO_SCHEDULE)


def pre_score(pod: PodInfo, nodes: list, args=None) -> Optional[Status]:
    return None  # upstream PreScore only caches the PreferNoSchedule tolerations; it never skips


def count_intolerable_prefer_no_schedule(taints: Sequence[Taint], tolerations: Sequence,
                                         enable_comparison_operators: bool = False) -> int:
    """``countIntolerableTaintsPreferNoSchedule``."""
    n = 0
    for taint in taints:
        if taint.effect != TAINT_EFFECT_PREFER_NO_SCHEDULE:
            continue
        if not tolerations_tolerate_taint(tolerations, taint, enable_comparison_operators):
            n += 1
    return n


def score(pod: PodInfo, node: NodeState, nodes: list, args=None) -> int:
    tols = prefer_no_schedule_tolerations(pod.tolerations)
    return count_intolerable_prefer_no_schedule(node.taints, tols, _comparison_ops(args))


def normalize_score(scores: list, args=None) -> list:
    return default_normalize_score(scores, reverse=True)
