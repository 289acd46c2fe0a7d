"""String interning: every label key, label value, namespace, taint and resource name the columns
refer to is held once and referred to by a dense int32 id."""
from __future__ import annotations


class Interner:
    """Dense ids for strings (or any hashable), in first-seen order. Ids are never reused."""

    __slots__ = ("ids", "values")

    def __init__(self, initial=()):
        self.ids: dict = {}
        self.values: list = []
        for v in initial:
            self.intern(v)

    def intern(self, v) -> int:
        i = self.ids.get(v)
        if i is None:
            i = len(self.values)
            self.ids[v] = i
            self.values.append(v)
        return i

    def get(self, v, default: int = -1) -> int:
        return self.ids.get(v, default)

    def __getitem__(self, i: int):
        return self.values[i]

    def __len__(self) -> int:
        return len(self.values)

    def __contains__(self, v) -> bool:
        return v in self.ids

    def copy(self) -> "Interner":
        new = Interner()
        new.ids = dict(self.ids)
        new.values = list(self.values)
        return new


class LabelInterner:
    """Label keys to ids and, per key, label values to ids (value ids are per key)."""

    __slots__ = ("keys", "values")

    def __init__(self):
        self.keys = Interner()
        self.values: list = []  # per key id: Interner of values

    def key(self, k: str) -> int:
        i = self.keys.intern(k)
        if i == len(self.values):
            self.values.append(Interner())
        return i

    def pair(self, k: str, v: str) -> tuple:
        ki = self.key(k)
        return ki, self.values[ki].intern(v)

    def value_of(self, key_id: int, value_id: int) -> str:
        return self.values[key_id][value_id]

    def copy(self) -> "LabelInterner":
        new = LabelInterner()
        new.keys = self.keys.copy()
        new.values = [v.copy() for v in self.values]
        return new
