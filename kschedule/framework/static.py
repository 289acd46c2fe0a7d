"""Per-class evaluation of the node-local plugins whose results do not change when pods are bound.

NodeUnschedulable, NodeName, TaintToleration, NodeAffinity (filters) and TaintToleration,
NodeAffinity, ImageLocality (raw scores) depend only on the pod's spec and the nodes' labels, taints,
names and images. They are evaluated once per *static class* (pods with the same tolerations,
affinity, nodeName and images share one) over all nodes with numpy, and handed to the C++ batch
kernel, which adds the resource-dependent plugins (NodeResourcesFit, BalancedAllocation). NodePorts
and research plugins depend on bound pods too; pods using them are evaluated alone (a class of one,
computed right before the pod's turn), so they stay exact.

Formulas and upstream files: see the reference modules in ``kschedule/plugins/``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..errors import PluginError
from ..objects.taints import Taint, tolerations_tolerate_taint
from ..plugins import gpu_share

UNSCHEDULABLE_TAINT = Taint("node.kubernetes.io/unschedulable", "", "NoSchedule")
MB = 1024 * 1024
IMAGE_MIN_THRESHOLD = 23 * MB
IMAGE_MAX_CONTAINER_THRESHOLD = 1000 * MB

NORMALIZE = {"TaintToleration": 2, "NodeAffinity": 1}
# Evaluated in the C++ kernel per pod (they depend on what is bound), not per static class.
DYNAMIC = ("NodeResourcesFit", "NodeResourcesBalancedAllocation") + tuple(gpu_share.SCORES)
UNRESOLVABLE = "UnschedulableAndUnresolvable"
UNSCHEDULABLE = "Unschedulable"


def normalized_image_name(name: str) -> str:
    """imagelocality.normalizedImageName: add ":latest" when the image has no tag."""
    if name.rfind(":") <= name.rfind("/"):
        return name + ":latest"
    return name


@dataclass
class StaticClass:
    pre: np.ndarray  # int32 (n,) reason id of the first failing static filter ordered before Fit, -1
    post: np.ndarray  # int32 (n,) same for filters after Fit
    # Per static score plugin (K): its int64 (n,) raw scores, or None when it does not score the pod
    # (skipped at PreScore, or not implemented). Rows, not a (K, n) array: a batch stacks the classes
    # into one (S, K, n) array anyway, and most plugins of the default profile have no row.
    scores: tuple
    active: np.ndarray  # uint8 (K,): 1 where ``scores`` has a row


def _error_text(e: Exception) -> str:
    """An exception as a status message: its text, or its type when it has none."""
    return str(e) or type(e).__name__


class StaticEvaluator:
    """Evaluates static classes for one profile over the current nodes of a cluster."""

    def __init__(self, cluster, profile):
        self.cluster = cluster
        self.profile = profile
        self.node_version = cluster.node_version
        self.reasons: list = []  # (plugin, code, reason)
        self._reason_ids: dict = {}
        self.score_plugins = [(n, w) for n, w in profile.scores if n not in DYNAMIC]
        self.cache: dict = {}
        self._id_cache: dict = {}  # (node name, ids of the class-key objects, containers) -> objects + class
        self._req_cache: dict = {}  # Requirement -> node mask (valid for this node set)
        # Per-taint verdict bytes -> per-node result (valid for this node set): classes that differ in
        # images or affinity mostly tolerate the same taints.
        self._taint_cache: dict = {}
        # (0 filter | 1 score, tolerations) -> TaintToleration's result: classes that differ in
        # images or affinity mostly carry equal tolerations (the admission defaults at least).
        self._toleration_cache: dict = {}
        self._image_rows: dict = {}  # image id -> (node rows holding it, scaled size), for this node set
        self._unschedulable = None  # NodeUnschedulable's reason per node, for this node set
        self._no_reason = None  # read-only all -1 (n,): pre/post of a class no static filter rejects
        self._node_ports = "NodePorts" in profile.filters
        self._has_python_plugins = any(profile.python_plugin(n) for n in profile.plugins)

    def reason_id(self, plugin: str, code: str, reason: str) -> int:
        key = (plugin, code, reason)
        i = self._reason_ids.get(key)
        if i is None:
            i = len(self.reasons)
            self._reason_ids[key] = i
            self.reasons.append(key)
        return i

    @staticmethod
    def class_key(pod) -> tuple:
        return (pod.node_name, pod.tolerations, pod.required_affinity, pod.preferred_terms, pod.images,
                pod.num_containers)

    def needs_singleton(self, pod) -> bool:
        """Pods whose static results depend on bound pods are evaluated alone, right before their turn."""
        return self._has_python_plugins or bool(pod.host_ports and self._node_ports)

    def get(self, pod) -> StaticClass:
        if self.needs_singleton(pod):
            return self.evaluate(pod)
        key = self.class_key(pod)
        sc = self.cache.get(key)
        if sc is None:
            sc = self.cache[key] = self.evaluate(pod)
        return sc

    def classes_of(self, pods) -> tuple:
        """Static class per pod, as (int32 index per pod, list of distinct StaticClass) for a batch.

        Pods parsed from one template share their tolerations, affinity and image objects, so a key
        of object ids finds the class without hashing the nested tuples of :meth:`class_key`; a hit is
        confirmed by identity (the entry keeps the objects alive, so ids are not reused meanwhile).
        """
        by_ids = self._id_cache
        ids: dict = {}
        statics: list = []
        out = np.empty(len(pods), np.int32)
        singleton = self._has_python_plugins
        ports = self._node_ports
        for j, pod in enumerate(pods):
            if singleton or (ports and pod.host_ports):
                sc = self.evaluate(pod)
            else:
                tol, ra, pt, im = pod.tolerations, pod.required_affinity, pod.preferred_terms, pod.images
                k = (pod.node_name, id(tol), id(ra), id(pt), id(im), pod.num_containers)
                hit = by_ids.get(k)
                if hit is not None and hit[0] is tol and hit[1] is ra and hit[2] is pt and hit[3] is im:
                    sc = hit[4]
                else:
                    sc = self.get(pod)
                    by_ids[k] = (tol, ra, pt, im, sc)
            i = ids.get(id(sc))
            if i is None:
                i = ids[id(sc)] = len(statics)
                statics.append(sc)
            out[j] = i
        return out, statics

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, pod) -> StaticClass:
        c = self.cluster
        n = c.nodes.n
        # A node keeps the reason of the first filter that rejects it; filters give -1 (pass) or a
        # reason id >= 0, so copying where no reason is set yet keeps the first one. None: all -1.
        pre = post = None
        after_fit = False
        for plugin in self.profile.filters:
            if plugin == "NodeResourcesFit":
                after_fit = True
                continue
            r = self._filter(plugin, pod)
            if r is None:
                continue
            if after_fit:
                if post is None:
                    post = np.full(n, -1, np.int32)
                np.copyto(post, r, where=(post < 0) if pre is None else (post < 0) & (pre < 0))
            elif pre is None:
                pre = np.array(r, np.int32)  # a copy: r may be a cached array
            else:
                np.copyto(pre, r, where=pre < 0)
        if pre is None or post is None:
            if self._no_reason is None or len(self._no_reason) != n:
                self._no_reason = np.full(n, -1, np.int32)
                self._no_reason.flags.writeable = False
            pre = self._no_reason if pre is None else pre
            post = self._no_reason if post is None else post
        scores = tuple(self._score(plugin, pod) for plugin, _w in self.score_plugins)
        active = np.fromiter((s is not None for s in scores), np.uint8, len(scores))
        return StaticClass(pre, post, scores, active)

    def _filter(self, plugin: str, pod) -> Optional[np.ndarray]:
        c = self.cluster
        n = c.nodes.n
        if plugin == "NodeUnschedulable":
            if tolerations_tolerate_taint(pod.tolerations, UNSCHEDULABLE_TAINT):
                return None
            rid = self.reason_id(plugin, UNRESOLVABLE, "node(s) were unschedulable")
            if self._unschedulable is None:
                self._unschedulable = np.where(c.nodes.unschedulable != 0, rid, -1).astype(np.int32)
                self._unschedulable.flags.writeable = False
            return self._unschedulable
        if plugin == "NodeName":
            if not pod.node_name:
                return None
            rid = self.reason_id(plugin, UNRESOLVABLE, "node(s) didn't match the requested node name")
            out = np.full(n, rid, np.int32)
            j = c.nodes.index.get(pod.node_name)
            if j is not None:
                out[j] = -1
            return out
        if plugin == "TaintToleration":
            return self._taint_filter(pod)
        if plugin == "NodeAffinity":
            return self._affinity_filter(pod)
        if plugin == "NodePorts":
            if not pod.host_ports:
                return None
            rid = self.reason_id(plugin, UNSCHEDULABLE, "node(s) didn't have free ports for the requested pod ports")
            out = np.full(n, -1, np.int32)
            want = pod.host_ports
            for i, used in enumerate(c.nodes.used_ports):
                if used and _ports_conflict(want, used):
                    out[i] = rid
            return out
        py = self.profile.python_plugin(plugin)
        if py is not None and py.filter is not None:
            what = f'running "{plugin}" filter plugin: '
            try:
                mask = np.asarray(py.filter(pod, c.nodes), dtype=bool)
            except Exception as e:
                raise PluginError(plugin, what + _error_text(e)) from e
            if mask.shape != (n,):
                raise PluginError(plugin, what + f"filter returned shape {mask.shape}, expected ({n},)")
            rid = self.reason_id(plugin, UNSCHEDULABLE, py.reason)
            return np.where(mask, -1, rid).astype(np.int32)
        return None  # unimplemented plugins: pods needing them are reported before scheduling

    def _taint_filter(self, pod) -> Optional[np.ndarray]:
        key = (0, pod.tolerations)
        if key in self._toleration_cache:
            return self._toleration_cache[key]
        out = self._toleration_cache[key] = self._taint_filter_of(pod)
        return out

    def _taint_filter_of(self, pod) -> Optional[np.ndarray]:
        c = self.cluster
        taints = c.taints.values
        if not taints:
            return None
        tid_reason = np.full(len(taints) + 1, -1, np.int32)  # last slot: padding (-1 taint id)
        for tid, t in enumerate(taints):
            if t.effect in ("NoSchedule", "NoExecute") and not tolerations_tolerate_taint(pod.tolerations, t):
                # v1.34 patch releases (kubernetes#134740, cherry-picked in #135023) no longer
                # print the taint: "node(s) had untolerated taint(s)".
                tid_reason[tid] = self.reason_id("TaintToleration", UNRESOLVABLE, "node(s) had untolerated taint(s)")
        ids = c.nodes.taint_ids
        if ids.size == 0 or (tid_reason < 0).all():
            return None
        key = (0, tid_reason.tobytes())
        out = self._taint_cache.get(key)
        if out is None:
            per = tid_reason[ids]  # -1 ids index the padding slot
            # The reason of each node's first untolerated taint (column order), else -1.
            out = np.array(per[:, -1], np.int32)
            for j in range(per.shape[1] - 2, -1, -1):
                col = per[:, j]
                np.copyto(out, col, where=col >= 0)
            self._taint_cache[key] = out
            out.flags.writeable = False
        return out

    def _affinity_filter(self, pod) -> Optional[np.ndarray]:
        c = self.cluster
        args = self.profile.args("NodeAffinity")
        added = _added_required(args)
        req = pod.required_affinity
        if req is None and added is None:
            return None
        n = c.nodes.n
        out = np.full(n, -1, np.int32)
        r_added = self.reason_id("NodeAffinity", UNRESOLVABLE, "node(s) didn't match scheduler-enforced node affinity")
        r_pod = self.reason_id("NodeAffinity", UNRESOLVABLE, "node(s) didn't match Pod's node affinity/selector")
        if req is not None:
            ok = np.ones(n, bool)
            for k, v in req.node_selector_labels:
                ok &= self._label_equals(k, v)
            if req.node_selector is not None:
                ok &= self._selector_mask(req.node_selector)
            out[~ok] = r_pod
        if added is not None:
            out[~self._selector_mask(added)] = r_added  # checked first upstream: it wins
        return out

    # -- vectorised selector matching over the label columns -------------------------------------
    # Each requirement is evaluated once per distinct label value of its key (with the reference
    # Requirement.matches, so the semantics are the object model's), then looked up per node.
    def _label_row(self, key: str) -> np.ndarray:
        c = self.cluster
        k = c.labels.keys.get(key)
        if k < 0 or k >= c.nodes.K:
            return np.full(c.nodes.n, -1, np.int32)
        return c.nodes.label_values[k]

    def _label_equals(self, key: str, value: str) -> np.ndarray:
        c = self.cluster
        k = c.labels.keys.get(key)
        if k < 0 or k >= c.nodes.K:
            return np.zeros(c.nodes.n, bool)
        v = c.labels.values[k].get(value)
        return c.nodes.label_values[k] == v if v >= 0 else np.zeros(c.nodes.n, bool)

    def _requirement_mask(self, r) -> np.ndarray:
        hit = self._req_cache.get(r)
        if hit is not None:
            return hit
        c = self.cluster
        k = c.labels.keys.get(r.key)
        values = c.labels.values[k].values if k >= 0 else []
        lookup = np.empty(len(values) + 1, bool)  # [0]: key absent, [1 + id]: value id
        lookup[0] = r.matches({})
        for i, v in enumerate(values):
            lookup[i + 1] = r.matches({r.key: v})
        mask = lookup[self._label_row(r.key) + 1]
        self._req_cache[r] = mask
        return mask

    def _selector_mask(self, sel) -> np.ndarray:
        c = self.cluster
        n = c.nodes.n
        any_term = np.zeros(n, bool)
        names = None
        for term in sel.terms:
            if term.parse_errors or (not term.match_expressions and not term.match_fields):
                continue
            ok = np.ones(n, bool)
            for r in term.match_expressions:
                ok &= self._requirement_mask(r)
            if term.match_fields:
                if names is None:
                    names = np.asarray(c.nodes.names, dtype=object)
                for r in term.match_fields:
                    ok &= np.fromiter((r.matches_field(x) for x in names), bool, n) \
                        if r.key == "metadata.name" else np.zeros(n, bool)
            any_term |= ok
        return any_term

    def _score(self, plugin: str, pod) -> Optional[np.ndarray]:
        c = self.cluster
        n = c.nodes.n
        if plugin == "TaintToleration":
            key = (1, pod.tolerations)
            out = self._toleration_cache.get(key)
            if out is None:
                out = self._toleration_cache[key] = self._taint_score(pod)
            return out
        if plugin == "NodeAffinity":
            args = self.profile.args("NodeAffinity")
            terms = tuple(pod.preferred_terms) + _added_preferred(args)
            if not terms:
                return None
            out = np.zeros(n, np.int64)
            for t in terms:
                out += np.where(self._selector_mask(_OneTerm((t.term,))), t.weight, 0)
            return out
        if plugin == "ImageLocality":
            return self._image_scores(pod)
        py = self.profile.python_plugin(plugin)
        if py is not None and py.score is not None:
            what = f'running Score plugins: plugin "{plugin}" failed with: '
            try:
                raw = np.asarray(py.score(pod, c.nodes))
            except Exception as e:
                raise PluginError(plugin, what + _error_text(e)) from e
            # Scores are int64 upstream: a fraction would be cut silently, so it is an error here.
            if raw.shape != (n,) or not (np.issubdtype(raw.dtype, np.integer) or (
                    np.issubdtype(raw.dtype, np.floating) and np.array_equal(raw, np.trunc(raw)))):
                raise PluginError(plugin, what + f"score must return {n} integers in [0, 100]")
            s = np.ascontiguousarray(raw, dtype=np.int64)
            if n and (s.min() < 0 or s.max() > 100):
                raise PluginError(plugin, what + f"score must return {n} integers in [0, 100]")
            return s
        return None

    def _taint_score(self, pod) -> np.ndarray:
        c = self.cluster
        n = c.nodes.n
        taints = c.taints.values
        tols = tuple(t for t in pod.tolerations if t.effect in ("", "PreferNoSchedule"))
        bad = np.zeros(len(taints) + 1, np.int64)
        for tid, t in enumerate(taints):
            if t.effect == "PreferNoSchedule" and not tolerations_tolerate_taint(tols, t):
                bad[tid] = 1
        ids = c.nodes.taint_ids
        if ids.size == 0:
            out = np.zeros(n, np.int64)
            out.flags.writeable = False  # shared by the classes of equal tolerations
            return out
        key = (1, bad.tobytes())
        out = self._taint_cache.get(key)
        if out is None:
            out = self._taint_cache[key] = bad[ids].sum(axis=1).astype(np.int64)
            out.flags.writeable = False
        return out

    def _image_scores(self, pod) -> np.ndarray:
        c = self.cluster
        n = c.nodes.n
        max_t = IMAGE_MAX_CONTAINER_THRESHOLD * pod.num_containers
        sums = np.zeros(n, np.int64)
        if max_t <= IMAGE_MIN_THRESHOLD:  # a pod with no containers: upstream would divide by <= 0
            return sums
        held = []
        for img in pod.images:
            iid = c.images.get(normalized_image_name(img))
            if iid < 0:
                continue
            hit = self._image_rows.get(iid)
            if hit is None:
                holders = c.image_nodes[iid]
                if not holders or n == 0:
                    hit = (None, 0)
                else:
                    # One size per image name, as the scheduler cache records it; int64(size * spread).
                    scaled = int(float(c.image_size[iid]) * (len(holders) / n))
                    hit = (np.fromiter(holders.keys(), dtype=np.intp, count=len(holders)), scaled)
                self._image_rows[iid] = hit
            rows, scaled = hit
            if rows is not None:
                sums[rows] += scaled
                held.append(rows)
        if not held:
            return sums
        # A sum of 0 scores 0 (clamped to the minimum): only the nodes holding an image are computed.
        rows = held[0] if len(held) == 1 else np.concatenate(held)
        clamped = np.minimum(np.maximum(sums[rows], IMAGE_MIN_THRESHOLD), max_t)  # np.clip, without its overhead
        sums[rows] = 100 * (clamped - IMAGE_MIN_THRESHOLD) // (max_t - IMAGE_MIN_THRESHOLD)
        return sums


@dataclass(frozen=True)
class _OneTerm:
    """A preferred term's NodeSelectorTerm viewed as a one-term selector."""

    terms: tuple


def _ports_conflict(want, used) -> bool:
    """nodeports.fitsPorts: same protocol and port, and same host IP or either 0.0.0.0."""
    for proto, ip, port in want:
        for (uproto, uip, uport), cnt in used.items():
            if cnt and uproto == proto and uport == port and (uip == ip or uip == "0.0.0.0" or ip == "0.0.0.0"):
                return True
    return False


def _added_required(args):
    aa = getattr(args, "added_affinity", None) if args is not None else None
    if not aa:
        return None
    req = aa.get("requiredDuringSchedulingIgnoredDuringExecution")
    if req is None:
        return None
    from ..objects.selectors import NodeSelector
    return NodeSelector.compile(req)


def _added_preferred(args) -> tuple:
    aa = getattr(args, "added_affinity", None) if args is not None else None
    if not aa:
        return ()
    pref = aa.get("preferredDuringSchedulingIgnoredDuringExecution")
    if not pref:
        return ()
    from ..objects.selectors import compile_preferred_terms
    return tuple(compile_preferred_terms(pref))
