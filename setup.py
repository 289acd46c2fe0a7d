"""Builds the one extension, ``kschedule._core``, from ``csrc/``.

Environment switches (recorded in ``kschedule._core.build_info``):
  KSCHEDULE_NATIVE=1  add -march=native
  KSCHEDULE_DEBUG=1   build -O0 -g instead of -O3
"""
import os
import glob
import json

from setuptools import setup
from pybind11.setup_helpers import Pybind11Extension, build_ext

debug = os.environ.get("KSCHEDULE_DEBUG") == "1"
native = os.environ.get("KSCHEDULE_NATIVE") == "1"

flags = ["-O0", "-g"] if debug else ["-O3"]
if native:
    flags.append("-march=native")
# -ffp-contract=off: no FMA fusion, so float formulas (BalancedAllocation) round exactly as Go on amd64.
# -fno-trapping-math -fno-math-errno: value-preserving (no FP traps are enabled and errno is never
# read), and they let the compiler vectorise the compare-select and sqrt loops of csrc/dense.cpp.
# -fno-wrapv: Python's own CFLAGS (which setuptools passes first) carry -fwrapv; without it the
# compiler may assume int loop indices do not overflow, which the kernels' loops rely on to vectorise
# and unroll (about 15% fewer instructions in csrc/dense.cpp). No code here relies on signed wrap-around.
flags += ["-Wall", "-Wextra", "-Wno-unused-parameter", "-ffp-contract=off", "-fno-trapping-math",
          "-fno-math-errno", "-fno-wrapv"]

build_info = {"cxx_std": "c++17", "flags": flags, "debug": debug, "native": native}

sources = sorted(glob.glob("csrc/*.cpp")) + sorted(glob.glob("csrc/bindings/*.cpp"))

ext = Pybind11Extension(
    "kschedule._core",
    sources,
    include_dirs=["csrc"],
    cxx_std=17,
    extra_compile_args=flags,
    define_macros=[("KSCHEDULE_BUILD_INFO", json.dumps(json.dumps(build_info)))],
)

setup(ext_modules=[ext], cmdclass={"build_ext": build_ext})
