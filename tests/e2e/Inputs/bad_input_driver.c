/* Calls a bpc-built library with bad inputs (DESIGN.md §4a): every call must
   fail with a status and a message, and leave the Variable unchanged. */
#include "sel.h"

#include <stdio.h>
#include <string.h>

static float w0[4], w1[4];

static void snapshot(sel_ctx *ctx, float *w) {
  bpc_array out = {w, BPC_F32, 1, {4}};
  sel_get_var(ctx, "lr.w", &out);
}

static void expect_error(sel_ctx *ctx, const char *what, bpc_status status) {
  snapshot(ctx, w1);
  printf("%s: %s, w unchanged: %s, message: %s\n", what, status == BPC_OK ? "accepted" : "rejected",
         memcmp(w0, w1, sizeof w0) == 0 ? "yes" : "no", sel_last_error(ctx));
}

int main(void) {
  sel_ctx *ctx;
  if (sel_create(&ctx) != BPC_OK)
    return 1;
  float X[3 * 4], Y[3] = {1, 0, 1}, Yshort[2] = {1, 0};
  for (int i = 0; i < 3 * 4; ++i)
    X[i] = 0.25f * (float)(i % 5); /* non-zero, so a good call moves w */
  double Xd[3 * 4] = {0};
  snapshot(ctx, w0);

  bpc_array x = {X, BPC_F32, 2, {3, 4}}, y = {Y, BPC_F32, 1, {3}};
  bpc_array yShort = {Yshort, BPC_F32, 1, {2}};
  bpc_array xF64 = {Xd, BPC_F64, 2, {3, 4}};
  bpc_array xRank1 = {X, BPC_F32, 1, {12}};
  bpc_array xNull = {NULL, BPC_F32, 2, {3, 4}};

  expect_error(ctx, "n differs between X and Y", sel_lr_jit(ctx, &x, &yShort));
  expect_error(ctx, "X is f64", sel_lr_jit(ctx, &xF64, &y));
  expect_error(ctx, "X has rank 1", sel_lr_jit(ctx, &xRank1, &y));
  expect_error(ctx, "X data is NULL", sel_lr_jit(ctx, &xNull, &y));
  expect_error(ctx, "Y is NULL", sel_lr_jit(ctx, &x, NULL));
  bpc_status ok = sel_lr_jit(ctx, &x, &y);
  snapshot(ctx, w1);
  printf("good call: %s, w changed: %s\n", ok == BPC_OK ? "ok" : "failed",
         memcmp(w0, w1, sizeof w0) != 0 ? "yes" : "no");
  sel_destroy(ctx);
  return 0;
}
