/* Stub for the macOS cross-target clippy on Linux only (see README.md beside this file):
 * ring's C code asks which Apple system it is built for. Never linked or shipped. */
#ifndef MTM_STUB_TARGET_CONDITIONALS_H
#define MTM_STUB_TARGET_CONDITIONALS_H
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 1
#define TARGET_OS_IPHONE 0
#define TARGET_OS_IOS 0
#define TARGET_OS_TV 0
#define TARGET_OS_WATCH 0
#define TARGET_OS_SIMULATOR 0
#endif
