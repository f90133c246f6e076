//===- ModelManifest.h - What code generation needs to know of a model -*- C++ -*-===//
//
// The tracer's description of a built model, handed to the library emitter
// together with the lowered module: the model prefix, its Variables with
// their initial values, and the exported jitted functions with the
// signatures of DESIGN.md §4a. Plain data: it mirrors the runtime's
// descriptors (runtime/include/bpc/model.h) without depending on them.
//
// Kernel convention (agreed with the lowering). The kernel of an exported
// function is a `func.func` marked `llvm.emit_c_interface` that takes
//
//   1. the ordinary arguments, in order, as tensors (memrefs after
//      bufferization), then
//   2. the dyn Variables it uses (marked `bp.var`), in the order of
//      `varIndices`, updated in place: the new value of a Variable is
//      returned as a tensor equivalent to its argument, and
//      `drop-equivalent-buffer-results` removes that result;
//
// and returns the ordinary results first, then the Variables. The
// `bpc-bufferize` pipeline turns every ordinary result into a trailing
// out-param (`bpc-results-to-out-params`, destination passing) computed in
// place, so after it the function returns nothing. After the CPU pipeline
// MLIR 19 exports
//
//   void _mlir_ciface_K(A0 *arg0, ..., V0 *var0, ..., R0 *res0, ...);
//
// where every parameter is a pointer to a memref descriptor
// `{T *alloc, *aligned; int64_t offset[, sizes[N], strides[N]]}` (rank 0 has
// no arrays) over a dense row-major buffer. The kernel writes each result
// into `res` buffers of the result's shape; it never allocates a result and
// frees every temporary it allocates. It assumes that no buffer it writes
// overlaps one it reads (the C glue passes a temporary where the caller's
// buffers overlap).
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TARGET_MODELMANIFEST_H
#define BPC_TARGET_MODELMANIFEST_H

#include <cstdint>
#include <string>
#include <vector>

namespace bpc {

/// Element types of the C ABI, in the order of `bpc_dtype`.
enum class DType { F32, F64, I32, I64, Bool };

/// One dimension of an argument or result: static (`symbol` empty, `size`
/// >= 0) or symbolic (`symbol` names it, e.g. "n"; `size` is ignored).
struct Dim {
  int64_t size = 0;
  std::string symbol;

  static Dim fixed(int64_t size) { return {size, {}}; }
  static Dim named(std::string symbol) { return {-1, std::move(symbol)}; }
  bool isSymbolic() const { return !symbol.empty(); }
};

/// An ordinary argument or a result of an exported function.
struct TensorSpec {
  std::string name;
  DType dtype = DType::F32;
  std::vector<Dim> dims; ///< Empty for a rank-0 array.
};

/// A Variable of the model, in ABI (`vars()`) order. The context holds every
/// Variable the manifest lists, whether or not a function updates it: the
/// dyn Variables of the exported functions, the Variables they read as
/// constants (frozen into their kernels) and the module's other Variables
/// (see exportModel, bpc/Tracer/Export.h, for which are listed).
struct VariableSpec {
  std::string name; ///< Path from the module, e.g. "lr.w".
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  /// Row-major initial value in host byte order, dtypeSize(dtype) *
  /// product(shape) bytes (bool: one byte 0/1); empty means all zeros.
  std::vector<uint8_t> initial;
};

/// A static parameter of an exported function (static_argnames or
/// static_argnums): it stays a parameter of the C entry point, a 0-d
/// `const bpc_array *` for numbers and booleans or a `const char *` for
/// strings, and the entry point dispatches on its value.
struct StaticParam {
  std::string name;
  /// Its index among the entry point's parameters (after ctx, before the
  /// results); the array arguments fill the other indices in order.
  unsigned position = 0;
  bool isString = false;
};

/// The value a specialisation was compiled for: a Python bool, int, float
/// or str.
struct StaticValue {
  enum class Kind { Bool, Int, Float, Str };
  Kind kind = Kind::Int;
  int64_t intValue = 0;  ///< Bool (0 or 1) and Int.
  double floatValue = 0; ///< Float.
  std::string text;      ///< Str.
  std::string repr;      ///< Python's repr: `1.0`, `'tanh'`, `True`.
};

/// A module-level name bound to a `bm.jit(...)` result, or one
/// specialisation of it. A function with static parameters has one
/// FunctionSpec per set of compiled static values, consecutive in
/// ModelManifest::functions and alike in name, staticParams, argument
/// names and result count: they share one C entry point, which calls the
/// kernel of the specialisation whose values match the caller's.
struct FunctionSpec {
  std::string name;   ///< Exported name, e.g. "lr_jit": the C entry is prefix_name.
  std::string kernel; ///< Symbol of the kernel's func.func, e.g. "lr_step".
  std::vector<TensorSpec> args;
  std::vector<TensorSpec> results;
  /// The dyn Variables the kernel takes after its arguments, as indices into
  /// ModelManifest::variables, in kernel parameter order.
  std::vector<int32_t> varIndices;
  /// The Variables the kernel reads as constants, frozen into it at their
  /// initial values, as indices into ModelManifest::variables in the order
  /// the function first reads them. Documentation only (the header names
  /// them): the kernel does not take them, so set_var and load do not
  /// change what it computes.
  std::vector<int32_t> frozenIndices;
  /// The static parameters (empty for a function without) and the value
  /// of each that this specialisation was compiled for.
  std::vector<StaticParam> staticParams;
  std::vector<StaticValue> staticValues;
};

struct ModelManifest {
  std::string prefix; ///< A C identifier: "model" gives model_create etc.
  std::vector<VariableSpec> variables;
  std::vector<FunctionSpec> functions;
};

/// Bytes per element as the runtime stores it (bool: 1).
inline int64_t dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::Bool:
    return 1;
  }
  return 0;
}

/// The short name used in documentation and messages: f32, f64, i32, i64, bool.
inline const char *dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  case DType::Bool:
    return "bool";
  }
  return "?";
}

} // namespace bpc

#endif // BPC_TARGET_MODELMANIFEST_H
