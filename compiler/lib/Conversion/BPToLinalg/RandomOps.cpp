//===- RandomOps.cpp - bp random-number ops to linalg ---------------------===//
//
// Threefry-2x32-20 written out in arith ops inside one parallel
// linalg.generic per op: each element hashes its own row-major index, so
// the loops vectorize and parallelize like any elementwise op, and eager,
// jitted, CPU and GPU code compute the same words. The derivations (bits,
// uniform, normal, randint) follow jax/_src/random.py with
// `jax_threefry_partitionable`; runtime/lib/Random.cpp is the independent
// C++ oracle that the unit tests compare against.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace bpc::lowering {
namespace {

/// Scalar i32/i64 arithmetic on words, in one place so the hash reads like
/// its C reference.
struct Words {
  OpBuilder &b;
  Location loc;

  Value i32(uint32_t v) {
    return b.create<arith::ConstantOp>(loc, b.getI32IntegerAttr(static_cast<int32_t>(v)));
  }
  Value add(Value x, Value y) { return b.create<arith::AddIOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.create<arith::MulIOp>(loc, x, y); }
  Value xor_(Value x, Value y) { return b.create<arith::XOrIOp>(loc, x, y); }
  Value or_(Value x, Value y) { return b.create<arith::OrIOp>(loc, x, y); }
  Value shl(Value x, Value y) { return b.create<arith::ShLIOp>(loc, x, y); }
  Value shr(Value x, Value y) { return b.create<arith::ShRUIOp>(loc, x, y); }
  Value remu(Value x, Value y) { return b.create<arith::RemUIOp>(loc, x, y); }
  Value rotl(Value x, uint32_t r) { return or_(shl(x, i32(r)), shr(x, i32(32 - r))); }

  /// Threefry-2x32 with 20 rounds of the counter pair (x0, x1) under key
  /// (k0, k1), as Random123 and JAX's `_threefry2x32_lowering` define it.
  std::pair<Value, Value> threefry(Value k0, Value k1, Value x0, Value x1) {
    static const uint32_t rotA[4] = {13, 15, 26, 6};
    static const uint32_t rotB[4] = {17, 29, 16, 24};
    // The Skein key schedule parity constant.
    Value ks[3] = {k0, k1, xor_(xor_(k0, k1), i32(0x1BD11BDAu))};
    x0 = add(x0, ks[0]);
    x1 = add(x1, ks[1]);
    // 20 rounds = 5 groups of 4, a key injection after each group.
    for (uint32_t group = 1; group <= 5; ++group) {
      const uint32_t *rot = group % 2 ? rotA : rotB;
      for (int i = 0; i < 4; ++i) {
        x0 = add(x0, x1);
        x1 = rotl(x1, rot[i]);
        x1 = xor_(x1, x0);
      }
      x0 = add(x0, ks[group % 3]);
      x1 = add(x1, add(ks[(group + 1) % 3], i32(group)));
    }
    return {x0, x1};
  }

  /// The hash of a 64-bit element index split as (hi, lo): the
  /// partitionable scheme's counter.
  std::pair<Value, Value> hashIndex(Value k0, Value k1, Value index64) {
    Value hi = b.create<arith::TruncIOp>(
        loc, b.getI32Type(),
        b.create<arith::ShRUIOp>(
            loc, index64, b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(32))));
    Value lo = b.create<arith::TruncIOp>(loc, b.getI32Type(), index64);
    return threefry(k0, k1, hi, lo);
  }

  /// jax.random.bits' 32-bit word of element `index64`.
  Value bits32(Value k0, Value k1, Value index64) {
    auto [y0, y1] = hashIndex(k0, k1, index64);
    return xor_(y0, y1);
  }
};

/// The two words of a key (a tensor<2xi32>), read before the loop.
std::pair<Value, Value> keyWords(OpBuilder &b, Location loc, Value key) {
  auto word = [&](int64_t i) {
    Value idx = b.create<arith::ConstantIndexOp>(loc, i);
    return b.create<tensor::ExtractOp>(loc, key, ValueRange{idx}).getResult();
  };
  return {word(0), word(1)};
}

/// The row-major index of the current iteration of a generic over `type`,
/// as i64.
Value linearIndex(OpBuilder &b, Location loc, RankedTensorType type) {
  Value linear = b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(0));
  for (int64_t d = 0; d < type.getRank(); ++d) {
    Value i = b.create<arith::IndexCastOp>(loc, b.getI64Type(),
                                           b.create<linalg::IndexOp>(loc, d));
    Value size = b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(type.getDimSize(d)));
    linear = b.create<arith::AddIOp>(loc, b.create<arith::MulIOp>(loc, linear, size), i);
  }
  return linear;
}

/// One parallel generic over `type` whose body sees the bounds' elements
/// (broadcast from 0-d when needed) and the element's index.
Value buildRandom(OpBuilder &b, Location loc, RankedTensorType type, ValueRange bounds,
                  llvm::function_ref<Value(OpBuilder &, Location, ValueRange, Value)> body) {
  return buildElementwise(b, loc, type, bounds,
                          [&](OpBuilder &nb, Location nloc, ValueRange args) {
                            return body(nb, nloc, args, linearIndex(nb, nloc, type));
                          });
}

/// jax.random's `_uniform` of one element: random mantissa bits under the
/// exponent of 1.0 give [1, 2); minus 1, fused scale and shift, clamped below.
Value uniformFromWord(OpBuilder &b, Location loc, FloatType type, Value bits,
                      Value minval, Value maxval) {
  Value one;
  Value f;
  if (type.isF32()) {
    Words w{b, loc};
    Value mantissa = w.or_(w.shr(bits, w.i32(32 - 23)), w.i32(0x3F800000u));
    f = b.create<arith::BitcastOp>(loc, type, mantissa);
  } else {
    auto c64 = [&](uint64_t v) {
      return b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(static_cast<int64_t>(v)));
    };
    Value mantissa = b.create<arith::OrIOp>(
        loc, b.create<arith::ShRUIOp>(loc, bits, c64(64 - 52)), c64(0x3FF0000000000000ull));
    f = b.create<arith::BitcastOp>(loc, type, mantissa);
  }
  one = b.create<arith::ConstantOp>(loc, b.getFloatAttr(type, 1.0));
  f = b.create<arith::SubFOp>(loc, f, one);
  Value range = b.create<arith::SubFOp>(loc, maxval, minval);
  Value v = b.create<math::FmaOp>(loc, f, range, minval);
  return b.create<arith::MaximumFOp>(loc, minval, v);
}

/// The 64-bit word of element `index64` that JAX's f64 uniform uses:
/// `(y0 << 32) | y1`.
Value bits64(OpBuilder &b, Location loc, Value k0, Value k1, Value index64) {
  Words w{b, loc};
  auto [y0, y1] = w.hashIndex(k0, k1, index64);
  Value hi = b.create<arith::ExtUIOp>(loc, b.getI64Type(), y0);
  Value lo = b.create<arith::ExtUIOp>(loc, b.getI64Type(), y1);
  Value shift = b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(32));
  return b.create<arith::OrIOp>(loc, b.create<arith::ShLIOp>(loc, hi, shift), lo);
}

/// erfinv in single precision: Giles' polynomial in XLA's ErfInv32 form,
/// each Horner step an FMA (as XLA emits it).
Value erfinvF32(OpBuilder &b, Location loc, Value x) {
  static const float small[9] = {2.81022636e-08f,  3.43273939e-07f, -3.5233877e-06f,
                                 -4.39150654e-06f, 0.00021858087f,  -0.00125372503f,
                                 -0.00417768164f,  0.246640727f,    1.50140941f};
  static const float large[9] = {-0.000200214257f, 0.000100950558f, 0.00134934322f,
                                 -0.00367342844f,  0.00573950773f,  -0.0076224613f,
                                 0.00943887047f,   1.00167406f,     2.83297682f};
  auto c = [&](float v) { return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(v)); };
  Value negX = b.create<arith::NegFOp>(loc, x);
  Value w = b.create<arith::NegFOp>(
      loc, b.create<math::Log1pOp>(loc, b.create<arith::MulFOp>(loc, negX, x)));
  Value isSmall = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, w, c(5.0f));
  Value wSmall = b.create<arith::SubFOp>(loc, w, c(2.5f));
  Value wLarge = b.create<arith::SubFOp>(loc, b.create<math::SqrtOp>(loc, w), c(3.0f));
  Value t = b.create<arith::SelectOp>(loc, isSmall, wSmall, wLarge);
  Value p = b.create<arith::SelectOp>(loc, isSmall, c(small[0]), c(large[0]));
  for (int i = 1; i < 9; ++i) {
    Value coeff = b.create<arith::SelectOp>(loc, isSmall, c(small[i]), c(large[i]));
    p = b.create<math::FmaOp>(loc, p, t, coeff);
  }
  Value result = b.create<arith::MulFOp>(loc, p, x);
  // erfinv(+-1) = +-inf: x * inf.
  Value isOne = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ,
                                        b.create<math::AbsFOp>(loc, x), c(1.0f));
  Value inf = b.create<arith::MulFOp>(loc, x, c(std::numeric_limits<float>::infinity()));
  return b.create<arith::SelectOp>(loc, isOne, inf, result);
}

struct RandomSplitLowering : OpConversionPattern<bp::RandomSplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(bp::RandomSplitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto [k0, k1] = keyWords(rewriter, loc, adaptor.getKey());
    RankedTensorType type = op.getType();
    // Key i is the hash of (0, i); its row holds both words.
    Value result = buildElementwise(
        rewriter, loc, type, ValueRange{}, [&](OpBuilder &b, Location l, ValueRange) {
          Words w{b, l};
          Value row = b.create<arith::IndexCastOp>(l, b.getI64Type(),
                                                   b.create<linalg::IndexOp>(l, 0));
          Value column = b.create<linalg::IndexOp>(l, 1);
          auto [y0, y1] = w.hashIndex(k0, k1, row);
          Value first = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, column,
                                                b.create<arith::ConstantIndexOp>(l, 0));
          return b.create<arith::SelectOp>(l, first, y0, y1).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct RandomBitsLowering : OpConversionPattern<bp::RandomBitsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(bp::RandomBitsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto [k0, k1] = keyWords(rewriter, loc, adaptor.getKey());
    rewriter.replaceOp(op, buildRandom(rewriter, loc, op.getType(), ValueRange{},
                                       [&](OpBuilder &b, Location l, ValueRange, Value i) {
                                         return Words{b, l}.bits32(k0, k1, i);
                                       }));
    return success();
  }
};

struct RandomUniformLowering : OpConversionPattern<bp::RandomUniformOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(bp::RandomUniformOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto [k0, k1] = keyWords(rewriter, loc, adaptor.getKey());
    RankedTensorType type = op.getType();
    auto floatType = cast<FloatType>(type.getElementType());
    Value result = buildRandom(
        rewriter, loc, type, ValueRange{adaptor.getMinval(), adaptor.getMaxval()},
        [&](OpBuilder &b, Location l, ValueRange args, Value i) {
          Value bits = floatType.isF32() ? Words{b, l}.bits32(k0, k1, i)
                                         : bits64(b, l, k0, k1, i);
          return uniformFromWord(b, l, floatType, bits, args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct RandomNormalLowering : OpConversionPattern<bp::RandomNormalOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(bp::RandomNormalOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto [k0, k1] = keyWords(rewriter, loc, adaptor.getKey());
    // u is uniform in (-1, 1): the lower bound nextafter(-1, 0) keeps
    // erfinv finite, as in JAX's _normal_real.
    const float lo = std::nextafter(-1.0f, 0.0f);
    const float sqrt2 = static_cast<float>(std::sqrt(2.0));
    Value result = buildRandom(
        rewriter, loc, op.getType(), ValueRange{},
        [&](OpBuilder &b, Location l, ValueRange, Value i) {
          auto c = [&](float v) { return b.create<arith::ConstantOp>(l, b.getF32FloatAttr(v)); };
          Value u = uniformFromWord(b, l, b.getF32Type(), Words{b, l}.bits32(k0, k1, i), c(lo),
                                    c(1.0f));
          return b.create<arith::MulFOp>(l, c(sqrt2), erfinvF32(b, l, u)).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct RandomIntLowering : OpConversionPattern<bp::RandomIntOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(bp::RandomIntOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto [k0, k1] = keyWords(rewriter, loc, adaptor.getKey());
    // JAX splits the key in two: the keys (0, 0) and (0, 1) of split(key).
    Words outer{rewriter, loc};
    auto [a0, a1] = outer.threefry(k0, k1, outer.i32(0), outer.i32(0));
    auto [b0, b1] = outer.threefry(k0, k1, outer.i32(0), outer.i32(1));
    Value result = buildRandom(
        rewriter, loc, op.getType(), ValueRange{adaptor.getMinval(), adaptor.getMaxval()},
        [&](OpBuilder &b, Location l, ValueRange args, Value i) {
          Words w{b, l};
          Value minval = args[0], maxval = args[1];
          Value higher = w.bits32(a0, a1, i);
          Value lower = w.bits32(b0, b1, i);
          // The span as unsigned, 1 when maxval <= minval (then minval is
          // always the result).
          Value empty = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sle, maxval, minval);
          Value span = b.create<arith::SelectOp>(
              l, empty, w.i32(1), b.create<arith::SubIOp>(l, maxval, minval));
          Value multiplier = w.remu(w.i32(1u << 16), span);
          multiplier = w.remu(w.mul(multiplier, multiplier), span);
          Value offset = w.add(w.mul(w.remu(higher, span), multiplier), w.remu(lower, span));
          offset = w.remu(offset, span);
          return w.add(minval, offset);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateRandomPatterns(RewritePatternSet &patterns) {
  patterns.add<RandomSplitLowering, RandomBitsLowering, RandomUniformLowering,
               RandomNormalLowering, RandomIntLowering>(patterns.getContext());
}

} // namespace bpc::lowering
