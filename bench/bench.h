/* Timing helpers shared by the C drivers of bench/ (DESIGN.md §6): each
   driver times bpc and the hand-written C peer alternately in one process,
   after a warm-up, and prints "RESULT <workload> <peer> <median ns> <best ns>"
   lines that run.sh turns into ratios. */
#ifndef BPC_BENCH_H
#define BPC_BENCH_H

#define _POSIX_C_SOURCE 199309L

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { BENCH_WARMUP = 10, BENCH_REPS = 100 };

static double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Sorts `t` (BENCH_REPS samples) and prints its median and minimum. */
static void bench_report(const char *workload, const char *peer, double *t) {
  qsort(t, BENCH_REPS, sizeof *t, bench_cmp);
  printf("RESULT %s %s %.0f %.0f\n", workload, peer,
         (t[BENCH_REPS / 2 - 1] + t[BENCH_REPS / 2]) / 2, t[0]);
}

#endif
