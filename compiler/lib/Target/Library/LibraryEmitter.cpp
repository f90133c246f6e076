//===- LibraryEmitter.cpp - A lowered model to libNAME.so + NAME.h --------===//
//
// Generates the model's C header and C99 glue (descriptors, kernel shims,
// entry points) as text and builds the library with the system `cc`: the
// glue only fills plain structs and calls other functions, which C states
// more readably and more checkably (the C compiler type-checks it against the
// runtime's headers) than hand-built LLVM IR would.
//
//===----------------------------------------------------------------------===//

#include "bpc/Target/LibraryEmitter.h"

#include "bpc/Target/HostCodegen.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstring>
#include <iterator>
#include <optional>

#ifndef BPC_RUNTIME_LIBRARY
#error "BPC_RUNTIME_LIBRARY (path of libbpc_runtime.a) must be defined by the build"
#endif
#ifndef BPC_RUNTIME_INCLUDE_DIR
#error "BPC_RUNTIME_INCLUDE_DIR (the runtime's include directory) must be defined by the build"
#endif

using namespace bpc;

namespace {

llvm::Error makeError(std::string message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

bool isIdentifier(llvm::StringRef name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
    return false;
  return llvm::all_of(name, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool isCKeyword(llvm::StringRef name) {
  static const char *const keywords[] = {
      "auto",     "break",  "case",     "char",   "const",    "continue", "default",
      "do",       "double", "else",     "enum",   "extern",   "float",    "for",
      "goto",     "if",     "inline",   "int",    "long",     "register", "restrict",
      "return",   "short",  "signed",   "sizeof", "static",   "struct",   "switch",
      "typedef",  "union",  "unsigned", "void",   "volatile", "while",    "_Bool",
      "_Complex", "_Imaginary", "bool", "class", "this", "new", "delete", "template"};
  return llvm::is_contained(keywords, name);
}

/// A C string literal; names are paths like "lr.w", but nothing stops a
/// model from using other characters.
std::string cString(llvm::StringRef text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\')
      out += {'\\', static_cast<char>(c)};
    else if (c >= 0x20 && c < 0x7f)
      out += static_cast<char>(c);
    else
      out += fmt::format("\\{:03o}", c);
  }
  return out + "\"";
}

const char *dtypeEnum(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "BPC_F32";
  case DType::F64:
    return "BPC_F64";
  case DType::I32:
    return "BPC_I32";
  case DType::I64:
    return "BPC_I64";
  case DType::Bool:
    return "BPC_BOOL";
  }
  return "?";
}

std::string shapeText(DType dtype, llvm::ArrayRef<Dim> dims) {
  std::string out = fmt::format("{}[", dtypeName(dtype));
  for (size_t i = 0; i < dims.size(); ++i)
    out += (i ? ", " : "") +
           (dims[i].isSymbolic() ? dims[i].symbol : std::to_string(dims[i].size));
  return out + "]";
}

std::vector<Dim> fixedDims(llvm::ArrayRef<int64_t> shape) {
  std::vector<Dim> dims;
  for (int64_t size : shape)
    dims.push_back(Dim::fixed(size));
  return dims;
}

/// The symbolic dimensions of `func` in the order the runtime numbers them:
/// first appearance over the arguments (results may only reuse them).
std::vector<std::string> symbolsOf(const FunctionSpec &func) {
  std::vector<std::string> symbols;
  for (const TensorSpec &arg : func.args)
    for (const Dim &dim : arg.dims)
      if (dim.isSymbolic() && !llvm::is_contained(symbols, dim.symbol))
        symbols.push_back(dim.symbol);
  return symbols;
}

/// A parameter of an entry point, after ctx: an array argument (`index`
/// into args), a static parameter (into staticParams) or a result.
struct CParam {
  enum Kind { Arg, Static, Result } kind;
  size_t index;
  std::string name;
};

/// The C parameters of `func`'s wrapper in order: arguments and static
/// parameters in parameter order, then results. Names are the manifest's
/// where they are usable identifiers, `argN`/`resultN` otherwise (a
/// keyword, `ctx`, or a repeated name).
std::vector<CParam> cParams(const FunctionSpec &func) {
  std::vector<CParam> params;
  llvm::StringSet<> used = {"ctx"};
  auto add = [&](CParam::Kind kind, size_t index, std::string name, const char *fallback,
                 size_t number) {
    if (!isIdentifier(name) || isCKeyword(name) || used.contains(name))
      name = fmt::format("{}{}", fallback, number);
    used.insert(name);
    params.push_back({kind, index, name});
  };
  size_t numInputs = func.args.size() + func.staticParams.size();
  for (size_t position = 0, arg = 0, stat = 0; position < numInputs; ++position) {
    if (stat < func.staticParams.size() && func.staticParams[stat].position == position) {
      add(CParam::Static, stat, func.staticParams[stat].name, "arg", position);
      ++stat;
    } else {
      add(CParam::Arg, arg, func.args[arg].name, "arg", position);
      ++arg;
    }
  }
  for (size_t i = 0; i < func.results.size(); ++i)
    add(CParam::Result, i, func.results[i].name, "result", i);
  return params;
}

/// The C parameter names of `func`'s wrapper that pass `kind`, in order.
std::vector<std::string> namesOf(llvm::ArrayRef<CParam> params, CParam::Kind kind) {
  std::vector<std::string> names;
  for (const CParam &p : params)
    if (p.kind == kind)
      names.push_back(p.name);
  return names;
}

std::string wrapperPrototype(const ModelManifest &manifest, const FunctionSpec &func) {
  std::string out = fmt::format("bpc_status {}_{}({}_ctx *ctx", manifest.prefix, func.name,
                                manifest.prefix);
  for (const CParam &p : cParams(func)) {
    if (p.kind == CParam::Static && func.staticParams[p.index].isString)
      out += fmt::format(", const char *{}", p.name);
    else
      out += fmt::format(", {}bpc_array *{}", p.kind == CParam::Result ? "" : "const ", p.name);
  }
  return out + ")";
}

/// The specialisations of each exported function: runs of consecutive
/// FunctionSpecs with one name, as [begin, end) indices.
std::vector<std::pair<size_t, size_t>> exportedGroups(const ModelManifest &manifest) {
  std::vector<std::pair<size_t, size_t>> groups;
  for (size_t f = 0; f < manifest.functions.size(); ++f) {
    if (!groups.empty() && !manifest.functions[f].staticParams.empty() &&
        manifest.functions[groups.back().first].name == manifest.functions[f].name)
      groups.back().second = f + 1;
    else
      groups.push_back({f, f + 1});
  }
  return groups;
}

/// `x=1.0, mode='tanh'`: the static values of one specialisation.
std::string staticValuesText(const FunctionSpec &func) {
  std::string out;
  for (size_t i = 0; i < func.staticParams.size(); ++i)
    out += (i ? ", " : "") + func.staticParams[i].name + "=" + func.staticValues[i].repr;
  return out;
}

/// A C double literal, exact (hex float) where finite.
std::string doubleLiteral(double value) {
  if (std::isnan(value))
    return "NAN";
  if (std::isinf(value))
    return value < 0 ? "-INFINITY" : "INFINITY";
  return fmt::format("{:a}", value);
}

//===----------------------------------------------------------------------===//
// Glue pieces
//===----------------------------------------------------------------------===//

/// C expression for one dimension inside a kernel shim.
std::string dimExpr(const Dim &dim, llvm::ArrayRef<std::string> symbols) {
  if (!dim.isSymbolic())
    return fmt::format("INT64_C({})", dim.size);
  return fmt::format("symbols[{}]", llvm::find(symbols, dim.symbol) - symbols.begin());
}

/// C expression for the product of `dims` (the element count, or a
/// row-major stride when given a suffix of the dimensions).
std::string productExpr(llvm::ArrayRef<Dim> dims, llvm::ArrayRef<std::string> symbols) {
  if (dims.empty())
    return "INT64_C(1)";
  std::string out;
  for (const Dim &dim : dims)
    out += (out.empty() ? "" : " * ") + dimExpr(dim, symbols);
  return out;
}

std::string memrefType(size_t rank) { return fmt::format("bpc_memref{}", rank); }

/// An initialiser of a memref descriptor for a dense row-major buffer.
std::string descriptorInit(llvm::StringRef data, llvm::ArrayRef<Dim> dims,
                           llvm::ArrayRef<std::string> symbols) {
  std::string out = fmt::format("{{{0}, {0}, 0", data.str());
  if (dims.empty())
    return out + "}";
  std::string sizes, strides;
  for (size_t i = 0; i < dims.size(); ++i) {
    sizes += (i ? ", " : "") + dimExpr(dims[i], symbols);
    strides += (i ? ", " : "") + productExpr(dims.drop_front(i + 1), symbols);
  }
  return out + fmt::format(", {{{}}}, {{{}}}}}", sizes, strides);
}

/// Exact C literals for `count` elements of `bytes`. Floats are hex-float
/// literals, which denote their value exactly; if any is NaN or infinite (no
/// literal exists) the whole array is written as its bit patterns.
struct InitialData {
  const char *ctype;
  std::vector<std::string> literals;
};

template <typename T> T load(const uint8_t *bytes) {
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

InitialData initialLiterals(DType dtype, const std::vector<uint8_t> &bytes) {
  InitialData data;
  int64_t size = dtypeSize(dtype);
  int64_t count = static_cast<int64_t>(bytes.size()) / size;
  auto each = [&](auto literal) {
    for (int64_t i = 0; i < count; ++i)
      data.literals.push_back(literal(bytes.data() + i * size));
  };
  auto floats = [&](auto zero, const char *ctype, const char *bitsType, const char *suffix) {
    using T = decltype(zero);
    bool finite = true;
    for (int64_t i = 0; i < count; ++i)
      finite = finite && std::isfinite(load<T>(bytes.data() + i * size));
    if (finite) {
      data.ctype = ctype;
      each([&](const uint8_t *p) { return fmt::format("{:a}{}", load<T>(p), suffix); });
      return;
    }
    data.ctype = bitsType;
    each([&](const uint8_t *p) {
      if constexpr (sizeof(T) == 4)
        return fmt::format("UINT32_C(0x{:08x})", load<uint32_t>(p));
      else
        return fmt::format("UINT64_C(0x{:016x})", load<uint64_t>(p));
    });
  };
  switch (dtype) {
  case DType::F32:
    floats(0.0f, "float", "uint32_t", "f");
    break;
  case DType::F64:
    floats(0.0, "double", "uint64_t", "");
    break;
  case DType::I32:
    data.ctype = "int32_t";
    // INT32_MIN has no literal of its own (the minus applies to a positive
    // literal), so every value goes through INT32_C of the magnitude.
    each([](const uint8_t *p) {
      int32_t v = load<int32_t>(p);
      return v == INT32_MIN ? std::string("INT32_MIN") : fmt::format("INT32_C({})", v);
    });
    break;
  case DType::I64:
    data.ctype = "int64_t";
    each([](const uint8_t *p) {
      int64_t v = load<int64_t>(p);
      return v == INT64_MIN ? std::string("INT64_MIN") : fmt::format("INT64_C({})", v);
    });
    break;
  case DType::Bool:
    data.ctype = "uint8_t";
    each([](const uint8_t *p) { return std::to_string(*p); });
    break;
  }
  return data;
}

void emitArray(std::string &out, llvm::StringRef declaration, llvm::ArrayRef<std::string> items,
               size_t perLine) {
  out += fmt::format("{} = {{", declaration.str());
  for (size_t i = 0; i < items.size(); ++i)
    out += (i % perLine == 0 ? "\n    " : " ") + items[i] + (i + 1 < items.size() ? "," : "");
  out += "};\n";
}

void emitArgDescs(std::string &out, llvm::StringRef name, llvm::ArrayRef<TensorSpec> specs,
                  llvm::ArrayRef<std::string> symbols) {
  std::vector<std::string> items;
  for (const TensorSpec &spec : specs) {
    std::string shape, dimSymbol;
    for (size_t d = 0; d < spec.dims.size(); ++d) {
      const Dim &dim = spec.dims[d];
      bool symbolic = dim.isSymbolic();
      shape += (d ? ", " : "") + std::to_string(symbolic ? -1 : dim.size);
      dimSymbol += (d ? ", " : "") +
                   std::to_string(symbolic ? llvm::find(symbols, dim.symbol) - symbols.begin() : -1);
    }
    items.push_back(fmt::format("{{{}, {}, {}, {{{}}}, {{{}}}}}", cString(spec.name),
                                dtypeEnum(spec.dtype), spec.dims.size(),
                                shape.empty() ? "0" : shape, dimSymbol.empty() ? "-1" : dimSymbol));
  }
  emitArray(out, fmt::format("static const bpc_arg_desc {}[{}]", name.str(), items.size()), items, 1);
}

/// The kernel shim of function `index`: memref descriptors over the
/// runtime's buffers (arguments, dyn Variables, then the results, which the
/// kernel writes in place), and the call.
void emitKernelShim(std::string &out, const ModelManifest &manifest, size_t index) {
  const FunctionSpec &func = manifest.functions[index];
  std::vector<std::string> symbols = symbolsOf(func);
  size_t numResults = func.results.size();

  std::vector<std::string> params, callArgs, spans;
  std::string body;
  auto bytes = [&](llvm::ArrayRef<Dim> dims, DType dtype) {
    return fmt::format("({}) * {}", productExpr(dims, symbols), dtypeSize(dtype));
  };
  for (size_t a = 0; a < func.args.size(); ++a) {
    const TensorSpec &arg = func.args[a];
    params.push_back(memrefType(arg.dims.size()) + " *");
    callArgs.push_back(fmt::format("&a{}", a));
    body += fmt::format("  {} a{} = {};\n", memrefType(arg.dims.size()), a,
                        descriptorInit(fmt::format("args[{}]", a), arg.dims, symbols));
    spans.push_back(fmt::format("{{args[{}], {}}}", a, bytes(arg.dims, arg.dtype)));
  }
  for (size_t v = 0; v < func.varIndices.size(); ++v) {
    const VariableSpec &var = manifest.variables[func.varIndices[v]];
    std::vector<Dim> dims = fixedDims(var.shape);
    params.push_back(memrefType(var.shape.size()) + " *");
    callArgs.push_back(fmt::format("&v{}", v));
    body += fmt::format("  {} v{} = {};\n", memrefType(var.shape.size()), v,
                        descriptorInit(fmt::format("vars[{}]", v), dims, symbols));
    spans.push_back(fmt::format("{{vars[{}], {}}}", v, bytes(dims, var.dtype)));
  }
  std::string copyBack;
  for (size_t r = 0; r < numResults; ++r) {
    const TensorSpec &result = func.results[r];
    params.push_back(memrefType(result.dims.size()) + " *");
    callArgs.push_back(fmt::format("&r{}", r));
    // Earlier results are spans too: one buffer passed for two results must
    // not be written by both while the kernel runs.
    body += fmt::format("  void *out{0} = bpc_out_buffer(results[{0}], {1}, spans, {2});\n", r,
                        bytes(result.dims, result.dtype), spans.size());
    body += fmt::format("  {} r{} = {};\n", memrefType(result.dims.size()), r,
                        descriptorInit(fmt::format("out{}", r), result.dims, symbols));
    spans.push_back(fmt::format("{{results[{}], {}}}", r, bytes(result.dims, result.dtype)));
    copyBack += fmt::format("  bpc_out_done(results[{0}], out{0}, {1});\n", r,
                            bytes(result.dims, result.dtype));
  }
  out += fmt::format("void _mlir_ciface_{}({});\n", func.kernel,
                     params.empty() ? std::string("void") : llvm::join(params, ", "));

  out += fmt::format("static void bpc_kernel{}(void *const *args, const int64_t *symbols,\n"
                     "                        void *const *vars, void *const *results) {{\n",
                     index);
  out += "  (void)args;\n  (void)symbols;\n  (void)vars;\n  (void)results;\n";
  if (numResults)
    emitArray(out, fmt::format("  const bpc_span spans[{}]", spans.size()), spans, 1);
  out += body;
  out += fmt::format("  _mlir_ciface_{}({});\n", func.kernel, llvm::join(callArgs, ", "));
  out += copyBack + "}\n\n";
}

/// Type definitions and the helper shared by all kernel shims.
void emitShimSupport(std::string &out, const ModelManifest &manifest) {
  std::vector<bool> ranks(9, false);
  auto note = [&](size_t rank) { ranks[std::min<size_t>(rank, 8)] = true; };
  for (const FunctionSpec &func : manifest.functions) {
    for (const TensorSpec &spec : func.args)
      note(spec.dims.size());
    for (const TensorSpec &spec : func.results)
      note(spec.dims.size());
    for (int32_t v : func.varIndices)
      note(manifest.variables[v].shape.size());
  }
  out += "/* MLIR's memref descriptors (layout only: the element pointer type does\n"
         "   not change it). Rank 0 has no size or stride arrays. */\n";
  for (size_t rank = 0; rank < ranks.size(); ++rank) {
    if (!ranks[rank])
      continue;
    if (rank == 0)
      out += "typedef struct { void *alloc, *aligned; int64_t offset; } bpc_memref0;\n";
    else
      out += fmt::format("typedef struct {{ void *alloc, *aligned; int64_t offset, sizes[{0}], "
                         "strides[{0}]; }} bpc_memref{0};\n",
                         rank);
  }
  out += R"(
/* A buffer the kernel reads or writes, and its size in bytes. */
typedef struct {
  const void *data;
  int64_t bytes;
} bpc_span;

/* Kernels write each result straight into its buffer (destination passing).
   Compiled code assumes that no buffer it writes overlaps one it reads, but
   the caller may pass an argument's buffer as a result, or one buffer for two
   results: then the kernel writes into a temporary that bpc_out_done copies
   over. The kernel must not fail, so an allocation failure here aborts. */
static void *bpc_out_buffer(void *dst, int64_t bytes, const bpc_span *spans, int numSpans) {
  int i;
  void *tmp;
  if (bytes <= 0)
    return dst;
  for (i = 0; i < numSpans; ++i)
    if (spans[i].bytes > 0 && (const char *)dst < (const char *)spans[i].data + spans[i].bytes &&
        (const char *)spans[i].data < (const char *)dst + bytes)
      break;
  if (i == numSpans)
    return dst;
  tmp = malloc((size_t)bytes);
  if (!tmp)
    abort();
  return tmp;
}

static void bpc_out_done(void *dst, void *written, int64_t bytes) {
  if (written == dst)
    return;
  memcpy(dst, written, (size_t)bytes);
  free(written);
}

)";
}

//===----------------------------------------------------------------------===//
// Building
//===----------------------------------------------------------------------===//

/// Runs `args` (args[0] is the program), returning an error with its output
/// when it fails.
llvm::Error runTool(llvm::ArrayRef<std::string> args, llvm::StringRef logFile,
                    llvm::StringRef what) {
  std::vector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, logFile, logFile};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(args[0], argRefs, std::nullopt, redirects, 0, 0, &message);
  if (status == 0)
    return llvm::Error::success();
  std::string output;
  if (auto buffer = llvm::MemoryBuffer::getFile(logFile))
    output = (*buffer)->getBuffer().rtrim().str();
  return makeError(fmt::format("{} failed (status {}){}{}\ncommand: {}{}", what.str(), status,
                               message.empty() ? "" : ": ", message, llvm::join(args, " "),
                               output.empty() ? "" : "\n" + output));
}

llvm::Error writeFile(llvm::StringRef path, llvm::StringRef text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return makeError(fmt::format("cannot open '{}' for writing: {}", path.str(), ec.message()));
  os << text;
  os.close();
  if (os.has_error())
    return makeError(fmt::format("cannot write '{}': {}", path.str(), os.error().message()));
  return llvm::Error::success();
}

} // namespace

//===----------------------------------------------------------------------===//
// Public entry points
//===----------------------------------------------------------------------===//

std::string bpc::emitModelHeader(const ModelManifest &manifest) {
  const std::string &p = manifest.prefix;
  std::string guard = "BPC_MODEL_" + llvm::StringRef(p).upper() + "_H";
  std::string out = fmt::format(
      "/* {0}.h - C interface of the bpc model '{0}' (DESIGN.md §4a).\n"
      "   Generated by bpc; do not edit. */\n\n"
      "#ifndef {1}\n#define {1}\n\n"
      "#include \"bpc/runtime.h\"\n\n"
      "#ifdef __cplusplus\nextern \"C\" {{\n#endif\n\n"
      "typedef struct {0}_ctx {0}_ctx; /* one instance: all Variables */\n"
      "bpc_status {0}_create({0}_ctx **out); /* Variables at their initial values */\n"
      "void {0}_destroy({0}_ctx *ctx);\n"
      "const char *{0}_last_error(const {0}_ctx *ctx); /* message of the last failed call */\n\n",
      p, guard);

  // Per Variable, the functions that update it and those that froze it.
  std::vector<std::vector<std::string>> updatedBy(manifest.variables.size()),
      frozenIn(manifest.variables.size());
  for (const FunctionSpec &func : manifest.functions) {
    for (int32_t v : func.varIndices)
      updatedBy[v].push_back(func.name);
    for (int32_t v : func.frozenIndices)
      frozenIn[v].push_back(func.name);
  }
  bool anyFrozen = false, anyUnused = false;
  out += "/* Variables by their path from the module, in this order:";
  for (size_t v = 0; v < manifest.variables.size(); ++v) {
    const VariableSpec &var = manifest.variables[v];
    out += fmt::format("\n     {}: {}", var.name, shapeText(var.dtype, fixedDims(var.shape)));
    if (!frozenIn[v].empty()) {
      out += fmt::format(" (frozen in {})", llvm::join(frozenIn[v], ", "));
      anyFrozen = true;
    } else if (updatedBy[v].empty()) {
      out += " (unused)";
      anyUnused = true;
    }
  }
  if (manifest.variables.empty())
    out += " none";
  if (anyFrozen || anyUnused)
    out += "\n   All of the model's Variables are in the context: get_var, set_var,\n"
           "   save and load cover every one.";
  if (anyFrozen)
    out += " A Variable frozen in a function is a\n"
           "   constant of that function (not in its dyn_vars): as in BrainPy, the\n"
           "   function keeps computing with the value the Variable had when it was\n"
           "   traced at build time (its initial value), whatever set_var or load\n"
           "   store later; get_var, save and the functions that update it see the\n"
           "   stored value.";
  if (anyUnused)
    out += "\n   An unused Variable is one that no exported function reads or writes.";
  out += " */\n";
  out += fmt::format(
      "int {0}_var_count(const {0}_ctx *ctx);\n"
      "const char *{0}_var_name(const {0}_ctx *ctx, int i);\n"
      "bpc_status {0}_get_var({0}_ctx *ctx, const char *name, bpc_array *out); /* copies */\n"
      "bpc_status {0}_set_var({0}_ctx *ctx, const char *name, const bpc_array *in);\n"
      "bpc_status {0}_save({0}_ctx *ctx, const char *path); /* all Variables */\n"
      "bpc_status {0}_load({0}_ctx *ctx, const char *path); /* all-or-nothing */\n",
      p);

  if (!manifest.functions.empty())
    out += "\n/* Exported functions: arguments in order, then one out-param per result. A\n"
           "   result whose data is NULL is allocated by the context and stays valid\n"
           "   until the next call of that function or destroy; a non-NULL data is\n"
           "   written in place after a shape check. */\n";
  // One line per specialisation: `x: f32[n] -> out: f32[n]; updates ...`.
  auto signature = [&](const FunctionSpec &func) {
    std::vector<CParam> params = cParams(func);
    std::vector<std::string> args, results, vars;
    for (const CParam &p : params) {
      if (p.kind == CParam::Arg)
        args.push_back(p.name + ": " +
                       shapeText(func.args[p.index].dtype, func.args[p.index].dims));
      else if (p.kind == CParam::Result)
        results.push_back(p.name + ": " + shapeText(func.results[p.index].dtype,
                                                    func.results[p.index].dims));
    }
    std::vector<std::string> frozen;
    for (int32_t v : func.varIndices)
      vars.push_back(manifest.variables[v].name);
    for (int32_t v : func.frozenIndices)
      frozen.push_back(manifest.variables[v].name);
    // A specialisation's line starts with its static values instead of
    // `()` when it takes no arrays.
    std::string prefix = func.staticParams.empty() ? "" : staticValuesText(func);
    std::string inputs = args.empty() ? (prefix.empty() ? "()" : prefix)
                                      : (prefix.empty() ? "" : prefix + ": ") +
                                            llvm::join(args, ", ");
    return fmt::format("{} -> {}{}{}", inputs,
                       results.empty() ? "(none)" : llvm::join(results, ", "),
                       vars.empty() ? "" : "; updates " + llvm::join(vars, ", "),
                       frozen.empty() ? "" : "; frozen " + llvm::join(frozen, ", "));
  };
  for (auto [begin, end] : exportedGroups(manifest)) {
    const FunctionSpec &func = manifest.functions[begin];
    if (func.staticParams.empty()) {
      out += fmt::format("\n/* {} */\n{};\n", signature(func), wrapperPrototype(manifest, func));
      continue;
    }
    std::vector<std::string> numbers, strings;
    for (const StaticParam &p : func.staticParams)
      (p.isString ? strings : numbers).push_back(p.name);
    out += "\n/* Static ";
    if (!numbers.empty())
      out += fmt::format("{}: a 0-d array of any dtype, compared by value as Python\n"
                         "   compares numbers (1 == 1.0 == True; an f32 as f32)",
                         llvm::join(numbers, ", "));
    if (!strings.empty())
      out += fmt::format("{}{}: a NUL-terminated string", numbers.empty() ? "" : ";\n   ",
                         llvm::join(strings, ", "));
    out += ".\n   Compiled values (any other is BPC_ERR_ARG; bpc build --specialize adds one):";
    for (size_t f = begin; f < end; ++f)
      out += fmt::format("\n   {}", signature(manifest.functions[f]));
    out += fmt::format(" */\n{};\n", wrapperPrototype(manifest, func));
  }
  out += fmt::format("\n#ifdef __cplusplus\n}}\n#endif\n\n#endif /* {} */\n", guard);
  return out;
}

std::string bpc::emitModelGlue(const ModelManifest &manifest) {
  const std::string &p = manifest.prefix;
  std::string out = fmt::format(
      "/* Glue of the bpc model '{0}': runtime descriptors, kernel shims and the\n"
      "   entry points of {0}.h. Generated by bpc; do not edit. */\n\n"
      "#include \"{0}.h\"\n\n"
      "#include \"bpc/model.h\"\n#include \"bpc/wrappers.h\"\n\n"
      "#include <math.h>\n#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n\n",
      p);

  // Variables: initial data, then descriptors.
  std::vector<std::string> varDescs;
  for (size_t v = 0; v < manifest.variables.size(); ++v) {
    const VariableSpec &var = manifest.variables[v];
    std::string initial = "NULL";
    if (!var.initial.empty()) {
      InitialData data = initialLiterals(var.dtype, var.initial);
      initial = fmt::format("bpc_var{}_initial", v);
      emitArray(out, fmt::format("static const {} {}[{}]", data.ctype, initial, data.literals.size()),
                data.literals, 4);
    }
    std::string shape;
    for (size_t d = 0; d < var.shape.size(); ++d)
      shape += (d ? ", " : "") + std::to_string(var.shape[d]);
    varDescs.push_back(fmt::format("{{{}, {}, {}, {{{}}}, {}}}", cString(var.name),
                                   dtypeEnum(var.dtype), var.shape.size(),
                                   shape.empty() ? "0" : shape, initial));
  }
  if (!varDescs.empty())
    emitArray(out, fmt::format("static const bpc_var_desc bpc_vars[{}]", varDescs.size()),
              varDescs, 1);
  out += "\n";

  // Kernel shims.
  if (!manifest.functions.empty())
    emitShimSupport(out, manifest);
  for (size_t f = 0; f < manifest.functions.size(); ++f)
    emitKernelShim(out, manifest, f);

  // Function descriptors.
  std::vector<std::string> funcDescs;
  for (size_t f = 0; f < manifest.functions.size(); ++f) {
    const FunctionSpec &func = manifest.functions[f];
    std::vector<std::string> symbols = symbolsOf(func);
    auto table = [&](const char *what, size_t count) {
      return count ? fmt::format("bpc_func{}_{}", f, what) : std::string("NULL");
    };
    if (!func.args.empty())
      emitArgDescs(out, table("args", 1), func.args, symbols);
    if (!func.results.empty())
      emitArgDescs(out, table("results", 1), func.results, symbols);
    if (!func.varIndices.empty()) {
      std::vector<std::string> items;
      for (int32_t v : func.varIndices)
        items.push_back(std::to_string(v));
      emitArray(out, fmt::format("static const int32_t {}[{}]", table("vars", 1), items.size()),
                items, 16);
    }
    if (!symbols.empty()) {
      std::vector<std::string> items;
      for (const std::string &symbol : symbols)
        items.push_back(cString(symbol));
      emitArray(out,
                fmt::format("static const char *const {}[{}]", table("symbols", 1), items.size()),
                items, 16);
    }
    funcDescs.push_back(fmt::format(
        "{{{}, {}, {}, {}, {}, {}, {}, {}, {}, bpc_kernel{}}}", cString(func.name), func.args.size(),
        table("args", func.args.size()), func.results.size(),
        table("results", func.results.size()), func.varIndices.size(),
        table("vars", func.varIndices.size()), symbols.size(), table("symbols", symbols.size()), f));
  }
  if (!funcDescs.empty())
    emitArray(out, fmt::format("static const bpc_func_desc bpc_funcs[{}]", funcDescs.size()),
              funcDescs, 1);
  out += fmt::format("\nstatic const bpc_model_desc bpc_model = {{BPC_ABI_VERSION, {}, {}, {}, {}, {}}};\n\n",
                     cString(p), manifest.variables.size(),
                     varDescs.empty() ? "NULL" : "bpc_vars", manifest.functions.size(),
                     funcDescs.empty() ? "NULL" : "bpc_funcs");

  // Dispatch tables of the functions with static parameters: one row of
  // values per specialisation.
  for (auto [begin, end] : exportedGroups(manifest)) {
    const FunctionSpec &func = manifest.functions[begin];
    if (func.staticParams.empty())
      continue;
    std::vector<std::string> names, values, funcs;
    for (const StaticParam &param : func.staticParams)
      names.push_back(cString(param.name));
    for (size_t f = begin; f < end; ++f) {
      funcs.push_back(std::to_string(f));
      for (const StaticValue &v : manifest.functions[f].staticValues) {
        static const char *const kinds[] = {"BPC_STATIC_BOOL", "BPC_STATIC_INT",
                                            "BPC_STATIC_FLOAT", "BPC_STATIC_STR"};
        // INT64_MIN has no literal of its own (see initialLiterals).
        values.push_back(fmt::format(
            "{{{}, {}, {}, {}, {}}}", kinds[static_cast<int>(v.kind)],
            v.intValue == INT64_MIN ? std::string("INT64_MIN")
                                    : fmt::format("INT64_C({})", v.intValue),
            doubleLiteral(v.floatValue),
            v.kind == StaticValue::Kind::Str ? cString(v.text) : std::string("NULL"),
            cString(v.repr)));
      }
    }
    emitArray(out, fmt::format("static const char *const bpc_static{}_names[{}]", begin,
                               names.size()),
              names, 8);
    emitArray(out, fmt::format("static const bpc_static_value bpc_static{}_values[{}]", begin,
                               values.size()),
              values, 1);
    emitArray(out, fmt::format("static const int32_t bpc_static{}_funcs[{}]", begin, funcs.size()),
              funcs, 16);
    out += fmt::format("static const bpc_static_dispatch bpc_static{0} = {{{1}, {2}, "
                       "bpc_static{0}_names, {3}, bpc_static{0}_values, bpc_static{0}_funcs}};\n",
                       begin, cString(func.name), func.staticParams.size(), end - begin);
  }
  if (llvm::any_of(manifest.functions,
                   [](const FunctionSpec &func) { return !func.staticParams.empty(); }))
    out += "\n";

  // Entry points.
  out += fmt::format("BPC_DEFINE_MODEL_API({}, bpc_model);\n", p);
  for (auto [begin, end] : exportedGroups(manifest)) {
    const FunctionSpec &func = manifest.functions[begin];
    std::vector<CParam> params = cParams(func);
    out += fmt::format("\nBPC_EXPORT {} {{\n", wrapperPrototype(manifest, func));
    std::string args = "NULL", results = "NULL";
    if (!func.args.empty()) {
      out += fmt::format("  const bpc_array *args[] = {{{}}};\n",
                         llvm::join(namesOf(params, CParam::Arg), ", "));
      args = "args";
    }
    if (!func.results.empty()) {
      out += fmt::format("  bpc_array *results[] = {{{}}};\n",
                         llvm::join(namesOf(params, CParam::Result), ", "));
      results = "results";
    }
    if (func.staticParams.empty()) {
      out += fmt::format("  return bpc_ctx_call((bpc_ctx *)ctx, {}, {}, {});\n}}\n", begin,
                         args, results);
      continue;
    }
    std::vector<std::string> statics;
    for (const CParam &param : params)
      if (param.kind == CParam::Static)
        statics.push_back(func.staticParams[param.index].isString
                              ? fmt::format("{{NULL, {}}}", param.name)
                              : fmt::format("{{{}, NULL}}", param.name));
    out += fmt::format("  const bpc_static_arg statics[] = {{{}}};\n", llvm::join(statics, ", "));
    out += fmt::format("  return bpc_ctx_call_static((bpc_ctx *)ctx, &bpc_static{}, statics, {}, "
                       "{});\n}}\n",
                       begin, args, results);
  }
  return out;
}

llvm::Error bpc::verifyManifest(const ModelManifest &manifest) {
  if (!isIdentifier(manifest.prefix))
    return makeError(fmt::format("model prefix '{}' is not a C identifier", manifest.prefix));
  for (const VariableSpec &var : manifest.variables) {
    if (var.shape.size() > 8)
      return makeError(fmt::format("Variable '{}' has rank {}, more than 8", var.name,
                                   var.shape.size()));
    int64_t count = 1;
    for (int64_t size : var.shape) {
      if (size < 0)
        return makeError(fmt::format("Variable '{}' has a negative dimension", var.name));
      count *= size;
    }
    if (!var.initial.empty() &&
        static_cast<int64_t>(var.initial.size()) != count * dtypeSize(var.dtype))
      return makeError(fmt::format("Variable '{}': initial data has {} bytes, expected {}",
                                   var.name, var.initial.size(), count * dtypeSize(var.dtype)));
  }
  for (const FunctionSpec &func : manifest.functions) {
    if (!isIdentifier(func.name) || !isIdentifier(func.kernel))
      return makeError(fmt::format("function '{}' (kernel '{}'): names must be C identifiers",
                                   func.name, func.kernel));
    std::vector<std::string> symbols = symbolsOf(func);
    auto checkSpecs = [&](llvm::ArrayRef<TensorSpec> specs, const char *what) -> llvm::Error {
      for (const TensorSpec &spec : specs) {
        if (spec.dims.size() > 8)
          return makeError(fmt::format("{}: {} '{}' has rank {}, more than 8", func.name, what,
                                       spec.name, spec.dims.size()));
        for (const Dim &dim : spec.dims) {
          if (!dim.isSymbolic() && dim.size < 0)
            return makeError(fmt::format("{}: {} '{}' has a negative dimension", func.name, what,
                                         spec.name));
          if (dim.isSymbolic() && !llvm::is_contained(symbols, dim.symbol))
            return makeError(fmt::format("{}: {} '{}' has dimension '{}', which no argument binds",
                                         func.name, what, spec.name, dim.symbol));
        }
      }
      return llvm::Error::success();
    };
    if (llvm::Error error = checkSpecs(func.args, "argument"))
      return error;
    if (llvm::Error error = checkSpecs(func.results, "result"))
      return error;
    for (int32_t v : func.varIndices)
      if (v < 0 || static_cast<size_t>(v) >= manifest.variables.size())
        return makeError(fmt::format("{}: Variable index {} out of range", func.name, v));
    for (int32_t v : func.frozenIndices)
      if (v < 0 || static_cast<size_t>(v) >= manifest.variables.size())
        return makeError(fmt::format("{}: frozen Variable index {} out of range", func.name, v));
    if (func.staticValues.size() != func.staticParams.size())
      return makeError(fmt::format("{}: {} static values for {} static parameters", func.name,
                                   func.staticValues.size(), func.staticParams.size()));
    for (size_t i = 0; i < func.staticParams.size(); ++i) {
      const StaticParam &param = func.staticParams[i];
      if (param.position >= func.args.size() + func.staticParams.size() ||
          (i && param.position <= func.staticParams[i - 1].position))
        return makeError(fmt::format("{}: static parameter '{}' has position {}", func.name,
                                     param.name, param.position));
      if (param.isString != (func.staticValues[i].kind == StaticValue::Kind::Str))
        return makeError(fmt::format("{}: static parameter '{}' is {} but its value {} is not",
                                     func.name, param.name,
                                     param.isString ? "a string" : "a number",
                                     func.staticValues[i].repr));
    }
  }
  // The specialisations of one function share its entry point.
  llvm::StringSet<> entryNames;
  for (auto [begin, end] : exportedGroups(manifest)) {
    const FunctionSpec &first = manifest.functions[begin];
    if (!entryNames.insert(first.name).second)
      return makeError(fmt::format("function '{}' is exported twice", first.name));
    for (size_t f = begin + 1; f < end; ++f) {
      const FunctionSpec &func = manifest.functions[f];
      bool sameParams = func.args.size() == first.args.size() &&
                        func.results.size() == first.results.size() &&
                        func.staticParams.size() == first.staticParams.size();
      for (size_t i = 0; sameParams && i < func.args.size(); ++i)
        sameParams = func.args[i].name == first.args[i].name;
      for (size_t i = 0; sameParams && i < func.staticParams.size(); ++i)
        sameParams = func.staticParams[i].name == first.staticParams[i].name &&
                     func.staticParams[i].position == first.staticParams[i].position &&
                     func.staticParams[i].isString == first.staticParams[i].isString;
      if (!sameParams)
        return makeError(fmt::format(
            "function '{}': its specialisations {} and {} differ in their parameters or number "
            "of results, which one C entry point cannot express",
            func.name, staticValuesText(first), staticValuesText(func)));
    }
  }
  return llvm::Error::success();
}

llvm::Error bpc::buildSharedLibrary(mlir::ModuleOp loweredToLLVM, const ModelManifest &manifest,
                                    llvm::StringRef outputSo, llvm::StringRef outputHeader) {
  if (llvm::Error error = verifyManifest(manifest))
    return error;
  for (const FunctionSpec &func : manifest.functions) {
    auto kernel = loweredToLLVM.lookupSymbol<mlir::LLVM::LLVMFuncOp>("_mlir_ciface_" + func.kernel);
    if (!kernel || kernel.isExternal())
      return makeError(fmt::format("function '{}': the module has no '_mlir_ciface_{}' (is the "
                                   "kernel lowered to LLVM and marked llvm.emit_c_interface?)",
                                   func.name, func.kernel));
    // One pointer per argument, Variable and result (an out-param). A
    // mismatch usually means a Variable update or a result was not
    // bufferized in place, so its function result was not dropped.
    size_t expected = func.args.size() + func.varIndices.size() + func.results.size();
    if (kernel.getNumArguments() != expected)
      return makeError(fmt::format("function '{}': '_mlir_ciface_{}' takes {} pointers, expected {} "
                                   "({} arguments, {} Variables, {} results)",
                                   func.name, func.kernel, kernel.getNumArguments(), expected,
                                   func.args.size(), func.varIndices.size(), func.results.size()));
  }

  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return makeError("no C compiler driver 'cc' on PATH to build the model library");

  llvm::SmallString<128> dir;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory("bpc-" + manifest.prefix, dir))
    return makeError(fmt::format("cannot create a temporary directory: {}", ec.message()));
  auto cleanup = llvm::make_scope_exit([&] { llvm::sys::fs::remove_directories(dir); });
  auto inDir = [&](llvm::StringRef name) {
    llvm::SmallString<128> path(dir);
    llvm::sys::path::append(path, name);
    return std::string(path);
  };
  std::string kernels = inDir("kernels.o"), glueSource = inDir(manifest.prefix + "_glue.c"),
              glueObject = inDir(manifest.prefix + "_glue.o"), exports = inDir("exports.map"),
              log = inDir("cc.log"), header = emitModelHeader(manifest);

  {
    std::error_code ec;
    llvm::raw_fd_ostream os(kernels, ec);
    if (ec)
      return makeError(fmt::format("cannot open '{}': {}", kernels, ec.message()));
    if (llvm::Error error = emitHostCode(loweredToLLVM, HostOutput::Object, os))
      return llvm::joinErrors(makeError("emitting the kernels' object code failed"),
                              std::move(error));
  }
  // The glue includes the header, so cc checks the declarations against the
  // definitions; a version script keeps the kernels' own symbols (and any
  // left in the runtime) out of the dynamic symbol table.
  if (llvm::Error error = writeFile(inDir(manifest.prefix + ".h"), header))
    return error;
  if (llvm::Error error = writeFile(glueSource, emitModelGlue(manifest)))
    return error;
  if (llvm::Error error =
          writeFile(exports, fmt::format("{{\n  global: {}_*;\n  local: *;\n}};\n", manifest.prefix)))
    return error;

  if (llvm::Error error = runTool({*cc, "-O2", "-fPIC", "-std=c99", "-I" BPC_RUNTIME_INCLUDE_DIR,
                                   "-I" + std::string(dir), "-c", glueSource, "-o", glueObject},
                                  log, "compiling the model glue"))
    return error;
  // The runtime is C++: libstdc++ comes in as a shared dependency. -z defs
  // turns a missing symbol into a build error instead of a dlopen failure.
  if (llvm::Error error =
          runTool({*cc, "-shared", "-fPIC", "-o", outputSo.str(), kernels, glueObject,
                   BPC_RUNTIME_LIBRARY, "-Wl,--exclude-libs,ALL", "-Wl,--version-script=" + exports,
                   "-Wl,-z,defs", "-lstdc++", "-lm"},
                  log, fmt::format("linking '{}'", outputSo.str())))
    return error;
  return writeFile(outputHeader, header);
}
