/* Runs libsel.so (Inputs/sel.bpm) through its C ABI and compares it with the
   same formulas written in plain C, so the expected values do not come from
   bpc itself. */
#include "sel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    if ((call) != BPC_OK) {                                                    \
      printf("FAILED %s: %s\n", #call, sel_last_error(ctx));                   \
      return 1;                                                                \
    }                                                                          \
  } while (0)

static float seluRef(float x) {
  const float alpha = 1.67f, lmbda = 1.05f;
  return lmbda * (x > 0 ? x : alpha * expf(x) - alpha);
}

/* One step of LogisticRegression.__call__ for X[n][d], Y[n]. */
static void lrRef(float *w, const float *X, const float *Y, int n, int d) {
  float t[8], u[8];
  for (int i = 0; i < n; ++i) {
    float z = 0;
    for (int j = 0; j < d; ++j)
      z += X[i * d + j] * w[j];
    t[i] = (1.0f / (1.0f + expf(-Y[i] * z)) - 1.0f) * Y[i];
  }
  for (int j = 0; j < d; ++j) {
    u[j] = 0;
    for (int i = 0; i < n; ++i)
      u[j] += t[i] * X[i * d + j];
    w[j] -= u[j];
  }
}

int main(void) {
  sel_ctx *ctx = NULL;
  if (sel_create(&ctx) != BPC_OK) {
    printf("FAILED sel_create\n");
    return 1;
  }

  float x[5] = {-2.0f, -0.5f, 0.0f, 0.25f, 3.0f};
  bpc_array in = {x, BPC_F32, 1, {5}};
  bpc_array out = {NULL, BPC_F32, 1, {5}};
  CHECK(sel_selu_jit(ctx, &in, &out));
  const float *y = out.data;
  float seluDiff = 0;
  for (int i = 0; i < 5; ++i) {
    printf("selu(%.9g) = %.9g\n", x[i], y[i]);
    seluDiff = fmaxf(seluDiff, fabsf(y[i] - seluRef(x[i])));
  }
  printf("selu max abs diff = %.9g\n", seluDiff);

  enum { N = 3, D = 4 };
  float X[N * D], Y[N], w[D];
  for (int i = 0; i < N * D; ++i)
    X[i] = 0.125f * (float)(i % 7) - 0.25f;
  for (int i = 0; i < N; ++i)
    Y[i] = i % 2 ? 1.0f : -1.0f;
  for (int j = 0; j < D; ++j)
    w[j] = 2.0f * 1.0f - 1.3f;
  bpc_array xa = {X, BPC_F32, 2, {N, D}}, ya = {Y, BPC_F32, 1, {N}};
  for (int step = 0; step < 2; ++step) {
    CHECK(sel_lr_jit(ctx, &xa, &ya));
    lrRef(w, X, Y, N, D);
  }
  float got[D];
  bpc_array wa = {got, BPC_F32, 1, {D}};
  CHECK(sel_get_var(ctx, "lr.w", &wa));
  float lrDiff = 0, lrScale = 0;
  for (int j = 0; j < D; ++j) {
    printf("lr.w[%d] = %.9g\n", j, got[j]);
    lrDiff = fmaxf(lrDiff, fabsf(got[j] - w[j]));
    lrScale = fmaxf(lrScale, fabsf(w[j]));
  }
  /* Reductions may be reassociated by vectorisation, so allow a few ulps. */
  printf("lr.w within 4 ulp: %s\n", lrDiff <= 4 * lrScale * 1.1920929e-7f ? "yes" : "no");
  printf("variables: %d %s\n", sel_var_count(ctx), sel_var_name(ctx, 0));
  sel_destroy(ctx);
  return 0;
}
