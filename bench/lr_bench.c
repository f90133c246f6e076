/* One LogisticRegression step on X f32[200000, 10], Y f32[200000]: the
   bpc-built library (bench/lr.bpm, w a Variable updated in place) against
   hand-written C (-O3 -march=native -ffast-math, single thread), timed
   alternately in one process. w is reset before every timed call (outside
   the timing) so every call computes on the same values. */
#include "bench.h"
#include "lr.h"

#include <math.h>
#include <string.h>

enum { N = 200000, D = 10 };

/* Hand-written peer, the step as a C programmer writes it: z = X w and t
   from it in one loop (a temporary of n floats), then u = t X row by row.
   (Doing everything in one pass over X is slower with GCC: expf is then not
   vectorised.) */
static float t_buf[N];
static void lr_c(const float *restrict X, const float *restrict Y, float *restrict w, long n) {
  float u[D] = {0};
  for (long i = 0; i < n; ++i) {
    const float *x = X + i * D;
    float z = 0;
    for (int j = 0; j < D; ++j)
      z += x[j] * w[j];
    t_buf[i] = z;
  }
  for (long i = 0; i < n; ++i)
    t_buf[i] = (1.0f / (1.0f + expf(-Y[i] * t_buf[i])) - 1.0f) * Y[i];
  for (long i = 0; i < n; ++i) {
    const float *x = X + i * D;
    for (int j = 0; j < D; ++j)
      u[j] += t_buf[i] * x[j];
  }
  for (int j = 0; j < D; ++j)
    w[j] -= u[j];
}

int main(void) {
  float *X = malloc(sizeof(float) * N * D), *Y = malloc(sizeof(float) * N);
  float w0[D], w[D], wb[D];
  static double tb[BENCH_REPS], tc[BENCH_REPS];
  srand(2);
  for (long i = 0; i < (long)N * D; ++i)
    X[i] = (float)rand() / RAND_MAX;
  for (long i = 0; i < N; ++i)
    Y[i] = (float)rand() / RAND_MAX;
  lr_ctx *ctx;
  if (lr_create(&ctx) != BPC_OK)
    return 1;
  bpc_array wa = {w0, BPC_F32, 1, {D}};
  if (lr_get_var(ctx, "lr.w", &wa) != BPC_OK)
    return 1;
  bpc_array xa = {X, BPC_F32, 2, {N, D}}, ya = {Y, BPC_F32, 1, {N}};
  for (int r = -BENCH_WARMUP; r < BENCH_REPS; ++r) {
    wa.data = w0;
    lr_set_var(ctx, "lr.w", &wa);
    memcpy(w, w0, sizeof w);
    double t0 = bench_now();
    if (lr_lr_jit(ctx, &xa, &ya) != BPC_OK) {
      fprintf(stderr, "%s\n", lr_last_error(ctx));
      return 1;
    }
    double t1 = bench_now();
    lr_c(X, Y, w, N);
    double t2 = bench_now();
    if (r >= 0) {
      tb[r] = t1 - t0;
      tc[r] = t2 - t1;
    }
  }
  wa.data = wb;
  lr_get_var(ctx, "lr.w", &wa);
  double maxrel = 0;
  for (int j = 0; j < D; ++j) {
    double d = fabs((double)w[j] - wb[j]) / fmax(fabs((double)w[j]), 1e-30);
    if (d > maxrel)
      maxrel = d;
  }
  bench_report("lr", "bpc", tb);
  bench_report("lr", "c", tc);
  printf("CHECK lr bpc vs C: max rel diff of w %.3g\n", maxrel);
  lr_destroy(ctx);
  return 0;
}
