"""Parsing and validation of ``v1.Node`` into what the scheduler reads.

Allocatable defaults to capacity when the object has none (upstream apiserver
``SetDefaults_NodeStatus``, ``pkg/apis/core/v1/defaults.go``). CPU is held in millicores
(``MilliValue``), every other resource in ``Value()`` units, as the scheduler's ``framework.Resource``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import FieldError, InvalidObject
from .meta import expect_list, expect_mapping, expect_str, object_name, validate_labels, validate_object_name
from .quantity import milli_value, value
from .taints import Taint, parse_taint, validate_taints
from .gpu import node_gpus


def resource_amount(name: str, q: Any) -> int:
    """A quantity in the scheduler's unit for resource ``name``: millicores for cpu, Value() otherwise."""
    return milli_value(q) if name == "cpu" else value(q)


def parse_resource_list(rl: Any, path: str) -> dict[str, int]:
    rl = expect_mapping(rl, path)
    out = {}
    for k, q in rl.items():
        if not isinstance(k, str) or not k:
            raise FieldError(path, f"resource name {k!r} is not a non-empty string")
        try:
            out[k] = resource_amount(k, q)
        except FieldError as e:
            raise e.prefixed(f"{path}.{k}") from None
        if out[k] < 0:  # ValidateResourceQuantityValue
            raise FieldError(f"{path}.{k}", f'Invalid value: "{q}": must be greater than or equal to 0')
    return out


@dataclass(frozen=True)
class NodeImage:
    names: tuple
    size_bytes: int


@dataclass
class NodeInfo:
    """What the scheduler reads of one Node."""

    name: str
    labels: Mapping[str, str]
    allocatable: dict  # resource name -> int
    taints: tuple  # of Taint
    unschedulable: bool
    images: tuple  # of NodeImage
    ready: bool
    obj: Mapping  # the object as given (kept by reference)
    gpu_count: int = 0  # GPU-sharing devices (kschedule.objects.gpu)
    gpu_model: str = ""


def parse_node(obj: Any) -> NodeInfo:
    """Validate a Node object; raise InvalidObject naming the node and field on any problem."""
    name = object_name(obj)
    try:
        return _parse_node(obj)
    except FieldError as e:
        raise e.at("Node", name) from None


def _parse_node(obj: Any) -> NodeInfo:
    obj = expect_mapping(obj, "", allow_none=False)
    kind = obj.get("kind")
    if kind is not None and kind != "Node":
        raise FieldError("kind", f'expected "Node", got {kind!r}')
    md = expect_mapping(obj.get("metadata"), "metadata")
    name = expect_str(md.get("name"), "metadata.name", required=True)
    validate_object_name(name)
    labels = validate_labels(md.get("labels"))
    spec = expect_mapping(obj.get("spec"), "spec")
    status = expect_mapping(obj.get("status"), "status")
    unsched = spec.get("unschedulable", False)
    if unsched is None:
        unsched = False
    if not isinstance(unsched, bool):
        raise FieldError("spec.unschedulable", f"expected a boolean, got {type(unsched).__name__}")
    raw_taints = expect_list(spec.get("taints"), "spec.taints")
    validate_taints(raw_taints, "spec.taints")
    taints = []
    for i, t in enumerate(raw_taints):
        try:
            taints.append(parse_taint(t))
        except FieldError as e:
            raise e.prefixed(f"spec.taints[{i}]") from None
    alloc_raw = status.get("allocatable")
    if alloc_raw is None:
        alloc_raw = status.get("capacity")
        alloc = parse_resource_list(alloc_raw, "status.capacity")
    else:
        parse_resource_list(status.get("capacity"), "status.capacity")
        alloc = parse_resource_list(alloc_raw, "status.allocatable")
    images = []
    for i, im in enumerate(expect_list(status.get("images"), "status.images")):
        p = f"status.images[{i}]"
        im = expect_mapping(im, p)
        names = tuple(expect_str(n, f"{p}.names[{j}]") for j, n in enumerate(expect_list(im.get("names"), f"{p}.names")))
        size = im.get("sizeBytes", 0) or 0
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise FieldError(f"{p}.sizeBytes", f"expected a non-negative integer, got {size!r}")
        images.append(NodeImage(names, size))
    ready = True
    for i, c in enumerate(expect_list(status.get("conditions"), "status.conditions")):
        c = expect_mapping(c, f"status.conditions[{i}]")
        if c.get("type") == "Ready":
            ready = c.get("status") == "True"
    gpu_count, gpu_model = node_gpus(alloc, labels)
    return NodeInfo(name, dict(labels), alloc, tuple(taints), unsched, tuple(images), ready, obj, gpu_count, gpu_model)


__all__ = ["NodeInfo", "NodeImage", "parse_node", "parse_resource_list", "resource_amount", "Taint", "InvalidObject"]
