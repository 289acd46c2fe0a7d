"""NodeName: Python reference of upstream ``pkg/scheduler/framework/plugins/nodename/node_name.go``.

Filter only: a pod whose ``spec.nodeName`` is set fits only the node of that name
(``Fits: len(pod.Spec.NodeName) == 0 || pod.Spec.NodeName == node.Name``); otherwise
``UnschedulableAndUnresolvable`` with ``node(s) didn't match the requested node name``.

Version note: some upstream revisions gave NodeName a PreFilter returning
``PreFilterResult{NodeNames: {nodeName}}`` with Skip; it was removed again, and v1.34 NodeName implements
Filter only (see :data:`kschedule.plugins.names.EXTENSION_POINTS`).
"""
from __future__ import annotations

from .base import SUCCESS, NodeState, PodInfo, Status

NAME = "NodeName"

ERR_REASON = "node(s) didn't match the requested node name"


def fits(pod: PodInfo, node: NodeState) -> bool:
    return not pod.node_name or pod.node_name == node.name


def filter(pod: PodInfo, node: NodeState, args=None) -> Status:  # noqa: A001 (interface name)
    if fits(pod, node):
        return SUCCESS
    return Status("UnschedulableAndUnresolvable", NAME, (ERR_REASON,))
