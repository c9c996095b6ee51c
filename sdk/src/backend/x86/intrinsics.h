// <immintrin.h> for the x86 kernels. GCC 12 warns about the headers' own
// `__m512 __Y = __Y` placeholders (_mm512_undefined_*) once they are inlined:
// a known false positive of GCC 12, nothing here reads uninitialised
// values. Kept to the x86 kernel files, which include this header.
#ifndef EMBERT_SDK_BACKEND_X86_INTRINSICS_H_
#define EMBERT_SDK_BACKEND_X86_INTRINSICS_H_

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <immintrin.h>

#endif  // EMBERT_SDK_BACKEND_X86_INTRINSICS_H_
