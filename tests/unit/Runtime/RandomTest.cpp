//===- RandomTest.cpp - Threefry-2x32 and the jax.random derivations ------===//
//
// Known answers: the Threefry-2x32-20 vectors are Random123's kat_vectors
// (also asserted by JAX's random_test.py); everything else was printed by
// jax_random_values.py (beside this file) with JAX 0.10.2 on CPU, for both
// settings of jax_threefry_partitionable. Floats are compared by bit pattern.
//
//===----------------------------------------------------------------------===//

#include "bpc/random.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr bpc_rng_scheme kOriginal = BPC_RNG_JAX_ORIGINAL;
constexpr bpc_rng_scheme kPartitionable = BPC_RNG_JAX_PARTITIONABLE;

std::vector<uint32_t> bitsOf(const std::vector<float> &v) {
  std::vector<uint32_t> out(v.size());
  std::memcpy(out.data(), v.data(), v.size() * sizeof(float));
  return out;
}

std::vector<uint32_t> key(uint64_t seed) {
  std::vector<uint32_t> k(2);
  bpc_random_key(seed, k.data());
  return k;
}

std::vector<uint32_t> split(uint64_t seed, int64_t n, bpc_rng_scheme scheme) {
  std::vector<uint32_t> out(2 * n);
  REQUIRE(bpc_random_split(key(seed).data(), n, scheme, out.data()) == BPC_OK);
  return out;
}

std::vector<uint32_t> bits(uint64_t seed, int64_t n, bpc_rng_scheme scheme) {
  std::vector<uint32_t> out(n);
  REQUIRE(bpc_random_bits32(key(seed).data(), n, scheme, out.data()) == BPC_OK);
  return out;
}

std::vector<float> uniform(uint64_t seed, int64_t n, bpc_rng_scheme scheme,
                           float lo = 0.0f, float hi = 1.0f) {
  std::vector<float> out(n);
  REQUIRE(bpc_random_uniform_f32(key(seed).data(), n, scheme, lo, hi,
                                 out.data()) == BPC_OK);
  return out;
}

std::vector<float> normal(uint64_t seed, int64_t n, bpc_rng_scheme scheme) {
  std::vector<float> out(n);
  REQUIRE(bpc_random_normal_f32(key(seed).data(), n, scheme, out.data()) ==
          BPC_OK);
  return out;
}

/// Distance in units in the last place between two finite floats.
int64_t ulps(float a, float b) {
  auto ordered = [](float f) {
    int32_t i;
    std::memcpy(&i, &f, sizeof(i));
    return i < 0 ? int64_t(INT32_MIN) - i : int64_t(i);
  };
  return std::llabs(ordered(a) - ordered(b));
}

void checkMoments(const std::vector<float> &v, double mean, double var,
                  double meanTol, double varTol) {
  double sum = 0, sq = 0;
  for (float x : v) {
    sum += x;
    sq += double(x) * x;
  }
  double m = sum / v.size(), s = sq / v.size() - m * m;
  CHECK(std::fabs(m - mean) < meanTol);
  CHECK(std::fabs(s - var) < varTol);
}

} // namespace

TEST_CASE("random: Threefry-2x32-20 known answers (Random123 kat_vectors)") {
  struct Case {
    uint32_t key[2], ctr[2], out[2];
  } cases[] = {
      {{0, 0}, {0, 0}, {0x6b200159, 0x99ba4efe}},
      {{0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
       {0x1cb996fc, 0xbb002be7}},
      {{0x13198a2e, 0x03707344}, {0x243f6a88, 0x85a308d3},
       {0xc4923a9c, 0x483df7a0}},
  };
  for (const Case &c : cases) {
    uint32_t out[2];
    bpc_threefry2x32(c.key, c.ctr, out);
    CHECK(out[0] == c.out[0]);
    CHECK(out[1] == c.out[1]);
  }
}

TEST_CASE("random: PRNGKey and fold_in as in JAX") {
  CHECK(key(0) == std::vector<uint32_t>{0, 0});
  CHECK(key(42) == std::vector<uint32_t>{0, 42});
  // With jax_enable_x64: PRNGKey(0x123456789) and PRNGKey(-1).
  CHECK(key(0x123456789ULL) == std::vector<uint32_t>{1, 0x23456789});
  CHECK(key(uint64_t(-1)) == std::vector<uint32_t>{0xffffffff, 0xffffffff});
  uint32_t folded[2];
  bpc_random_fold_in(key(0).data(), 7, folded);
  CHECK(folded[0] == 0xa1ef7a4d);
  CHECK(folded[1] == 0x116eb6b3);
}

TEST_CASE("random: split and bits, jax_threefry_partitionable=False") {
  CHECK(split(0, 2, kOriginal) ==
        std::vector<uint32_t>{0xf71f4ea9, 0x39a405d9, 0xa20e4081, 0x4bdfae2f});
  CHECK(split(42, 3, kOriginal) ==
        std::vector<uint32_t>{0xbad56946, 0xde837c89, 0xdf4f11df, 0x354ba891,
                              0x2fc69b62, 0x8cdb9797});
  // Odd counts exercise the zero padding of the second half.
  CHECK(bits(0, 5, kOriginal) ==
        std::vector<uint32_t>{0x9312778b, 0x19850714, 0x64a626ec, 0xe4e8dfbe,
                              0x98b89669});
  CHECK(bits(42, 4, kOriginal) ==
        std::vector<uint32_t>{0x92fb20ea, 0xdb4c98db, 0x0f38d913, 0x0ff68959});
}

TEST_CASE("random: split and bits, jax_threefry_partitionable=True") {
  CHECK(split(0, 2, kPartitionable) ==
        std::vector<uint32_t>{0x6b200159, 0x99ba4efe, 0x375f238f, 0xcddb151d});
  CHECK(split(42, 3, kPartitionable) ==
        std::vector<uint32_t>{0x6d3e048f, 0x1022172d, 0x03d7b32d, 0xadd083f4,
                              0x92fb20ea, 0x0f38d913});
  CHECK(bits(0, 5, kPartitionable) ==
        std::vector<uint32_t>{0xf29a4fa7, 0xfa843692, 0x55110e28, 0x77faa835,
                              0x91e43bb7});
  CHECK(bits(42, 4, kPartitionable) ==
        std::vector<uint32_t>{0x7d1c13a2, 0xae0730d9, 0x9dc3f9f9, 0x8f9ec1d7});
}

TEST_CASE("random: uniform f32 is bit-identical to JAX") {
  CHECK(bitsOf(uniform(0, 5, kOriginal)) ==
        std::vector<uint32_t>{0x3f131276, 0x3dcc2830, 0x3ec94c4c, 0x3f64e8de,
                              0x3f18b896});
  CHECK(bitsOf(uniform(42, 3, kOriginal, -2.0f, 3.0f)) ==
        std::vector<uint32_t>{0x3f5ee7a0, 0xbfbfe614, 0xbfd9f1e4});
  CHECK(bitsOf(uniform(0, 5, kPartitionable)) ==
        std::vector<uint32_t>{0x3f729a4e, 0x3f7a8436, 0x3eaa221c, 0x3eeff550,
                              0x3f11e43a});
  CHECK(bitsOf(uniform(42, 3, kPartitionable, -2.0f, 3.0f)) ==
        std::vector<uint32_t>{0x3ee318b4, 0x3fb311f8, 0x3f8a69ec});
}

TEST_CASE("random: normal f32 matches JAX to a few ulp") {
  // XLA's log1p differs from libm's in the last bits, so not bit-identical.
  const uint32_t original[5] = {0x3e405a23, 0xbfa44492, 0xbe8acc88, 0x3f9fe12e,
                                0x3e7a565a};
  const uint32_t partitionable[5] = {0x3fcfb2bd, 0x40019df0, 0xbede0017,
                                     0xbda10222, 0x3e34512c};
  for (auto [scheme, expected] :
       {std::make_pair(kOriginal, original),
        std::make_pair(kPartitionable, partitionable)}) {
    std::vector<float> got = normal(0, 5, scheme);
    for (int i = 0; i < 5; ++i) {
      float want;
      std::memcpy(&want, &expected[i], sizeof(want));
      CHECK_MESSAGE(ulps(got[i], want) <= 4, got[i] << " vs " << want);
    }
  }
  CHECK(std::isinf(bpc_erfinv_f32(1.0f)));
  CHECK(bpc_erfinv_f32(-1.0f) < 0);
  CHECK(bpc_erfinv_f32(0.0f) == 0.0f);
  CHECK(std::fabs(bpc_erfinv_f32(0.5f) - 0.4769362762f) < 1e-6f);
}

TEST_CASE("random: 10^6 draws have the right moments") {
  const int64_t n = 1000000;
  for (bpc_rng_scheme scheme : {kOriginal, kPartitionable}) {
    std::vector<float> u = uniform(7, n, scheme);
    bool inRange = true;
    for (float x : u)
      inRange = inRange && x >= 0.0f && x < 1.0f;
    CHECK(inRange);
    // 5 standard errors: sd(mean) = 2.9e-4, sd(var) = 7.5e-5.
    checkMoments(u, 0.5, 1.0 / 12, 1.5e-3, 4e-4);
    std::vector<float> z = normal(7, n, scheme);
    // sd(mean) = 1e-3, sd(var) = 1.4e-3.
    checkMoments(z, 0.0, 1.0, 5e-3, 7e-3);
  }
}

TEST_CASE("random: bad requests are refused") {
  uint32_t k[2] = {0, 0}, out[2];
  float f[2];
  CHECK(bpc_random_bits32(k, -1, kOriginal, out) == BPC_ERR_ARG);
  CHECK(bpc_random_bits32(k, 2, kOriginal, nullptr) == BPC_ERR_ARG);
  CHECK(bpc_random_bits32(k, 0, kOriginal, nullptr) == BPC_OK);
  CHECK(bpc_random_bits32(k, int64_t(1) << 32, kOriginal, out) == BPC_ERR_ARG);
  CHECK(bpc_random_bits32(k, 1, static_cast<bpc_rng_scheme>(9), out) ==
        BPC_ERR_ARG);
  CHECK(bpc_random_split(nullptr, 1, kOriginal, out) == BPC_ERR_ARG);
  CHECK(bpc_random_uniform_f32(k, -3, kPartitionable, 0, 1, f) == BPC_ERR_ARG);
  CHECK(bpc_random_normal_f32(k, 2, kPartitionable, nullptr) == BPC_ERR_ARG);
}
