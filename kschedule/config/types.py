"""KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) as Python dataclasses.

Upstream: ``staging/src/k8s.io/kube-scheduler/config/v1/types.go`` and ``types_pluginargs.go``
(field names; the JSON spelling is kept in ``JSON_FIELDS`` tables used by the loader) and
``pkg/scheduler/apis/config/types.go`` (the internal, defaulted form these classes hold after
:func:`kschedule.config.load_config`).

Args dataclasses hold the *defaulted* values: a field that is ``None`` after loading means
"not set" only for kinds whose upstream default leaves it unset (e.g. ``VolumeBindingArgs.shape``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

API_VERSION = "kubescheduler.config.k8s.io/v1"
GROUP = "kubescheduler.config.k8s.io"
KIND = "KubeSchedulerConfiguration"
DEFAULT_SCHEDULER_NAME = "default-scheduler"

#: ``plugins`` keys of a profile, in upstream ``Plugins`` field order.
PLUGIN_SET_KEYS: tuple[str, ...] = (
    "preEnqueue", "queueSort", "preFilter", "filter", "postFilter", "preScore", "score",
    "reserve", "permit", "preBind", "bind", "postBind", "multiPoint",
)

# ScoringStrategyType values.
LEAST_ALLOCATED = "LeastAllocated"
MOST_ALLOCATED = "MostAllocated"
REQUESTED_TO_CAPACITY_RATIO = "RequestedToCapacityRatio"
# PodTopologySpreadConstraintsDefaulting values.
SYSTEM_DEFAULTING = "System"
LIST_DEFAULTING = "List"

#: config.MaxCustomPriorityScore: the score axis of utilization shape points goes 0..10.
MAX_CUSTOM_PRIORITY_SCORE = 10


@dataclass
class PluginRef:
    """``v1.Plugin``: a plugin name and an optional score weight (``*int32``)."""
    name: str
    weight: int | None = None


@dataclass
class PluginSet:
    """``v1.PluginSet``: plugins enabled and disabled at one extension point."""
    enabled: list[PluginRef] = field(default_factory=list)
    disabled: list[PluginRef] = field(default_factory=list)


def empty_plugins() -> dict[str, PluginSet]:
    return {k: PluginSet() for k in PLUGIN_SET_KEYS}


@dataclass
class ProfileConfig:
    """``v1.KubeSchedulerProfile``. ``plugins`` holds every key of ``PLUGIN_SET_KEYS`` after
    defaulting; ``plugin_config`` maps plugin name -> args (typed dataclass for in-tree args kinds,
    the raw value for out-of-tree plugins, ``None`` when a config entry has no args)."""
    scheduler_name: str | None = None
    percentage_of_nodes_to_score: int | None = None
    plugins: dict[str, PluginSet] = field(default_factory=empty_plugins)
    plugin_config: dict[str, Any] = field(default_factory=dict)


@dataclass
class SchedulerConfig:
    """``v1.KubeSchedulerConfiguration`` after v1 defaulting."""
    profiles: list[ProfileConfig] = field(default_factory=list)
    percentage_of_nodes_to_score: int | None = 0
    parallelism: int = 16
    pod_initial_backoff_seconds: int = 1
    pod_max_backoff_seconds: int = 10
    leader_election: dict[str, Any] = field(default_factory=dict)
    client_connection: dict[str, Any] = field(default_factory=dict)
    enable_profiling: bool = True
    enable_contention_profiling: bool = True
    extenders: list[dict[str, Any]] = field(default_factory=list)
    delay_cache_until_active: bool = False
    api_version: str = API_VERSION

    def profile(self, scheduler_name: str) -> ProfileConfig:
        for p in self.profiles:
            if p.scheduler_name == scheduler_name:
                return p
        raise KeyError(scheduler_name)


@dataclass
class ResolvedProfile:
    """A profile after multiPoint expansion: the plugins run at each extension point, in order.

    ``score`` carries each score plugin's weight (upstream ``scorePluginWeight``, never 0).
    ``normalize`` lists the score plugins that run NormalizeScore.
    """
    scheduler_name: str | None
    percentage_of_nodes_to_score: int | None
    queue_sort: list[str] = field(default_factory=list)
    pre_filter: list[str] = field(default_factory=list)
    filter: list[str] = field(default_factory=list)
    post_filter: list[str] = field(default_factory=list)
    pre_score: list[str] = field(default_factory=list)
    score: list[tuple[str, int]] = field(default_factory=list)
    reserve: list[str] = field(default_factory=list)
    permit: list[str] = field(default_factory=list)
    pre_bind: list[str] = field(default_factory=list)
    bind: list[str] = field(default_factory=list)
    post_bind: list[str] = field(default_factory=list)
    pre_enqueue: list[str] = field(default_factory=list)
    args: dict[str, Any] = field(default_factory=dict)
    normalize: list[str] = field(default_factory=list)

    @property
    def score_weights(self) -> dict[str, int]:
        return dict(self.score)


# --------------------------------------------------------------------------- plugin args


@dataclass
class ResourceSpec:
    name: str = ""
    weight: int = 0


@dataclass
class UtilizationShapePoint:
    utilization: int = 0
    score: int = 0


@dataclass
class RequestedToCapacityRatioParam:
    shape: list[UtilizationShapePoint] = field(default_factory=list)


@dataclass
class ScoringStrategy:
    type: str = ""
    resources: list[ResourceSpec] = field(default_factory=list)
    requested_to_capacity_ratio: RequestedToCapacityRatioParam | None = None


@dataclass
class NodeResourcesFitArgs:
    ignored_resources: list[str] = field(default_factory=list)
    ignored_resource_groups: list[str] = field(default_factory=list)
    scoring_strategy: ScoringStrategy | None = None


@dataclass
class NodeResourcesBalancedAllocationArgs:
    resources: list[ResourceSpec] = field(default_factory=list)


@dataclass
class NodeAffinityArgs:
    #: A ``v1.NodeAffinity`` object as the API serialises it (dict), or None.
    added_affinity: dict[str, Any] | None = None


@dataclass
class InterPodAffinityArgs:
    hard_pod_affinity_weight: int | None = None
    ignore_preferred_terms_of_existing_pods: bool = False


@dataclass
class PodTopologySpreadArgs:
    #: ``v1.TopologySpreadConstraint`` objects as dicts.
    default_constraints: list[dict[str, Any]] = field(default_factory=list)
    defaulting_type: str = ""


@dataclass
class DefaultPreemptionArgs:
    min_candidate_nodes_percentage: int | None = None
    min_candidate_nodes_absolute: int | None = None


@dataclass
class VolumeBindingArgs:
    bind_timeout_seconds: int | None = None
    shape: list[UtilizationShapePoint] | None = None


@dataclass
class DynamicResourcesArgs:
    """v1.34 ``DynamicResourcesArgs``: ``filterTimeout`` (a Go duration) held in seconds."""
    filter_timeout_seconds: float | None = None


#: Args dataclass for each in-tree plugin with an ``<Name>Args`` kind.
ARGS_TYPES: dict[str, type] = {
    "DefaultPreemption": DefaultPreemptionArgs,
    "DynamicResources": DynamicResourcesArgs,
    "InterPodAffinity": InterPodAffinityArgs,
    "NodeAffinity": NodeAffinityArgs,
    "NodeResourcesBalancedAllocation": NodeResourcesBalancedAllocationArgs,
    "NodeResourcesFit": NodeResourcesFitArgs,
    "PodTopologySpread": PodTopologySpreadArgs,
    "VolumeBinding": VolumeBindingArgs,
}


# --------------------------------------------------------------------------- Go durations

_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0,
                   "m": 60.0, "h": 3600.0}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(text: str) -> float:
    """Seconds in a Go ``time.ParseDuration`` string (``"1h30m"``, ``"-1.5s"``, ``"0"``)."""
    if not isinstance(text, str) or not text:
        raise ValueError(f"time: invalid duration {text!r}")
    s = text
    sign = 1.0
    if s[0] in "+-":
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:]
    if s == "0":
        return 0.0
    pos, total = 0, 0.0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if not m:
            raise ValueError(f'time: invalid duration "{text}"')
        total += float(m.group(1)) * _DURATION_UNITS[m.group(2)]
        pos = m.end()
    if pos == 0:
        raise ValueError(f'time: invalid duration "{text}"')
    return sign * total


def format_duration(seconds: float) -> str:
    """Go ``time.Duration.String()`` for whole-ish second values (``"15s"``, ``"1m30s"``)."""
    if seconds == 0:
        return "0s"
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 1:
        ms = seconds * 1e3
        return f"{sign}{ms:g}ms"
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    out = sign
    if h:
        out += f"{int(h)}h"
    if h or m:
        out += f"{int(m)}m"
    out += f"{s:g}s"
    return out
