//===- ArrayRuntime.cpp - Arrays of the tracer: concrete and symbolic -----===//

#include "bpc/Tracer/ArrayRuntime.h"

#include "bpc/Dialect/BP/IR/BPDialect.h"
#include "bpc/Dialect/BP/IR/BPOps.h"
#include "bpc/Pipelines/Pipelines.h"
#include "bpc/Tracer/EagerExecutor.h"
#include "bpc/Tracer/TraceContext.h"

#include "mlir/IR/Verifier.h"

#include <cstdlib>
#include <mutex>
#include <cstring>

using namespace bpc;
using namespace bpc::tracer;

Buffer::Buffer(size_t bytes) : bytes(bytes) {
  // 64-byte alignment for vector loads; aligned_alloc wants a multiple.
  data = std::aligned_alloc(64, std::max<size_t>(64, (bytes + 63) / 64 * 64));
  std::memset(data, 0, bytes);
}
Buffer::~Buffer() { std::free(data); }

int64_t ArrayState::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

mlir::RankedTensorType bpc::tracer::tensorType(mlir::MLIRContext *ctx, DType dtype,
                                               llvm::ArrayRef<int64_t> shape) {
  return mlir::RankedTensorType::get(shape, toMLIRType(ctx, dtype));
}

std::string bpc::tracer::describeType(DType dtype, llvm::ArrayRef<int64_t> shape) {
  static const char *shortNames[] = {"bool", "i32", "i64", "f32", "f64"};
  std::string s = shortNames[static_cast<int>(dtype)];
  s += "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") +
         (shape[i] == mlir::ShapedType::kDynamic ? std::string("?") : std::to_string(shape[i]));
  return s + "]";
}

std::string bpc::tracer::describeType(mlir::Type type) {
  auto t = llvm::cast<mlir::RankedTensorType>(type);
  return describeType(*fromMLIRType(t.getElementType()), t.getShape());
}

ClassRef bpc::tracer::makeLibraryClass(Interp &in, llvm::StringRef name, ClassObject *base,
                                       llvm::StringRef module) {
  ClassRef cls = in.makeBuiltinClass(name, base);
  cls->isBuiltin = false;
  cls->module = module.str();
  return cls;
}

ArrayRuntime::ArrayRuntime(Interp &in) : in(in) {
  // Pass registration is global; the pipelines are built from their names.
  static std::once_flag registered;
  std::call_once(registered, [] { registerPipelines(); });
  mlir::DialectRegistry registry;
  registry.insert<bp::BPDialect>();
  registerPipelineDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadDialect<bp::BPDialect>();
  eager = std::make_unique<EagerExecutor>(*this);
}
ArrayRuntime::~ArrayRuntime() = default;

ArrayRuntime &Interp::arrayRuntime() {
  if (!arrays)
    arrays = std::make_unique<ArrayRuntime>(*this);
  return *arrays;
}

mlir::Location ArrayRuntime::loc(ast::Loc l, const ast::Module *source) {
  const ast::Module &src = source ? *source : in.currentSource();
  auto [line, col] = in.diags.lineCol(src.bufferId, l.begin);
  return mlir::FileLineColLoc::get(&context, src.filename, line, col);
}

mlir::Location ArrayRuntime::currentLoc() {
  mlir::Location here = loc(in.currentLoc);
  if (!activeTrace)
    return here;
  // frames[baseDepth] is the jitted function itself; deeper ones were called
  // from it. CallSiteLoc wants the callers innermost first.
  llvm::SmallVector<mlir::Location> callers;
  for (size_t j = in.frames.size(); j-- > activeTrace->baseDepth + 1;)
    callers.push_back(loc(in.frames[j].callLoc, &in.sourceOf(*in.frames[j - 1].scope)));
  return callers.empty() ? here : mlir::CallSiteLoc::get(here, callers);
}

ArrayState *ArrayRuntime::asArray(const Value &v) {
  auto *inst = v.dyn<InstanceObject>();
  if (!inst || !inst->native)
    return nullptr;
  return dynamic_cast<ArrayState *>(inst->native.get());
}

bool ArrayRuntime::isVariable(const Value &v) {
  auto *inst = v.dyn<InstanceObject>();
  return inst && variableClass && inst->cls->isSubclassOf(variableClass.get()) && inst->native;
}

Value ArrayRuntime::makeConcrete(DType dtype, llvm::ArrayRef<int64_t> shape,
                                 std::shared_ptr<Buffer> buffer) {
  auto *inst = new InstanceObject(arrayClass);
  auto state = std::make_unique<ArrayState>();
  state->dtype = dtype;
  state->shape.assign(shape.begin(), shape.end());
  state->buffer = std::move(buffer);
  inst->native = std::move(state);
  return Value(inst);
}

Value ArrayRuntime::makeSymbolic(TraceContext &trace, mlir::Value value) {
  auto *inst = new InstanceObject(arrayClass);
  auto state = std::make_unique<ArrayState>();
  auto type = llvm::cast<mlir::RankedTensorType>(value.getType());
  state->dtype = *fromMLIRType(type.getElementType());
  state->shape.assign(type.getShape().begin(), type.getShape().end());
  state->value = value;
  state->trace = &trace;
  state->traceId = trace.id;
  inst->native = std::move(state);
  return Value(inst);
}

namespace {
/// A Python number as a weakly typed operand.
std::optional<Operand> scalarOperand(const Value &v) {
  if (v.isBool())
    return Operand{{}, {DType::Bool, true}, v.getBool() ? 1.0 : 0.0};
  if (v.isIntLike())
    return Operand{{}, {DType::I32, true}, static_cast<double>(v.getInt())};
  if (v.isFloat())
    return Operand{{}, {DType::F32, true}, v.getFloat()};
  return std::nullopt;
}
} // namespace

namespace {
/// The items of a list or tuple, or null.
const std::vector<Value> *sequenceItems(const Value &v) {
  if (auto *list = v.dyn<ListObject>())
    return &list->items;
  if (auto *tuple = v.dyn<TupleObject>())
    return &tuple->items;
  return nullptr;
}

/// Walks a nested list of Python numbers: its (rectangular) shape, its
/// numbers in row-major order, and the dtype JAX with 64-bit off gives it
/// (any float → f32, else any int → i32, else bool).
struct NestedNumbers {
  llvm::SmallVector<int64_t, 4> shape;
  std::vector<double> values;
  bool anyFloat = false, anyInt = false;

  bool collect(const Value &v, size_t depth) {
    if (const std::vector<Value> *items = sequenceItems(v)) {
      if (depth == shape.size())
        shape.push_back(static_cast<int64_t>(items->size()));
      else if (depth > shape.size() || shape[depth] != static_cast<int64_t>(items->size()))
        return false;
      for (const Value &item : *items)
        if (!collect(item, depth + 1))
          return false;
      return true;
    }
    if (depth != shape.size() || !v.isNumber())
      return false;
    anyFloat |= v.isFloat();
    anyInt |= v.isIntLike() && !v.isBool();
    values.push_back(v.toDouble());
    return true;
  }
};
} // namespace

Value ArrayRuntime::toArray(const Value &v) {
  if (asArray(v))
    return v;
  if (sequenceItems(v)) {
    NestedNumbers nested;
    if (!nested.collect(v, 0))
      in.raise(Exc::ValueError, "bm.asarray needs a rectangular nested list of numbers");
    DType dtype = nested.anyFloat ? DType::F32 : nested.anyInt ? DType::I32 : DType::Bool;
    auto buffer = std::make_shared<Buffer>(byteWidth(dtype) * nested.values.size());
    for (size_t i = 0; i < nested.values.size(); ++i) {
      double x = nested.values[i];
      switch (dtype) {
      case DType::Bool: static_cast<uint8_t *>(buffer->data)[i] = x != 0; break;
      case DType::I32: static_cast<int32_t *>(buffer->data)[i] = static_cast<int32_t>(x); break;
      default: static_cast<float *>(buffer->data)[i] = static_cast<float>(x); break;
      }
    }
    return makeConcrete(dtype, nested.shape, buffer);
  }
  std::optional<Operand> s = scalarOperand(v);
  if (!s)
    in.raise(Exc::TypeError, "expected an array, a number or a list of numbers, not " +
                                 in.typeName(v));
  auto buffer = std::make_shared<Buffer>(byteWidth(s->type.dtype));
  switch (s->type.dtype) {
  case DType::Bool: *static_cast<uint8_t *>(buffer->data) = *s->scalar != 0; break;
  case DType::I32: *static_cast<int32_t *>(buffer->data) = static_cast<int32_t>(*s->scalar); break;
  default: *static_cast<float *>(buffer->data) = static_cast<float>(*s->scalar); break;
  }
  return makeConcrete(s->type.dtype, {}, buffer);
}

Value ArrayRuntime::applyOp(llvm::StringRef name, llvm::ArrayRef<Value> operands,
                            const EmitFn &emit, bool updatesFirst) {
  auto operandsFor = [&](auto valueOf) {
    llvm::SmallVector<Operand> ops;
    for (const Value &v : operands) {
      if (std::optional<Operand> s = scalarOperand(v)) {
        ops.push_back(*s);
        continue;
      }
      ArrayState *a = asArray(v);
      if (!a)
        in.raise(Exc::TypeError, name + "(): expected arrays or numbers, got " + in.typeName(v));
      ops.push_back(Operand{valueOf(v, ops.size()), {a->dtype, false}, std::nullopt});
    }
    return ops;
  };
  if (activeTrace) {
    TraceContext &t = *activeTrace;
    llvm::SmallVector<Operand> ops =
        operandsFor([&](const Value &v, size_t) { return t.valueOf(v); });
    OpEnv env{in, t.builder, currentLoc()};
    return makeSymbolic(t, emit(env, ops));
  }
  // Eager: a one-op bp.func whose arguments are the array operands.
  llvm::SmallVector<ArrayState *> inputs;
  llvm::SmallVector<mlir::Type> argTypes, varTypes;
  ArrayState updated; // the copy an update op writes
  for (size_t i = 0; i < operands.size(); ++i)
    if (ArrayState *a = asArray(operands[i])) {
      if (a->isSymbolic())
        in.raise(Exc::RuntimeError, "an array traced inside a jitted function escaped it (a "
                                    "leaked tracer); return it from the function instead");
      if (i == 0 && updatesFirst) {
        updated.dtype = a->dtype;
        updated.shape = a->shape;
        updated.buffer = std::make_shared<Buffer>(a->buffer->bytes);
        std::memcpy(updated.buffer->data, a->buffer->data, a->buffer->bytes);
        varTypes.push_back(tensorType(&context, a->dtype, a->shape));
        continue;
      }
      inputs.push_back(a);
      argTypes.push_back(tensorType(&context, a->dtype, a->shape));
    }
  if (updatesFirst)
    inputs.push_back(&updated);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(mlir::UnknownLoc::get(&context));
  mlir::OpBuilder builder(&context);
  builder.setInsertionPointToEnd(module->getBody());
  mlir::Location loc = mlir::UnknownLoc::get(&context);
  auto func = builder.create<bp::FuncOp>(loc, "op", argTypes, varTypes, mlir::TypeRange());
  if (updatesFirst)
    func.setArgAttr(argTypes.size(), "bp.var", builder.getStringAttr("updated"));
  mlir::Block &entry = func.getBody().front();
  builder.setInsertionPointToEnd(&entry);
  unsigned next = 0;
  llvm::SmallVector<Operand> ops = operandsFor([&](const Value &, size_t i) {
    if (i == 0 && updatesFirst)
      return entry.getArgument(argTypes.size());
    return entry.getArgument(next++);
  });
  OpEnv env{in, builder, loc};
  mlir::Value result = emit(env, ops);
  // An op that folds to one of its inputs (x[:], a no-op cast) needs no kernel.
  if (auto arg = llvm::dyn_cast<mlir::BlockArgument>(result)) {
    ArrayState *a = inputs[arg.getArgNumber()];
    return makeConcrete(a->dtype, a->shape, a->buffer);
  }
  llvm::SmallVector<mlir::Value> results, vars;
  (updatesFirst ? vars : results).push_back(result);
  builder.create<bp::ReturnOp>(loc, results, vars);
  func.setFunctionTypeAttr(mlir::TypeAttr::get(builder.getFunctionType(
      func.getFunctionType().getInputs(), mlir::ValueRange(results).getTypes())));
  std::string why;
  {
    mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
      why += d.str();
      return mlir::success();
    });
    if (mlir::failed(mlir::verify(*module)))
      in.raise(Exc::RuntimeError, "internal error: the eager kernel for " + name +
                                      " does not verify: " + why);
  }
  std::vector<Value> out = eager->run(*module, "op", inputs, updatesFirst ? 1 : 0);
  if (updatesFirst)
    return makeConcrete(updated.dtype, updated.shape, updated.buffer);
  return out.front();
}
