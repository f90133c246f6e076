//===- Operators.cpp - Python operators, equality, hashing, repr ----------===//
//
// Arithmetic follows CPython exactly (floor division and modulo round toward
// negative infinity; int ** negative int is a float) with one deliberate
// difference: bpc ints are 64-bit, because they become i64 values once
// traced, so an overflowing result raises OverflowError instead of growing.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/Format.h"
#include "bpc/Tracer/Interp.h"

#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstring>

using namespace bpc;
using namespace bpc::tracer;
using ast::BinOpKind;
using ast::CmpOpKind;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

ClassObject *Interp::typeOf(const Value &v) {
  switch (v.getTag()) {
  case Value::Tag::None: return types.noneType.get();
  case Value::Tag::Bool: return types.bool_.get();
  case Value::Tag::Int: return types.int_.get();
  case Value::Tag::Float: return types.float_.get();
  case Value::Tag::Object: break;
  }
  Object *o = v.getObject();
  switch (o->getKind()) {
  case Object::Kind::Str: return types.str.get();
  case Object::Kind::List: return types.list.get();
  case Object::Kind::Tuple: return types.tuple.get();
  case Object::Kind::Dict: return types.dict.get();
  case Object::Kind::Set: return types.set.get();
  case Object::Kind::Range: return types.range.get();
  case Object::Kind::Slice: return types.slice.get();
  case Object::Kind::Function: return types.function.get();
  case Object::Kind::Builtin: return types.builtinFunction.get();
  case Object::Kind::Class: return types.type.get();
  case Object::Kind::Instance: return llvm::cast<InstanceObject>(o)->cls.get();
  case Object::Kind::BoundMethod: return types.method.get();
  case Object::Kind::Module: return types.module.get();
  case Object::Kind::Property: return types.property.get();
  case Object::Kind::StaticMethod: return types.staticmethod.get();
  case Object::Kind::ClassMethod: return types.classmethod.get();
  case Object::Kind::Super: return types.super_.get();
  case Object::Kind::Iterator: {
    ClassRef &cls = iteratorClasses[llvm::cast<IteratorObject>(o)->typeName];
    if (!cls)
      cls = makeBuiltinClass(llvm::cast<IteratorObject>(o)->typeName, types.object.get());
    return cls.get();
  }
  case Object::Kind::DictView:
    switch (llvm::cast<DictViewObject>(o)->which) {
    case DictViewObject::Which::Keys: return types.dictKeys.get();
    case DictViewObject::Which::Values: return types.dictValues.get();
    case DictViewObject::Which::Items: return types.dictItems.get();
    }
    break;
  case Object::Kind::Singleton:
    return llvm::cast<SingletonObject>(o)->name == "Ellipsis" ? types.ellipsisType.get()
                                                               : types.notImplementedType.get();
  }
  return types.object.get();
}

//===----------------------------------------------------------------------===//
// repr and str
//===----------------------------------------------------------------------===//

static std::string addressOf(const void *p) {
  return "0x" + llvm::utohexstr(reinterpret_cast<uintptr_t>(p), /*LowerCase=*/true);
}

/// Calls a user __repr__/__str__ and checks that it returned a str.
static std::optional<std::string> userText(Interp &in, const Value &v, llvm::StringRef name) {
  std::optional<Value> method = in.specialMethod(v, name);
  if (!method)
    return std::nullopt;
  Value result = in.call(*method, std::vector<Value>{});
  if (auto *s = result.dyn<StrObject>())
    return s->value;
  in.raise(Exc::TypeError, name + " returned non-string (type " + in.typeName(result) + ")");
}

std::string Interp::repr(const Value &v) {
  switch (v.getTag()) {
  case Value::Tag::None: return "None";
  case Value::Tag::Bool: return v.getBool() ? "True" : "False";
  case Value::Tag::Int: return std::to_string(v.getInt());
  case Value::Tag::Float: return format::reprFloat(v.getFloat());
  case Value::Tag::Object: break;
  }
  Object *o = v.getObject();
  if (auto *s = llvm::dyn_cast<StrObject>(o))
    return format::reprStr(s->value);
  // Containers: guard against self-reference and runaway nesting.
  bool isContainer = llvm::isa<ListObject, TupleObject, DictObject, SetObject,
                               DictViewObject, InstanceObject>(o);
  if (isContainer) {
    if (std::find(reprStack.begin(), reprStack.end(), o) != reprStack.end())
      return llvm::isa<ListObject>(o) ? "[...]" : llvm::isa<DictObject>(o) ? "{...}" : "...";
  }
  RecursionGuard guard(*this, "while getting the repr of an object");
  reprStack.push_back(o);
  struct Pop {
    std::vector<const Object *> &stack;
    ~Pop() { stack.pop_back(); }
  } pop{reprStack};
  auto join = [&](const std::vector<Value> &items) {
    std::string s;
    for (size_t i = 0; i < items.size(); ++i)
      s += (i ? ", " : "") + repr(items[i]);
    return s;
  };
  auto joinTable = [&](const auto &t, bool withValues) {
    std::string s;
    bool first = true;
    for (const auto &e : t.rawEntries()) {
      if (!e.live)
        continue;
      s += (first ? "" : ", ") + repr(e.key);
      if (withValues)
        s += ": " + repr(e.value);
      first = false;
    }
    return s;
  };
  switch (o->getKind()) {
  case Object::Kind::List:
    return "[" + join(llvm::cast<ListObject>(o)->items) + "]";
  case Object::Kind::Tuple: {
    auto &items = llvm::cast<TupleObject>(o)->items;
    return "(" + join(items) + (items.size() == 1 ? ",)" : ")");
  }
  case Object::Kind::Dict:
    return "{" + joinTable(llvm::cast<DictObject>(o)->table, true) + "}";
  case Object::Kind::Set: {
    auto &t = llvm::cast<SetObject>(o)->table;
    return t.size() ? "{" + joinTable(t, false) + "}" : "set()";
  }
  case Object::Kind::Range: {
    auto *r = llvm::cast<RangeObject>(o);
    return "range(" + std::to_string(r->start) + ", " + std::to_string(r->stop) +
           (r->step == 1 ? "" : ", " + std::to_string(r->step)) + ")";
  }
  case Object::Kind::Slice: {
    auto *s = llvm::cast<SliceObject>(o);
    return "slice(" + repr(s->start) + ", " + repr(s->stop) + ", " + repr(s->step) + ")";
  }
  case Object::Kind::Function:
    return "<function " + llvm::cast<FunctionObject>(o)->qualname + " at " + addressOf(o) + ">";
  case Object::Kind::Builtin:
    return "<built-in function " + llvm::cast<BuiltinObject>(o)->name + ">";
  case Object::Kind::Class: {
    auto *c = llvm::cast<ClassObject>(o);
    return "<class '" + (c->module == "builtins" ? c->qualname : c->module + "." + c->qualname) + "'>";
  }
  case Object::Kind::Instance: {
    if (std::optional<std::string> text = userText(*this, v, "__repr__"))
      return *text;
    auto *inst = llvm::cast<InstanceObject>(o);
    if (inst->exc) {
      auto &args = inst->exc->args.dyn<TupleObject>()->items;
      return inst->cls->name + "(" + join(args) + ")";
    }
    ClassObject *c = inst->cls.get();
    return "<" + c->module + "." + c->qualname + " object at " + addressOf(o) + ">";
  }
  case Object::Kind::BoundMethod: {
    auto *m = llvm::cast<BoundMethodObject>(o);
    if (m->func.is<BuiltinObject>())
      return "<built-in method " + m->func.dyn<BuiltinObject>()->name + " of " +
             typeName(m->self) + " object at " + addressOf(m->self.getObject()) + ">";
    return "<bound method " + callableName(m->func) + " of " + repr(m->self) + ">";
  }
  case Object::Kind::Module: {
    auto *m = llvm::cast<ModuleObject>(o);
    if (const Value *file = m->attrs.lookup("__file__"))
      return "<module '" + m->name + "' from " + repr(*file) + ">";
    return "<module '" + m->name + "' (built-in)>";
  }
  case Object::Kind::DictView:
    return typeName(v) + "([" + join(toVector(v)) + "])";
  case Object::Kind::Singleton:
    return llvm::cast<SingletonObject>(o)->name;
  case Object::Kind::Super:
    return "<super: <class '" + llvm::cast<SuperObject>(o)->start->name + "'>, <" +
           typeName(llvm::cast<SuperObject>(o)->self) + " object>>";
  default:
    return "<" + typeName(v) + " object at " + addressOf(o) + ">";
  }
}

std::string Interp::str(const Value &v) {
  if (auto *s = v.dyn<StrObject>())
    return s->value;
  if (auto *inst = v.dyn<InstanceObject>()) {
    if (std::optional<std::string> text = userText(*this, v, "__str__"))
      return *text;
    if (inst->exc) {
      auto &args = inst->exc->args.dyn<TupleObject>()->items;
      if (args.empty())
        return "";
      // KeyError shows its key as a repr so that KeyError('') is visible.
      if (args.size() == 1)
        return isInstance(v, excClass(Exc::KeyError)) ? repr(args[0]) : str(args[0]);
      return repr(inst->exc->args);
    }
  }
  return repr(v);
}

std::string Interp::formatValue(const Value &v, llvm::StringRef spec) {
  format::Formatted result;
  if (v.isBool() && spec.empty())
    return str(v);
  if (v.isIntLike())
    result = format::formatInt(v.getInt(), spec);
  else if (v.isFloat())
    result = format::formatFloat(v.getFloat(), spec);
  else if (auto *s = v.dyn<StrObject>())
    result = format::formatStr(s->value, spec);
  else if (std::optional<Value> method = specialMethod(v, "__format__")) {
    Value text = call(*method, std::vector<Value>{makeStr(spec.str())});
    if (!text.is<StrObject>())
      raise(Exc::TypeError, "__format__ must return a str, not " + typeName(text));
    return text.dyn<StrObject>()->value;
  } else if (spec.empty())
    return str(v);
  else
    raise(Exc::TypeError, "unsupported format string passed to " + typeName(v) + ".__format__");
  if (!result.ok)
    raise(Exc::ValueError, result.text);
  return result.text;
}

//===----------------------------------------------------------------------===//
// Truth, hashing, equality
//===----------------------------------------------------------------------===//

bool Interp::truthy(const Value &v) {
  switch (v.getTag()) {
  case Value::Tag::None: return false;
  case Value::Tag::Bool:
  case Value::Tag::Int: return v.getInt() != 0;
  case Value::Tag::Float: return v.getFloat() != 0.0;
  case Value::Tag::Object: break;
  }
  if (v.is<InstanceObject>()) {
    if (std::optional<Value> m = specialMethod(v, "__bool__")) {
      Value r = call(*m, std::vector<Value>{});
      if (!r.isBool())
        raise(Exc::TypeError, "__bool__ should return bool, returned " + typeName(r));
      return r.getBool();
    }
    if (specialMethod(v, "__len__"))
      return length(v) != 0;
    return true;
  }
  switch (v.getObject()->getKind()) {
  case Object::Kind::Str: case Object::Kind::List: case Object::Kind::Tuple:
  case Object::Kind::Dict: case Object::Kind::Set: case Object::Kind::Range:
  case Object::Kind::DictView:
    return length(v) != 0;
  default:
    return true;
  }
}

namespace {
constexpr uint64_t kHashModulus = (uint64_t(1) << 61) - 1;

/// CPython's hash of an int: reduction modulo 2**61 - 1, keeping the sign.
int64_t hashInt(int64_t n) {
  uint64_t mag = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  int64_t h = static_cast<int64_t>(mag % kHashModulus);
  if (n < 0)
    h = -h;
  return h == -1 ? -2 : h;
}

/// CPython's _Py_HashDouble, so that hash(1.0) == hash(1) and dict keys mix.
int64_t hashDouble(double v) {
  if (std::isinf(v))
    return v > 0 ? 314159 : -314159;
  if (std::isnan(v))
    return 0;
  int e;
  double m = std::frexp(v, &e);
  int sign = 1;
  if (m < 0) {
    sign = -1;
    m = -m;
  }
  uint64_t x = 0;
  while (m) {
    x = ((x << 28) & kHashModulus) | x >> (61 - 28);
    m *= 268435456.0;
    e -= 28;
    uint64_t y = static_cast<uint64_t>(m);
    m -= y;
    x += y;
    if (x >= kHashModulus)
      x -= kHashModulus;
  }
  e = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61);
  x = ((x << e) & kHashModulus) | x >> (61 - e);
  int64_t h = static_cast<int64_t>(x) * sign;
  return h == -1 ? -2 : h;
}
} // namespace

int64_t Interp::hash(const Value &v) {
  switch (v.getTag()) {
  case Value::Tag::None: return 0x5f3759df;
  case Value::Tag::Bool:
  case Value::Tag::Int: return hashInt(v.getInt());
  case Value::Tag::Float: return hashDouble(v.getFloat());
  case Value::Tag::Object: break;
  }
  Object *o = v.getObject();
  if (auto *s = llvm::dyn_cast<StrObject>(o)) {
    // CPython randomises str hashes per process, so no script can rely on
    // their values; any good deterministic hash will do.
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s->value)
      h = (h ^ c) * 1099511628211ull;
    int64_t r = static_cast<int64_t>(h >> 1);
    return r == -1 ? -2 : r;
  }
  if (auto *t = llvm::dyn_cast<TupleObject>(o)) {
    // CPython's tuple hash (xxHash-based), so hash((1, 2)) prints the same.
    RecursionGuard guard(*this, "while hashing a tuple");
    uint64_t acc = 2870177450012600261ull;
    for (const Value &item : t->items) {
      uint64_t lane = static_cast<uint64_t>(hash(item));
      acc += lane * 14029467366897019727ull;
      acc = (acc << 31) | (acc >> 33);
      acc *= 11400714785074694791ull;
    }
    acc += t->items.size() ^ (2870177450012600261ull ^ 3527539ull);
    if (acc == static_cast<uint64_t>(-1))
      return 1546275796;
    return static_cast<int64_t>(acc);
  }
  if (auto *inst = llvm::dyn_cast<InstanceObject>(o)) {
    if (Value *h = inst->cls->lookup("__hash__")) {
      if (h->isNone())
        raise(Exc::TypeError, "unhashable type: '" + inst->cls->name + "'");
      Value r = call(getAttr(v, "__hash__"), std::vector<Value>{});
      if (!r.isIntLike())
        raise(Exc::TypeError, "__hash__ method should return an integer");
      return hashInt(r.getInt());
    }
    // A class that defines __eq__ without __hash__ is unhashable in Python.
    if (inst->cls->lookup("__eq__"))
      raise(Exc::TypeError, "unhashable type: '" + inst->cls->name + "'");
  }
  switch (o->getKind()) {
  case Object::Kind::List: case Object::Kind::Dict: case Object::Kind::Set:
  case Object::Kind::Slice: case Object::Kind::DictView:
    raise(Exc::TypeError, "unhashable type: '" + typeName(v) + "'");
  case Object::Kind::Range: {
    auto *r = llvm::cast<RangeObject>(o);
    return hash(makeTuple({Value::integer(r->length()), Value::integer(r->start),
                           Value::integer(r->step)}));
  }
  default:
    return static_cast<int64_t>(reinterpret_cast<uintptr_t>(o) >> 4);
  }
}

/// `a is b`.
static bool identical(const Value &a, const Value &b) {
  if (a.getTag() != b.getTag())
    return false;
  switch (a.getTag()) {
  case Value::Tag::None: return true;
  case Value::Tag::Bool:
  case Value::Tag::Int: return a.getInt() == b.getInt();
  case Value::Tag::Float: return std::memcmp(&a, &b, sizeof(Value)) == 0 ||
                                 a.getFloat() == b.getFloat();
  case Value::Tag::Object: return a.getObject() == b.getObject();
  }
  return false;
}

/// Compares two numbers exactly (int64 vs double included): -1, 0, 1, or 2
/// when unordered (NaN).
static int compareNumbers(const Value &a, const Value &b) {
  if (a.isIntLike() && b.isIntLike())
    return a.getInt() < b.getInt() ? -1 : a.getInt() > b.getInt();
  // long double holds every int64 exactly on the hosts bpc targets.
  long double x = a.isFloat() ? a.getFloat() : static_cast<long double>(a.getInt());
  long double y = b.isFloat() ? b.getFloat() : static_cast<long double>(b.getInt());
  if (std::isnan(x) || std::isnan(y))
    return 2;
  return x < y ? -1 : x > y;
}

/// Equality as `==` computes it for built-in types; nullopt when neither
/// side knows (then identity decides).
static std::optional<bool> builtinEquals(Interp &in, const Value &a, const Value &b) {
  if (a.isNumber() && b.isNumber())
    return compareNumbers(a, b) == 0;
  if (!a.isObject() || !b.isObject())
    return a.isNone() && b.isNone();
  Object *x = a.getObject(), *y = b.getObject();
  if (x->getKind() != y->getKind())
    return false;
  auto seqEq = [&](const std::vector<Value> &p, const std::vector<Value> &q) {
    if (p.size() != q.size())
      return false;
    RecursionGuard guard(in, "in comparison");
    for (size_t i = 0; i < p.size(); ++i)
      if (!in.equals(p[i], q[i]))
        return false;
    return true;
  };
  switch (x->getKind()) {
  case Object::Kind::Str:
    return llvm::cast<StrObject>(x)->value == llvm::cast<StrObject>(y)->value;
  case Object::Kind::List:
    return seqEq(llvm::cast<ListObject>(x)->items, llvm::cast<ListObject>(y)->items);
  case Object::Kind::Tuple:
    return seqEq(llvm::cast<TupleObject>(x)->items, llvm::cast<TupleObject>(y)->items);
  case Object::Kind::Dict: {
    auto &p = llvm::cast<DictObject>(x)->table, &q = llvm::cast<DictObject>(y)->table;
    if (p.size() != q.size())
      return false;
    RecursionGuard guard(in, "in comparison");
    for (const HashTable::Entry &e : p.rawEntries()) {
      if (!e.live)
        continue;
      long pos = q.find(in, e.key);
      if (pos < 0 || !in.equals(e.value, q.rawEntries()[pos].value))
        return false;
    }
    return true;
  }
  case Object::Kind::Set: {
    auto &p = llvm::cast<SetObject>(x)->table, &q = llvm::cast<SetObject>(y)->table;
    if (p.size() != q.size())
      return false;
    for (const SetTable::Entry &e : p.rawEntries())
      if (e.live && q.find(in, e.key) < 0)
        return false;
    return true;
  }
  case Object::Kind::Range: {
    auto *r = llvm::cast<RangeObject>(x), *s = llvm::cast<RangeObject>(y);
    int64_t n = r->length();
    if (n != s->length())
      return false;
    return n == 0 || (r->start == s->start && (n == 1 || r->step == s->step));
  }
  case Object::Kind::Slice: {
    auto *r = llvm::cast<SliceObject>(x), *s = llvm::cast<SliceObject>(y);
    return in.equals(r->start, s->start) && in.equals(r->stop, s->stop) &&
           in.equals(r->step, s->step);
  }
  case Object::Kind::BoundMethod: {
    auto *r = llvm::cast<BoundMethodObject>(x), *s = llvm::cast<BoundMethodObject>(y);
    return identical(r->self, s->self) && identical(r->func, s->func);
  }
  default:
    return std::nullopt;
  }
}

/// `a == b` with user __eq__ (and the reflected one) taken into account.
static Value richEquals(Interp &in, const Value &a, const Value &b) {
  for (int side = 0; side < 2; ++side) {
    const Value &self = side ? b : a, &other = side ? a : b;
    if (self.is<InstanceObject>())
      if (std::optional<Value> m = in.specialMethod(self, "__eq__")) {
        Value r = in.call(*m, std::vector<Value>{other});
        if (!identical(r, in.notImplemented))
          return r;
      }
  }
  std::optional<bool> eq = builtinEquals(in, a, b);
  return Value::boolean(eq ? *eq : identical(a, b));
}

bool Interp::equals(const Value &a, const Value &b) {
  // Containers compare elements with identity first, as CPython does
  // (so [nan] == [nan] when it is the same nan object).
  if (a.isObject() && identical(a, b))
    return true;
  return truthy(richEquals(*this, a, b));
}

//===----------------------------------------------------------------------===//
// Comparisons
//===----------------------------------------------------------------------===//

static const char *cmpDunder(CmpOpKind op, bool reflected) {
  switch (op) {
  case CmpOpKind::Lt: return reflected ? "__gt__" : "__lt__";
  case CmpOpKind::LtE: return reflected ? "__ge__" : "__le__";
  case CmpOpKind::Gt: return reflected ? "__lt__" : "__gt__";
  case CmpOpKind::GtE: return reflected ? "__le__" : "__ge__";
  default: return "__eq__";
  }
}

static bool orderResult(CmpOpKind op, int c) {
  switch (op) {
  case CmpOpKind::Lt: return c < 0;
  case CmpOpKind::LtE: return c <= 0;
  case CmpOpKind::Gt: return c > 0;
  case CmpOpKind::GtE: return c >= 0;
  default: return false;
  }
}

Value Interp::compare(CmpOpKind op, const Value &a, const Value &b) {
  switch (op) {
  case CmpOpKind::Eq:
    return richEquals(*this, a, b);
  case CmpOpKind::NotEq: {
    if (a.is<InstanceObject>())
      if (std::optional<Value> m = specialMethod(a, "__ne__")) {
        Value r = call(*m, std::vector<Value>{b});
        if (!identical(r, notImplemented))
          return r;
      }
    return Value::boolean(!truthy(richEquals(*this, a, b)));
  }
  case CmpOpKind::Is:
    return Value::boolean(identical(a, b));
  case CmpOpKind::IsNot:
    return Value::boolean(!identical(a, b));
  case CmpOpKind::In:
    return Value::boolean(contains(b, a));
  case CmpOpKind::NotIn:
    return Value::boolean(!contains(b, a));
  default:
    break;
  }
  if (a.isNumber() && b.isNumber()) {
    int c = compareNumbers(a, b);
    return Value::boolean(c != 2 && orderResult(op, c));
  }
  auto *sa = a.dyn<StrObject>(), *sb = b.dyn<StrObject>();
  if (sa && sb)
    return Value::boolean(orderResult(op, sa->value.compare(sb->value)));
  // Sequences compare lexicographically: the first unequal pair decides.
  const std::vector<Value> *pa = nullptr, *pb = nullptr;
  if (a.is<ListObject>() && b.is<ListObject>()) {
    pa = &a.dyn<ListObject>()->items;
    pb = &b.dyn<ListObject>()->items;
  } else if (a.is<TupleObject>() && b.is<TupleObject>()) {
    pa = &a.dyn<TupleObject>()->items;
    pb = &b.dyn<TupleObject>()->items;
  }
  if (pa) {
    RecursionGuard guard(*this, "in comparison");
    size_t n = std::min(pa->size(), pb->size());
    for (size_t i = 0; i < n; ++i)
      if (!equals((*pa)[i], (*pb)[i]))
        return compare(op, (*pa)[i], (*pb)[i]);
    return Value::boolean(orderResult(op, pa->size() < pb->size() ? -1 : pa->size() > pb->size()));
  }
  if (a.is<SetObject>() && b.is<SetObject>()) {
    auto &p = a.dyn<SetObject>()->table, &q = b.dyn<SetObject>()->table;
    auto subset = [&](SetTable &x, SetTable &y) {
      for (const SetTable::Entry &e : x.rawEntries())
        if (e.live && y.find(*this, e.key) < 0)
          return false;
      return true;
    };
    switch (op) {
    case CmpOpKind::LtE: return Value::boolean(subset(p, q));
    case CmpOpKind::Lt: return Value::boolean(p.size() < q.size() && subset(p, q));
    case CmpOpKind::GtE: return Value::boolean(subset(q, p));
    default: return Value::boolean(q.size() < p.size() && subset(q, p));
    }
  }
  for (int side = 0; side < 2; ++side) {
    const Value &self = side ? b : a, &other = side ? a : b;
    if (self.is<InstanceObject>())
      if (std::optional<Value> m = specialMethod(self, cmpDunder(op, side))) {
        Value r = call(*m, std::vector<Value>{other});
        if (!identical(r, notImplemented))
          return r;
      }
  }
  raise(Exc::TypeError, llvm::Twine("'") + ast::spelling(op) +
                            "' not supported between instances of '" + typeName(a) +
                            "' and '" + typeName(b) + "'");
}

bool Interp::lessThan(const Value &a, const Value &b) {
  return truthy(compare(CmpOpKind::Lt, a, b));
}

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

namespace {
const char *binDunder(BinOpKind op) {
  switch (op) {
  case BinOpKind::Add: return "add";
  case BinOpKind::Sub: return "sub";
  case BinOpKind::Mult: return "mul";
  case BinOpKind::MatMult: return "matmul";
  case BinOpKind::Div: return "truediv";
  case BinOpKind::FloorDiv: return "floordiv";
  case BinOpKind::Mod: return "mod";
  case BinOpKind::Pow: return "pow";
  case BinOpKind::LShift: return "lshift";
  case BinOpKind::RShift: return "rshift";
  case BinOpKind::BitOr: return "or";
  case BinOpKind::BitXor: return "xor";
  case BinOpKind::BitAnd: return "and";
  }
  return "add";
}

/// CPython's float floor division and modulo (float_divmod).
std::pair<double, double> floatDivmod(double vx, double wx) {
  double mod = std::fmod(vx, wx);
  double div = (vx - mod) / wx;
  if (mod) {
    if ((wx < 0) != (mod < 0)) {
      mod += wx;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, wx);
  }
  double floordiv;
  if (div) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5)
      floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, vx / wx);
  }
  return {floordiv, mod};
}
} // namespace

/// Raises bpc's OverflowError for an int result that does not fit in 64 bits.
[[noreturn]] static void intOverflow(Interp &in, int64_t a, const char *op, int64_t b) {
  // bpc ints are 64-bit (they trace to i64), unlike Python's unbounded ints.
  in.raise(Exc::OverflowError, llvm::Twine("integer overflow in ") + llvm::Twine(a) + " " + op +
                                   " " + llvm::Twine(b) +
                                   ": bpc ints are 64-bit, unlike Python's unbounded ints");
}

static Value intPow(Interp &in, int64_t base, int64_t exp) {
  if (exp < 0) {
    if (base == 0)
      in.raise(Exc::ZeroDivisionError, "0.0 cannot be raised to a negative power");
    return Value::real(std::pow(static_cast<double>(base), static_cast<double>(exp)));
  }
  int64_t result = 1, b = base, e = exp;
  while (e) {
    if (e & 1)
      if (__builtin_mul_overflow(result, b, &result))
        intOverflow(in, base, "**", exp);
    e >>= 1;
    if (e && __builtin_mul_overflow(b, b, &b))
      intOverflow(in, base, "**", exp);
  }
  return Value::integer(result);
}

static Value floatPow(Interp &in, double x, double y) {
  if (x == 0 && y < 0)
    in.raise(Exc::ZeroDivisionError, "0.0 cannot be raised to a negative power");
  if (x < 0 && std::isfinite(y) && y != std::floor(y))
    in.raise(Exc::ValueError, "the result of a negative number raised to a fractional power "
                              "is complex, and bpc has no complex numbers");
  double r = std::pow(x, y);
  if (std::isinf(r) && std::isfinite(x) && std::isfinite(y))
    in.raise(Exc::OverflowError, "(34, 'Numerical result out of range')");
  return Value::real(r);
}

/// int op int, or nullopt for operators ints do not define here.
static Value intArith(Interp &in, BinOpKind op, int64_t a, int64_t b) {
  int64_t r;
  switch (op) {
  case BinOpKind::Add:
    if (__builtin_add_overflow(a, b, &r))
      intOverflow(in, a, "+", b);
    return Value::integer(r);
  case BinOpKind::Sub:
    if (__builtin_sub_overflow(a, b, &r))
      intOverflow(in, a, "-", b);
    return Value::integer(r);
  case BinOpKind::Mult:
    if (__builtin_mul_overflow(a, b, &r))
      intOverflow(in, a, "*", b);
    return Value::integer(r);
  case BinOpKind::Div:
    if (b == 0)
      in.raise(Exc::ZeroDivisionError, "division by zero");
    return Value::real(static_cast<double>(a) / static_cast<double>(b));
  case BinOpKind::FloorDiv:
  case BinOpKind::Mod: {
    if (b == 0)
      in.raise(Exc::ZeroDivisionError, op == BinOpKind::Mod ? "integer modulo by zero"
                                                            : "integer division or modulo by zero");
    if (a == INT64_MIN && b == -1) {
      if (op == BinOpKind::Mod)
        return Value::integer(0);
      intOverflow(in, a, "//", b);
    }
    int64_t q = a / b, m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) {
      --q;
      m += b;
    }
    return Value::integer(op == BinOpKind::Mod ? m : q);
  }
  case BinOpKind::Pow:
    return intPow(in, a, b);
  case BinOpKind::LShift:
    if (b < 0)
      in.raise(Exc::ValueError, "negative shift count");
    if (a == 0)
      return Value::integer(0);
    if (b >= 63 || (a << b) >> b != a)
      intOverflow(in, a, "<<", b);
    return Value::integer(a << b);
  case BinOpKind::RShift:
    if (b < 0)
      in.raise(Exc::ValueError, "negative shift count");
    return Value::integer(b >= 63 ? (a < 0 ? -1 : 0) : a >> b);
  case BinOpKind::BitOr: return Value::integer(a | b);
  case BinOpKind::BitXor: return Value::integer(a ^ b);
  case BinOpKind::BitAnd: return Value::integer(a & b);
  case BinOpKind::MatMult: break;
  }
  return Value(in.notImplemented);
}

static Value floatArith(Interp &in, BinOpKind op, double a, double b) {
  switch (op) {
  case BinOpKind::Add: return Value::real(a + b);
  case BinOpKind::Sub: return Value::real(a - b);
  case BinOpKind::Mult: return Value::real(a * b);
  case BinOpKind::Div:
    if (b == 0)
      in.raise(Exc::ZeroDivisionError, "float division by zero");
    return Value::real(a / b);
  case BinOpKind::FloorDiv:
    if (b == 0)
      in.raise(Exc::ZeroDivisionError, "float floor division by zero");
    return Value::real(floatDivmod(a, b).first);
  case BinOpKind::Mod:
    if (b == 0)
      in.raise(Exc::ZeroDivisionError, "float modulo");
    return Value::real(floatDivmod(a, b).second);
  case BinOpKind::Pow:
    return floatPow(in, a, b);
  default:
    return in.notImplemented;
  }
}

/// Repeats a sequence `n` times (str * int, list * int).
template <typename Seq> static Seq repeatSeq(Interp &in, const Seq &s, int64_t n) {
  Seq out;
  if (n <= 0 || s.empty())
    return out;
  if (static_cast<uint64_t>(n) > (uint64_t(1) << 31) / s.size())
    in.raise(Exc::OverflowError, "repeated sequence is too long");
  out.reserve(s.size() * n);
  for (int64_t i = 0; i < n; ++i)
    out.insert(out.end(), s.begin(), s.end());
  return out;
}

/// Built-in behaviour of `a op b`, or NotImplemented.
static Value builtinBinary(Interp &in, BinOpKind op, const Value &a, const Value &b, bool inPlace) {
  if (a.isIntLike() && b.isIntLike()) {
    if (a.isBool() && b.isBool() &&
        (op == BinOpKind::BitAnd || op == BinOpKind::BitOr || op == BinOpKind::BitXor))
      return Value::boolean(intArith(in, op, a.getInt(), b.getInt()).getInt());
    return intArith(in, op, a.getInt(), b.getInt());
  }
  if (a.isNumber() && b.isNumber())
    return floatArith(in, op, a.toDouble(), b.toDouble());
  auto *sa = a.dyn<StrObject>();
  if (sa && op == BinOpKind::Add)
    if (auto *sb = b.dyn<StrObject>())
      return makeStr(sa->value + sb->value);
  if (sa && op == BinOpKind::Mod)
    return makeStr(in.percentFormat(sa->value, b));
  if (op == BinOpKind::Mult) {
    const Value &seq = a.isIntLike() ? b : a, &count = a.isIntLike() ? a : b;
    if (count.isIntLike()) {
      int64_t n = count.getInt();
      if (auto *s = seq.dyn<StrObject>())
        return makeStr(repeatSeq(in, s->value, n));
      if (auto *l = seq.dyn<ListObject>()) {
        if (inPlace && &seq == &a) {
          l->items = repeatSeq(in, l->items, n);
          return a;
        }
        return makeList(repeatSeq(in, l->items, n));
      }
      if (auto *t = seq.dyn<TupleObject>())
        return makeTuple(repeatSeq(in, t->items, n));
    }
  }
  if (op == BinOpKind::Add) {
    if (auto *la = a.dyn<ListObject>()) {
      if (auto *lb = b.dyn<ListObject>()) {
        if (inPlace) {
          std::vector<Value> extra = lb->items; // b may be a itself
          la->items.insert(la->items.end(), extra.begin(), extra.end());
          return a;
        }
        std::vector<Value> items = la->items;
        items.insert(items.end(), lb->items.begin(), lb->items.end());
        return makeList(std::move(items));
      }
      if (inPlace) { // list += iterable
        std::vector<Value> extra = in.toVector(b);
        la->items.insert(la->items.end(), extra.begin(), extra.end());
        return a;
      }
    }
    if (auto *ta = a.dyn<TupleObject>())
      if (auto *tb = b.dyn<TupleObject>()) {
        std::vector<Value> items = ta->items;
        items.insert(items.end(), tb->items.begin(), tb->items.end());
        return makeTuple(std::move(items));
      }
  }
  auto *xa = a.dyn<SetObject>(), *xb = b.dyn<SetObject>();
  if (xa && xb && (op == BinOpKind::BitOr || op == BinOpKind::BitAnd ||
                   op == BinOpKind::Sub || op == BinOpKind::BitXor)) {
    if (!inPlace)
      return setOperation(in, op, *xa, *xb);
    setOperationInPlace(in, op, *xa, *xb);
    return a;
  }
  if (op == BinOpKind::BitOr)
    if (auto *da = a.dyn<DictObject>())
      if (auto *db = b.dyn<DictObject>()) {
        auto *result = inPlace ? da : new DictObject();
        Value keep(result);
        if (!inPlace)
          result->table = da->table;
        for (const HashTable::Entry &e : db->table.rawEntries())
          if (e.live)
            result->table.insert(in, e.key, e.value);
        return keep;
      }
  return in.notImplemented;
}

Value Interp::binaryOp(BinOpKind op, const Value &a, const Value &b, bool inPlace) {
  // Fast path for the scalar arithmetic that dominates simulation loops.
  if (a.isNumber() && b.isNumber())
    return builtinBinary(*this, op, a, b, inPlace);
  std::string name = binDunder(op);
  if (inPlace && (a.is<ListObject>() || a.is<DictObject>() || a.is<SetObject>()))
    needsUnrollInTrial(); // `xs += [...]` changes the list in place
  if (a.is<InstanceObject>()) {
    if (inPlace)
      if (std::optional<Value> m = specialMethod(a, "__i" + name + "__")) {
        Value r = call(*m, std::vector<Value>{b});
        if (!identical(r, notImplemented))
          return r;
      }
    if (std::optional<Value> m = specialMethod(a, "__" + name + "__")) {
      Value r = call(*m, std::vector<Value>{b});
      if (!identical(r, notImplemented))
        return r;
    }
  }
  Value r = builtinBinary(*this, op, a, b, inPlace);
  if (!identical(r, notImplemented))
    return r;
  if (b.is<InstanceObject>())
    if (std::optional<Value> m = specialMethod(b, "__r" + name + "__")) {
      Value r = call(*m, std::vector<Value>{a});
      if (!identical(r, notImplemented))
        return r;
    }
  // CPython's special wording for sequences.
  const char *sym = ast::spelling(op);
  if (op == BinOpKind::Add && (a.is<StrObject>() || a.is<ListObject>() || a.is<TupleObject>()))
    raise(Exc::TypeError, "can only concatenate " + typeName(a) + " (not \"" + typeName(b) +
                              "\") to " + typeName(a));
  if (op == BinOpKind::Mult && (a.is<StrObject>() || a.is<ListObject>() || a.is<TupleObject>() ||
                                b.is<StrObject>() || b.is<ListObject>() || b.is<TupleObject>())) {
    const Value &other = (a.is<StrObject>() || a.is<ListObject>() || a.is<TupleObject>()) ? b : a;
    raise(Exc::TypeError, "can't multiply sequence by non-int of type '" + typeName(other) + "'");
  }
  raise(Exc::TypeError, llvm::Twine("unsupported operand type(s) for ") + sym +
                            (inPlace ? "=" : "") + ": '" + typeName(a) + "' and '" +
                            typeName(b) + "'");
}

Value Interp::unaryOp(ast::UnaryOpKind op, const Value &v) {
  using ast::UnaryOpKind;
  if (op == UnaryOpKind::Not)
    return Value::boolean(!truthy(v));
  if (v.isIntLike()) {
    int64_t n = v.getInt();
    switch (op) {
    case UnaryOpKind::USub:
      if (n == INT64_MIN)
        raise(Exc::OverflowError, "integer overflow in -(" + llvm::Twine(n) +
                                      "): bpc ints are 64-bit, unlike Python's unbounded ints");
      return Value::integer(-n);
    case UnaryOpKind::UAdd: return Value::integer(n);
    default: return Value::integer(~n);
    }
  }
  if (v.isFloat() && op != UnaryOpKind::Invert)
    return Value::real(op == UnaryOpKind::USub ? -v.getFloat() : v.getFloat());
  const char *dunder = op == UnaryOpKind::USub ? "__neg__" : op == UnaryOpKind::UAdd ? "__pos__" : "__invert__";
  if (std::optional<Value> m = specialMethod(v, dunder))
    return call(*m, std::vector<Value>{});
  raise(Exc::TypeError, llvm::Twine("bad operand type for unary ") + ast::spelling(op) + ": '" +
                            typeName(v) + "'");
}
