//===- BPInterfaces.td - Op interfaces of the bp dialect ---*- tablegen -*-===//
//
// What passes and the library emitter ask of bp ops without knowing each op.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_DIALECT_BP_IR_BPINTERFACES_TD
#define BPC_DIALECT_BP_IR_BPINTERFACES_TD

include "mlir/IR/OpBase.td"

//===----------------------------------------------------------------------===//
// DimSourceOpInterface
//===----------------------------------------------------------------------===//

def BP_DimSourceOpInterface : OpInterface<"DimSourceOpInterface"> {
  let cppNamespace = "::bpc::bp";
  let description = [{
    Says which operand dimensions a `?` dimension of a result is equal to at
    run time. `bpc build` follows these equalities from a function's
    arguments to its results, so that the C header declares a result as
    `f32[n, m]` in the symbols of the arguments' annotations and the entry
    point checks or allocates exactly that size.

    A source is a dimension of a tensor operand, or the tensor dimension that
    an `index` operand was read from with `bp.dim` (`getDimOfSize`). A size
    that is no single operand dimension (the sum along a concatenated axis,
    a reshape's inferred `-1`, a slice `1:`) has no source: answering
    "unknown" is always correct, a wrong source never is.

    The default implementation is NumPy broadcasting over all tensor
    operands (right-aligned; a static 1 broadcasts), the rule of every
    elementwise op.
  }];
  let methods = [
    InterfaceMethod<[{
        Appends to `sources` the operand dimensions that dimension `dim` of
        result `resultIndex` equals at run time; every one of them equals it.
        Appends nothing when the size cannot be named that way.
      }],
      "void", "getResultDimSources",
      (ins "unsigned":$resultIndex, "unsigned":$dim,
           "::llvm::SmallVectorImpl<::bpc::bp::DimRef> &":$sources),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        ::bpc::bp::getBroadcastDimSources($_op->getResult(resultIndex), dim,
                                          $_op->getOperands(), sources);
      }]>
  ];
}

// An op whose `?` result dimensions follow NumPy broadcasting of its operands.
defvar BP_BroadcastDimSources = BP_DimSourceOpInterface;
// An op with its own rule, in BPInterfaces.cpp (a method with a default must
// be named to be declared).
defvar BP_DimSources = DeclareOpInterfaceMethods<BP_DimSourceOpInterface,
                                                 ["getResultDimSources"]>;

#endif // BPC_DIALECT_BP_IR_BPINTERFACES_TD
