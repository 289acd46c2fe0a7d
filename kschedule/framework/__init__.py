"""Scheduling framework: status codes, plugin registry, profiles and the runtime."""
