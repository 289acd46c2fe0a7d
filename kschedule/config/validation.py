"""Validation of KubeSchedulerConfiguration and plugin args, with upstream messages and field paths.

Upstream: ``pkg/scheduler/apis/config/validation/validation.go`` (``ValidateKubeSchedulerConfiguration``,
profiles, common queue sort, extenders), ``validation_pluginargs.go`` (one ``Validate<Kind>Args`` per
args kind), ``component-base/config/validation`` (leader election, client connection),
``k8s.io/apimachinery/pkg/util/validation`` (qualified names, label values) and
``component-helpers/scheduling/corev1/nodeaffinity`` + ``labels.NewRequirement`` (NodeAffinity args).

Errors are ``FieldError(path, body)`` where ``body`` is apimachinery's ``field.Error.ErrorBody()``
(``Invalid value: 0: resource weight of cpu not in valid range (0, 100]``); :func:`raise_aggregate`
turns a list into one :class:`InvalidConfig` whose text is ``utilerrors.Aggregate.Error()``
(one error: itself; several: ``[e1, e2]``, duplicates dropped).

v1.34 choices and deliberate differences:

* NodeResourcesFit args are validated here with their full path
  (``profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight``). Upstream's table keys
  them as ``"NodeResourcesFitArgs"`` so config validation skips them and the plugin constructor
  rejects them at start-up with the same messages but without the path prefix.
* RequestedToCapacityRatio shape errors use the v1.34 path ``scoringStrategy.shape[i]...``; the
  ``Required`` error for a RequestedToCapacityRatio strategy without ``requestedToCapacityRatio``
  comes from newer releases (v1.34 would crash in the plugin constructor).
* ``profiles[i].schedulerName: Duplicate value`` prints the repeated name (upstream prints a Go
  ``field.Path`` struct).
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterable, Mapping

from ..objects.selectors import is_dns1123_subdomain, is_qualified_name, is_valid_label_value  # noqa: F401
from ..errors import FieldError, InvalidConfig
from ..plugins import names
from .types import (
    API_VERSION, ARGS_TYPES, LIST_DEFAULTING, MAX_CUSTOM_PRIORITY_SCORE, PLUGIN_SET_KEYS,
    REQUESTED_TO_CAPACITY_RATIO, SYSTEM_DEFAULTING, DefaultPreemptionArgs, DynamicResourcesArgs,
    InterPodAffinityArgs, NodeAffinityArgs, NodeResourcesBalancedAllocationArgs,
    NodeResourcesFitArgs, PluginSet, PodTopologySpreadArgs, ProfileConfig, ResourceSpec,
    SchedulerConfig, UtilizationShapePoint, VolumeBindingArgs, format_duration, parse_duration,
)

SUPPORTED_SCORING_STRATEGY_TYPES = ("LeastAllocated", "MostAllocated", "RequestedToCapacityRatio")


# --------------------------------------------------------------------------- paths and messages

def child(path: str, *names_: str) -> str:
    for n in names_:
        path = f"{path}.{n}" if path else n
    return path


def index(path: str, i: int) -> str:
    return f"{path}[{i}]"


def go_quote(s: str) -> str:
    """Go ``%q`` of a string (printable ASCII kept, the rest escaped)."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


class Duration(float):
    """A Go ``metav1.Duration`` value: printed with ``String()`` (``30s``), not quoted."""

    def __str__(self) -> str:
        return format_duration(float(self))


def format_value(v: Any) -> str:
    """apimachinery ``ErrorBody`` formatting of a bad value."""
    if v is None:
        return "null"
    if isinstance(v, Duration):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, str):
        return go_quote(v)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return "[]string{" + ", ".join(go_quote(x) for x in v) + "}"
    if isinstance(v, list) and all(isinstance(x, UtilizationShapePoint) for x in v):
        return "[]config.UtilizationShapePoint{" + ", ".join(
            f"config.UtilizationShapePoint{{Utilization:{p.utilization}, Score:{p.score}}}" for p in v) + "}"
    if dataclasses.is_dataclass(v):
        return f"&config.{type(v).__name__}{{...}}"
    return repr(v)


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError(path, f"Invalid value: {format_value(value)}" + (f": {detail}" if detail else ""))


def required(path: str, detail: str = "") -> FieldError:
    return FieldError(path, "Required value" + (f": {detail}" if detail else ""))


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(path, "Forbidden" + (f": {detail}" if detail else ""))


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError(path, f"Duplicate value: {format_value(value)}")


def not_supported(path: str, value: Any, valid: Iterable[str]) -> FieldError:
    quoted = ", ".join(go_quote(x) for x in valid)
    return FieldError(path, f"Unsupported value: {format_value(value)}: supported values: {quoted}")


def aggregate_message(errs: list[FieldError]) -> str:
    """``utilerrors.NewAggregate(errs).Error()``."""
    seen: list[str] = []
    for e in errs:
        msg = str(e)
        if msg not in seen:
            seen.append(msg)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


def raise_aggregate(errs: list[FieldError], prefix: str = "") -> None:
    """Raise one :class:`InvalidConfig` for ``errs`` (nothing when empty).

    ``.field`` is the first error's path, ``.errors`` the individual :class:`FieldError` s.
    """
    if not errs:
        return
    errs = [e.prefixed(prefix) for e in errs]
    if len({str(e) for e in errs}) == 1:
        err = InvalidConfig(errs[0].field, errs[0].message)
    else:
        err = InvalidConfig("", aggregate_message(errs))
        err.field = errs[0].field
    err.errors = errs
    raise err


# Label and name syntax: the object model's implementation (apimachinery util/validation).


def validate_label_name(name: str, path: str) -> list[FieldError]:
    """``metav1validation.ValidateLabelName``: one Invalid error per message."""
    return [invalid(path, name, m) for m in is_qualified_name(name)]


def is_extended_resource_name(name: str) -> bool:
    """``v1helper.IsExtendedResourceName``."""
    native = "/" not in name or "kubernetes.io/" in name
    if native or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


# --------------------------------------------------------------------------- plugin args

def validate_default_preemption_args(path: str, a: DefaultPreemptionArgs) -> list[FieldError]:
    errs = []
    pct_path, abs_path = child(path, "minCandidateNodesPercentage"), child(path, "minCandidateNodesAbsolute")
    pct, ab = a.min_candidate_nodes_percentage or 0, a.min_candidate_nodes_absolute or 0
    if pct < 0 or pct > 100:
        errs.append(invalid(pct_path, pct, "not in valid range [0, 100]"))
    if ab < 0:
        errs.append(invalid(abs_path, ab, "not in valid range [0, inf)"))
    if pct == 0 and ab == 0:
        errs.append(invalid(pct_path, pct, "cannot be zero at the same time as minCandidateNodesAbsolute"))
        errs.append(invalid(abs_path, ab, "cannot be zero at the same time as minCandidateNodesPercentage"))
    return errs


def validate_inter_pod_affinity_args(path: str, a: InterPodAffinityArgs) -> list[FieldError]:
    w = a.hard_pod_affinity_weight or 0
    if w < 0 or w > 100:
        return [invalid(child(path, "hardPodAffinityWeight"), w, "not in valid range [0, 100]")]
    return []


def validate_pod_topology_spread_args(path: str, a: PodTopologySpreadArgs) -> list[FieldError]:
    errs = []
    dt_path = child(path, "defaultingType")
    if a.defaulting_type not in (SYSTEM_DEFAULTING, LIST_DEFAULTING):
        errs.append(not_supported(dt_path, a.defaulting_type, [SYSTEM_DEFAULTING, LIST_DEFAULTING]))
    elif a.defaulting_type == SYSTEM_DEFAULTING and a.default_constraints:
        errs.append(invalid(dt_path, a.defaulting_type, "when .defaultConstraints are not empty"))
    dc_path = child(path, "defaultConstraints")
    constraints = a.default_constraints or []
    for i, c in enumerate(constraints):
        p = index(dc_path, i)
        skew = c.get("maxSkew", 0)
        if skew <= 0:
            errs.append(invalid(child(p, "maxSkew"), skew, "not in valid range (0, inf)"))
        key = c.get("topologyKey", "")
        if not key:
            errs.append(required(child(p, "topologyKey"), "can not be empty"))
        else:
            errs.extend(validate_label_name(key, child(p, "topologyKey")))
        wu = c.get("whenUnsatisfiable", "")
        if not wu:
            errs.append(required(child(p, "whenUnsatisfiable"), "can not be empty"))
        elif wu not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(not_supported(child(p, "whenUnsatisfiable"), wu, ["DoNotSchedule", "ScheduleAnyway"]))
        if c.get("labelSelector") is not None:
            errs.append(forbidden(child(p, "labelSelector"),
                                  "constraint must not define a selector, as they deduced for each pod"))
        for other in constraints[:i]:
            if other.get("topologyKey", "") == key and other.get("whenUnsatisfiable", "") == wu:
                errs.append(duplicate(index(dc_path, i), f"{{{key}, {wu}}}"))
                break
    return errs


def validate_function_shape(shape: list[UtilizationShapePoint] | None, path: str) -> list[FieldError]:
    if not shape:
        return [required(path, "at least one point must be specified")]
    errs = []
    for i in range(1, len(shape)):
        if shape[i - 1].utilization >= shape[i].utilization:
            errs.append(invalid(child(index(path, i), "utilization"), shape[i].utilization,
                                "values must be sorted in increasing order"))
            break
    for i, pt in enumerate(shape):
        if pt.utilization < 0 or pt.utilization > 100:
            errs.append(invalid(child(index(path, i), "utilization"), pt.utilization, "not in valid range [0, 100]"))
        if pt.score < 0 or pt.score > MAX_CUSTOM_PRIORITY_SCORE:
            errs.append(invalid(child(index(path, i), "score"), pt.score,
                                f"not in valid range [0, {MAX_CUSTOM_PRIORITY_SCORE}]"))
    return errs


def _validate_resources(resources: list[ResourceSpec], path: str) -> list[FieldError]:
    errs = []
    for i, r in enumerate(resources):
        if r.weight <= 0 or r.weight > 100:
            errs.append(invalid(child(index(path, i), "weight"), r.weight,
                                f"resource weight of {r.name} not in valid range (0, 100]"))
    return errs


def validate_balanced_allocation_args(path: str, a: NodeResourcesBalancedAllocationArgs) -> list[FieldError]:
    errs = []
    seen: set[str] = set()
    for i, r in enumerate(a.resources):
        rp = index(child(path, "resources"), i)
        if r.name in seen:
            errs.append(duplicate(child(rp, "name"), r.name))
        else:
            seen.add(r.name)
        if r.weight != 1:
            errs.append(invalid(child(rp, "weight"), r.weight, "must be 1"))
    return errs


def _validate_selector_requirements(reqs: list[dict], path: str) -> list[FieldError]:
    """``nodeSelectorRequirementsAsSelector`` + ``labels.NewRequirement``."""
    errs = []
    ops = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"}
    for i, r in enumerate(reqs):
        p = index(path, i)
        op = r.get("operator", "")
        if op not in ops:
            errs.append(not_supported(child(p, "operator"), op, ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"]))
            continue
        key = r.get("key", "")
        vals = list(r.get("values") or [])
        kerr = is_qualified_name(key)
        if kerr:
            errs.append(invalid(child(p, "key"), key, "; ".join(kerr)))
        vp = child(p, "values")
        if op in ("In", "NotIn") and not vals:
            errs.append(invalid(vp, vals, "for 'in', 'notin' operators, values set can't be empty"))
        elif op in ("Exists", "DoesNotExist") and vals:
            errs.append(invalid(vp, vals, "values set must be empty for exists and does not exist"))
        elif op in ("Gt", "Lt"):
            if len(vals) != 1:
                errs.append(invalid(vp, vals, "for 'Gt', 'Lt' operators, exactly one value is required"))
            for j, v in enumerate(vals):
                if not re.fullmatch(r"[+-]?\d+", v or "") or not -(1 << 63) <= int(v) < (1 << 63):
                    errs.append(invalid(index(vp, j), v, "for 'Gt', 'Lt' operators, the value must be an integer"))
        for j, v in enumerate(vals):
            verr = is_valid_label_value(v)
            if verr:
                errs.append(invalid(f"{index(vp, j)}[{key}]", v, "; ".join(verr)))
    return errs


def _validate_field_requirements(reqs: list[dict], path: str) -> list[FieldError]:
    """``nodeSelectorRequirementsAsFieldSelector``."""
    errs = []
    for i, r in enumerate(reqs):
        p = index(path, i)
        vals = list(r.get("values") or [])
        if len(vals) != 1:
            errs.append(invalid(child(p, "values"), vals, "must have one element"))
        elif r.get("operator", "") not in ("In", "NotIn"):
            errs.append(not_supported(child(p, "operator"), r.get("operator", ""), ["In", "NotIn"]))
    return errs


def _validate_term(term: Mapping, path: str) -> list[FieldError]:
    errs = []
    if term.get("matchExpressions"):
        errs.extend(_validate_selector_requirements(term["matchExpressions"], child(path, "matchExpressions")))
    if term.get("matchFields"):
        errs.extend(_validate_field_requirements(term["matchFields"], child(path, "matchFields")))
    return errs


def validate_node_affinity_args(path: str, a: NodeAffinityArgs) -> list[FieldError]:
    aff = a.added_affinity
    if not aff:
        return []
    errs = []
    req = aff.get("requiredDuringSchedulingIgnoredDuringExecution")
    if req is not None:
        rp = child(path, "addedAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
        for i, term in enumerate(req.get("nodeSelectorTerms") or []):
            errs.extend(_validate_term(term, index(rp, i)))
    pref = aff.get("preferredDuringSchedulingIgnoredDuringExecution") or []
    pp = child(path, "addedAffinity", "preferredDuringSchedulingIgnoredDuringExecution")
    for i, t in enumerate(pref):
        # Upstream's path skips ".preference" here.
        errs.extend(_validate_term(t.get("preference") or {}, index(pp, i)))
    return errs


def validate_volume_binding_args(path: str, a: VolumeBindingArgs,
                                 features: Mapping[str, bool] | None = None) -> list[FieldError]:
    from .defaults import feature_gates
    errs = []
    if (a.bind_timeout_seconds or 0) < 0:
        errs.append(invalid(child(path, "bindTimeoutSeconds"), a.bind_timeout_seconds,
                            "invalid BindTimeoutSeconds, should not be a negative value"))
    if feature_gates(features)["StorageCapacityScoring"]:
        errs.extend(validate_function_shape(a.shape, child(path, "shape")))
    elif a.shape is not None:
        # Refuse settings that would silently take effect once the gate turns on.
        errs.append(invalid(child(path, "shape"), a.shape,
                            "unexpected field `shape`, remove it or turn on the feature gate StorageCapacityScoring"))
    return errs


def validate_node_resources_fit_args(path: str, a: NodeResourcesFitArgs) -> list[FieldError]:
    errs = []
    for i, res in enumerate(a.ignored_resources):
        errs.extend(validate_label_name(res, index(child(path, "ignoredResources"), i)))
    for i, group in enumerate(a.ignored_resource_groups):
        gp = index(child(path, "ignoredResourceGroups"), i)
        if "/" in group:
            errs.append(invalid(gp, group, "resource group name can't contain '/'"))
        errs.extend(validate_label_name(group, gp))
    sp = child(path, "scoringStrategy")
    s = a.scoring_strategy
    if s is None:
        errs.append(required(sp, "ScoringStrategy field is required"))
        return errs
    if s.type not in SUPPORTED_SCORING_STRATEGY_TYPES:
        errs.append(not_supported(child(sp, "type"), s.type, SUPPORTED_SCORING_STRATEGY_TYPES))
    errs.extend(_validate_resources(s.resources, child(sp, "resources")))
    if s.requested_to_capacity_ratio is not None:
        errs.extend(validate_function_shape(s.requested_to_capacity_ratio.shape, child(sp, "shape")))
    elif s.type == REQUESTED_TO_CAPACITY_RATIO:
        errs.append(required(child(sp, "requestedToCapacityRatio"),
                             "must be specified when type is RequestedToCapacityRatio"))
    return errs


def validate_dynamic_resources_args(path: str, a: DynamicResourcesArgs,
                                    features: Mapping[str, bool] | None = None) -> list[FieldError]:
    from .defaults import feature_gates
    fp = child(path, "filterTimeout")
    if feature_gates(features)["DRASchedulerFilterTimeout"]:
        if a.filter_timeout_seconds is not None and a.filter_timeout_seconds < 0:
            return [invalid(fp, Duration(a.filter_timeout_seconds), "must be zero or positive")]
    elif a.filter_timeout_seconds is not None:
        return [forbidden(fp, "DRASchedulingFilterTimeout feature gate is disabled")]
    return []


ARGS_VALIDATORS = {
    "DefaultPreemption": validate_default_preemption_args,
    "InterPodAffinity": validate_inter_pod_affinity_args,
    "NodeAffinity": validate_node_affinity_args,
    "NodeResourcesBalancedAllocation": validate_balanced_allocation_args,
    "NodeResourcesFit": validate_node_resources_fit_args,
    "PodTopologySpread": validate_pod_topology_spread_args,
    "VolumeBinding": validate_volume_binding_args,
    "DynamicResources": validate_dynamic_resources_args,
}
_FEATURE_AWARE = {"VolumeBinding", "DynamicResources"}


def validate_plugin_args(name: str, args: Any, path: str = "",
                         features: Mapping[str, bool] | None = None) -> list[FieldError]:
    """Validate ``args`` of plugin ``name`` (no-op for plugins without an args kind)."""
    fn = ARGS_VALIDATORS.get(name)
    if fn is None:
        return []
    if not isinstance(args, ARGS_TYPES[name]):
        return [invalid(path, args, "has to match plugin args")]
    if name in _FEATURE_AWARE:
        return fn(path, args, features)
    return fn(path, args)


# --------------------------------------------------------------------------- configuration

def _invalid_in_version(api_version: str, name: str) -> str | None:
    if name in names.INVALID_IN_V1:
        return (f"was invalid in version {go_quote(API_VERSION)} "
                f"(KubeSchedulerConfiguration is version {go_quote(api_version)})")
    return None


def _plugin_set(p: ProfileConfig, key: str) -> PluginSet:
    return (p.plugins or {}).get(key) or PluginSet()


def validate_profile(path: str, api_version: str, p: ProfileConfig,
                     features: Mapping[str, bool] | None = None) -> list[FieldError]:
    errs: list[FieldError] = []
    if not p.scheduler_name:
        errs.append(required(child(path, "schedulerName")))
    pct = p.percentage_of_nodes_to_score
    if pct is not None and (pct < 0 or pct > 100):
        errs.append(invalid(child(path, "percentageOfNodesToScore"), pct, "not in valid range [0-100]"))
    if p.plugins:
        # multiPoint is not checked here (an unknown name fails later, at framework creation).
        for key in PLUGIN_SET_KEYS:
            if key == "multiPoint":
                continue
            for i, plugin in enumerate(_plugin_set(p, key).enabled):
                msg = _invalid_in_version(api_version, plugin.name)
                if msg:
                    errs.append(invalid(index(child(path, "plugins", key, "enabled"), i), plugin.name, msg))
    for j, (name, args) in enumerate((p.plugin_config or {}).items()):
        cp = index(child(path, "pluginConfig"), j)
        msg = _invalid_in_version(api_version, name)
        if msg:
            errs.append(invalid(cp, name, msg))
        else:
            errs.extend(validate_plugin_args(name, args, child(cp, "args"), features))
    return errs


def _sets_equal(a: PluginSet, b: PluginSet) -> bool:
    return ([(x.name, x.weight) for x in a.enabled] == [(x.name, x.weight) for x in b.enabled]
            and [x.name for x in a.disabled] == [x.name for x in b.disabled])


def validate_common_queue_sort(path: str, profiles: list[ProfileConfig]) -> list[FieldError]:
    errs = []
    canon = _plugin_set(profiles[0], "queueSort")
    qs_name = canon.enabled[0].name if canon.enabled else ""
    if len(canon.enabled) > 1:
        errs.append(invalid(child(index(path, 0), "plugins", "queueSort", "Enabled"), len(canon.enabled),
                            "only one queue sort plugin can be enabled"))
    qs_args = (profiles[0].plugin_config or {}).get(qs_name) if qs_name else None
    for i in range(1, len(profiles)):
        cur = _plugin_set(profiles[i], "queueSort")
        if not _sets_equal(canon, cur):
            errs.append(invalid(child(index(path, i), "plugins", "queueSort"), cur, "must be the same for all profiles"))
        for name, args in (profiles[i].plugin_config or {}).items():
            if name == qs_name and args != qs_args:
                errs.append(invalid(child(index(path, i), "pluginConfig", "args"), args,
                                    "queueSort must be the same for all profiles"))
    return errs


def _duration(v: Any) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    try:
        return parse_duration(v)
    except (ValueError, TypeError):
        return 0.0


def validate_leader_election(le: Mapping[str, Any], path: str = "leaderElection") -> list[FieldError]:
    """component-base ``ValidateLeaderElectionConfiguration``."""
    if not le.get("leaderElect"):
        return []
    errs = []
    lease, renew, retry = (Duration(_duration(le.get(k, 0))) for k in ("leaseDuration", "renewDeadline", "retryPeriod"))
    if lease <= 0:
        errs.append(invalid(child(path, "leaseDuration"), lease, "must be greater than zero"))
    if renew <= 0:
        errs.append(invalid(child(path, "renewDeadline"), renew, "must be greater than zero"))
    if retry <= 0:
        errs.append(invalid(child(path, "retryPeriod"), retry, "must be greater than zero"))
    if lease <= renew:
        errs.append(invalid(child(path, "leaseDuration"), renew, "LeaseDuration must be greater than RenewDeadline"))
    for k in ("resourceLock", "resourceNamespace", "resourceName"):
        if not le.get(k):
            errs.append(invalid(child(path, k), le.get(k, ""), f"{k} is required"))
    return errs


def validate_extenders(path: str, extenders: list[Mapping[str, Any]]) -> list[FieldError]:
    errs = []
    binders = 0
    managed: set[str] = set()
    for i, ext in enumerate(extenders):
        p = index(path, i)
        if ext.get("prioritizeVerb") and ext.get("weight", 0) <= 0:
            errs.append(invalid(child(p, "weight"), ext.get("weight", 0), "must have a positive weight applied to it"))
        if ext.get("bindVerb"):
            binders += 1
        for j, res in enumerate(ext.get("managedResources") or []):
            np_ = child(index(child(p, "managedResources"), j), "name")
            name = res.get("name", "")
            qerrs = is_qualified_name(name)
            if qerrs:
                errs.extend(invalid(np_, name, m) for m in qerrs)
            elif not is_extended_resource_name(name):
                errs.append(invalid(np_, name, "is an invalid extended resource name"))
            if name in managed:
                errs.append(invalid(np_, name, "duplicate extender managed resource name"))
            managed.add(name)
    if binders > 1:
        errs.append(invalid(path, f"found {binders} extenders implementing bind", "only one extender can implement bind"))
    return errs


def validate_config(cfg: SchedulerConfig, features: Mapping[str, bool] | None = None) -> list[FieldError]:
    """``ValidateKubeSchedulerConfiguration``: every error, in upstream order."""
    errs: list[FieldError] = []
    cc = cfg.client_connection or {}
    if (cc.get("burst") or 0) < 0:
        errs.append(invalid("clientConnection.burst", cc.get("burst"), "must be non-negative"))
    le = cfg.leader_election or {}
    errs.extend(validate_leader_election(le))
    if le.get("leaderElect") and le.get("resourceLock") != "leases":
        errs.append(invalid("leaderElection.resourceLock", le.get("resourceLock", ""), 'resourceLock value must be "leases"'))
    if cfg.parallelism <= 0:
        errs.append(invalid("parallelism", cfg.parallelism, "should be an integer value greater than zero"))
    if not cfg.profiles:
        errs.append(required("profiles"))
    else:
        seen: dict[str, int] = {}
        for i, p in enumerate(cfg.profiles):
            ppath = index("profiles", i)
            errs.extend(validate_profile(ppath, cfg.api_version, p, features))
            sname = p.scheduler_name or ""
            if sname in seen:
                errs.append(duplicate(child(ppath, "schedulerName"), sname))
            seen[sname] = i
        errs.extend(validate_common_queue_sort("profiles", cfg.profiles))
    pct = cfg.percentage_of_nodes_to_score
    if pct is not None and (pct < 0 or pct > 100):
        errs.append(invalid("percentageOfNodesToScore", pct, "not in valid range [0-100]"))
    if cfg.pod_initial_backoff_seconds <= 0:
        errs.append(invalid("podInitialBackoffSeconds", cfg.pod_initial_backoff_seconds, "must be greater than 0"))
    if cfg.pod_max_backoff_seconds < cfg.pod_initial_backoff_seconds:
        errs.append(invalid("podMaxBackoffSeconds", cfg.pod_max_backoff_seconds,
                            "must be greater than or equal to PodInitialBackoffSeconds"))
    errs.extend(validate_extenders("extenders", cfg.extenders or []))
    return errs


def validate(cfg: SchedulerConfig, features: Mapping[str, bool] | None = None) -> None:
    """Raise :class:`InvalidConfig` (aggregating every error) if ``cfg`` is invalid."""
    raise_aggregate(validate_config(cfg, features))
