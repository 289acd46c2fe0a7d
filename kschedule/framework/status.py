"""Upstream framework status codes (``pkg/scheduler/framework/interface.go``, ``type Code``).

The C++ core has the same enum (``csrc/status.hpp``); ``tests/test_status.py`` checks they agree.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Code(enum.IntEnum):
    Success = 0
    Error = 1
    Unschedulable = 2
    UnschedulableAndUnresolvable = 3
    Wait = 4
    Skip = 5
    Pending = 6


@dataclass(frozen=True)
class Status:
    """Result of one plugin (or of the whole filter chain) for one node.

    ``code`` is the upstream code name (a str, e.g. ``"Unschedulable"``), ``plugin`` the plugin that
    produced it (empty on success), ``reasons`` the upstream reason strings.
    """

    code: str = "Success"
    plugin: str = ""
    reasons: tuple = field(default_factory=tuple)

    @property
    def is_success(self) -> bool:
        return self.code == "Success"

    def __repr__(self) -> str:
        if self.is_success:
            return "Status(Success)"
        return f"Status({self.code}, {self.plugin}, {list(self.reasons)})"


SUCCESS = Status()
