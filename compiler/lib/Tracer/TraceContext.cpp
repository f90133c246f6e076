//===- TraceContext.cpp - The bp.func being traced ------------------------===//

#include "bpc/Tracer/TraceContext.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
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
    func.setArgAttr(arg, "bp.var", builder.getStringAttr(path));
    // Variables carry their path as a NameLoc (STYLE.md, Locations).
    entry.getArgument(arg).setLoc(mlir::NameLoc::get(builder.getStringAttr(path)));
    dynIndex[inst] = dynVars.size();
    dynVars.push_back({inst, entry.getArgument(arg)});
  }
  builder.setInsertionPointToEnd(&entry);
}

TraceContext::~TraceContext() {
  if (!finished)
    func.erase();
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
  if (path.empty())
    path = "frozen";
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
    top.create<bp::GlobalOp>(rt.loc(ast::Loc()), name, llvm::cast<mlir::ElementsAttr>(attr));
  }
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&func.getBody().front());
  mlir::Value v = builder.create<bp::FrozenOp>(mlir::NameLoc::get(builder.getStringAttr(path)),
                                               attr.getType(), name);
  frozen[var] = v;
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
  if (it == dynIndex.end()) {
    std::string path = variablePath(rt.in, var);
    rt.in.raise(Exc::RuntimeError,
                "the jitted function writes to Variable '" +
                    (path.empty() ? std::string("<unnamed>") : path) +
                    "', which is not one of its dyn_vars; add it to dyn_vars= (its value is "
                    "otherwise a constant frozen at trace time)");
  }
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
/// Depth-first search through objects, lists, tuples and dicts, in
/// insertion order, so the first path found is the one vars() would list.
bool findPath(Interp &in, const Value &v, const Object *target, std::string &path,
              llvm::SmallPtrSetImpl<const Object *> &seen, unsigned depth) {
  if (!v.isObject() || depth > 32)
    return false;
  const Object *o = v.getObject();
  if (o == target)
    return true;
  if (!seen.insert(o).second)
    return false;
  auto visit = [&](const std::string &key, const Value &child) {
    size_t mark = path.size();
    path += (path.empty() ? "" : ".") + key;
    if (findPath(in, child, target, path, seen, depth + 1))
      return true;
    path.resize(mark);
    return false;
  };
  if (auto *inst = llvm::dyn_cast<InstanceObject>(o)) {
    if (inst->native) // arrays and jit objects hold no Variables
      return false;
    for (auto &[key, child] : inst->attrs.items())
      if (visit(key, child))
        return true;
  } else if (auto *l = llvm::dyn_cast<ListObject>(o)) {
    for (size_t i = 0; i < l->items.size(); ++i)
      if (visit(std::to_string(i), l->items[i]))
        return true;
  } else if (auto *t = llvm::dyn_cast<TupleObject>(o)) {
    for (size_t i = 0; i < t->items.size(); ++i)
      if (visit(std::to_string(i), t->items[i]))
        return true;
  } else if (auto *d = llvm::dyn_cast<DictObject>(o)) {
    for (const HashTable::Entry &e : d->table.rawEntries())
      if (e.live && visit(in.str(e.key), e.value))
        return true;
  } else if (auto *m = llvm::dyn_cast<ModuleObject>(o)) {
    // Library modules hold Variables too: `bm.random.DEFAULT`.
    for (auto &[key, child] : m->attrs.items())
      if ((child.is<ModuleObject>() || child.is<InstanceObject>()) && visit(key, child))
        return true;
  }
  return false;
}
} // namespace

std::string bpc::tracer::variablePath(Interp &in, const Value &var) {
  llvm::SmallPtrSet<const Object *, 32> seen;
  for (auto &[name, value] : in.globals->vars.items()) {
    std::string path;
    if (value.isObject() && value.getObject() == var.getObject())
      return name;
    if (findPath(in, value, var.getObject(), path, seen, 0))
      return name + "." + path;
  }
  return "";
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
