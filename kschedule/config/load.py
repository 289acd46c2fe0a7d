"""Loading a KubeSchedulerConfiguration (v1) from a dict, YAML/JSON text or a file.

Upstream: ``cmd/kube-scheduler/app/options/configfile.go`` (``loadConfigFromFile``) decodes with the
scheme's strict ``UniversalDecoder``, which applies v1 defaults; plugin args are decoded per plugin
by ``PluginConfig.decodeNestedObjects`` (``staging/src/k8s.io/kube-scheduler/config/v1/types.go``):
an in-tree plugin's ``args`` become its ``<Name>Args`` kind (an explicit ``apiVersion``/``kind`` must
agree), other plugins keep raw args. Then ``ValidateKubeSchedulerConfiguration`` runs.

Strict decoding rejects unknown fields, as upstream does, with upstream's text
(``strict decoding error: unknown field "profiles[0].foo"``); wrong JSON types are reported like Go's
``encoding/json`` (``json: cannot unmarshal string into Go value of type int32``). Every problem raises
:class:`kschedule.errors.InvalidConfig` and nothing is half-applied.
"""
from __future__ import annotations

import copy
import math
import os
from typing import Any, Mapping

import yaml

from ..errors import FieldError, InvalidConfig
from ..plugins.catalog import PluginCatalog
from . import defaults as _defaults
from .merge import resolve_profiles
from .types import (
    API_VERSION, ARGS_TYPES, GROUP, KIND, PLUGIN_SET_KEYS, DefaultPreemptionArgs,
    DynamicResourcesArgs, InterPodAffinityArgs, NodeAffinityArgs,
    NodeResourcesBalancedAllocationArgs, NodeResourcesFitArgs, PluginRef, PluginSet,
    PodTopologySpreadArgs, ProfileConfig, RequestedToCapacityRatioParam, ResourceSpec,
    SchedulerConfig, ScoringStrategy, UtilizationShapePoint, VolumeBindingArgs, parse_duration,
)
from .validation import raise_aggregate, validate_config

# --------------------------------------------------------------------------- schema
# A spec is a scalar type name, ("list", spec), ("map", spec) or a dict of JSON field -> spec.

_S, _B, _I32, _I64, _F, _D, _ANY = "string", "bool", "int32", "int64", "float64", "duration", "any"

_LEADER_ELECTION = {"leaderElect": _B, "leaseDuration": _D, "renewDeadline": _D, "retryPeriod": _D,
                    "resourceLock": _S, "resourceName": _S, "resourceNamespace": _S}
_CLIENT_CONNECTION = {"kubeconfig": _S, "acceptContentTypes": _S, "contentType": _S, "qps": _F, "burst": _I32}
_PLUGIN = {"name": _S, "weight": _I32}
_PLUGIN_SET = {"enabled": ("list", _PLUGIN), "disabled": ("list", _PLUGIN)}
_PLUGINS = {k: _PLUGIN_SET for k in PLUGIN_SET_KEYS}
_PLUGIN_CONFIG = {"name": _S, "args": _ANY}
_PROFILE = {"schedulerName": _S, "percentageOfNodesToScore": _I32, "plugins": _PLUGINS,
            "pluginConfig": ("list", _PLUGIN_CONFIG)}
_EXTENDER = {
    "urlPrefix": _S, "filterVerb": _S, "preemptVerb": _S, "prioritizeVerb": _S, "weight": _I64,
    "bindVerb": _S, "enableHTTPS": _B, "httpTimeout": _D, "nodeCacheCapable": _B, "ignorable": _B,
    "tlsConfig": {"insecure": _B, "serverName": _S, "certFile": _S, "keyFile": _S, "caFile": _S,
                  "certData": _S, "keyData": _S, "caData": _S},
    "managedResources": ("list", {"name": _S, "ignoredByScheduler": _B}),
}
_CONFIG = {
    "apiVersion": _S, "kind": _S, "parallelism": _I32, "leaderElection": _LEADER_ELECTION,
    "clientConnection": _CLIENT_CONNECTION, "enableProfiling": _B, "enableContentionProfiling": _B,
    "percentageOfNodesToScore": _I32, "podInitialBackoffSeconds": _I64, "podMaxBackoffSeconds": _I64,
    "profiles": ("list", _PROFILE), "extenders": ("list", _EXTENDER), "delayCacheUntilActive": _B,
}

_TYPE_META = {"apiVersion": _S, "kind": _S}
_RESOURCE_SPEC = {"name": _S, "weight": _I64}
_SHAPE = ("list", {"utilization": _I32, "score": _I32})
_REQUIREMENT = {"key": _S, "operator": _S, "values": ("list", _S)}
_TERM = {"matchExpressions": ("list", _REQUIREMENT), "matchFields": ("list", _REQUIREMENT)}
_NODE_AFFINITY = {
    "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": ("list", _TERM)},
    "preferredDuringSchedulingIgnoredDuringExecution": ("list", {"weight": _I32, "preference": _TERM}),
}
_LABEL_SELECTOR = {"matchLabels": ("map", _S), "matchExpressions": ("list", _REQUIREMENT)}
_TOPOLOGY_SPREAD_CONSTRAINT = {
    "maxSkew": _I32, "topologyKey": _S, "whenUnsatisfiable": _S, "labelSelector": _LABEL_SELECTOR,
    "minDomains": _I32, "nodeAffinityPolicy": _S, "nodeTaintsPolicy": _S, "matchLabelKeys": ("list", _S),
}
_ARGS_SPECS: dict[str, dict] = {
    "NodeResourcesFit": {**_TYPE_META, "ignoredResources": ("list", _S), "ignoredResourceGroups": ("list", _S),
                         "scoringStrategy": {"type": _S, "resources": ("list", _RESOURCE_SPEC),
                                             "requestedToCapacityRatio": {"shape": _SHAPE}}},
    "NodeResourcesBalancedAllocation": {**_TYPE_META, "resources": ("list", _RESOURCE_SPEC)},
    "NodeAffinity": {**_TYPE_META, "addedAffinity": _NODE_AFFINITY},
    "InterPodAffinity": {**_TYPE_META, "hardPodAffinityWeight": _I32, "ignorePreferredTermsOfExistingPods": _B},
    "PodTopologySpread": {**_TYPE_META, "defaultConstraints": ("list", _TOPOLOGY_SPREAD_CONSTRAINT),
                          "defaultingType": _S},
    "DefaultPreemption": {**_TYPE_META, "minCandidateNodesPercentage": _I32, "minCandidateNodesAbsolute": _I32},
    "VolumeBinding": {**_TYPE_META, "bindTimeoutSeconds": _I64, "shape": _SHAPE},
    "DynamicResources": {**_TYPE_META, "filterTimeout": _D},
}

_INT_RANGE = {_I32: (-(1 << 31), (1 << 31) - 1), _I64: (-(1 << 63), (1 << 63) - 1)}


def _json_type(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, (list, tuple)):
        return "array"
    if isinstance(v, Mapping):
        return "object"
    return type(v).__name__


def _go_type(spec: Any) -> str:
    if spec == _D:
        return "string"
    if isinstance(spec, str):
        return spec
    if isinstance(spec, tuple):
        return ("[]" if spec[0] == "list" else "map[string]") + _go_type(spec[1])
    return "struct"


class _Decoder:
    """Strict JSON-like decoding: collects unknown fields, raises type errors immediately."""

    def __init__(self) -> None:
        self.unknown: list[str] = []

    def decode(self, v: Any, spec: Any, path: str) -> Any:
        if v is None:
            return None
        if isinstance(spec, dict):
            if not isinstance(v, Mapping):
                raise self._type_error(v, spec, path)
            out = {}
            for k, item in v.items():
                key = str(k)
                if key not in spec:
                    self.unknown.append(f"{path}.{key}" if path else key)
                    continue
                dec = self.decode(item, spec[key], f"{path}.{key}" if path else key)
                if dec is not None:
                    out[key] = dec
            return out
        if isinstance(spec, tuple):
            kind, inner = spec
            if kind == "list":
                if not isinstance(v, (list, tuple)):
                    raise self._type_error(v, spec, path)
                return [_zero(inner) if x is None else self.decode(x, inner, f"{path}[{i}]")
                        for i, x in enumerate(v)]
            if not isinstance(v, Mapping):
                raise self._type_error(v, spec, path)
            return {str(k): _zero(inner) if x is None else self.decode(x, inner, f"{path}.{k}")
                    for k, x in v.items()}
        if spec == _ANY:
            return copy.deepcopy(v)
        if spec in (_S, _D):
            if not isinstance(v, str):
                raise self._type_error(v, spec, path)
            if spec == _D:
                try:
                    return parse_duration(v)
                except ValueError as e:
                    raise FieldError(path, str(e)) from None
            return v
        if spec == _B:
            if not isinstance(v, bool):
                raise self._type_error(v, spec, path)
            return v
        if spec in (_I32, _I64):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise self._type_error(v, spec, path)
            lo, hi = _INT_RANGE[spec]
            if isinstance(v, float) and (not math.isfinite(v) or v != int(v)) or not lo <= v <= hi:
                raise FieldError(path, f"json: cannot unmarshal number {_go_number(v)} into Go value of type {spec}")
            return int(v)
        if spec == _F:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise self._type_error(v, spec, path)
            return float(v)
        raise AssertionError(spec)

    @staticmethod
    def _type_error(v: Any, spec: Any, path: str) -> FieldError:
        return FieldError(path, f"json: cannot unmarshal {_json_type(v)} into Go value of type {_go_type(spec)}")


def _zero(spec: Any) -> Any:
    """Go's zero value for a JSON null inside a list or map."""
    if isinstance(spec, dict):
        return {}
    if isinstance(spec, tuple):
        return [] if spec[0] == "list" else {}
    return {_S: "", _B: False, _I32: 0, _I64: 0, _F: 0.0, _D: 0.0}.get(spec)


def _go_number(v: float | int) -> str:
    if isinstance(v, int):
        return str(v)
    return f"{v:g}".replace("e+0", "e+").replace("e-0", "e-")


def _strict_error(paths: list[str]) -> str:
    return "strict decoding error: " + ", ".join(f'unknown field "{p}"' for p in paths)


# --------------------------------------------------------------------------- sources

def _read_source(src: Mapping | str | os.PathLike) -> Any:
    if isinstance(src, Mapping):
        return copy.deepcopy(dict(src))
    if isinstance(src, os.PathLike) or (isinstance(src, str) and "\n" not in src and (
            os.path.exists(src) or src.endswith((".yaml", ".yml", ".json")))):
        try:
            with open(src, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise InvalidConfig("", f"failed to read config file {os.fspath(src)!r}: {e.strerror or e}") from None
    elif isinstance(src, (str, bytes)):
        text = src.decode("utf-8") if isinstance(src, bytes) else src
    else:
        raise InvalidConfig("", f"expected a mapping, YAML/JSON text or a path, got {type(src).__name__}")
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as e:
        raise InvalidConfig("", f"couldn't decode as KubeSchedulerConfiguration: yaml: {e}") from None
    if len(docs) != 1:
        raise InvalidConfig("", f"expected exactly one YAML/JSON document, found {len(docs)}")
    return docs[0]


# --------------------------------------------------------------------------- building objects

def _plugin_set(d: Mapping[str, Any]) -> PluginSet:
    return PluginSet([PluginRef(p.get("name", ""), p.get("weight")) for p in d.get("enabled", []) if p is not None],
                     [PluginRef(p.get("name", ""), p.get("weight")) for p in d.get("disabled", []) if p is not None])


def _shape(points: list | None) -> list[UtilizationShapePoint] | None:
    if points is None:
        return None
    return [UtilizationShapePoint(p.get("utilization", 0), p.get("score", 0)) for p in points if p is not None]


def _resources(items: list | None) -> list[ResourceSpec]:
    return [ResourceSpec(r.get("name", ""), r.get("weight", 0)) for r in (items or []) if r is not None]


def _build_args(name: str, d: Mapping[str, Any]) -> Any:
    if name == "NodeResourcesFit":
        s = d.get("scoringStrategy")
        strategy = None
        if s is not None:
            rtcr = s.get("requestedToCapacityRatio")
            strategy = ScoringStrategy(
                s.get("type", ""), _resources(s.get("resources")),
                None if rtcr is None else RequestedToCapacityRatioParam(_shape(rtcr.get("shape")) or []))
        return NodeResourcesFitArgs(list(d.get("ignoredResources", [])), list(d.get("ignoredResourceGroups", [])), strategy)
    if name == "NodeResourcesBalancedAllocation":
        return NodeResourcesBalancedAllocationArgs(_resources(d.get("resources")))
    if name == "NodeAffinity":
        return NodeAffinityArgs(d.get("addedAffinity"))
    if name == "InterPodAffinity":
        return InterPodAffinityArgs(d.get("hardPodAffinityWeight"), d.get("ignorePreferredTermsOfExistingPods", False))
    if name == "PodTopologySpread":
        return PodTopologySpreadArgs([c for c in d.get("defaultConstraints", []) if c is not None],
                                     d.get("defaultingType", ""))
    if name == "DefaultPreemption":
        return DefaultPreemptionArgs(d.get("minCandidateNodesPercentage"), d.get("minCandidateNodesAbsolute"))
    if name == "VolumeBinding":
        return VolumeBindingArgs(d.get("bindTimeoutSeconds"), _shape(d.get("shape")))
    if name == "DynamicResources":
        return DynamicResourcesArgs(d.get("filterTimeout"))
    raise AssertionError(name)


def decode_plugin_args(name: str, raw: Any, path: str = "") -> Any:
    """``PluginConfig.decodeNestedObjects`` for one entry: typed args for in-tree kinds.

    Absent/null args of an in-tree plugin decode to an empty args object (defaulted later).
    """
    if name not in ARGS_TYPES:
        return copy.deepcopy(raw)
    where = f"decoding {'.' + path if path else 'pluginConfig'}: "
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise _decode_error(path, f"{where}decoding args for plugin {name}: json: cannot unmarshal "
                                  f"{_json_type(raw)} into Go value of type v1.{name}Args")
    want_kind = f"{name}Args"
    api_version, kind = raw.get("apiVersion"), raw.get("kind")
    if api_version is not None or kind is not None:
        group = str(api_version or API_VERSION).split("/")[0]
        got_kind = kind if kind is not None else want_kind
        if group != GROUP or got_kind != want_kind:
            raise _decode_error(path, f"{where}args for plugin {name} were not of type {want_kind}.{GROUP}, "
                                      f"got {got_kind}.{group}")
        if api_version is not None and api_version != API_VERSION:
            raise _decode_error(path, f"{where}decoding args for plugin {name}: no kind {_q(kind or want_kind)} "
                                      f"is registered for version {_q(api_version)}")
    dec = _Decoder()
    try:
        d = dec.decode(raw, _ARGS_SPECS[name], "")
    except FieldError as e:
        raise _decode_error(path, f"{where}decoding args for plugin {name}: {e}") from None
    if dec.unknown:
        raise _decode_error(path, f"strict decoding error: {where}strict decoding error: decoding args for "
                                  f"plugin {name}: {_strict_error(dec.unknown)}")
    return _build_args(name, d)


def _decode_error(path: str, message: str) -> InvalidConfig:
    """An error whose message already names ``path`` (upstream "decoding .profiles[0]..." text)."""
    err = InvalidConfig("", message)
    err.field = path
    return err


def _q(s: str) -> str:
    return '"' + s + '"'


def load_config(src: Mapping | str | os.PathLike, *, catalog: PluginCatalog | None = None,
                feature_gates: Mapping[str, bool] | None = None) -> SchedulerConfig:
    """Decode, default (v1) and validate a KubeSchedulerConfiguration.

    ``src`` is a dict, YAML/JSON text, or a path. With ``catalog``, the profiles are also built as
    the framework would (:func:`kschedule.config.resolve_profiles`), so unknown plugins and
    inconsistent profiles fail here too.
    """
    raw = _read_source(src)
    if not isinstance(raw, Mapping):
        raise InvalidConfig("", f"couldn't decode as KubeSchedulerConfiguration: json: cannot unmarshal "
                                f"{_json_type(raw)} into Go value of type struct")
    api_version, kind = raw.get("apiVersion"), raw.get("kind")
    if not kind:
        raise InvalidConfig("kind", "Object 'Kind' is missing")
    if not api_version:
        raise InvalidConfig("apiVersion", "Object 'apiVersion' is missing")
    if api_version != API_VERSION or kind != KIND:
        raise InvalidConfig("apiVersion", f"no kind {_q(str(kind))} is registered for version {_q(str(api_version))}; "
                                          f"kschedule reads {KIND} {API_VERSION}")
    dec = _Decoder()
    try:
        d = dec.decode(raw, _CONFIG, "")
    except FieldError as e:
        raise InvalidConfig(e.field, e.message) from None
    if dec.unknown:
        raise _decode_error(dec.unknown[0], _strict_error(dec.unknown))

    cfg = SchedulerConfig(api_version=API_VERSION)
    unset = frozenset(k for k in ("parallelism", "percentageOfNodesToScore", "podInitialBackoffSeconds",
                                  "podMaxBackoffSeconds", "enableProfiling", "enableContentionProfiling")
                      if k not in d)
    cfg.parallelism = d.get("parallelism", 16)
    cfg.percentage_of_nodes_to_score = d.get("percentageOfNodesToScore")
    cfg.pod_initial_backoff_seconds = d.get("podInitialBackoffSeconds", 1)
    cfg.pod_max_backoff_seconds = d.get("podMaxBackoffSeconds", 10)
    cfg.enable_profiling = d.get("enableProfiling", True)
    cfg.enable_contention_profiling = d.get("enableContentionProfiling", False)
    cfg.delay_cache_until_active = d.get("delayCacheUntilActive", False)
    cfg.leader_election = _with_durations(d.get("leaderElection", {}))
    cfg.client_connection = dict(d.get("clientConnection", {}))
    cfg.extenders = [_with_durations(e) for e in d.get("extenders", []) if e is not None]

    custom_plugins: list[dict[str, PluginSet] | None] = []
    for i, p in enumerate(d.get("profiles", [])):
        p = p or {}
        prof = ProfileConfig(scheduler_name=p.get("schedulerName"),
                             percentage_of_nodes_to_score=p.get("percentageOfNodesToScore"))
        plugins = p.get("plugins")
        custom_plugins.append(None if plugins is None else {k: _plugin_set(v) for k, v in plugins.items()})
        for j, pc in enumerate(p.get("pluginConfig", [])):
            pc = pc or {}
            name = pc.get("name", "")
            path = f"profiles[{i}].pluginConfig[{j}]"
            if name in prof.plugin_config:
                # validatePluginConfig reports it; the framework would also refuse a repeated config.
                raise InvalidConfig(path, f"Duplicate value: {_q(name)}")
            prof.plugin_config[name] = decode_plugin_args(name, pc.get("args"), path)
        cfg.profiles.append(prof)

    _defaults.set_defaults_config(cfg, feature_gates, custom_plugins=custom_plugins, unset=unset)
    raise_aggregate(validate_config(cfg, feature_gates))
    if catalog is not None:
        resolve_profiles(cfg.profiles, catalog)
    return cfg


def _with_durations(d: Mapping[str, Any]) -> dict[str, Any]:
    """Keep durations as Go strings (``"15s"``) in the pass-through sections."""
    from .types import format_duration
    out = dict(d)
    for k in ("leaseDuration", "renewDeadline", "retryPeriod", "httpTimeout"):
        if isinstance(out.get(k), float):
            out[k] = format_duration(out[k])
    return out
