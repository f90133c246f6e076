/* Times the bpc-built selu against a hand-written C loop in one process,
   single-threaded, on 1,000,000 f32 (DESIGN.md §6). Prints the C time per
   call in ns on the last line for run.sh to compute the other ratios. */
#include "selu.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { N = 1000000, REPS = 50 };

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Hand-written peer: the same formula, compiled -O3 -march=native -ffast-math. */
static void selu_c(const float *x, float *y, long n) {
  const float alpha = 1.67f, lmbda = 1.05f;
  for (long i = 0; i < n; ++i)
    y[i] = lmbda * (x[i] > 0 ? x[i] : alpha * expf(x[i]) - alpha);
}

int main(void) {
  float *x = malloc(sizeof(float) * N), *y = malloc(sizeof(float) * N), *z = malloc(sizeof(float) * N);
  srand(1);
  for (long i = 0; i < N; ++i)
    x[i] = (float)rand() / RAND_MAX * 6.0f - 3.0f;
  selu_ctx *ctx;
  if (selu_create(&ctx) != BPC_OK)
    return 1;
  bpc_array in = {x, BPC_F32, 1, {N}}, out = {z, BPC_F32, 1, {N}};
  double best_bpc = 1e9, best_c = 1e9;
  for (int r = 0; r < REPS; ++r) { /* first rounds are the warm-up */
    double t0 = now();
    if (selu_selu_jit(ctx, &in, &out) != BPC_OK) {
      fprintf(stderr, "%s\n", selu_last_error(ctx));
      return 1;
    }
    double t1 = now();
    selu_c(x, y, N);
    double t2 = now();
    if (t1 - t0 < best_bpc) best_bpc = t1 - t0;
    if (t2 - t1 < best_c) best_c = t2 - t1;
  }
  double maxdiff = 0;
  for (long i = 0; i < N; ++i)
    if (fabs((double)y[i] - z[i]) > maxdiff) maxdiff = fabs((double)y[i] - z[i]);
  printf("selu 1e6 f32: bpc / hand-written C = %.2f  (max |diff| %.3g)\n", best_bpc / best_c, maxdiff);
  printf("%.0f\n", best_c * 1e9);
  selu_destroy(ctx);
  return 0;
}
