"""Pod resource requirements are validated as the apiserver validates them (kschedule.objects.resources),
through every way a pod comes in: parse_pod, the shape cache, the bulk loader and its native
extractor, Cluster.from_objects / add_objects, Scheduler.schedule and the CLI.

Tables ported from kubernetes/kubernetes (v1.34): ``pkg/apis/core/validation/validation_test.go``
(TestValidateResourceNames, TestValidateContainers, TestValidatePod, TestValidateResourceRequirements)
and ``pkg/apis/core/helper/helpers_test.go`` (TestIsStandardResource, TestIsStandardContainerResource,
TestIsHugePageResourceName, TestIsHugePageResourceValueDivisible, TestIsOvercommitAllowed).
Upstream reports every error of an object; kschedule raises the first one in upstream's order (a
``resources`` object's limits, then its requests), so where an upstream case expects several errors
the first is checked, and paths are written in kschedule's style (``limits.cpu``,
``limits["example.com/a"]`` for upstream's ``limits[cpu]``).
"""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest

import kschedule as ks
from kschedule.cli import main
from kschedule.errors import InvalidObject
from kschedule.objects import pod as podmod
from kschedule.objects.pod import parse_pod, parse_pods
from kschedule.objects.quantity import Quantity
from kschedule.objects.resources import (container_resource_name_error, is_extended_resource_name,
                                         is_hugepage_resource_name, is_hugepage_resource_value_divisible,
                                         is_overcommit_allowed, is_standard_container_resource_name,
                                         is_standard_resource_name, resource_name_error)

NOT_A_STANDARD_RESOURCE = "must be a standard resource type or fully qualified"


def container(name="c", requests=None, limits=None):
    c = {"name": name, "image": "image"}
    res = {}
    if requests is not None:
        res["requests"] = requests
    if limits is not None:
        res["limits"] = limits
    if res:
        c["resources"] = res
    return c


def pod(name="p", containers=None, init=None, resources=None, overhead=None, ns="ns"):
    spec = {"containers": containers if containers is not None else [container()]}
    if init is not None:
        spec["initContainers"] = init
    if resources is not None:
        spec["resources"] = resources
    if overhead is not None:
        spec["overhead"] = overhead
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns}, "spec": spec}


def error(obj) -> tuple:
    """(field, message) of the InvalidObject parse_pod raises for ``obj``."""
    with pytest.raises(InvalidObject) as e:
        parse_pod(obj)
    assert e.value.kind == "Pod"
    return e.value.field, e.value.message


# ---------------------------------------------------------------------------------- names, helpers

@pytest.mark.parametrize("name, ok", [
    ("memory", True), ("cpu", True), ("storage", True), ("requests.cpu", True), ("requests.memory", True),
    ("requests.storage", True), ("limits.cpu", True), ("limits.memory", True), ("network", False),
    ("disk", False), ("", False), (".", False), ("..", False), ("my.favorite.app.co/12345", True),
    ("my.favorite.app.co/_12345", False), ("my.favorite.app.co/12345_", False), ("kubernetes.io/..", False),
    ("kubernetes.io/" + "a" * 63, True), ("kubernetes.io/" + "a" * 64, False), ("kubernetes.io//", False),
    ("kubernetes.io", False), ("kubernetes.io/will/not/work/", False),
])
def test_validate_resource_names(name, ok):
    """validation_test.go TestValidateResourceNames (validateResourceName)."""
    assert (resource_name_error(name) is None) == ok


@pytest.mark.parametrize("name, ok", [("cpu", True), ("memory", True), ("disk", False), ("blah", False),
                                      ("x.y.z", False), ("hugepages-2Mi", True), ("requests.hugepages-2Mi", True)])
def test_is_standard_resource(name, ok):
    """helpers_test.go TestIsStandardResource."""
    assert is_standard_resource_name(name) == ok


@pytest.mark.parametrize("name, ok", [("cpu", True), ("memory", True), ("disk", False), ("hugepages-2Mi", True)])
def test_is_standard_container_resource(name, ok):
    """helpers_test.go TestIsStandardContainerResource."""
    assert is_standard_container_resource_name(name) == ok


@pytest.mark.parametrize("name, ok", [("hugepages-2Mi", True), ("hugepages-1Gi", True), ("cpu", False),
                                      ("memory", False)])
def test_is_hugepage_resource_name(name, ok):
    """helpers_test.go TestIsHugePageResourceName."""
    assert is_hugepage_resource_name(name) == ok


@pytest.mark.parametrize("name, quantity, ok", [
    ("hugepages-2Mi", "4Mi", True), ("hugepages-2Mi", "5Mi", False), ("hugepages-1Gi", "2Gi", True),
    ("hugepages-1Gi", "2.1Gi", False), ("hugepages-1Mi", "2.1Mi", False), ("hugepages-64Ki", "128Ki", True),
    ("hugepages-", "128Ki", False), ("hugepages", "128Ki", False),
])
def test_is_hugepage_resource_value_divisible(name, quantity, ok):
    """helpers_test.go TestIsHugePageResourceValueDivisible."""
    assert is_hugepage_resource_value_divisible(name, Quantity.parse(quantity)) == ok


@pytest.mark.parametrize("name, ok", [("cpu", True), ("memory", True), ("hugepages-2Mi", False),
                                      ("example.com/gpu", False), ("kubernetes.io/x", True)])
def test_is_overcommit_allowed(name, ok):
    """helpers_test.go TestIsOvercommitAllowed (cpu, memory, hugepages-2Mi), plus an extended and a
    prefixed native name (helpers.go IsOvercommitAllowed: native and not hugepages)."""
    assert is_overcommit_allowed(name) == ok


@pytest.mark.parametrize("name, extended, err", [
    ("example.com/gpu", True, None),
    ("kubernetes.io/foo", False, None),          # native: any kubernetes.io/ name a container may use
    ("foo.kubernetes.io/bar", False, None),       # IsNativeResource: contains "kubernetes.io/"
    ("requests.example.com/gpu", False, "doesn't follow extended resource name standard"),
    ("pods", False, "must be a standard resource for containers"),
    ("storage", False, "must be a standard resource for containers"),
    ("disk", False, NOT_A_STANDARD_RESOURCE),
    ("example.com/", False, "name part must be non-empty"),
])
def test_container_resource_names(name, extended, err):
    """helpers.go IsExtendedResourceName and validation.go validateContainerResourceName, first message."""
    assert is_extended_resource_name(name) == extended
    got = container_resource_name_error(name)
    assert (got is None) if err is None else (got == f'Invalid value: "{name}": {err}')


# ---------------------------------------------------------------------------------- containers

RESOURCES_SUCCESS = {
    "resources-test": (None, {"cpu": "10", "memory": "10G", "my.org/resource": "10"}),
    "resources-test-with-request-and-limit": ({"cpu": "10", "memory": "10G"}, {"cpu": "10", "memory": "10G"}),
    "resources-request-limit-simple": ({"cpu": "8"}, {"cpu": "10"}),
    "resources-request-limit-edge": ({"cpu": "10", "memory": "10G", "my.org/resource": "10"},
                                     {"cpu": "10", "memory": "10G", "my.org/resource": "10"}),
    "resources-request-limit-partials": ({"cpu": "9.5", "memory": "10G"}, {"cpu": "10", "my.org/resource": "10"}),
    "resources-request": ({"cpu": "9.5", "memory": "10G"}, None),
}


@pytest.mark.parametrize("name", sorted(RESOURCES_SUCCESS))
def test_validate_containers_success(name):
    """validation_test.go TestValidateContainers, successCase (the containers with resources)."""
    requests, limits = RESOURCES_SUCCESS[name]
    parse_pod(pod(containers=[container(name, requests, limits)]))
    parse_pod(pod(containers=[container("app")], init=[container(name, requests, limits)]))


RESOURCES_ERRORS = [
    # (upstream title, requests, limits, field, message)
    ("invalid compute resource", None, {"disk": "10G"}, "limits.disk",
     f'Invalid value: "disk": {NOT_A_STANDARD_RESOURCE}'),
    ("Resource CPU invalid", None, {"cpu": "-10", "memory": "0"}, "limits.cpu",
     'Invalid value: "-10": must be greater than or equal to 0'),
    ("Resource Requests CPU invalid", {"cpu": "-10", "memory": "0"}, None, "requests.cpu",
     'Invalid value: "-10": must be greater than or equal to 0'),
    ("Resource Memory invalid", None, {"cpu": "0", "memory": "-10"}, "limits.memory",
     'Invalid value: "-10": must be greater than or equal to 0'),
    ("Request limit simple invalid", {"cpu": "6", "memory": "3"}, {"cpu": "5", "memory": "3"}, "requests",
     'Invalid value: "6": must be less than or equal to cpu limit of 5'),
    ("Invalid storage limit request", None, {"attachable-volumes-aws-ebs": "10"}, "limits.attachable-volumes-aws-ebs",
     f'Invalid value: "attachable-volumes-aws-ebs": {NOT_A_STANDARD_RESOURCE}'),
    ("CPU request limit multiple invalid", {"cpu": "6", "memory": "3"}, {"cpu": "5", "memory": "3"}, "requests",
     'Invalid value: "6": must be less than or equal to cpu limit of 5'),
    ("Memory request limit multiple invalid", {"cpu": "5", "memory": "4"}, {"cpu": "5", "memory": "3"}, "requests",
     'Invalid value: "4": must be less than or equal to memory limit of 3'),
]


@pytest.mark.parametrize("title, requests, limits, field, message", RESOURCES_ERRORS,
                         ids=[c[0] for c in RESOURCES_ERRORS])
@pytest.mark.parametrize("group", ["containers", "initContainers"])
def test_validate_containers_errors(title, requests, limits, field, message, group):
    """validation_test.go TestValidateContainers, errorCases (those about resources): the first
    upstream error, at the container's path, for a regular and an init container."""
    bad = container("abc-123", requests, limits)
    obj = pod(containers=[container("ok"), bad]) if group == "containers" else pod(init=[bad])
    assert error(obj) == (f"spec.{group}[{1 if group == 'containers' else 0}].resources.{field}", message)


POD_ERRORS = [
    # (upstream title, upstream expectedError, container builder args, field, message)
    ("invalid extended resource name in container request", "must be a standard resource for containers",
     ("containers", {"invalid-name": "2"}, {"invalid-name": "2"}),
     "limits.invalid-name", f'Invalid value: "invalid-name": {NOT_A_STANDARD_RESOURCE}'),
    ("invalid extended resource requirement: request must be == limit", "must be equal to example.com/a",
     ("containers", {"example.com/a": "2"}, {"example.com/a": "1"}),
     "requests", 'Invalid value: "2": must be equal to example.com/a limit of 1'),
    ("invalid extended resource requirement without limit", "Limit must be set",
     ("containers", {"example.com/a": "2"}, {}),
     "limits", "Required value: Limit must be set for non overcommitable resources"),
    ("invalid fractional extended resource in container request", "must be an integer",
     ("containers", {"example.com/a": "500m"}, {}),
     'requests["example.com/a"]', 'Invalid value: "500m": must be an integer'),
    ("invalid fractional extended resource in init container request", "must be an integer",
     ("initContainers", {"example.com/a": "500m"}, {}),
     'requests["example.com/a"]', 'Invalid value: "500m": must be an integer'),
    ("invalid fractional extended resource in container limit", "must be an integer",
     ("containers", {"example.com/a": "5"}, {"example.com/a": "2.5"}),
     'limits["example.com/a"]', 'Invalid value: "2500m": must be an integer'),
    ("invalid fractional extended resource in init container limit", "must be an integer",
     ("initContainers", {"example.com/a": "2.5"}, {"example.com/a": "2.5"}),
     'limits["example.com/a"]', 'Invalid value: "2500m": must be an integer'),
]


@pytest.mark.parametrize("title, upstream, ctr, field, message", POD_ERRORS, ids=[c[0] for c in POD_ERRORS])
def test_validate_pod_extended_resources(title, upstream, ctr, field, message):
    """validation_test.go TestValidatePod, errorCases about extended resources (podtest
    MakeResourceRequirements(requests, limits)). Upstream checks that its aggregate error contains
    ``expectedError``; the first error (checked here) is that one except for the invalid name, where
    upstream's limits are checked first ("must be a standard resource type or fully qualified")."""
    group, requests, limits = ctr
    c = container("invalid", requests, limits)
    obj = pod(containers=[c]) if group == "containers" else pod(init=[c])
    got_field, got_message = error(obj)
    assert (got_field, got_message) == (f"spec.{group}[0].resources.{field}", message)
    if title != "invalid extended resource name in container request":
        assert upstream in got_message


@pytest.mark.parametrize("title, requirements, pod_level", [
    ("limits and requests of hugepage resource are equal",
     {"limits": {"cpu": "10", "hugepages-2Mi": "2Mi"}, "requests": {"cpu": "10", "hugepages-2Mi": "2Mi"}}, False),
    ("limits and requests of memory resource are equal", {"limits": {"memory": "2Mi"}, "requests": {"memory": "2Mi"}},
     False),
    ("limits and requests of cpu resource are equal", {"limits": {"cpu": "10"}, "requests": {"cpu": "10"}}, False),
    ("limits and requests of memory resource are equal (pod)", {"limits": {"memory": "2Mi"},
                                                                "requests": {"memory": "2Mi"}}, True),
    ("limits and requests of cpu resource are equal (pod)", {"limits": {"cpu": "10"}, "requests": {"cpu": "10"}}, True),
])
def test_validate_resource_requirements_success(title, requirements, pod_level):
    """validation_test.go TestValidateResourceRequirements, tests (ValidateContainerResourceRequirements
    for containers, validatePodResourceRequirements for spec.resources)."""
    if pod_level:
        parse_pod(pod(resources=requirements))
    else:
        parse_pod(pod(containers=[{"name": "c", "resources": requirements}]))


@pytest.mark.parametrize("title, requirements, pod_level, field, message", [
    ("hugepage resource without cpu or memory",
     {"limits": {"hugepages-2Mi": "2Mi"}, "requests": {"hugepages-2Mi": "2Mi"}}, False,
     "spec.containers[0].resources", "Forbidden: HugePages require cpu or memory"),
    ("pod resource with hugepages",
     {"limits": {"hugepages-2Mi": "2Mi"}, "requests": {"hugepages-2Mi": "2Mi"}}, True,
     "spec.resources", "Forbidden: HugePages require cpu or memory"),
    ("pod resource with ephemeral-storage",
     {"limits": {"ephemeral-storage": "2Mi"}, "requests": {"ephemeral-storage2Mi": "2Mi"}}, True,
     "spec.resources.limits.ephemeral-storage",
     'Unsupported value: "ephemeral-storage": supported values: "cpu", "hugepages-", "memory"'),
    ("pod resource with unsupported prefixed resources",
     {"limits": {"kubernetesio/cpu": "2"}, "requests": {"kubernetesio/memory": "2"}}, True,
     'spec.resources.limits["kubernetesio/cpu"]',
     'Unsupported value: "kubernetesio/cpu": supported values: "cpu", "hugepages-", "memory"'),
    ("pod resource with unsupported native resources",
     {"limits": {"kubernetes.io/" + "a" * 63: "2"}, "requests": {"kubernetes.io/" + "a" * 63: "2"}}, True,
     'spec.resources.limits["kubernetes.io/' + "a" * 63 + '"]',
     'Unsupported value: "kubernetes.io/' + "a" * 63 + '": supported values: "cpu", "hugepages-", "memory"'),
    ("pod resource with unsupported empty native resource name",
     {"limits": {"kubernetes.io/": "2"}, "requests": {"kubernetes.io": "2"}}, True,
     'spec.resources.limits["kubernetes.io/"]', 'Invalid value: "kubernetes.io/": name part must be non-empty'),
])
def test_validate_resource_requirements_errors(title, requirements, pod_level, field, message):
    """validation_test.go TestValidateResourceRequirements, errTests (upstream only checks that there is
    an error; the first one is checked here)."""
    obj = pod(resources=requirements) if pod_level else pod(containers=[{"name": "c", "resources": requirements}])
    assert error(obj) == (field, message)


# ---------------------------------------------------------------------------------- kschedule cases

@pytest.mark.parametrize("requests, limits, field, message", [
    # Requests above limits, compared exactly (not as rounded-up integers).
    ({"cpu": "1.0009"}, {"cpu": "1.0005"}, "requests",
     'Invalid value: "1000900u": must be less than or equal to cpu limit of 1000500u'),
    ({"memory": "2.5"}, {"memory": "2.1"}, "requests",
     'Invalid value: "2500m": must be less than or equal to memory limit of 2100m'),
    ({"memory": "1Gi"}, {"memory": "1G"}, "requests",
     'Invalid value: "1Gi": must be less than or equal to memory limit of 1G'),
    # Extended resources: equal values written differently are equal.
    ({"example.com/gpu": "1"}, {"example.com/gpu": "2"}, "requests",
     'Invalid value: "1": must be equal to example.com/gpu limit of 2'),
    ({"hugepages-2Mi": "2Mi", "memory": "1Gi"}, {"hugepages-2Mi": "4Mi"}, "requests",
     'Invalid value: "2Mi": must be equal to hugepages-2Mi limit of 4Mi'),
    ({"hugepages-2Mi": "2Mi", "memory": "1Gi"}, None, "limits",
     "Required value: Limit must be set for non overcommitable resources"),
    ({"hugepages-2Mi": "3Mi", "memory": "1Gi"}, {"hugepages-2Mi": "3Mi"}, "limits.hugepages-2Mi",
     'Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi'),
    (None, {"nvidia.com/gpu": "1.5.0"}, 'limits["nvidia.com/gpu"]', 'invalid quantity "1.5.0"'),
    (None, {"cpu": [1]}, "limits.cpu", "invalid quantity [1]: must be a string or a number, not list"),
    (None, {"pods": "1"}, "limits.pods", 'Invalid value: "pods": must be a standard resource for containers'),
    ({"pods": "1"}, None, "requests.pods", 'Invalid value: "pods": must be a standard resource for containers'),
    (None, ["cpu"], "limits", "expected an object, got list"),
])
def test_container_resource_errors(requests, limits, field, message):
    got = error(pod(containers=[container("app", requests, limits)]))
    assert got[0] == f"spec.containers[0].resources.{field}"
    assert got[1].startswith(message)


@pytest.mark.parametrize("requests, limits", [
    ({"cpu": "0.5"}, {"cpu": "500m"}),
    ({"memory": "1Gi"}, {"memory": "1024Mi"}),
    ({"example.com/gpu": "2"}, {"example.com/gpu": "2000m"}),
    (None, {"example.com/gpu": "2"}),  # upstream defaulting sets the request to the limit
    ({"cpu": "100m", "memory": "64Mi"}, {"cpu": "2", "memory": "128Mi", "example.com/gpu": "1"}),
    ({"memory": "1Gi", "hugepages-2Mi": "4Mi"}, {"hugepages-2Mi": "4Mi"}),
    ({"cpu": 1, "memory": 1024}, {"cpu": 2, "memory": "1Ki"}),  # YAML numbers
    ({"cpu": "1"}, {"kubernetes.io/foo": "1.5"}),
])
def test_valid_container_resources(requests, limits):
    parse_pod(pod(containers=[container("app", requests, limits)]))


def test_error_paths_of_init_containers_pod_level_and_overhead():
    c = container("i", {"example.com/a": "1"}, None)
    assert error(pod(init=[container("i0"), c]))[0] == "spec.initContainers[1].resources.limits"
    assert error(pod(resources={"requests": {"cpu": "2"}, "limits": {"cpu": "1"}})) == (
        "spec.resources.requests", 'Invalid value: "2": must be less than or equal to cpu limit of 1')
    assert error(pod(resources={"requests": {"nvidia.com/gpu": "1"}})) == (
        'spec.resources.requests["nvidia.com/gpu"]',
        'Unsupported value: "nvidia.com/gpu": supported values: "cpu", "hugepages-", "memory"')
    # validateOverhead checks the overhead list as a container's limits.
    assert error(pod(overhead={"example.com/a": "500m"})) == (
        'spec.overhead.limits["example.com/a"]', 'Invalid value: "500m": must be an integer')
    assert error(pod(overhead={"disk": "1"})) == ("spec.overhead.limits.disk",
                                                  f'Invalid value: "disk": {NOT_A_STANDARD_RESOURCE}')
    parse_pod(pod(overhead={"cpu": "250m", "memory": "120Mi"}))
    # Containers come before init containers, as upstream validates them.
    two = pod(containers=[container("a", {"cpu": "2"}, {"cpu": "1"})], init=[container("i", None, {"disk": "1"})])
    assert error(two)[0] == "spec.containers[0].resources.requests"


def test_invalid_object_names_the_pod():
    with pytest.raises(InvalidObject) as e:
        parse_pod(pod("web-1", containers=[container("app", {"cpu": "2"}, {"cpu": "1"})], ns="prod"))
    assert str(e.value) == ('Pod prod/web-1: spec.containers[0].resources.requests: Invalid value: "2": '
                            "must be less than or equal to cpu limit of 1")


# ---------------------------------------------------------------------------------- caches and bulk

def _shaped(name, cpu, mem, lim_mem, gpu=None, sidecar=False, init=False):
    req = {"cpu": cpu, "memory": mem}
    lim = {"memory": lim_mem}
    if gpu is not None:
        req["example.com/gpu"], lim["example.com/gpu"] = gpu
    cs = [container("app", req, lim)]
    if sidecar:
        cs.append(container("proxy", {"cpu": "10m", "memory": "64Mi"}, {"cpu": "1", "memory": "128Mi"}))
    o = pod(name, containers=cs, init=[container("setup", {"cpu": "1"}, {"cpu": "2"})] if init else None)
    o["spec"]["nodeName"] = "n0"
    return o


def _mixed_pods():
    """Pods of a few shapes (plain, with a sidecar, with an init container, with an extended resource),
    each shape with valid pods around invalid ones that differ only in limits or quantities."""
    out = []
    for j in range(40):
        out.append(_shaped(f"plain-{j}", f"{100 + j}m", f"{64 + j}Mi", f"{64 + j}Mi"))
        out.append(_shaped(f"side-{j}", "100m", "64Mi", "128Mi", sidecar=True))
        out.append(_shaped(f"init-{j}", f"{200 + j}m", "64Mi", "256Mi", init=True))
        out.append(_shaped(f"gpu-{j}", "1", "1Gi", "1Gi", gpu=("1", "1")))
    bad = [
        _shaped("bad-limit-below", "100m", "64Mi", "32Mi"),                      # a plain shape, limit < request
        _shaped("bad-limit-name", "100m", "64Mi", "64Mi"),                       # an invalid limit name
        _shaped("bad-gpu-unequal", "1", "1Gi", "1Gi", gpu=("1", "2")),
        _shaped("bad-gpu-fraction", "1", "1Gi", "1Gi", gpu=("500m", "500m")),
        _shaped("bad-sidecar", "100m", "64Mi", "128Mi", sidecar=True),
        _shaped("bad-init", "100m", "64Mi", "64Mi", init=True),
        _shaped("bad-limit-quantity", "100m", "64Mi", "1.5.0"),
        _shaped("bad-limit-type", "100m", "64Mi", "64Mi"),
        _shaped("bad-limit-rounding", "1", "1.7", "1.2"),                          # both round up to 2 bytes
    ]
    bad[1]["spec"]["containers"][0]["resources"]["limits"]["disk"] = "1"
    bad[4]["spec"]["containers"][1]["resources"]["limits"]["cpu"] = "5m"
    bad[5]["spec"]["initContainers"][0]["resources"]["limits"]["cpu"] = "500m"
    bad[7]["spec"]["containers"][0]["resources"]["limits"] = "64Mi"
    for k, b in enumerate(bad):
        out.insert(7 + 17 * k, b)
    return out


def _outcome(obj):
    try:
        return parse_pod(obj)
    except InvalidObject as e:
        return ("error", e.name, e.field, e.message)


def _clear_caches():
    for memo in (podmod._SPEC_CACHE, podmod._PARSED, podmod._CONTAINER_VALID, podmod._CPU_MILLI, podmod._VALUE):
        memo.clear()


def test_bulk_parse_gives_the_errors_of_parse_pod():
    """The bulk loader (native extractor, vector path, shape cache) rejects exactly the pods parse_pod
    rejects, from cold caches and from warm ones, and accepts the others with the same parse."""
    objs = _mixed_pods()
    assert len(objs) >= 64
    _clear_caches()
    want = [_outcome(o) for o in objs]
    bad = {o["metadata"]["name"] for o, w in zip(objs, want) if isinstance(w, tuple)}
    assert bad == {o["metadata"]["name"] for o in objs if o["metadata"]["name"].startswith("bad-")}
    for attempt in range(2):
        if attempt == 0:
            _clear_caches()
        got = parse_pods(objs)
        for obj, pi, w in zip(objs, got, want):
            if isinstance(w, tuple):
                assert pi is None, obj["metadata"]["name"]
            else:
                assert pi == w, obj["metadata"]["name"]
    # And one at a time, through the caches the bulk parse filled.
    assert [_outcome(o) for o in objs] == want


QUANTITIES = ["0", "1", "2", "250m", "500m", "1500m", "64Mi", "128Mi", "1Gi", "1.7", "1.2", "2Mi", "4Mi", "-1",
              "1.5.0", 1, 2]
NAMES = ["cpu", "memory", "ephemeral-storage", "example.com/gpu", "hugepages-2Mi", "kubernetes.io/x", "disk"]


@pytest.mark.parametrize("seed", range(6))
def test_random_limits_bulk_equals_one_by_one(seed):
    """Random requests and limits over a few shapes: the bulk parse rejects exactly the pods parse_pod
    rejects (from scratch), and parses the others alike."""
    import random
    r = random.Random(seed)
    shapes = []
    for _ in range(6):
        shapes.append([r.sample(NAMES[:3] + NAMES[3:5] * (r.random() < 0.2), r.randint(0, 2))
                       for _ in range(r.randint(1, 2))])
    objs = []
    for j in range(200):
        cs = []
        for k, names in enumerate(shapes[j % len(shapes)]):
            req = {nm: r.choice(QUANTITIES[:13]) for nm in names}
            lim = {}
            for nm in r.sample(NAMES, r.choice([0, 0, 1, 1, 2])):
                lim[nm] = req[nm] if nm in req and r.random() < 0.6 else r.choice(QUANTITIES)
            if r.random() < 0.3:
                lim.update({nm: q for nm, q in req.items() if r.random() < 0.7})
            cs.append(container(f"c{k}", req, lim or None))
        objs.append(pod(f"p{j}", containers=cs))
    _clear_caches()
    want = [_outcome(o) for o in objs]
    assert 10 < sum(isinstance(w, tuple) for w in want) < 190
    _clear_caches()
    for _ in range(2):  # cold, then warm caches
        got = parse_pods(objs)
        for obj, pi, w in zip(objs, got, want):
            assert (pi is None) == isinstance(w, tuple), (obj, w)
            if pi is not None:
                assert pi == w


def test_one_bad_pod_of_a_replicated_template():
    """Replicas share shape and request quantities; the one with other limits is still checked."""
    objs = [_shaped(f"r-{j}", "250m", "128Mi", "256Mi", sidecar=True) for j in range(100)]
    objs[63]["spec"]["containers"][0]["resources"]["limits"]["memory"] = "100Mi"
    for attempt in range(2):
        got = parse_pods(objs)
        assert [j for j, pi in enumerate(got) if pi is None] == [63]
    assert error(objs[63]) == ("spec.containers[0].resources.requests",
                               'Invalid value: "128Mi": must be less than or equal to memory limit of 100Mi')
    parse_pod(objs[62])


NODES = [{"kind": "Node", "metadata": {"name": f"n{i}"},
          "status": {"allocatable": {"cpu": "64", "memory": "256Gi", "pods": "500", "example.com/gpu": "8"}}}
         for i in range(2)]


def _state(c):
    return (c.version, list(c.pods.keys), c.nodes.requested.copy(), c.pods.node.copy(), list(c.resources.values),
            list(c.namespaces.values))


def _same(a, b):
    assert a[0] == b[0] and a[1] == b[1] and a[4:] == b[4:]
    assert np.array_equal(a[2], b[2]) and np.array_equal(a[3], b[3])


@pytest.mark.parametrize("bad_name", ["bad-limit-below", "bad-gpu-fraction", "bad-sidecar", "bad-init",
                                      "bad-limit-rounding"])
def test_bulk_load_with_one_bad_pod_raises_and_changes_nothing(bad_name):
    pods = [o for o in _mixed_pods() if not o["metadata"]["name"].startswith("bad-")]
    bad = next(o for o in _mixed_pods() if o["metadata"]["name"] == bad_name)
    want = _outcome(bad)
    assert want[0] == "error"
    # Cluster.from_objects: the whole load fails with the pod's own error.
    with pytest.raises(InvalidObject) as e:
        ks.Cluster.from_objects(NODES, pods[:50] + [bad] + pods[50:])
    assert ("error", e.value.name, e.value.field, e.value.message) == want
    # add_objects on a loaded cluster: nothing changes.
    c = ks.Cluster.from_objects(NODES, pods[:30])
    before = _state(c)
    more = [copy.deepcopy(p) for p in pods[30:]]
    with pytest.raises(InvalidObject) as e:
        c.add_objects(pods=more[:20] + [bad] + more[20:])
    assert ("error", e.value.name, e.value.field, e.value.message) == want
    _same(before, _state(c))
    c.add_objects(pods=more)  # the valid ones still load
    assert len(c.pods) == len(pods)


def test_schedule_raises_and_binds_nothing():
    c = ks.Cluster.from_objects(NODES)
    good = pod("good", containers=[container("app", {"cpu": "1"}, {"cpu": "2"})])
    bad = pod("bad", containers=[container("app", {"cpu": "2"}, {"cpu": "1"})])
    before = _state(c)
    with pytest.raises(InvalidObject) as e:
        ks.Scheduler(c).schedule([good, bad])
    assert (e.value.name, e.value.field) == ("ns/bad", "spec.containers[0].resources.requests")
    _same(before, _state(c))
    assert len(c.pods) == 0 and not (c.pods.node >= 0).any()
    with pytest.raises(InvalidObject):
        ks.Scheduler(c).explain(bad)
    assert ks.Scheduler(c).schedule([good])[0].node in ("n0", "n1")


def test_cli_schedule_reports_the_error(tmp_path, capsys):
    cluster = tmp_path / "cluster.json"
    cluster.write_text(json.dumps({"kind": "List", "items": NODES}))
    pods = tmp_path / "pods.json"
    pods.write_text(json.dumps({"kind": "List", "items": [
        pod("ok", containers=[container("app", {"cpu": "1"})]),
        pod("gpu", containers=[container("app", {"cpu": "1", "example.com/gpu": "1"})])]}))
    assert main(["schedule", "--cluster", str(cluster), "--pods", str(pods)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("error: Pod ns/gpu: spec.containers[0].resources.limits: Required value: "
                           "Limit must be set for non overcommitable resources")
