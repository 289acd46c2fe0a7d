"""A ``kubectl get nodes,pods -A -o yaml`` (or JSON, or multi-document YAML) dump as a replay start state.

A thin wrapper over :meth:`kschedule.Cluster.load`: nodes, bound pods (``spec.nodeName``) and pending
pods become the cluster; invalid objects raise ``InvalidObject`` and nothing is loaded.
"""
from __future__ import annotations


def load_kubectl_snapshot(path):
    """Load a ``kubectl get -o yaml|json`` dump (path or text) into a :class:`kschedule.Cluster`."""
    from ..cluster import Cluster

    return Cluster.load(path)
