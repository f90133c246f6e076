//===- ElementwiseOps.cpp - bp elementwise ops to linalg.generic ----------===//
//
// One pattern template for every elementwise op: the op only decides the
// scalar computation (`computeScalar` overloads); broadcasting, the result
// tensor and the generic come from buildElementwise.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <cmath>

using namespace mlir;

namespace bpc::lowering {
namespace {

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

/// `FOp` on floats, `IOp` on integers.
template <typename FOp, typename IOp>
Value floatOrInt(OpBuilder &b, Location loc, ValueRange args) {
  if (isFloat(args[0]))
    return b.create<FOp>(loc, args[0], args[1]);
  return b.create<IOp>(loc, args[0], args[1]);
}

Value computeScalar(bp::AddOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatOrInt<arith::AddFOp, arith::AddIOp>(b, loc, a);
}
Value computeScalar(bp::SubOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatOrInt<arith::SubFOp, arith::SubIOp>(b, loc, a);
}
Value computeScalar(bp::MulOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatOrInt<arith::MulFOp, arith::MulIOp>(b, loc, a);
}
Value computeScalar(bp::DivOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<arith::DivFOp>(loc, a[0], a[1]);
}
Value computeScalar(bp::MaxOp, OpBuilder &b, Location loc, ValueRange a) {
  // maximumf propagates NaN like numpy.maximum (maxnumf would not).
  return floatOrInt<arith::MaximumFOp, arith::MaxSIOp>(b, loc, a);
}
Value computeScalar(bp::MinOp, OpBuilder &b, Location loc, ValueRange a) {
  return floatOrInt<arith::MinimumFOp, arith::MinSIOp>(b, loc, a);
}
Value computeScalar(bp::AndOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<arith::AndIOp>(loc, a[0], a[1]);
}
Value computeScalar(bp::OrOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<arith::OrIOp>(loc, a[0], a[1]);
}
Value computeScalar(bp::XorOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<arith::XOrIOp>(loc, a[0], a[1]);
}

/// Whether C's truncated remainder `rem` must be corrected toward -inf: it is
/// non-zero and its sign differs from the divisor's.
Value needsFloorFix(OpBuilder &b, Location loc, Value rem, Value divisor) {
  Value zero = createScalarConstant(b, loc, rem.getType(), 0.0);
  Value nonZero =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, rem, zero);
  Value remNeg =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, rem, zero);
  Value divisorNeg =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, divisor, zero);
  Value signsDiffer = b.create<arith::XOrIOp>(loc, remNeg, divisorNeg);
  return b.create<arith::AndIOp>(loc, nonZero, signsDiffer);
}

Value computeScalar(bp::FloorDivOp, OpBuilder &b, Location loc, ValueRange a) {
  if (!isFloat(a[0])) {
    // Spelled out rather than arith.floordivsi, which convert-arith-to-llvm
    // does not lower (it needs arith-expand, not in the CPU pipeline).
    Value quotient = b.create<arith::DivSIOp>(loc, a[0], a[1]);
    Value rem = b.create<arith::RemSIOp>(loc, a[0], a[1]);
    Value one = createScalarConstant(b, loc, quotient.getType(), 1.0);
    Value lower = b.create<arith::SubIOp>(loc, quotient, one);
    return b.create<arith::SelectOp>(loc, needsFloorFix(b, loc, rem, a[1]),
                                     lower, quotient);
  }
  Value quotient = b.create<arith::DivFOp>(loc, a[0], a[1]);
  return b.create<math::FloorOp>(loc, quotient);
}

Value computeScalar(bp::RemOp, OpBuilder &b, Location loc, ValueRange a) {
  // C's remainder has the sign of the dividend; Python's has the divisor's:
  // a non-zero remainder whose sign differs from the divisor's gets `+ b`.
  Value lhs = a[0], rhs = a[1];
  Value zero = createScalarConstant(b, loc, lhs.getType(), 0.0);
  if (!isFloat(lhs)) {
    Value rem = b.create<arith::RemSIOp>(loc, lhs, rhs);
    Value fixed = b.create<arith::AddIOp>(loc, rem, rhs);
    return b.create<arith::SelectOp>(loc, needsFloorFix(b, loc, rem, rhs),
                                     fixed, rem);
  }
  Value rem = b.create<arith::RemFOp>(loc, lhs, rhs);
  Value nonZero =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::ONE, rem, zero);
  Value remNeg =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, rem, zero);
  Value rhsNeg =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, rhs, zero);
  Value signsDiffer = b.create<arith::XOrIOp>(loc, remNeg, rhsNeg);
  Value fix = b.create<arith::AndIOp>(loc, nonZero, signsDiffer);
  Value fixed = b.create<arith::AddFOp>(loc, rem, rhs);
  Value result = b.create<arith::SelectOp>(loc, fix, fixed, rem);
  // A zero remainder takes the divisor's sign too (`-4.0 % 2.0 == 0.0`,
  // `4.0 % -2.0 == -0.0`).
  Value signed0 = b.create<math::CopySignOp>(loc, zero, rhs);
  return b.create<arith::SelectOp>(loc, nonZero, result, signed0);
}

Value computeScalar(bp::PowOp, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a[0]))
    return b.create<math::PowFOp>(loc, a[0], a[1]);
  // Square-and-multiply over the exponent's bits. math.ipowi would need
  // convert-math-to-funcs, which the CPU pipeline does not run.
  Type type = a[0].getType();
  unsigned width = type.getIntOrFloatBitWidth();
  Value lb = b.create<arith::ConstantIndexOp>(loc, 0);
  Value ub = b.create<arith::ConstantIndexOp>(loc, width);
  Value step = b.create<arith::ConstantIndexOp>(loc, 1);
  Value one = createScalarConstant(b, loc, type, 1.0);
  Value exponent = a[1];
  auto loop = b.create<scf::ForOp>(
      loc, lb, ub, step, ValueRange{one, a[0]},
      [&](OpBuilder &nb, Location nloc, Value iv, ValueRange iter) {
        Value shift = nb.create<arith::IndexCastOp>(nloc, type, iv);
        Value bits = nb.create<arith::ShRUIOp>(nloc, exponent, shift);
        Value oneBit = createScalarConstant(nb, nloc, type, 1.0);
        Value bit = nb.create<arith::AndIOp>(nloc, bits, oneBit);
        Value set = nb.create<arith::CmpIOp>(nloc, arith::CmpIPredicate::ne,
                                             bit, createScalarConstant(
                                                      nb, nloc, type, 0.0));
        Value product = nb.create<arith::MulIOp>(nloc, iter[0], iter[1]);
        Value acc = nb.create<arith::SelectOp>(nloc, set, product, iter[0]);
        Value square = nb.create<arith::MulIOp>(nloc, iter[1], iter[1]);
        nb.create<scf::YieldOp>(nloc, ValueRange{acc, square});
      });
  return loop.getResult(0);
}

Value computeScalar(bp::CmpOp op, OpBuilder &b, Location loc, ValueRange a) {
  bp::CmpPredicate pred = op.getPredicate();
  if (isFloat(a[0])) {
    // Ordered comparisons except `!=`, which is true on NaN as in Python.
    arith::CmpFPredicate p = arith::CmpFPredicate::OEQ;
    switch (pred) {
    case bp::CmpPredicate::eq: p = arith::CmpFPredicate::OEQ; break;
    case bp::CmpPredicate::ne: p = arith::CmpFPredicate::UNE; break;
    case bp::CmpPredicate::lt: p = arith::CmpFPredicate::OLT; break;
    case bp::CmpPredicate::le: p = arith::CmpFPredicate::OLE; break;
    case bp::CmpPredicate::gt: p = arith::CmpFPredicate::OGT; break;
    case bp::CmpPredicate::ge: p = arith::CmpFPredicate::OGE; break;
    }
    return b.create<arith::CmpFOp>(loc, p, a[0], a[1]);
  }
  // On i1 `true` is -1 when signed; bools order as unsigned (false < true).
  bool isBool = a[0].getType().isInteger(1);
  arith::CmpIPredicate p = arith::CmpIPredicate::eq;
  switch (pred) {
  case bp::CmpPredicate::eq: p = arith::CmpIPredicate::eq; break;
  case bp::CmpPredicate::ne: p = arith::CmpIPredicate::ne; break;
  case bp::CmpPredicate::lt:
    p = isBool ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
    break;
  case bp::CmpPredicate::le:
    p = isBool ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
    break;
  case bp::CmpPredicate::gt:
    p = isBool ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
    break;
  case bp::CmpPredicate::ge:
    p = isBool ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
    break;
  }
  return b.create<arith::CmpIOp>(loc, p, a[0], a[1]);
}

Value computeScalar(bp::WhereOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<arith::SelectOp>(loc, a[0], a[1], a[2]);
}

Value computeScalar(bp::NegOp, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a[0]))
    return b.create<arith::NegFOp>(loc, a[0]);
  Value zero = createScalarConstant(b, loc, a[0].getType(), 0.0);
  return b.create<arith::SubIOp>(loc, zero, a[0]);
}
Value computeScalar(bp::ExpOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::ExpOp>(loc, a[0]);
}
Value computeScalar(bp::LogOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::LogOp>(loc, a[0]);
}
Value computeScalar(bp::TanhOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::TanhOp>(loc, a[0]);
}
Value computeScalar(bp::SinOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::SinOp>(loc, a[0]);
}
Value computeScalar(bp::CosOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::CosOp>(loc, a[0]);
}
Value computeScalar(bp::SqrtOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::SqrtOp>(loc, a[0]);
}
Value computeScalar(bp::AbsOp, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a[0]))
    return b.create<math::AbsFOp>(loc, a[0]);
  return b.create<math::AbsIOp>(loc, a[0]);
}
Value computeScalar(bp::SigmoidOp, OpBuilder &b, Location loc, ValueRange a) {
  // 1 / (1 + exp(-x)): exp overflows to inf for very negative x and the
  // quotient is then the correct 0, so this form needs no branch.
  Value one = createScalarConstant(b, loc, a[0].getType(), 1.0);
  Value negated = b.create<arith::NegFOp>(loc, a[0]);
  Value exp = b.create<math::ExpOp>(loc, negated);
  Value denominator = b.create<arith::AddFOp>(loc, one, exp);
  return b.create<arith::DivFOp>(loc, one, denominator);
}
Value computeScalar(bp::Exp2Op, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::Exp2Op>(loc, a[0]);
}
Value computeScalar(bp::Log2Op, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::Log2Op>(loc, a[0]);
}
Value computeScalar(bp::Log10Op, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::Log10Op>(loc, a[0]);
}
Value computeScalar(bp::TanOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::TanOp>(loc, a[0]);
}
Value computeScalar(bp::AsinOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::AsinOp>(loc, a[0]);
}
Value computeScalar(bp::AcosOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::AcosOp>(loc, a[0]);
}
Value computeScalar(bp::AtanOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::AtanOp>(loc, a[0]);
}
Value computeScalar(bp::SinhOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::SinhOp>(loc, a[0]);
}
Value computeScalar(bp::CoshOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::CoshOp>(loc, a[0]);
}
Value computeScalar(bp::AsinhOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::AsinhOp>(loc, a[0]);
}
Value computeScalar(bp::AcoshOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::AcoshOp>(loc, a[0]);
}
Value computeScalar(bp::AtanhOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::AtanhOp>(loc, a[0]);
}
Value computeScalar(bp::CbrtOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::CbrtOp>(loc, a[0]);
}
Value computeScalar(bp::FloorOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::FloorOp>(loc, a[0]);
}
Value computeScalar(bp::CeilOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::CeilOp>(loc, a[0]);
}
Value computeScalar(bp::RoundOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::RoundEvenOp>(loc, a[0]);
}
Value computeScalar(bp::TruncOp, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::TruncOp>(loc, a[0]);
}
Value computeScalar(bp::Atan2Op, OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::Atan2Op>(loc, a[0], a[1]);
}

// expm1 and log1p are spelled out: convert-math-to-llvm, which the CPU
// pipeline runs before convert-math-to-libm, lowers math.expm1 to `exp(x) - 1`
// and math.log1p to `log(1 + x)`, losing every digit near 0. Kahan's forms
// below correct the rounding of u = exp(x) (u = 1 + x) and are accurate to a
// few ulp everywhere.

/// expm1(x) = (u - 1) * x / log(u) with u = exp(x); x where u == 1; -1 where
/// u - 1 == -1 (x very negative); u - 1 where u is inf.
Value computeScalar(bp::Expm1Op, OpBuilder &b, Location loc, ValueRange a) {
  Value x = a[0];
  Type type = x.getType();
  Value one = createScalarConstant(b, loc, type, 1.0);
  Value u = b.create<math::ExpOp>(loc, x);
  Value um1 = b.create<arith::SubFOp>(loc, u, one);
  Value logU = b.create<math::LogOp>(loc, u);
  Value corrected = b.create<arith::DivFOp>(
      loc, b.create<arith::MulFOp>(loc, um1, x), logU);
  Value uIsOne = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, u, one);
  Value minusOne = createScalarConstant(b, loc, type, -1.0);
  Value saturated =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, um1, minusOne);
  Value inf = createScalarConstant(b, loc, type, INFINITY);
  Value overflow = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, u, inf);
  Value r = b.create<arith::SelectOp>(loc, overflow, u, corrected);
  r = b.create<arith::SelectOp>(loc, saturated, minusOne, r);
  return b.create<arith::SelectOp>(loc, uIsOne, x, r);
}

/// log1p(x) = log(u) * x / (u - 1) with u = 1 + x; x where u == 1; log(u)
/// where u is inf.
Value computeScalar(bp::Log1pOp, OpBuilder &b, Location loc, ValueRange a) {
  Value x = a[0];
  Type type = x.getType();
  Value one = createScalarConstant(b, loc, type, 1.0);
  Value u = b.create<arith::AddFOp>(loc, x, one);
  Value logU = b.create<math::LogOp>(loc, u);
  Value um1 = b.create<arith::SubFOp>(loc, u, one);
  Value corrected = b.create<arith::DivFOp>(
      loc, b.create<arith::MulFOp>(loc, logU, x), um1);
  Value uIsOne = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, u, one);
  Value inf = createScalarConstant(b, loc, type, INFINITY);
  Value overflow = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, u, inf);
  Value r = b.create<arith::SelectOp>(loc, overflow, logU, corrected);
  return b.create<arith::SelectOp>(loc, uIsOne, x, r);
}
Value computeScalar(bp::NotOp, OpBuilder &b, Location loc, ValueRange a) {
  // xor with all ones: logical not on i1, bitwise not on integers.
  Value allOnes = b.create<arith::ConstantOp>(
      loc, b.getIntegerAttr(a[0].getType(), -1));
  return b.create<arith::XOrIOp>(loc, a[0], allOnes);
}

/// Lowers any elementwise bp op to one broadcasting linalg.generic whose body
/// is `computeScalar(op, ...)`.
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return computeScalar(op, b, loc, args);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// bp.cast: the generic converts with NumPy astype semantics.
struct CastLowering : OpConversionPattern<bp::CastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(bp::CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return convertScalar(b, loc, args[0], resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateElementwisePatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<
      ElementwiseLowering<bp::AddOp>, ElementwiseLowering<bp::SubOp>,
      ElementwiseLowering<bp::MulOp>, ElementwiseLowering<bp::DivOp>,
      ElementwiseLowering<bp::FloorDivOp>, ElementwiseLowering<bp::RemOp>,
      ElementwiseLowering<bp::PowOp>, ElementwiseLowering<bp::MaxOp>,
      ElementwiseLowering<bp::MinOp>, ElementwiseLowering<bp::AndOp>,
      ElementwiseLowering<bp::OrOp>, ElementwiseLowering<bp::XorOp>,
      ElementwiseLowering<bp::CmpOp>, ElementwiseLowering<bp::WhereOp>,
      ElementwiseLowering<bp::NegOp>, ElementwiseLowering<bp::ExpOp>,
      ElementwiseLowering<bp::LogOp>, ElementwiseLowering<bp::TanhOp>,
      ElementwiseLowering<bp::SinOp>, ElementwiseLowering<bp::CosOp>,
      ElementwiseLowering<bp::SqrtOp>, ElementwiseLowering<bp::AbsOp>,
      ElementwiseLowering<bp::SigmoidOp>, ElementwiseLowering<bp::NotOp>,
      ElementwiseLowering<bp::Exp2Op>,
      ElementwiseLowering<bp::Log2Op>,
      ElementwiseLowering<bp::Log10Op>,
      ElementwiseLowering<bp::TanOp>,
      ElementwiseLowering<bp::AsinOp>,
      ElementwiseLowering<bp::AcosOp>,
      ElementwiseLowering<bp::AtanOp>,
      ElementwiseLowering<bp::SinhOp>,
      ElementwiseLowering<bp::CoshOp>,
      ElementwiseLowering<bp::AsinhOp>,
      ElementwiseLowering<bp::AcoshOp>,
      ElementwiseLowering<bp::AtanhOp>,
      ElementwiseLowering<bp::CbrtOp>,
      ElementwiseLowering<bp::FloorOp>,
      ElementwiseLowering<bp::CeilOp>,
      ElementwiseLowering<bp::RoundOp>,
      ElementwiseLowering<bp::TruncOp>,
      ElementwiseLowering<bp::Atan2Op>,
      ElementwiseLowering<bp::Expm1Op>,
      ElementwiseLowering<bp::Log1pOp>,
      CastLowering>(ctx);
}

} // namespace bpc::lowering
