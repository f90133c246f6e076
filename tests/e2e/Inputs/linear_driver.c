/* Drives liblinear.so (examples/linear.bpm, the seed's Example 1) through
   its C ABI. update1 has dyn_vars [l.w, l.b]; update2 only [l.w], so l.b is
   a constant of update2, frozen at build time (zeros). The expected values
   are x @ w + b computed here in C from the Variables read back. */
#include "linear.h"

#include <math.h>
#include <stdio.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    if ((call) != BPC_OK) {                                                    \
      printf("FAILED %s: %s\n", #call, linear_last_error(ctx));                \
      return 1;                                                                \
    }                                                                          \
  } while (0)

static float maxDiff(const float *x, const float *w, float bias, const float *y) {
  float worst = 0;
  for (int j = 0; j < 3; ++j) {
    float ref = 0;
    for (int i = 0; i < 10; ++i)
      ref += x[i] * w[i * 3 + j];
    ref += bias;
    float d = fabsf(ref - y[j]);
    worst = d > worst ? d : worst;
  }
  return worst;
}

int main(void) {
  linear_ctx *ctx;
  if (linear_create(&ctx) != BPC_OK)
    return 1;
  printf("variables:");
  for (int i = 0; i < linear_var_count(ctx); ++i)
    printf(" %s", linear_var_name(ctx, i));
  printf("\n");
  float w[30], x[10], y[3], ones[3] = {1, 1, 1}, twos[3] = {2, 2, 2};
  for (int i = 0; i < 10; ++i)
    x[i] = 0.5f * (float)(i - 3);
  bpc_array wa = {w, BPC_F32, 2, {10, 3}};
  CHECK(linear_get_var(ctx, "l.w", &wa));
  int inRange = 1;
  for (int i = 0; i < 30; ++i)
    inRange &= w[i] >= 0 && w[i] < 1;
  printf("w uniform in [0, 1): %s\n", inRange ? "yes" : "no");

  bpc_array xa = {x, BPC_F32, 1, {10}}, ya = {y, BPC_F32, 1, {3}};
  CHECK(linear_update1(ctx, &xa, &ya));
  printf("update1, b = 0: max diff %g\n", maxDiff(x, w, 0, y));
  bpc_array b1 = {ones, BPC_F32, 1, {3}};
  CHECK(linear_set_var(ctx, "l.b", &b1));
  CHECK(linear_update1(ctx, &xa, &ya));
  printf("update1, b = 1: max diff %g\n", maxDiff(x, w, 1, y));
  CHECK(linear_update2(ctx, &xa, &ya));
  printf("update2 ignores b = 1: max diff %g\n", maxDiff(x, w, 0, y));
  bpc_array b2 = {twos, BPC_F32, 1, {3}};
  CHECK(linear_set_var(ctx, "l.b", &b2));
  CHECK(linear_update2(ctx, &xa, &ya));
  printf("update2 ignores b = 2: max diff %g\n", maxDiff(x, w, 0, y));
  /* w is a dyn var of both: a new w changes both results. */
  for (int i = 0; i < 30; ++i)
    w[i] = (float)i;
  CHECK(linear_set_var(ctx, "l.w", &wa));
  CHECK(linear_update2(ctx, &xa, &ya));
  printf("update2 follows w: max diff %g\n", maxDiff(x, w, 0, y));
  linear_destroy(ctx);
  return 0;
}
