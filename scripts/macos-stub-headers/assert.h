/* Stub for the macOS cross-target clippy on Linux only (see README.md beside this file):
 * ring's C code includes <assert.h>; a do-nothing assert is enough to compile it. Never linked
 * or shipped. */
#ifndef MTM_STUB_ASSERT_H
#define MTM_STUB_ASSERT_H
#define assert(e) ((void)0)
#endif
