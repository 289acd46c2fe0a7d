"""Reading Kubernetes objects from dicts, JSON, multi-document YAML, ``kind: List`` and kubectl dumps."""
from __future__ import annotations

import json
import os
from typing import Any, Iterable, Mapping

import yaml

from ..errors import InvalidObject

try:  # the C loader is ~10x faster on large dumps
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pyyaml without libyaml
    _Loader = yaml.SafeLoader


def read_documents(src: Any) -> list:
    """Documents of ``src``: a path, YAML/JSON text, a dict, or a list of dicts."""
    if isinstance(src, Mapping):
        return [src]
    if isinstance(src, (list, tuple)):
        return list(src)
    if isinstance(src, os.PathLike) or (isinstance(src, str) and "\n" not in src and os.path.exists(src)):
        path = os.fspath(src)
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
        where = path
    elif isinstance(src, str):
        if "\n" not in src and (src.endswith((".yaml", ".yml", ".json"))):
            raise InvalidObject("file", src, "", "no such file")
        text, where = src, "<text>"
    else:
        raise InvalidObject("input", type(src).__name__, "", "expected a path, YAML/JSON text, a dict or a list of dicts")
    stripped = text.lstrip()
    try:
        if stripped.startswith(("{", "[")):
            docs = json.loads(text)
            docs = docs if isinstance(docs, list) else [docs]
        else:
            docs = []
            for d in yaml.load_all(text, Loader=_Loader):
                if isinstance(d, list):  # a YAML document that is a list of objects, like a JSON array
                    docs.extend(d)
                elif d is not None:
                    docs.append(d)
    except (yaml.YAMLError, json.JSONDecodeError) as e:
        raise InvalidObject("file", where, "", f"cannot parse: {e}") from None
    return docs


def flatten_objects(docs: Iterable[Any]) -> list:
    """Expand ``kind: List`` (and ``*List`` kinds such as ``PodList``) into their items, in order."""
    out = []
    for i, d in enumerate(docs):
        if not isinstance(d, Mapping):
            raise InvalidObject("document", str(i), "", f"expected an object, got {type(d).__name__}")
        kind = d.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and "items" in d:
            items = d.get("items") or []
            if not isinstance(items, list):
                raise InvalidObject(kind, str(i), "items", "expected a list")
            item_kind = kind[:-4] if kind != "List" else None
            for it in items:
                if item_kind and isinstance(it, Mapping) and "kind" not in it:
                    it = {**it, "kind": item_kind}
                out.append(it)
        else:
            out.append(d)
    return out


def load_objects(src: Any) -> list:
    """All objects in ``src`` (see :func:`read_documents`), lists flattened."""
    return flatten_objects(read_documents(src))
