/* Stub for the macOS cross-target clippy on Linux only (see README.md beside this file):
 * on x86_64, ring's curve25519 code includes <immintrin.h>, whose mm_malloc.h includes
 * <stdlib.h> for malloc and free. Never linked or shipped. */
#ifndef MTM_STUB_STDLIB_H
#define MTM_STUB_STDLIB_H
#include <stddef.h>
void *malloc(size_t size);
void free(void *ptr);
#endif
