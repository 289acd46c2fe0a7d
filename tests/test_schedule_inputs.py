"""Scheduler.schedule input handling: Pod dicts are read for their key and spec.nodeName without a
second parse (the cluster parses them once when adding), and bad input still raises InvalidObject
with the cluster unchanged."""
import pytest

import kschedule as ks
from kschedule.errors import InvalidObject

NODE = {"kind": "Node", "metadata": {"name": "n0"}, "status": {"allocatable": {"cpu": "2", "memory": "2Gi", "pods": "5"}}}


def pod(name, cpu="100m", **spec):
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "ns"},
            "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": cpu}}}], **spec}}


def test_dicts_are_added_once_and_scheduled():
    c = ks.Cluster.from_objects(nodes=[NODE])
    out = ks.Scheduler(c).schedule([pod("a"), pod("b")])
    assert [(p.pod, p.node) for p in out] == [("ns/a", "n0"), ("ns/b", "n0")]
    assert len(c.pods) == 2 and int(c.nodes.requested_cpu_milli[0]) == 200


def test_dict_with_node_name_is_rejected_before_anything_changes():
    c = ks.Cluster.from_objects(nodes=[NODE])
    with pytest.raises(InvalidObject, match="spec.nodeName"):
        ks.Scheduler(c).schedule([pod("a"), pod("b", nodeName="n0")])
    assert len(c.pods) == 0


def test_invalid_dict_raises_and_adds_nothing():
    c = ks.Cluster.from_objects(nodes=[NODE])
    with pytest.raises(InvalidObject, match="1.5.0"):
        ks.Scheduler(c).schedule([pod("a"), pod("b", cpu="1.5.0")])
    assert len(c.pods) == 0


def test_invalid_dict_for_a_pod_already_pending_still_raises():
    c = ks.Cluster.from_objects(nodes=[NODE], pods=[pod("a")])
    with pytest.raises(InvalidObject, match="1.5.0"):
        ks.Scheduler(c).schedule([pod("a", cpu="1.5.0")])
    assert int(c.pods.node[0]) == -1  # still pending, nothing bound


def test_unknown_key_raises():
    c = ks.Cluster.from_objects(nodes=[NODE])
    with pytest.raises(InvalidObject, match="not found"):
        ks.Scheduler(c).schedule(["ns/missing"])
