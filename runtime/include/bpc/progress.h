/*===- progress.h - bpc runtime: progress bar of long loops ------*- C -*-===*\
|*                                                                          *|
|* `bm.for_loop(..., progress_bar=True)` compiles to calls of               *|
|* bpc_progress_update from inside the loop (bp.progress), on the first and *|
|* last iteration and every 2^k-th in between (64 to 128 calls). The bar is *|
|* tqdm's, on stderr:                                                       *|
|*                                                                          *|
|*   100%|██████████| 10000/10000 [00:01<00:00, 8000.00it/s]                *|
|*                                                                          *|
|* On a terminal the line is redrawn in place (`\r`) at most every 0.1 s    *|
|* (tqdm's mininterval) and ends with a newline at 100%. When stderr is not *|
|* a terminal (a log file, a pipe) redrawing would fill it with partial     *|
|* lines, so only the 25%, 50% and 75% marks and the final line are        *|
|* written, one per line. Plain C99.                                        *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/

#ifndef BPC_PROGRESS_H
#define BPC_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* `done` of `total` iterations are finished (1 <= done <= total). A call
   with done == 1, with a smaller `done` than the previous call, or with
   another `total` starts a new bar (its clock starts there); done == total
   finishes it. Calls with done < 1 or total < 1 are ignored. */
void bpc_progress_update(int64_t done, int64_t total);

/* The bar's line for `done` of `total` after `elapsed` seconds, without a
   line end, as tqdm formats it; written into `out` (NUL-terminated,
   truncated to `size`). Returns the length it needed, as snprintf. */
int bpc_progress_format(char *out, size_t size, int64_t done, int64_t total,
                        double elapsed);

#ifdef __cplusplus
}
#endif

#endif /* BPC_PROGRESS_H */
