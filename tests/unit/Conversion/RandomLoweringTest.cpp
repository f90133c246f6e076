//===- RandomLoweringTest.cpp - bp random ops against the C reference ----===//
//
// The lowered Threefry ops must give the same words as the runtime's C++
// implementation (runtime/lib/Random.cpp, itself checked against Random123's
// vectors and JAX), and their distributions must look right on 10^6 draws.
//
//===----------------------------------------------------------------------===//

#include "JitTestSupport.h"

#include "bpc/random.h"

#include <cmath>
#include <cstring>

using namespace bpc::testing;

namespace {

const char *kRandomModule = R"mlir(
  bp.func @bits(%key: tensor<2xi32>) -> tensor<1000xi32> {
    %r = bp.random_bits %key : tensor<2xi32> -> tensor<1000xi32>
    bp.return %r : tensor<1000xi32>
  }
  bp.func @split(%key: tensor<2xi32>) -> tensor<5x2xi32> {
    %r = bp.random_split %key : tensor<2xi32> -> tensor<5x2xi32>
    bp.return %r : tensor<5x2xi32>
  }
  bp.func @uniform(%key: tensor<2xi32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<1000xf32> {
    %r = bp.random_uniform %key, %lo, %hi : (tensor<2xi32>, tensor<f32>, tensor<f32>) -> tensor<1000xf32>
    bp.return %r : tensor<1000xf32>
  }
  bp.func @uniform64(%key: tensor<2xi32>, %lo: tensor<f64>, %hi: tensor<f64>) -> tensor<100xf64> {
    %r = bp.random_uniform %key, %lo, %hi : (tensor<2xi32>, tensor<f64>, tensor<f64>) -> tensor<100xf64>
    bp.return %r : tensor<100xf64>
  }
  bp.func @normal(%key: tensor<2xi32>) -> tensor<1000xf32> {
    %r = bp.random_normal %key : tensor<2xi32> -> tensor<1000xf32>
    bp.return %r : tensor<1000xf32>
  }
  bp.func @randint(%key: tensor<2xi32>, %lo: tensor<i32>, %hi: tensor<i32>) -> tensor<1000xi32> {
    %r = bp.random_int %key, %lo, %hi : (tensor<2xi32>, tensor<i32>, tensor<i32>) -> tensor<1000xi32>
    bp.return %r : tensor<1000xi32>
  }
  bp.func @uniform_big(%key: tensor<2xi32>) -> tensor<1000000xf32> {
    %lo = bp.constant dense<0.0> : tensor<f32>
    %hi = bp.constant dense<1.0> : tensor<f32>
    %r = bp.random_uniform %key, %lo, %hi : (tensor<2xi32>, tensor<f32>, tensor<f32>) -> tensor<1000000xf32>
    bp.return %r : tensor<1000000xf32>
  }
  bp.func @normal_big(%key: tensor<2xi32>) -> tensor<1000000xf32> {
    %r = bp.random_normal %key : tensor<2xi32> -> tensor<1000000xf32>
    bp.return %r : tensor<1000000xf32>
  }
  bp.func @randint_big(%key: tensor<2xi32>) -> tensor<1000000xi32> {
    %lo = bp.constant dense<0> : tensor<i32>
    %hi = bp.constant dense<10> : tensor<i32>
    %r = bp.random_int %key, %lo, %hi : (tensor<2xi32>, tensor<i32>, tensor<i32>) -> tensor<1000000xi32>
    bp.return %r : tensor<1000000xi32>
  })mlir";

Compiled &compiled() {
  static Compiled c(kRandomModule);
  return c;
}

std::vector<int32_t> keyOf(uint64_t seed) {
  uint32_t k[2];
  bpc_random_key(seed, k);
  return {static_cast<int32_t>(k[0]), static_cast<int32_t>(k[1])};
}

const uint32_t *words(const std::vector<int32_t> &key) {
  return reinterpret_cast<const uint32_t *>(key.data());
}

template <typename T> std::vector<T> take(Desc<T, 1> &d) {
  std::vector<T> v(d.aligned + d.offset, d.aligned + d.offset + d.sizes[0]);
  release(d);
  return v;
}

/// Distance in units in the last place between two finite floats.
int64_t ulps(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  if (ia < 0)
    ia = INT32_MIN - ia;
  if (ib < 0)
    ib = INT32_MIN - ib;
  return std::llabs(static_cast<int64_t>(ia) - ib);
}

/// jax.random.randint for int32 with the partitionable scheme, written from
/// jax/_src/random.py on top of the C reference's split and bits.
std::vector<int32_t> referenceRandint(const uint32_t key[2], int64_t n, int32_t lo, int32_t hi) {
  uint32_t keys[4];
  REQUIRE(bpc_random_split(key, 2, BPC_RNG_JAX_PARTITIONABLE, keys) == BPC_OK);
  std::vector<uint32_t> higher(n), lower(n);
  REQUIRE(bpc_random_bits32(keys, n, BPC_RNG_JAX_PARTITIONABLE, higher.data()) == BPC_OK);
  REQUIRE(bpc_random_bits32(keys + 2, n, BPC_RNG_JAX_PARTITIONABLE, lower.data()) == BPC_OK);
  uint32_t span = hi <= lo ? 1u : static_cast<uint32_t>(hi) - static_cast<uint32_t>(lo);
  uint32_t multiplier = (1u << 16) % span;
  multiplier = (multiplier * multiplier) % span;
  std::vector<int32_t> out(n);
  for (int64_t i = 0; i < n; ++i) {
    uint32_t offset = ((higher[i] % span) * multiplier + lower[i] % span) % span;
    out[i] = static_cast<int32_t>(static_cast<uint32_t>(lo) + offset);
  }
  return out;
}

} // namespace

TEST_CASE("random lowering: bits and split equal the C reference (partitionable)") {
  for (uint64_t seed : {0ull, 42ull, 0xFFFFFFFFull, 123456789012ull}) {
    CAPTURE(seed);
    std::vector<int32_t> key = keyOf(seed);
    auto k = view<1>(key, {2});
    Desc<int32_t, 1> out;
    compiled().lookup<void(Desc<int32_t, 1> *, Desc<int32_t, 1> *)>("bits")(&out, &k);
    std::vector<int32_t> bits = take(out);
    std::vector<uint32_t> expected(1000);
    REQUIRE(bpc_random_bits32(words(key), 1000, BPC_RNG_JAX_PARTITIONABLE, expected.data()) ==
            BPC_OK);
    for (int i = 0; i < 1000; ++i)
      REQUIRE(static_cast<uint32_t>(bits[i]) == expected[i]);

    Desc<int32_t, 2> keys;
    compiled().lookup<void(Desc<int32_t, 2> *, Desc<int32_t, 1> *)>("split")(&keys, &k);
    uint32_t expectedKeys[10];
    REQUIRE(bpc_random_split(words(key), 5, BPC_RNG_JAX_PARTITIONABLE, expectedKeys) == BPC_OK);
    for (int i = 0; i < 10; ++i)
      CHECK(static_cast<uint32_t>(keys.aligned[keys.offset + i]) == expectedKeys[i]);
    release(keys);
  }
}

TEST_CASE("random lowering: uniform f32 equals the C reference, f64 uses 52 bits of a 64-bit word") {
  std::vector<int32_t> key = keyOf(7);
  auto k = view<1>(key, {2});
  std::vector<float> lo = {-2.0f}, hi = {3.0f};
  auto dlo = view<0>(lo, {}), dhi = view<0>(hi, {});
  Desc<float, 1> out;
  compiled().lookup<void(Desc<float, 1> *, Desc<int32_t, 1> *, Desc<float, 0> *, Desc<float, 0> *)>(
      "uniform")(&out, &k, &dlo, &dhi);
  std::vector<float> u = take(out);
  std::vector<float> expected(1000);
  REQUIRE(bpc_random_uniform_f32(words(key), 1000, BPC_RNG_JAX_PARTITIONABLE, -2.0f, 3.0f,
                                 expected.data()) == BPC_OK);
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(u[i] == expected[i]);
    CHECK(u[i] >= -2.0f);
    CHECK(u[i] < 3.0f);
  }

  std::vector<double> lo64 = {1.0}, hi64 = {2.0};
  auto dlo64 = view<0>(lo64, {}), dhi64 = view<0>(hi64, {});
  Desc<double, 1> out64;
  compiled()
      .lookup<void(Desc<double, 1> *, Desc<int32_t, 1> *, Desc<double, 0> *, Desc<double, 0> *)>(
          "uniform64")(&out64, &k, &dlo64, &dhi64);
  std::vector<double> u64 = take(out64);
  for (uint32_t i = 0; i < 100; ++i) {
    uint32_t counter[2] = {0, i}, y[2];
    bpc_threefry2x32(words(key), counter, y);
    uint64_t word = (static_cast<uint64_t>(y[0]) << 32) | y[1];
    uint64_t bits = (word >> 12) | 0x3FF0000000000000ull;
    double f;
    std::memcpy(&f, &bits, 8);
    CHECK(u64[i] == std::fma(f - 1.0, 1.0, 1.0));
  }
}

TEST_CASE("random lowering: normal within 2 ulp of the C reference, randint equals JAX's algorithm") {
  std::vector<int32_t> key = keyOf(2024);
  auto k = view<1>(key, {2});
  Desc<float, 1> out;
  compiled().lookup<void(Desc<float, 1> *, Desc<int32_t, 1> *)>("normal")(&out, &k);
  std::vector<float> n = take(out);
  std::vector<float> expected(1000);
  REQUIRE(bpc_random_normal_f32(words(key), 1000, BPC_RNG_JAX_PARTITIONABLE, expected.data()) ==
          BPC_OK);
  for (int i = 0; i < 1000; ++i)
    CHECK(ulps(n[i], expected[i]) <= 2);

  for (auto [lo, hi] : {std::pair<int32_t, int32_t>{0, 10}, {-5, 5}, {3, 3}, {7, 2},
                        {INT32_MIN, INT32_MAX}, {0, 1 << 20}}) {
    CAPTURE(lo);
    CAPTURE(hi);
    std::vector<int32_t> vlo = {lo}, vhi = {hi};
    auto dlo = view<0>(vlo, {}), dhi = view<0>(vhi, {});
    Desc<int32_t, 1> r;
    compiled()
        .lookup<void(Desc<int32_t, 1> *, Desc<int32_t, 1> *, Desc<int32_t, 0> *,
                     Desc<int32_t, 0> *)>("randint")(&r, &k, &dlo, &dhi);
    std::vector<int32_t> got = take(r);
    std::vector<int32_t> want = referenceRandint(words(key), 1000, lo, hi);
    for (int i = 0; i < 1000; ++i) {
      REQUIRE(got[i] == want[i]);
      if (hi > lo) {
        CHECK(got[i] >= lo);
        CHECK(got[i] < hi);
      } else {
        CHECK(got[i] == lo);
      }
    }
  }
}

TEST_CASE("random lowering: moments of 10^6 draws") {
  std::vector<int32_t> key = keyOf(1);
  auto k = view<1>(key, {2});
  auto moments = [](const std::vector<float> &v) {
    double sum = 0, sq = 0;
    for (float x : v) {
      sum += x;
      sq += static_cast<double>(x) * x;
    }
    double mean = sum / v.size();
    return std::pair<double, double>{mean, sq / v.size() - mean * mean};
  };
  Desc<float, 1> out;
  compiled().lookup<void(Desc<float, 1> *, Desc<int32_t, 1> *)>("uniform_big")(&out, &k);
  auto [um, uv] = moments(take(out));
  // Standard errors at 10^6 draws: 0.0003 (mean), 0.00007 (variance).
  CHECK(std::fabs(um - 0.5) < 0.002);
  CHECK(std::fabs(uv - 1.0 / 12) < 0.0005);
  compiled().lookup<void(Desc<float, 1> *, Desc<int32_t, 1> *)>("normal_big")(&out, &k);
  auto [nm, nv] = moments(take(out));
  CHECK(std::fabs(nm) < 0.005);
  CHECK(std::fabs(nv - 1.0) < 0.005);
  Desc<int32_t, 1> ints;
  compiled().lookup<void(Desc<int32_t, 1> *, Desc<int32_t, 1> *)>("randint_big")(&ints, &k);
  std::vector<int32_t> r = take(ints);
  int64_t counts[10] = {};
  for (int32_t x : r) {
    REQUIRE(x >= 0);
    REQUIRE(x < 10);
    ++counts[x];
  }
  // Each bucket expects 10^5 draws, standard deviation 300.
  for (int64_t c : counts)
    CHECK(std::llabs(c - 100000) < 1500);
}
