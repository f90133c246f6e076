//===- Passes.td - Lowerings out of the bp dialect ---------*- tablegen -*-===//

#ifndef BPC_CONVERSION_PASSES_TD
#define BPC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// BPToLinalg
//===----------------------------------------------------------------------===//

def BPCLowerBPToLinalg : Pass<"bpc-lower-bp-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lowers the bp dialect to func/linalg/tensor/arith/math";
  let description = [{
    A dialect conversion with every `bp` op illegal, so that an op without a
    lowering is an error instead of silently surviving (and no greedy driver
    runs, which could delete destination-only computation, TOOLCHAIN P7).

    Functions and constants:
      - `bp.func @f(args) vars(vs) -> rs` => `func.func @f(args, vs) -> (rs,
        typeof(vs)) attributes {llvm.emit_c_interface}`, keeping `bp.dims` and
        `bp.var` argument attributes.
      - `bp.return rs vars(vs)` => `func.return rs, vs'` where each new
        Variable value `v'` is computed into the Variable's own tensor: the
        `tensor.empty` destination of the op chain producing it is replaced by
        the Variable block argument, or else `linalg.copy ins(v) outs(var)`.
        `--bpc-bufferize` then drops the result and updates the buffer in place.
      - `bp.constant dense<...>` => `arith.constant dense<...>`
      - `bp.global @g = v` => `memref.global "private" constant @g = v`
      - `bp.frozen @g` => `bufferization.to_tensor (memref.get_global @g) restrict`

    Elementwise (NumPy broadcasting; a size-1 dimension reads index 0, a
    missing leading dimension is dropped from the operand's indexing map):
      - `bp.<binary|unary|cmp|where|cast> xs` => `linalg.generic ins(xs)
        outs(tensor.empty)` with the scalar op in the body;
        `floordiv` => `divsi` corrected toward -inf / `floor(a / b)`,
        `rem` => `r = rem(a, b); r != 0 && sign(r) != sign(b) ? r + b : r`,
        `pow` => `math.powf` / square-and-multiply, `sigmoid` => `1 / (1 + exp(-x))`.

    Structured:
      - `bp.matmul` => `linalg.dot | matvec | vecmat | matmul` on a
        `linalg.fill`ed zero init; batched operands => `linalg.generic`.
      - `bp.sum|mean|reduce_max|reduce_min` => `linalg.generic` with reduction
        iterators on a filled init (`0`, `-inf`/`+inf`, int extremes), then
        `/ count` for mean and `tensor.expand_shape` for keepdims.
      - `bp.argmax|argmin` => `linalg.generic` with a (value, index) pair of
        accumulators; the first extremum (or first NaN) wins, as in NumPy.

    Shape and creation:
      - `bp.dim` => `tensor.dim`; `bp.broadcast_to` => broadcasting
        `linalg.generic`; `bp.transpose` => `linalg.transpose`;
        `bp.reshape` => `tensor.reshape`.
      - `bp.slice` => `tensor.extract_slice`.
      - `bp.update_slice e into v[s]`, `bp.update_index e into v[i]` =>
        `tensor.insert_slice (linalg.generic ins(e) outs(tensor.extract_slice
        v[s])) into v[s]`, so that bufferization writes through a subview of
        v's buffer (a full slice of the same type => `e`). An index keeps its
        dimension with size 1, or 0 when out of range (the write is dropped).
      - `bp.index x[i]` => `linalg.generic` over the result yielding
        `tensor.extract x[clamp(i), ...]` (zero when the axis is empty).
      - `bp.concatenate` => one `linalg.copy` into an `extract_slice` /
        `insert_slice` pair per input, in a `tensor.empty` of the result.
      - `bp.zeros|ones|full` => `linalg.fill`; `bp.arange|linspace|eye` =>
        `linalg.generic` over `linalg.index`.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::bufferization::BufferizationDialect",
    "mlir::func::FuncDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect",
    "mlir::memref::MemRefDialect",
    "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect",
  ];
}

#endif // BPC_CONVERSION_PASSES_TD
