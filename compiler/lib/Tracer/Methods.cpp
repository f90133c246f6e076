//===- Methods.cpp - Methods of str, list, tuple, dict and set ------------===//
//
// Each method is a method descriptor in its type's class dict, so that both
// `s.upper()` and `str.upper(s)` work; `self` is the first argument.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/Format.h"
#include "bpc/Tracer/Interp.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>

using namespace bpc;
using namespace bpc::tracer;

namespace {

/// The `self` of a method descriptor, checked like CPython does.
template <typename T> T &self(Interp &in, CallArgs &args, const char *type, const char *method) {
  if (!args.positional.empty())
    if (T *obj = args.positional[0].dyn<T>())
      return *obj;
  in.raise(Exc::TypeError, llvm::Twine("descriptor '") + method + "' for '" + type +
                               "' objects doesn't apply to a '" +
                               (args.positional.empty() ? std::string("NoneType")
                                                        : in.typeName(args.positional[0])) +
                               "' object");
}

/// Positional arguments after self, with a count check.
llvm::ArrayRef<Value> params(Interp &in, CallArgs &args, const char *name, unsigned min, unsigned max) {
  rejectKeywords(in, name, args);
  size_t n = args.positional.size() - 1;
  if (n < min || n > max) {
    if (min == max)
      in.raise(Exc::TypeError, llvm::Twine(name) + "() takes exactly " +
                                   (min == 1 ? "one argument" : llvm::Twine(min) + " arguments") +
                                   " (" + llvm::Twine(n) + " given)");
    in.raise(Exc::TypeError, llvm::Twine(name) + " expected at most " + llvm::Twine(max) +
                                 " arguments, got " + llvm::Twine(n));
  }
  return llvm::ArrayRef<Value>(args.positional).drop_front();
}

/// Upper/lower case of the scripts' alphabets (ASCII, Latin-1, Greek,
/// Cyrillic); full Unicode case tables are not worth carrying here.
std::string caseMap(llvm::StringRef s, bool upper) {
  std::string out;
  std::vector<size_t> offs = format::codePointOffsets(s);
  for (size_t k = 0; k + 1 < offs.size(); ++k) {
    llvm::StringRef ch = s.substr(offs[k], offs[k + 1] - offs[k]);
    uint32_t cp = static_cast<unsigned char>(ch[0]);
    if (ch.size() > 1) {
      cp &= 0x7f >> ch.size();
      for (size_t i = 1; i < ch.size(); ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(ch[i]) & 0x3f);
    }
    uint32_t mapped = cp;
    if (upper) {
      if ((cp >= 'a' && cp <= 'z') || (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7) ||
          (cp >= 0x3b1 && cp <= 0x3c9 && cp != 0x3c2) || (cp >= 0x430 && cp <= 0x44f))
        mapped = cp - 0x20;
      else if (cp >= 0x450 && cp <= 0x45f)
        mapped = cp - 0x50;
    } else {
      if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
          (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) || (cp >= 0x410 && cp <= 0x42f))
        mapped = cp + 0x20;
      else if (cp >= 0x400 && cp <= 0x40f)
        mapped = cp + 0x50;
    }
    out += mapped == cp ? ch.str() : format::encodeUtf8(mapped);
  }
  return out;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/// Whitespace split (sep=None) as Python does it.
std::vector<Value> splitWhitespace(llvm::StringRef s, int64_t maxsplit) {
  std::vector<Value> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && isSpace(s[i]))
      ++i;
    if (i >= s.size())
      break;
    if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
      size_t end = s.size();
      while (end > i && isSpace(s[end - 1]))
        --end;
      out.push_back(makeStr(s.substr(i, end - i).str()));
      break;
    }
    size_t j = i;
    while (j < s.size() && !isSpace(s[j]))
      ++j;
    out.push_back(makeStr(s.substr(i, j - i).str()));
    i = j;
  }
  return out;
}

std::vector<Value> splitOn(Interp &in, llvm::StringRef s, llvm::StringRef sep, int64_t maxsplit) {
  if (sep.empty())
    in.raise(Exc::ValueError, "empty separator");
  std::vector<Value> out;
  size_t start = 0;
  while (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) {
    size_t pos = s.find(sep, start);
    if (pos == llvm::StringRef::npos)
      break;
    out.push_back(makeStr(s.substr(start, pos - start).str()));
    start = pos + sep.size();
  }
  out.push_back(makeStr(s.substr(start).str()));
  return out;
}

/// Python's str.strip family: `chars` None strips whitespace.
std::string stripChars(Interp &in, llvm::ArrayRef<Value> p, llvm::StringRef s, bool left, bool right) {
  std::string chars = " \t\n\r\f\v";
  if (!p.empty() && !p[0].isNone())
    chars = expectStr(in, p[0], "strip arg");
  size_t b = 0, e = s.size();
  if (left)
    while (b < e && chars.find(s[b]) != std::string::npos)
      ++b;
  if (right)
    while (e > b && chars.find(s[e - 1]) != std::string::npos)
      --e;
  return s.substr(b, e - b).str();
}

/// Byte offset -> code point index, for find()/index() results.
int64_t codePointIndex(llvm::StringRef s, size_t byteOffset) {
  return static_cast<int64_t>(format::codePointCount(s.substr(0, byteOffset)));
}

/// str.find/rfind/index/rindex/count with optional start/end (code points).
int64_t findSub(Interp &in, llvm::StringRef s, llvm::ArrayRef<Value> p, bool reverse) {
  const std::string &sub = expectStr(in, p[0], "must be str, not");
  std::vector<size_t> offs = format::codePointOffsets(s);
  int64_t n = offs.size() - 1;
  auto bound = [&](size_t i, int64_t dflt) {
    if (p.size() <= i || p[i].isNone())
      return dflt;
    int64_t v = in.toIndex(p[i], "slice indices must be integers or None or have an __index__ method");
    if (v < 0)
      v = std::max<int64_t>(0, v + n);
    return std::min(v, n);
  };
  int64_t start = bound(1, 0), end = bound(2, n);
  if (start > end)
    return -1;
  llvm::StringRef window = s.substr(offs[start], offs[end] - offs[start]);
  size_t pos = reverse ? window.rfind(sub) : window.find(sub);
  if (pos == llvm::StringRef::npos)
    return -1;
  return codePointIndex(s, offs[start] + pos);
}

std::string padded(llvm::StringRef s, int64_t width, const std::string &fill, char how) {
  int64_t len = format::codePointCount(s);
  if (width <= len)
    return s.str();
  int64_t pad = width - len;
  int64_t left = how == '<' ? 0 : how == '>' ? pad : pad / 2 + (pad & width & 1);
  std::string out;
  for (int64_t i = 0; i < left; ++i)
    out += fill;
  out += s.str();
  for (int64_t i = 0; i < pad - left; ++i)
    out += fill;
  return out;
}

} // namespace

void Interp::installMethods() {
  AttrDict &str = types.str->dict;
  auto defStr = [&](const char *name, std::function<Value(Interp &, const std::string &, CallArgs &)> fn) {
    defineBuiltin(str, name, [name, fn](Interp &in, CallArgs &args) {
      std::string s = self<StrObject>(in, args, "str", name).value;
      return fn(in, s, args);
    }, true);
  };
  auto simpleStr = [&](const char *name, std::function<std::string(const std::string &)> fn) {
    defStr(name, [name, fn](Interp &in, const std::string &s, CallArgs &args) {
      (void)params(in, args, name, 0, 0);
      return makeStr(fn(s));
    });
  };
  simpleStr("upper", [](const std::string &s) { return caseMap(s, true); });
  simpleStr("lower", [](const std::string &s) { return caseMap(s, false); });
  simpleStr("casefold", [](const std::string &s) { return caseMap(s, false); });
  simpleStr("swapcase", [](const std::string &s) {
    std::string o = s;
    for (char &c : o)
      c = llvm::isUpper(c) ? llvm::toLower(c) : llvm::toUpper(c);
    return o;
  });
  simpleStr("capitalize", [](const std::string &s) {
    std::string o = llvm::StringRef(s).lower();
    if (!o.empty())
      o[0] = llvm::toUpper(o[0]);
    return o;
  });
  simpleStr("title", [](const std::string &s) {
    std::string o = s;
    bool prevCased = false;
    for (char &c : o) {
      c = prevCased ? llvm::toLower(c) : llvm::toUpper(c);
      prevCased = llvm::isAlpha(c);
    }
    return o;
  });
  auto predicate = [&](const char *name, std::function<bool(char)> fn, bool needCased = false) {
    defStr(name, [name, fn, needCased](Interp &in, const std::string &s, CallArgs &args) {
      (void)params(in, args, name, 0, 0);
      if (s.empty())
        return Value::boolean(false);
      bool cased = false;
      for (char c : s) {
        if (llvm::isAlpha(c))
          cased = true;
        if (!fn(c))
          return Value::boolean(false);
      }
      return Value::boolean(!needCased || cased);
    });
  };
  predicate("isdigit", [](char c) { return llvm::isDigit(c); });
  predicate("isdecimal", [](char c) { return llvm::isDigit(c); });
  predicate("isnumeric", [](char c) { return llvm::isDigit(c); });
  predicate("isalpha", [](char c) { return llvm::isAlpha(c); });
  predicate("isalnum", [](char c) { return llvm::isAlnum(c); });
  predicate("isspace", isSpace);
  predicate("isupper", [](char c) { return !llvm::isLower(c); }, true);
  predicate("islower", [](char c) { return !llvm::isUpper(c); }, true);
  defStr("isidentifier", [](Interp &in, const std::string &s, CallArgs &args) {
    (void)params(in, args, "isidentifier", 0, 0);
    bool ok = !s.empty() && !llvm::isDigit(s[0]) &&
              llvm::all_of(s, [](char c) { return llvm::isAlnum(c) || c == '_'; });
    return Value::boolean(ok);
  });
  defStr("strip", [](Interp &in, const std::string &s, CallArgs &args) {
    return makeStr(stripChars(in, params(in, args, "strip", 0, 1), s, true, true));
  });
  defStr("lstrip", [](Interp &in, const std::string &s, CallArgs &args) {
    return makeStr(stripChars(in, params(in, args, "lstrip", 0, 1), s, true, false));
  });
  defStr("rstrip", [](Interp &in, const std::string &s, CallArgs &args) {
    return makeStr(stripChars(in, params(in, args, "rstrip", 0, 1), s, false, true));
  });
  for (const char *name : {"split", "rsplit"}) {
    bool reverse = name[0] == 'r';
    defStr(name, [name, reverse](Interp &in, const std::string &s, CallArgs &args) {
      std::optional<Value> sep = takeKeyword(args, "sep");
      std::optional<Value> maxsplit = takeKeyword(args, "maxsplit");
      llvm::ArrayRef<Value> p = params(in, args, name, 0, 2);
      if (p.size() > 0) sep = p[0];
      if (p.size() > 1) maxsplit = p[1];
      int64_t max = maxsplit ? in.toIndex(*maxsplit, "maxsplit must be an integer") : -1;
      std::vector<Value> parts;
      if (!reverse || max < 0) {
        parts = !sep || sep->isNone() ? splitWhitespace(s, max)
                                      : splitOn(in, s, expectStr(in, *sep, "sep"), max);
        return makeList(std::move(parts));
      }
      // rsplit with a limit: split the reversed string, then reverse back.
      std::string rev(s.rbegin(), s.rend());
      std::string rsep;
      if (sep && !sep->isNone()) {
        const std::string &sp = expectStr(in, *sep, "sep");
        rsep.assign(sp.rbegin(), sp.rend());
      }
      parts = rsep.empty() && (!sep || sep->isNone()) ? splitWhitespace(rev, max)
                                                      : splitOn(in, rev, rsep, max);
      std::reverse(parts.begin(), parts.end());
      for (Value &part : parts) {
        std::string &t = part.dyn<StrObject>()->value;
        std::reverse(t.begin(), t.end());
      }
      return makeList(std::move(parts));
    });
  }
  defStr("splitlines", [](Interp &in, const std::string &s, CallArgs &args) {
    std::optional<Value> keep = takeKeyword(args, "keepends");
    (void)params(in, args, "splitlines", 0, 0);
    bool keepEnds = keep && in.truthy(*keep);
    std::vector<Value> out;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\n' && s[i] != '\r')
        continue;
      size_t end = i;
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')
        ++i;
      out.push_back(makeStr(s.substr(start, (keepEnds ? i + 1 : end) - start)));
      start = i + 1;
    }
    if (start < s.size())
      out.push_back(makeStr(s.substr(start)));
    return makeList(std::move(out));
  });
  defStr("join", [](Interp &in, const std::string &s, CallArgs &args) {
    llvm::ArrayRef<Value> p = params(in, args, "join", 1, 1);
    std::string out;
    size_t i = 0;
    in.forEach(p[0], [&](const Value &v) {
      auto *item = v.dyn<StrObject>();
      if (!item)
        in.raise(Exc::TypeError, "sequence item " + llvm::Twine(i) + ": expected str instance, " +
                                     in.typeName(v) + " found");
      if (i++)
        out += s;
      out += item->value;
      return true;
    });
    return makeStr(std::move(out));
  });
  for (const char *name : {"startswith", "endswith"}) {
    bool start = name[0] == 's';
    defStr(name, [name, start](Interp &in, const std::string &s, CallArgs &args) {
      llvm::ArrayRef<Value> p = params(in, args, name, 1, 1);
      auto test = [&](const Value &v) {
        auto *prefix = v.dyn<StrObject>();
        if (!prefix)
          in.raise(Exc::TypeError, llvm::Twine(name) + " first arg must be str or a tuple of str, not " +
                                       in.typeName(v));
        return start ? llvm::StringRef(s).starts_with(prefix->value)
                     : llvm::StringRef(s).ends_with(prefix->value);
      };
      if (auto *t = p[0].dyn<TupleObject>())
        return Value::boolean(llvm::any_of(t->items, test));
      return Value::boolean(test(p[0]));
    });
  }
  defStr("replace", [](Interp &in, const std::string &s, CallArgs &args) {
    llvm::ArrayRef<Value> p = params(in, args, "replace", 2, 3);
    const std::string &from = expectStr(in, p[0], "replace() argument 1");
    const std::string &to = expectStr(in, p[1], "replace() argument 2");
    int64_t count = p.size() > 2 ? in.toIndex(p[2], "count must be an integer") : -1;
    std::string out;
    size_t pos = 0;
    int64_t done = 0;
    if (from.empty()) {
      // Python inserts `to` between every character (and at both ends).
      std::vector<size_t> offs = format::codePointOffsets(s);
      for (size_t k = 0; k + 1 < offs.size() + 1; ++k) {
        if (count < 0 || done < count) {
          out += to;
          ++done;
        }
        if (k + 1 < offs.size())
          out += s.substr(offs[k], offs[k + 1] - offs[k]);
      }
      return makeStr(std::move(out));
    }
    while (count < 0 || done < count) {
      size_t hit = s.find(from, pos);
      if (hit == std::string::npos)
        break;
      out += s.substr(pos, hit - pos) + to;
      pos = hit + from.size();
      ++done;
    }
    out += s.substr(pos);
    return makeStr(std::move(out));
  });
  for (const char *name : {"find", "rfind", "index", "rindex"}) {
    bool reverse = name[0] == 'r';
    bool raises = llvm::StringRef(name).contains("index");
    defStr(name, [name, reverse, raises](Interp &in, const std::string &s, CallArgs &args) {
      int64_t r = findSub(in, s, params(in, args, name, 1, 3), reverse);
      if (r < 0 && raises)
        in.raise(Exc::ValueError, "substring not found");
      return Value::integer(r);
    });
  }
  defStr("count", [](Interp &in, const std::string &s, CallArgs &args) {
    llvm::ArrayRef<Value> p = params(in, args, "count", 1, 1);
    const std::string &sub = expectStr(in, p[0], "must be str, not");
    if (sub.empty())
      return Value::integer(format::codePointCount(s) + 1);
    int64_t n = 0;
    for (size_t pos = s.find(sub); pos != std::string::npos; pos = s.find(sub, pos + sub.size()))
      ++n;
    return Value::integer(n);
  });
  for (auto [name, how] : {std::pair{"ljust", '<'}, {"rjust", '>'}, {"center", '^'}}) {
    const char *fname = name;
    char align = how;
    defStr(fname, [fname, align](Interp &in, const std::string &s, CallArgs &args) {
      llvm::ArrayRef<Value> p = params(in, args, fname, 1, 2);
      int64_t width = in.toIndex(p[0], "width must be an integer");
      std::string fill = p.size() > 1 ? expectStr(in, p[1], "fill character") : " ";
      if (format::codePointCount(fill) != 1)
        in.raise(Exc::TypeError, "The fill character must be exactly one character long");
      return makeStr(padded(s, width, fill, align));
    });
  }
  defStr("zfill", [](Interp &in, const std::string &s, CallArgs &args) {
    int64_t width = in.toIndex(params(in, args, "zfill", 1, 1)[0], "width must be an integer");
    int64_t len = format::codePointCount(s);
    if (width <= len)
      return makeStr(s);
    size_t signLen = !s.empty() && (s[0] == '+' || s[0] == '-');
    return makeStr(s.substr(0, signLen) + std::string(width - len, '0') + s.substr(signLen));
  });
  defStr("partition", [](Interp &in, const std::string &s, CallArgs &args) {
    const std::string &sep = expectStr(in, params(in, args, "partition", 1, 1)[0], "sep");
    size_t pos = s.find(sep);
    if (pos == std::string::npos)
      return makeTuple({makeStr(s), makeStr(""), makeStr("")});
    return makeTuple({makeStr(s.substr(0, pos)), makeStr(sep), makeStr(s.substr(pos + sep.size()))});
  });
  defStr("format", [](Interp &in, const std::string &s, CallArgs &args) {
    args.positional.erase(args.positional.begin());
    return makeStr(in.strFormat(s, args));
  });

  //===--- list ---===//
  AttrDict &list = types.list->dict;
  auto defList = [&](const char *name, std::function<Value(Interp &, ListObject &, llvm::ArrayRef<Value>)> fn,
                     unsigned min, unsigned max) {
    // Changes to a container stop a trial of a compiled loop (NeedsUnroll).
    bool mutates = llvm::is_contained({"append", "extend", "insert", "pop", "remove", "clear",
                                       "sort", "reverse"},
                                      llvm::StringRef(name));
    defineBuiltin(list, name, [=](Interp &in, CallArgs &args) {
      ListObject &l = self<ListObject>(in, args, "list", name);
      ObjRef keep(&l);
      if (mutates)
        in.needsUnrollInTrial();
      return fn(in, l, params(in, args, name, min, max));
    }, true);
  };
  defList("append", [](Interp &, ListObject &l, llvm::ArrayRef<Value> p) {
    l.items.push_back(p[0]);
    return Value();
  }, 1, 1);
  defList("extend", [](Interp &in, ListObject &l, llvm::ArrayRef<Value> p) {
    std::vector<Value> more = in.toVector(p[0]);
    l.items.insert(l.items.end(), more.begin(), more.end());
    return Value();
  }, 1, 1);
  defList("insert", [](Interp &in, ListObject &l, llvm::ArrayRef<Value> p) {
    int64_t n = l.items.size();
    int64_t i = in.intArg(p[0]);
    if (i < 0)
      i = std::max<int64_t>(0, i + n);
    l.items.insert(l.items.begin() + std::min(i, n), p[1]);
    return Value();
  }, 2, 2);
  defList("pop", [](Interp &in, ListObject &l, llvm::ArrayRef<Value> p) {
    if (l.items.empty())
      in.raise(Exc::IndexError, "pop from empty list");
    int64_t n = l.items.size();
    int64_t i = p.empty() ? n - 1 : in.intArg(p[0]);
    if (i < 0)
      i += n;
    if (i < 0 || i >= n)
      in.raise(Exc::IndexError, "pop index out of range");
    Value v = l.items[i];
    l.items.erase(l.items.begin() + i);
    return v;
  }, 0, 1);
  defList("remove", [](Interp &in, ListObject &l, llvm::ArrayRef<Value> p) {
    for (size_t i = 0; i < l.items.size(); ++i)
      if (in.equals(l.items[i], p[0])) {
        l.items.erase(l.items.begin() + i);
        return Value();
      }
    in.raise(Exc::ValueError, "list.remove(x): x not in list");
  }, 1, 1);
  defList("index", [](Interp &in, ListObject &l, llvm::ArrayRef<Value> p) {
    for (size_t i = 0; i < l.items.size(); ++i)
      if (in.equals(l.items[i], p[0]))
        return Value::integer(i);
    in.raise(Exc::ValueError, in.repr(p[0]) + " is not in list");
  }, 1, 1);
  defList("count", [](Interp &in, ListObject &l, llvm::ArrayRef<Value> p) {
    return Value::integer(llvm::count_if(l.items, [&](const Value &v) { return in.equals(v, p[0]); }));
  }, 1, 1);
  defList("reverse", [](Interp &, ListObject &l, llvm::ArrayRef<Value>) {
    std::reverse(l.items.begin(), l.items.end());
    return Value();
  }, 0, 0);
  defList("clear", [](Interp &, ListObject &l, llvm::ArrayRef<Value>) {
    l.items.clear();
    return Value();
  }, 0, 0);
  defList("copy", [](Interp &, ListObject &l, llvm::ArrayRef<Value>) { return makeList(l.items); }, 0, 0);
  defineBuiltin(list, "sort", [](Interp &in, CallArgs &args) {
    ListObject &l = self<ListObject>(in, args, "list", "sort");
    ObjRef keep(&l);
    in.needsUnrollInTrial();
    std::optional<Value> key = takeKeyword(args, "key");
    std::optional<Value> reverse = takeKeyword(args, "reverse");
    (void)params(in, args, "sort", 0, 0);
    Value sorted = in.sorted(l.items, key ? *key : Value(), reverse && in.truthy(*reverse));
    l.items = std::move(sorted.dyn<ListObject>()->items);
    return Value();
  }, true);

  //===--- tuple ---===//
  AttrDict &tuple = types.tuple->dict;
  defineBuiltin(tuple, "index", [](Interp &in, CallArgs &args) {
    TupleObject &t = self<TupleObject>(in, args, "tuple", "index");
    llvm::ArrayRef<Value> p = params(in, args, "index", 1, 1);
    for (size_t i = 0; i < t.items.size(); ++i)
      if (in.equals(t.items[i], p[0]))
        return Value::integer(i);
    in.raise(Exc::ValueError, "tuple.index(x): x not in tuple");
  }, true);
  defineBuiltin(tuple, "count", [](Interp &in, CallArgs &args) {
    TupleObject &t = self<TupleObject>(in, args, "tuple", "count");
    llvm::ArrayRef<Value> p = params(in, args, "count", 1, 1);
    return Value::integer(llvm::count_if(t.items, [&](const Value &v) { return in.equals(v, p[0]); }));
  }, true);

  //===--- dict ---===//
  AttrDict &dict = types.dict->dict;
  auto defDict = [&](const char *name, std::function<Value(Interp &, DictObject &, llvm::ArrayRef<Value>)> fn,
                     unsigned min, unsigned max) {
    // Changes to a container stop a trial of a compiled loop (NeedsUnroll).
    bool mutates = llvm::is_contained({"pop", "popitem", "clear", "update", "setdefault"},
                                      llvm::StringRef(name));
    defineBuiltin(dict, name, [=](Interp &in, CallArgs &args) {
      DictObject &d = self<DictObject>(in, args, "dict", name);
      ObjRef keep(&d);
      if (mutates)
        in.needsUnrollInTrial();
      return fn(in, d, params(in, args, name, min, max));
    }, true);
  };
  using Which = DictViewObject::Which;
  for (auto [name, which] : {std::pair{"keys", Which::Keys}, {"values", Which::Values}, {"items", Which::Items}}) {
    Which w = which;
    defDict(name, [w](Interp &, DictObject &d, llvm::ArrayRef<Value>) {
      return Value(new DictViewObject(llvm::IntrusiveRefCntPtr<DictObject>(&d), w));
    }, 0, 0);
  }
  defDict("get", [](Interp &in, DictObject &d, llvm::ArrayRef<Value> p) {
    long pos = d.table.find(in, p[0]);
    return pos >= 0 ? d.table.rawEntries()[pos].value : (p.size() > 1 ? p[1] : Value());
  }, 1, 2);
  defDict("pop", [](Interp &in, DictObject &d, llvm::ArrayRef<Value> p) {
    long pos = d.table.find(in, p[0]);
    if (pos < 0) {
      if (p.size() > 1)
        return p[1];
      in.raiseArgs(Exc::KeyError, {p[0]});
    }
    Value v = d.table.rawEntries()[pos].value;
    d.table.erase(in, p[0]);
    return v;
  }, 1, 2);
  defDict("setdefault", [](Interp &in, DictObject &d, llvm::ArrayRef<Value> p) {
    long pos = d.table.find(in, p[0]);
    if (pos >= 0)
      return d.table.rawEntries()[pos].value;
    Value v = p.size() > 1 ? p[1] : Value();
    d.table.insert(in, p[0], v);
    return v;
  }, 1, 2);
  defDict("copy", [](Interp &, DictObject &d, llvm::ArrayRef<Value>) {
    auto *c = new DictObject();
    c->table = d.table;
    return Value(c);
  }, 0, 0);
  defDict("clear", [](Interp &, DictObject &d, llvm::ArrayRef<Value>) {
    d.table.clear();
    return Value();
  }, 0, 0);
  defDict("popitem", [](Interp &in, DictObject &d, llvm::ArrayRef<Value>) {
    if (!d.table.size())
      in.raiseArgs(Exc::KeyError, {makeStr("popitem(): dictionary is empty")});
    HashTable::Entry e = d.table.popLast();
    return makeTuple({e.key, e.value});
  }, 0, 0);
  defineBuiltin(dict, "update", [](Interp &in, CallArgs &args) {
    DictObject &d = self<DictObject>(in, args, "dict", "update");
    ObjRef keep(&d);
    in.needsUnrollInTrial();
    CallArgs rest = args;
    rest.positional.erase(rest.positional.begin());
    Value other = in.call(Value(in.types.dict), rest);
    for (const HashTable::Entry &e : other.dyn<DictObject>()->table.rawEntries())
      if (e.live)
        d.table.insert(in, e.key, e.value);
    return Value();
  }, true);
  dict.set("fromkeys", Value(new ClassMethodObject(Value(new BuiltinObject(
                           "fromkeys", [](Interp &in, CallArgs &args) {
                             (void)params(in, args, "fromkeys", 1, 2);
                             auto *d = new DictObject();
                             Value result(d);
                             Value fill = args.positional.size() > 2 ? args.positional[2] : Value();
                             in.forEach(args.positional[1], [&](const Value &k) {
                               d->table.insert(in, k, fill);
                               return true;
                             });
                             return result;
                           })))));

  //===--- set ---===//
  AttrDict &set = types.set->dict;
  auto defSet = [&](const char *name, std::function<Value(Interp &, SetObject &, llvm::ArrayRef<Value>)> fn,
                    unsigned min, unsigned max) {
    // Changes to a container stop a trial of a compiled loop (NeedsUnroll).
    bool mutates = llvm::is_contained({"add", "discard", "remove", "pop", "clear", "update",
                                       "intersection_update", "difference_update",
                                       "symmetric_difference_update"},
                                      llvm::StringRef(name));
    defineBuiltin(set, name, [=](Interp &in, CallArgs &args) {
      SetObject &s = self<SetObject>(in, args, "set", name);
      ObjRef keep(&s);
      if (mutates)
        in.needsUnrollInTrial();
      return fn(in, s, params(in, args, name, min, max));
    }, true);
  };
  defSet("add", [](Interp &in, SetObject &s, llvm::ArrayRef<Value> p) {
    s.table.insert(in, p[0], Value());
    return Value();
  }, 1, 1);
  defSet("remove", [](Interp &in, SetObject &s, llvm::ArrayRef<Value> p) {
    if (!s.table.erase(in, p[0]))
      in.raiseArgs(Exc::KeyError, {p[0]});
    return Value();
  }, 1, 1);
  defSet("discard", [](Interp &in, SetObject &s, llvm::ArrayRef<Value> p) {
    s.table.erase(in, p[0]);
    return Value();
  }, 1, 1);
  defSet("pop", [](Interp &in, SetObject &s, llvm::ArrayRef<Value>) {
    if (!s.table.size())
      in.raiseArgs(Exc::KeyError, {makeStr("pop from an empty set")});
    return s.table.pop();
  }, 0, 0);
  defSet("clear", [](Interp &, SetObject &s, llvm::ArrayRef<Value>) {
    s.table.clear();
    return Value();
  }, 0, 0);
  defSet("copy", [](Interp &in, SetObject &s, llvm::ArrayRef<Value>) {
    return Value(copySet(in, s));
  }, 0, 0);
  for (auto [name, op] : {std::pair{"union", ast::BinOpKind::BitOr}, {"intersection", ast::BinOpKind::BitAnd},
                          {"difference", ast::BinOpKind::Sub}, {"symmetric_difference", ast::BinOpKind::BitXor}}) {
    ast::BinOpKind kind = op;
    defSet(name, [kind](Interp &in, SetObject &s, llvm::ArrayRef<Value> p) {
      Value acc(copySet(in, s));
      for (const Value &other : p) {
        Value rhs = other.is<SetObject>() ? other : in.call(Value(in.types.set), std::vector<Value>{other});
        acc = setOperation(in, kind, *acc.dyn<SetObject>(), *rhs.dyn<SetObject>());
      }
      return acc;
    }, 0, 8);
  }
  defSet("update", [](Interp &in, SetObject &s, llvm::ArrayRef<Value> p) {
    for (const Value &other : p)
      if (auto *set = other.dyn<SetObject>())
        s.table.merge(in, set->table);
      else
        in.forEach(other, [&](const Value &v) {
        s.table.insert(in, v, Value());
        return true;
      });
    return Value();
  }, 0, 8);
  for (auto [name, which] : {std::pair{"issubset", 0}, {"issuperset", 1}, {"isdisjoint", 2}}) {
    int w = which;
    defSet(name, [w](Interp &in, SetObject &s, llvm::ArrayRef<Value> p) {
      Value other = p[0].is<SetObject>() ? p[0] : in.call(Value(in.types.set), std::vector<Value>{p[0]});
      Value self(&s);
      if (w == 0)
        return in.compare(ast::CmpOpKind::LtE, self, other);
      if (w == 1)
        return in.compare(ast::CmpOpKind::GtE, self, other);
      return Value::boolean(!in.truthy(in.binaryOp(ast::BinOpKind::BitAnd, self, other)));
    }, 1, 1);
  }

  //===--- int and float ---===//
  defineBuiltin(types.int_->dict, "bit_length", [](Interp &in, CallArgs &args) {
    (void)params(in, args, "bit_length", 0, 0);
    int64_t v = args.positional[0].getInt();
    uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : v;
    return Value::integer(mag ? 64 - __builtin_clzll(mag) : 0);
  }, true);
  defineBuiltin(types.float_->dict, "is_integer", [](Interp &in, CallArgs &args) {
    (void)params(in, args, "is_integer", 0, 0);
    double d = args.positional[0].toDouble();
    return Value::boolean(std::isfinite(d) && d == std::floor(d));
  }, true);
}

//===----------------------------------------------------------------------===//
// str.format and %-formatting
//===----------------------------------------------------------------------===//

std::string Interp::strFormat(llvm::StringRef fmt, CallArgs &args) {
  std::string out;
  int autoIndex = 0;
  bool manual = false, automatic = false;
  auto field = [&](llvm::StringRef name) -> Value {
    // arg_name ("." attr | "[" key "]")*
    size_t end = name.find_first_of(".[");
    llvm::StringRef head = name.substr(0, end);
    Value v;
    if (head.empty()) {
      if (manual)
        raise(Exc::ValueError, "cannot switch from manual field specification to automatic field numbering");
      automatic = true;
      int i = autoIndex++;
      if (i >= static_cast<int>(args.positional.size()))
        raise(Exc::IndexError, "Replacement index " + llvm::Twine(i) +
                                   " out of range for positional args tuple");
      v = args.positional[i];
    } else if (llvm::all_of(head, llvm::isDigit)) {
      if (automatic)
        raise(Exc::ValueError, "cannot switch from automatic field numbering to manual field specification");
      manual = true;
      unsigned i = std::stoul(head.str());
      if (i >= args.positional.size())
        raise(Exc::IndexError, "Replacement index " + llvm::Twine(i) +
                                   " out of range for positional args tuple");
      v = args.positional[i];
    } else {
      auto it = llvm::find_if(args.keywords, [&](auto &kw) { return kw.first == head; });
      if (it == args.keywords.end())
        raiseArgs(Exc::KeyError, {makeStr(head.str())});
      v = it->second;
    }
    llvm::StringRef rest = end == llvm::StringRef::npos ? "" : name.substr(end);
    while (!rest.empty()) {
      if (rest.consume_front(".")) {
        size_t n = rest.find_first_of(".[");
        v = getAttr(v, rest.substr(0, n));
        rest = n == llvm::StringRef::npos ? "" : rest.substr(n);
      } else {
        rest = rest.drop_front();
        size_t close = rest.find(']');
        if (close == llvm::StringRef::npos)
          raise(Exc::ValueError, "Missing ']' in format string");
        llvm::StringRef key = rest.substr(0, close);
        Value k = llvm::all_of(key, llvm::isDigit) && !key.empty()
                      ? Value::integer(std::stoll(key.str()))
                      : makeStr(key.str());
        v = getItem(v, k);
        rest = rest.substr(close + 1);
      }
    }
    return v;
  };
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '}') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '}') {
        out.push_back('}');
        ++i;
        continue;
      }
      raise(Exc::ValueError, "Single '}' encountered in format string");
    }
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out.push_back('{');
      ++i;
      continue;
    }
    // Find the matching '}' (the spec may nest one level of {...}).
    size_t j = i + 1;
    int depth = 1;
    for (; j < fmt.size(); ++j) {
      if (fmt[j] == '{')
        ++depth;
      else if (fmt[j] == '}' && --depth == 0)
        break;
    }
    if (j >= fmt.size())
      raise(Exc::ValueError, i + 1 >= fmt.size() ? "Single '{' encountered in format string"
                                                 : "expected '}' before end of string");
    llvm::StringRef inner = fmt.substr(i + 1, j - i - 1);
    size_t colon = inner.find(':');
    llvm::StringRef head = inner.substr(0, colon);
    std::string spec = colon == llvm::StringRef::npos ? "" : inner.substr(colon + 1).str();
    char conversion = 0;
    if (size_t bang = head.find('!'); bang != llvm::StringRef::npos) {
      llvm::StringRef conv = head.substr(bang + 1);
      if (conv.size() != 1 || (conv[0] != 'r' && conv[0] != 's' && conv[0] != 'a'))
        raise(Exc::ValueError, "Unknown conversion specifier " + conv);
      conversion = conv[0];
      head = head.substr(0, bang);
    }
    Value v = field(head);
    if (spec.find('{') != std::string::npos)
      spec = strFormat(spec, args);
    if (conversion == 'r' || conversion == 'a')
      v = makeStr(repr(v));
    else if (conversion == 's')
      v = makeStr(str(v));
    out += formatValue(v, spec);
    i = j;
  }
  return out;
}

std::string Interp::percentFormat(llvm::StringRef fmt, const Value &argsValue) {
  std::vector<Value> args;
  auto *mapping = argsValue.dyn<DictObject>();
  if (auto *t = argsValue.dyn<TupleObject>())
    args = t->items;
  else
    args.push_back(argsValue);
  size_t next = 0;
  bool usedMapping = false;
  auto take = [&]() -> Value {
    if (next >= args.size())
      raise(Exc::TypeError, "not enough arguments for format string");
    return args[next++];
  };
  std::string out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out.push_back(fmt[i]);
      continue;
    }
    if (++i >= fmt.size())
      raise(Exc::ValueError, "incomplete format");
    Value v;
    bool haveValue = false;
    if (fmt[i] == '(') {
      size_t close = fmt.find(')', i);
      if (!mapping || close == llvm::StringRef::npos)
        raise(Exc::TypeError, "format requires a mapping");
      v = getItem(argsValue, makeStr(fmt.substr(i + 1, close - i - 1).str()));
      haveValue = usedMapping = true;
      i = close + 1;
    }
    std::string flags;
    while (i < fmt.size() && llvm::StringRef("-+ #0").contains(fmt[i]))
      flags.push_back(fmt[i++]);
    std::string width, precision;
    if (i < fmt.size() && fmt[i] == '*') {
      width = std::to_string(toIndex(take(), "* wants int"));
      ++i;
    }
    while (i < fmt.size() && llvm::isDigit(fmt[i]))
      width.push_back(fmt[i++]);
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      precision = ".";
      while (i < fmt.size() && llvm::isDigit(fmt[i]))
        precision.push_back(fmt[i++]);
      if (precision == ".")
        precision = ".0";
    }
    if (i >= fmt.size())
      raise(Exc::ValueError, "incomplete format");
    char type = fmt[i];
    if (type == '%') {
      out.push_back('%');
      continue;
    }
    if (!haveValue)
      v = take();
    bool left = flags.find('-') != std::string::npos;
    std::string spec = std::string(left ? "<" : "");
    if (flags.find('+') != std::string::npos)
      spec += "+";
    else if (flags.find(' ') != std::string::npos)
      spec += " ";
    if (flags.find('#') != std::string::npos)
      spec += "#";
    if (flags.find('0') != std::string::npos && !left)
      spec += "0";
    spec += width;
    switch (type) {
    case 's': case 'r': case 'a': {
      std::string text = type == 's' ? str(v) : repr(v);
      out += formatValue(makeStr(text), (left ? "<" : ">") + width + precision);
      break;
    }
    case 'd': case 'i': case 'u': {
      if (!v.isNumber())
        raise(Exc::TypeError, llvm::Twine("%") + std::string(1, type) + " format: a real number is required, not " + typeName(v));
      Value n = v.isFloat() ? call(Value(types.int_), std::vector<Value>{v}) : Value::integer(v.getInt());
      out += formatValue(n, spec + "d");
      break;
    }
    case 'x': case 'X': case 'o': case 'c': {
      if (type == 'c' && v.is<StrObject>()) {
        out += v.dyn<StrObject>()->value;
        break;
      }
      if (!v.isIntLike())
        raise(Exc::TypeError, llvm::Twine("%") + std::string(1, type) + " format: an integer is required, not " + typeName(v));
      out += formatValue(Value::integer(v.getInt()), spec + type);
      break;
    }
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
      if (!v.isNumber())
        raise(Exc::TypeError, "must be real number, not " + typeName(v));
      out += formatValue(Value::real(v.toDouble()), spec + precision + type);
      break;
    }
    default:
      raise(Exc::ValueError, llvm::Twine("unsupported format character '") + std::string(1, type) + "' (0x" +
                                 llvm::utohexstr(static_cast<unsigned char>(type), true) +
                                 ") at index " + llvm::Twine(i));
    }
  }
  if (!usedMapping && !mapping && next < args.size())
    raise(Exc::TypeError, "not all arguments converted during string formatting");
  return out;
}
