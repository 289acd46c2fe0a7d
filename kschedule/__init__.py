"""kschedule: a Kubernetes-compatible scheduling and autoscaling engine.

A C++17 core (``kschedule._core``) evaluates scheduler predicates and scores over struct-of-arrays
node state; this package parses Kubernetes objects, holds the cluster state and drives the core.
"""
from __future__ import annotations

#: The Kubernetes release whose behaviour kschedule reproduces. Where upstream changed behaviour
#: between releases, kschedule follows this one (see docs in each plugin module).
KUBERNETES_VERSION = "v1.34"

from . import errors  # noqa: E402
from .errors import InvalidObject, FieldError, InvalidConfig  # noqa: E402

__all__ = ["KUBERNETES_VERSION", "errors", "InvalidObject", "FieldError", "InvalidConfig"]
__version__ = "0.1.0"


def __getattr__(name):
    # Lazy imports keep ``import kschedule`` cheap and avoid import cycles between modules.
    if name == "Cluster":
        from .cluster import Cluster
        return Cluster
    if name in ("Profile", "Profiles", "PluginRegistry"):
        from .framework import profile
        return getattr(profile, name)
    if name in ("Scheduler",):
        from .scheduler import Scheduler
        return Scheduler
    if name in ("objects", "config", "framework", "plugins", "cluster", "scheduler"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'kschedule' has no attribute {name!r}")
