"""Simulation: a discrete-event engine and trace replays (timeline mode with arrivals and departures;
the FGD paper's arrival-only mode lives in :mod:`kschedule.gpu.replay`)."""
from .engine import Engine, Event
from .timeline import GpuTimeline, TimelineResult, timeline_replay

__all__ = ["Engine", "Event", "GpuTimeline", "TimelineResult", "timeline_replay"]
from .kube import KubeTimeline, KubeTimelineResult, TimedPod, kube_timeline_replay, nodes_from_node_list, \
    timed_pods_from_pod_list  # noqa: E402

__all__ += ["KubeTimeline", "KubeTimelineResult", "TimedPod", "kube_timeline_replay", "nodes_from_node_list",
            "timed_pods_from_pod_list"]
