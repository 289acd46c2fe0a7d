"""NodeUnschedulable: Python reference of upstream
``pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go``.

Filter only: a node with ``spec.unschedulable: true`` rejects every pod that does not tolerate the taint
``{key: node.kubernetes.io/unschedulable, effect: NoSchedule}`` (value empty; matching is
``TolerationsTolerateTaint``), with ``UnschedulableAndUnresolvable`` ``node(s) were unschedulable``.
The node's actual taints are not consulted here (TaintToleration does that).
"""
from __future__ import annotations

from ..objects.taints import TAINT_EFFECT_NO_SCHEDULE, Taint, tolerations_tolerate_taint
from .base import SUCCESS, NodeState, PodInfo, Status

NAME = "NodeUnschedulable"

ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
#: Upstream reason for a missing node object; a NodeState always has a node, so it is never produced here.
ERR_REASON_UNKNOWN_CONDITION = "node(s) had unknown conditions"

#: ``v1.TaintNodeUnschedulable``
TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
_UNSCHEDULABLE_TAINT = Taint(TAINT_NODE_UNSCHEDULABLE, "", TAINT_EFFECT_NO_SCHEDULE)


def tolerates_unschedulable(pod: PodInfo) -> bool:
    return tolerations_tolerate_taint(pod.tolerations, _UNSCHEDULABLE_TAINT)


def filter(pod: PodInfo, node: NodeState, args=None) -> Status:  # noqa: A001 (interface name)
    if not node.unschedulable or tolerates_unschedulable(pod):
        return SUCCESS
    return Status("UnschedulableAndUnresolvable", NAME, (ERR_REASON_UNSCHEDULABLE,))
