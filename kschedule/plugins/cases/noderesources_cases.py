"""Upstream NodeResourcesFit / NodeResourcesBalancedAllocation test tables as plain data.

Ported from kubernetes/kubernetes ``pkg/scheduler/framework/plugins/noderesources/`` (v1.34 behaviour):
``fit_test.go`` (TestEnoughRequests, TestNotEnoughRequests, TestStorageRequests,
TestRestartableInitContainers, TestFitScore), ``least_allocated_test.go``
(TestLeastAllocatedScoringStrategy), ``most_allocated_test.go`` (TestMostAllocatedScoringStrategy),
``requested_to_capacity_ratio_test.go`` (TestRequestedToCapacityRatioScoringStrategy,
TestBrokenLinearFunction, TestResourceBinPackingSingleExtended, TestResourceBinPackingMultipleExtended)
and ``balanced_allocation_test.go`` (TestNodeResourcesBalancedAllocation).

Everything is a Kubernetes object dict, a plugin-args dict in KubeSchedulerConfiguration JSON spelling
(``{"scoringStrategy": {"type": ..., "resources": [{"name", "weight"}]}}``; upstream passes these args
to the plugin *without* v1 defaulting, so a missing ``resources`` stays empty) or a plain value.

* ``FIT_FILTER_CASES``: ``{name, source, node, existing_pods, pod, args, want_code, want_reasons}`` --
  Filter of ``pod`` on ``node`` holding ``existing_pods`` (their ``spec.nodeName`` is the node).
* ``SCORE_CASES``: ``{name, source, plugin, nodes, existing_pods, pod, args, run_pre_score,
  want_pre_score_code, want_score_code, want_scores}`` -- ``want_scores`` is a list of
  ``(node name, score)`` in node order (empty when PreScore skips).  The incoming pod never carries
  ``spec.nodeName`` (a few upstream cases set one; it does not affect these plugins).
* ``FIT_ARGS_ERROR_CASES``: ``{name, source, args, want_error_fields}`` -- args the plugin constructor
  rejects (upstream ``wantErrs``), as validation field paths relative to the args.
* ``BROKEN_LINEAR_CASES``: ``{source, points: [(utilization, score)], assertions: [(p, expected)]}``.

Upstream cases left out (feature gates that cannot be set that way in v1.34):
``draExtendedResourceEnabled: true`` cases of TestEnoughRequests (6) and the two DRA extended-resource
cases of TestFitScore (DRAExtendedResource is alpha, off); the two ``SidecarContainers`` disabled cases
of TestRestartableInitContainers (GA, locked on); TestPreFilterDisabled (needs a cycle state without
PreFilter data).  Upstream pods in a snapshot without ``nodeName`` (TestResourceBinPacking*) are
dropped: the snapshot does not count them on any node.
"""
from __future__ import annotations

import itertools
from typing import Any, Mapping, Optional, Sequence

from ...objects.resources import is_overcommit_allowed

# --------------------------------------------------------------------------- object builders

EXT_A = "example.com/aaa"
EXT_B = "example.com/bbb"
K8S_IO_A = "kubernetes.io/something"
K8S_IO_B = "subdomain.kubernetes.io/something"
HUGEPAGES_A = "hugepages-2Mi"
DRA_EXT = "extended.resource.dra.io/something"
ABC_XYZ = "abc.com/xyz"  # extendedRes of the score tests
GPU = "nvidia.com/gpu"
# Hugepages amounts are counted in 2Mi pages. Upstream's scheduler tests use bare numbers ("3"),
# which the apiserver rejects (not a multiple of the page size); scaling every pod and node amount
# alike keeps each outcome.
HUGEPAGE = 2 * 1024 * 1024


def _hp(pages: int) -> str:
    return str(pages * HUGEPAGE)


def _rl(values: Mapping[str, Any]) -> dict:
    """A resource list with every quantity as a string (cpu values given in millicores as ``"<n>m"``)."""
    return {k: str(v) for k, v in values.items()}


def _res(cpu_m: int = 0, mem: int = 0, eph: int = 0, **scalars: int) -> dict:
    """``newResourcePod(framework.Resource{...})`` container requests: cpu, memory and ephemeral-storage
    are always present (possibly 0), then the scalar resources.  Upstream also writes ``pods: 0``, which
    API validation rejects in a container ("must be a standard resource for containers") and the
    scheduler ignores; it is left out."""
    out = {"cpu": f"{cpu_m}m", "memory": str(mem), "ephemeral-storage": str(eph)}
    for k, v in scalars.items():
        name = _SCALAR_ALIASES.get(k, k)
        out[name] = _hp(v) if name == HUGEPAGES_A else str(v)
    return out


_SCALAR_ALIASES = {"aaa": EXT_A, "bbb": EXT_B, "k8s_a": K8S_IO_A, "k8s_b": K8S_IO_B, "hp": HUGEPAGES_A,
                   "dra": DRA_EXT}


def _limits(requests: Mapping) -> dict:
    """Limits equal to the requests the apiserver does not let exceed them (extended resources,
    hugepages): upstream's scheduler tests build pods without limits, which the scheduler never reads."""
    return {k: v for k, v in requests.items() if not is_overcommit_allowed(k)}


def _containers(reqs: Sequence[Optional[Mapping]], prefix: str, sidecar: bool = False) -> list:
    out = []
    for i, r in enumerate(reqs):
        c: dict = {"name": f"{prefix}{i}", "image": "registry.k8s.io/pause:3.10"}
        if r is not None:
            c["resources"] = {"requests": dict(r)}
            lim = _limits(r)
            if lim:
                c["resources"]["limits"] = lim
        if sidecar:
            c["restartPolicy"] = "Always"
        out.append(c)
    return out


def _pod(name: str, containers: Sequence[Optional[Mapping]] = (), init: Sequence[Optional[Mapping]] = (),
         node: str = "", overhead: Optional[Mapping] = None, pod_requests: Optional[Mapping] = None,
         sidecars: Sequence[Optional[Mapping]] = ()) -> dict:
    spec: dict = {"containers": _containers(containers, "con")}
    inits = _containers(init, "init") + _containers(sidecars, "sidecar", sidecar=True)
    if inits:
        spec["initContainers"] = inits
    if node:
        spec["nodeName"] = node
    if overhead is not None:
        spec["overhead"] = dict(overhead)
    if pod_requests is not None:
        spec["resources"] = {"requests": dict(pod_requests)}
        lim = _limits(pod_requests)
        if lim:
            spec["resources"]["limits"] = lim
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def _node(name: str, allocatable: Optional[Mapping] = None) -> dict:
    status: dict = {}
    if allocatable is not None:
        status = {"capacity": dict(allocatable), "allocatable": dict(allocatable)}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}, "status": status}


def _alloc(cpu_m: int, mem: int, pods: int, ext_a: int, eph: int, hp: int) -> dict:
    """``makeAllocatableResources(milliCPU, memory, pods, extendedA, storage, hugePageA)``."""
    return {"cpu": f"{cpu_m}m", "memory": str(mem), "pods": str(pods), EXT_A: str(ext_a),
            "ephemeral-storage": str(eph), HUGEPAGES_A: _hp(hp)}


def _st_node(name: str, capacity: Optional[Mapping] = None) -> dict:
    """``st.MakeNode().Name(name).Capacity(capacity)``: capacity = allocatable, with ``pods: 32``."""
    if capacity is None:
        return _node(name)
    return _node(name, {"pods": "32", **_rl(capacity)})


def _make_node(name: str, milli_cpu: int, memory: int, extended: Optional[Mapping[str, int]] = None) -> dict:
    """``makeNode(node, milliCPU, memory, extendedResource)`` of the noderesources tests (no ``pods``)."""
    alloc = {"cpu": f"{milli_cpu}m", "memory": str(memory)}
    for k, v in (extended or {}).items():
        alloc[k] = str(v)
    return _node(name, alloc)


# --------------------------------------------------------------------------- Filter tables

_FIT_ALLOC = _alloc(10, 20, 32, 5, 20, 5)
_DEFAULT_FIT_ARGS = {"scoringStrategy": {"type": "LeastAllocated",
                                         "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]}}
_U, _UU, _OK = "Unschedulable", "UnschedulableAndUnresolvable", "Success"


def _ins(r: str) -> str:
    return f"Insufficient {r}"


def _filter_case(source: str, name: str, pod: dict, existing: Sequence[Mapping] = (), *, alloc: Mapping = _FIT_ALLOC,
                 code: str = _OK, reasons: Sequence[str] = (), args: Optional[Mapping] = None) -> dict:
    """``existing`` are container request lists of ``framework.NewNodeInfo(newResourcePod(...))`` pods."""
    a = dict(_DEFAULT_FIT_ARGS)
    if args:
        a.update(args)
    return {
        "name": name, "source": source, "node": _node("node", dict(alloc)),
        "existing_pods": [_pod(f"existing-{i}", [r], node="node") for i, r in enumerate(existing)],
        "pod": pod, "args": a, "want_code": code, "want_reasons": list(reasons),
    }


_E = "fit_test.go:TestEnoughRequests"
_P = _pod  # short alias used in the tables


# fit_test.go: TestEnoughRequests (v1.34 expectations: requests above total allocatable escalate to
# UnschedulableAndUnresolvable).
ENOUGH_REQUESTS_CASES = [
    _filter_case(_E, "no resources requested always fits", _P("pod"), [_res(10, 20)]),
    _filter_case(_E, "too many resources fails", _P("pod", [_res(1, 1)]), [_res(10, 20)],
                 code=_U, reasons=[_ins("cpu"), _ins("memory")]),
    _filter_case(_E, "too many resources fails due to init container cpu",
                 _P("pod", [_res(1, 1)], init=[_res(3, 1)]), [_res(8, 19)], code=_U, reasons=[_ins("cpu")]),
    _filter_case(_E, "too many resources fails due to highest init container cpu",
                 _P("pod", [_res(1, 1)], init=[_res(3, 1), _res(2, 1)]), [_res(8, 19)], code=_U, reasons=[_ins("cpu")]),
    _filter_case(_E, "too many resources fails due to init container memory",
                 _P("pod", [_res(1, 1)], init=[_res(1, 3)]), [_res(9, 19)], code=_U, reasons=[_ins("memory")]),
    _filter_case(_E, "too many resources fails due to highest init container memory",
                 _P("pod", [_res(1, 1)], init=[_res(1, 3), _res(1, 2)]), [_res(9, 19)], code=_U,
                 reasons=[_ins("memory")]),
    _filter_case(_E, "init container fits because it's the max, not sum, of containers and init containers",
                 _P("pod", [_res(1, 1)], init=[_res(1, 1)]), [_res(9, 19)]),
    _filter_case(_E, "multiple init containers fit because it's the max, not sum, of containers and init containers",
                 _P("pod", [_res(1, 1)], init=[_res(1, 1), _res(1, 1)]), [_res(9, 19)]),
    _filter_case(_E, "both resources fit", _P("pod", [_res(1, 1)]), [_res(5, 5)]),
    _filter_case(_E, "one resource memory fits", _P("pod", [_res(2, 1)]), [_res(9, 5)], code=_U, reasons=[_ins("cpu")]),
    _filter_case(_E, "one resource cpu fits", _P("pod", [_res(1, 2)]), [_res(5, 19)], code=_U,
                 reasons=[_ins("memory")]),
    _filter_case(_E, "equal edge case", _P("pod", [_res(5, 1)]), [_res(5, 19)]),
    _filter_case(_E, "equal edge case for init container", _P("pod", [_res(4, 1)], init=[_res(5, 1)]), [_res(5, 19)]),
    _filter_case(_E, "extended resource fits", _P("pod", [_res(aaa=1)]), [_res()]),
    _filter_case(_E, "extended resource fits for init container", _P("pod", [_res()], init=[_res(aaa=1)]), [_res()]),
    _filter_case(_E, "extended resource capacity enforced", _P("pod", [_res(1, 1, aaa=10)]), [_res(aaa=0)],
                 code=_UU, reasons=[_ins(EXT_A)]),
    _filter_case(_E, "extended resource capacity enforced for init container",
                 _P("pod", [_res()], init=[_res(1, 1, aaa=10)]), [_res(aaa=0)], code=_UU, reasons=[_ins(EXT_A)]),
    _filter_case(_E, "extended resource allocatable enforced", _P("pod", [_res(1, 1, aaa=1)]), [_res(aaa=5)],
                 code=_U, reasons=[_ins(EXT_A)]),
    _filter_case(_E, "extended resource allocatable enforced for init container",
                 _P("pod", [_res()], init=[_res(1, 1, aaa=1)]), [_res(aaa=5)], code=_U, reasons=[_ins(EXT_A)]),
    _filter_case(_E, "extended resource allocatable enforced for multiple containers",
                 _P("pod", [_res(1, 1, aaa=3), _res(1, 1, aaa=3)]), [_res(aaa=2)], code=_UU, reasons=[_ins(EXT_A)]),
    _filter_case(_E, "extended resource allocatable admits multiple init containers",
                 _P("pod", [_res()], init=[_res(1, 1, aaa=3), _res(1, 1, aaa=3)]), [_res(aaa=2)]),
    _filter_case(_E, "extended resource allocatable enforced for multiple init containers",
                 _P("pod", [_res()], init=[_res(1, 1, aaa=6), _res(1, 1, aaa=3)]), [_res(aaa=2)],
                 code=_UU, reasons=[_ins(EXT_A)]),
    _filter_case(_E, "extended resource allocatable enforced for unknown resource",
                 _P("pod", [_res(1, 1, bbb=1)]), [_res()], code=_UU, reasons=[_ins(EXT_B)]),
    _filter_case(_E, "extended resource allocatable enforced for unknown resource for init container",
                 _P("pod", [_res()], init=[_res(1, 1, bbb=1)]), [_res()], code=_UU, reasons=[_ins(EXT_B)]),
    _filter_case(_E, "kubernetes.io resource capacity enforced", _P("pod", [_res(1, 1, k8s_a=10)]), [_res()],
                 code=_UU, reasons=[_ins(K8S_IO_A)]),
    _filter_case(_E, "kubernetes.io resource capacity enforced for init container",
                 _P("pod", [_res()], init=[_res(1, 1, k8s_b=10)]), [_res()], code=_UU, reasons=[_ins(K8S_IO_B)]),
    _filter_case(_E, "hugepages resource capacity enforced", _P("pod", [_res(1, 1, hp=10)]), [_res(hp=0)],
                 code=_UU, reasons=[_ins(HUGEPAGES_A)]),
    _filter_case(_E, "hugepages resource capacity enforced for init container",
                 _P("pod", [_res()], init=[_res(1, 1, hp=10)]), [_res(hp=0)], code=_UU, reasons=[_ins(HUGEPAGES_A)]),
    _filter_case(_E, "hugepages resource allocatable enforced for multiple containers",
                 _P("pod", [_res(1, 1, hp=3), _res(1, 1, hp=3)]), [_res(hp=2)], code=_UU, reasons=[_ins(HUGEPAGES_A)]),
    _filter_case(_E, "skip checking ignored extended resource", _P("pod", [_res(1, 1, bbb=1)]), [_res()],
                 args={"ignoredResources": [EXT_B]}),
    _filter_case(_E, "resources + pod overhead fits",
                 _P("pod", [_res(1, 1)], overhead={"cpu": "3m", "memory": "13"}), [_res(5, 5)]),
    _filter_case(_E, "requests + overhead does not fit for memory",
                 _P("pod", [_res(1, 1)], overhead={"cpu": "1m", "memory": "15"}), [_res(5, 5)],
                 code=_U, reasons=[_ins("memory")]),
    _filter_case(_E, "skip checking ignored extended resource via resource groups",
                 _P("pod", [_res(1, 1, bbb=1, k8s_a=1)]), [_res()], args={"ignoredResourceGroups": ["example.com"]},
                 code=_UU, reasons=[_ins(K8S_IO_A)]),
    _filter_case(_E, "skip checking extended resource request with quantity zero via resource groups",
                 _P("pod", [_res(1, 1, aaa=0)]), [_res(aaa=6)]),
    _filter_case(_E, "skip checking resource request with quantity zero", _P("pod", [_res(aaa=1)]),
                 [_res(20, 30, aaa=1)]),
    _filter_case(_E, "both pod-level and container-level resources fit",
                 _P("pod", [_res(1, 1)], pod_requests={"cpu": "1m", "memory": "2"}), [_res(5, 5)]),
    _filter_case(_E, "pod-level cpu resource not fit",
                 _P("pod", [_res(1, 1)], pod_requests={"cpu": "7m", "memory": "2"}), [_res(5, 5)],
                 code=_U, reasons=[_ins("cpu")]),
    _filter_case(_E, "pod-level memory resource not fit",
                 _P("pod", [_res(1, 1)], pod_requests={"cpu": "3m", "memory": "2"}), [_res(5, 19)],
                 code=_U, reasons=[_ins("memory")]),
    _filter_case(_E, "pod-level hugepages resource fit",
                 _P("pod", [], pod_requests={"cpu": "3m", "memory": "2", HUGEPAGES_A: _hp(5)}), []),
    _filter_case(_E, "both pod-level and container-level hugepages resource fit",
                 _P("pod", [_res(1, 1, hp=3)], pod_requests={"cpu": "3m", "memory": "2", HUGEPAGES_A: _hp(5)}), []),
    _filter_case(_E, "pod-level hugepages resource not fit",
                 _P("pod", [], pod_requests={"cpu": "3m", "memory": "2", HUGEPAGES_A: _hp(10)}), [],
                 code=_UU, reasons=[_ins(HUGEPAGES_A)]),
    _filter_case(_E, "one pod-level cpu resource fits and all init and non-init containers resources fit",
                 _P("pod", [_res(1, 1)], init=[_res(1, 1)], pod_requests={"cpu": "3m", "memory": "2"}), [_res(5, 19)],
                 code=_U, reasons=[_ins("memory")]),
    _filter_case(_E, "extended resource backed by DRA not enabled", _P("pod", [_res(1, 1, dra=1)]), [_res()],
                 code=_UU, reasons=[_ins(DRA_EXT)]),
]

_N = "fit_test.go:TestNotEnoughRequests"
_NOT_ENOUGH_ALLOC = _alloc(10, 20, 1, 0, 0, 0)

# fit_test.go: TestNotEnoughRequests ("Too many pods" never escalates).
NOT_ENOUGH_REQUESTS_CASES = [
    _filter_case(_N, "even without specified resources, predicate fails when there's no space for additional pod",
                 _P("pod"), [_res(10, 20)], alloc=_NOT_ENOUGH_ALLOC, code=_U, reasons=["Too many pods"]),
    _filter_case(_N, "even if both resources fit, predicate fails when there's no space for additional pod",
                 _P("pod", [_res(1, 1)]), [_res(5, 5)], alloc=_NOT_ENOUGH_ALLOC, code=_U, reasons=["Too many pods"]),
    _filter_case(_N, "even for equal edge case, predicate fails when there's no space for additional pod",
                 _P("pod", [_res(5, 1)]), [_res(5, 19)], alloc=_NOT_ENOUGH_ALLOC, code=_U, reasons=["Too many pods"]),
    _filter_case(_N, "even for equal edge case, predicate fails when there's no space for additional pod due to "
                     "init container",
                 _P("pod", [_res(5, 1)], init=[_res(5, 1)]), [_res(5, 19)], alloc=_NOT_ENOUGH_ALLOC, code=_U,
                 reasons=["Too many pods"]),
]

_S = "fit_test.go:TestStorageRequests"

# fit_test.go: TestStorageRequests.
STORAGE_REQUESTS_CASES = [
    _filter_case(_S, "empty storage requested, and pod fits", _P("pod", [_res(1, 1)]), [_res(2, 10)]),
    _filter_case(_S, "storage ephemeral local storage request exceeds allocatable", _P("pod", [_res(eph=25)]),
                 [_res(2, 2)], code=_UU, reasons=[_ins("ephemeral-storage")]),
    _filter_case(_S, "ephemeral local storage is sufficient", _P("pod", [_res(eph=5)]), [_res(2, 2, eph=10)]),
    _filter_case(_S, "pod fits", _P("pod", [_res(eph=10)]), [_res(2, 2)]),
]

_R = "fit_test.go:TestRestartableInitContainers"
_RESTARTABLE_ALLOC = _alloc(2, 0, 1, 0, 0, 0)


def _sidecar_pod(request: Optional[Mapping], sidecar_request: Optional[Mapping]) -> dict:
    return _P("pod", [request], sidecars=[sidecar_request])


# fit_test.go: TestRestartableInitContainers (only the SidecarContainers-enabled cases; the gate is
# locked on in v1.34).
RESTARTABLE_INIT_CONTAINERS_CASES = [
    _filter_case(_R, "allow pod without restartable init containers if sidecar containers is enabled",
                 _P("pod", [None]), [], alloc=_RESTARTABLE_ALLOC),
    _filter_case(_R, "allow pod with restartable init containers if sidecar containers is enabled",
                 _sidecar_pod(None, None), [], alloc=_RESTARTABLE_ALLOC),
    _filter_case(_R, "allow pod if the total requested resources do not exceed the node's allocatable resources",
                 _sidecar_pod({"cpu": "1m"}, {"cpu": "1m"}), [], alloc=_RESTARTABLE_ALLOC),
    _filter_case(_R, "not allow pod if the total requested resources do exceed the node's allocatable resources",
                 _sidecar_pod({"cpu": "1m"}, {"cpu": "2m"}), [], alloc=_RESTARTABLE_ALLOC,
                 code=_UU, reasons=[_ins("cpu")]),
]

FIT_FILTER_CASES = (ENOUGH_REQUESTS_CASES + NOT_ENOUGH_REQUESTS_CASES + STORAGE_REQUESTS_CASES
                    + RESTARTABLE_INIT_CONTAINERS_CASES)


# --------------------------------------------------------------------------- Score tables

DEFAULT_RESOURCES = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
EXTENDED_RESOURCE_SET = DEFAULT_RESOURCES + [{"name": ABC_XYZ, "weight": 1}]


def _fit_args(strategy: str, resources: Optional[list], shape: Optional[list] = None) -> dict:
    s: dict = {"type": strategy}
    if resources is not None:
        s["resources"] = [dict(r) for r in resources]
    if shape is not None:
        s["requestedToCapacityRatio"] = {"shape": [{"utilization": u, "score": v} for u, v in shape]}
    return {"scoringStrategy": s}


def _score_case(source: str, name: str, plugin: str, pod: dict, nodes: list, scores: Sequence[int],
                existing: Sequence[dict] = (), *, args: dict, run_pre_score: bool = True,
                pre_score_code: str = "Success", score_code: str = "Success") -> dict:
    return {
        "name": name, "source": source, "plugin": plugin, "nodes": nodes, "existing_pods": list(existing),
        "pod": pod, "args": args, "run_pre_score": run_pre_score, "want_pre_score_code": pre_score_code,
        "want_score_code": score_code,
        "want_scores": [(n["metadata"]["name"], s) for n, s in zip(nodes, scores)],
    }


def _req(**kw: str) -> dict:
    """``st.MakePod().Req(map)`` request list (values as written upstream)."""
    return {_SCALAR_ALIASES.get(k, k): v for k, v in kw.items()}


_FIT = "NodeResourcesFit"
_BA = "NodeResourcesBalancedAllocation"


_existing_ids = itertools.count(1)


def _existing(node: str, *containers: Optional[Mapping]) -> dict:
    """An existing pod bound to ``node`` with one container per request list (``None``: no requests)."""
    return _pod(f"existing-{next(_existing_ids)}", list(containers), node=node)


def _st_nodes(cap1: Optional[Mapping], cap2: Optional[Mapping]) -> list:
    return [_st_node("node1", cap1), _st_node("node2", cap2)]


_CM = lambda cpu, mem: {"cpu": cpu, "memory": mem}  # noqa: E731
_POD_3000_5000 = _pod("pod", [_req(cpu="1000", memory="2000"), _req(cpu="2000", memory="3000")])

_L = "least_allocated_test.go:TestLeastAllocatedScoringStrategy"
_LA = lambda res: _fit_args("LeastAllocated", res)  # noqa: E731

# least_allocated_test.go: TestLeastAllocatedScoringStrategy (cases whose args fail validation are in
# FIT_ARGS_ERROR_CASES).
LEAST_ALLOCATED_CASES = [
    _score_case(_L, "nothing scheduled, nothing requested", _FIT, _pod("pod"),
                _st_nodes(_CM("4000", "10000"), _CM("4000", "10000")), [100, 100], args=_LA(DEFAULT_RESOURCES)),
    _score_case(_L, "nothing scheduled, resources requested, differently sized nodes", _FIT, _POD_3000_5000,
                _st_nodes(_CM("4000", "10000"), _CM("6000", "10000")), [37, 50], args=_LA(DEFAULT_RESOURCES)),
    _score_case(_L, "Resources not set, pods scheduled with error", _FIT, _POD_3000_5000,
                _st_nodes(_CM("4000", "10000"), _CM("6000", "10000")), [0, 0], args=_LA(None), score_code="Error"),
    _score_case(_L, "no resources requested, pods scheduled", _FIT, _pod("pod"),
                _st_nodes(_CM("4000", "10000"), _CM("4000", "10000")), [100, 100],
                [_existing("node1"), _existing("node1"), _existing("node2"), _existing("node2")],
                args=_LA(DEFAULT_RESOURCES)),
    _score_case(_L, "no resources requested, pods scheduled with resources", _FIT, _pod("pod"),
                _st_nodes(_CM("10000", "20000"), _CM("10000", "20000")), [70, 57],
                [_existing("node1", _CM("3000", "0")), _existing("node1", _CM("3000", "0")),
                 _existing("node2", _CM("3000", "0")), _existing("node2", _CM("3000", "5000"))],
                args=_LA(DEFAULT_RESOURCES)),
    _score_case(_L, "resources requested, pods scheduled with resources", _FIT, _POD_3000_5000,
                _st_nodes(_CM("10000", "20000"), _CM("10000", "20000")), [57, 45],
                [_existing("node1", _CM("3000", "0")), _existing("node2", _CM("3000", "5000"))],
                args=_LA(DEFAULT_RESOURCES)),
    _score_case(_L, "resources requested, pods scheduled with resources, differently sized nodes", _FIT,
                _POD_3000_5000, _st_nodes(_CM("10000", "20000"), _CM("10000", "50000")), [57, 60],
                [_existing("node1", _CM("3000", "0")), _existing("node2", _CM("3000", "5000"))],
                args=_LA(DEFAULT_RESOURCES)),
    _score_case(_L, "requested resources exceed node capacity", _FIT, _pod("pod", [_CM("3000", "0")]),
                _st_nodes(_CM("4000", "10000"), _CM("4000", "10000")), [50, 25],
                [_existing("node1", _CM("3000", "0")), _existing("node2", _CM("3000", "5000"))],
                args=_LA(DEFAULT_RESOURCES)),
    _score_case(_L, "zero node resources, pods scheduled with resources", _FIT, _pod("pod"),
                _st_nodes(None, None), [0, 0],
                [_existing("node1", _CM("3000", "0")), _existing("node2", _CM("3000", "5000"))],
                args=_LA(DEFAULT_RESOURCES)),
    _score_case(_L, "nothing scheduled, resources requested with different weight on CPU and memory, differently "
                    "sized nodes", _FIT, _POD_3000_5000,
                _st_nodes(_CM("4000", "10000"), _CM("6000", "10000")), [41, 50],
                args=_LA([{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}])),
    _score_case(_L, "bypass extended resource if the pod does not request", _FIT, _POD_3000_5000,
                _st_nodes(_CM("6000", "10000"), {"cpu": "6000", "memory": "10000", ABC_XYZ: "4"}), [50, 50],
                args=_LA(EXTENDED_RESOURCE_SET)),
    _score_case(_L, "honor extended resource if the pod requests", _FIT,
                _pod("pod", [{"cpu": "3000", "memory": "5000", ABC_XYZ: "2"}]),
                _st_nodes({"cpu": "6000", "memory": "10000", ABC_XYZ: "4"},
                          {"cpu": "6000", "memory": "10000", ABC_XYZ: "10"}), [50, 60],
                args=_LA(EXTENDED_RESOURCE_SET)),
    _score_case(_L, "if the node doesn't have a resource", _FIT, _pod("pod", [_CM("3000", "4000")]),
                _st_nodes(_CM("6000", "10000"), {"cpu": "6000", "memory": "10000", ABC_XYZ: "4"}), [55, 55],
                args=_LA([{"name": ABC_XYZ, "weight": 2}, {"name": "cpu", "weight": 1},
                          {"name": "memory", "weight": 1}])),
]

_M = "most_allocated_test.go:TestMostAllocatedScoringStrategy"
_MA = lambda res: _fit_args("MostAllocated", res)  # noqa: E731

# most_allocated_test.go: TestMostAllocatedScoringStrategy.
MOST_ALLOCATED_CASES = [
    _score_case(_M, "nothing scheduled, nothing requested", _FIT, _pod("pod"),
                _st_nodes(_CM("4000", "10000"), _CM("4000", "10000")), [0, 0], args=_MA(DEFAULT_RESOURCES)),
    _score_case(_M, "nothing scheduled, resources requested, differently sized nodes", _FIT, _POD_3000_5000,
                _st_nodes(_CM("4000", "10000"), _CM("6000", "10000")), [62, 50], args=_MA(DEFAULT_RESOURCES)),
    _score_case(_M, "Resources not set, pods scheduled with error", _FIT, _POD_3000_5000,
                _st_nodes(_CM("4000", "10000"), _CM("6000", "10000")), [0, 0], args=_MA(None), score_code="Error"),
    _score_case(_M, "no resources requested, pods scheduled with resources", _FIT, _pod("pod"),
                _st_nodes(_CM("10000", "20000"), _CM("10000", "20000")), [30, 42],
                [_existing("node1", _CM("3000", "0")), _existing("node1", _CM("3000", "0")),
                 _existing("node2", _CM("3000", "0")), _existing("node2", _CM("3000", "5000"))],
                args=_MA(DEFAULT_RESOURCES)),
    _score_case(_M, "resources requested, pods scheduled with resources", _FIT, _POD_3000_5000,
                _st_nodes(_CM("10000", "20000"), _CM("10000", "20000")), [42, 55],
                [_existing("node1", _CM("3000", "0")), _existing("node2", _CM("3000", "5000"))],
                args=_MA(DEFAULT_RESOURCES)),
    _score_case(_M, "resources requested equal node capacity", _FIT,
                _pod("pod", [_CM("2000", "4000"), _CM("3000", "5000")]),
                _st_nodes(_CM("5000", "10000"), _CM("10000", "9000")), [95, 75], args=_MA(DEFAULT_RESOURCES)),
    _score_case(_M, "nothing scheduled, resources requested, differently sized nodes (weights memory 2, cpu 1)",
                _FIT, _POD_3000_5000, _st_nodes(_CM("4000", "10000"), _CM("6000", "10000")), [58, 50],
                args=_MA([{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}])),
    _score_case(_M, "no resources requested, pods scheduled, nonzero request for resource", _FIT,
                _pod("pod", [None]), _st_nodes(_CM("250m", "1000Mi"), _CM("250m", "1000Mi")), [80, 30],
                [_existing("node1", None), _existing("node1", None)], args=_MA(DEFAULT_RESOURCES)),
    _score_case(_M, "bypass extended resource if the pod does not request", _FIT, _POD_3000_5000,
                _st_nodes(_CM("6000", "10000"), {"cpu": "6000", "memory": "10000", ABC_XYZ: "4"}), [50, 50],
                args=_MA(EXTENDED_RESOURCE_SET)),
    _score_case(_M, "honor extended resource if the pod request", _FIT,
                _pod("pod", [{"cpu": "3000", "memory": "5000", ABC_XYZ: "2"}]),
                _st_nodes({"cpu": "6000", "memory": "10000", ABC_XYZ: "4"},
                          {"cpu": "6000", "memory": "10000", ABC_XYZ: "10"}), [50, 40],
                args=_MA(EXTENDED_RESOURCE_SET)),
    _score_case(_M, "if the node doesn't have a resource", _FIT, _pod("pod", [_CM("3000", "4000")]),
                _st_nodes(_CM("6000", "10000"), {"cpu": "6000", "memory": "10000", ABC_XYZ: "4"}), [45, 45],
                args=_MA([{"name": ABC_XYZ, "weight": 2}, {"name": "cpu", "weight": 1},
                          {"name": "memory", "weight": 1}])),
]

_C = "requested_to_capacity_ratio_test.go:TestRequestedToCapacityRatioScoringStrategy"
_LEAST_SHAPE = [(0, 10), (100, 0)]
_BIN_SHAPE = [(0, 0), (100, 1)]

# requested_to_capacity_ratio_test.go: TestRequestedToCapacityRatioScoringStrategy.
RTCR_CASES = [
    _score_case(_C, "nothing scheduled, nothing requested (default - least requested nodes have priority)", _FIT,
                _pod("pod"), _st_nodes(_CM("4000", "10000"), _CM("4000", "10000")), [100, 100],
                [_existing("node1"), _existing("node1")],
                args=_fit_args("RequestedToCapacityRatio", DEFAULT_RESOURCES, _LEAST_SHAPE)),
    _score_case(_C, "nothing scheduled, resources requested, differently sized nodes (default - least requested "
                    "nodes have priority)", _FIT, _POD_3000_5000,
                _st_nodes(_CM("4000", "10000"), _CM("6000", "10000")), [38, 50],
                [_existing("node1"), _existing("node1")],
                args=_fit_args("RequestedToCapacityRatio", DEFAULT_RESOURCES, _LEAST_SHAPE)),
    _score_case(_C, "no resources requested, pods scheduled with resources (default - least requested nodes have "
                    "priority)", _FIT, _pod("pod"),
                _st_nodes(_CM("4000", "10000"), _CM("6000", "10000")), [38, 50],
                [_existing("node1", _CM("3000", "5000")), _existing("node2", _CM("3000", "5000"))],
                args=_fit_args("RequestedToCapacityRatio", DEFAULT_RESOURCES, _LEAST_SHAPE)),
]

_X1 = "requested_to_capacity_ratio_test.go:TestResourceBinPackingSingleExtended"
_FOO, _BAR = "intel.com/foo", "intel.com/bar"
_SINGLE_ARGS = _fit_args("RequestedToCapacityRatio", [{"name": _FOO, "weight": 1}], _BIN_SHAPE)
_MB = 1024 * 1024


def _ext_nodes(ext1: Mapping[str, int], ext2: Mapping[str, int]) -> list:
    return [_make_node("node1", 4000, 10000 * _MB, ext1), _make_node("node2", 4000, 10000 * _MB, ext2)]


# requested_to_capacity_ratio_test.go: TestResourceBinPackingSingleExtended.
RTCR_SINGLE_EXTENDED_CASES = [
    _score_case(_X1, "nothing scheduled, nothing requested", _FIT, _pod("pod"),
                _ext_nodes({_FOO: 8}, {_FOO: 4}), [0, 0], args=_SINGLE_ARGS),
    _score_case(_X1, "resources requested, pods scheduled with less resources", _FIT, _pod("pod", [{_FOO: "2"}]),
                _ext_nodes({_FOO: 8}, {_FOO: 4}), [2, 5], args=_SINGLE_ARGS),
    _score_case(_X1, "resources requested, pods scheduled with resources, on node with existing pod running", _FIT,
                _pod("pod", [{_FOO: "2"}]), _ext_nodes({_FOO: 8}, {_FOO: 4}), [2, 10],
                [_existing("node2", {_FOO: "2"})], args=_SINGLE_ARGS),
    _score_case(_X1, "resources requested, pods scheduled with more resources", _FIT, _pod("pod", [{_FOO: "4"}]),
                _ext_nodes({_FOO: 8}, {_FOO: 4}), [5, 10], args=_SINGLE_ARGS),
]

_X2 = "requested_to_capacity_ratio_test.go:TestResourceBinPackingMultipleExtended"
_MULTI_ARGS = _fit_args("RequestedToCapacityRatio", [{"name": _FOO, "weight": 3}, {"name": _BAR, "weight": 5}],
                        _BIN_SHAPE)
_EXT2 = {_FOO: 8, _BAR: 4}  # extendedResources2 (node1)
_EXT1 = {_FOO: 4, _BAR: 8}  # extendedResources1 (node2)

# requested_to_capacity_ratio_test.go: TestResourceBinPackingMultipleExtended.
RTCR_MULTIPLE_EXTENDED_CASES = [
    _score_case(_X2, "nothing scheduled, nothing requested", _FIT, _pod("pod"), _ext_nodes(_EXT2, _EXT1), [0, 0],
                args=_MULTI_ARGS),
    _score_case(_X2, "resources requested, pods scheduled with less resources", _FIT,
                _pod("pod", [{_FOO: "2", _BAR: "2"}]), _ext_nodes(_EXT2, _EXT1), [4, 3], args=_MULTI_ARGS),
    _score_case(_X2, "resources requested, pods scheduled with resources, on node with existing pod running", _FIT,
                _pod("pod", [{_FOO: "2", _BAR: "2"}]), _ext_nodes(_EXT2, _EXT1), [4, 7],
                [_existing("node2", {_FOO: "4", _BAR: "2"})], args=_MULTI_ARGS),
    _score_case(_X2, "resources requested, pods scheduled with more resources", _FIT,
                _pod("pod", [{_FOO: "4", _BAR: "2"}]), _ext_nodes(_EXT2, _EXT1), [5, 5], args=_MULTI_ARGS),
]

_F = "fit_test.go:TestFitScore"
_FIT_NODES = lambda: _st_nodes(_CM("4000", "10000"), _CM("6000", "10000"))  # noqa: E731


def _fit_existing() -> list:
    return [_existing("node1", _CM("2000", "4000")), _existing("node2", _CM("1000", "2000"))]


_POD_3000 = _pod("pod", [_CM("3000", "5000")])
_POD_1000 = _pod("pod", [_CM("1000", "2000")])

# fit_test.go: TestFitScore (without the two DRAExtendedResource cases).
FIT_SCORE_CASES = [
    _score_case(_F, "test case for ScoringStrategy RequestedToCapacityRatio case1", _FIT, _POD_3000, _FIT_NODES(),
                [10, 32], _fit_existing(), args=_fit_args("RequestedToCapacityRatio", DEFAULT_RESOURCES, _LEAST_SHAPE)),
    _score_case(_F, "test case for ScoringStrategy RequestedToCapacityRatio case2", _FIT, _POD_3000, _FIT_NODES(),
                [95, 68], _fit_existing(),
                args=_fit_args("RequestedToCapacityRatio", DEFAULT_RESOURCES, [(0, 0), (100, 10)])),
    _score_case(_F, "test case for ScoringStrategy MostAllocated", _FIT, _POD_1000, _FIT_NODES(), [67, 36],
                _fit_existing(), args=_MA(DEFAULT_RESOURCES)),
    _score_case(_F, "test case for ScoringStrategy LeastAllocated", _FIT, _POD_1000, _FIT_NODES(), [32, 63],
                _fit_existing(), args=_LA(DEFAULT_RESOURCES)),
    _score_case(_F, "test case for ScoringStrategy RequestedToCapacityRatio case1 if PreScore is not called", _FIT,
                _POD_3000, _FIT_NODES(), [10, 32], _fit_existing(),
                args=_fit_args("RequestedToCapacityRatio", DEFAULT_RESOURCES, _LEAST_SHAPE), run_pre_score=False),
    _score_case(_F, "test case for ScoringStrategy MostAllocated if PreScore is not called", _FIT, _POD_1000,
                _FIT_NODES(), [67, 36], _fit_existing(), args=_MA(DEFAULT_RESOURCES), run_pre_score=False),
    _score_case(_F, "test case for ScoringStrategy LeastAllocated if PreScore is not called", _FIT, _POD_1000,
                _FIT_NODES(), [32, 63], _fit_existing(), args=_LA(DEFAULT_RESOURCES), run_pre_score=False),
    _score_case(_F, "test case for ScoringStrategy MostAllocated with sidecar container", _FIT, _POD_1000,
                _st_nodes(_CM("4000", "10000"), _CM("4000", "10000")), [67, 45],
                [_pod("existing-sidecar-1", [_CM("1000", "2000")], sidecars=[_CM("1000", "2000")], node="node1"),
                 _existing("node2", _CM("1000", "2000"))], args=_MA(DEFAULT_RESOURCES)),
    _score_case(_F, "test case for ScoringStrategy LeastAllocated with sidecar container", _FIT, _POD_1000,
                _st_nodes(_CM("4000", "10000"), _CM("4000", "10000")), [32, 55],
                [_pod("existing-sidecar-2", [_CM("1000", "2000")], sidecars=[_CM("1000", "2000")], node="node1"),
                 _existing("node2", _CM("1000", "2000"))], args=_LA(DEFAULT_RESOURCES)),
]

_B = "balanced_allocation_test.go:TestNodeResourcesBalancedAllocation"
_BA_ARGS = {"resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]}
_BA_GPU_ARGS = {"resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1},
                              {"name": GPU, "weight": 1}]}
_CPU_ONLY = [_CM("1000m", "0"), _CM("2000m", "0")]
_CPU_AND_MEMORY = [_CM("1000m", "2000"), _CM("2000m", "3000")]
_CPU_MEMORY_GPU = [_CM("1000m", "2000"), {"cpu": "2000m", "memory": "3000", GPU: "3"}]


def _ba_nodes(n1: tuple, n2: tuple) -> list:
    return [_make_node("node1", *n1), _make_node("node2", *n2)]


def _ba_existing() -> list:
    """``pods: {Spec: cpuOnly} (node1), {Spec: cpuAndMemory} (node2)``."""
    return [_existing("node1", *_CPU_ONLY), _existing("node2", *_CPU_AND_MEMORY)]


# balanced_allocation_test.go: TestNodeResourcesBalancedAllocation (v1.34: standard-deviation score,
# best-effort pods skipped at PreScore).
BALANCED_ALLOCATION_CASES = [
    _score_case(_B, "nothing scheduled, nothing requested, skip in PreScore", _BA, _pod("pod"),
                _ba_nodes((4000, 10000), (4000, 10000)), [], args=_BA_ARGS, pre_score_code="Skip"),
    _score_case(_B, "nothing scheduled, resources requested, differently sized nodes", _BA,
                _pod("pod", _CPU_AND_MEMORY), _ba_nodes((4000, 10000), (6000, 10000)), [87, 100], args=_BA_ARGS),
    _score_case(_B, "resources requested, pods scheduled with resources", _BA, _pod("pod", _CPU_AND_MEMORY),
                _ba_nodes((10000, 20000), (10000, 20000)), [82, 95], _ba_existing(), args=_BA_ARGS),
    _score_case(_B, "resources requested, pods scheduled with resources, differently sized nodes", _BA,
                _pod("pod", _CPU_AND_MEMORY), _ba_nodes((10000, 20000), (10000, 50000)), [82, 80], _ba_existing(),
                args=_BA_ARGS),
    _score_case(_B, "requested resources at node capacity", _BA, _pod("pod", _CPU_ONLY),
                _ba_nodes((6000, 10000), (6000, 10000)), [50, 75], _ba_existing(), args=_BA_ARGS),
    _score_case(_B, "include scalar resource on a node for balanced resource allocation", _BA,
                _pod("pod", [{"memory": "0", GPU: "1"}]),
                _ba_nodes((3500, 40000, {GPU: 8}), (3500, 40000, {GPU: 8})), [70, 65],
                [_existing("node2", *_CPU_AND_MEMORY), _existing("node1", *_CPU_MEMORY_GPU)], args=_BA_GPU_ARGS),
    _score_case(_B, "node without the scalar resource should skip the scalar resource", _BA,
                _pod("pod", _CPU_AND_MEMORY), _ba_nodes((3500, 40000, {GPU: 8}), (3500, 40000)), [63, 63],
                args=_BA_GPU_ARGS),
    _score_case(_B, "resources requested, pods scheduled with resources if PreScore not called", _BA,
                _pod("pod", _CPU_AND_MEMORY), _ba_nodes((10000, 20000), (10000, 20000)), [82, 95], _ba_existing(),
                args=_BA_ARGS, run_pre_score=False),
]

SCORE_CASES = (LEAST_ALLOCATED_CASES + MOST_ALLOCATED_CASES + RTCR_CASES + RTCR_SINGLE_EXTENDED_CASES
               + RTCR_MULTIPLE_EXTENDED_CASES + FIT_SCORE_CASES + BALANCED_ALLOCATION_CASES)


# --------------------------------------------------------------------------- args rejected by the plugin

def _err_case(source: str, name: str, strategy: str, resources: list, field: str) -> dict:
    return {"name": name, "source": source, "args": _fit_args(strategy, resources), "want_error_fields": [field]}


# least_allocated_test.go / most_allocated_test.go: the wantErrs cases of the two tables.
FIT_ARGS_ERROR_CASES = [
    _err_case(_L, "resource with negative weight", "LeastAllocated",
              [{"name": "memory", "weight": -1}, {"name": "cpu", "weight": 1}], "scoringStrategy.resources[0].weight"),
    _err_case(_L, "resource with zero weight", "LeastAllocated",
              [{"name": "memory", "weight": 1}, {"name": "cpu", "weight": 0}], "scoringStrategy.resources[1].weight"),
    _err_case(_L, "resource weight larger than MaxNodeScore", "LeastAllocated",
              [{"name": "memory", "weight": 1}, {"name": "cpu", "weight": 101}], "scoringStrategy.resources[1].weight"),
    _err_case(_M, "resource with negative weight", "MostAllocated",
              [{"name": "memory", "weight": -1}, {"name": "cpu", "weight": 1}], "scoringStrategy.resources[0].weight"),
    _err_case(_M, "resource with zero weight", "MostAllocated",
              [{"name": "memory", "weight": 1}, {"name": "cpu", "weight": 0}], "scoringStrategy.resources[1].weight"),
    _err_case(_M, "resource weight larger than MaxNodeScore", "MostAllocated",
              [{"name": "memory", "weight": 101}], "scoringStrategy.resources[0].weight"),
]


# --------------------------------------------------------------------------- BuildBrokenLinearFunction

_BL = "requested_to_capacity_ratio_test.go:TestBrokenLinearFunction"

# requested_to_capacity_ratio_test.go: TestBrokenLinearFunction.
BROKEN_LINEAR_CASES = [
    {"source": _BL, "points": [(10, 1), (90, 9)],
     "assertions": [(-10, 1), (0, 1), (9, 1), (10, 1), (15, 1), (19, 1), (20, 2), (89, 8), (90, 9), (99, 9),
                    (100, 9), (110, 9)]},
    {"source": _BL, "points": [(0, 2), (40, 10), (100, 0)],
     "assertions": [(-10, 2), (0, 2), (20, 6), (30, 8), (40, 10), (70, 5), (100, 0), (110, 0)]},
    {"source": _BL, "points": [(0, 2), (40, 2), (100, 2)],
     "assertions": [(-10, 2), (0, 2), (20, 2), (30, 2), (40, 2), (70, 2), (100, 2), (110, 2)]},
]

__all__ = [
    "FIT_FILTER_CASES", "ENOUGH_REQUESTS_CASES", "NOT_ENOUGH_REQUESTS_CASES", "STORAGE_REQUESTS_CASES",
    "RESTARTABLE_INIT_CONTAINERS_CASES", "SCORE_CASES", "LEAST_ALLOCATED_CASES", "MOST_ALLOCATED_CASES",
    "RTCR_CASES", "RTCR_SINGLE_EXTENDED_CASES", "RTCR_MULTIPLE_EXTENDED_CASES", "FIT_SCORE_CASES",
    "BALANCED_ALLOCATION_CASES", "FIT_ARGS_ERROR_CASES", "BROKEN_LINEAR_CASES",
]
