//===- FormatTest.cpp - repr/format of scalars against CPython ------------===//
//
// Every expected string in FormatCases.def was printed by python3 running
// gen_format_cases.py; regenerate it rather than editing it by hand.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/Format.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace bpc::tracer::format;

namespace {
struct FloatCase { const char *hex, *spec, *expected; };
struct IntCase { int64_t value; const char *spec, *expected; };
struct StrCase { const char *value, *spec, *expected; };
struct ErrorCase { char kind; const char *value, *spec, *message; };
struct ReprCase { const char *hex, *expected; };
struct StrReprCase { const char *utf8; size_t size; const char *expected; };
struct RoundCase { const char *hex; int64_t ndigits; const char *expected; };

#include "FormatCases.def"

double fromHex(const char *hex) { return std::strtod(hex, nullptr); }
} // namespace

TEST_CASE("repr(float) is the shortest round trip laid out like CPython") {
  for (const ReprCase &c : kReprCases) {
    INFO("value " << std::string(c.hex));
    CHECK(reprFloat(fromHex(c.hex)) == c.expected);
  }
}

TEST_CASE("format(float, spec) matches CPython") {
  for (const FloatCase &c : kFloatCases) {
    INFO("value " << std::string(c.hex) << " spec '" << std::string(c.spec) << "'");
    Formatted f = formatFloat(fromHex(c.hex), c.spec);
    REQUIRE(f.ok);
    CHECK(f.text == c.expected);
  }
}

TEST_CASE("format(int, spec) matches CPython") {
  for (const IntCase &c : kIntCases) {
    INFO("value " << c.value << " spec '" << std::string(c.spec) << "'");
    Formatted f = formatInt(c.value, c.spec);
    REQUIRE(f.ok);
    CHECK(f.text == c.expected);
  }
}

TEST_CASE("format(str, spec) matches CPython") {
  for (const StrCase &c : kStrCases) {
    INFO("value '" << std::string(c.value) << "' spec '" << std::string(c.spec) << "'");
    Formatted f = formatStr(c.value, c.spec);
    REQUIRE(f.ok);
    CHECK(f.text == c.expected);
  }
}

TEST_CASE("bad format specs give CPython's ValueError messages") {
  for (const ErrorCase &c : kErrorCases) {
    INFO("value " << std::string(c.value) << " spec '" << std::string(c.spec) << "'");
    Formatted f = c.kind == 'i'   ? formatInt(std::atoll(c.value), c.spec)
                  : c.kind == 'f' ? formatFloat(std::strtod(c.value, nullptr), c.spec)
                                  : formatStr(c.value, c.spec);
    CHECK_FALSE(f.ok);
    CHECK(f.text == c.message);
  }
}

TEST_CASE("repr(str) chooses quotes and escapes like CPython") {
  for (const StrReprCase &c : kStrReprCases) {
    INFO("value " << std::string(c.expected));
    CHECK(reprStr(llvm::StringRef(c.utf8, c.size)) == c.expected);
  }
}

TEST_CASE("round(x, n) rounds the exact binary value, ties to even") {
  for (const RoundCase &c : kRoundCases) {
    INFO("value " << std::string(c.hex) << " ndigits " << c.ndigits);
    double got = roundFloat(fromHex(c.hex), c.ndigits);
    double want = fromHex(c.expected);
    CHECK(std::memcmp(&got, &want, sizeof(double)) == 0);
  }
}

TEST_CASE("len(str) counts code points") {
  CHECK(codePointCount("abc") == 3);
  CHECK(codePointCount("\xc3\xa9\xe2\x82\xac") == 2);
}
