//===- Passes.td - Passes of bpc's own pipelines -----------*- tablegen -*-===//
//
// The few passes the named pipelines (Pipelines.h) need beyond upstream MLIR:
// each is a small, target-independent rewrite that makes the generated code
// fast without changing a single computed bit (DESIGN.md §3: eager and jitted
// code agree bit for bit, so no pass here may reassociate or contract
// floating-point arithmetic).
//
//===----------------------------------------------------------------------===//

#ifndef BPC_PIPELINES_PASSES_TD
#define BPC_PIPELINES_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// On tensors
//===----------------------------------------------------------------------===//

def FoldTransposesPass : Pass<"bpc-fold-transposes"> {
  let summary = "Linalg ops read the input of a linalg.transpose through a "
                "permuted indexing map instead of a transposed copy";
  let description = [{
    On tensors, every linalg op input produced by a `linalg.transpose` is
    read from the transpose's input through the permuted indexing map
    instead (named ops are generalized first), so the transposes that
    reverse mode emits (`x^T @ dh`) are not copied; unused transposes are
    erased. Same elements, same arithmetic.

      - `linalg.<op> ins(linalg.transpose x perm(p)) {map m}` =>
        `linalg.generic ins(x) {map m composed with p}`
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FuseElementwisePass : Pass<"bpc-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg.generic producers into their "
                "consumers when nothing is recomputed";
  let description = [{
    Fuses producer `linalg.generic`s with only parallel loops into their
    single consumer when the consumer reads each produced element exactly
    once (its indexing map for the operand is a permutation), so a chain of
    elementwise ops becomes one loop nest without temporaries and nothing is
    recomputed. The fused body runs the same scalar ops in the same order, so
    results do not change.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def InterchangeLoopsPass : Pass<"bpc-interchange-loops"> {
  let summary = "Generalize named linalg ops and order their loops for "
                "contiguous inner loops, keeping the order of reductions";
  let description = [{
    Generalizes named linalg ops (matvec, vecmat, matmul, ...) and reorders
    the loops of each op so that loops indexing the contiguous (last)
    dimension of more operands are inner loops, e.g. `v @ X` iterates over
    rows of X outside and columns inside. Reduction loops keep their
    relative order, so each result element sums its terms in the same order
    as before and results are bit-identical.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def LoopCarriedDestinationsPass : Pass<"bpc-loop-carried-destinations"> {
  let summary = "Loop bodies compute carried tensors into their own block "
                "arguments";
  let description = [{
    In scf.while/scf.for bodies, the elementwise `linalg.generic` that
    produces a yielded tensor writes into the block argument that the value
    replaces, when nothing reads that argument after it, so bufferization
    updates loop-carried values (a traced loop's Variables) in place instead
    of allocating and copying them every iteration. Destinations of
    elementwise ops are only shapes in tensor semantics, so results do not
    change.

      - `%y = linalg.generic ... outs(%e) ; scf.yield %y` (replacing `%arg`)
        => `%y = linalg.generic ... outs(%arg) ; scf.yield %y`
  }];
}

def ResultsToOutParamsPass : Pass<"bpc-results-to-out-params", "mlir::ModuleOp"> {
  let summary = "Exported kernels compute their tensor results into trailing "
                "out-param arguments";
  let description = [{
    Destination passing for the exported kernels (`func.func`s marked
    `llvm.emit_c_interface`). Every ordinary tensor result gets a new
    trailing argument of its type (after the dyn Variables) and is computed
    into it: the `tensor.empty` that starts the producing chain of
    destination-style ops is replaced by the argument, or else the value is
    copied into it with `linalg.copy`. The result is then equivalent to the
    argument, so after one-shot bufferization
    `drop-equivalent-buffer-results` removes it and the kernel writes
    straight into the caller's buffer. Results that are the new values of
    dyn Variables (arguments marked `bp.var`, already computed into their own
    tensors by the bp lowering) are left alone.

      - `func.func @k(xs) -> r` => `func.func @k(xs, %out) -> r` with `r`
        computed into `%out`
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

//===----------------------------------------------------------------------===//
// On buffers
//===----------------------------------------------------------------------===//

def HoistLoopAllocsPass : Pass<"bpc-hoist-loop-allocs"> {
  let summary = "Buffers that live for one loop iteration are allocated once, "
                "before the loop";
  let description = [{
    On buffers, before deallocation: an allocation of static shape inside
    scf.while/scf.for whose buffer cannot outlive an iteration (used only by
    linalg ops and memref.load/store) moves before the outermost such loop,
    so a loop body does not allocate.
  }];
}

def TileMatmulPass : Pass<"bpc-tile-matmul"> {
  let summary = "Matmul-like linalg ops on buffers to register-tiled vector "
                "loops, keeping the order of each element's additions";
  let description = [{
    Rewrites matmul-like linalg ops on buffers (C[u, v] += A[u, k] * B[k, v]
    in any layout where v is contiguous in C and B, e.g. `x @ w` and
    `x^T @ dh`) into loops over MR x NR register tiles of C held in vectors
    for the whole k loop, then the rows left over one at a time and the
    columns left over one vector at a time (the last, partial one masked).
    Each element of C still adds its terms one k after the other, without
    fused multiply-adds, so results are bit-identical.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
  let options = [
    Option<"rows", "rows", "unsigned", /*default=*/"4",
           "Rows of C per register tile (MR)">,
    Option<"vectors", "vectors", "unsigned", /*default=*/"3",
           "Vectors across a row of C per register tile">,
    Option<"vectorWidth", "vector-width", "unsigned", /*default=*/"16",
           "Elements per vector (VW)">,
  ];
}

//===----------------------------------------------------------------------===//
// Math
//===----------------------------------------------------------------------===//

def ExpandMathPass : Pass<"bpc-expand-math"> {
  let summary = "Expand f32 math.exp into vectorisable arithmetic (within "
                "1.01 ulp, exact special cases)";
  let description = [{
    Rewrites `math.exp` on f32 (scalars and vectors) into branch-free
    polynomial arithmetic, so loops that call it vectorise instead of calling
    libm's scalar `expf` per element. Exhaustively checked over all 2^32
    inputs: at most 1.01 ulp from the exact value (libm's expf is within
    0.5-1 ulp), subnormal results rounded once, and exact special cases:
    exp(NaN) = NaN, exp(+inf) = +inf, exp(-inf) = +0, overflow to +inf for
    x > 88.7228, underflow to +0 for x < -103.9721. Other math ops and f64
    are left to libm.

      - `math.exp x : f32` => `2^n * (1 + r + r^2 P(r))`, `n = round(x / ln 2)`,
        `r = x - n ln 2`
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

#endif // BPC_PIPELINES_PASSES_TD
