"""NodePorts: Python reference of upstream ``pkg/scheduler/framework/plugins/nodeports/node_ports.go`` and
``HostPortInfo`` (``staging/src/k8s.io/kube-scheduler/framework/types.go``, formerly
``pkg/scheduler/framework/types.go``).

* **PreFilter** -- collects the pod's container ports with ``hostPort > 0`` from regular containers and
  restartable init containers (``restartPolicy: Always``, "sidecars"; upstream #132040 ``util.GetHostPorts``,
  in v1.34 and cherry-picked to v1.33, used for the incoming pod and for ``NodeInfo.UsedPorts`` alike);
  none -> ``Skip`` (the Filter does not run).
* **Filter** -- a wanted ``(protocol, hostIP, hostPort)`` conflicts with the node's used ports (host ports
  of the pods already on it) when protocol and port are equal and the IPs are equal or either is
  ``0.0.0.0``.  Empty hostIP means ``0.0.0.0``, empty protocol means ``TCP`` (``HostPortInfo.sanitize``).
  A conflict is ``Unschedulable`` (preemption can help), reason
  ``node(s) didn't have free ports for the requested pod ports``.

The wanted ports are read from the pod object when it is kept (``PodInfo.obj``), so that init
containers that are not sidecars are left out as upstream does; otherwise from ``PodInfo.host_ports``.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Optional

from .base import SUCCESS, NodeState, PodInfo, Status

NAME = "NodePorts"

ERR_REASON = "node(s) didn't have free ports for the requested pod ports"

DEFAULT_BIND_ALL_HOST_IP = "0.0.0.0"
DEFAULT_PROTOCOL = "TCP"


def sanitize(host_ip: str, protocol: str) -> tuple[str, str]:
    """``HostPortInfo.sanitize``: empty IP -> 0.0.0.0, empty protocol -> TCP."""
    return host_ip or DEFAULT_BIND_ALL_HOST_IP, protocol or DEFAULT_PROTOCOL


def _ports_of(container: Mapping) -> list[tuple[str, str, int]]:
    out = []
    for p in container.get("ports") or ():
        hp = p.get("hostPort") or 0
        if hp <= 0:
            continue
        ip, proto = sanitize(p.get("hostIP") or "", p.get("protocol") or "")
        out.append((proto, ip, hp))
    return out


def pod_host_ports(pod: PodInfo) -> tuple[tuple[str, str, int], ...]:
    """``getContainerPorts(pod)`` as ``(protocol, hostIP, hostPort)`` with ``hostPort > 0``."""
    obj = pod.obj
    if not isinstance(obj, Mapping):
        return tuple(pod.host_ports)
    spec = obj.get("spec") or {}
    out = []
    for c in spec.get("initContainers") or ():
        if c.get("restartPolicy") == "Always":
            out.extend(_ports_of(c))
    for c in spec.get("containers") or ():
        out.extend(_ports_of(c))
    return tuple(out)


def check_conflict(used: Mapping, host_ip: str, protocol: str, port: int) -> bool:
    """``HostPortInfo.CheckConflict`` over ``used`` = {(protocol, hostIP, port): count}."""
    if port <= 0:
        return False
    host_ip, protocol = sanitize(host_ip, protocol)
    if host_ip == DEFAULT_BIND_ALL_HOST_IP:
        # 0.0.0.0 conflicts with the same (protocol, port) on every IP
        return any(n > 0 and pr == protocol and po == port for (pr, _ip, po), n in used.items())
    return used.get((protocol, DEFAULT_BIND_ALL_HOST_IP, port), 0) > 0 or used.get((protocol, host_ip, port), 0) > 0


def fits_ports(wanted: Iterable[tuple[str, str, int]], node: NodeState) -> bool:
    for protocol, host_ip, port in wanted:
        if check_conflict(node.used_ports, host_ip, protocol, port):
            return False
    return True


def pre_filter(pod: PodInfo, nodes: list, args=None) -> Optional[Status]:
    if not pod_host_ports(pod):
        return Status("Skip")
    return None


def filter(pod: PodInfo, node: NodeState, args=None) -> Status:  # noqa: A001 (interface name)
    if fits_ports(pod_host_ports(pod), node):
        return SUCCESS
    return Status("Unschedulable", NAME, (ERR_REASON,))
