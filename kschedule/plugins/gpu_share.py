"""GPU sharing plugins for any profile: the FGD artifact's out-of-tree plugins.

``Open-Gpu-Share`` (Filter): a pod asking GPUs (``kschedule.objects.gpu`` annotations) needs a node of
an allowed model with devices that can host it (docs/fgd.md §5). Score plugins, as named in the
artifact's scheduler configurations: ``RandomScore``, ``DotProductScore``, ``GpuClusteringScore``,
``GpuPackingScore``, ``BestFitScore`` (min-max normalized over the feasible nodes) and ``FGDScore``
(docs/fgd.md §6). The devices a placed pod takes follow the artifact's ``gpuSelMethod``: the
FGD score's choice when FGDScore has the highest weight, a random fitting device for RandomScore,
otherwise the tightest fitting device ("best"). Evaluated in the C++ batch kernel
(``csrc/gpu.cpp``); Python reference: :mod:`kschedule.gpu.reference`.

A profile using them, e.g. the paper's FGD profile::

    profiles:
    - schedulerName: fgd
      plugins:
        multiPoint: {enabled: [{name: Open-Gpu-Share}, {name: FGDScore, weight: 1000}]}
"""
from __future__ import annotations

FILTER = "Open-Gpu-Share"
SCORES = {"RandomScore": 0, "DotProductScore": 1, "GpuClusteringScore": 2, "GpuPackingScore": 3,
          "BestFitScore": 4, "FGDScore": 5}
POLICY_PLUGIN = {"Random": "RandomScore", "DotProduct": "DotProductScore", "GpuClustering": "GpuClusteringScore",
                 "GpuPacking": "GpuPackingScore", "BestFit": "BestFitScore", "FGD": "FGDScore"}
NAMES = (FILTER,) + tuple(SCORES)
REASON = "node(s) didn't have enough free GPU of an allowed model"


def extension_points(name: str) -> frozenset:
    if name == FILTER:
        return frozenset({"Filter"})
    if name == "RandomScore":
        return frozenset({"PreScore", "Score"})
    return frozenset({"Score"})


def register(catalog) -> None:
    for name in NAMES:
        catalog.register_out_of_tree(name, extension_points(name), normalize_score=(name == "BestFitScore"))
