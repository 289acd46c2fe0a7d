// Glue for loading Pod objects (kschedule/objects/pod.py parse_pods): reads the fields the pod
// parser reads out of the Python dicts, as the Python short path would, into flat lists. Conversion
// only: nothing is validated or decided here beyond "the object has the plain JSON types the short
// path expects"; any other object is reported as unusual and the Python parser takes it whole.
#include <pybind11/pybind11.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace py = pybind11;

namespace {

// Raised inside the walk: the pod goes to the Python parser.
struct Unusual {};

// A new reference to d[key], or None (borrowed dict lookups never run Python code for str keys of
// exact dicts, but a user-defined key type could; errors count as unusual).
PyObject* get(PyObject* d, PyObject* key) {
    PyObject* v = PyDict_GetItemWithError(d, key);
    if (v == nullptr) {
        if (PyErr_Occurred()) throw Unusual{};
        Py_RETURN_NONE;
    }
    Py_INCREF(v);
    return v;
}

struct Ref {  // owning PyObject*
    PyObject* p = nullptr;
    Ref() = default;
    explicit Ref(PyObject* o) : p(o) {
        if (p == nullptr) throw Unusual{};
    }
    Ref(const Ref&) = delete;
    Ref& operator=(const Ref&) = delete;
    Ref(Ref&& o) noexcept : p(o.p) { o.p = nullptr; }
    Ref& operator=(Ref&& o) noexcept {
        Py_XDECREF(p);
        p = o.p;
        o.p = nullptr;
        return *this;
    }
    ~Ref() { Py_XDECREF(p); }
    PyObject* release() {
        PyObject* r = p;
        p = nullptr;
        return r;
    }
    bool none() const { return p == Py_None; }
};

bool truthy(PyObject* o) {
    int t = PyObject_IsTrue(o);
    if (t < 0) throw Unusual{};
    return t == 1;
}

void append(PyObject* list, PyObject* item) {  // steals nothing
    if (PyList_Append(list, item) < 0) throw Unusual{};
}

struct Keys {
    PyObject *kind, *metadata, *spec, *status, *name, *namespace_, *labels, *annotations, *owner_refs,
        *controller, *kind_field, *node_name, *phase, *nominated, *scheduler_name, *priority,
        *priority_class_name, *init_containers, *containers, *resources, *requests, *ports, *image,
        *restart_policy, *volumes, *pvc, *ephemeral, *container_statuses, *init_container_statuses,
        *allocated_resources, *conditions, *type, *resize_pending, *pod, *default_ns, *empty;
    std::vector<PyObject*> owned;
    PyObject* s(const char* text) {
        PyObject* o = PyUnicode_InternFromString(text);
        if (o == nullptr) throw py::error_already_set();
        owned.push_back(o);
        return o;
    }
    Keys() {
        kind = s("kind"); metadata = s("metadata"); spec = s("spec"); status = s("status"); name = s("name");
        namespace_ = s("namespace"); labels = s("labels"); annotations = s("annotations");
        owner_refs = s("ownerReferences"); controller = s("controller"); kind_field = kind;
        node_name = s("nodeName"); phase = s("phase"); nominated = s("nominatedNodeName");
        scheduler_name = s("schedulerName"); priority = s("priority"); priority_class_name = s("priorityClassName");
        init_containers = s("initContainers"); containers = s("containers"); resources = s("resources");
        requests = s("requests"); ports = s("ports"); image = s("image"); restart_policy = s("restartPolicy");
        volumes = s("volumes"); pvc = s("persistentVolumeClaim"); ephemeral = s("ephemeral");
        container_statuses = s("containerStatuses"); init_container_statuses = s("initContainerStatuses");
        allocated_resources = s("allocatedResources"); conditions = s("conditions"); type = s("type");
        resize_pending = s("PodResizePending"); pod = s("Pod"); default_ns = s("default"); empty = s("");
    }
    ~Keys() {
        for (PyObject* o : owned) Py_DECREF(o);
    }
};

// "" for a falsy value, the value for an exact str, unusual otherwise (the short path's `v or ""`
// followed by an isinstance(str) check that keeps str subclasses).
PyObject* str_or_empty(PyObject* v, const Keys& k) {
    if (!truthy(v)) {
        Py_INCREF(k.empty);
        return k.empty;
    }
    if (!PyUnicode_CheckExact(v)) throw Unusual{};
    Py_INCREF(v);
    return v;
}

struct PodRow {
    Ref name, ns, labels, annotations, owner, node_name, phase, nominated, key, values;
};

// Canonical bytes of a JSON-like value (None, bool, int64, float, str, list, tuple, dict): a type tag,
// then the content, lengths first, so equal bytes mean equal values of equal types (1, 1.0 and True
// differ) and equal dict order. Anything else is unusual.
struct Encoder {
    std::string buf;
    void tag(char c) { buf.push_back(c); }
    void raw(const void* p, size_t n) { buf.append(static_cast<const char*>(p), n); }
    void size(Py_ssize_t n) { raw(&n, sizeof n); }
    void value(PyObject* v, int depth = 0) {
        if (depth > 64) throw Unusual{};
        if (v == Py_None) {
            tag('N');
        } else if (v == Py_True) {
            tag('T');
        } else if (v == Py_False) {
            tag('F');
        } else if (PyUnicode_CheckExact(v)) {
            Py_ssize_t n;
            const char* s = PyUnicode_AsUTF8AndSize(v, &n);
            if (s == nullptr) throw Unusual{};
            tag('s');
            size(n);
            raw(s, static_cast<size_t>(n));
        } else if (PyLong_CheckExact(v)) {
            int overflow = 0;
            long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
            if (overflow != 0 || (x == -1 && PyErr_Occurred())) throw Unusual{};
            tag('i');
            raw(&x, sizeof x);
        } else if (PyFloat_CheckExact(v)) {
            double x = PyFloat_AS_DOUBLE(v);
            tag('f');
            raw(&x, sizeof x);
        } else if (PyList_CheckExact(v) || PyTuple_CheckExact(v)) {
            const bool list = PyList_CheckExact(v);
            const Py_ssize_t n = list ? PyList_GET_SIZE(v) : PyTuple_GET_SIZE(v);
            tag(list ? 'l' : 't');
            size(n);
            for (Py_ssize_t i = 0; i < n; ++i) value(list ? PyList_GET_ITEM(v, i) : PyTuple_GET_ITEM(v, i), depth + 1);
        } else if (PyDict_CheckExact(v)) {
            tag('d');
            size(PyDict_GET_SIZE(v));
            Py_ssize_t pos = 0;
            PyObject *k, *x;
            while (PyDict_Next(v, &pos, &k, &x)) {
                value(k, depth + 1);
                value(x, depth + 1);
            }
        } else {
            throw Unusual{};
        }
    }
    void field(PyObject* d, PyObject* key) {  // d.get(key)
        PyObject* v = PyDict_GetItemWithError(d, key);
        if (v == nullptr && PyErr_Occurred()) throw Unusual{};
        value(v == nullptr ? Py_None : v);
    }
};

// The shape key of kschedule/objects/pod.py _shape_key (same fields, same order), in the encoding
// above, behind a prefix that no marshal output starts with: the two kinds of keys never compare
// equal, and each kind is injective.
// Equal shape keys of one call share one bytes object: replicas of a template would otherwise each
// allocate a copy of the same few hundred bytes (hundreds of MB for a large cluster).
using KeyObjects = std::unordered_map<std::string, PyObject*>;

void shape_key(PyObject* spec, PyObject* status, PyObject* spec_fields, PyObject* volume_kinds, const Keys& k,
               PodRow& row, KeyObjects& seen) {
    Encoder e;
    e.raw("\0ks1", 4);
    Ref vals(PyList_New(0));
    e.field(spec, k.scheduler_name);
    e.field(spec, k.priority);
    e.field(spec, k.priority_class_name);
    PyObject* groups[] = {k.init_containers, k.containers};
    for (PyObject* g : groups) {
        Ref cs(get(spec, g));
        if (cs.none()) {
            e.tag('N');
            continue;
        }
        if (!PyList_CheckExact(cs.p)) throw Unusual{};
        e.tag('l');
        e.size(PyList_GET_SIZE(cs.p));
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(cs.p); ++i) {
            PyObject* c = PyList_GET_ITEM(cs.p, i);
            if (!PyDict_CheckExact(c)) throw Unusual{};
            e.field(c, k.name);
            Ref res(get(c, k.resources));
            if (res.none()) {
                e.tag('N');
            } else if (PyDict_CheckExact(res.p)) {
                Ref req(get(res.p, k.requests));
                if (req.none()) {
                    e.tag('N');
                } else if (PyDict_CheckExact(req.p)) {
                    e.tag('t');
                    e.size(PyDict_GET_SIZE(req.p));
                    Py_ssize_t pos = 0;
                    PyObject *rk, *rv;
                    while (PyDict_Next(req.p, &pos, &rk, &rv)) {
                        e.value(rk);
                        append(vals.p, rv);
                    }
                } else {
                    throw Unusual{};
                }
            } else {
                throw Unusual{};
            }
            e.field(c, k.ports);
            e.field(c, k.image);
            e.field(c, k.restart_policy);
        }
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(spec_fields); ++i) e.field(spec, PyTuple_GET_ITEM(spec_fields, i));
    Ref vols(get(spec, k.volumes));
    if (truthy(vols.p)) {
        if (!PyList_CheckExact(vols.p)) throw Unusual{};
        e.tag('v');
        e.size(PyList_GET_SIZE(vols.p));
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(vols.p); ++i) {
            PyObject* v = PyList_GET_ITEM(vols.p, i);
            if (!PyDict_CheckExact(v)) throw Unusual{};
            // Volume kinds whose plugins a pod needs (pod.py INLINE_VOLUME_PLUGINS) are keyed by the
            // Python parser only.
            for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(volume_kinds); ++j) {
                Ref x(get(v, PyTuple_GET_ITEM(volume_kinds, j)));
                if (truthy(x.p)) throw Unusual{};
            }
            Ref a(get(v, k.pvc));
            bool b = truthy(a.p);
            if (!b) {
                Ref x(get(v, k.ephemeral));
                b = truthy(x.p);
            }
            e.tag(b ? 'T' : 'F');
        }
    }
    if (status != nullptr && PyDict_GET_SIZE(status) > 0) {
        PyObject* which[] = {k.container_statuses, k.init_container_statuses};
        for (PyObject* w : which) {
            Ref sts(get(status, w));
            if (!truthy(sts.p)) continue;
            if (!PyList_CheckExact(sts.p)) throw Unusual{};
            e.value(w);
            e.size(PyList_GET_SIZE(sts.p));
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(sts.p); ++i) {
                PyObject* x = PyList_GET_ITEM(sts.p, i);
                if (!PyDict_CheckExact(x)) throw Unusual{};
                e.field(x, k.name);
                e.field(x, k.resources);
                e.field(x, k.allocated_resources);
            }
        }
        Ref conds(get(status, k.conditions));
        if (truthy(conds.p)) {
            if (!PyList_CheckExact(conds.p)) throw Unusual{};
            e.tag('c');
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(conds.p); ++i) {
                PyObject* x = PyList_GET_ITEM(conds.p, i);
                if (!PyDict_CheckExact(x)) throw Unusual{};
                Ref t(get(x, k.type));
                int eq = PyObject_RichCompareBool(t.p, k.resize_pending, Py_EQ);
                if (eq < 0) throw Unusual{};
                if (eq) e.value(x);
            }
            e.tag('.');
        }
    }
    auto it = seen.find(e.buf);
    if (it != seen.end()) {
        Py_INCREF(it->second);
        row.key = Ref(it->second);
    } else {
        row.key = Ref(PyBytes_FromStringAndSize(e.buf.data(), static_cast<Py_ssize_t>(e.buf.size())));
        Py_INCREF(row.key.p);  // the reference the map holds, dropped at the end of the call
        seen.emplace(std::move(e.buf), row.key.p);
    }
    row.values = Ref(PyList_AsTuple(vals.p));
}

void extract(PyObject* obj, PyObject* spec_fields, PyObject* volume_kinds, const Keys& k, PodRow& row,
             KeyObjects& seen) {
    if (!PyDict_CheckExact(obj)) throw Unusual{};
    Ref kind(get(obj, k.kind));
    if (!kind.none() && !(PyUnicode_CheckExact(kind.p) && PyUnicode_Compare(kind.p, k.pod) == 0)) throw Unusual{};
    Ref md(get(obj, k.metadata)), spec(get(obj, k.spec));
    if (!PyDict_CheckExact(md.p) || !PyDict_CheckExact(spec.p)) throw Unusual{};
    row.name = Ref(get(md.p, k.name));
    if (!PyUnicode_CheckExact(row.name.p)) throw Unusual{};
    row.ns = Ref(get(md.p, k.namespace_));
    if (row.ns.none() || (PyUnicode_CheckExact(row.ns.p) && PyUnicode_GET_LENGTH(row.ns.p) == 0)) {
        Py_INCREF(k.default_ns);
        row.ns = Ref(k.default_ns);
    } else if (!PyUnicode_CheckExact(row.ns.p)) {
        throw Unusual{};
    }
    row.labels = Ref(get(md.p, k.labels));
    if (!row.labels.none() && !PyDict_CheckExact(row.labels.p)) throw Unusual{};
    row.annotations = Ref(get(md.p, k.annotations));
    if (!truthy(row.annotations.p)) {
        Py_INCREF(Py_None);
        row.annotations = Ref(Py_None);
    } else if (!PyDict_CheckExact(row.annotations.p)) {
        throw Unusual{};
    }
    Ref refs(get(md.p, k.owner_refs));
    Py_INCREF(Py_None);
    row.owner = Ref(Py_None);
    if (truthy(refs.p)) {
        if (!PyList_CheckExact(refs.p)) throw Unusual{};
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(refs.p); ++i) {
            PyObject* r = PyList_GET_ITEM(refs.p, i);
            if (!PyDict_CheckExact(r)) throw Unusual{};
            Ref ctl(get(r, k.controller));
            if (truthy(ctl.p)) {
                Ref ok(get(r, k.kind_field)), on(get(r, k.name));
                if (!PyUnicode_CheckExact(ok.p) || !PyUnicode_CheckExact(on.p)) throw Unusual{};
                row.owner = Ref(PyTuple_Pack(2, ok.p, on.p));
                break;
            }
        }
    }
    Ref status(get(obj, k.status));
    PyObject* st = nullptr;
    if (!status.none()) {
        if (!PyDict_CheckExact(status.p)) throw Unusual{};
        st = status.p;
    }
    row.node_name = Ref(get(spec.p, k.node_name));
    if (row.node_name.none()) {
        Py_INCREF(k.empty);
        row.node_name = Ref(k.empty);
    } else if (!PyUnicode_CheckExact(row.node_name.p)) {
        throw Unusual{};
    }
    if (st != nullptr) {
        Ref ph(get(st, k.phase)), nom(get(st, k.nominated));
        row.phase = Ref(str_or_empty(ph.p, k));
        row.nominated = Ref(str_or_empty(nom.p, k));
    } else {
        Py_INCREF(k.empty);
        row.phase = Ref(k.empty);
        Py_INCREF(k.empty);
        row.nominated = Ref(k.empty);
    }
    shape_key(spec.p, st, spec_fields, volume_kinds, k, row, seen);
}

// pods: list; spec_fields: tuple of str (pod.py _SPEC_FIELDS); volume_kinds: tuple of str, volume
// sources that make a pod unusual. Returns a tuple of ten lists, one entry per pod (names,
// namespaces, labels, annotations, owners, node names, phases, nominated node names, shape keys,
// request quantities); every entry of an unusual pod is None.
py::tuple extract_pods(py::list pods, py::tuple spec_fields, py::tuple volume_kinds) {
    static const Keys* keys = new Keys();  // interned strings, alive for the process
    const Py_ssize_t n = PyList_GET_SIZE(pods.ptr());
    constexpr int kCols = 10;
    PyObject* cols[kCols];
    for (int c = 0; c < kCols; ++c) {
        cols[c] = PyList_New(n);
        if (cols[c] == nullptr) {
            for (int d = 0; d < c; ++d) Py_DECREF(cols[d]);
            throw py::error_already_set();
        }
    }
    KeyObjects seen;
    for (Py_ssize_t i = 0; i < n; ++i) {
        PyObject* obj = PyList_GET_ITEM(pods.ptr(), i);
        PodRow row;
        bool ok = true;
        try {
            extract(obj, spec_fields.ptr(), volume_kinds.ptr(), *keys, row, seen);
        } catch (const Unusual&) {
            PyErr_Clear();
            ok = false;
        }
        Ref* fields[kCols] = {&row.name, &row.ns, &row.labels, &row.annotations, &row.owner, &row.node_name,
                              &row.phase, &row.nominated, &row.key, &row.values};
        for (int c = 0; c < kCols; ++c) {
            PyObject* v = ok ? fields[c]->release() : nullptr;
            if (v == nullptr) {
                Py_INCREF(Py_None);
                v = Py_None;
            }
            PyList_SET_ITEM(cols[c], i, v);
        }
    }
    for (auto& kv : seen) Py_DECREF(kv.second);
    py::tuple out(kCols);
    for (int c = 0; c < kCols; ++c) out[c] = py::reinterpret_steal<py::list>(cols[c]);
    return out;
}

}  // namespace

void bind_load(py::module_& m) {
    m.def("extract_pods", &extract_pods, py::arg("pods"), py::arg("spec_fields"),
          py::arg("volume_kinds") = py::tuple(),
          "Fields of Pod dicts the loader reads, as flat lists (kschedule.objects.pod.parse_pods).");
}
