/* Drives librng.so (Inputs/rng.bpm): f1 froze bm.random.DEFAULT's key at
   build time, so it repeats its numbers; f2 has DEFAULT as a dyn var, so
   each call advances the key Variable and draws anew. Saving and loading
   the state replays a draw. */
#include "rng.h"

#include <stdio.h>
#include <string.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    if ((call) != BPC_OK) {                                                    \
      printf("FAILED %s: %s\n", #call, rng_last_error(ctx));                   \
      return 1;                                                                \
    }                                                                          \
  } while (0)

static bpc_array vec(float *data) {
  bpc_array a = {data, BPC_F32, 1, {10}};
  return a;
}

static void print(const char *name, const float *v) {
  printf("%s:", name);
  for (int i = 0; i < 10; ++i)
    printf(" %.5f", v[i]);
  printf("\n");
}

static void printKey(rng_ctx *ctx) {
  int key[2];
  bpc_array k = {key, BPC_I32, 1, {2}};
  if (rng_get_var(ctx, "bm.random.DEFAULT", &k) == BPC_OK)
    printf("key: %u %u\n", (unsigned)key[0], (unsigned)key[1]);
}

int main(int argc, char **argv) {
  rng_ctx *ctx;
  if (rng_create(&ctx) != BPC_OK || argc < 2)
    return 1;
  printf("variables: %d %s\n", rng_var_count(ctx), rng_var_name(ctx, 0));
  printKey(ctx);
  float a[10], b[10], c[10], d[10];
  bpc_array out = vec(a);
  CHECK(rng_f1(ctx, &out));
  out = vec(b);
  CHECK(rng_f1(ctx, &out));
  print("f1", a);
  printf("f1 repeats: %s\n", memcmp(a, b, sizeof(a)) == 0 ? "yes" : "no");
  printKey(ctx);

  CHECK(rng_save(ctx, argv[1]));
  out = vec(c);
  CHECK(rng_f2(ctx, &out));
  print("f2", c);
  printKey(ctx);
  out = vec(d);
  CHECK(rng_f2(ctx, &out));
  print("f2", d);
  printf("f2 draws anew: %s\n", memcmp(c, d, sizeof(c)) != 0 ? "yes" : "no");
  CHECK(rng_load(ctx, argv[1]));
  out = vec(d);
  CHECK(rng_f2(ctx, &out));
  printf("after load f2 replays: %s\n", memcmp(c, d, sizeof(c)) == 0 ? "yes" : "no");
  rng_destroy(ctx);
  return 0;
}
