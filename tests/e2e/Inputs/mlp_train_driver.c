/* Drives the training step that `bpc build examples/mlp_adam.bpm` exports
   (a tanh MLP, bm.grad and Adam): train_jit(x, y) returns the loss and
   updates the weights and Adam's state, all Variables of the context.

   1. A batch of the wrong shape is rejected with BPC_ERR_SHAPE and changes
      no Variable.
   2. Context A trains K steps, saves its Variables, trains M more steps.
   3. Context B (fresh) loads the file and trains the same M steps; context A
      loads it again and does the same: their losses and every Variable at the
      end are bitwise those of step 2.
   4. The K + M losses of step 2 equal the NumPy reference
      (tests/tracer/mlp_adam_reference.py) to 1e-5 relative.
   5. n is symbolic: a step on the first 7 rows returns the mean over those 7
      of the initial model's squared error, computed here in double from the
      Variables read back.

   The batch is the example's: x[k] = sin(0.9 k + 0.2) over the flat index,
   y = 0.5 sin(sum of each row of x). Usage: driver STATE_FILE */
#include "mlp_adam.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 32, N_IN = 8, K = 6, M = 14, MAX_VARS = 32 };

/* `mlp_adam_reference.py --steps 20` (K + M steps). */
static const double reference[K + M] = {
    0.15024188708474673,  0.1403759906862066,   0.13087650229111297,
    0.12174881048992112,  0.11299750297842936,  0.10462592285949285,
    0.096636298107734,    0.08902970927065262,  0.0818058519750545,
    0.07496308872278408,  0.06849834851945409,  0.062407154235378286,
    0.05668362202119298,  0.0513205133930349,   0.04630936597639623,
    0.04164060089094444,  0.0373036984340303,   0.033287341575482896,
    0.02957959119997811,  0.02616802531719463};

static float x[N * N_IN], y[N];

/* Every Variable of a context, copied out: names, sizes and bytes. */
typedef struct {
  int count;
  const char *names[MAX_VARS];
  size_t bytes[MAX_VARS];
  unsigned char *data[MAX_VARS];
} snapshot;

static size_t dtypeSize(bpc_dtype t) {
  return t == BPC_F64 || t == BPC_I64 ? 8 : t == BPC_BOOL ? 1 : 4;
}

/* Copies all Variables of `ctx` into `s` (freed by release); 0 on failure. */
static int take(mlp_adam_ctx *ctx, snapshot *s) {
  s->count = mlp_adam_var_count(ctx);
  if (s->count <= 0 || s->count > MAX_VARS)
    return 0;
  for (int i = 0; i < s->count; ++i) {
    s->names[i] = mlp_adam_var_name(ctx, i);
    bpc_array a = {NULL, BPC_F32, 0, {0}};
    if (mlp_adam_get_var(ctx, s->names[i], &a) != BPC_OK) /* query form */
      return 0;
    size_t elements = 1;
    for (int d = 0; d < a.rank; ++d)
      elements *= (size_t)a.shape[d];
    s->bytes[i] = elements * dtypeSize(a.dtype);
    s->data[i] = malloc(s->bytes[i] ? s->bytes[i] : 1);
    a.data = s->data[i];
    if (mlp_adam_get_var(ctx, s->names[i], &a) != BPC_OK)
      return 0;
  }
  return 1;
}

static void release(snapshot *s) {
  for (int i = 0; i < s->count; ++i)
    free(s->data[i]);
  s->count = 0;
}

/* The names of the Variables of `a` that differ from those of `b`, or "none". */
static void printDifferences(const snapshot *a, const snapshot *b) {
  int differing = 0;
  for (int i = 0; i < a->count; ++i)
    if (i >= b->count || a->bytes[i] != b->bytes[i] ||
        memcmp(a->data[i], b->data[i], a->bytes[i]) != 0)
      printf("%s%s", differing++ ? ", " : "", a->names[i]);
  if (a->count != b->count)
    printf("%s(a different number of Variables)", differing++ ? ", " : "");
  printf("%s\n", differing ? "" : "none");
}

/* The MSE of the model in `s` (Variables in the header's order: w1, b1, w2,
   b2 first) on the first `n` rows of the batch, in double. */
static double forwardLoss(const snapshot *s, int n) {
  const float *w1 = (const float *)s->data[0], *b1 = (const float *)s->data[1];
  const float *w2 = (const float *)s->data[2], *b2 = (const float *)s->data[3];
  enum { N_HIDDEN = 16 };
  double total = 0;
  for (int i = 0; i < n; ++i) {
    double out = b2[0];
    for (int h = 0; h < N_HIDDEN; ++h) {
      double z = b1[h];
      for (int j = 0; j < N_IN; ++j)
        z += (double)x[i * N_IN + j] * w1[j * N_HIDDEN + h];
      out += tanh(z) * w2[h];
    }
    total += (out - y[i]) * (out - y[i]);
  }
  return total / n;
}

/* Runs `steps` training steps on `ctx`, storing the losses; 0 on failure. */
static int train(mlp_adam_ctx *ctx, int steps, float *losses) {
  bpc_array xa = {x, BPC_F32, 2, {N, N_IN}}, ya = {y, BPC_F32, 2, {N, 1}};
  for (int i = 0; i < steps; ++i) {
    bpc_array out = {&losses[i], BPC_F32, 0, {0}};
    if (mlp_adam_train_jit(ctx, &xa, &ya, &out) != BPC_OK) {
      printf("FAILED train step %d: %s\n", i, mlp_adam_last_error(ctx));
      return 0;
    }
  }
  return 1;
}

/* Calls train_jit with a bad batch: prints the status and whether any
   Variable changed. */
static void expectShapeError(mlp_adam_ctx *ctx, const char *what, bpc_array *xa, bpc_array *ya) {
  snapshot before, after;
  float loss = 0;
  bpc_array out = {&loss, BPC_F32, 0, {0}};
  if (!take(ctx, &before))
    return;
  bpc_status status = mlp_adam_train_jit(ctx, xa, ya, &out);
  if (!take(ctx, &after))
    return;
  printf("%s: %s, Variables changed: ", what, bpc_status_name(status));
  printDifferences(&before, &after);
  printf("  message: %s\n", mlp_adam_last_error(ctx));
  release(&before);
  release(&after);
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 1;
  const char *stateFile = argv[1];
  for (int k = 0; k < N * N_IN; ++k)
    x[k] = (float)sin(0.9 * k + 0.2);
  for (int i = 0; i < N; ++i) {
    double rowSum = 0;
    for (int j = 0; j < N_IN; ++j)
      rowSum += x[i * N_IN + j];
    y[i] = (float)(0.5 * sin(rowSum));
  }

  mlp_adam_ctx *a, *b;
  if (mlp_adam_create(&a) != BPC_OK || mlp_adam_create(&b) != BPC_OK)
    return 1;
  printf("variables:");
  for (int i = 0; i < mlp_adam_var_count(a); ++i)
    printf(" %s", mlp_adam_var_name(a, i));
  printf("\n");

  /* 1. Bad batches. */
  float xWide[N * 9] = {0}, yShort[N - 1] = {0};
  bpc_array xa = {x, BPC_F32, 2, {N, N_IN}}, ya = {y, BPC_F32, 2, {N, 1}};
  bpc_array xBad = {xWide, BPC_F32, 2, {N, 9}}, yBad = {yShort, BPC_F32, 2, {N - 1, 1}};
  bpc_array yFlat = {y, BPC_F32, 1, {N}};
  expectShapeError(a, "x with 9 features", &xBad, &ya);
  expectShapeError(a, "y with n - 1 rows", &xa, &yBad);
  expectShapeError(a, "y of rank 1", &xa, &yFlat);

  /* 2. K steps, save, M steps. */
  float losses[K + M], again[M], loaded[M];
  snapshot atSave, initial, final, finalAgain, finalLoaded;
  if (!take(b, &initial) || !train(a, K, losses) || !take(a, &atSave))
    return 1;
  if (mlp_adam_save(a, stateFile) != BPC_OK) {
    printf("FAILED save: %s\n", mlp_adam_last_error(a));
    return 1;
  }
  if (!train(a, M, losses + K) || !take(a, &final))
    return 1;
  printf("Variables changed by the first %d steps: ", K);
  printDifferences(&initial, &atSave);

  /* 3. Load into a fresh context, and into A again; the same M steps. */
  if (mlp_adam_load(b, stateFile) != BPC_OK || mlp_adam_load(a, stateFile) != BPC_OK) {
    printf("FAILED load: %s / %s\n", mlp_adam_last_error(b), mlp_adam_last_error(a));
    return 1;
  }
  snapshot bLoaded;
  if (!take(b, &bLoaded))
    return 1;
  printf("fresh context after load, Variables differing from the saved ones: ");
  printDifferences(&atSave, &bLoaded);
  if (!train(b, M, loaded) || !take(b, &finalLoaded) || !train(a, M, again) ||
      !take(a, &finalAgain))
    return 1;
  printf("fresh context: losses of steps %d-%d bitwise equal: %s\n", K, K + M - 1,
         memcmp(loaded, losses + K, sizeof loaded) == 0 ? "yes" : "no");
  printf("fresh context: final Variables differing: ");
  printDifferences(&final, &finalLoaded);
  printf("same context reloaded: losses bitwise equal: %s\n",
         memcmp(again, losses + K, sizeof again) == 0 ? "yes" : "no");
  printf("same context reloaded: final Variables differing: ");
  printDifferences(&final, &finalAgain);

  /* 4. Against the reference. */
  double worst = 0;
  int bad = 0;
  for (int i = 0; i < K + M; ++i) {
    double rel = fabs(losses[i] - reference[i]) / reference[i];
    worst = rel > worst ? rel : worst;
    if (!(rel <= 1e-5)) {
      printf("step %d: loss %.9g, reference %.9g\n", i, losses[i], reference[i]);
      ++bad;
    }
  }
  printf("losses of steps 0-%d within 1e-5 of the reference: %s (max relative difference %.1e)\n",
         K + M - 1, bad ? "no" : "yes", worst);
  printf("loss decreased: %s\n", losses[K + M - 1] < losses[0] ? "yes" : "no");

  /* 5. A batch of 7 rows, on a fresh context. */
  mlp_adam_ctx *c;
  float loss7 = 0;
  bpc_array x7 = {x, BPC_F32, 2, {7, N_IN}}, y7 = {y, BPC_F32, 2, {7, 1}};
  bpc_array out7 = {&loss7, BPC_F32, 0, {0}};
  if (mlp_adam_create(&c) != BPC_OK || mlp_adam_train_jit(c, &x7, &y7, &out7) != BPC_OK)
    return 1;
  double expected7 = forwardLoss(&initial, 7);
  printf("n = 7: loss %.6f, forward pass in C %.6f, within 1e-5: %s\n", loss7, expected7,
         fabs(loss7 - expected7) <= 1e-5 * expected7 ? "yes" : "no");
  mlp_adam_destroy(c);

  release(&initial);
  release(&atSave);
  release(&final);
  release(&bLoaded);
  release(&finalLoaded);
  release(&finalAgain);
  mlp_adam_destroy(a);
  mlp_adam_destroy(b);
  return 0;
}
