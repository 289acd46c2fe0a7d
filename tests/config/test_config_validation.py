"""Validation of KubeSchedulerConfiguration and plugin args (upstream messages and field paths)."""
from __future__ import annotations

import pytest

from kschedule.config import (
    DefaultPreemptionArgs, DynamicResourcesArgs, InterPodAffinityArgs, NodeAffinityArgs,
    NodeResourcesBalancedAllocationArgs, NodeResourcesFitArgs, PluginRef, PluginSet,
    PodTopologySpreadArgs, ProfileConfig, RequestedToCapacityRatioParam, ResourceSpec,
    SchedulerConfig, ScoringStrategy, UtilizationShapePoint, VolumeBindingArgs, validate,
    validate_config, validate_plugin_args,
)
from kschedule.config.types import empty_plugins
from kschedule.config.validation import aggregate_message, is_qualified_name
from kschedule.errors import FieldError, InvalidConfig


def kinds(errs):
    """(field, error type) pairs: the upstream tests compare errors ignoring BadValue and Detail."""
    return [(e.field, e.message.split(":")[0]) for e in errs]


def plugins(**sets):
    p = empty_plugins()
    p.update(sets)
    return p


def valid_config() -> SchedulerConfig:
    return SchedulerConfig(
        parallelism=8,
        client_connection={"acceptContentTypes": "application/json", "contentType": "application/json",
                           "qps": 10, "burst": 10},
        leader_election={"resourceLock": "leases", "leaderElect": True, "leaseDuration": "30s",
                         "renewDeadline": "15s", "retryPeriod": "5s", "resourceNamespace": "name",
                         "resourceName": "name"},
        pod_initial_backoff_seconds=1, pod_max_backoff_seconds=1, percentage_of_nodes_to_score=None,
        profiles=[
            ProfileConfig("me", 35, plugins(queueSort=PluginSet([PluginRef("CustomSort")]),
                                            score=PluginSet([], [PluginRef("*")])),
                          {"DefaultPreemption": DefaultPreemptionArgs(10, 100)}),
            ProfileConfig("other", 35, plugins(queueSort=PluginSet([PluginRef("CustomSort")]),
                                               bind=PluginSet([PluginRef("CustomBind")]))),
        ],
        extenders=[{"prioritizeVerb": "prioritize", "weight": 1}],
    )


def _mut(fn):
    cfg = valid_config()
    fn(cfg)
    return cfg


def _set(obj, **kw):
    for k, v in kw.items():
        setattr(obj, k, v)


def _mismatch_queue_sort(c):
    c.profiles = [
        ProfileConfig("me", None, plugins(queueSort=PluginSet([PluginRef("PrioritySort")])), {"PrioritySort": None}),
        ProfileConfig("other", None, plugins(queueSort=PluginSet([PluginRef("CustomSort")])), {"CustomSort": None}),
    ]


def _extender_duplicate_bind(c):
    c.extenders[0]["bindVerb"] = "foo"
    c.extenders.append({"prioritizeVerb": "prioritize", "bindVerb": "bar", "weight": 1})


# Ported from pkg/scheduler/apis/config/validation/validation_test.go,
# TestValidateKubeSchedulerConfigurationV1 ("duplicated-plugin-config" is a load-time error: see
# test_config_load.py).
V1_SCENARIOS = [
    ("good", lambda c: None, []),
    ("bad-parallelism-invalid-value", lambda c: _set(c, parallelism=0), [("parallelism", "Invalid value")]),
    ("bad-resource-name-not-set", lambda c: c.leader_election.update(resourceName=""),
     [("leaderElection.resourceName", "Invalid value")]),
    ("bad-resource-namespace-not-set", lambda c: c.leader_election.update(resourceNamespace=""),
     [("leaderElection.resourceNamespace", "Invalid value")]),
    ("bad-resource-lock-not-leases", lambda c: c.leader_election.update(resourceLock="configmap"),
     [("leaderElection.resourceLock", "Invalid value")]),
    ("bad-percentage-of-nodes-to-score", lambda c: _set(c, percentage_of_nodes_to_score=101),
     [("percentageOfNodesToScore", "Invalid value")]),
    ("negative-percentage-of-nodes-to-score", lambda c: _set(c, percentage_of_nodes_to_score=-1),
     [("percentageOfNodesToScore", "Invalid value")]),
    ("scheduler-name-not-set", lambda c: _set(c.profiles[1], scheduler_name=""),
     [("profiles[1].schedulerName", "Required value")]),
    ("repeated-scheduler-name", lambda c: _set(c.profiles[0], scheduler_name="other"),
     [("profiles[1].schedulerName", "Duplicate value")]),
    ("greater-than-100-profile-percentage-of-nodes-to-score",
     lambda c: _set(c.profiles[1], percentage_of_nodes_to_score=101),
     [("profiles[1].percentageOfNodesToScore", "Invalid value")]),
    ("negative-profile-percentage-of-nodes-to-score",
     lambda c: _set(c.profiles[1], percentage_of_nodes_to_score=-1),
     [("profiles[1].percentageOfNodesToScore", "Invalid value")]),
    ("different-queue-sort", lambda c: _set(c.profiles[1].plugins["queueSort"].enabled[0], name="AnotherSort"),
     [("profiles[1].plugins.queueSort", "Invalid value")]),
    ("one-empty-queue-sort", lambda c: _set(c.profiles[0], plugins={}),
     [("profiles[1].plugins.queueSort", "Invalid value")]),
    ("extender-negative-weight", lambda c: c.extenders[0].update(weight=-1), [("extenders[0].weight", "Invalid value")]),
    ("extender-duplicate-managed-resources",
     lambda c: c.extenders[0].update(managedResources=[{"name": "example.com/foo"}, {"name": "example.com/foo"}]),
     [("extenders[0].managedResources[1].name", "Invalid value")]),
    ("extender-duplicate-bind", _extender_duplicate_bind, [("extenders", "Invalid value")]),
    ("invalid-node-percentage",
     lambda c: _set(c.profiles[0], plugin_config={"DefaultPreemption": DefaultPreemptionArgs(200, 100)}),
     [("profiles[0].pluginConfig[0].args.minCandidateNodesPercentage", "Invalid value")]),
    ("invalid-plugin-args",
     lambda c: _set(c.profiles[0], plugin_config={"DefaultPreemption": InterPodAffinityArgs()}),
     [("profiles[0].pluginConfig[0].args", "Invalid value")]),
    ("mismatch-queue-sort", _mismatch_queue_sort, [("profiles[1].plugins.queueSort", "Invalid value")]),
    ("valid-plugins", lambda c: c.profiles[0].plugins["score"].enabled.append(PluginRef("PodTopologySpread", 2)), []),
]


@pytest.mark.parametrize("name,mutate,want", V1_SCENARIOS, ids=[s[0] for s in V1_SCENARIOS])
def test_validate_kube_scheduler_configuration_v1(name, mutate, want):
    assert kinds(validate_config(_mut(mutate))) == want


def test_validation_messages_are_upstream_text():
    errs = validate_config(_mut(lambda c: _set(c, parallelism=0, pod_initial_backoff_seconds=0,
                                               pod_max_backoff_seconds=-1)))
    assert [str(e) for e in errs] == [
        "parallelism: Invalid value: 0: should be an integer value greater than zero",
        "podInitialBackoffSeconds: Invalid value: 0: must be greater than 0",
        "podMaxBackoffSeconds: Invalid value: -1: must be greater than or equal to PodInitialBackoffSeconds",
    ]
    errs = validate_config(_mut(lambda c: c.leader_election.update(resourceLock="configmap")))
    assert str(errs[0]) == 'leaderElection.resourceLock: Invalid value: "configmap": resourceLock value must be "leases"'
    errs = validate_config(_mut(lambda c: c.leader_election.update(leaseDuration="10s")))
    assert str(errs[0]) == "leaderElection.leaseDuration: Invalid value: 15s: LeaseDuration must be greater than RenewDeadline"
    errs = validate_config(_mut(_extender_duplicate_bind))
    assert str(errs[0]) == 'extenders: Invalid value: "found 2 extenders implementing bind": only one extender can implement bind'
    errs = validate_config(_mut(lambda c: c.extenders[0].update(managedResources=[{"name": "kubernetes.io/foo"}])))
    assert str(errs[0]) == ('extenders[0].managedResources[0].name: Invalid value: "kubernetes.io/foo": '
                            'is an invalid extended resource name')


def test_removed_volume_limit_plugins_are_invalid_in_v1():
    cfg = _mut(lambda c: c.profiles[0].plugins["filter"].enabled.append(PluginRef("EBSLimits")))
    assert [str(e) for e in validate_config(cfg)] == [
        'profiles[0].plugins.filter.enabled[0]: Invalid value: "EBSLimits": was invalid in version '
        '"kubescheduler.config.k8s.io/v1" (KubeSchedulerConfiguration is version "kubescheduler.config.k8s.io/v1")']
    cfg = _mut(lambda c: c.profiles[0].plugin_config.update(GCEPDLimits={}))
    assert kinds(validate_config(cfg)) == [("profiles[0].pluginConfig[1]", "Invalid value")]


def test_validate_raises_one_aggregated_error():
    cfg = _mut(lambda c: _set(c, parallelism=0, percentage_of_nodes_to_score=101))
    with pytest.raises(InvalidConfig) as ei:
        validate(cfg)
    e = ei.value
    assert e.field == "parallelism"
    assert e.message == ("[parallelism: Invalid value: 0: should be an integer value greater than zero, "
                         "percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]]")
    assert len(e.errors) == 2
    validate(valid_config())  # no error
    assert aggregate_message([FieldError("a", "x"), FieldError("a", "x")]) == "a: x"


# Ported from validation_pluginargs_test.go, TestValidateDefaultPreemptionArgs.
@pytest.mark.parametrize("name,pct,ab,want", [
    ("valid args (default)", 10, 100, []),
    ("negative minCandidateNodesPercentage", -1, 100, [("minCandidateNodesPercentage", "Invalid value")]),
    ("minCandidateNodesPercentage over 100", 900, 100, [("minCandidateNodesPercentage", "Invalid value")]),
    ("negative minCandidateNodesAbsolute", 20, -1, [("minCandidateNodesAbsolute", "Invalid value")]),
    ("all zero", 0, 0, [("minCandidateNodesPercentage", "Invalid value"), ("minCandidateNodesAbsolute", "Invalid value")]),
    ("both negative", -1, -1, [("minCandidateNodesPercentage", "Invalid value"), ("minCandidateNodesAbsolute", "Invalid value")]),
])
def test_validate_default_preemption_args(name, pct, ab, want):
    assert kinds(validate_plugin_args("DefaultPreemption", DefaultPreemptionArgs(pct, ab))) == want


def test_default_preemption_all_zero_messages():
    errs = validate_plugin_args("DefaultPreemption", DefaultPreemptionArgs(0, 0))
    assert [str(e) for e in errs] == [
        "minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute",
        "minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same time as minCandidateNodesPercentage"]


# Ported from validation_pluginargs_test.go, TestValidateInterPodAffinityArgs.
@pytest.mark.parametrize("name,w,want", [
    ("valid args", 10, []),
    ("hardPodAffinityWeight less than min", -1, [("hardPodAffinityWeight", "Invalid value")]),
    ("hardPodAffinityWeight more than max", 101, [("hardPodAffinityWeight", "Invalid value")]),
])
def test_validate_inter_pod_affinity_args(name, w, want):
    errs = validate_plugin_args("InterPodAffinity", InterPodAffinityArgs(w))
    assert kinds(errs) == want
    if want:
        assert str(errs[0]).endswith("not in valid range [0, 100]")


def _c(skew=1, key="node", wu="DoNotSchedule", **kw):
    return {"maxSkew": skew, "topologyKey": key, "whenUnsatisfiable": wu, **kw}


# Ported from validation_pluginargs_test.go, TestValidatePodTopologySpreadArgs.
@pytest.mark.parametrize("name,args,want", [
    ("valid config", PodTopologySpreadArgs([_c(1, "node"), _c(2, "zone", "ScheduleAnyway")], "List"), []),
    ("maxSkew less than zero", PodTopologySpreadArgs([_c(-1)], "List"), [("defaultConstraints[0].maxSkew", "Invalid value")]),
    ("empty topology key", PodTopologySpreadArgs([_c(key="")], "List"), [("defaultConstraints[0].topologyKey", "Required value")]),
    ("whenUnsatisfiable is empty", PodTopologySpreadArgs([_c(wu="")], "List"),
     [("defaultConstraints[0].whenUnsatisfiable", "Required value")]),
    ("whenUnsatisfiable contains unsupported action", PodTopologySpreadArgs([_c(wu="unknown action")], "List"),
     [("defaultConstraints[0].whenUnsatisfiable", "Unsupported value")]),
    ("duplicated constraints", PodTopologySpreadArgs([_c(1), _c(2)], "List"), [("defaultConstraints[1]", "Duplicate value")]),
    ("label selector present", PodTopologySpreadArgs([_c(key="key", labelSelector={"matchLabels": {"a": "b"}})], "List"),
     [("defaultConstraints[0].labelSelector", "Forbidden")]),
    ("list default constraints, no constraints", PodTopologySpreadArgs([], "List"), []),
    ("system default constraints", PodTopologySpreadArgs([], "System"), []),
    ("wrong constraints", PodTopologySpreadArgs([], "unknown"), [("defaultingType", "Unsupported value")]),
    ("system default constraints, but has constraints", PodTopologySpreadArgs([_c(key="key")], "System"),
     [("defaultingType", "Invalid value")]),
])
def test_validate_pod_topology_spread_args(name, args, want):
    assert kinds(validate_plugin_args("PodTopologySpread", args)) == want


def test_pod_topology_spread_messages():
    errs = validate_plugin_args("PodTopologySpread", PodTopologySpreadArgs([_c(1), _c(2)], "List"))
    assert str(errs[0]) == 'defaultConstraints[1]: Duplicate value: "{node, DoNotSchedule}"'
    errs = validate_plugin_args("PodTopologySpread", PodTopologySpreadArgs([], "unknown"))
    assert str(errs[0]) == 'defaultingType: Unsupported value: "unknown": supported values: "System", "List"'


# Ported from validation_pluginargs_test.go, TestValidateNodeResourcesBalancedAllocationArgs.
@pytest.mark.parametrize("name,resources,want", [
    ("valid config", [ResourceSpec("cpu", 1), ResourceSpec("memory", 1)], []),
    ("invalid config", [ResourceSpec("cpu", 2), ResourceSpec("memory", 1)], [("resources[0].weight", "Invalid value")]),
    ("repeated resources", [ResourceSpec("cpu", 1), ResourceSpec("cpu", 1)], [("resources[1].name", "Duplicate value")]),
])
def test_validate_balanced_allocation_args(name, resources, want):
    assert kinds(validate_plugin_args("NodeResourcesBalancedAllocation",
                                      NodeResourcesBalancedAllocationArgs(resources))) == want


# Ported from validation_pluginargs_test.go, TestValidateNodeAffinityArgs.
def _affinity(key, values):
    return {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": key, "operator": "In", "values": ["label-1-val"]}]}]},
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 1, "preference": {"matchFields": [{"key": "metadata.name", "operator": "In", "values": values}]}}],
    }


@pytest.mark.parametrize("name,aff,want", [
    ("empty", None, []),
    ("valid added affinity", _affinity("label-1", ["node-1"]), []),
    ("invalid added affinity", _affinity("invalid/label/key", ["node-1", "node-2"]), [
        ("addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key",
         "Invalid value"),
        ("addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].matchFields[0].values", "Invalid value"),
    ]),
])
def test_validate_node_affinity_args(name, aff, want):
    errs = validate_plugin_args("NodeAffinity", NodeAffinityArgs(aff))
    assert kinds(errs) == want
    if want:
        assert str(errs[1]).endswith('Invalid value: []string{"node-1", "node-2"}: must have one element')


def test_node_affinity_requirement_operators():
    aff = {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
        {"key": "a", "operator": "Gt", "values": ["x"]},
        {"key": "b", "operator": "Exists", "values": ["y"]},
        {"key": "c", "operator": "Near"},
    ]}]}}
    p = "addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions"
    assert [str(e) for e in validate_plugin_args("NodeAffinity", NodeAffinityArgs(aff))] == [
        f"{p}[0].values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer",
        f"{p}[1].values: Invalid value: []string{{\"y\"}}: values set must be empty for exists and does not exist",
        f'{p}[2].operator: Unsupported value: "Near": supported values: "DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"',
    ]


# Ported from validation_pluginargs_test.go, TestValidateVolumeBindingArgs.
@pytest.mark.parametrize("name,args,features,want", [
    ("zero is a valid config", VolumeBindingArgs(0), None, []),
    ("positive value is valid config", VolumeBindingArgs(10), None, []),
    ("negative value is invalid config ", VolumeBindingArgs(-10), None, [("bindTimeoutSeconds", "Invalid value")]),
    ("[StorageCapacityScoring=off] shape should be nil when the feature is off", VolumeBindingArgs(10, None),
     {"StorageCapacityScoring": False}, []),
    ("[StorageCapacityScoring=off] error if the shape is not nil when the feature is off",
     VolumeBindingArgs(10, [UtilizationShapePoint(1, 1), UtilizationShapePoint(3, 3)]),
     {"StorageCapacityScoring": False}, [("shape", "Invalid value")]),
    ("[StorageCapacityScoring=on] shape should not be empty", VolumeBindingArgs(10, []),
     {"StorageCapacityScoring": True}, [("shape", "Required value")]),
    ("[StorageCapacityScoring=on] shape points must be sorted in increasing order",
     VolumeBindingArgs(10, [UtilizationShapePoint(3, 3), UtilizationShapePoint(1, 1)]),
     {"StorageCapacityScoring": True}, [("shape[1].utilization", "Invalid value")]),
    ("[StorageCapacityScoring=on] shape point: invalid utilization and score",
     VolumeBindingArgs(10, [UtilizationShapePoint(-1, 1), UtilizationShapePoint(10, -1),
                            UtilizationShapePoint(20, 11), UtilizationShapePoint(101, 1)]),
     {"StorageCapacityScoring": True},
     [("shape[0].utilization", "Invalid value"), ("shape[1].score", "Invalid value"),
      ("shape[2].score", "Invalid value"), ("shape[3].utilization", "Invalid value")]),
])
def test_validate_volume_binding_args(name, args, features, want):
    assert kinds(validate_plugin_args("VolumeBinding", args, "", features)) == want


def test_volume_binding_negative_message():
    errs = validate_plugin_args("VolumeBinding", VolumeBindingArgs(-10))
    assert str(errs[0]) == "bindTimeoutSeconds: Invalid value: -10: invalid BindTimeoutSeconds, should not be a negative value"


DEFAULT_STRATEGY = ScoringStrategy("LeastAllocated", [ResourceSpec("cpu", 1), ResourceSpec("memory", 1)])


# Ported from validation_pluginargs_test.go, TestValidateFitArgs (expect = substring of the error).
@pytest.mark.parametrize("name,args,expect", [
    ("IgnoredResources: too long value", NodeResourcesFitArgs(["longvalue" + "a" * 64], [], DEFAULT_STRATEGY),
     "name part must be no more than 63 characters"),
    ("IgnoredResources: name is empty", NodeResourcesFitArgs(["example.com/"], [], DEFAULT_STRATEGY),
     "name part must be non-empty"),
    ("IgnoredResources: name has too many slash", NodeResourcesFitArgs(["example.com/aaa/bbb"], [], DEFAULT_STRATEGY),
     "a qualified name must consist of alphanumeric characters"),
    ("IgnoredResources: valid args", NodeResourcesFitArgs(["example.com"], [], DEFAULT_STRATEGY), None),
    ("IgnoredResourceGroups: valid args ", NodeResourcesFitArgs([], ["example.com"], DEFAULT_STRATEGY), None),
    ("IgnoredResourceGroups: illegal args", NodeResourcesFitArgs([], ["example.com/"], DEFAULT_STRATEGY),
     "name part must be non-empty"),
    ("IgnoredResourceGroups: name is too long", NodeResourcesFitArgs([], ["a" * 64], DEFAULT_STRATEGY),
     "name part must be no more than 63 characters"),
    ("IgnoredResourceGroups: name cannot be contain slash", NodeResourcesFitArgs([], ["example.com/aa"], DEFAULT_STRATEGY),
     "resource group name can't contain '/'"),
    ("ScoringStrategy: field is required", NodeResourcesFitArgs(), "ScoringStrategy field is required"),
    ("ScoringStrategy: type is unsupported", NodeResourcesFitArgs(scoring_strategy=ScoringStrategy("Invalid")),
     'Unsupported value: "Invalid"'),
])
def test_validate_fit_args(name, args, expect):
    errs = validate_plugin_args("NodeResourcesFit", args)
    if expect is None:
        assert errs == []
    else:
        assert any(expect in str(e) for e in errs), errs


_WEIGHT_CASES = [
    ("default config", [], []),
    ("multi valid resources", [ResourceSpec("cpu", 1), ResourceSpec("memory", 10)], []),
    ("weight less than min", [ResourceSpec("cpu", 0)], [("scoringStrategy.resources[0].weight", "Invalid value")]),
    ("weight greater than max", [ResourceSpec("cpu", 101)], [("scoringStrategy.resources[0].weight", "Invalid value")]),
    ("multi invalid resources", [ResourceSpec("cpu", 0), ResourceSpec("memory", 101)],
     [("scoringStrategy.resources[0].weight", "Invalid value"), ("scoringStrategy.resources[1].weight", "Invalid value")]),
]


# Ported from validation_pluginargs_test.go, TestValidateLeastAllocatedScoringStrategy and
# TestValidateMostAllocatedScoringStrategy.
@pytest.mark.parametrize("strategy", ["LeastAllocated", "MostAllocated"])
@pytest.mark.parametrize("name,resources,want", _WEIGHT_CASES, ids=[c[0] for c in _WEIGHT_CASES])
def test_validate_least_and_most_allocated_scoring_strategy(strategy, name, resources, want):
    args = NodeResourcesFitArgs(scoring_strategy=ScoringStrategy(strategy, resources))
    assert kinds(validate_plugin_args("NodeResourcesFit", args)) == want


_SHAPE = [UtilizationShapePoint(30, 3)]


def _pts(*pairs):
    return [UtilizationShapePoint(u, s) for u, s in pairs]


# Ported from validation_pluginargs_test.go, TestValidateRequestedToCapacityRatioScoringStrategy
# (v1.34 paths: scoringStrategy.shape[i]).
@pytest.mark.parametrize("name,resources,shape,want", [
    ("no shapes", [], None, [("scoringStrategy.shape", "Required value")]),
    ("weight greater than max", [ResourceSpec("cpu", 101)], _SHAPE, [("scoringStrategy.resources[0].weight", "Invalid value")]),
    ("weight less than min", [ResourceSpec("cpu", 0)], _SHAPE, [("scoringStrategy.resources[0].weight", "Invalid value")]),
    ("valid shapes", [], _SHAPE, []),
    ("utilization less than min", [], _pts((-1, 3)), [("scoringStrategy.shape[0].utilization", "Invalid value")]),
    ("utilization greater than max", [], _pts((101, 3)), [("scoringStrategy.shape[0].utilization", "Invalid value")]),
    ("duplicated utilization values", [], _pts((10, 3), (10, 3)), [("scoringStrategy.shape[1].utilization", "Invalid value")]),
    ("increasing utilization values", [], _pts((10, 3), (20, 3), (30, 3)), []),
    ("non-increasing utilization values", [], _pts((10, 3), (20, 3), (15, 3)),
     [("scoringStrategy.shape[2].utilization", "Invalid value")]),
    ("score less than min", [], _pts((10, -1)), [("scoringStrategy.shape[0].score", "Invalid value")]),
    ("score greater than max", [], _pts((10, 11)), [("scoringStrategy.shape[0].score", "Invalid value")]),
])
def test_validate_requested_to_capacity_ratio_scoring_strategy(name, resources, shape, want):
    args = NodeResourcesFitArgs(scoring_strategy=ScoringStrategy(
        "RequestedToCapacityRatio", resources, RequestedToCapacityRatioParam(shape or [])))
    assert kinds(validate_plugin_args("NodeResourcesFit", args)) == want


def test_rtcr_without_param_is_required_and_messages():
    args = NodeResourcesFitArgs(scoring_strategy=ScoringStrategy("RequestedToCapacityRatio", [ResourceSpec("cpu", 1)]))
    assert [str(e) for e in validate_plugin_args("NodeResourcesFit", args, "args")] == [
        "args.scoringStrategy.requestedToCapacityRatio: Required value: must be specified when type is RequestedToCapacityRatio"]
    args = NodeResourcesFitArgs(scoring_strategy=ScoringStrategy(
        "RequestedToCapacityRatio", [ResourceSpec("cpu", 0)], RequestedToCapacityRatioParam(_pts((10, 3), (5, 11)))))
    assert [str(e) for e in validate_plugin_args("NodeResourcesFit", args)] == [
        "scoringStrategy.resources[0].weight: Invalid value: 0: resource weight of cpu not in valid range (0, 100]",
        "scoringStrategy.shape[1].utilization: Invalid value: 5: values must be sorted in increasing order",
        "scoringStrategy.shape[1].score: Invalid value: 11: not in valid range [0, 10]",
    ]


def test_dynamic_resources_args():
    assert validate_plugin_args("DynamicResources", DynamicResourcesArgs(10.0)) == []
    assert [str(e) for e in validate_plugin_args("DynamicResources", DynamicResourcesArgs(-1.0))] == [
        "filterTimeout: Invalid value: -1s: must be zero or positive"]
    errs = validate_plugin_args("DynamicResources", DynamicResourcesArgs(1.0), "", {"DRASchedulerFilterTimeout": False})
    assert kinds(errs) == [("filterTimeout", "Forbidden")]


@pytest.mark.parametrize("value,ok", [
    ("example.com", True), ("example.com/foo", True), ("a" * 63, True), ("a" * 64, False),
    ("Example.com/foo", False), ("/foo", False), ("foo-", False), ("a/b/c", False), ("", False),
])
def test_is_qualified_name(value, ok):
    assert (is_qualified_name(value) == []) is ok


def test_is_qualified_name_message():
    assert is_qualified_name("example.com/") == [
        "name part must be non-empty",
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]
