from kschedule import _core
from kschedule.framework.status import Code


def test_python_and_cpp_status_codes_agree():
    assert dict(_core.STATUS_CODES) == {c.name: int(c) for c in Code}


def test_build_info_records_flags():
    info = _core.build_info
    assert info["cxx_std"] == "c++17"
    assert ("-O3" in info["flags"]) != info["debug"]
