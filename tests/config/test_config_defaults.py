"""v1 defaults: default plugins, feature gates, SetDefaults_KubeSchedulerConfiguration, plugin args."""
from __future__ import annotations

import pytest

from kschedule.config import (
    DefaultPreemptionArgs, DynamicResourcesArgs, InterPodAffinityArgs, NodeAffinityArgs,
    NodeResourcesBalancedAllocationArgs, NodeResourcesFitArgs, PodTopologySpreadArgs, ResourceSpec,
    ScoringStrategy, UtilizationShapePoint, VolumeBindingArgs, default_config, default_plugins,
    load_config, resolve_profile,
)
from kschedule.config.defaults import set_defaults_args
from kschedule.plugins import names

HEADER = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration"}

DEFAULT_MULTIPOINT_V1_34 = [
    ("SchedulingGates", None), ("PrioritySort", None), ("NodeUnschedulable", None), ("NodeName", None),
    ("TaintToleration", 3), ("NodeAffinity", 2), ("NodePorts", None), ("NodeResourcesFit", 1),
    ("VolumeRestrictions", None), ("NodeVolumeLimits", None), ("VolumeBinding", None), ("VolumeZone", None),
    ("PodTopologySpread", 2), ("InterPodAffinity", 2), ("DynamicResources", None), ("DefaultPreemption", None),
    ("NodeResourcesBalancedAllocation", 1), ("ImageLocality", 1), ("DefaultBinder", None),
]


def _refs(ps):
    return [(p.name, p.weight) for p in ps.enabled]


# Ported from pkg/scheduler/apis/config/v1/default_plugins_test.go, TestApplyFeatureGates
# (v1.34 list: in-tree volume limit plugins gone; DynamicResources before DefaultPreemption when
# DynamicResourceAllocation is on, which is its v1.34 default).
@pytest.mark.parametrize("features,want", [
    ({"DynamicResourceAllocation": False},
     [r for r in DEFAULT_MULTIPOINT_V1_34 if r[0] != "DynamicResources"]),
    ({"DynamicResourceAllocation": True}, DEFAULT_MULTIPOINT_V1_34),
    (None, DEFAULT_MULTIPOINT_V1_34),
])
def test_apply_feature_gates(features, want):
    plugins = default_plugins(features)
    assert _refs(plugins["multiPoint"]) == want
    for key, ps in plugins.items():
        if key != "multiPoint":
            assert ps.enabled == [] and ps.disabled == []


def _default_plugin_configs():
    return {
        "DefaultPreemption": DefaultPreemptionArgs(10, 100),
        "DynamicResources": DynamicResourcesArgs(10.0),
        "InterPodAffinity": InterPodAffinityArgs(1),
        "NodeAffinity": NodeAffinityArgs(None),
        "NodeResourcesBalancedAllocation": NodeResourcesBalancedAllocationArgs(
            [ResourceSpec("cpu", 1), ResourceSpec("memory", 1)]),
        "NodeResourcesFit": NodeResourcesFitArgs(
            [], [], ScoringStrategy("LeastAllocated", [ResourceSpec("cpu", 1), ResourceSpec("memory", 1)])),
        "PodTopologySpread": PodTopologySpreadArgs([], "System"),
        "VolumeBinding": VolumeBindingArgs(600, None),
    }


def _check_top_level_defaults(cfg, parallelism=16, pct=0, delay=False):
    assert cfg.parallelism == parallelism
    assert cfg.percentage_of_nodes_to_score == pct
    assert cfg.pod_initial_backoff_seconds == 1 and cfg.pod_max_backoff_seconds == 10
    assert cfg.enable_profiling is True and cfg.enable_contention_profiling is True
    assert cfg.delay_cache_until_active is delay
    assert cfg.leader_election == {
        "leaderElect": True, "leaseDuration": "15s", "renewDeadline": "10s", "retryPeriod": "2s",
        "resourceLock": "leases", "resourceNamespace": "kube-system", "resourceName": "kube-scheduler"}
    assert cfg.client_connection["qps"] == 50 and cfg.client_connection["burst"] == 100
    assert cfg.client_connection["contentType"] == "application/vnd.kubernetes.protobuf"


# Ported from pkg/scheduler/apis/config/v1/defaults_test.go, TestSchedulerDefaults.
# Plugin configs follow the sorted pluginsNames order; v1.34 adds DynamicResourcesArgs (filterTimeout 10s).
@pytest.mark.parametrize("name,extra,parallelism,pct,profile_pct,delay", [
    ("empty config", {}, 16, 0, None, False),
    ("no scheduler name", {"profiles": [{}]}, 16, 0, None, False),
    ("Prallelism with no port", {"parallelism": 16}, 16, 0, None, False),
    ("set non default parallelism", {"parallelism": 8}, 8, 0, None, False),
    ("set non default delayCacheUntilActive", {"delayCacheUntilActive": True}, 16, 0, None, True),
    ("set non default global percentageOfNodesToScore", {"percentageOfNodesToScore": 50}, 16, 50, None, False),
    ("set non default profile percentageOfNodesToScore",
     {"profiles": [{"percentageOfNodesToScore": 50}]}, 16, 0, 50, False),
    ("set non default global and profile percentageOfNodesToScore",
     {"percentageOfNodesToScore": 10, "profiles": [{"percentageOfNodesToScore": 50}]}, 16, 10, 50, False),
])
def test_scheduler_defaults(name, extra, parallelism, pct, profile_pct, delay):
    cfg = load_config({**HEADER, **extra})
    _check_top_level_defaults(cfg, parallelism, pct, delay)
    assert len(cfg.profiles) == 1
    prof = cfg.profiles[0]
    assert prof.scheduler_name == "default-scheduler"
    assert prof.percentage_of_nodes_to_score == profile_pct
    assert _refs(prof.plugins["multiPoint"]) == DEFAULT_MULTIPOINT_V1_34
    assert prof.plugin_config == _default_plugin_configs()
    assert list(prof.plugin_config) == sorted(prof.plugin_config)


def test_scheduler_defaults_two_profiles():
    # TestSchedulerDefaults "two profiles": FooPlugin config kept first, defaults appended sorted;
    # the custom Bind set replaces DefaultBinder with BarPlugin at Bind only.
    cfg = load_config({**HEADER, "parallelism": 16, "profiles": [
        {"schedulerName": "default-scheduler", "pluginConfig": [{"name": "FooPlugin"}]},
        {"schedulerName": "custom-scheduler", "plugins": {"bind": {
            "enabled": [{"name": "BarPlugin"}], "disabled": [{"name": "DefaultBinder"}]}}},
    ]})
    p0, p1 = cfg.profiles
    assert list(p0.plugin_config) == ["FooPlugin"] + sorted(_default_plugin_configs())
    assert p0.plugin_config["FooPlugin"] is None
    assert p1.scheduler_name == "custom-scheduler"
    assert _refs(p1.plugins["multiPoint"]) == DEFAULT_MULTIPOINT_V1_34
    assert _refs(p1.plugins["bind"]) == [("BarPlugin", None)]
    assert [p.name for p in p1.plugins["bind"].disabled] == ["DefaultBinder"]
    assert p1.plugin_config == _default_plugin_configs()


def test_scheduler_defaults_unknown_plugin_config():
    # TestSchedulerDefaults "unknown plugin config": out-of-tree args are kept as given, not defaulted.
    cfg = load_config({**HEADER, "profiles": [{"pluginConfig": [
        {"name": "OutOfTree", "args": {"foo": "bar"}}]}]})
    assert cfg.profiles[0].plugin_config["OutOfTree"] == {"foo": "bar"}
    assert cfg.profiles[0].scheduler_name == "default-scheduler"


def test_two_profiles_without_names_get_no_default_name():
    # Only a single profile is given the default name; validation then requires names.
    from kschedule.errors import InvalidConfig
    with pytest.raises(InvalidConfig) as ei:
        load_config({**HEADER, "profiles": [{}, {}]})
    assert "profiles[0].schedulerName: Required value" in str(ei.value)


def test_default_config_matches_empty_load():
    assert default_config() == load_config(dict(HEADER))


# Ported from pkg/scheduler/apis/config/v1/defaults_test.go, TestPluginArgsDefaults.
@pytest.mark.parametrize("name,features,args,want", [
    ("DefaultPreemptionArgs empty", None, DefaultPreemptionArgs(), DefaultPreemptionArgs(10, 100)),
    ("DefaultPreemptionArgs with value", None, DefaultPreemptionArgs(50), DefaultPreemptionArgs(50, 100)),
    ("InterPodAffinityArgs empty", None, InterPodAffinityArgs(), InterPodAffinityArgs(1)),
    ("InterPodAffinityArgs explicit 0", None, InterPodAffinityArgs(0), InterPodAffinityArgs(0)),
    ("InterPodAffinityArgs with value", None, InterPodAffinityArgs(5), InterPodAffinityArgs(5)),
    ("NodeResourcesBalancedAllocationArgs resources empty", None, NodeResourcesBalancedAllocationArgs(),
     NodeResourcesBalancedAllocationArgs([ResourceSpec("cpu", 1), ResourceSpec("memory", 1)])),
    ("NodeResourcesBalancedAllocationArgs with scalar resource", None,
     NodeResourcesBalancedAllocationArgs([ResourceSpec("scalar.io/scalar1", 1)]),
     NodeResourcesBalancedAllocationArgs([ResourceSpec("scalar.io/scalar1", 1)])),
    ("NodeResourcesBalancedAllocationArgs with mixed resources", None,
     NodeResourcesBalancedAllocationArgs([ResourceSpec("cpu", 1), ResourceSpec("scalar.io/scalar1", 1)]),
     NodeResourcesBalancedAllocationArgs([ResourceSpec("cpu", 1), ResourceSpec("scalar.io/scalar1", 1)])),
    ("NodeResourcesBalancedAllocationArgs have resource no weight", None,
     NodeResourcesBalancedAllocationArgs([ResourceSpec("cpu"), ResourceSpec("scalar.io/scalar0"),
                                          ResourceSpec("scalar.io/scalar1", 1)]),
     NodeResourcesBalancedAllocationArgs([ResourceSpec("cpu", 1), ResourceSpec("scalar.io/scalar0", 1),
                                          ResourceSpec("scalar.io/scalar1", 1)])),
    ("PodTopologySpreadArgs resources empty", None, PodTopologySpreadArgs(), PodTopologySpreadArgs([], "System")),
    ("PodTopologySpreadArgs resources with value", None,
     PodTopologySpreadArgs([{"topologyKey": "planet", "whenUnsatisfiable": "DoNotSchedule", "maxSkew": 2}]),
     PodTopologySpreadArgs([{"topologyKey": "planet", "whenUnsatisfiable": "DoNotSchedule", "maxSkew": 2}], "System")),
    ("NodeResourcesFitArgs not set", None, NodeResourcesFitArgs(),
     NodeResourcesFitArgs(scoring_strategy=ScoringStrategy("LeastAllocated", [ResourceSpec("cpu", 1), ResourceSpec("memory", 1)]))),
    ("NodeResourcesFitArgs Resources empty", None, NodeResourcesFitArgs(scoring_strategy=ScoringStrategy("MostAllocated")),
     NodeResourcesFitArgs(scoring_strategy=ScoringStrategy("MostAllocated", [ResourceSpec("cpu", 1), ResourceSpec("memory", 1)]))),
    ("VolumeBindingArgs empty, StorageCapacityScoring disabled", {"StorageCapacityScoring": False},
     VolumeBindingArgs(), VolumeBindingArgs(600, None)),
    ("VolumeBindingArgs empty, StorageCapacityScoring enabled", {"StorageCapacityScoring": True},
     VolumeBindingArgs(), VolumeBindingArgs(600, [UtilizationShapePoint(0, 10), UtilizationShapePoint(100, 0)])),
    # v1.34 DynamicResourcesArgs (defaults.go SetDefaults_DynamicResourcesArgs).
    ("DynamicResourcesArgs empty", None, DynamicResourcesArgs(), DynamicResourcesArgs(10.0)),
    ("DynamicResourcesArgs gate off", {"DRASchedulerFilterTimeout": False}, DynamicResourcesArgs(), DynamicResourcesArgs(None)),
    ("DynamicResourcesArgs with value", None, DynamicResourcesArgs(0.5), DynamicResourcesArgs(0.5)),
])
def test_plugin_args_defaults(name, features, args, want):
    set_defaults_args(args, features)
    assert args == want


def test_fit_args_zero_weight_defaults_to_one():
    a = NodeResourcesFitArgs(scoring_strategy=ScoringStrategy("LeastAllocated", [ResourceSpec("cpu", 0), ResourceSpec("memory", 7)]))
    set_defaults_args(a)
    assert [r.weight for r in a.scoring_strategy.resources] == [1, 7]


def test_default_profile_expansion_v1_34():
    """The v1.34 default profile after multiPoint expansion (upstream testing/defaults ExpandedPluginsV1,
    without the removed volume limit plugins and with DynamicResources)."""
    r = resolve_profile(default_config().profiles[0])
    assert r.pre_enqueue == [names.SchedulingGates, names.DynamicResources, names.DefaultPreemption]
    assert r.queue_sort == [names.PrioritySort]
    assert r.pre_filter == [names.NodeAffinity, names.NodePorts, names.NodeResourcesFit, names.VolumeRestrictions,
                            names.NodeVolumeLimits, names.VolumeBinding, names.VolumeZone,
                            names.PodTopologySpread, names.InterPodAffinity, names.DynamicResources]
    assert r.filter == [names.NodeUnschedulable, names.NodeName, names.TaintToleration, names.NodeAffinity,
                        names.NodePorts, names.NodeResourcesFit, names.VolumeRestrictions, names.NodeVolumeLimits,
                        names.VolumeBinding, names.VolumeZone, names.PodTopologySpread, names.InterPodAffinity,
                        names.DynamicResources]
    assert r.post_filter == [names.DynamicResources, names.DefaultPreemption]
    assert r.pre_score == [names.TaintToleration, names.NodeAffinity, names.NodeResourcesFit, names.VolumeBinding,
                           names.PodTopologySpread, names.InterPodAffinity, names.NodeResourcesBalancedAllocation]
    assert r.score == [(names.TaintToleration, 3), (names.NodeAffinity, 2), (names.NodeResourcesFit, 1),
                       (names.VolumeBinding, 1), (names.PodTopologySpread, 2), (names.InterPodAffinity, 2),
                       (names.NodeResourcesBalancedAllocation, 1), (names.ImageLocality, 1)]
    assert r.reserve == [names.VolumeBinding, names.DynamicResources]
    assert r.pre_bind == [names.VolumeBinding, names.DynamicResources]
    assert r.bind == [names.DefaultBinder]
    assert r.permit == [] and r.post_bind == []
    assert r.normalize == [names.TaintToleration, names.NodeAffinity, names.PodTopologySpread, names.InterPodAffinity]
    assert set(r.args) == set(_default_plugin_configs())


def test_default_profile_without_dra():
    r = resolve_profile(default_config({"DynamicResourceAllocation": False}).profiles[0])
    assert names.DynamicResources not in r.filter + r.pre_enqueue + r.post_filter
    assert r.post_filter == [names.DefaultPreemption]
