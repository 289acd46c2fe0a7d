"""Effective pod requests / limits: ported upstream tables (v1.34 semantics) and properties."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from kschedule.errors import FieldError
from kschedule.objects.requests import (
    NON_ZERO_DEFAULTS,
    container_limits,
    container_requests,
    is_pod_level_resources_set,
    is_supported_pod_level_resource,
    pod_limits,
    pod_nonzero_requests,
    pod_requests,
    pod_requests_and_nonzero,
)

Ki, Mi, Gi = 1 << 10, 1 << 20, 1 << 30
DEF_CPU, DEF_MEM = 100, 200 * Mi


def ctr(requests=None, limits=None, name=None, sidecar=False):
    c = {}
    if name is not None:
        c["name"] = name
    res = {}
    if requests is not None:
        res["requests"] = requests
    if limits is not None:
        res["limits"] = limits
    if res:
        c["resources"] = res
    if sidecar:
        c["restartPolicy"] = "Always"
    return c


def mkpod(containers=(), init=(), overhead=None, resources=None, statuses=None, init_statuses=None,
          conditions=None):
    spec = {"containers": list(containers)}
    if init:
        spec["initContainers"] = list(init)
    if overhead is not None:
        spec["overhead"] = overhead
    if resources is not None:
        spec["resources"] = resources
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}
    status = {}
    if statuses is not None:
        status["containerStatuses"] = statuses
    if init_statuses is not None:
        status["initContainerStatuses"] = init_statuses
    if conditions is not None:
        status["conditions"] = conditions
    if status:
        pod["status"] = status
    return pod


def cstatus(name, requests=None, limits=None, allocated=None, resources=True):
    cs = {"name": name}
    if resources:
        res = {}
        if requests is not None:
            res["requests"] = requests
        if limits is not None:
            res["limits"] = limits
        cs["resources"] = res
    if allocated is not None:
        cs["allocatedResources"] = allocated
    return cs


INFEASIBLE = [{"type": "PodResizePending", "status": "True", "reason": "Infeasible"}]
DEFERRED = [{"type": "PodResizePending", "status": "True", "reason": "Deferred"}]
IN_PROGRESS = [{"type": "PodResizeInProgress", "status": "True"}]


# ---------------------------------------------------------------------------------------------
# staging/src/k8s.io/component-helpers/resource/helpers_test.go: TestPodRequestsAndLimits.
# getPod() puts the same resources on one container and one (non-restartable) init container.
def _get_pod(cpu_req=None, cpu_lim=None, mem_req=None, mem_lim=None, cpu_oh=None, mem_oh=None):
    req, lim, oh = {}, {}, {}
    if cpu_req:
        req["cpu"] = cpu_req
    if mem_req:
        req["memory"] = mem_req
    if cpu_lim:
        lim["cpu"] = cpu_lim
    if mem_lim:
        lim["memory"] = mem_lim
    if cpu_oh:
        oh["cpu"] = cpu_oh
    if mem_oh:
        oh["memory"] = mem_oh
    return mkpod([ctr(req, lim, name="foo")], [ctr(req, lim, name="init-foo")], overhead=oh)


REQUESTS_AND_LIMITS = [
    ("just-limit-no-overhead", _get_pod(cpu_lim="9"), {}, {"cpu": 9000}),
    ("just-overhead", _get_pod(cpu_oh="5", mem_oh="5"), {"cpu": 5000, "memory": 5}, {}),
    ("req-and-overhead", _get_pod(cpu_req="1", mem_req="10", cpu_oh="5", mem_oh="5"),
     {"cpu": 6000, "memory": 15}, {}),
    ("all-req-lim-and-overhead",
     _get_pod(cpu_req="1", cpu_lim="2", mem_req="10", mem_lim="12", cpu_oh="5", mem_oh="5"),
     {"cpu": 6000, "memory": 15}, {"cpu": 7000, "memory": 17}),
    ("req-some-lim-and-overhead", _get_pod(cpu_req="1", cpu_lim="2", mem_req="10", cpu_oh="5", mem_oh="5"),
     {"cpu": 6000, "memory": 15}, {"cpu": 7000}),
]


@pytest.mark.parametrize("name,pod,want_req,want_lim", REQUESTS_AND_LIMITS, ids=[c[0] for c in REQUESTS_AND_LIMITS])
def test_pod_requests_and_limits(name, pod, want_req, want_lim):
    assert pod_requests(pod, use_status=False) == want_req
    assert pod_limits(pod, use_status=False) == want_lim


# helpers_test.go: TestPodRequestsAndLimitsWithoutOverhead (ExcludeOverhead: true).
_TWO = [ctr({"cpu": "1", "memory": "5"}, {"cpu": "2", "memory": "10"}, name="foobar"),
        ctr({"cpu": "4", "memory": "12"}, {"cpu": "8", "memory": "24"}, name="foobar2")]
WITHOUT_OVERHEAD = [
    ("two container no overhead - should just be sum of containers", mkpod(_TWO),
     {"cpu": 5000, "memory": 17}, {"cpu": 10000, "memory": 34}),
    ("two container with overhead - shouldn't consider overhead", mkpod(_TWO, overhead={"cpu": "3", "memory": "8"}),
     {"cpu": 5000, "memory": 17}, {"cpu": 10000, "memory": 34}),
    ("two container with overhead, massive init - should just be the largest init",
     mkpod(_TWO, init=[ctr({"cpu": "1", "memory": "5"}, {"cpu": "1", "memory": "5"}, name="small-init"),
                       ctr({"cpu": "40", "memory": "120"}, {"cpu": "80", "memory": "240"}, name="big-init")],
           overhead={"cpu": "3", "memory": "8"}),
     {"cpu": 40000, "memory": 120}, {"cpu": 80000, "memory": 240}),
]


@pytest.mark.parametrize("name,pod,want_req,want_lim", WITHOUT_OVERHEAD, ids=[c[0] for c in WITHOUT_OVERHEAD])
def test_pod_requests_and_limits_without_overhead(name, pod, want_req, want_lim):
    assert pod_requests(pod, exclude_overhead=True, use_status=False) == want_req
    assert pod_limits(pod, exclude_overhead=True, use_status=False) == want_lim


# ---------------------------------------------------------------------------------------------
# helpers_test.go: TestPodResourceRequests. Rows: (description, pod, kwargs, expected requests).
# Options{} means use_status=False (upstream default); UseStatusResources: true -> use_status=True.
def _req(cpu):
    return {"cpu": cpu}


_INIT_BIG = [ctr(_req("4"))]
_C23 = [ctr(_req("2")), ctr(_req("3"))]
_MULTI_SIDECARS = [ctr(_req("5"), name="init-1"), ctr(_req("1"), name="restartable-init-1", sidecar=True),
                   ctr(_req("2"), name="restartable-init-2", sidecar=True),
                   ctr(_req("3"), name="restartable-init-3", sidecar=True)]
_MIXED_INITS = [ctr(_req("5"), name="init-1"), ctr(_req("1"), name="restartable-init-1", sidecar=True),
                ctr(_req("2"), name="restartable-init-2", sidecar=True), ctr(_req("5"), name="init-2"),
                ctr(_req("3"), name="restartable-init-3", sidecar=True)]
POD_RESOURCE_REQUESTS = [
    ("nil options, larger init container", mkpod([ctr(_req("1"))], _INIT_BIG), {}, {"cpu": 4000}),
    ("nil options, larger containers", mkpod(_C23, [ctr(_req("2"))]), {}, {"cpu": 5000}),
    ("pod overhead excluded", mkpod(_C23, [ctr(_req("2"))], overhead={"cpu": "1"}), {"exclude_overhead": True},
     {"cpu": 5000}),
    ("pod overhead included",
     mkpod(_C23, [ctr(_req("2"), {"cpu": "2"})], overhead={"cpu": "1", "memory": "1Gi"}), {},
     {"cpu": 6000, "memory": Gi}),
    ("resized, infeasible",
     mkpod([ctr(_req("4"), name="container-1")], statuses=[cstatus("container-1", requests=_req("2"))],
           conditions=INFEASIBLE), {"use_status": True}, {"cpu": 2000}),
    ("resized, infeasible & in-progress",
     mkpod([ctr(_req("6"), name="container-1")],
           statuses=[cstatus("container-1", requests=_req("2"), allocated=_req("4"))], conditions=INFEASIBLE),
     {"use_status": True}, {"cpu": 4000}),
    ("resized, no resize status",
     mkpod([ctr(_req("4"), name="container-1")], statuses=[cstatus("container-1", requests=_req("2"))]),
     {"use_status": True}, {"cpu": 4000}),
    ("resized: per-resource 3-way maximum",
     mkpod([ctr({"cpu": "30m", "memory": "20M", "ephemeral-storage": "10G"}, name="container-1")],
           statuses=[cstatus("container-1", requests={"cpu": "10m", "memory": "30M", "ephemeral-storage": "20G"},
                             allocated={"cpu": "20m", "memory": "10M", "ephemeral-storage": "30G"})]),
     {"use_status": True}, {"cpu": 30, "memory": 30_000_000, "ephemeral-storage": 30_000_000_000}),
    ("resized, infeasible, but don't use status",
     mkpod([ctr(_req("4"), name="container-1")], statuses=[cstatus("container-1", requests=_req("2"))],
           conditions=INFEASIBLE), {"use_status": False}, {"cpu": 4000}),
    ("resized, restartable init container, infeasible",
     mkpod([], [ctr(_req("4"), name="restartable-init-1", sidecar=True)],
           init_statuses=[cstatus("restartable-init-1", requests=_req("2"))], conditions=INFEASIBLE),
     {"use_status": True}, {"cpu": 2000}),
    ("resized, restartable init container, no resize status",
     mkpod([], [ctr(_req("4"), name="restartable-init-1", sidecar=True)],
           init_statuses=[cstatus("restartable-init-1", requests=_req("2"))]),
     {"use_status": True}, {"cpu": 4000}),
    ("resized, restartable init container, infeasible, but don't use status",
     mkpod([], [ctr(_req("4"), name="restartable-init-1", sidecar=True)],
           init_statuses=[cstatus("restartable-init-1", requests=_req("2"))], conditions=INFEASIBLE),
     {"use_status": False}, {"cpu": 4000}),
    ("restartable init container",
     mkpod([ctr(_req("1"), name="container-1")], [ctr(_req("1"), name="restartable-init-1", sidecar=True)]),
     {}, {"cpu": 2000}),
    # max(5, restartable init containers(3+2+1) + regular(1)) = 7
    ("multiple restartable init containers", mkpod([ctr(_req("1"), name="container-1")], _MULTI_SIDECARS), {},
     {"cpu": 7000}),
    # init-2 requires 5 + the previously running sidecars (1+2) = 8; restartable-init-3 starts after it
    ("multiple restartable and regular init containers", mkpod([ctr(_req("1"), name="container-1")], _MIXED_INITS),
     {}, {"cpu": 8000}),
    ("restartable-init, init and regular",
     mkpod([ctr(_req("100"), name="container-1")],
           [ctr(_req("10"), name="restartable-init-1", sidecar=True), ctr(_req("200"), name="init-1")]),
     {}, {"cpu": 210000}),
    # c1 has allocatedResources but no status.resources, so v1.34 reads only the spec: 1 + 2.
    ("aggregate request resolves max of sums instead of sum of maxes",
     mkpod([ctr(_req("1"), name="c1"), ctr(_req("2"), name="c2")],
           statuses=[cstatus("c1", allocated=_req("2"), resources=False),
                     cstatus("c2", allocated=_req("1"), resources=False)]),
     {"use_status": True}, {"cpu": 3000}),
]


@pytest.mark.parametrize("name,pod,kw,want", POD_RESOURCE_REQUESTS, ids=[c[0] for c in POD_RESOURCE_REQUESTS])
def test_pod_resource_requests(name, pod, kw, want):
    kw = {"use_status": False, **kw}
    assert pod_requests(pod, **kw) == want


# helpers_test.go: TestPodResourceLimits.
def _lim(**kw):
    return {k: v for k, v in kw.items()}


_SCALED = "container-1"
POD_RESOURCE_LIMITS = [
    ("nil options, larger init container", mkpod([ctr(limits=_req("1"))], [ctr(limits=_req("4"))]), {},
     {"cpu": 4000}),
    ("nil options, larger containers",
     mkpod([ctr(limits=_req("2")), ctr(limits=_req("3"))], [ctr(limits=_req("2"))]), {}, {"cpu": 5000}),
    ("pod overhead excluded",
     mkpod([ctr(limits=_req("2")), ctr(limits=_req("3"))], [ctr(limits=_req("2"))], overhead={"cpu": "1"}),
     {"exclude_overhead": True}, {"cpu": 5000}),
    # overhead is only added to non-zero limits, so there will be no expected memory limit
    ("pod overhead included",
     mkpod([ctr(limits=_req("2")), ctr(limits=_req("3"))], [ctr(limits=_req("2"))],
           overhead={"cpu": "1", "memory": "1Gi"}), {}, {"cpu": 6000}),
    ("no limited containers should result in no limits for the pod", mkpod([ctr()]), {}, {}),
    ("one limited and one unlimited container should result in the limited container's limits for the pod",
     mkpod([ctr(limits={"cpu": "2", "memory": "2Gi"}), ctr()]), {}, {"cpu": 2000, "memory": 2 * Gi}),
    ("one limited and one unlimited init container should result in the limited init container's limits for the pod",
     mkpod([ctr(limits={"cpu": "1", "memory": "1Gi"})], [ctr(limits={"cpu": "2", "memory": "2Gi"}), ctr()]), {},
     {"cpu": 2000, "memory": 2 * Gi}),
    ("restartable init container",
     mkpod([ctr(limits=_req("1"), name="container-1")],
           [ctr(limits=_req("1"), name="restartable-init-1", sidecar=True)]), {}, {"cpu": 2000}),
    ("multiple restartable init containers",
     mkpod([ctr(limits=_req("1"))],
           [ctr(limits=_req("5")), ctr(limits=_req("1"), sidecar=True), ctr(limits=_req("2"), sidecar=True),
            ctr(limits=_req("3"), sidecar=True)]), {}, {"cpu": 7000}),
    ("multiple restartable and regular init containers",
     mkpod([ctr(limits=_req("1"))],
           [ctr(limits=_req("5")), ctr(limits=_req("1"), sidecar=True), ctr(limits=_req("2"), sidecar=True),
            ctr(limits=_req("5")), ctr(limits=_req("3"), sidecar=True)]), {}, {"cpu": 8000}),
    ("restartable-init, init and regular",
     mkpod([ctr(limits=_req("100"))], [ctr(limits=_req("10"), sidecar=True), ctr(limits=_req("200"))]), {},
     {"cpu": 210000}),
    ("pod scaled up",
     mkpod([ctr(limits={"memory": "2Gi"}, name=_SCALED)], statuses=[cstatus(_SCALED, limits={"memory": "1Gi"})]),
     {"use_status": True}, {"memory": 2 * Gi}),
    ("pod scaled down",
     mkpod([ctr(limits={"memory": "1Gi"}, name=_SCALED)], statuses=[cstatus(_SCALED, limits={"memory": "2Gi"})]),
     {"use_status": True}, {"memory": 2 * Gi}),
    ("pod scaled down, don't use status",
     mkpod([ctr(limits={"memory": "1Gi"}, name=_SCALED)], statuses=[cstatus(_SCALED, limits={"memory": "2Gi"})]),
     {"use_status": False}, {"memory": Gi}),
    ("pod scaled up with restartable init containers",
     mkpod([], [ctr(limits={"memory": "2Gi"}, name="restartable-init-1", sidecar=True)],
           init_statuses=[cstatus("restartable-init-1", limits={"memory": "1Gi"})]),
     {"use_status": True}, {"memory": 2 * Gi}),
    ("pod scaled down with restartable init containers",
     mkpod([], [ctr(limits={"memory": "1Gi"}, name="restartable-init-1", sidecar=True)],
           init_statuses=[cstatus("restartable-init-1", limits={"memory": "2Gi"})]),
     {"use_status": True}, {"memory": 2 * Gi}),
    ("pod scaled down with restartable init containers, don't use status",
     mkpod([], [ctr(limits={"memory": "1Gi"}, name="restartable-init-1", sidecar=True)],
           init_statuses=[cstatus("restartable-init-1", limits={"memory": "2Gi"})]),
     {"use_status": False}, {"memory": Gi}),
    # Version choice: newer upstream (after v1.34) takes max(Σspec, Σstatus) = 3; v1.34's
    # determineContainerLimits takes the per-container max(spec, status) and sums: 2 + 2 = 4.
    ("aggregate limit, v1.34 per-container maximum",
     mkpod([ctr(limits=_req("1"), name="c1"), ctr(limits=_req("2"), name="c2")],
           statuses=[cstatus("c1", limits=_req("2")), cstatus("c2", limits=_req("1"))]),
     {"use_status": True}, {"cpu": 4000}),
]


@pytest.mark.parametrize("name,pod,kw,want", POD_RESOURCE_LIMITS, ids=[c[0] for c in POD_RESOURCE_LIMITS])
def test_pod_resource_limits(name, pod, kw, want):
    kw = {"use_status": False, **kw}
    assert pod_limits(pod, **kw) == want


# ---------------------------------------------------------------------------------------------
# helpers_test.go: TestIsPodLevelResourcesSet.
IS_POD_LEVEL_SET = [
    ("nil resources struct", None, False),
    ("empty resources struct", {}, False),
    ("only unsupported resource requests set", {"requests": {"ephemeral-storage": "1Mi"}}, False),
    ("only unsupported resource limits set", {"limits": {"ephemeral-storage": "1Mi"}}, False),
    ("unsupported and suported resources requests set",
     {"requests": {"ephemeral-storage": "1Mi", "cpu": "1m"}}, True),
    ("unsupported and suported resources limits set", {"limits": {"ephemeral-storage": "1Mi", "cpu": "1m"}}, True),
]


@pytest.mark.parametrize("name,res,want", IS_POD_LEVEL_SET, ids=[c[0] for c in IS_POD_LEVEL_SET])
def test_is_pod_level_resources_set(name, res, want):
    assert is_pod_level_resources_set(mkpod(resources=res)) is want


# helpers_test.go: TestIsSupportedPodLevelResource.
@pytest.mark.parametrize("name,want", [("cpu", True), ("memory", True), ("ephemeral-storage", False),
                                       ("hugepages-2Mi", True), ("hugepages-1Gi", True)])
def test_is_supported_pod_level_resource(name, want):
    assert is_supported_pod_level_resource(name) is want


# helpers_test.go: TestPodLevelResourceRequests. Rows: (name, pod-level resources, containers, init, skip, want).
_C32 = [ctr({"memory": "3Mi", "cpu": "2m"})]
POD_LEVEL_REQUESTS = [
    ("nil", {}, [], [], False, {}),
    ("pod level memory resource with SkipPodLevelResources true", {"requests": {"memory": "2Mi"}}, [], [], True, {}),
    ("pod level memory resource with SkipPodLevelResources false", {"requests": {"memory": "2Mi"}}, [], [], False,
     {"memory": 2 * Mi}),
    ("pod level memory and container level cpu resources with SkipPodLevelResources false",
     {"requests": {"memory": "2Mi"}}, [ctr({"cpu": "2m"})], [], False, {"memory": 2 * Mi, "cpu": 2}),
    ("pod level unsupported resources set at both pod-level and container-level with SkipPodLevelResources false",
     {"requests": {"storage": "2Mi"}}, [ctr({"storage": "3Mi"})], [], False, {"storage": 3 * Mi}),
    ("pod level unsupported resources set at pod-level with SkipPodLevelResources false",
     {"requests": {"storage": "2Mi"}}, [ctr({"memory": "3Mi"})], [], False, {"memory": 3 * Mi}),
    ("only container level resources set with SkipPodLevelResources false", {}, _C32, [], False,
     {"memory": 3 * Mi, "cpu": 2}),
    ("both container-level and pod-level resources set with SkipPodLevelResources false",
     {"requests": {"memory": "6Mi", "cpu": "8m"}}, _C32, [], False, {"memory": 6 * Mi, "cpu": 8}),
    ("container-level resources and init container set with SkipPodLevelResources false", {}, _C32,
     [ctr({"memory": "5Mi", "cpu": "4m"})], False, {"memory": 5 * Mi, "cpu": 4}),
    ("container-level resources and init container set with SkipPodLevelResources true", {}, _C32,
     [ctr({"memory": "5Mi", "cpu": "4m"})], True, {"memory": 5 * Mi, "cpu": 4}),
    ("container-level resources and sidecar container set with SkipPodLevelResources false", {}, _C32,
     [ctr({"memory": "5Mi", "cpu": "4m"}, sidecar=True)], False, {"memory": 8 * Mi, "cpu": 6}),
    ("container-level resources, init and sidecar container set with SkipPodLevelResources false", {}, _C32,
     [ctr({"memory": "5Mi", "cpu": "4m"}, sidecar=True), ctr({"memory": "6Mi", "cpu": "8m"})], False,
     {"memory": 11 * Mi, "cpu": 12}),
    ("pod-level resources, container-level resources, init and sidecar container set with SkipPodLevelResources false",
     {"requests": {"memory": "15Mi", "cpu": "18m"}}, _C32,
     [ctr({"memory": "5Mi", "cpu": "4m"}, sidecar=True), ctr({"memory": "6Mi", "cpu": "8m"})], False,
     {"memory": 15 * Mi, "cpu": 18}),
    ("pod-level resources, hugepage request/limit single page size",
     {"limits": {"hugepages-2Mi": "2Mi"}, "requests": {"memory": "10Mi", "hugepages-2Mi": "2Mi"}}, [], [], False,
     {"memory": 10 * Mi, "hugepages-2Mi": 2 * Mi}),
    ("pod-level resources, hugepage request/limit multiple page sizes",
     {"limits": {"hugepages-2Mi": "2Mi", "hugepages-1Gi": "1Gi"},
      "requests": {"cpu": "1", "hugepages-2Mi": "2Mi", "hugepages-1Gi": "1Gi"}}, [], [], False,
     {"cpu": 1000, "hugepages-2Mi": 2 * Mi, "hugepages-1Gi": Gi}),
    ("pod-level resources, container-level resources, hugepage request/limit single page size",
     {"limits": {"hugepages-2Mi": "10Mi"}, "requests": {"cpu": "1", "hugepages-2Mi": "10Mi"}},
     [ctr({"hugepages-2Mi": "6Mi"}, {"hugepages-2Mi": "6Mi"})], [], False, {"cpu": 1000, "hugepages-2Mi": 10 * Mi}),
    ("pod-level resources, container-level resources, hugepage request/limit multiple page sizes",
     {"limits": {"hugepages-2Mi": "10Mi", "hugepages-1Gi": "2Gi"},
      "requests": {"cpu": "1", "hugepages-2Mi": "10Mi", "hugepages-1Gi": "2Gi"}},
     [ctr({"cpu": "1", "hugepages-1Gi": "2Gi"}, {"hugepages-1Gi": "2Gi"})], [], False,
     {"cpu": 1000, "hugepages-2Mi": 10 * Mi, "hugepages-1Gi": 2 * Gi}),
    ("pod-level resources, container-level resources, hugepage request/limit multiple page sizes between pod-level "
     "and container-level",
     {"limits": {"hugepages-2Mi": "10Mi"}, "requests": {"cpu": "1", "hugepages-2Mi": "10Mi"}},
     [ctr({"memory": "4Mi", "hugepages-1Gi": "1Gi"}, {"hugepages-1Gi": "1Gi"})], [], False,
     {"cpu": 1000, "memory": 4 * Mi, "hugepages-2Mi": 10 * Mi, "hugepages-1Gi": Gi}),
]


@pytest.mark.parametrize("name,res,cs,init,skip,want", POD_LEVEL_REQUESTS, ids=[c[0] for c in POD_LEVEL_REQUESTS])
def test_pod_level_resource_requests(name, res, cs, init, skip, want):
    assert pod_requests(mkpod(cs, init, resources=res), skip_pod_level=skip, use_status=False) == want


def test_pod_level_limits_replace_aggregate_and_get_overhead():
    # PodLimits: pod-level cpu limit replaces the container sum; memory stays aggregated; overhead
    # is added to both because both are non-zero; ephemeral-storage is not a pod-level resource.
    pod = mkpod([ctr(limits={"cpu": "1", "memory": "1Gi"}), ctr(limits={"cpu": "2"})],
                resources={"limits": {"cpu": "4", "ephemeral-storage": "1Gi"}},
                overhead={"cpu": "250m", "memory": "1Mi"})
    assert pod_limits(pod) == {"cpu": 4250, "memory": Gi + Mi}
    assert pod_limits(pod, skip_pod_level=True) == {"cpu": 3250, "memory": Gi + Mi}
    assert pod_limits(pod, exclude_overhead=True) == {"cpu": 4000, "memory": Gi}


# helpers_test.go: TestAggregateContainerRequestsAndLimits (container aggregation only: no overhead,
# no pod-level resources). Rows: (name, containers, init, status kwargs, want requests, want limits).
AGGREGATE = [
    ("one container with limits", [ctr(limits=_req("9"))], [], {}, {}, {"cpu": 9000}),
    ("two containers with limits", [ctr(limits=_req("9")), ctr(limits=_req("9"))], [], {}, {}, {"cpu": 18000}),
    ("one container with requests", [ctr(_req("9"))], [], {}, {"cpu": 9000}, {}),
    ("two containers with requests", [ctr(_req("9")), ctr(_req("9"))], [], {}, {"cpu": 18000}, {}),
    ("regular and init containers with requests", [ctr(_req("9"))], [ctr(_req("9"))], {}, {"cpu": 9000}, {}),
    ("regular, init and sidecar containers with requests", [ctr(_req("9"))],
     [ctr(_req("8"), sidecar=True), ctr(_req("6"))], {}, {"cpu": 17000}, {}),
    ("regular and init containers with limits", [ctr(limits=_req("9"))], [ctr(limits=_req("9"))], {}, {},
     {"cpu": 9000}),
    ("regular, init and sidecar containers with limits", [ctr(limits=_req("9"))],
     [ctr(limits=_req("8"), sidecar=True), ctr(limits=_req("6"))], {}, {}, {"cpu": 17000}),
    ("regularcontainers with empty requests, but status with non-empty requests",
     [ctr(name="container-1")], [], {"statuses": [cstatus("container-1", requests=_req("2"))]},
     {"cpu": 2000}, {}),
    ("always-restart init containers with empty requests, but status with non-empty requests",
     [], [ctr(name="container-1", sidecar=True)], {"init_statuses": [cstatus("container-1", requests=_req("2"))]},
     {"cpu": 2000}, {}),
]


@pytest.mark.parametrize("name,cs,init,st_kw,want_req,want_lim", AGGREGATE, ids=[c[0] for c in AGGREGATE])
def test_aggregate_container_requests_and_limits(name, cs, init, st_kw, want_req, want_lim):
    pod = mkpod(cs, init, **st_kw)
    assert pod_requests(pod, use_status=True) == want_req
    assert pod_limits(pod, use_status=True) == want_lim


# helpers_test.go: TestPodRequestsAndLimitsVerticalScalingWrappers (cases that exist in v1.34).
def test_vertical_scaling_wrappers():
    pod = mkpod([ctr(limits=_req("10"), name="c1")], statuses=[cstatus("c1", limits=_req("6"))],
                conditions=INFEASIBLE)
    assert pod_requests(pod) == {}
    assert pod_limits(pod) == {"cpu": 6000}
    nm = {"memory": 100 * Mi}
    init_pod = mkpod([], [ctr(_req("1"), name="i1")])
    assert pod_requests(init_pod, non_missing=nm) == {"cpu": 1000, "memory": 100 * Mi}
    assert pod_limits(init_pod) == {}
    reg_pod = mkpod([ctr(_req("1"), name="c1")])
    assert pod_requests(reg_pod, non_missing=nm) == {"cpu": 1000, "memory": 100 * Mi}
    assert pod_limits(reg_pod) == {}


# ---------------------------------------------------------------------------------------------
# pkg/scheduler/framework/plugins/noderesources/resource_allocation_test.go:
# TestResourceAllocationScorerCalculateRequests (zero-value scorer: useRequested=false, so
# NonMissingContainerRequests = {cpu: 100m, memory: 200Mi}; pod-level resources and status off).
_ONE = {"cpu": "1", "memory": "1Mi"}
SCORER_REQUESTS = [
    ("overhead only", mkpod([], overhead=_ONE), 1000, Mi),
    ("1x requestless container", mkpod([{}]), DEF_CPU, DEF_MEM),
    ("2x requestless container", mkpod([{}, {}]), 2 * DEF_CPU, 2 * DEF_MEM),
    ("request container + requestless container", mkpod([ctr(_ONE), {}]), 1000 + DEF_CPU, Mi + DEF_MEM),
    ("container + requestless container + overhead", mkpod([ctr(_ONE), {}], overhead=_ONE),
     2000 + DEF_CPU, 2 * Mi + DEF_MEM),
    ("init container + container + requestless container + overhead",
     mkpod([ctr(_ONE), {}], [ctr(_req("3"))], overhead=_ONE), 4000, 2 * Mi + DEF_MEM),
    ("requestless init container + small init container + small container ",
     mkpod([ctr({"cpu": "3m", "memory": "3"})], [{}, ctr({"cpu": "1m", "memory": "1"})]), DEF_CPU, DEF_MEM),
    ("requestless init container + small init container + small container + requestless container ",
     mkpod([ctr({"cpu": "3m", "memory": "3"}), {}], [{}, ctr({"cpu": "1m", "memory": "1"})]),
     3 + DEF_CPU, 3 + DEF_MEM),
]


@pytest.mark.parametrize("name,pod,cpu,mem", SCORER_REQUESTS, ids=[c[0] for c in SCORER_REQUESTS])
def test_scorer_calculate_requests(name, pod, cpu, mem):
    got = pod_requests(pod, non_missing=NON_ZERO_DEFAULTS, skip_pod_level=True, use_status=False)
    assert (got["cpu"], got["memory"]) == (cpu, mem)
    # Without pod-level resources NodeInfo.NonZeroRequested (types.go) counts the pod the same way.
    assert pod_nonzero_requests(pod) == (cpu, mem)


# pkg/scheduler/framework/types_test.go: TestPodInfoCalculateResources (cases without DRA claims;
# PodLevelResources is on by default in v1.34). Rows: (name, pod, requests, (non0 cpu, non0 mem)).
_R500 = {"cpu": "500m", "memory": "500Mi"}
_R700 = {"cpu": "700m", "memory": "800Mi"}
_R1200 = {"cpu": "1200m", "memory": "1200Mi"}
CALCULATE_RESOURCES = [
    ("requestless container", mkpod([{}]), {}, (DEF_CPU, DEF_MEM)),
    ("1X container with requests", mkpod([ctr(_R500)]), {"cpu": 500, "memory": 500 * Mi}, (500, 500 * Mi)),
    ("2X container with requests", mkpod([ctr(_R500), ctr(_R700)]), {"cpu": 1200, "memory": 1300 * Mi},
     (1200, 1300 * Mi)),
    ("1X container and 1X init container with pod-level requests",
     mkpod([ctr(_R500)], [ctr(_R500)], resources={"requests": _R1200}), {"cpu": 1200, "memory": 1200 * Mi},
     (1200, 1200 * Mi)),
    ("1X container and 1X sidecar container with pod-level requests",
     mkpod([ctr(_R500)], [ctr(_R500, sidecar=True)], resources={"requests": _R1200}),
     {"cpu": 1200, "memory": 1200 * Mi}, (1200, 1200 * Mi)),
    ("1X container with pod-level memory requests",
     mkpod([ctr({})], [ctr({})], resources={"requests": {"memory": "1200Mi"}}), {"memory": 1200 * Mi},
     (DEF_CPU, 1200 * Mi)),
    ("1X container with pod-level cpu requests",
     mkpod([ctr({})], [ctr({})], resources={"requests": {"cpu": "500m"}}), {"cpu": 500}, (500, DEF_MEM)),
    ("1X container unsupported resources and pod-level supported resources",
     mkpod([ctr({"ephemeral-storage": "800Mi"})], [ctr({"ephemeral-storage": "500Mi"})],
           resources={"requests": {"cpu": "500m"}}),
     {"cpu": 500, "ephemeral-storage": 800 * Mi}, (500, DEF_MEM)),
]


@pytest.mark.parametrize("name,pod,want,non0", CALCULATE_RESOURCES, ids=[c[0] for c in CALCULATE_RESOURCES])
def test_pod_info_calculate_resources(name, pod, want, non0):
    assert pod_requests(pod) == want
    assert pod_nonzero_requests(pod) == non0
    assert pod_requests_and_nonzero(pod) == (want, non0)


# types_test.go: TestCalculatePodResourcesWithResize, with v1.34 semantics (pod-level status is not
# read in v1.34; every row's expected value is the same under it). Rows: (name, pod, (cpu, mem)).
def _resize_pod(requests, status, conditions=None, pod_level=None, init=None, sidecar=None):
    containers = [ctr(requests, name="c1")]
    statuses = [cstatus("c1", requests=status)]
    inits, init_st = [], []
    if init is not None:
        inits.append(ctr(init, name="i1"))
        init_st.append(cstatus("i1", requests=init))
    if sidecar is not None:
        inits.append(ctr(sidecar, name="s1", sidecar=True))
        init_st.append(cstatus("s1", requests=sidecar))
    pod = mkpod(containers, inits, resources={"requests": pod_level} if pod_level else None, statuses=statuses,
                init_statuses=init_st or None, conditions=conditions)
    pod["status"]["phase"] = "Running"
    return pod


RESIZE = [
    ("Pod with no pending resize", _resize_pod(_R500, _R500), (500, 500 * Mi)),
    ("Pod with pod-level resources no pending resize",
     _resize_pod(_R500, {"cpu": "700m", "memory": "500Mi"}, pod_level={"cpu": "700m", "memory": "500Mi"}),
     (700, 500 * Mi)),
    ("Pod with resize in progress", _resize_pod(_R500, _R500, IN_PROGRESS), (500, 500 * Mi)),
    ("Pod with pod-level resources and resize in progress",
     _resize_pod(_R500, {"cpu": "700m", "memory": "500Mi"}, IN_PROGRESS, pod_level={"cpu": "700m", "memory": "500Mi"}),
     (700, 500 * Mi)),
    ("Pod with deferred resize", _resize_pod(_R700, _R500, DEFERRED), (700, 800 * Mi)),
    ("Pod with pod-level resources and with deferred resize", _resize_pod(_R500, _R500, DEFERRED, pod_level=_R700),
     (700, 800 * Mi)),
    ("Pod with infeasible resize", _resize_pod(_R700, _R500, INFEASIBLE), (500, 500 * Mi)),
    ("Pod with init container and no pending resize", _resize_pod(_R500, _R500, init=_R700), (700, 800 * Mi)),
    ("Pod with sider container and no pending resize", _resize_pod(_R500, _R500, init=_R700, sidecar=_R700),
     (1200, 1300 * Mi)),
]


@pytest.mark.parametrize("name,pod,want", RESIZE, ids=[c[0] for c in RESIZE])
def test_calculate_pod_resources_with_resize(name, pod, want):
    got = pod_requests(pod)
    assert (got["cpu"], got["memory"]) == want
    assert pod_nonzero_requests(pod) == want


# ---------------------------------------------------------------------------------------------
# Non-zero counting examples from the scheduler notes (resource_allocation_test.go / types.go).
def test_nonzero_examples():
    assert pod_nonzero_requests(mkpod([{}])) == (100, 200 * Mi)
    assert pod_nonzero_requests(mkpod([{}, {}])) == (200, 400 * Mi)
    three = [ctr({"cpu": "3m"})]
    inits = [{}, ctr({"cpu": "1m"})]
    assert pod_nonzero_requests(mkpod(three, inits))[0] == 100
    assert pod_nonzero_requests(mkpod(three + [{}], inits))[0] == 103
    # An explicit "0" is kept: only missing keys are defaulted.
    assert pod_nonzero_requests(mkpod([ctr({"cpu": "0"})])) == (0, 200 * Mi)
    assert pod_requests(mkpod([ctr({"cpu": "0"})])) == {"cpu": 0}
    # No containers: nothing to default.
    assert pod_nonzero_requests(mkpod([])) == (0, 0)
    assert pod_nonzero_requests({"spec": {}}) == (0, 0)
    # Overhead is part of the non-zero request.
    assert pod_nonzero_requests(mkpod([{}], overhead={"cpu": "250m", "memory": "1Mi"})) == (350, 201 * Mi)


def test_nonzero_with_pod_level_requests_defaults_only_missing_resources():
    # types.go getNonMissingContainerRequests: pod-level memory set, containers lack cpu on one
    # container but the pod's aggregate has cpu, so no cpu default is applied (the scorer's
    # per-container default would give 1100m).
    pod = mkpod([ctr({"cpu": "1"}), {}], resources={"requests": {"memory": "1Gi"}})
    assert pod_nonzero_requests(pod) == (1000, Gi)
    scorer = pod_requests(pod, non_missing=NON_ZERO_DEFAULTS)
    assert (scorer["cpu"], scorer["memory"]) == (1100, Gi)


def test_zero_valued_request_kept_and_restartable_only_when_always():
    pod = mkpod([ctr({"example.com/foo": "0", "memory": "0"})],
                [{**ctr({"cpu": "2"}), "restartPolicy": "OnFailure"}])
    assert pod_requests(pod) == {"example.com/foo": 0, "memory": 0, "cpu": 2000}


def test_status_entries_without_resources_are_ignored():
    # Only a container status with `resources` set changes the count (upstream: cs.Resources != nil).
    pod = mkpod([ctr(_req("1"), name="c1")], statuses=[cstatus("c1", allocated=_req("5"), resources=False)])
    assert pod_requests(pod) == {"cpu": 1000}
    pod = mkpod([ctr(_req("1"), name="c1")], statuses=[cstatus("c1", allocated=_req("5"))])
    assert pod_requests(pod) == {"cpu": 5000}
    assert pod_requests(pod, use_status=False) == {"cpu": 1000}
    # Non-restartable init containers never read their status in v1.34.
    pod = mkpod([], [ctr(_req("1"), name="i1")], init_statuses=[cstatus("i1", requests=_req("5"))])
    assert pod_requests(pod) == {"cpu": 1000}


def test_container_requests_and_limits():
    c = ctr({"cpu": "1.5", "memory": "1Gi", "nvidia.com/gpu": "2"}, {"cpu": "2", "hugepages-2Mi": "4Mi"})
    assert container_requests(c) == {"cpu": 1500, "memory": Gi, "nvidia.com/gpu": 2}
    assert container_limits(c) == {"cpu": 2000, "hugepages-2Mi": 4 * Mi}
    assert container_requests({}) == {}
    assert container_requests({"resources": {}}) == {}
    # Value() rounds up: 1.5 bytes -> 2, 100m of memory -> 1.
    assert container_requests(ctr({"memory": "1.5", "ephemeral-storage": "100m"})) == {
        "memory": 2, "ephemeral-storage": 1}


def test_results_are_fresh_dicts():
    c = ctr({"cpu": "1"})
    pod = mkpod([c])
    r = pod_requests(pod)
    r["cpu"] = 0
    assert pod_requests(pod) == {"cpu": 1000}
    assert pod["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "1"}


# ---------------------------------------------------------------------------------------------
# Structural errors: FieldError with the path relative to the pod.
ERRORS = [
    ({"spec": {"containers": {"a": 1}}}, "spec.containers", "expected a list"),
    ({"spec": {"containers": ["x"]}}, "spec.containers[0]", "expected an object"),
    ({"spec": {"containers": [{"resources": []}]}}, "spec.containers[0].resources", "expected an object"),
    ({"spec": {"containers": [{"resources": {"requests": "1"}}]}}, "spec.containers[0].resources.requests",
     "expected an object"),
    (mkpod([ctr({"cpu": "1.5.0"})]), "spec.containers[0].resources.requests.cpu", 'invalid quantity "1.5.0"'),
    (mkpod([{}, ctr({"memory": "12XB"})]), "spec.containers[1].resources.requests.memory",
     'invalid quantity "12XB"'),
    (mkpod([{}], [ctr({"nvidia.com/gpu": "x"})]),
     'spec.initContainers[0].resources.requests["nvidia.com/gpu"]', 'invalid quantity "x"'),
    (mkpod([ctr({"cpu": "-1"})]), "spec.containers[0].resources.requests.cpu", "must be greater than or equal to 0"),
    (mkpod([{}], [{"restartPolicy": 1}]), "spec.initContainers[0].restartPolicy", "expected a string"),
    (mkpod([{}], overhead={"cpu": "lots"}), "spec.overhead.cpu", 'invalid quantity "lots"'),
    (mkpod([{}], resources={"requests": {"memory": "1Q"}}), "spec.resources.requests.memory",
     'invalid quantity "1Q"'),
    (mkpod([{}], resources=[]), "spec.resources", "expected an object"),
    ({"spec": []}, "spec", "expected an object"),
    (mkpod([ctr(name="c1")], statuses=[cstatus("c1", requests={"cpu": "bad"})]),
     "status.containerStatuses[0].resources.requests.cpu", 'invalid quantity "bad"'),
    (mkpod([ctr(name="c1")], statuses=[cstatus("c1", allocated={"memory": "bad"})]),
     "status.containerStatuses[0].allocatedResources.memory", 'invalid quantity "bad"'),
    (mkpod([ctr(name="c1")], statuses="x"), "status.containerStatuses", "expected a list"),
]


@pytest.mark.parametrize("pod,field,msg", ERRORS, ids=[e[1] for e in ERRORS])
def test_structural_errors(pod, field, msg):
    with pytest.raises(FieldError) as ei:
        pod_requests(pod)
    assert ei.value.field == field
    assert msg in ei.value.message


def test_errors_from_limits_and_nonzero():
    pod = mkpod([ctr(limits={"cpu": "1.5.0"})])
    with pytest.raises(FieldError) as ei:
        pod_limits(pod)
    assert ei.value.field == "spec.containers[0].resources.limits.cpu"
    with pytest.raises(FieldError) as ei:
        pod_nonzero_requests(mkpod([ctr({"memory": "bad"})]))
    assert ei.value.field == "spec.containers[0].resources.requests.memory"
    with pytest.raises(FieldError) as ei:
        container_requests({"resources": {"requests": {"cpu": "1.5.0"}}})
    assert ei.value.field == "resources.requests.cpu"
    with pytest.raises(FieldError) as ei:
        pod_requests(["not", "a", "pod"])
    assert ei.value.field == ""


# ---------------------------------------------------------------------------------------------
# Properties.
_cpu = st.integers(0, 64_000).map(lambda m: f"{m}m")
_mem = st.one_of(st.integers(0, 1 << 40), st.integers(0, 4096).map(lambda n: f"{n}Mi"))
_ext = st.integers(0, 8)
_requests = st.fixed_dictionaries({}, optional={"cpu": _cpu, "memory": _mem, "example.com/gpu": _ext,
                                                "ephemeral-storage": _mem})
_containers = st.lists(st.builds(lambda r: ctr(r), _requests), max_size=6)


@settings(max_examples=200, deadline=None)
@given(_containers)
def test_regular_only_pod_is_sum_of_containers(containers):
    pod = mkpod(containers)
    want: dict = {}
    for c in containers:
        for k, v in container_requests(c).items():
            want[k] = want.get(k, 0) + v
    assert pod_requests(pod) == want
    cpu = sum(container_requests(c).get("cpu", DEF_CPU) for c in containers)
    mem = sum(container_requests(c).get("memory", DEF_MEM) for c in containers)
    assert pod_nonzero_requests(pod) == (cpu, mem)


@settings(max_examples=200, deadline=None)
@given(_containers, st.lists(st.tuples(_requests, st.booleans()), max_size=5))
def test_init_containers_follow_sidecar_formula(containers, inits):
    pod = mkpod(containers, [ctr(r, sidecar=s) for r, s in inits])
    got = pod_requests(pod)
    names = {k for c in containers for k in container_requests(c)}
    names |= {k for r, _ in inits for k in container_requests(ctr(r))}
    assert set(got) == names
    for name in names:
        total = sum(container_requests(c).get(name, 0) for c in containers)
        side = 0
        peak = 0
        for r, sidecar in inits:
            q = container_requests(ctr(r)).get(name, 0)
            if sidecar:
                side += q
                total += q
                peak = max(peak, side)
            else:
                peak = max(peak, q + side)
        assert got[name] == max(total, peak)
    # Requests never shrink when an overhead is added, and grow exactly by it.
    with_oh = pod_requests(mkpod(containers, [ctr(r, sidecar=s) for r, s in inits], overhead={"cpu": "7m"}))
    assert with_oh["cpu"] == got.get("cpu", 0) + 7


def test_is_pod_level_requests_set():
    from kschedule.objects.requests import is_pod_level_requests_set
    assert is_pod_level_requests_set(mkpod(resources={"requests": {"memory": "1Mi"}})) is True
    assert is_pod_level_requests_set(mkpod(resources={"limits": {"memory": "1Mi"}})) is False
    assert is_pod_level_requests_set(mkpod(resources={"requests": {"ephemeral-storage": "1Mi"}})) is False
    assert is_pod_level_requests_set(mkpod()) is False
