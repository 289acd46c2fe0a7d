"""Label selectors, node selectors and node affinity: compiled, immutable matchers plus apiserver validation.

Upstream followed (Kubernetes v1.34, ``kubernetes/kubernetes``):

- ``staging/src/k8s.io/apimachinery/pkg/labels/selector.go``: ``NewRequirement`` (parse rules) and
  ``Requirement.Matches``:  ``In`` = key present and value in set; ``NotIn`` = key absent or value not in
  set; ``Exists`` / ``DoesNotExist`` = key present / absent; ``Gt`` / ``Lt`` = key present, node label
  and the single requirement value both parse as base-10 int64 (``strconv.ParseInt``: optional sign,
  leading zeros allowed) and ``label > value`` / ``label < value``.  ``SelectorFromSet`` (pod
  ``spec.nodeSelector``) is an unvalidated exact match on every key.
- ``staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go`` ``LabelSelectorAsSelector``: ``None``
  selects nothing, ``{}`` selects everything, ``matchLabels`` are equality requirements, any invalid
  requirement is an error (raised here as :class:`~kschedule.errors.FieldError`).
- ``staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go``: the scheduler's
  *lazy-error* node selector.  Terms are ORed; a term with neither ``matchExpressions`` nor ``matchFields``
  matches nothing; a term whose requirements fail to parse (unknown operator, invalid key or label value,
  ``Gt``/``Lt`` without exactly one integer value, ``matchFields`` not ``In``/``NotIn`` with exactly one
  value) never matches but does not stop the other terms from matching.  ``matchFields`` compares against
  the node's fields, which contain only ``metadata.name`` (absent field = empty string); when the node
  name is empty the field requirements of a term are not checked at all (upstream skips them for an empty
  field set).  ``GetRequiredNodeAffinity`` = ``spec.nodeSelector`` AND required node affinity.
  ``NewPreferredSchedulingTerms`` skips terms of weight 0 and empty terms.
- ``staging/src/k8s.io/component-helpers/scheduling/corev1/helpers.go`` ``MatchNodeSelectorTerms``.
- Validation (apiserver, on create): ``pkg/apis/core/validation/validation.go``
  (``ValidateNodeSelector``, ``ValidateNodeSelectorTerm``, ``ValidateNodeSelectorRequirement``,
  ``ValidateNodeFieldSelectorRequirement``, ``ValidatePreferredSchedulingTerms``) and
  ``staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go``
  (``ValidateLabelSelector``, ``ValidateLabels``, ``ValidateLabelName``); syntax from
  ``staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go`` (``IsQualifiedName``,
  ``IsValidLabelValue``, ``IsDNS1123Subdomain``).  The apiserver does *not* check that ``Gt``/``Lt``
  values are integers, and it accepts invalid label values in preferred terms; such terms parse lazily
  (see ``parse_errors``) and simply never match.

Version notes: v1.34 ``NewRequirement`` no longer sorts the caller's values; matching never depends on
order, so kschedule sorts (and de-duplicates, for ``In``/``NotIn``) values to give equal selectors equal
hashes.  Error messages follow upstream's ``field.Error`` bodies; the wording of the syntax messages
follows the stored upstream ``api/validate/content`` package.  Parse-error paths are the true JSON paths
(upstream's preferred-term errors omit the ``preference`` segment).

Compiled objects are frozen dataclasses holding tuples, hashable and comparable, so the scheduler can
intern pod scheduling specs by them.  Matching never raises for well-typed input; structurally wrong
input (a list where an object is expected, a non-string value, ...) raises ``FieldError`` from
``compile``/``from_pod`` with the path relative to the value given.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional, Sequence

from ..errors import FieldError

__all__ = [
    "LABEL_SELECTOR_OPERATORS", "NODE_SELECTOR_OPERATORS", "OBJECT_NAME_FIELD",
    "Requirement", "NodeSelectorRequirement", "LabelSelector", "NodeSelectorTerm", "NodeSelector",
    "PreferredSchedulingTerm", "RequiredNodeAffinity",
    "compile_preferred_terms", "preferred_terms_from_pod", "preferred_score", "match_node_selector_terms",
    "is_qualified_name", "is_valid_label_value", "is_dns1123_subdomain", "parse_go_int64",
    "validate_label_selector", "label_selector_errors", "validate_labels", "labels_errors",
    "validate_node_selector", "node_selector_errors", "validate_node_selector_term",
    "validate_node_selector_requirement", "validate_node_field_selector_requirement",
    "validate_preferred_terms", "preferred_terms_errors",
]

LABEL_SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
NODE_SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")
FIELD_SELECTOR_OPERATORS = ("In", "NotIn")
#: The only node field a ``matchFields`` requirement can select on (``metav1.ObjectNameField``).
OBJECT_NAME_FIELD = "metadata.name"

_MISSING = object()

# --------------------------------------------------------------------------------------------------
# Syntax checks (util/validation, api/validate/content); each returns upstream's list of messages.
# --------------------------------------------------------------------------------------------------

_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_KEY_ERR = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                  "alphanumeric character")
_LABEL_VALUE_FMT = "(" + _LABEL_KEY_FMT + ")?"
_LABEL_VALUE_ERR = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
                    "or '.', and must start and end with an alphanumeric character")
_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_ERR = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                          "'-' or '.', and must start and end with an alphanumeric character")

# Go's regexp "^...$" anchors at the ends of the text; Python's fullmatch does the same ("$" would also
# accept a trailing newline).
_LABEL_KEY_RE = re.compile(_LABEL_KEY_FMT)
_LABEL_VALUE_RE = re.compile(_LABEL_VALUE_FMT)
_DNS1123_SUBDOMAIN_RE = re.compile(_DNS1123_SUBDOMAIN_FMT)
_GO_INT_RE = re.compile(r"[+-]?[0-9]+")
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    out = msg + " (e.g. "
    for i, ex in enumerate(examples):
        if i:
            out += " or "
        out += f"'{ex}', "
    return out + f"regex used for validation is '{fmt}')"


def _nbytes(s: str) -> int:
    # Go measures strings in bytes (v1.34's messages still say "characters", MaxLenError).
    return len(s.encode("utf-8", "surrogatepass"))


def is_dns1123_subdomain(value: str) -> list[str]:
    """Upstream ``IsDNS1123Subdomain``: messages, empty when valid."""
    errs = []
    if _nbytes(value) > 253:
        errs.append("must be no more than 253 characters")
    if not _DNS1123_SUBDOMAIN_RE.fullmatch(value):
        errs.append(_regex_error(_DNS1123_SUBDOMAIN_ERR, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    """Upstream ``IsQualifiedName`` (label keys, taint and toleration keys): messages, empty when valid."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return ["a qualified name " + _regex_error(_LABEL_KEY_ERR, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errs.append("name part must be non-empty")
    elif _nbytes(name) > 63:
        errs.append("name part must be no more than 63 characters")
    if not _LABEL_KEY_RE.fullmatch(name):
        errs.append("name part " + _regex_error(_LABEL_KEY_ERR, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc"))
    return errs


def is_valid_label_value(value: str) -> list[str]:
    """Upstream ``IsValidLabelValue``: messages, empty when valid (the empty string is valid)."""
    errs = []
    if _nbytes(value) > 63:
        errs.append("must be no more than 63 characters")
    if not _LABEL_VALUE_RE.fullmatch(value):
        errs.append(_regex_error(_LABEL_VALUE_ERR, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def parse_go_int64(s: str) -> Optional[int]:
    """``strconv.ParseInt(s, 10, 64)``: optional sign, ASCII digits, int64 range; ``None`` on error."""
    if not _GO_INT_RE.fullmatch(s):
        return None
    v = int(s)
    if v < _INT64_MIN or v > _INT64_MAX:
        return None
    return v


# --------------------------------------------------------------------------------------------------
# field.Error bodies, so messages read like the apiserver's.
# --------------------------------------------------------------------------------------------------

def _q(v: Any) -> str:
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(_q(x) for x in v) + "]" if v else "[]"
    return str(v)


def _invalid(value: Any, detail: str) -> str:
    return f"Invalid value: {_q(value)}: {detail}"


def _required(detail: str = "") -> str:
    return f"Required value: {detail}" if detail else "Required value"


def _forbidden(detail: str) -> str:
    return f"Forbidden: {detail}"


def _not_supported(value: Any, valid: Iterable[str]) -> str:
    return f"Unsupported value: {_q(value)}: supported values: " + ", ".join(_q(v) for v in valid)


def _join(prefix: str, child: str) -> str:
    if not prefix:
        return child
    if not child:
        return prefix
    return prefix + child if child.startswith("[") else prefix + "." + child


# --------------------------------------------------------------------------------------------------
# Structural reading: JSON/YAML dicts into plain Python values, FieldError on wrong types.
# --------------------------------------------------------------------------------------------------

def _mapping(value: Any, path: str) -> Mapping:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise FieldError(path, f"expected an object, got {type(value).__name__}")
    return value


def _list(value: Any, path: str) -> Sequence:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise FieldError(path, f"expected a list, got {type(value).__name__}")
    return value


def _str(value: Any, path: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(path, f"expected a string, got {type(value).__name__}")
    return value


def _str_list(value: Any, path: str) -> tuple[str, ...]:
    items = _list(value, path)
    for i, v in enumerate(items):
        if not isinstance(v, str):
            raise FieldError(f"{path}[{i}]", f"expected a string, got {type(v).__name__}")
    return tuple(items)


def _str_map(value: Any, path: str) -> Mapping[str, str]:
    m = _mapping(value, path)
    for k, v in m.items():
        if not isinstance(k, str):
            raise FieldError(path, f"expected string keys, got {k!r}")
        if not isinstance(v, str):
            raise FieldError(f"{path}[{k}]", f"expected a string, got {type(v).__name__}")
    return m


def _read_requirement(expr: Any, path: str) -> tuple[str, str, tuple[str, ...]]:
    """(key, operator, values) of a LabelSelectorRequirement / NodeSelectorRequirement dict."""
    expr = _mapping(expr, path)
    return (_str(expr.get("key"), _join(path, "key")),
            _str(expr.get("operator"), _join(path, "operator")),
            _str_list(expr.get("values"), _join(path, "values")))


def _expr_list(value: Any, path: str) -> Sequence:
    items = _list(value, path)
    for i, e in enumerate(items):
        if not isinstance(e, Mapping):
            raise FieldError(f"{path}[{i}]", f"expected an object, got {type(e).__name__}")
    return items


# --------------------------------------------------------------------------------------------------
# Requirements
# --------------------------------------------------------------------------------------------------

def _canonical_values(op: str, values: Sequence[str]) -> tuple[str, ...]:
    # Set operators ignore order and duplicates; Gt/Lt keep the given list so "exactly one value"
    # still means what the user wrote.
    if op in ("In", "NotIn"):
        return tuple(sorted(set(values)))
    return tuple(values)


@dataclass(frozen=True)
class Requirement:
    """One ``key <operator> values`` requirement (labels.Requirement).

    ``operator`` is one of ``In``, ``NotIn``, ``Exists``, ``DoesNotExist`` (label selectors) or also
    ``Gt``, ``Lt`` (node selectors).  ``values`` are sorted for ``In``/``NotIn``.
    """

    key: str
    operator: str
    values: tuple[str, ...] = ()
    _int_value: Optional[int] = field(default=None, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        if self.operator in ("Gt", "Lt") and len(self.values) == 1:
            object.__setattr__(self, "_int_value", parse_go_int64(self.values[0]))

    def matches(self, labels: Mapping[str, str]) -> bool:
        """``labels.Requirement.Matches`` against a label map."""
        op = self.operator
        val = labels.get(self.key, _MISSING)
        if op == "In":
            return val is not _MISSING and val in self.values
        if op == "NotIn":
            return val is _MISSING or val not in self.values
        if op == "Exists":
            return val is not _MISSING
        if op == "DoesNotExist":
            return val is _MISSING
        if op in ("Gt", "Lt"):
            if val is _MISSING or self._int_value is None or not isinstance(val, str):
                return False
            lv = parse_go_int64(val)
            if lv is None:
                return False
            return lv > self._int_value if op == "Gt" else lv < self._int_value
        return False

    def matches_field(self, field_value: str) -> bool:
        """A ``matchFields`` requirement (``fields.OneTerm[Not]EqualSelector``) against one field value."""
        if len(self.values) != 1:
            return False
        if self.operator == "In":
            return field_value == self.values[0]
        if self.operator == "NotIn":
            return field_value != self.values[0]
        return False

    def __str__(self) -> str:
        op, vals = self.operator, ",".join(self.values)
        if op == "In":
            return f"{self.key} in ({vals})"
        if op == "NotIn":
            return f"{self.key} notin ({vals})"
        if op == "Exists":
            return self.key
        if op == "DoesNotExist":
            return "!" + self.key
        if op == "Gt":
            return f"{self.key}>{vals}"
        if op == "Lt":
            return f"{self.key}<{vals}"
        return f"{self.key} {op} ({vals})"


#: Node selector requirements share the label requirement type (they add ``Gt``/``Lt``).
NodeSelectorRequirement = Requirement


def _requirement_parse_errors(key: str, op: str, values: Sequence[str], path: str,
                              operators: Sequence[str]) -> list[tuple[str, str]]:
    """``NewRequirement`` (after the operator mapping) as a list of (path, message)."""
    if op not in operators:
        return [(_join(path, "operator"), _not_supported(op, operators))]
    errs: list[tuple[str, str]] = []
    msgs = is_qualified_name(key)
    if msgs:
        errs.append((_join(path, "key"), _invalid(key, "; ".join(msgs))))
    vpath = _join(path, "values")
    if op in ("In", "NotIn"):
        if not values:
            errs.append((vpath, _invalid(list(values), "for 'in', 'notin' operators, values set can't be empty")))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append((vpath, _invalid(list(values), "values set must be empty for exists and does not exist")))
    else:  # Gt, Lt
        if len(values) != 1:
            errs.append((vpath, _invalid(list(values), "for 'Gt', 'Lt' operators, exactly one value is required")))
        for i, v in enumerate(values):
            if parse_go_int64(v) is None:
                errs.append((f"{vpath}[{i}]", _invalid(v, "for 'Gt', 'Lt' operators, the value must be an integer")))
    for i, v in enumerate(values):
        msgs = is_valid_label_value(v)
        if msgs:
            errs.append((f"{vpath}[{i}]", _invalid(v, "; ".join(msgs))))
    return errs


def _field_requirement_parse_errors(key: str, op: str, values: Sequence[str], path: str) -> list[tuple[str, str]]:
    """``nodeSelectorRequirementsAsFieldSelector``: In/NotIn with exactly one value (key unchecked)."""
    if op not in FIELD_SELECTOR_OPERATORS:
        return [(_join(path, "operator"), _not_supported(op, FIELD_SELECTOR_OPERATORS))]
    if len(values) != 1:
        return [(_join(path, "values"), _invalid(list(values), "must have one element"))]
    return []


# --------------------------------------------------------------------------------------------------
# Label selectors (metav1.LabelSelector)
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LabelSelector:
    """A compiled ``metav1.LabelSelector``: the AND of ``requirements``, or nothing at all."""

    requirements: tuple[Requirement, ...] = ()
    matches_nothing: bool = False

    @classmethod
    def compile(cls, sel: Optional[Mapping]) -> "LabelSelector":
        """``LabelSelectorAsSelector``: ``None`` matches nothing, ``{}`` everything; invalid → FieldError."""
        if sel is None:
            return cls.nothing()
        sel = _mapping(sel, "")
        match_labels = _str_map(sel.get("matchLabels"), "matchLabels")
        exprs = _expr_list(sel.get("matchExpressions"), "matchExpressions")
        reqs: list[Requirement] = []
        for k, v in match_labels.items():
            errs = _requirement_parse_errors(k, "In", (v,), f"matchLabels[{k}]", LABEL_SELECTOR_OPERATORS)
            if errs:
                # matchLabels has no "values" list: report at the entry itself
                raise FieldError(f"matchLabels[{k}]", errs[0][1])
            reqs.append(Requirement(k, "In", (v,)))
        for i, e in enumerate(exprs):
            p = f"matchExpressions[{i}]"
            key, op, values = _read_requirement(e, p)
            if op not in LABEL_SELECTOR_OPERATORS:
                raise FieldError(_join(p, "operator"), f"{_q(op)} is not a valid label selector operator")
            errs = _requirement_parse_errors(key, op, values, p, LABEL_SELECTOR_OPERATORS)
            if errs:
                raise FieldError(*errs[0])
            reqs.append(Requirement(key, op, _canonical_values(op, values)))
        return cls(_sorted_requirements(reqs))

    @classmethod
    def from_set(cls, labels: Mapping[str, str]) -> "LabelSelector":
        """``labels.SelectorFromSet``: exact match on every key, no validation; empty → everything."""
        return cls(_sorted_requirements(Requirement(k, "In", (v,)) for k, v in labels.items()))

    @classmethod
    def everything(cls) -> "LabelSelector":
        return cls()

    @classmethod
    def nothing(cls) -> "LabelSelector":
        return cls((), True)

    @property
    def empty(self) -> bool:
        """True when the selector does not restrict anything (``labels.Selector.Empty``)."""
        return not self.matches_nothing and not self.requirements

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.matches_nothing:
            return False
        for r in self.requirements:
            if not r.matches(labels):
                return False
        return True

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


def _sorted_requirements(reqs: Iterable[Requirement]) -> tuple[Requirement, ...]:
    return tuple(sorted(reqs, key=lambda r: (r.key, r.operator, r.values)))


# --------------------------------------------------------------------------------------------------
# Node selectors (v1.NodeSelector), lazy-error like the scheduler's matcher
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NodeSelectorTerm:
    """One ``v1.NodeSelectorTerm``: all ``match_expressions`` (node labels) AND all ``match_fields``.

    ``parse_errors`` holds (path, message) pairs of requirements that failed to parse; such a term
    never matches (upstream's lazy errors).  A term with no requirements matches nothing.
    """

    match_expressions: tuple[Requirement, ...] = ()
    match_fields: tuple[Requirement, ...] = ()
    parse_errors: tuple[tuple[str, str], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.match_expressions and not self.match_fields and not self.parse_errors

    def matches(self, labels: Mapping[str, str], node_name: str) -> bool:
        if self.parse_errors or (not self.match_expressions and not self.match_fields):
            return False
        for r in self.match_expressions:
            if not r.matches(labels):
                return False
        # The node's field set holds only metadata.name, and only when the name is non-empty;
        # upstream skips field requirements entirely for an empty field set.
        if self.match_fields and node_name:
            for r in self.match_fields:
                if not r.matches_field(node_name if r.key == OBJECT_NAME_FIELD else ""):
                    return False
        return True

    @classmethod
    def compile(cls, term: Any, path: str = "") -> "NodeSelectorTerm":
        """Compile one term; parse problems are kept in ``parse_errors``, wrong types raise FieldError."""
        term = _mapping(term, path)
        exprs = _expr_list(term.get("matchExpressions"), _join(path, "matchExpressions"))
        flds = _expr_list(term.get("matchFields"), _join(path, "matchFields"))
        errors: list[tuple[str, str]] = []
        reqs, freqs = [], []
        for i, e in enumerate(exprs):
            p = _join(path, f"matchExpressions[{i}]")
            key, op, values = _read_requirement(e, p)
            errs = _requirement_parse_errors(key, op, values, p, NODE_SELECTOR_OPERATORS)
            errors.extend(errs)
            reqs.append(Requirement(key, op, _canonical_values(op, values)))
        for i, e in enumerate(flds):
            p = _join(path, f"matchFields[{i}]")
            key, op, values = _read_requirement(e, p)
            errors.extend(_field_requirement_parse_errors(key, op, values, p))
            freqs.append(Requirement(key, op, tuple(values)))
        return cls(_sorted_requirements(reqs), _sorted_requirements(freqs), tuple(errors))

    def node_names(self) -> Optional[frozenset[str]]:
        """Node names this term can only match when it selects ``metadata.name In [x]`` (else ``None``).

        Upstream NodeAffinity PreFilter uses this to restrict the node list.
        """
        names = None
        for r in self.match_fields:
            if r.key == OBJECT_NAME_FIELD and r.operator == "In" and len(r.values) == 1:
                names = {r.values[0]} if names is None else names & {r.values[0]}
        return None if names is None else frozenset(names)


@dataclass(frozen=True)
class NodeSelector:
    """A compiled ``v1.NodeSelector``: ORed ``terms`` (empty terms dropped, so no terms = no match)."""

    terms: tuple[NodeSelectorTerm, ...] = ()

    @classmethod
    def compile(cls, ns: Optional[Mapping], *, strict: bool = False) -> "NodeSelector":
        """Compile ``{"nodeSelectorTerms": [...]}``.

        Lazy by default (``NewLazyErrorNodeSelector``); ``strict=True`` raises the first parse error as a
        FieldError (``NewNodeSelector``, used for scheduler-configured ``addedAffinity``).
        """
        ns = _mapping(ns, "")
        raw_terms = _expr_list(ns.get("nodeSelectorTerms"), "nodeSelectorTerms")
        terms = []
        for i, t in enumerate(raw_terms):
            term = NodeSelectorTerm.compile(t, f"nodeSelectorTerms[{i}]")
            if term.is_empty:
                continue
            if strict and term.parse_errors:
                raise FieldError(*term.parse_errors[0])
            terms.append(term)
        return cls(tuple(terms))

    @property
    def parse_errors(self) -> tuple[tuple[str, str], ...]:
        return tuple(e for t in self.terms for e in t.parse_errors)

    def matches(self, labels: Mapping[str, str], node_name: str) -> bool:
        for t in self.terms:
            if t.matches(labels, node_name):
                return True
        return False


def match_node_selector_terms(ns: Optional[Mapping], labels: Mapping[str, str], node_name: str) -> bool:
    """``MatchNodeSelectorTerms`` on a raw ``v1.NodeSelector`` dict (compiles each call)."""
    return NodeSelector.compile(ns).matches(labels, node_name)


# --------------------------------------------------------------------------------------------------
# Preferred scheduling terms
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PreferredSchedulingTerm:
    weight: int
    term: NodeSelectorTerm

    def matches(self, labels: Mapping[str, str], node_name: str) -> bool:
        return self.term.matches(labels, node_name)


def compile_preferred_terms(terms: Optional[Sequence[Mapping]]) -> tuple[PreferredSchedulingTerm, ...]:
    """``NewPreferredSchedulingTerms`` without failing: weight-0 and empty terms are dropped.

    A term that does not parse is kept with ``term.parse_errors`` set (it never matches).  Upstream
    returns an error for it instead, and NodeAffinity PreScore then fails the pod with ``Error``:
    callers reproducing that check ``any(t.term.parse_errors for t in terms)``.
    """
    raw = _expr_list(terms, "")
    out = []
    for i, t in enumerate(raw):
        weight = t.get("weight", 0)
        if weight is None:
            weight = 0
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise FieldError(f"[{i}].weight", f"expected an integer, got {type(weight).__name__}")
        term = NodeSelectorTerm.compile(t.get("preference"), f"[{i}].preference")
        if weight == 0 or term.is_empty:
            continue
        out.append(PreferredSchedulingTerm(weight, term))
    return tuple(out)


def preferred_terms_from_pod(pod: Mapping) -> tuple[PreferredSchedulingTerm, ...]:
    """The pod's ``preferredDuringSchedulingIgnoredDuringExecution`` node affinity terms."""
    path = "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution"
    na = _node_affinity(pod)
    try:
        return compile_preferred_terms(na.get("preferredDuringSchedulingIgnoredDuringExecution"))
    except FieldError as e:
        raise e.prefixed(path) from None


def preferred_score(terms: Iterable[PreferredSchedulingTerm], labels: Mapping[str, str], node_name: str) -> int:
    """``PreferredSchedulingTerms.Score``: sum of the weights of matching terms."""
    return sum(t.weight for t in terms if t.term.matches(labels, node_name))


# --------------------------------------------------------------------------------------------------
# Required node affinity of a pod
# --------------------------------------------------------------------------------------------------

def _node_affinity(pod: Mapping) -> Mapping:
    pod = _mapping(pod, "")
    spec = _mapping(pod.get("spec"), "spec")
    aff = _mapping(spec.get("affinity"), "spec.affinity")
    return _mapping(aff.get("nodeAffinity"), "spec.affinity.nodeAffinity")


@dataclass(frozen=True)
class RequiredNodeAffinity:
    """``nodeaffinity.GetRequiredNodeAffinity``: ``spec.nodeSelector`` AND required node affinity.

    ``node_selector_labels`` is the pod's nodeSelector as sorted (key, value) pairs (exact match on every
    key); ``node_selector`` is the compiled required affinity, ``None`` when the pod has none (a present
    but empty ``requiredDuringSchedulingIgnoredDuringExecution`` matches no node).
    """

    node_selector_labels: tuple[tuple[str, str], ...] = ()
    node_selector: Optional[NodeSelector] = None

    @classmethod
    def from_pod(cls, pod: Mapping) -> "RequiredNodeAffinity":
        pod = _mapping(pod, "")
        spec = _mapping(pod.get("spec"), "spec")
        ns = _str_map(spec.get("nodeSelector"), "spec.nodeSelector")
        na = _node_affinity(pod)
        req = na.get("requiredDuringSchedulingIgnoredDuringExecution")
        selector = None
        if req is not None:
            path = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
            try:
                selector = NodeSelector.compile(_mapping(req, ""))
            except FieldError as e:
                raise e.prefixed(path) from None
        return cls(tuple(sorted(ns.items())), selector)

    @property
    def is_empty(self) -> bool:
        """True when neither nodeSelector nor required affinity restricts anything."""
        return not self.node_selector_labels and self.node_selector is None

    def matches(self, labels: Mapping[str, str], node_name: str) -> bool:
        for k, v in self.node_selector_labels:
            if labels.get(k, _MISSING) != v:
                return False
        if self.node_selector is not None:
            return self.node_selector.matches(labels, node_name)
        return True


# --------------------------------------------------------------------------------------------------
# apiserver validation: each *_errors returns every FieldError (full path = prefix + field);
# each validate_* raises the first one.
# --------------------------------------------------------------------------------------------------

def _raise_first(errs: list[FieldError]) -> None:
    if errs:
        raise errs[0]


def labels_errors(labels: Any, path: str) -> list[FieldError]:
    """``ValidateLabels``: key and value errors are both reported at ``path`` (as upstream)."""
    labels = _str_map(labels, path)
    errs = []
    for k, v in labels.items():
        for m in is_qualified_name(k):
            errs.append(FieldError(path, _invalid(k, m)))
        for m in is_valid_label_value(v):
            errs.append(FieldError(path, _invalid(v, m)))
    return errs


def validate_labels(labels: Any, path: str) -> None:
    _raise_first(labels_errors(labels, path))


def _label_name_errors(key: str, path: str) -> list[FieldError]:
    return [FieldError(path, _invalid(key, m)) for m in is_qualified_name(key)]


def label_selector_errors(sel: Optional[Mapping], path: str, *,
                          allow_invalid_label_value: bool = False) -> list[FieldError]:
    """``ValidateLabelSelector`` (with ``LabelSelectorValidationOptions``)."""
    if sel is None:
        return []
    sel = _mapping(sel, path)
    errs = labels_errors(sel.get("matchLabels"), _join(path, "matchLabels"))
    exprs = _expr_list(sel.get("matchExpressions"), _join(path, "matchExpressions"))
    for i, e in enumerate(exprs):
        p = _join(path, f"matchExpressions[{i}]")
        key, op, values = _read_requirement(e, p)
        if op in ("In", "NotIn"):
            if not values:
                errs.append(FieldError(_join(p, "values"),
                                       _required("must be specified when `operator` is 'In' or 'NotIn'")))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(FieldError(_join(p, "values"),
                                       _forbidden("may not be specified when `operator` is 'Exists' or 'DoesNotExist'")))
        else:
            errs.append(FieldError(_join(p, "operator"), _invalid(op, "not a valid selector operator")))
        errs.extend(_label_name_errors(key, _join(p, "key")))
        if not allow_invalid_label_value:
            for j, v in enumerate(values):
                errs.extend(FieldError(_join(p, f"values[{j}]"), _invalid(v, m)) for m in is_valid_label_value(v))
    return errs


def validate_label_selector(sel: Optional[Mapping], path: str, *, allow_invalid_label_value: bool = False) -> None:
    _raise_first(label_selector_errors(sel, path, allow_invalid_label_value=allow_invalid_label_value))


def _node_selector_requirement_errors(expr: Any, path: str, allow_invalid_label_value: bool) -> list[FieldError]:
    key, op, values = _read_requirement(expr, path)
    errs = []
    if op in ("In", "NotIn"):
        if not values:
            errs.append(FieldError(_join(path, "values"),
                                   _required("must be specified when `operator` is 'In' or 'NotIn'")))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(FieldError(_join(path, "values"),
                                   _forbidden("may not be specified when `operator` is 'Exists' or 'DoesNotExist'")))
    elif op in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(FieldError(_join(path, "values"),
                                   _required("must be specified single value when `operator` is 'Lt' or 'Gt'")))
    else:
        errs.append(FieldError(_join(path, "operator"), _invalid(op, "not a valid selector operator")))
    errs.extend(_label_name_errors(key, _join(path, "key")))
    if not allow_invalid_label_value:
        for j, v in enumerate(values):
            errs.extend(FieldError(_join(path, f"values[{j}]"), _invalid(v, m)) for m in is_valid_label_value(v))
    return errs


def validate_node_selector_requirement(expr: Any, path: str, *, allow_invalid_label_value: bool = False) -> None:
    """``ValidateNodeSelectorRequirement`` (a ``matchExpressions`` item)."""
    _raise_first(_node_selector_requirement_errors(expr, path, allow_invalid_label_value))


def _node_field_selector_requirement_errors(expr: Any, path: str) -> list[FieldError]:
    key, op, values = _read_requirement(expr, path)
    errs = []
    if op in ("In", "NotIn"):
        if len(values) != 1:
            errs.append(FieldError(_join(path, "values"), _required(
                "must be only one value when `operator` is 'In' or 'NotIn' for node field selector")))
    else:
        errs.append(FieldError(_join(path, "operator"), _invalid(op, "not a valid selector operator")))
    if key != OBJECT_NAME_FIELD:
        errs.append(FieldError(_join(path, "key"), _invalid(key, "not a valid field selector key")))
    else:
        for j, v in enumerate(values):
            # ValidateNodeName = NameIsDNSSubdomain
            errs.extend(FieldError(_join(path, f"values[{j}]"), _invalid(v, m)) for m in is_dns1123_subdomain(v))
    return errs


def validate_node_field_selector_requirement(expr: Any, path: str) -> None:
    """``ValidateNodeFieldSelectorRequirement`` (a ``matchFields`` item)."""
    _raise_first(_node_field_selector_requirement_errors(expr, path))


def _node_selector_term_errors(term: Any, path: str, allow_invalid_label_value: bool) -> list[FieldError]:
    term = _mapping(term, path)
    errs = []
    exprs = _expr_list(term.get("matchExpressions"), _join(path, "matchExpressions"))
    for j, e in enumerate(exprs):
        errs.extend(_node_selector_requirement_errors(e, _join(path, f"matchExpressions[{j}]"),
                                                      allow_invalid_label_value))
    flds = _expr_list(term.get("matchFields"), _join(path, "matchFields"))
    for j, e in enumerate(flds):
        errs.extend(_node_field_selector_requirement_errors(e, _join(path, f"matchFields[{j}]")))
    return errs


def validate_node_selector_term(term: Any, path: str, *, allow_invalid_label_value: bool = False) -> None:
    """``ValidateNodeSelectorTerm``."""
    _raise_first(_node_selector_term_errors(term, path, allow_invalid_label_value))


def node_selector_errors(ns: Any, path: str, *, allow_invalid_label_value: bool = False) -> list[FieldError]:
    """``ValidateNodeSelector``: at least one term; every term validated (an empty term is allowed)."""
    ns = _mapping(ns, path)
    tpath = _join(path, "nodeSelectorTerms")
    terms = _expr_list(ns.get("nodeSelectorTerms"), tpath)
    if not terms:
        return [FieldError(tpath, _required("must have at least one node selector term"))]
    errs = []
    for i, t in enumerate(terms):
        errs.extend(_node_selector_term_errors(t, f"{tpath}[{i}]", allow_invalid_label_value))
    return errs


def validate_node_selector(ns: Any, path: str, *, allow_invalid_label_value: bool = False) -> None:
    """Raise the first ``ValidateNodeSelector`` error (path = ``path`` + field) as a FieldError."""
    _raise_first(node_selector_errors(ns, path, allow_invalid_label_value=allow_invalid_label_value))


def preferred_terms_errors(terms: Any, path: str) -> list[FieldError]:
    """``ValidatePreferredSchedulingTerms``: weight in 1..100; invalid label values always allowed."""
    errs = []
    for i, t in enumerate(_expr_list(terms, path)):
        p = f"{path}[{i}]"
        weight = t.get("weight", 0)
        if weight is None:
            weight = 0
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise FieldError(_join(p, "weight"), f"expected an integer, got {type(weight).__name__}")
        if weight <= 0 or weight > 100:
            errs.append(FieldError(_join(p, "weight"), _invalid(weight, "must be in the range 1-100")))
        errs.extend(_node_selector_term_errors(t.get("preference"), _join(p, "preference"), True))
    return errs


def validate_preferred_terms(terms: Any, path: str) -> None:
    """Raise the first ``ValidatePreferredSchedulingTerms`` error as a FieldError."""
    _raise_first(preferred_terms_errors(terms, path))
