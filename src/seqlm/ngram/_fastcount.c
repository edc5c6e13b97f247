/* seqlm.ngram._fastcount: optional compiled helpers for fitting n-gram models.
 *
 * tokenize()      whitespace tokenising of a whole text (str.split per line of str.splitlines,
 *                 or one stream) with a hash table of token types, in one pass;
 * count_words()   word counts, and the positions sorted stably by word id (counting sort);
 * count_order()   the n-grams of one order from the rows of the order below, by counting sort
 *                 (work_size() says how much scratch it needs);
 * first_positions() the first position of every word id;
 * arpa_section()  one n-gram section of an ARPA file (_arpascan.h);
 * merge_rows()    two sorted runs of counts merged (_merge.h);
 * assemble_order() keys and suffix rows of one order of merged counts (_assemble.h);
 * format_arpa()   the ARPA lines of a chunk of n-grams (_arpawrite.h).
 *
 * Each reproduces a Python/numpy function of seqlm exactly (tests/ngram/test_fastcount.py
 * compares them); seqlm uses numpy when this module is not built or SEQLM_NO_CEXT=1.
 * Arrays are passed as C-contiguous buffers (int64 unless said otherwise); the Python wrappers
 * allocate them, and every index read from them is range-checked before it is used. Large
 * arrays come from numpy on purpose: it asks Linux for huge pages, and first-touch page faults
 * on plain malloc memory were a third of the counting time on the bench machine.
 */
#include "_textscan.h"
#include "_arpascan.h"
#include "_merge.h"
#include "_assemble.h"
#include "_arpawrite.h"

/* ------------------------------------------------------------------ tokenize */

typedef struct {
    Table table;
    int32_t *ids;      /* type id per position (the caller's buffer) */
    size_t n_ids, cap_ids;
    int64_t *lens;     /* positions per unit (markers included) */
    size_t n_lens, cap_lens;
    int64_t bos, eos;  /* marker type ids, -1 in stream mode */
    int64_t line_tokens;
} Split;

/* Append one occurrence of type `id`. 0, or -1 when the ids buffer is full. */
static int
emit(Split *sp, int64_t id)
{
    if (sp->n_ids >= sp->cap_ids)
        return -1;
    sp->ids[sp->n_ids++] = (int32_t)id;
    sp->table.types[id].count++;
    return 0;
}

/* Close the current line: a non-empty one gets eos and becomes a unit. 0 or -1. */
static int
end_line(Split *sp)
{
    if (sp->line_tokens == 0)
        return 0;
    if (emit(sp, sp->eos) < 0
        || reserve((void **)&sp->lens, &sp->cap_lens, sp->n_lens, sizeof(int64_t)) < 0)
        return -1;
    sp->lens[sp->n_lens++] = sp->line_tokens + 2;
    sp->line_tokens = 0;
    return 0;
}

/* One pass over the UTF-8 text: tokens, their types and the units. 0 or -1. */
static int
split_text(Split *sp, const unsigned char *p, Py_ssize_t n)
{
    int lines = sp->bos >= 0, brk;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_ssize_t w = space_len(p + i, n - i, &brk);
        if (w) {
            if (brk && lines && end_line(sp) < 0)
                return -1;
            i += w;
            continue;
        }
        Py_ssize_t start = i;
        uint64_t h = scan_token(p, n, &i);
        int64_t id = table_intern(&sp->table, p + start, i - start, h);
        if (id < 0 || (lines && sp->line_tokens == 0 && emit(sp, sp->bos) < 0)
            || emit(sp, id) < 0)
            return -1;
        sp->line_tokens++;
    }
    if (lines)
        return end_line(sp);
    if (reserve((void **)&sp->lens, &sp->cap_lens, 0, sizeof(int64_t)) < 0)
        return -1;
    sp->lens[sp->n_lens++] = (int64_t)sp->n_ids;
    return 0;
}

/* Intern a marker string (bos or eos) before the text is read; -1 with an exception set. */
static int64_t
intern_marker(Table *t, PyObject *marker)
{
    Py_ssize_t len;
    const unsigned char *s = (const unsigned char *)PyUnicode_AsUTF8AndSize(marker, &len);
    if (s == NULL)
        return -1;
    uint64_t h = FNV_OFFSET;
    for (Py_ssize_t i = 0; i < len; i++)
        h = (h ^ s[i]) * FNV_PRIME;
    int64_t id = table_intern(t, s, len, h);
    if (id < 0)
        PyErr_NoMemory();
    return id;
}

/* (types, counts, n_ids, unit_lens) from a finished split. */
static PyObject *
split_result(const Split *sp)
{
    PyObject *types = PyList_New((Py_ssize_t)sp->table.n);
    PyObject *counts = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(sp->table.n * sizeof(int64_t)));
    if (types == NULL || counts == NULL)
        goto fail;
    int64_t *c = (int64_t *)PyBytes_AS_STRING(counts);
    for (size_t j = 0; j < sp->table.n; j++) {
        const Type *ty = &sp->table.types[j];
        PyObject *s = PyUnicode_DecodeUTF8((const char *)sp->table.bytes + ty->at, ty->len,
                                           "strict");
        if (s == NULL)
            goto fail;
        PyList_SET_ITEM(types, (Py_ssize_t)j, s);
        c[j] = ty->count;
    }
    /* "y#" would turn a NULL pointer into None: an empty result must still be bytes */
    return Py_BuildValue("NNny#", types, counts, (Py_ssize_t)sp->n_ids,
                         sp->lens ? (const char *)sp->lens : "",
                         (Py_ssize_t)(sp->n_lens * sizeof(int64_t)));
fail:
    Py_XDECREF(types);
    Py_XDECREF(counts);
    return NULL;
}

PyDoc_STRVAR(tokenize_doc,
"tokenize(text, bos, eos, ids) -> (types, counts, n_ids, unit_lens) or None\n\n"
"The whitespace tokens of text as str.split() finds them. With bos and eos (str) every\n"
"non-empty line (str.splitlines) is a unit wrapped in bos ... eos; with None the whole text\n"
"is one unit. Writes the type id of every position to ids[:n_ids] (an int32 buffer large\n"
"enough: 3 * ((len(text) + 1) // 2) items with markers, half that without).\n"
"types: distinct tokens in order of first appearance (bos, eos first); counts: int64 bytes,\n"
"occurrences per type; unit_lens: int64 bytes. None when the text cannot be encoded as UTF-8\n"
"(lone surrogates): the caller uses its Python path then.");

static PyObject *
tokenize(PyObject *self, PyObject *args)
{
    PyObject *text, *bos, *eos, *ids_o, *bytes = NULL, *result = NULL;
    if (!PyArg_ParseTuple(args, "UOOO:tokenize", &text, &bos, &eos, &ids_o))
        return NULL;
    int lines = bos != Py_None;
    if (lines ? !PyUnicode_Check(bos) || !PyUnicode_Check(eos) : eos != Py_None) {
        PyErr_SetString(PyExc_TypeError, "bos and eos must both be str or both None");
        return NULL;
    }
    const char *data;
    Py_ssize_t n;
    if (PyUnicode_IS_ASCII(text)) {
        data = PyUnicode_AsUTF8AndSize(text, &n);  /* the str's own buffer: no copy */
    } else {
        bytes = PyUnicode_AsUTF8String(text);      /* a temporary copy, not cached on text */
        if (bytes == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))
                return NULL;
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        data = PyBytes_AS_STRING(bytes);
        n = PyBytes_GET_SIZE(bytes);
    }
    if (data == NULL)
        return NULL;
    Py_buffer ids = {0};
    Py_ssize_t cap;
    if (get_array(ids_o, &ids, 1, 0, sizeof(int32_t), 0, &cap, "ids") < 0) {
        Py_XDECREF(bytes);
        return NULL;
    }
    Split sp = {.ids = ids.buf, .cap_ids = (size_t)cap, .bos = -1, .eos = -1};
    sp.table.slots = PyMem_RawCalloc(1024, sizeof(Slot));
    sp.table.mask = 1023;
    if (sp.table.slots == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (lines && ((sp.bos = intern_marker(&sp.table, bos)) < 0
                  || (sp.eos = intern_marker(&sp.table, eos)) < 0))
        goto done;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = split_text(&sp, (const unsigned char *)data, n);
    Py_END_ALLOW_THREADS
    if (rc < 0 && sp.n_ids >= sp.cap_ids)
        PyErr_SetString(PyExc_ValueError, "ids buffer too small");
    else if (rc < 0)
        PyErr_NoMemory();
    else
        result = split_result(&sp);
done:
    PyMem_RawFree(sp.table.types);
    PyMem_RawFree(sp.table.bytes);
    PyMem_RawFree(sp.table.slots);
    PyMem_RawFree(sp.lens);
    PyBuffer_Release(&ids);
    Py_XDECREF(bytes);
    return result;
}

/* ------------------------------------------------------------------ counting */

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(addr) __builtin_prefetch(addr)
#else
#define PREFETCH(addr) ((void)0)
#endif
#define AHEAD 16  /* prefetch distance (positions) in the random-access loops */

PyDoc_STRVAR(count_words_doc,
"count_words(seq, unit_start, vocab_size, perm, count, starts) -> None\n\n"
"For int64 word ids seq: perm (int32) = the positions ordered by word id, stably (as\n"
"np.argsort(seq, kind='stable')); count[w] = occurrences of w; starts[w] (bool) = w begins\n"
"some unit (unit_start[t] == t). Needs len(seq) < 2**31.");

static PyObject *
count_words(PyObject *self, PyObject *args)
{
    PyObject *o[5];
    Py_ssize_t V;
    if (!PyArg_ParseTuple(args, "OOnOOO:count_words", &o[0], &o[1], &V, &o[2], &o[3], &o[4]))
        return NULL;
    Py_buffer v[5] = {{0}};
    Py_ssize_t N;
    if (V < 0) {
        PyErr_SetString(PyExc_ValueError, "vocab_size must be >= 0");
        return NULL;
    }
    if (get_array(o[0], &v[0], 0, 0, 8, 0, &N, "seq") < 0
        || get_array(o[1], &v[1], 0, N, 8, 1, NULL, "unit_start") < 0
        || get_array(o[2], &v[2], 1, N, 4, 1, NULL, "perm") < 0
        || get_array(o[3], &v[3], 1, V, 8, 1, NULL, "count") < 0
        || get_array(o[4], &v[4], 1, V, 1, 1, NULL, "starts") < 0) {
        release_all(v, 5);
        return NULL;
    }
    const int64_t *seq = v[0].buf, *unit_start = v[1].buf;
    int32_t *perm = v[2].buf;
    int64_t *count = v[3].buf;
    unsigned char *starts = v[4].buf;
    int64_t *next = N < INT32_MAX ? PyMem_RawMalloc(((size_t)V + 1) * sizeof(int64_t)) : NULL;
    int bad = 0;
    if (next != NULL) {
        Py_BEGIN_ALLOW_THREADS
        memset(count, 0, (size_t)V * sizeof(int64_t));
        memset(starts, 0, (size_t)V);
        for (Py_ssize_t t = 0; t < N && !bad; t++) {
            int64_t w = seq[t];
            if ((bad = w < 0 || w >= V))
                break;
            count[w]++;
            starts[w] |= unit_start[t] == t;
        }
        next[0] = 0;
        for (Py_ssize_t w = 0; w < V; w++)
            next[w + 1] = next[w] + count[w];
        for (Py_ssize_t t = 0; t < N && !bad; t++)
            perm[next[seq[t]]++] = (int32_t)t;
        Py_END_ALLOW_THREADS
    }
    PyMem_RawFree(next);
    release_all(v, 5);
    if (N >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "count_words needs fewer than 2**31 positions");
        return NULL;
    }
    if (next == NULL)
        return PyErr_NoMemory();
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "word id out of range");
        return NULL;
    }
    Py_RETURN_NONE;
}

/* One position's n-gram, as pass 1 sees it; positions, rows and words all fit in int32. */
typedef struct {
    int32_t k;       /* prefix row: the (n-1)-gram ending right before, in the same unit; or -1 */
    int32_t w;       /* last word */
    int32_t suffix;  /* row of the (n-1)-gram ending here (the n-gram without its first word) */
    int32_t first;   /* 1 if the n-gram begins its unit */
} Gram;

/* The same after sorting by (k, w); k is implicit (the bucket), t is where it ends. */
typedef struct {
    int32_t w, suffix, first, t;
} Sorted;

typedef struct {
    const int32_t *seq, *end_prev, *word_perm;
    const int64_t *unit_start;
    int64_t *keys, *suffix, *count;
    unsigned char *starts;
    int32_t *end_new;
    Gram *gram;            /* workspace: N */
    Sorted *sorted;        /* workspace: N */
    int64_t *start;        /* workspace: n_prev + 1 */
    Py_ssize_t N;
    int64_t n, V, n_prev;
} OrderJob;

/* Workspace bytes count_order needs for N positions and n_prev rows of order n-1. */
static Py_ssize_t
work_bytes(Py_ssize_t N, int64_t n_prev)
{
    return (Py_ssize_t)(n_prev + 1) * (Py_ssize_t)sizeof(int64_t)
           + N * (Py_ssize_t)(sizeof(Gram) + sizeof(Sorted));
}

/* Pass 1, sequential: each position's Gram, and the size of each prefix row's bucket in
 * start[k + 1]. Returns the number of n-grams, or -1 on bad input. */
static Py_ssize_t
describe(const OrderJob *j)
{
    Py_ssize_t m = 0;
    memset(j->start, 0, (size_t)(j->n_prev + 1) * sizeof(int64_t));
    for (Py_ssize_t t = 0; t < j->N; t++) {
        int64_t us = j->unit_start[t], k = -1;
        if (us < 0 || us > t || j->seq[t] < 0 || j->seq[t] >= j->V)
            return -1;
        if (t > us && (k = j->end_prev[t - 1]) >= j->n_prev)
            return -1;
        if (k < 0) {
            j->gram[t] = (Gram){-1, 0, 0, 0};
            continue;
        }
        j->gram[t] = (Gram){(int32_t)k, j->seq[t], j->end_prev[t], t - (j->n - 1) == us};
        j->start[k + 1]++;
        m++;
    }
    return m;
}

/* Sort the order-n positions by (prefix row, word) and number the distinct n-grams.
 * Returns the number of distinct n-grams, or -1 on bad input. */
static Py_ssize_t
count_order_job(const OrderJob *j)
{
    Py_ssize_t N = j->N, m, rows = 0;
    if ((m = describe(j)) < 0)
        return -1;
    for (int64_t k = 0; k < j->n_prev; k++)
        j->start[k + 1] += j->start[k];
    /* Pass 2: stable counting sort by prefix row of the positions sorted by word; afterwards
     * start[k] is the end of bucket k. */
    for (Py_ssize_t i = 0; i < N; i++) {
        int32_t t = j->word_perm[i], ahead = i + AHEAD < N ? j->word_perm[i + AHEAD] : -1;
        if (ahead >= 0 && ahead < N)
            PREFETCH(&j->gram[ahead]);
        if (t < 0 || t >= N)
            return -1;
        Gram g = j->gram[t];
        if (g.k < 0)
            continue;
        if (j->start[g.k] >= m)  /* word_perm is not a permutation */
            return -1;
        j->sorted[j->start[g.k]++] = (Sorted){g.w, g.suffix, g.first, t};
    }
    /* Pass 3, sequential but for end_new: distinct (k, w) in order, counts, suffix rows. */
    for (Py_ssize_t t = 0; t < N; t++)
        j->end_new[t] = -1;
    for (int64_t k = 0, lo = 0; k < j->n_prev; lo = j->start[k++]) {
        for (int64_t i = lo; i < j->start[k]; i++) {
            const Sorted *s = &j->sorted[i];
            if (i + AHEAD < m)
                PREFETCH(&j->end_new[j->sorted[i + AHEAD].t]);
            if (i == lo || s->w != s[-1].w) {
                j->keys[rows] = k * j->V + s->w;
                j->suffix[rows] = s->suffix;
                j->count[rows] = 0;
                j->starts[rows] = 0;
                rows++;
            }
            j->count[rows - 1]++;
            j->starts[rows - 1] |= (unsigned char)s->first;
            j->end_new[s->t] = (int32_t)(rows - 1);
        }
    }
    return rows;
}

PyDoc_STRVAR(count_order_doc,
"count_order(seq, unit_start, end_prev, word_perm, n, vocab_size, n_prev, keys, suffix, count,\n"
"            starts, end_new, work) -> rows\n\n"
"The distinct n-grams of order n >= 2 (as counting.count_ngrams), sorted by key. seq: int32\n"
"word ids; unit_start: int64; end_prev[t] (int32): row of the (n-1)-gram ending at t, or -1;\n"
"n_prev: number of those rows; word_perm (int32): the positions sorted by word (count_words).\n"
"Fills keys, suffix, count (int64) and starts (bool) up to `rows` (each holds len(seq)\n"
"items), and end_new (int32) with the row of the n-gram ending at every position (-1 if\n"
"none). work: a writable scratch buffer of work_size(len(seq), n_prev) bytes or more,\n"
"8-byte aligned, reused across orders. Needs len(seq), vocab_size < 2**31.");

static PyObject *
count_order(PyObject *self, PyObject *args)
{
    PyObject *o[10];
    long long n, V, n_prev;
    if (!PyArg_ParseTuple(args, "OOOOLLLOOOOOO:count_order", &o[0], &o[1], &o[2], &o[3], &n, &V,
                          &n_prev, &o[4], &o[5], &o[6], &o[7], &o[8], &o[9]))
        return NULL;
    if (n < 2 || V < 1 || V >= INT32_MAX || n_prev < 0 || (n_prev > 0 && V > INT64_MAX / n_prev)) {
        PyErr_SetString(PyExc_ValueError, "need n >= 2, 1 <= vocab_size < 2**31, n_prev >= 0 "
                        "and n_prev * vocab_size < 2**63");
        return NULL;
    }
    static const char *names[10] = {"seq", "unit_start", "end_prev", "word_perm", "keys",
                                    "suffix", "count", "starts", "end_new", "work"};
    static const Py_ssize_t sizes[9] = {4, 8, 4, 4, 8, 8, 8, 1, 4};
    Py_buffer v[10] = {{0}};
    Py_ssize_t N;
    if (get_array(o[0], &v[0], 0, 0, 4, 0, &N, names[0]) < 0)
        return NULL;
    for (int i = 1; i < 10; i++) {
        int ok = i < 9 ? get_array(o[i], &v[i], i >= 4, N, sizes[i], 1, NULL, names[i])
                       : get_array(o[i], &v[i], 1, work_bytes(N, n_prev), 1, 0, NULL, names[i]);
        if (ok < 0 || (i == 9 && (uintptr_t)v[9].buf % 8) || N >= INT32_MAX) {
            if (ok == 0)
                PyErr_SetString(PyExc_ValueError, N >= INT32_MAX ? "needs < 2**31 positions"
                                                                 : "work must be 8-byte aligned");
            release_all(v, 10);
            return NULL;
        }
    }
    char *work = v[9].buf;
    OrderJob j = {
        .seq = v[0].buf, .unit_start = v[1].buf, .end_prev = v[2].buf, .word_perm = v[3].buf,
        .keys = v[4].buf, .suffix = v[5].buf, .count = v[6].buf, .starts = v[7].buf,
        .end_new = v[8].buf, .start = (int64_t *)work,
        .gram = (Gram *)(work + (n_prev + 1) * sizeof(int64_t)),
        .sorted = (Sorted *)(work + (n_prev + 1) * sizeof(int64_t) + N * sizeof(Gram)),
        .N = N, .n = n, .V = V, .n_prev = n_prev,
    };
    Py_ssize_t rows;
    Py_BEGIN_ALLOW_THREADS
    rows = count_order_job(&j);
    Py_END_ALLOW_THREADS
    release_all(v, 10);
    if (rows < 0) {
        PyErr_SetString(PyExc_ValueError, "count_order: word, row or position out of range");
        return NULL;
    }
    return PyLong_FromSsize_t(rows);
}

PyDoc_STRVAR(work_size_doc,
"work_size(n_positions, n_prev) -> int\n\n"
"Bytes of the scratch buffer count_order needs.");

static PyObject *
work_size(PyObject *self, PyObject *args)
{
    Py_ssize_t N, n_prev;
    if (!PyArg_ParseTuple(args, "nn:work_size", &N, &n_prev))
        return NULL;
    return PyLong_FromSsize_t(work_bytes(N, n_prev));
}

PyDoc_STRVAR(first_positions_doc,
"first_positions(seq, vocab_size, out) -> None\n\n"
"out[w] = the first position of word w in seq (int64), -1 if it does not occur.");

static PyObject *
first_positions(PyObject *self, PyObject *args)
{
    PyObject *seq_o, *out_o;
    Py_ssize_t V, N;
    if (!PyArg_ParseTuple(args, "OnO:first_positions", &seq_o, &V, &out_o))
        return NULL;
    Py_buffer v[2] = {{0}};
    if (V < 0) {
        PyErr_SetString(PyExc_ValueError, "vocab_size must be >= 0");
        return NULL;
    }
    if (get_array(seq_o, &v[0], 0, 0, 8, 0, &N, "seq") < 0
        || get_array(out_o, &v[1], 1, V, 8, 1, NULL, "out") < 0) {
        release_all(v, 2);
        return NULL;
    }
    const int64_t *seq = v[0].buf;
    int64_t *out = v[1].buf;
    int bad = 0;
    for (Py_ssize_t w = 0; w < V; w++)
        out[w] = -1;
    for (Py_ssize_t t = N - 1; t >= 0 && !bad; t--) {
        if (!(bad = seq[t] < 0 || seq[t] >= V))
            out[seq[t]] = t;
    }
    release_all(v, 2);
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "word id out of range");
        return NULL;
    }
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ module */

static PyMethodDef methods[] = {
    {"tokenize", tokenize, METH_VARARGS, tokenize_doc},
    {"count_words", count_words, METH_VARARGS, count_words_doc},
    {"count_order", count_order, METH_VARARGS, count_order_doc},
    {"work_size", work_size, METH_VARARGS, work_size_doc},
    {"first_positions", first_positions, METH_VARARGS, first_positions_doc},
    {"arpa_section", arpa_section, METH_VARARGS, arpa_section_doc},
    {"merge_rows", merge_rows, METH_VARARGS, merge_rows_doc},
    {"assemble_order", assemble_order, METH_VARARGS, assemble_order_doc},
    {"format_arpa", format_arpa, METH_VARARGS, format_arpa_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "seqlm.ngram._fastcount",
    .m_doc = "Optional compiled helpers for seqlm.ngram (tokenising, n-gram counting).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__fastcount(void)
{
    return PyModule_Create(&module);
}
