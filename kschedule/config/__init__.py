"""KubeSchedulerConfiguration v1: types, v1 defaults, plugin merging, validation and loading.

Follows upstream Kubernetes v1.34 (``pkg/scheduler/apis/config``); see each module's docstring for
the upstream file it ports and the version choices made.
"""
from __future__ import annotations

from ..plugins.catalog import PluginCatalog
from .defaults import default_config, default_plugins, feature_gates
from .load import decode_plugin_args, load_config
from .merge import merge_plugin_set, merge_plugins, resolve_profile, resolve_profiles
from .types import (
    API_VERSION, DEFAULT_SCHEDULER_NAME, DefaultPreemptionArgs, DynamicResourcesArgs,
    InterPodAffinityArgs, NodeAffinityArgs, NodeResourcesBalancedAllocationArgs,
    NodeResourcesFitArgs, PluginRef, PluginSet, PodTopologySpreadArgs, ProfileConfig,
    RequestedToCapacityRatioParam, ResolvedProfile, ResourceSpec, SchedulerConfig,
    ScoringStrategy, UtilizationShapePoint, VolumeBindingArgs,
)
from .validation import validate, validate_config, validate_plugin_args

__all__ = [
    "API_VERSION", "DEFAULT_SCHEDULER_NAME", "PluginCatalog",
    "PluginRef", "PluginSet", "ProfileConfig", "SchedulerConfig", "ResolvedProfile",
    "NodeResourcesFitArgs", "ScoringStrategy", "ResourceSpec", "RequestedToCapacityRatioParam",
    "UtilizationShapePoint", "NodeResourcesBalancedAllocationArgs", "NodeAffinityArgs",
    "InterPodAffinityArgs", "PodTopologySpreadArgs", "DefaultPreemptionArgs", "VolumeBindingArgs",
    "DynamicResourcesArgs",
    "load_config", "default_config", "default_plugins", "feature_gates", "decode_plugin_args",
    "merge_plugins", "merge_plugin_set", "resolve_profile", "resolve_profiles",
    "validate", "validate_config", "validate_plugin_args",
]
