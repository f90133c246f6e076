//===- BPOps.cpp - Generated op definitions and custom syntax -------------===//
//
// Holds the TableGen'd op classes plus the few hand-written parsers and
// printers; verifiers are in BPVerifiers.cpp and folders in
// BPCanonicalize.cpp so that no translation unit gets too slow to build.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace bpc::bp;

//===----------------------------------------------------------------------===//
// Slice bounds: `[start:stop:step, ...]` with `?` for "to the end"
//===----------------------------------------------------------------------===//

static ParseResult parseSliceBounds(OpAsmParser &parser,
                                    DenseI64ArrayAttr &starts,
                                    DenseI64ArrayAttr &stops,
                                    DenseI64ArrayAttr &steps) {
  SmallVector<int64_t> startList, stopList, stepList;
  auto parseOne = [&]() -> ParseResult {
    int64_t start, stop = ShapedType::kDynamic, step;
    if (parser.parseInteger(start) || parser.parseColon())
      return failure();
    if (failed(parser.parseOptionalQuestion()) && parser.parseInteger(stop))
      return failure();
    if (parser.parseColon() || parser.parseInteger(step))
      return failure();
    startList.push_back(start);
    stopList.push_back(stop);
    stepList.push_back(step);
    return success();
  };
  if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Square, parseOne))
    return failure();
  MLIRContext *ctx = parser.getContext();
  starts = DenseI64ArrayAttr::get(ctx, startList);
  stops = DenseI64ArrayAttr::get(ctx, stopList);
  steps = DenseI64ArrayAttr::get(ctx, stepList);
  return success();
}

static void printSliceBounds(OpAsmPrinter &p, Operation *,
                             DenseI64ArrayAttr starts, DenseI64ArrayAttr stops,
                             DenseI64ArrayAttr steps) {
  p << '[';
  for (int64_t i = 0, e = starts.size(); i < e; ++i) {
    if (i > 0)
      p << ", ";
    p << starts[i] << ':';
    // Bounds of a malformed op are printed as stored so that the verifier's
    // message can be read next to them.
    if (i < stops.size()) {
      if (ShapedType::isDynamic(stops[i]))
        p << '?';
      else
        p << stops[i];
    }
    p << ':';
    if (i < steps.size())
      p << steps[i];
  }
  p << ']';
}

//===----------------------------------------------------------------------===//
// bp.constant
//===----------------------------------------------------------------------===//

ParseResult ConstantOp::parse(OpAsmParser &parser, OperationState &result) {
  ElementsAttr value;
  if (parser.parseOptionalAttrDict(result.attributes) ||
      parser.parseAttribute(value))
    return failure();
  result.addAttribute(getValueAttrName(result.name), value);
  result.addTypes(value.getType());
  return success();
}

void ConstantOp::print(OpAsmPrinter &p) {
  p.printOptionalAttrDict((*this)->getAttrs(), {getValueAttrName()});
  p << ' ';
  p.printAttribute(getValue());
}

#define GET_OP_CLASSES
#include "bpc/Dialect/BP/IR/BPOps.cpp.inc"
