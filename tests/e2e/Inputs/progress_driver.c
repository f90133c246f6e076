/* Calls libprogress.so (Inputs/progress.bpm): the loop with progress bar
   (which the runtime linked into the library draws on stderr) and without,
   from the same state, and compares outputs and Variables bit for bit with
   each other and with the same loop in plain C. */
#include "progress.h"

#include <stdio.h>
#include <string.h>

enum { STEPS = 1024, N = 3 };

static int run(progress_ctx *ctx, int with_bar, const float *currents, float *out,
               float *v, float *count) {
  static const float zeros[N];
  bpc_array init = {(void *)zeros, BPC_F32, 1, {N}};
  bpc_array in = {(void *)currents, BPC_F32, 2, {STEPS, N}}, res = {out, BPC_F32, 1, {STEPS}};
  bpc_array gv = {v, BPC_F32, 1, {N}}, gc = {count, BPC_F32, 1, {N}};
  if (progress_set_var(ctx, "V", &init) != BPC_OK ||
      progress_set_var(ctx, "count", &init) != BPC_OK ||
      (with_bar ? progress_bar(ctx, &in, &res) : progress_plain(ctx, &in, &res)) != BPC_OK ||
      progress_get_var(ctx, "V", &gv) != BPC_OK || progress_get_var(ctx, "count", &gc) != BPC_OK) {
    printf("FAILED: %s\n", progress_last_error(ctx));
    return 1;
  }
  return 0;
}

int main(void) {
  static float currents[STEPS][N], out[2][STEPS], ref[STEPS];
  float v[2][N], count[2][N], rv[N] = {0}, rc[N] = {0};
  for (int t = 0; t < STEPS; ++t)
    for (int j = 0; j < N; ++j)
      currents[t][j] = 1.5f + 0.5f * (float)j;
  progress_ctx *ctx;
  if (progress_create(&ctx) != BPC_OK)
    return 1;
  if (run(ctx, 1, &currents[0][0], out[0], v[0], count[0]) ||
      run(ctx, 0, &currents[0][0], out[1], v[1], count[1]))
    return 1;
  for (int t = 0; t < STEPS; ++t) {
    for (int j = 0; j < N; ++j) {
      float x = rv[j] + 0.1f * (-rv[j] + currents[t][j]);
      int spiked = x >= 1.0f;
      rc[j] += spiked ? 1.0f : 0.0f;
      rv[j] = spiked ? 0.0f : x;
    }
    ref[t] = rv[0];
  }
  printf("with and without bar: outputs %s, V %s, count %s\n",
         memcmp(out[0], out[1], sizeof out[0]) ? "differ" : "equal",
         memcmp(v[0], v[1], sizeof v[0]) ? "differ" : "equal",
         memcmp(count[0], count[1], sizeof count[0]) ? "differ" : "equal");
  printf("against C: outputs %s, V %s, count %s\n",
         memcmp(out[0], ref, sizeof ref) ? "differ" : "equal",
         memcmp(v[0], rv, sizeof rv) ? "differ" : "equal",
         memcmp(count[0], rc, sizeof rc) ? "differ" : "equal");
  printf("spikes: %g %g %g\n", count[0][0], count[0][1], count[0][2]);
  progress_destroy(ctx);
  return 0;
}
