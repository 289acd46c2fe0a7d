"""GPU-sharing scheduling as in the FGD paper (Weng et al., USENIX ATC '23).

``kschedule.gpu.reference`` is the pure-Python oracle (node/pod shapes, fragmentation, typical pods,
the Open-Gpu-Share filter and the six policies of the paper's experiments); docs/fgd.md is the
specification extracted from the artifact ``hkust-adsl/kubernetes-scheduler-simulator``.
"""
from .reference import (  # noqa: F401
    FRAG_CATEGORIES, POLICIES, GpuNode, PodShape, PolicyContext, cluster_fragmentation, fits,
    node_fragmentation, node_fragmentation_for_workload, schedule_one, score, typical_pods,
)
