"""A pure-Python scheduler loop over the reference plugins, one pod and one node at a time.

It follows upstream ``schedule_one.go`` step by step (PreFilter, Filter over a rotating window of
``numFeasibleNodesToFind`` feasible nodes in node-tree order, a single feasible node taken without
scoring, PreScore/Score/NormalizeScore/weights, selectHost with a seeded uniform tie-break) and uses
the same generator (splitmix64) as the C++ core, so both place pods identically for the same seed.
It is the specification the C++ core is tested against, and the slow baseline in ``bench/``.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional

from ..plugins import (balanced_allocation, image_locality, node_affinity, node_name, node_ports,
                       node_unschedulable, noderesources_fit, taint_toleration)
from .status import SUCCESS, Status

MODULES = {m.NAME: m for m in (noderesources_fit, balanced_allocation, taint_toleration, node_affinity,
                               node_name, node_unschedulable, node_ports, image_locality)}
_MASK = 0xFFFFFFFFFFFFFFFF


def select_host(totals: list, rng) -> int:
    """selectHost: the index of the highest total; among T > 1 tied maxima, the r-th in list order
    with r = rng.below(T) -- one draw, uniform over the tied nodes. Upstream breaks ties uniformly
    too, with generator-specific mechanics that differ between releases (reservoir sampling over the
    running maximum up to v1.26, reservoir over a score heap later, a random key per node in the heap
    order of current releases: schedule_one.go selectHost / nodeScoreHeap); Go's generator cannot be
    reproduced anyway, so kschedule keeps the distribution and draws once."""
    best = max(totals)
    ties = [j for j, t in enumerate(totals) if t == best]
    if len(ties) == 1:
        return ties[0]
    return ties[rng.below(len(ties))]


class SplitMix64:
    """Bit-for-bit the generator of ``csrc/rng.hpp``."""

    def __init__(self, state: int = 0):
        self.state = state & _MASK

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        return self.next() % n


def num_feasible_nodes_to_find(num_all_nodes: int, percentage: int) -> int:
    """schedule_one.go numFeasibleNodesToFind."""
    if num_all_nodes < 100 or percentage >= 100:
        return num_all_nodes
    p = percentage
    if p <= 0:
        p = max(5, 50 - num_all_nodes // 125)
    return max(num_all_nodes * p // 100, 100)


class ReferenceScheduler:
    """Schedules pods (PodInfo) onto NodeState objects, mutating them as pods are bound."""

    def __init__(self, nodes: list, profile, seed: int = 0, percentage: Optional[int] = None,
                 order: Optional[list] = None):
        self.nodes = nodes
        self.profile = profile
        self.rng = SplitMix64(seed)
        self.start = 0
        self.order = list(order) if order is not None else list(range(len(nodes)))
        pct = percentage if percentage is not None else profile.percentage_of_nodes_to_score
        self.percentage = int(pct or 0)

    def _args(self, name):
        return self.profile.args(name)

    def filter_node(self, pod, node, skipped) -> Status:
        for name in self.profile.filters:
            mod = MODULES.get(name)
            if mod is None or name in skipped or not hasattr(mod, "filter"):
                continue
            st = mod.filter(pod, node, self._args(name))
            if not st.is_success:
                return st
        return SUCCESS

    def schedule_one(self, pod, bind: bool = True):
        """Returns (node index or None, {node index: Status} for the nodes filtered)."""
        n = len(self.nodes)
        skipped = set()
        for name in self.profile.filters:
            mod = MODULES.get(name)
            if mod is not None and hasattr(mod, "pre_filter"):
                st = mod.pre_filter(pod, self.nodes, self._args(name))
                if st is not None and st.code == "Skip":
                    skipped.add(name)
                elif st is not None and not st.is_success:
                    return None, {i: st for i in range(n)}
        to_find = max(num_feasible_nodes_to_find(n, self.percentage), 1)
        feasible, statuses, processed = [], {}, 0
        for k in range(n):
            i = self.order[(self.start + k) % n]
            processed += 1
            st = self.filter_node(pod, self.nodes[i], skipped)
            statuses[i] = st
            if st.is_success:
                feasible.append(i)
                if len(feasible) >= to_find:
                    break
        if n:
            self.start = (self.start + processed) % n
        if not feasible:
            return None, statuses
        if len(feasible) == 1:
            host = feasible[0]
        else:
            totals = [0] * len(feasible)
            fnodes = [self.nodes[i] for i in feasible]
            for name, weight in self.profile.scores:
                mod = MODULES.get(name)
                if mod is None:
                    continue
                if hasattr(mod, "pre_score"):
                    st = mod.pre_score(pod, fnodes, self._args(name))
                    if st is not None and st.code == "Skip":
                        continue
                raw = [mod.score(pod, nd, self.nodes, self._args(name)) for nd in fnodes]
                if hasattr(mod, "normalize_score"):
                    raw = mod.normalize_score(raw, self._args(name))
                for j, v in enumerate(raw):
                    totals[j] += v * weight
            host = feasible[select_host(totals, self.rng)]
        if bind:
            self.bind(pod, self.nodes[host])
        return host, statuses

    @staticmethod
    def bind(pod, node) -> None:
        req = dict(node.requested)
        for r, v in pod.requests.items():
            req[r] = req.get(r, 0) + v
        node.requested = req
        node.nonzero_requested = (node.nonzero_requested[0] + pod.nonzero[0],
                                  node.nonzero_requested[1] + pod.nonzero[1])
        node.pod_count += 1
        if pod.host_ports:
            node.used_ports = Counter(node.used_ports)
            node.used_ports.update(pod.host_ports)
