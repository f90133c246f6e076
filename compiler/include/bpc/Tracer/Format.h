//===- Format.h - Python's repr and format-spec rules for scalars -*- C++ -*-===//
//
// Pure text functions that reproduce CPython's output for floats, ints and
// strings: repr(float) (shortest round trip), repr(str) (quote choice and
// escapes) and the format-spec mini-language of int/float/str.__format__.
// They know nothing about the interpreter, so unit tests call them directly.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_FORMAT_H
#define BPC_TRACER_FORMAT_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpc::tracer::format {

/// A decimal digit string d1d2d3... and the position of the decimal point
/// relative to its start (value = 0.d1d2d3 * 10^decpt), as dtoa returns.
struct Digits {
  std::string digits;
  int decpt = 0;
};

/// The shortest digits that read back to |x| (x finite) as a double, or as
/// a float for the overload NumPy uses on float32 values.
Digits shortestDigits(double ax);
Digits shortestDigits(float ax);

/// |x| correctly rounded to `sig` significant digits (trailing zeros kept).
Digits significantDigits(double ax, int sig);

/// Lays out digits in exponent (`1.5e-05`) or fixed notation following
/// CPython's format_float_short: `alt` keeps a lone decimal point, `addDot0`
/// turns an integral fixed result into `N.0`.
std::string layoutDigits(const Digits &d, bool useExp, bool alt, bool addDot0, char expChar);

/// repr(x) / str(x) of a Python float: the shortest string that reads back to
/// the same double, laid out as CPython does (`1.0`, `1e-05`, `1e+16`).
std::string reprFloat(double x);

/// repr(s) of a Python str held as UTF-8.
std::string reprStr(llvm::StringRef utf8);

/// Number of code points in a UTF-8 string (Python's len(str)).
size_t codePointCount(llvm::StringRef utf8);

/// Byte offsets of each code point of a UTF-8 string, followed by its size,
/// so that code point i is [offsets[i], offsets[i+1]).
std::vector<size_t> codePointOffsets(llvm::StringRef utf8);

/// Encodes code point `cp` as UTF-8.
std::string encodeUtf8(uint32_t cp);

/// A parsed format spec: [[fill]align][sign][z][#][0][width][grouping][.precision][type].
struct FormatSpec {
  std::string fill;    ///< one code point (UTF-8); empty when not given
  char align = 0;      ///< '<', '>', '^', '=' or 0
  char sign = 0;       ///< '+', '-', ' ' or 0
  bool noNegZero = false; ///< 'z'
  bool alternate = false; ///< '#'
  bool zeroPad = false;   ///< '0' before the width
  int width = -1;
  char grouping = 0;   ///< ',', '_' or 0
  int precision = -1;
  char type = 0;       ///< presentation type or 0
};

/// The outcome of a formatting call: text, or the message of the ValueError
/// Python would raise.
struct Formatted {
  bool ok = true;
  std::string text;
  static Formatted error(std::string message) { return {false, std::move(message)}; }
};

/// Parses `spec` for an object of Python type `typeName` (used in messages).
/// On failure returns false and sets `error` to CPython's ValueError text.
bool parseFormatSpec(llvm::StringRef spec, llvm::StringRef typeName,
                     FormatSpec &out, std::string &error);

/// format(value, spec) for the three scalar types.
Formatted formatInt(int64_t value, llvm::StringRef spec);
Formatted formatFloat(double value, llvm::StringRef spec);
Formatted formatStr(llvm::StringRef value, llvm::StringRef spec);

/// The digits of `x` rounded to `ndigits` decimals the way round(x, n) does
/// (correctly rounded, ties to even on the exact binary value).
double roundFloat(double x, int64_t ndigits);

} // namespace bpc::tracer::format

#endif // BPC_TRACER_FORMAT_H
