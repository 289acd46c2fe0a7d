"""Public trace loaders, all returning one columnar schema (:mod:`kschedule.traces.schema`).

Shipped with the package (see ``traces/README.md``): the Alibaba GPU 2023 "openb" node lists and
default pod list (:func:`load_openb_nodes`, :func:`load_openb_pods`, :func:`bundled_path`).
Loaders for files the user has: openb variants, Alibaba PAI 2020 machines, Alibaba 2025 DLRM instances,
Alibaba 2026 spot GPU nodes, Alibaba cluster-trace-v2018, Google cluster-data 2011, and a
``kubectl get -o yaml`` dump.

Every loader validates every row and raises ``kschedule.errors.InvalidObject("trace row",
"<file>:<line>", <column>, <message>)`` on the first bad one, returning nothing. Rows the source
itself marks as unusable are not returned and are listed in the result's ``skipped``.
"""
from __future__ import annotations

from .alibaba2018 import load_alibaba2018_batch, load_alibaba2018_containers, load_alibaba2018_machines
from .alibaba_gpu import load_dlrm, load_pai_machines, load_spot_nodes
from .google2011 import load_google2011_machines, load_google2011_tasks
from .kubectl import load_kubectl_snapshot
from .openb import OPENB_WORKLOADS, load_openb, load_openb_nodes, load_openb_pods
from .paths import TraceFileNotFound, bundled_path
from .schema import NodeList, PodList, Trace

__all__ = [
    "NodeList", "PodList", "Trace", "OPENB_WORKLOADS", "TraceFileNotFound", "bundled_path",
    "load_openb", "load_openb_nodes", "load_openb_pods", "load_pai_machines", "load_dlrm", "load_spot_nodes",
    "load_alibaba2018_machines", "load_alibaba2018_containers", "load_alibaba2018_batch",
    "load_google2011_machines", "load_google2011_tasks", "load_kubectl_snapshot",
]
