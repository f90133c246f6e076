//===- Call.cpp - bpc runtime: checked calls of compiled functions --------===//
//
// bpc_ctx_call: validates every argument and result against the function's
// descriptor, resolves symbolic dimensions, allocates context-owned results,
// and only then runs the kernel. Everything that can fail happens before the
// kernel, which is what makes "an error changes no Variable" hold without
// copying Variables.
//
//===----------------------------------------------------------------------===//

#include "Context.h"

#include <cstring>

using namespace bpc::rt;

namespace {

/// Checks one argument or caller-provided result against its descriptor and
/// binds (or checks) the symbols of its dimensions; `bytes` receives its size.
bpc_status checkArray(bpc_ctx *ctx, const bpc_func_desc &func, bool isResult,
                      int32_t index, const bpc_array &array, size_t &bytes) {
  const bpc_arg_desc &desc = isResult ? func.results[index] : func.args[index];
  const char *kind = isResult ? "result" : "argument";
  auto describe = [&] {
    return formatString("%s: %s %d ('%s')", func.name, kind, int(index),
                        desc.name);
  };
  auto declared = [&] { return formatDeclaredShape(desc, func.symbol_names); };

  if (array.dtype != desc.dtype)
    return ctx->fail(BPC_ERR_DTYPE,
                     describe() + formatString(" has dtype %s, expected %s",
                                               bpc_dtype_name(array.dtype),
                                               bpc_dtype_name(desc.dtype)));
  if (array.rank != desc.rank)
    return ctx->fail(BPC_ERR_SHAPE,
                     describe() + formatString(" has rank %d, expected rank "
                                               "%d %s", int(array.rank),
                                               int(desc.rank),
                                               declared().c_str()));
  for (int32_t d = 0; d < desc.rank; ++d) {
    int64_t got = array.shape[d];
    if (got < 0)
      return ctx->fail(BPC_ERR_SHAPE,
                       describe() + formatString(" has negative dimension %d "
                                                 "(shape %s)", int(d),
                                                 formatShape(array.rank, array.shape).c_str()));
    int32_t sym = desc.dim_symbol[d];
    if (sym < 0) {
      if (got != desc.shape[d])
        return ctx->fail(
            BPC_ERR_SHAPE,
            describe() + formatString(" has shape %s, expected %s (dimension "
                                      "%d is %lld, expected %lld)",
                                      formatShape(array.rank, array.shape).c_str(),
                                      declared().c_str(), int(d),
                                      (long long)got,
                                      (long long)desc.shape[d]));
      continue;
    }
    if (ctx->symbols[sym] < 0) {
      ctx->symbols[sym] = got;
      ctx->symbolArg[sym] = index;
      ctx->symbolDim[sym] = d;
      continue;
    }
    if (ctx->symbols[sym] != got) {
      // Arguments bind every symbol (bpc_model_check guarantees it), so the
      // first binding always names an argument.
      const bpc_arg_desc &first = func.args[ctx->symbolArg[sym]];
      return ctx->fail(
          BPC_ERR_SHAPE,
          formatString("%s: symbolic dimension '%s' is %lld in argument '%s' "
                       "(dimension %d) but %lld in %s '%s' (dimension %d)",
                       func.name, func.symbol_names[sym],
                       (long long)ctx->symbols[sym], first.name,
                       int(ctx->symbolDim[sym]), (long long)got, kind,
                       desc.name, int(d)));
    }
  }
  if (!arrayBytes(array.dtype, array.rank, array.shape, bytes))
    return ctx->fail(BPC_ERR_SHAPE,
                     describe() + formatString(" shape %s is too large",
                                               formatShape(array.rank, array.shape).c_str()));
  return BPC_OK;
}

/// True if [a, a+aBytes) and [b, b+bBytes) share a byte.
bool overlaps(const void *a, size_t aBytes, const void *b, size_t bBytes) {
  auto pa = reinterpret_cast<uintptr_t>(a), pb = reinterpret_cast<uintptr_t>(b);
  return pa < pb + bBytes && pb < pa + aBytes;
}

/// The shape of result `desc` with its symbols resolved.
void resolveShape(const bpc_ctx &ctx, const bpc_arg_desc &desc, int64_t *shape) {
  for (int32_t d = 0; d < desc.rank; ++d)
    shape[d] = desc.dim_symbol[d] >= 0 ? ctx.symbols[desc.dim_symbol[d]]
                                       : desc.shape[d];
}

bpc_status call(bpc_ctx *ctx, int32_t f, const bpc_array *const *args,
                bpc_array *const *results) {
  const bpc_model_desc &model = *ctx->model;
  if (f < 0 || f >= model.num_funcs)
    return ctx->fail(BPC_ERR_ARG,
                     formatString("call: function index %d is out of range "
                                  "(model '%s' has %d functions)", int(f),
                                  model.model_name, int(model.num_funcs)));
  const bpc_func_desc &func = model.funcs[f];
  if (func.num_args && !args)
    return ctx->fail(BPC_ERR_ARG, formatString("%s: argument list is NULL",
                                               func.name));
  if (func.num_results && !results)
    return ctx->fail(BPC_ERR_ARG, formatString("%s: result list is NULL",
                                               func.name));

  ctx->symbols.assign(func.num_symbols, -1);
  ctx->symbolArg.assign(func.num_symbols, -1);
  ctx->symbolDim.assign(func.num_symbols, -1);
  ctx->argBytes.assign(func.num_args, 0);
  ctx->resultBytes.assign(func.num_results, 0);

  for (int32_t i = 0; i < func.num_args; ++i) {
    const bpc_array *a = args[i];
    if (!a || !a->data)
      return ctx->fail(BPC_ERR_ARG,
                       formatString("%s: argument %d ('%s') %s", func.name,
                                    int(i), func.args[i].name,
                                    a ? "has NULL data" : "is NULL"));
    bpc_status status = checkArray(ctx, func, false, i, *a, ctx->argBytes[i]);
    if (status != BPC_OK)
      return status;
  }

  // Results: caller buffers are checked like arguments; NULL-data results
  // get their size from the now fully bound symbols.
  for (int32_t i = 0; i < func.num_results; ++i) {
    bpc_array *r = results[i];
    if (!r)
      return ctx->fail(BPC_ERR_ARG,
                       formatString("%s: result %d ('%s') is NULL", func.name,
                                    int(i), func.results[i].name));
    if (r->data) {
      bpc_status status =
          checkArray(ctx, func, true, i, *r, ctx->resultBytes[i]);
      if (status != BPC_OK)
        return status;
      continue;
    }
    const bpc_arg_desc &desc = func.results[i];
    int64_t shape[BPC_MAX_RANK];
    resolveShape(*ctx, desc, shape);
    if (!arrayBytes(desc.dtype, desc.rank, shape, ctx->resultBytes[i]))
      return ctx->fail(BPC_ERR_SHAPE,
                       formatString("%s: result %d ('%s') shape %s is too large",
                                    func.name, int(i), desc.name,
                                    formatShape(desc.rank, shape).c_str()));
  }

  // Allocate before running anything: a failed allocation must leave the
  // previous results and all Variables as they were. An owned buffer is
  // reused when large enough, unless the caller passed the previous result
  // back in as an argument (then the kernel would read what it writes).
  std::vector<bpc_owned_result> &owned = ctx->ownedResults[f];
  ctx->pendingResults.resize(func.num_results);
  ctx->resultPtrs.resize(func.num_results);
  for (int32_t i = 0; i < func.num_results; ++i) {
    ctx->pendingResults[i].reset();
    if (results[i]->data) {
      ctx->resultPtrs[i] = results[i]->data;
      continue;
    }
    bool reusable = owned[i].buffer && owned[i].capacity >= ctx->resultBytes[i];
    for (int32_t a = 0; reusable && a < func.num_args; ++a)
      reusable = !overlaps(owned[i].buffer.get(), owned[i].capacity,
                           args[a]->data, ctx->argBytes[a]);
    if (reusable) {
      ctx->resultPtrs[i] = owned[i].buffer.get();
      continue;
    }
    ctx->pendingResults[i] = allocateBuffer(ctx->resultBytes[i]);
    ctx->resultPtrs[i] = ctx->pendingResults[i].get();
  }

  ctx->argPtrs.resize(func.num_args);
  for (int32_t i = 0; i < func.num_args; ++i)
    ctx->argPtrs[i] = args[i]->data;
  ctx->varPtrs.resize(func.num_vars);
  for (int32_t i = 0; i < func.num_vars; ++i)
    ctx->varPtrs[i] = ctx->vars[func.var_indices[i]].get();

  func.kernel(ctx->argPtrs.data(), ctx->symbols.data(), ctx->varPtrs.data(),
              ctx->resultPtrs.data());

  // Commit: nothing below allocates or fails.
  for (int32_t i = 0; i < func.num_results; ++i) {
    bpc_array *r = results[i];
    if (r->data)
      continue;
    if (ctx->pendingResults[i]) {
      owned[i].buffer = std::move(ctx->pendingResults[i]);
      owned[i].capacity = ctx->resultBytes[i];
    }
    const bpc_arg_desc &desc = func.results[i];
    r->data = ctx->resultPtrs[i];
    r->dtype = desc.dtype;
    r->rank = desc.rank;
    std::memset(r->shape, 0, sizeof(r->shape));
    resolveShape(*ctx, desc, r->shape);
  }
  return BPC_OK;
}

} // namespace

extern "C" bpc_status bpc_ctx_call(bpc_ctx *ctx, int32_t func,
                                   const bpc_array *const *args,
                                   bpc_array *const *results) {
  if (!ctx)
    return BPC_ERR_ARG;
  return guarded(ctx, "call", [&] { return call(ctx, func, args, results); });
}
