//===- Expressions.cpp - Evaluation of expressions ------------------------===//
//
// Each evaluated expression records itself in the traceback of an exception
// passing through it (once per frame, innermost first), which is how an
// uncaught error ends up pointing at the exact sub-expression that raised.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/ArrayOps.h"
#include "bpc/Tracer/Interp.h"

using namespace bpc;
using namespace bpc::tracer;
using namespace bpc::ast;

namespace {

/// Evaluates the elements of a display, expanding `*x`.
std::vector<Value> evalElements(Interp &in, const ExprList &elts) {
  std::vector<Value> items;
  items.reserve(elts.size());
  for (const ExprPtr &e : elts) {
    if (auto *star = llvm::dyn_cast<StarredExpr>(e.get())) {
      std::vector<Value> more = in.toVector(in.eval(*star->value));
      items.insert(items.end(), more.begin(), more.end());
    } else {
      items.push_back(in.eval(*e));
    }
  }
  return items;
}

Value evalConstant(Interp &in, const ConstantExpr &c) {
  switch (c.type) {
  case ConstantExpr::Type::None: return Value();
  case ConstantExpr::Type::Bool: return Value::boolean(c.boolValue);
  case ConstantExpr::Type::Int:
    if (!c.intFits)
      in.raise(Exc::OverflowError, "integer literal " + c.text +
                                       " is too large: bpc ints are 64-bit, unlike Python's");
    return Value::integer(c.intValue);
  case ConstantExpr::Type::Float: return Value::real(c.floatValue);
  case ConstantExpr::Type::Str: return makeStr(c.text);
  case ConstantExpr::Type::Imag:
    in.raise(Exc::NotImplementedError, "complex numbers are not supported");
  case ConstantExpr::Type::Bytes:
    in.raise(Exc::NotImplementedError, "bytes literals are not supported yet");
  case ConstantExpr::Type::Ellipsis: return in.ellipsis;
  }
  return Value();
}

std::string evalJoinedStr(Interp &in, const JoinedStrExpr &j) {
  std::string out;
  for (const ExprPtr &part : j.values) {
    if (auto *c = llvm::dyn_cast<ConstantExpr>(part.get())) {
      out += c->text;
      continue;
    }
    auto *f = llvm::dyn_cast<FormattedValueExpr>(part.get());
    if (!f) {
      out += in.str(in.eval(*part));
      continue;
    }
    Value v = in.eval(*f->value);
    if (f->conversion == 'r' || f->conversion == 'a')
      v = makeStr(in.repr(v));
    else if (f->conversion == 's')
      v = makeStr(in.str(v));
    std::string spec;
    if (f->formatSpec)
      spec = llvm::isa<JoinedStrExpr>(*f->formatSpec)
                 ? evalJoinedStr(in, llvm::cast<JoinedStrExpr>(*f->formatSpec))
                 : in.str(in.eval(*f->formatSpec));
    try {
      out += in.formatValue(v, spec);
    } catch (PyException &e) {
      in.annotate(e, f->value->getLoc());
      throw;
    }
  }
  return out;
}

Value evalDict(Interp &in, const DictExpr &d) {
  auto *dict = new DictObject();
  Value result(dict);
  for (size_t i = 0; i < d.keys.size(); ++i) {
    if (!d.keys[i]) {
      Value other = in.eval(*d.values[i]);
      auto *src = other.dyn<DictObject>();
      if (!src)
        in.raise(Exc::TypeError, "'" + in.typeName(other) + "' object is not a mapping");
      for (const HashTable::Entry &e : src->table.rawEntries())
        if (e.live)
          dict->table.insert(in, e.key, e.value);
      continue;
    }
    Value key = in.eval(*d.keys[i]);
    dict->table.insert(in, key, in.eval(*d.values[i]));
  }
  return result;
}

/// Comprehensions run in their own scope and frame, as in CPython 3.11;
/// generator expressions are evaluated eagerly into a one-shot iterator.
Value evalComprehension(Interp &in, const ComprehensionExpr &c) {
  const ScopeInfo &info = in.comprehensionInfo(c);
  Value firstIter = in.eval(*c.generators.front().iter);
  ScopeRef parent = in.frames.back().scope;
  while (parent->kind == Scope::Kind::Class)
    parent = parent->parent;
  const char *name = c.getKind() == Expr::Kind::ListComp  ? "<listcomp>"
                     : c.getKind() == Expr::Kind::SetComp ? "<setcomp>"
                     : c.getKind() == Expr::Kind::DictComp ? "<dictcomp>"
                                                           : "<genexpr>";
  Interp::Frame frame;
  frame.name = name;
  frame.scope = ScopeRef(new Scope(Scope::Kind::Function, &info, parent));
  frame.qualPrefix = in.frames.back().qualPrefix + name + ".<locals>.";
  if (in.frames.size() >= in.recursionLimit)
    in.raise(Exc::RecursionError, "maximum recursion depth exceeded");
  in.frames.push_back(std::move(frame));
  struct Pop {
    Interp &in;
    ~Pop() { in.frames.pop_back(); }
  } pop{in};

  std::vector<Value> items;
  auto *dict = c.getKind() == Expr::Kind::DictComp ? new DictObject() : nullptr;
  auto *set = c.getKind() == Expr::Kind::SetComp ? new SetObject() : nullptr;
  Value keep = dict ? Value(dict) : set ? Value(set) : Value();
  std::function<void(size_t, const Value &)> loop = [&](size_t level, const Value &iterable) {
    const Comprehension &gen = c.generators[level];
    in.forEach(iterable, [&](const Value &v) {
      in.assign(*gen.target, v);
      for (const ExprPtr &cond : gen.ifs)
        if (!in.truthy(in.eval(*cond)))
          return true;
      if (level + 1 < c.generators.size()) {
        loop(level + 1, in.eval(*c.generators[level + 1].iter));
      } else if (dict) {
        Value key = in.eval(*c.key);
        dict->table.insert(in, key, in.eval(*c.value));
      } else if (set) {
        set->table.insert(in, in.eval(*c.elt), Value());
      } else {
        items.push_back(in.eval(*c.elt));
      }
      return true;
    });
  };
  loop(0, firstIter);
  if (dict || set)
    return keep;
  if (c.getKind() == Expr::Kind::GeneratorExp)
    return Value(new IteratorObject("generator", makeList(std::move(items))));
  return makeList(std::move(items));
}

Value evalLambda(Interp &in, const LambdaExpr &l) {
  auto *fn = new FunctionObject();
  Value result(fn);
  fn->name = "<lambda>";
  fn->qualname = in.frames.back().qualPrefix + "<lambda>";
  fn->params = &l.params;
  fn->lambdaBody = l.body.get();
  fn->info = &in.functionInfo(&l, l.params, nullptr, l.body.get());
  ScopeRef closure = in.frames.back().scope;
  while (closure->kind == Scope::Kind::Class)
    closure = closure->parent;
  fn->closure = closure;
  for (const Param &p : l.params)
    fn->defaults.push_back(p.defaultValue ? std::optional<Value>(in.eval(*p.defaultValue))
                                          : std::nullopt);
  return result;
}

Value evalImpl(Interp &in, const Expr &e) {
  switch (e.getKind()) {
  case Expr::Kind::Name:
    return in.loadName(llvm::cast<NameExpr>(e).id, e.getLoc());
  case Expr::Kind::Constant:
    return evalConstant(in, llvm::cast<ConstantExpr>(e));
  case Expr::Kind::JoinedStr:
    return makeStr(evalJoinedStr(in, llvm::cast<JoinedStrExpr>(e)));
  case Expr::Kind::FormattedValue: {
    auto &f = llvm::cast<FormattedValueExpr>(e);
    return makeStr(in.formatValue(in.eval(*f.value), ""));
  }
  case Expr::Kind::UnaryOp: {
    auto &u = llvm::cast<UnaryOpExpr>(e);
    Value operand = in.eval(*u.operand);
    if (u.op == ast::UnaryOpKind::Not)
      if (std::optional<Value> c = tracedTruth(in, *u.operand, operand, "not"))
        return in.arrayRuntime().applyOp("not", {*c}, ops::unary(ops::Unary::Not));
    return in.unaryOp(u.op, operand);
  }
  case Expr::Kind::BinOp: {
    auto &b = llvm::cast<BinOpExpr>(e);
    Value lhs = in.eval(*b.lhs);
    Value rhs = in.eval(*b.rhs);
    return in.binaryOp(b.op, lhs, rhs);
  }
  case Expr::Kind::BoolOp: {
    auto &b = llvm::cast<BoolOpExpr>(e);
    Value v;
    for (size_t k = 0; k < b.values.size(); ++k) {
      v = in.eval(*b.values[k]);
      if (std::optional<Value> c = tracedTruth(in, *b.values[k], v, "and/or")) {
        // A traced operand decides nothing while tracing: the rest is
        // evaluated too and chosen with where (`a and b` = b if a else a).
        for (++k; k < b.values.size(); ++k) {
          Value w = in.eval(*b.values[k]);
          bool isOr = b.op == BoolOpKind::Or;
          v = in.arrayRuntime().applyOp(isOr ? "or" : "and", {*c, isOr ? v : w, isOr ? w : v},
                                        ops::where());
          if (k + 1 < b.values.size())
            c = tracedTruth(in, *b.values[k], v, "and/or");
        }
        return v;
      }
      if (in.truthy(v) == (b.op == BoolOpKind::Or))
        return v;
    }
    return v;
  }
  case Expr::Kind::Compare: {
    auto &c = llvm::cast<CompareExpr>(e);
    Value left = in.eval(*c.left);
    if (c.ops.size() == 1)
      return in.compare(c.ops[0], left, in.eval(*c.comparators[0]));
    // A chain `a < b < c` is `a < b and b < c`: once a link is traced, the
    // rest are evaluated and combined with `&`.
    std::optional<Value> traced; // the conjunction so far, once traced
    for (size_t i = 0; i < c.ops.size(); ++i) {
      Value right = in.eval(*c.comparators[i]);
      Value r = in.compare(c.ops[i], left, right);
      if (!traced)
        traced = tracedTruth(in, e, r, "comparison");
      else if (std::optional<Value> t = tracedTruth(in, e, r, "comparison"))
        traced = in.arrayRuntime().applyOp("and", {*traced, *t},
                                           ops::binary(ast::BinOpKind::BitAnd));
      if (traced) {
        if (i + 1 == c.ops.size())
          return *traced;
        left = std::move(right);
        continue;
      }
      if (i + 1 == c.ops.size() || !in.truthy(r))
        return r;
      left = std::move(right);
    }
    return Value::boolean(true);
  }
  case Expr::Kind::IfExp: {
    auto &i = llvm::cast<IfExpExpr>(e);
    Value test = in.eval(*i.test);
    if (std::optional<Value> c = tracedTruth(in, *i.test, test, "conditional expression")) {
      // Both sides are traced and one is selected at run time.
      Value a = in.eval(*i.body), b = in.eval(*i.orelse);
      return in.arrayRuntime().applyOp("where", {*c, a, b}, ops::where());
    }
    return in.eval(in.truthy(test) ? *i.body : *i.orelse);
  }
  case Expr::Kind::Lambda:
    return evalLambda(in, llvm::cast<LambdaExpr>(e));
  case Expr::Kind::Call: {
    auto &c = llvm::cast<CallExpr>(e);
    Value callee = in.eval(*c.func);
    CallArgs args = in.evalArgs(c);
    return in.call(callee, args);
  }
  case Expr::Kind::Attribute: {
    auto &a = llvm::cast<AttributeExpr>(e);
    return in.getAttr(in.eval(*a.value), a.attr);
  }
  case Expr::Kind::Subscript: {
    auto &s = llvm::cast<SubscriptExpr>(e);
    Value obj = in.eval(*s.value);
    return in.getItem(obj, in.eval(*s.slice));
  }
  case Expr::Kind::Slice: {
    auto &s = llvm::cast<SliceExpr>(e);
    Value lower = s.lower ? in.eval(*s.lower) : Value();
    Value upper = s.upper ? in.eval(*s.upper) : Value();
    Value step = s.step ? in.eval(*s.step) : Value();
    return Value(new SliceObject(lower, upper, step));
  }
  case Expr::Kind::Starred:
    in.raise(Exc::NotImplementedError, "a starred expression can only be used in a call, a "
                                       "display or an assignment target");
  case Expr::Kind::Tuple:
    return makeTuple(evalElements(in, llvm::cast<TupleExpr>(e).elts));
  case Expr::Kind::List:
    return makeList(evalElements(in, llvm::cast<ListExpr>(e).elts));
  case Expr::Kind::Set: {
    auto *set = new SetObject();
    Value result(set);
    for (const Value &v : evalElements(in, llvm::cast<SetExpr>(e).elts))
      set->table.insert(in, v, Value());
    return result;
  }
  case Expr::Kind::Dict:
    return evalDict(in, llvm::cast<DictExpr>(e));
  case Expr::Kind::ListComp:
  case Expr::Kind::SetComp:
  case Expr::Kind::DictComp:
  case Expr::Kind::GeneratorExp:
    return evalComprehension(in, llvm::cast<ComprehensionExpr>(e));
  case Expr::Kind::Yield:
  case Expr::Kind::YieldFrom:
    in.raise(Exc::NotImplementedError, "generators (`yield`) are not supported yet");
  case Expr::Kind::NamedExpr: {
    auto &n = llvm::cast<NamedExprExpr>(e);
    Value v = in.eval(*n.value);
    in.assign(*n.target, v);
    return v;
  }
  }
  return Value();
}

} // namespace

Value Interp::eval(const Expr &e) {
  ast::Loc outer = currentLoc;
  currentLoc = e.getLoc();
  try {
    Value v = evalImpl(*this, e);
    currentLoc = outer;
    return v;
  } catch (PyException &ex) {
    currentLoc = outer;
    annotate(ex, e.getLoc());
    throw;
  }
}

CallArgs Interp::evalArgs(const CallExpr &call) {
  CallArgs args;
  for (const ExprPtr &a : call.args) {
    if (auto *star = llvm::dyn_cast<StarredExpr>(a.get())) {
      for (Value &v : toVector(eval(*star->value)))
        args.positional.push_back(std::move(v));
    } else {
      args.positional.push_back(eval(*a));
    }
  }
  auto addKeyword = [&](std::string name, Value v) {
    for (auto &kw : args.keywords)
      if (kw.first == name)
        raise(Exc::TypeError, callableName(eval(*call.func)) +
                                  "() got multiple values for keyword argument '" + name + "'");
    args.keywords.emplace_back(std::move(name), std::move(v));
  };
  for (const Keyword &k : call.keywords) {
    if (!k.name.empty()) {
      addKeyword(k.name, eval(*k.value));
      continue;
    }
    Value mapping = eval(*k.value);
    auto *d = mapping.dyn<DictObject>();
    if (!d)
      raise(Exc::TypeError, "argument after ** must be a mapping, not " + typeName(mapping));
    for (const HashTable::Entry &e : d->table.rawEntries()) {
      if (!e.live)
        continue;
      auto *key = e.key.dyn<StrObject>();
      if (!key)
        raise(Exc::TypeError, "keywords must be strings");
      addKeyword(key->value, e.value);
    }
  }
  return args;
}
