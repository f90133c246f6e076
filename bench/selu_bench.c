/* selu on 1,000,000 f32: the bpc-built library (bench/selu.bpm) against a
   hand-written C loop (-O3 -march=native -ffast-math, single thread), timed
   alternately in one process. */
#include "bench.h"
#include "selu.h"

#include <math.h>

enum { N = 1000000 };

/* Hand-written peer: the same formula. */
static void selu_c(const float *restrict x, float *restrict y, long n) {
  const float alpha = 1.67f, lmbda = 1.05f;
  for (long i = 0; i < n; ++i)
    y[i] = lmbda * (x[i] > 0 ? x[i] : alpha * expf(x[i]) - alpha);
}

int main(void) {
  float *x = malloc(sizeof(float) * N), *y = malloc(sizeof(float) * N), *z = malloc(sizeof(float) * N);
  static double tb[BENCH_REPS], tc[BENCH_REPS];
  srand(1);
  for (long i = 0; i < N; ++i)
    x[i] = (float)rand() / RAND_MAX * 6.0f - 3.0f;
  selu_ctx *ctx;
  if (selu_create(&ctx) != BPC_OK)
    return 1;
  bpc_array in = {x, BPC_F32, 1, {N}}, out = {z, BPC_F32, 1, {N}};
  for (int r = -BENCH_WARMUP; r < BENCH_REPS; ++r) {
    double t0 = bench_now();
    if (selu_selu_jit(ctx, &in, &out) != BPC_OK) {
      fprintf(stderr, "%s\n", selu_last_error(ctx));
      return 1;
    }
    double t1 = bench_now();
    selu_c(x, y, N);
    double t2 = bench_now();
    if (r >= 0) {
      tb[r] = t1 - t0;
      tc[r] = t2 - t1;
    }
  }
  double maxdiff = 0;
  for (long i = 0; i < N; ++i)
    if (fabs((double)y[i] - z[i]) > maxdiff)
      maxdiff = fabs((double)y[i] - z[i]);
  bench_report("selu", "bpc", tb);
  bench_report("selu", "c", tc);
  printf("CHECK selu bpc vs C: max abs diff %.3g (|selu| <= 3.15)\n", maxdiff);
  selu_destroy(ctx);
  return 0;
}
