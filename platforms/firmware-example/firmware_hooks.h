/*
 * Points of the firmware's life that a test build can watch (see
 * heap_guard.c). The shipped program links no_hooks.c, where they do nothing.
 */
#ifndef EMBERT_FIRMWARE_HOOKS_H_
#define EMBERT_FIRMWARE_HOOKS_H_

/* Start-up is over: the model is loaded and the context exists. From here on
 * the program must not touch the heap. */
void firmware_startup_done(void);

/* The work is done (before tear-down). Returns the number of heap calls made
 * since firmware_startup_done(), or -1 when this build does not count them. */
long firmware_run_done(void);

#endif /* EMBERT_FIRMWARE_HOOKS_H_ */
