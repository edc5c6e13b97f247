/* Reading one n-gram section of an ARPA file in C (included by _fastcount.c).
 *
 * arpa_section() parses `count` lines "log10p w1 .. wn [log10bow]" from a byte offset: plain
 * decimal numbers (parsed by Python's own correctly rounded float parser, so the values equal
 * float()'s), words split on str.split()'s whitespace and looked up in a hash of the vocabulary
 * (the unigram section builds it). It handles only the regular case and answers -1 for
 * anything else (a bad number, a wrong field count, an unknown or repeated word, a line break
 * other than \n, a blank line): the caller then reads the file with the Python parser, which
 * reports the exact problem. So both paths accept the same files and give the same arrays.
 */
#ifndef SEQLM_ARPASCAN_H
#define SEQLM_ARPASCAN_H

#include "_textscan.h"

#define ARPA_MAX_PROB 1e-3      /* as arpa.py: a log10 probability above this is damage */
#define ARPA_MAX_BACKOFF 1000.0 /* |log10 backoff| above this is damage */

static inline int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* 10^0 .. 10^22: every one is exactly a double */
static const double arpa_pow10[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A plain decimal ([+-]digits[.digits][e[+-]digits], at least one digit) into *out. 0 or -1
 * (not such a number, or Python's parser failed: the exception is cleared).
 * ARPA's usual numbers ("-1.234567": at most 19 digits, no exponent, digits < 2^53) take
 * Clinger's fast path: the digits as an exact integer m divided by an exact 10^k (k <= 22),
 * one correctly rounded IEEE operation, so the value equals the correctly rounded parse
 * (Python's float()) bit for bit; any other number goes to Python's own parser. */
static int
arpa_number(const unsigned char *p, Py_ssize_t len, double *out)
{
    char buf[64];
    Py_ssize_t i = 0;
    int digits = 0, frac = 0, neg = 0;
    uint64_t m = 0;
    if (len <= 0 || len >= (Py_ssize_t)sizeof(buf))
        return -1;
    if (p[i] == '-' || p[i] == '+')
        neg = p[i++] == '-';
    for (; i < len && is_digit(p[i]); i++, digits++)
        m = m * 10 + (uint64_t)(p[i] - '0');  /* wraps past 19 digits: not used then */
    if (i < len && p[i] == '.')
        for (i++; i < len && is_digit(p[i]); i++, digits++, frac++)
            m = m * 10 + (uint64_t)(p[i] - '0');
    if (!digits)
        return -1;
    if (i == len && digits <= 19 && frac <= 22 && m <= ((uint64_t)1 << 53)) {
        double v = (double)m / arpa_pow10[frac];
        *out = neg ? -v : v;
        return 0;
    }
    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        int exp_digits = 0;
        i++;
        if (i < len && (p[i] == '-' || p[i] == '+'))
            i++;
        for (; i < len && is_digit(p[i]); i++)
            exp_digits++;
        if (!exp_digits)
            return -1;
    }
    if (i != len)
        return -1;
    memcpy(buf, p, (size_t)len);
    buf[len] = '\0';
    *out = PyOS_string_to_double(buf, NULL, NULL);  /* overflow gives +-inf, refused below */
    if (*out == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return -1;
    }
    return 0;
}

/* Skip spaces that do not end a line. 0 at a token, a \n or the end; -1 at another break. */
static inline int
arpa_skip(const unsigned char *p, Py_ssize_t n, Py_ssize_t *i)
{
    int brk;
    while (*i < n) {
        Py_ssize_t len = space_len(p + *i, n - *i, &brk);
        if (len == 0)
            return 0;
        if (brk)
            return p[*i] == '\n' ? 0 : -1;
        *i += len;
    }
    return 0;
}

static inline int
arpa_at_token(const unsigned char *p, Py_ssize_t n, Py_ssize_t i)
{
    return i < n && p[i] != '\n';
}

/* Parse `count` lines of order `n` from p[*at]; words are found in (or, when `intern`, added
 * to) `vocab`. ids (count * n), logp and bow (count) are filled. 0, or -1 for "not regular". */
static int
arpa_lines(const unsigned char *p, Py_ssize_t size, Py_ssize_t *at, int n, Py_ssize_t count,
           Table *vocab, int intern, int64_t *ids, double *logp, double *bow)
{
    Py_ssize_t i = *at;
    for (Py_ssize_t r = 0; r < count; r++) {
        if (arpa_skip(p, size, &i) < 0 || !arpa_at_token(p, size, i))
            return -1;
        Py_ssize_t s = i;
        scan_token(p, size, &i);
        if (arpa_number(p + s, i - s, &logp[r]) < 0 || !(logp[r] <= ARPA_MAX_PROB))
            return -1;
        if (logp[r] > 0.0)
            logp[r] = 0.0;
        for (int k = 0; k < n; k++) {
            if (arpa_skip(p, size, &i) < 0 || !arpa_at_token(p, size, i))
                return -1;
            s = i;
            uint64_t h = scan_token(p, size, &i);
            int64_t id;
            if (intern) {
                Py_ssize_t before = (Py_ssize_t)vocab->n;
                id = table_intern(vocab, p + s, i - s, h);
                if (id != before)  /* a repeated unigram (or out of memory) */
                    return -1;
            }
            else
                id = table_find(vocab, p + s, i - s, h);
            if (id < 0)
                return -1;
            ids[r * n + k] = id;
        }
        bow[r] = 0.0;
        if (arpa_skip(p, size, &i) < 0)
            return -1;
        if (arpa_at_token(p, size, i)) {
            s = i;
            scan_token(p, size, &i);
            if (arpa_number(p + s, i - s, &bow[r]) < 0 || !(fabs(bow[r]) <= ARPA_MAX_BACKOFF)
                || arpa_skip(p, size, &i) < 0 || arpa_at_token(p, size, i))
                return -1;
        }
        if (i < size)
            i++;  /* the \n */
    }
    *at = i;
    return 0;
}

/* The vocabulary (a list of str) as a type table: type j is vocab[j]. 0 or -1. */
static int
arpa_vocab(PyObject *list, Table *t)
{
    Py_ssize_t V = PyList_GET_SIZE(list);
    t->mask = 1023;
    t->slots = PyMem_RawCalloc(t->mask + 1, sizeof(Slot));
    if (t->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t j = 0; j < V; j++) {
        Py_ssize_t len;
        PyObject *w = PyList_GET_ITEM(list, j);
        const char *s = PyUnicode_Check(w) ? PyUnicode_AsUTF8AndSize(w, &len) : NULL;
        if (s == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "vocab must be a list of str");
            return -1;
        }
        if (table_intern(t, (const unsigned char *)s, len, fnv1a((const unsigned char *)s, len))
            != j) {
            PyErr_SetString(PyExc_ValueError, "vocab: repeated word or out of memory");
            return -1;
        }
    }
    return 0;
}

/* The unigram section's words, in line order, as a list of str (NULL on error). */
static PyObject *
arpa_words(const Table *t)
{
    PyObject *out = PyList_New((Py_ssize_t)t->n);
    for (size_t j = 0; out != NULL && j < t->n; j++) {
        PyObject *w = PyUnicode_DecodeUTF8((const char *)t->bytes + t->types[j].at,
                                           t->types[j].len, "strict");
        if (w == NULL)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, (Py_ssize_t)j, w);
    }
    return out;
}

PyDoc_STRVAR(arpa_section_doc,
"arpa_section(data, start, n, count, vocab, ids, logp, bow) -> (end, words)\n\n"
"Parse `count` lines of an ARPA n-gram section of order n from byte `start` of `data`.\n"
"vocab: the vocabulary (list of str; ids are its indices), or None for the unigram section,\n"
"whose words are then returned in line order (ids are line numbers). ids (int64, count*n),\n"
"logp and bow (float64, count) are filled with the file's log10 values (positive log-probs\n"
"up to 1e-3 become 0; a missing backoff is 0). end: the byte after the last line, or -1 when\n"
"the lines are not regular (the caller then uses the Python parser, which names the problem).");

static PyObject *
arpa_section(PyObject *self, PyObject *args)
{
    PyObject *data_o, *vocab_o, *ids_o, *logp_o, *bow_o;
    Py_ssize_t start, count;
    int n;
    if (!PyArg_ParseTuple(args, "OninOOOO:arpa_section", &data_o, &start, &n, &count,
                          &vocab_o, &ids_o, &logp_o, &bow_o))
        return NULL;
    if (n < 1 || count < 0 || start < 0 || (vocab_o != Py_None && !PyList_Check(vocab_o))
        || (vocab_o == Py_None && n != 1)) {
        PyErr_SetString(PyExc_ValueError, "arpa_section: bad order, count, start or vocab");
        return NULL;
    }
    Py_buffer v[4] = {{0}};
    if (get_array(data_o, &v[0], 0, 0, 1, 0, NULL, "data") < 0
        || get_array(ids_o, &v[1], 1, count * n, 8, 1, NULL, "ids") < 0
        || get_array(logp_o, &v[2], 1, count, 8, 1, NULL, "logp") < 0
        || get_array(bow_o, &v[3], 1, count, 8, 1, NULL, "bow") < 0) {
        release_all(v, 4);
        return NULL;
    }
    Table vocab = {0};
    PyObject *words = Py_None, *result = NULL;
    Py_INCREF(Py_None);
    Py_ssize_t end = start;
    int intern = vocab_o == Py_None;
    if (intern) {
        vocab.mask = 1023;
        vocab.slots = PyMem_RawCalloc(vocab.mask + 1, sizeof(Slot));
        if (vocab.slots == NULL) {
            PyErr_NoMemory();
            goto done;
        }
    }
    else if (arpa_vocab(vocab_o, &vocab) < 0)
        goto done;
    if (start > v[0].len || arpa_lines(v[0].buf, v[0].len, &end, n, count, &vocab, intern,
                                       v[1].buf, v[2].buf, v[3].buf) < 0)
        end = -1;
    else if (intern) {
        Py_DECREF(words);
        if ((words = arpa_words(&vocab)) == NULL) {
            PyErr_Clear();  /* not UTF-8: the Python parser says so */
            words = Py_None;
            Py_INCREF(Py_None);
            end = -1;
        }
    }
    result = Py_BuildValue("nO", end, words);
done:
    Py_XDECREF(words);
    table_free(&vocab);
    release_all(v, 4);
    return result;
}

#endif
