//===- BPDialect.td - The bp dialect and its op base class -*- tablegen -*-===//
//
// The IR that the tracer emits: NumPy-style array math on builtin ranked
// tensors, with BrainPy's dynamic Variables made explicit.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_DIALECT_BP_IR_BPDIALECT_TD
#define BPC_DIALECT_BP_IR_BPDIALECT_TD

include "mlir/IR/OpBase.td"

def BP_Dialect : Dialect {
  let name = "bp";
  let cppNamespace = "::bpc::bp";
  let summary = "Array math of traced BrainPy functions.";
  let description = [{
    The `bp` dialect is what the tracer emits for the array values of a
    jitted function and what the lowering to linalg consumes.

    - Values are builtin ranked tensors of `f32`, `f64`, `i32`, `i64` or `i1`
      (Python's bool). A `?` dimension is a symbolic dimension; the names of
      the symbolic dimensions of a function argument (`f32[n, d]`) are kept in
      the `bp.dims` argument attribute.
    - Nothing mutates. `bp.func` takes the dynamic Variables as block
      arguments after the ordinary arguments and `bp.return` yields their new
      values; bufferization later makes each new value alias its argument.
      Frozen (non-dyn) Variables are `bp.global`s read with `bp.frozen`.
    - NumPy broadcasting is explicit in result types; dtype promotion is not
      done by the ops: the tracer inserts `bp.cast` so that operands of an
      elementwise op have one element type.

    TODO: RNG ops (counter-based Philox/Threefry on an explicit key Variable).
  }];

  let hasConstantMaterializer = 1;
  // Checks `bp.dims` / `bp.var` wherever they sit on function arguments.
  let hasRegionArgAttrVerify = 1;

  let extraClassDeclaration = [{
    /// Argument attribute: names of the dimensions of an array argument.
    static constexpr ::llvm::StringLiteral getDimsAttrName() {
      return ::llvm::StringLiteral("bp.dims");
    }
    /// Argument attribute: the path (`lr.w`) of a dynamic Variable argument.
    static constexpr ::llvm::StringLiteral getVarAttrName() {
      return ::llvm::StringLiteral("bp.var");
    }
  }];
}

class BP_Op<string mnemonic, list<Trait> traits = []>
    : Op<BP_Dialect, mnemonic, traits>;

#endif // BPC_DIALECT_BP_IR_BPDIALECT_TD
