//===- Format.cpp - Python's repr and format-spec rules for scalars -------===//
//
// CPython formats floats with David Gay's dtoa; we get the same digits from
// std::to_chars (shortest round trip) and glibc's printf (correctly rounded
// fixed precision), then lay them out with CPython's rules, which differ from
// both C's and fmt's (`1.0` not `1`, `1e-05` not `1e-5`, `g` thresholds).
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/Format.h"

#include "llvm/ADT/SmallString.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace bpc::tracer;
using namespace bpc::tracer::format;

namespace {

//===----------------------------------------------------------------------===//
// UTF-8
//===----------------------------------------------------------------------===//

/// Decodes the code point at `i` and advances `i`; invalid bytes decode to
/// themselves so that nothing is lost.
uint32_t nextCodePoint(llvm::StringRef s, size_t &i) {
  auto c = static_cast<unsigned char>(s[i]);
  unsigned len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + len > s.size())
    len = 1;
  uint32_t cp = len == 1 ? c : c & (0x7f >> len);
  for (unsigned k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  i += len;
  return cp;
}

/// Python's str.isprintable() for the code points scripts meet; the full
/// Unicode tables are not worth carrying for repr().
bool isPrintable(uint32_t cp) {
  if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0xa0) || cp == 0xad)
    return false;
  if ((cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
      (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff ||
      (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0xfff9 && cp <= 0xfffb) ||
      (cp >= 0xe000 && cp <= 0xf8ff) || cp > 0x10ffff)
    return false;
  return true;
}

//===----------------------------------------------------------------------===//
// Float digits
//===----------------------------------------------------------------------===//

/// Splits printf/to_chars scientific output "d.ddde+XX" (no sign) into digits.
Digits splitScientific(llvm::StringRef text) {
  Digits d;
  size_t e = text.find_first_of("eE");
  for (char c : text.substr(0, e))
    if (c != '.')
      d.digits.push_back(c);
  d.decpt = std::atoi(text.substr(e + 1).str().c_str()) + 1;
  return d;
}

std::string exponentText(int exp, char expChar) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%c%c%02d", expChar, exp < 0 ? '-' : '+', std::abs(exp));
  return buf;
}

void stripTrailingZeros(Digits &d) {
  while (d.digits.size() > 1 && d.digits.back() == '0')
    d.digits.pop_back();
}

//===----------------------------------------------------------------------===//
// Padding, sign and grouping
//===----------------------------------------------------------------------===//

/// Inserts `sep` every `group` digits from the right of `digits`.
std::string groupDigits(llvm::StringRef digits, char sep, unsigned group) {
  std::string out;
  size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    if (i != 0 && (n - i) % group == 0)
      out.push_back(sep);
    out.push_back(digits[i]);
  }
  return out;
}

std::string repeatFill(const std::string &fill, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i)
    out += fill;
  return out;
}

/// Pads `body` (already signed/prefixed) to the spec's width.
std::string align(const FormatSpec &spec, std::string body, char defaultAlign,
                  size_t prefixLen) {
  size_t len = codePointCount(body);
  if (spec.width < 0 || len >= static_cast<size_t>(spec.width))
    return body;
  size_t pad = spec.width - len;
  std::string fill = spec.fill.empty() ? (spec.zeroPad ? "0" : " ") : spec.fill;
  char how = spec.align ? spec.align : (spec.zeroPad ? '=' : defaultAlign);
  switch (how) {
  case '<':
    return body + repeatFill(fill, pad);
  case '^':
    return repeatFill(fill, pad / 2) + body + repeatFill(fill, pad - pad / 2);
  case '=':
    return body.substr(0, prefixLen) + repeatFill(fill, pad) + body.substr(prefixLen);
  default:
    return repeatFill(fill, pad) + body;
  }
}

/// Assembles a number from its parts: `intDigits` may be grouped, `rest` is
/// the fraction/exponent/percent tail. Zero padding with grouping pads the
/// digits before grouping, as CPython does (`format(1234, '08,')`).
std::string assembleNumber(const FormatSpec &spec, bool negative,
                           llvm::StringRef prefix, std::string intDigits,
                           llvm::StringRef rest, unsigned groupSize = 3) {
  std::string sign = negative ? "-" : spec.sign == '+' ? "+" : spec.sign == ' ' ? " " : "";
  std::string head = sign + prefix.str();
  bool zeroGroup = spec.grouping && spec.width >= 0 &&
                   (spec.fill.empty() ? spec.zeroPad : spec.fill == "0") &&
                   (spec.align ? spec.align == '=' : spec.zeroPad);
  if (spec.grouping) {
    if (zeroGroup) {
      long needed = spec.width - static_cast<long>(head.size() + rest.size());
      std::string padded = intDigits;
      while (static_cast<long>(groupDigits(padded, spec.grouping, groupSize).size()) < needed)
        padded.insert(padded.begin(), '0');
      intDigits = padded;
    }
    intDigits = groupDigits(intDigits, spec.grouping, groupSize);
  }
  return align(spec, head + intDigits + rest.str(), '>', head.size());
}

bool parseNumber(llvm::StringRef &s, int &value, std::string &error) {
  size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9')
    ++n;
  if (n == 0)
    return false;
  if (n > 9) {
    error = "Too many decimal digits in format string";
    return false;
  }
  value = std::atoi(s.substr(0, n).str().c_str());
  s = s.drop_front(n);
  return true;
}

bool isAlign(char c) { return c == '<' || c == '>' || c == '^' || c == '='; }

std::string unknownCode(char type, llvm::StringRef typeName) {
  return "Unknown format code '" + std::string(1, type) + "' for object of type '" +
         typeName.str() + "'";
}

} // namespace

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

size_t format::codePointCount(llvm::StringRef utf8) {
  size_t n = 0;
  for (char c : utf8)
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80)
      ++n;
  return n;
}

std::vector<size_t> format::codePointOffsets(llvm::StringRef utf8) {
  std::vector<size_t> offsets;
  offsets.reserve(utf8.size() + 1);
  for (size_t i = 0; i < utf8.size(); ++i)
    if ((static_cast<unsigned char>(utf8[i]) & 0xc0) != 0x80)
      offsets.push_back(i);
  offsets.push_back(utf8.size());
  return offsets;
}

std::string format::encodeUtf8(uint32_t cp) {
  std::string ch;
  if (cp < 0x80) {
    ch.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    ch.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    ch.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    ch.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    ch.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    ch.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    ch.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    ch.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    ch.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    ch.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
  return ch;
}

Digits format::shortestDigits(double ax) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), ax, std::chars_format::scientific);
  return splitScientific(llvm::StringRef(buf, res.ptr - buf));
}

Digits format::shortestDigits(float ax) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), ax, std::chars_format::scientific);
  return splitScientific(llvm::StringRef(buf, res.ptr - buf));
}

Digits format::significantDigits(double ax, int sig) {
  std::string buf(sig + 32, '\0');
  int n = std::snprintf(buf.data(), buf.size(), "%.*e", sig - 1, ax);
  buf.resize(n);
  return splitScientific(buf);
}

std::string format::layoutDigits(const Digits &d, bool useExp, bool alt, bool addDot0,
                                 char expChar) {
  std::string s;
  if (useExp) {
    s.push_back(d.digits[0]);
    if (d.digits.size() > 1)
      s += "." + d.digits.substr(1);
    else if (alt)
      s += ".";
    return s + exponentText(d.decpt - 1, expChar);
  }
  std::string intPart, frac;
  int n = static_cast<int>(d.digits.size());
  if (d.decpt <= 0) {
    intPart = "0";
    frac = std::string(-d.decpt, '0') + d.digits;
  } else if (d.decpt >= n) {
    intPart = d.digits + std::string(d.decpt - n, '0');
  } else {
    intPart = d.digits.substr(0, d.decpt);
    frac = d.digits.substr(d.decpt);
  }
  s = intPart;
  if (!frac.empty())
    s += "." + frac;
  else if (addDot0)
    s += ".0";
  else if (alt)
    s += ".";
  return s;
}

std::string format::reprFloat(double x) {
  if (std::isnan(x))
    return "nan";
  if (std::isinf(x))
    return x < 0 ? "-inf" : "inf";
  Digits d = shortestDigits(std::fabs(x));
  // CPython's 'r' mode: exponent notation outside 1e-4 <= |x| < 1e16.
  bool useExp = d.decpt <= -4 || d.decpt > 16;
  return (std::signbit(x) ? "-" : "") + layoutDigits(d, useExp, false, true, 'e');
}

std::string format::reprStr(llvm::StringRef s) {
  bool hasSingle = s.contains('\''), hasDouble = s.contains('"');
  char quote = hasSingle && !hasDouble ? '"' : '\'';
  std::string out(1, quote);
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    uint32_t cp = nextCodePoint(s, i);
    char buf[16];
    if (cp == static_cast<uint32_t>(quote) || cp == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(cp));
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (isPrintable(cp)) {
      out.append(s.data() + start, i - start);
    } else {
      const char *fmt = cp < 0x100 ? "\\x%02x" : cp < 0x10000 ? "\\u%04x" : "\\U%08x";
      std::snprintf(buf, sizeof(buf), fmt, cp);
      out += buf;
    }
  }
  out.push_back(quote);
  return out;
}

bool format::parseFormatSpec(llvm::StringRef spec, llvm::StringRef typeName,
                             FormatSpec &out, std::string &error) {
  llvm::StringRef s = spec;
  out = FormatSpec();
  // [[fill]align]: the fill is one code point followed by an align char.
  if (!s.empty()) {
    size_t i = 0;
    nextCodePoint(s, i);
    if (i < s.size() && isAlign(s[i])) {
      out.fill = s.substr(0, i).str();
      out.align = s[i];
      s = s.drop_front(i + 1);
    } else if (isAlign(s[0])) {
      out.align = s[0];
      s = s.drop_front();
    }
  }
  if (!s.empty() && (s[0] == '+' || s[0] == '-' || s[0] == ' ')) {
    out.sign = s[0];
    s = s.drop_front();
  }
  if (s.consume_front("z"))
    out.noNegZero = true;
  if (s.consume_front("#"))
    out.alternate = true;
  if (s.consume_front("0"))
    out.zeroPad = true;
  int value;
  if (parseNumber(s, value, error))
    out.width = value;
  if (!error.empty())
    return false;
  if (!s.empty() && (s[0] == ',' || s[0] == '_')) {
    out.grouping = s[0];
    s = s.drop_front();
    if (!s.empty() && (s[0] == ',' || s[0] == '_')) {
      error = "Cannot specify both ',' and '_'.";
      return false;
    }
  }
  if (s.consume_front(".")) {
    if (!parseNumber(s, value, error)) {
      if (error.empty())
        error = "Format specifier missing precision";
      return false;
    }
    out.precision = value;
  }
  if (s.size() > 1) {
    error = "Invalid format specifier '" + spec.str() + "' for object of type '" +
            typeName.str() + "'";
    return false;
  }
  if (!s.empty())
    out.type = s[0];
  if (out.grouping) {
    // Grouping is only defined for decimal presentation (and '_' for b/o/x).
    char t = out.type;
    bool ok = t == 0 || t == 'd' || t == 'e' || t == 'E' || t == 'f' || t == 'F' ||
              t == 'g' || t == 'G' || t == '%' ||
              (out.grouping == '_' && (t == 'b' || t == 'o' || t == 'x' || t == 'X'));
    if (!ok) {
      error = std::string("Cannot specify '") + out.grouping + "' with '" + t + "'.";
      return false;
    }
  }
  return true;
}

Formatted format::formatFloat(double x, llvm::StringRef specText) {
  FormatSpec spec;
  std::string error;
  if (!parseFormatSpec(specText, "float", spec, error))
    return Formatted::error(error);
  char type = spec.type;
  switch (type) {
  case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
    break;
  default:
    return Formatted::error(unknownCode(type, "float"));
  }
  bool percent = type == '%';
  if (percent) {
    x *= 100;
    type = 'f';
  }
  if (type == 'n')
    type = 'g';
  bool negative = std::signbit(x) && !(std::isnan(x));
  double ax = std::fabs(x);
  std::string body;
  bool upper = type == 'E' || type == 'F' || type == 'G';
  if (!std::isfinite(x)) {
    body = std::isnan(x) ? "nan" : "inf";
    if (upper)
      for (char &c : body)
        c = static_cast<char>(std::toupper(c));
  } else if (type == 0 && spec.precision < 0) {
    Digits d = shortestDigits(ax);
    body = layoutDigits(d, d.decpt <= -4 || d.decpt > 16, spec.alternate, true, 'e');
  } else if (type == 'e' || type == 'E' || type == 'f' || type == 'F') {
    int prec = spec.precision < 0 ? 6 : spec.precision;
    std::string f = std::string("%") + (spec.alternate ? "#" : "") + ".*" +
                    static_cast<char>(std::tolower(type));
    int n = std::snprintf(nullptr, 0, f.c_str(), prec, ax);
    body.assign(n + 1, '\0');
    std::snprintf(body.data(), body.size(), f.c_str(), prec, ax);
    body.resize(n);
    if (type == 'E')
      for (char &c : body)
        c = static_cast<char>(std::toupper(c));
  } else {
    // 'g'/'G', or no type with a precision (then at least one fractional
    // digit is shown and the exponent threshold drops by one).
    bool addDot0 = type == 0;
    int prec = spec.precision < 0 ? 6 : spec.precision == 0 ? 1 : spec.precision;
    Digits d = significantDigits(ax, prec);
    if (!spec.alternate)
      stripTrailingZeros(d);
    bool useExp = d.decpt <= -4 || d.decpt > (addDot0 ? prec - 1 : prec);
    body = layoutDigits(d, useExp, spec.alternate, addDot0 && !spec.alternate,
                        type == 'G' ? 'E' : 'e');
  }
  if (spec.noNegZero && negative && std::isfinite(x)) {
    // 'z': a result that rounds to zero loses its sign.
    if (body.find_first_of("123456789") == std::string::npos)
      negative = false;
  }
  if (percent)
    body += "%";
  size_t intEnd = body.find_first_not_of("0123456789");
  if (!std::isfinite(x))
    intEnd = 0;
  std::string intDigits = body.substr(0, intEnd == std::string::npos ? body.size() : intEnd);
  std::string rest = intEnd == std::string::npos ? "" : body.substr(intEnd);
  return {true, assembleNumber(spec, negative, "", intDigits, rest)};
}

Formatted format::formatInt(int64_t v, llvm::StringRef specText) {
  FormatSpec spec;
  std::string error;
  if (!parseFormatSpec(specText, "int", spec, error))
    return Formatted::error(error);
  switch (spec.type) {
  case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
    return formatFloat(static_cast<double>(v), specText);
  case 0: case 'd': case 'n': case 'b': case 'o': case 'x': case 'X': case 'c':
    break;
  default:
    return Formatted::error(unknownCode(spec.type, "int"));
  }
  if (spec.precision >= 0)
    return Formatted::error("Precision not allowed in integer format specifier");
  if (spec.noNegZero)
    return Formatted::error("Negative zero coercion (z) not allowed in integer format specifier");
  bool negative = v < 0;
  uint64_t mag = negative ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  if (spec.type == 'c') {
    if (spec.sign)
      return Formatted::error("Sign not allowed with integer format specifier 'c'");
    if (spec.alternate)
      return Formatted::error("Alternate form (#) not allowed with integer format specifier 'c'");
    if (negative || mag > 0x10ffff)
      return Formatted::error("%c arg not in range(0x110000)");
    std::string ch = encodeUtf8(static_cast<uint32_t>(mag));
    return {true, align(spec, ch, '>', 0)};
  }
  unsigned base = 10;
  const char *prefix = "";
  switch (spec.type) {
  case 'b': base = 2; prefix = "0b"; break;
  case 'o': base = 8; prefix = "0o"; break;
  case 'x': base = 16; prefix = "0x"; break;
  case 'X': base = 16; prefix = "0X"; break;
  default: break;
  }
  std::string digits;
  const char *alphabet = spec.type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits.insert(digits.begin(), alphabet[mag % base]);
    mag /= base;
  } while (mag);
  return {true, assembleNumber(spec, negative, spec.alternate ? prefix : "", digits, "",
                               base == 10 ? 3 : 4)};
}

Formatted format::formatStr(llvm::StringRef value, llvm::StringRef specText) {
  FormatSpec spec;
  std::string error;
  if (!parseFormatSpec(specText, "str", spec, error))
    return Formatted::error(error);
  if (spec.type != 0 && spec.type != 's')
    return Formatted::error(unknownCode(spec.type, "str"));
  if (spec.grouping)
    return Formatted::error(std::string("Cannot specify '") + spec.grouping + "' with 's'.");
  if (spec.sign)
    return Formatted::error("Sign not allowed in string format specifier");
  if (spec.alternate)
    return Formatted::error("Alternate form (#) not allowed in string format specifier");
  if (spec.noNegZero)
    return Formatted::error("Negative zero coercion (z) not allowed in format specifier");
  if (spec.align == '=')
    return Formatted::error("'=' alignment not allowed in string format specifier");
  std::string text = value.str();
  if (spec.precision >= 0) {
    size_t i = 0;
    for (int n = 0; n < spec.precision && i < text.size(); ++n)
      nextCodePoint(text, i);
    text.resize(i);
  }
  if (spec.zeroPad && !spec.align)
    spec.align = '<';
  return {true, align(spec, text, '<', 0)};
}

double format::roundFloat(double x, int64_t ndigits) {
  if (!std::isfinite(x) || ndigits > 400)
    return x;
  if (ndigits < -400)
    return std::copysign(0.0, x);
  // The exact decimal expansion of a double has at most 1074 fractional
  // digits, so rounding this string is exact, ties to even like CPython.
  std::string text(1500, '\0');
  int n = std::snprintf(text.data(), text.size(), "%.1100f", std::fabs(x));
  text.resize(n);
  size_t point = text.find('.');
  std::string digits = text.substr(0, point) + text.substr(point + 1);
  long keep = static_cast<long>(point) + ndigits;
  if (keep < 0)
    return std::copysign(0.0, x);
  std::string kept = digits.substr(0, keep);
  char next = static_cast<size_t>(keep) < digits.size() ? digits[keep] : '0';
  bool restNonZero = digits.find_first_not_of('0', keep + 1) != std::string::npos;
  bool prevOdd = !kept.empty() && ((kept.back() - '0') & 1);
  bool up = next > '5' || (next == '5' && (restNonZero || prevOdd));
  if (up) {
    long i = static_cast<long>(kept.size()) - 1;
    for (; i >= 0 && kept[i] == '9'; --i)
      kept[i] = '0';
    if (i < 0)
      kept.insert(kept.begin(), '1');
    else
      ++kept[i];
  }
  if (kept.empty())
    kept = "0";
  std::string literal = kept + "e" + std::to_string(-ndigits);
  return std::copysign(std::strtod(literal.c_str(), nullptr), x);
}
