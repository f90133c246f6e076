//===- BPDialect.cpp - The bp dialect -------------------------------------===//

#include "bpc/Dialect/BP/IR/BPDialect.h"
#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace bpc::bp;

#include "bpc/Dialect/BP/IR/BPDialect.cpp.inc"
#include "bpc/Dialect/BP/IR/BPEnums.cpp.inc"

void BPDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "bpc/Dialect/BP/IR/BPOps.cpp.inc"
      >();
}

Operation *BPDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, elements);
}

/// `bp.dims` must name every dimension of its argument: a `?` dimension gets
/// its symbol, a static one "" (a name there would promise a binding that
/// the type already fixes). `bp.var` is a non-empty Variable path.
LogicalResult BPDialect::verifyRegionArgAttribute(Operation *op,
                                                  unsigned regionIndex,
                                                  unsigned argIndex,
                                                  NamedAttribute attribute) {
  auto emitArgError = [&]() {
    return op->emitOpError() << "argument #" << argIndex << ": '"
                             << attribute.getName().getValue() << "' ";
  };
  if (attribute.getName() == getVarAttrName()) {
    auto path = dyn_cast<StringAttr>(attribute.getValue());
    if (!path || path.getValue().empty())
      return emitArgError() << "must be a non-empty string";
    return success();
  }
  if (attribute.getName() != getDimsAttrName())
    return op->emitOpError() << "unknown bp argument attribute '"
                             << attribute.getName().getValue() << "'";

  auto names = dyn_cast<ArrayAttr>(attribute.getValue());
  if (!names || !llvm::all_of(names, llvm::IsaPred<StringAttr>))
    return emitArgError() << "must be an array of strings";
  // Function ops are checked from their signature, which FunctionOpInterface
  // has already matched against the attribute list (the body may not be).
  Type argType;
  if (auto func = dyn_cast<FunctionOpInterface>(op))
    argType = func.getArgumentTypes()[argIndex];
  else if (Region &region = op->getRegion(regionIndex);
           !region.empty() && argIndex < region.getNumArguments())
    argType = region.getArgument(argIndex).getType();
  else
    return success();
  // Ranked tensors in bp, ranked memrefs once the function is bufferized:
  // the names describe the argument's dimensions either way.
  auto type = dyn_cast<ShapedType>(argType);
  if (!type || !type.hasRank())
    return emitArgError() << "needs a ranked tensor or memref argument";
  if (names.size() != static_cast<size_t>(type.getRank()))
    return emitArgError() << "has " << names.size()
                          << " entries but the argument " << type
                          << " has rank " << type.getRank();
  for (auto [dim, name] :
       llvm::enumerate(names.getAsValueRange<StringAttr>())) {
    bool dynamic = type.isDynamicDim(dim);
    if (dynamic && name.empty())
      return emitArgError() << "entry " << dim
                            << " names a '?' dimension and must not be empty";
    if (!dynamic && !name.empty())
      return emitArgError() << "entry " << dim << " ('" << name
                            << "') names a static dimension; use \"\"";
  }
  return success();
}
