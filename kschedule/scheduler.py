"""``Scheduler``: explain and schedule pods on a :class:`~kschedule.Cluster` as kube-scheduler would.

One cycle per pod, in PrioritySort order (priority descending, then arrival), with upstream's
``scheduleOne`` semantics: filter nodes from a rotating start index in node-tree order until
``numFeasibleNodesToFind`` feasible nodes are found, take a single feasible node without scoring,
otherwise score, normalize, weight, and pick the highest total (ties: one draw, uniform over the tied
nodes, from a seeded generator; see kschedule.framework.reference.select_host). Each placement is
bound before the next pod is evaluated. Whole batches cross into C++: ``csrc/dense.cpp`` (the
position-ordered, vectorised loop) when the batch qualifies, else ``csrc/schedule.cpp`` (explain,
GPU sharing, RequestedToCapacityRatio); both give identical results. A batch is classified per
distinct spec parse (``Cluster.pods.spec``), not per pod; static per-class plugin results come from
:mod:`kschedule.framework.static`.
"""
from __future__ import annotations

import time

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

import numpy as np

from . import _core
from .cluster import Cluster
from .errors import InvalidObject
from .framework import messages
from .gcpause import without_gc
from .framework.profile import Profile, Profiles
from .framework.static import StaticEvaluator
from .framework.status import SUCCESS, Status
from .objects.pod import _INFO_FIELDS, PodInfo, parse_pod
from .plugins import gpu_share, node_affinity

FIT = "NodeResourcesFit"
BALANCED = "NodeResourcesBalancedAllocation"
_STRATEGIES = {"LeastAllocated": 0, "MostAllocated": 1, "RequestedToCapacityRatio": 2}
#: Status upstream gives nodes left out by a PreFilterResult (findNodesThatFitPod).
ABSENT_REASON = "node(s) didn't satisfy plugin(s) [NodeAffinity]"
_MAX_CUSTOM_PRIORITY_SCORE = 10
_MAX_NODE_SCORE = 100


@dataclass
class Explanation:
    """What the scheduler would do with one pod, node by node (no state change)."""

    pod: str
    filter: dict  # node -> Status (nodes the filter ran on)
    scores: dict  # node -> {plugin: normalized score}; plugins skipped at PreScore are absent
    total: dict  # node -> weighted total
    selected: Optional[str]
    message: Optional[str]  # FailedScheduling text when no node fits
    warnings: list = field(default_factory=list)


# Positions in a spec parse tuple.
_SCHEDULER_NAME, _HOST_PORTS = (_INFO_FIELDS.index(f) for f in ("scheduler_name", "host_ports"))
_MESSAGE, _ALONE, _BATCH = 0, 1, 2


@dataclass
class Placement:
    pod: str
    node: Optional[str]
    message: Optional[str] = None


def is_extended_resource_name(name: str) -> bool:
    """v1helper.IsExtendedResourceName: has a domain that is not kubernetes.io, not "requests."."""
    if "/" not in name or "kubernetes.io/" in name or name.startswith("requests."):
        return False
    return True


class Scheduler:
    """Schedules pods onto ``cluster`` with ``profile`` (a Profile, Profiles, or None for the default)."""

    def __init__(self, cluster: Cluster, profile: Any = None, seed: int = 0,
                 percentage_of_nodes_to_score: Optional[int] = None, equivalence_cache: bool = True,
                 dense_path: bool = True):
        self.cluster = cluster
        #: Reuse Fit/BalancedAllocation work across pods with identical specs (exact; off = slow path).
        self.equivalence_cache = equivalence_cache
        #: Let the core run batches over position-ordered node columns (csrc/dense.hpp; exact, same
        #: placements). Off = the generic one-node-at-a-time loop, kept for explain and GPU sharing.
        self.dense_path = dense_path
        #: Whether the last batch ran in the position-ordered loop (for tests and benchmarks).
        self.last_batch_dense = False
        #: Seconds spent in the C++ batch kernel during the last schedule() call (the rest is Python).
        self.last_kernel_seconds = 0.0
        #: FGD's target workload (typical pod shapes); None = computed from the cluster's pods.
        self.gpu_typical = None
        if profile is None:
            self.profiles = Profiles.default()
        elif isinstance(profile, Profile):
            self.profiles = Profiles([profile], {profile.scheduler_name: profile})
        elif isinstance(profile, Profiles):
            self.profiles = profile
        else:
            self.profiles = Profiles.from_config(profile)
        self.percentage_override = percentage_of_nodes_to_score
        self.rng_state = int(seed) & 0xFFFFFFFFFFFFFFFF
        self.start_index = 0
        self._evaluators: dict = {}
        self._order = None
        self._prefilter_cache: dict = {}

    # ------------------------------------------------------------------ helpers
    def _evaluator(self, profile: Profile) -> StaticEvaluator:
        ev = self._evaluators.get(profile.scheduler_name)
        if ev is None or ev.node_version != self.cluster.node_version:
            ev = self._evaluators[profile.scheduler_name] = StaticEvaluator(self.cluster, profile)
        return ev

    def _node_order(self) -> np.ndarray:
        c = self.cluster
        if self._order is None or self._order[0] != c.node_version:
            self._order = (c.node_version, c.node_order())
        return self._order[1]

    def _num_to_find(self, profile: Profile, num_nodes: int) -> int:
        if not profile.scores:  # findNodesThatPassFilters: nothing to score, the first feasible node will do
            return 1
        pct = self.percentage_override if self.percentage_override is not None else profile.percentage_of_nodes_to_score
        return _core.num_feasible_nodes_to_find(num_nodes, int(pct or 0))

    def _prefilter(self, pi: PodInfo, profile: Profile):
        """PreFilter results the static evaluation cannot express: (rejecting Status or None,
        restricted node order or None). NodeAffinity's PreFilterResult (metadata.name matchFields)
        limits the nodes the pod is filtered on."""
        if "NodeAffinity" not in profile.resolved.pre_filter or pi.required_affinity is None:
            return None, None
        # Pods of one template share the parsed affinity object: its PreFilter result is computed once
        # (the cache keeps the object, so its id cannot be reused while the entry lives).
        ra = pi.required_affinity
        hit = self._prefilter_cache.get((profile.scheduler_name, id(ra)))
        if hit is not None and hit[0] is ra:
            st, names = hit[1]
        else:
            st, names = node_affinity.pre_filter_result(pi, profile.args("NodeAffinity"))
            self._prefilter_cache[(profile.scheduler_name, id(ra))] = (ra, (st, names))
        if st is not None and st.code in ("Unschedulable", "UnschedulableAndUnresolvable"):
            return st, None
        if names is None:
            return None, None
        order = self._node_order()
        keep = np.array([self.cluster.nodes.names[i] in names for i in order.tolist()], dtype=bool)
        return None, np.ascontiguousarray(order[keep]) if len(order) else order

    def _fit_config(self, profile: Profile) -> dict:
        c = self.cluster
        args = profile.args(FIT)
        strat = args.scoring_strategy if args is not None else None
        st = strat.type if strat is not None and strat.type else "LeastAllocated"
        resources = strat.resources if strat is not None and strat.resources else []
        shape_u, shape_s = [], []
        if st == "RequestedToCapacityRatio":
            for pt in strat.requested_to_capacity_ratio.shape:
                shape_u.append(int(pt.utilization))
                shape_s.append(int(pt.score) * (_MAX_NODE_SCORE // _MAX_CUSTOM_PRIORITY_SCORE))
        R = len(c.resources)
        ignored = np.zeros(R, np.uint8)
        if args is not None:
            ign = set(args.ignored_resources or ())
            groups = set(args.ignored_resource_groups or ())
            for r, name in enumerate(c.resources.values):
                if is_extended_resource_name(name) and (name in ign or name.split("/", 1)[0] in groups):
                    ignored[r] = 1
        weights = dict(profile.scores)
        return {
            "filter": FIT in profile.filters, "score": FIT in weights, "weight": int(weights.get(FIT, 0)),
            "strategy": _STRATEGIES[st], "rows": [c.resources.get(r.name) for r in resources],
            "weights": [int(r.weight) for r in resources], "shape_utilization": shape_u, "shape_score": shape_s,
            "ignored": ignored.tolist(), "escalate_unresolvable": True,
        }

    def _balanced_config(self, profile: Profile) -> dict:
        args = profile.args(BALANCED)
        resources = args.resources if args is not None and args.resources else []
        weights = dict(profile.scores)
        return {"enabled": BALANCED in weights, "weight": int(weights.get(BALANCED, 0)),
                "rows": [self.cluster.resources.get(r.name) for r in resources]}

    def _gpu_config(self, profile: Profile, infos: list, rows: np.ndarray) -> dict:
        """The GPU-sharing part of a batch (kschedule.plugins.gpu_share), or {} when the profile has none."""
        enabled = gpu_share.FILTER in profile.filters
        scores = [(n, w) for n, w in profile.scores if n in gpu_share.SCORES]
        if not enabled and not scores:
            return {}
        c = self.cluster
        shapes = self._gpu_shapes([pi.gpu for pi in infos], c.pods._nonzero[0, rows])
        typical = self._gpu_typical()
        top = max(scores, key=lambda nw: nw[1])[0] if scores else ""
        gpusel = {"FGDScore": 5, "RandomScore": 0}.get(top, 4)
        n = c.nodes
        return {"enabled": enabled, "gpu_count": n._gpu_count, "gpu_model": n._gpu_model,
                "gpu_free_milli": n._gpu_free_milli, "gpu_tags": n._gpu_tags,
                **shapes.as_dict("pod_"), **typical.as_dict(),
                "policies": [gpu_share.SCORES[nm] for nm, _ in scores], "weights": [int(w) for _, w in scores],
                "gpusel": gpusel}

    def _gpu_shapes(self, reqs: list, cpu_milli: np.ndarray):
        from .gpu.state import build_shapes
        shapes, of = build_shapes(cpu_milli, [g.num_gpu if g else 0 for g in reqs],
                                  [g.gpu_milli if g else 0 for g in reqs], [g.models if g else () for g in reqs],
                                  self.cluster.gpu_models)
        # One shape per pod, in pod order (the kernel indexes shapes by pod).
        from .gpu.state import Shapes
        return Shapes(shapes.cpu_milli[of], shapes.num_gpu[of], shapes.gpu_milli[of], shapes.spec_any[of],
                      shapes.spec_mask[of], [shapes.specs[i] for i in of.tolist()])

    def _gpu_typical(self):
        """FGD's target workload: ``self.gpu_typical`` if set (a list of (PodShape, p) or a
        kschedule.gpu.state.Typical), else the typical shapes of every pod the cluster holds when
        the first GPU batch is scheduled (kept from then on, as the artifact computes it once)."""
        from .gpu import reference as gref
        from .gpu.state import Typical
        t = self.gpu_typical
        if isinstance(t, Typical):
            return t
        if t is None:
            c = self.cluster
            pods = []
            for i, pi in enumerate(c.pods.infos):
                g = pi.gpu
                pods.append(gref.PodShape(int(c.pods._nonzero[0, i]), 0, g.num_gpu if g else 0,
                                          g.gpu_milli if g else 0, "|".join(g.models) if g else ""))
            t = gref.typical_pods(pods) if pods else []
        typ = Typical.from_reference(list(t), self.cluster.gpu_models)
        self.gpu_typical = typ
        return typ

    @staticmethod
    def _gpu_config_used(profile: Profile) -> bool:
        return gpu_share.FILTER in profile.filters or any(n in gpu_share.SCORES for n, _ in profile.scores)

    def _profile_for(self, pi: PodInfo) -> Optional[Profile]:
        return self.profiles.by_name.get(pi.scheduler_name)

    def _unsupported(self, pi: PodInfo, profile: Profile) -> Optional[str]:
        missing = [p for p in pi.needs_plugins if p in profile.plugins and p in profile.unimplemented]
        if missing:
            return (f"kschedule cannot schedule this pod exactly: it needs plugin(s) {', '.join(missing)}, "
                    "not implemented yet")
        return None

    def _run(self, profile: Profile, infos: list, rows: np.ndarray, dry_run: bool, explain: bool,
             classes: Optional[list] = None, order: Optional[np.ndarray] = None):
        c = self.cluster
        ev = self._evaluator(profile)
        R = len(c.resources)
        n = c.nodes.n
        if classes is None:
            pod_class, statics = ev.classes_of(infos) if infos is not None else self._classes_by_spec(ev, rows)
        else:
            static_ids: dict = {}
            statics = []
            pod_class = np.empty(len(infos), np.int32)
            for j, sc in enumerate(classes):
                k = id(sc)
                if k not in static_ids:
                    static_ids[k] = len(statics)
                    statics.append(sc)
                pod_class[j] = static_ids[k]
        S = len(statics)
        K = len(ev.score_plugins)
        pre = np.stack([s.pre for s in statics]) if S else np.zeros((0, n), np.int32)
        post = np.stack([s.post for s in statics]) if S else np.zeros((0, n), np.int32)
        scores = np.ascontiguousarray(np.stack([s.scores for s in statics])) if S else np.zeros((0, K, n), np.int64)
        active = np.stack([s.active for s in statics]) if S else np.zeros((0, K), np.uint8)
        norm = np.array([{"TaintToleration": 2, "NodeAffinity": 1}.get(p, 0) for p, _ in ev.score_plugins], np.int32)
        wts = np.array([w for _, w in ev.score_plugins], np.int64)
        pod_req = np.ascontiguousarray(c.pods._requests[:R, rows].T)
        pod_nz = np.ascontiguousarray(c.pods._nonzero[:, rows].T)
        equiv = self._equivalence(pod_class, pod_req, pod_nz) if (self.equivalence_cache and not explain) \
            else np.zeros(0, np.int32)
        if order is None:
            order = self._node_order()
        gpu = {}
        if self._gpu_config_used(profile):
            gpu = self._gpu_config(profile, infos if infos is not None else [c.pods.infos[r] for r in rows.tolist()],
                                   rows)
        t0 = time.perf_counter()
        res = _core.run_batch(
            c.nodes._allocatable, c.nodes._requested, c.nodes._nonzero_requested, n, R, order,
            self._num_to_find(profile, len(order)), self.start_index, self.rng_state, np.ascontiguousarray(pre),
            np.ascontiguousarray(post), norm, wts, scores.reshape(S, K, n), np.ascontiguousarray(active),
            pod_class, equiv, pod_req, pod_nz, dry_run, self._fit_config(profile), self._balanced_config(profile),
            len(ev.reasons), explain, gpu, self.dense_path)
        self.last_kernel_seconds += time.perf_counter() - t0
        return res, ev

    def _classes_by_spec(self, ev: StaticEvaluator, rows: np.ndarray) -> tuple:
        """Static classes of pending pod rows, one evaluation per distinct spec parse (the class key
        is spec fields plus the node name, empty for pending pods); PodInfos only for one pod per spec."""
        c = self.cluster
        spec = c.pods._spec[rows]
        if len(spec) == 0 or spec.min() < 0 or ev._has_python_plugins:
            return ev.classes_of([c.pods.infos[r] for r in rows.tolist()])
        uniq, first, inv = np.unique(spec, return_index=True, return_inverse=True)
        ids: dict = {}
        statics: list = []
        cls_of_spec = np.empty(len(uniq), np.int32)
        specs = c.pods.infos.specs
        for u, (sid, f) in enumerate(zip(uniq.tolist(), first.tolist())):
            if ev._node_ports and specs[sid][_HOST_PORTS]:
                return ev.classes_of([c.pods.infos[r] for r in rows.tolist()])  # classes of one pod each
            sc = ev.get(c.pods.infos[int(rows[f])])
            k = ids.get(id(sc))
            if k is None:
                k = ids[id(sc)] = len(statics)
                statics.append(sc)
            cls_of_spec[u] = k
        return cls_of_spec[inv.reshape(-1)], statics

    @staticmethod
    def _equivalence(pod_class: np.ndarray, pod_req: np.ndarray, pod_nz: np.ndarray) -> np.ndarray:
        """Equivalence class per pod (same static class and requests), -1 for a pod alone in its class."""
        if len(pod_class) < 2:
            return np.zeros(0, np.int32)
        key = np.ascontiguousarray(np.concatenate([pod_class[:, None].astype(np.int64), pod_req, pod_nz], axis=1))
        # Group by a 64-bit hash of the row (one 1-D sort), then confirm every row equals its group's
        # first; on a collision, group the rows themselves (as opaque byte strings).
        with np.errstate(over="ignore"):
            h = np.zeros(len(key), np.uint64)
            for col in key.T.astype(np.uint64):
                h = (h ^ col) * np.uint64(0x9E3779B97F4A7C15)
                h ^= h >> np.uint64(29)
        _, first, inverse, counts = np.unique(h, return_index=True, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
        if not (key == key[first[inverse]]).all():
            rows = key.view(np.dtype((np.void, key.shape[1] * key.itemsize))).reshape(-1)
            _, inverse, counts = np.unique(rows, return_inverse=True, return_counts=True)
            inverse = inverse.reshape(-1)
        shared = counts[inverse] > 1
        if not shared.any():
            return np.zeros(0, np.int32)
        # Dense ids for the shared classes only, so the core allocates caches just for them.
        ids = np.full(len(counts), -1, np.int64)
        multi = np.nonzero(counts > 1)[0]
        ids[multi] = np.arange(len(multi))
        return ids[inverse].astype(np.int32)

    def _fit_reason(self, reason_base: int, rid: int) -> str:
        k = rid - reason_base
        if k == len(self.cluster.resources) + 1:
            return gpu_share.REASON
        if k == 0:
            return "Too many pods"
        return f"Insufficient {self.cluster.resources.values[k - 1]}"

    def _message(self, ev: StaticEvaluator, failures: Iterable, absent: int = 0) -> str:
        hist: dict = {}
        base = len(ev.reasons)
        for rid, cnt in failures:
            reason = ev.reasons[rid][2] if rid < base else self._fit_reason(base, rid)
            hist[reason] = hist.get(reason, 0) + cnt
        if absent:
            hist[ABSENT_REASON] = hist.get(ABSENT_REASON, 0) + absent
        return messages.message_from_counts(self.cluster.nodes.n, hist)

    def _prefilter_message(self, st: Status) -> str:
        return messages.message_from_counts(self.cluster.nodes.n, {}, pre_filter_msg=", ".join(st.reasons))

    # ------------------------------------------------------------------ API
    @without_gc
    def explain(self, pod: Any) -> Explanation:
        """Per node filter status and per plugin score for ``pod`` (a Pod dict, PodInfo or the key of a
        pending pod in the cluster), without changing any state."""
        c = self.cluster
        pi = self._pod_info(pod)
        profile = self._profile_for(pi)
        if profile is None:
            return Explanation(pi.key, {}, {}, {}, None, f'no profile for schedulerName "{pi.scheduler_name}"')
        unsupported = self._unsupported(pi, profile)
        if unsupported:
            return Explanation(pi.key, {}, {}, {}, None, unsupported)
        reject, order = self._prefilter(pi, profile)
        if reject is not None:
            return Explanation(pi.key, {name: reject for name in c.nodes.names}, {}, {}, None,
                               self._prefilter_message(reject), self._warnings(pi, profile))
        # A pod not in the cluster gets a scratch row (removed again below): same kernels as schedule().
        added = pi.key not in c.pods.index
        if added:
            c._add_pods([_as_pending(pi)])
        try:
            row = c.pods.index[pi.key]
            res, ev = self._run(profile, [pi], np.array([row], np.intp), dry_run=True, explain=True, order=order)
            return self._build_explanation(pi, profile, ev, res, order)
        finally:
            if added:
                saved = c.version
                c.remove_pod(pi.key)
                c.version = saved

    def _build_explanation(self, pi, profile, ev, res, order=None) -> Explanation:
        c = self.cluster
        n = c.nodes.n
        R = len(c.resources)
        names = c.nodes.names
        sc = ev.get(pi) if not ev.needs_singleton(pi) else None
        # Recompute the singleton's static class only for reporting when needed.
        sc = sc or ev.evaluate(pi)
        base = len(ev.reasons)
        evaluated = res["evaluated"]
        fit_fail = res["fit_fail"].reshape(n, R + 1) if n else np.zeros((0, R + 1), np.uint8)
        statuses: dict = {}
        gpu_fail = res["gpu_fail"] if len(res["gpu_fail"]) else None
        for i in range(n):
            if not evaluated[i]:
                continue
            if sc.pre[i] >= 0:
                plugin, code, reason = ev.reasons[sc.pre[i]]
                statuses[names[i]] = Status(code, plugin, (reason,))
            elif fit_fail[i].any():
                reasons = tuple(self._fit_reason(base, base + k) for k in np.nonzero(fit_fail[i])[0])
                code = "UnschedulableAndUnresolvable" if res["fit_unresolvable"][i] else "Unschedulable"
                statuses[names[i]] = Status(code, FIT, reasons)
            elif sc.post[i] >= 0:
                plugin, code, reason = ev.reasons[sc.post[i]]
                statuses[names[i]] = Status(code, plugin, (reason,))
            elif gpu_fail is not None and gpu_fail[i]:
                statuses[names[i]] = Status("Unschedulable", gpu_share.FILTER, (gpu_share.REASON,))
            else:
                statuses[names[i]] = SUCCESS
        scored = res["scored"]
        F = len(scored)
        plugins = [p for p, _ in ev.score_plugins] + [FIT, BALANCED] + \
            [nm for nm, _ in profile.scores if nm in gpu_share.SCORES]
        ps = res["plugin_scores"].reshape(len(plugins), F) if F else None
        scores: dict = {}
        totals: dict = {}
        weights = dict(profile.scores)
        for i, node in enumerate(scored.tolist()):
            d = {}
            for k, p in enumerate(plugins):
                if p not in weights:
                    continue
                v = int(ps[k, i])
                if v >= 0:
                    d[p] = v
            scores[names[node]] = d
            totals[names[node]] = int(res["totals"][i])
        absent = 0
        if order is not None:
            absent = n - len(order)
            kept = set(order.tolist())
            for i in range(n):
                if i not in kept:
                    statuses[names[i]] = Status("UnschedulableAndUnresolvable", "", (ABSENT_REASON,))
        chosen = int(res["chosen"][0])
        message = None
        if chosen < 0:
            f = res["failures"].reshape(-1, 3)
            message = self._message(ev, [(int(r), int(k)) for _, r, k in f], absent)
        warnings = self._warnings(pi, profile)
        return Explanation(pi.key, statuses, scores, totals, names[chosen] if chosen >= 0 else None, message,
                           warnings)

    @staticmethod
    def _warnings(pi: PodInfo, profile: Profile) -> list:
        out = []
        missing = profile.unimplemented
        if "PodTopologySpread" in missing and pi.owner and "PodTopologySpread" in dict(profile.scores):
            out.append("PodTopologySpread is not implemented yet: upstream's system default spreading "
                       "constraints may score this controller-owned pod differently")
        if "DefaultPreemption" in missing:
            out.append("DefaultPreemption is not implemented yet: no preemption is attempted and the "
                       "message has no preemption part")
        return out

    @without_gc  # many small result objects next to a large object graph; see kschedule.gcpause
    def schedule(self, pods: Iterable[Any]) -> list:
        """Schedule pods (Pod dicts, which are added to the cluster first, or keys of pending pods),
        binding each placed pod. Returns a :class:`Placement` per pod, in the order given."""
        c = self.cluster
        self.last_kernel_seconds = 0.0
        index = c.pods.index
        new_objs, keys, known = [], [], []
        for p in pods:
            if type(p) is str:
                key = p if "/" in p else f"default/{p}"
                r = index.get(key, -1)
                if r < 0:
                    raise InvalidObject("Pod", key, "", "not found")
                keys.append(key)
                known.append(r)
            else:
                key, node_name, obj = _key_and_node(p)
                if node_name:
                    raise InvalidObject("Pod", key, "spec.nodeName",
                                        "already set: a pod with spec.nodeName is bound, not scheduled")
                keys.append(key)
                r = index.get(key, -1)
                known.append(r)
                if r < 0:
                    new_objs.append(obj)
                elif obj is p and not isinstance(p, PodInfo):
                    parse_pod(p)  # not added (the pod is already there), but a bad object still raises
        known = np.asarray(known, np.int64)
        present = known >= 0
        if present.any():
            bound = np.zeros(len(keys), bool)
            bound[present] = c.pods._node[known[present]] >= 0
            if bound.any():
                raise InvalidObject("Pod", keys[int(np.argmax(bound))], "spec.nodeName", "already bound")
        if new_objs:
            c.add_objects(pods=new_objs)
            index = c.pods.index
            rows = [index[k] for k in keys]
        else:
            rows = known.tolist()
        # PrioritySort: higher priority first, then arrival (stable).
        rows_arr = np.asarray(rows, np.int64)
        order = np.argsort(-c.pods._priority[rows_arr], kind="stable") if rows else np.zeros(0, np.int64)
        results: list = [None] * len(rows)
        # What each pod needs is decided once per distinct spec parse (pods of one template share it).
        kind, profile_of, message_of, porder_of, spec_of = self._spec_decisions(rows_arr)
        if len(order) and (kind == _BATCH).all() and len({id(pr) for pr in profile_of}) == 1:
            # The common case: every pod joins one batch of one profile, in queue order.
            self._schedule_run(profile_of[0], order.tolist(), results, rows)
            return results
        run: list = []
        run_profile = None
        keys = c.pods.keys

        def flush():
            nonlocal run, run_profile
            if run:
                self._schedule_run(run_profile, run, results, rows)
            run, run_profile = [], None

        for j in order.tolist():
            u = spec_of[j]
            k = kind[u]
            if k == _MESSAGE:
                flush()
                results[j] = Placement(keys[rows[j]], None, message_of[u])
            elif k == _ALONE:
                flush()
                self._schedule_run(profile_of[u], [j], results, rows, porder_of[u])
            else:
                if profile_of[u] is not run_profile:
                    flush()
                    run_profile = profile_of[u]
                run.append(j)
        flush()
        return results

    def _spec_decisions(self, rows: np.ndarray) -> tuple:
        """What the pods at ``rows`` need, decided per distinct spec parse: (kind per distinct spec --
        _BATCH joins a batch of its profile, _ALONE is evaluated in a batch of its own (a
        PreFilterResult node subset, or static results that depend on bound pods), _MESSAGE gets a
        message without a cycle (no profile, an unimplemented plugin it needs, rejected at PreFilter);
        profile, message, node subset per distinct spec; the distinct spec of each pod)."""
        c = self.cluster
        uniq, first, inv = np.unique(c.pods._spec[rows], return_index=True, return_inverse=True)
        specs = c.pods.infos.specs
        by_name = self.profiles.by_name
        kinds = np.empty(len(uniq), np.int8)
        profiles, messages_, porders = [], [], []
        for u, (sid, f) in enumerate(zip(uniq.tolist(), first.tolist())):
            sp = specs[sid]
            profile = by_name.get(sp[_SCHEDULER_NAME])
            msg = porder = None
            k = _BATCH
            if profile is None:
                k, msg = _MESSAGE, f'no profile for schedulerName "{sp[_SCHEDULER_NAME]}"'
            else:
                pi = c.pods.infos[int(rows[f])]
                msg = self._unsupported(pi, profile)
                if msg:
                    k = _MESSAGE
                else:
                    reject, porder = self._prefilter(pi, profile) if pi.required_affinity is not None else (None, None)
                    if reject is not None:
                        k, msg = _MESSAGE, self._prefilter_message(reject)
                    elif porder is not None or self._evaluator(profile).needs_singleton(pi):
                        k = _ALONE
            kinds[u] = k
            profiles.append(profile)
            messages_.append(msg)
            porders.append(porder)
        inv = inv.reshape(-1)
        return kinds, profiles, messages_, porders, inv.tolist()

    def _schedule_run(self, profile: Profile, idx: list, results: list, rows: list,
                      order: Optional[np.ndarray] = None) -> None:
        c = self.cluster
        prow = np.array([rows[j] for j in idx], np.intp)
        res, ev = self._run(profile, None, prow, dry_run=False, explain=False, order=order)
        absent = c.nodes.n - len(order) if order is not None else 0
        self.start_index = int(res["start_index"])
        self.rng_state = int(res["rng_state"])
        self.last_batch_dense = bool(res["dense"])
        chosen = res["chosen"]
        placed = chosen >= 0
        if placed.any():
            gpu_devices = res["gpu_devices"][placed] if self._gpu_config_used(profile) else None
            bound_rows = prow[placed]
            # Rows the binding must visit one by one: host ports, GPU requests.
            spec = c.pods._spec[bound_rows]
            ported = np.zeros(len(bound_rows), bool)
            if len(spec) and spec.min() >= 0:
                specs = c.pods.infos.specs
                for sid in np.unique(spec).tolist():
                    if specs[sid][_HOST_PORTS]:
                        ported |= spec == sid
            else:
                ported[:] = True
            special = bound_rows[ported | (c.pods._gpu_request[bound_rows] != 0)]
            c._bind_rows(bound_rows, chosen[placed].astype(np.int32), node_columns_done=True,
                         gpu_devices=gpu_devices, special=special)
            c.version += 1
        fails: dict = {}
        f = res["failures"].reshape(-1, 3)
        for p, r, k in f.tolist():
            fails.setdefault(p, []).append((r, k))
        names = c.nodes.names
        keys = c.pods.keys
        for t, (j, r, node) in enumerate(zip(idx, prow.tolist(), chosen.tolist())):
            if node >= 0:
                results[j] = Placement(keys[r], names[node])
            else:
                results[j] = Placement(keys[r], None, self._message(ev, fails.get(t, []), absent))

    def _pod_info(self, pod: Any) -> PodInfo:
        c = self.cluster
        if isinstance(pod, str):
            return c.pods.infos[c._pod_row(c._key(pod))]
        if isinstance(pod, PodInfo):
            return pod
        return parse_pod(pod)


def _key_and_node(p: Any) -> tuple:
    """(key, spec.nodeName, object to add) of a Pod dict or PodInfo. Well-formed dicts are read
    directly (the cluster parses and validates them once, in bulk, when they are added); anything
    else goes through parse_pod, which raises the usual InvalidObject for a bad object."""
    if type(p) is dict:
        md, spec = p.get("metadata"), p.get("spec")
        if type(md) is dict and type(spec) is dict:
            name, ns, node = md.get("name"), md.get("namespace"), spec.get("nodeName")
            if type(name) is str and name and (ns is None or type(ns) is str) and (node is None or type(node) is str):
                return f"{ns or 'default'}/{name}", node or "", p
    pi = p if isinstance(p, PodInfo) else parse_pod(p)
    return pi.key, pi.node_name, pi.obj


def _as_pending(pi: PodInfo) -> PodInfo:
    import copy
    q = copy.copy(pi)
    q.node_name = ""
    if q.priority is None:
        q.priority = 0
    return q

