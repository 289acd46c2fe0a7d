"""Errors raised by kschedule.

Every problem with user input raises :class:`InvalidObject` (a ``ValueError``) or a subclass, whose
message names the object and the field path, e.g.::

    Pod default/web-1: spec.containers[0].resources.requests.cpu: invalid quantity "1.5.0"

Low-level validators that do not know which object they are looking at raise :class:`FieldError`
(path relative to the value they were given); the caller that knows the object turns it into an
:class:`InvalidObject` with :meth:`FieldError.at`, prefixing its own path.
"""
from __future__ import annotations


class KScheduleError(Exception):
    """Base class of every kschedule error."""


class FieldError(KScheduleError, ValueError):
    """A bad value at ``field`` (a JSON-path-like string such as ``spec.containers[0].image``)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)

    def prefixed(self, prefix: str) -> "FieldError":
        """The same error with ``prefix`` put in front of the field path."""
        if not prefix:
            return self
        if not self.field:
            field = prefix
        elif self.field.startswith("["):
            field = prefix + self.field
        else:
            field = prefix + "." + self.field
        return FieldError(field, self.message)

    def at(self, kind: str, name: str, prefix: str = "") -> "InvalidObject":
        err = self.prefixed(prefix)
        return InvalidObject(kind, name, err.field, err.message)


class InvalidObject(KScheduleError, ValueError):
    """An invalid Kubernetes object, configuration or trace row.

    Attributes: ``kind`` (``Pod``, ``Node``, ``KubeSchedulerConfiguration``, ``trace row`` …),
    ``name`` (``namespace/name`` for namespaced objects, or a row number), ``field`` (path inside
    the object, may be empty) and ``message``.
    """

    def __init__(self, kind: str, name: str, field: str, message: str):
        self.kind = kind
        self.name = name
        self.field = field
        self.message = message
        where = f"{kind} {name}" if name else kind
        text = f"{where}: {field}: {message}" if field else f"{where}: {message}"
        super().__init__(text)


class InvalidConfig(InvalidObject):
    """An invalid KubeSchedulerConfiguration (or profile / plugin arguments)."""

    def __init__(self, field: str, message: str, name: str = ""):
        super().__init__("KubeSchedulerConfiguration", name, field, message)


class UnknownPlugin(InvalidConfig):
    """A plugin name that is neither built in nor registered."""


class UnsupportedFeature(KScheduleError, NotImplementedError):
    """Input that needs a capability kschedule does not implement yet (named in the message)."""


class PluginError(KScheduleError):
    """A research (Python) plugin raised or returned something unusable while scheduling a pod. The
    text is upstream's error status for the extension point (``running "<name>" filter plugin: ...``,
    ``running Score plugins: plugin "<name>" failed with: ...``); ``schedule`` gives it to that pod as
    its message and goes on with the others, as kube-scheduler does with a pod whose cycle errors."""

    def __init__(self, plugin: str, message: str):
        super().__init__(message)
        self.plugin = plugin
