/* Drives libfunction_globals.so (examples/function_globals.bpm, the seed's
   Example 2) through its C ABI. update1 has no dyn vars, so w and b are
   constants of its kernel, frozen at build time; update2 has dyn_vars=(w, b)
   and reads the context's values. Both are Variables of the context either
   way: listed, readable, writable, saved and loaded. Expected values are
   computed here: x @ w + b in plain C loops from the Variables read back,
   and w itself from the runtime's jax.random derivation (bm.random.DEFAULT
   starts as PRNGKey(0); bm.random.random((10, 3)) splits it and draws from
   the second key). Usage: driver STATE_FILE */
#include "function_globals.h"

#include "bpc/random.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    if ((call) != BPC_OK) {                                                    \
      printf("FAILED %s: %s\n", #call, function_globals_last_error(ctx));      \
      return 1;                                                                \
    }                                                                          \
  } while (0)

static function_globals_ctx *ctx;
static float x[10];

/* Reads w and b from the context; 0 on failure. */
static int readVars(float *w, float *b) {
  bpc_array wa = {w, BPC_F32, 2, {10, 3}}, ba = {b, BPC_F32, 1, {3}};
  return function_globals_get_var(ctx, "w", &wa) == BPC_OK &&
         function_globals_get_var(ctx, "b", &ba) == BPC_OK;
}

/* max |x @ w + b - y| over the 3 outputs. */
static float maxDiff(const float *w, const float *b, const float *y) {
  float worst = 0;
  for (int j = 0; j < 3; ++j) {
    float ref = b[j];
    for (int i = 0; i < 10; ++i)
      ref += x[i] * w[i * 3 + j];
    float d = fabsf(ref - y[j]);
    worst = d > worst ? d : worst;
  }
  return worst;
}

typedef bpc_status (*update_fn)(function_globals_ctx *, const bpc_array *, bpc_array *);

/* Calls `f` on x; prints how far its result is from x @ w + b. */
static int report(const char *what, update_fn f, const float *w, const float *b) {
  float y[3];
  bpc_array xa = {x, BPC_F32, 1, {10}}, ya = {y, BPC_F32, 1, {3}};
  if (f(ctx, &xa, &ya) != BPC_OK) {
    printf("FAILED %s: %s\n", what, function_globals_last_error(ctx));
    return 0;
  }
  printf("%s: max diff %g\n", what, maxDiff(w, b, y));
  return 1;
}

/* Whether update1 on the one-hot x = e_i returns row i of w plus b exactly
   for every i: the kernel's frozen w, bit for bit. */
static int frozenRowsEqual(const float *w, const float *b) {
  for (int i = 0; i < 10; ++i) {
    float e[10] = {0}, y[3];
    e[i] = 1;
    bpc_array ea = {e, BPC_F32, 1, {10}}, ya = {y, BPC_F32, 1, {3}};
    if (function_globals_update1(ctx, &ea, &ya) != BPC_OK)
      return 0;
    for (int j = 0; j < 3; ++j)
      if (y[j] != w[i * 3 + j] + b[j])
        return 0;
  }
  return 1;
}

/* The Variables before the bad calls below. */
static float wBefore[30], bBefore[3];

/* A failed call must return the expected error status and change no
   Variable. */
static void expectRejected(const char *what, bpc_status status, bpc_status expected) {
  float w[30], b[3];
  readVars(w, b);
  printf("%s: %s (%s), unchanged: %s, message: %s\n", what,
         status == BPC_OK ? "accepted" : "rejected",
         status == expected ? "expected status" : "wrong status",
         memcmp(wBefore, w, sizeof w) == 0 && memcmp(bBefore, b, sizeof b) == 0 ? "yes" : "no",
         function_globals_last_error(ctx));
}

int main(int argc, char **argv) {
  if (argc < 2 || function_globals_create(&ctx) != BPC_OK)
    return 1;
  for (int i = 0; i < 10; ++i)
    x[i] = 0.5f * (float)(i - 3);

  printf("variables: %d", function_globals_var_count(ctx));
  for (int i = 0; i < function_globals_var_count(ctx); ++i)
    printf(" %s", function_globals_var_name(ctx, i));
  printf("\n");
  printf("name out of range: %s\n",
         function_globals_var_name(ctx, 2) == NULL && function_globals_var_name(ctx, -1) == NULL
             ? "NULL" : "not NULL");

  /* Query form: dtype and shape of each Variable. */
  bpc_array q = {NULL, BPC_F32, 0, {0}};
  CHECK(function_globals_get_var(ctx, "w", &q));
  printf("w: dtype %d rank %d shape %lld %lld\n", (int)q.dtype, (int)q.rank,
         (long long)q.shape[0], (long long)q.shape[1]);
  CHECK(function_globals_get_var(ctx, "b", &q));
  printf("b: dtype %d rank %d shape %lld\n", (int)q.dtype, (int)q.rank, (long long)q.shape[0]);

  /* The build-time values. */
  float w[30], b[3];
  if (!readVars(w, b))
    return 1;
  uint32_t key[2], keys[4];
  float expected[30];
  bpc_random_key(0, key);
  if (bpc_random_split(key, 2, BPC_RNG_JAX_PARTITIONABLE, keys) != BPC_OK ||
      bpc_random_uniform_f32(keys + 2, 30, BPC_RNG_JAX_PARTITIONABLE, 0.0f, 1.0f, expected) !=
          BPC_OK)
    return 1;
  printf("w is bm.random.random((10, 3)) from PRNGKey(0): %s\n",
         memcmp(w, expected, sizeof w) == 0 ? "yes" : "no");
  printf("b is zeros: %s\n", b[0] == 0 && b[1] == 0 && b[2] == 0 ? "yes" : "no");
  printf("update1's frozen w is get_var's w: %s\n", frozenRowsEqual(w, b) ? "yes" : "no");
  if (!report("update1", function_globals_update1, w, b) ||
      !report("update2", function_globals_update2, w, b))
    return 1;

  /* b = 1: update2 (dyn) follows, update1 keeps its frozen b = 0. */
  float ones[3] = {1, 1, 1}, zeros[3] = {0, 0, 0};
  bpc_array onesA = {ones, BPC_F32, 1, {3}};
  CHECK(function_globals_set_var(ctx, "b", &onesA));
  float b2[3];
  readVars(w, b2);
  printf("get_var after set_var b: %s\n", memcmp(b2, ones, sizeof ones) == 0 ? "ones" : "other");
  if (!report("update2 follows b = 1", function_globals_update2, w, ones) ||
      !report("update1 keeps b = 0", function_globals_update1, w, zeros))
    return 1;

  /* A new w: update2 follows, update1 keeps the build-time w. */
  float wNew[30];
  for (int i = 0; i < 30; ++i)
    wNew[i] = 0.25f * (float)(i % 7) - 0.5f;
  bpc_array wNewA = {wNew, BPC_F32, 2, {10, 3}};
  CHECK(function_globals_set_var(ctx, "w", &wNewA));
  if (!report("update2 follows the new w", function_globals_update2, wNew, ones) ||
      !report("update1 keeps the build-time w", function_globals_update1, expected, zeros))
    return 1;

  /* save -> set_var every Variable -> load restores every Variable. */
  CHECK(function_globals_save(ctx, argv[1]));
  float wOther[30], bOther[3] = {-3, 7, 0.5f};
  for (int i = 0; i < 30; ++i)
    wOther[i] = (float)i;
  bpc_array wOtherA = {wOther, BPC_F32, 2, {10, 3}}, bOtherA = {bOther, BPC_F32, 1, {3}};
  CHECK(function_globals_set_var(ctx, "w", &wOtherA));
  CHECK(function_globals_set_var(ctx, "b", &bOtherA));
  float wSet[30], bSet[3];
  readVars(wSet, bSet);
  printf("set_var before load: %s\n",
         memcmp(wSet, wOther, sizeof wSet) == 0 && memcmp(bSet, bOther, sizeof bSet) == 0
             ? "both changed" : "not changed");
  CHECK(function_globals_load(ctx, argv[1]));
  float wLoaded[30], bLoaded[3];
  readVars(wLoaded, bLoaded);
  printf("load restores w: %s, b: %s\n", memcmp(wLoaded, wNew, sizeof wNew) == 0 ? "yes" : "no",
         memcmp(bLoaded, ones, sizeof ones) == 0 ? "yes" : "no");
  if (!report("update2 after load", function_globals_update2, wNew, ones) ||
      !report("update1 after load", function_globals_update1, expected, zeros))
    return 1;

  /* A corrupted state file is rejected and loads nothing. */
  char corrupt[4096];
  snprintf(corrupt, sizeof corrupt, "%s.corrupt", argv[1]);
  FILE *in = fopen(argv[1], "rb"), *out = fopen(corrupt, "wb");
  if (!in || !out)
    return 1;
  unsigned char bytes[1024];
  size_t n = fread(bytes, 1, sizeof bytes, in);
  bytes[n - 20] ^= 0x40; /* a byte of b's data */
  fwrite(bytes, 1, n, out);
  fclose(in);
  fclose(out);

  /* Bad inputs: an error status, a message, and no Variable changed. */
  readVars(wBefore, bBefore);
  double bF64[3] = {9, 9, 9};
  float bLong[4] = {9, 9, 9, 9};
  bpc_array bF64A = {bF64, BPC_F64, 1, {3}}, bLongA = {bLong, BPC_F32, 1, {4}};
  bpc_array bRank2 = {bLong, BPC_F32, 2, {1, 3}}, bNullData = {NULL, BPC_F32, 1, {3}};
  bpc_array bBadRank = {bLong, BPC_F32, 9, {3}}, wAsB = {wOther, BPC_F32, 2, {10, 3}};
  expectRejected("b as f64", function_globals_set_var(ctx, "b", &bF64A), BPC_ERR_DTYPE);
  expectRejected("b with 4 elements", function_globals_set_var(ctx, "b", &bLongA), BPC_ERR_SHAPE);
  expectRejected("b as [1, 3]", function_globals_set_var(ctx, "b", &bRank2), BPC_ERR_SHAPE);
  expectRejected("b with rank 9", function_globals_set_var(ctx, "b", &bBadRank), BPC_ERR_SHAPE);
  expectRejected("w given b's shape", function_globals_set_var(ctx, "w", &onesA), BPC_ERR_SHAPE);
  expectRejected("b given w's shape", function_globals_set_var(ctx, "b", &wAsB), BPC_ERR_SHAPE);
  expectRejected("b with NULL data", function_globals_set_var(ctx, "b", &bNullData), BPC_ERR_ARG);
  expectRejected("b from a NULL array", function_globals_set_var(ctx, "b", NULL), BPC_ERR_ARG);
  expectRejected("NULL name", function_globals_set_var(ctx, NULL, &onesA), BPC_ERR_ARG);
  expectRejected("unknown name", function_globals_set_var(ctx, "c", &onesA), BPC_ERR_ARG);
  expectRejected("a path that is not a Variable", function_globals_set_var(ctx, "n_out", &onesA),
                 BPC_ERR_ARG);
  expectRejected("get_var into a wrong shape", function_globals_get_var(ctx, "b", &bLongA),
                 BPC_ERR_SHAPE);
  expectRejected("corrupted state file", function_globals_load(ctx, corrupt), BPC_ERR_IO);
  expectRejected("missing state file", function_globals_load(ctx, "/nonexistent/state"),
                 BPC_ERR_IO);
  if (!report("update2 after the rejected calls", function_globals_update2, wNew, ones))
    return 1;
  function_globals_destroy(ctx);
  return 0;
}
