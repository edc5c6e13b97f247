/* assemble_order(): the keys and suffix rows of one order of merged counts (runs.py's
 * `assemble`), from its lexicographically sorted word rows and the orders below, in linear time.
 *
 * The n-grams are sorted, so their k-word prefixes are too, for every k: the row of each
 * prefix is found by walking every lower order's sorted keys once (a merge join per order, no
 * search), so no word rows of the orders below need to be kept. The suffix
 * (w2..wn) is the prefix's own suffix row s, extended by wn: it lies in the block of the order
 * below whose keys are s * V + w, found through an offsets array of those blocks, so the search
 * covers a few keys instead of the whole order. numpy's version (binary searches over whole
 * orders) does the same work with a cache miss per step; both give the same arrays
 * (tests/ngram/test_fastcount.py).
 *
 * The rows can come a chunk at a time (an out-of-core fit works through memory-mapped files):
 * a state array carries the merge joins' positions, the last key and the gallop's last answer
 * from one call to the next, and says that the offsets are computed already.
 */
#ifndef SEQLM_ASSEMBLE_H
#define SEQLM_ASSEMBLE_H

#include "_textscan.h"

typedef struct {
    const int32_t *w;          /* N rows of n word ids, sorted */
    const int64_t *lower[64];  /* keys of orders 2 .. n - 1 (lower[k] for order k) */
    Py_ssize_t lower_len[64];
    const int64_t *prev_keys;  /* M keys of the order below (prefix row * V + last word) */
    const int64_t *prev_suffix;/* M suffix rows of the order below (rows of order n - 2) */
    int64_t *offsets;          /* P + 1: first key of the order below with each prefix row */
    int64_t *keys, *suffix;    /* N outputs */
    int64_t *state;            /* ASSEMBLE_STATE items carried between chunks, or NULL */
    Py_ssize_t N, M, P;
    int64_t n, V;
} AssembleJob;

/* state[0]: offsets computed; [1]: the last key (-1 before any); [2], [3]: the gallop's last
 * first word and answer; [4 + k]: the merge join's row in order k */
#define ASSEMBLE_STATE 68

#if defined(__GNUC__) || defined(__clang__)
#define ASSEMBLE_PREFETCH(addr) __builtin_prefetch(addr)
#else
#define ASSEMBLE_PREFETCH(addr) ((void)0)
#endif
#define ASSEMBLE_AHEAD 16  /* rows between a block's prefetch and its search */

/* offsets[q] = the first key of the order below whose prefix row is >= q (no division per
 * key: the keys are walked in order). 0, or -1 if the keys are not increasing or in range. */
static int
block_offsets(AssembleJob *j)
{
    Py_ssize_t q = 0;
    int64_t bound = j->V;  /* keys of prefix row q lie in [q * V, (q + 1) * V) */
    if (j->P < 1)
        return j->M ? -1 : 0;
    j->offsets[0] = 0;
    for (Py_ssize_t r = 0; r < j->M; r++) {
        int64_t key = j->prev_keys[r];
        if (key < 0 || (r > 0 && key <= j->prev_keys[r - 1]))
            return -1;
        while (key >= bound) {
            if (++q >= j->P)
                return -1;
            j->offsets[q] = r;
            bound += j->V;
        }
    }
    while (++q <= j->P)
        j->offsets[q] = j->M;
    return 0;
}

/* Fill j->keys and j->suffix; 0, or -1 if the rows are not consistent merged counts. Pass 1
 * walks the prefixes (sequential reads) and parks each prefix row in suffix[]; pass 2 finds
 * the suffixes, whose blocks lie anywhere in the order below, prefetching them ahead. */
static int
assemble_job(AssembleJob *j)
{
    const int64_t n = j->n, V = j->V;
    int64_t *st = j->state;
    if ((st == NULL || st[0] == 0) && block_offsets(j) < 0)
        return -1;
    Py_ssize_t at[64] = {0};  /* per lower order, the row of the current prefix */
    int64_t last_key = -1, prev_w1 = -1, prev_lo = 0;
    if (st != NULL && st[0]) {
        last_key = st[1], prev_w1 = st[2], prev_lo = st[3];
        for (int64_t k = 2; k < n; k++) {
            at[k] = st[4 + k];
            if (at[k] < 0 || at[k] > j->lower_len[k])
                return -1;
        }
        if (prev_lo < 0 || prev_lo >= j->M)
            prev_w1 = -1, prev_lo = 0;
    }
    for (Py_ssize_t i = 0; i < j->N; i++) {
        const int32_t *a = j->w + i * n;
        int64_t row = a[0];  /* a unigram's row is its word id */
        if (row < 0 || row >= V)
            return -1;
        for (int64_t k = 2; k < n; k++) {  /* the row of a[0 .. k-1] in order k */
            int64_t target = row * V + a[k - 1];
            const int64_t *keys = j->lower[k];
            Py_ssize_t p = at[k];
            while (p < j->lower_len[k] && keys[p] < target)
                p++;
            if (a[k - 1] < 0 || a[k - 1] >= V || p == j->lower_len[k] || keys[p] != target)
                return -1;
            at[k] = row = p;
        }
        int64_t last = a[n - 1];
        if (last < 0 || last >= V || row >= j->M)
            return -1;
        int64_t key = row * V + last;
        if (key <= last_key)
            return -1;
        j->keys[i] = last_key = key;
        j->suffix[i] = row;
        int64_t s = j->prev_suffix[row];
        if (s < 0 || s >= j->P)
            return -1;
    }
    for (Py_ssize_t i = 0; i < j->N; i++) {
        if (i + ASSEMBLE_AHEAD < j->N)
            ASSEMBLE_PREFETCH(&j->offsets[j->prev_suffix[j->suffix[i + ASSEMBLE_AHEAD]]]);
        if (i + ASSEMBLE_AHEAD / 2 < j->N)
            ASSEMBLE_PREFETCH(&j->prev_keys[
                j->offsets[j->prev_suffix[j->suffix[i + ASSEMBLE_AHEAD / 2]]]]);
        int64_t s = j->prev_suffix[j->suffix[i]], last = j->w[i * n + n - 1];
        int64_t target = s * V + last, hi = j->offsets[s + 1];
        /* rows with the same first word ask for increasing suffixes (w2 .. wn are sorted
         * within it), so the search starts after the previous answer when that lies in the
         * block, and gallops: a few probes near the last one, not log(block) anywhere */
        int64_t lo = j->offsets[s], step = 1;
        if (j->w[i * n] == prev_w1 && prev_lo + 1 > lo)
            lo = prev_lo + 1;
        while (lo + step < hi && j->prev_keys[lo + step] < target)
            step <<= 1;
        int64_t h = lo + step + 1 < hi ? lo + step + 1 : hi;
        lo += step >> 1;
        while (lo < h) {  /* the first key >= target */
            int64_t mid = lo + (h - lo) / 2;
            if (j->prev_keys[mid] < target)
                lo = mid + 1;
            else
                h = mid;
        }
        if (lo >= hi || j->prev_keys[lo] != target)
            return -1;
        prev_w1 = j->w[i * n];
        prev_lo = lo;
        j->suffix[i] = lo;
    }
    if (st != NULL) {
        st[0] = 1, st[1] = last_key, st[2] = prev_w1, st[3] = prev_lo;
        for (int64_t k = 2; k < n; k++)
            st[4 + k] = at[k];
    }
    return 0;
}

PyDoc_STRVAR(assemble_order_doc,
"assemble_order(words, n, lower_keys, prev_suffix, vocab_size, offsets, keys, suffix,\n"
"               state=None) -> bool\n\n"
"Keys (prefix row * V + last word) and suffix rows of one order n >= 3 of merged counts:\n"
"words (int32, rows of n ids, lexicographically sorted); lower_keys: the sorted keys (int64)\n"
"of orders 2 .. n - 1; prev_suffix: order n - 1's suffix rows (int64); offsets: int64 scratch\n"
"of one more item than order n - 2 has rows. Fills keys and suffix (int64, one per row);\n"
"False if the rows are not consistent merged counts (a prefix or suffix missing, keys not\n"
"increasing). state: int64 scratch of 68 zeros before the first of several calls that\n"
"take consecutive chunks of the rows (offsets are then computed by the first call only).");

static PyObject *
assemble_order(PyObject *self, PyObject *args)
{
    PyObject *o[7] = {NULL};
    long long n, V;
    if (!PyArg_ParseTuple(args, "OLOOLOOO|O:assemble_order", &o[0], &n, &o[1], &o[2], &V, &o[3],
                          &o[4], &o[5], &o[6]))
        return NULL;
    if (n < 3 || n > 64 || V < 1 || V >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "need 3 <= n <= 64 and 1 <= vocab_size < 2**31");
        return NULL;
    }
    PyObject *lower = PySequence_Fast(o[1], "lower_keys must be a sequence of arrays");
    if (lower == NULL)
        return NULL;
    if (PySequence_Fast_GET_SIZE(lower) != n - 2) {
        Py_DECREF(lower);
        PyErr_SetString(PyExc_ValueError, "lower_keys must hold the keys of orders 2 .. n - 1");
        return NULL;
    }
    Py_buffer v[6 + 62] = {{0}};  /* words, prev_suffix, offsets, keys, suffix, state, lower */
    AssembleJob j = {.n = n, .V = V};
    Py_ssize_t N, P;
    int ok = get_array(o[0], &v[0], 0, 0, 4 * n, 0, &N, "words") == 0;
    for (int64_t k = 2; k < n && ok; k++)
        ok = get_array(PySequence_Fast_GET_ITEM(lower, k - 2), &v[6 + k - 2], 0, 0, 8, 0,
                       &j.lower_len[k], "lower_keys") == 0;
    Py_ssize_t M = ok ? j.lower_len[n - 1] : 0;
    ok = ok && get_array(o[2], &v[1], 0, M, 8, 1, NULL, "prev_suffix") == 0
         && get_array(o[3], &v[2], 1, 1, 8, 0, &P, "offsets") == 0
         && get_array(o[4], &v[3], 1, N, 8, 1, NULL, "keys") == 0
         && get_array(o[5], &v[4], 1, N, 8, 1, NULL, "suffix") == 0
         && (o[6] == NULL || o[6] == Py_None
             || get_array(o[6], &v[5], 1, ASSEMBLE_STATE, 8, 1, NULL, "state") == 0);
    Py_DECREF(lower);
    if (ok && M > 0 && (int64_t)M > INT64_MAX / V) {
        PyErr_SetString(PyExc_ValueError, "rows * vocab_size must be < 2**63");
        ok = 0;
    }
    if (!ok) {
        release_all(v, 6 + 62);
        return NULL;
    }
    for (int64_t k = 2; k < n; k++)
        j.lower[k] = v[6 + k - 2].buf;
    j.w = v[0].buf;
    j.prev_keys = j.lower[n - 1];
    j.prev_suffix = v[1].buf;
    j.offsets = v[2].buf;
    j.keys = v[3].buf;
    j.suffix = v[4].buf;
    j.state = v[5].obj != NULL ? v[5].buf : NULL;
    j.N = N;
    j.M = M;
    j.P = P - 1;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = assemble_job(&j);
    Py_END_ALLOW_THREADS
    release_all(v, 6 + 62);
    return PyBool_FromLong(rc == 0);
}

#endif
