"""Parsing and validation of ``v1.Node`` into what the scheduler reads.

Allocatable defaults to capacity when the object has none (upstream apiserver
``SetDefaults_NodeStatus``, ``pkg/apis/core/v1/defaults.go``). CPU is held in millicores
(``MilliValue``), every other resource in ``Value()`` units, as the scheduler's ``framework.Resource``.
"""
from __future__ import annotations

import marshal
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from ..errors import FieldError, InvalidObject
from .meta import (_DNS1123_SUBDOMAIN, _label_cache, expect_list, expect_mapping, expect_str, object_name,
                   validate_labels, validate_object_name)
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
    ni = _parse_common(obj)
    if ni is not None:
        return ni
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


# Nodes of a cluster repeat a few instance types (allocatable lists), taint lists and images (each
# image entry on many nodes): each distinct one is parsed once. Keys hold only exact str values (and
# int sizes), so equal keys mean equal inputs (no 1 == 1.0 == True collisions).
_RESOURCE_LISTS: dict = {}  # tuple(items) -> parsed dict
_TAINT_LISTS: dict = {}  # marshal of the list -> tuple of Taint
_IMAGES: dict = {}  # (names tuple, size) -> NodeImage
_CACHE_MAX = 100_000
_name_ok = _DNS1123_SUBDOMAIN.match


def _cached_resource_list(rl: Any, path: str) -> dict:
    if type(rl) is dict:
        key = tuple(rl.items())
        hit = _RESOURCE_LISTS.get(key)
        if hit is not None:
            return dict(hit)
        out = parse_resource_list(rl, path)
        if all(type(k) is str and type(v) is str for k, v in key):
            if len(_RESOURCE_LISTS) >= _CACHE_MAX:
                _RESOURCE_LISTS.clear()
            _RESOURCE_LISTS[key] = dict(out)
        return out
    return parse_resource_list(rl, path)


def _parse_common(obj: Any) -> Optional[NodeInfo]:
    # The short path for well-formed nodes: the checks of _parse_node written for the common types,
    # with the caches above. It returns None for anything else, and _parse_node then gives the exact
    # error (or parses the unusual shape), so the two agree on every input.
    try:
        if type(obj) is not dict:
            return None
        kind = obj.get("kind")
        md, spec, status = obj.get("metadata"), obj.get("spec"), obj.get("status")
        if (kind is not None and kind != "Node") or type(md) is not dict:
            return None
        if spec is None:
            spec = {}
        if status is None:
            status = {}
        if type(spec) is not dict or type(status) is not dict:
            return None
        name = md.get("name")
        if type(name) is not str or not name or len(name) > 253 or not _name_ok(name):
            return None
        # Inlined (also in the other object kind's short path): a call per object costs ~0.1 s at 300k.
        labels = md.get("labels")
        if labels is None:
            labels = {}
        elif type(labels) is not dict:
            return None
        else:
            for kv in labels.items():
                if kv not in _label_cache:  # keys there are (str, str): a hit implies valid types
                    validate_labels(labels)
                    break
        unsched = spec.get("unschedulable", False)
        if unsched is None:
            unsched = False
        if type(unsched) is not bool:
            return None
        raw_taints = spec.get("taints")
        taints = ()
        if raw_taints is not None:
            if type(raw_taints) is not list:
                return None
            if raw_taints:
                key = marshal.dumps(raw_taints)
                taints = _TAINT_LISTS.get(key)
                if taints is None:
                    validate_taints(raw_taints, "spec.taints")
                    taints = tuple(map(parse_taint, raw_taints))
                    if len(_TAINT_LISTS) >= _CACHE_MAX:
                        _TAINT_LISTS.clear()
                    _TAINT_LISTS[key] = taints
        alloc_raw = status.get("allocatable")
        if alloc_raw is None:
            alloc = _cached_resource_list(status.get("capacity"), "status.capacity")
        else:
            _cached_resource_list(status.get("capacity"), "status.capacity")
            alloc = _cached_resource_list(alloc_raw, "status.allocatable")
        images = ()
        raw_images = status.get("images")
        if raw_images is not None:
            if type(raw_images) is not list:
                return None
            images = []
            for im in raw_images:
                if type(im) is not dict:
                    return None
                names = im.get("names")
                size = im.get("sizeBytes", 0) or 0
                if type(names) is not list or type(size) is not int:
                    return None
                key = (tuple(names), size)
                ni = _IMAGES.get(key)
                if ni is None:
                    if size < 0 or not all(type(n) is str for n in names):
                        return None
                    if len(_IMAGES) >= _CACHE_MAX:
                        _IMAGES.clear()
                    ni = _IMAGES[key] = NodeImage(key[0], size)
                images.append(ni)
            images = tuple(images)
        ready = True
        conds = status.get("conditions")
        if conds is not None:
            if type(conds) is not list:
                return None
            for c in conds:
                if type(c) is not dict:
                    return None
                if c.get("type") == "Ready":
                    ready = c.get("status") == "True"
        gpu_count, gpu_model = node_gpus(alloc, labels)
    except (FieldError, TypeError, ValueError):  # TypeError: unhashable; ValueError: unmarshallable
        return None
    return NodeInfo(name, dict(labels), alloc, taints, unsched, images, ready, obj, gpu_count, gpu_model)


__all__ = ["NodeInfo", "NodeImage", "parse_node", "parse_resource_list", "resource_amount", "Taint", "InvalidObject"]
