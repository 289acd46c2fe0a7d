"""The FailedScheduling message: upstream ``FitError.Error()`` (``pkg/scheduler/framework/types.go``).

Format: ``"0/<numAllNodes> nodes are available:<PreFilterMsg part><Filter part><PostFilter part>"``:

* PreFilter rejected the pod: `` <PreFilterMsg>.`` and no per-node reasons (the framework copied the
  PreFilter status to every node; repeating it would duplicate it).
* Otherwise every reason of every node status is counted (a status with several reasons counts each),
  nodes absent from the status map count the "absent nodes" status reasons (``NodeToStatus
  .AbsentNodesStatus``, e.g. ``node(s) didn't satisfy plugin(s) [NodeAffinity]`` for nodes outside a
  PreFilterResult), the histogram entries ``"<count> <reason>"`` are sorted as strings (Go
  ``sort.Strings``: byte order, so ``"10 x"`` sorts before ``"2 y"``) and joined by ``", "``:
  `` <entries>.``; nothing is added when there are no reasons.
* A non-empty PostFilterMsg (DefaultPreemption's ``"preemption: ..."``) is appended as `` <msg>`` with no
  final period.

The DefaultPreemption PostFilter message itself is ``"preemption: " + FitError.Error()`` of its own
diagnosis (absent nodes: ``Preemption is not helpful for scheduling``); :func:`failed_scheduling_message`
builds both.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping

from .status import Status

__all__ = ["NO_NODE_AVAILABLE_MSG", "NO_NODES_AVAILABLE", "failed_scheduling_message", "message_from_counts",
           "reasons_histogram"]

NO_NODE_AVAILABLE_MSG = "0/{} nodes are available"
# ErrNoNodesAvailable (pkg/scheduler/schedule_one.go): schedulePod returns it before PreFilter when the
# snapshot has no node, so a pod is never given a FitError over zero nodes.
NO_NODES_AVAILABLE = "no nodes available to schedule pods"


def reasons_histogram(node_statuses: Mapping[str, Status], num_nodes: int,
                      absent_reasons: Iterable[str] = ()) -> list[str]:
    """The sorted ``"<count> <reason>"`` entries of the Filter part."""
    return _entries(_count(node_statuses, num_nodes, absent_reasons))


def _count(node_statuses: Mapping[str, Status], num_nodes: int, absent_reasons: Iterable[str]) -> Counter:
    counts: Counter = Counter()
    for st in node_statuses.values():
        for r in st.reasons:
            counts[r] += 1
    absent = num_nodes - len(node_statuses)
    if absent > 0:
        for r in absent_reasons:
            counts[r] += absent
    return counts


def _entries(counts: Mapping[str, int]) -> list[str]:
    # Python orders str by code point, which is UTF-8 byte order, as Go's sort.Strings.
    return sorted(f"{n} {r}" for r, n in counts.items())


def message_from_counts(num_nodes: int, counts: Mapping[str, int], pre_filter_msg: str = "",
                        post_filter_msg: str = "") -> str:
    """``FitError.Error()`` from a reason histogram (reason -> number of nodes), as the C++ core reports it."""
    msg = NO_NODE_AVAILABLE_MSG.format(num_nodes) + ":"
    if pre_filter_msg:
        msg += f" {pre_filter_msg}."
    else:
        entries = _entries(counts)
        if entries:
            msg += " " + ", ".join(entries) + "."
    if post_filter_msg:
        msg += f" {post_filter_msg}"
    return msg


def failed_scheduling_message(num_nodes: int, node_statuses: Mapping[str, Status],
                              pre_filter_msg: str = "", post_filter_msg: str = "", *,
                              absent_reasons: Iterable[str] = ()) -> str:
    """Upstream ``FitError{NumAllNodes: num_nodes, Diagnosis{...}}.Error()``.

    ``node_statuses`` maps node name -> failing Status (``NodeToStatus`` explicit entries);
    ``absent_reasons`` are the reasons of the status given to nodes absent from the map (upstream
    default: none).
    """
    counts = {} if pre_filter_msg else _count(node_statuses, num_nodes, absent_reasons)
    return message_from_counts(num_nodes, counts, pre_filter_msg, post_filter_msg)
