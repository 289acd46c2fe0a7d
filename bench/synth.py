"""Deterministic synthetic Kubernetes objects for the benchmarks (seeded numpy, plain dicts).

Everything here returns Node / Pod dicts shaped as ``kubectl get -o json`` serialises them (no
managedFields), independent objects per pod (as a JSON decode would give), so parsing cost is real.

Nodes (:func:`make_nodes`)
    * instance types with 4/8/16/32/64 cores and 16-256 GiB (general, compute and memory optimised,
      a few GPU types with ``nvidia.com/gpu``); allocatable = capacity minus GKE-style kube/system
      reservations and a 100Mi eviction threshold; ``pods: 110``; 100-500 GB ephemeral storage;
    * labels: hostname, os, arch, instance-type, region, zone (one region, 3-5 zones chosen by the
      seed), node pool, disk type, a numeric ``example.com/generation`` label (for ``Gt``/``Lt``
      selectors), a team label on ~half the nodes, a spot label;
    * ~10% tainted: ``dedicated=<team>:NoSchedule`` (~5%), ``example.com/spot=true:PreferNoSchedule``
      (~3%), GPU nodes ``nvidia.com/gpu=present:NoSchedule`` (~2%); ~0.5% cordoned
      (``spec.unschedulable`` plus the ``node.kubernetes.io/unschedulable:NoSchedule`` taint);
    * ``status.images``: the system images on every node plus 4-12 of 60 application images (each
      image reported under its digest and its tag, one size per image name).

Pods (:func:`make_distinct_pods`, :func:`make_deployment_pods`)
    * a pod follows one of a few *archetypes* (its scheduling shape: tolerations, nodeSelector,
      required / preferred node affinity, containers, best effort or not). Every pod carries the
      admission-added ``not-ready`` / ``unreachable`` NoExecute tolerations;
    * (a) distinct pods: every pod has its own (cpu, memory) request pair;
    * (b) replicas of Deployments: ``deployments`` templates (100 by default), replica counts drawn
      from a Zipf-like law, identical specs within a Deployment, owned by a ReplicaSet
      (``ownerReferences`` with ``controller: true``), ``app`` and ``pod-template-hash`` labels;
    * pending (no ``spec.nodeName``, phase Pending) or bound (``bind_to`` node names: each pod gets
      a node drawn uniformly; overcommit is valid state and is not avoided).

Same arguments, same objects (bit for bit) on every run and machine. :func:`cached_nodes` /
:func:`cached_pods` memoise the larger sets for a process (the benchmarks never mutate them).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional, Sequence

import numpy as np

GiB = 1024 ** 3
MiB = 1024 ** 2
KiB = 1024

# (name, cores, memory GiB, gpus, relative frequency)
INSTANCE_TYPES = (
    ("m6i.xlarge", 4, 16, 0, 10), ("m6i.2xlarge", 8, 32, 0, 18), ("m6i.4xlarge", 16, 64, 0, 16),
    ("m6i.8xlarge", 32, 128, 0, 8), ("m6i.16xlarge", 64, 256, 0, 3),
    ("c6i.2xlarge", 8, 16, 0, 10), ("c6i.4xlarge", 16, 32, 0, 9), ("c6i.8xlarge", 32, 64, 0, 5),
    ("r6i.2xlarge", 8, 64, 0, 7), ("r6i.4xlarge", 16, 128, 0, 6), ("r6i.8xlarge", 32, 256, 0, 3),
    ("g5.4xlarge", 16, 64, 1, 1), ("g5.12xlarge", 48, 192, 4, 1),
)
DISK_GB = (100, 200, 500)
TEAMS = ("payments", "search", "ads", "ml", "web", "data")
NODE_POOLS = ("general", "compute", "memory", "gpu")
SYSTEM_IMAGES = (
    ("registry.k8s.io/pause:3.9", 321_520),
    ("registry.k8s.io/kube-proxy:v1.34.1", 30_478_000),
    ("docker.io/calico/node:v3.28.0", 115_262_000),
    ("quay.io/prometheus/node-exporter:v1.8.2", 11_720_000),
    ("registry.k8s.io/coredns/coredns:v1.11.3", 18_562_000),
)
NUM_APP_IMAGES = 60
DEFAULT_TOLERATIONS = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
)
CREATED = "2025-06-01T12:00:00Z"


# ------------------------------------------------------------------------------------------ helpers

def _hex(rng: np.random.Generator, nbytes: int) -> str:
    return rng.bytes(nbytes).hex()


def _app_images(seed: int = 7) -> list:
    """The application image catalogue: (tag name, digest name, size bytes), fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(NUM_APP_IMAGES):
        team = TEAMS[k % len(TEAMS)]
        repo = f"registry.example.com/{team}/svc-{k:02d}"
        tag = f"{repo}:v1.{k % 7}.{k % 13}"
        digest = f"{repo}@sha256:{_hex(rng, 32)}"
        size = int(rng.lognormal(np.log(180 * MiB), 0.9))  # 20 MB .. 1.5 GB, a few beyond
        out.append((tag, digest, size))
    return out


APP_IMAGES = _app_images()


def _cpu_allocatable_milli(cores: int) -> int:
    """Capacity minus the GKE kube-reserved CPU ladder (6% of core 1, 1% of core 2, 0.5% of cores
    3-4, 0.25% above) and 100m system-reserved."""
    m = cores * 1000
    reserved = 60 + (10 if cores > 1 else 0) + 5 * min(max(cores - 2, 0), 2) + int(2.5 * max(cores - 4, 0))
    return m - reserved - 100


def _memory_allocatable_bytes(gib: int) -> int:
    """Capacity minus the GKE memory reservation ladder and a 100Mi hard eviction threshold."""
    cap = gib * GiB
    steps = ((4, 0.25), (4, 0.20), (8, 0.10), (112, 0.06), (1 << 20, 0.02))
    left, reserved = gib, 0.0
    for size, frac in steps:
        take = min(left, size)
        reserved += take * GiB * frac
        left -= take
        if left <= 0:
            break
    # Kubelets report memory in Ki.
    return ((cap - int(reserved) - 100 * MiB) // KiB) * KiB


# ------------------------------------------------------------------------------------------ nodes

def make_nodes(n: int, seed: int = 0, zones: Optional[int] = None, region: str = "us-east-1") -> list:
    """``n`` Node dicts (see the module docstring). ``zones`` defaults to 3-5, drawn from ``seed``."""
    rng = np.random.default_rng([seed, 1])
    if zones is None:
        zones = int(rng.integers(3, 6))
    zone_names = [f"{region}{chr(ord('a') + z)}" for z in range(zones)]
    freq = np.array([t[4] for t in INSTANCE_TYPES], float)
    types = rng.choice(len(INSTANCE_TYPES), size=n, p=freq / freq.sum())
    zone_of = rng.integers(0, zones, size=n)
    disk_of = rng.choice(len(DISK_GB), size=n, p=[0.5, 0.35, 0.15])
    gen_of = rng.integers(3, 8, size=n)
    team_of = rng.integers(-len(TEAMS), len(TEAMS), size=n)  # negative: no team label (~half)
    spot = rng.random(n) < 0.2
    taint_draw = rng.random(n)
    cordon = rng.random(n) < 0.005
    arm = rng.random(n) < 0.1
    n_app = rng.integers(4, 13, size=n)
    img_p = np.linspace(3.0, 0.3, NUM_APP_IMAGES)
    img_p /= img_p.sum()
    nodes = []
    for i in range(n):
        tname, cores, gib, gpus, _ = INSTANCE_TYPES[types[i]]
        name = f"node-{i:06d}"
        zone = zone_names[zone_of[i]]
        pool = "gpu" if gpus else ("compute" if tname.startswith("c") else "memory" if tname.startswith("r") else "general")
        labels = {
            "beta.kubernetes.io/arch": "arm64" if arm[i] else "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "arm64" if arm[i] else "amd64",
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": tname,
            "topology.kubernetes.io/region": region,
            "topology.kubernetes.io/zone": zone,
            "cloud.example.com/node-pool": pool,
            "example.com/disk": "ssd" if disk_of[i] < 2 else "hdd",
            "example.com/generation": str(int(gen_of[i])),
            "example.com/spot": "true" if spot[i] else "false",
        }
        if team_of[i] >= 0:
            labels["example.com/team"] = TEAMS[team_of[i]]
        taints = []
        if gpus:
            taints.append({"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"})
        elif taint_draw[i] < 0.05:
            team = TEAMS[team_of[i]] if team_of[i] >= 0 else TEAMS[i % len(TEAMS)]
            labels["example.com/team"] = team
            taints.append({"key": "dedicated", "value": team, "effect": "NoSchedule"})
        elif taint_draw[i] < 0.08:
            labels["example.com/spot"] = "true"
            taints.append({"key": "example.com/spot", "value": "true", "effect": "PreferNoSchedule"})
        spec = {"podCIDR": f"10.{(i >> 8) & 255}.{i & 255}.0/24", "providerID": f"aws:///{zone}/i-{_hex(rng, 8)}"}
        if cordon[i]:
            spec["unschedulable"] = True
            taints.append({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule",
                           "timeAdded": CREATED})
        if taints:
            spec["taints"] = taints
        disk = DISK_GB[disk_of[i]] * 1000 ** 3
        capacity = {"cpu": str(cores), "memory": f"{gib * GiB // KiB}Ki", "ephemeral-storage": f"{disk // KiB}Ki",
                    "hugepages-1Gi": "0", "hugepages-2Mi": "0", "pods": "110"}
        allocatable = {"cpu": f"{_cpu_allocatable_milli(cores)}m",
                       "memory": f"{_memory_allocatable_bytes(gib) // KiB}Ki",
                       "ephemeral-storage": str(int(disk * 0.9)), "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                       "pods": "110"}
        if gpus:
            capacity["nvidia.com/gpu"] = allocatable["nvidia.com/gpu"] = str(gpus)
        images = [{"names": [nm], "sizeBytes": sz} for nm, sz in SYSTEM_IMAGES]
        for k in rng.choice(NUM_APP_IMAGES, size=int(n_app[i]), replace=False, p=img_p):
            tag, digest, size = APP_IMAGES[k]
            images.append({"names": [digest, tag], "sizeBytes": size})
        nodes.append({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": _uid(rng), "creationTimestamp": CREATED, "labels": labels,
                         "annotations": {"node.alpha.kubernetes.io/ttl": "0"}},
            "spec": spec,
            "status": {
                "capacity": capacity, "allocatable": allocatable,
                "conditions": [
                    {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory"},
                    {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure"},
                    {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID"},
                    {"type": "Ready", "status": "True", "reason": "KubeletReady"},
                ],
                "nodeInfo": {"architecture": labels["kubernetes.io/arch"], "operatingSystem": "linux",
                             "kubeletVersion": "v1.34.1", "containerRuntimeVersion": "containerd://1.7.22"},
                "images": images,
            },
        })
    return nodes


def _uid(rng: np.random.Generator) -> str:
    h = _hex(rng, 16)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# ------------------------------------------------------------------------------------------ archetypes

def _affinity_required(key: str, op: str, values: Sequence[str] = ()) -> dict:
    expr = {"key": key, "operator": op}
    if values:
        expr["values"] = list(values)
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [expr]}]}}}


def _preferred(*terms) -> list:
    return [{"weight": w, "preference": {"matchExpressions": [
        {"key": k, "operator": op, **({"values": list(v)} if v else {})}]}} for w, k, op, v in terms]


def archetypes() -> list:
    """Scheduling shapes of pods: (weight, dict of spec parts). A few of the 60 images each."""
    a = []
    # Plain stateless services (most pods).
    for k in range(8):
        a.append((10, {"images": [APP_IMAGES[k * 5][0]]}))
    a.append((6, {"images": [APP_IMAGES[3][0], "docker.io/envoyproxy/envoy:v1.31.0"]}))  # with sidecar
    a.append((4, {"images": [APP_IMAGES[11][0]], "init_images": ["docker.io/library/busybox:1.36"]}))
    # Best effort batch jobs: no requests at all.
    a.append((3, {"images": [APP_IMAGES[17][0]], "best_effort": True}))
    # nodeSelector on zone / disk / arch.
    a.append((4, {"images": [APP_IMAGES[21][0]], "node_selector": {"example.com/disk": "ssd"}}))
    a.append((3, {"images": [APP_IMAGES[22][0]], "node_selector": {"kubernetes.io/arch": "amd64",
                                                                   "cloud.example.com/node-pool": "memory"}}))
    # Required affinity: zones In, generation Gt, not spot.
    a.append((4, {"images": [APP_IMAGES[25][0]], "affinity": _affinity_required(
        "topology.kubernetes.io/zone", "In", ["us-east-1a", "us-east-1b"])}))
    a.append((2, {"images": [APP_IMAGES[26][0]], "affinity": _affinity_required("example.com/generation", "Gt", ["4"])}))
    # Preferred affinity (scores).
    a.append((6, {"images": [APP_IMAGES[30][0]], "affinity": {"nodeAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": _preferred(
            (50, "example.com/spot", "In", ["false"]), (20, "example.com/disk", "In", ["ssd"]))}}}))
    a.append((3, {"images": [APP_IMAGES[31][0]], "affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}]}]},
        "preferredDuringSchedulingIgnoredDuringExecution": _preferred(
            (80, "node.kubernetes.io/instance-type", "In", ["m6i.4xlarge", "m6i.8xlarge"]),
            (10, "example.com/team", "Exists", ()))}}}))
    # Tolerations: dedicated team nodes (with selector), spot, gpu (requests a GPU).
    for t, team in enumerate(("ml", "data")):
        a.append((2, {"images": [APP_IMAGES[40 + t][0]], "node_selector": {"example.com/team": team},
                      "tolerations": [{"key": "dedicated", "operator": "Equal", "value": team, "effect": "NoSchedule"}]}))
    a.append((4, {"images": [APP_IMAGES[45][0]], "tolerations": [
        {"key": "example.com/spot", "operator": "Exists", "effect": "PreferNoSchedule"}]}))
    a.append((1, {"images": [APP_IMAGES[50][0]], "gpu": 1, "tolerations": [
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]}))
    return a


ARCHETYPES = archetypes()
_ARCH_P = np.array([w for w, _ in ARCHETYPES], float)
_ARCH_P /= _ARCH_P.sum()


def _pod(name: str, namespace: str, arch: dict, cpu: str, mem: str, labels: dict, owner: Optional[dict],
         node: Optional[str], uid: str, eph: Optional[str] = None) -> dict:
    containers = []
    best_effort = arch.get("best_effort", False)
    for c, image in enumerate(arch["images"]):
        ctr = {"name": "app" if c == 0 else f"sidecar-{c}", "image": image, "imagePullPolicy": "IfNotPresent",
               "ports": [{"containerPort": 8080 + c, "protocol": "TCP"}],
               "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
        if not best_effort:
            if c == 0:
                req = {"cpu": cpu, "memory": mem}
                if eph:
                    req["ephemeral-storage"] = eph
                lim = {"memory": mem}
                if arch.get("gpu"):
                    req["nvidia.com/gpu"] = lim["nvidia.com/gpu"] = str(arch["gpu"])
            else:
                req = {"cpu": "50m", "memory": "64Mi"}
                lim = {"memory": "128Mi"}
            ctr["resources"] = {"requests": req, "limits": lim}
        else:
            ctr["resources"] = {}
        containers.append(ctr)
    spec = {
        "containers": containers, "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst", "serviceAccountName": "default", "schedulerName": "default-scheduler",
        "securityContext": {}, "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority",
        "priority": 0,
        "tolerations": [dict(t) for t in arch.get("tolerations", ())] + [dict(t) for t in DEFAULT_TOLERATIONS],
    }
    if arch.get("init_images"):
        spec["initContainers"] = [{"name": f"init-{k}", "image": im, "resources": {
            "requests": {"cpu": "10m", "memory": "16Mi"}}} for k, im in enumerate(arch["init_images"])]
    if arch.get("node_selector"):
        spec["nodeSelector"] = dict(arch["node_selector"])
    if arch.get("affinity"):
        import copy
        spec["affinity"] = copy.deepcopy(arch["affinity"])
    md = {"name": name, "namespace": namespace, "uid": uid, "creationTimestamp": CREATED, "labels": labels}
    if owner:
        md["ownerReferences"] = [owner]
        md["generateName"] = name[: name.rfind("-") + 1]
    if node:
        spec["nodeName"] = node
        status = {"phase": "Running", "qosClass": "BestEffort" if best_effort else "Burstable", "startTime": CREATED}
    else:
        status = {"phase": "Pending", "qosClass": "BestEffort" if best_effort else "Burstable"}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec, "status": status}


def _placement(rng: np.random.Generator, count: int, bind_to: Optional[Sequence[str]]) -> list:
    if not bind_to:
        return [None] * count
    idx = rng.integers(0, len(bind_to), size=count)
    return [bind_to[i] for i in idx]


# ------------------------------------------------------------------------------------------ pods

def make_distinct_pods(count: int, seed: int = 0, bind_to: Optional[Sequence[str]] = None,
                       prefix: str = "job") -> list:
    """``count`` pods, each with its own (cpu, memory) request pair; pending unless ``bind_to``."""
    rng = np.random.default_rng([seed, 2])
    arch = rng.choice(len(ARCHETYPES), size=count, p=_ARCH_P)
    cpu = np.clip(rng.lognormal(np.log(250), 0.8, size=count), 10, 4000).astype(np.int64)
    mem = np.clip(rng.lognormal(np.log(512), 0.9, size=count), 32, 16384).astype(np.int64)
    eph = rng.random(count) < 0.2
    seen = set()
    for j in range(count):  # make every (cpu, memory) pair distinct
        while (cpu[j], mem[j]) in seen:
            mem[j] += 1
        seen.add((int(cpu[j]), int(mem[j])))
    nodes = _placement(rng, count, bind_to)
    pods = []
    for j in range(count):
        team = TEAMS[j % len(TEAMS)]
        a = ARCHETYPES[arch[j]][1]
        name = f"{prefix}-{j:06d}-{_hex(rng, 3)}"
        pods.append(_pod(name, team, a, f"{cpu[j]}m", f"{mem[j]}Mi",
                         {"app": f"{prefix}-{arch[j]}", "team": team}, None, nodes[j], _uid(rng),
                         f"{int(cpu[j]) * 4}Mi" if eph[j] else None))
    return pods


CPU_STEPS = ("100m", "250m", "500m", "750m", "1", "1500m", "2", "4")
MEM_STEPS = ("128Mi", "256Mi", "512Mi", "768Mi", "1Gi", "2Gi", "4Gi", "8Gi")


def deployment_templates(deployments: int = 100, seed: int = 0) -> list:
    """``deployments`` templates: dict(name, namespace, archetype, cpu, memory, hash)."""
    rng = np.random.default_rng([seed, 3])
    out = []
    for d in range(deployments):
        team = TEAMS[d % len(TEAMS)]
        ci = min(int(rng.geometric(0.35)) - 1, len(CPU_STEPS) - 1)
        mi = min(max(ci + int(rng.integers(-1, 3)), 0), len(MEM_STEPS) - 1)
        out.append({"name": f"{team}-svc-{d:03d}", "namespace": team,
                    "archetype": int(rng.choice(len(ARCHETYPES), p=_ARCH_P)),
                    "cpu": CPU_STEPS[ci], "memory": MEM_STEPS[mi], "hash": _hex(rng, 5)[:10]})
    return out


# The ReplicaSet controller's pace (pkg/controller/replicaset/replica_set.go, kube-controller-manager
# defaults): a sync creates at most BurstReplicas pods, in slow-start batches of 1, 2, 4, ...
# (slowStartBatch, SlowStartInitialBatchSize = 1), and ConcurrentRSSyncs ReplicaSets sync at once.
BURST_REPLICAS = 500
CONCURRENT_RS_SYNCS = 5


def rollout_order(replicas: Sequence[int], seed: int = 0) -> np.ndarray:
    """The Deployment of each pod in arrival order when the Deployments are created together and the
    ReplicaSet controller creates their pods: CONCURRENT_RS_SYNCS workers take the ReplicaSets in
    order; a worker's sync creates up to BURST_REPLICAS pods in batches of 1, 2, 4, ...; a worker
    that finishes a ReplicaSet takes the next. Each round, every busy worker issues its next batch
    and the round's creations reach the scheduling queue in random order (concurrent requests through
    one rate-limited client)."""
    rng = np.random.default_rng([seed, 5])
    queue = [d for d, r in enumerate(replicas) if r > 0][::-1]
    left = {d: int(replicas[d]) for d in queue}
    workers: list = []  # [deployment, pods left in this sync, next batch size]
    out = []
    while queue or workers:
        while len(workers) < CONCURRENT_RS_SYNCS and queue:
            d = queue.pop()
            workers.append([d, min(left[d], BURST_REPLICAS), 1])
        round_ = []
        for w in workers:
            d, sync_left, batch = w
            b = min(batch, sync_left)
            round_ += [d] * b
            left[d] -= b
            w[1], w[2] = sync_left - b, 2 * batch
            if w[1] == 0 and left[d] > 0:  # the next sync of the same ReplicaSet starts slow again
                w[1], w[2] = min(left[d], BURST_REPLICAS), 1
        workers = [w for w in workers if left[w[0]] > 0]
        out += rng.permutation(round_).tolist()
    return np.array(out, dtype=np.int64)


def make_deployment_pods(count: int, deployments: int = 100, seed: int = 0,
                         bind_to: Optional[Sequence[str]] = None, interleave: bool = True,
                         order: Optional[str] = None) -> list:
    """``count`` replicas of ``deployments`` Deployments (Zipf-like replica counts, each at least 1
    when ``count >= deployments``). Arrival order: ``interleave`` mixes the Deployments uniformly
    (every order of the pods equally likely); otherwise replicas of one Deployment arrive together;
    ``order="rollout"`` is the ReplicaSet controller's order (:func:`rollout_order`)."""
    rng = np.random.default_rng([seed, 4])
    tpl = deployment_templates(deployments, seed)
    w = 1.0 / np.arange(1, deployments + 1) ** 0.8
    w /= w.sum()
    base = min(1, count // deployments)
    extra = rng.multinomial(count - base * deployments, w)
    which = np.repeat(np.arange(deployments), base + extra)
    if order == "rollout":
        which = rollout_order(base + extra, seed)
    elif interleave:
        rng.shuffle(which)
    nodes = _placement(rng, count, bind_to)
    pods = []
    for j, d in enumerate(which.tolist()):
        t = tpl[d]
        rs = f"{t['name']}-{t['hash']}"
        owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": f"rs-{t['hash']}",
                 "controller": True, "blockOwnerDeletion": True}
        name = f"{rs}-{_hex(rng, 4)[:5]}{j:06d}"
        pods.append(_pod(name, t["namespace"], ARCHETYPES[t["archetype"]][1], t["cpu"], t["memory"],
                         {"app": t["name"], "pod-template-hash": t["hash"]}, owner, nodes[j], _uid(rng)))
    return pods


def make_pods(kind: str, count: int, seed: int = 0, bind_to: Optional[Sequence[str]] = None) -> list:
    """``kind`` is ``"distinct"``, ``"replicas"`` (100 Deployments, uniformly interleaved in arrival
    order), ``"grouped"`` (the same Deployments, each one's replicas arriving together),
    ``"rollout"`` (the same Deployments in the ReplicaSet controller's order, :func:`rollout_order`)
    or ``"mixed"`` (half replicas, half distinct)."""
    if kind == "distinct":
        return make_distinct_pods(count, seed, bind_to)
    if kind == "replicas":
        return make_deployment_pods(count, 100, seed, bind_to)
    if kind == "grouped":
        return make_deployment_pods(count, 100, seed, bind_to, interleave=False)
    if kind == "rollout":
        return make_deployment_pods(count, 100, seed, bind_to, interleave=False, order="rollout")
    if kind == "mixed":
        half = count // 2
        return (make_deployment_pods(count - half, 100, seed, bind_to)
                + make_distinct_pods(half, seed, bind_to, prefix="batch"))
    raise ValueError(f"unknown pod kind {kind!r}")


def node_names(nodes: Sequence[dict]) -> list:
    return [n["metadata"]["name"] for n in nodes]


# ------------------------------------------------------------------------------------------ caches

@lru_cache(maxsize=8)
def cached_nodes(n: int, seed: int = 0) -> tuple:
    """Memoised :func:`make_nodes` (a tuple: treat the dicts as read-only)."""
    return tuple(make_nodes(n, seed))


@lru_cache(maxsize=8)
def cached_pods(kind: str, count: int, seed: int = 0, bound_nodes: int = 0) -> tuple:
    """Memoised :func:`make_pods`; ``bound_nodes > 0`` binds them to ``cached_nodes(bound_nodes, seed)``."""
    bind_to = node_names(cached_nodes(bound_nodes, seed)) if bound_nodes else None
    return tuple(make_pods(kind, count, seed + 1000, bind_to))


def background_pods(nodes: Sequence[dict], per_node: float = 2.0, seed: int = 0) -> list:
    """Bound pods that give nodes a varied starting utilisation (``per_node`` on average, half
    Deployment replicas, half distinct pods, nodes drawn uniformly)."""
    count = int(len(nodes) * per_node)
    return make_pods("mixed", count, seed + 2000, node_names(nodes)) if count else []


@lru_cache(maxsize=8)
def cached_background(n_nodes: int, seed: int = 0, per_node: float = 2.0) -> tuple:
    """Memoised :func:`background_pods` for ``cached_nodes(n_nodes, seed)``."""
    return tuple(background_pods(cached_nodes(n_nodes, seed), per_node, seed))


def pod_keys(pods: Sequence[dict]) -> list:
    """``namespace/name`` of each pod."""
    return [f"{p['metadata'].get('namespace') or 'default'}/{p['metadata']['name']}" for p in pods]


__all__ = ["make_nodes", "make_distinct_pods", "make_deployment_pods", "make_pods", "deployment_templates",
           "node_names", "pod_keys", "cached_nodes", "cached_pods", "cached_background", "background_pods",
           "ARCHETYPES", "APP_IMAGES"]
