//===- GradientCheck.h - Gradients against finite differences ---*- C++ -*-===//
//
// DESIGN.md §6: gradients are checked against central finite differences in
// f64. A test gives a bp module with a function of f64 arrays; the check
// builds its gradient function with buildGradientFunc, wraps it in an entry
// point of flat vectors (bp.func has no calls, so the wrapper inlines it),
// lowers everything through the pipelines `bpc build` uses, JITs it, and
// compares each gradient element with (L(x + h) - L(x - h)) / 2h.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TESTS_UNIT_DIALECT_GRADIENTCHECK_H
#define BPC_TESTS_UNIT_DIALECT_GRADIENTCHECK_H

#include <cstdint>
#include <string>
#include <vector>

namespace bpc::testing {

/// The concrete value of one input: its shape (the function's type may have
/// `?` sizes, at most one per input) and its elements in row-major order.
struct Array {
  std::vector<int64_t> shape;
  std::vector<double> values;
};

/// What to differentiate: `func` in `source`, the loss result, the inputs
/// (arguments then Variables) to differentiate with respect to, and a value
/// for every input.
struct GradientCase {
  std::string source;
  std::string func = "f";
  std::vector<unsigned> wrt;
  unsigned loss = 0;
  std::vector<Array> inputs;
};

/// The loss and the gradients (concatenated in `wrt` order) at the inputs.
struct GradientValues {
  double loss;
  std::vector<double> gradients;
};

/// Builds the gradient function of `c.func`, lowers and JITs it, and
/// evaluates it at `c.inputs`. Fails the current doctest test (REQUIRE) on
/// any error.
GradientValues evaluateGradient(const GradientCase &c);

/// Checks every gradient element against central finite differences:
/// |g - fd| <= 1e-6 * max(1, |g|, |fd|). (Relative error, with an absolute
/// floor of 1e-6 where the gradient is near zero and only the differences'
/// rounding is left.)
void checkGradient(const GradientCase &c);

/// `source` with the gradient function `name` of `func` appended (printed),
/// for differentiating a gradient again.
std::string withGradient(const std::string &source, const std::string &func,
                         std::vector<unsigned> wrt, unsigned loss,
                         const std::string &name);

} // namespace bpc::testing

#endif // BPC_TESTS_UNIT_DIALECT_GRADIENTCHECK_H
