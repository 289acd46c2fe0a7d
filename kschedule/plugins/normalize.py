"""Score normalization helpers shared by score plugins.

Upstream: ``pkg/scheduler/framework/plugins/helper/normalize_score.go`` (``DefaultNormalizeScore``),
used by TaintToleration (``reverse=True``) and NodeAffinity (``reverse=False``) with
``maxPriority = framework.MaxNodeScore = 100``.

Formula (Go ``int64``; inputs are non-negative)::

    max = max(0, max(scores))
    max == 0:  reverse -> every score = maxPriority;  forward -> scores unchanged (all 0)
    else:      s' = maxPriority * s / max   (integer division, truncating toward zero)
               reverse -> s' = maxPriority - s'

The normalization depends on the maximum over the scored (feasible) nodes, so a cached raw score stays
valid while its normalized value does not (see DESIGN.md §2a).
"""
from __future__ import annotations

from typing import Iterable

from .base import MAX_NODE_SCORE

__all__ = ["go_div", "default_normalize_score"]


def go_div(a: int, b: int) -> int:
    """Go integer division: the quotient truncated toward zero (Python's ``//`` floors)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def default_normalize_score(scores: Iterable[int], reverse: bool = False,
                            max_priority: int = MAX_NODE_SCORE) -> list[int]:
    """``helper.DefaultNormalizeScore(maxPriority, reverse, scores)``; returns a new list."""
    scores = [int(s) for s in scores]
    max_count = 0  # upstream starts from 0, so all-negative input counts as "max == 0"
    for s in scores:
        if s > max_count:
            max_count = s
    if max_count == 0:
        return [max_priority] * len(scores) if reverse else scores
    out = []
    for s in scores:
        s = go_div(max_priority * s, max_count)
        out.append(max_priority - s if reverse else s)
    return out
