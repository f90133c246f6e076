/*===- random.h - bpc runtime: counter-based random numbers ------*- C -*-===*\
|*                                                                          *|
|* Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers:   *|
|* as easy as 1, 2, 3", SC'11) and the key/bit/float derivations of         *|
|* jax.random on top of it, so that a seed gives the same numbers as JAX    *|
|* and the same numbers on CPU and CUDA (DESIGN.md §3). A key is two        *|
|* uint32 words, exactly JAX's raw `uint32[2]` key. Plain C99.              *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/

#ifndef BPC_RANDOM_H
#define BPC_RANDOM_H

#include "bpc/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* JAX derives split keys and bits in one of two ways, selected there by the
   `jax_threefry_partitionable` flag (False before JAX 0.5, True since):
   ORIGINAL hashes the counters 0..m-1 as two halves (counter i of the first
   half is paired with counter h+i); PARTITIONABLE hashes the 64-bit index of
   each element as the pair (hi, lo). */
typedef enum {
  BPC_RNG_JAX_ORIGINAL = 0,
  BPC_RNG_JAX_PARTITIONABLE = 1
} bpc_rng_scheme;

/* One Threefry-2x32-20 block: out = threefry(key, counter `in`). The
   functions below return BPC_ERR_ARG for n < 0, a NULL key, a NULL `out`
   with n > 0, an unknown scheme, or n beyond the scheme's limit. */
void bpc_threefry2x32(const uint32_t key[2], const uint32_t in[2],
                      uint32_t out[2]);

/* jax.random.PRNGKey(seed): key = {seed >> 32, seed & 0xFFFFFFFF}. A 32-bit
   seed s (JAX without x64) gives {0, (uint32_t)s}. */
void bpc_random_key(uint64_t seed, uint32_t key[2]);

/* jax.random.fold_in(key, data). */
void bpc_random_fold_in(const uint32_t key[2], uint32_t data, uint32_t out[2]);

/* jax.random.split(key, n): writes n keys, out[2*i], out[2*i+1]. The
   ORIGINAL scheme counts in uint32, so it supports n < 2^31. */
bpc_status bpc_random_split(const uint32_t key[2], int64_t n,
                            bpc_rng_scheme scheme, uint32_t *out);

/* jax.random.bits(key, (n,), uint32). The ORIGINAL scheme supports
   n < 2^32 - 1 (JAX switches to a blocked scheme beyond that). */
bpc_status bpc_random_bits32(const uint32_t key[2], int64_t n,
                             bpc_rng_scheme scheme, uint32_t *out);

/* jax.random.uniform(key, (n,), float32, minval, maxval): the top 23 bits
   of each word become the mantissa of a float in [1, 2), minus 1, scaled. */
bpc_status bpc_random_uniform_f32(const uint32_t key[2], int64_t n,
                                  bpc_rng_scheme scheme, float minval,
                                  float maxval, float *out);

/* jax.random.normal(key, (n,), float32): sqrt(2) * erfinv(u) with u uniform
   in (-1, 1), erfinv by Giles' single-precision polynomial as XLA computes
   it. Equal to JAX up to the last bits of log1p (XLA uses its own). */
bpc_status bpc_random_normal_f32(const uint32_t key[2], int64_t n,
                                 bpc_rng_scheme scheme, float *out);

/* erfinv in single precision, the polynomial used by bpc_random_normal_f32. */
float bpc_erfinv_f32(float x);

#ifdef __cplusplus
}
#endif

#endif /* BPC_RANDOM_H */
