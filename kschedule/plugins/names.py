"""In-tree scheduler plugin names and the extension points each one implements (Kubernetes v1.34).

Upstream: ``pkg/scheduler/framework/plugins/names/names.go`` (the names),
``pkg/scheduler/framework/plugins/registry.go`` (which plugins are in tree) and the
``var _ framework.XPlugin = &Plugin{}`` assertions of each plugin's Go file (which extension points
a plugin implements; multiPoint expansion registers a plugin at exactly those points).

Version choices (v1.34):

* ``EBSLimits``, ``GCEPDLimits``, ``AzureDiskLimits`` and ``CinderLimits`` were removed from the tree
  before v1.34; v1 validation reports them as invalid (``INVALID_IN_V1``).
* ``DynamicResources`` (DRA, GA and on by default in v1.34) implements PreEnqueue, PreFilter, Filter,
  PostFilter, Reserve and PreBind; the Score extension of newer releases is not part of v1.34.
* ``DefaultPreemption`` implements PreEnqueue (async preemption, since v1.32) besides PostFilter.
* ``VolumeBinding`` always implements PreScore/Score (it skips itself at PreScore when storage
  capacity scoring is off), so multiPoint expansion gives it a Score weight of 1.
* ``NodeDeclaredFeatures``, ``GangScheduling``, ``TopologyPlacementGenerator`` … are newer than v1.34.

Only constants live here; the mutable registry of plugins (with out-of-tree plugins) is
:class:`kschedule.plugins.catalog.PluginCatalog`.
"""
from __future__ import annotations

PrioritySort = "PrioritySort"
DefaultBinder = "DefaultBinder"
DefaultPreemption = "DefaultPreemption"
DynamicResources = "DynamicResources"
ImageLocality = "ImageLocality"
InterPodAffinity = "InterPodAffinity"
NodeAffinity = "NodeAffinity"
NodeName = "NodeName"
NodePorts = "NodePorts"
NodeResourcesBalancedAllocation = "NodeResourcesBalancedAllocation"
NodeResourcesFit = "NodeResourcesFit"
NodeUnschedulable = "NodeUnschedulable"
NodeVolumeLimits = "NodeVolumeLimits"
PodTopologySpread = "PodTopologySpread"
SchedulingGates = "SchedulingGates"
TaintToleration = "TaintToleration"
VolumeBinding = "VolumeBinding"
VolumeRestrictions = "VolumeRestrictions"
VolumeZone = "VolumeZone"

# Removed in-tree volume limit plugins: rejected by v1 validation ("was invalid in version ...").
AzureDiskLimits = "AzureDiskLimits"
CinderLimits = "CinderLimits"
EBSLimits = "EBSLimits"
GCEPDLimits = "GCEPDLimits"
INVALID_IN_V1: tuple[str, ...] = (AzureDiskLimits, CinderLimits, EBSLimits, GCEPDLimits)

# Extension points, with the names used by the framework (Go interface ``<name>Plugin``).
PRE_ENQUEUE = "PreEnqueue"
QUEUE_SORT = "QueueSort"
PRE_FILTER = "PreFilter"
FILTER = "Filter"
POST_FILTER = "PostFilter"
PRE_SCORE = "PreScore"
SCORE = "Score"
RESERVE = "Reserve"
PERMIT = "Permit"
PRE_BIND = "PreBind"
BIND = "Bind"
POST_BIND = "PostBind"

#: Every extension point, in the order of upstream ``Plugins`` fields.
ALL_EXTENSION_POINTS: tuple[str, ...] = (
    PRE_ENQUEUE, QUEUE_SORT, PRE_FILTER, FILTER, POST_FILTER, PRE_SCORE, SCORE,
    RESERVE, PERMIT, PRE_BIND, BIND, POST_BIND,
)

#: KubeSchedulerConfiguration ``plugins`` key (camelCase) for each extension point.
CONFIG_KEY: dict[str, str] = {ep: ep[0].lower() + ep[1:] for ep in ALL_EXTENSION_POINTS}
MULTI_POINT = "multiPoint"

_PF = frozenset
#: Which extension points each in-tree plugin implements (v1.34).
EXTENSION_POINTS: dict[str, frozenset[str]] = {
    SchedulingGates: _PF({PRE_ENQUEUE}),
    PrioritySort: _PF({QUEUE_SORT}),
    NodeUnschedulable: _PF({FILTER}),
    NodeName: _PF({FILTER}),
    TaintToleration: _PF({FILTER, PRE_SCORE, SCORE}),
    NodeAffinity: _PF({PRE_FILTER, FILTER, PRE_SCORE, SCORE}),
    NodePorts: _PF({PRE_FILTER, FILTER}),
    NodeResourcesFit: _PF({PRE_FILTER, FILTER, PRE_SCORE, SCORE}),
    VolumeRestrictions: _PF({PRE_FILTER, FILTER}),
    NodeVolumeLimits: _PF({PRE_FILTER, FILTER}),
    VolumeBinding: _PF({PRE_FILTER, FILTER, RESERVE, PRE_BIND, PRE_SCORE, SCORE}),
    VolumeZone: _PF({PRE_FILTER, FILTER}),
    PodTopologySpread: _PF({PRE_FILTER, FILTER, PRE_SCORE, SCORE}),
    InterPodAffinity: _PF({PRE_FILTER, FILTER, PRE_SCORE, SCORE}),
    DynamicResources: _PF({PRE_ENQUEUE, PRE_FILTER, FILTER, POST_FILTER, RESERVE, PRE_BIND}),
    DefaultPreemption: _PF({PRE_ENQUEUE, POST_FILTER}),
    NodeResourcesBalancedAllocation: _PF({PRE_SCORE, SCORE}),
    ImageLocality: _PF({SCORE}),
    DefaultBinder: _PF({BIND}),
}

#: Score plugins whose ``ScoreExtensions()`` is non-nil (they run NormalizeScore).
SCORE_EXTENSIONS: frozenset[str] = _PF({TaintToleration, NodeAffinity, PodTopologySpread, InterPodAffinity})

#: Plugins whose arguments have a typed ``<Name>Args`` kind in kubescheduler.config.k8s.io/v1.
ARGS_KINDS: frozenset[str] = _PF({
    DefaultPreemption, DynamicResources, InterPodAffinity, NodeAffinity,
    NodeResourcesBalancedAllocation, NodeResourcesFit, PodTopologySpread, VolumeBinding,
})

IN_TREE: frozenset[str] = frozenset(EXTENSION_POINTS)

del _PF
