//===- AutodiffTest.cpp - buildGradientFunc as the tracer calls it --------===//
//
// The driver's own behaviour: accumulation over several uses, Variables,
// inputs the loss does not depend on, the signature of the new function,
// errors as diagnostics, and grad of grad. Gradients are checked in the JIT
// against finite differences (GradientCheck.h).
//
//===----------------------------------------------------------------------===//

#include "GradientCheck.h"

#include "bpc/Dialect/BP/IR/BPOps.h"
#include "bpc/Dialect/BP/Transforms/Autodiff.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

using namespace mlir;
using bpc::testing::Array;
using bpc::testing::checkGradient;
using bpc::testing::evaluateGradient;
using bpc::testing::GradientCase;
using bpc::testing::GradientValues;
using bpc::testing::withGradient;
namespace bp = bpc::bp;

namespace {

/// Parses `source` in `context` (with the bp dialect).
OwningOpRef<ModuleOp> parse(MLIRContext &context, const std::string &source) {
  context.getOrLoadDialect<bp::BPDialect>();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  REQUIRE(module);
  return module;
}

/// buildGradientFunc on `@f`, expecting a failure whose diagnostics (the
/// error and its notes, joined by newlines) are returned.
std::string gradientError(const std::string &source,
                          std::vector<unsigned> wrt, unsigned loss,
                          const std::string &name = "f_grad") {
  MLIRContext context;
  context.printOpOnDiagnostic(false);
  OwningOpRef<ModuleOp> module = parse(context, source);
  std::string messages;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    messages += diag.str();
    for (Diagnostic &note : diag.getNotes())
      messages += "\n" + note.str();
    return success();
  });
  auto f = module->lookupSymbol<bp::FuncOp>("f");
  REQUIRE(f);
  size_t numOps = module->getBody()->getOperations().size();
  CHECK(failed(bp::buildGradientFunc(f, wrt, loss, name)));
  // Nothing is left behind.
  CHECK(module->getBody()->getOperations().size() == numOps);
  return messages;
}

} // namespace

TEST_CASE("autodiff: a value used several times accumulates its cotangents") {
  // x * x + sin(x) * x + x: x reaches the loss along four paths.
  checkGradient({"bp.func @f(%x: tensor<3xf64>) -> tensor<f64> {\n"
                 "  %a = bp.mul %x, %x : (tensor<3xf64>, tensor<3xf64>) -> "
                 "tensor<3xf64>\n"
                 "  %s = bp.sin %x : tensor<3xf64>\n"
                 "  %b = bp.mul %s, %x : (tensor<3xf64>, tensor<3xf64>) -> "
                 "tensor<3xf64>\n"
                 "  %c = bp.add %a, %b : (tensor<3xf64>, tensor<3xf64>) -> "
                 "tensor<3xf64>\n"
                 "  %d = bp.add %c, %x : (tensor<3xf64>, tensor<3xf64>) -> "
                 "tensor<3xf64>\n"
                 "  %l = bp.sum %d axes = [0] : tensor<3xf64> -> tensor<f64>\n"
                 "  bp.return %l : tensor<f64>\n}\n",
                 "f",
                 {0},
                 0,
                 {{{3}, {0.3, -1.1, 2.0}}}});
}

TEST_CASE("autodiff: logistic regression loss in arguments and a Variable") {
  // The seed's LogisticRegression as a loss: mean(log(1 + exp(-y * (X @ w)))),
  // differentiated with respect to the Variable `w` and the data X.
  const std::string source =
      "bp.func @f(%X: tensor<?x3xf64>, %y: tensor<?xf64>)\n"
      "    vars(%w: tensor<3xf64> {bp.var = \"lr.w\"}) -> tensor<f64> {\n"
      "  %one = bp.constant dense<1.0> : tensor<f64>\n"
      "  %z = bp.matmul %X, %w : (tensor<?x3xf64>, tensor<3xf64>) -> "
      "tensor<?xf64>\n"
      "  %yz = bp.mul %y, %z : (tensor<?xf64>, tensor<?xf64>) -> "
      "tensor<?xf64>\n"
      "  %n = bp.neg %yz : tensor<?xf64>\n"
      "  %e = bp.exp %n : tensor<?xf64>\n"
      "  %p = bp.add %one, %e : (tensor<f64>, tensor<?xf64>) -> "
      "tensor<?xf64>\n"
      "  %lg = bp.log %p : tensor<?xf64>\n"
      "  %l = bp.mean %lg axes = [0] : tensor<?xf64> -> tensor<f64>\n"
      "  bp.return %l : tensor<f64> vars(%w : tensor<3xf64>)\n}\n";
  std::vector<Array> inputs{{{4, 3}, {0.5, -0.7, 1.1, 0.2, -1.3, 0.9, 1.4,
                                      0.3, -0.2, -0.8, 0.6, 0.1}},
                            {{4}, {1.0, -1.0, 1.0, -1.0}},
                            {{3}, {0.7, -0.3, 0.2}}};
  checkGradient({source, "f", {2}, 0, inputs});
  checkGradient({source, "f", {0, 1, 2}, 0, inputs});
}

TEST_CASE("autodiff: gradient function signature and Variables") {
  MLIRContext context;
  OwningOpRef<ModuleOp> module = parse(
      context,
      "bp.func @f(%x: tensor<3xf64>, %k: tensor<i32>)\n"
      "    vars(%v: tensor<3xf64> {bp.var = \"v\"}) -> (tensor<3xf64>, "
      "tensor<f64>) {\n"
      "  %m = bp.mul %x, %v : (tensor<3xf64>, tensor<3xf64>) -> "
      "tensor<3xf64>\n"
      "  %l = bp.sum %m axes = [0] : tensor<3xf64> -> tensor<f64>\n"
      "  bp.return %m, %l : tensor<3xf64>, tensor<f64> vars(%m : "
      "tensor<3xf64>)\n}\n");
  auto f = module->lookupSymbol<bp::FuncOp>("f");
  FailureOr<bp::FuncOp> g = bp::buildGradientFunc(f, {2, 0, 0}, 1, "g");
  REQUIRE(succeeded(g));
  // Inserted right after @f, with f's inputs and Variables.
  CHECK(f->getNextNode() == g->getOperation());
  CHECK(g->getArgumentTypes() == f.getArgumentTypes());
  CHECK(g->getNumVars() == 1);
  // f's results, then one gradient per requested input (repeats allowed).
  auto t3 = f.getArgumentTypes()[0];
  CHECK(g->getResultTypes() ==
        ArrayRef<Type>{t3, f.getResultTypes()[1], t3, t3, t3});
  auto ret = cast<bp::ReturnOp>(g->getBody().front().getTerminator());
  CHECK(ret.getVars().size() == 1);
  CHECK(ret.getResults()[3] == ret.getResults()[4]);
  CHECK(succeeded(verify(*module)));
}

TEST_CASE("autodiff: an input the loss does not depend on gets zeros") {
  GradientValues values = evaluateGradient(
      {"bp.func @f(%x: tensor<2xf64>, %y: tensor<2xf64>) -> tensor<f64> {\n"
       "  %e = bp.exp %y : tensor<2xf64>\n"
       "  %l = bp.sum %x axes = [0] : tensor<2xf64> -> tensor<f64>\n"
       "  bp.return %l : tensor<f64>\n}\n",
       "f",
       {1, 0},
       0,
       {{{2}, {1.0, 2.0}}, {{2}, {3.0, 4.0}}}});
  CHECK(values.loss == 3.0);
  CHECK(values.gradients == std::vector<double>{0, 0, 1, 1});
}

TEST_CASE("autodiff: comparisons, argmax and integer indices carry nothing") {
  // The loss reads x through a mask (cmp) and at the position of its
  // maximum (argmax, an integer index): only the float paths count.
  checkGradient(
      {"bp.func @f(%x: tensor<4xf64>) -> tensor<f64> {\n"
       "  %z = bp.constant dense<0.0> : tensor<f64>\n"
       "  %c = bp.cmp gt, %x, %z : (tensor<4xf64>, tensor<f64>) -> "
       "tensor<4xi1>\n"
       "  %m = bp.cast %c : tensor<4xi1> to tensor<4xf64>\n"
       "  %i = bp.argmax %x axis = 0 : tensor<4xf64> -> tensor<i32>\n"
       "  %fi = bp.cast %i : tensor<i32> to tensor<f64>\n"
       "  %s = bp.mul %m, %x : (tensor<4xf64>, tensor<4xf64>) -> "
       "tensor<4xf64>\n"
       "  %t = bp.mul %s, %fi : (tensor<4xf64>, tensor<f64>) -> "
       "tensor<4xf64>\n"
       "  %l = bp.sum %t axes = [0] : tensor<4xf64> -> tensor<f64>\n"
       "  bp.return %l : tensor<f64>\n}\n",
       "f",
       {0},
       0,
       {{{4}, {0.3, -1.2, 2.5, 0.7}}}});
}

TEST_CASE("autodiff: grad of grad of a scalar function") {
  // f(x) = sin(x) * exp(x) + x ** 3 + tanh(x) / x; f_grad returns
  // (f, f'); differentiating f' again gives f''.
  const std::string source =
      "bp.func @f(%x: tensor<f64>) -> tensor<f64> {\n"
      "  %three = bp.constant dense<3.0> : tensor<f64>\n"
      "  %s = bp.sin %x : tensor<f64>\n"
      "  %e = bp.exp %x : tensor<f64>\n"
      "  %a = bp.mul %s, %e : (tensor<f64>, tensor<f64>) -> tensor<f64>\n"
      "  %c = bp.pow %x, %three : (tensor<f64>, tensor<f64>) -> tensor<f64>\n"
      "  %t = bp.tanh %x : tensor<f64>\n"
      "  %q = bp.div %t, %x : (tensor<f64>, tensor<f64>) -> tensor<f64>\n"
      "  %b = bp.add %a, %c : (tensor<f64>, tensor<f64>) -> tensor<f64>\n"
      "  %l = bp.add %b, %q : (tensor<f64>, tensor<f64>) -> tensor<f64>\n"
      "  bp.return %l : tensor<f64>\n}\n";
  std::string withFirst = withGradient(source, "f", {0}, 0, "f_grad");
  for (double x : {0.7, -1.3, 2.2}) {
    INFO("x = ", x);
    // First derivative against finite differences of f ...
    checkGradient({source, "f", {0}, 0, {{{}, {x}}}});
    // ... and the second against finite differences of f'.
    checkGradient({withFirst, "f_grad", {0}, 1, {{{}, {x}}}});
    // f'' in closed form, to make sure the check above compares f''.
    GradientValues second =
        evaluateGradient({withFirst, "f_grad", {0}, 1, {{{}, {x}}}});
    double t = std::tanh(x), sech2 = 1 - t * t;
    double expected = 2 * std::cos(x) * std::exp(x) + 6 * x +
                      (-2 * t * sech2 / x - 2 * sech2 / (x * x) +
                       2 * t / (x * x * x));
    CHECK(second.gradients[0] == doctest::Approx(expected).epsilon(1e-12));
  }
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST_CASE("autodiff: errors are diagnostics and leave the module unchanged") {
  const std::string source =
      "bp.func @f(%x: tensor<3xf64>, %i: tensor<3xi32>) -> (tensor<3xf64>, "
      "tensor<i32>, tensor<f64>) {\n"
      "  %s = bp.sum %i axes = [0] : tensor<3xi32> -> tensor<i32>\n"
      "  %l = bp.sum %x axes = [0] : tensor<3xf64> -> tensor<f64>\n"
      "  bp.return %x, %s, %l : tensor<3xf64>, tensor<i32>, tensor<f64>\n}\n"
      "bp.func @taken() {\n  bp.return\n}\n";
  CHECK(gradientError(source, {0}, 0) ==
        "'bp.func' op cannot be differentiated: the loss (result #0) has "
        "type 'tensor<3xf64>'\n"
        "a gradient needs a 0-d loss; reduce it first, e.g. with .sum() or "
        ".mean()");
  CHECK(gradientError(source, {0}, 1) ==
        "'bp.func' op cannot be differentiated: the loss (result #1) has "
        "type 'tensor<i32>'\n"
        "a gradient needs an f32 or f64 loss; cast it first, e.g. with "
        ".astype(bm.float32)");
  CHECK(gradientError(source, {1}, 2) ==
        "'bp.func' op cannot be differentiated with respect to argument #1 "
        "of type 'tensor<3xi32>'\n"
        "only f32 and f64 arrays have gradients; an integer or bool input is "
        "a constant of the loss");
  CHECK(gradientError(source, {2}, 2) ==
        "'bp.func' op has 2 inputs (arguments, then Variables), so input #2 "
        "cannot be differentiated");
  CHECK(gradientError(source, {0}, 3) ==
        "'bp.func' op has 3 results, so result #3 cannot be the loss");
  CHECK(gradientError(source, {0}, 2, "") ==
        "'bp.func' op needs a name for its gradient function");
  CHECK(gradientError(source, {0}, 2, "taken") ==
        "'bp.func' op cannot get its gradient function @taken: that symbol "
        "already exists");
  // A Variable is named by its path.
  CHECK(llvm::StringRef(gradientError("bp.func @f(%x: tensor<f64>) vars(%key: tensor<2xi32> "
                      "{bp.var = \"rng.key\"}) -> tensor<f64> {\n"
                      "  bp.return %x : tensor<f64> vars(%key : "
                      "tensor<2xi32>)\n}\n",
                      {1}, 0))
            .starts_with("'bp.func' op cannot be differentiated with respect "
                         "to Variable 'rng.key' (input #1) of type "
                         "'tensor<2xi32>'"));
}

TEST_CASE("autodiff: a gradient that bp cannot express is an error at the op") {
  // The reshape back to tensor<?x?xf64> needs two inferred sizes.
  CHECK(gradientError(
            "bp.func @f(%x: tensor<?x?xf64>) -> tensor<f64> {\n"
            "  %r = bp.reshape %x : tensor<?x?xf64> -> tensor<?xf64>\n"
            "  %l = bp.sum %r axes = [0] : tensor<?xf64> -> tensor<f64>\n"
            "  bp.return %l : tensor<f64>\n}\n",
            {0}, 0) ==
        "'bp.reshape' op cannot be differentiated: its gradient would reshape "
        "back to 'tensor<?x?xf64>', but bp.reshape can infer only one '?' "
        "dimension");
}
