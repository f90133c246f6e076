/* Calls libbranch.so (Inputs/branch.bpm): both paths of the traced `if`
   and several trip counts of the traced `while`, against plain C. */
#include "branch.h"

#include <stdio.h>

int main(void) {
  branch_ctx *ctx;
  if (branch_create(&ctx) != BPC_OK)
    return 1;
  float xs[] = {2.0f, 5.0f, -1.5f, 3.0f};
  for (int i = 0; i < 4; ++i) {
    float y = 0;
    bpc_array in = {&xs[i], BPC_F32, 0, {0}}, out = {&y, BPC_F32, 0, {0}};
    if (branch_f_jit(ctx, &in, &out) != BPC_OK) {
      printf("FAILED: %s\n", branch_last_error(ctx));
      return 1;
    }
    float ref = xs[i] < 3 ? 3.0f * xs[i] * xs[i] : -4 * xs[i];
    printf("f(%g) = %g (C: %g)\n", xs[i], y, ref);
  }
  int ns[] = {0, 1, 5, 100};
  for (int i = 0; i < 4; ++i) {
    int total = -1;
    bpc_array in = {&ns[i], BPC_I32, 0, {0}}, out = {&total, BPC_I32, 0, {0}};
    if (branch_triangle_jit(ctx, &in, &out) != BPC_OK) {
      printf("FAILED: %s\n", branch_last_error(ctx));
      return 1;
    }
    printf("triangle(%d) = %d (C: %d)\n", ns[i], total, ns[i] * (ns[i] - 1) / 2 > 0 ? ns[i] * (ns[i] - 1) / 2 : 0);
  }
  branch_destroy(ctx);
  return 0;
}
