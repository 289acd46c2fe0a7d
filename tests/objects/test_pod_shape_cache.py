"""The loading cache of pod parses (kschedule.objects.pod): a pod whose spec has the shape of one
parsed before (same fields, other request quantities) gets exactly the parse, and exactly the error,
that parsing it from scratch gives."""
from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings, strategies as st

from kschedule.errors import InvalidObject
from kschedule.objects import pod as podmod
from kschedule.objects.pod import parse_pod, parse_pods


def fresh_parse(obj):
    """parse_pod with every cache emptied (the general parser's answer)."""
    saved = dict(podmod._SPEC_CACHE), dict(podmod._CPU_MILLI), dict(podmod._VALUE)
    podmod._SPEC_CACHE.clear()
    podmod._CPU_MILLI.clear()
    podmod._VALUE.clear()
    try:
        return parse_pod(obj)
    finally:
        podmod._SPEC_CACHE.clear()
        podmod._SPEC_CACHE.update(saved[0])
        podmod._CPU_MILLI.update(saved[1])
        podmod._VALUE.update(saved[2])


def outcome(fn, obj):
    try:
        return fn(obj)
    except InvalidObject as e:
        return ("error", e.kind, e.name, e.field, e.message)


QUANTITIES = ["0", "1", "250m", "1500m", "2", "0.5", "100Mi", "1Gi", "1G", "1e3", "12345678", "1.5Gi", "3k",
              "-1", "1.5.0", "", "10Ei", "0.000000001", "7u"]
RESOURCES = ["cpu", "memory", "ephemeral-storage", "example.com/gpu", "hugepages-2Mi"]


def requests_st():
    return st.dictionaries(st.sampled_from(RESOURCES), st.sampled_from(QUANTITIES), max_size=3)


# Limits: the shape key leaves them out, resource validation reads them (names, quantities, requests
# within limits, extended resources and hugepages equal to them).
LIMIT_NAMES = RESOURCES + ["disk", "pods"]


@st.composite
def shaped_pods(draw):
    """Two pods of one shape: same fields and resource names, each its own quantities."""
    n_regular = draw(st.integers(1, 3))
    n_init = draw(st.integers(0, 2))
    names_regular = [draw(st.lists(st.sampled_from(RESOURCES), unique=True, max_size=3)) for _ in range(n_regular)]
    names_init = [draw(st.lists(st.sampled_from(RESOURCES), unique=True, max_size=3)) for _ in range(n_init)]
    sidecar = [draw(st.booleans()) for _ in range(n_init)]
    pod_level = draw(st.sampled_from([None, {"cpu": "2"}, {"memory": "1Gi"}, {"cpu": "1", "memory": "2Gi"}]))
    overhead = draw(st.sampled_from([None, {"cpu": "100m"}, {"memory": "64Mi", "cpu": "10m"}]))
    status = draw(st.sampled_from([None, "resize", "infeasible"]))

    def make(name):
        def ctr(kind, k, names, restart=None):
            c = {"name": f"{kind}{k}", "image": "nginx"}
            if names:
                req = {r: draw(st.sampled_from(QUANTITIES)) for r in names}
                lim = {"memory": draw(st.sampled_from(QUANTITIES))}
                for r in draw(st.lists(st.sampled_from(LIMIT_NAMES), unique=True, max_size=2)):
                    # often the request itself, so that some extended resources and hugepages are valid
                    lim[r] = req[r] if r in req and draw(st.booleans()) else draw(st.sampled_from(QUANTITIES))
                c["resources"] = {"requests": req, "limits": lim}
            if restart:
                c["restartPolicy"] = "Always"
            return c
        spec = {"containers": [ctr("c", k, nm) for k, nm in enumerate(names_regular)]}
        if n_init:
            spec["initContainers"] = [ctr("i", k, nm, sidecar[k]) for k, nm in enumerate(names_init)]
        if pod_level:
            spec["resources"] = {"requests": dict(pod_level)}
        if overhead:
            spec["overhead"] = dict(overhead)
        obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "ns"}, "spec": spec}
        if status:
            st_ = {"phase": "Running", "containerStatuses": [{"name": "c0", "resources": {"requests": {"cpu": "3"}}}]}
            if status == "infeasible":
                st_["conditions"] = [{"type": "PodResizePending", "reason": "Infeasible"}]
            obj["status"] = st_
        return obj

    return make("a"), make("b")


@settings(max_examples=300, deadline=None)
@given(shaped_pods())
def test_same_shape_other_quantities_parse_as_from_scratch(pair):
    a, b = pair
    want_a, want_b = outcome(fresh_parse, a), outcome(fresh_parse, b)
    podmod._SPEC_CACHE.clear()
    assert outcome(parse_pod, a) == want_a
    assert outcome(parse_pod, b) == want_b  # a shape hit when a parsed
    assert outcome(parse_pod, b) == want_b  # a hit of the quantities too
    got = parse_pods([a, b])
    for obj, pi, want in zip((a, b), got, (want_a, want_b)):
        assert (pi is None) == isinstance(want, tuple)
        if pi is not None:
            assert pi == want


def test_bad_quantity_after_a_good_one_of_the_same_shape():
    good = {"metadata": {"name": "good"}, "spec": {"containers": [
        {"name": "app", "image": "x", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}]}}
    bad = copy.deepcopy(good)
    bad["metadata"]["name"] = "bad"
    bad["spec"]["containers"][0]["resources"]["requests"]["memory"] = "1.5.0"
    parse_pod(good)
    with pytest.raises(InvalidObject) as e:
        parse_pod(bad)
    assert e.value.name == "default/bad"
    assert e.value.field == "spec.containers[0].resources.requests.memory"
    assert e.value.message.startswith('invalid quantity "1.5.0"')
    neg = copy.deepcopy(good)
    neg["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "-1"
    with pytest.raises(InvalidObject, match="must be greater than or equal to 0"):
        parse_pod(neg)
    numeric = copy.deepcopy(good)
    numeric["spec"]["containers"][0]["resources"]["requests"]["cpu"] = 1
    assert parse_pod(numeric).requests == {"cpu": 1000, "memory": 1 << 30}
    assert parse_pods([good, bad, numeric])[1] is None


def test_sidecar_and_pod_level_shapes_keep_upstream_semantics():
    def mk(cpu_init, cpu_app):
        return {"metadata": {"name": "p"}, "spec": {
            "initContainers": [{"name": "s", "image": "x", "restartPolicy": "Always",
                                "resources": {"requests": {"cpu": cpu_init}}},
                               {"name": "i", "image": "x", "resources": {"requests": {"cpu": "5"}}}],
            "containers": [{"name": "app", "image": "x", "resources": {"requests": {"cpu": cpu_app}}}]}}
    podmod._SPEC_CACHE.clear()
    first = parse_pod(mk("1", "1"))
    # sidecar 1 + app 1 = 2 < init 5 + sidecar 1 = 6
    assert first.requests == {"cpu": 6000}
    second = parse_pod(mk("2", "10"))
    assert second.requests == {"cpu": 12000} == fresh_parse(mk("2", "10")).requests
    assert second.nonzero == fresh_parse(mk("2", "10")).nonzero


def _variants():
    """Well-formed pods of a few shapes plus objects with every kind of unusual or bad field."""
    base = {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "ns", "labels": {"app": "web"},
                         "ownerReferences": [{"kind": "ReplicaSet", "name": "rs", "controller": True}]},
            "spec": {"containers": [{"name": "app", "image": "nginx", "ports": [{"containerPort": 80}],
                                     "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}],
                     "tolerations": [{"key": "k", "operator": "Exists"}], "nodeSelector": {"disk": "ssd"}},
            "status": {"phase": "Running"}}
    edits = [
        lambda o: None,
        lambda o: o["spec"]["containers"][0]["resources"]["requests"].update(cpu="250m"),
        lambda o: o["spec"]["containers"][0]["resources"]["requests"].update(cpu=1),
        lambda o: o["spec"]["containers"][0]["resources"]["requests"].update(cpu=1.0),
        lambda o: o["spec"]["containers"][0]["resources"]["requests"].update(cpu=True),
        lambda o: o["spec"]["containers"][0]["resources"]["requests"].update(cpu=[1]),
        lambda o: o["spec"]["containers"][0]["resources"]["requests"].update(cpu="-1"),
        lambda o: o["spec"]["containers"][0]["resources"]["requests"].update(memory="1.5.0"),
        lambda o: o["spec"]["containers"][0]["resources"]["requests"].update(pods="1"),
        lambda o: o["spec"]["containers"][0].update(resources=None),
        lambda o: o["spec"]["containers"][0].update(resources=[]),
        # Limits (not in the shape key): within requests, above, below, invalid, extended resources.
        lambda o: o["spec"]["containers"][0]["resources"].update(limits={"memory": "64Mi"}),
        lambda o: o["spec"]["containers"][0]["resources"].update(limits={"cpu": "1", "memory": "1Gi"}),
        lambda o: o["spec"]["containers"][0]["resources"].update(limits={"cpu": "50m"}),
        lambda o: o["spec"]["containers"][0]["resources"].update(limits={"disk": "1"}),
        lambda o: o["spec"]["containers"][0]["resources"].update(limits={"cpu": "1.5.0"}),
        lambda o: o["spec"]["containers"][0]["resources"].update(limits={"cpu": True}),
        lambda o: o["spec"]["containers"][0]["resources"].update(limits=["cpu"]),
        lambda o: o["spec"]["containers"][0]["resources"].update(limits=None),
        lambda o: o["spec"]["containers"][0]["resources"]["requests"].update({"example.com/gpu": "1"}),
        lambda o: (o["spec"]["containers"][0]["resources"]["requests"].update({"example.com/gpu": "1"}),
                   o["spec"]["containers"][0]["resources"].update(limits={"example.com/gpu": "1"})),
        lambda o: (o["spec"]["containers"][0]["resources"]["requests"].update({"example.com/gpu": "1"}),
                   o["spec"]["containers"][0]["resources"].update(limits={"example.com/gpu": "2"})),
        lambda o: o["spec"].update(initContainers=[{"name": "i", "image": "b", "resources": {
            "requests": {"cpu": "2"}, "limits": {"cpu": "1"}}}]),
        lambda o: o["spec"].update(resources={"requests": {"memory": "1Gi"}, "limits": {"memory": "512Mi"}}),
        lambda o: o["spec"].update(overhead={"example.com/gpu": "500m"}),
        lambda o: o["spec"].update(initContainers=[{"name": "i", "image": "b", "restartPolicy": "Always",
                                                     "resources": {"requests": {"cpu": "1"}}}]),
        lambda o: o["spec"].update(overhead={"cpu": "10m"}),
        lambda o: o["spec"].update(resources={"requests": {"memory": "1Gi"}}),
        lambda o: o["spec"].update(volumes=[{"name": "v", "persistentVolumeClaim": {"claimName": "c"}}]),
        lambda o: o["spec"].update(volumes="x"),
        lambda o: o["spec"].update(priority=10, priorityClassName="high"),
        lambda o: o["spec"].update(priority="10"),
        lambda o: o["spec"].update(nodeName="n1"),
        lambda o: o["spec"].update(nodeName=5),
        lambda o: o["spec"].update(tolerations=[{"key": "k", "operator": "Bad"}]),
        lambda o: o["spec"].update(affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [{"key": "z", "operator": "In", "values": ["a"]}]}]}}}),
        lambda o: o["spec"].update(nodeSelector={"disk": 1}),
        lambda o: o["metadata"].update(name="Bad_Name"),
        lambda o: o["metadata"].update(name=""),
        lambda o: o["metadata"].update(name="a" * 254),
        lambda o: o["metadata"].update(name="ok\n"),
        lambda o: o["metadata"].update(namespace=""),
        lambda o: o["metadata"].update(namespace=None),
        lambda o: o["metadata"].update(namespace=3),
        lambda o: o["metadata"].update(labels=None),
        lambda o: o["metadata"].update(labels={"bad key!": "v"}),
        lambda o: o["metadata"].update(labels={"k": ["unhashable"]}),
        lambda o: o["metadata"].update(labels={"k": 1}),
        lambda o: o["metadata"].update(annotations={"alibabacloud.com/gpu-milli": "500"}),
        lambda o: o["metadata"].update(annotations={"alibabacloud.com/gpu-milli": "x"}),
        lambda o: o["metadata"].update(annotations={"other": "1"}),
        lambda o: o["metadata"].update(ownerReferences=[{"kind": "Job", "name": "j"}]),
        lambda o: o["metadata"].update(ownerReferences=[{"kind": None, "name": "j", "controller": True}]),
        lambda o: o["metadata"].update(ownerReferences="x"),
        lambda o: o.update(kind="Node"),
        lambda o: o.update(status=None),
        lambda o: o.update(status={"phase": "Succeeded"}),
        lambda o: o.update(status={"phase": 7, "nominatedNodeName": "n2"}),
        lambda o: o.update(status={"phase": "Running", "containerStatuses": [
            {"name": "app", "resources": {"requests": {"cpu": "2"}}}]}),
        lambda o: o.update(status=[]),
        lambda o: o.update(spec=None),
        lambda o: o.update(metadata=None),
    ]
    out = []
    for k, edit in enumerate(edits):
        for r in range(2):
            o = copy.deepcopy(base)
            o["metadata"]["name"] = f"p{k}-{r}"
            edit(o)
            if r:  # a second pod of the shape with its own quantities
                req = ((o.get("spec") or {}).get("containers") or [{}])[0]
                req = (req.get("resources") or {}) if isinstance(req, dict) else {}
                if isinstance(req, dict) and isinstance(req.get("requests"), dict):
                    req["requests"]["memory"] = f"{100 + k}Mi"
            out.append(o)
    out.append("not a pod")
    out.append(None)
    return out


def test_bulk_parse_agrees_with_parse_pod_on_every_object():
    objs = _variants()
    assert len(objs) >= 64  # large enough for the native extractor's path
    if podmod._extract_pods is not None:
        keys = podmod._extract_pods(objs, podmod._SPEC_FIELDS)[8]
        assert keys[0] is not None and keys[-1] is None  # the short path for the first, not for None
    for attempt in range(2):  # cold caches, then warm
        if attempt == 0:
            podmod._SPEC_CACHE.clear()
            podmod._PARSED.clear()
        got = parse_pods(objs)
        for obj, pi in zip(objs, got):
            want = outcome(fresh_parse, obj)
            if isinstance(want, tuple):
                assert pi is None, (obj, want)
            else:
                assert pi == want, obj
