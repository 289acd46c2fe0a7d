"""Object metadata helpers shared by the Node and Pod parsers: names, labels, field access with paths."""
from __future__ import annotations

import re
from typing import Any, Mapping

from ..errors import FieldError

# DNS-1123 subdomain (metadata.name of nodes and pods), upstream
# apimachinery/pkg/util/validation/validation.go IsDNS1123Subdomain.
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def expect_mapping(value: Any, path: str, *, allow_none: bool = True) -> Mapping:
    if type(value) is dict:  # the common case; the abstract isinstance check is slow
        return value
    if value is None and allow_none:
        return {}
    if not isinstance(value, Mapping):
        raise FieldError(path, f"expected an object, got {type(value).__name__}")
    return value


def expect_list(value: Any, path: str) -> list:
    if type(value) is list:
        return value
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise FieldError(path, f"expected a list, got {type(value).__name__}")
    return value


def expect_str(value: Any, path: str, *, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            raise FieldError(path, "Required value")
        return ""
    if not isinstance(value, str):
        raise FieldError(path, f"expected a string, got {type(value).__name__}")
    return value


def expect_int(value: Any, path: str, default: int = 0) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(path, f"expected an integer, got {type(value).__name__}")
    return value


def validate_object_name(name: str, path: str = "metadata.name") -> None:
    if not name:
        raise FieldError(path, "Required value: name or generateName is required")
    if len(name) > 253 or not _DNS1123_SUBDOMAIN.match(name):
        raise FieldError(
            path,
            f'Invalid value: "{name}": a lowercase RFC 1123 subdomain must consist of lower case '
            "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        )


_label_cache: dict = {}


def validate_labels(labels: Any, path: str = "metadata.labels") -> Mapping[str, str]:
    """Upstream ValidateLabels: qualified-name keys, label values of at most 63 characters."""
    labels = expect_mapping(labels, path)
    for k, v in labels.items():
        if type(k) is str and type(v) is str and (k, v) in _label_cache:
            continue
        if not isinstance(k, str):
            raise FieldError(path, f"label key {k!r} is not a string")
        if not isinstance(v, str):
            raise FieldError(f"{path}.{k}" if "." not in k else f'{path}["{k}"]', f"label value {v!r} is not a string")
        if not _valid_qualified_name(k):
            raise FieldError(path, f'Invalid value: "{k}": name part must consist of alphanumeric characters, '
                             "'-', '_' or '.', and must start and end with an alphanumeric character")
        if len(v) > 63 or not _LABEL_VALUE.match(v):
            raise FieldError(path, f'Invalid value: "{v}": a valid label must be an empty string or consist of '
                             "alphanumeric characters, '-', '_' or '.', and must start and end with an "
                             "alphanumeric character")
        if len(_label_cache) < 1_000_000:
            _label_cache[(k, v)] = True
    return labels


def _valid_qualified_name(k: str) -> bool:
    prefix, sep, name = k.rpartition("/")
    if sep:
        if not prefix or len(prefix) > 253 or not _DNS1123_SUBDOMAIN.match(prefix):
            return False
    return 0 < len(name) <= 63 and bool(_LABEL_NAME.match(name))


def object_name(obj: Any, default_namespace: str = "") -> str:
    """Best-effort ``namespace/name`` for error messages, never raising."""
    try:
        md = obj.get("metadata") or {}
        name = md.get("name")
        if not name:
            return "<unnamed>"
        ns = md.get("namespace") or default_namespace
        return f"{ns}/{name}" if ns else str(name)
    except Exception:  # noqa: BLE001 - only for messages about already-bad input
        return "<unnamed>"
