"""Two baselines for the C++ engine, with the same default-profile semantics (benchmarks only).

* :class:`PythonScheduler` -- a pure-Python ``scheduleOne`` loop over the reference plugin modules
  of ``kschedule/plugins/`` (one pod, one node at a time): PreFilter -> Filter over a rotating window
  in node-tree order until ``numFeasibleNodesToFind`` feasible nodes (``kschedule._core.
  num_feasible_nodes_to_find``) -> a single feasible node taken without scoring -> PreScore -> Score
  -> NormalizeScore -> weights -> selectHost (highest total, one draw among the tied maxima from a
  splitmix64 generator, the one of ``csrc/rng.hpp``) -> bind (the node's state is updated before the
  next pod).
* :class:`NumpyScheduler` -- the same loop with every step vectorised over nodes for one pod at a time
  (numpy, int64 / float64 exactly as the reference formulas): NodeUnschedulable, NodeName,
  TaintToleration, NodeAffinity (interned label columns, all six operators and matchFields),
  NodeResourcesFit filter + LeastAllocated/MostAllocated score, BalancedAllocation, ImageLocality.
  Results that depend only on the pod's static shape (taints, affinity, images) are cached per shape,
  as any sensible implementation (and the engine) does; resource filters and scores are recomputed
  per pod. Node sampling is vectorised too: the Fit filter runs on a window of the rotated node order
  (``2 * numFeasibleNodesToFind`` nodes, extended to all nodes when too few fit), a cumulative sum
  finds the cut, and the tie-break is one draw among the tied maxima.

Both take Kubernetes dicts (nodes, and pods bound with ``spec.nodeName``), parse them with the
package parsers, and ``schedule(pods)`` (pending Pod dicts, or ``PodInfo`` already parsed) returns
the chosen node name (or None) per pod in input order, processing pods in PrioritySort order
(priority desc, then arrival).
Same seed and input => the same placements as ``kschedule.Scheduler`` (``bench/compare.py`` checks).

Scope: the node-local plugins of the default profile. Upstream plugins the engine does not implement
either (volumes, PodTopologySpread, InterPodAffinity, DRA) are ignored as the engine ignores them;
NodePorts is exact in :class:`PythonScheduler` and not vectorised in :class:`NumpyScheduler` (a pod
with host ports raises); a NodeAffinity PreFilterResult restricting node names (``matchFields``
``metadata.name In``) raises ``NotImplementedError`` in both (the synthetic workloads never use it).
RequestedToCapacityRatio is not implemented in the numpy version.

:class:`EngineScheduler` wraps ``kschedule.Scheduler`` behind the same interface, and
:data:`IMPLEMENTATIONS` names the three for ``bench_schedule.py`` and ``compare.py``.
"""
from __future__ import annotations

from typing import Iterable, Optional, Sequence

import numpy as np

from kschedule.framework.reference import SplitMix64 as _RefSplitMix64
from kschedule.framework.reference import select_host

from kschedule import _core
from kschedule.cluster import zone_key
from kschedule.config.defaults import new_default_args
from kschedule.config.types import LEAST_ALLOCATED, MOST_ALLOCATED
from kschedule.framework.profile import Profile
from kschedule.objects.node import parse_node
from kschedule.objects.pod import PodInfo, parse_pod
from kschedule.objects.selectors import OBJECT_NAME_FIELD, parse_go_int64
from kschedule.objects.taints import tolerations_tolerate_taint
from kschedule.plugins import (balanced_allocation, image_locality, node_affinity, node_name, node_ports,
                               node_unschedulable, noderesources_fit, taint_toleration)
from kschedule.plugins import resource_allocation as ra
from kschedule.plugins.base import NodeState

FIT = noderesources_fit.NAME
BALANCED = balanced_allocation.NAME
MODULES = {m.NAME: m for m in (node_unschedulable, node_name, taint_toleration, node_affinity, node_ports,
                               noderesources_fit, balanced_allocation, image_locality)}
NORMALIZED = (taint_toleration.NAME, node_affinity.NAME)


SplitMix64 = _RefSplitMix64  # the core's generator (csrc/rng.hpp)


def node_tree_order(zone_keys: Sequence[str]) -> list:
    """Upstream ``nodeTree.list()``: zones in first-seen order, one node of each zone in turn."""
    zones: dict = {}
    for i, z in enumerate(zone_keys):
        zones.setdefault(z, []).append(i)
    out, depth, lists = [], 0, list(zones.values())
    while len(out) < len(zone_keys):
        for z in lists:
            if depth < len(z):
                out.append(z[depth])
        depth += 1
    return out


def _percentage(profile: Profile, override: Optional[int]) -> int:
    return int(override if override is not None else (profile.percentage_of_nodes_to_score or 0))


def _args(profile: Profile, name: str):
    a = profile.args(name)
    return a if a is not None else new_default_args(name)


def _priority_order(infos: list) -> list:
    return sorted(range(len(infos)), key=lambda j: -(infos[j].priority or 0))


# ================================================================================= pure Python

class PythonScheduler:
    """The reference plugins in a plain ``scheduleOne`` loop (see the module docstring)."""

    def __init__(self, nodes: Iterable[dict], pods: Iterable[dict] = (), profile: Optional[Profile] = None,
                 seed: int = 0, percentage_of_nodes_to_score: Optional[int] = None):
        self.profile = profile or Profile.default()
        infos = [parse_node(o) for o in nodes]
        bound: dict = {ni.name: [] for ni in infos}
        for o in pods:
            pi = parse_pod(o)
            if pi.node_name and not pi.terminated:
                bound[pi.node_name].append(pi)
        self.nodes = [NodeState.from_infos(ni, bound[ni.name]) for ni in infos]
        self.order = node_tree_order([zone_key(ni.labels) for ni in infos])
        self.rng = SplitMix64(seed)
        self.start = 0
        self.num_to_find = _core.num_feasible_nodes_to_find(len(self.nodes), _percentage(self.profile,
                                                                                          percentage_of_nodes_to_score))
        p = self.profile
        self.filters = [(n, MODULES[n], _args(p, n) if n in (FIT, node_affinity.NAME) else p.args(n))
                        for n in p.filters if n in MODULES]
        self.scores = [(n, w, MODULES[n], p.args(n) if p.args(n) is not None else
                        (new_default_args(n) if n in (FIT, BALANCED) else None))
                       for n, w in p.scores if n in MODULES]
        # ImageLocality reads the snapshot's image states (name -> size, number of nodes), which the
        # upstream scheduler cache keeps up to date; computing them once is what upstream does.
        self.image_states: dict = {}
        for ns in self.nodes:
            for name, size in ns.images.items():
                s = self.image_states.get(name)
                self.image_states[name] = (size, 1) if s is None else (s[0], s[1] + 1)

    # ------------------------------------------------------------------ plugins
    def _image_score(self, pod, node: NodeState) -> int:
        total = len(self.nodes)
        s = 0
        for image in pod.images:
            name = image_locality.normalized_image_name(image)
            if name in node.images:
                size, num = self.image_states[name]
                s += image_locality.scaled_image_score(size, num, total)
        return image_locality.calculate_priority(s, pod.num_containers)

    def _pre_filter(self, pod):
        """(skipped plugin names, failed?)"""
        skipped = set()
        for name, mod, args in self.filters:
            if name == node_affinity.NAME:
                st, names = node_affinity.pre_filter_result(pod, args)
                if names is not None:
                    raise NotImplementedError("NodeAffinity PreFilterResult (matchFields metadata.name)")
            elif hasattr(mod, "pre_filter"):
                st = mod.pre_filter(pod, self.nodes, args)
            else:
                continue
            if st is None:
                continue
            if st.code == "Skip":
                skipped.add(name)
            else:
                return skipped, True
        return skipped, False

    def _feasible(self, pod, node: NodeState, skipped: set) -> bool:
        for name, mod, args in self.filters:
            if name in skipped:
                continue
            if not mod.filter(pod, node, args).is_success:
                return False
        return True

    def _totals(self, pod, feasible: list) -> list:
        nodes = [self.nodes[i] for i in feasible]
        totals = [0] * len(nodes)
        for name, weight, mod, args in self.scores:
            if name == FIT:
                strategy = args.scoring_strategy
                names = [r.name for r in strategy.resources]
                reqs = noderesources_fit.score_requests(pod, args)  # PreScore state
                scorer = noderesources_fit.scorer_for(strategy)
                raw = [ra.resource_allocation_score(n, names, reqs, scorer, False, FIT)[0] for n in nodes]
            elif name == BALANCED:
                if balanced_allocation.pre_score(pod, nodes, args) is not None:
                    continue  # Skip: best-effort pod
                names = balanced_allocation.resource_names(args)
                reqs = balanced_allocation.score_requests(pod, args)
                raw = [balanced_allocation.balanced_score(reqs, n, names) for n in nodes]
            elif name == image_locality.NAME:
                raw = [self._image_score(pod, n) for n in nodes]
            else:
                st = mod.pre_score(pod, nodes, args)
                if st is not None:
                    if st.code == "Skip":
                        continue
                    raise RuntimeError(f"{name} PreScore: {st}")
                raw = [mod.score(pod, n, nodes, args) for n in nodes]
            if name in NORMALIZED:
                raw = mod.normalize_score(raw, args)
            for i, v in enumerate(raw):
                totals[i] += v * weight
        return totals

    def _select(self, feasible: list, totals: list) -> int:
        return feasible[select_host(totals, self.rng)]

    # ------------------------------------------------------------------ loop
    def schedule_one(self, pod) -> Optional[int]:
        n = len(self.nodes)
        skipped, failed = self._pre_filter(pod)
        if failed or n == 0:
            return None
        feasible: list = []
        processed = 0
        to_find = max(self.num_to_find, 1)
        for k in range(n):
            i = self.order[(self.start + k) % n]
            processed += 1
            if self._feasible(pod, self.nodes[i], skipped):
                feasible.append(i)
                if len(feasible) >= to_find:
                    break
        self.start = (self.start + processed) % n
        if not feasible:
            return None
        if len(feasible) == 1:
            host = feasible[0]
        else:
            host = self._select(feasible, self._totals(pod, feasible))
        self._bind(pod, self.nodes[host])
        return host

    @staticmethod
    def _bind(pod, node: NodeState) -> None:
        req = node.requested
        for r, v in pod.requests.items():
            req[r] = req.get(r, 0) + v
        node.nonzero_requested = (node.nonzero_requested[0] + pod.nonzero[0],
                                  node.nonzero_requested[1] + pod.nonzero[1])
        node.pod_count += 1
        if pod.host_ports:
            node.used_ports.update(pod.host_ports)

    def schedule(self, pods: Iterable[dict]) -> list:
        infos = [p if isinstance(p, PodInfo) else parse_pod(p) for p in pods]
        out: list = [None] * len(infos)
        for j in _priority_order(infos):
            host = self.schedule_one(infos[j])
            out[j] = self.nodes[host].name if host is not None else None
        return out


# ================================================================================= numpy

class _Shape:
    """Per static shape: node mask of the static filters and raw static scores."""

    __slots__ = ("ok", "taint_raw", "affinity_raw", "image")

    def __init__(self, ok, taint_raw, affinity_raw, image):
        self.ok, self.taint_raw, self.affinity_raw, self.image = ok, taint_raw, affinity_raw, image


class NumpyScheduler:
    """The default-profile node-local plugins vectorised over nodes, one pod at a time."""

    def __init__(self, nodes: Iterable[dict], pods: Iterable[dict] = (), profile: Optional[Profile] = None,
                 seed: int = 0, percentage_of_nodes_to_score: Optional[int] = None):
        self.profile = p = profile or Profile.default()
        infos = [parse_node(o) for o in nodes]
        n = self.n = len(infos)
        self.names = np.array([ni.name for ni in infos], dtype=object)
        self.resources = ["cpu", "memory", "ephemeral-storage", "pods"]
        self.rows = {r: i for i, r in enumerate(self.resources)}
        for ni in infos:
            for r in ni.allocatable:
                self._row(r)
        R = len(self.resources)
        self.alloc = np.zeros((R, n), np.int64)
        for i, ni in enumerate(infos):
            for r, v in ni.allocatable.items():
                self.alloc[self.rows[r], i] = v
        self.req = np.zeros((R, n), np.int64)
        self.nz = np.zeros((2, n), np.int64)
        index = {ni.name: i for i, ni in enumerate(infos)}
        for o in pods:
            pi = parse_pod(o)
            if pi.node_name and not pi.terminated:
                self._bind(pi, self._pod_vector(pi), index[pi.node_name])
        self.unschedulable = np.array([ni.unschedulable for ni in infos], bool)
        # Labels: per key an int32 code column (-1 = absent) and the key's value -> code map.
        self.label_codes: dict = {}
        self.label_values: dict = {}
        for i, ni in enumerate(infos):
            for k, v in ni.labels.items():
                col = self.label_codes.get(k)
                if col is None:
                    col = self.label_codes[k] = np.full(n, -1, np.int32)
                    self.label_values[k] = {}
                vals = self.label_values[k]
                col[i] = vals.setdefault(v, len(vals))
        self._label_ints: dict = {}
        # Taints: distinct taints and an (n, T) id matrix padded with -1.
        self.taints: list = []
        tid: dict = {}
        width = max((len(ni.taints) for ni in infos), default=0)
        self.taint_ids = np.full((n, max(width, 1)), -1, np.int32)
        for i, ni in enumerate(infos):
            for j, t in enumerate(ni.taints):
                if t not in tid:
                    tid[t] = len(self.taints)
                    self.taints.append(t)
                self.taint_ids[i, j] = tid[t]
        # Images: name -> (node rows, sizes) as each node reports them.
        img: dict = {}
        for i, ni in enumerate(infos):
            for im in ni.images:
                for name in im.names:
                    img.setdefault(name, ([], []))
                    img[name][0].append(i)
                    img[name][1].append(im.size_bytes)
        self.images = {k: (np.array(r, np.intp), np.array(s, np.int64)) for k, (r, s) in img.items()}
        order = np.array(node_tree_order([zone_key(ni.labels) for ni in infos]), np.intp)
        self.order2 = np.concatenate([order, order])
        self.start = 0
        self.rng = SplitMix64(seed)
        self.num_to_find = max(_core.num_feasible_nodes_to_find(n, _percentage(p, percentage_of_nodes_to_score)), 1)
        self.weights = dict(p.scores)
        self.filters = set(p.filters)
        self.fit_args = _args(p, FIT)
        self.balanced_args = _args(p, BALANCED)
        self.affinity_args = p.args(node_affinity.NAME)
        strat = self.fit_args.scoring_strategy
        if strat.type not in (LEAST_ALLOCATED, MOST_ALLOCATED):
            raise NotImplementedError(f"NumpyScheduler: scoring strategy {strat.type}")
        self.fit_resources = [(r.name, int(r.weight)) for r in strat.resources]
        self.balanced_resources = balanced_allocation.resource_names(self.balanced_args)
        self.ignored = frozenset(getattr(self.fit_args, "ignored_resources", None) or ())
        self.ignored_groups = frozenset(getattr(self.fit_args, "ignored_resource_groups", None) or ())
        self.shapes: dict = {}

    # ------------------------------------------------------------------ state
    def _row(self, name: str) -> int:
        r = self.rows.get(name)
        if r is None:
            r = self.rows[name] = len(self.resources)
            self.resources.append(name)
            for attr in ("alloc", "req"):
                a = getattr(self, attr, None)
                if a is not None:
                    setattr(self, attr, np.vstack([a, np.zeros((1, a.shape[1]), np.int64)]))
        return r

    def _pod_vector(self, pi) -> np.ndarray:
        for r in pi.requests:
            self._row(r)
        v = np.zeros(len(self.resources), np.int64)
        for r, q in pi.requests.items():
            v[self.rows[r]] = q
        return v

    def _bind(self, pi, vec: np.ndarray, i: int) -> None:
        self.req[:, i] += vec
        self.req[3, i] += 1
        self.nz[0, i] += pi.nonzero[0]
        self.nz[1, i] += pi.nonzero[1]

    # ------------------------------------------------------------------ static shapes
    def _codes(self, key: str) -> np.ndarray:
        c = self.label_codes.get(key)
        return c if c is not None else np.full(self.n, -1, np.int32)

    def _requirement(self, r) -> np.ndarray:
        codes = self._codes(r.key)
        op = r.operator
        if op in ("In", "NotIn"):
            vals = self.label_values.get(r.key, {})
            ids = [vals[v] for v in r.values if v in vals]
            m = np.isin(codes, ids) if ids else np.zeros(self.n, bool)
            return m if op == "In" else ~m
        if op == "Exists":
            return codes >= 0
        if op == "DoesNotExist":
            return codes < 0
        if op in ("Gt", "Lt"):
            bound = parse_go_int64(r.values[0]) if len(r.values) == 1 else None
            if bound is None:
                return np.zeros(self.n, bool)
            ints = self._label_ints.get(r.key)
            if ints is None:
                parsed = [parse_go_int64(v) for v in self.label_values.get(r.key, {})]
                ok = np.array([x is not None for x in parsed] + [False], bool)
                num = np.array([x if x is not None else 0 for x in parsed] + [0], np.int64)
                ints = self._label_ints[r.key] = (ok, num)
            ok, num = ints
            valid = ok[codes]  # code -1 reads the trailing False slot
            return valid & (num[codes] > bound if op == "Gt" else num[codes] < bound)
        return np.zeros(self.n, bool)

    def _field(self, r) -> np.ndarray:
        if len(r.values) != 1 or r.operator not in ("In", "NotIn"):
            return np.zeros(self.n, bool)
        if r.key == OBJECT_NAME_FIELD:
            eq = self.names == r.values[0]
        else:
            eq = np.full(self.n, r.values[0] == "", bool)
        return eq if r.operator == "In" else ~eq

    def _term(self, t) -> np.ndarray:
        if t.parse_errors or (not t.match_expressions and not t.match_fields):
            return np.zeros(self.n, bool)
        m = np.ones(self.n, bool)
        for r in t.match_expressions:
            m &= self._requirement(r)
        for r in t.match_fields:
            m &= self._field(r)
        return m

    def _selector(self, sel) -> np.ndarray:
        m = np.zeros(self.n, bool)
        for t in sel.terms:
            m |= self._term(t)
        return m

    def _shape(self, pi) -> _Shape:
        key = (pi.node_name, pi.tolerations, pi.required_affinity, pi.preferred_terms, pi.images,
               pi.num_containers)
        s = self.shapes.get(key)
        if s is None:
            s = self.shapes[key] = self._evaluate_shape(pi)
        return s

    def _evaluate_shape(self, pi) -> _Shape:
        n = self.n
        ok = np.ones(n, bool)
        f = self.filters
        if "NodeUnschedulable" in f and not node_unschedulable.tolerates_unschedulable(pi):
            ok &= ~self.unschedulable
        if "NodeName" in f and pi.node_name:
            ok &= self.names == pi.node_name
        T = len(self.taints)
        if "TaintToleration" in f and T:
            bad = np.zeros(T + 1, bool)  # last slot: the -1 padding
            for k, t in enumerate(self.taints):
                bad[k] = t.effect in ("NoSchedule", "NoExecute") and not tolerations_tolerate_taint(pi.tolerations, t)
            ok &= ~bad[self.taint_ids].any(axis=1)
        if "NodeAffinity" in f:
            st, names = node_affinity.pre_filter_result(pi, self.affinity_args)
            if names is not None:
                raise NotImplementedError("NodeAffinity PreFilterResult (matchFields metadata.name)")
            if st is not None and st.code != "Skip":
                ok[:] = False
            elif st is None:
                added, _ = node_affinity.added_affinity(self.affinity_args)
                if added is not None:
                    ok &= self._selector(added)
                ra_ = pi.required_affinity
                if ra_ is not None:
                    for k, v in ra_.node_selector_labels:
                        vid = self.label_values.get(k, {}).get(v, -2)
                        ok &= self._codes(k) == vid
                    if ra_.node_selector is not None:
                        ok &= self._selector(ra_.node_selector)
        if "NodePorts" in f and pi.host_ports:
            raise NotImplementedError("NumpyScheduler: NodePorts")
        w = self.weights
        taint_raw = affinity_raw = image = None
        if "TaintToleration" in w:
            tols = taint_toleration.prefer_no_schedule_tolerations(pi.tolerations)
            cnt = np.zeros(T + 1, np.int64)
            for k, t in enumerate(self.taints):
                cnt[k] = t.effect == "PreferNoSchedule" and not tolerations_tolerate_taint(tols, t)
            taint_raw = cnt[self.taint_ids].sum(axis=1) if T else np.zeros(n, np.int64)
        if "NodeAffinity" in w:
            st = node_affinity.pre_score(pi, [], self.affinity_args)
            if st is None:
                _, added_pref = node_affinity.added_affinity(self.affinity_args)
                affinity_raw = np.zeros(n, np.int64)
                for t in tuple(added_pref or ()) + tuple(pi.preferred_terms):
                    affinity_raw += np.where(self._term(t.term), t.weight, 0)
            elif st.code != "Skip":
                raise RuntimeError(f"NodeAffinity PreScore: {st}")
        if image_locality.NAME in w:
            sums = np.zeros(n, np.int64)
            for img in pi.images:
                hit = self.images.get(image_locality.normalized_image_name(img))
                if hit is None:
                    continue
                rows, sizes = hit
                spread = float(len(rows)) / float(n)
                sums[rows] += (sizes.astype(np.float64) * spread).astype(np.int64)
            max_t = image_locality.MAX_CONTAINER_THRESHOLD * pi.num_containers
            lo = image_locality.MIN_THRESHOLD
            clamped = np.minimum(np.maximum(sums, lo), max_t)
            image = 100 * (clamped - lo) // (max_t - lo)
        return _Shape(ok, taint_raw, affinity_raw, image)

    # ------------------------------------------------------------------ dynamic kernels
    def _fit(self, vec: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        alloc, req = self.alloc[:, nodes], self.req[:, nodes]
        ok = req[3] + 1 <= alloc[3]
        for r in np.nonzero(vec)[0]:
            if r == 3:
                continue
            name = self.resources[r]
            if r > 3 and ((not ra.is_scalar_resource_name(name))
                          or (ra.is_extended_resource_name(name)
                              and (name in self.ignored or name.split("/")[0] in self.ignored_groups))):
                continue
            ok &= vec[r] <= alloc[r] - req[r]
        return ok

    def _alloc_request(self, name: str, pod_req: int, nodes: np.ndarray, nonzero: bool):
        """calculateResourceAllocatableRequest over ``nodes``: (alloc, requested incl. the pod) or None."""
        r = self.rows.get(name)
        if r is None or name == "pods" or (pod_req == 0 and ra.is_scalar_resource_name(name)):
            return None
        if r > 3 and not ra.is_scalar_resource_name(name):
            return None
        if nonzero and r < 2:
            used = self.nz[r, nodes]
        else:
            used = self.req[r, nodes]
        return self.alloc[r, nodes], used + pod_req

    def _fit_score(self, pi, nodes: np.ndarray) -> np.ndarray:
        reqs = noderesources_fit.score_requests(pi, self.fit_args)
        most = self.fit_args.scoring_strategy.type == MOST_ALLOCATED
        num = np.zeros(len(nodes), np.int64)
        wsum = np.zeros(len(nodes), np.int64)
        for (name, w), q in zip(self.fit_resources, reqs):
            ar = self._alloc_request(name, q, nodes, True)
            if ar is None:
                continue
            alloc, req = ar
            has = alloc > 0
            safe = np.where(has, alloc, 1)
            if most:
                s = np.minimum(req, alloc) * 100 // safe
            else:
                s = np.where(req > alloc, 0, (alloc - req) * 100 // safe)
            num += np.where(has, s * w, 0)
            wsum += np.where(has, w, 0)
        return np.where(wsum > 0, num // np.where(wsum > 0, wsum, 1), 0)

    def _balanced_score(self, pi, nodes: np.ndarray) -> Optional[np.ndarray]:
        reqs = balanced_allocation.score_requests(pi, self.balanced_args)
        if ra.is_best_effort(reqs):
            return None  # PreScore Skip
        F = len(nodes)
        fr, has = [], []
        for name, q in zip(self.balanced_resources, reqs):
            ar = self._alloc_request(name, q, nodes, False)
            if ar is None:
                continue
            alloc, req = ar
            h = alloc > 0
            f = np.minimum(req.astype(np.float64) / np.where(h, alloc, 1).astype(np.float64), 1.0)
            fr.append(np.where(h, f, 0.0))
            has.append(h)
        k = np.sum(has, axis=0) if has else np.zeros(F, np.int64)
        std = np.zeros(F)
        if fr:
            # Compact each node's fractions to the front (nodes with alloc 0 leave a resource out).
            packed = np.zeros((len(fr), F))
            pos = np.zeros(F, np.intp)
            for f, h in zip(fr, has):
                packed[pos[h], np.nonzero(h)[0]] = f[h]
                pos += h
            two = k == 2
            std[two] = np.abs((packed[0, two] - packed[1, two]) / 2)
            many = k > 2
            if many.any():
                kk = k[many].astype(np.float64)
                total = np.zeros(int(many.sum()))
                for i in range(len(fr)):
                    total = total + np.where(i < k[many], packed[i, many], 0.0)
                mean = total / kk
                acc = np.zeros_like(mean)
                for i in range(len(fr)):
                    d = packed[i, many] - mean
                    acc = np.where(i < k[many], acc + d * d, acc)
                std[many] = np.sqrt(acc / kk)
        return ((1 - std) * 100.0).astype(np.int64)

    def _select(self, feasible: np.ndarray, totals: np.ndarray) -> int:
        """selectHost: one draw among the tied maxima (kschedule.framework.reference.select_host)."""
        ties = np.flatnonzero(totals == totals.max())
        if len(ties) == 1:
            return int(feasible[ties[0]])
        return int(feasible[ties[self.rng.below(len(ties))]])

    # ------------------------------------------------------------------ loop
    def schedule_one(self, pi) -> Optional[int]:
        n = self.n
        if n == 0:
            return None
        shape = self._shape(pi)
        vec = self._pod_vector(pi)
        to_find = self.num_to_find
        width = min(n, 2 * to_find)
        window = self.order2[self.start:self.start + width]
        ok = shape.ok[window] & self._fit(vec, window)
        if int(ok.sum()) < to_find and width < n:
            rest = self.order2[self.start + width:self.start + n]
            window = self.order2[self.start:self.start + n]
            ok = np.concatenate([ok, shape.ok[rest] & self._fit(vec, rest)])
        cs = np.cumsum(ok)
        if cs[-1] >= to_find:
            processed = int(np.searchsorted(cs, to_find)) + 1
        else:
            processed = n
        self.start = (self.start + processed) % n
        feasible = window[:processed][ok[:processed]]
        F = len(feasible)
        if F == 0:
            return None
        if F == 1:
            host = int(feasible[0])
        else:
            w = self.weights
            totals = np.zeros(F, np.int64)
            if shape.taint_raw is not None:
                raw = shape.taint_raw[feasible]
                mx = int(raw.max())
                s = np.full(F, 100, np.int64) if mx == 0 else 100 - 100 * raw // mx
                totals += s * w[taint_toleration.NAME]
            if shape.affinity_raw is not None:
                raw = shape.affinity_raw[feasible]
                mx = int(raw.max())
                if mx:
                    totals += (100 * raw // mx) * w[node_affinity.NAME]
            if FIT in w:
                totals += self._fit_score(pi, feasible) * w[FIT]
            if BALANCED in w:
                b = self._balanced_score(pi, feasible)
                if b is not None:
                    totals += b * w[BALANCED]
            if shape.image is not None:
                totals += shape.image[feasible] * w[image_locality.NAME]
            host = self._select(feasible, totals)
        self._bind(pi, vec, host)
        return host

    def schedule(self, pods: Iterable[dict]) -> list:
        infos = [p if isinstance(p, PodInfo) else parse_pod(p) for p in pods]
        out: list = [None] * len(infos)
        for j in _priority_order(infos):
            host = self.schedule_one(infos[j])
            out[j] = str(self.names[host]) if host is not None else None
        return out


# ================================================================================= engine wrapper

class EngineScheduler:
    """``kschedule.Scheduler`` behind the same interface: the cluster is built in ``__init__``;
    ``schedule`` creates the Scheduler (cheap), schedules the dicts (parsing included) and reads the
    node names in bulk (``PlacementList.nodes``, no Placement object per pod)."""

    def __init__(self, nodes: Iterable[dict], pods: Iterable[dict] = (), profile: Optional[Profile] = None,
                 seed: int = 0, percentage_of_nodes_to_score: Optional[int] = None):
        from kschedule.cluster import Cluster
        self.cluster = Cluster.from_objects(nodes, pods)
        self.profile, self.seed, self.percentage = profile, seed, percentage_of_nodes_to_score

    def schedule(self, pods: Iterable) -> list:
        from kschedule.scheduler import Scheduler
        s = Scheduler(self.cluster, self.profile, seed=self.seed, percentage_of_nodes_to_score=self.percentage)
        out = s.schedule(pods).nodes
        self.kernel_seconds = s.last_kernel_seconds  # of this call: time inside the C++ batch kernel
        return out


#: name -> class; every class takes (nodes, bound pods, profile=None, seed=0, percentage=None)
#: and has ``schedule(pod dicts) -> [node name or None]``.
IMPLEMENTATIONS = {"engine": EngineScheduler, "numpy": NumpyScheduler, "python": PythonScheduler}

__all__ = ["PythonScheduler", "NumpyScheduler", "EngineScheduler", "IMPLEMENTATIONS", "SplitMix64",
           "node_tree_order"]
