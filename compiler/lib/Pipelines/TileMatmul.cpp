//===- TileMatmul.cpp - Register-tiled vector code for matmul-like ops ----===//
//
// `convert-linalg-to-loops` turns `C += A B` into three loops; after
// `bpc-interchange-loops` the inner one runs along a row of C and LLVM
// vectorises it, but every step of the middle (k) loop loads and stores the
// whole row of C again: the loop is bound by loads and stores, not by
// arithmetic. A register tile keeps an MR x NR block of C in vector
// registers for the whole k loop, so each step costs MR scalar loads of A,
// NR/VW vector loads of B and MR*NR/VW multiplies and adds.
//
// This pass rewrites each matmul-like linalg op on buffers (two parallel
// loops u, v and one reduction loop k; C[u, v] += A[.., k] * B[k, v] in
// any operand layout where v is the contiguous dimension of C and B, e.g.
// `x @ w`, and `x^T @ dh` with the transpose folded into A's map) into
//
//   for v0 in [0, N - N % NR) step NR:        (a column strip of B stays in
//     for u0 in [0, M - M % MR) step MR:       cache while all rows pass)
//       acc[r][c] = C[u0 + r, v0 + c*VW : +VW]              (vector loads)
//       for k in [0, K):                                     (in order)
//         acc[r][c] = acc[r][c] + broadcast(A[u0 + r, k]) * B[k, v0 + c*VW : +VW]
//       C[u0 + r, v0 + c*VW : +VW] = acc[r][c]
//
// followed by the same loops for the rows that do not fill a tile (one row
// at a time) and the columns that do not (one vector at a time, the last
// fewer than a vector with masked loads and stores). The body's multiply and add
// are applied to each element in the same order as the loops did: every
// element of C still sums its terms one k after the other from its initial
// value, without fused multiply-adds, so results are bit-identical
// (DESIGN.md §3); only which elements are worked on at once changes.
//
//===----------------------------------------------------------------------===//

#include "bpc/Pipelines/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

#include <optional>

namespace bpc {
#define GEN_PASS_DEF_TILEMATMULPASS
#include "bpc/Pipelines/Passes.h.inc"
} // namespace bpc

using namespace mlir;

namespace {

/// What the rewrite needs to know about a matmul-like op.
struct Contraction {
  unsigned u, v, k;   // loop positions: row, column, reduction
  OpOperand *a, *b;   // A (no v), B (v contiguous, no u)
  bool outIsLhsOfAdd; // body: addf(out, mul) or addf(mul, out)
  bool aIsLhsOfMul;   // body: mulf(a, b) or mulf(b, a)
  arith::FastMathFlags addFlags, mulFlags;
};

std::optional<unsigned> dimOf(AffineExpr e) {
  if (auto dim = dyn_cast<AffineDimExpr>(e))
    return dim.getPosition();
  return std::nullopt;
}

bool usesDim(AffineMap map, unsigned d) {
  return llvm::any_of(map.getResults(), [&](AffineExpr e) { return dimOf(e) == d; });
}

/// A memref the tile can load from and store to with vector.load/store:
/// the element type of C and a contiguous last dimension.
bool hasUnitStrideRows(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  return type && type.getRank() > 0 && isLastMemrefDimUnitStride(type);
}

/// Matches `C[u, v] = C[u, v] + A * B` with the body exactly one mulf of
/// the two inputs and one addf of it with the output element.
std::optional<Contraction> matchContraction(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() != 3 || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 1)
    return std::nullopt;
  auto elementType =
      dyn_cast<FloatType>(getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType()));
  if (!elementType)
    return std::nullopt;
  for (OpOperand &operand : op->getOpOperands()) {
    if (getElementTypeOrSelf(operand.get().getType()) != elementType ||
        !op.getMatchingIndexingMap(&operand).isProjectedPermutation())
      return std::nullopt;
  }
  Contraction c;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned loop = 0; loop < 3; ++loop)
    if (iterators[loop] == utils::IteratorType::reduction)
      c.k = loop;
  OpOperand *out = op.getDpsInitOperand(0);
  AffineMap outMap = op.getMatchingIndexingMap(out);
  if (outMap.getNumResults() != 2 || usesDim(outMap, c.k) || !hasUnitStrideRows(out->get()))
    return std::nullopt;
  c.u = *dimOf(outMap.getResult(0));
  c.v = *dimOf(outMap.getResult(1));

  OpOperand *in0 = op.getDpsInputOperand(0), *in1 = op.getDpsInputOperand(1);
  auto isB = [&](OpOperand *operand) {
    AffineMap map = op.getMatchingIndexingMap(operand);
    return map.getNumResults() > 0 && dimOf(map.getResults().back()) == c.v && !usesDim(map, c.u) &&
           hasUnitStrideRows(operand->get());
  };
  auto isA = [&](OpOperand *operand) {
    return !usesDim(op.getMatchingIndexingMap(operand), c.v) &&
           isa<MemRefType>(operand->get().getType());
  };
  if (isB(in1) && isA(in0))
    c.a = in0, c.b = in1;
  else if (isB(in0) && isA(in1))
    c.a = in1, c.b = in0;
  else
    return std::nullopt;

  // The body: %m = mulf(in, in); %s = addf(out, %m) (either operand order);
  // yield %s.
  Block *body = op.getBlock();
  if (body->getOperations().size() != 3)
    return std::nullopt;
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  auto add = yield ? yield.getValues()[0].getDefiningOp<arith::AddFOp>() : nullptr;
  if (!add)
    return std::nullopt;
  Value outArg = op.getMatchingBlockArgument(out);
  Value aArg = op.getMatchingBlockArgument(c.a), bArg = op.getMatchingBlockArgument(c.b);
  c.outIsLhsOfAdd = add.getLhs() == outArg;
  auto mul = (c.outIsLhsOfAdd ? add.getRhs() : add.getLhs()).getDefiningOp<arith::MulFOp>();
  if (!mul || (!c.outIsLhsOfAdd && add.getRhs() != outArg))
    return std::nullopt;
  c.aIsLhsOfMul = mul.getLhs() == aArg;
  if (!(c.aIsLhsOfMul ? mul.getRhs() == bArg : mul.getLhs() == bArg && mul.getRhs() == aArg))
    return std::nullopt;
  c.addFlags = add.getFastmath();
  c.mulFlags = mul.getFastmath();
  return c;
}

/// The indices of an operand of `op` at loop position `ivs` (its map is a
/// projected permutation).
SmallVector<Value> indicesOf(linalg::LinalgOp op, OpOperand *operand, ArrayRef<Value> ivs) {
  SmallVector<Value> indices;
  for (AffineExpr e : op.getMatchingIndexingMap(operand).getResults())
    indices.push_back(ivs[*dimOf(e)]);
  return indices;
}

struct TileMatmulPass : bpc::impl::TileMatmulPassBase<TileMatmulPass> {
  using TileMatmulPassBase::TileMatmulPassBase;

  void runOnOperation() override {
    if (rows == 0 || vectors == 0 || vectorWidth == 0) {
      getOperation()->emitError("bpc-tile-matmul: rows, vectors and vector-width must be > 0");
      return signalPassFailure();
    }
    SmallVector<std::pair<linalg::LinalgOp, Contraction>> matches;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (std::optional<Contraction> c = matchContraction(op))
        matches.emplace_back(op, *c);
    });
    IRRewriter rewriter(&getContext());
    for (auto &[op, c] : matches)
      rewrite(rewriter, op, c);
  }

  /// Loops over the tiles of rows [uBegin, uEnd) (a multiple of `mr`
  /// rows) and columns [vBegin, vEnd) (a multiple of `vecs` vectors), each
  /// tile held in `mr * vecs` vectors for the whole k loop. With `mask`,
  /// the one vector per row reads and writes only the lanes it sets (the
  /// last columns, fewer than a vector).
  void emitTiles(OpBuilder &b, Location loc, linalg::LinalgOp op, const Contraction &c,
                 Value uBegin, Value uEnd, int64_t mr, Value vBegin, Value vEnd, int64_t vecs,
                 Value k, Value mask) {
    const int64_t vw = vectorWidth;
    auto index = [&](int64_t i) { return b.create<arith::ConstantIndexOp>(loc, i).getResult(); };
    Value zero = index(0);
    OpOperand *out = op.getDpsInitOperand(0);
    Value aBuf = c.a->get(), bBuf = c.b->get(), cBuf = out->get();
    auto vecType = VectorType::get({vw}, cast<MemRefType>(cBuf.getType()).getElementType());
    Value passThru;
    if (mask)
      passThru = b.create<arith::ConstantOp>(loc, vecType, b.getZeroAttr(vecType));

    auto columnLoop = b.create<scf::ForOp>(loc, vBegin, vEnd, index(vecs * vw));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(columnLoop.getBody());
    Value v0 = columnLoop.getInductionVar();
    auto rowLoop = b.create<scf::ForOp>(loc, uBegin, uEnd, index(mr));
    b.setInsertionPointToStart(rowLoop.getBody());
    Value u0 = rowLoop.getInductionVar();

    SmallVector<Value> rowIv(mr), colIv(vecs);
    for (int64_t r = 0; r < mr; ++r)
      rowIv[r] = r == 0 ? u0 : b.create<arith::AddIOp>(loc, u0, index(r)).getResult();
    for (int64_t j = 0; j < vecs; ++j)
      colIv[j] = j == 0 ? v0 : b.create<arith::AddIOp>(loc, v0, index(j * vw)).getResult();
    auto ivsAt = [&](int64_t r, int64_t j, Value kIv) {
      SmallVector<Value> ivs(3);
      ivs[c.u] = rowIv[r];
      ivs[c.v] = colIv[j];
      ivs[c.k] = kIv;
      return ivs;
    };
    auto load = [&](Value buf, SmallVector<Value> indices) -> Value {
      if (mask)
        return b.create<vector::MaskedLoadOp>(loc, vecType, buf, indices, mask, passThru);
      return b.create<vector::LoadOp>(loc, vecType, buf, indices);
    };

    SmallVector<Value> init;
    for (int64_t r = 0; r < mr; ++r)
      for (int64_t j = 0; j < vecs; ++j)
        init.push_back(load(cBuf, indicesOf(op, out, ivsAt(r, j, zero))));
    auto reductionLoop = b.create<scf::ForOp>(loc, zero, k, index(1), init);
    b.setInsertionPointToStart(reductionLoop.getBody());
    Value kIv = reductionLoop.getInductionVar();
    SmallVector<Value> bVecs;
    for (int64_t j = 0; j < vecs; ++j)
      bVecs.push_back(load(bBuf, indicesOf(op, c.b, ivsAt(0, j, kIv))));
    SmallVector<Value> next;
    for (int64_t r = 0; r < mr; ++r) {
      Value aScalar = b.create<memref::LoadOp>(loc, aBuf, indicesOf(op, c.a, ivsAt(r, 0, kIv)));
      Value aVec = b.create<vector::BroadcastOp>(loc, vecType, aScalar);
      for (int64_t j = 0; j < vecs; ++j) {
        Value acc = reductionLoop.getRegionIterArgs()[r * vecs + j];
        Value prod = c.aIsLhsOfMul ? b.create<arith::MulFOp>(loc, aVec, bVecs[j], c.mulFlags)
                                   : b.create<arith::MulFOp>(loc, bVecs[j], aVec, c.mulFlags);
        Value sum = c.outIsLhsOfAdd ? b.create<arith::AddFOp>(loc, acc, prod, c.addFlags)
                                    : b.create<arith::AddFOp>(loc, prod, acc, c.addFlags);
        next.push_back(sum);
      }
    }
    b.create<scf::YieldOp>(loc, next);
    b.setInsertionPointAfter(reductionLoop);
    for (int64_t r = 0; r < mr; ++r)
      for (int64_t j = 0; j < vecs; ++j) {
        Value tile = reductionLoop.getResult(r * vecs + j);
        SmallVector<Value> indices = indicesOf(op, out, ivsAt(r, j, zero));
        if (mask)
          b.create<vector::MaskedStoreOp>(loc, cBuf, indices, mask, tile);
        else
          b.create<vector::StoreOp>(loc, tile, cBuf, indices);
      }
  }

  void rewrite(IRRewriter &b, linalg::LinalgOp op, const Contraction &c) {
    const int64_t mr = rows, vw = vectorWidth, nr = vectors * vectorWidth;
    SmallVector<int64_t> staticRanges = op.getStaticLoopRanges();
    // Rows narrower than a vector whose row dimension is contiguous in A
    // (h^T @ dp: 200 rows, 1 column) vectorise better across rows, as
    // bpc-interchange-loops orders them.
    int64_t staticN = staticRanges[c.v];
    AffineMap aMap = op.getMatchingIndexingMap(c.a);
    if (!ShapedType::isDynamic(staticN) && staticN < vw && aMap.getNumResults() > 0 &&
        dimOf(aMap.getResults().back()) == c.u)
      return;

    Location loc = op.getLoc();
    b.setInsertionPoint(op);
    SmallVector<Range> ranges = op.createLoopRanges(b, loc);
    auto value = [&](OpFoldResult r) { return getValueOrCreateConstantIndexOp(b, loc, r); };
    auto index = [&](int64_t i) { return b.create<arith::ConstantIndexOp>(loc, i).getResult(); };
    Value m = value(ranges[c.u].size), n = value(ranges[c.v].size), k = value(ranges[c.k].size);
    Value zero = index(0);
    auto roundDown = [&](Value x, int64_t step) {
      return b.createOrFold<arith::SubIOp>(loc, x,
                                           b.createOrFold<arith::RemUIOp>(loc, x, index(step)));
    };
    auto isEmpty = [](Value begin, Value end) {
      std::optional<int64_t> from = getConstantIntValue(begin), to = getConstantIntValue(end);
      return from && to && *from >= *to;
    };
    // Rows: whole tiles of mr rows, then single rows. Columns: tiles of nr,
    // then single vectors, then the last columns under a mask.
    Value mTiles = roundDown(m, mr);
    Value nTiles = roundDown(n, nr), nVectors = roundDown(n, vw);
    Value mask;
    if (!isEmpty(nVectors, n)) {
      Value lanes = b.createOrFold<arith::SubIOp>(loc, n, nVectors);
      mask = b.create<vector::CreateMaskOp>(loc, VectorType::get({vw}, b.getI1Type()), lanes);
    }
    struct Rows {
      Value begin, end;
      int64_t mr;
    };
    struct Columns {
      Value begin, end;
      int64_t vecs;
      Value mask;
    };
    Rows rowBlocks[] = {{zero, mTiles, mr}, {mTiles, m, 1}};
    Columns columnBlocks[] = {
        {zero, nTiles, nr / vw, Value()}, {nTiles, nVectors, 1, Value()}, {nVectors, n, 1, mask}};
    for (const Columns &columns : columnBlocks)
      for (const Rows &rowBlock : rowBlocks)
        if (!isEmpty(columns.begin, columns.end) && !isEmpty(rowBlock.begin, rowBlock.end))
          emitTiles(b, loc, op, c, rowBlock.begin, rowBlock.end, rowBlock.mr, columns.begin,
                    columns.end, columns.vecs, k, columns.mask);
    b.eraseOp(op);
  }
};

} // namespace
