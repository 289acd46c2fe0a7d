"""Bound pods whose inter-pod affinity terms reach the pods being scheduled.

Upstream's InterPodAffinity (``pkg/scheduler/framework/plugins/interpodaffinity``) looks at the pods
already on the nodes as well as at the incoming pod: Filter rejects the nodes in the topology domain
of an existing pod whose *required anti-affinity* term selects the incoming pod
(``filtering.go``, ``existingAntiAffinityCounts``), and Score adds the existing pods' *required
affinity* terms (times ``hardPodAffinityWeight``) and their *preferred affinity and anti-affinity*
terms that select it (``scoring.go``, ``processExistingPod``). A term selects a pod when the pod's
namespace is one of the term's namespaces (its ``namespaces`` list, else the existing pod's own
namespace; ``namespaceSelector`` adds namespaces by their labels) and its labels match the term's
``labelSelector`` (``nil`` selects nothing, ``{}`` everything).

kschedule does not implement the plugin yet, so a pending pod selected by such a term cannot be
placed exactly: :func:`selected_rows` finds those pods, and the scheduler reports them instead of
placing them (the pod's own affinity terms are caught at parse time, ``FEATURE_PLUGINS``). Where the
match cannot be decided here it errs towards "selected", so nothing is placed silently wrong:

* a ``namespaceSelector`` counts as selecting every namespace (namespace labels are not modelled);
* ``matchLabelKeys`` / ``mismatchLabelKeys`` are left out (they only narrow a term's selector);
* a term whose selector does not compile selects every pod.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..errors import FieldError
from ..objects.selectors import LabelSelector

PLUGIN = "InterPodAffinity"
MESSAGE = ("kschedule cannot schedule this pod exactly: pod(s) on the nodes have inter-pod affinity or "
           f"anti-affinity terms that select it, which needs plugin {PLUGIN}, not implemented yet")

_TERM_LISTS = (("podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", False),
               ("podAffinity", "requiredDuringSchedulingIgnoredDuringExecution", False),
               ("podAffinity", "preferredDuringSchedulingIgnoredDuringExecution", True),
               ("podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", True))


def bound_rows_with_terms(cluster) -> np.ndarray:
    """Rows of bound pods whose spec parse needs InterPodAffinity; empty without a pass over the pods
    when no spec does (``PodInfos.specs_needing``)."""
    t = cluster.pods
    ids = t.infos.specs_needing.get(PLUGIN)
    if not ids:
        return np.zeros(0, np.intp)
    spec = t.spec
    has = np.zeros(len(t.infos.specs), bool)
    has[ids] = True
    return np.flatnonzero(has[spec] & (spec >= 0) & (t.node >= 0))


def terms_of(cluster, rows: np.ndarray) -> list:
    """The distinct terms of the pods at ``rows``: (namespace names or None for every namespace,
    LabelSelector)."""
    t = cluster.pods
    out: dict = {}
    for r in rows.tolist():
        pi = t.infos[r]
        if pi.obj is None:  # terms unknown: taken as selecting every pod
            sel = LabelSelector.everything()
            out.setdefault((None, False, ()), (None, sel))
            continue
        aff = (pi.obj.get("spec") or {}).get("affinity") or {}
        for kind, when, weighted in _TERM_LISTS:
            for item in (aff.get(kind) or {}).get(when) or ():
                term = (item.get("podAffinityTerm") if weighted else item) if isinstance(item, dict) else None
                if not isinstance(term, dict):
                    continue
                if term.get("namespaceSelector") is not None:
                    namespaces = None
                else:
                    namespaces = tuple(sorted(set(term.get("namespaces") or ()))) or (pi.namespace,)
                try:
                    sel = LabelSelector.compile(term.get("labelSelector"))
                except FieldError:
                    sel = LabelSelector.everything()
                out.setdefault((namespaces, sel.matches_nothing, sel.requirements), (namespaces, sel))
    return list(out.values())


def selected_rows(cluster, rows: np.ndarray, terms: list) -> np.ndarray:
    """Per pod at ``rows``, whether some term selects it (vectorised over the pod label columns)."""
    t = cluster.pods
    labels = cluster.labels
    hit = np.zeros(len(rows), bool)
    ns_col = t.namespace[rows]
    for namespaces, sel in terms:
        if sel.matches_nothing:
            continue
        m = np.ones(len(rows), bool)
        if namespaces is not None:
            m &= np.isin(ns_col, [cluster.namespaces.get(ns) for ns in namespaces])  # -1: none of them
        for req in sel.requirements:
            k = labels.keys.get(req.key)  # -1: no pod or node has the key
            col = t.label_values[k, rows] if 0 <= k < t.K else np.full(len(rows), -1, np.int32)
            vals = [labels.values[k].get(x) for x in req.values] if k >= 0 else []  # -1 never matches a value
            present = col >= 0
            if req.operator == "In":
                m &= present & np.isin(col, vals)
            elif req.operator == "NotIn":
                m &= ~(present & np.isin(col, vals))
            elif req.operator == "Exists":
                m &= present
            elif req.operator == "DoesNotExist":
                m &= ~present
            if not m.any():
                break
        hit |= m
    return hit


def selects(terms: list, namespace: str, labels) -> bool:
    """Whether some term selects one pod (namespace and labels): selected_rows for a pod outside the
    pod table (explain)."""
    return any(not sel.matches_nothing and (namespaces is None or namespace in namespaces) and sel.matches(labels)
               for namespaces, sel in terms)
