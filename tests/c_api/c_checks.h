/* The checks of the C99 test programs of tests/c_api: each failed check
 * prints its line and goes on; main prints the totals and fails on any. */
#ifndef EMBERT_TESTS_C_API_C_CHECKS_H_
#define EMBERT_TESTS_C_API_C_CHECKS_H_

#include <embert/embert.h>

#include <stdio.h>

static int g_passed = 0;
static int g_failed = 0;

static void check(int ok, int line, const char* what) {
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    printf("FAILED line %d: %s\n", line, what);
  }
}

#define CHECK(cond) check((cond) ? 1 : 0, __LINE__, #cond)

static void check_status(embert_status got, embert_status want, int line, const char* call) {
  if (got == want) {
    ++g_passed;
  } else {
    ++g_failed;
    printf("FAILED line %d: %s returned %d (%s), expected %d (%s)\n", line, call, (int)got, embert_status_string(got),
           (int)want, embert_status_string(want));
  }
}

#define CHECK_STATUS(call, want) check_status((call), (want), __LINE__, #call)

#endif /* EMBERT_TESTS_C_API_C_CHECKS_H_ */
