"""Pausing Python's cyclic garbage collector around bulk work.

Loading and scheduling create many small acyclic objects while the process holds a large object
graph (the Kubernetes objects a cluster keeps). Each full collection walks that whole graph, which
can cost more than the work itself; the collector is paused for the call and restored after.
"""
from __future__ import annotations

import functools
import gc
from contextlib import contextmanager


@contextmanager
def paused_gc():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_gc(fn):
    """Decorator: run ``fn`` with the cyclic collector paused."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with paused_gc():
            return fn(*args, **kwargs)
    return wrapper
