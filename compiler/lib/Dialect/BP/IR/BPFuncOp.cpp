//===- BPFuncOp.cpp - bp.func and bp.return -------------------------------===//
//
// bp.func has its own syntax because its Variables are a second, named
// argument list (`vars(...)`) of the same entry block.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace bpc::bp;

void FuncOp::build(OpBuilder &builder, OperationState &state, StringRef name,
                   TypeRange argTypes, TypeRange varTypes,
                   TypeRange resultTypes) {
  SmallVector<Type> inputs(argTypes);
  llvm::append_range(inputs, varTypes);
  state.addAttribute(getSymNameAttrName(state.name),
                     builder.getStringAttr(name));
  state.addAttribute(
      getFunctionTypeAttrName(state.name),
      TypeAttr::get(builder.getFunctionType(inputs, resultTypes)));
  state.addAttribute(getNumVarsAttrName(state.name),
                     builder.getI64IntegerAttr(varTypes.size()));
  // The tracer fills the body right away, so give it the entry block.
  Block *entry = new Block();
  state.addRegion()->push_back(entry);
  for (Type type : inputs)
    entry->addArgument(type, state.location);
}

ParseResult FuncOp::parse(OpAsmParser &parser, OperationState &result) {
  Builder &builder = parser.getBuilder();
  StringAttr name;
  if (parser.parseSymbolName(name, getSymNameAttrName(result.name),
                             result.attributes))
    return failure();

  SmallVector<OpAsmParser::Argument> args;
  if (parser.parseArgumentList(args, OpAsmParser::Delimiter::Paren,
                               /*allowType=*/true, /*allowAttrs=*/true))
    return failure();
  size_t numOrdinary = args.size();
  if (succeeded(parser.parseOptionalKeyword("vars")) &&
      parser.parseArgumentList(args, OpAsmParser::Delimiter::Paren,
                               /*allowType=*/true, /*allowAttrs=*/true))
    return failure();

  SmallVector<Type> resultTypes;
  if (parser.parseOptionalArrowTypeList(resultTypes) ||
      parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();

  SmallVector<Type> inputs =
      llvm::map_to_vector(args, [](auto &arg) { return arg.type; });
  result.addAttribute(
      getFunctionTypeAttrName(result.name),
      TypeAttr::get(builder.getFunctionType(inputs, resultTypes)));
  result.addAttribute(getNumVarsAttrName(result.name),
                      builder.getI64IntegerAttr(args.size() - numOrdinary));
  function_interface_impl::addArgAndResultAttrs(
      builder, result, args, /*resultAttrs=*/{},
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
  return parser.parseRegion(*result.addRegion(), args);
}

void FuncOp::print(OpAsmPrinter &p) {
  p << ' ';
  p.printSymbolName(getSymName());
  ArrayAttr argAttrs = getArgAttrsAttr();
  auto printArgs = [&](ArrayRef<BlockArgument> args) {
    p << '(';
    llvm::interleaveComma(args, p, [&](BlockArgument arg) {
      ArrayRef<NamedAttribute> attrs;
      if (argAttrs)
        attrs = cast<DictionaryAttr>(argAttrs[arg.getArgNumber()]).getValue();
      p.printRegionArgument(arg, attrs);
    });
    p << ')';
  };
  printArgs(getBody().getArguments().take_front(getNumOrdinaryArguments()));
  if (getNumVars() > 0) {
    p << " vars";
    printArgs(getVarArguments());
  }
  p.printOptionalArrowTypeList(getResultTypes());
  p.printOptionalAttrDictWithKeyword(
      (*this)->getAttrs(),
      {getSymNameAttrName(), getFunctionTypeAttrName(), getNumVarsAttrName(),
       getArgAttrsAttrName(), getResAttrsAttrName()});
  p << ' ';
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/true);
}

/// Every Variable argument carries its path, no other argument does, and no
/// Variable is passed twice (its two new values would race for one buffer).
LogicalResult FuncOp::verify() {
  int64_t numInputs = getFunctionType().getNumInputs();
  if (getNumVars() < 0 || getNumVars() > numInputs)
    return emitOpError() << "has num_vars = " << getNumVars() << " but only "
                         << numInputs << " arguments";
  llvm::StringSet<> paths;
  for (int64_t i = 0; i < numInputs; ++i) {
    auto path = getArgAttrOfType<StringAttr>(i, BPDialect::getVarAttrName());
    bool isVar = i >= static_cast<int64_t>(getNumOrdinaryArguments());
    if (isVar && !path)
      return emitOpError() << "Variable argument #" << i << " needs a '"
                           << BPDialect::getVarAttrName() << "' path";
    if (!isVar && path)
      return emitOpError() << "argument #" << i
                           << " is not a Variable but has '"
                           << BPDialect::getVarAttrName() << "'";
    if (isVar && !paths.insert(path.getValue()).second)
      return emitOpError() << "Variable '" << path.getValue()
                           << "' is passed twice";
  }
  return success();
}

/// Compares one list of yielded values with the types the function declares.
static LogicalResult verifyYielded(ReturnOp op, ValueRange values,
                                   ArrayRef<Type> expected, StringRef what) {
  if (values.size() != expected.size())
    return op.emitOpError() << "yields " << values.size() << " " << what
                            << " but the function has " << expected.size();
  for (auto [i, value, type] : llvm::enumerate(values, expected))
    if (value.getType() != type)
      return op.emitOpError() << what << " #" << i << " has type "
                              << value.getType() << " but the function "
                              << "declares " << type;
  return success();
}

LogicalResult ReturnOp::verify() {
  auto func = cast<FuncOp>((*this)->getParentOp());
  if (failed(verifyYielded(*this, getResults(), func.getResultTypes(),
                           "results")))
    return failure();
  return verifyYielded(*this, getVars(), func.getVarTypes(), "Variable values");
}
