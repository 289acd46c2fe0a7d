"""Loading KubeSchedulerConfiguration: sources, strict decoding, plugin args decoding, errors."""
from __future__ import annotations

import json

import pytest

from kschedule.config import (
    DefaultPreemptionArgs, DynamicResourcesArgs, InterPodAffinityArgs, NodeAffinityArgs,
    NodeResourcesBalancedAllocationArgs, NodeResourcesFitArgs, PluginCatalog, PodTopologySpreadArgs,
    ResourceSpec, ScoringStrategy, VolumeBindingArgs, default_config, load_config,
)
from kschedule.errors import InvalidConfig, InvalidObject, UnknownPlugin

HEADER = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"

DEFAULT_CONFIGS = {
    "DefaultPreemption": DefaultPreemptionArgs(10, 100),
    "DynamicResources": DynamicResourcesArgs(10.0),
    "InterPodAffinity": InterPodAffinityArgs(1),
    "NodeAffinity": NodeAffinityArgs(None),
    "NodeResourcesBalancedAllocation": NodeResourcesBalancedAllocationArgs([ResourceSpec("cpu", 1), ResourceSpec("memory", 1)]),
    "NodeResourcesFit": NodeResourcesFitArgs([], [], ScoringStrategy("LeastAllocated", [ResourceSpec("cpu", 1), ResourceSpec("memory", 1)])),
    "PodTopologySpread": PodTopologySpreadArgs([], "System"),
    "VolumeBinding": VolumeBindingArgs(600, None),
}
LEAST = ScoringStrategy("LeastAllocated", [ResourceSpec("cpu", 1), ResourceSpec("memory", 1)])

ALL_ARGS_YAML = """profiles:
- pluginConfig:
  - name: DefaultPreemption
    args:
      minCandidateNodesPercentage: 50
      minCandidateNodesAbsolute: 500
  - name: InterPodAffinity
    args:
      hardPodAffinityWeight: 5
  - name: NodeResourcesFit
    args:
      ignoredResources: ["foo"]
  - name: PodTopologySpread
    args:
      defaultConstraints:
      - maxSkew: 1
        topologyKey: zone
        whenUnsatisfiable: ScheduleAnyway
  - name: VolumeBinding
    args:
      bindTimeoutSeconds: 300
  - name: NodeAffinity
    args:
      addedAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms:
          - matchExpressions:
            - key: foo
              operator: In
              values: ["bar"]
  - name: NodeResourcesBalancedAllocation
    args:
      resources:
        - name: cpu       # default weight(1) will be set.
        - name: memory    # weight 0 will be replaced by 1.
          weight: 0
        - name: scalar0
          weight: 1
        - name: scalar1   # default weight(1) will be set for scalar1
        - name: scalar2   # weight 0 will be replaced by 1.
          weight: 0
        - name: scalar3
          weight: 2
"""


def _list_configs(prof):
    return list(prof.plugin_config.items())


# Ported from pkg/scheduler/apis/config/scheme/scheme_test.go, TestCodecsDecodePluginConfig (v1 cases).
# Upstream's test only decodes; kube-scheduler then validates, and two of its args fail v1
# validation (System defaulting with constraints; a BalancedAllocation weight other than 1).
def test_decode_all_plugin_args_in_default_profile():
    with pytest.raises(InvalidConfig) as ei:
        load_config(HEADER + ALL_ARGS_YAML)
    assert ei.value.message == (
        '[profiles[0].pluginConfig[3].args.defaultingType: Invalid value: "System": when .defaultConstraints are '
        'not empty, profiles[0].pluginConfig[6].args.resources[5].weight: Invalid value: 2: must be 1]')
    fixed = ALL_ARGS_YAML.replace("weight: 2", "weight: 1").replace(
        "        whenUnsatisfiable: ScheduleAnyway\n", "        whenUnsatisfiable: ScheduleAnyway\n      defaultingType: List\n")
    cfg = load_config(HEADER + fixed)
    prof = cfg.profiles[0]
    assert prof.scheduler_name == "default-scheduler" and prof.percentage_of_nodes_to_score is None
    assert _list_configs(prof)[:7] == [
        ("DefaultPreemption", DefaultPreemptionArgs(50, 500)),
        ("InterPodAffinity", InterPodAffinityArgs(5)),
        ("NodeResourcesFit", NodeResourcesFitArgs(["foo"], [], LEAST)),
        ("PodTopologySpread", PodTopologySpreadArgs(
            [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway"}], "List")),
        ("VolumeBinding", VolumeBindingArgs(300)),
        ("NodeAffinity", NodeAffinityArgs({"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar"]}]}]}})),
        ("NodeResourcesBalancedAllocation", NodeResourcesBalancedAllocationArgs(
            [ResourceSpec(n, 1) for n in ("cpu", "memory", "scalar0", "scalar1", "scalar2", "scalar3")])),
    ]
    # v1.34: DynamicResources gets its defaulted args appended after the given ones.
    assert _list_configs(prof)[7:] == [("DynamicResources", DynamicResourcesArgs(10.0))]


@pytest.mark.parametrize("name,yaml_tail,global_pct,profile_pct", [
    ("v1 with non-default global percentageOfNodesToScore", "percentageOfNodesToScore: 10\n", 10, None),
    ("v1 with non-default global and profile percentageOfNodesToScore",
     "percentageOfNodesToScore: 10\nprofiles:\n- percentageOfNodesToScore: 20\n", 10, 20),
])
def test_decode_percentage_of_nodes_to_score(name, yaml_tail, global_pct, profile_pct):
    cfg = load_config(HEADER + yaml_tail)
    assert cfg.percentage_of_nodes_to_score == global_pct
    assert cfg.profiles[0].percentage_of_nodes_to_score == profile_pct
    assert cfg.profiles[0].plugin_config == DEFAULT_CONFIGS


def test_decode_plugins_can_include_version_and_kind():
    cfg = load_config(HEADER + """profiles:
- pluginConfig:
  - name: DefaultPreemption
    args:
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: DefaultPreemptionArgs
      minCandidateNodesPercentage: 50
""")
    assert cfg.profiles[0].plugin_config == {**DEFAULT_CONFIGS, "DefaultPreemption": DefaultPreemptionArgs(50, 100)}


# scheme_test.go error cases: exact upstream error text.
@pytest.mark.parametrize("name,yaml_tail,want", [
    ("plugin group and kind should match the type", """profiles:
- pluginConfig:
  - name: DefaultPreemption
    args:
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: InterPodAffinityArgs
""", "decoding .profiles[0].pluginConfig[0]: args for plugin DefaultPreemption were not of type "
     "DefaultPreemptionArgs.kubescheduler.config.k8s.io, got InterPodAffinityArgs.kubescheduler.config.k8s.io"),
    ("v1 NodResourcesFitArgs shape encoding is strict", """profiles:
- pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        requestedToCapacityRatio:
          shape:
          - Score: 2
            Utilization: 1
""", 'strict decoding error: decoding .profiles[0].pluginConfig[0]: strict decoding error: decoding args for plugin '
     'NodeResourcesFit: strict decoding error: unknown field "scoringStrategy.requestedToCapacityRatio.shape[0].Score", '
     'unknown field "scoringStrategy.requestedToCapacityRatio.shape[0].Utilization"'),
    ("v1 NodeResourcesFitArgs resources encoding is strict", """profiles:
- pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        resources:
        - Name: cpu
          Weight: 1
""", 'strict decoding error: decoding .profiles[0].pluginConfig[0]: strict decoding error: decoding args for plugin '
     'NodeResourcesFit: strict decoding error: unknown field "scoringStrategy.resources[0].Name", '
     'unknown field "scoringStrategy.resources[0].Weight"'),
])
def test_decode_errors(name, yaml_tail, want):
    with pytest.raises(InvalidConfig) as ei:
        load_config(HEADER + yaml_tail)
    assert ei.value.message == want
    assert ei.value.field == "profiles[0].pluginConfig[0]"


def test_decode_out_of_tree_plugin_args():
    cfg = load_config(HEADER + "profiles:\n- pluginConfig:\n  - name: OutOfTreePlugin\n    args:\n      foo: bar\n")
    assert _list_configs(cfg.profiles[0]) == [("OutOfTreePlugin", {"foo": "bar"})] + list(DEFAULT_CONFIGS.items())


def test_decode_empty_and_no_plugin_args():
    cfg = load_config(HEADER + """profiles:
- pluginConfig:
  - name: DefaultPreemption
    args:
  - name: InterPodAffinity
    args:
  - name: NodeResourcesFit
  - name: OutOfTreePlugin
    args:
  - name: VolumeBinding
    args:
  - name: PodTopologySpread
  - name: NodeAffinity
  - name: NodeResourcesBalancedAllocation
""")
    assert _list_configs(cfg.profiles[0]) == [
        ("DefaultPreemption", DefaultPreemptionArgs(10, 100)),
        ("InterPodAffinity", InterPodAffinityArgs(1)),
        ("NodeResourcesFit", DEFAULT_CONFIGS["NodeResourcesFit"]),
        ("OutOfTreePlugin", None),
        ("VolumeBinding", VolumeBindingArgs(600)),
        ("PodTopologySpread", PodTopologySpreadArgs([], "System")),
        ("NodeAffinity", NodeAffinityArgs()),
        ("NodeResourcesBalancedAllocation", DEFAULT_CONFIGS["NodeResourcesBalancedAllocation"]),
        ("DynamicResources", DynamicResourcesArgs(10.0)),
    ]


def test_decode_ignore_preferred_terms_of_existing_pods():
    cfg = load_config(HEADER + "profiles:\n- pluginConfig:\n  - name: InterPodAffinity\n    args:\n"
                               "      ignorePreferredTermsOfExistingPods: true\n")
    items = _list_configs(cfg.profiles[0])
    assert items[0] == ("InterPodAffinity", InterPodAffinityArgs(1, True))
    assert [n for n, _ in items[1:]] == sorted(set(DEFAULT_CONFIGS) - {"InterPodAffinity"})


# Strict decoding of the configuration itself (kube-scheduler refuses unknown fields).
@pytest.mark.parametrize("yaml_tail,field,message", [
    ("percentageOfNodeToScore: 100\n", "percentageOfNodeToScore",
     'strict decoding error: unknown field "percentageOfNodeToScore"'),
    ("profiles:\n- schedulerName: a\n  plugin: {}\n", "profiles[0].plugin",
     'strict decoding error: unknown field "profiles[0].plugin"'),
    ("profiles:\n- plugins:\n    filter:\n      enable: []\n", "profiles[0].plugins.filter.enable",
     'strict decoding error: unknown field "profiles[0].plugins.filter.enable"'),
    ("metricsBindAddress: 0.0.0.0:10251\nhealthzBindAddress: x\n", "metricsBindAddress",
     'strict decoding error: unknown field "metricsBindAddress", unknown field "healthzBindAddress"'),
])
def test_unknown_fields_are_rejected(yaml_tail, field, message):
    with pytest.raises(InvalidConfig) as ei:
        load_config(HEADER + yaml_tail)
    assert ei.value.field == field and ei.value.message == message


@pytest.mark.parametrize("yaml_tail,field,message", [
    ("parallelism: abc\n", "parallelism", "json: cannot unmarshal string into Go value of type int32"),
    ("parallelism: 1.5\n", "parallelism", "json: cannot unmarshal number 1.5 into Go value of type int32"),
    ("parallelism: 3000000000\n", "parallelism", "json: cannot unmarshal number 3000000000 into Go value of type int32"),
    ("profiles: {a: 1}\n", "profiles", "json: cannot unmarshal object into Go value of type []struct"),
    ("profiles:\n- schedulerName: 7\n", "profiles[0].schedulerName", "json: cannot unmarshal number into Go value of type string"),
    ("leaderElection:\n  leaseDuration: 15 seconds\n", "leaderElection.leaseDuration", 'time: invalid duration "15 seconds"'),
    ("enableProfiling: 1\n", "enableProfiling", "json: cannot unmarshal number into Go value of type bool"),
])
def test_wrong_types_are_field_errors(yaml_tail, field, message):
    with pytest.raises(InvalidConfig) as ei:
        load_config(HEADER + yaml_tail)
    assert (ei.value.field, ei.value.message) == (field, message)


def test_args_must_be_an_object():
    with pytest.raises(InvalidConfig) as ei:
        load_config(HEADER + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args: [1]\n")
    assert ei.value.message == ("decoding .profiles[0].pluginConfig[0]: decoding args for plugin NodeResourcesFit: "
                                "json: cannot unmarshal array into Go value of type v1.NodeResourcesFitArgs")


# validation_test.go TestValidateKubeSchedulerConfigurationV1 "duplicated-plugin-config".
def test_duplicated_plugin_config():
    with pytest.raises(InvalidConfig) as ei:
        load_config(HEADER + "profiles:\n- pluginConfig:\n  - name: config\n  - name: config\n")
    assert (ei.value.field, ei.value.message) == ("profiles[0].pluginConfig[1]", 'Duplicate value: "config"')


@pytest.mark.parametrize("doc,field,fragment", [
    ({"kind": "KubeSchedulerConfiguration"}, "apiVersion", "Object 'apiVersion' is missing"),
    ({"apiVersion": "kubescheduler.config.k8s.io/v1"}, "kind", "Object 'Kind' is missing"),
    ({"apiVersion": "kubescheduler.config.k8s.io/v1beta3", "kind": "KubeSchedulerConfiguration"}, "apiVersion",
     'no kind "KubeSchedulerConfiguration" is registered for version "kubescheduler.config.k8s.io/v1beta3"'),
    ({"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "Policy"}, "apiVersion",
     'no kind "Policy" is registered for version "kubescheduler.config.k8s.io/v1"'),
])
def test_api_version_and_kind(doc, field, fragment):
    with pytest.raises(InvalidConfig) as ei:
        load_config(doc)
    assert ei.value.field == field and fragment in ei.value.message


def test_sources_dict_yaml_json_path(tmp_path):
    doc = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration", "parallelism": 4,
           "profiles": [{"schedulerName": "bin-packing", "pluginConfig": [{"name": "NodeResourcesFit", "args": {
               "scoringStrategy": {"type": "MostAllocated", "resources": [{"name": "cpu", "weight": 2}]}}}]}]}
    from_dict = load_config(doc)
    assert from_dict.parallelism == 4
    assert from_dict.profiles[0].plugin_config["NodeResourcesFit"].scoring_strategy == ScoringStrategy(
        "MostAllocated", [ResourceSpec("cpu", 2)])
    assert load_config(json.dumps(doc)) == from_dict
    import yaml
    p = tmp_path / "sched.yaml"
    p.write_text(yaml.safe_dump(doc))
    assert load_config(p) == from_dict
    assert load_config(str(p)) == from_dict
    assert doc["parallelism"] == 4 and "plugins" not in doc["profiles"][0]  # input not mutated


def test_source_errors(tmp_path):
    with pytest.raises(InvalidConfig, match="failed to read config file"):
        load_config(str(tmp_path / "missing.yaml"))
    with pytest.raises(InvalidConfig, match="yaml"):
        load_config(HEADER + "profiles: [\n")
    with pytest.raises(InvalidConfig, match="exactly one"):
        load_config(HEADER + "---\n" + HEADER)
    with pytest.raises(InvalidConfig, match="cannot unmarshal array"):
        load_config("- a\n- b\n")
    with pytest.raises(InvalidConfig):
        load_config(42)  # type: ignore[arg-type]
    # Every error is an InvalidObject (a ValueError) for callers that do not care about the kind.
    with pytest.raises(ValueError):
        load_config({"kind": "KubeSchedulerConfiguration"})
    assert issubclass(UnknownPlugin, InvalidObject)


def test_validation_runs_after_defaults():
    with pytest.raises(InvalidConfig) as ei:
        load_config(HEADER + "parallelism: 0\npodInitialBackoffSeconds: 20\n")
    assert ei.value.message == ("[parallelism: Invalid value: 0: should be an integer value greater than zero, "
                                "podMaxBackoffSeconds: Invalid value: 10: must be greater than or equal to "
                                "PodInitialBackoffSeconds]")
    assert ei.value.field == "parallelism"


def test_fit_args_weight_error_has_full_path():
    with pytest.raises(InvalidConfig) as ei:
        load_config(HEADER + """profiles:
- pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: LeastAllocated
        resources:
        - name: cpu
          weight: 101
""")
    assert str(ei.value) == ("KubeSchedulerConfiguration: profiles[0].pluginConfig[0].args.scoringStrategy.resources[0]"
                             ".weight: Invalid value: 101: resource weight of cpu not in valid range (0, 100]")


def test_catalog_checks_plugins_at_load():
    src = HEADER + "profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: MyFilter\n"
    cfg = load_config(src)  # no catalog: research plugins may be registered later
    assert [p.name for p in cfg.profiles[0].plugins["filter"].enabled] == ["MyFilter"]
    with pytest.raises(UnknownPlugin) as ei:
        load_config(src, catalog=PluginCatalog.default())
    assert ei.value.field == "profiles[0].plugins.filter.enabled[0]"
    assert ei.value.message == 'creating profile for scheduler name default-scheduler: FilterPlugin "MyFilter" does not exist'
    cat = PluginCatalog.default()
    cat.register_out_of_tree("MyFilter", ["Filter"])
    assert load_config(src, catalog=cat) == cfg


def test_multi_profile_queue_sort_must_match_at_load():
    with pytest.raises(InvalidConfig) as ei:
        load_config(HEADER + """profiles:
- schedulerName: a
- schedulerName: b
  plugins:
    queueSort:
      enabled: [{name: CustomSort}]
""")
    assert ei.value.field == "profiles[1].plugins.queueSort"
    assert "must be the same for all profiles" in ei.value.message


def test_default_config_is_a_fresh_object():
    a, b = default_config(), default_config()
    a.profiles[0].plugins["multiPoint"].enabled.clear()
    assert len(b.profiles[0].plugins["multiPoint"].enabled) == 19


# Bad input never escapes as anything but InvalidConfig (no KeyError/TypeError/AttributeError).
from hypothesis import given, settings, strategies as st  # noqa: E402

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False),
                     st.sampled_from(["", "cpu", "In", "Gt", "System", "List", "1s", "x/y", "*", "PrioritySort"]))
_keys = st.sampled_from(["name", "weight", "args", "enabled", "disabled", "plugins", "pluginConfig", "filter",
                         "multiPoint", "score", "queueSort", "schedulerName", "scoringStrategy", "resources", "type",
                         "shape", "utilization", "defaultConstraints", "maxSkew", "topologyKey", "addedAffinity",
                         "values", "key", "operator", "bindTimeoutSeconds", "filterTimeout", "parallelism"])
_json = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(_keys, inner, max_size=4)), max_leaves=12)
_plugin_names = st.sampled_from(["NodeResourcesFit", "PodTopologySpread", "NodeAffinity", "VolumeBinding",
                                 "DefaultPreemption", "InterPodAffinity", "NodeResourcesBalancedAllocation",
                                 "DynamicResources", "Other"])


@settings(max_examples=300, deadline=None)
@given(args=_json, name=_plugin_names, profile_extra=st.dictionaries(_keys, _json, max_size=2))
def test_fuzzed_configs_raise_only_invalid_config(args, name, profile_extra):
    doc = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
           "profiles": [{**profile_extra, "pluginConfig": [{"name": name, "args": args}]}]}
    try:
        cfg = load_config(doc, catalog=PluginCatalog.default())
    except InvalidConfig:
        return
    assert cfg.profiles
