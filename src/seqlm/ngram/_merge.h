/* merge_rows(): two sorted runs of n-gram counts merged into one (runs.py's `merge_order`):
 * rows of word ids in lexicographic order, equal rows' counts summed and unit-start flags OR'd.
 *
 * The runs out of the counter are sorted already, so a linear merge replaces numpy's sort of
 * the concatenation (O(N log N), several passes over packed keys): merging k runs pairwise
 * costs log2(k) sequential passes. A run that is not strictly increasing is refused (the
 * caller then sorts with numpy), so the result is always numpy's.
 */
#ifndef SEQLM_MERGE_H
#define SEQLM_MERGE_H

#include "_textscan.h"

typedef struct {
    const int32_t *w[2];      /* rows of n word ids */
    const int64_t *count[2];
    const uint8_t *starts[2];
    Py_ssize_t len[2];
    int32_t *out_w;
    int64_t *out_count;
    uint8_t *out_starts;
    int64_t n;
} MergeJob;

static inline int
merge_cmp(const int32_t *a, const int32_t *b, int64_t k)
{
    for (int64_t i = 0; i < k; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* Rows written, or -1 if a run is not strictly increasing. */
static Py_ssize_t
merge_job(MergeJob *j)
{
    const int64_t n = j->n;
    Py_ssize_t at[2] = {0, 0}, o = 0;
    while (at[0] < j->len[0] || at[1] < j->len[1]) {
        int c;
        if (at[0] == j->len[0])
            c = 1;
        else if (at[1] == j->len[1])
            c = -1;
        else
            c = merge_cmp(j->w[0] + at[0] * n, j->w[1] + at[1] * n, n);
        int from = c <= 0 ? 0 : 1;
        const int32_t *row = j->w[from] + at[from] * n;
        if (o > 0 && merge_cmp(j->out_w + (o - 1) * n, row, n) >= 0)
            return -1;
        memcpy(j->out_w + o * n, row, (size_t)n * sizeof(int32_t));
        j->out_count[o] = j->count[from][at[from]];
        j->out_starts[o] = j->starts[from][at[from]] != 0;
        at[from]++;
        if (c == 0) {  /* the same n-gram in both runs */
            j->out_count[o] += j->count[1][at[1]];
            j->out_starts[o] |= j->starts[1][at[1]] != 0;
            at[1]++;
        }
        o++;
    }
    return o;
}

PyDoc_STRVAR(merge_rows_doc,
"merge_rows(words_a, count_a, starts_a, words_b, count_b, starts_b, n, words, count, starts)\n"
"    -> int\n\n"
"Merge two runs, each strictly increasing rows of n word ids (int32) with counts (int64) and\n"
"starts (bool), into words/count/starts (room for both runs): equal rows summed and OR'd.\n"
"Returns the rows written, or -1 if a run is not strictly increasing.");

static PyObject *
merge_rows(PyObject *self, PyObject *args)
{
    PyObject *o[9];
    long long n;
    if (!PyArg_ParseTuple(args, "OOOOOOLOOO:merge_rows", &o[0], &o[1], &o[2], &o[3], &o[4],
                          &o[5], &n, &o[6], &o[7], &o[8]))
        return NULL;
    if (n < 1 || n > 64) {
        PyErr_SetString(PyExc_ValueError, "need 1 <= n <= 64");
        return NULL;
    }
    static const char *names[9] = {"words_a", "count_a", "starts_a", "words_b", "count_b",
                                   "starts_b", "words", "count", "starts"};
    Py_buffer v[9] = {{0}};
    Py_ssize_t len[2];
    int ok = 1;
    for (int r = 0; r < 2 && ok; r++)
        ok = get_array(o[3 * r], &v[3 * r], 0, 0, 4 * n, 0, &len[r], names[3 * r]) == 0
             && get_array(o[3 * r + 1], &v[3 * r + 1], 0, len[r], 8, 1, NULL,
                          names[3 * r + 1]) == 0
             && get_array(o[3 * r + 2], &v[3 * r + 2], 0, len[r], 1, 1, NULL,
                          names[3 * r + 2]) == 0;
    if (ok) {
        Py_ssize_t total = len[0] + len[1];
        ok = get_array(o[6], &v[6], 1, total, 4 * n, 0, NULL, names[6]) == 0
             && get_array(o[7], &v[7], 1, total, 8, 0, NULL, names[7]) == 0
             && get_array(o[8], &v[8], 1, total, 1, 0, NULL, names[8]) == 0;
    }
    if (!ok) {
        release_all(v, 9);
        return NULL;
    }
    MergeJob j = {
        .w = {v[0].buf, v[3].buf}, .count = {v[1].buf, v[4].buf},
        .starts = {v[2].buf, v[5].buf}, .len = {len[0], len[1]},
        .out_w = v[6].buf, .out_count = v[7].buf, .out_starts = v[8].buf, .n = n,
    };
    Py_ssize_t rows;
    Py_BEGIN_ALLOW_THREADS
    rows = merge_job(&j);
    Py_END_ALLOW_THREADS
    release_all(v, 9);
    return PyLong_FromSsize_t(rows);
}

#endif
