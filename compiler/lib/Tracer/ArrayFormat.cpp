//===- ArrayFormat.cpp - NumPy's and BrainPy's printing of arrays ---------===//
//
// A port of numpy/_core/arrayprint.py (NumPy 2.3+, default options) for the
// five bpc dtypes: the element formatters (FloatingFormat, IntegerFormat,
// BoolFormat) are sized from the elements that will be shown, and
// _formatArray lays them out with its line wrapping and bracket indentation.
// NumPy's Dragon4 in "unique, at most `precision` digits" mode is the
// shortest round-trip digits (of the float32 value for float32 arrays) when
// they fit, else the exact value correctly rounded, which is what
// shortestDigits and printf give.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/ArrayFormat.h"
#include "bpc/Tracer/Format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

using namespace bpc::tracer;
using namespace bpc::tracer::format;

namespace {

// NumPy's default print options.
constexpr int kPrecision = 8;
constexpr int64_t kThreshold = 1000;
constexpr int64_t kEdgeItems = 3;
constexpr size_t kLineWidth = 75;

using ElementFormat = std::function<std::string(int64_t)>;

double floatAt(const ArrayView &a, int64_t i) {
  if (a.dtype == DType::F32)
    return static_cast<const float *>(a.data)[i];
  return static_cast<const double *>(a.data)[i];
}

int64_t intAt(const ArrayView &a, int64_t i) {
  if (a.dtype == DType::I32)
    return static_cast<const int32_t *>(a.data)[i];
  return static_cast<const int64_t *>(a.data)[i];
}

bool boolAt(const ArrayView &a, int64_t i) { return static_cast<const uint8_t *>(a.data)[i]; }

std::string stripTrailing(std::string s, char c) {
  while (!s.empty() && s.back() == c)
    s.pop_back();
  return s;
}

std::string rstrip(llvm::StringRef s) { return s.rtrim(" ").str(); }

//===----------------------------------------------------------------------===//
// Floats
//===----------------------------------------------------------------------===//

/// The unique digits of |x|: those of the float32 value for float32 data.
Digits uniqueDigits(double ax, bool isF32) {
  return isF32 ? shortestDigits(static_cast<float>(ax)) : shortestDigits(ax);
}

/// dragon4_positional(x, precision=8, unique=True, fractional=True, trim='.')
/// split at the point: `-12.` gives {"-12", ""}.
struct Positional {
  std::string intPart, frac;
};

Positional positional(double x, bool isF32) {
  double ax = std::fabs(x);
  Digits d = uniqueDigits(ax, isF32);
  int n = static_cast<int>(d.digits.size());
  Positional p;
  if (n - d.decpt > kPrecision) {
    // More fractional digits than the precision: the exact value rounded.
    int len = std::snprintf(nullptr, 0, "%.*f", kPrecision, ax);
    std::string text(len + 1, '\0');
    std::snprintf(text.data(), text.size(), "%.*f", kPrecision, ax);
    text.resize(len);
    size_t point = text.find('.');
    p.intPart = text.substr(0, point);
    p.frac = text.substr(point + 1);
  } else if (d.decpt <= 0) {
    p.intPart = "0";
    p.frac = std::string(-d.decpt, '0') + d.digits;
  } else if (d.decpt >= n) {
    p.intPart = d.digits + std::string(d.decpt - n, '0');
  } else {
    p.intPart = d.digits.substr(0, d.decpt);
    p.frac = d.digits.substr(d.decpt);
  }
  p.frac = stripTrailing(p.frac, '0');
  if (std::signbit(x))
    p.intPart = "-" + p.intPart;
  return p;
}

/// dragon4_scientific(x, unique=True) in parts: `-1.5e-05` gives
/// {"-1", "5", -5}. With `fracDigits` < 0 it is NumPy's first pass
/// (precision=8, trim='.'): the unique digits, rounded to 8 decimals when
/// longer. Otherwise it prints exactly `fracDigits` decimals (min_digits):
/// the unique digits when they have that length, else the exact value
/// rounded, so that a float32 shows its true digits rather than zeros.
struct Scientific {
  std::string lead, frac;
  int exponent;
};

Scientific scientific(double x, bool isF32, int fracDigits = -1) {
  double ax = std::fabs(x);
  Digits d = uniqueDigits(ax, isF32);
  int length = static_cast<int>(d.digits.size());
  if (fracDigits < 0 && length - 1 > kPrecision)
    d = significantDigits(ax, kPrecision + 1);
  else if (fracDigits >= 0 && length != fracDigits + 1)
    d = significantDigits(ax, fracDigits + 1);
  std::string digits = d.digits;
  if (fracDigits < 0)
    while (digits.size() > 1 && digits.back() == '0')
      digits.pop_back();
  Scientific s;
  s.lead = (std::signbit(x) ? "-" : "") + digits.substr(0, 1);
  s.frac = digits.substr(1);
  s.exponent = d.decpt - 1;
  return s;
}

std::string exponentDigits(int exponent) {
  std::string digits = std::to_string(std::abs(exponent));
  return digits.size() < 2 ? "0" + digits : digits;
}

/// NumPy's FloatingFormat for floatmode='maxprec', sign='-', suppress=False.
class FloatFormat {
public:
  FloatFormat(const ArrayView &a, llvm::ArrayRef<int64_t> shown);
  std::string operator()(double x) const;

private:
  bool isF32;
  bool expFormat = false;
  long padLeft = 0, padRight = 0;
  size_t fracDigits = 0; ///< scientific: digits after the point, zero-filled
  size_t expSize = 0;    ///< scientific: exponent digits
};

/// NumPy picks scientific notation from the non-zero finite magnitudes,
/// compared in the array's own type (NEP 50): the largest reaches
/// 10**min(8, finfo.precision) — 1e6 for float32, 1e8 for float64 — or
/// the smallest is below 1e-4, or their ratio exceeds 1000.
template <typename T>
bool wantsScientific(llvm::ArrayRef<double> magnitudes, T cutoff) {
  T maxVal = static_cast<T>(magnitudes[0]), minVal = maxVal;
  for (double m : magnitudes) {
    maxVal = std::max(maxVal, static_cast<T>(m));
    minVal = std::min(minVal, static_cast<T>(m));
  }
  return maxVal >= cutoff || minVal < static_cast<T>(0.0001) ||
         static_cast<T>(maxVal / minVal) > static_cast<T>(1000.);
}

FloatFormat::FloatFormat(const ArrayView &a, llvm::ArrayRef<int64_t> shown)
    : isF32(a.dtype == DType::F32) {
  std::vector<double> finite, nonZero;
  bool anyNonFinite = false, negInf = false;
  for (int64_t i : shown) {
    double x = floatAt(a, i);
    if (!std::isfinite(x)) {
      anyNonFinite = true;
      negInf |= std::isinf(x) && x < 0;
      continue;
    }
    finite.push_back(x);
    if (x != 0)
      nonZero.push_back(std::fabs(x));
  }
  if (!nonZero.empty())
    expFormat = isF32 ? wantsScientific<float>(nonZero, 1e6f)
                      : wantsScientific<double>(nonZero, 1e8);
  if (expFormat) {
    size_t lead = 0;
    for (double x : finite) {
      Scientific s = scientific(x, isF32);
      lead = std::max(lead, s.lead.size());
      fracDigits = std::max(fracDigits, s.frac.size());
      expSize = std::max(expSize, exponentDigits(s.exponent).size());
    }
    padLeft = static_cast<long>(lead);
    padRight = static_cast<long>(expSize + 2 + fracDigits);
  } else {
    for (double x : finite) {
      Positional p = positional(x, isF32);
      padLeft = std::max(padLeft, static_cast<long>(p.intPart.size()));
      padRight = std::max(padRight, static_cast<long>(p.frac.size()));
    }
  }
  if (anyNonFinite) {
    long offset = padRight + 1;
    padLeft = std::max({padLeft, 3 - offset, 3 + (negInf ? 1 : 0) - offset});
  }
}

std::string FloatFormat::operator()(double x) const {
  if (!std::isfinite(x)) {
    std::string text = std::isnan(x) ? "nan" : x < 0 ? "-inf" : "inf";
    long width = padLeft + padRight + 1;
    return std::string(std::max(0L, width - static_cast<long>(text.size())), ' ') + text;
  }
  auto padTo = [](const std::string &s, long width) {
    return std::string(std::max(0L, width - static_cast<long>(s.size())), ' ') + s;
  };
  if (expFormat) {
    Scientific s = scientific(x, isF32, static_cast<int>(fracDigits));
    std::string exp = exponentDigits(s.exponent);
    exp = std::string(expSize - exp.size(), '0') + exp;
    return padTo(s.lead, padLeft) + "." + s.frac + "e" + (s.exponent < 0 ? "-" : "+") + exp;
  }
  Positional p = positional(x, isF32);
  return padTo(p.intPart, padLeft) + "." + p.frac +
         std::string(padRight - static_cast<long>(p.frac.size()), ' ');
}

//===----------------------------------------------------------------------===//
// Element formatters and the shown elements
//===----------------------------------------------------------------------===//

std::vector<int64_t> strides(llvm::ArrayRef<int64_t> shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    s[d - 1] = s[d] * shape[d];
  return s;
}

/// The indices along one axis that are printed: the edge items around the
/// '...' of a summarised array, or all of them.
std::vector<int64_t> shownIndices(int64_t length, bool summarise) {
  std::vector<int64_t> idx;
  bool cut = summarise && length > 2 * kEdgeItems;
  for (int64_t i = 0; i < length; ++i)
    if (!cut || i < kEdgeItems || i >= length - kEdgeItems)
      idx.push_back(i);
  return idx;
}

/// Flat offsets of the elements NumPy shows (its _leading_trailing): the
/// formatters size their columns from these only.
void collectShown(const ArrayView &a, const std::vector<int64_t> &st, bool summarise,
                  size_t axis, int64_t offset, std::vector<int64_t> &out) {
  if (axis == a.shape.size()) {
    out.push_back(offset);
    return;
  }
  for (int64_t i : shownIndices(a.shape[axis], summarise))
    collectShown(a, st, summarise, axis + 1, offset + i * st[axis], out);
}

ElementFormat makeFormat(const ArrayView &a, llvm::ArrayRef<int64_t> shown) {
  switch (a.dtype) {
  case DType::Bool: {
    // NumPy pads True to the width of False, except in a 0-d array.
    std::string trueText = a.shape.empty() ? "True" : " True";
    return [a, trueText](int64_t i) { return boolAt(a, i) ? trueText : std::string("False"); };
  }
  case DType::I32:
  case DType::I64: {
    size_t width = 0;
    for (int64_t i : shown)
      width = std::max(width, std::to_string(intAt(a, i)).size());
    return [a, width](int64_t i) {
      std::string s = std::to_string(intAt(a, i));
      return std::string(width - std::min(width, s.size()), ' ') + s;
    };
  }
  case DType::F32:
  case DType::F64: {
    FloatFormat f(a, shown);
    return [a, f](int64_t i) { return f(floatAt(a, i)); };
  }
  }
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Layout (_formatArray)
//===----------------------------------------------------------------------===//

class Layout {
public:
  Layout(const ArrayView &a, ElementFormat format, llvm::StringRef separator, bool summarise)
      : a(a), st(strides(a.shape)), format(std::move(format)), separator(separator),
        summarise(summarise) {}

  std::string recurse(size_t axis, int64_t offset, const std::string &hangingIndent,
                      long currWidth) const;

private:
  /// _extendLine: starts a new line when `word` would pass `lineWidth`,
  /// unless the line holds nothing but its indent.
  static void extendLine(std::string &s, std::string &line, const std::string &word,
                         long lineWidth, const std::string &nextLinePrefix) {
    bool wrap = static_cast<long>(line.size() + word.size()) > lineWidth &&
                line.size() > nextLinePrefix.size();
    if (wrap) {
      s += rstrip(line) + "\n";
      line = nextLinePrefix;
    }
    line += word;
  }

  const ArrayView &a;
  std::vector<int64_t> st;
  ElementFormat format;
  std::string separator;
  bool summarise;
};

std::string Layout::recurse(size_t axis, int64_t offset, const std::string &hangingIndent,
                            long currWidth) const {
  size_t axesLeft = a.shape.size() - axis;
  if (axesLeft == 0)
    return format(offset);
  // Nested rows sit one column right of their '[' and leave room for ']'.
  std::string nextIndent = hangingIndent + " ";
  long nextWidth = currWidth - 1;
  int64_t length = a.shape[axis];
  bool showSummary = summarise && 2 * kEdgeItems < length;
  int64_t leading = showSummary ? kEdgeItems : 0;
  int64_t trailing = showSummary ? kEdgeItems : length;
  auto child = [&](int64_t i) {
    return recurse(axis + 1, offset + i * st[axis], nextIndent, nextWidth);
  };
  std::string s;
  if (axesLeft == 1) {
    long elemWidth =
        currWidth - static_cast<long>(std::max<size_t>(rstrip(separator).size(), 1));
    std::string line = hangingIndent;
    for (int64_t i = 0; i < leading; ++i) {
      extendLine(s, line, child(i), elemWidth, hangingIndent);
      line += separator;
    }
    if (showSummary) {
      extendLine(s, line, "...", elemWidth, hangingIndent);
      line += separator;
    }
    for (int64_t i = trailing; i > 1; --i) {
      extendLine(s, line, child(length - i), elemWidth, hangingIndent);
      line += separator;
    }
    extendLine(s, line, child(length - 1), elemWidth, hangingIndent);
    s += line;
  } else {
    // Rows of a matrix end in a newline; blocks of higher rank add one
    // blank line per extra dimension.
    std::string lineSep = rstrip(separator) + std::string(axesLeft - 1, '\n');
    for (int64_t i = 0; i < leading; ++i)
      s += hangingIndent + child(i) + lineSep;
    if (showSummary)
      s += hangingIndent + "..." + lineSep;
    for (int64_t i = trailing; i > 1; --i)
      s += hangingIndent + child(length - i) + lineSep;
    s += hangingIndent + child(length - 1);
  }
  return "[" + s.substr(hangingIndent.size()) + "]";
}

std::string shapeRepr(llvm::ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

} // namespace

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

int64_t ArrayView::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string format::array2string(const ArrayView &a, llvm::StringRef separator,
                                 llvm::StringRef prefix, llvm::StringRef suffix) {
  if (a.numElements() == 0)
    return "[]";
  bool summarise = a.numElements() > kThreshold;
  std::vector<int64_t> shown;
  collectShown(a, strides(a.shape), summarise, 0, 0, shown);
  Layout layout(a, makeFormat(a, shown), separator, summarise);
  // Continuation lines skip the '[' and whatever precedes the array.
  std::string nextLinePrefix = " " + std::string(prefix.size(), ' ');
  long lineWidth = static_cast<long>(kLineWidth) - static_cast<long>(suffix.size());
  return layout.recurse(0, 0, nextLinePrefix, lineWidth);
}

std::string format::scalarStr(DType dtype, const void *p) {
  switch (dtype) {
  case DType::Bool: return *static_cast<const uint8_t *>(p) ? "True" : "False";
  case DType::I32: return std::to_string(*static_cast<const int32_t *>(p));
  case DType::I64: return std::to_string(*static_cast<const int64_t *>(p));
  case DType::F64: return reprFloat(*static_cast<const double *>(p));
  case DType::F32: break;
  }
  float x = *static_cast<const float *>(p);
  if (!std::isfinite(x))
    return reprFloat(x);
  // NumPy >= 2.3 writes float32 scalars in exponent form below 1e-4 (tested
  // in double) or from 1e6 = 10**finfo(float32).precision on.
  float ax = std::fabs(x);
  bool useExp = (ax != 0 && static_cast<double>(ax) < 1e-4) || ax >= 1e6f;
  return (std::signbit(x) ? "-" : "") + layoutDigits(shortestDigits(ax), useExp, false, true, 'e');
}

std::string format::arrayStr(const ArrayView &a) {
  if (a.shape.empty())
    return scalarStr(a.dtype, a.data);
  return array2string(a);
}

std::string format::jaxArrayRepr(const ArrayView &a) {
  // jax.Array.__repr__: array2string with ', ' between elements, the dtype
  // after the last line, or six columns further when it would not fit.
  const std::string prefix = "Array(";
  std::string dtypeText = "dtype=" + dtypeName(a.dtype).str() + ")";
  std::string s = a.numElements() == 0 ? "[], shape=" + shapeRepr(a.shape)
                                       : array2string(a, ", ", prefix, ",");
  size_t newline = s.rfind('\n');
  long lastLineLen = static_cast<long>(s.size()) -
                     (newline == std::string::npos ? -1L : static_cast<long>(newline)) + 1;
  std::string sep = " ";
  if (lastLineLen + static_cast<long>(dtypeText.size()) + 1 > static_cast<long>(kLineWidth))
    sep = std::string(prefix.size(), ' ');
  return prefix + s + "," + sep + dtypeText;
}

std::string format::brainpyArrayRepr(const ArrayView &a, llvm::StringRef className) {
  // brainpy.math.Array.__repr__, step by step: JAX's repr cut at its first
  // ', dtype', wrapped in `Class(value=...)` with the dtype after it.
  std::string code = jaxArrayRepr(a);
  size_t cut = code.find(", dtype");
  if (cut != std::string::npos)
    code = code.substr(0, cut) + ")";
  std::string dtypeText = "dtype=" + dtypeName(a.dtype).str() + ")";
  std::string head = className.str() + "(value=";
  if (code.find('\n') == std::string::npos)
    return head + code + ", " + dtypeText;
  llvm::SmallVector<llvm::StringRef, 8> lines;
  llvm::StringRef(code).split(lines, '\n');
  std::string out = head + lines[0].str();
  for (size_t i = 1; i < lines.size(); ++i)
    out += "\n" + std::string(head.size(), ' ') + lines[i].str();
  return out + ",\n" + std::string(className.size() + 1, ' ') + dtypeText;
}
