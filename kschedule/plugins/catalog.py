"""The plugin catalog: which plugins exist and which extension points each implements.

Mirrors upstream ``runtime.Registry`` (``pkg/scheduler/framework/runtime/registry.go``) as far as
configuration needs it: multiPoint expansion asks whether a plugin implements an extension point
(upstream does this with Go interface assertions), and profiles may only name registered plugins.

A catalog is an object (no module-level mutable state): :meth:`PluginCatalog.default` builds a fresh
one holding the in-tree plugins of :mod:`kschedule.plugins.names`; research plugins are added to a
catalog with :meth:`PluginCatalog.register_out_of_tree` and then take part in multiPoint expansion.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from ..errors import InvalidConfig
from . import names

_BY_LOWER = {ep.lower(): ep for ep in names.ALL_EXTENSION_POINTS}


def _canonical_point(point: str) -> str:
    if not isinstance(point, str) or point.lower() not in _BY_LOWER:
        raise InvalidConfig("", f"unknown extension point {point!r}; known: "
                                + ", ".join(names.ALL_EXTENSION_POINTS))
    return _BY_LOWER[point.lower()]


class PluginCatalog:
    """Plugin name -> implemented extension points (+ whether it normalizes scores)."""

    def __init__(self, plugins: Mapping[str, Iterable[str]] | None = None,
                 score_extensions: Iterable[str] = ()):
        self._points: dict[str, frozenset[str]] = {}
        self._normalize: set[str] = set()
        self._out_of_tree: set[str] = set()
        for name, points in (plugins or {}).items():
            self._points[name] = frozenset(_canonical_point(p) for p in points)
        self._normalize.update(score_extensions)

    @classmethod
    def default(cls) -> "PluginCatalog":
        """A new catalog with the v1.34 in-tree plugins."""
        return cls(names.EXTENSION_POINTS, names.SCORE_EXTENSIONS)

    def copy(self) -> "PluginCatalog":
        new = PluginCatalog()
        new._points = dict(self._points)
        new._normalize = set(self._normalize)
        new._out_of_tree = set(self._out_of_tree)
        return new

    def register_out_of_tree(self, name: str, extension_points: Iterable[str], *,
                             normalize_score: bool = False) -> None:
        """Register a plugin implemented outside the tree (e.g. a Python research plugin).

        ``extension_points`` uses framework names (``"Filter"``, ``"Score"``…; config spelling such
        as ``"preFilter"`` is accepted). Like upstream ``Registry.Register``, a name can only be
        registered once.
        """
        if not isinstance(name, str) or not name:
            raise InvalidConfig("", "plugin name must be a non-empty string")
        if name in self._points:
            raise InvalidConfig("", f"a plugin named {name} already exists")
        if isinstance(extension_points, str):
            extension_points = [extension_points]
        points = frozenset(_canonical_point(p) for p in extension_points)
        self._points[name] = points
        self._out_of_tree.add(name)
        if normalize_score:
            self._normalize.add(name)

    def unregister(self, name: str) -> None:
        """Remove an out-of-tree plugin (upstream ``Registry.Unregister``)."""
        if name not in self._out_of_tree:
            raise InvalidConfig("", f"no plugin named {name} exists")
        del self._points[name]
        self._out_of_tree.discard(name)
        self._normalize.discard(name)

    def __contains__(self, name: object) -> bool:
        return name in self._points

    def has(self, name: str) -> bool:
        return name in self._points

    def extension_points(self, name: str) -> frozenset[str]:
        return self._points[name]

    def implements(self, name: str, point: str) -> bool:
        return point in self._points.get(name, frozenset())

    def normalizes_score(self, name: str) -> bool:
        return name in self._normalize

    def is_out_of_tree(self, name: str) -> bool:
        return name in self._out_of_tree

    def names(self) -> list[str]:
        return sorted(self._points)
