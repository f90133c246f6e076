//===- Random.cpp - bpc runtime: Threefry-2x32 and jax.random ------------===//
//
// The hash is Threefry-2x32-20 as in Random123 and JAX's
// `_threefry2x32_lowering`. The derivations follow jax/_src/random:
// `threefry_seed`, `_threefry_split_{original,foldlike}`,
// `_threefry_random_bits_{original,partitionable}`, `_uniform` and
// `_normal_real`, so that equal keys give equal numbers. Floating point here
// is compiled without contraction (see CMakeLists.txt) and fuses exactly
// where XLA does, with explicit std::fma, so bits and uniforms are the same
// on every machine; normals also depend on libm's log1p.
//
//===----------------------------------------------------------------------===//

#include "bpc/random.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace {

inline uint32_t rotl(uint32_t x, uint32_t r) {
  return (x << r) | (x >> (32 - r));
}

/// Four rounds with rotation constants `rot`.
inline void rounds(uint32_t &x0, uint32_t &x1, const uint32_t rot[4]) {
  for (int i = 0; i < 4; ++i) {
    x0 += x1;
    x1 = rotl(x1, rot[i]);
    x1 ^= x0;
  }
}

inline void threefry(uint32_t k0, uint32_t k1, uint32_t &x0, uint32_t &x1) {
  static const uint32_t kRotA[4] = {13, 15, 26, 6};
  static const uint32_t kRotB[4] = {17, 29, 16, 24};
  // The Skein key schedule parity constant.
  const uint32_t ks[3] = {k0, k1, k0 ^ k1 ^ 0x1BD11BDAu};
  x0 += ks[0];
  x1 += ks[1];
  // 20 rounds = 5 groups of 4, a key injection after each group.
  for (uint32_t group = 1; group <= 5; ++group) {
    rounds(x0, x1, group % 2 ? kRotA : kRotB);
    x0 += ks[group % 3];
    x1 += ks[(group + 1) % 3] + group;
  }
}

/// JAX's `threefry_2x32(key, iota(m))`: the counters 0..m-1 are padded to
/// even length and split in halves; block i hashes (i, h + i) and its two
/// words are elements i and h + i of the output, passed to `sink(k, word)`.
template <typename Sink>
void hashIota(const uint32_t key[2], uint64_t m, Sink &&sink) {
  uint64_t h = (m + 1) / 2;
  for (uint64_t i = 0; i < h; ++i) {
    uint64_t j = h + i;
    uint32_t x0 = static_cast<uint32_t>(i);
    uint32_t x1 = j < m ? static_cast<uint32_t>(j) : 0u; // the padding zero
    threefry(key[0], key[1], x0, x1);
    sink(i, x0);
    if (j < m)
      sink(j, x1);
  }
}

/// The partitionable scheme hashes each element's 64-bit index as (hi, lo).
inline void hashIndex(const uint32_t key[2], uint64_t i, uint32_t &y0,
                      uint32_t &y1) {
  y0 = static_cast<uint32_t>(i >> 32);
  y1 = static_cast<uint32_t>(i);
  threefry(key[0], key[1], y0, y1);
}

/// jax.random.bits(key, (n,), uint32), element k passed to `sink(k, word)`.
/// The original scheme's iota is uint32 and JAX switches to a blocked
/// scheme at 2^32 - 1 words, so larger requests are refused.
template <typename Sink>
bool forEachWord(const uint32_t key[2], int64_t n, bpc_rng_scheme scheme,
                 Sink &&sink) {
  if (scheme == BPC_RNG_JAX_ORIGINAL) {
    if (static_cast<uint64_t>(n) >= 0xFFFFFFFFu)
      return false;
    hashIota(key, static_cast<uint64_t>(n), sink);
    return true;
  }
  for (int64_t i = 0; i < n; ++i) {
    uint32_t y0, y1;
    hashIndex(key, static_cast<uint64_t>(i), y0, y1);
    sink(static_cast<uint64_t>(i), y0 ^ y1);
  }
  return true;
}

bool validRequest(const void *out, int64_t n, bpc_rng_scheme scheme) {
  return n >= 0 && (n == 0 || out) &&
         (scheme == BPC_RNG_JAX_ORIGINAL || scheme == BPC_RNG_JAX_PARTITIONABLE);
}

/// jax.random's `_uniform` for one word: 23 random mantissa bits under the
/// exponent of 1.0 give [1, 2); then shift and scale, clamped below. XLA
/// fuses `f * range + minval` into one FMA (on CPUs that have it, and on
/// GPUs), so it is fused here too, on every machine.
inline float uniformFromBits(uint32_t bits, float minval, float range) {
  uint32_t fbits = (bits >> 9) | 0x3F800000u;
  float f;
  std::memcpy(&f, &fbits, sizeof(f));
  f -= 1.0f;
  float v = std::fma(f, range, minval);
  return v < minval ? minval : v;
}

} // namespace

extern "C" {

void bpc_threefry2x32(const uint32_t key[2], const uint32_t in[2],
                      uint32_t out[2]) {
  uint32_t x0 = in[0], x1 = in[1];
  threefry(key[0], key[1], x0, x1);
  out[0] = x0;
  out[1] = x1;
}

void bpc_random_key(uint64_t seed, uint32_t key[2]) {
  key[0] = static_cast<uint32_t>(seed >> 32);
  key[1] = static_cast<uint32_t>(seed);
}

void bpc_random_fold_in(const uint32_t key[2], uint32_t data, uint32_t out[2]) {
  // threefry_2x32(key, threefry_seed(data)): the counter pair (0, data).
  const uint32_t in[2] = {0, data};
  bpc_threefry2x32(key, in, out);
}

bpc_status bpc_random_split(const uint32_t key[2], int64_t n,
                            bpc_rng_scheme scheme, uint32_t *out) {
  if (!key || !validRequest(out, n, scheme))
    return BPC_ERR_ARG;
  if (scheme == BPC_RNG_JAX_ORIGINAL) {
    // iota(uint32, 2n) must not wrap.
    if (static_cast<uint64_t>(n) > 0x7FFFFFFFu)
      return BPC_ERR_ARG;
    hashIota(key, 2 * static_cast<uint64_t>(n),
             [&](uint64_t k, uint32_t word) { out[k] = word; });
    return BPC_OK;
  }
  for (int64_t i = 0; i < n; ++i)
    hashIndex(key, static_cast<uint64_t>(i), out[2 * i], out[2 * i + 1]);
  return BPC_OK;
}

bpc_status bpc_random_bits32(const uint32_t key[2], int64_t n,
                             bpc_rng_scheme scheme, uint32_t *out) {
  if (!key || !validRequest(out, n, scheme))
    return BPC_ERR_ARG;
  return forEachWord(key, n, scheme,
                     [&](uint64_t k, uint32_t word) { out[k] = word; })
             ? BPC_OK
             : BPC_ERR_ARG;
}

bpc_status bpc_random_uniform_f32(const uint32_t key[2], int64_t n,
                                  bpc_rng_scheme scheme, float minval,
                                  float maxval, float *out) {
  if (!key || !validRequest(out, n, scheme))
    return BPC_ERR_ARG;
  const float range = maxval - minval;
  return forEachWord(key, n, scheme,
                     [&](uint64_t k, uint32_t word) {
                       out[k] = uniformFromBits(word, minval, range);
                     })
             ? BPC_OK
             : BPC_ERR_ARG;
}

float bpc_erfinv_f32(float x) {
  // M. Giles, "Approximating the erfinv function" (GPU Computing Gems), in
  // the form and evaluation order of XLA's ErfInv32.
  static const float kSmall[9] = {
      2.81022636e-08f,  3.43273939e-07f, -3.5233877e-06f,
      -4.39150654e-06f, 0.00021858087f,  -0.00125372503f,
      -0.00417768164f,  0.246640727f,    1.50140941f};
  static const float kLarge[9] = {
      -0.000200214257f, 0.000100950558f, 0.00134934322f,
      -0.00367342844f,  0.00573950773f,  -0.0076224613f,
      0.00943887047f,   1.00167406f,     2.83297682f};
  if (std::fabs(x) == 1.0f)
    return x * std::numeric_limits<float>::infinity();
  float w = -std::log1p(-x * x);
  const float *c = w < 5.0f ? kSmall : kLarge;
  w = w < 5.0f ? w - 2.5f : std::sqrt(w) - 3.0f;
  // XLA fuses each Horner step into an FMA, so do we.
  float p = c[0];
  for (int i = 1; i < 9; ++i)
    p = std::fma(p, w, c[i]);
  return p * x;
}

bpc_status bpc_random_normal_f32(const uint32_t key[2], int64_t n,
                                 bpc_rng_scheme scheme, float *out) {
  if (!key || !validRequest(out, n, scheme))
    return BPC_ERR_ARG;
  // u is uniform in (-1, 1): the lower bound nextafter(-1, 0) keeps erfinv
  // away from -1, exactly as JAX's _normal_real.
  const float lo = std::nextafter(-1.0f, 0.0f);
  const float range = 1.0f - lo;
  const float sqrt2 = static_cast<float>(std::sqrt(2.0));
  return forEachWord(key, n, scheme,
                     [&](uint64_t k, uint32_t word) {
                       float u = uniformFromBits(word, lo, range);
                       out[k] = sqrt2 * bpc_erfinv_f32(u);
                     })
             ? BPC_OK
             : BPC_ERR_ARG;
}

} // extern "C"
