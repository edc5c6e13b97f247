/* format_arpa(): the ARPA lines of a chunk of n-grams as one bytes object (arpa.py's `_lines`),
 * "log10p<TAB>w1 w2 .. wn[<TAB>log10bow]\n" with both numbers as Python's f"{x:.7g}" writes
 * them (C's "%.7g": both round correctly, drop trailing zeros and print two exponent digits);
 * the backoff is left out where it is 0, as Python's writer does. Python formats the same
 * lines when this module is not built (tests/ngram/test_arpa_binary.py compares the bytes).
 */
#ifndef SEQLM_ARPAWRITE_H
#define SEQLM_ARPAWRITE_H

#include "_textscan.h"
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* x formatted as C's "%.7g" (= Python's f"{x:.7g}") into out; the length. The 7 digits come
 * from one long double product rounded to an integer: that is the correctly rounded result
 * unless the product lies within a hair of a rounding boundary (or long double is no wider
 * than double), and then snprintf decides, so the text is always the correctly rounded one
 * (tests/ngram/test_arpa_binary.py compares millions of values with Python's). */
static int
format_g7(double x, char *out)
{
#if LDBL_MANT_DIG >= 64
    if (isfinite(x) && x != 0.0) {
        static const long double p10[] = {1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L,
                                          1e8L, 1e9L, 1e10L, 1e11L, 1e12L, 1e13L, 1e14L,
                                          1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L};
        long double a = fabsl((long double)x);
        int e = (int)floorl(log10l(a));
        if (e >= -14 && e <= 14) {
            int k = 6 - e;  /* scale to 7 digits before the point: a * 10^k in [1e6, 1e7) */
            long double s = k >= 0 ? a * p10[k] : a / p10[-k];
            if (s < 1e6L) {  /* log10 rounded up near a power of ten */
                e--, k++;
                s = k >= 0 ? a * p10[k] : a / p10[-k];
            } else if (s >= 1e7L) {
                e++, k--;
                s = k >= 0 ? a * p10[k] : a / p10[-k];
            }
            long double fl = floorl(s), frac = s - fl;
            if (s >= 1e6L && s < 1e7L && fabsl(frac - 0.5L) > 1e-6L) {
                int64_t digits = (int64_t)fl + (frac > 0.5L);
                if (digits == 10000000)
                    digits = 1000000, e++;
                char d[8];
                for (int i = 6; i >= 0; i--, digits /= 10)
                    d[i] = (char)('0' + digits % 10);
                int nd = 7;
                while (nd > 1 && d[nd - 1] == '0')
                    nd--;
                int len = 0;
                if (x < 0)
                    out[len++] = '-';
                if (e < -4 || e >= 7) {  /* d.ddde+XX */
                    out[len++] = d[0];
                    if (nd > 1) {
                        out[len++] = '.';
                        memcpy(out + len, d + 1, (size_t)nd - 1);
                        len += nd - 1;
                    }
                    len += sprintf(out + len, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
                } else if (e < 0) {  /* 0.000ddd */
                    out[len++] = '0';
                    out[len++] = '.';
                    for (int i = 0; i < -e - 1; i++)
                        out[len++] = '0';
                    memcpy(out + len, d, (size_t)nd);
                    len += nd;
                } else {  /* ddd[.ddd] */
                    memcpy(out + len, d, (size_t)e + 1);
                    len += e + 1;
                    if (nd > e + 1) {
                        out[len++] = '.';
                        memcpy(out + len, d + e + 1, (size_t)(nd - e - 1));
                        len += nd - e - 1;
                    }
                }
                out[len] = '\0';
                return len;
            }
        }
    }
#endif
    return snprintf(out, 48, "%.7g", x);
}

typedef struct {
    char *buf;
    size_t len, cap;
} OutBuf;

static int
out_reserve(OutBuf *o, size_t more)
{
    if (o->len + more <= o->cap)
        return 0;
    size_t cap = o->cap ? o->cap : 1 << 16;
    while (cap < o->len + more)
        cap *= 2;
    char *b = PyMem_RawRealloc(o->buf, cap);
    if (b == NULL)
        return -1;
    o->buf = b;
    o->cap = cap;
    return 0;
}

static int
out_put(OutBuf *o, const char *src, size_t len)
{
    if (out_reserve(o, len) < 0)
        return -1;
    memcpy(o->buf + o->len, src, len);
    o->len += len;
    return 0;
}

PyDoc_STRVAR(format_arpa_doc,
"format_arpa(words, n, logp10, bow10, blob, offsets) -> bytes\n\n"
"ARPA lines of rows of n-grams: words (int64, rows x n word ids), logp10 (float64, one per\n"
"row), bow10 (float64 per row, or None for the highest order: no backoff column), the\n"
"vocabulary as UTF-8 bytes blob[offsets[i]:offsets[i + 1]] (offsets int64, V + 1 items).");

static PyObject *
format_arpa(PyObject *self, PyObject *args)
{
    PyObject *o[6];
    long long n;
    if (!PyArg_ParseTuple(args, "OLOOOO:format_arpa", &o[0], &n, &o[1], &o[2], &o[3], &o[4]))
        return NULL;
    if (n < 1 || n > 64) {
        PyErr_SetString(PyExc_ValueError, "need 1 <= n <= 64");
        return NULL;
    }
    Py_buffer v[5] = {{0}};  /* words, logp10, bow10, blob, offsets */
    Py_ssize_t cells, rows, blob_len, V1;
    int ok = get_array(o[0], &v[0], 0, 0, 8, 0, &cells, "words") == 0;
    rows = cells / n;
    if (ok && cells % n) {
        PyErr_SetString(PyExc_ValueError, "words must hold rows of n ids");
        ok = 0;
    }
    ok = ok && get_array(o[1], &v[1], 0, rows, 8, 1, NULL, "logp10") == 0
         && (o[2] == Py_None || get_array(o[2], &v[2], 0, rows, 8, 1, NULL, "bow10") == 0)
         && get_array(o[3], &v[3], 0, 0, 1, 0, &blob_len, "blob") == 0
         && get_array(o[4], &v[4], 0, 1, 8, 0, &V1, "offsets") == 0;
    const int64_t *off = ok ? v[4].buf : NULL;
    for (Py_ssize_t i = 0; ok && i < V1; i++)
        if (off[i] < 0 || off[i] > blob_len || (i && off[i] < off[i - 1])) {
            PyErr_SetString(PyExc_ValueError, "offsets must rise within the blob");
            ok = 0;
        }
    if (!ok) {
        release_all(v, 5);
        return NULL;
    }
    const int64_t *w = v[0].buf;
    const double *lp = v[1].buf, *bow = v[2].obj != NULL ? v[2].buf : NULL;
    const char *blob = v[3].buf;
    OutBuf out = {0};
    int bad = 0;
    char num[64];
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t r = 0; r < rows && !bad; r++) {
        int k = format_g7(lp[r], num);
        num[k++] = '\t';
        if (out_put(&out, num, (size_t)k) < 0) {
            bad = 1;
            break;
        }
        for (int64_t j = 0; j < n && !bad; j++) {
            int64_t id = w[r * n + j];
            if (id < 0 || id >= V1 - 1)
                bad = 2;
            else if ((j && out_put(&out, " ", 1) < 0)
                     || out_put(&out, blob + off[id], (size_t)(off[id + 1] - off[id])) < 0)
                bad = 1;
        }
        k = 0;
        if (bow != NULL && bow[r] != 0.0) {
            num[0] = '\t';
            k = 1 + format_g7(bow[r], num + 1);
        }
        num[k++] = '\n';
        if (!bad && out_put(&out, num, (size_t)k) < 0)
            bad = 1;
    }
    Py_END_ALLOW_THREADS
    release_all(v, 5);
    PyObject *res = NULL;
    if (bad == 1)
        PyErr_NoMemory();
    else if (bad == 2)
        PyErr_SetString(PyExc_ValueError, "word id out of range");
    else
        res = PyBytes_FromStringAndSize(out.buf ? out.buf : "", (Py_ssize_t)out.len);
    PyMem_RawFree(out.buf);
    return res;
}

#endif
