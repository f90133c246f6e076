//===- BPInterfaces.h - Op interfaces of the bp dialect ---------*- C++ -*-===//

#ifndef BPC_DIALECT_BP_IR_BPINTERFACES_H
#define BPC_DIALECT_BP_IR_BPINTERFACES_H

#include "mlir/IR/OpDefinition.h"

#include <optional>

namespace bpc::bp {

/// Dimension `dim` of the ranked tensor `value`.
struct DimRef {
  mlir::Value value;
  int64_t dim;
};

/// The tensor dimension that the `index` value `size` was read from with
/// `bp.dim`, if it was.
std::optional<DimRef> getDimOfSize(mlir::Value size);

/// NumPy broadcasting: appends the `?` dimension of each ranked tensor in
/// `operands` that is aligned (from the right) with dimension `dim` of
/// `result`. Operands whose aligned dimension is a static 1 broadcast and
/// give nothing; a static size other than 1 would have made `dim` static.
void getBroadcastDimSources(mlir::Value result, unsigned dim,
                            mlir::ValueRange operands,
                            llvm::SmallVectorImpl<DimRef> &sources);

} // namespace bpc::bp

#include "bpc/Dialect/BP/IR/BPInterfaces.h.inc"

#endif // BPC_DIALECT_BP_IR_BPINTERFACES_H
