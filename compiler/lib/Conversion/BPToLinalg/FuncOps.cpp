//===- FuncOps.cpp - bp.func, bp.return and constants ---------------------===//
//
// bp.func becomes a func.func that takes the dyn Variables after the ordinary
// arguments and returns their new values after the results. The new value of
// a Variable is computed into the Variable's own tensor (DESIGN.md §4), so
// that one-shot bufferization finds the result equivalent to the argument and
// drop-equivalent-buffer-results removes it: the update happens in place.
// When the Variable's old value is still read after the op that would start
// writing its buffer (`prev.value = g` with the old `prev` used later), the
// new value is computed apart and copied into the Variable at the end.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "bpc/Conversion/Destinations.h"

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

using namespace mlir;

namespace bpc::lowering {
namespace {

struct FuncLowering : OpConversionPattern<bp::FuncOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(bp::FuncOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    FunctionType type = op.getFunctionType();
    SmallVector<Type> results(type.getResults());
    llvm::append_range(results, op.getVarTypes());
    auto func = rewriter.create<func::FuncOp>(
        op.getLoc(), op.getSymName(),
        FunctionType::get(ctx, type.getInputs(), results));
    // The C interface (`_mlir_ciface_<name>`) is what the runtime calls.
    func->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
    if (StringAttr visibility = op.getSymVisibilityAttr())
      func.setSymVisibilityAttr(visibility);
    if (ArrayAttr argAttrs = op.getArgAttrsAttr())
      func.setArgAttrsAttr(argAttrs);
    if (ArrayAttr resAttrs = op.getResAttrsAttr()) {
      SmallVector<Attribute> all(resAttrs.begin(), resAttrs.end());
      all.resize(results.size(), DictionaryAttr::get(ctx));
      func.setResAttrsAttr(ArrayAttr::get(ctx, all));
    }
    rewriter.inlineRegionBefore(op.getBody(), func.getBody(), func.end());
    rewriter.eraseOp(op);
    return success();
  }
};

/// The op whose destination retargetDestination would replace with the
/// Variable's tensor: the start of the destination chain producing `value`
/// (null where there is none to retarget). Mirrors its walk.
Operation *chainStart(Value value) {
  auto result = dyn_cast<OpResult>(value);
  if (!result)
    return nullptr;
  auto dps = dyn_cast<DestinationStyleOpInterface>(result.getOwner());
  if (!dps || !dps.hasPureTensorSemantics())
    return nullptr;
  Value init = dps.getTiedOpOperand(result)->get();
  if (init.getDefiningOp<tensor::EmptyOp>() || isa<BlockArgument>(init))
    return dps;
  if (!init.hasOneUse())
    return nullptr;
  return chainStart(init);
}

/// Whether `var`'s old value is read after the op that would start writing
/// its buffer: then computing `value` in place would clobber a value still
/// needed, one-shot bufferization would give it a buffer of its own, and the
/// function result would stay (the update not in place). The bp ops before
/// `ret` are already lowered, each to ops just before it that read the same
/// Variable: those are the reads that count (the bp originals sit after their
/// lowering until the conversion ends), and `ret`'s own.
bool readAfterInPlaceWrite(Value var, Value value, bp::ReturnOp ret) {
  Operation *start = chainStart(value);
  if (!start)
    return false;
  Block *block = start->getBlock();
  for (Operation *user : var.getUsers()) {
    if (user == start || (user != ret && isa<bp::BPDialect>(user->getDialect())))
      continue;
    Operation *inBlock = block->findAncestorOpInBlock(*user);
    if (!inBlock || start->isBeforeInBlock(inBlock))
      return true;
  }
  return false;
}

struct ReturnLowering : OpConversionPattern<bp::ReturnOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(bp::ReturnOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Value> operands(adaptor.getResults());
    Block *block = op->getBlock();
    ValueRange vars = adaptor.getVars();
    unsigned firstVar = block->getNumArguments() - vars.size();
    for (auto [k, value] : llvm::enumerate(vars)) {
      Value var = block->getArgument(firstVar + k);
      if (value != var && (readAfterInPlaceWrite(var, value, op) ||
                           !bpc::retargetDestination(rewriter, value, var)))
        // The value was computed elsewhere, or the old value is read after
        // its computation: copy it into the Variable's own buffer last, which
        // still keeps the function result droppable.
        value = rewriter.create<linalg::CopyOp>(op.getLoc(), value, var)
                    .getResult(0);
      operands.push_back(value);
    }
    rewriter.replaceOpWithNewOp<func::ReturnOp>(op, operands);
    return success();
  }
};

struct ConstantLowering : OpConversionPattern<bp::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(bp::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(op.getValueAttr()));
    return success();
  }
};

MemRefType getMemRefType(RankedTensorType type) {
  return MemRefType::get(type.getShape(), type.getElementType());
}

// Frozen Variables become read-only memref.globals rather than
// `arith.constant`s: a large captured buffer (DenseResourceElementsAttr) is
// then stored once and every read refers to it, instead of each use
// materialising the literal; `to_tensor restrict` tells bufferization that
// the tensor is exactly that buffer, and without `writable` any in-place
// update of the value gets a copy instead of writing into the constant.
struct GlobalLowering : OpConversionPattern<bp::GlobalOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(bp::GlobalOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<memref::GlobalOp>(
        op, op.getSymName(), rewriter.getStringAttr("private"),
        getMemRefType(op.getType()), op.getValueAttr(), /*constant=*/true,
        /*alignment=*/IntegerAttr());
    return success();
  }
};

struct FrozenLowering : OpConversionPattern<bp::FrozenOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(bp::FrozenOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value memref = rewriter.create<memref::GetGlobalOp>(
        op.getLoc(), getMemRefType(type), op.getGlobal());
    rewriter.replaceOpWithNewOp<bufferization::ToTensorOp>(
        op, type, memref, /*restrict=*/true, /*writable=*/false);
    return success();
  }
};

} // namespace

void populateFuncPatterns(RewritePatternSet &patterns) {
  patterns.add<FuncLowering, ReturnLowering, ConstantLowering, GlobalLowering,
               FrozenLowering>(patterns.getContext());
}

} // namespace bpc::lowering
