"""ImageLocality: Python reference of upstream ``pkg/scheduler/framework/plugins/imagelocality/image_locality.go``.

Score only (no NormalizeScore)::

    mb = 1024*1024;  minThreshold = 23*mb;  maxThreshold = 1000*mb * (len(initContainers) + len(containers))
    normalized(image) = image + ":latest"   if LastIndex(image, ":") <= LastIndex(image, "/")   else image
    for each init container, then each container, whose normalized image is among the node's image names:
        sum += int64(float64(size) * (float64(numNodes) / float64(totalNumNodes)))
    sum = clamp(sum, minThreshold, maxThreshold)          (min checked first)
    score = 100 * (sum - minThreshold) / (maxThreshold - minThreshold)      (int64, truncating)

``totalNumNodes`` is the number of nodes in the snapshot (``nodes``), ``numNodes`` the number of snapshot
nodes whose ``status.images[].names`` contain the name.  Only the pod's image name is normalized: the
scheduler cache (``pkg/scheduler/backend/cache/cache.go`` ``addNodeImageStates``) keys image states by
the names exactly as the nodes report them.  The cache keeps one size per name, taken from the first node
that reported it; kschedule takes the first node in ``nodes`` order that has the name (upstream unit tests
build snapshots where every node carries its own size -- the two agree whenever nodes report equal sizes
for a name).  The per-name size of one node comes from :attr:`NodeState.images`.
"""
from __future__ import annotations

from typing import Sequence

from .base import MAX_NODE_SCORE, NodeState, PodInfo
from .normalize import go_div

NAME = "ImageLocality"

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def normalized_image_name(name: str) -> str:
    """``normalizedImageName``: append the default tag when the last ':' is not after the last '/'."""
    if name.rfind(":") <= name.rfind("/"):
        name = name + ":latest"
    return name


def scaled_image_score(size_bytes: int, num_nodes: int, total_num_nodes: int) -> int:
    """``scaledImageScore``: size scaled by the image's spread, with Go's float64 arithmetic."""
    spread = float(num_nodes) / float(total_num_nodes)
    return int(float(size_bytes) * spread)


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    """``calculatePriority``."""
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    if sum_scores < MIN_THRESHOLD:
        sum_scores = MIN_THRESHOLD
    elif sum_scores > max_threshold:
        sum_scores = max_threshold
    return go_div(MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD), max_threshold - MIN_THRESHOLD)


def _image_state(name: str, node: NodeState, nodes: Sequence[NodeState]) -> tuple[int, int]:
    """(size as the cache records it, number of snapshot nodes reporting ``name``)."""
    size = None
    count = 0
    for n in nodes:
        if name in n.images:
            count += 1
            if size is None:
                size = n.images[name]
    if size is None:  # node outside ``nodes``: count itself
        return node.images[name], 1
    return size, count


def sum_image_scores(pod: PodInfo, node: NodeState, nodes: Sequence[NodeState]) -> int:
    """``sumImageScores`` over init containers then containers (``PodInfo.images``)."""
    total = len(nodes)
    s = 0
    for image in pod.images:
        name = normalized_image_name(image)
        if name in node.images:
            size, num = _image_state(name, node, nodes)
            s += scaled_image_score(size, num, max(total, num))
    return s


def score(pod: PodInfo, node: NodeState, nodes: list, args=None) -> int:
    return calculate_priority(sum_image_scores(pod, node, nodes), pod.num_containers)
