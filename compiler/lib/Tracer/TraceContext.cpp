//===- TraceContext.cpp - The bp.func being traced ------------------------===//

#include "bpc/Tracer/TraceContext.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace bpc;
using namespace bpc::tracer;

TraceContext::TraceContext(ArrayRuntime &rt, mlir::ModuleOp module, llvm::StringRef name,
                           llvm::ArrayRef<mlir::Type> argTypes,
                           llvm::ArrayRef<llvm::SmallVector<std::string, 4>> argDims,
                           llvm::ArrayRef<Value> vars, mlir::Location loc)
    : rt(rt), id(++rt.traceCount), baseDepth(rt.in.frames.size()), module(module), builder(&rt.context) {
  llvm::SmallVector<mlir::Type> varTypes;
  for (const Value &v : vars) {
    ArrayState *a = rt.asArray(v);
    varTypes.push_back(tensorType(&rt.context, a->dtype, a->shape));
  }
  builder.setInsertionPointToEnd(module.getBody());
  func = builder.create<bp::FuncOp>(loc, name, argTypes, varTypes, mlir::TypeRange());
  mlir::Block &entry = func.getBody().front();
  for (size_t i = 0; i < argDims.size(); ++i) {
    llvm::SmallVector<mlir::Attribute> names;
    for (const std::string &d : argDims[i])
      names.push_back(builder.getStringAttr(d));
    if (llvm::any_of(argDims[i], [](const std::string &d) { return !d.empty(); }))
      func.setArgAttr(i, "bp.dims", builder.getArrayAttr(names));
  }
  for (size_t i = 0; i < vars.size(); ++i) {
    auto *inst = vars[i].dyn<InstanceObject>();
    unsigned arg = argTypes.size() + i;
    std::string path = variablePath(rt.in, vars[i]);
    if (path.empty()) // no global reaches it (a closure holds it, say)
      path = name.str() + ".dyn_vars." + std::to_string(i);
    func.setArgAttr(arg, "bp.var", builder.getStringAttr(path));
    // Variables carry their path as a NameLoc (STYLE.md, Locations).
    entry.getArgument(arg).setLoc(mlir::NameLoc::get(builder.getStringAttr(path)));
    dynIndex[inst] = dynVars.size();
    dynVars.push_back({inst, entry.getArgument(arg)});
  }
  builder.setInsertionPointToEnd(&entry);
}

TraceContext::~TraceContext() {
  if (finished)
    return;
  func.erase();
  // The globals this trace froze Variables into, unless another function
  // of the module reads them too.
  for (bp::GlobalOp global : createdGlobals)
    if (mlir::SymbolTable::symbolKnownUseEmpty(global, module))
      global.erase();
}

mlir::Value TraceContext::valueOf(const Value &v) {
  ArrayState *a = rt.asArray(v);
  if (!a)
    return {};
  if (rt.isVariable(v)) {
    auto *inst = v.dyn<InstanceObject>();
    auto it = dynIndex.find(inst);
    if (it != dynIndex.end())
      return dynVars[it->second].current;
    if (captureVariables)
      return captureVariable(inst);
    return frozenValue(inst);
  }
  if (a->isSymbolic()) {
    if (a->trace != this || a->traceId != id)
      rt.in.raise(Exc::RuntimeError, "an array traced in another jitted function escaped into "
                                     "this one (a leaked tracer); pass it as an argument");
    return a->value;
  }
  auto attr = denseAttrOf(&rt.context, *a);
  return builder.create<bp::ConstantOp>(rt.currentLoc(), llvm::cast<mlir::ElementsAttr>(attr));
}

/// A non-dyn Variable is a constant of this specialisation (DESIGN.md §3):
/// its value now goes into a bp.global named by its path.
mlir::Value TraceContext::frozenValue(InstanceObject *var) {
  auto found = frozen.find(var);
  if (found != frozen.end())
    return found->second;
  ArrayState &a = *static_cast<ArrayState *>(var->native.get());
  std::string path = variablePath(rt.in, Value(var));
  if (path.empty()) // no global reaches it: named after this function
    path = func.getSymName().str() + ".frozen." +
           std::to_string(llvm::find(frozenReads, var) - frozenReads.begin());
  auto attr = denseAttrOf(&rt.context, a);
  // Another function may have frozen the same Variable at another value.
  mlir::SymbolTable symbols(module);
  std::string name = path;
  for (unsigned n = 1;; ++n) {
    auto existing = symbols.lookup<bp::GlobalOp>(name);
    if (!existing)
      break;
    if (existing.getValue() == llvm::cast<mlir::ElementsAttr>(attr))
      break;
    name = path + "_" + std::to_string(n);
  }
  if (!symbols.lookup<bp::GlobalOp>(name)) {
    mlir::OpBuilder top(&rt.context);
    top.setInsertionPoint(func);
    createdGlobals.push_back(
        top.create<bp::GlobalOp>(rt.loc(ast::Loc()), name, llvm::cast<mlir::ElementsAttr>(attr)));
  }
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&func.getBody().front());
  mlir::Value v = builder.create<bp::FrozenOp>(mlir::NameLoc::get(builder.getStringAttr(path)),
                                               attr.getType(), name);
  frozen[var] = v;
  if (frozenSeen.insert(var).second)
    frozenReads.push_back(var);
  return v;
}

mlir::Value TraceContext::captureVariable(InstanceObject *var) {
  ArrayState &a = *static_cast<ArrayState *>(var->native.get());
  std::string path = variablePath(rt.in, Value(var));
  if (path.empty())
    path = "captured";
  mlir::Block &entry = func.getBody().front();
  mlir::Value arg =
      entry.addArgument(tensorType(&rt.context, a.dtype, a.shape),
                        mlir::NameLoc::get(builder.getStringAttr(path)));
  func.setFunctionTypeAttr(mlir::TypeAttr::get(builder.getFunctionType(
      entry.getArgumentTypes(), func.getFunctionType().getResults())));
  func->setAttr("num_vars", builder.getI64IntegerAttr(dynVars.size() + 1));
  // The argument attributes array still has the old length: extend it.
  llvm::SmallVector<mlir::Attribute> attrs;
  if (mlir::ArrayAttr old = func.getArgAttrsAttr())
    attrs.assign(old.begin(), old.end());
  attrs.resize(entry.getNumArguments() - 1, builder.getDictionaryAttr({}));
  attrs.push_back(builder.getDictionaryAttr(
      {builder.getNamedAttr("bp.var", builder.getStringAttr(path))}));
  func.setArgAttrsAttr(builder.getArrayAttr(attrs));
  dynIndex[var] = dynVars.size();
  dynVars.push_back({var, arg});
  return arg;
}

void TraceContext::writeVariable(const Value &var, mlir::Value newValue) {
  auto *inst = var.dyn<InstanceObject>();
  if (captureVariables && !dynIndex.count(inst))
    captureVariable(inst);
  auto it = dynIndex.find(inst);
  if (it == dynIndex.end())
    throw UndeclaredVariableWrite{inst};
  dynVars[it->second].current = newValue;
}

void TraceContext::advanceRandomKey(const Value &var, mlir::Value newKey) {
  auto *inst = var.dyn<InstanceObject>();
  auto it = dynIndex.find(inst);
  if (it != dynIndex.end()) {
    dynVars[it->second].current = newKey;
    return;
  }
  frozen[inst] = newKey;
}

void TraceContext::restoreVars(const VarState &state) {
  for (size_t i = 0; i < dynVars.size(); ++i)
    dynVars[i].current = state.dyn[i];
  frozen = state.frozen;
}

std::vector<std::pair<InstanceObject *, mlir::Value>>
TraceContext::varValues(const VarState &state, llvm::ArrayRef<InstanceObject *> frozenOrder) {
  std::vector<std::pair<InstanceObject *, mlir::Value>> out;
  for (size_t i = 0; i < dynVars.size(); ++i)
    out.emplace_back(dynVars[i].var, state.dyn[i]);
  for (InstanceObject *var : frozenOrder) {
    auto it = state.frozen.find(var);
    out.emplace_back(var, it != state.frozen.end() ? it->second : frozenValue(var));
  }
  return out;
}

void TraceContext::setVarValue(InstanceObject *var, mlir::Value value) {
  auto it = dynIndex.find(var);
  if (it != dynIndex.end())
    dynVars[it->second].current = value;
  else
    frozen[var] = value;
}

void TraceContext::finish(llvm::ArrayRef<mlir::Value> results) {
  llvm::SmallVector<mlir::Value> varValues;
  for (const DynVar &d : dynVars)
    varValues.push_back(d.current);
  builder.create<bp::ReturnOp>(func.getLoc(), results, varValues);
  llvm::SmallVector<mlir::Type> resultTypes;
  for (mlir::Value r : results)
    resultTypes.push_back(r.getType());
  func.setFunctionTypeAttr(mlir::TypeAttr::get(builder.getFunctionType(
      func.getFunctionType().getInputs(), resultTypes)));
  std::string why;
  {
    mlir::ScopedDiagnosticHandler handler(&rt.context, [&](mlir::Diagnostic &d) {
      why += d.str() + "\n";
      return mlir::success();
    });
    if (mlir::failed(mlir::verify(func)))
      rt.in.raise(Exc::RuntimeError, "internal error: the traced bp.func does not verify: " + why);
  }
  finished = true;
}

//===----------------------------------------------------------------------===//
// Variable paths
//===----------------------------------------------------------------------===//

namespace {
/// Depth-first search through objects, lists, tuples, dicts and library
/// modules, in insertion order, so that the first path at which a Variable
/// is met is the one vars() would list. `visit` gets each Variable once, at
/// that path; returning true stops the search. `viaModule` tells whether the
/// path passes through a module (library state such as bm.random.DEFAULT).
class VariableWalk {
public:
  using Visitor =
      llvm::function_ref<bool(const std::string &path, const Value &var, bool viaModule)>;

  VariableWalk(Interp &in, Visitor visitor) : in(in), rt(in.arrayRuntime()), visitor(visitor) {}

  /// Walks the module's globals in order; true when the visitor stopped it.
  bool run() {
    for (auto &[name, value] : in.globals->vars.items()) {
      std::string path = name;
      if (walk(value, path, false, 0))
        return true;
    }
    return false;
  }

private:
  bool walk(const Value &v, std::string &path, bool viaModule, unsigned depth) {
    if (!v.isObject() || depth > 32)
      return false;
    const Object *o = v.getObject();
    if (!seen.insert(o).second)
      return false;
    auto child = [&](const std::string &key, const Value &c, bool module) {
      size_t mark = path.size();
      path += "." + key;
      bool stop = walk(c, path, module, depth + 1);
      path.resize(mark);
      return stop;
    };
    if (auto *inst = llvm::dyn_cast<InstanceObject>(o)) {
      if (rt.isVariable(v))
        return visitor(path, v, viaModule);
      if (inst->native) { // arrays, jit objects and vars() collections are not
        // walked; an object's implicit Variables (register_implicit_vars) are.
        if (const auto *owned = inst->native->ownedChildren())
          for (auto &[key, c] : *owned)
            if (child(key, c, viaModule))
              return true;
        return false;
      }
      for (auto &[key, c] : inst->attrs.items())
        if (child(key, c, viaModule))
          return true;
    } else if (auto *l = llvm::dyn_cast<ListObject>(o)) {
      for (size_t i = 0; i < l->items.size(); ++i)
        if (child(std::to_string(i), l->items[i], viaModule))
          return true;
    } else if (auto *t = llvm::dyn_cast<TupleObject>(o)) {
      for (size_t i = 0; i < t->items.size(); ++i)
        if (child(std::to_string(i), t->items[i], viaModule))
          return true;
    } else if (auto *d = llvm::dyn_cast<DictObject>(o)) {
      for (const HashTable::Entry &e : d->table.rawEntries())
        if (e.live && child(in.str(e.key), e.value, viaModule))
          return true;
    } else if (auto *m = llvm::dyn_cast<ModuleObject>(o)) {
      // Library modules hold Variables too: `bm.random.DEFAULT`.
      for (auto &[key, c] : m->attrs.items())
        if ((c.is<ModuleObject>() || c.is<InstanceObject>()) && child(key, c, true))
          return true;
    }
    return false;
  }

  Interp &in;
  ArrayRuntime &rt;
  Visitor visitor;
  llvm::SmallPtrSet<const Object *, 32> seen;
};
} // namespace

std::string bpc::tracer::variablePath(Interp &in, const Value &var) {
  std::string found;
  VariableWalk(in, [&](const std::string &path, const Value &v, bool) {
    if (v.getObject() != var.getObject())
      return false;
    found = path;
    return true;
  }).run();
  return found;
}

std::vector<ReachableVariable> bpc::tracer::reachableVariables(Interp &in) {
  std::vector<ReachableVariable> out;
  VariableWalk(in, [&](const std::string &path, const Value &v, bool viaModule) {
    out.push_back({path, v, viaModule});
    return false;
  }).run();
  return out;
}

mlir::DenseElementsAttr bpc::tracer::denseAttrOf(mlir::MLIRContext *ctx, const ArrayState &a) {
  auto type = tensorType(ctx, a.dtype, a.shape);
  if (a.dtype == DType::Bool) {
    auto *p = static_cast<const uint8_t *>(a.buffer->data);
    llvm::SmallVector<bool> bits(p, p + a.numElements());
    return mlir::DenseElementsAttr::get(type, llvm::ArrayRef<bool>(bits));
  }
  llvm::ArrayRef<char> raw(static_cast<const char *>(a.buffer->data),
                           a.numElements() * byteWidth(a.dtype));
  return mlir::DenseElementsAttr::getFromRawBuffer(type, raw);
}
