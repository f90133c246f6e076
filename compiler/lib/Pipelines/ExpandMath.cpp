//===- ExpandMath.cpp - Vectorisable expansions of math ops -----*- C++ -*-===//
//
// `math.exp` lowers to `llvm.intr.exp`, which LLVM turns into a scalar call
// to libm's `expf`: a loop containing it is not vectorised, and in selu the
// calls cost about ten times the rest of the loop. This pass replaces f32
// `math.exp` with plain arithmetic (fma, compares, selects, integer bit
// manipulation), which LLVM vectorises like any other elementwise code.
//
// MLIR's own `populateMathPolynomialApproximationPatterns` is not used: its
// exp flushes subnormal results to zero and has a relative error up to 2^-16
// near the overflow threshold, while this one is within 1.01 ulp everywhere
// (checked exhaustively over all 2^32 inputs against exp in double) and
// handles every special case exactly. The expansion is the same in scalar
// and vector code and in eager and jitted code (one pipeline), so the
// results do not depend on how a loop was vectorised.
//
// Algorithm: n = round(x / ln 2) (the 1.5 * 2^23 shift trick, which also
// yields n's integer bits without an fptosi, which would be poison on NaN),
// r = x - n ln 2 with ln 2 split in two (Cody-Waite; the fmas keep r within
// an ulp), e^r = 1 + r + r^2 P(r) with a degree-4 minimax P on
// [-ln2/2, ln2/2] (relative error 5.7e-9, fitted for this pass), and
// e^x = e^r * 2^n1 * 2^n2 with n1 = floor(n / 2), n2 = n - n1: both factors
// are normal floats for every n in [-150, 128], the first product is exact
// and the second rounds once, so results near overflow are right and
// subnormal results are rounded correctly from e^r.
//
// Special cases follow from the clamp to [-104, 89]: above 88.7228 the
// second product overflows to +inf, below -103.97 it rounds to +0, and a NaN
// passes the clamp (ordered compares are false) and propagates through
// every floating-point op; its integer bits only feed the scale factors,
// which multiply the NaN.
//
//===----------------------------------------------------------------------===//

#include "bpc/Pipelines/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace bpc {
#define GEN_PASS_DEF_EXPANDMATHPASS
#include "bpc/Pipelines/Passes.h.inc"
} // namespace bpc

using namespace mlir;

namespace {

/// Builds constants and ops of one shape (f32 or vector of f32, with the
/// matching i32 shape for the bit manipulation).
struct Builder {
  ImplicitLocOpBuilder &b;
  Type f32Type, i32Type;

  Builder(ImplicitLocOpBuilder &b, Type type) : b(b), f32Type(type) {
    Type i32 = b.getI32Type();
    if (auto vector = dyn_cast<VectorType>(type))
      i32Type = vector.clone(i32);
    else
      i32Type = i32;
  }

  Value f32(float value) {
    Attribute scalar = b.getF32FloatAttr(value);
    if (auto vector = dyn_cast<VectorType>(f32Type))
      return b.create<arith::ConstantOp>(SplatElementsAttr::get(vector, scalar));
    return b.create<arith::ConstantOp>(cast<TypedAttr>(scalar));
  }
  Value i32(int32_t value) {
    Attribute scalar = b.getI32IntegerAttr(value);
    if (auto vector = dyn_cast<VectorType>(i32Type))
      return b.create<arith::ConstantOp>(SplatElementsAttr::get(vector, scalar));
    return b.create<arith::ConstantOp>(cast<TypedAttr>(scalar));
  }
  Value fma(Value a, Value x, Value c) { return b.create<math::FmaOp>(a, x, c); }
  /// `x` if `x pred bound` is false (or unordered), else `bound`.
  Value clampIf(arith::CmpFPredicate pred, Value x, float bound) {
    Value limit = f32(bound);
    Value beyond = b.create<arith::CmpFOp>(pred, x, limit);
    return b.create<arith::SelectOp>(beyond, limit, x);
  }
  /// 2^k for an integer k in [-126, 127], built from its exponent bits.
  Value exp2i(Value k) {
    Value biased = b.create<arith::AddIOp>(k, i32(127));
    Value bits = b.create<arith::ShLIOp>(biased, i32(23));
    return b.create<arith::BitcastOp>(f32Type, bits);
  }
};

struct ExpF32Expansion : OpRewritePattern<math::ExpOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::ExpOp op, PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return rewriter.notifyMatchFailure(op, "only f32 is expanded");
    if (auto vector = dyn_cast<VectorType>(type); vector && vector.isScalable())
      return rewriter.notifyMatchFailure(op, "scalable vectors are not expected on the host");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Builder c(b, type);

    // Clamp so that n stays in [-150, 128]; NaN passes unchanged.
    Value x = c.clampIf(arith::CmpFPredicate::OGT, op.getOperand(), 89.0f);
    x = c.clampIf(arith::CmpFPredicate::OLT, x, -104.0f);

    // n = round(x * log2(e)): adding 1.5 * 2^23 leaves n in the low mantissa
    // bits, so `t - shift` is n as a float and `bits(t) - bits(shift)` as an
    // integer.
    Value shift = c.f32(0x1.8p23f);
    Value t = c.fma(x, c.f32(0x1.715476p+0f), shift);
    Value n = b.create<arith::SubFOp>(t, shift);
    Value tBits = b.create<arith::BitcastOp>(c.i32Type, t);
    Value ni = b.create<arith::SubIOp>(tBits, c.i32(0x4b400000));

    // r = x - n * ln(2), with ln(2) = 0x1.62e430p-1 - 0x1.05c610p-29.
    Value r = c.fma(n, c.f32(-0x1.62e430p-1f), x);
    r = c.fma(n, c.f32(0x1.05c610p-29f), r);

    // e^r = 1 + (r + r^2 * P(r)).
    Value p = c.f32(0x1.6a1080p-10f);
    p = c.fma(p, r, c.f32(0x1.1245c8p-7f));
    p = c.fma(p, r, c.f32(0x1.55593cp-5f));
    p = c.fma(p, r, c.f32(0x1.555482p-3f));
    p = c.fma(p, r, c.f32(0x1.fffffcp-2f));
    Value r2 = b.create<arith::MulFOp>(r, r);
    Value y = b.create<arith::AddFOp>(c.f32(1.0f), c.fma(p, r2, r));

    // y * 2^n in two exact-or-once-rounded steps.
    Value n1 = b.create<arith::ShRSIOp>(ni, c.i32(1));
    Value n2 = b.create<arith::SubIOp>(ni, n1);
    Value scaled = b.create<arith::MulFOp>(y, c.exp2i(n1));
    rewriter.replaceOpWithNewOp<arith::MulFOp>(op, scaled, c.exp2i(n2));
    return success();
  }
};

struct ExpandMathPass : bpc::impl::ExpandMathPassBase<ExpandMathPass> {
  using ExpandMathPassBase::ExpandMathPassBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    bpc::populateExpandMathPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void bpc::populateExpandMathPatterns(RewritePatternSet &patterns) {
  patterns.add<ExpF32Expansion>(patterns.getContext());
}
