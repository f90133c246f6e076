/* Drives liball_vars.so (Inputs/all_vars.bpm): lists every Variable of the
   context with its dtype, shape and initial values, checks that the
   functions read the dyn ones from the context and keep the frozen ones,
   and round-trips all of them (f32, i32 and bool; dyn, frozen and unused)
   through save and load. Usage: driver STATE_FILE */
#include "all_vars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    if ((call) != BPC_OK) {                                                    \
      printf("FAILED %s: %s\n", #call, all_vars_last_error(ctx));              \
      return 1;                                                                \
    }                                                                          \
  } while (0)

static const char *dtypeName(bpc_dtype t) {
  static const char *const names[] = {"f32", "f64", "i32", "i64", "bool"};
  return (int)t >= 0 && (int)t < 5 ? names[t] : "?";
}

static size_t elementSize(bpc_dtype t) {
  return t == BPC_F64 || t == BPC_I64 ? 8 : t == BPC_BOOL ? 1 : 4;
}

/* The Variable's value as text: elements separated by spaces. */
static void printValue(const bpc_array *a) {
  int64_t n = 1;
  for (int d = 0; d < a->rank; ++d)
    n *= a->shape[d];
  for (int64_t i = 0; i < n; ++i) {
    if (a->dtype == BPC_F32)
      printf(" %g", ((const float *)a->data)[i]);
    else if (a->dtype == BPC_I32)
      printf(" %d", ((const int *)a->data)[i]);
    else if (a->dtype == BPC_BOOL)
      printf(" %d", ((const unsigned char *)a->data)[i]);
  }
}

/* Reads Variable `name` into a fresh buffer (freed by the caller). */
static bpc_array readVar(all_vars_ctx *ctx, const char *name, size_t *bytes) {
  bpc_array a = {NULL, BPC_F32, 0, {0}};
  if (all_vars_get_var(ctx, name, &a) != BPC_OK)
    exit(1);
  *bytes = elementSize(a.dtype);
  for (int d = 0; d < a.rank; ++d)
    *bytes *= (size_t)a.shape[d];
  a.data = malloc(*bytes ? *bytes : 1);
  if (all_vars_get_var(ctx, name, &a) != BPC_OK)
    exit(1);
  return a;
}

static int call3(all_vars_ctx *ctx,
                 bpc_status (*f)(all_vars_ctx *, const bpc_array *, bpc_array *),
                 const char *what, float x0) {
  float x[3] = {x0, x0, x0}, y[3];
  bpc_array xa = {x, BPC_F32, 1, {3}}, ya = {y, BPC_F32, 1, {3}};
  if (f(ctx, &xa, &ya) != BPC_OK) {
    printf("FAILED %s: %s\n", what, all_vars_last_error(ctx));
    return 0;
  }
  printf("%s(%g): %g %g %g\n", what, x0, y[0], y[1], y[2]);
  return 1;
}

int main(int argc, char **argv) {
  all_vars_ctx *ctx;
  if (argc < 2 || all_vars_create(&ctx) != BPC_OK)
    return 1;
  int count = all_vars_var_count(ctx);
  printf("variables: %d\n", count);
  for (int i = 0; i < count; ++i) {
    size_t bytes;
    const char *name = all_vars_var_name(ctx, i);
    bpc_array a = readVar(ctx, name, &bytes);
    printf("%s: %s[", name, dtypeName(a.dtype));
    for (int d = 0; d < a.rank; ++d)
      printf("%s%lld", d ? ", " : "", (long long)a.shape[d]);
    printf("]");
    printValue(&a);
    printf("\n");
    free(a.data);
  }

  /* step_jit updates net.layers.1.w (dyn) and multiplies by the frozen
     net.layers.0.w (0.5): a new value of the latter changes nothing. */
  float big[3] = {100, 100, 100};
  bpc_array bigA = {big, BPC_F32, 1, {3}};
  CHECK(all_vars_set_var(ctx, "net.layers.0.w", &bigA));
  if (!call3(ctx, all_vars_step_jit, "step_jit", 1) ||
      !call3(ctx, all_vars_step_jit, "step_jit", 1))
    return 1;
  /* counter adds to its dyn total and to the frozen offset (10). */
  CHECK(all_vars_set_var(ctx, "counter.frozen.0", &bigA));
  if (!call3(ctx, all_vars_counter, "counter", 2) || !call3(ctx, all_vars_counter, "counter", 2))
    return 1;
  CHECK(all_vars_set_var(ctx, "counter.dyn_vars.0", &bigA));
  if (!call3(ctx, all_vars_counter, "counter", 0))
    return 1;

  /* save, overwrite every Variable with other bytes, load: all restored. */
  CHECK(all_vars_save(ctx, argv[1]));
  bpc_array *saved = calloc((size_t)count, sizeof *saved);
  size_t *sizes = calloc((size_t)count, sizeof *sizes);
  for (int i = 0; i < count; ++i) {
    const char *name = all_vars_var_name(ctx, i);
    saved[i] = readVar(ctx, name, &sizes[i]);
    bpc_array other = saved[i];
    other.data = malloc(sizes[i] ? sizes[i] : 1);
    for (size_t b = 0; b < sizes[i]; ++b) /* bool: the other value */
      ((unsigned char *)other.data)[b] = ((unsigned char *)saved[i].data)[b] ^ 1;
    CHECK(all_vars_set_var(ctx, name, &other));
    free(other.data);
  }
  int changed = 0, restored = 0;
  for (int i = 0; i < count; ++i) {
    size_t bytes;
    bpc_array now = readVar(ctx, all_vars_var_name(ctx, i), &bytes);
    changed += memcmp(now.data, saved[i].data, bytes) != 0;
    free(now.data);
  }
  CHECK(all_vars_load(ctx, argv[1]));
  for (int i = 0; i < count; ++i) {
    size_t bytes;
    bpc_array now = readVar(ctx, all_vars_var_name(ctx, i), &bytes);
    restored += memcmp(now.data, saved[i].data, bytes) == 0;
    free(now.data);
    free(saved[i].data);
  }
  printf("set_var changed %d of %d, load restored %d of %d\n", changed, count, restored, count);
  free(saved);
  free(sizes);
  if (!call3(ctx, all_vars_counter, "counter after load", 0))
    return 1;
  all_vars_destroy(ctx);
  return 0;
}
