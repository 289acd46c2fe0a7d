"""v1 defaulting of KubeSchedulerConfiguration and plugin args (Kubernetes v1.34).

Upstream: ``pkg/scheduler/apis/config/v1/default_plugins.go`` (``getDefaultPlugins``,
``applyFeatureGates``) and ``defaults.go`` (``SetDefaults_*``), with
``component-base/config/v1alpha1`` for the leader-election / client-connection defaults.

v1.34 choices: the default multiPoint list has no in-tree volume limit plugins; ``DynamicResources``
is inserted before ``DefaultPreemption`` (DRA GA, gate on); ``DynamicResourcesArgs.filterTimeout``
defaults to 10s (DRASchedulerFilterTimeout, beta/on in 1.34); ``VolumeBindingArgs.shape`` stays
unset because StorageCapacityScoring is alpha (off). Feature gates can be overridden per call.
"""
from __future__ import annotations

import copy
from typing import Any, Mapping

from ..plugins import names
from .merge import merge_plugins
from .types import (
    ARGS_TYPES, DEFAULT_SCHEDULER_NAME, LEAST_ALLOCATED, MAX_CUSTOM_PRIORITY_SCORE,
    PLUGIN_SET_KEYS, SYSTEM_DEFAULTING, DefaultPreemptionArgs, DynamicResourcesArgs,
    InterPodAffinityArgs, NodeAffinityArgs, NodeResourcesBalancedAllocationArgs,
    NodeResourcesFitArgs, PluginRef, PluginSet, PodTopologySpreadArgs, ProfileConfig,
    ResourceSpec, SchedulerConfig, ScoringStrategy, UtilizationShapePoint, VolumeBindingArgs,
    empty_plugins,
)

#: Feature gates that change v1 defaults, with their v1.34 default values.
FEATURE_GATES_V1_34: dict[str, bool] = {
    "DynamicResourceAllocation": True,
    "DRASchedulerFilterTimeout": True,
    "StorageCapacityScoring": False,
}

DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE = 0
DEFAULT_FILTER_TIMEOUT_SECONDS = 10.0
DEFAULT_BIND_TIMEOUT_SECONDS = 600


def feature_gates(overrides: Mapping[str, bool] | None = None) -> dict[str, bool]:
    gates = dict(FEATURE_GATES_V1_34)
    if overrides:
        unknown = set(overrides) - set(gates)
        if unknown:
            raise ValueError(f"unknown feature gate(s): {sorted(unknown)}")
        gates.update(overrides)
    return gates


def default_resource_spec() -> list[ResourceSpec]:
    return [ResourceSpec("cpu", 1), ResourceSpec("memory", 1)]


def default_plugins(features: Mapping[str, bool] | None = None) -> dict[str, PluginSet]:
    """``getDefaultPlugins``: one multiPoint list; the other extension points are empty."""
    enabled = [
        PluginRef(names.SchedulingGates),
        PluginRef(names.PrioritySort),
        PluginRef(names.NodeUnschedulable),
        PluginRef(names.NodeName),
        PluginRef(names.TaintToleration, 3),
        PluginRef(names.NodeAffinity, 2),
        PluginRef(names.NodePorts),
        PluginRef(names.NodeResourcesFit, 1),
        PluginRef(names.VolumeRestrictions),
        PluginRef(names.NodeVolumeLimits),
        PluginRef(names.VolumeBinding),
        PluginRef(names.VolumeZone),
        PluginRef(names.PodTopologySpread, 2),
        PluginRef(names.InterPodAffinity, 2),
        PluginRef(names.DefaultPreemption),
        PluginRef(names.NodeResourcesBalancedAllocation, 1),
        PluginRef(names.ImageLocality, 1),
        PluginRef(names.DefaultBinder),
    ]
    plugins = empty_plugins()
    plugins["multiPoint"].enabled = enabled
    apply_feature_gates(plugins, features)
    return plugins


def apply_feature_gates(plugins: dict[str, PluginSet], features: Mapping[str, bool] | None = None) -> None:
    """``applyFeatureGates``: DynamicResources goes right before DefaultPreemption, so that a
    PostFilter first tries to deallocate an idle ResourceClaim before evicting pods."""
    if not feature_gates(features)["DynamicResourceAllocation"]:
        return
    enabled = plugins["multiPoint"].enabled
    for i, p in enumerate(enabled):
        if p.name == names.DefaultPreemption:
            enabled.insert(i, PluginRef(names.DynamicResources))
            break


# --------------------------------------------------------------------------- plugin args

def set_defaults_default_preemption_args(a: DefaultPreemptionArgs) -> None:
    if a.min_candidate_nodes_percentage is None:
        a.min_candidate_nodes_percentage = 10
    if a.min_candidate_nodes_absolute is None:
        a.min_candidate_nodes_absolute = 100


def set_defaults_inter_pod_affinity_args(a: InterPodAffinityArgs) -> None:
    if a.hard_pod_affinity_weight is None:
        a.hard_pod_affinity_weight = 1


def set_defaults_volume_binding_args(a: VolumeBindingArgs, features: Mapping[str, bool] | None = None) -> None:
    if a.bind_timeout_seconds is None:
        a.bind_timeout_seconds = DEFAULT_BIND_TIMEOUT_SECONDS
    if not a.shape and feature_gates(features)["StorageCapacityScoring"]:
        # Prefer nodes whose provisioned volumes leave most capacity free.
        a.shape = [UtilizationShapePoint(0, MAX_CUSTOM_PRIORITY_SCORE), UtilizationShapePoint(100, 0)]


def set_defaults_balanced_allocation_args(a: NodeResourcesBalancedAllocationArgs) -> None:
    if not a.resources:
        a.resources = default_resource_spec()
        return
    for r in a.resources:
        if r.weight == 0:
            r.weight = 1


def set_defaults_pod_topology_spread_args(a: PodTopologySpreadArgs) -> None:
    if a.defaulting_type == "":
        a.defaulting_type = SYSTEM_DEFAULTING


def set_defaults_fit_args(a: NodeResourcesFitArgs) -> None:
    if a.scoring_strategy is None:
        a.scoring_strategy = ScoringStrategy(LEAST_ALLOCATED, default_resource_spec())
    if not a.scoring_strategy.resources:
        a.scoring_strategy.resources = default_resource_spec()
    for r in a.scoring_strategy.resources:
        if r.weight == 0:
            r.weight = 1


def set_defaults_dynamic_resources_args(a: DynamicResourcesArgs, features: Mapping[str, bool] | None = None) -> None:
    if a.filter_timeout_seconds is None and feature_gates(features)["DRASchedulerFilterTimeout"]:
        a.filter_timeout_seconds = DEFAULT_FILTER_TIMEOUT_SECONDS


def set_defaults_args(args: Any, features: Mapping[str, bool] | None = None) -> None:
    """``scheme.Default(args)`` for any typed args object (others are left alone)."""
    if isinstance(args, DefaultPreemptionArgs):
        set_defaults_default_preemption_args(args)
    elif isinstance(args, InterPodAffinityArgs):
        set_defaults_inter_pod_affinity_args(args)
    elif isinstance(args, VolumeBindingArgs):
        set_defaults_volume_binding_args(args, features)
    elif isinstance(args, NodeResourcesBalancedAllocationArgs):
        set_defaults_balanced_allocation_args(args)
    elif isinstance(args, PodTopologySpreadArgs):
        set_defaults_pod_topology_spread_args(args)
    elif isinstance(args, NodeResourcesFitArgs):
        set_defaults_fit_args(args)
    elif isinstance(args, DynamicResourcesArgs):
        set_defaults_dynamic_resources_args(args, features)
    elif isinstance(args, NodeAffinityArgs):
        pass


def new_default_args(plugin: str, features: Mapping[str, bool] | None = None) -> Any:
    """Defaulted args for an in-tree plugin with an args kind, else ``None``."""
    cls = ARGS_TYPES.get(plugin)
    if cls is None:
        return None
    args = cls()
    set_defaults_args(args, features)
    return args


# --------------------------------------------------------------------------- profiles / config

def plugins_names(plugins: Mapping[str, PluginSet]) -> list[str]:
    """``pluginsNames``: sorted names enabled at any extension point, multiPoint included."""
    out = set()
    for key in PLUGIN_SET_KEYS:
        ps = plugins.get(key)
        if ps is not None:
            out.update(p.name for p in ps.enabled)
    return sorted(out)


def set_defaults_profile(prof: ProfileConfig, features: Mapping[str, bool] | None = None,
                         custom_plugins: Mapping[str, PluginSet] | None = None) -> None:
    """``setDefaults_KubeSchedulerProfile``: merge plugins into the defaults, default given args,
    then append defaulted args (sorted by name) for enabled plugins that have none.

    ``custom_plugins`` is the profile's ``plugins`` as written (``None`` when absent); when not
    given, ``prof.plugins`` is taken as the custom set.
    """
    custom = prof.plugins if custom_plugins is None else custom_plugins
    prof.plugins = merge_plugins(default_plugins(features), custom)
    for args in prof.plugin_config.values():
        set_defaults_args(args, features)
    for name in plugins_names(prof.plugins):
        if name in prof.plugin_config:
            continue
        args = new_default_args(name, features)
        if args is not None:
            prof.plugin_config[name] = args


def set_defaults_config(cfg: SchedulerConfig, features: Mapping[str, bool] | None = None, *,
                        custom_plugins: list[Mapping[str, PluginSet] | None] | None = None,
                        unset: frozenset[str] = frozenset()) -> None:
    """``SetDefaults_KubeSchedulerConfiguration``.

    ``unset`` names the top-level JSON fields absent from the input (pointers that are nil
    upstream); ``custom_plugins[i]`` is profile i's ``plugins`` as written.
    """
    if "parallelism" in unset:
        cfg.parallelism = 16
    if not cfg.profiles:
        cfg.profiles.append(ProfileConfig())
        custom_plugins = [None]
    # Only a lone profile gets the default name; validation requires names otherwise.
    if len(cfg.profiles) == 1 and cfg.profiles[0].scheduler_name is None:
        cfg.profiles[0].scheduler_name = DEFAULT_SCHEDULER_NAME
    for i, prof in enumerate(cfg.profiles):
        custom = custom_plugins[i] if custom_plugins is not None else prof.plugins
        set_defaults_profile(prof, features, custom_plugins=custom if custom is not None else {})
    if "percentageOfNodesToScore" in unset or cfg.percentage_of_nodes_to_score is None:
        cfg.percentage_of_nodes_to_score = DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE
    le = cfg.leader_election
    le.setdefault("leaderElect", True)
    le.setdefault("leaseDuration", "15s")
    le.setdefault("renewDeadline", "10s")
    le.setdefault("retryPeriod", "2s")
    if not le.get("resourceLock"):
        le["resourceLock"] = "leases"
    if not le.get("resourceNamespace"):
        le["resourceNamespace"] = "kube-system"
    if not le.get("resourceName"):
        le["resourceName"] = "kube-scheduler"
    cc = cfg.client_connection
    if not cc.get("contentType"):
        cc["contentType"] = "application/vnd.kubernetes.protobuf"
    if not cc.get("qps"):
        cc["qps"] = 50.0
    if not cc.get("burst"):
        cc["burst"] = 100
    cc.setdefault("kubeconfig", "")
    cc.setdefault("acceptContentTypes", "")
    if "podInitialBackoffSeconds" in unset:
        cfg.pod_initial_backoff_seconds = 1
    if "podMaxBackoffSeconds" in unset:
        cfg.pod_max_backoff_seconds = 10
    if "enableProfiling" in unset:
        cfg.enable_profiling = True
    if cfg.enable_profiling and "enableContentionProfiling" in unset:
        cfg.enable_contention_profiling = True


def default_config(features: Mapping[str, bool] | None = None) -> SchedulerConfig:
    """The configuration kube-scheduler v1.34 runs with when given an empty v1 config."""
    cfg = SchedulerConfig()
    set_defaults_config(cfg, features, custom_plugins=[], unset=frozenset({
        "parallelism", "percentageOfNodesToScore", "podInitialBackoffSeconds",
        "podMaxBackoffSeconds", "enableProfiling", "enableContentionProfiling"}))
    return cfg


def clone(obj: Any) -> Any:
    return copy.deepcopy(obj)
