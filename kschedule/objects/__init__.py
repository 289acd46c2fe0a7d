"""Kubernetes object model: quantities, selectors, taints, pod requests."""
