"""Pure-Python reference of the FGD paper's GPU-sharing policies and fragmentation measure.

Followed: the artifact of Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads with
Fragmentation Gradient Descent" (USENIX ATC '23), GitHub ``hkust-adsl/kubernetes-scheduler-simulator``
(Go, vendoring Kubernetes v1.20.5). docs/fgd.md is the specification, with file/function references for
every rule; this module mirrors it and is the oracle for the C++ kernels.

Units are the artifact's: CPU in millicores, GPU in milli-GPU (1000 = one device), memory in MiB.
Scores are Go ``int64`` values; fragmentation amounts are Go ``float64`` accumulated in the artifact's order
so that results agree bit for bit (the only libm call is ``exp`` in FGD's sigmoid).

Formulas (see docs/fgd.md for the derivations and line references):

* frag of node n for shape m (``node_fragmentation``): if m needs no GPU or n cannot host m (CPU, GPU count
  or model): all free GPU milli of n; otherwise the free milli of the devices with free < m.gpu_milli.
* expected frag (``node_fragmentation_for_workload``): sum over typical shapes of p_m * frag(n, m), CPU-only
  shapes included (they count every free GPU as fragment).
* FGD score = int64(100 * sigmoid((F(n) - F(n after placing the pod)) / 1000)).
* DotProduct (merge, max) = int64(100 * (1 - (c_free/128000 * c_req/128000 + g_free/8000 * g_req/8000) / 2)).
* BestFit = int64(100 * (1 - 0.5*(c_free-c_req)/128000 - 0.5*(g_free-g_req)/8000)), then min-max normalized.
* GpuPacking / GpuClustering: integer tiers (see the functions).
* Random: one feasible node drawn uniformly gets 100, the others 0.
"""
from __future__ import annotations

import math
import random as _random
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Optional, Sequence

from kschedule.errors import FieldError
from kschedule.plugins.normalize import go_div

__all__ = [
    "MILLI", "MAX_SPEC_CPU", "MAX_SPEC_GPU", "MAX_NODE_SCORE", "POLICY_WEIGHT", "POLICIES",
    "FRAG_CATEGORIES", "PodShape", "GpuNode", "PolicyContext",
    "is_node_accessible", "frag_category", "node_fragmentation", "node_frag_amount",
    "node_fragmentation_for_workload", "typical_pods", "fits", "open_gpu_share_allocate",
    "exclusive_devices", "select_devices_best", "select_devices_random", "select_devices_fgd",
    "score_random", "score_dot_product", "score_gpu_clustering", "score_gpu_packing", "gpu_packing_raw",
    "score_best_fit", "score_fgd", "score", "normalize_min_max", "random_prescore",
    "schedule_one", "bind", "cluster_fragmentation", "affinity_tag",
]

MILLI = 1000                # open-gpu-share utils/const.go MILLI
MAX_SPEC_CPU = 128000       # utils/const.go MaxSpecCpu (milli CPU)
MAX_SPEC_GPU = 8000         # utils/const.go MaxSpecGpu (milli GPU)
MAX_NODE_SCORE = 100        # framework.MaxNodeScore
POLICY_WEIGHT = 1000        # experiments/run_scripts/generate_run_scripts.py: "-<Policy> 1000"
POLICIES = ("Random", "DotProduct", "GpuClustering", "GpuPacking", "BestFit", "FGD")

# utils/frag.go FragRatioDataMap: index order matters for the float sums.
Q1_LACK_BOTH, Q2_LACK_GPU, Q3_SATISFIED, Q4_LACK_CPU, XL_SATISFIED, XR_LACK_CPU, NO_ACCESS = range(7)
FRAG_CATEGORIES = ("q1_lack_both", "q2_lack_gpu", "q3_satisfied", "q4_lack_cpu",
                   "xl_satisfied", "xr_lack_cpu", "no_access")


def _int(value, field_name: str, minimum: int = 0, maximum: Optional[int] = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(field_name, f"must be an integer, got {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"[{minimum}, {maximum}]" if maximum is not None else f">= {minimum}"
        raise FieldError(field_name, f"must be in {bound}, got {value}")
    return value


def _str(value, field_name: str) -> str:
    if not isinstance(value, str):
        raise FieldError(field_name, f"must be a string, got {type(value).__name__}")
    return value


@dataclass(frozen=True)
class PodShape:
    """A pod's request as the artifact sees it (``simontype.PodResource`` plus memory).

    ``gpu_milli`` is per device; ``gpu_spec`` is the ``|``-separated list of allowed models ("" = any).
    Memory only matters to the node filter (NodeResourcesFit); the artifact's fragmentation and scores
    ignore it (PodResource has no memory field).
    """

    cpu_milli: int
    memory_mib: int = 0
    num_gpu: int = 0
    gpu_milli: int = 0
    gpu_spec: str = ""

    def __post_init__(self):
        _int(self.cpu_milli, "cpu_milli")
        _int(self.memory_mib, "memory_mib")
        _int(self.num_gpu, "num_gpu", 0, 8)
        _int(self.gpu_milli, "gpu_milli", 0, MILLI)
        _str(self.gpu_spec, "gpu_spec")
        if self.num_gpu == 0 and self.gpu_milli != 0:
            # pod_csv_to_yaml writes GPU annotations only when num_gpu != 0
            object.__setattr__(self, "gpu_milli", 0)
        if self.num_gpu > 0 and self.gpu_milli == 0:
            raise FieldError("gpu_milli", "must be > 0 when num_gpu > 0")

    @classmethod
    def from_row(cls, row: Mapping) -> "PodShape":
        """From an openb pod-list CSV row (strings or ints)."""
        if not isinstance(row, Mapping):
            raise FieldError("", f"a pod row must be a mapping, got {type(row).__name__}")

        def num(key: str) -> int:
            raw = row.get(key, 0)
            if raw in ("", None):
                return 0
            try:
                return int(raw)
            except (TypeError, ValueError):
                raise FieldError(key, f"not an integer: {raw!r}") from None

        spec = row.get("gpu_spec", "") or ""
        return cls(num("cpu_milli"), num("memory_mib"), num("num_gpu"), num("gpu_milli"),
                   _str(spec, "gpu_spec"))

    @property
    def total_gpu_milli(self) -> int:
        return self.gpu_milli * self.num_gpu

    @property
    def is_gpu_share(self) -> bool:
        return self.num_gpu == 1 and self.gpu_milli < MILLI

    def key(self) -> "PodShape":
        """The typical-pod key (MilliCpu, MilliGpu, GpuNumber, GpuType): memory dropped."""
        return PodShape(self.cpu_milli, 0, self.num_gpu, self.gpu_milli, self.gpu_spec)


def affinity_tag(pod: PodShape) -> str:
    """open-gpu-share utils/pod.go GetGpuAffinityFromPodAnnotation."""
    if pod.num_gpu == 0:
        return "no-gpu"
    if pod.num_gpu == 1 and pod.gpu_milli < MILLI:
        return "share-gpu"
    if pod.gpu_milli == MILLI:
        return f"{pod.num_gpu}-gpu"
    raise FieldError("gpu_milli", "several partial GPUs have no affinity tag (the artifact panics)")


@dataclass
class GpuNode:
    """A node's free resources (``simontype.NodeResource`` + memory + GPU affinity of its pods).

    ``gpu_free_milli[i]`` is device i's free milli-GPU (each device has 1000); the device index order
    matters (ties go to the lowest index). ``affinity`` counts the GPU pods on the node by tag
    (``share-gpu``, ``1-gpu``, ``2-gpu``…); CPU-only pods are not counted (GpuClustering only).
    """

    name: str
    cpu_milli_total: int
    memory_mib_total: int
    gpu_free_milli: list
    gpu_model: str = ""
    cpu_milli_free: Optional[int] = None
    memory_mib_free: Optional[int] = None
    affinity: dict = field(default_factory=dict)

    def __post_init__(self):
        _str(self.name, "name")
        _int(self.cpu_milli_total, "cpu_milli_total")
        _int(self.memory_mib_total, "memory_mib_total")
        _str(self.gpu_model, "gpu_model")
        if not isinstance(self.gpu_free_milli, (list, tuple)):
            raise FieldError("gpu_free_milli", f"must be a list, got {type(self.gpu_free_milli).__name__}")
        if len(self.gpu_free_milli) > 8:
            raise FieldError("gpu_free_milli", "at most 8 devices per node (MaxNumGpuPerNode)")
        self.gpu_free_milli = [_int(v, f"gpu_free_milli[{i}]", 0, MILLI)
                               for i, v in enumerate(self.gpu_free_milli)]
        if self.cpu_milli_free is None:
            self.cpu_milli_free = self.cpu_milli_total
        if self.memory_mib_free is None:
            self.memory_mib_free = self.memory_mib_total
        _int(self.cpu_milli_free, "cpu_milli_free", 0, self.cpu_milli_total)
        _int(self.memory_mib_free, "memory_mib_free", 0, self.memory_mib_total)
        if not isinstance(self.affinity, dict):
            raise FieldError("affinity", f"must be a dict, got {type(self.affinity).__name__}")
        for k, v in self.affinity.items():
            _int(v, f"affinity[{k}]", 1)

    @property
    def num_gpu(self) -> int:
        return len(self.gpu_free_milli)

    @property
    def gpu_free_total(self) -> int:
        return sum(self.gpu_free_milli)

    @property
    def fully_free_gpus(self) -> int:
        return sum(1 for v in self.gpu_free_milli if v == MILLI)

    def copy(self) -> "GpuNode":
        return GpuNode(self.name, self.cpu_milli_total, self.memory_mib_total, list(self.gpu_free_milli),
                       self.gpu_model, self.cpu_milli_free, self.memory_mib_free, dict(self.affinity))


# ----------------------------------------------------------------------------------------------
# Fragmentation (pkg/utils/frag.go)

def is_node_accessible(node_model: str, gpu_spec: str) -> bool:
    """utils.go IsNodeAccessibleToPodByType: empty spec = any model; a CPU node (no model) never matches
    a non-empty spec; otherwise the node model must equal one non-empty ``|``-separated entry."""
    if len(gpu_spec) == 0:
        return True
    if len(node_model) == 0:
        return False
    entries = [t for t in gpu_spec.split("|") if t]
    if not entries:
        return True
    return node_model in entries


def _can_host_on_gpu(free: Sequence[int], pod: PodShape) -> bool:
    """frag.go CanNodeHostPodOnGpuMemory: at least num_gpu devices with free >= gpu_milli."""
    need = pod.num_gpu
    for f in free:
        if f >= pod.gpu_milli:
            need -= 1
            if need <= 0:
                return True
    return False


def frag_category(node: GpuNode, pod: PodShape) -> int:
    """frag.go GetNodePodFrag: one of the FRAG_CATEGORIES indices (CPU test is ``free >= request``)."""
    cpu_ok = node.cpu_milli_free >= pod.cpu_milli
    if pod.gpu_milli == 0:
        return XL_SATISFIED if cpu_ok else XR_LACK_CPU
    if not is_node_accessible(node.gpu_model, pod.gpu_spec):
        return NO_ACCESS
    if _can_host_on_gpu(node.gpu_free_milli, pod):
        return Q3_SATISFIED if cpu_ok else Q4_LACK_CPU
    return Q2_LACK_GPU if cpu_ok else Q1_LACK_BOTH


def node_fragmentation(node: GpuNode, pod: PodShape) -> int:
    """GPU fragment (milli) of ``node`` for one shape, as NodeGpuShareFragAmount counts it with p = 1.

    Q3 (the shape fits): free milli of the devices whose free < gpu_milli (GetGpuFragMilliByNodeResAndPodRes);
    any other category (lacks CPU or GPU, wrong model, or needs no GPU): all free milli of the node.
    """
    if frag_category(node, pod) == Q3_SATISFIED:
        return sum(f for f in node.gpu_free_milli if f < pod.gpu_milli)
    return node.gpu_free_total


def node_frag_amount(node: GpuNode, typical: Sequence) -> list:
    """frag.go NodeGpuShareFragAmount: 7 floats (FRAG_CATEGORIES order), accumulated in list order."""
    data = [0.0] * 7
    total = float(node.gpu_free_total)
    for shape, p in typical:
        if p < 0 or p > 1:  # the artifact logs and skips such entries
            continue
        cat = frag_category(node, shape)
        if cat == Q3_SATISFIED:
            frag = sum(f for f in node.gpu_free_milli if f < shape.gpu_milli)
            data[Q2_LACK_GPU] += p * float(frag)
            data[Q3_SATISFIED] += p * float(node.gpu_free_total - frag)
        else:
            data[cat] += p * total
    return data


def _sum_except_q3(data: Sequence[float]) -> float:
    out = 0.0
    for i in range(7):
        if i != Q3_SATISFIED:
            out += data[i]
    return out


def node_fragmentation_for_workload(node: GpuNode, typical: Sequence) -> float:
    """frag.go NodeGpuShareFragAmountScore: FragAmountSumExceptQ3 of node_frag_amount."""
    return _sum_except_q3(node_frag_amount(node, typical))


def cluster_fragmentation(nodes: Iterable[GpuNode], typical: Sequence) -> dict:
    """simulator/analysis.go ClusterGpuFragReport "(origin)": per-category sums over nodes.

    ``frag_milli`` = sum except Q3, ``idle_milli`` = sum of all 7 (= free GPU milli when p sums to 1),
    ``frag_ratio_pct`` = 100 * frag / idle, ``frag_pct_of_capacity`` = 100 * frag / 1000 / total GPUs
    (the value plotted per arrived level by experiments/analysis/merge_frag_discrete_0928.py).
    """
    cluster = [0.0] * 7
    num_gpus = 0
    for n in nodes:
        amount = node_frag_amount(n, typical)
        for i in range(7):
            cluster[i] += amount[i]
        num_gpus += n.num_gpu
    idle = 0.0
    for v in cluster:
        idle += v
    frag = _sum_except_q3(cluster)
    out = {name: cluster[i] for i, name in enumerate(FRAG_CATEGORIES)}
    out.update(frag_milli=frag, idle_milli=idle,
               frag_ratio_pct=(100 * frag / idle) if idle else float("nan"),
               frag_pct_of_capacity=(100 * frag / 1000 / num_gpus) if num_gpus else float("nan"))
    return out


# ----------------------------------------------------------------------------------------------
# Typical pods (frag.go GetTypicalPods, with the run scripts' defaults)

def typical_pods(pods: Iterable[PodShape], popularity_threshold: int = 95, increase_step: int = 1,
                 include_cpu_pods: bool = True, gpu_res_weight: float = 0.0) -> list:
    """Most popular shapes whose cumulative count first reaches ``threshold``% of the pods.

    Shapes are keyed by (cpu_milli, gpu_milli, num_gpu, gpu_spec); sorted by count descending, ties by
    that key descending. The shape that crosses the threshold is included; probabilities are
    count/total divided by (cum/total) so they sum to 1 (all shapes, un-renormalized, if the loop
    reaches the end of the list). Returns ``[(PodShape, probability), ...]``.
    """
    counts: dict = {}
    total = 0.0
    for i, pod in enumerate(pods):
        if not isinstance(pod, PodShape):
            raise FieldError(f"[{i}]", f"must be a PodShape, got {type(pod).__name__}")
        if not include_cpu_pods and pod.num_gpu == 0:
            continue
        w = 1.0
        if gpu_res_weight > 0 and pod.gpu_milli == MILLI:
            w = 1 + float(pod.num_gpu) * gpu_res_weight
        k = pod.key()
        counts[k] = counts.get(k, 0.0) + w
        total += w
    if total == 0:
        return []
    items = sorted(counts.items(),
                   key=lambda kv: (kv[1], kv[0].cpu_milli, kv[0].gpu_milli, kv[0].num_gpu, kv[0].gpu_spec),
                   reverse=True)
    shapes = [k for k, _ in items]
    pct = [c for _, c in items]
    threshold = popularity_threshold if popularity_threshold > 0 else 60
    step = increase_step if increase_step > 0 else 10
    expected = float(threshold) * total / 100.0
    i = 0
    res_num = 0
    cum = 0.0
    while cum < expected:
        res_num += step
        if i >= len(shapes):  # the artifact would loop forever here; cannot happen with threshold <= 100
            break
        while i < res_num and i < len(shapes):
            cum += pct[i]
            pct[i] = pct[i] / total
            i += 1
    if i >= len(shapes):
        return list(zip(shapes, pct))
    scale = cum / total
    return [(shapes[j], pct[j] / scale) for j in range(i)]


# ----------------------------------------------------------------------------------------------
# Filter: NodeResourcesFit (CPU, memory) + Open-Gpu-Share (plugin/open_gpu_share.go Filter)

def open_gpu_share_allocate(node: GpuNode, pod: PodShape) -> Optional[tuple]:
    """cache/gpunodeinfo.go AllocateGpuId: the filter's feasibility test (None = not found).

    1 GPU: tightest device with free >= gpu_milli (lowest index on ties). Several GPUs: two pointers
    over devices in index order, packing as many of the pod's GPUs on one device as fit.
    """
    if pod.gpu_milli <= 0 or pod.num_gpu <= 0 or node.num_gpu == 0:
        return None
    idle = list(node.gpu_free_milli)
    if pod.num_gpu == 1:
        best = None
        for d, f in enumerate(idle):
            if f >= pod.gpu_milli and (best is None or f < idle[best]):
                best = d
        return None if best is None else (best,)
    chosen = []
    d = 0
    while d < len(idle) and len(chosen) < pod.num_gpu:
        if idle[d] >= pod.gpu_milli:
            chosen.append(d)
            idle[d] -= pod.gpu_milli
        else:
            d += 1
    return tuple(chosen) if len(chosen) == pod.num_gpu else None


def fits(node: GpuNode, pod: PodShape) -> bool:
    """Feasibility in the paper's profile: NodeResourcesFit (requested CPU and memory <= free) and
    Open-Gpu-Share (CPU-only pods pass; a GPU pod needs a GPU node of an allowed model and a device
    allocation). The NodeResourcesFit pod-count limit is not modelled (see docs/fgd.md)."""
    if pod.cpu_milli > node.cpu_milli_free or pod.memory_mib > node.memory_mib_free:
        return False
    if pod.gpu_milli <= 0:
        return True
    if node.num_gpu == 0 or not is_node_accessible(node.gpu_model, pod.gpu_spec):
        return False
    return open_gpu_share_allocate(node, pod) is not None


# ----------------------------------------------------------------------------------------------
# GPU selection at Reserve (open_gpu_share.go allocateGpuIdBasedOn*, fgd_score.go)

def exclusive_devices(node: GpuNode, pod: PodShape) -> tuple:
    """type/resource.go AllocateExclusiveGpuId: the first fully free devices in index order, one per
    1000 milli of the pod's total GPU request."""
    need = pod.total_gpu_milli
    out = []
    for d, f in enumerate(node.gpu_free_milli):
        if need <= 0:
            break
        if f == MILLI:
            out.append(d)
            need -= MILLI
    if need > 0:
        raise FieldError("gpu_free_milli", "not enough fully free GPUs (the artifact panics here)")
    return tuple(out)


def select_devices_best(node: GpuNode, pod: PodShape) -> tuple:
    """gpusel "best": a share pod takes the tightest device (lowest index on ties); else exclusive."""
    if pod.num_gpu == 0:
        return ()
    if pod.gpu_milli < MILLI:
        if pod.num_gpu > 1:
            raise FieldError("gpu_milli", "several partial GPUs cannot be allocated (the artifact panics)")
        best = None
        for d, f in enumerate(node.gpu_free_milli):
            if f >= pod.gpu_milli and (best is None or f < node.gpu_free_milli[best]):
                best = d
        return () if best is None else (best,)
    return exclusive_devices(node, pod)


def select_devices_random(node: GpuNode, pod: PodShape, rng: _random.Random) -> tuple:
    """gpusel "random": reservoir sampling over the devices with free >= gpu_milli
    (``rng.randrange(k) == 0`` stands for Go's ``rand.Intn(k) == 0``); else exclusive."""
    if pod.num_gpu == 0:
        return ()
    if pod.gpu_milli < MILLI:
        chosen, k = None, 0
        for d, f in enumerate(node.gpu_free_milli):
            if f >= pod.gpu_milli:
                k += 1
                if rng.randrange(k) == 0:
                    chosen = d
        return () if chosen is None else (chosen,)
    return exclusive_devices(node, pod)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _node_sub(node: GpuNode, pod: PodShape) -> GpuNode:
    """type/resource.go NodeResource.Sub: subtract CPU, then pack each requested GPU onto the device with
    the least free milli that fits (stable ascending order). On failure the artifact returns the copy
    (possibly partly modified) and FGD ignores the error."""
    out = node.copy()
    if out.cpu_milli_free < pod.cpu_milli or out.num_gpu < pod.num_gpu:
        return out
    out.cpu_milli_free -= pod.cpu_milli
    need = pod.num_gpu
    if need == 0:
        return out
    order = sorted(range(out.num_gpu), key=lambda d: out.gpu_free_milli[d])
    for d in order:
        if pod.gpu_milli <= out.gpu_free_milli[d]:
            need -= 1
            out.gpu_free_milli[d] -= pod.gpu_milli
            if need <= 0:
                break
    return out


def _fgd(node: GpuNode, pod: PodShape, typical: Sequence) -> tuple:
    """fgd_score.go calculateGpuShareFragExtendScore -> (score, devices)."""
    before = node_fragmentation_for_workload(node, typical)
    if pod.is_gpu_share:
        best_score, best_dev = 0, None
        for d, f in enumerate(node.gpu_free_milli):
            if f >= pod.gpu_milli:
                trial = node.copy()
                trial.cpu_milli_free -= pod.cpu_milli
                trial.gpu_free_milli[d] -= pod.gpu_milli
                after = node_fragmentation_for_workload(trial, typical)
                s = int(_sigmoid((before - after) / 1000) * float(MAX_NODE_SCORE))
                if best_dev is None or s > best_score:
                    best_score, best_dev = s, d
        return best_score, (() if best_dev is None else (best_dev,))
    after = node_fragmentation_for_workload(_node_sub(node, pod), typical)
    s = int(_sigmoid((before - after) / 1000) * float(MAX_NODE_SCORE))
    return s, (exclusive_devices(node, pod) if pod.num_gpu else ())


def select_devices_fgd(node: GpuNode, pod: PodShape, typical: Sequence) -> tuple:
    """gpusel "FGDScore": the device FGD scores highest (first index on ties); else exclusive."""
    return _fgd(node, pod, typical)[1]


# ----------------------------------------------------------------------------------------------
# Score plugins. Each returns (raw score before NormalizeScore, devices the Reserve step would pick).

@dataclass
class PolicyContext:
    """Per-pod state shared by the score plugins: typical pods (FGD), the rng (Random, GPU selection),
    and the node drawn at Random's PreScore."""

    typical: Sequence = ()
    rng: _random.Random = field(default_factory=lambda: _random.Random(0))
    random_node: Optional[str] = None


def random_prescore(feasible: Sequence[GpuNode], rng: _random.Random) -> str:
    """random_score.go PreScore: ``nodes[rand.Intn(len(nodes))]`` over the feasible nodes."""
    return feasible[rng.randrange(len(feasible))].name


def score_random(node: GpuNode, pod: PodShape, ctx: PolicyContext) -> tuple:
    """random_score.go Score: 100 for the PreScore node, else 0; GPUs by gpusel "random"."""
    # The score draws nothing: the GPUs are drawn once, at Reserve (schedule_one).
    s = MAX_NODE_SCORE if node.name == ctx.random_node else 0
    return s, ()


def score_dot_product(node: GpuNode, pod: PodShape, ctx: PolicyContext) -> tuple:
    """dot_product_score.go with dimExt "merge", norm "max"; GPUs by gpusel "best"."""
    if node.cpu_milli_free < pod.cpu_milli:  # ToVirtualNodeResourceList returns no virtual node
        return 0, ()
    nvec = [float(node.cpu_milli_free) / float(MAX_SPEC_CPU), float(node.gpu_free_total) / float(MAX_SPEC_GPU)]
    pvec = [float(pod.cpu_milli) / float(MAX_SPEC_CPU), float(pod.total_gpu_milli) / float(MAX_SPEC_GPU)]
    dot = 0.0
    for a, b in zip(nvec, pvec):
        dot += a * b
    cur = 1 - dot / float(len(pvec))
    return int(float(MAX_NODE_SCORE) * cur), select_devices_best(node, pod)


def score_gpu_clustering(node: GpuNode, pod: PodShape, ctx: PolicyContext) -> tuple:
    """gpu_clustering_score.go: tiers by the affinity tags of the GPU pods already on the node,
    plus 25*(8000 - free GPU milli)/8000 (Go integer arithmetic, left to right)."""
    tag = affinity_tag(pod)
    if tag == "no-gpu":
        return 0, ()
    used = go_div((MAX_NODE_SCORE // 4) * (MAX_SPEC_GPU - node.gpu_free_total), MAX_SPEC_GPU)
    if node.affinity.get(tag, 0) > 0:
        base = MAX_NODE_SCORE * 3 // 4 if len(node.affinity) == 1 else MAX_NODE_SCORE * 2 // 4
    else:
        base = MAX_NODE_SCORE // 4 if len(node.affinity) == 0 else 0
    return used + base, select_devices_best(node, pod)


def gpu_packing_raw(node: GpuNode, pod: PodShape) -> int:
    """gpu_packing_score.go getPackingScore (no model check; -1 where the artifact returns an error).

    case 3, every device fully free: max(33 - free, free)   (the cap is the free-GPU count, as written)
    case 2, the pod needs fully free devices: max(50 - fully free devices used, 33)
    case 1, only partly used devices: max(100 - (sum of free*100/1000 over the devices used)/10, 50)
    The devices used are taken in ascending free order (stable), each with free >= gpu_milli.
    """
    free = node.fully_free_gpus
    if free == node.num_gpu:
        return max(MAX_NODE_SCORE // 3 - free, free)
    order = sorted(range(node.num_gpu), key=lambda d: node.gpu_free_milli[d])
    need, use_full, to_use = pod.num_gpu, 0, []
    for d in order:
        if need == 0:
            break
        f = node.gpu_free_milli[d]
        if pod.gpu_milli <= f:
            need -= 1
            to_use.append(d)
            if f == MILLI:
                use_full += 1
    if need != 0:
        return -1
    if use_full > 0:
        return max(MAX_NODE_SCORE // 2 - use_full, MAX_NODE_SCORE // 3)
    ratio = 0
    for d in to_use:
        ratio += node.gpu_free_milli[d] * 100 // MILLI
    return max(MAX_NODE_SCORE - ratio // 10, MAX_NODE_SCORE // 2)


def score_gpu_packing(node: GpuNode, pod: PodShape, ctx: PolicyContext) -> tuple:
    """gpu_packing_score.go Score: 0 for CPU-only pods, else gpu_packing_raw; GPUs by gpusel "best"."""
    if pod.gpu_milli <= 0:
        return 0, ()
    s = gpu_packing_raw(node, pod)
    if s < 0:  # Error status in the artifact; cannot happen after the filter
        return 0, ()
    return s, select_devices_best(node, pod)


def score_best_fit(node: GpuNode, pod: PodShape, ctx: PolicyContext) -> tuple:
    """best_fit_score.go getBestFitScore (raw; normalize_min_max runs over the feasible nodes)."""
    free = [float(node.cpu_milli_free), float(node.gpu_free_total)]
    req = [float(pod.cpu_milli), float(pod.total_gpu_milli)]
    spec = [float(MAX_SPEC_CPU), float(MAX_SPEC_GPU)]
    s = 0.0
    for i in range(2):
        if free[i] < req[i]:  # the artifact returns an Error status (cannot happen after the filter)
            return 0, ()
        s += (free[i] - req[i]) / spec[i] * 0.5
    s = (1.0 - s) * float(MAX_NODE_SCORE)
    return int(s), select_devices_best(node, pod)


def score_fgd(node: GpuNode, pod: PodShape, ctx: PolicyContext) -> tuple:
    """fgd_score.go Score; GPUs by gpusel "FGDScore" (the same computation)."""
    if pod.cpu_milli == 0 and pod.memory_mib == 0 and pod.num_gpu == 0:
        return MAX_NODE_SCORE, ()  # PodRequestsAndLimits is empty
    return _fgd(node, pod, ctx.typical)


def score_default(node: GpuNode, pod: PodShape, ctx: PolicyContext) -> tuple:
    """kschedule's "default" policy: the Kubernetes default profile's node-local scores on CPU and memory
    (NodeResourcesFit LeastAllocated + NodeResourcesBalancedAllocation, weight 1 each; the other default
    scores are equal on every node of a trace cluster) with gpusel "best". Requests are the pod's
    (openb pods always set cpu and memory, so the non-zero defaults never apply)."""
    alloc = [node.cpu_milli_total, node.memory_mib_total]
    req = [node.cpu_milli_total - node.cpu_milli_free + pod.cpu_milli,
           node.memory_mib_total - node.memory_mib_free + pod.memory_mib]
    least = wsum = 0
    fr = []
    for a, r in zip(alloc, req):
        if a == 0:
            continue
        least += 0 if r > a else go_div((a - r) * MAX_NODE_SCORE, a)
        wsum += 1
        fr.append(min(1.0, float(r) / float(a)))
    fit = go_div(least, wsum) if wsum else 0
    sd = abs((fr[0] - fr[1]) / 2) if len(fr) == 2 else 0.0
    bal = 0 if (pod.cpu_milli == 0 and pod.memory_mib == 0) else int((1 - sd) * float(MAX_NODE_SCORE))
    return fit + bal, select_devices_best(node, pod)


_SCORERS: dict = {
    "Random": score_random, "DotProduct": score_dot_product, "GpuClustering": score_gpu_clustering,
    "GpuPacking": score_gpu_packing, "BestFit": score_best_fit, "FGD": score_fgd, "default": score_default,
}


def score(policy: str, node: GpuNode, pod: PodShape, ctx: PolicyContext) -> tuple:
    """Dispatch to the policy's score function -> (raw score, devices)."""
    try:
        fn: Callable = _SCORERS[policy]
    except (KeyError, TypeError):
        raise FieldError("policy", f"unknown policy {policy!r}; one of {', '.join(POLICIES)}") from None
    return fn(node, pod, ctx)


def normalize_min_max(scores: Sequence[int]) -> list:
    """plugin_utils.go NormalizeScore (BestFit only): (s - lo) * 100 / (hi - lo), Go int64; all 0 when
    hi == lo."""
    if not scores:
        return []
    hi, lo = max(scores), min(scores)
    if hi == lo:
        return [0] * len(scores)
    return [go_div((s - lo) * MAX_NODE_SCORE, hi - lo) for s in scores]


def bind(node: GpuNode, pod: PodShape, devices: Sequence[int]) -> None:
    """Commit a placement: CPU, memory, the chosen devices and the node's GPU-affinity count."""
    node.cpu_milli_free -= pod.cpu_milli
    node.memory_mib_free -= pod.memory_mib
    for d in devices:
        node.gpu_free_milli[d] -= pod.gpu_milli
    tag = affinity_tag(pod)
    if tag != "no-gpu":
        node.affinity[tag] = node.affinity.get(tag, 0) + 1


def schedule_one(nodes: Sequence[GpuNode], pod: PodShape, policy: str, ctx: PolicyContext,
                 commit: bool = True) -> tuple:
    """One scheduling cycle of the paper's profile -> (node index or None, devices).

    Filter; if one node is feasible it is taken without scoring (k8s v1.20 genericScheduler); else the
    policy's scores (BestFit min-max normalized) times weight 1000, the highest total wins, ties broken by
    reservoir sampling in node order (v1.20 selectHost) with ``ctx.rng``. Devices come from the policy's
    GPU selection on the chosen node.
    """
    feasible = [i for i, n in enumerate(nodes) if fits(n, pod)]
    if not feasible:
        return None, ()
    if policy == "Random":
        ctx.random_node = random_prescore([nodes[i] for i in feasible], ctx.rng) if len(feasible) > 1 else None
    if len(feasible) == 1:
        chosen = feasible[0]
    else:
        raw = [score(policy, nodes[i], pod, ctx)[0] for i in feasible]
        if policy == "BestFit":
            raw = normalize_min_max(raw)
        totals = [s * POLICY_WEIGHT for s in raw]
        chosen, best, count = feasible[0], totals[0], 1
        for idx, t in zip(feasible[1:], totals[1:]):
            if t > best:
                chosen, best, count = idx, t, 1
            elif t == best:
                count += 1
                if ctx.rng.randrange(count) == 0:
                    chosen = idx
    node = nodes[chosen]
    if policy == "Random":
        devices = select_devices_random(node, pod, ctx.rng)
    elif policy == "FGD":
        devices = select_devices_fgd(node, pod, ctx.typical)
    else:
        devices = select_devices_best(node, pod)
    if commit:
        bind(node, pod, devices)
    return chosen, devices
