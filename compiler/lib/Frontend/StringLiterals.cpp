//===- StringLiterals.cpp - Python string literal decoding ----------------===//

#include "StringLiterals.h"

#include "llvm/Support/ConvertUTF.h"

#include <fmt/format.h>

using namespace bpc;

StringToken bpc::splitStringToken(llvm::StringRef text) {
  StringToken token;
  size_t i = 0;
  for (; i < text.size() && text[i] != '\'' && text[i] != '"'; ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    token.raw |= c == 'r';
    token.bytes |= c == 'b';
    token.format |= c == 'f';
  }
  size_t quoteLength = 1;
  if (i + 2 < text.size() && text[i + 1] == text[i] && text[i + 2] == text[i] &&
      text.size() >= i + 6)
    quoteLength = 3;
  token.bodyBegin = std::min(text.size(), i + quoteLength);
  token.bodyEnd = text.size() >= quoteLength ? std::max(token.bodyBegin, text.size() - quoteLength)
                                             : token.bodyBegin;
  return token;
}

namespace {

void appendUtf8(std::string &out, uint32_t cp) {
  char buffer[4];
  char *cursor = buffer;
  llvm::ConvertCodePointToUTF8(cp, cursor);
  out.append(buffer, cursor);
}

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

} // namespace

bool bpc::decodeEscapes(llvm::StringRef body, bool bytes, std::string &out, size_t &errorAt,
                        std::string &error) {
  out.reserve(out.size() + body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      continue;
    }
    size_t escapeStart = i;
    char e = body[++i];
    switch (e) {
    case '\n': break; // line continuation inside the literal
    case '\r':
      if (i + 1 < body.size() && body[i + 1] == '\n')
        ++i;
      break;
    case '\\': out += '\\'; break;
    case '\'': out += '\''; break;
    case '"': out += '"'; break;
    case 'a': out += '\a'; break;
    case 'b': out += '\b'; break;
    case 'f': out += '\f'; break;
    case 'n': out += '\n'; break;
    case 'r': out += '\r'; break;
    case 't': out += '\t'; break;
    case 'v': out += '\v'; break;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      unsigned value = 0;
      size_t n = 0;
      while (n < 3 && i < body.size() && body[i] >= '0' && body[i] <= '7') {
        value = value * 8 + static_cast<unsigned>(body[i] - '0');
        ++i;
        ++n;
      }
      --i;
      if (bytes)
        out += static_cast<char>(value & 0xFF);
      else
        appendUtf8(out, value);
      break;
    }
    case 'x': case 'u': case 'U': {
      if (bytes && e != 'x') {
        out += '\\';
        out += e;
        break;
      }
      size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      uint32_t value = 0;
      for (size_t d = 0; d < digits; ++d) {
        int h = i + 1 + d < body.size() ? hexValue(body[i + 1 + d]) : -1;
        if (h < 0) {
          errorAt = escapeStart;
          error = fmt::format("truncated \\{}{} escape: it needs {} hex digits", e,
                              std::string(digits, 'X'), digits);
          return false;
        }
        value = value * 16 + static_cast<uint32_t>(h);
      }
      i += digits;
      if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        errorAt = escapeStart;
        error = fmt::format("\\{} escape U+{:X} is not a valid Unicode character", e, value);
        return false;
      }
      if (bytes)
        out += static_cast<char>(value);
      else
        appendUtf8(out, value);
      break;
    }
    case 'N':
      if (!bytes) {
        errorAt = escapeStart;
        error = "\\N{...} escapes are not supported; write the character itself or use \\u";
        return false;
      }
      [[fallthrough]];
    default:
      // Python keeps unknown escapes as written.
      out += '\\';
      out += e;
      break;
    }
  }
  return true;
}
