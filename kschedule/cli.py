"""The ``kschedule`` command line.

    kschedule explain  --cluster C.yaml --pod P.yaml [--config S.yaml] [--seed N] [--percentage P] [-o table|json]
    kschedule schedule --cluster C.yaml --pods P.yaml [--config S.yaml] [--seed N] [--percentage P] [-o table|json]
    kschedule version
"""
from __future__ import annotations

import argparse
import json
import sys

from . import KUBERNETES_VERSION, __version__
from .errors import KScheduleError


def _percentage(text: str) -> int:
    try:
        p = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= p <= 100:
        raise argparse.ArgumentTypeError(f"{p} is not in the range 0-100")
    return p


def _profiles(args):
    from .framework.profile import Profiles
    return Profiles.from_config(args.config) if args.config else Profiles.default()


def _load_pods(path):
    from .objects.load import load_objects
    objs = [o for o in load_objects(path) if isinstance(o, dict) and o.get("kind", "Pod") == "Pod"]
    if not objs:
        raise KScheduleError(f"{path}: no Pod objects found")
    return objs


def _table(rows, header) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    return "\n".join(fmt.format(*map(str, r)).rstrip() for r in [header] + list(rows))


def cmd_explain(args) -> int:
    from .cluster import Cluster
    from .scheduler import Scheduler
    cluster = Cluster.load(args.cluster)
    profiles = _profiles(args)
    pods = _load_pods(args.pod)
    sched = Scheduler(cluster, profiles, seed=args.seed, percentage_of_nodes_to_score=args.percentage)
    if args.output == "table":
        _print_unimplemented(profiles)
    out = []
    for pod in pods:
        ex = sched.explain(pod)
        if args.output == "json":
            out.append({
                "pod": ex.pod, "selected": ex.selected, "message": ex.message, "warnings": ex.warnings,
                "filter": {n: {"code": s.code, "plugin": s.plugin, "reasons": list(s.reasons)} for n, s in ex.filter.items()},
                "scores": ex.scores, "total": ex.total,
            })
            continue
        plugins = []
        for d in ex.scores.values():
            for p in d:
                if p not in plugins:
                    plugins.append(p)
        rows = []
        for node, st in ex.filter.items():
            sc = ex.scores.get(node, {})
            rows.append([node, "ok" if st.is_success else f"{st.plugin}: {'; '.join(st.reasons)}"]
                        + [sc.get(p, "-") for p in plugins] + [ex.total.get(node, "-"),
                                                               "<--" if node == ex.selected else ""])
        print(f"pod {ex.pod}")
        print(_table(rows, ["NODE", "FILTER"] + plugins + ["TOTAL", ""]))
        print(f"selected: {ex.selected}" if ex.selected else f"unschedulable: {ex.message}")
        for w in ex.warnings:
            print(f"warning: {w}")
        print()
    if args.output == "json":
        print(json.dumps(out if len(out) > 1 else out[0], indent=2))
    return 0


def _print_unimplemented(profiles) -> None:
    for p in profiles.list:
        if p.unimplemented:
            print(f"profile {p.scheduler_name}: not implemented by kschedule yet (pods that need them are "
                  f"reported, not placed): {', '.join(p.unimplemented)}")
    print()


def cmd_schedule(args) -> int:
    from .cluster import Cluster
    from .scheduler import Scheduler
    cluster = Cluster.load(args.cluster)
    pods = _load_pods(args.pods)
    sched = Scheduler(cluster, _profiles(args), seed=args.seed, percentage_of_nodes_to_score=args.percentage)
    if args.output == "table":
        _print_unimplemented(sched.profiles)
    results = sched.schedule(pods)
    if args.output == "json":
        print(json.dumps([{"pod": r.pod, "node": r.node, "message": r.message} for r in results], indent=2))
        for w in results.warnings:  # stderr: stdout stays the JSON list
            print(f"warning: {w}", file=sys.stderr)
    else:
        print(_table([[r.pod, r.node or "-", r.message or ""] for r in results], ["POD", "NODE", "MESSAGE"]))
        placed = sum(1 for r in results if r.node)
        print(f"\n{placed}/{len(results)} pods placed")
        for w in results.warnings:
            print(f"warning: {w}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kschedule",
        description=f"Kubernetes-compatible scheduler engine (kube-scheduler {KUBERNETES_VERSION} semantics).")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp):
        sp.add_argument("--cluster", required=True, help="nodes and bound pods: YAML/JSON, kind: List, or a "
                        "`kubectl get nodes,pods -A -o yaml` dump")
        sp.add_argument("--config", help="KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1); "
                        "default: the upstream default profile")
        sp.add_argument("--seed", type=int, default=0, help="seed for tie-breaks among equal scores (default 0)")
        sp.add_argument("--percentage", type=_percentage, default=None,
                        help="percentageOfNodesToScore override, 0-100 (default: the config's; 0: upstream's "
                        "adaptive rule)")
        sp.add_argument("-o", "--output", choices=["table", "json"], default="table", help="output format")

    e = sub.add_parser("explain", help="per node filter status and per plugin scores for pod(s), no state change")
    common(e)
    e.add_argument("--pod", required=True, help="the pod(s) to explain (YAML/JSON)")
    e.set_defaults(func=cmd_explain)
    s = sub.add_parser("schedule", help="schedule pending pods in queue order and print placements")
    common(s)
    s.add_argument("--pods", required=True, help="pods to schedule (YAML/JSON, kind: List)")
    s.set_defaults(func=cmd_schedule)
    from .replay_cli import add_replay_parser
    add_replay_parser(sub)
    v = sub.add_parser("version", help="print versions")
    v.set_defaults(func=lambda a: print(f"kschedule {__version__} (Kubernetes {KUBERNETES_VERSION})") or 0)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KScheduleError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
