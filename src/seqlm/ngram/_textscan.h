/* Shared by seqlm.ngram's compiled modules (_fastcount.c, _fastquery.c): str.split()
 * whitespace over UTF-8, growable buffers, and a hash table of token types (FNV-1a).
 * Everything is static inline so each module gets its own copy and unused parts cost nothing.
 */
#ifndef SEQLM_TEXTSCAN_H
#define SEQLM_TEXTSCAN_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ whitespace */

/* str.split() whitespace among ASCII: 1 space, 2 space that also ends a line (splitlines). */
static const unsigned char ASCII_SPACE[128] = {
    ['\t'] = 1, ['\n'] = 2, ['\v'] = 2, ['\f'] = 2, ['\r'] = 2,
    [0x1c] = 2, [0x1d] = 2, [0x1e] = 2, [0x1f] = 1, [' '] = 1,
};

/* Byte length of the non-ASCII whitespace character starting at p (0 if none), for valid
 * UTF-8 with p[0] >= 0x80. *brk is set when it also ends a line (U+0085, U+2028, U+2029). */
static inline Py_ssize_t
utf8_space_len(const unsigned char *p, Py_ssize_t left, int *brk)
{
    *brk = 0;
    if (p[0] == 0xC2 && left >= 2) {
        if (p[1] == 0x85) {              /* U+0085 */
            *brk = 1;
            return 2;
        }
        return p[1] == 0xA0 ? 2 : 0;     /* U+00A0 */
    }
    if (left < 3)
        return 0;
    if (p[0] == 0xE1)                    /* U+1680 */
        return p[1] == 0x9A && p[2] == 0x80 ? 3 : 0;
    if (p[0] == 0xE3)                    /* U+3000 */
        return p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
    if (p[0] != 0xE2)
        return 0;
    if (p[1] == 0x81)                    /* U+205F */
        return p[2] == 0x9F ? 3 : 0;
    if (p[1] != 0x80)
        return 0;
    if (p[2] <= 0x8A)                    /* U+2000..U+200A */
        return 3;
    if (p[2] == 0xA8 || p[2] == 0xA9) {  /* U+2028, U+2029 */
        *brk = 1;
        return 3;
    }
    return p[2] == 0xAF ? 3 : 0;         /* U+202F */
}

/* Byte length of the whitespace character at p (0 if none); *brk as above. */
static inline Py_ssize_t
space_len(const unsigned char *p, Py_ssize_t left, int *brk)
{
    if (p[0] < 0x80) {
        *brk = ASCII_SPACE[p[0]] == 2;
        return ASCII_SPACE[p[0]] != 0;
    }
    return utf8_space_len(p, left, brk);
}

/* ------------------------------------------------------------------ buffers */

/* A growable array of `size`-byte items: make room for one more. 0 or -1 (out of memory). */
static inline int
reserve(void **buf, size_t *cap, size_t len, size_t size)
{
    if (len < *cap)
        return 0;
    size_t ncap = *cap ? 2 * *cap : 1024;
    void *p = PyMem_RawRealloc(*buf, ncap * size);
    if (p == NULL)
        return -1;
    *buf = p;
    *cap = ncap;
    return 0;
}

/* Get a C-contiguous buffer of at least `count` items of `size` bytes (exactly `count` if
 * `exact`); its item count goes to *have if not NULL. 0 or -1 with an exception set. */
static inline int
get_array(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t count, Py_ssize_t size,
          int exact, Py_ssize_t *have, const char *name)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0)) < 0)
        return -1;
    if (view->len % size || view->len < count * size || (exact && view->len != count * size)) {
        PyErr_Format(PyExc_ValueError, "%s: %zd bytes do not hold %s%zd items of %zd bytes",
                     name, view->len, exact ? "" : "at least ", count, size);
        PyBuffer_Release(view);
        return -1;
    }
    if (have != NULL)
        *have = view->len / size;
    return 0;
}

static inline void
release_all(Py_buffer *views, int n)
{
    for (int i = 0; i < n; i++)
        if (views[i].obj != NULL)
            PyBuffer_Release(&views[i]);
}

/* ------------------------------------------------------------------ type table */

typedef struct {
    size_t at;         /* the token's UTF-8 bytes are bytes[at : at + len] */
    Py_ssize_t len;
    uint64_t hash;
    int64_t count;
} Type;

typedef struct {
    uint32_t hash;        /* high half of the type's hash: most mismatches stop here */
    int32_t type;         /* type index + 1, 0 = empty */
} Slot;

typedef struct {
    Type *types;          /* in order of first appearance */
    size_t n, cap;
    unsigned char *bytes; /* every type's bytes, back to back: compared on every hit, so they */
    size_t n_bytes, cap_bytes;  /* stay in cache (the text itself would not) */
    Slot *slots;          /* open addressing */
    size_t mask;          /* number of slots - 1 (a power of two) */
} Table;

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

static inline size_t
slot_of(uint64_t h, size_t mask)
{
    return (size_t)(h ^ (h >> 29)) & mask;
}

/* Double the slot array and re-insert every type. 0 or -1. */
static inline int
table_grow(Table *t)
{
    size_t nslots = 2 * (t->mask + 1);
    Slot *slots = PyMem_RawCalloc(nslots, sizeof(Slot));
    if (slots == NULL)
        return -1;
    for (size_t j = 0; j < t->n; j++) {
        size_t i = slot_of(t->types[j].hash, nslots - 1);
        while (slots[i].type)
            i = (i + 1) & (nslots - 1);
        slots[i] = (Slot){(uint32_t)(t->types[j].hash >> 32), (int32_t)(j + 1)};
    }
    PyMem_RawFree(t->slots);
    t->slots = slots;
    t->mask = nslots - 1;
    return 0;
}

static inline int
same_bytes(const unsigned char *a, const unsigned char *b, Py_ssize_t len)
{
    for (Py_ssize_t i = 0; i < len; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* Make room for `len` more bytes in the table's byte store. 0 or -1. */
static inline int
reserve_bytes(Table *t, size_t len)
{
    if (t->n_bytes + len <= t->cap_bytes)
        return 0;
    size_t ncap = t->cap_bytes ? 2 * t->cap_bytes : 65536;
    while (ncap < t->n_bytes + len)
        ncap *= 2;
    unsigned char *p = PyMem_RawRealloc(t->bytes, ncap);
    if (p == NULL)
        return -1;
    t->bytes = p;
    t->cap_bytes = ncap;
    return 0;
}

/* Index of the type with these bytes (FNV-1a hash h), added with count 0 if new; -1 when out
 * of memory or past INT32_MAX types. */
static inline int64_t
table_intern(Table *t, const unsigned char *s, Py_ssize_t len, uint64_t h)
{
    if (2 * (t->n + 1) > t->mask + 1 && table_grow(t) < 0)
        return -1;
    size_t i = slot_of(h, t->mask);
    for (; t->slots[i].type != 0; i = (i + 1) & t->mask) {
        if (t->slots[i].hash != (uint32_t)(h >> 32))
            continue;
        Type *ty = &t->types[t->slots[i].type - 1];
        if (ty->hash == h && ty->len == len && same_bytes(t->bytes + ty->at, s, len))
            return t->slots[i].type - 1;
    }
    if (t->n >= INT32_MAX - 1 || reserve((void **)&t->types, &t->cap, t->n, sizeof(Type)) < 0
        || reserve_bytes(t, (size_t)len) < 0)
        return -1;
    memcpy(t->bytes + t->n_bytes, s, (size_t)len);
    t->types[t->n] = (Type){t->n_bytes, len, h, 0};
    t->n_bytes += (size_t)len;
    t->slots[i] = (Slot){(uint32_t)(h >> 32), (int32_t)(t->n + 1)};
    return (int64_t)t->n++;
}

/* Index of the type with these bytes (hash h), or -1 if absent. */
static inline int64_t
table_find(const Table *t, const unsigned char *s, Py_ssize_t len, uint64_t h)
{
    for (size_t i = slot_of(h, t->mask); t->slots[i].type != 0; i = (i + 1) & t->mask) {
        if (t->slots[i].hash != (uint32_t)(h >> 32))
            continue;
        const Type *ty = &t->types[t->slots[i].type - 1];
        if (ty->hash == h && ty->len == len && same_bytes(t->bytes + ty->at, s, len))
            return t->slots[i].type - 1;
    }
    return -1;
}

/* FNV-1a hash of len bytes. */
static inline uint64_t
fnv1a(const unsigned char *s, Py_ssize_t len)
{
    uint64_t h = FNV_OFFSET;
    for (Py_ssize_t i = 0; i < len; i++)
        h = (h ^ s[i]) * FNV_PRIME;
    return h;
}

/* Scan the token that starts at p[*i] (not whitespace) to its end; returns its FNV-1a hash. */
static inline uint64_t
scan_token(const unsigned char *p, Py_ssize_t n, Py_ssize_t *i)
{
    int brk;
    uint64_t h = FNV_OFFSET;
    do {
        h = (h ^ p[*i]) * FNV_PRIME;
        (*i)++;
    } while (*i < n && !space_len(p + *i, n - *i, &brk));
    return h;
}

/* Free a table's storage. */
static inline void
table_free(Table *t)
{
    PyMem_RawFree(t->types);
    PyMem_RawFree(t->bytes);
    PyMem_RawFree(t->slots);
    memset(t, 0, sizeof(*t));
}

#endif
