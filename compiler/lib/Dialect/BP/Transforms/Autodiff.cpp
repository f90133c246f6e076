//===- Autodiff.cpp - Reverse-mode autodiff of bp functions ---------------===//
//
// The driver of bm.grad: copies the function, walks the copy's body
// backwards from the loss and lets each op's GradientOpInterface emit its
// vector-Jacobian product before the terminator, summing the cotangents of
// values that are used more than once. The forward computation stays as it
// is, so the new function also returns the original results (what
// value_and_grad and return_value need) and updates the same Variables.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/Transforms/Autodiff.h"

#include "VJPBuilder.h"

#include "bpc/Dialect/BP/IR/BPGradientInterface.h"
#include "bpc/Dialect/BP/Transforms/GradientOpInterfaceImpl.h"

#include "mlir/IR/Verifier.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace bpc::bp;

namespace {

bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

/// Names input `index` of `f` the way the user knows it.
std::string describeInput(FuncOp f, unsigned index) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto path =
          f.getArgAttrOfType<StringAttr>(index, BPDialect::getVarAttrName()))
    os << "Variable '" << path.getValue() << "' (input #" << index << ")";
  else
    os << "argument #" << index;
  return text;
}

/// The rules are external models; attach them if no one registered them
/// with the context's registry, so that callers (the tracer) need not.
void ensureGradientRules(MLIRContext *ctx) {
  std::optional<RegisteredOperationName> add =
      RegisteredOperationName::lookup(TypeID::get<AddOp>(), ctx);
  if (add && add->hasInterface<GradientOpInterface>())
    return;
  DialectRegistry registry;
  registerGradientOpInterfaceExternalModels(registry);
  ctx->appendDialectRegistry(registry);
}

/// Checks what buildGradientFunc promises to diagnose before it builds
/// anything.
LogicalResult checkDifferentiable(FuncOp f, ArrayRef<unsigned> wrtArgs,
                                  unsigned lossResult, StringRef name) {
  FunctionType type = f.getFunctionType();
  if (lossResult >= type.getNumResults())
    return f.emitOpError() << "has " << type.getNumResults()
                           << " results, so result #" << lossResult
                           << " cannot be the loss";
  auto loss = cast<RankedTensorType>(type.getResult(lossResult));
  if (loss.getRank() != 0 || !isa<FloatType>(loss.getElementType())) {
    InFlightDiagnostic diag =
        f.emitOpError() << "cannot be differentiated: the loss (result #"
                        << lossResult << ") has type " << loss;
    if (loss.getRank() != 0)
      diag.attachNote() << "a gradient needs a 0-d loss; reduce it first, "
                           "e.g. with .sum() or .mean()";
    else
      diag.attachNote() << "a gradient needs an f32 or f64 loss; cast it "
                           "first, e.g. with .astype(bm.float32)";
    return failure();
  }
  for (unsigned index : wrtArgs) {
    if (index >= type.getNumInputs())
      return f.emitOpError() << "has " << type.getNumInputs()
                             << " inputs (arguments, then Variables), so "
                             << "input #" << index
                             << " cannot be differentiated";
    if (!isFloatTensor(type.getInput(index))) {
      InFlightDiagnostic diag = f.emitOpError()
                                << "cannot be differentiated with respect to "
                                << describeInput(f, index) << " of type "
                                << type.getInput(index);
      diag.attachNote() << "only f32 and f64 arrays have gradients; an "
                           "integer or bool input is a constant of the loss";
      return failure();
    }
  }
  if (f.getBody().empty())
    return f.emitOpError() << "has no body to differentiate";
  Operation *table = SymbolTable::getNearestSymbolTable(f->getParentOp());
  if (!table)
    return f.emitOpError() << "is not in a symbol table, so @" << name
                           << " cannot be added next to it";
  if (name.empty())
    return f.emitOpError() << "needs a name for its gradient function";
  if (SymbolTable::lookupSymbolIn(table, name))
    return f.emitOpError() << "cannot get its gradient function @" << name
                           << ": that symbol already exists";
  return success();
}

/// What an op reads: its operands and, for a branch, the values its regions
/// use from above (bp.if has no operands for them; they are captured).
SmallVector<Value> inputsOf(Operation *op) {
  SmallVector<Value> inputs(op->getOperands());
  if (op->getNumRegions() > 0) {
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(op->getRegions(), captured);
    inputs.append(captured.begin(), captured.end());
  }
  return inputs;
}

/// Adds to `varied` the float results of the ops in `ops` (in program order)
/// that read a varied value.
void propagateVaried(ArrayRef<Operation *> ops, DenseSet<Value> &varied) {
  for (Operation *op : ops)
    if (llvm::any_of(inputsOf(op),
                     [&](Value v) { return varied.contains(v); }))
      for (Value result : op->getResults())
        if (isFloatTensor(result.getType()))
          varied.insert(result);
}

/// The backward sweep over one block: the function's body, or a region of
/// the bp.if that carries a branch's cotangents (which recomputes the
/// branch's forward values first, since a region's values are not visible
/// outside it).
class BackwardSweep {
public:
  /// `varied`: float values that depend on a differentiated input. Only
  /// they receive cotangents, so inactive operands accumulate nothing.
  explicit BackwardSweep(DenseSet<Value> &varied) : varied(varied) {}

  /// Propagates `cotangents` from the results of `forward` (ops of one
  /// block, in program order) to their inputs, emitting the vector-Jacobian
  /// products at `builder`'s insertion point.
  LogicalResult run(OpBuilder &builder, ArrayRef<Operation *> forward,
                    DenseMap<Value, Value> &cotangents) {
    for (Operation *op : llvm::reverse(forward)) {
      SmallVector<Value> resultCotangents = llvm::map_to_vector(
          op->getResults(), [&](Value r) { return cotangents.lookup(r); });
      if (llvm::all_of(resultCotangents, [](Value ct) { return !ct; }))
        continue;
      if (auto branch = dyn_cast<IfOp>(op)) {
        if (failed(branchVJP(builder, branch, resultCotangents, cotangents)))
          return failure();
        continue;
      }
      if (isa<WhileOp>(op)) {
        InFlightDiagnostic diag =
            op->emitOpError() << "cannot be differentiated: the loss depends "
                                 "on a value carried by this traced loop";
        diag.attachNote() << "reverse-mode gradients of a loop whose trip "
                             "count is only known at run time are not "
                             "supported (as with JAX's while_loop); compute "
                             "the loss with a Python loop over a static "
                             "range, which bm.grad unrolls";
        return failure();
      }
      auto gradient = dyn_cast<GradientOpInterface>(op);
      if (!gradient)
        return op->emitOpError() << "has no gradient rule, but the loss "
                                    "depends on its result through a "
                                    "differentiated input";
      SmallVector<Value> operandCotangents;
      if (failed(gradient.buildVJP(builder, resultCotangents,
                                   operandCotangents)))
        return failure();
      if (operandCotangents.size() != op->getNumOperands())
        return op->emitOpError() << "gradient rule returned "
                                 << operandCotangents.size()
                                 << " cotangents for " << op->getNumOperands()
                                 << " operands";
      for (auto [i, operand, ct] :
           llvm::enumerate(op->getOperands(), operandCotangents)) {
        if (!ct || !varied.contains(operand))
          continue;
        if (ct.getType() != operand.getType())
          return op->emitOpError()
                 << "gradient rule gave operand #" << i << " of type "
                 << operand.getType() << " a cotangent of type "
                 << ct.getType();
        accumulate(builder, cotangents, operand, ct);
      }
    }
    return success();
  }

  static void accumulate(OpBuilder &builder, DenseMap<Value, Value> &cotangents,
                         Value value, Value ct) {
    Value &sum = cotangents[value];
    sum = sum ? builder.create<AddOp>(ct.getLoc(), value.getType(), sum, ct)
                    .getResult()
              : ct;
  }

private:
  /// The VJP of a branch is a branch on the same condition: each side
  /// recomputes its forward values, runs its own backward sweep from the
  /// results' cotangents and yields the cotangents of the varied values it
  /// captured (zeros for those it does not use), which the outer sweep then
  /// accumulates.
  LogicalResult branchVJP(OpBuilder &builder, IfOp branch,
                          ArrayRef<Value> resultCotangents,
                          DenseMap<Value, Value> &cotangents) {
    llvm::SetVector<Value> used;
    getUsedValuesDefinedAbove(branch->getRegions(), used);
    SmallVector<Value> captured = llvm::to_vector(llvm::make_filter_range(
        used, [&](Value v) { return varied.contains(v); }));
    if (captured.empty())
      return success();
    SmallVector<Type> types = llvm::map_to_vector(
        captured, [](Value v) { return v.getType(); });
    auto vjp =
        builder.create<IfOp>(branch.getLoc(), types, branch.getCondition());
    for (auto [from, to] : {std::pair{&branch.getThenRegion(),
                                      &vjp.getThenRegion()},
                            std::pair{&branch.getElseRegion(),
                                      &vjp.getElseRegion()}}) {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(&to->emplaceBlock());
      IRMapping mapping;
      SmallVector<Operation *> forward;
      Block &source = from->front();
      for (Operation &op : source.without_terminator())
        forward.push_back(builder.clone(op, mapping));
      propagateVaried(forward, varied);

      DenseMap<Value, Value> local;
      for (auto [yielded, ct] : llvm::zip_equal(
               source.getTerminator()->getOperands(), resultCotangents)) {
        Value value = mapping.lookupOrDefault(yielded);
        if (ct && varied.contains(value))
          accumulate(builder, local, value, ct);
      }
      if (failed(run(builder, forward, local)))
        return failure();
      VJPBuilder b(builder, branch.getLoc());
      SmallVector<Value> yielded = llvm::map_to_vector(captured, [&](Value v) {
        Value ct = local.lookup(v);
        return ct ? ct : b.zerosLike(v);
      });
      builder.create<YieldOp>(branch.getLoc(), yielded);
    }
    for (auto [value, ct] : llvm::zip_equal(captured, vjp.getResults()))
      accumulate(builder, cotangents, value, ct);
    return success();
  }

  DenseSet<Value> &varied;
};

/// Rewrites `g` (a copy of the function being differentiated) in place.
LogicalResult differentiate(FuncOp g, ArrayRef<unsigned> wrtArgs,
                            unsigned lossResult) {
  Block &body = g.getBody().front();
  auto ret = cast<ReturnOp>(body.getTerminator());
  Value loss = ret.getResults()[lossResult];
  SmallVector<Operation *> forward = llvm::map_to_vector(
      body.without_terminator(), [](Operation &op) { return &op; });
  DenseSet<Value> varied;
  for (unsigned index : wrtArgs)
    varied.insert(body.getArgument(index));
  propagateVaried(forward, varied);

  // The backward pass goes between the forward ops and the terminator, in
  // reverse order of the forward ops.
  OpBuilder builder(ret);
  DenseMap<Value, Value> cotangents;
  if (varied.contains(loss)) {
    VJPBuilder seed(builder, ret.getLoc());
    Type type = cast<RankedTensorType>(loss.getType()).getElementType();
    cotangents[loss] = seed.scalar(type, 1.0);
  }
  BackwardSweep sweep(varied);
  if (failed(sweep.run(builder, forward, cotangents)))
    return failure();
  // Results: f's, then the gradients; the Variables' new values unchanged.
  VJPBuilder b(builder, ret.getLoc());
  SmallVector<Value> results(ret.getResults());
  SmallVector<Type> resultTypes(g.getResultTypes());
  for (unsigned index : wrtArgs) {
    Value input = body.getArgument(index);
    Value gradient = cotangents.lookup(input);
    results.push_back(gradient ? gradient : b.zerosLike(input));
    resultTypes.push_back(input.getType());
  }
  builder.create<ReturnOp>(ret.getLoc(), results, ret.getVars());
  ret.erase();
  g.setFunctionType(
      FunctionType::get(g.getContext(), g.getArgumentTypes(), resultTypes));
  if (ArrayAttr resultAttrs = g.getResAttrsAttr()) {
    SmallVector<Attribute> attrs(resultAttrs.begin(), resultAttrs.end());
    attrs.resize(resultTypes.size(), DictionaryAttr::get(g.getContext()));
    g.setResAttrsAttr(ArrayAttr::get(g.getContext(), attrs));
  }

  // Rules build cotangents for every operand; drop those of inactive
  // operands now, so the result reads well before any canonicalization.
  // (Users come after their operands, so one backward sweep suffices; the
  // ops are listed first because erasing invalidates reverse iterators.)
  DenseSet<Operation *> forwardOps(forward.begin(), forward.end());
  SmallVector<Operation *> all = llvm::map_to_vector(
      body.without_terminator(), [](Operation &op) { return &op; });
  for (Operation *op : llvm::reverse(all))
    if (!forwardOps.contains(op) && isOpTriviallyDead(op))
      op->erase();

  // A rule that builds an ill-typed op is a compiler bug; say so here rather
  // than in some later pass.
  return verify(g);
}

} // namespace

FailureOr<FuncOp> bpc::bp::buildGradientFunc(FuncOp f,
                                             ArrayRef<unsigned> wrtArgs,
                                             unsigned lossResult,
                                             StringRef name) {
  if (failed(checkDifferentiable(f, wrtArgs, lossResult, name)))
    return failure();
  ensureGradientRules(f.getContext());
  OpBuilder builder(f);
  builder.setInsertionPointAfter(f);
  auto g = cast<FuncOp>(builder.clone(*f));
  g.setSymName(name);
  if (failed(differentiate(g, wrtArgs, lossResult))) {
    g.erase();
    return failure();
  }
  return g;
}
