//===- DimSourceTest.cpp - bp::DimSourceOpInterface of each op ------------===//
//
// Each case is one op on function arguments; a source is printed as
// `argN.d` (dimension d of block argument N), so the expectations read like
// the shape rules they check.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPDialect.h"
#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <doctest/doctest.h>

#include <string>

namespace {

std::string describe(const bpc::bp::DimRef &ref) {
  auto arg = llvm::dyn_cast<mlir::BlockArgument>(ref.value);
  std::string value = arg ? "arg" + std::to_string(arg.getArgNumber())
                          : ref.value.getDefiningOp()->getName().getStringRef().str();
  return value + "." + std::to_string(ref.dim);
}

/// The sources of every `?` dimension of the result of the last op before
/// `bp.return` in `@f`, as "d0: argA.x argB.y; d2: ..." (static dimensions
/// are left out; an empty list is "no source").
std::string sourcesOf(const std::string &source) {
  mlir::MLIRContext context;
  context.loadDialect<bpc::bp::BPDialect>();
  auto module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  REQUIRE(module);
  auto func = module->lookupSymbol<bpc::bp::FuncOp>("f");
  REQUIRE(func);
  mlir::Operation *op = func.getBody().front().getTerminator()->getPrevNode();
  auto iface = llvm::dyn_cast<bpc::bp::DimSourceOpInterface>(op);
  REQUIRE(iface);
  auto type = llvm::cast<mlir::RankedTensorType>(op->getResult(0).getType());
  std::string out;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    llvm::SmallVector<bpc::bp::DimRef> sources;
    iface.getResultDimSources(0, d, sources);
    out += (out.empty() ? "d" : "; d") + std::to_string(d) + ":";
    for (const bpc::bp::DimRef &ref : sources)
      out += " " + describe(ref);
  }
  return out;
}

} // namespace

TEST_CASE("DimSourceOpInterface: elementwise ops broadcast") {
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?x1xf32>, %b: tensor<?xf32>) -> tensor<?x?xf32> {
      %r = bp.add %a, %b : (tensor<?x1xf32>, tensor<?xf32>) -> tensor<?x?xf32>
      bp.return %r : tensor<?x?xf32>
    })mlir") == "d0: arg0.0; d1: arg1.0");
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
      %r = bp.exp %a : tensor<?xf32>
      bp.return %r : tensor<?xf32>
    })mlir") == "d0: arg0.0");
}

TEST_CASE("DimSourceOpInterface: matmul batch, m and n") {
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?x?x?xf32>, %b: tensor<?x?xf32>) -> tensor<?x?x?xf32> {
      %r = bp.matmul %a, %b : (tensor<?x?x?xf32>, tensor<?x?xf32>) -> tensor<?x?x?xf32>
      bp.return %r : tensor<?x?x?xf32>
    })mlir") == "d0: arg0.0; d1: arg0.1; d2: arg1.1");
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?xf32>, %b: tensor<?x?xf32>) -> tensor<?xf32> {
      %r = bp.matmul %a, %b : (tensor<?xf32>, tensor<?x?xf32>) -> tensor<?xf32>
      bp.return %r : tensor<?xf32>
    })mlir") == "d0: arg1.1");
}

TEST_CASE("DimSourceOpInterface: reductions keep the other dimensions") {
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?x?x?xf32>) -> tensor<?x?xf32> {
      %r = bp.sum %a axes = [1] : tensor<?x?x?xf32> -> tensor<?x?xf32>
      bp.return %r : tensor<?x?xf32>
    })mlir") == "d0: arg0.0; d1: arg0.2");
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?x?xf32>) -> tensor<?x1xi32> {
      %r = bp.argmax %a axis = 1 keepdims : tensor<?x?xf32> -> tensor<?x1xi32>
      bp.return %r : tensor<?x1xi32>
    })mlir") == "d0: arg0.0");
}

TEST_CASE("DimSourceOpInterface: shape ops") {
  // transpose permutes.
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?x3x?xf32>) -> tensor<?x?x3xf32> {
      %r = bp.transpose %a, [2, 0, 1] : tensor<?x3x?xf32> -> tensor<?x?x3xf32>
      bp.return %r : tensor<?x?x3xf32>
    })mlir") == "d0: arg0.2; d1: arg0.0");
  // A reshape's -1 is the input's `?` only when the static sizes agree.
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?x10xf32>) -> tensor<?x2x5xf32> {
      %r = bp.reshape %a : tensor<?x10xf32> -> tensor<?x2x5xf32>
      bp.return %r : tensor<?x2x5xf32>
    })mlir") == "d0: arg0.0");
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?x10xf32>) -> tensor<?x5xf32> {
      %r = bp.reshape %a : tensor<?x10xf32> -> tensor<?x5xf32>
      bp.return %r : tensor<?x5xf32>
    })mlir") == "d0:");
  // broadcast_to and the fills name what bp.dim read.
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<3xf32>, %b: tensor<2x?xf32>) -> tensor<?x3xf32> {
      %n = bp.dim %b, 1 : tensor<2x?xf32>
      %r = bp.broadcast_to %a dims(%n) : tensor<3xf32> -> tensor<?x3xf32>
      bp.return %r : tensor<?x3xf32>
    })mlir") == "d0: arg1.1");
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%b: tensor<?x?xf32>) -> tensor<?x4x?xf32> {
      %n = bp.dim %b, 1 : tensor<?x?xf32>
      %m = bp.dim %b, 0 : tensor<?x?xf32>
      %r = bp.zeros(%n, %m) : tensor<?x4x?xf32>
      bp.return %r : tensor<?x4x?xf32>
    })mlir") == "d0: arg0.1; d2: arg0.0");
}

TEST_CASE("DimSourceOpInterface: slices keep a size only over the full range") {
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
      %r = bp.slice %a[0:?:1, 1:?:1, 0:?:2] : tensor<?x?x?xf32> -> tensor<?x?x?xf32>
      bp.return %r : tensor<?x?x?xf32>
    })mlir") == "d0: arg0.0; d1:; d2:");
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%e: tensor<f32>, %a: tensor<?x?xf32>) -> tensor<?x?xf32> {
      %r = bp.update_slice %e into %a[1:?:2, 0:?:1] : tensor<f32> into tensor<?x?xf32>
      bp.return %r : tensor<?x?xf32>
    })mlir") == "d0: arg1.0; d1: arg1.1");
}

TEST_CASE("DimSourceOpInterface: index, update_index and concatenate") {
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?x?x?xf32>, %i: tensor<i32>) -> tensor<?x?xf32> {
      %r = bp.index %a[%i] axes = [1] : (tensor<?x?x?xf32>, tensor<i32>) -> tensor<?x?xf32>
      bp.return %r : tensor<?x?xf32>
    })mlir") == "d0: arg0.0; d1: arg0.2");
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%e: tensor<f32>, %a: tensor<?x?xf32>, %i: tensor<i32>) -> tensor<?x?xf32> {
      %r = bp.update_index %e into %a[%i] axes = [0]
          : (tensor<f32>, tensor<?x?xf32>, tensor<i32>) -> tensor<?x?xf32>
      bp.return %r : tensor<?x?xf32>
    })mlir") == "d0: arg1.0; d1: arg1.1");
  // Off the axis every input gives the size; along it sizes add up.
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>) -> tensor<?x?xf32> {
      %r = bp.concatenate %a, %b axis = 0
          : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
      bp.return %r : tensor<?x?xf32>
    })mlir") == "d0:; d1: arg0.1 arg1.1");
  CHECK(sourcesOf(R"mlir(
    bp.func @f(%a: tensor<0x3xf32>, %b: tensor<?x3xf32>) -> tensor<?x3xf32> {
      %r = bp.concatenate %a, %b axis = 0
          : (tensor<0x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
      bp.return %r : tensor<?x3xf32>
    })mlir") == "d0: arg1.0");
}
