//===- Context.cpp - bpc runtime: contexts and Variable access ------------===//
//
// Descriptor validation, context creation, and the by-name Variable entry
// points of DESIGN.md §4a. Calls are in Call.cpp, save/load in StateFile.cpp.
//
//===----------------------------------------------------------------------===//

#include "Context.h"

#include <cstring>
#include <unordered_set>

using namespace bpc::rt;

namespace {

/// Why `arg` (argument or result `index` of `func`) is malformed, or "".
std::string checkArgDesc(const bpc_func_desc &func, const char *kind,
                         int32_t index, const bpc_arg_desc &arg) {
  std::string where = formatString("function '%s' %s %d", func.name, kind, index);
  if (!arg.name)
    return where + " has no name";
  where += formatString(" ('%s')", arg.name);
  if (!isValidDtype(arg.dtype))
    return where + formatString(" has invalid dtype %d", int(arg.dtype));
  if (arg.rank < 0 || arg.rank > BPC_MAX_RANK)
    return where + formatString(" has invalid rank %d", int(arg.rank));
  for (int32_t d = 0; d < arg.rank; ++d) {
    int32_t sym = arg.dim_symbol[d];
    bool symbolic = sym >= 0 && sym < func.num_symbols && arg.shape[d] == -1;
    bool fixed = sym == -1 && arg.shape[d] >= 0;
    if (!symbolic && !fixed)
      return where + formatString(" dimension %d: shape %lld with dim_symbol "
                                  "%d is neither static nor a valid symbol",
                                  int(d), (long long)arg.shape[d], int(sym));
  }
  return "";
}

/// Why function `func` of a model with `numVars` Variables is malformed, or "".
std::string checkFuncDesc(const bpc_func_desc &func, int32_t numVars) {
  if (!func.name)
    return "a function has no name";
  std::string where = formatString("function '%s'", func.name);
  if (!func.kernel)
    return where + " has no kernel";
  if (func.num_args < 0 || func.num_results < 0 || func.num_vars < 0 ||
      func.num_symbols < 0 || (func.num_args && !func.args) ||
      (func.num_results && !func.results) ||
      (func.num_vars && !func.var_indices) ||
      (func.num_symbols && !func.symbol_names))
    return where + " has a negative count or a missing table";
  for (int32_t s = 0; s < func.num_symbols; ++s)
    if (!func.symbol_names[s])
      return where + formatString(" symbol %d has no name", int(s));
  for (int32_t i = 0; i < func.num_args; ++i) {
    std::string why = checkArgDesc(func, "argument", i, func.args[i]);
    if (!why.empty())
      return why;
  }
  for (int32_t i = 0; i < func.num_results; ++i) {
    std::string why = checkArgDesc(func, "result", i, func.results[i]);
    if (!why.empty())
      return why;
  }
  // A symbol must be bound by an argument: that is what makes the shape of
  // every result computable before the kernel runs.
  std::vector<bool> bound(func.num_symbols, false);
  for (int32_t i = 0; i < func.num_args; ++i)
    for (int32_t d = 0; d < func.args[i].rank; ++d)
      if (func.args[i].dim_symbol[d] >= 0)
        bound[func.args[i].dim_symbol[d]] = true;
  for (int32_t s = 0; s < func.num_symbols; ++s)
    if (!bound[s])
      return where + formatString(" symbol '%s' is not a dimension of any "
                                  "argument", func.symbol_names[s]);
  std::vector<bool> used(numVars, false);
  for (int32_t i = 0; i < func.num_vars; ++i) {
    int32_t v = func.var_indices[i];
    if (v < 0 || v >= numVars || used[v])
      return where + formatString(" var_indices[%d] = %d is out of range or "
                                  "repeated", int(i), int(v));
    used[v] = true;
  }
  return "";
}

/// Why `model` is malformed, or "".
std::string checkModel(const bpc_model_desc &model) {
  if (model.abi_version != BPC_ABI_VERSION)
    return formatString("descriptor has ABI version %d, this runtime is "
                        "version %d", int(model.abi_version), BPC_ABI_VERSION);
  if (!model.model_name)
    return "descriptor has no model name";
  if (model.num_vars < 0 || model.num_funcs < 0 ||
      (model.num_vars && !model.vars) || (model.num_funcs && !model.funcs))
    return "descriptor has a negative count or a missing table";
  std::unordered_set<std::string> names;
  for (int32_t i = 0; i < model.num_vars; ++i) {
    const bpc_var_desc &var = model.vars[i];
    if (!var.name || !*var.name)
      return formatString("Variable %d has no name", int(i));
    if (!names.insert(var.name).second)
      return formatString("Variable name '%s' is repeated", var.name);
    size_t bytes;
    if (!isValidDtype(var.dtype) || var.rank < 0 || var.rank > BPC_MAX_RANK ||
        !arrayBytes(var.dtype, var.rank, var.shape, bytes))
      return formatString("Variable '%s' has an invalid dtype, rank or shape",
                          var.name);
  }
  for (int32_t f = 0; f < model.num_funcs; ++f) {
    std::string why = checkFuncDesc(model.funcs[f], model.num_vars);
    if (!why.empty())
      return why;
  }
  return "";
}

void copyMessage(const std::string &message, char *msg, size_t cap) {
  if (!msg || cap == 0)
    return;
  size_t n = message.size() < cap - 1 ? message.size() : cap - 1;
  std::memcpy(msg, message.data(), n);
  msg[n] = '\0';
}

bool sameShape(const bpc_array &a, int32_t rank, const int64_t *shape) {
  if (a.rank != rank)
    return false;
  for (int32_t i = 0; i < rank; ++i)
    if (a.shape[i] != shape[i])
      return false;
  return true;
}

/// Checks that `array` describes Variable `v` of `ctx` exactly; `what`
/// names the array in the message ("out", "in").
bpc_status checkAgainstVar(bpc_ctx *ctx, const char *entry, int32_t v,
                           const bpc_array &array, const char *what) {
  const bpc_var_desc &var = ctx->model->vars[v];
  if (array.dtype != var.dtype)
    return ctx->fail(BPC_ERR_DTYPE,
                     formatString("%s: Variable '%s' has dtype %s, %s has %s",
                                  entry, var.name, bpc_dtype_name(var.dtype),
                                  what, bpc_dtype_name(array.dtype)));
  if (array.rank < 0 || array.rank > BPC_MAX_RANK ||
      !sameShape(array, var.rank, var.shape))
    return ctx->fail(
        BPC_ERR_SHAPE,
        formatString("%s: Variable '%s' has shape %s, %s has %s", entry,
                     var.name, formatShape(var.rank, var.shape).c_str(), what,
                     array.rank < 0 || array.rank > BPC_MAX_RANK
                         ? formatString("invalid rank %d", int(array.rank)).c_str()
                         : formatShape(array.rank, array.shape).c_str()));
  return BPC_OK;
}

} // namespace

int32_t bpc_ctx::findVar(const char *name, const char *entry) {
  if (!name) {
    fail(BPC_ERR_ARG, formatString("%s: Variable name is NULL", entry));
    return -1;
  }
  auto it = varIndex.find(name);
  if (it == varIndex.end()) {
    fail(BPC_ERR_ARG, formatString("%s: model '%s' has no Variable '%s'",
                                   entry, model->model_name, name));
    return -1;
  }
  return it->second;
}

extern "C" {

bpc_status bpc_model_check(const bpc_model_desc *model, char *msg, size_t cap) {
  try {
    std::string why = model ? checkModel(*model) : "descriptor is NULL";
    copyMessage(why, msg, cap);
    return why.empty() ? BPC_OK : BPC_ERR_INTERNAL;
  } catch (...) {
    copyMessage("out of memory", msg, cap);
    return BPC_ERR_INTERNAL;
  }
}

bpc_status bpc_ctx_create(const bpc_model_desc *model, bpc_ctx **out) {
  if (!out)
    return BPC_ERR_ARG;
  *out = nullptr;
  if (!model)
    return BPC_ERR_ARG;
  try {
    if (!checkModel(*model).empty())
      return BPC_ERR_INTERNAL;
    std::unique_ptr<bpc_ctx> ctx(new bpc_ctx);
    ctx->model = model;
    ctx->vars.reserve(model->num_vars);
    for (int32_t i = 0; i < model->num_vars; ++i) {
      const bpc_var_desc &var = model->vars[i];
      size_t bytes = 0;
      arrayBytes(var.dtype, var.rank, var.shape, bytes);
      Buffer buffer = allocateBuffer(bytes);
      if (var.initial)
        std::memcpy(buffer.get(), var.initial, bytes);
      else
        std::memset(buffer.get(), 0, bytes);
      ctx->vars.push_back(std::move(buffer));
      ctx->varBytes.push_back(bytes);
      ctx->varIndex.emplace(var.name, i);
    }
    ctx->ownedResults.resize(model->num_funcs);
    for (int32_t f = 0; f < model->num_funcs; ++f)
      ctx->ownedResults[f].resize(model->funcs[f].num_results);
    *out = ctx.release();
    return BPC_OK;
  } catch (...) {
    return BPC_ERR_INTERNAL;
  }
}

void bpc_ctx_destroy(bpc_ctx *ctx) { delete ctx; }

const char *bpc_ctx_last_error(const bpc_ctx *ctx) {
  if (!ctx)
    return "invalid context (NULL); bpc_ctx_create reports failures only "
           "through its status, bpc_model_check explains a bad descriptor";
  return ctx->lastError.c_str();
}

int bpc_ctx_var_count(const bpc_ctx *ctx) {
  return ctx ? ctx->model->num_vars : 0;
}

const char *bpc_ctx_var_name(const bpc_ctx *ctx, int i) {
  if (!ctx || i < 0 || i >= ctx->model->num_vars)
    return nullptr;
  return ctx->model->vars[i].name;
}

bpc_status bpc_ctx_get_var(bpc_ctx *ctx, const char *name, bpc_array *out) {
  if (!ctx)
    return BPC_ERR_ARG;
  return guarded(ctx, "get_var", [&] {
    int32_t v = ctx->findVar(name, "get_var");
    if (v < 0)
      return BPC_ERR_ARG;
    if (!out)
      return ctx->fail(BPC_ERR_ARG, "get_var: output array is NULL");
    if (!out->data) {
      const bpc_var_desc &var = ctx->model->vars[v];
      out->dtype = var.dtype;
      out->rank = var.rank;
      std::memcpy(out->shape, var.shape, sizeof(out->shape));
      return BPC_OK;
    }
    bpc_status status = checkAgainstVar(ctx, "get_var", v, *out, "out");
    if (status != BPC_OK)
      return status;
    std::memmove(out->data, ctx->vars[v].get(), ctx->varBytes[v]);
    return BPC_OK;
  });
}

bpc_status bpc_ctx_set_var(bpc_ctx *ctx, const char *name, const bpc_array *in) {
  if (!ctx)
    return BPC_ERR_ARG;
  return guarded(ctx, "set_var", [&] {
    int32_t v = ctx->findVar(name, "set_var");
    if (v < 0)
      return BPC_ERR_ARG;
    if (!in || !in->data)
      return ctx->fail(BPC_ERR_ARG,
                       formatString("set_var: input array for '%s' is NULL or "
                                    "has NULL data", name));
    bpc_status status = checkAgainstVar(ctx, "set_var", v, *in, "in");
    if (status != BPC_OK)
      return status;
    std::memmove(ctx->vars[v].get(), in->data, ctx->varBytes[v]);
    return BPC_OK;
  });
}

} // extern "C"
