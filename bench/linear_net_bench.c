/* One LinearNet training step (bench/linear_net.bpm, the seed's Example 3)
   on x f32[1000, 100], y f32[1000, 1], w f32[100, 200], b f32[200],
   r f32[200, 1]: forward, gradients of the mean squared error and the SGD
   update of w, b and r in one call. The bpc-built library against
   hand-written C (-O3 -march=native -ffast-math, single thread, a
   cache-blocked register-tiled GEMM), timed alternately in one process.
   The Variables are reset before every timed call (outside the timing) so
   every call computes on the same values; afterwards the loss and the
   updated Variables of the two are compared. */
#include "bench.h"
#include "linear_net.h"

#include <math.h>
#include <string.h>

enum { M = 1000, K = 100, N = 200 };
static const float LR = 1e-6f;

/* C[m, n] = sum_k A[m, k] B[k, n] for row-major B (ldb) and C (ldc), with A
   read as A[m * am + k * ak]: am = lda, ak = 1 for A itself, am = 1, ak = lda
   for a transposed A (x^T of the weight gradient), so no transpose is ever
   copied. Blocked for the caches (KC rows of B, at most NC columns, stay in
   L2 while all rows of A pass), register-tiled MR x NR: the MR x NR tile of
   C is kept in accumulators across the k loop and GCC vectorises the NR
   columns. */
enum { MR = 4, NR = 32, KC = 256, NC = 512 };
static void gemm(long m, long n, long k, const float *restrict A, long am, long ak,
                 const float *restrict B, long ldb, float *restrict C, long ldc) {
  for (long i = 0; i < m; ++i)
    memset(C + i * ldc, 0, sizeof(float) * n);
  for (long jc = 0; jc < n; jc += NC) {
    long nc = n - jc < NC ? n - jc : NC;
    for (long pc = 0; pc < k; pc += KC) {
      long kc = k - pc < KC ? k - pc : KC;
      for (long i = 0; i < m; i += MR) {
        long mr = m - i < MR ? m - i : MR;
        for (long j = jc; j < jc + nc; j += NR) {
          long nr = jc + nc - j < NR ? jc + nc - j : NR;
          if (mr == MR && nr == NR) {
            float acc[MR][NR] = {{0}};
            for (long p = pc; p < pc + kc; ++p) {
              const float *b = B + p * ldb + j;
              for (int r = 0; r < MR; ++r) {
                float a = A[(i + r) * am + p * ak];
                for (int c = 0; c < NR; ++c)
                  acc[r][c] += a * b[c];
              }
            }
            for (int r = 0; r < MR; ++r)
              for (int c = 0; c < NR; ++c)
                C[(i + r) * ldc + j + c] += acc[r][c];
          } else {
            for (long r = 0; r < mr; ++r)
              for (long p = pc; p < pc + kc; ++p) {
                float a = A[(i + r) * am + p * ak];
                for (long c = 0; c < nr; ++c)
                  C[(i + r) * ldc + j + c] += a * B[p * ldb + j + c];
              }
          }
        }
      }
    }
  }
}

/* Hand-written peer: the step as a C programmer writes it, with the
   gradients derived by hand. Returns the loss. */
static float h_buf[M * N], dh_buf[M * N], dp_buf[M], dw_buf[K * N];
static float linear_net_c(const float *restrict x, const float *restrict y, float *restrict w,
                          float *restrict b, float *restrict r) {
  gemm(M, N, K, x, K, 1, w, N, h_buf, N); /* h = x w + b */
  float loss = 0, db[N] = {0}, dr[N] = {0};
  for (long i = 0; i < M; ++i) {
    float *h = h_buf + i * N, p = 0;
    for (long j = 0; j < N; ++j) {
      h[j] += b[j];
      p += h[j] * r[j]; /* p = h r */
    }
    float d = p - y[i];
    loss += d * d;
    dp_buf[i] = 2.0f * d / M; /* d loss / d p */
  }
  for (long i = 0; i < M; ++i) { /* dh = dp r^T, db = sum_i dh, dr = h^T dp */
    float *dh = dh_buf + i * N;
    const float *h = h_buf + i * N;
    for (long j = 0; j < N; ++j) {
      dh[j] = dp_buf[i] * r[j];
      db[j] += dh[j];
      dr[j] += h[j] * dp_buf[i];
    }
  }
  gemm(K, N, M, x, 1, K, dh_buf, N, dw_buf, N); /* dw = x^T dh */
  for (long i = 0; i < K * N; ++i)
    w[i] -= LR * dw_buf[i];
  for (long j = 0; j < N; ++j) {
    b[j] -= LR * db[j];
    r[j] -= LR * dr[j];
  }
  return loss / M;
}

/* max |a - b| / max |a|: normwise, since an element of a step can be tiny
   next to the others. */
static double max_rel_diff(const float *a, const float *b, long n) {
  double d = 0, m = 1e-30;
  for (long i = 0; i < n; ++i) {
    d = fmax(d, fabs((double)a[i] - b[i]));
    m = fmax(m, fabs((double)a[i]));
  }
  return d / m;
}

static int check(bpc_status s, linear_net_ctx *ctx) {
  if (s != BPC_OK)
    fprintf(stderr, "%s\n", linear_net_last_error(ctx));
  return s != BPC_OK;
}

int main(void) {
  static float x[M * K], y[M], w0[K * N], b0[N], r0[N], w[K * N], b[N], r[N];
  static float wb[K * N], bb[N], rb[N];
  static double tb[BENCH_REPS], tc[BENCH_REPS];
  srand(3);
  for (long i = 0; i < M * K; ++i)
    x[i] = (float)rand() / RAND_MAX;
  for (long i = 0; i < M; ++i)
    y[i] = (float)rand() / RAND_MAX;
  linear_net_ctx *ctx;
  if (linear_net_create(&ctx) != BPC_OK)
    return 1;
  /* Initial Variables as the model made them (bm.random.random, zeros). */
  bpc_array wa = {w0, BPC_F32, 2, {K, N}}, ba = {b0, BPC_F32, 1, {N}},
            ra = {r0, BPC_F32, 2, {N, 1}};
  if (check(linear_net_get_var(ctx, "ln.w", &wa), ctx) ||
      check(linear_net_get_var(ctx, "ln.b", &ba), ctx) ||
      check(linear_net_get_var(ctx, "ln.r", &ra), ctx))
    return 1;
  float loss_bpc = 0, loss_c = 0;
  bpc_array xa = {x, BPC_F32, 2, {M, K}}, ya = {y, BPC_F32, 2, {M, 1}},
            lossa = {&loss_bpc, BPC_F32, 0, {0}};
  for (int rep = -BENCH_WARMUP; rep < BENCH_REPS; ++rep) {
    if (check(linear_net_set_var(ctx, "ln.w", &wa), ctx) ||
        check(linear_net_set_var(ctx, "ln.b", &ba), ctx) ||
        check(linear_net_set_var(ctx, "ln.r", &ra), ctx))
      return 1;
    memcpy(w, w0, sizeof w);
    memcpy(b, b0, sizeof b);
    memcpy(r, r0, sizeof r);
    double t0 = bench_now();
    if (check(linear_net_train_jit(ctx, &xa, &ya, &lossa), ctx))
      return 1;
    double t1 = bench_now();
    loss_c = linear_net_c(x, y, w, b, r);
    double t2 = bench_now();
    if (rep >= 0) {
      tb[rep] = t1 - t0;
      tc[rep] = t2 - t1;
    }
  }
  bpc_array wba = {wb, BPC_F32, 2, {K, N}}, bba = {bb, BPC_F32, 1, {N}},
            rba = {rb, BPC_F32, 2, {N, 1}};
  if (check(linear_net_get_var(ctx, "ln.w", &wba), ctx) ||
      check(linear_net_get_var(ctx, "ln.b", &bba), ctx) ||
      check(linear_net_get_var(ctx, "ln.r", &rba), ctx))
    return 1;
  /* The updates are tiny next to the weights (lr 1e-6), so compare the
     steps w0 - w rather than the new weights, which would hide them. */
  static float dwc[K * N], dwb[K * N], dbc[N], dbb[N], drc[N], drb[N];
  for (long i = 0; i < K * N; ++i)
    dwc[i] = w0[i] - w[i], dwb[i] = w0[i] - wb[i];
  for (long j = 0; j < N; ++j)
    dbc[j] = b0[j] - b[j], dbb[j] = b0[j] - bb[j], drc[j] = r0[j] - r[j], drb[j] = r0[j] - rb[j];
  double dloss = fabs((double)loss_bpc - loss_c) / fabs((double)loss_c);
  double dw = max_rel_diff(dwc, dwb, K * N), db = max_rel_diff(dbc, dbb, N),
         dr = max_rel_diff(drc, drb, N);
  bench_report("linear_net", "bpc", tb);
  bench_report("linear_net", "c", tc);
  printf("CHECK linear_net bpc vs C: loss %.6g vs %.6g (rel diff %.3g); max rel diff of the "
         "steps of w %.3g, b %.3g, r %.3g\n",
         loss_bpc, loss_c, dloss, dw, db, dr);
  linear_net_destroy(ctx);
  /* The steps are float32 sums of 100 to 1000 terms in different orders,
     recovered as differences of weights near 1 (an ulp of w is 1e-4 of a
     step): anything beyond 1e-3 is a wrong result, not rounding. */
  if (!(dloss < 1e-4 && dw < 1e-3 && db < 1e-3 && dr < 1e-3)) {
    fprintf(stderr, "linear_net: bpc and C disagree\n");
    return 1;
  }
  return 0;
}
