//===- GradientRulesTest.cpp - Each op's gradient rule, run in the JIT ----===//
//
// One case (or a few) per differentiable bp op: a tiny f64 function around
// the op, its gradient built by buildGradientFunc, lowered and JIT-compiled
// as `bpc build` does, checked against central finite differences
// (GradientCheck.h). Broadcasting, keepdims and `?` sizes get their own
// cases because each takes a different path through the rules.
//
//===----------------------------------------------------------------------===//

#include "GradientCheck.h"

#include <doctest/doctest.h>

#include <string>

using bpc::testing::Array;
using bpc::testing::checkGradient;
using bpc::testing::evaluateGradient;
using bpc::testing::GradientCase;
using bpc::testing::GradientValues;

namespace {

/// `bp.func @f(args) -> tensor<f64>` whose body computes `%r` of type
/// `type` and whose loss is sum(r * sin(r)): a smooth loss whose cotangent
/// differs from element to element, so a rule that mixes up elements fails.
std::string lossOf(const std::string &args, const std::string &body,
                   const std::string &type) {
  int rank = 0;
  for (char c : type)
    rank += c == 'x';
  std::string axes;
  for (int i = 0; i < rank; ++i)
    axes += (i ? ", " : "") + std::to_string(i);
  return "bp.func @f(" + args + ") -> tensor<f64> {\n" + body +
         "\n  %loss_s = bp.sin %r : " + type +
         "\n  %loss_p = bp.mul %r, %loss_s : (" + type + ", " + type +
         ") -> " + type + "\n  %loss = bp.sum %loss_p axes = [" + axes +
         "] : " + type +
         " -> tensor<f64>\n  bp.return %loss : tensor<f64>\n}\n";
}

void check(const std::string &source, std::vector<unsigned> wrt,
           std::vector<Array> inputs) {
  INFO(source);
  checkGradient(GradientCase{source, "f", std::move(wrt), 0,
                             std::move(inputs)});
}

const Array vec4{{4}, {0.3, -1.2, 0.8, 2.1}};
const Array positive4{{4}, {0.3, 1.2, 0.8, 2.1}};
const Array mat23{{2, 3}, {0.5, -0.7, 1.1, 0.2, -1.3, 0.9}};

/// One elementwise unary op on `input`.
void checkUnary(const std::string &op, const Array &input = vec4) {
  check(lossOf("%x: tensor<4xf64>",
               "  %r = " + op + " %x : tensor<4xf64>", "tensor<4xf64>"),
        {0}, {input});
}

} // namespace

//===----------------------------------------------------------------------===//
// Elementwise binary ops
//===----------------------------------------------------------------------===//

TEST_CASE("gradient rules: add sums the cotangent over broadcast dims") {
  check(lossOf("%x: tensor<2x3xf64>, %y: tensor<3xf64>",
               "  %r = bp.add %x, %y : (tensor<2x3xf64>, tensor<3xf64>) -> "
               "tensor<2x3xf64>",
               "tensor<2x3xf64>"),
        {0, 1}, {mat23, {{3}, {0.4, -0.1, 0.6}}});
  // Both operands stretched along a unit dimension.
  check(lossOf("%x: tensor<2x1xf64>, %y: tensor<1x3xf64>",
               "  %r = bp.add %x, %y : (tensor<2x1xf64>, tensor<1x3xf64>) -> "
               "tensor<2x3xf64>",
               "tensor<2x3xf64>"),
        {0, 1}, {{{2, 1}, {0.5, -0.25}}, {{1, 3}, {0.4, -0.1, 0.6}}});
  // A `?` dimension.
  check(lossOf("%x: tensor<?x3xf64>, %y: tensor<1x3xf64>",
               "  %r = bp.add %x, %y : (tensor<?x3xf64>, tensor<1x3xf64>) -> "
               "tensor<?x3xf64>",
               "tensor<?x3xf64>"),
        {0, 1}, {mat23, {{1, 3}, {0.4, -0.1, 0.6}}});
}

TEST_CASE("gradient rules: sub") {
  check(lossOf("%x: tensor<4xf64>, %y: tensor<f64>",
               "  %r = bp.sub %x, %y : (tensor<4xf64>, tensor<f64>) -> "
               "tensor<4xf64>",
               "tensor<4xf64>"),
        {0, 1}, {vec4, {{}, {0.7}}});
}

TEST_CASE("gradient rules: mul") {
  check(lossOf("%x: tensor<2x3xf64>, %y: tensor<2x1xf64>",
               "  %r = bp.mul %x, %y : (tensor<2x3xf64>, tensor<2x1xf64>) -> "
               "tensor<2x3xf64>",
               "tensor<2x3xf64>"),
        {0, 1}, {mat23, {{2, 1}, {1.5, -0.5}}});
}

TEST_CASE("gradient rules: div") {
  check(lossOf("%x: tensor<3xf64>, %y: tensor<2x3xf64>",
               "  %r = bp.div %x, %y : (tensor<3xf64>, tensor<2x3xf64>) -> "
               "tensor<2x3xf64>",
               "tensor<2x3xf64>"),
        {0, 1}, {{{3}, {0.4, -0.1, 0.6}}, {{2, 3}, {1.5, -2, 1.1, 0.9, 3, -1.2}}});
}

TEST_CASE("gradient rules: pow in base and exponent") {
  check(lossOf("%x: tensor<4xf64>, %y: tensor<4xf64>",
               "  %r = bp.pow %x, %y : (tensor<4xf64>, tensor<4xf64>) -> "
               "tensor<4xf64>",
               "tensor<4xf64>"),
        {0, 1}, {positive4, {{4}, {2.0, -0.5, 1.5, 0.7}}});
  // A broadcast 0-d base.
  check(lossOf("%x: tensor<f64>, %y: tensor<4xf64>",
               "  %r = bp.pow %x, %y : (tensor<f64>, tensor<4xf64>) -> "
               "tensor<4xf64>",
               "tensor<4xf64>"),
        {0, 1}, {{{}, {1.3}}, {{4}, {2.0, -0.5, 1.5, 0.7}}});
}

TEST_CASE("gradient rules: pow at zero follows JAX (no NaN)") {
  // d/dx 0 ** 0 = 0 (JAX: the x-partial is 0 where y == 0) and
  // d/dy 0 ** y = 0 (log(0) replaced by log(1)).
  GradientValues values = evaluateGradient(
      {"bp.func @f(%x: tensor<f64>, %y: tensor<f64>) -> tensor<f64> {\n"
       "  %r = bp.pow %x, %y : (tensor<f64>, tensor<f64>) -> tensor<f64>\n"
       "  bp.return %r : tensor<f64>\n}\n",
       "f", {0, 1}, 0, {{{}, {0.0}}, {{}, {0.0}}}});
  CHECK(values.loss == 1.0);
  CHECK(values.gradients == std::vector<double>{0.0, 0.0});
}

TEST_CASE("gradient rules: max and min pick the larger/smaller operand") {
  for (std::string op : {"bp.max", "bp.min"}) {
    check(lossOf("%x: tensor<4xf64>, %y: tensor<f64>",
                 "  %r = " + op +
                     " %x, %y : (tensor<4xf64>, tensor<f64>) -> tensor<4xf64>",
                 "tensor<4xf64>"),
          {0, 1}, {vec4, {{}, {0.5}}});
  }
}

TEST_CASE("gradient rules: max and min split ties in halves (JAX)") {
  for (std::string op : {"bp.max", "bp.min"}) {
    GradientValues values = evaluateGradient(
        {"bp.func @f(%x: tensor<3xf64>) -> tensor<f64> {\n"
         "  %c = bp.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf64>\n"
         "  %r = " +
             op +
             " %x, %c : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>\n"
             "  %l = bp.sum %r axes = [0] : tensor<3xf64> -> tensor<f64>\n"
             "  bp.return %l : tensor<f64>\n}\n",
         "f", {0}, 0, {{{3}, {1.0, 5.0, 0.0}}}});
    std::vector<double> expected = op == "bp.max"
                                       ? std::vector<double>{0.5, 1.0, 0.0}
                                       : std::vector<double>{0.5, 0.0, 1.0};
    CHECK(values.gradients == expected);
  }
}

TEST_CASE("gradient rules: floordiv is flat, rem has partials 1 and -floor") {
  check(lossOf("%x: tensor<4xf64>, %y: tensor<f64>",
               "  %q = bp.floordiv %x, %y : (tensor<4xf64>, tensor<f64>) -> "
               "tensor<4xf64>\n"
               "  %r = bp.add %q, %x : (tensor<4xf64>, tensor<4xf64>) -> "
               "tensor<4xf64>",
               "tensor<4xf64>"),
        {0, 1}, {vec4, {{}, {0.65}}});
  // (No x / y near an integer, where both jump.)
  for (double divisor : {0.65, -0.65})
    check(lossOf("%x: tensor<4xf64>, %y: tensor<f64>",
                 "  %r = bp.rem %x, %y : (tensor<4xf64>, tensor<f64>) -> "
                 "tensor<4xf64>",
                 "tensor<4xf64>"),
          {0, 1}, {vec4, {{}, {divisor}}});
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

TEST_CASE("gradient rules: neg exp tanh sin cos sigmoid") {
  for (const char *op :
       {"bp.neg", "bp.exp", "bp.tanh", "bp.sin", "bp.cos", "bp.sigmoid"}) {
    INFO(op);
    checkUnary(op);
  }
}

TEST_CASE("gradient rules: log and sqrt (positive inputs)") {
  checkUnary("bp.log", positive4);
  checkUnary("bp.sqrt", positive4);
}

TEST_CASE("gradient rules: exp2 expm1 tan arctan sinh cosh arcsinh cbrt") {
  for (const char *op : {"bp.exp2", "bp.expm1", "bp.tan", "bp.atan", "bp.sinh",
                         "bp.cosh", "bp.asinh", "bp.cbrt"}) {
    INFO(op);
    checkUnary(op);
  }
}

TEST_CASE("gradient rules: log2 log10 log1p (positive), arcsin arccos arctanh (|x| < 1), "
          "arccosh (x > 1)") {
  checkUnary("bp.log2", positive4);
  checkUnary("bp.log10", positive4);
  checkUnary("bp.log1p", positive4);
  const Array inside{{4}, {0.3, -0.6, 0.2, 0.5}};
  checkUnary("bp.asin", inside);
  checkUnary("bp.acos", inside);
  checkUnary("bp.atanh", inside);
  checkUnary("bp.acosh", {{4}, {1.3, 2.2, 1.8, 3.1}});
}

TEST_CASE("gradient rules: floor ceil round trunc are flat") {
  for (const char *op : {"bp.floor", "bp.ceil", "bp.round", "bp.trunc"}) {
    INFO(op);
    // r = op(x) + x: the finite differences see only the `+ x` (no input
    // near a jump), so a rule other than zero fails.
    check(lossOf("%x: tensor<4xf64>",
                 std::string("  %q = ") + op +
                     " %x : tensor<4xf64>\n"
                     "  %r = bp.add %q, %x : (tensor<4xf64>, tensor<4xf64>) -> "
                     "tensor<4xf64>",
                 "tensor<4xf64>"),
          {0}, {vec4});
  }
}

TEST_CASE("gradient rules: atan2 in both operands, broadcast") {
  check(lossOf("%y: tensor<2x3xf64>, %x: tensor<3xf64>",
               "  %r = bp.atan2 %y, %x : (tensor<2x3xf64>, tensor<3xf64>) -> "
               "tensor<2x3xf64>",
               "tensor<2x3xf64>"),
        {0, 1}, {mat23, {{3}, {0.4, -1.1, 0.6}}});
}

TEST_CASE("gradient rules: abs, with abs'(0) = 1 as in JAX") {
  checkUnary("bp.abs");
  GradientValues values = evaluateGradient(
      {"bp.func @f(%x: tensor<f64>) -> tensor<f64> {\n"
       "  %r = bp.abs %x : tensor<f64>\n"
       "  bp.return %r : tensor<f64>\n}\n",
       "f", {0}, 0, {{{}, {0.0}}}});
  CHECK(values.gradients == std::vector<double>{1.0});
}

//===----------------------------------------------------------------------===//
// where, cast
//===----------------------------------------------------------------------===//

TEST_CASE("gradient rules: where sends the cotangent to the chosen branch") {
  check(lossOf("%x: tensor<4xf64>, %y: tensor<f64>",
               "  %z = bp.constant dense<0.0> : tensor<f64>\n"
               "  %c = bp.cmp gt, %x, %z : (tensor<4xf64>, tensor<f64>) -> "
               "tensor<4xi1>\n"
               "  %e = bp.exp %x : tensor<4xf64>\n"
               "  %r = bp.where %c, %e, %y : (tensor<4xi1>, tensor<4xf64>, "
               "tensor<f64>) -> tensor<4xf64>",
               "tensor<4xf64>"),
        {0, 1}, {vec4, {{}, {0.7}}});
}

TEST_CASE("gradient rules: cast between floats converts the cotangent") {
  // Finite differences of f32 arithmetic would measure rounding, so the
  // function is linear with f32-exact coefficients and the gradient exact.
  GradientValues values = evaluateGradient(
      {"bp.func @f(%x: tensor<3xf64>) -> tensor<f64> {\n"
       "  %c = bp.constant dense<[1.5, -2.0, 0.25]> : tensor<3xf32>\n"
       "  %s = bp.cast %x : tensor<3xf64> to tensor<3xf32>\n"
       "  %m = bp.mul %s, %c : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>\n"
       "  %d = bp.cast %m : tensor<3xf32> to tensor<3xf64>\n"
       "  %l = bp.sum %d axes = [0] : tensor<3xf64> -> tensor<f64>\n"
       "  bp.return %l : tensor<f64>\n}\n",
       "f", {0}, 0, {{{3}, {0.5, 1.25, -3.0}}}});
  CHECK(values.loss == 0.75 - 2.5 - 0.75);
  CHECK(values.gradients == std::vector<double>{1.5, -2.0, 0.25});
}

TEST_CASE("gradient rules: a cast through integers contributes nothing") {
  // x * float(int(x)): only the direct x carries a gradient.
  check(lossOf("%x: tensor<4xf64>",
               "  %i = bp.cast %x : tensor<4xf64> to tensor<4xi32>\n"
               "  %f = bp.cast %i : tensor<4xi32> to tensor<4xf64>\n"
               "  %r = bp.mul %x, %f : (tensor<4xf64>, tensor<4xf64>) -> "
               "tensor<4xf64>",
               "tensor<4xf64>"),
        {0}, {{{4}, {0.3, -1.2, 1.8, 2.1}}});
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

namespace {

/// Values 0.1 * (k % 7) - 0.3 for each element k of `shape`.
Array ramp(std::vector<int64_t> shape, double scale = 1.0) {
  int64_t n = 1;
  for (int64_t size : shape)
    n *= size;
  std::vector<double> values;
  for (int64_t k = 0; k < n; ++k)
    values.push_back(scale * (0.1 * (k % 7) - 0.3));
  return {std::move(shape), std::move(values)};
}

void checkMatmul(const std::string &lhsType, std::vector<int64_t> lhsShape,
                 const std::string &rhsType, std::vector<int64_t> rhsShape,
                 const std::string &resultType) {
  check(lossOf("%x: " + lhsType + ", %y: " + rhsType,
               "  %r = bp.matmul %x, %y : (" + lhsType + ", " + rhsType +
                   ") -> " + resultType,
               resultType),
        {0, 1}, {ramp(lhsShape), ramp(rhsShape, -1.5)});
}

} // namespace

TEST_CASE("gradient rules: matmul of every rank combination") {
  SUBCASE("vec . vec") {
    checkMatmul("tensor<3xf64>", {3}, "tensor<3xf64>", {3}, "tensor<f64>");
  }
  SUBCASE("mat . vec") {
    checkMatmul("tensor<2x3xf64>", {2, 3}, "tensor<3xf64>", {3},
                "tensor<2xf64>");
  }
  SUBCASE("vec . mat") {
    checkMatmul("tensor<3xf64>", {3}, "tensor<3x2xf64>", {3, 2},
                "tensor<2xf64>");
  }
  SUBCASE("mat . mat") {
    checkMatmul("tensor<2x3xf64>", {2, 3}, "tensor<3x4xf64>", {3, 4},
                "tensor<2x4xf64>");
  }
  SUBCASE("batched . mat (rhs broadcast over the batch)") {
    checkMatmul("tensor<2x2x3xf64>", {2, 2, 3}, "tensor<3x2xf64>", {3, 2},
                "tensor<2x2x2xf64>");
  }
  SUBCASE("mat . batched (lhs broadcast over the batch)") {
    checkMatmul("tensor<2x3xf64>", {2, 3}, "tensor<2x3x2xf64>", {2, 3, 2},
                "tensor<2x2x2xf64>");
  }
  SUBCASE("batch of 1 against a batch of 2") {
    checkMatmul("tensor<1x2x3xf64>", {1, 2, 3}, "tensor<2x3x2xf64>",
                {2, 3, 2}, "tensor<2x2x2xf64>");
  }
  SUBCASE("vec . batched") {
    checkMatmul("tensor<3xf64>", {3}, "tensor<2x3x2xf64>", {2, 3, 2},
                "tensor<2x2xf64>");
  }
  SUBCASE("batched . vec") {
    checkMatmul("tensor<2x2x3xf64>", {2, 2, 3}, "tensor<3xf64>", {3},
                "tensor<2x2xf64>");
  }
  SUBCASE("mat . vec with a `?` row count (bm.dot(X, w))") {
    checkMatmul("tensor<?x3xf64>", {4, 3}, "tensor<3xf64>", {3},
                "tensor<?xf64>");
  }
  SUBCASE("vec . mat with a `?` contraction") {
    checkMatmul("tensor<?xf64>", {4}, "tensor<?x3xf64>", {4, 3},
                "tensor<3xf64>");
  }
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

namespace {

void checkReduction(const std::string &op, const std::string &inputType,
                    const Array &input, const std::string &axes,
                    bool keepDims, const std::string &resultType) {
  check(lossOf("%x: " + inputType,
               "  %r = " + op + " %x axes = [" + axes + "]" +
                   (keepDims ? " keepdims" : "") + " : " + inputType +
                   " -> " + resultType,
               resultType),
        {0}, {input});
}

} // namespace

TEST_CASE("gradient rules: sum, mean, reduce_max, reduce_min") {
  const Array distinct{{2, 3}, {0.5, -0.7, 1.1, 0.2, -1.3, 0.9}};
  for (const char *op :
       {"bp.sum", "bp.mean", "bp.reduce_max", "bp.reduce_min"}) {
    INFO(op);
    checkReduction(op, "tensor<2x3xf64>", distinct, "0", false,
                   "tensor<3xf64>");
    checkReduction(op, "tensor<2x3xf64>", distinct, "1", true,
                   "tensor<2x1xf64>");
    checkReduction(op, "tensor<2x3xf64>", distinct, "0, 1", false,
                   "tensor<f64>");
    // `?` sizes: reduced (a run-time count for mean) and kept.
    checkReduction(op, "tensor<?x3xf64>", distinct, "0", false,
                   "tensor<3xf64>");
    checkReduction(op, "tensor<?x3xf64>", distinct, "1", false,
                   "tensor<?xf64>");
    checkReduction(op, "tensor<2x?xf64>", distinct, "0, 1", true,
                   "tensor<1x1xf64>");
  }
}

TEST_CASE("gradient rules: reduce_max/min share the cotangent among ties") {
  for (std::string op : {"bp.reduce_max", "bp.reduce_min"}) {
    GradientValues values = evaluateGradient(
        {"bp.func @f(%x: tensor<2x3xf64>) -> tensor<f64> {\n"
         "  %w = bp.constant dense<[1.0, 10.0]> : tensor<2xf64>\n"
         "  %m = " +
             op +
             " %x axes = [1] : tensor<2x3xf64> -> tensor<2xf64>\n"
             "  %p = bp.mul %m, %w : (tensor<2xf64>, tensor<2xf64>) -> "
             "tensor<2xf64>\n"
             "  %l = bp.sum %p axes = [0] : tensor<2xf64> -> tensor<f64>\n"
             "  bp.return %l : tensor<f64>\n}\n",
         "f", {0}, 0, {{{2, 3}, {3.0, 1.0, 3.0, 2.0, 2.0, 2.0}}}});
    std::vector<double> expected =
        op == "bp.reduce_max"
            ? std::vector<double>{0.5, 0.0, 0.5, 10.0 / 3, 10.0 / 3, 10.0 / 3}
            : std::vector<double>{0.0, 1.0, 0.0, 10.0 / 3, 10.0 / 3,
                                  10.0 / 3};
    INFO(op);
    for (size_t i = 0; i < expected.size(); ++i)
      CHECK(values.gradients[i] == doctest::Approx(expected[i]).epsilon(1e-15));
  }
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

TEST_CASE("gradient rules: broadcast_to") {
  check(lossOf("%x: tensor<3xf64>",
               "  %r = bp.broadcast_to %x : tensor<3xf64> -> tensor<2x3xf64>",
               "tensor<2x3xf64>"),
        {0}, {{{3}, {0.4, -0.1, 0.6}}});
  check(lossOf("%x: tensor<2x1xf64>",
               "  %r = bp.broadcast_to %x : tensor<2x1xf64> -> "
               "tensor<4x2x3xf64>",
               "tensor<4x2x3xf64>"),
        {0}, {{{2, 1}, {0.4, -0.1}}});
  // To a `?` size read from another argument.
  check(lossOf("%x: tensor<?x3xf64>, %y: tensor<3xf64>",
               "  %n = bp.dim %x, 0 : tensor<?x3xf64>\n"
               "  %b = bp.broadcast_to %y dims(%n) : tensor<3xf64> -> "
               "tensor<?x3xf64>\n"
               "  %r = bp.mul %b, %x : (tensor<?x3xf64>, tensor<?x3xf64>) -> "
               "tensor<?x3xf64>",
               "tensor<?x3xf64>"),
        {0, 1}, {mat23, {{3}, {0.4, -0.1, 0.6}}});
}

TEST_CASE("gradient rules: reshape") {
  check(lossOf("%x: tensor<2x3xf64>",
               "  %r = bp.reshape %x : tensor<2x3xf64> -> tensor<3x2xf64>",
               "tensor<3x2xf64>"),
        {0}, {mat23});
  check(lossOf("%x: tensor<?x3xf64>",
               "  %r = bp.reshape %x : tensor<?x3xf64> -> tensor<?xf64>",
               "tensor<?xf64>"),
        {0}, {mat23});
  check(lossOf("%x: tensor<1xf64>",
               "  %r = bp.reshape %x : tensor<1xf64> -> tensor<f64>",
               "tensor<f64>"),
        {0}, {{{1}, {0.7}}});
}

TEST_CASE("gradient rules: transpose") {
  check(lossOf("%x: tensor<2x3x4xf64>",
               "  %r = bp.transpose %x, [2, 0, 1] : tensor<2x3x4xf64> -> "
               "tensor<4x2x3xf64>",
               "tensor<4x2x3xf64>"),
        {0}, {ramp({2, 3, 4})});
}

TEST_CASE("gradient rules: slice") {
  check(lossOf("%x: tensor<5xf64>",
               "  %r = bp.slice %x[1:4:1] : tensor<5xf64> -> tensor<3xf64>",
               "tensor<3xf64>"),
        {0}, {ramp({5})});
  check(lossOf("%x: tensor<3x4xf64>",
               "  %r = bp.slice %x[1:3:1, 0:?:1] : tensor<3x4xf64> -> "
               "tensor<2x4xf64>",
               "tensor<2x4xf64>"),
        {0}, {ramp({3, 4})});
}

TEST_CASE("gradient rules: update_slice") {
  check(lossOf("%u: tensor<2xf64>, %d: tensor<5xf64>",
               "  %r = bp.update_slice %u into %d[1:3:1] : tensor<2xf64> "
               "into tensor<5xf64>",
               "tensor<5xf64>"),
        {0, 1}, {{{2}, {0.4, -0.1}}, ramp({5})});
  // A 0-d update broadcast over the slice (`v[1:] = e`).
  check(lossOf("%u: tensor<f64>, %d: tensor<3x4xf64>",
               "  %r = bp.update_slice %u into %d[1:?:1, 0:4:1] : "
               "tensor<f64> into tensor<3x4xf64>",
               "tensor<3x4xf64>"),
        {0, 1}, {{{}, {0.4}}, ramp({3, 4})});
}

TEST_CASE("gradient rules: strided and inner slices") {
  check(lossOf("%x: tensor<5xf64>",
               "  %r = bp.slice %x[1:4:2] : tensor<5xf64> -> tensor<2xf64>",
               "tensor<2xf64>"),
        {0}, {ramp({5})});
  check(lossOf("%x: tensor<3x4xf64>",
               "  %r = bp.slice %x[0:?:2, 1:3:1] : tensor<3x4xf64> -> "
               "tensor<2x2xf64>",
               "tensor<2x2xf64>"),
        {0}, {ramp({3, 4})});
  check(lossOf("%x: tensor<?x4xf64>",
               "  %r = bp.slice %x[1:?:1, 0:4:3] : tensor<?x4xf64> -> "
               "tensor<?x2xf64>",
               "tensor<?x2xf64>"),
        {0}, {ramp({3, 4})});
  check(lossOf("%u: tensor<2xf64>, %d: tensor<5xf64>",
               "  %r = bp.update_slice %u into %d[1:5:2] : tensor<2xf64> "
               "into tensor<5xf64>",
               "tensor<5xf64>"),
        {0, 1}, {{{2}, {0.4, -0.1}}, ramp({5})});
  check(lossOf("%u: tensor<f64>, %d: tensor<2x3xf64>",
               "  %r = bp.update_slice %u into %d[0:2:1, 1:?:1] : "
               "tensor<f64> into tensor<2x3xf64>",
               "tensor<2x3xf64>"),
        {0, 1}, {{{}, {0.4}}, mat23});
}

TEST_CASE("gradient rules: index") {
  check(lossOf("%x: tensor<3x4xf64>",
               "  %j = bp.constant dense<2> : tensor<i32>\n"
               "  %r = bp.index %x[%j] axes = [1] : (tensor<3x4xf64>, "
               "tensor<i32>) -> tensor<3xf64>",
               "tensor<3xf64>"),
        {0}, {ramp({3, 4})});
  // Two axes, a negative index.
  check(lossOf("%x: tensor<3x4xf64>",
               "  %i = bp.constant dense<-1> : tensor<i64>\n"
               "  %j = bp.constant dense<1> : tensor<i32>\n"
               "  %r = bp.index %x[%i, %j] axes = [0, 1] : (tensor<3x4xf64>, "
               "tensor<i64>, tensor<i32>) -> tensor<f64>",
               "tensor<f64>"),
        {0}, {ramp({3, 4})});
}

TEST_CASE("gradient rules: update_index") {
  check(lossOf("%u: tensor<4xf64>, %d: tensor<3x4xf64>",
               "  %i = bp.constant dense<1> : tensor<i32>\n"
               "  %r = bp.update_index %u into %d[%i] axes = [0] : "
               "(tensor<4xf64>, tensor<3x4xf64>, tensor<i32>) -> "
               "tensor<3x4xf64>",
               "tensor<3x4xf64>"),
        {0, 1}, {{{4}, {0.4, -0.1, 0.6, 1.2}}, ramp({3, 4})});
  // A 0-d update broadcast along the column (`v[:, j] = e`).
  check(lossOf("%u: tensor<f64>, %d: tensor<3x4xf64>",
               "  %j = bp.constant dense<3> : tensor<i32>\n"
               "  %r = bp.update_index %u into %d[%j] axes = [1] : "
               "(tensor<f64>, tensor<3x4xf64>, tensor<i32>) -> "
               "tensor<3x4xf64>",
               "tensor<3x4xf64>"),
        {0, 1}, {{{}, {0.4}}, ramp({3, 4})});
}

TEST_CASE("gradient rules: concatenate") {
  check(lossOf("%a: tensor<2x3xf64>, %b: tensor<?x3xf64>",
               "  %r = bp.concatenate %a, %b axis = 0 : (tensor<2x3xf64>, "
               "tensor<?x3xf64>) -> tensor<?x3xf64>",
               "tensor<?x3xf64>"),
        {0, 1}, {mat23, ramp({3, 3}, -1.0)});
  check(lossOf("%a: tensor<2x1xf64>, %b: tensor<2x3xf64>, %c: tensor<2x2xf64>",
               "  %r = bp.concatenate %a, %b, %c axis = 1 : (tensor<2x1xf64>, "
               "tensor<2x3xf64>, tensor<2x2xf64>) -> tensor<2x6xf64>",
               "tensor<2x6xf64>"),
        {0, 1, 2}, {ramp({2, 1}), mat23, ramp({2, 2}, 2.0)});
}

//===----------------------------------------------------------------------===//
// Creation and random ops
//===----------------------------------------------------------------------===//

TEST_CASE("gradient rules: full sums the cotangent into its value") {
  check(lossOf("%v: tensor<f64>, %x: tensor<2x3xf64>",
               "  %b = bp.full %v : tensor<f64> -> tensor<2x3xf64>\n"
               "  %r = bp.mul %b, %x : (tensor<2x3xf64>, tensor<2x3xf64>) -> "
               "tensor<2x3xf64>",
               "tensor<2x3xf64>"),
        {0, 1}, {{{}, {0.6}}, mat23});
}

TEST_CASE("gradient rules: random_uniform in its bounds") {
  check(lossOf("%lo: tensor<f64>, %hi: tensor<4xf64>",
               "  %key = bp.constant dense<[0, 42]> : tensor<2xi32>\n"
               "  %r = bp.random_uniform %key, %lo, %hi : (tensor<2xi32>, "
               "tensor<f64>, tensor<4xf64>) -> tensor<4xf64>",
               "tensor<4xf64>"),
        {0, 1}, {{{}, {-0.5}}, {{4}, {1.0, 2.0, 0.5, 3.0}}});
}

TEST_CASE("gradient rules: bp.if differentiates the branch taken") {
  // sum(x) > 0 picks exp(x) * y, otherwise x * x (y unused: zero gradient).
  const std::string source = lossOf("%x: tensor<4xf64>, %y: tensor<4xf64>", R"mlir(
  %s = bp.sum %x axes = [0] : tensor<4xf64> -> tensor<f64>
  %zero = bp.constant dense<0.0> : tensor<f64>
  %c = bp.cmp gt, %s, %zero : (tensor<f64>, tensor<f64>) -> tensor<i1>
  %r = bp.if %c -> (tensor<4xf64>) {
    %e = bp.exp %x : tensor<4xf64>
    %m = bp.mul %e, %y : (tensor<4xf64>, tensor<4xf64>) -> tensor<4xf64>
    bp.yield %m : tensor<4xf64>
  } else {
    %q = bp.mul %x, %x : (tensor<4xf64>, tensor<4xf64>) -> tensor<4xf64>
    bp.yield %q : tensor<4xf64>
  })mlir",
                                    "tensor<4xf64>");
  SUBCASE("then") { check(source, {0, 1}, {vec4, positive4}); }
  SUBCASE("else") { check(source, {0, 1}, {Array{{4}, {-0.3, 1.2, -0.8, -2.1}}, positive4}); }
}
