//===- Call.cpp - bpc runtime: checked calls of compiled functions --------===//
//
// bpc_ctx_call: validates every argument and result against the function's
// descriptor, resolves symbolic dimensions, allocates context-owned results,
// and only then runs the kernel. Everything that can fail happens before the
// kernel, which is what makes "an error changes no Variable" hold without
// copying Variables. bpc_ctx_call_static first picks the specialisation
// compiled for the caller's static values (Python's equality), or fails
// with the compiled values in Python's repr.
//
//===----------------------------------------------------------------------===//

#include "Context.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
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

//===----------------------------------------------------------------------===//
// Static arguments
//===----------------------------------------------------------------------===//

namespace {

/// Python's repr of a float from the shortest digits that read back as the
/// same value (`scientific`, as std::to_chars writes them: `1.5e+16`):
/// positional notation for exponents in [-4, 16), as Python uses, else
/// scientific with at least two exponent digits (`1e-05`).
std::string pythonFloatRepr(const char *scientific) {
  std::string s(scientific);
  if (s == "inf" || s == "-inf" || s == "nan" || s == "-nan")
    return s[0] == '-' && s[1] == 'n' ? "nan" : s;
  std::string sign;
  if (s[0] == '-') {
    sign = "-";
    s.erase(0, 1);
  }
  size_t e = s.find('e');
  int exponent = std::atoi(s.c_str() + e + 1);
  std::string digits = s.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  if (exponent < -4 || exponent >= 16) {
    std::string mantissa = digits.substr(0, 1);
    if (digits.size() > 1)
      mantissa += "." + digits.substr(1);
    return sign + mantissa + formatString("e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  }
  if (exponent < 0)
    return sign + "0." + std::string(size_t(-exponent - 1), '0') + digits;
  size_t point = size_t(exponent) + 1;
  if (digits.size() <= point)
    return sign + digits + std::string(point - digits.size(), '0') + ".0";
  return sign + digits.substr(0, point) + "." + digits.substr(point);
}

template <typename T> std::string shortestRepr(T value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer) - 1, value,
                                 std::chars_format::scientific);
  *end = '\0';
  return pythonFloatRepr(buffer);
}

/// Python's repr of a str (UTF-8 passes through; control bytes escaped).
std::string pythonStrRepr(const char *s) {
  bool single = std::strchr(s, '\'') == nullptr || std::strchr(s, '"') != nullptr;
  char quote = single ? '\'' : '"';
  std::string out(1, quote);
  for (const unsigned char *p = reinterpret_cast<const unsigned char *>(s); *p; ++p) {
    if (*p == '\\' || *p == quote)
      out += {'\\', char(*p)};
    else if (*p == '\n')
      out += "\\n";
    else if (*p == '\t')
      out += "\\t";
    else if (*p == '\r')
      out += "\\r";
    else if (*p < 0x20 || *p == 0x7f)
      out += formatString("\\x%02x", unsigned(*p));
    else
      out += char(*p);
  }
  return out + quote;
}

/// A caller's 0-d numeric argument: an integer (bool and int dtypes) or a
/// float, as Python would see it.
struct Number {
  bool isFloat = false;
  bool isF32 = false;
  int64_t i = 0;
  double f = 0;
};

Number readNumber(const bpc_array &a) {
  Number n;
  switch (a.dtype) {
  case BPC_BOOL:
    n.i = *static_cast<const uint8_t *>(a.data) != 0;
    break;
  case BPC_I32:
    n.i = *static_cast<const int32_t *>(a.data);
    break;
  case BPC_I64:
    n.i = *static_cast<const int64_t *>(a.data);
    break;
  case BPC_F32:
    n.isFloat = n.isF32 = true;
    n.f = *static_cast<const float *>(a.data);
    break;
  case BPC_F64:
    n.isFloat = true;
    n.f = *static_cast<const double *>(a.data);
    break;
  }
  return n;
}

/// Python's repr of the caller's value (an f32 with its shortest f32 digits).
std::string numberRepr(const bpc_array &a) {
  Number n = readNumber(a);
  if (a.dtype == BPC_BOOL)
    return n.i ? "True" : "False";
  if (!n.isFloat)
    return std::to_string(n.i);
  return n.isF32 ? shortestRepr(static_cast<float>(n.f)) : shortestRepr(n.f);
}

/// Python's int == float: exact, so 2**53 + 1 != 2.0**53.
bool intEqualsFloat(int64_t i, double f) {
  if (!(f >= -0x1p63 && f < 0x1p63) || f != std::trunc(f))
    return false;
  return static_cast<int64_t>(f) == i;
}

bool matches(const bpc_static_value &compiled, const bpc_static_arg &given) {
  if (compiled.kind == BPC_STATIC_STR)
    return given.string && std::strcmp(compiled.s, given.string) == 0;
  if (!given.array)
    return false;
  Number n = readNumber(*given.array);
  if (compiled.kind != BPC_STATIC_FLOAT)
    return n.isFloat ? intEqualsFloat(compiled.i, n.f) : n.i == compiled.i;
  if (!n.isFloat)
    return intEqualsFloat(n.i, compiled.f);
  if (n.isF32)
    return static_cast<float>(compiled.f) == static_cast<float>(n.f);
  return compiled.f == n.f;
}

/// `x=1.0, mode='a'`: one row of static values.
std::string describeRow(const bpc_static_dispatch &d, const std::vector<std::string> &reprs) {
  std::string out;
  for (int32_t p = 0; p < d.num_params; ++p)
    out += (p ? ", " : "") + std::string(d.param_names[p]) + "=" + reprs[p];
  return out;
}

bpc_status callStatic(bpc_ctx *ctx, const bpc_static_dispatch &d, const bpc_static_arg *statics,
                      const bpc_array *const *args, bpc_array *const *results) {
  if (d.num_params && !statics)
    return ctx->fail(BPC_ERR_ARG, formatString("%s: static argument list is NULL", d.name));
  // Check every static argument as an argument is checked. Nothing here
  // allocates: a call that matches costs a few comparisons.
  for (int32_t p = 0; p < d.num_params; ++p) {
    const char *name = d.param_names[p];
    bool isString = d.num_specs > 0 && d.values[p].kind == BPC_STATIC_STR;
    if (isString) {
      if (!statics[p].string)
        return ctx->fail(BPC_ERR_ARG,
                         formatString("%s: static argument '%s' (a string) is NULL", d.name, name));
      continue;
    }
    const bpc_array *a = statics[p].array;
    if (!a || !a->data)
      return ctx->fail(BPC_ERR_ARG, formatString("%s: static argument '%s' %s", d.name, name,
                                                 a ? "has NULL data" : "is NULL"));
    if (a->dtype < BPC_F32 || a->dtype > BPC_BOOL)
      return ctx->fail(BPC_ERR_DTYPE, formatString("%s: static argument '%s' has unknown dtype %d",
                                                   d.name, name, int(a->dtype)));
    if (a->rank != 0)
      return ctx->fail(BPC_ERR_SHAPE,
                       formatString("%s: static argument '%s' has rank %d, expected a 0-d array "
                                    "holding its value",
                                    d.name, name, int(a->rank)));
  }
  for (int32_t s = 0; s < d.num_specs; ++s) {
    bool all = true;
    for (int32_t p = 0; all && p < d.num_params; ++p)
      all = matches(d.values[s * d.num_params + p], statics[p]);
    if (all)
      return call(ctx, d.funcs[s], args, results);
  }
  std::vector<std::string> reprs(d.num_params);
  for (int32_t p = 0; p < d.num_params; ++p)
    reprs[p] = statics[p].string && d.values[p].kind == BPC_STATIC_STR
                   ? pythonStrRepr(statics[p].string)
                   : numberRepr(*statics[p].array);
  // f_jit: static argument x=2.5 was not compiled; compiled values: x=1.0,
  // x=5.0 (add --specialize 'f_jit(x=2.5)' to bpc build)
  std::string compiled;
  for (int32_t s = 0; s < d.num_specs; ++s) {
    std::vector<std::string> row;
    for (int32_t p = 0; p < d.num_params; ++p)
      row.push_back(d.values[s * d.num_params + p].repr);
    std::string text = describeRow(d, row);
    compiled += (s ? ", " : "") + (d.num_params > 1 ? "(" + text + ")" : text);
  }
  std::string wanted = describeRow(d, reprs);
  // Quoted for a POSIX shell: in single quotes unless the text has one.
  std::string suggestion = std::string(d.name) + "(" + wanted + ")";
  if (suggestion.find('\'') == std::string::npos)
    suggestion = "'" + suggestion + "'";
  else if (suggestion.find_first_of("\"$`\\") == std::string::npos)
    suggestion = "\"" + suggestion + "\"";
  else {
    std::string quoted = "'";
    for (char c : suggestion)
      quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    suggestion = quoted + "'";
  }
  return ctx->fail(BPC_ERR_ARG,
                   std::string(d.name) +
                       (d.num_params > 1 ? ": static arguments (" + wanted + ") were not compiled"
                                         : ": static argument " + wanted + " was not compiled") +
                       "; compiled values: " + compiled + " (add --specialize " + suggestion +
                       " to bpc build)");
}

} // namespace

extern "C" bpc_status bpc_ctx_call_static(bpc_ctx *ctx, const bpc_static_dispatch *dispatch,
                                          const bpc_static_arg *statics,
                                          const bpc_array *const *args,
                                          bpc_array *const *results) {
  if (!ctx)
    return BPC_ERR_ARG;
  if (!dispatch)
    return ctx->fail(BPC_ERR_ARG, "call: static dispatch table is NULL");
  return guarded(ctx, "call",
                 [&] { return callStatic(ctx, *dispatch, statics, args, results); });
}
