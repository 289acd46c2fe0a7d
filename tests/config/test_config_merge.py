"""Plugin merging (mergePlugins) and multiPoint expansion (framework.go), plus profile checks."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from kschedule.config import (
    PluginCatalog, PluginRef, PluginSet, ProfileConfig, load_config, merge_plugin_set, merge_plugins,
    resolve_profile, resolve_profiles,
)
from kschedule.config.types import empty_plugins
from kschedule.errors import InvalidConfig, UnknownPlugin


def ps(enabled=(), disabled=()):
    def ref(x):
        return PluginRef(*x) if isinstance(x, tuple) else PluginRef(x)
    return PluginSet([ref(x) for x in enabled], [ref(x) for x in disabled])


def plugins(**sets):
    out = empty_plugins()
    out.update(sets)
    return out


def refs(s):
    return [(p.name, p.weight) for p in s.enabled], [p.name for p in s.disabled]


# Ported from pkg/scheduler/apis/config/v1/default_plugins_test.go, TestMergePlugins
# (name, custom, default, expected) — each a dict of extension point -> PluginSet; None = nil Plugins.
MERGE_CASES = [
    ("AppendCustomPlugin",
     {"filter": ps(["CustomPlugin"])},
     {"filter": ps(["DefaultPlugin1", "DefaultPlugin2"])},
     {"filter": ps(["DefaultPlugin1", "DefaultPlugin2", "CustomPlugin"])}),
    ("InsertAfterDefaultPlugins2",
     {"filter": ps(["CustomPlugin", "DefaultPlugin2"], ["DefaultPlugin2"])},
     {"filter": ps(["DefaultPlugin1", "DefaultPlugin2"])},
     {"filter": ps(["DefaultPlugin1", "CustomPlugin", "DefaultPlugin2"], ["DefaultPlugin2"])}),
    ("InsertBeforeAllPlugins",
     {"filter": ps(["CustomPlugin", "DefaultPlugin1", "DefaultPlugin2"], ["*"])},
     {"filter": ps(["DefaultPlugin1", "DefaultPlugin2"])},
     {"filter": ps(["CustomPlugin", "DefaultPlugin1", "DefaultPlugin2"], ["*"])}),
    ("ReorderDefaultPlugins",
     {"filter": ps(["DefaultPlugin2", "DefaultPlugin1"], ["*"])},
     {"filter": ps(["DefaultPlugin1", "DefaultPlugin2"])},
     {"filter": ps(["DefaultPlugin2", "DefaultPlugin1"], ["*"])}),
    ("ApplyNilCustomPlugin",
     None,
     {"filter": ps(["DefaultPlugin1", "DefaultPlugin2"])},
     {"filter": ps(["DefaultPlugin1", "DefaultPlugin2"])}),
    ("CustomPluginOverrideDefaultPlugin",
     {"filter": ps([("Plugin1", 2), ("Plugin3", 3)])},
     {"filter": ps(["Plugin1", "Plugin2", "Plugin3"])},
     {"filter": ps([("Plugin1", 2), "Plugin2", ("Plugin3", 3)])}),
    ("OrderPreserveAfterOverride",
     {"filter": ps([("Plugin2", 2), ("Plugin1", 1)])},
     {"filter": ps(["Plugin1", "Plugin2", "Plugin3"])},
     {"filter": ps([("Plugin1", 1), ("Plugin2", 2), "Plugin3"])}),
    ("RepeatedCustomPlugin",
     {"filter": ps(["Plugin1", ("Plugin2", 2), "Plugin3", ("Plugin2", 4)])},
     {"filter": ps(["Plugin1", "Plugin2", "Plugin3"])},
     {"filter": ps(["Plugin1", ("Plugin2", 4), "Plugin3", ("Plugin2", 2)])}),
    ("Append custom MultiPoint plugin",
     {"multiPoint": ps(["CustomPlugin"])},
     {"multiPoint": ps(["DefaultPlugin1", "DefaultPlugin2"])},
     {"multiPoint": ps(["DefaultPlugin1", "DefaultPlugin2", "CustomPlugin"])}),
    ("Append disabled Multipoint plugins",
     {"multiPoint": ps(["CustomPlugin", "CustomPlugin2"], ["DefaultPlugin2"]), "score": ps([], ["CustomPlugin2"])},
     {"multiPoint": ps(["DefaultPlugin1", "DefaultPlugin2"])},
     {"multiPoint": ps(["DefaultPlugin1", "CustomPlugin", "CustomPlugin2"], ["DefaultPlugin2"]),
      "score": ps([], ["CustomPlugin2"])}),
    ("override default MultiPoint plugins with custom value",
     {"multiPoint": ps([("DefaultPlugin", 5)])},
     {"multiPoint": ps(["DefaultPlugin"])},
     {"multiPoint": ps([("DefaultPlugin", 5)])}),
    ("disabled MultiPoint plugin in default set",
     {"multiPoint": ps(["CustomPlugin"])},
     {"multiPoint": ps(["DefaultPlugin"], ["DefaultPlugin2"])},
     {"multiPoint": ps(["DefaultPlugin", "CustomPlugin"], ["DefaultPlugin2"])}),
    ("disabled MultiPoint plugin in default set for specific extension point",
     {"multiPoint": ps(["CustomPlugin"])},
     {"multiPoint": ps(["DefaultPlugin"]), "score": ps([], ["DefaultPlugin2"])},
     {"multiPoint": ps(["DefaultPlugin", "CustomPlugin"]), "score": ps([], ["DefaultPlugin2"])}),
    ("multipoint with only disabled gets merged",
     {"multiPoint": ps([], ["DefaultPlugin"])},
     {"multiPoint": ps(["DefaultPlugin"])},
     {"multiPoint": ps([], ["DefaultPlugin"])}),
]


@pytest.mark.parametrize("name,custom,default,expected", MERGE_CASES, ids=[c[0] for c in MERGE_CASES])
def test_merge_plugins(name, custom, default, expected):
    got = merge_plugins(plugins(**default), None if custom is None else plugins(**custom))
    want = plugins(**expected)
    assert {k: refs(v) for k, v in got.items()} == {k: refs(v) for k, v in want.items()}


_names = st.sampled_from(["A", "B", "C", "D", "E"])
_sets = st.builds(lambda e, d: ps(e, d), st.lists(_names, max_size=5), st.lists(_names, max_size=3))


@given(_sets)
def test_merge_with_empty_custom_keeps_defaults(default):
    # Upstream also drops default entries that the default set itself disables.
    merged = merge_plugin_set(default, PluginSet())
    off = {p.name for p in default.disabled}
    kept = [] if "*" in off else [(p.name, p.weight) for p in default.enabled if p.name not in off]
    assert refs(merged) == (kept, [p.name for p in default.disabled])


@given(_sets, st.lists(_names, max_size=5))
def test_merge_star_disables_all_defaults(default, custom):
    merged = merge_plugin_set(default, ps(custom, ["*"]))
    assert [p.name for p in merged.enabled] == custom


@given(_sets, _sets)
def test_merge_keeps_every_custom_plugin_once_per_entry(default, custom):
    merged = merge_plugin_set(default, custom)
    names_ = [p.name for p in merged.enabled]
    for n in {p.name for p in custom.enabled}:
        assert names_.count(n) >= sum(1 for p in custom.enabled if p.name == n)


# The registry of pkg/scheduler/framework/runtime/framework_test.go: testPlugin implements every
# extension point but PreEnqueue; score plugins implement PreScore+Score (or Score + NormalizeScore).
def framework_test_catalog() -> PluginCatalog:
    return PluginCatalog({
        "test-plugin": ["QueueSort", "PreFilter", "Filter", "PostFilter", "PreScore", "Score", "Reserve",
                        "Permit", "PreBind", "Bind", "PostBind"],
        "score-plugin-1": ["PreScore", "Score"],
        "score-plugin-2": ["PreScore", "Score"],
        "score-with-normalize-plugin-1": ["Score"],
        "score-with-normalize-plugin-2": ["Score"],
        "plugin-not-implementing-score": [],
        "duplicate-plugin": ["PreFilter"],
        "no-op-queue-sort-plugin": ["QueueSort"],
        "bind-plugin": ["Bind"],
    }, score_extensions=["score-with-normalize-plugin-1", "score-with-normalize-plugin-2"])


T, S1, S2, N1 = "test-plugin", "score-plugin-1", "score-plugin-2", "score-with-normalize-plugin-1"
QS, BP = "no-op-queue-sort-plugin", "bind-plugin"


def all_points_of_test_plugin(score_weight, **over):
    want = {"queue_sort": [T], "pre_filter": [T], "filter": [T], "post_filter": [T], "pre_score": [T],
            "score": [(T, score_weight)], "reserve": [T], "permit": [T], "pre_bind": [T], "bind": [T],
            "post_bind": [T], "pre_enqueue": []}
    want.update(over)
    return want


# Ported from pkg/scheduler/framework/runtime/framework_test.go, TestNewFrameworkMultiPointExpansion.
EXPANSION_CASES = [
    ("plugin expansion", {"multiPoint": ps([(T, 5)])}, all_points_of_test_plugin(5), None),
    ("disable MultiPoint plugin at some extension points",
     {"multiPoint": ps([T]), "preScore": ps([], [T]), "score": ps([], [T])},
     all_points_of_test_plugin(1, pre_score=[], score=[]), None),
    ("Multiple MultiPoint plugins", {"multiPoint": ps([T, S1])},
     all_points_of_test_plugin(1, pre_score=[T, S1], score=[(T, 1), (S1, 1)]), None),
    ("disable MultiPoint extension", {"multiPoint": ps([T, S1]), "preScore": ps([], ["*"])},
     all_points_of_test_plugin(1, pre_score=[], score=[(T, 1), (S1, 1)]), None),
    ("Reorder MultiPoint plugins (specified extension takes precedence)",
     {"multiPoint": ps([N1, T, S1]), "score": ps([S1, T])},
     all_points_of_test_plugin(1, pre_score=[T, S1], score=[(S1, 1), (T, 1), (N1, 1)]), None),
    ("Reorder MultiPoint plugins (specified extension only takes precedence when it exists in MultiPoint)",
     {"multiPoint": ps([T, S1]), "score": ps([N1, S1, T])},
     all_points_of_test_plugin(1, pre_score=[T, S1], score=[(S1, 1), (T, 1), (N1, 1)]), None),
    ("Override MultiPoint plugins weights",
     {"multiPoint": ps([T, S1]), "score": ps([(S1, 5), (T, 3)])},
     all_points_of_test_plugin(1, pre_score=[T, S1], score=[(S1, 5), (T, 3)]), None),
    ("disable and enable MultiPoint plugins with '*'",
     {"multiPoint": ps([QS, BP, S1], ["*"])},
     {"queue_sort": [QS], "pre_score": [S1], "score": [(S1, 1)], "bind": [BP]}, None),
    ("disable and enable MultiPoint plugin by name",
     {"multiPoint": ps([BP, QS, S1], [S1])},
     {"queue_sort": [QS], "pre_score": [S1], "score": [(S1, 1)], "bind": [BP]}, None),
    ("Expect 'already registered' error", {"multiPoint": ps([T, T])}, None, "already registered"),
    ("Override MultiPoint plugins weights and avoid a plugin being loaded multiple times",
     {"multiPoint": ps([T, S1]), "score": ps([(S1, 5), (S2, 5), (T, 3)])},
     all_points_of_test_plugin(1, pre_score=[T, S1], score=[(S1, 5), (T, 3), (S2, 5)]), None),
]


def _as_dict(r):
    fields = ["queue_sort", "pre_filter", "filter", "post_filter", "pre_score", "score", "reserve",
              "permit", "pre_bind", "bind", "post_bind", "pre_enqueue"]
    return {f: getattr(r, f) for f in fields}


@pytest.mark.parametrize("name,sets,want,want_err", EXPANSION_CASES, ids=[c[0] for c in EXPANSION_CASES])
def test_new_framework_multi_point_expansion(name, sets, want, want_err):
    prof = ProfileConfig(scheduler_name="test-profile", plugins=plugins(**sets))
    if want_err:
        with pytest.raises(InvalidConfig) as ei:
            resolve_profile(prof, framework_test_catalog())
        assert want_err in str(ei.value)
        return
    got = _as_dict(resolve_profile(prof, framework_test_catalog()))
    full = {f: [] for f in got}
    full.update(want)
    assert got == full


def _with_qs_and_bind(**sets):
    # newFrameworkWithQueueSortAndBind in framework_test.go
    p = plugins(**sets)
    if not p["queueSort"].enabled:
        p["queueSort"] = ps([QS])
    if not p["bind"].enabled:
        p["bind"] = ps([BP])
    return ProfileConfig(scheduler_name="test-profile", plugins=p)


# Ported from framework_test.go, TestInitFrameworkWithScorePlugins (defaultWeights: normalize-1 -> 1,
# score-plugin-1 -> 1).
@pytest.mark.parametrize("name,score,err", [
    ("enabled Score plugin doesn't exist in registry", [("notExist", 1)], UnknownPlugin),
    ("enabled Score plugin doesn't extend the ScorePlugin interface", [("plugin-not-implementing-score", 1)], InvalidConfig),
    ("Score plugins are nil", None, None),
    ("enabled Score plugin list is empty", [], None),
    ("enabled plugin only implements ScorePlugin interface", [(S1, 1)], None),
    ("enabled plugin implements ScoreWithNormalizePlugin interface", [(N1, 1)], None),
])
def test_init_framework_with_score_plugins(name, score, err):
    prof = _with_qs_and_bind(**({} if score is None else {"score": ps(score)}))
    cat = framework_test_catalog()
    if err:
        with pytest.raises(err):
            resolve_profile(prof, cat)
    else:
        r = resolve_profile(prof, cat)
        assert r.score == (score or [])
        assert r.normalize == [n for n, _ in (score or []) if n == N1]


def test_unknown_and_non_extending_plugin_messages():
    cat = framework_test_catalog()
    with pytest.raises(UnknownPlugin) as ei:
        resolve_profile(_with_qs_and_bind(score=ps([("notExist", 1)])), cat)
    assert ei.value.message == 'creating profile for scheduler name test-profile: ScorePlugin "notExist" does not exist'
    assert ei.value.field == "plugins.score.enabled[0]"
    with pytest.raises(InvalidConfig) as ei:
        resolve_profile(_with_qs_and_bind(score=ps(["plugin-not-implementing-score"])), cat)
    assert 'plugin "plugin-not-implementing-score" does not extend ScorePlugin plugin' in str(ei.value)


# Ported from framework_test.go, TestNewFrameworkErrors ("duplicate plugin name"; the repeated
# config case is a load-time error, see test_config_load.py).
def test_new_framework_errors_duplicate_plugin_name():
    prof = _with_qs_and_bind(preFilter=ps([("duplicate-plugin", 1), ("duplicate-plugin", 1)]))
    with pytest.raises(InvalidConfig) as ei:
        resolve_profile(prof, framework_test_catalog())
    assert 'plugin "duplicate-plugin" already registered as "PreFilterPlugin"' in str(ei.value)


def test_queue_sort_and_bind_are_required():
    cat = framework_test_catalog()
    with pytest.raises(InvalidConfig) as ei:
        resolve_profile(ProfileConfig(scheduler_name="p", plugins=plugins(bind=ps([BP]))), cat)
    assert 'only one queue sort plugin required for profile with scheduler name "p", but got 0' in str(ei.value)
    with pytest.raises(InvalidConfig) as ei:
        resolve_profile(ProfileConfig(scheduler_name="p", plugins=plugins(queueSort=ps([QS]))), cat)
    assert 'at least one bind plugin is needed for profile with scheduler name "p"' in str(ei.value)


def test_unknown_multipoint_plugin_named_like_upstream():
    cfg = load_config({"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
                       "profiles": [{"plugins": {"multiPoint": {"enabled": [{"name": "MyResearchPlugin"}]}}}]})
    with pytest.raises(UnknownPlugin) as ei:
        resolve_profile(cfg.profiles[0])
    assert ei.value.message == ('creating profile for scheduler name default-scheduler: '
                                'PreFilterPlugin "MyResearchPlugin" does not exist')


def test_out_of_tree_plugin_takes_part_in_expansion():
    cat = PluginCatalog.default()
    cat.register_out_of_tree("MyResearchPlugin", ["Filter", "score"], normalize_score=True)
    cfg = load_config({"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
                       "profiles": [{"plugins": {"multiPoint": {"enabled": [{"name": "MyResearchPlugin", "weight": 4}]},
                                                 "score": {"disabled": [{"name": "ImageLocality"}]}}}]},
                      catalog=cat)
    r = resolve_profile(cfg.profiles[0], cat)
    assert r.filter[-1] == "MyResearchPlugin"
    assert ("MyResearchPlugin", 4) in r.score and "ImageLocality" not in dict(r.score)
    assert "MyResearchPlugin" in r.normalize
    assert "MyResearchPlugin" not in r.pre_filter
    # The default catalog is a fresh object: registering in one does not leak into another.
    assert "MyResearchPlugin" not in PluginCatalog.default()
    with pytest.raises(InvalidConfig, match="a plugin named MyResearchPlugin already exists"):
        cat.register_out_of_tree("MyResearchPlugin", ["Filter"])
    with pytest.raises(InvalidConfig, match="unknown extension point"):
        cat.register_out_of_tree("Other", ["Filtre"])


def test_score_plugin_with_zero_weight_gets_one():
    prof = _with_qs_and_bind(score=ps([(S1, 0)]))
    assert resolve_profile(prof, framework_test_catalog()).score == [(S1, 1)]


# pkg/scheduler/profile/profile.go NewMap checks (profile_test.go TestNewMap error cases).
def test_resolve_profiles_checks_profiles_against_each_other():
    cat = framework_test_catalog()
    a = _with_qs_and_bind()
    a.scheduler_name = "profile-1"
    b = _with_qs_and_bind()
    b.scheduler_name = "profile-1"
    with pytest.raises(InvalidConfig, match='duplicate profile with scheduler name "profile-1"'):
        resolve_profiles([a, b], cat)
    b.scheduler_name = "profile-2"
    b.plugins["queueSort"] = ps([T])
    with pytest.raises(InvalidConfig, match='different queue sort plugins for profile "profile-2": '
                                            '"test-plugin", first: "no-op-queue-sort-plugin"'):
        resolve_profiles([a, b], cat)
    b.plugins["queueSort"] = ps([QS])
    b.plugin_config[QS] = {"foo": 1}
    with pytest.raises(InvalidConfig, match='different queue sort plugin args for profile "profile-2"'):
        resolve_profiles([a, b], cat)
    del b.plugin_config[QS]
    assert [r.scheduler_name for r in resolve_profiles([a, b], cat)] == ["profile-1", "profile-2"]
