"""A discrete-event engine with no global state.

Events live in one heap ordered by (time, priority, sequence): equal timestamps replay in the same
order on every run (priority first, then the order they were scheduled in). The priorities put
what frees capacity before what uses it at the same instant.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

# Event priorities at one timestamp (lower first).
NODE_ADD = 0
POD_DELETE = 1
NODE_FAIL = 2
POD_ARRIVAL = 3
RETRY = 4
TICK = 5
POD_DELETE_AFTER_ARRIVAL = 6  # a pod deleted at the instant it arrives leaves after it arrived


@dataclass(order=True)
class Event:
    time: float
    priority: int
    seq: int
    kind: str = field(compare=False)
    payload: Any = field(compare=False, default=None)


class Engine:
    """The event heap and clock. Handlers are registered per event kind; a handler receives the
    engine and the list of events of that kind that share the next (time, priority)."""

    def __init__(self):
        self.heap: list = []
        self.seq = 0
        self.now = 0.0
        self.handlers: dict = {}
        self.processed = 0

    def on(self, kind: str, handler: Callable) -> None:
        self.handlers[kind] = handler

    def at(self, time: float, priority: int, kind: str, payload: Any = None) -> Event:
        if time != time:  # NaN
            raise ValueError("event time is NaN")
        ev = Event(float(time), priority, self.seq, kind, payload)
        self.seq += 1
        heapq.heappush(self.heap, ev)
        return ev

    def every(self, interval: float, callback: Callable, start: float = 0.0, until: Optional[float] = None,
              kind: str = "tick") -> None:
        """A controller tick: ``callback(engine)`` at ``start``, ``start + interval``, … (up to ``until``),
        after everything else scheduled at the same instant. Ticks stop when no other event is left, so
        a replay still ends."""
        if interval <= 0:
            raise ValueError("tick interval must be positive")

        def fire(eng, batch):
            for ev in batch:
                ev.payload(eng)
                nxt = ev.time + interval
                if (until is None or nxt <= until) and any(e.kind != kind for e in eng.heap):
                    eng.at(nxt, TICK, kind, ev.payload)

        if kind not in self.handlers:
            self.on(kind, fire)
        self.at(start, TICK, kind, callback)

    def peek_time(self) -> Optional[float]:
        return self.heap[0].time if self.heap else None

    def step(self) -> bool:
        """Process the events at the next (time, priority) of one kind as one batch; False when empty."""
        if not self.heap:
            return False
        first = heapq.heappop(self.heap)
        batch = [first]
        while self.heap and self.heap[0].time == first.time and self.heap[0].priority == first.priority \
                and self.heap[0].kind == first.kind:
            batch.append(heapq.heappop(self.heap))
        self.now = first.time
        handler = self.handlers.get(first.kind)
        if handler is None:
            raise KeyError(f"no handler for event kind {first.kind!r}")
        handler(self, batch)
        self.processed += len(batch)
        return True

    def run(self, until: Optional[float] = None, progress: bool = False) -> None:
        """Process events until the heap is empty or the next event is later than ``until``;
        ``progress`` shows a tqdm bar (the optional ``research`` extra) when tqdm is installed."""
        bar = None
        if progress:
            try:
                from tqdm import tqdm
                bar = tqdm(total=len(self.heap), unit="event")
            except ImportError:
                bar = None
        while self.heap and (until is None or self.heap[0].time <= until):
            before = self.processed
            self.step()
            if bar is not None:
                bar.total = max(bar.total, self.processed + len(self.heap))
                bar.update(self.processed - before)
        if bar is not None:
            bar.close()
        if until is not None and until > self.now:
            self.now = until
