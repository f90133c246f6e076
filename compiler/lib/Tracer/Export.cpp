//===- Export.cpp - bpc build: trace the module's jit objects -------------===//
//
// Runs the module as a library, traces every exported jit object into one bp
// module and describes the result for the C ABI (DESIGN.md §4a): the
// model's Variables (dyn, frozen and unused alike; the rule is in Export.h)
// with their paths and initial values, and per function the argument and
// result shapes in the symbols of the parameters' annotations.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/Export.h"
#include "bpc/Tracer/Interpreter.h"

#include "bpc/Tracer/ArrayRuntime.h"
#include "bpc/Tracer/Jit.h"
#include "bpc/Tracer/TraceContext.h"

#include "mlir/IR/Verifier.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"

#include <cstring>

using namespace bpc;
using namespace bpc::tracer;

namespace {

/// The manifest's dtype (the C ABI's order) of a tracer dtype.
bpc::DType abiDType(tracer::DType t) {
  switch (t) {
  case tracer::DType::Bool: return bpc::DType::Bool;
  case tracer::DType::I32: return bpc::DType::I32;
  case tracer::DType::I64: return bpc::DType::I64;
  case tracer::DType::F32: return bpc::DType::F32;
  case tracer::DType::F64: return bpc::DType::F64;
  }
  return bpc::DType::F32;
}

/// Raised (as a C++ exception, not a Python one) when the manifest cannot
/// describe a function; the message becomes a `bpc: error:`, and `origin`
/// (when set) the op that a note points at, with `hint` as the note.
struct ManifestError {
  std::string message;
  mlir::Operation *origin = nullptr;
  std::string hint;
};

/// The symbolic names of the dynamic dimensions of the values in one
/// bp.func. They start from the arguments' `bp.dims` and flow through every
/// op that says, with bp::DimSourceOpInterface, which operand dimensions a
/// `?` result dimension equals (broadcasting, matmul's m and n, the kept
/// dimensions of a reduction or an index, ...). A dimension is named only
/// when all of its sources carry one and the same name: a wrong name would
/// make the C entry point check or allocate the wrong size.
class DimSymbols {
public:
  explicit DimSymbols(bp::FuncOp func) {
    mlir::Block &entry = func.getBody().front();
    for (unsigned i = 0; i < func.getFunctionType().getNumInputs(); ++i)
      if (auto names = func.getArgAttrOfType<mlir::ArrayAttr>(i, "bp.dims"))
        for (auto [d, name] : llvm::enumerate(names.getAsValueRange<mlir::StringAttr>()))
          if (!name.empty())
            symbols[{entry.getArgument(i), d}] = name.str();
    // Program order, so that operands are named before their users.
    func.walk([&](bp::DimSourceOpInterface op) { propagate(op); });
  }

  /// The symbol of dimension `d` of `v`, or "" when none is known.
  std::string lookup(mlir::Value v, unsigned d) const {
    auto it = symbols.find({v, d});
    return it == symbols.end() ? std::string() : it->second;
  }

  /// Why dimension `d` of `v` has no name: the op where the chain of sources
  /// ends (its size is no single operand dimension, or its sources disagree)
  /// and a sentence for a note at it. Null when `d` is named or no op is to
  /// blame.
  std::pair<mlir::Operation *, std::string> explainUnnamed(mlir::Value v, unsigned d) const {
    while (lookup(v, d).empty()) {
      mlir::Operation *op = v.getDefiningOp();
      auto dimSource = llvm::dyn_cast_or_null<bp::DimSourceOpInterface>(op);
      if (!dimSource)
        return {op, op ? "'" + op->getName().getStringRef().str() +
                             "' does not say where its result sizes come from"
                       : std::string()};
      llvm::SmallVector<bp::DimRef> sources;
      dimSource.getResultDimSources(llvm::cast<mlir::OpResult>(v).getResultNumber(), d, sources);
      auto unnamed = llvm::find_if(
          sources, [&](const bp::DimRef &s) { return lookup(s.value, s.dim).empty(); });
      std::string what = "'" + op->getName().getStringRef().str() + "'";
      if (sources.empty())
        return {op, what + " here computes this size, which is not one of the arguments' "
                        "dimensions"};
      if (unnamed == sources.end())
        return {op, what + " here equates dimensions named " + describeNames(sources) +
                        ", which the C header cannot declare as one size"};
      v = unnamed->value;
      d = unnamed->dim;
    }
    return {nullptr, std::string()};
  }

private:
  /// A dynamic result dimension is named when its sources are named alike.
  void propagate(bp::DimSourceOpInterface op) {
    for (mlir::OpResult result : op->getResults()) {
      auto type = llvm::dyn_cast<mlir::RankedTensorType>(result.getType());
      if (!type)
        continue;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        if (!type.isDynamicDim(d))
          continue;
        llvm::SmallVector<bp::DimRef> sources;
        op.getResultDimSources(result.getResultNumber(), d, sources);
        std::string name;
        bool consistent = !sources.empty();
        for (const bp::DimRef &source : sources) {
          std::string s = lookup(source.value, source.dim);
          if (s.empty() || (!name.empty() && s != name)) {
            consistent = false;
            break;
          }
          name = s;
        }
        if (consistent)
          symbols[{result, static_cast<unsigned>(d)}] = name;
      }
    }
  }

  std::string describeNames(llvm::ArrayRef<bp::DimRef> sources) const {
    std::string names;
    for (const bp::DimRef &source : sources) {
      std::string s = lookup(source.value, source.dim);
      if (names.find("'" + s + "'") != std::string::npos)
        continue;
      names += (names.empty() ? "'" : " and '") + s + "'";
    }
    return names;
  }

  llvm::DenseMap<std::pair<mlir::Value, unsigned>, std::string> symbols;
};

/// An argument or result of `func` as the C header describes it.
TensorSpec tensorSpec(std::string name, mlir::Value v, const DimSymbols &dims,
                      llvm::StringRef function) {
  auto type = llvm::cast<mlir::RankedTensorType>(v.getType());
  TensorSpec spec;
  spec.name = std::move(name);
  spec.dtype = abiDType(*fromMLIRType(type.getElementType()));
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d)) {
      spec.dims.push_back(Dim::fixed(type.getDimSize(d)));
      continue;
    }
    std::string symbol = dims.lookup(v, d);
    if (symbol.empty()) {
      auto [origin, hint] = dims.explainUnnamed(v, d);
      throw ManifestError{"result dimension " + std::to_string(d) + " of " + function.str() +
                              " cannot be expressed in its arguments' symbols",
                          origin, hint};
    }
    spec.dims.push_back(Dim::named(symbol));
  }
  return spec;
}

/// Reports `e`: the error, then a caret note at the op it blames when that op
/// has a position in the module's source.
void reportManifestError(Interp &in, const ManifestError &e) {
  in.diags.error(e.message);
  if (!e.origin)
    return;
  auto pos = e.origin->getLoc()->findInstanceOf<mlir::FileLineColLoc>();
  llvm::SourceMgr &sources = in.diags.getSourceMgr();
  unsigned buffer = in.module.bufferId;
  if (!pos || pos.getFilename() != in.module.filename || buffer == 0 ||
      buffer > sources.getNumBuffers())
    return;
  llvm::SMLoc at = sources.FindLocForLineAndColumn(buffer, pos.getLine(), pos.getColumn());
  if (!at.isValid())
    return;
  auto offset = static_cast<uint32_t>(at.getPointer() -
                                      sources.getMemoryBuffer(buffer)->getBufferStart());
  in.diags.note(buffer, ast::Loc{offset, offset}, e.hint);
}

/// A Variable's dtype, shape and current (frozen-at-build) contents; the
/// caller names it.
VariableSpec variableSpec(ArrayRuntime &rt, const Value &var) {
  const ArrayState &a = *rt.asArray(var);
  VariableSpec spec;
  spec.dtype = abiDType(a.dtype);
  spec.shape.assign(a.shape.begin(), a.shape.end());
  spec.initial.resize(a.numElements() * bpc::dtypeSize(spec.dtype));
  if (!spec.initial.empty())
    std::memcpy(spec.initial.data(), a.buffer->data, spec.initial.size());
  return spec;
}

/// An exported jit object: its module-level name, its state and the
/// Variables its trace froze (TraceContext::frozenVariables()).
struct Exported {
  std::string name;
  JitState *jit;
  std::vector<Value> frozen;
};

/// The entry of exported jit `e`, whose kernel is the bp.func `func`;
/// `index` numbers the context's Variables.
FunctionSpec functionSpec(const Exported &e, bp::FuncOp func,
                          const llvm::DenseMap<const Object *, int32_t> &index) {
  const std::string &name = e.name;
  const JitState &jit = *e.jit;
  FunctionSpec spec;
  spec.name = name;
  spec.kernel = func.getSymName().str();
  DimSymbols dims(func);
  // The parameters that became kernel arguments are the annotated ones, in
  // order, after `self`.
  const std::vector<ast::Param> &params = *jit.function.dyn<FunctionObject>()->params;
  size_t first = jit.self.isNone() ? 0 : 1;
  mlir::Block &entry = func.getBody().front();
  unsigned numArgs = func.getNumOrdinaryArguments();
  for (unsigned i = 0; i < numArgs; ++i)
    spec.args.push_back(
        tensorSpec(params[first + i].name, entry.getArgument(i), dims, name));
  auto ret = llvm::cast<bp::ReturnOp>(entry.getTerminator());
  unsigned numResults = func.getFunctionType().getNumResults();
  for (unsigned i = 0; i < numResults; ++i)
    spec.results.push_back(tensorSpec("out" + (numResults > 1 ? std::to_string(i) : ""),
                                      ret->getOperand(i), dims, name));
  for (const Value &v : jit.dynVars)
    spec.varIndices.push_back(index.lookup(v.getObject()));
  for (const Value &v : e.frozen)
    spec.frozenIndices.push_back(index.lookup(v.getObject()));
  return spec;
}

/// A Variable of the context and its name in the C ABI.
struct ContextVariable {
  std::string name;
  Value var;
};

/// Why the C ABI cannot carry Variable `var` under `name`, or "". `names`
/// are those taken already, `usedNames` those of Variables that exported
/// functions use, which an unused Variable (`isUsed` false) must leave.
std::string unnameable(ArrayRuntime &rt, const std::string &name, const Value &var,
                       bool isUsed, const llvm::StringSet<> &names,
                       const llvm::StringSet<> &usedNames) {
  if (name.find('\0') != std::string::npos)
    return "its path contains a NUL character";
  if (names.contains(name))
    return "an earlier Variable has the same path (a dict key with a '.' in it?)";
  if (!isUsed && usedNames.contains(name))
    return "a Variable that an exported function uses has the same path (a dict key with a "
           "'.' in it?)";
  if (rt.asArray(var)->shape.size() > 8)
    return "it has rank " + std::to_string(rt.asArray(var)->shape.size()) +
           ", more than the C ABI's 8";
  return "";
}

/// The Variables of the context, in ABI order (DESIGN.md §3, §4a; the rule
/// is documented in bpc/Tracer/Export.h). Returns false after reporting an
/// error.
bool contextVariables(Interp &in, DiagnosticEngine &diags, llvm::ArrayRef<Exported> exported,
                      std::vector<ContextVariable> &out) {
  ArrayRuntime &rt = in.arrayRuntime();
  // The Variables the exported functions touch, each with the name it gets
  // if no global reaches it: after the first function that touches it.
  llvm::DenseMap<const Object *, std::string> touched;
  std::vector<Value> touchedOrder;
  for (const Exported &e : exported) {
    auto note = [&](llvm::ArrayRef<Value> vars, const char *what) {
      for (size_t k = 0; k < vars.size(); ++k)
        if (touched.try_emplace(vars[k].getObject(), e.name + "." + what + "." + std::to_string(k))
                .second)
          touchedOrder.push_back(vars[k]);
    };
    note(e.jit->dynVars, "dyn_vars");
    note(e.frozen, "frozen");
  }
  std::vector<ReachableVariable> reachable = reachableVariables(in);
  llvm::StringSet<> names, usedNames;
  for (const ReachableVariable &r : reachable)
    if (touched.count(r.var.getObject()))
      usedNames.insert(r.path);
  llvm::SmallPtrSet<const Object *, 16> listed;
  bool ok = true;
  auto add = [&](const std::string &name, const Value &var, bool isTouched) {
    std::string why = unnameable(rt, name, var, isTouched, names, usedNames);
    if (!why.empty()) {
      if (isTouched) {
        diags.error("Variable '" + name + "' of an exported function cannot be part of the C "
                    "interface: " + why);
        ok = false;
      } else {
        diags.warning("Variable '" + name + "' is left out of the C interface (no exported "
                      "function uses it): " + why);
      }
      return;
    }
    names.insert(name);
    listed.insert(var.getObject());
    out.push_back({name, var});
  };
  for (const ReachableVariable &r : reachable) {
    bool isTouched = touched.count(r.var.getObject());
    if (r.viaModule && !isTouched)
      continue; // library state no exported function uses
    add(r.path, r.var, isTouched);
  }
  for (const Value &v : touchedOrder)
    if (!listed.contains(v.getObject()))
      add(touched.lookup(v.getObject()), v, true);
  return ok;
}

/// Traces every module-level name bound to a jit object into `bp` as
/// `bp.func @name`, in the module's order, and verifies the module. Returns
/// the exit status; `exported` lists the names, their jit objects and the
/// Variables each froze.
int traceExports(Interp &in, DiagnosticEngine &diags, mlir::ModuleOp bp,
                 std::vector<Exported> &exported) {
  ArrayRuntime &rt = in.arrayRuntime();
  auto globals = in.globals->vars.items();
  try {
    for (auto &[name, value] : globals)
      if (JitState *jit = asJit(value)) {
        std::vector<Value> frozen = traceForExport(rt, value, name, bp);
        exported.push_back({name, jit, std::move(frozen)});
      }
  } catch (PyException &e) {
    in.reportUncaught(e.value);
    return 1;
  }
  if (mlir::failed(mlir::verify(bp))) {
    diags.error("internal error: the traced bp module does not verify");
    return 2;
  }
  return 0;
}

} // namespace

int bpc::tracer::exportModel(const ast::Module &module, DiagnosticEngine &diags,
                             llvm::StringRef prefix, llvm::raw_ostream &printOut,
                             const ExportConsumer &consume) {
  RunOptions options;
  options.moduleName = module.filename;
  options.argv.push_back(module.filename);
  options.afterRun = [&](Interp &in) {
    ArrayRuntime &rt = in.arrayRuntime();
    mlir::OwningOpRef<mlir::ModuleOp> bp = mlir::ModuleOp::create(rt.loc(ast::Loc()));
    std::vector<Exported> exported;
    if (int status = traceExports(in, diags, *bp, exported))
      return status;
    // The context holds every Variable of the model, not only the dyn ones
    // (Export.h). The values now are those the traces froze.
    std::vector<ContextVariable> variables;
    if (!contextVariables(in, diags, exported, variables))
      return 1;
    ModelManifest manifest;
    manifest.prefix = prefix.str();
    llvm::DenseMap<const Object *, int32_t> index;
    for (const ContextVariable &v : variables) {
      index[v.var.getObject()] = static_cast<int32_t>(manifest.variables.size());
      manifest.variables.push_back(variableSpec(rt, v.var));
      manifest.variables.back().name = v.name;
    }
    try {
      for (const Exported &e : exported) {
        auto func = bp->lookupSymbol<bp::FuncOp>(e.name);
        manifest.functions.push_back(functionSpec(e, func, index));
      }
    } catch (ManifestError &e) {
      reportManifestError(in, e);
      return 1;
    }
    // The manifest now holds the symbolic dims; the LLVM lowering rejects
    // the dialect's `bp.dims` argument attribute on a converted argument.
    for (auto func : bp->getOps<bp::FuncOp>())
      for (unsigned i = 0; i < func.getFunctionType().getNumInputs(); ++i)
        func.removeArgAttr(i, "bp.dims");
    return consume(*bp, manifest);
  };
  return runModule(module, diags, options, printOut);
}

int bpc::tracer::emitBP(const ast::Module &module, DiagnosticEngine &diags,
                        llvm::raw_ostream &out, bool debugInfo) {
  RunOptions options;
  options.moduleName = module.filename;
  options.argv.push_back(module.filename);
  options.afterRun = [&](Interp &in) {
    mlir::OwningOpRef<mlir::ModuleOp> bp =
        mlir::ModuleOp::create(in.arrayRuntime().loc(ast::Loc()));
    std::vector<Exported> exported;
    if (int status = traceExports(in, diags, *bp, exported))
      return status;
    mlir::OpPrintingFlags flags;
    if (debugInfo)
      flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
    bp->print(out, flags);
    return 0;
  };
  return runModule(module, diags, options, out);
}
