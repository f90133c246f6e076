/* Calls libresult_dim.so (Inputs/result_dim.bpm), whose results are sized by
   a matmul, reductions and integer indexing, through the C ABI: results the
   context allocates get their shapes from the argument symbols, a caller
   buffer of the wrong shape is rejected, and every value matches a plain C
   loop. */
#include "result_dim.h"

#include <math.h>
#include <stdio.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    if ((call) != BPC_OK) {                                                    \
      printf("FAILED %s: %s\n", #call, result_dim_last_error(ctx));           \
      return 1;                                                                \
    }                                                                          \
  } while (0)

enum { MAX = 64 };

/* Largest |got - want| relative to the largest |want| (1 when all are 0). */
static float relDiff(const float *got, const float *want, int count) {
  float diff = 0, scale = 0;
  for (int i = 0; i < count; ++i) {
    diff = fmaxf(diff, fabsf(got[i] - want[i]));
    scale = fmaxf(scale, fabsf(want[i]));
  }
  return diff / (scale > 0 ? scale : 1);
}

static void fill(float *a, int count, float seed) {
  for (int i = 0; i < count; ++i)
    a[i] = 0.25f * (float)((i * 7 + (int)seed) % 11) - 1.0f;
}

/* f = dot(x[n][k], y[k][m]); checks the shape and values of one call. */
static int checkDot(result_dim_ctx *ctx, int n, int k, int m) {
  float x[MAX], y[MAX], want[MAX];
  fill(x, n * k, 1);
  fill(y, k * m, 5);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) {
      float s = 0;
      for (int l = 0; l < k; ++l)
        s += x[i * k + l] * y[l * m + j];
      want[i * m + j] = s;
    }
  bpc_array xa = {x, BPC_F32, 2, {n, k}}, ya = {y, BPC_F32, 2, {k, m}};
  bpc_array out = {NULL, BPC_F32, 0, {0}};
  CHECK(result_dim_f_jit(ctx, &xa, &ya, &out));
  printf("f_jit(%dx%d, %dx%d) -> rank %d, %lldx%lld, within 1e-6: %s\n", n, k,
         k, m, (int)out.rank, (long long)out.shape[0], (long long)out.shape[1],
         relDiff(out.data, want, n * m) <= 1e-6f ? "yes" : "no");
  return 0;
}

int main(void) {
  result_dim_ctx *ctx = NULL;
  if (result_dim_create(&ctx) != BPC_OK) {
    printf("FAILED result_dim_create\n");
    return 1;
  }
  if (checkDot(ctx, 3, 4, 2) || checkDot(ctx, 5, 1, 7) || checkDot(ctx, 1, 6, 1))
    return 1;

  /* A caller buffer must have the shape [n, m] that the header declares. */
  {
    float x[6], y[6], wrong[9];
    fill(x, 6, 0);
    fill(y, 6, 0);
    bpc_array xa = {x, BPC_F32, 2, {3, 2}}, ya = {y, BPC_F32, 2, {2, 3}};
    bpc_array out = {wrong, BPC_F32, 2, {3, 2}};
    bpc_status status = result_dim_f_jit(ctx, &xa, &ya, &out);
    printf("3x2 buffer for a 3x3 result: %s\n",
           status == BPC_ERR_SHAPE ? "rejected" : "accepted");
  }

  /* rowsum = sum(x, 1), scaled = mean(x, 0) * x[-1] * w,
     column = x[:, 0] + dot(x, w). */
  enum { N = 4, K = 3 };
  float x[N * K], w[K], sum[N], scaled[K], column[N];
  fill(x, N * K, 2);
  fill(w, K, 3);
  for (int i = 0; i < N; ++i) {
    float s = 0, d = 0;
    for (int j = 0; j < K; ++j) {
      s += x[i * K + j];
      d += x[i * K + j] * w[j];
    }
    sum[i] = s;
    column[i] = x[i * K] + d;
  }
  for (int j = 0; j < K; ++j) {
    float s = 0;
    for (int i = 0; i < N; ++i)
      s += x[i * K + j];
    scaled[j] = s / N * x[(N - 1) * K + j] * w[j];
  }
  bpc_array xa = {x, BPC_F32, 2, {N, K}}, wa = {w, BPC_F32, 1, {K}};
  bpc_array out0 = {NULL, BPC_F32, 0, {0}}, out1 = out0, out2 = out0;
  CHECK(result_dim_rowsum_jit(ctx, &xa, &out0));
  CHECK(result_dim_scaled_jit(ctx, &xa, &wa, &out1));
  CHECK(result_dim_column_jit(ctx, &xa, &wa, &out2));
  printf("shapes: rowsum [%lld], scaled [%lld], column [%lld]\n",
         (long long)out0.shape[0], (long long)out1.shape[0],
         (long long)out2.shape[0]);
  printf("within 1e-6: rowsum %s, scaled %s, column %s\n",
         relDiff(out0.data, sum, N) <= 1e-6f ? "yes" : "no",
         relDiff(out1.data, scaled, K) <= 1e-6f ? "yes" : "no",
         relDiff(out2.data, column, N) <= 1e-6f ? "yes" : "no");
  result_dim_destroy(ctx);
  return 0;
}
