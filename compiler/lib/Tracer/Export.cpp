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

#include "bpc/Frontend/ParseDriver.h"

#include "bpc/Tracer/ArrayRuntime.h"
#include "bpc/Tracer/Jit.h"
#include "bpc/Tracer/TraceContext.h"

#include "mlir/IR/Verifier.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

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

/// An exported jit object, or one specialisation of one with static
/// parameters: its module-level name, the symbol of its bp.func, its state,
/// the Variables its trace froze (TraceContext::frozenVariables()), the
/// parameters that became the kernel's arguments and the value of each
/// static parameter.
struct Exported {
  std::string name;
  std::string kernel;
  JitState *jit;
  std::vector<Value> frozen;
  std::vector<size_t> traced;
  std::vector<Value> staticValues;
};

/// A static value as the manifest carries it; the caller checked its type.
StaticValue staticValue(Interp &in, const Value &v) {
  StaticValue out;
  out.repr = in.repr(v);
  if (v.isBool()) {
    out.kind = StaticValue::Kind::Bool;
    out.intValue = v.getBool();
  } else if (v.isIntLike()) {
    out.kind = StaticValue::Kind::Int;
    out.intValue = v.getInt();
  } else if (v.isFloat()) {
    out.kind = StaticValue::Kind::Float;
    out.floatValue = v.getFloat();
  } else {
    out.kind = StaticValue::Kind::Str;
    out.text = v.dyn<StrObject>()->value;
  }
  return out;
}

/// The entry of exported jit `e`, whose kernel is the bp.func `func`;
/// `index` numbers the context's Variables.
FunctionSpec functionSpec(Interp &in, const Exported &e, bp::FuncOp func,
                          const llvm::DenseMap<const Object *, int32_t> &index) {
  const std::string &name = e.name;
  const JitState &jit = *e.jit;
  FunctionSpec spec;
  spec.name = name;
  spec.kernel = func.getSymName().str();
  DimSymbols dims(func);
  // The kernel's arguments are the traced (annotated) parameters, in order;
  // the C entry point takes them and the static ones in parameter order.
  const std::vector<ast::Param> &params = *jit.function.dyn<FunctionObject>()->params;
  mlir::Block &entry = func.getBody().front();
  unsigned numArgs = func.getNumOrdinaryArguments();
  for (unsigned i = 0; i < numArgs; ++i)
    spec.args.push_back(tensorSpec(params[e.traced[i]].name, entry.getArgument(i), dims, name));
  unsigned position = 0;
  for (size_t i = jit.self.isNone() ? 0 : 1; i < params.size(); ++i) {
    if (auto it = llvm::find(jit.staticParams, i); it != jit.staticParams.end()) {
      const Value &v = e.staticValues[it - jit.staticParams.begin()];
      spec.staticParams.push_back({params[i].name, position++, v.is<StrObject>()});
      spec.staticValues.push_back(staticValue(in, v));
    } else if (llvm::is_contained(e.traced, i)) {
      ++position;
    }
  }
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

/// The specialisations of one function share a C entry point and so its
/// list of results. Returns false after reporting one that differs.
bool sameResultCounts(Interp &in, DiagnosticEngine &diags, llvm::ArrayRef<Exported> exported,
                      const ModelManifest &manifest) {
  for (size_t f = 1; f < exported.size(); ++f) {
    const Exported &e = exported[f];
    size_t first = f;
    while (first > 0 && exported[first - 1].jit == e.jit)
      --first;
    if (first == f)
      continue;
    const FunctionSpec &a = manifest.functions[first], &b = manifest.functions[f];
    if (a.results.size() == b.results.size())
      continue;
    auto describe = [](const FunctionSpec &spec) {
      std::string values;
      for (size_t i = 0; i < spec.staticParams.size(); ++i)
        values += (i ? ", " : "") + spec.staticParams[i].name + "=" + spec.staticValues[i].repr;
      return std::to_string(spec.results.size()) + " result" +
             (spec.results.size() == 1 ? "" : "s") + " for " + values;
    };
    const ast::Param &p = (*e.jit->function.dyn<FunctionObject>()->params)[e.jit->staticParams[0]];
    diags.error(in.module.bufferId, p.loc,
                "exported function '" + e.name + "' returns " + describe(a) + " but " +
                    describe(b) + ": its C entry point has one list of results, so every "
                    "static value must give the same number of arrays");
    return false;
  }
  return true;
}

/// One `--specialize` option, parsed: the call it names (`f_jit(x=1.0)`).
struct SpecializeOption {
  std::unique_ptr<ast::Module> ast;
  const ast::CallExpr *call = nullptr;
  const ast::NameExpr *function = nullptr;
};

/// A set of static values to compile a function for, one per static
/// parameter (nullopt: the parameter's default), and where it was named: a
/// call in the module or a --specialize option.
struct StaticRequest {
  std::vector<std::optional<Value>> values;
  unsigned bufferId = 0;
  ast::Loc loc;
};

/// Parses each --specialize text as a call expression (in a buffer of its
/// own, so that errors show the option text with a caret). Returns false
/// after reporting an error.
bool parseSpecializeOptions(DiagnosticEngine &diags, llvm::ArrayRef<std::string> texts,
                            std::vector<SpecializeOption> &out) {
  bool ok = true;
  for (const std::string &text : texts) {
    llvm::SourceMgr &sources = diags.getSourceMgr();
    unsigned buffer = sources.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, "--specialize"), llvm::SMLoc());
    SpecializeOption option;
    option.ast = parseModule(buffer, "--specialize", diags);
    if (!option.ast) {
      ok = false;
      continue;
    }
    const ast::StmtList &body = option.ast->body;
    auto *stmt = body.size() == 1 ? llvm::dyn_cast<ast::ExprStmt>(body.front().get()) : nullptr;
    option.call = stmt ? llvm::dyn_cast<ast::CallExpr>(stmt->value.get()) : nullptr;
    option.function =
        option.call ? llvm::dyn_cast<ast::NameExpr>(option.call->func.get()) : nullptr;
    if (!option.function) {
      ast::Loc loc = body.empty() ? ast::Loc() : body.front()->getLoc();
      diags.error(buffer, loc, "--specialize takes one call of an exported function with its "
                               "static arguments, e.g. --specialize 'f_jit(x=1.0)'");
      ok = false;
      continue;
    }
    out.push_back(std::move(option));
  }
  return ok;
}

/// The value of a literal argument of --specialize: a number (with an
/// optional sign), True, False or a string; nullopt for anything else.
std::optional<Value> literalValue(const ast::Expr &e) {
  bool negate = false;
  const ast::Expr *x = &e;
  if (auto *u = llvm::dyn_cast<ast::UnaryOpExpr>(x);
      u && (u->op == ast::UnaryOpKind::USub || u->op == ast::UnaryOpKind::UAdd)) {
    negate = u->op == ast::UnaryOpKind::USub;
    x = u->operand.get();
  }
  auto *c = llvm::dyn_cast<ast::ConstantExpr>(x);
  if (!c)
    return std::nullopt;
  switch (c->type) {
  case ast::ConstantExpr::Type::Int:
    if (!c->intFits || (negate && c->intValue == INT64_MIN))
      return std::nullopt;
    return Value::integer(negate ? -c->intValue : c->intValue);
  case ast::ConstantExpr::Type::Float:
    return Value::real(negate ? -c->floatValue : c->floatValue);
  case ast::ConstantExpr::Type::Bool:
    if (x != &e)
      return std::nullopt;
    return Value::boolean(c->boolValue);
  case ast::ConstantExpr::Type::Str:
    if (x != &e)
      return std::nullopt;
    return makeStr(c->text);
  default:
    return std::nullopt;
  }
}

/// The names of the static parameters of `jit`, for messages: `x, mode`.
std::string staticNames(const JitState &jit) {
  const std::vector<ast::Param> &params = *jit.function.dyn<FunctionObject>()->params;
  std::string out;
  for (size_t p : jit.staticParams)
    out += (out.empty() ? "" : ", ") + params[p].name;
  return out;
}

/// `--specialize 'f_jit(x=1.0)'` example for `jit` exported as `name`.
std::string specializeExample(const JitState &jit, llvm::StringRef name) {
  const std::vector<ast::Param> &params = *jit.function.dyn<FunctionObject>()->params;
  std::string out;
  for (size_t p : jit.staticParams)
    out += (out.empty() ? "" : ", ") + params[p].name + "=1.0";
  return "--specialize '" + name.str() + "(" + out + ")'";
}

/// The static values that --specialize option `option` names for `jit`,
/// exported as `name`. Returns nullopt after reporting an error.
std::optional<StaticRequest> requestOf(DiagnosticEngine &diags, const SpecializeOption &option,
                                       const JitState &jit, llvm::StringRef name) {
  unsigned buffer = option.ast->bufferId;
  const ast::CallExpr &call = *option.call;
  auto *fn = jit.function.dyn<FunctionObject>();
  const std::vector<ast::Param> &params = *fn->params;
  size_t first = jit.self.isNone() ? 0 : 1;
  StaticRequest request;
  request.values.resize(jit.staticParams.size());
  request.bufferId = buffer;
  request.loc = call.getLoc();
  auto fail = [&](ast::Loc loc, const std::string &message) {
    diags.error(buffer, loc, message);
    return std::nullopt;
  };
  auto bind = [&](size_t param, const ast::Expr &valueExpr,
                  ast::Loc loc) -> std::optional<bool> {
    auto it = llvm::find(jit.staticParams, param);
    if (it == jit.staticParams.end()) {
      diags.error(buffer, loc,
                  "parameter '" + params[param].name + "' of " + name.str() +
                      " is not static: --specialize names values of its static parameters (" +
                      staticNames(jit) + ") only");
      return std::nullopt;
    }
    std::optional<Value> &slot = request.values[it - jit.staticParams.begin()];
    if (slot) {
      diags.error(buffer, loc,
                  name.str() + "() got multiple values for argument '" + params[param].name + "'");
      return std::nullopt;
    }
    slot = literalValue(valueExpr);
    if (!slot) {
      diags.error(buffer, valueExpr.getLoc(),
                  "a --specialize value is a literal: a number, True, False or a string in "
                  "quotes");
      return std::nullopt;
    }
    return true;
  };
  for (size_t k = 0; k < call.args.size(); ++k) {
    const ast::Expr &arg = *call.args[k];
    if (llvm::isa<ast::StarredExpr>(arg))
      return fail(arg.getLoc(), "--specialize takes each argument as a literal, not `*args`");
    if (first + k >= params.size())
      return fail(arg.getLoc(), name.str() + "() takes " + std::to_string(params.size() - first) +
                                    " positional arguments but " +
                                    std::to_string(call.args.size()) + " were given");
    if (!bind(first + k, arg, arg.getLoc()))
      return std::nullopt;
  }
  for (const ast::Keyword &kw : call.keywords) {
    if (kw.name.empty())
      return fail(kw.loc, "--specialize takes each argument as a literal, not `**kwargs`");
    auto it = llvm::find_if(params, [&](const ast::Param &p) { return p.name == kw.name; });
    if (it == params.end() || (first && it == params.begin()))
      return fail(kw.loc, name.str() + "() has no parameter '" + kw.name +
                              "'; its static parameters are " + staticNames(jit));
    if (!bind(it - params.begin(), *kw.value, kw.loc))
      return std::nullopt;
  }
  for (size_t s = 0; s < jit.staticParams.size(); ++s)
    if (!request.values[s] && !fn->defaults[jit.staticParams[s]])
      return fail(call.getLoc(), name.str() + "() needs a value for static parameter '" +
                                     params[jit.staticParams[s]].name +
                                     "', which has no default");
  return request;
}

/// Why a library cannot take static value `v`, or "" when it can.
std::string unsupportedStatic(Interp &in, const Value &v) {
  if (auto *str = v.dyn<StrObject>(); str && str->value.find('\0') != std::string::npos)
    return "is " + in.repr(v) + ", a string with a NUL character, which a C string cannot hold";
  if (v.isNumber() || v.is<StrObject>())
    return "";
  return "is " + in.repr(v) + ", a " + in.typeName(v) +
         ": a library compiles static arguments that are numbers, booleans or strings";
}

/// The distinct (by Python equality, first kept) static value sets that
/// `jit`, exported as `name`, is compiled for: the module's own calls,
/// then the --specialize options naming it. Returns false after reporting
/// an error.
bool staticSpecializations(Interp &in, DiagnosticEngine &diags, const JitState &jit,
                           llvm::StringRef name, llvm::ArrayRef<StaticRequest> requests,
                           std::vector<std::vector<Value>> &out) {
  auto *fn = jit.function.dyn<FunctionObject>();
  const std::vector<ast::Param> &params = *fn->params;
  unsigned moduleBuffer = in.module.bufferId;
  std::vector<const StaticRequest *> origins;
  for (const StaticRequest &r : requests) {
    std::vector<Value> values;
    for (size_t s = 0; s < jit.staticParams.size(); ++s) {
      Value v = r.values[s] ? *r.values[s] : *fn->defaults[jit.staticParams[s]];
      const ast::Param &p = params[jit.staticParams[s]];
      std::string why = unsupportedStatic(in, v);
      if (!why.empty()) {
        diags.error(moduleBuffer, p.loc,
                    "static parameter '" + p.name + "' of exported function '" + name.str() +
                        "' " + why);
        diags.note(r.bufferId, r.loc, "the value comes from this call");
        return false;
      }
      values.push_back(v);
    }
    bool seen = llvm::any_of(out, [&](const std::vector<Value> &o) {
      for (size_t s = 0; s < values.size(); ++s)
        if (o[s].is<StrObject>() != values[s].is<StrObject>() || !in.equals(o[s], values[s]))
          return false;
      return true;
    });
    if (seen)
      continue;
    // A C parameter is a string or an array for every specialisation.
    for (size_t k = 0; k < out.size(); ++k)
      for (size_t s = 0; s < values.size(); ++s)
        if (out[k][s].is<StrObject>() != values[s].is<StrObject>()) {
          const ast::Param &p = params[jit.staticParams[s]];
          diags.error(moduleBuffer, p.loc,
                      "static parameter '" + p.name + "' of exported function '" + name.str() +
                          "' is compiled for a string and for a number; its C parameter is "
                          "either a string or a 0-d array: export one function per kind");
          diags.note(origins[k]->bufferId, origins[k]->loc, "the value " + in.repr(out[k][s]) +
                                                                " comes from this call");
          diags.note(r.bufferId, r.loc, "the value " + in.repr(values[s]) +
                                            " comes from this call");
          return false;
        }
    out.push_back(std::move(values));
    origins.push_back(&r);
  }
  if (out.empty()) {
    const ast::Param &p = params[jit.staticParams.front()];
    diags.error(moduleBuffer, p.loc,
                "static parameter '" + p.name + "' of exported function '" + name.str() +
                    "' has no compiled value: call " + name.str() +
                    " at module level (not under `if __name__ == \"__main__\":`) or name "
                    "the values to compile with " + specializeExample(jit, name));
    return false;
  }
  return true;
}

/// Traces every module-level name bound to a jit object into `bp` as
/// `bp.func @name` (one `@name__sK` per specialisation of a function with
/// static parameters), in the module's order, and verifies the module.
/// Returns the exit status; `exported` lists the names, their jit objects
/// and what each trace froze and took.
int traceExports(Interp &in, DiagnosticEngine &diags, mlir::ModuleOp bp,
                 llvm::ArrayRef<SpecializeOption> options, std::vector<Exported> &exported) {
  ArrayRuntime &rt = in.arrayRuntime();
  auto globals = in.globals->vars.items();
  // --specialize names exported functions with static parameters.
  llvm::StringMap<std::vector<StaticRequest>> requests;
  llvm::StringSet<> names;
  std::string exportedNames;
  for (auto &[name, value] : globals)
    if (JitState *jit = asJit(value)) {
      names.insert(name);
      exportedNames += (exportedNames.empty() ? "" : ", ") + name;
      for (const JitState::RecordedCall &c : jit->recordedCalls)
        requests[name].push_back({c.values, c.bufferId, c.loc});
    }
  bool ok = true;
  for (const SpecializeOption &option : options) {
    const std::string &name = option.function->id;
    const Value *global = names.contains(name) ? in.globals->vars.lookup(name) : nullptr;
    JitState *jit = global ? asJit(*global) : nullptr;
    if (!jit) {
      diags.error(option.ast->bufferId, option.function->getLoc(),
                  "'" + name + "' is not an exported function of " + in.module.filename +
                      (exportedNames.empty() ? " (it exports none)"
                                             : "; it exports " + exportedNames));
      ok = false;
      continue;
    }
    if (jit->staticParams.empty()) {
      diags.error(option.ast->bufferId, option.function->getLoc(),
                  "'" + name + "' has no static parameters (static_argnames or "
                               "static_argnums of bm.jit): it needs no --specialize");
      ok = false;
      continue;
    }
    if (std::optional<StaticRequest> r = requestOf(diags, option, *jit, name))
      requests[name].push_back(std::move(*r));
    else
      ok = false;
  }
  if (!ok)
    return 1;
  try {
    for (auto &[name, value] : globals) {
      JitState *jit = asJit(value);
      if (!jit)
        continue;
      std::vector<size_t> traced;
      if (jit->staticParams.empty()) {
        std::vector<Value> frozen = traceForExport(rt, value, name, name, bp, {}, traced);
        exported.push_back({name, name, jit, std::move(frozen), std::move(traced), {}});
        continue;
      }
      std::vector<std::vector<Value>> specializations;
      if (!staticSpecializations(in, diags, *jit, name, requests[name], specializations))
        return 1;
      for (size_t k = 0; k < specializations.size(); ++k) {
        std::string kernel = name + "__s" + std::to_string(k);
        while (names.contains(kernel) || bp.lookupSymbol(kernel))
          kernel += "_";
        std::vector<std::optional<Value>> values(specializations[k].begin(),
                                                 specializations[k].end());
        traced.clear();
        std::vector<Value> frozen = traceForExport(rt, value, name, kernel, bp, values, traced);
        exported.push_back({name, kernel, jit, std::move(frozen), traced, specializations[k]});
      }
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
                             const ExportConsumer &consume,
                             llvm::ArrayRef<std::string> specializations) {
  std::vector<SpecializeOption> specializeOptions;
  if (!parseSpecializeOptions(diags, specializations, specializeOptions))
    return 1;
  RunOptions options;
  options.moduleName = module.filename;
  options.argv.push_back(module.filename);
  options.afterRun = [&](Interp &in) {
    ArrayRuntime &rt = in.arrayRuntime();
    mlir::OwningOpRef<mlir::ModuleOp> bp = mlir::ModuleOp::create(rt.loc(ast::Loc()));
    std::vector<Exported> exported;
    if (int status = traceExports(in, diags, *bp, specializeOptions, exported))
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
        auto func = bp->lookupSymbol<bp::FuncOp>(e.kernel);
        manifest.functions.push_back(functionSpec(in, e, func, index));
      }
    } catch (ManifestError &e) {
      reportManifestError(in, e);
      return 1;
    }
    if (!sameResultCounts(in, diags, exported, manifest))
      return 1;
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
  return emitBP(module, diags, out, debugInfo, {});
}

int bpc::tracer::emitBP(const ast::Module &module, DiagnosticEngine &diags,
                        llvm::raw_ostream &out, bool debugInfo,
                        llvm::ArrayRef<std::string> specializations) {
  std::vector<SpecializeOption> specializeOptions;
  if (!parseSpecializeOptions(diags, specializations, specializeOptions))
    return 1;
  RunOptions options;
  options.moduleName = module.filename;
  options.argv.push_back(module.filename);
  options.afterRun = [&](Interp &in) {
    mlir::OwningOpRef<mlir::ModuleOp> bp =
        mlir::ModuleOp::create(in.arrayRuntime().loc(ast::Loc()));
    std::vector<Exported> exported;
    if (int status = traceExports(in, diags, *bp, specializeOptions, exported))
      return status;
    mlir::OpPrintingFlags flags;
    if (debugInfo)
      flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
    bp->print(out, flags);
    return 0;
  };
  return runModule(module, diags, options, out);
}
