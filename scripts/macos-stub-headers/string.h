/* Stub for the macOS cross-target clippy on Linux only (see README.md beside this file):
 * the mem* functions ring's C code calls. Never linked or shipped. */
#ifndef MTM_STUB_STRING_H
#define MTM_STUB_STRING_H
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif
