"""Where trace files are found.

Shipped files (the openb node lists and default pod list) live in two places:
``kschedule/traces/data/<trace>/<file>.gz`` inside the installed package (looked at first; works for
wheels and non-editable installs) and ``traces/<trace>/<file>`` at the root of a repository checkout
(byte-identical copies of the origin, with ``traces/README.md`` giving provenance and licence).

Files that are not shipped (the openb pod-list variants) are looked up in ``$KSCHEDULE_TRACES``
(one or more directories separated by ``os.pathsep``), then in
``../shared/traces/alibaba-gpu-v2023-openb/variants/`` next to the repository checkout.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import KScheduleError

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
REPO_ROOT = Path(__file__).resolve().parents[2]
REPO_TRACES = REPO_ROOT / "traces"
SHARED_OPENB = REPO_ROOT.parent / "shared" / "traces" / "alibaba-gpu-v2023-openb"

OPENB_ORIGIN = ("https://github.com/alibaba/clusterdata/tree/master/cluster-trace-gpu-v2023/csv "
                "(also https://github.com/hkust-adsl/kubernetes-scheduler-simulator data/csv)")


class TraceFileNotFound(KScheduleError, FileNotFoundError):
    """A trace file that is neither shipped nor found in the search path."""


def _candidates(name: str):
    yield name
    if not name.endswith(".gz"):
        yield name + ".gz"


def bundled_path(name: str) -> Path:
    """Path of a shipped trace file, e.g. ``bundled_path("openb/openb_pod_list_default.csv")``.

    A bare file name (``"openb_pod_list_default.csv"``) is also accepted for the openb files. The
    packaged gzip copy is preferred; the repository's ``traces/`` folder is the fallback.
    """
    rel = name if "/" in name else f"openb/{name}"
    for base in (PACKAGE_DATA, REPO_TRACES):
        for cand in _candidates(rel):
            p = base / cand
            if p.is_file():
                return p
    raise TraceFileNotFound(
        f"trace file {name!r} is not shipped with this installation (looked in {PACKAGE_DATA} and {REPO_TRACES})")


def search_dirs() -> list:
    """Directories searched for trace files that are not shipped, in order."""
    dirs = []
    env = os.environ.get("KSCHEDULE_TRACES", "")
    for d in env.split(os.pathsep):
        if d:
            base = Path(d)
            dirs += [base, base / "alibaba-gpu-v2023-openb", base / "alibaba-gpu-v2023-openb" / "variants",
                     base / "openb"]
    dirs += [SHARED_OPENB / "variants", SHARED_OPENB]
    return dirs


def find_openb_pod_list(workload: str) -> Path:
    """The openb pod list file for ``workload`` (shipped, or found in the search path)."""
    fname = f"openb_pod_list_{workload}.csv"
    try:
        return bundled_path(f"openb/{fname}")
    except TraceFileNotFound:
        pass
    dirs = search_dirs()
    for d in dirs:
        for cand in _candidates(fname):
            p = d / cand
            if p.is_file():
                return p
    raise TraceFileNotFound(
        f"openb workload {workload!r}: {fname} (or {fname}.gz) is not shipped with kschedule and was not "
        f"found in {', '.join(str(d) for d in dirs)}. Download it from {OPENB_ORIGIN} and put it in a "
        f"directory named by the KSCHEDULE_TRACES environment variable, or pass its path.")
