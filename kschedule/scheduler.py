"""``Scheduler``: explain and schedule pods on a :class:`~kschedule.Cluster` as kube-scheduler would.

One cycle per pod, in PrioritySort order (priority descending, then arrival), with upstream's
``scheduleOne`` semantics: filter nodes from a rotating start index in node-tree order until
``numFeasibleNodesToFind`` feasible nodes are found, take a single feasible node without scoring,
otherwise score, normalize, weight, and pick the highest total (ties: one draw, uniform over the tied
nodes, from a seeded generator; see kschedule.framework.reference.select_host). Each placement is
bound before the next pod is evaluated. Whole batches cross into C++: ``csrc/dense.cpp`` (the
position-ordered, vectorised loop) when the batch qualifies, else ``csrc/schedule.cpp`` (explain,
GPU sharing, RequestedToCapacityRatio); both give identical results. A batch is classified per
group of spec parses (``Cluster.pods.spec``) that share every object a decision reads, not per pod;
static per-class plugin results come from :mod:`kschedule.framework.static`, equivalence classes
(pods whose Fit/BalancedAllocation work the kernel shares) from
:mod:`kschedule.framework.equivalence`. ``schedule`` returns a :class:`PlacementList`, which builds
its Placement objects only when they are read.
"""
from __future__ import annotations

import time

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import count
from operator import itemgetter
from typing import Any, Iterable, Optional

import numpy as np

from . import _core
from .cluster import RES_PODS, Cluster
from .errors import InvalidConfig, InvalidObject, PluginError
from .framework import existing_affinity, messages
from .framework.equivalence import equivalence_classes
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
#: The spec fields everything schedule() decides per pod depends on (profile, unimplemented plugins,
#: PreFilter, static class, host ports): all but the priority and the requests.
_DECISION_FIELDS = itemgetter(*(_INFO_FIELDS.index(f) for f in (
    "scheduler_name", "tolerations", "required_affinity", "preferred_terms", "host_ports", "images",
    "num_containers", "needs_plugins")))
_MESSAGE, _ALONE, _BATCH = 0, 1, 2


@dataclass(slots=True)  # slots: a third cheaper to build, 100,000 at a time
class Placement:
    pod: str
    node: Optional[str]
    message: Optional[str] = None


class _Messages:
    """Position -> FailedScheduling text of the pods a schedule() call did not place. The texts of a
    batch's failures are made on the first read of any message (a filling cluster can fail tens of
    thousands of pods; ``nodes`` and ``node_index`` never need their texts), from what the batch
    recorded: its failure records and the node, reason and resource counts of the time."""

    __slots__ = ("_texts", "_pending")

    def __init__(self):
        self._texts: dict = {}
        self._pending: list = []  # callables returning (position, text) pairs

    def __setitem__(self, j: int, text: str) -> None:
        self._texts[j] = text

    def defer(self, make) -> None:
        self._pending.append(make)

    def _resolve(self) -> dict:
        while self._pending:
            self._texts.update(self._pending.pop(0)())
        return self._texts

    def get(self, j: int) -> Optional[str]:
        return self._resolve().get(j)

    def items(self):
        return self._resolve().items()


class PlacementList(Sequence):
    """What :meth:`Scheduler.schedule` returns: a read-only sequence of :class:`Placement`, one per
    pod in the order given, equal to the list of those Placements (``==`` works both ways).

    It stores arrays and builds each Placement when it is accessed: iterating, indexing or slicing
    gives new Placement objects every time (equal ones), and nothing is kept, so a 100,000-pod batch
    costs no Placement objects until they are asked for. For bulk use, without Placement objects:

    * ``pods``: the pod keys ("namespace/name"), a list;
    * ``nodes``: the chosen node's name per pod, or None, a list;
    * ``node_index``: the chosen node per pod as an index into ``node_names`` (the cluster's node rows
      when schedule() ran), -1 for a pod not placed; a read-only int32 array.

    ``warnings``: where upstream could have decided differently because a plugin of the profile is not
    implemented yet (one text per cause, with the number of pods it concerns).
    """

    __slots__ = ("_pods", "_node", "_names", "_messages", "_warnings")

    def __init__(self, pods: list, node_index: np.ndarray, node_names: tuple, messages: "_Messages",
                 warnings: Optional[list] = None):
        self._pods = pods
        self._node = node_index
        self._node.flags.writeable = False
        self._names = node_names
        self._messages = messages  # position -> FailedScheduling text, for the pods not placed
        self._warnings = list(warnings or ())

    @property
    def warnings(self) -> list:
        return list(self._warnings)

    @property
    def pods(self) -> list:
        return list(self._pods)

    @property
    def node_index(self) -> np.ndarray:
        return self._node

    @property
    def node_names(self) -> tuple:
        return self._names

    @property
    def nodes(self) -> list:
        return _core.take_names(self._names, self._node)

    def _message_list(self) -> list:
        msgs = [None] * len(self._pods)
        for j, m in self._messages.items():
            msgs[j] = m
        return msgs

    def _placement(self, j: int) -> Placement:
        k = int(self._node[j])
        return Placement(self._pods[j], self._names[k] if k >= 0 else None, self._messages.get(j))

    def __len__(self) -> int:
        return len(self._pods)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(map(Placement, self._pods[i], self.nodes[i], self._message_list()[i]))
        j = range(len(self._pods))[i]  # IndexError and negative indices as a list has them
        return self._placement(j)

    def __iter__(self):
        return map(Placement, self._pods, self.nodes, self._message_list())

    def __eq__(self, other) -> bool:
        if isinstance(other, (list, PlacementList)):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # equal to a list, which is unhashable

    def __add__(self, other):
        if isinstance(other, (list, PlacementList)):
            return list(self) + list(other)
        return NotImplemented

    def __radd__(self, other):
        if isinstance(other, list):
            return other + list(self)
        return NotImplemented

    def __repr__(self) -> str:
        return f"PlacementList({list(self)!r})"


@dataclass
class _Plan:
    """What the pods of one schedule() call need, decided per *group*: the spec parses that share every
    object of _DECISION_FIELDS (pods of one template share one spec parse; specs that differ only in
    requests or priority still share the rest). Groups are numbered in the order of their smallest
    spec id, so a per-group loop meets static classes in the order a per-spec loop does."""

    group: np.ndarray  # intp: the group of each pod (position in the call)
    kind: np.ndarray  # int8 per group: _BATCH, _ALONE or _MESSAGE (see Scheduler._plan)
    profiles: list  # per group: Profile or None
    messages: list  # per group: the message of a _MESSAGE group
    porders: list  # per group: the PreFilterResult node subset, or None
    ported: np.ndarray  # bool per group: the pods have host ports
    rows: list  # per group: a pod row that stands for the group (the first pod of its first spec)
    named: bool  # some pod carries spec.nodeName (kept when a pod is unbound), which its class depends on


def is_extended_resource_name(name: str) -> bool:
    """v1helper.IsExtendedResourceName: has a domain that is not kubernetes.io, not "requests."."""
    if "/" not in name or "kubernetes.io/" in name or name.startswith("requests."):
        return False
    return True


def _checked_percentage(p: Any) -> Optional[int]:
    """A percentageOfNodesToScore override as the config's validation takes it: a whole number in [0, 100]."""
    if p is None:
        return None
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, np.integer)):
        raise InvalidConfig("percentageOfNodesToScore", f"Invalid value: {p!r}: must be a whole number in [0-100]")
    if not 0 <= p <= 100:
        raise InvalidConfig("percentageOfNodesToScore", f"Invalid value: {int(p)}: not in valid range [0-100]")
    return int(p)


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
        self.percentage_override = _checked_percentage(percentage_of_nodes_to_score)
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
        missing = [p for p in pi.needs_plugins if _lacks(profile, p)]
        if missing:
            return (f"kschedule cannot schedule this pod exactly: it needs plugin(s) {', '.join(missing)}, "
                    "not implemented yet")
        return None

    def _run(self, profile: Profile, infos: list, rows: np.ndarray, dry_run: bool, explain: bool,
             classes: Optional[tuple] = None, order: Optional[np.ndarray] = None):
        """One call of the batch kernel. ``classes``: (static class per pod, distinct StaticClasses)
        when the caller has them, else they are found from ``infos`` or the pods' spec parses."""
        c = self.cluster
        ev = self._evaluator(profile)
        R = len(c.resources)
        n = c.nodes.n
        if classes is not None:
            pod_class, statics = classes
        else:
            pod_class, statics = ev.classes_of(infos) if infos is not None else self._classes_by_spec(ev, rows)
        S = len(statics)
        pre = np.stack([s.pre for s in statics]) if S else np.zeros((0, n), np.int32)
        post = np.stack([s.post for s in statics]) if S else np.zeros((0, n), np.int32)
        active = np.stack([s.active for s in statics]) if S else np.zeros((0, len(ev.score_plugins)), np.uint8)
        # The static score plugins the kernel gets: all of them for explain (its per-plugin output is
        # indexed by plugin), else those that score some pod of the batch (the others add nothing).
        used = list(range(len(ev.score_plugins))) if explain else np.flatnonzero(active.any(axis=0)).tolist()
        active = np.ascontiguousarray(active[:, used])
        # Per (class, plugin) the class's row, read in place by the kernel (None: the plugin does not
        # score the class); no (S, K, n) copy.
        scores = [sc.scores[u] for sc in statics for u in used]
        plugins = [ev.score_plugins[u] for u in used]
        K = len(plugins)
        norm = np.array([{"TaintToleration": 2, "NodeAffinity": 1}.get(p, 0) for p, _ in plugins], np.int32)
        wts = np.array([w for _, w in plugins], np.int64)
        cols = _row_selector(rows)
        # The kernel reads these rows in place: row-contiguous views of the pod table for consecutive
        # rows, else gathered copies (C order: fancy indexing may lay them out by pod).
        req_by_resource = _rows_view(c.pods._requests[:R], cols)
        nz_by_resource = _rows_view(c.pods._nonzero, cols)
        equiv = np.zeros(0, np.int32)
        if self.equivalence_cache and not explain:
            groups = self._replica_sets(cols)
            # When the pods' owners decide the classes: one C pass (csrc/equiv_groups.cpp); else (None)
            # equivalence.py.
            equiv = _core.grouped_classes(req_by_resource, nz_by_resource, pod_class, groups) \
                if groups is not None else None
            if equiv is None:
                equiv = equivalence_classes([pod_class, *req_by_resource, *nz_by_resource], groups)
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
            np.ascontiguousarray(post), norm, wts, scores, active,
            pod_class, equiv, req_by_resource, nz_by_resource, dry_run, self._fit_config(profile), self._balanced_config(profile),
            len(ev.reasons), explain, gpu, self.dense_path)
        self.last_kernel_seconds += time.perf_counter() - t0
        return res, ev

    def _replica_sets(self, cols) -> Optional[np.ndarray]:
        """The owner of each pod when every pod has one: replicas of one controller share their
        template, so equivalence classes are found per owner (a hint, checked pod by pod)."""
        owner = self.cluster.pods._owner[cols]
        return owner if len(owner) and owner.min() >= 0 else None

    def _classes_by_spec(self, ev: StaticEvaluator, rows: np.ndarray) -> tuple:
        """Static classes of pending pod rows, one evaluation per distinct spec parse (the class key
        is spec fields plus the node name, empty for pending pods); PodInfos only for one pod per spec."""
        c = self.cluster
        spec = c.pods._spec[rows]
        if len(spec) == 0 or spec.min() < 0 or ev._has_python_plugins:
            return ev.classes_of([c.pods.infos[r] for r in rows.tolist()])
        specs = c.pods.infos.specs
        uniq, first, inv = _factorize(spec, len(specs))
        ids: dict = {}
        statics: list = []
        cls_of_spec = np.empty(len(uniq), np.int32)
        for u, (sid, f) in enumerate(zip(uniq.tolist(), first.tolist())):
            if ev._node_ports and specs[sid][_HOST_PORTS]:
                return ev.classes_of([c.pods.infos[r] for r in rows.tolist()])  # classes of one pod each
            sc = ev.get(c.pods.infos[int(rows[f])])
            k = ids.get(id(sc))
            if k is None:
                k = ids[id(sc)] = len(statics)
                statics.append(sc)
            cls_of_spec[u] = k
        return cls_of_spec[inv], statics

    def _fit_reason(self, reason_base: int, rid: int, num_resources: Optional[int] = None) -> str:
        return _fit_reason_text(self.cluster.resources.values, reason_base, rid, num_resources)

    def _message(self, ev: StaticEvaluator, failures: Iterable, absent: int = 0, at: Optional[tuple] = None) -> str:
        """The FailedScheduling text of failure records (reason id, node count). ``at``: (node count,
        the evaluator's reason count after which the Fit reasons are numbered, resource count) as
        they were when the batch ran, for texts made later; None: now."""
        at = at or (self.cluster.nodes.n, len(ev.reasons), len(self.cluster.resources))
        return _message_text(ev.reasons, self.cluster.resources.values, failures, absent, at)

    def _prefilter_message(self, st: Status) -> str:
        if self.cluster.nodes.n == 0:
            return messages.NO_NODES_AVAILABLE
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
        if unsupported is None and _lacks(profile, existing_affinity.PLUGIN):
            terms = self._existing_terms()
            if terms and existing_affinity.selects(terms, pi.namespace, pi.labels):
                unsupported = existing_affinity.MESSAGE
        if unsupported:
            return Explanation(pi.key, {}, {}, {}, None, unsupported)
        reject, order = self._prefilter(pi, profile)
        if reject is not None:
            return Explanation(pi.key, {name: reject for name in c.nodes.names}, {}, {}, None,
                               self._prefilter_message(reject), self._warnings(pi, profile, False))
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
                # Pods, cpu, memory, ephemeral-storage in fitsRequest's order, then the scalar resources,
                # which upstream reads from a Go map (any order), by name: not by load order.
                ks_ = np.nonzero(fit_fail[i])[0].tolist()
                reasons = tuple(self._fit_reason(base, base + k) for k in ks_ if k <= 1 + RES_PODS) + tuple(
                    sorted(self._fit_reason(base, base + k) for k in ks_ if k > 1 + RES_PODS))
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
        # One feasible node is taken without scoring (schedulePod returns before prioritizeNodes): no
        # scores to report, as upstream computes none.
        for i, node in enumerate(scored.tolist() if F > 1 else ()):
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
        warnings = self._warnings(pi, profile, chosen >= 0)
        return Explanation(pi.key, statuses, scores, totals, names[chosen] if chosen >= 0 else None, message,
                           warnings)

    @staticmethod
    def _warnings(pi: PodInfo, profile: Profile, placed: bool) -> list:
        out = []
        spread, preempt = _missing_effects(profile)
        if spread and pi.owner:
            out.append("PodTopologySpread is not implemented yet: upstream's system default spreading "
                       "constraints may score this controller-owned pod differently")
        if preempt and not placed:
            out.append("DefaultPreemption is not implemented yet: no preemption is attempted and the "
                       "message has no preemption part")
        return out

    def _existing_terms(self) -> list:
        """The inter-pod affinity terms of the bound pods (framework/existing_affinity.py); empty without
        a pass over the pods when no loaded spec has any."""
        holders = existing_affinity.bound_rows_with_terms(self.cluster)
        return existing_affinity.terms_of(self.cluster, holders) if len(holders) else []

    def _selected_by_existing_terms(self, rows: np.ndarray, plan: _Plan) -> Optional[np.ndarray]:
        """Per pod at ``rows``, whether an inter-pod affinity term of a bound pod selects it while its
        profile has InterPodAffinity, which kschedule does not implement yet; None when no pod is."""
        terms = self._existing_terms()
        if not terms:
            return None
        hit = existing_affinity.selected_rows(self.cluster, np.asarray(rows, np.intp), terms)
        needs = np.array([p is not None and _lacks(p, existing_affinity.PLUGIN) for p in plan.profiles], bool)
        hit &= needs[plan.group] & (plan.kind[plan.group] != _MESSAGE)
        return hit if hit.any() else None

    def _batch_warnings(self, rows: np.ndarray, plan: _Plan, node: np.ndarray, reported: Optional[np.ndarray]) -> list:
        """_warnings over a schedule() call, one text per cause with the number of pods it concerns;
        ``reported``: pods given a message without a scheduling cycle (None: none)."""
        effects: dict = {}  # per profile (thousands of groups share a few profiles)
        s_of = np.zeros(len(plan.profiles), bool)
        p_of = np.zeros(len(plan.profiles), bool)
        for g, profile in enumerate(plan.profiles):
            if profile is None or plan.kind[g] == _MESSAGE:
                continue
            e = effects.get(id(profile))
            if e is None:
                e = effects[id(profile)] = _missing_effects(profile)
            s_of[g], p_of[g] = e
        spread = preempt = 0
        if s_of.any():
            owned = self.cluster.pods._owner[_row_selector(rows)] >= 0
            spread = int(np.count_nonzero(owned if s_of.all() else owned & s_of[plan.group]))
        if p_of.any():
            unplaced = node < 0 if reported is None else (node < 0) & ~reported
            preempt = int(np.count_nonzero(unplaced if p_of.all() else unplaced & p_of[plan.group]))
        out = []
        if spread:
            out.append(f"PodTopologySpread is not implemented yet: upstream's system default spreading constraints "
                       f"may score {spread:,} controller-owned pod(s) differently")
        if preempt:
            out.append(f"DefaultPreemption is not implemented yet: no preemption was attempted for the {preempt:,} "
                       "pod(s) not placed, and their messages have no preemption part")
        return out

    @without_gc  # Pod dicts, failure messages: many small objects next to a large object graph; see kschedule.gcpause
    def schedule(self, pods: Iterable[Any]) -> PlacementList:
        """Schedule pods (Pod dicts, which are added to the cluster first, or keys of pending pods),
        binding each placed pod. Returns a :class:`PlacementList`: a :class:`Placement` per pod, in
        the order given (with array views for bulk use)."""
        c = self.cluster
        self.last_kernel_seconds = 0.0
        keys, rows = self._pending_rows(pods if type(pods) is list else list(pods), owned=type(pods) is not list)
        # PrioritySort: higher priority first, then arrival (stable).
        prio = c.pods._priority[_row_selector(rows)]
        order = np.argsort(-prio, kind="stable") if len(prio) and prio.min() != prio.max() else None
        plan = self._plan(rows)
        node = np.full(len(rows), -1, np.int32)
        messages = _Messages()
        blocked = self._selected_by_existing_terms(rows, plan)
        if blocked is not None:
            # Pods that bound pods' inter-pod affinity terms select: reported, the others scheduled.
            for j in np.flatnonzero(blocked).tolist():
                messages[j] = existing_affinity.MESSAGE
            keep = np.flatnonzero(~blocked) if order is None else order[~blocked[order]]
            self._schedule_runs(keep, rows, plan, node, messages)
        elif len(rows) and (plan.kind == _BATCH).all() and len({id(pr) for pr in plan.profiles}) == 1:
            # The common case: every pod joins one batch of one profile, in queue order (a slice when
            # that is the order given: views instead of gathers).
            self._schedule_run(plan.profiles[0], slice(None) if order is None else order, rows, plan, node, messages,
                               whole=True)
        else:
            self._schedule_runs(np.arange(len(rows)) if order is None else order, rows, plan, node, messages)
        return PlacementList(keys, node, tuple(c.nodes.names), messages, self._batch_warnings(rows, plan, node, blocked))

    def _pending_rows(self, pods: list, owned: bool = True) -> tuple:
        """(keys, rows as int64) of the pods to schedule, adding the Pod objects the cluster does not
        hold yet. Raises InvalidObject, adding nothing, for a key not found, a Pod object with
        spec.nodeName, a pod already bound. ``owned``: ``pods`` is this call's own list (else the
        caller's, copied before it is kept)."""
        t = self.cluster.pods
        start = t.index.get(pods[0]) if pods and type(pods[0]) is str else None
        keys = None
        if start is not None:
            # Pods added together and scheduled in that order: consecutive rows, no lookups (one C
            # pass checks that each item is an exact str equal to its row's key, copying the list).
            if owned:
                keys = pods if _core.keys_at(pods, t.keys, start) else None
            else:
                keys = _core.copy_if_keys_at(pods, t.keys, start)
        if keys is not None:
            rows = np.arange(start, start + len(pods), dtype=np.int64)
        else:
            if not owned:
                pods = list(pods)
            rows = self._rows_of_keys(pods)
            if rows is None:
                return self._rows_adding(pods)
            keys = pods
        bound = t._node[_row_selector(rows)] >= 0
        if bound.any():
            self._raise_bound(keys, rows, bound)
        return keys, rows

    def _raise_bound(self, keys: list, rows, bound: np.ndarray):
        """InvalidObject for the first pod of the call that the cluster already has bound (Cluster.bind's text)."""
        k = int(np.argmax(bound))
        node = self.cluster.nodes.names[int(self.cluster.pods._node[int(rows[k])])]
        raise InvalidObject("Pod", keys[k], "spec.nodeName", f'already bound to node "{node}"')

    def _rows_of_keys(self, pods: list) -> Optional[np.ndarray]:
        """The rows of ``pods`` when every item is the full key of a pod in the cluster (the usual
        call: keys of pending pods), found with C-level loops; None otherwise. Every key in the index
        holds a "/", so a short name ("web-1" for "default/web-1") is not found here either."""
        if not pods:
            return None
        t = self.cluster.pods
        if list(map(type, pods)).count(str) != len(pods):
            return None
        try:
            return np.fromiter(map(t.index.__getitem__, pods), np.int64, len(pods))
        except KeyError:
            return None

    def _rows_adding(self, pods: list) -> tuple:
        """_pending_rows for any mix of keys, short names, Pod dicts and PodInfos."""
        c = self.cluster
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
                self._raise_bound(keys, known, bound)
        if new_objs:
            c.add_objects(pods=new_objs)
            index = c.pods.index
            return keys, np.fromiter(map(index.__getitem__, keys), np.int64, len(keys))
        return keys, known

    def _schedule_runs(self, order: np.ndarray, rows: np.ndarray, plan: _Plan, node: np.ndarray,
                       messages: _Messages) -> None:
        """Pods in queue order: consecutive pods of one profile form a batch; a _MESSAGE pod gets its
        message and an _ALONE pod a batch of its own, in their turn."""
        run: list = []
        run_profile = None

        def flush():
            nonlocal run, run_profile
            if run:
                self._schedule_run(run_profile, np.asarray(run, np.intp), rows, plan, node, messages)
            run, run_profile = [], None

        group = plan.group
        for j in order.tolist():
            g = group[j]
            k = plan.kind[g]
            if k == _MESSAGE:
                flush()
                messages[j] = plan.messages[g]
            elif k == _ALONE:
                flush()
                try:
                    self._schedule_run(plan.profiles[g], np.array([j], np.intp), rows, plan, node, messages,
                                       plan.porders[g])
                except PluginError as e:
                    # A research plugin failed on this pod (before anything was bound for it): the pod
                    # gets the error status's text, the others are scheduled.
                    messages[j] = str(e)
            else:
                if plan.profiles[g] is not run_profile:
                    flush()
                    run_profile = plan.profiles[g]
                run.append(j)
        flush()

    def _plan(self, rows: np.ndarray) -> _Plan:
        """What the pods at ``rows`` need, decided per group of spec parses (see :class:`_Plan`):
        _BATCH joins a batch of its profile; _ALONE is evaluated in a batch of its own (a
        PreFilterResult node subset, or static results that depend on bound pods); _MESSAGE gets a
        message without a cycle (no profile, an unimplemented plugin it needs, rejected at PreFilter)."""
        c = self.cluster
        specs = c.pods.infos.specs
        sel = _row_selector(rows)
        uniq, first, inv = _factorize(c.pods._spec[sel], len(specs))
        # Object identity, not equality: the same objects decide the same way, and ids hash fast.
        # Keys built and looked up by C-level maps (thousands of specs for distinct pods): setdefault
        # gives each spec the position (in uniq) of the first spec with its key.
        keys = map(tuple, map(partial(map, id), map(_DECISION_FIELDS, map(specs.__getitem__, uniq.tolist()))))
        first_of = np.fromiter(map({}.setdefault, keys, count()), np.intp, len(uniq))
        is_first = first_of == np.arange(len(uniq))
        first_spec = np.flatnonzero(is_first).tolist()  # per group, its smallest spec (an index into uniq)
        group_of_spec = (np.cumsum(is_first) - 1)[first_of]
        by_name = self.profiles.by_name
        kinds = np.empty(len(first_spec), np.int8)
        ported = np.zeros(len(first_spec), bool)
        profiles, messages_, porders, reps = [], [], [], []
        for g, u in enumerate(first_spec):
            sp = specs[int(uniq[u])]
            row = int(rows[first[u]])
            profile = by_name.get(sp[_SCHEDULER_NAME])
            msg = porder = None
            k = _BATCH
            if profile is None:
                k, msg = _MESSAGE, f'no profile for schedulerName "{sp[_SCHEDULER_NAME]}"'
            else:
                pi = c.pods.infos[row]
                msg = self._unsupported(pi, profile)
                if msg:
                    k = _MESSAGE
                else:
                    reject, porder = self._prefilter(pi, profile) if pi.required_affinity is not None else (None, None)
                    if reject is not None:
                        k, msg = _MESSAGE, self._prefilter_message(reject)
                    elif porder is not None or self._evaluator(profile).needs_singleton(pi):
                        k = _ALONE
            kinds[g] = k
            ported[g] = bool(sp[_HOST_PORTS])
            profiles.append(profile)
            messages_.append(msg)
            porders.append(porder)
            reps.append(row)
        named = bool(c.pods._has_node_name[sel].any())
        return _Plan(group_of_spec[inv], kinds, profiles, messages_, porders, ported, reps, named)

    def _plan_classes(self, ev: StaticEvaluator, plan: _Plan, pos: np.ndarray) -> Optional[tuple]:
        """(static class per pod, distinct classes) of a batch of every pod of ``plan``, one lookup per
        group; None when classes are not a function of the group (python plugins, host ports with
        NodePorts, or a pod carrying spec.nodeName), for _classes_by_spec."""
        if plan.named or ev._has_python_plugins or (ev._node_ports and plan.ported.any()):
            return None
        infos = self.cluster.pods.infos
        ids: dict = {}
        statics: list = []
        cls_of_group = np.empty(len(plan.rows), np.int32)
        for g, row in enumerate(plan.rows):
            sc = ev.get(infos[row])
            k = ids.get(id(sc))
            if k is None:
                k = ids[id(sc)] = len(statics)
                statics.append(sc)
            cls_of_group[g] = k
        return cls_of_group[plan.group[pos]], statics

    def _schedule_run(self, profile: Profile, pos: np.ndarray, rows: np.ndarray, plan: _Plan,
                      node: np.ndarray, messages: _Messages, order: Optional[np.ndarray] = None,
                      whole: bool = False) -> None:
        """One batch: the pods at positions ``pos`` (queue order; ``slice(None)``: all, in the order
        given) of the call; records each pod's node in ``node`` and the message of each pod not placed
        in ``messages``. ``whole``: the batch is every pod of ``plan``."""
        c = self.cluster
        prow = rows[pos].astype(np.intp, copy=False)
        ev = self._evaluator(profile)
        classes = self._plan_classes(ev, plan, pos) if whole else None
        res, ev = self._run(profile, None, prow, dry_run=False, explain=False, classes=classes, order=order)
        absent = c.nodes.n - len(order) if order is not None else 0
        self.start_index = int(res["start_index"])
        self.rng_state = int(res["rng_state"])
        self.last_batch_dense = bool(res["dense"])
        chosen = res["chosen"]
        placed = chosen >= 0
        every = bool(placed.all())
        if every or placed.any():
            # Every pod placed (the usual batch): the arrays as they are, no masked copies.
            sel = slice(None) if every else placed
            gpu_devices = res["gpu_devices"][sel] if self._gpu_config_used(profile) else None
            bound_rows = prow[sel]
            # Rows the binding must visit one by one: host ports, GPU requests.
            special = c.pods._gpu_request[_row_selector(bound_rows)] != 0
            if plan.ported.any():
                special |= plan.ported[plan.group[pos][sel]]
            c._bind_rows(bound_rows, chosen[sel].astype(np.int32, copy=False), node_columns_done=True,
                         gpu_devices=gpu_devices, special=bound_rows[special])
            c.version += 1
        node[pos] = chosen
        failed = np.flatnonzero(~placed)
        if len(failed):
            at, failures = (failed if isinstance(pos, slice) else pos[failed]).tolist(), res["failures"]
            now = (c.nodes.n, len(ev.reasons), len(c.resources))
            # The closure holds the append-only name lists, not ``self`` or ``ev``: a result kept
            # after its cluster is dropped must not keep the whole cluster alive.
            reasons, names = ev.reasons, c.resources.values
            messages.defer(lambda: zip(at, _failure_messages(reasons, names, failures, absent, failed, now)))

    def _pod_info(self, pod: Any) -> PodInfo:
        c = self.cluster
        if isinstance(pod, str):
            return c.pods.infos[c._pod_row(c._key(pod))]
        if isinstance(pod, PodInfo):
            return pod
        return parse_pod(pod)


def _lacks(profile: Profile, plugin: str) -> bool:
    """The profile has ``plugin`` and kschedule does not implement it yet."""
    return plugin in profile.plugins and plugin in profile.unimplemented


def _missing_effects(profile: Profile) -> tuple:
    """(PodTopologySpread scores upstream and is not implemented, DefaultPreemption likewise) for a profile."""
    return (_lacks(profile, "PodTopologySpread") and "PodTopologySpread" in dict(profile.scores),
            _lacks(profile, "DefaultPreemption"))


def _fit_reason_text(resource_names: list, reason_base: int, rid: int, num_resources: Optional[int] = None) -> str:
    k = rid - reason_base
    if k == (len(resource_names) if num_resources is None else num_resources) + 1:
        return gpu_share.REASON
    if k == 0:
        return "Too many pods"
    return f"Insufficient {resource_names[k - 1]}"


def _message_text(reasons: list, resource_names: list, failures: Iterable, absent: int, at: tuple) -> str:
    """The FailedScheduling text of failure records (reason id, node count), with ``at`` (node count,
    the evaluator's reason count after which the Fit reasons are numbered, resource count) as they
    were when the batch ran. ``reasons``: the evaluator's (plugin, code, reason) list; both lists
    only grow, so the ids below ``at`` read the same later."""
    num_nodes, base, num_resources = at
    if num_nodes == 0:
        return messages.NO_NODES_AVAILABLE
    hist: dict = {}
    for rid, cnt in failures:
        reason = reasons[rid][2] if rid < base else _fit_reason_text(resource_names, base, rid, num_resources)
        hist[reason] = hist.get(reason, 0) + cnt
    if absent:
        hist[ABSENT_REASON] = hist.get(ABSENT_REASON, 0) + absent
    return messages.message_from_counts(num_nodes, hist)


def _failure_messages(reasons: list, resource_names: list, failures: np.ndarray, absent: int,
                      failed: np.ndarray, at: tuple) -> list:
    """The FailedScheduling text of each pod at batch positions ``failed``, from the kernel's failure
    records (batch position, reason id, node count) and ``at`` (see _message_text) when the batch ran;
    one text per distinct record list."""
    records: dict = {}
    for t, r, k in failures.reshape(-1, 3).tolist():
        records.setdefault(t, []).append((r, k))
    texts: dict = {}
    out = []
    for t in failed.tolist():
        rec = tuple(records.get(t, ()))
        msg = texts.get(rec)
        if msg is None:
            msg = texts[rec] = _message_text(reasons, resource_names, rec, absent, at)
        out.append(msg)
    return out


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


def _row_selector(rows: np.ndarray):
    """``rows`` as an index for columns: a slice when they are consecutive (pods added together and
    scheduled in that order), which selects without copying."""
    n = len(rows)
    if n and rows[-1] - rows[0] == n - 1 and (n < 3 or _core.ascending_by_one(np.ascontiguousarray(rows, np.int64))):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _rows_view(table: np.ndarray, cols) -> np.ndarray:
    """The columns ``cols`` (a slice or an index array, see _row_selector) of a (rows, pods) table,
    each row contiguous."""
    if isinstance(cols, slice):
        return table[:, cols]
    return np.take(table, cols, axis=1)  # C order


def _factorize(values: np.ndarray, bound: int) -> tuple:
    """np.unique(values, return_index=True, return_inverse=True) for ints in [0, bound), in linear
    time (csrc/equiv_groups.cpp, two passes instead of a sort)."""
    return _core.factorize(np.ascontiguousarray(values, np.int64), bound)


def _as_pending(pi: PodInfo) -> PodInfo:
    import copy
    q = copy.copy(pi)
    q.node_name = ""
    if q.priority is None:
        q.priority = 0
    return q

