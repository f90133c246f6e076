//===- ArrayFormatTest.cpp - str/repr of arrays against NumPy -------------===//
//
// Every expected string in ArrayFormatCases.def was printed by NumPy 2.4
// running gen_array_format_cases.py (the JAX and BrainPy reprs wrap NumPy's
// array2string as those libraries do); regenerate it rather than editing it
// by hand.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/ArrayFormat.h"

#include "llvm/ADT/StringRef.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace bpc::tracer;
using namespace bpc::tracer::format;

namespace {
struct ArrayCase {
  DType dtype;
  std::vector<int64_t> shape;
  const char *data; ///< elements, or `@ramp START STEP`
  const char *str, *jaxRepr, *variableRepr;
};

#include "ArrayFormatCases.def"

/// An array's bytes, filled from a case's data text.
struct Buffer {
  std::vector<float> f32;
  std::vector<double> f64;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<uint8_t> b;

  Buffer(DType dtype, const std::vector<int64_t> &shape, llvm::StringRef text) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    std::vector<double> values;
    llvm::SmallVector<llvm::StringRef, 64> tokens;
    text.split(tokens, ' ', -1, /*KeepEmpty=*/false);
    bool ramp = !tokens.empty() && tokens[0] == "@ramp";
    if (ramp) {
      double start = std::strtod(tokens[1].str().c_str(), nullptr);
      double step = std::strtod(tokens[2].str().c_str(), nullptr);
      for (int64_t i = 0; i < n; ++i)
        values.push_back(start + static_cast<double>(i) * step);
    }
    for (size_t i = 0; !ramp && i < tokens.size(); ++i) {
      // Integers through strtoll: int64 extremes do not survive a double.
      std::string t = tokens[i].str();
      if (dtype == DType::I64)
        i64.push_back(std::strtoll(t.c_str(), nullptr, 10));
      else
        values.push_back(std::strtod(t.c_str(), nullptr));
    }
    for (double v : values) {
      switch (dtype) {
      case DType::F32: f32.push_back(static_cast<float>(v)); break;
      case DType::F64: f64.push_back(v); break;
      case DType::I32: i32.push_back(static_cast<int32_t>(v)); break;
      case DType::I64: i64.push_back(static_cast<int64_t>(v)); break;
      case DType::Bool: b.push_back(v != 0); break;
      }
    }
  }

  const void *data(DType dtype) const {
    switch (dtype) {
    case DType::F32: return f32.data();
    case DType::F64: return f64.data();
    case DType::I32: return i32.data();
    case DType::I64: return i64.data();
    case DType::Bool: return b.data();
    }
    return nullptr;
  }
};
} // namespace

TEST_CASE("str, jax.Array repr and BrainPy repr of arrays match NumPy") {
  for (const ArrayCase &c : kArrayCases) {
    Buffer buffer(c.dtype, c.shape, c.data);
    ArrayView view{c.dtype, c.shape, buffer.data(c.dtype)};
    CHECK(arrayStr(view) == std::string(c.str));
    CHECK(jaxArrayRepr(view) == std::string(c.jaxRepr));
    CHECK(brainpyArrayRepr(view, "Variable") == std::string(c.variableRepr));
  }
}

TEST_CASE("array2string takes NumPy's separator, prefix and suffix") {
  std::vector<int64_t> shape = {2, 2};
  std::vector<double> data = {1, 2.5, -3, 4};
  ArrayView view{DType::F64, shape, data.data()};
  CHECK(array2string(view) == "[[ 1.   2.5]\n [-3.   4. ]]");
  CHECK(array2string(view, ", ", "x = ") == "[[ 1. ,  2.5],\n     [-3. ,  4. ]]");
  // The suffix shortens the last line: 12 ints of width 5 fit in 75 columns.
  std::vector<int64_t> row = {12};
  std::vector<int32_t> ints(12, 10000);
  ArrayView wide{DType::I32, row, ints.data()};
  CHECK(array2string(wide).find('\n') == std::string::npos);
  CHECK(array2string(wide, " ", "", std::string(5, ' ')).find('\n') != std::string::npos);
}

TEST_CASE("str of NumPy scalars") {
  float f = 0.1f;
  CHECK(scalarStr(DType::F32, &f) == "0.1");
  f = 1e6f;
  CHECK(scalarStr(DType::F32, &f) == "1e+06");
  f = 999999.94f;
  CHECK(scalarStr(DType::F32, &f) == "999999.94");
  f = 1e-4f; // just below 1e-4 as a double
  CHECK(scalarStr(DType::F32, &f) == "1e-04");
  double d = 1e-4;
  CHECK(scalarStr(DType::F64, &d) == "0.0001");
  d = 1e15;
  CHECK(scalarStr(DType::F64, &d) == "1000000000000000.0");
  int64_t i = -5;
  CHECK(scalarStr(DType::I64, &i) == "-5");
  uint8_t b = 1;
  CHECK(scalarStr(DType::Bool, &b) == "True");
}

TEST_CASE("BrainPy's repr names the class and keeps multi-line arrays aligned") {
  std::vector<int64_t> shape = {2, 2};
  std::vector<float> data = {0, 1, 2, 3};
  ArrayView view{DType::F32, shape, data.data()};
  CHECK(brainpyArrayRepr(view, "TrainVar") == "TrainVar(value=Array([[0., 1.],\n"
                                               "                      [2., 3.]]),\n"
                                               "         dtype=float32)");
  std::vector<int64_t> scalar;
  ArrayView zeroD{DType::F32, scalar, data.data() + 1};
  CHECK(jaxArrayRepr(zeroD) == "Array(1., dtype=float32)");
  CHECK(brainpyArrayRepr(zeroD, "Array") == "Array(value=Array(1.), dtype=float32)");
}
