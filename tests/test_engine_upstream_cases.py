"""The ported upstream plugin tables run through the engine (``Scheduler.explain``: static per-class
evaluation in :mod:`kschedule.framework.static` plus the C++ batch kernel in ``csrc/schedule.cpp``).

The same tables are run against the pure-Python references in ``tests/plugins/*_reference.py``; here
each case becomes a cluster (``Cluster.from_objects``) and a single-plugin profile, and the case's
expected Filter status or normalized score is read from the explanation.

How upstream's unit-test shapes map onto one scheduling cycle:

* Filter tables have one node; ``ex.filter[node]`` must equal the case's status (plugin, code, reasons).
* Score tables: upstream calls Score/NormalizeScore directly on every node, with no Filter. The
  NodeResourcesFit filter is therefore disabled in score profiles (some cases score nodes that Fit would
  reject, e.g. zero allocatable); every node is then feasible and scored.
* Plugin args are handed to the plugin as upstream's tests do, *without* v1 defaulting (a missing
  ``scoringStrategy.resources`` stays empty): the profile is resolved from a KubeSchedulerConfiguration
  and its args are replaced by ``decode_plugin_args`` of the case's args.
* The engine always runs PreFilter and PreScore; cases that only differ from others by skipping
  PreFilter/PreScore are run normally (the plugins compute the same result either way).

Cases left out, with the reason in the skip: ``apiserver_rejects`` (the engine validates pods like the
v1.34 apiserver), ``features`` (gates kschedule does not expose), ``skip``, and NodeAffinity cases whose
PreFilter result or PreFilter status decides the node's fate before its Filter runs.
"""
from __future__ import annotations

import copy
import dataclasses

import pytest

import kschedule as ks
from kschedule.config.load import decode_plugin_args
from kschedule.framework.profile import PluginRegistry, Profile
from kschedule.plugins.cases import node_cases as NC
from kschedule.plugins.cases import noderesources_cases as RC

FIT = "NodeResourcesFit"
BALANCED = "NodeResourcesBalancedAllocation"


# --------------------------------------------------------------------------------------------- helpers

def make_profile(plugins, args=None, *, fit_filter=True) -> Profile:
    """A profile running only ``plugins`` (plus the mandatory queue sort and binder), with ``args``
    ({plugin: v1 JSON args}) decoded but not defaulted, as upstream's plugin tests pass them."""
    enabled = [{"name": "PrioritySort"}, {"name": "DefaultBinder"}] + [{"name": p} for p in plugins]
    plugin_sets: dict = {"multiPoint": {"enabled": enabled, "disabled": [{"name": "*"}]}}
    if not fit_filter:
        plugin_sets["filter"] = {"disabled": [{"name": FIT}]}
    cfg = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
           "profiles": [{"schedulerName": "default-scheduler", "plugins": plugin_sets}]}
    base = Profile.from_config(cfg)
    resolved = base.resolved
    if args:
        decoded = dict(resolved.args)
        for name, raw in args.items():
            decoded[name] = decode_plugin_args(name, raw)
        resolved = dataclasses.replace(resolved, args=decoded)
    return Profile(resolved, PluginRegistry(), base.global_percentage)


def explain(nodes, existing_pods, pod, profile):
    cluster = ks.Cluster.from_objects(nodes=nodes, pods=list(existing_pods))
    return ks.Scheduler(cluster, profile).explain(pod)


def status_tuple(s):
    return (s.code, s.plugin, tuple(s.reasons))


def want_status(plugin, want):
    """Upstream ``None`` (Success) or ``{"code", "reasons"}`` as the engine's (code, plugin, reasons)."""
    if want is None:
        return ("Success", "", ())
    return (want["code"], plugin, tuple(want["reasons"]))


def bound_to(pods, node_name):
    out = []
    for p in pods:
        q = copy.deepcopy(p)
        q["spec"]["nodeName"] = node_name
        out.append(q)
    return out


def skip_reason(case):
    if case.get("skip"):
        return case["skip"]
    if case.get("apiserver_rejects"):
        return "the v1.34 apiserver (and kschedule's pod parser) rejects this pod; upstream builds it in Go"
    if any(case.get("features") or {}):
        return f"needs feature gate(s) {sorted(k for k, v in case['features'].items() if v)}"
    if case.get("features"):
        return "sets feature gates explicitly; kschedule has no feature-gate switch"
    return None


def params(cases, *, extra_skip=None, xfails=None, id_len=90):
    """pytest params: skips (with reason) and strict xfails (engine discrepancies) attached."""
    out = []
    for c in cases:
        cid = c["name"][:id_len]
        if "source" in c:
            cid = f"{c['source'].split(':')[1]}/{cid}"
        marks = []
        reason = skip_reason(c) or (extra_skip(c) if extra_skip else None)
        if reason:
            marks.append(pytest.mark.skip(reason=reason))
        elif xfails and c["name"] in xfails:
            marks.append(pytest.mark.xfail(strict=True, reason=xfails[c["name"]]))
        out.append(pytest.param(c, id=cid, marks=marks))
    return out


# ====================================================================================== NodeResourcesFit

# fit_test.go: TestEnoughRequests, TestNotEnoughRequests, TestStorageRequests, TestRestartableInitContainers
# (kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources, v1.34 expectations).
@pytest.mark.parametrize("case", params(RC.FIT_FILTER_CASES))
def test_fit_filter_upstream_tables(case):
    profile = make_profile([FIT], {FIT: case["args"]})
    ex = explain([case["node"]], case["existing_pods"], case["pod"], profile)
    got = ex.filter["node"]
    plugin = FIT if case["want_code"] != "Success" else ""
    assert status_tuple(got) == (case["want_code"], plugin, tuple(case["want_reasons"]))
    assert (ex.selected == "node") == (case["want_code"] == "Success")


_FIT_SCORE = [c for c in RC.SCORE_CASES if c["plugin"] == FIT]
_SCORE_ERROR = ("engine discrepancy: with scoringStrategy.resources empty (args not v1-defaulted, as upstream's "
                "table passes them) upstream Score returns Error 'resources not found' on every node, so the "
                "cycle fails with an Error; explain instead scores NodeResourcesFit 0 on both nodes, reports no "
                "error and selects node1 (kschedule/scheduler.py _fit_config passes rows=[] to the kernel). "
                "Unreachable through KubeSchedulerConfiguration, whose defaulting fills cpu/memory.")
_FIT_SCORE_XFAIL = {"Resources not set, pods scheduled with error": _SCORE_ERROR}


# least_allocated_test.go: TestLeastAllocatedScoringStrategy; most_allocated_test.go:
# TestMostAllocatedScoringStrategy; requested_to_capacity_ratio_test.go:
# TestRequestedToCapacityRatioScoringStrategy, TestResourceBinPackingSingleExtended,
# TestResourceBinPackingMultipleExtended; fit_test.go: TestFitScore (noderesources, v1.34).
@pytest.mark.parametrize("case", params(_FIT_SCORE, xfails=_FIT_SCORE_XFAIL))
def test_fit_score_upstream_tables(case):
    profile = make_profile([FIT], {FIT: case["args"]}, fit_filter=False)
    ex = explain(case["nodes"], case["existing_pods"], case["pod"], profile)
    names = [n["metadata"]["name"] for n in case["nodes"]]
    assert all(ex.filter[n].code == "Success" for n in names)
    if case["want_score_code"] != "Success":
        # Upstream Score returns an Error status: the cycle fails, no node is selected.
        assert ex.selected is None
        return
    got = [(n, ex.scores[n][FIT]) for n in names]
    assert got == case["want_scores"]


def _config_with_fit_args(args):
    return {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
            "profiles": [{"schedulerName": "default-scheduler",
                          "pluginConfig": [{"name": FIT, "args": args}]}]}


def _zero_weight_skip(case):
    if any(r.get("weight") == 0 for r in case["args"]["scoringStrategy"]["resources"]):
        # v1 SetDefaults_NodeResourcesFitArgs turns weight 0 into 1 before validation; upstream's table
        # validates internal args that never went through defaulting.
        return "v1 defaulting turns a zero resource weight into 1: the configuration is valid"
    return None


# least_allocated_test.go / most_allocated_test.go: the wantErrs cases, through Profile.from_config
# (defaulting + validation of a KubeSchedulerConfiguration) instead of the plugin constructor.
@pytest.mark.parametrize("case", params(RC.FIT_ARGS_ERROR_CASES, extra_skip=_zero_weight_skip))
def test_fit_args_rejected_by_profile(case):
    with pytest.raises(ks.InvalidConfig) as err:
        Profile.from_config(_config_with_fit_args(case["args"]))
    assert [e.field for e in err.value.errors] == [f"profiles[0].pluginConfig[0].args.{f}"
                                                    for f in case["want_error_fields"]]


_BA_SCORE = [c for c in RC.SCORE_CASES if c["plugin"] == BALANCED]


# balanced_allocation_test.go: TestNodeResourcesBalancedAllocation
# (kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources, v1.34 std-dev formula).
@pytest.mark.parametrize("case", params(_BA_SCORE))
def test_balanced_allocation_upstream_table(case):
    profile = make_profile([BALANCED], {BALANCED: case["args"]})
    ex = explain(case["nodes"], case["existing_pods"], case["pod"], profile)
    names = [n["metadata"]["name"] for n in case["nodes"]]
    if case["run_pre_score"] and case["want_pre_score_code"] == "Skip":
        # Skipped at PreScore: the plugin is absent from every node's scores.
        assert all(BALANCED not in ex.scores[n] for n in names)
        assert case["want_scores"] == []
        return
    got = [(n, ex.scores[n][BALANCED]) for n in names]
    assert got == case["want_scores"]


# ===================================================================================== TaintToleration

_TT_FILTER = NC.TAINT_TOLERATION_FILTER_CASES + NC.TAINT_TOLERATION_FILTER_GATE_CASES


# pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go: TestTaintTolerationFilter,
# TestTaintTolerationFilterWithFeatureGate
@pytest.mark.parametrize("case", params(_TT_FILTER))
def test_taint_toleration_filter_upstream_table(case):
    ex = explain([case["node"]], [], case["pod"], make_profile(["TaintToleration"]))
    name = case["node"]["metadata"]["name"]
    assert status_tuple(ex.filter[name]) == want_status("TaintToleration", case["want"])


# pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go: TestTaintTolerationScore
@pytest.mark.parametrize("case", params(NC.TAINT_TOLERATION_SCORE_CASES))
def test_taint_toleration_score_upstream_table(case):
    ex = explain(case["nodes"], case["existing_pods"], case["pod"], make_profile(["TaintToleration"]))
    got = [(n, ex.scores[n]["TaintToleration"]) for n, _ in case["want"]]
    assert got == case["want"]


# ======================================================================================== NodeAffinity

def _affinity_filter_skip(case):
    if case["want_pre_filter"] is not None and case["want_pre_filter"]["code"] != "Skip":
        return ("PreFilter fails (" + case["want_pre_filter"]["reasons"][0] + "): upstream never runs Filter "
                "for the node; the table's Filter expectation has no engine counterpart")
    names = case["want_pre_filter_result"]
    if names is not None and case["node"]["metadata"]["name"] not in names:
        return ("PreFilterResult excludes the node: upstream never runs Filter on it (the cycle reports "
                "'didn't satisfy plugin(s)'); the table's Filter expectation has no engine counterpart")
    return None


# pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go: TestNodeAffinity
@pytest.mark.parametrize("case", params(NC.NODE_AFFINITY_FILTER_CASES, extra_skip=_affinity_filter_skip))
def test_node_affinity_filter_upstream_table(case):
    args = {"NodeAffinity": case["args"]} if case["args"] is not None else None
    ex = explain([case["node"]], [], case["pod"], make_profile(["NodeAffinity"], args))
    name = case["node"]["metadata"]["name"]
    assert status_tuple(ex.filter[name]) == want_status("NodeAffinity", case["want"])


# pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go: TestNodeAffinityPriority
@pytest.mark.parametrize("case", params(NC.NODE_AFFINITY_SCORE_CASES))
def test_node_affinity_score_upstream_table(case):
    args = {"NodeAffinity": case["args"]} if case["args"] is not None else None
    ex = explain(case["nodes"], case["existing_pods"], case["pod"], make_profile(["NodeAffinity"], args))
    names = [n["metadata"]["name"] for n in case["nodes"]]
    skipped_at_pre_score = case["want_pre_score"] is not None and case["want_pre_score"]["code"] == "Skip"
    if skipped_at_pre_score or (not case["run_pre_score"] and not any(s for _, s in case["want"])):
        # PreScore skips (no preferred terms): the plugin is absent from the scores. The upstream case
        # that does not call PreScore expects 0 everywhere, the score a skipped plugin contributes.
        assert all("NodeAffinity" not in ex.scores.get(n, {}) for n in names)
        return
    got = [(n, ex.scores[n]["NodeAffinity"]) for n in names]
    assert got == case["want"]


# ================================================================== NodeName, NodeUnschedulable, NodePorts

# pkg/scheduler/framework/plugins/nodename/node_name_test.go: TestNodeName
# (the incoming pod carries spec.nodeName; explain evaluates it as a pending pod).
@pytest.mark.parametrize("case", params(NC.NODE_NAME_CASES))
def test_node_name_upstream_table(case):
    ex = explain([case["node"]], [], case["pod"], make_profile(["NodeName"]))
    name = case["node"]["metadata"]["name"]
    assert status_tuple(ex.filter[name]) == want_status("NodeName", case["want"])


# pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable_test.go: TestNodeUnschedulable
@pytest.mark.parametrize("case", params(NC.NODE_UNSCHEDULABLE_CASES))
def test_node_unschedulable_upstream_table(case):
    ex = explain([case["node"]], [], case["pod"], make_profile(["NodeUnschedulable"]))
    name = case["node"]["metadata"]["name"]
    assert status_tuple(ex.filter[name]) == want_status("NodeUnschedulable", case["want"])


# pkg/scheduler/framework/plugins/nodeports/node_ports_test.go: TestNodePorts
# (a PreFilter Skip means Filter passes every node).
@pytest.mark.parametrize("case", params(NC.NODE_PORTS_CASES))
def test_node_ports_upstream_table(case):
    name = case["node"]["metadata"]["name"]
    ex = explain([case["node"]], bound_to(case["existing_pods"], name), case["pod"], make_profile(["NodePorts"]))
    assert status_tuple(ex.filter[name]) == want_status("NodePorts", case["want"])


_NO_FREE_PORTS = {"code": "Unschedulable", "reasons": ["node(s) didn't have free ports for the requested pod ports"]}


# pkg/scheduler/framework/plugins/nodeports/node_ports_test.go: TestFits (fits <=> Filter Success)
@pytest.mark.parametrize("case", params(NC.NODE_PORTS_FITS_CASES))
def test_node_ports_fits_upstream_table(case):
    node = NC._node("m1")
    ex = explain([node], bound_to(case["existing_pods"], "m1"), case["pod"], make_profile(["NodePorts"]))
    assert status_tuple(ex.filter["m1"]) == want_status("NodePorts", None if case["fits"] else _NO_FREE_PORTS)


# ======================================================================================= ImageLocality

# pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go: TestImageLocalityPriority
@pytest.mark.parametrize("case", params(NC.IMAGE_LOCALITY_CASES))
def test_image_locality_upstream_table(case):
    ex = explain(case["nodes"], case["existing_pods"], case["pod"], make_profile(["ImageLocality"]))
    got = [(n, ex.scores[n]["ImageLocality"]) for n, _ in case["want"]]
    assert got == case["want"]
