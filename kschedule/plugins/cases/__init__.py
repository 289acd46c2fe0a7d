"""Upstream test tables ported as plain data (Kubernetes dicts, args, expected statuses and scores).

Each module holds the cases of a group of plugins so that the Python references and the C++ engine can
be run against the same upstream expectations.
"""
