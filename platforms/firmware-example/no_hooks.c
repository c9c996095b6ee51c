/* The shipped firmware: nothing watches the heap. */
#include "firmware_hooks.h"

void firmware_startup_done(void) {}

long firmware_run_done(void) { return -1; }
