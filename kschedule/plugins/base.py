"""The reference (pure-Python) plugin interface.

Every built-in plugin module in ``kschedule.plugins`` carries a straightforward Python reference of
its upstream behaviour, written against these plain objects, one pod and one node at a time. The C++
core must agree with the references (hypothesis tests in ``tests/``); the references are also what a
reader checks against upstream.

A reference plugin module defines ``NAME`` and any of::

    pre_filter(pod: PodInfo, nodes: list[NodeState], args) -> Status | None   # None = Success
    filter(pod: PodInfo, node: NodeState, args) -> Status                   # SUCCESS or a failure
    pre_score(pod: PodInfo, nodes: list[NodeState], args) -> Status | None    # Status("Skip") to skip
    score(pod: PodInfo, node: NodeState, nodes: list[NodeState], args) -> int # raw score
    normalize_score(scores: list[int], args) -> list[int]                    # NormalizeScore

``nodes`` is every node of the snapshot (ImageLocality's spread needs it); ``args`` is the plugin's
args dataclass from ``kschedule.config.types`` (or None for plugins without args). Failure statuses
carry the plugin name and the upstream reason strings.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ..framework.status import SUCCESS, Status  # noqa: F401  (re-exported for plugin modules)
from ..objects.node import parse_node
from ..objects.pod import PodInfo, parse_pod

MAX_NODE_SCORE = 100
MIN_NODE_SCORE = 0
MAX_CUSTOM_PRIORITY_SCORE = 10
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024


@dataclass
class NodeState:
    """One node as a plugin sees it (upstream ``framework.NodeInfo``)."""

    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    allocatable: Mapping[str, int] = field(default_factory=dict)  # cpu in millicores, others Value()
    requested: Mapping[str, int] = field(default_factory=dict)  # plain requests of the pods on the node
    nonzero_requested: tuple = (0, 0)  # (cpu_milli, memory_bytes) with non-zero defaults
    pod_count: int = 0
    taints: tuple = ()  # kschedule.objects.taints.Taint
    unschedulable: bool = False
    images: Mapping[str, int] = field(default_factory=dict)  # image name as the node reports it -> size bytes
    used_ports: Counter = field(default_factory=Counter)  # (protocol, host_ip, host_port) -> count

    @classmethod
    def from_objects(cls, node: Mapping, pods: Iterable[Mapping] = ()) -> "NodeState":
        """A node and the pods bound to it, from Kubernetes dicts (pods' nodeName is not checked)."""
        ni = parse_node(node)
        return cls.from_infos(ni, [parse_pod(p) for p in pods])

    @classmethod
    def from_infos(cls, ni, pod_infos: Iterable[PodInfo]) -> "NodeState":
        requested: dict = {}
        nz_cpu = nz_mem = count = 0
        ports: Counter = Counter()
        for pi in pod_infos:
            if pi.terminated:
                continue
            count += 1
            for r, v in pi.requests.items():
                requested[r] = requested.get(r, 0) + v
            nz_cpu += pi.nonzero[0]
            nz_mem += pi.nonzero[1]
            ports.update(pi.host_ports)
        images = {}
        for im in ni.images:
            for n in im.names:
                images.setdefault(n, im.size_bytes)
        return cls(ni.name, dict(ni.labels), dict(ni.allocatable), requested, (nz_cpu, nz_mem), count,
                   tuple(ni.taints), ni.unschedulable, images, ports)

    @classmethod
    def from_cluster(cls, cluster, row: int) -> "NodeState":
        """The node at ``row`` of a :class:`kschedule.Cluster`, read back from its columns."""
        t = cluster.nodes
        res = cluster.resources.values
        alloc = {res[r]: int(t.allocatable[r, row]) for r in range(len(res)) if t.allocatable[r, row] or r < 4}
        req = {res[r]: int(t.requested[r, row]) for r in range(len(res)) if t.requested[r, row] and res[r] != "pods"}
        ni = t.infos[row]
        images = {}
        for im in ni.images:
            for n in im.names:
                images.setdefault(n, im.size_bytes)
        return cls(ni.name, dict(ni.labels), alloc, req,
                   (int(t.nonzero_requested[0, row]), int(t.nonzero_requested[1, row])),
                   int(t.requested[3, row]), tuple(ni.taints), ni.unschedulable, images, Counter(t.used_ports[row]))
