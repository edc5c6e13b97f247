/* seqlm.ngram._fastquery: compiled scoring of backoff-form (ARPA-like) n-gram models.
 *
 * Engine(keys, logp, logbow, vocab, unk, bos, eos)  wraps a model's arrays (no copy: it holds buffers)
 *   and builds one open-addressing hash table per order >= 2 (key -> row); unigrams are
 *   indexed directly and words are found through a hash table of the vocabulary's UTF-8.
 * .score_text(text, full)  the sentence score (log10) or full_scores list;
 * .score_ids(seq, unit_start, targets, out_logp, out_len)  batch scoring (natural log);
 * .score_word(state, word) / .score_id(state, id)  one step of KenLM's state API.
 *
 * A state is an immutable bytes object: the int32 rows r_1..r_L of the k-grams (k = 1..L)
 * ending at the last word (-1 where absent, trailing -1 dropped). Scoring w after it follows
 * query.py exactly: e_1 = w, e_n = row of (r_{n-1} * V + w) in order n; the longest found
 * e_n gives log p, plus the backoffs logbow[k][r_k] of every context k >= that length.
 * The numpy path (query.py, state.py) computes the same numbers; tests compare the two.
 */
#include "_textscan.h"
#include <sys/mman.h>

#define MAX_ORDER 20

typedef struct {
    int64_t key;
    int64_t row;            /* -1: empty slot */
    double logp;            /* logp[n][row], here to save a dependent cache miss */
} HSlot;

typedef struct {
    PyObject_HEAD
    int order;
    int64_t V, unk, bos, eos;  /* bos = eos = -1: stream mode */
    Py_buffer keys[MAX_ORDER], logp[MAX_ORDER], logbow[MAX_ORDER];
    HSlot *hash[MAX_ORDER];  /* orders 2..N (index n-1); mmap'd, huge pages where allowed */
    size_t hash_bytes[MAX_ORDER];
    uint64_t mask[MAX_ORDER];
    int shift[MAX_ORDER];
    Table vocab;
} Engine;

#define HMUL 0x9E3779B97F4A7C15ULL

/* The slot of key in the hash of order n, starting at slot i; NULL if absent. */
static inline const HSlot *
probe(const Engine *e, int n, int64_t key, uint64_t i)
{
    const HSlot *h = e->hash[n - 1];
    uint64_t mask = e->mask[n - 1];
    for (;; i = (i + 1) & mask) {
        if (h[i].row < 0)
            return NULL;
        if (h[i].key == key)
            return &h[i];
    }
}

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(addr) __builtin_prefetch(addr)
#else
#define PREFETCH(addr) ((void)0)
#endif

/* Build the hash of order n from its sorted keys. 0 or -1 (out of memory). */
static int
build_hash(Engine *e, int n)
{
    Py_ssize_t rows = e->keys[n - 1].len / 8;
    const int64_t *keys = e->keys[n - 1].buf;
    const double *logp = e->logp[n - 1].buf;
    int bits = 4;
    while (((Py_ssize_t)1 << bits) < rows + rows / 2 + 1)
        bits++;
    size_t slots = (size_t)1 << bits, bytes = slots * sizeof(HSlot);
    /* random probes into tens of MB: 4 KiB pages would cost a TLB miss on most of them */
    HSlot *h = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (h == MAP_FAILED)
        return -1;
#ifdef MADV_HUGEPAGE
    madvise(h, bytes, MADV_HUGEPAGE);
#endif
    e->hash_bytes[n - 1] = bytes;
    for (size_t i = 0; i < slots; i++)
        h[i] = (HSlot){-1, -1, 0.0};
    e->hash[n - 1] = h;
    e->mask[n - 1] = slots - 1;
    e->shift[n - 1] = 64 - bits;
    for (Py_ssize_t r = 0; r < rows; r++) {
        uint64_t i = ((uint64_t)keys[r] * HMUL) >> (64 - bits);
        while (h[i].row >= 0)
            i = (i + 1) & (slots - 1);
        h[i] = (HSlot){keys[r], r, logp[r]};
    }
    return 0;
}

/* log p (natural) of word w after the context rows ctx[0..L-1]; the rows of the n-grams
 * ending at w go to out[0..N-2] when out is not NULL; the n-gram length used to *len. */
static inline double
score_one(const Engine *e, const int32_t *ctx, int L, int64_t w, int32_t *out, int *len)
{
    int N = e->order, length = 1;
    int64_t top = L + 1 < N ? L + 1 : N, keys[MAX_ORDER];
    uint64_t at[MAX_ORDER];
    /* the lookups of all orders are independent: start every cache miss first */
    for (int n = 2; n <= top; n++) {
        if (ctx[n - 2] < 0)
            continue;
        keys[n - 1] = (int64_t)ctx[n - 2] * e->V + w;
        at[n - 1] = ((uint64_t)keys[n - 1] * HMUL) >> e->shift[n - 1];
        PREFETCH(&e->hash[n - 1][at[n - 1]]);
    }
    for (int k = 1; k < N && k <= L; k++)
        if (ctx[k - 1] >= 0)
            PREFETCH((const double *)e->logbow[k - 1].buf + ctx[k - 1]);
    if (out != NULL && N > 1)
        out[0] = (int32_t)w;
    double lp = ((const double *)e->logp[0].buf)[w];
    for (int n = 2; n <= N; n++) {
        const HSlot *hit = NULL;
        if (n <= top && ctx[n - 2] >= 0)
            hit = probe(e, n, keys[n - 1], at[n - 1]);
        if (hit != NULL) {
            length = n;
            lp = hit->logp;
        }
        if (out != NULL && n < N)
            out[n - 1] = hit != NULL ? (int32_t)hit->row : -1;
    }
    for (int k = length; k < N && k <= L; k++)
        if (ctx[k - 1] >= 0)
            lp += ((const double *)e->logbow[k - 1].buf)[ctx[k - 1]];
    *len = length;
    return lp;
}

/* Length of a state row vector once its trailing -1 are dropped. */
static inline int
trim(const int32_t *rows, int L)
{
    while (L > 0 && rows[L - 1] < 0)
        L--;
    return L;
}

/* ------------------------------------------------------------------ construction */

static void
engine_dealloc(Engine *e)
{
    for (int n = 0; n < MAX_ORDER; n++) {
        if (e->keys[n].obj)
            PyBuffer_Release(&e->keys[n]);
        if (e->logp[n].obj)
            PyBuffer_Release(&e->logp[n]);
        if (e->logbow[n].obj)
            PyBuffer_Release(&e->logbow[n]);
        if (e->hash[n] != NULL)
            munmap(e->hash[n], e->hash_bytes[n]);
    }
    table_free(&e->vocab);
    Py_TYPE(e)->tp_free((PyObject *)e);
}

/* Fill buffers from a list of arrays (count items each, size bytes per item); 0 or -1. */
static int
take_list(PyObject *list, Py_buffer *out, int count, Py_ssize_t size, const char *name)
{
    if (!PyList_Check(list) || PyList_GET_SIZE(list) != count) {
        PyErr_Format(PyExc_ValueError, "%s must be a list of %d arrays", name, count);
        return -1;
    }
    for (int i = 0; i < count; i++) {
        if (PyObject_GetBuffer(PyList_GET_ITEM(list, i), &out[i], PyBUF_C_CONTIGUOUS) < 0)
            return -1;
        if (out[i].len % size) {
            PyErr_Format(PyExc_ValueError, "%s[%d] has the wrong item size", name, i);
            return -1;
        }
    }
    return 0;
}

/* Check that every row and key the scorer can reach is in range. 0 or -1. */
static int
check_tables(Engine *e)
{
    int N = e->order;
    for (int n = 1; n <= N; n++) {
        Py_ssize_t rows = e->keys[n - 1].len / 8;
        if (e->logp[n - 1].len / 8 != rows || (n < N && e->logbow[n - 1].len / 8 != rows)) {
            PyErr_Format(PyExc_ValueError, "order %d: keys, logp and logbow differ in length", n);
            return -1;
        }
        if (n == 1 && rows != e->V) {
            PyErr_SetString(PyExc_ValueError, "unigram keys must cover the vocabulary");
            return -1;
        }
        if (rows >= INT32_MAX) {
            PyErr_SetString(PyExc_ValueError, "too many n-grams for int32 rows");
            return -1;
        }
        const int64_t *k = e->keys[n - 1].buf;
        Py_ssize_t prev = n > 1 ? e->keys[n - 2].len / 8 : 0;
        for (Py_ssize_t r = 0; n > 1 && r < rows; r++)
            if (k[r] < 0 || k[r] / e->V >= prev || (r && k[r] <= k[r - 1])) {
                PyErr_Format(PyExc_ValueError, "order %d: keys not sorted or out of range", n);
                return -1;
            }
    }
    return 0;
}

static int
engine_init(Engine *e, PyObject *args, PyObject *kw)
{
    PyObject *keys, *logp, *logbow, *vocab;
    long long unk, bos, eos;
    if (!PyArg_ParseTuple(args, "OOOOLLL:Engine", &keys, &logp, &logbow, &vocab, &unk, &bos,
                          &eos))
        return -1;
    if (e->order) {
        PyErr_SetString(PyExc_RuntimeError, "Engine is already initialised");
        return -1;
    }
    Py_ssize_t N = PyList_Check(keys) ? PyList_GET_SIZE(keys) : 0;
    if (N < 1 || N > MAX_ORDER || !PyList_Check(vocab)) {
        PyErr_SetString(PyExc_ValueError, "need 1..20 orders and a list of vocabulary tokens");
        return -1;
    }
    e->order = (int)N;
    e->V = PyList_GET_SIZE(vocab);
    e->unk = unk;
    e->bos = bos;
    e->eos = eos;
    if (unk < 0 || unk >= e->V || e->V >= INT32_MAX || bos < -1 || bos >= e->V || eos < -1
        || eos >= e->V || (bos < 0) != (eos < 0)
        || (N > 1 && e->V > INT64_MAX / (INT32_MAX + 1LL))) {
        PyErr_SetString(PyExc_ValueError, "bad vocabulary size or <unk> id");
        return -1;
    }
    if (take_list(keys, e->keys, (int)N, 8, "keys") < 0
        || take_list(logp, e->logp, (int)N, 8, "logp") < 0
        || take_list(logbow, e->logbow, (int)N - 1, 8, "logbow") < 0 || check_tables(e) < 0)
        return -1;
    e->vocab.slots = PyMem_RawCalloc(1024, sizeof(Slot));
    if (e->vocab.slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    e->vocab.mask = 1023;
    for (Py_ssize_t i = 0; i < e->V; i++) {
        Py_ssize_t len;
        PyObject *tok = PyList_GET_ITEM(vocab, i);
        const unsigned char *s = PyUnicode_Check(tok)
            ? (const unsigned char *)PyUnicode_AsUTF8AndSize(tok, &len) : NULL;
        if (s == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "vocabulary tokens must be str");
            return -1;
        }
        if (table_intern(&e->vocab, s, len, fnv1a(s, len)) != i) {
            PyErr_SetString(PyExc_ValueError, "duplicate vocabulary token (or out of memory)");
            return -1;
        }
    }
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    for (int n = 2; n <= N && !bad; n++)
        bad = build_hash(e, n) < 0;
    Py_END_ALLOW_THREADS
    if (bad) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ text scoring */

typedef struct {
    const Engine *e;
    int32_t ctx[MAX_ORDER], nxt[MAX_ORDER];
    int L;               /* context rows in ctx (-1: no token yet in stream mode) */
    double total;        /* natural log */
    Py_ssize_t scored;
    PyObject *full;      /* list for full_scores, or NULL */
    double *out;         /* natural log per predicted token (logprobs_text), or NULL */
    Py_ssize_t cap;
} Walk;

/* Score word w (oov: not in the vocabulary) and move the context on. 0 or -1. */
static inline int
walk_word(Walk *k, int64_t w, int oov)
{
    const Engine *e = k->e;
    int len, N = e->order;
    if (k->L < 0) {            /* stream mode's first token: context only */
        k->ctx[0] = (int32_t)w;
        k->L = N > 1 ? 1 : 0;
        return 0;
    }
    double lp = score_one(e, k->ctx, k->L, w, k->nxt, &len);
    if (k->out != NULL) {
        if (k->scored >= k->cap)
            return -1;
        k->out[k->scored] = lp;
    }
    k->total += lp;
    k->scored++;
    if (N > 1) {
        memcpy(k->ctx, k->nxt, (size_t)(N - 1) * sizeof(int32_t));
        k->L = trim(k->ctx, N - 1);
    }
    if (k->full != NULL) {
        PyObject *t = Py_BuildValue("(diO)", lp / 2.302585092994046, len,
                                    oov ? Py_True : Py_False);
        if (t == NULL || PyList_Append(k->full, t) < 0) {
            Py_XDECREF(t);
            return -1;
        }
        Py_DECREF(t);
    }
    return 0;
}

static inline int64_t
word_id(const Engine *e, const unsigned char *s, Py_ssize_t len, int *oov)
{
    int64_t id = table_find(&e->vocab, s, len, fnv1a(s, len));
    *oov = id < 0;
    return id < 0 ? e->unk : id;
}

/* Walk the tokens of text (str.split() per str.splitlines() line in sentence mode, with
 * <s> (bos) before and </s> (eos) after every non-empty line); one pass, hashing each token
 * while scanning it. 0 or -1. */
static int
walk_text(Walk *k, const unsigned char *p, Py_ssize_t n, int64_t bos, int64_t eos)
{
    int sentence = bos >= 0, brk = 0, in_line = 0;
    Py_ssize_t i = 0, w;
    while (i < n) {
        if ((w = space_len(p + i, n - i, &brk)) != 0) {
            if (brk && sentence && in_line) {
                if (walk_word(k, eos, 0) < 0)
                    return -1;
                in_line = 0;
            }
            i += w;
            continue;
        }
        Py_ssize_t start = i;
        uint64_t h = scan_token(p, n, &i);
        if (sentence && !in_line) {
            k->ctx[0] = (int32_t)bos;
            k->L = k->e->order > 1;
            in_line = 1;
        }
        int64_t id = table_find(&k->e->vocab, p + start, i - start, h);
        if (walk_word(k, id < 0 ? k->e->unk : id, id < 0) < 0)
            return -1;
    }
    if (sentence && in_line)
        return walk_word(k, eos, 0);
    return 0;
}

/* The UTF-8 of text; NULL with *bad set (no exception) when it cannot be encoded (lone
 * surrogates: the caller falls back to Python), NULL with an exception on other errors. */
static const char *
utf8_of(PyObject *text, Py_ssize_t *n, int *bad)
{
    const char *data = PyUnicode_AsUTF8AndSize(text, n);
    if (data == NULL && PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
        PyErr_Clear();
        *bad = 1;
    }
    return data;
}

PyDoc_STRVAR(score_text_doc,
"score_text(text, full) -> float, list or None\n\n"
"Sentence mode (the Engine's bos, eos ids): every non-empty line is <s> tokens </s>; stream\n"
"mode (bos = eos = -1): the whole text is one sequence whose first token is context only.\n"
"The total log10 probability, or with full=True a list of (log10 p, n-gram length, is OOV)\n"
"per predicted token. None when nothing is predicted or the text is not valid UTF-8.");

static PyObject *
engine_score_text(Engine *e, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || nargs > 2 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "score_text(text: str, full: bool = False)");
        return NULL;
    }
    PyObject *text = args[0];
    int full = nargs == 2 ? PyObject_IsTrue(args[1]) : 0;
    if (full < 0)
        return NULL;
    Py_ssize_t n;
    int bad = 0;
    const char *data = utf8_of(text, &n, &bad);
    if (data == NULL)
        return bad ? Py_NewRef(Py_None) : NULL;
    Walk k = {.e = e, .L = e->bos >= 0 ? 0 : -1};
    if (full && (k.full = PyList_New(0)) == NULL)
        return NULL;
    if (walk_text(&k, (const unsigned char *)data, n, e->bos, e->eos) < 0) {
        Py_XDECREF(k.full);
        return NULL;
    }
    if (k.scored == 0) {
        Py_XDECREF(k.full);
        Py_RETURN_NONE;
    }
    return full ? k.full : PyFloat_FromDouble(k.total / 2.302585092994046);
}

PyDoc_STRVAR(logprobs_text_doc,
"logprobs_text(text, out) -> n or None\n\n"
"score_text's walk, writing the natural-log probability of every predicted token to the\n"
"float64 buffer out (len(text) + 1 items always suffice); returns how many, or None when\n"
"nothing is predicted or the text is not valid UTF-8.");

static PyObject *
engine_logprobs_text(Engine *e, PyObject *args)
{
    PyObject *text, *out_o;
    Py_buffer out;
    if (!PyArg_ParseTuple(args, "UO:logprobs_text", &text, &out_o)
        || PyObject_GetBuffer(out_o, &out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0)
        return NULL;
    Py_ssize_t n;
    int bad = 0;
    const char *data = utf8_of(text, &n, &bad);
    if (data == NULL) {
        PyBuffer_Release(&out);
        return bad ? Py_NewRef(Py_None) : NULL;
    }
    Walk k = {.e = e, .L = e->bos >= 0 ? 0 : -1, .out = out.buf, .cap = out.len / 8};
    int rc = walk_text(&k, (const unsigned char *)data, n, e->bos, e->eos);
    PyBuffer_Release(&out);
    if (rc < 0) {
        PyErr_SetString(PyExc_ValueError, "logprobs_text: the output buffer is too small");
        return NULL;
    }
    if (k.scored == 0)
        Py_RETURN_NONE;
    return PyLong_FromSsize_t(k.scored);
}

PyDoc_STRVAR(score_ids_doc,
"score_ids(seq, unit_start, targets, out_logp, out_len) -> None\n\n"
"Batch scoring as query.match + backoff_scores: seq (int64 word ids of units back to back),\n"
"unit_start (int64: where the unit of each position starts; > t marks padding), targets\n"
"(int64 increasing positions to score). Writes the natural-log probability (float64) and\n"
"the n-gram length used (int64) of every target.");

static PyObject *
engine_score_ids(Engine *e, PyObject *args)
{
    PyObject *o[5];
    if (!PyArg_ParseTuple(args, "OOOOO:score_ids", &o[0], &o[1], &o[2], &o[3], &o[4]))
        return NULL;
    Py_buffer v[5] = {{0}};
    Py_ssize_t N, T;
    if (PyObject_GetBuffer(o[0], &v[0], PyBUF_C_CONTIGUOUS) < 0)
        return NULL;
    N = v[0].len / 8;
    int ok = PyObject_GetBuffer(o[1], &v[1], PyBUF_C_CONTIGUOUS) == 0
             && PyObject_GetBuffer(o[2], &v[2], PyBUF_C_CONTIGUOUS) == 0
             && PyObject_GetBuffer(o[3], &v[3], PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) == 0
             && PyObject_GetBuffer(o[4], &v[4], PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) == 0;
    T = ok ? v[2].len / 8 : 0;
    if (ok && (v[0].len % 8 || v[1].len != N * 8 || v[2].len % 8 || v[3].len != T * 8
               || v[4].len != T * 8)) {
        PyErr_SetString(PyExc_ValueError, "score_ids: arrays of the wrong size");
        ok = 0;
    }
    int bad = !ok;
    if (ok) {
        const int64_t *seq = v[0].buf, *us = v[1].buf, *targets = v[2].buf;
        double *out_lp = v[3].buf;
        int64_t *out_len = v[4].buf;
        int32_t ctx[MAX_ORDER], nxt[MAX_ORDER];
        int L = 0, N1 = e->order - 1, len;
        Py_ssize_t j = 0;
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t t = 0; t < N && !bad; t++) {
            int64_t w = seq[t];
            if ((bad = w < 0 || w >= e->V))
                break;
            if (us[t] > t) {      /* padding before a unit */
                L = 0;
                bad = j < T && targets[j] == t;
                continue;
            }
            if (us[t] == t)
                L = 0;
            else if ((bad = t == 0 || us[t] != us[t - 1]))
                break;
            double lp = score_one(e, ctx, L, w, nxt, &len);
            if (j < T && targets[j] == t) {
                out_lp[j] = lp;
                out_len[j] = len;
                j++;
            }
            if (N1 > 0) {
                memcpy(ctx, nxt, (size_t)N1 * sizeof(int32_t));
                L = trim(ctx, N1);
            }
        }
        bad = bad || j != T;
        Py_END_ALLOW_THREADS
        if (bad)
            PyErr_SetString(PyExc_ValueError, "score_ids: bad word id, unit start or targets");
    }
    for (int i = 0; i < 5; i++)
        if (v[i].obj)
            PyBuffer_Release(&v[i]);
    if (bad)
        return NULL;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ state API */

/* The context rows of a state bytes object; -1 with an exception set. */
static int
state_rows(const Engine *e, PyObject *state, int32_t *ctx)
{
    if (!PyBytes_Check(state) || PyBytes_GET_SIZE(state) % 4
        || PyBytes_GET_SIZE(state) / 4 > e->order - 1) {
        PyErr_SetString(PyExc_TypeError, "not a state of this model (use begin_state())");
        return -1;
    }
    int L = (int)(PyBytes_GET_SIZE(state) / 4);
    memcpy(ctx, PyBytes_AS_STRING(state), (size_t)L * 4);
    for (int k = 0; k < L; k++) {
        Py_ssize_t rows = e->keys[k].len / 8;
        if (ctx[k] < -1 || ctx[k] >= rows) {
            PyErr_SetString(PyExc_ValueError, "state rows out of range for this model");
            return -1;
        }
    }
    return L;
}

/* (log10 p, new state) of word id w after state. */
static PyObject *
step(const Engine *e, PyObject *state, int64_t w)
{
    int32_t ctx[MAX_ORDER], nxt[MAX_ORDER];
    int len, L = state_rows(e, state, ctx);
    if (L < 0)
        return NULL;
    double lp = score_one(e, ctx, L, w, nxt, &len);
    int M = trim(nxt, e->order - 1);
    PyObject *ns = PyBytes_FromStringAndSize((const char *)nxt, (Py_ssize_t)M * 4);
    if (ns == NULL)
        return NULL;
    return Py_BuildValue("(dN)", lp / 2.302585092994046, ns);
}

PyDoc_STRVAR(score_word_doc,
"score_word(state, word) -> (log10 p, state)\n\n"
"KenLM's BaseScore: the log10 probability of word (str; <unk> when unknown) after state,\n"
"and the state after it.");

static PyObject *
engine_score_word(Engine *e, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "score_word(state: bytes, word: str)");
        return NULL;
    }
    PyObject *state = args[0], *word = args[1];
    Py_ssize_t len;
    const char *s = PyUnicode_AsUTF8AndSize(word, &len);
    if (s == NULL)
        return NULL;
    int oov;
    return step(e, state, word_id(e, (const unsigned char *)s, len, &oov));
}

PyDoc_STRVAR(score_id_doc,
"score_id(state, id) -> (log10 p, state)\n\nscore_word for a vocabulary id.");

static PyObject *
engine_score_id(Engine *e, PyObject *args)
{
    PyObject *state;
    long long w;
    if (!PyArg_ParseTuple(args, "SL:score_id", &state, &w))
        return NULL;
    if (w < 0 || w >= e->V) {
        PyErr_SetString(PyExc_ValueError, "word id out of range");
        return NULL;
    }
    return step(e, state, w);
}

static PyMethodDef engine_methods[] = {
    {"score_text", (PyCFunction)(void (*)(void))engine_score_text, METH_FASTCALL,
     score_text_doc},
    {"score_ids", (PyCFunction)engine_score_ids, METH_VARARGS, score_ids_doc},
    {"logprobs_text", (PyCFunction)engine_logprobs_text, METH_VARARGS, logprobs_text_doc},
    {"score_word", (PyCFunction)(void (*)(void))engine_score_word, METH_FASTCALL,
     score_word_doc},
    {"score_id", (PyCFunction)engine_score_id, METH_VARARGS, score_id_doc},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject EngineType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "seqlm.ngram._fastquery.Engine",
    .tp_doc = PyDoc_STR("Engine(keys, logp, logbow, vocab, unk, bos, eos): compiled scorer of a "
                        "backoff-form n-gram model (see the module doc)."),
    .tp_basicsize = sizeof(Engine),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)engine_init,
    .tp_dealloc = (destructor)engine_dealloc,
    .tp_methods = engine_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "seqlm.ngram._fastquery",
    .m_doc = "Compiled scoring of backoff-form n-gram models (hash lookups, KenLM's state API).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__fastquery(void)
{
    if (PyType_Ready(&EngineType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&EngineType);
    if (PyModule_AddObject(m, "Engine", (PyObject *)&EngineType) < 0) {
        Py_DECREF(&EngineType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
