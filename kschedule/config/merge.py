"""Merging custom plugin sets into the defaults, and multiPoint expansion into a resolved profile.

Upstream:

* ``pkg/scheduler/apis/config/v1/default_plugins.go`` — ``mergePlugins`` / ``mergePluginSet``:
  disabled plugins (``"*"`` = all defaults) are dropped from the default list, a custom plugin with
  the name of a default one replaces it *in place* (keeping default order), every other custom
  plugin is appended; disabled lists are kept (custom first, then the defaults' own) so that
  multiPoint expansion can honour them later.
* ``pkg/scheduler/framework/runtime/framework.go`` — ``NewFramework`` / ``updatePluginList`` /
  ``expandMultiPointPlugins`` / ``getScoreWeights``: specific extension points are filled first;
  then, for each extension point not disabled with ``"*"``, the multiPoint plugins implementing it
  are added. Order at a point: plugins also named at the specific point (in that point's order,
  "overrides"), then multiPoint-only plugins (multiPoint order), then the remaining specific ones.
  Score weights come from ``score.enabled`` first, then ``multiPoint.enabled``; 0/unset -> 1.
* ``pkg/scheduler/profile/profile.go`` — ``NewMap``: one profile per scheduler name and the same
  queue sort plugin (and args) in every profile.

``multiPoint.disabled`` only matters while merging with the defaults; expansion ignores it, as
upstream does.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..errors import InvalidConfig, UnknownPlugin
from ..plugins import names
from ..plugins.catalog import PluginCatalog
from .types import PLUGIN_SET_KEYS, PluginRef, PluginSet, ProfileConfig, ResolvedProfile

#: math.MaxInt64: framework.MaxTotalScore.
MAX_TOTAL_SCORE = (1 << 63) - 1
MAX_NODE_SCORE = 100


def merge_plugin_set(default: PluginSet, custom: PluginSet) -> PluginSet:
    """``mergePluginSet``."""
    disabled_names: set[str] = set()
    disabled: list[PluginRef] = []
    for p in custom.disabled:
        disabled.append(PluginRef(p.name))
        disabled_names.add(p.name)
    # A default set may itself disable plugins (e.g. enable X via multiPoint but not its Score).
    for p in default.disabled:
        disabled.append(PluginRef(p.name))
        disabled_names.add(p.name)

    custom_index: dict[str, tuple[int, PluginRef]] = {}
    for i, p in enumerate(custom.enabled):
        custom_index[p.name] = (i, p)  # last duplicate wins, as with a Go map
    replaced: set[int] = set()
    enabled: list[PluginRef] = []
    if "*" not in disabled_names:
        for p in default.enabled:
            if p.name in disabled_names:
                continue
            if p.name in custom_index:
                i, cp = custom_index[p.name]
                p = cp
                replaced.add(i)
            enabled.append(PluginRef(p.name, p.weight))
    # Duplicated custom plugins are appended too; framework initialisation rejects them.
    for i, p in enumerate(custom.enabled):
        if i not in replaced:
            enabled.append(PluginRef(p.name, p.weight))
    return PluginSet(enabled, disabled)


def merge_plugins(default: Mapping[str, PluginSet], custom: Mapping[str, PluginSet] | None) -> dict[str, PluginSet]:
    """``mergePlugins``: merge every extension point (and multiPoint) of ``custom`` into ``default``."""
    out = {k: default.get(k, PluginSet()) for k in PLUGIN_SET_KEYS}
    if custom is None:
        return {k: PluginSet([PluginRef(p.name, p.weight) for p in v.enabled],
                             [PluginRef(p.name) for p in v.disabled]) for k, v in out.items()}
    return {k: merge_plugin_set(out[k], custom.get(k) or PluginSet()) for k in PLUGIN_SET_KEYS}


# --------------------------------------------------------------------------- expansion

# Upstream getExtensionPoints order (it decides which error is reported first).
_EXPANSION_ORDER: tuple[str, ...] = (
    names.PRE_FILTER, names.FILTER, names.POST_FILTER, names.RESERVE, names.PRE_SCORE, names.SCORE,
    names.PRE_BIND, names.BIND, names.POST_BIND, names.PERMIT, names.PRE_ENQUEUE, names.QUEUE_SORT,
)

_RESOLVED_FIELD = {
    names.PRE_ENQUEUE: "pre_enqueue", names.QUEUE_SORT: "queue_sort", names.PRE_FILTER: "pre_filter",
    names.FILTER: "filter", names.POST_FILTER: "post_filter", names.PRE_SCORE: "pre_score",
    names.SCORE: "score", names.RESERVE: "reserve", names.PERMIT: "permit",
    names.PRE_BIND: "pre_bind", names.BIND: "bind", names.POST_BIND: "post_bind",
}


def _join(prefix: str, path: str) -> str:
    return f"{prefix}.{path}" if prefix else path


def _expand_point(point: str, plugins: Mapping[str, PluginSet], catalog: PluginCatalog,
                  where: str, path: str) -> list[str]:
    """Plugins run at one extension point: ``updatePluginList`` then ``expandMultiPointPlugins``."""
    key = names.CONFIG_KEY[point]
    ps = plugins.get(key) or PluginSet()
    type_name = f"{point}Plugin"
    specific: list[str] = []
    for i, p in enumerate(ps.enabled):
        f = _join(path, f"plugins.{key}.enabled[{i}]")
        if p.name not in catalog:
            raise UnknownPlugin(f, f'{where}{type_name} "{p.name}" does not exist')
        if not catalog.implements(p.name, point):
            raise InvalidConfig(f, f'{where}plugin "{p.name}" does not extend {type_name} plugin')
        if p.name in specific:
            raise InvalidConfig(f, f'{where}plugin "{p.name}" already registered as "{type_name}"')
        specific.append(p.name)
    return specific


def _expand_multi_point(point: str, specific: list[str], plugins: Mapping[str, PluginSet],
                        catalog: PluginCatalog, where: str, path: str) -> list[str]:
    key = names.CONFIG_KEY[point]
    ps = plugins.get(key) or PluginSet()
    disabled = {p.name for p in ps.disabled}
    if "*" in disabled:
        return specific
    type_name = f"{point}Plugin"
    multi = plugins.get(names.MULTI_POINT) or PluginSet()
    overrides: list[str] = []
    multi_enabled: list[str] = []
    for p in multi.enabled:
        if p.name not in catalog:
            # No index: after merging with the defaults it would not match the user's list.
            raise UnknownPlugin(_join(path, "plugins.multiPoint"),
                                f'{where}{type_name} "{p.name}" does not exist')
        if not catalog.implements(p.name, point) or p.name in disabled:
            continue
        if p.name in specific:
            # Named at the specific point too: the user overrides the multiPoint entry.
            if p.name not in overrides:
                overrides.append(p.name)
            continue
        if p.name in multi_enabled:
            raise InvalidConfig(_join(path, "plugins.multiPoint"),
                                f'{where}plugin "{p.name}" already registered as "{type_name}"')
        multi_enabled.append(p.name)
    first = [n for n in specific if n in overrides]
    rest = [n for n in specific if n not in overrides]
    return first + multi_enabled + rest


def resolve_profile(profile: ProfileConfig, catalog: PluginCatalog | None = None, *,
                    path: str = "") -> ResolvedProfile:
    """The plugins a framework built from ``profile`` runs at each extension point.

    ``profile`` is normally defaulted (``load_config``); a profile whose ``plugins`` were never
    merged with the defaults is expanded as written. Raises :class:`UnknownPlugin` for a plugin
    missing from ``catalog`` (default: the in-tree catalog) and :class:`InvalidConfig` for the other
    framework initialisation errors, with upstream messages. ``path`` prefixes field paths
    (e.g. ``"profiles[1]"``).
    """
    catalog = catalog or PluginCatalog.default()
    sched = profile.scheduler_name or ""
    where = f"creating profile for scheduler name {sched}: "
    plugins = profile.plugins or {}
    points: dict[str, list[str]] = {}
    for point in _EXPANSION_ORDER:
        points[point] = _expand_point(point, plugins, catalog, where, path)
    multi = plugins.get(names.MULTI_POINT) or PluginSet()
    if multi.enabled:
        for point in _EXPANSION_ORDER:
            points[point] = _expand_multi_point(point, points[point], plugins, catalog, where, path)

    if len(points[names.QUEUE_SORT]) != 1:
        raise InvalidConfig(_join(path, "plugins.queueSort"),
                            f"{where}only one queue sort plugin required for profile with scheduler "
                            f"name {_go_q(sched)}, but got {len(points[names.QUEUE_SORT])}")
    if not points[names.BIND]:
        raise InvalidConfig(_join(path, "plugins.bind"),
                            f"{where}at least one bind plugin is needed for profile with scheduler "
                            f"name {_go_q(sched)}")

    weights = _score_weights(plugins, catalog, where, path)
    resolved = ResolvedProfile(scheduler_name=profile.scheduler_name,
                               percentage_of_nodes_to_score=profile.percentage_of_nodes_to_score)
    for point, lst in points.items():
        if point == names.SCORE:
            resolved.score = [(n, weights[n]) for n in lst]
        else:
            setattr(resolved, _RESOLVED_FIELD[point], list(lst))
    resolved.normalize = [n for n, _ in resolved.score if catalog.normalizes_score(n)]
    needed = set()
    for lst in points.values():
        needed.update(lst)
    resolved.args = {n: a for n, a in (profile.plugin_config or {}).items() if n in needed}
    return resolved


def _score_weights(plugins: Mapping[str, PluginSet], catalog: PluginCatalog, where: str,
                   path: str) -> dict[str, int]:
    """``getScoreWeights``: specific Score entries win over multiPoint ones."""
    weights: dict[str, int] = {}
    total = 0
    candidates = list((plugins.get("score") or PluginSet()).enabled)
    candidates += list((plugins.get(names.MULTI_POINT) or PluginSet()).enabled)
    for p in candidates:
        if not catalog.implements(p.name, names.SCORE) or p.name in weights:
            continue
        w = p.weight or 1  # a zero weight is not permitted; disable the plugin instead
        weights[p.name] = w
        if w * MAX_NODE_SCORE > MAX_TOTAL_SCORE - total:
            raise InvalidConfig(_join(path, "plugins.score"), f"{where}total score of Score plugins could overflow")
        total += w * MAX_NODE_SCORE
    return weights


def _go_q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _args_equal(a: Any, b: Any) -> bool:
    return a == b


def resolve_profiles(profiles: Iterable[ProfileConfig], catalog: PluginCatalog | None = None) -> list[ResolvedProfile]:
    """``profile.NewMap``: resolve every profile and check them against each other."""
    catalog = catalog or PluginCatalog.default()
    out: list[ResolvedProfile] = []
    seen: set[str] = set()
    queue_sort: str | None = None
    queue_sort_args: Any = None
    for i, prof in enumerate(profiles):
        path = f"profiles[{i}]"
        r = resolve_profile(prof, catalog, path=path)
        name = prof.scheduler_name or ""
        if not name:
            raise InvalidConfig(f"{path}.schedulerName", "scheduler name is needed")
        if name in seen:
            raise InvalidConfig(f"{path}.schedulerName", f"duplicate profile with scheduler name {_go_q(name)}")
        seen.add(name)
        qs = r.queue_sort[0]
        qs_args = (prof.plugin_config or {}).get(qs)
        if queue_sort is None:
            queue_sort, queue_sort_args = qs, qs_args
        elif qs != queue_sort:
            raise InvalidConfig(f"{path}.plugins.queueSort",
                                f"different queue sort plugins for profile {_go_q(name)}: {_go_q(qs)}, "
                                f"first: {_go_q(queue_sort)}")
        elif not _args_equal(queue_sort_args, qs_args):
            raise InvalidConfig(f"{path}.pluginConfig",
                                f"different queue sort plugin args for profile {_go_q(name)}")
        out.append(r)
    return out
