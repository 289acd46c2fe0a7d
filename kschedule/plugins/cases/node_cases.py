"""Upstream table cases for TaintToleration, NodeAffinity, NodeName, NodeUnschedulable, NodePorts,
ImageLocality, ``helper.DefaultNormalizeScore`` and ``FitError.Error()``, as plain data.

Conventions (every table is a list of dicts; nothing here imports kschedule):

* ``pod`` / ``node`` / ``nodes`` / ``existing_pods`` are Kubernetes objects as the API serialises them.
  Upstream test objects often have no name; parse_node/parse_pod need one, so such objects are named
  ``"pod1"`` / ``"node"`` here (never where a name takes part in the case).  Node names must be RFC 1123
  subdomains, so upstream's ``nodeA`` / ``nodeB`` / ``nodeC`` are ``node-a`` / ``node-b`` / ``node-c``.
* An expected status is ``None`` for Success or ``{"code": <upstream code name>, "reasons": [...]}``.
* Score tables keep the upstream structure: ``nodes`` (the snapshot), ``existing_pods``, the incoming
  ``pod``, ``args``, and ``want`` = ``[(node name, score after NormalizeScore)]`` in node order.
* ``apiserver_rejects: True`` marks a pod that v1.34 apiserver validation would refuse (upstream builds
  it directly in Go); a runner must build its PodInfo without validation (``parse_pod`` raises).
* ``features`` names feature gates the case needs, with their value (e.g. the v1.35 alpha
  ``TaintTolerationComparisonOperators``); ``skip`` (a reason string) marks cases kept for reference
  that kschedule does not reproduce.

Upstream (kubernetes/kubernetes) tests ported, newest stored revisions (the v1.34 behaviour; see the
plugin modules for the version choices): file and Go test name above each table.
"""
from __future__ import annotations

MB = 1024 * 1024


def _pod(name="pod1", *, tolerations=None, node_name=None, node_selector=None, affinity=None,
         containers=None, init_containers=None):
    spec = {"containers": containers if containers is not None else [{"name": "c", "image": "pause"}]}
    if init_containers is not None:
        spec["initContainers"] = init_containers
    if tolerations is not None:
        spec["tolerations"] = tolerations
    if node_name is not None:
        spec["nodeName"] = node_name
    if node_selector is not None:
        spec["nodeSelector"] = node_selector
    if affinity is not None:
        spec["affinity"] = affinity
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def _node(name="node", *, labels=None, taints=None, unschedulable=None, images=None):
    md = {"name": name}
    if labels is not None:
        md["labels"] = dict(labels)
    spec = {}
    if taints is not None:
        spec["taints"] = taints
    if unschedulable is not None:
        spec["unschedulable"] = unschedulable
    status = {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}
    if images is not None:
        status["images"] = images
    return {"apiVersion": "v1", "kind": "Node", "metadata": md, "spec": spec, "status": status}


def _st(code, *reasons):
    return {"code": code, "reasons": list(reasons)}


def _req(key, op, *values):
    r = {"key": key, "operator": op}
    if values:
        r["values"] = list(values)
    return r


def _required(*terms):
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}}


def _name_in(*names):
    return _req("metadata.name", "In", *names)


# ==================================================================================================
# TaintToleration
# ==================================================================================================

def _tol(key="", value="", effect="", operator=None):
    t = {}
    if key:
        t["key"] = key
    if operator is not None:
        t["operator"] = operator
    if value:
        t["value"] = value
    if effect:
        t["effect"] = effect
    return t


def _taint(key, value, effect):
    t = {"key": key, "effect": effect}
    if value:
        t["value"] = value
    return t


_UNTOLERATED = _st("UnschedulableAndUnresolvable", "node(s) had untolerated taint(s)")
_GATE_ON = {"TaintTolerationComparisonOperators": True}
_GATE_OFF = {"TaintTolerationComparisonOperators": False}

# pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go: TestTaintTolerationFilter
TAINT_TOLERATION_FILTER_CASES = [
    {"name": "A pod having no tolerations can't be scheduled onto a node with nonempty taints",
     "pod": _pod(tolerations=[]), "node": _node("node-a", taints=[_taint("dedicated", "user1", "NoSchedule")]),
     "want": _UNTOLERATED},
    {"name": "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
     "pod": _pod(tolerations=[_tol("dedicated", "user1", "NoSchedule")]),
     "node": _node("node-a", taints=[_taint("dedicated", "user1", "NoSchedule")]), "want": None},
    {"name": "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
     "pod": _pod(tolerations=[_tol("dedicated", "user2", "NoSchedule", "Equal")]),
     "node": _node("node-a", taints=[_taint("dedicated", "user1", "NoSchedule")]), "want": _UNTOLERATED},
    {"name": "A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node",
     "pod": _pod(tolerations=[_tol("foo", "", "NoSchedule", "Exists")]),
     "node": _node("node-a", taints=[_taint("foo", "bar", "NoSchedule")]), "want": None},
    {"name": "A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node",
     "pod": _pod(tolerations=[_tol("dedicated", "user2", "NoSchedule", "Equal"), _tol("foo", "", "NoSchedule", "Exists")]),
     "node": _node("node-a", taints=[_taint("dedicated", "user2", "NoSchedule"), _taint("foo", "bar", "NoSchedule")]),
     "want": None},
    {"name": "A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node",
     "pod": _pod(tolerations=[_tol("foo", "bar", "PreferNoSchedule", "Equal")]),
     "node": _node("node-a", taints=[_taint("foo", "bar", "NoSchedule")]), "want": _UNTOLERATED},
    {"name": "The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
     "pod": _pod(tolerations=[_tol("foo", "bar", "", "Equal")]),
     "node": _node("node-a", taints=[_taint("foo", "bar", "NoSchedule")]), "want": None},
    {"name": "The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
     "pod": _pod(tolerations=[_tol("dedicated", "user2", "NoSchedule", "Equal")]),
     "node": _node("node-a", taints=[_taint("dedicated", "user1", "PreferNoSchedule")]), "want": None},
    {"name": "The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
     "pod": _pod(tolerations=[]),
     "node": _node("node-a", taints=[_taint("dedicated", "user1", "PreferNoSchedule")]), "want": None},
    # v1.35 alpha numeric operators (gate on); Gt/Lt tolerations are refused by the v1.34 apiserver.
    {"name": "Pod with Gt toleration cannot be scheduled on node when taint value is lower than threshold",
     "pod": _pod(tolerations=[_tol("node.example.com/priority-level", "950", "NoSchedule", "Gt")]),
     "node": _node("node-a", taints=[_taint("node.example.com/priority-level", "800", "NoSchedule")]),
     "want": _UNTOLERATED, "features": _GATE_ON, "apiserver_rejects": True},
    {"name": "Pod with Gt toleration can be scheduled on node when taint value is higher than threshold",
     "pod": _pod(tolerations=[_tol("node.kubernetes.io/sla", "750", "NoSchedule", "Gt")]),
     "node": _node("node-a", taints=[_taint("node.kubernetes.io/sla", "950", "NoSchedule")]),
     "want": None, "features": _GATE_ON, "apiserver_rejects": True},
    {"name": "Pod with Lt toleration cannot be scheduled on node when taint value is higher than threshold",
     "pod": _pod(tolerations=[_tol("node.example.com/priority-level", "800", "NoSchedule", "Lt")]),
     "node": _node("node-a", taints=[_taint("node.example.com/priority-level", "950", "NoSchedule")]),
     "want": _UNTOLERATED, "features": _GATE_ON, "apiserver_rejects": True},
    {"name": "Pod with Lt toleration can be scheduled on node when taint value is lower than threshold",
     "pod": _pod(tolerations=[_tol("node.kubernetes.io/sla", "950", "NoSchedule", "Lt")]),
     "node": _node("node-a", taints=[_taint("node.kubernetes.io/sla", "800", "NoSchedule")]),
     "want": None, "features": _GATE_ON, "apiserver_rejects": True},
    {"name": "Pod with Gt toleration cannot be scheduled on node with non-numeric taint value",
     "pod": _pod(tolerations=[_tol("node.kubernetes.io/sla", "950", "NoSchedule", "Gt")]),
     "node": _node("node-a", taints=[_taint("node.kubernetes.io/sla", "high", "NoSchedule")]),
     "want": _st("UnschedulableAndUnresolvable",
                 'failed to parse taint value "high" as int64: must be a valid decimal integer in canonical form'),
     "features": _GATE_ON, "apiserver_rejects": True,
     "skip": "v1.35 alpha: the parse error becomes the status message; not part of v1.34"},
]

# pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go: TestTaintTolerationFilterWithFeatureGate
TAINT_TOLERATION_FILTER_GATE_CASES = [
    {"name": "Pod with Gt toleration can be scheduled when feature gate is enabled and taint value is higher",
     "pod": _pod(tolerations=[_tol("node.kubernetes.io/sla", "750", "NoSchedule", "Gt")]),
     "node": _node("node-a", taints=[_taint("node.kubernetes.io/sla", "950", "NoSchedule")]),
     "want": None, "features": _GATE_ON, "apiserver_rejects": True},
    {"name": "Pod with Gt toleration cannot be scheduled when feature gate is disabled",
     "pod": _pod(tolerations=[_tol("node.kubernetes.io/sla", "750", "NoSchedule", "Gt")]),
     "node": _node("node-a", taints=[_taint("node.kubernetes.io/sla", "950", "NoSchedule")]),
     "want": _UNTOLERATED, "features": _GATE_OFF, "apiserver_rejects": True},
    {"name": "Pod with Lt toleration can be scheduled when feature gate is enabled and taint value is lower",
     "pod": _pod(tolerations=[_tol("node.kubernetes.io/sla", "950", "NoSchedule", "Lt")]),
     "node": _node("node-a", taints=[_taint("node.kubernetes.io/sla", "800", "NoSchedule")]),
     "want": None, "features": _GATE_ON, "apiserver_rejects": True},
    {"name": "Pod with Lt toleration cannot be scheduled when feature gate is disabled",
     "pod": _pod(tolerations=[_tol("node.kubernetes.io/sla", "950", "NoSchedule", "Lt")]),
     "node": _node("node-a", taints=[_taint("node.kubernetes.io/sla", "800", "NoSchedule")]),
     "want": _UNTOLERATED, "features": _GATE_OFF, "apiserver_rejects": True},
    {"name": "Pod with mixed tolerations (Equal and Gt) when feature gate is disabled - only Equal is honored",
     "pod": _pod(tolerations=[_tol("dedicated", "user1", "NoSchedule", "Equal"),
                              _tol("node.kubernetes.io/sla", "750", "NoSchedule", "Gt")]),
     "node": _node("node-a", taints=[_taint("dedicated", "user1", "NoSchedule")]),
     "want": None, "features": _GATE_OFF, "apiserver_rejects": True},
    {"name": "Pod with mixed tolerations, Gt toleration needed but filtered out when feature gate is disabled",
     "pod": _pod(tolerations=[_tol("dedicated", "user1", "NoSchedule", "Equal"),
                              _tol("node.kubernetes.io/sla", "750", "NoSchedule", "Gt")]),
     "node": _node("node-a", taints=[_taint("dedicated", "user1", "NoSchedule"),
                                    _taint("node.kubernetes.io/sla", "950", "NoSchedule")]),
     "want": _UNTOLERATED, "features": _GATE_OFF, "apiserver_rejects": True},
]

# pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go: TestTaintTolerationScore
TAINT_TOLERATION_SCORE_CASES = [
    {"name": "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
     "pod": _pod(tolerations=[_tol("foo", "bar", "PreferNoSchedule", "Equal")]),
     "nodes": [_node("node-a", taints=[_taint("foo", "bar", "PreferNoSchedule")]),
               _node("node-b", taints=[_taint("foo", "blah", "PreferNoSchedule")])],
     "existing_pods": [], "args": None, "want": [("node-a", 100), ("node-b", 0)]},
    {"name": "the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has",
     "pod": _pod(tolerations=[_tol("cpu-type", "arm64", "PreferNoSchedule", "Equal"),
                              _tol("disk-type", "ssd", "PreferNoSchedule", "Equal")]),
     "nodes": [_node("node-a", taints=[]),
               _node("node-b", taints=[_taint("cpu-type", "arm64", "PreferNoSchedule")]),
               _node("node-c", taints=[_taint("cpu-type", "arm64", "PreferNoSchedule"),
                                      _taint("disk-type", "ssd", "PreferNoSchedule")])],
     "existing_pods": [], "args": None, "want": [("node-a", 100), ("node-b", 100), ("node-c", 100)]},
    {"name": "the more intolerable taints a node has, the lower score it gets.",
     "pod": _pod(tolerations=[_tol("foo", "bar", "PreferNoSchedule", "Equal")]),
     "nodes": [_node("node-a", taints=[]),
               _node("node-b", taints=[_taint("cpu-type", "arm64", "PreferNoSchedule")]),
               _node("node-c", taints=[_taint("cpu-type", "arm64", "PreferNoSchedule"),
                                      _taint("disk-type", "ssd", "PreferNoSchedule")])],
     "existing_pods": [], "args": None, "want": [("node-a", 100), ("node-b", 50), ("node-c", 0)]},
    {"name": "only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function",
     "pod": _pod(tolerations=[_tol("cpu-type", "arm64", "NoSchedule", "Equal"),
                              _tol("disk-type", "ssd", "NoSchedule", "Equal")]),
     "nodes": [_node("node-a", taints=[]),
               _node("node-b", taints=[_taint("cpu-type", "arm64", "NoSchedule")]),
               _node("node-c", taints=[_taint("cpu-type", "arm64", "PreferNoSchedule"),
                                      _taint("disk-type", "ssd", "PreferNoSchedule")])],
     "existing_pods": [], "args": None, "want": [("node-a", 100), ("node-b", 100), ("node-c", 0)]},
    {"name": "Default behaviour No taints and tolerations, lands on node with no taints",
     "pod": _pod(tolerations=[]),
     "nodes": [_node("node-a", taints=[]), _node("node-b", taints=[_taint("cpu-type", "arm64", "PreferNoSchedule")])],
     "existing_pods": [], "args": None, "want": [("node-a", 100), ("node-b", 0)]},
    {"name": "Numeric Gt operator: pod with Gt toleration prefers nodes with matching SLA taint",
     "pod": _pod(tolerations=[_tol("node.kubernetes.io/sla", "950", "PreferNoSchedule", "Gt")]),
     "nodes": [_node("node-a", taints=[_taint("node.kubernetes.io/sla", "800", "PreferNoSchedule")]),
               _node("node-b", taints=[_taint("node.kubernetes.io/sla", "999", "PreferNoSchedule")])],
     "existing_pods": [], "args": None, "want": [("node-a", 0), ("node-b", 100)],
     "features": _GATE_ON, "apiserver_rejects": True},
    {"name": "Numeric Lt operator: pod with Lt toleration prefers nodes with matching SLA taint",
     "pod": _pod(tolerations=[_tol("node.kubernetes.io/sla", "800", "PreferNoSchedule", "Lt")]),
     "nodes": [_node("node-a", taints=[_taint("node.kubernetes.io/sla", "950", "PreferNoSchedule")]),
               _node("node-b", taints=[_taint("node.kubernetes.io/sla", "700", "PreferNoSchedule")])],
     "existing_pods": [], "args": None, "want": [("node-a", 0), ("node-b", 100)],
     "features": _GATE_ON, "apiserver_rejects": True},
    {"name": "Score ignores parse errors from numeric PreferNoSchedule taint value",
     "pod": _pod(tolerations=[_tol("node.kubernetes.io/sla", "950", "PreferNoSchedule", "Gt")]),
     "nodes": [_node("node-a"), _node("node-b", taints=[_taint("node.kubernetes.io/sla", "high", "PreferNoSchedule")])],
     "existing_pods": [], "args": None, "want": [("node-a", 100), ("node-b", 0)],
     "features": _GATE_ON, "apiserver_rejects": True},
]

# ==================================================================================================
# NodeAffinity
# ==================================================================================================

_ERR_POD = _st("UnschedulableAndUnresolvable", "node(s) didn't match Pod's node affinity/selector")
_ERR_ENFORCED = _st("UnschedulableAndUnresolvable", "node(s) didn't match scheduler-enforced node affinity")
_ERR_CONFLICT = _st("UnschedulableAndUnresolvable", "pod affinity terms conflict")
_SKIP = {"code": "Skip", "reasons": []}


def _na(name, pod, *, labels=None, node_name="node", want=None, want_pre_filter=None, want_pre_filter_result=None,
        args=None, run_pre_filter=True, **extra):
    case = {"name": name, "pod": pod, "node": _node(node_name, labels=labels), "args": args,
            "run_pre_filter": run_pre_filter, "want_pre_filter": want_pre_filter,
            "want_pre_filter_result": want_pre_filter_result, "want": want}
    case.update(extra)
    return case


_ADDED_NODE2 = {"addedAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
    "nodeSelectorTerms": [{"matchFields": [_name_in("node2")]}]}}}

# pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go: TestNodeAffinity
# ``args`` is the NodeAffinityArgs object in its v1 JSON form ({"addedAffinity": v1.NodeAffinity}).
NODE_AFFINITY_FILTER_CASES = [
    _na("missing labels", _pod(node_selector={"foo": "bar"}), want=_ERR_POD),
    _na("same labels", _pod(node_selector={"foo": "bar"}), labels={"foo": "bar"}),
    _na("node labels are superset", _pod(node_selector={"foo": "bar"}), labels={"foo": "bar", "baz": "blah"}),
    _na("node labels are subset", _pod(node_selector={"foo": "bar", "baz": "blah"}), labels={"foo": "bar"},
        want=_ERR_POD),
    _na("Pod with matchExpressions using In operator that matches the existing node",
        _pod(affinity=_required({"matchExpressions": [_req("foo", "In", "bar", "value2")]})), labels={"foo": "bar"}),
    _na("Pod with matchExpressions using Gt operator that matches the existing node",
        _pod(affinity=_required({"matchExpressions": [_req("kernel-version", "Gt", "0204")]})),
        labels={"kernel-version": "0206"}),
    _na("Pod with matchExpressions using NotIn operator that matches the existing node",
        _pod(affinity=_required({"matchExpressions": [_req("mem-type", "NotIn", "DDR", "DDR2")]})),
        labels={"mem-type": "DDR3"}),
    _na("Pod with matchExpressions using Exists operator that matches the existing node",
        _pod(affinity=_required({"matchExpressions": [_req("GPU", "Exists")]})), labels={"GPU": "NVIDIA-GRID-K1"}),
    _na("Pod with affinity that don't match node's labels won't schedule onto the node",
        _pod(affinity=_required({"matchExpressions": [_req("foo", "In", "value1", "value2")]})),
        labels={"foo": "bar"}, want=_ERR_POD),
    _na("Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
        _pod(affinity=_required({"matchExpressions": []})), labels={"foo": "bar"}, want=_ERR_POD),
    _na("Pod with no Affinity will schedule onto a node", _pod(), labels={"foo": "bar"}, want_pre_filter=_SKIP),
    _na("Pod with Affinity but nil NodeSelector will schedule onto a node",
        _pod(affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": None}}),
        labels={"foo": "bar"}, want_pre_filter=_SKIP),
    _na("Pod with multiple matchExpressions ANDed that matches the existing node",
        _pod(affinity=_required({"matchExpressions": [_req("GPU", "Exists"), _req("GPU", "NotIn", "AMD", "INTER")]})),
        labels={"GPU": "NVIDIA-GRID-K1"}),
    _na("Pod with multiple matchExpressions ANDed that doesn't match the existing node",
        _pod(affinity=_required({"matchExpressions": [_req("GPU", "Exists"), _req("GPU", "In", "AMD", "INTER")]})),
        labels={"GPU": "NVIDIA-GRID-K1"}, want=_ERR_POD),
    _na("Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
        _pod(affinity=_required({"matchExpressions": [_req("foo", "In", "bar", "value2")]},
                                {"matchExpressions": [_req("diffkey", "In", "wrong", "value2")]})),
        labels={"foo": "bar"}),
    _na("Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, will schedule onto the node",
        _pod(node_selector={"foo": "bar"}, affinity=_required({"matchExpressions": [_req("foo", "Exists")]})),
        labels={"foo": "bar"}),
    _na("Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that we are deprecating) is not satisfied, won't schedule onto the node",
        _pod(node_selector={"foo": "bar"}, affinity=_required({"matchExpressions": [_req("foo", "Exists")]})),
        labels={"foo": "barrrrrr"}, want=_ERR_POD),
    _na("Pod with an invalid value in Affinity term won't be scheduled onto the node",
        _pod(affinity=_required({"matchExpressions": [_req("foo", "NotIn", "invalid value: ___@#$%^")]})),
        labels={"foo": "bar"}, want=_ERR_POD, apiserver_rejects=True),
    _na("Pod with matchFields using In operator that matches the existing node",
        _pod(affinity=_required({"matchFields": [_name_in("node1")]})), node_name="node1",
        want_pre_filter_result=["node1"]),
    _na("Pod with matchFields using In operator that does not match the existing node",
        _pod(affinity=_required({"matchFields": [_name_in("node1")]})), node_name="node2",
        want=_ERR_POD, want_pre_filter_result=["node1"]),
    _na("Pod with two terms: matchFields does not match, but matchExpressions matches",
        _pod(affinity=_required({"matchFields": [_name_in("node1"), _name_in("node2")]},
                                {"matchExpressions": [_req("foo", "In", "bar")]})),
        node_name="node2", labels={"foo": "bar"}),
    _na("Pod with one term: matchFields does not match, but matchExpressions matches",
        _pod(affinity=_required({"matchFields": [_name_in("node1")], "matchExpressions": [_req("foo", "In", "bar")]})),
        node_name="node2", labels={"foo": "bar"}, want_pre_filter_result=["node1"], want=_ERR_POD),
    _na("Pod with one term: both matchFields and matchExpressions match",
        _pod(affinity=_required({"matchFields": [_name_in("node1")], "matchExpressions": [_req("foo", "In", "bar")]})),
        node_name="node1", labels={"foo": "bar"}, want_pre_filter_result=["node1"]),
    _na("Pod with two terms: both matchFields and matchExpressions do not match",
        _pod(affinity=_required({"matchFields": [_name_in("node1")]},
                                {"matchExpressions": [_req("foo", "In", "not-match-to-bar")]})),
        node_name="node2", labels={"foo": "bar"}, want=_ERR_POD),
    _na("Pod with two terms of node.Name affinity",
        _pod(affinity=_required({"matchFields": [_name_in("node1")]}, {"matchFields": [_name_in("node2")]})),
        node_name="node2", want_pre_filter_result=["node1", "node2"]),
    _na("Pod with two conflicting mach field requirements",
        _pod(affinity=_required({"matchFields": [_name_in("node1"), _name_in("node2")]})),
        node_name="node2", labels={"foo": "bar"}, want_pre_filter=_ERR_CONFLICT, want=_ERR_POD),
    _na("Matches added affinity and Pod's node affinity",
        _pod(affinity=_required({"matchExpressions": [_req("zone", "In", "foo")]})),
        node_name="node2", labels={"zone": "foo"}, args=_ADDED_NODE2),
    _na("Matches added affinity but not Pod's node affinity",
        _pod(affinity=_required({"matchExpressions": [_req("zone", "In", "bar")]})),
        node_name="node2", labels={"zone": "foo"}, args=_ADDED_NODE2, want=_ERR_POD),
    _na("Doesn't match added affinity", _pod(), node_name="node2", labels={"zone": "foo"},
        args={"addedAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [_req("zone", "In", "bar")]}]}}},
        want=_ERR_ENFORCED),
    _na("Matches node selector correctly even if PreFilter is not called", _pod(node_selector={"foo": "bar"}),
        labels={"foo": "bar", "baz": "blah"}, run_pre_filter=False),
    _na("Matches node affinity correctly even if PreFilter is not called",
        _pod(affinity=_required({"matchExpressions": [_req("GPU", "Exists"), _req("GPU", "NotIn", "AMD", "INTER")]})),
        labels={"GPU": "NVIDIA-GRID-K1"}, run_pre_filter=False),
]

_LABEL1 = {"foo": "bar"}
_LABEL2 = {"key": "value"}
_LABEL3 = {"az": "az1"}
_LABEL4 = {"abc": "az11", "def": "az22"}
_LABEL5 = {"foo": "bar", "key": "value", "az": "az1"}


def _pref(weight, *exprs):
    return {"weight": weight, "preference": {"matchExpressions": list(exprs)}}


_AFFINITY1 = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    _pref(2, _req("foo", "In", "bar"))]}}
_AFFINITY2 = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    _pref(2, _req("foo", "In", "bar")),
    _pref(4, _req("key", "In", "value")),
    _pref(5, _req("foo", "In", "bar"), _req("key", "In", "value"), _req("az", "In", "az1")),
]}}

# pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go: TestNodeAffinityPriority
# ``want_pre_score`` is the PreScore status when ``run_pre_score``; a non-Success status ends the case.
NODE_AFFINITY_SCORE_CASES = [
    {"name": "all nodes are same priority as NodeAffinity is nil", "pod": _pod(),
     "nodes": [_node("node1", labels=_LABEL1), _node("node2", labels=_LABEL2), _node("node3", labels=_LABEL3)],
     "existing_pods": [], "args": None, "run_pre_score": False, "want_pre_score": None,
     "want": [("node1", 0), ("node2", 0), ("node3", 0)]},
    {"name": "Skip is returned in PreScore when NodeAffinity is nil", "pod": _pod(),
     "nodes": [_node("node1", labels=_LABEL1)], "existing_pods": [], "args": None,
     "run_pre_score": True, "want_pre_score": _SKIP, "want": None},
    {"name": "PreScore returns error when an incoming Pod has a broken affinity",
     "pod": _pod(affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
         _pref(2, _req("invalid key", "In", "bar"))]}}),
     "nodes": [_node("node1", labels=_LABEL1)], "existing_pods": [], "args": None, "run_pre_score": True,
     "want_pre_score": _st("Error", '[0].matchExpressions[0].key: Invalid value: "invalid key": name part must '
                                    "consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                                    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
                                    "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
     "want": None, "apiserver_rejects": True},
    {"name": "no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero",
     "pod": _pod(affinity=_AFFINITY1),
     "nodes": [_node("node1", labels=_LABEL4), _node("node2", labels=_LABEL2), _node("node3", labels=_LABEL3)],
     "existing_pods": [], "args": None, "run_pre_score": True, "want_pre_score": None,
     "want": [("node1", 0), ("node2", 0), ("node3", 0)]},
    {"name": "only node1 matches the preferred scheduling requirements of pod",
     "pod": _pod(affinity=_AFFINITY1),
     "nodes": [_node("node1", labels=_LABEL1), _node("node2", labels=_LABEL2), _node("node3", labels=_LABEL3)],
     "existing_pods": [], "args": None, "run_pre_score": True, "want_pre_score": None,
     "want": [("node1", 100), ("node2", 0), ("node3", 0)]},
    {"name": "all nodes matches the preferred scheduling requirements of pod but with different priorities ",
     "pod": _pod(affinity=_AFFINITY2),
     "nodes": [_node("node1", labels=_LABEL1), _node("node5", labels=_LABEL5), _node("node2", labels=_LABEL2)],
     "existing_pods": [], "args": None, "run_pre_score": True, "want_pre_score": None,
     "want": [("node1", 18), ("node5", 100), ("node2", 36)]},
    {"name": "added affinity", "pod": _pod(),
     "nodes": [_node("node1", labels=_LABEL1), _node("node2", labels=_LABEL2)],
     "existing_pods": [], "args": {"addedAffinity": _AFFINITY1["nodeAffinity"]},
     "run_pre_score": True, "want_pre_score": None, "want": [("node1", 100), ("node2", 0)]},
    {"name": "added affinity and pod has default affinity", "pod": _pod(affinity=_AFFINITY1),
     "nodes": [_node("node1", labels=_LABEL1), _node("node2", labels=_LABEL2), _node("node3", labels=_LABEL5)],
     "existing_pods": [],
     "args": {"addedAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
         _pref(3, _req("key", "In", "value"))]}},
     "run_pre_score": True, "want_pre_score": None, "want": [("node1", 40), ("node2", 60), ("node3", 100)]},
    {"name": "calculate the priorities correctly even if PreScore is not called", "pod": _pod(affinity=_AFFINITY2),
     "nodes": [_node("node1", labels=_LABEL1), _node("node5", labels=_LABEL5), _node("node2", labels=_LABEL2)],
     "existing_pods": [], "args": None, "run_pre_score": True, "want_pre_score": None,
     "want": [("node1", 18), ("node5", 100), ("node2", 36)]},
]

# ==================================================================================================
# NodeName, NodeUnschedulable, NodePorts
# ==================================================================================================

# pkg/scheduler/framework/plugins/nodename/node_name_test.go: TestNodeName
NODE_NAME_CASES = [
    {"name": "no host specified", "pod": _pod(), "node": _node("node"), "want": None},
    {"name": "host matches", "pod": _pod(node_name="foo"), "node": _node("foo"), "want": None},
    {"name": "host doesn't match", "pod": _pod(node_name="bar"), "node": _node("foo"),
     "want": _st("UnschedulableAndUnresolvable", "node(s) didn't match the requested node name")},
]

# pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable_test.go: TestNodeUnschedulable
NODE_UNSCHEDULABLE_CASES = [
    {"name": "Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)",
     "pod": _pod(), "node": _node(unschedulable=True),
     "want": _st("UnschedulableAndUnresolvable", "node(s) were unschedulable")},
    {"name": "Schedule pod to normal node", "pod": _pod(), "node": _node(unschedulable=False), "want": None},
    {"name": "Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)",
     "pod": _pod(tolerations=[_tol("node.kubernetes.io/unschedulable", "", "NoSchedule")]),
     "node": _node(unschedulable=True), "want": None},
]


def _ports_pod(name, *port_infos):
    """Upstream ``newPod(host, "PROTO/IP/PORT"...)``: one container with those host ports."""
    ports = []
    for info in port_infos:
        proto, ip, port = info.split("/")
        p = {"containerPort": int(port), "hostPort": int(port), "protocol": proto}
        if ip:
            p["hostIP"] = ip
        ports.append(p)
    return _pod(name, containers=[{"name": "c", "image": "pause", "ports": ports}])


def _init_ports_pod(name, sidecar, ports):
    init = {"name": "init", "image": "pause", "ports": ports}
    if sidecar:
        init["restartPolicy"] = "Always"
    return _pod(name, init_containers=[init])


_NO_FREE_PORTS = _st("Unschedulable", "node(s) didn't have free ports for the requested pod ports")


def _np(name, pod, existing, want=None, want_pre_filter=None):
    return {"name": name, "pod": pod, "node": _node("m1"), "existing_pods": existing,
            "want_pre_filter": want_pre_filter, "want": want}


# pkg/scheduler/framework/plugins/nodeports/node_ports_test.go: TestNodePorts
# (``existing_pods`` are bound to ``node``; a PreFilter Skip ends the case.)
NODE_PORTS_CASES = [
    _np("skip filter", _pod(), [], want_pre_filter=_SKIP),
    _np("other port", _ports_pod("p", "UDP/127.0.0.1/8080"), [_ports_pod("e", "UDP/127.0.0.1/9090")]),
    _np("same udp port", _ports_pod("p", "UDP/127.0.0.1/8080"), [_ports_pod("e", "UDP/127.0.0.1/8080")], _NO_FREE_PORTS),
    _np("same tcp port", _ports_pod("p", "TCP/127.0.0.1/8080"), [_ports_pod("e", "TCP/127.0.0.1/8080")], _NO_FREE_PORTS),
    _np("different host ip", _ports_pod("p", "TCP/127.0.0.1/8080"), [_ports_pod("e", "TCP/127.0.0.2/8080")]),
    _np("different protocol", _ports_pod("p", "UDP/127.0.0.1/8080"), [_ports_pod("e", "TCP/127.0.0.1/8080")]),
    _np("second udp port conflict", _ports_pod("p", "UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"),
        [_ports_pod("e", "UDP/127.0.0.1/8080")], _NO_FREE_PORTS),
    _np("first tcp port conflict", _ports_pod("p", "TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"),
        [_ports_pod("e", "TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081")], _NO_FREE_PORTS),
    _np("first tcp port conflict due to 0.0.0.0 hostIP", _ports_pod("p", "TCP/0.0.0.0/8001"),
        [_ports_pod("e", "TCP/127.0.0.1/8001")], _NO_FREE_PORTS),
    _np("TCP hostPort conflict due to 0.0.0.0 hostIP", _ports_pod("p", "TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"),
        [_ports_pod("e", "TCP/127.0.0.1/8001")], _NO_FREE_PORTS),
    _np("second tcp port conflict to 0.0.0.0 hostIP", _ports_pod("p", "TCP/127.0.0.1/8001"),
        [_ports_pod("e", "TCP/0.0.0.0/8001")], _NO_FREE_PORTS),
    _np("second different protocol", _ports_pod("p", "UDP/127.0.0.1/8001"), [_ports_pod("e", "TCP/0.0.0.0/8001")]),
    _np("UDP hostPort conflict due to 0.0.0.0 hostIP", _ports_pod("p", "UDP/127.0.0.1/8001"),
        [_ports_pod("e", "TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001")], _NO_FREE_PORTS),
    _np("non-sidecar initContainer using hostPort",
        _init_ports_pod("p", False, [{"containerPort": 8001, "hostPort": 8001, "protocol": "TCP"}]),
        [_ports_pod("e", "TCP/0.0.0.0/8001")], want_pre_filter=_SKIP),
    _np("TCP hostPort conflict from sidecar initContainer",
        _init_ports_pod("p", True, [{"containerPort": 8001, "hostPort": 8001, "protocol": "TCP"}]),
        [_ports_pod("e", "TCP/0.0.0.0/8001")], _NO_FREE_PORTS),
]

# pkg/scheduler/framework/plugins/nodeports/node_ports_test.go: TestFits (``fits`` = Fits(pod, nodeInfo))
NODE_PORTS_FITS_CASES = [
    {"name": "non-conflicting ports", "pod": _ports_pod("p", "TCP/127.0.0.1/80"),
     "existing_pods": [_ports_pod("e", "TCP/127.0.0.1/9090")], "fits": True},
    {"name": "multiple non-conflicting ports",
     "pod": _ports_pod("p", "TCP/127.0.0.1/80", "TCP/127.0.1.1/80", "TCP/127.0.1.1/90", "TCP/127.0.1.1/100"),
     "existing_pods": [_ports_pod("e", "TCP/127.0.0.1/9090", "TCP/127.0.0.1/9191", "TCP/127.0.1.1/8080")],
     "fits": True},
    {"name": "same ports on different protocols", "pod": _ports_pod("p", "TCP/127.0.0.1/80"),
     "existing_pods": [_ports_pod("e", "UDP/127.0.0.1/80")], "fits": True},
    {"name": "conflicting ports", "pod": _ports_pod("p", "TCP/127.0.0.1/80"),
     "existing_pods": [_ports_pod("e", "TCP/127.0.0.1/80")], "fits": False},
    {"name": "multiple ports, some conflicting",
     "pod": _ports_pod("p", "TCP/127.0.0.1/80", "TCP/127.0.1.1/80", "TCP/127.0.1.1/90", "TCP/127.0.1.1/100"),
     "existing_pods": [_ports_pod("e", "TCP/127.0.0.1/9090", "TCP/127.0.1.1/90", "TCP/127.0.1.1/8080")],
     "fits": False},
]

# ==================================================================================================
# ImageLocality
# ==================================================================================================


def _img(size_mb, *names):
    return {"names": list(names), "sizeBytes": size_mb * MB}


def _image_pod(*images, init=()):
    return _pod(containers=[{"name": f"c{i}", "image": im} for i, im in enumerate(images)],
                init_containers=[{"name": f"i{i}", "image": im} for i, im in enumerate(init)] if init else None)


_N403002000 = [_img(40, "gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"),
               _img(300, "gcr.io/300:latest", "gcr.io/300:v1"), _img(2000, "gcr.io/2000:latest")]
_N25010 = [_img(250, "gcr.io/250:latest"), _img(10, "gcr.io/10:latest", "gcr.io/10:v1")]
_N60040900 = [_img(600, "gcr.io/600:latest"), _img(40, "gcr.io/40:latest"), _img(900, "gcr.io/900:latest")]
_N300600900 = [_img(300, "gcr.io/300:latest"), _img(600, "gcr.io/600:latest"), _img(900, "gcr.io/900:latest")]
_N400030 = [_img(4000, "gcr.io/4000:latest"), _img(30, "gcr.io/30:latest")]
_N203040 = [_img(20, "gcr.io/20:latest"), _img(30, "gcr.io/30:latest"), _img(40, "gcr.io/40:latest")]

# pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go: TestImageLocalityPriority
IMAGE_LOCALITY_CASES = [
    {"name": "two images spread on two nodes, prefer the larger image one",
     "pod": _image_pod("gcr.io/40", "gcr.io/250"),
     "nodes": [_node("node1", images=_N403002000), _node("node2", images=_N25010)], "existing_pods": [],
     "args": None, "want": [("node1", 0), ("node2", 5)]},
    {"name": "two images on one node, prefer this node", "pod": _image_pod("gcr.io/40", "gcr.io/300"),
     "nodes": [_node("node1", images=_N403002000), _node("node2", images=_N25010)], "existing_pods": [],
     "args": None, "want": [("node1", 7), ("node2", 0)]},
    {"name": "if exceed limit, use limit", "pod": _image_pod("gcr.io/10", "gcr.io/4000"),
     "nodes": [_node("node1", images=_N400030), _node("node2", images=_N25010)], "existing_pods": [],
     "args": None, "want": [("node1", 100), ("node2", 0)]},
    {"name": "if exceed limit, use limit (with node which has no images present)",
     "pod": _image_pod("gcr.io/10", "gcr.io/4000"),
     "nodes": [_node("node1", images=_N400030), _node("node2", images=_N25010), _node("node3")],
     "existing_pods": [], "args": None, "want": [("node1", 66), ("node2", 0), ("node3", 0)]},
    {"name": "pod with multiple large images, node2 is preferred",
     "pod": _image_pod("gcr.io/300", "gcr.io/600", "gcr.io/900"),
     "nodes": [_node("node1", images=_N60040900), _node("node2", images=_N300600900), _node("node3")],
     "existing_pods": [], "args": None, "want": [("node1", 32), ("node2", 36), ("node3", 0)]},
    {"name": "pod with multiple small images", "pod": _image_pod("gcr.io/30", "gcr.io/40"),
     "nodes": [_node("node1", images=_N203040), _node("node2", images=_N400030)], "existing_pods": [],
     "args": None, "want": [("node1", 1), ("node2", 0)]},
    {"name": "include InitContainers: two images spread on two nodes, prefer the larger image one",
     "pod": _image_pod("gcr.io/30", init=("gcr.io/300",)),
     "nodes": [_node("node1", images=_N403002000), _node("node2", images=_N203040)], "existing_pods": [],
     "args": None, "want": [("node1", 6), ("node2", 0)]},
]

# sha256("root"), as upstream getImageFakeDigest("root")
_ROOT_DIGEST = "sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2"

# pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go: TestNormalizedImageName
NORMALIZED_IMAGE_NAME_CASES = [
    {"name": "add :latest postfix 1", "input": "root", "output": "root:latest"},
    {"name": "add :latest postfix 2", "input": "gcr.io:5000/root", "output": "gcr.io:5000/root:latest"},
    {"name": "keep it as is 1", "input": "root:tag", "output": "root:tag"},
    {"name": "keep it as is 2", "input": "root@" + _ROOT_DIGEST, "output": "root@" + _ROOT_DIGEST},
]

# ==================================================================================================
# helper.DefaultNormalizeScore
# ==================================================================================================

# pkg/scheduler/framework/plugins/helper/normalize_score_test.go: TestDefaultNormalizeScore (maxPriority 100)
DEFAULT_NORMALIZE_SCORE_CASES = [
    {"reverse": False, "scores": [1, 2, 3, 4], "want": [25, 50, 75, 100]},
    {"reverse": True, "scores": [1, 2, 3, 4], "want": [75, 50, 25, 0]},
    {"reverse": False, "scores": [1000, 10, 20, 30], "want": [100, 1, 2, 3]},
    {"reverse": True, "scores": [1000, 10, 20, 30], "want": [0, 99, 98, 97]},
    {"reverse": False, "scores": [1, 1, 1, 1], "want": [100, 100, 100, 100]},
    {"reverse": False, "scores": [1000, 1, 1, 1], "want": [100, 0, 0, 0]},
    {"reverse": True, "scores": [0, 1, 1, 1], "want": [100, 0, 0, 0]},
]

# ==================================================================================================
# FitError.Error()
# ==================================================================================================

_PF = "Node(s) failed PreFilter plugin FalsePreFilter"
_F1 = "Node(s) failed Filter plugin FalseFilter-1"
_F2 = "Node(s) failed Filter plugin FalseFilter-2"
_POST = "Error running PostFilter plugin FailedPostFilter"

# pkg/scheduler/framework/types_test.go: TestFitError_Error
# ``node_statuses``: node -> status; ``absent_reasons``: reasons of the status of nodes absent from the map.
FIT_ERROR_CASES = [
    {"name": "nodes failed Prefilter plugin", "num_nodes": 3, "pre_filter_msg": _PF, "post_filter_msg": "",
     "node_statuses": {n: _st("Unschedulable", _PF) for n in ("node1", "node2", "node3")}, "absent_reasons": [],
     "want": "0/3 nodes are available: Node(s) failed PreFilter plugin FalsePreFilter."},
    {"name": "nodes failed Prefilter plugin and the preemption also failed", "num_nodes": 3, "pre_filter_msg": _PF,
     "post_filter_msg": _POST,
     "node_statuses": {n: _st("Unschedulable", _PF) for n in ("node1", "node2", "node3")}, "absent_reasons": [],
     "want": "0/3 nodes are available: Node(s) failed PreFilter plugin FalsePreFilter. "
             "Error running PostFilter plugin FailedPostFilter"},
    {"name": "nodes failed one Filter plugin with an empty PostFilterMsg", "num_nodes": 3, "pre_filter_msg": "",
     "post_filter_msg": "",
     "node_statuses": {n: _st("Unschedulable", _F1) for n in ("node1", "node2", "node3")}, "absent_reasons": [],
     "want": "0/3 nodes are available: 3 Node(s) failed Filter plugin FalseFilter-1."},
    {"name": "nodes failed one Filter plugin with a non-empty PostFilterMsg", "num_nodes": 3, "pre_filter_msg": "",
     "post_filter_msg": _POST,
     "node_statuses": {n: _st("Unschedulable", _F1) for n in ("node1", "node2", "node3")}, "absent_reasons": [],
     "want": "0/3 nodes are available: 3 Node(s) failed Filter plugin FalseFilter-1. "
             "Error running PostFilter plugin FailedPostFilter"},
    {"name": "nodes failed two Filter plugins with an empty PostFilterMsg", "num_nodes": 3, "pre_filter_msg": "",
     "post_filter_msg": "",
     "node_statuses": {"node1": _st("Unschedulable", _F1), "node2": _st("Unschedulable", _F1),
                       "node3": _st("Unschedulable", _F2)}, "absent_reasons": [],
     "want": "0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, "
             "2 Node(s) failed Filter plugin FalseFilter-1."},
    {"name": "nodes failed two Filter plugins with a non-empty PostFilterMsg", "num_nodes": 3, "pre_filter_msg": "",
     "post_filter_msg": _POST,
     "node_statuses": {"node1": _st("Unschedulable", _F1), "node2": _st("Unschedulable", _F1),
                       "node3": _st("Unschedulable", _F2)}, "absent_reasons": [],
     "want": "0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, "
             "2 Node(s) failed Filter plugin FalseFilter-1. Error running PostFilter plugin FailedPostFilter"},
    {"name": "failed to Permit on node", "num_nodes": 1, "pre_filter_msg": "", "post_filter_msg": "",
     "node_statuses": {"node1": _st("Unschedulable", "Node failed Permit plugin Permit-1")}, "absent_reasons": [],
     "want": "0/1 nodes are available: 1 Node failed Permit plugin Permit-1."},
    {"name": "failed to Reserve on node", "num_nodes": 1, "pre_filter_msg": "", "post_filter_msg": "",
     "node_statuses": {"node1": _st("Unschedulable", "Node failed Reserve plugin Reserve-1")}, "absent_reasons": [],
     "want": "0/1 nodes are available: 1 Node failed Reserve plugin Reserve-1."},
]
