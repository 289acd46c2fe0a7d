"""NodeName, NodeUnschedulable and NodePorts references vs the ported upstream tables."""
from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, strategies as st

from kschedule.objects.pod import parse_pod
from kschedule.plugins import node_name, node_ports, node_unschedulable
from kschedule.plugins.base import NodeState
from kschedule.plugins.cases import node_cases as C


def status_dict(s):
    return None if s is None or s.is_success else {"code": s.code, "reasons": list(s.reasons)}


# pkg/scheduler/framework/plugins/nodename/node_name_test.go: TestNodeName
@pytest.mark.parametrize("case", C.NODE_NAME_CASES, ids=[c["name"] for c in C.NODE_NAME_CASES])
def test_node_name_upstream_table(case):
    got = node_name.filter(parse_pod(case["pod"]), NodeState.from_objects(case["node"]), None)
    assert status_dict(got) == case["want"]
    assert got.is_success or got.plugin == "NodeName"


# pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable_test.go: TestNodeUnschedulable
@pytest.mark.parametrize("case", C.NODE_UNSCHEDULABLE_CASES, ids=[c["name"] for c in C.NODE_UNSCHEDULABLE_CASES])
def test_node_unschedulable_upstream_table(case):
    got = node_unschedulable.filter(parse_pod(case["pod"]), NodeState.from_objects(case["node"]), None)
    assert status_dict(got) == case["want"]
    assert got.is_success or got.plugin == "NodeUnschedulable"


def test_node_unschedulable_toleration_forms():
    node = NodeState.from_objects(C._node(unschedulable=True))
    exists_all = parse_pod(C._pod(tolerations=[{"operator": "Exists"}]))
    wrong_effect = parse_pod(C._pod(tolerations=[{"key": "node.kubernetes.io/unschedulable", "operator": "Exists",
                                                  "effect": "NoExecute"}]))
    with_value = parse_pod(C._pod(tolerations=[{"key": "node.kubernetes.io/unschedulable", "value": "x"}]))
    assert node_unschedulable.filter(exists_all, node).is_success
    assert node_unschedulable.filter(wrong_effect, node).code == "UnschedulableAndUnresolvable"
    assert node_unschedulable.filter(with_value, node).code == "UnschedulableAndUnresolvable"


def _node_with(existing):
    return NodeState.from_objects(C._node("m1"), existing)


# pkg/scheduler/framework/plugins/nodeports/node_ports_test.go: TestNodePorts
@pytest.mark.parametrize("case", C.NODE_PORTS_CASES, ids=[c["name"] for c in C.NODE_PORTS_CASES])
def test_node_ports_upstream_table(case):
    pod = parse_pod(case["pod"])
    node = _node_with(case["existing_pods"])
    pre = node_ports.pre_filter(pod, [node], None)
    assert status_dict(pre) == case["want_pre_filter"]
    if pre is not None:
        return
    got = node_ports.filter(pod, node, None)
    assert status_dict(got) == case["want"]
    assert got.is_success or got.plugin == "NodePorts"


# pkg/scheduler/framework/plugins/nodeports/node_ports_test.go: TestFits
@pytest.mark.parametrize("case", C.NODE_PORTS_FITS_CASES, ids=[c["name"] for c in C.NODE_PORTS_FITS_CASES])
def test_node_ports_fits_upstream_table(case):
    pod = parse_pod(case["pod"])
    node = _node_with(case["existing_pods"])
    assert node_ports.fits_ports(node_ports.pod_host_ports(pod), node) is case["fits"]


def test_pod_host_ports_sanitizes_and_skips_zero_ports():
    pod = parse_pod(C._pod(containers=[{"name": "c", "image": "x", "ports": [
        {"containerPort": 80}, {"containerPort": 81, "hostPort": 8081},
        {"containerPort": 82, "hostPort": 8082, "protocol": "UDP", "hostIP": "10.0.0.1"}]}]))
    assert node_ports.pod_host_ports(pod) == (("TCP", "0.0.0.0", 8081), ("UDP", "10.0.0.1", 8082))


_ips = st.sampled_from(["0.0.0.0", "127.0.0.1", "127.0.0.2"])
_ports = st.tuples(st.sampled_from(["TCP", "UDP"]), _ips, st.sampled_from([80, 81]))


@given(st.lists(_ports, max_size=5), _ports)
def test_check_conflict_is_symmetric(used, wanted):
    # HostPortInfo.CheckConflict: conflict iff same protocol and port and (same IP or either IP is 0.0.0.0);
    # the relation is symmetric in the two ports.
    proto, ip, port = wanted
    got = node_ports.check_conflict(Counter(used), ip, proto, port)
    assert got == any(node_ports.check_conflict(Counter([wanted]), uip, upr, upo) for upr, uip, upo in used)
    assert got == any(upr == proto and upo == port and (uip == ip or "0.0.0.0" in (uip, ip))
                      for upr, uip, upo in used)
