"""Scheduling profiles: the plugins of one ``schedulerName`` with their weights and args.

``Profile.default()`` is upstream's default profile (``apis/config/v1/default_plugins.go``);
``Profile.from_config(cfg)`` reads a KubeSchedulerConfiguration with upstream defaulting, merging
(``multiPoint``, ``enabled``/``disabled`` incl. ``"*"``) and validation. Plugins that kschedule does
not implement yet are listed in ``profile.unimplemented``; a pod that needs one of them is reported,
never silently mis-scheduled.

Research plugins written in Python register on a :class:`PluginRegistry` and take part in any
profile by name, mixed with built-ins (see :meth:`PluginRegistry.register`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from ..config import load_config
from ..config.defaults import default_config
from ..config.merge import resolve_profile, resolve_profiles
from ..config.types import ResolvedProfile
from ..errors import InvalidConfig
from ..plugins import gpu_share, names as N

#: Plugins the engine evaluates (C++ kernels or per-class vectorised evaluation).
IMPLEMENTED = frozenset({
    "PrioritySort", "SchedulingGates", "NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity",
    "NodePorts", "NodeResourcesFit", "NodeResourcesBalancedAllocation", "ImageLocality", "DefaultBinder",
}) | frozenset(gpu_share.NAMES)
#: Upstream plugins whose absence only matters for pods that use the feature they serve: a pod that
#: uses none of it is scheduled exactly as upstream would (the plugin would Skip or pass).
FEATURE_ONLY = {
    "VolumeRestrictions": "volumes", "NodeVolumeLimits": "volumes", "VolumeBinding": "volumes",
    "VolumeZone": "volumes", "DynamicResources": "resource claims", "InterPodAffinity": "pod (anti-)affinity",
    "PodTopologySpread": "topology spread constraints", "DefaultPreemption": "preemption",
}


@dataclass
class PythonPlugin:
    """A research plugin: ``filter(pod, nodes) -> bool mask`` and/or ``score(pod, nodes) -> int
    vector`` over numpy views of the node columns (``nodes`` is ``cluster.nodes``; ``pod`` a
    :class:`~kschedule.objects.pod.PodInfo`). Scores must lie in [0, 100] (already normalized)."""

    name: str
    filter: Optional[Callable] = None
    score: Optional[Callable] = None
    reason: str = ""

    @property
    def extension_points(self) -> frozenset:
        pts = set()
        if self.filter:
            pts.add(N.FILTER)
        if self.score:
            pts.add(N.SCORE)
        return frozenset(pts)


class PluginRegistry:
    """Out-of-tree (Python) plugins by name. One registry per use; no global state."""

    def __init__(self):
        self.plugins: dict = {}

    def register(self, name: str, *, filter: Callable = None, score: Callable = None, reason: str = "") -> PythonPlugin:
        if not filter and not score:
            raise InvalidConfig("", f'plugin "{name}" needs a filter or a score function')
        if name in N.EXTENSION_POINTS or name in gpu_share.NAMES:
            raise InvalidConfig("", f'plugin "{name}" is a built-in plugin name')
        p = PythonPlugin(name, filter, score, reason or f"node(s) didn't satisfy plugin {name}")
        self.plugins[name] = p
        return p

    def catalog(self):
        from ..plugins.catalog import PluginCatalog
        cat = PluginCatalog.default()
        gpu_share.register(cat)  # built-in out-of-tree plugins, usable by name in any profile
        for p in self.plugins.values():
            cat.register_out_of_tree(p.name, p.extension_points)
        return cat


@dataclass
class Profile:
    """One resolved profile plus the research plugins it may use."""

    resolved: ResolvedProfile
    registry: PluginRegistry = field(default_factory=PluginRegistry)
    global_percentage: Optional[int] = 0

    # -- construction ------------------------------------------------------------------------------
    @classmethod
    def default(cls) -> "Profile":
        cfg = default_config()
        return cls(resolve_profile(cfg.profiles[0], PluginRegistry().catalog()), PluginRegistry(),
                   cfg.percentage_of_nodes_to_score)

    @classmethod
    def from_config(cls, cfg: Any, name: Optional[str] = None, registry: Optional[PluginRegistry] = None) -> "Profile":
        """The profile ``name`` (default: the first) of a KubeSchedulerConfiguration dict, text or path."""
        profiles = Profiles.from_config(cfg, registry)
        if name is None:
            return profiles.list[0]
        if name not in profiles.by_name:
            raise InvalidConfig("profiles", f'no profile with schedulerName "{name}"')
        return profiles.by_name[name]

    # -- queries -------------------------------------------------------------------------------------
    @property
    def scheduler_name(self) -> str:
        return self.resolved.scheduler_name or "default-scheduler"

    @property
    def percentage_of_nodes_to_score(self) -> int:
        p = self.resolved.percentage_of_nodes_to_score
        if p is None:
            p = self.global_percentage or 0
        return p

    @property
    def filters(self) -> list:
        return list(self.resolved.filter)

    @property
    def scores(self) -> list:
        """(plugin, weight) in profile order."""
        return list(self.resolved.score)

    def args(self, plugin: str):
        return self.resolved.args.get(plugin)

    @property
    def plugins(self) -> list:
        r = self.resolved
        seen = []
        for lst in (r.pre_enqueue, r.queue_sort, r.pre_filter, r.filter, r.post_filter, r.pre_score,
                    [n for n, _ in r.score], r.reserve, r.permit, r.pre_bind, r.bind, r.post_bind):
            for n in lst:
                if n not in seen:
                    seen.append(n)
        return seen

    @property
    def unimplemented(self) -> list:
        """Plugins of this profile that kschedule does not implement yet (neither built in nor registered)."""
        return [p for p in self.plugins if p not in IMPLEMENTED and p not in self.registry.plugins]

    def python_plugin(self, name: str) -> Optional[PythonPlugin]:
        return self.registry.plugins.get(name)


@dataclass
class Profiles:
    """All profiles of one KubeSchedulerConfiguration, by schedulerName."""

    list: list
    by_name: dict

    @classmethod
    def from_config(cls, cfg: Any, registry: Optional[PluginRegistry] = None) -> "Profiles":
        registry = registry or PluginRegistry()
        conf = load_config(cfg, catalog=registry.catalog())
        out = [Profile(rp, registry, conf.percentage_of_nodes_to_score)
               for rp in resolve_profiles(conf.profiles, registry.catalog())]
        return cls(out, {p.scheduler_name: p for p in out})

    @classmethod
    def default(cls) -> "Profiles":
        p = Profile.default()
        return cls([p], {p.scheduler_name: p})


__all__ = ["Profile", "Profiles", "PluginRegistry", "PythonPlugin", "IMPLEMENTED", "FEATURE_ONLY", "Mapping"]
