//===- Objects.cpp - Containers: length, items, membership, iteration -----===//

#include "bpc/Tracer/Format.h"
#include "bpc/Tracer/Interp.h"

using namespace bpc;
using namespace bpc::tracer;

int64_t Interp::toIndex(const Value &v, llvm::StringRef what) {
  if (v.isIntLike())
    return v.getInt();
  if (std::optional<Value> m = specialMethod(v, "__index__")) {
    Value r = call(*m, std::vector<Value>{});
    if (r.isIntLike())
      return r.getInt();
  }
  raise(Exc::TypeError, what);
}

int64_t Interp::length(const Value &v) {
  if (auto *o = v.getObject()) {
    switch (o->getKind()) {
    case Object::Kind::Str: return format::codePointCount(llvm::cast<StrObject>(o)->value);
    case Object::Kind::List: return llvm::cast<ListObject>(o)->items.size();
    case Object::Kind::Tuple: return llvm::cast<TupleObject>(o)->items.size();
    case Object::Kind::Dict: return llvm::cast<DictObject>(o)->table.size();
    case Object::Kind::Set: return llvm::cast<SetObject>(o)->table.size();
    case Object::Kind::Range: return llvm::cast<RangeObject>(o)->length();
    case Object::Kind::DictView: return llvm::cast<DictViewObject>(o)->dict->table.size();
    case Object::Kind::Instance:
      if (std::optional<Value> m = specialMethod(v, "__len__")) {
        Value r = call(*m, std::vector<Value>{});
        if (!r.isIntLike())
          raise(Exc::TypeError, "'" + typeName(r) + "' object cannot be interpreted as an integer");
        if (r.getInt() < 0)
          raise(Exc::ValueError, "__len__() should return >= 0");
        return r.getInt();
      }
      break;
    default:
      break;
    }
  }
  raise(Exc::TypeError, "object of type '" + typeName(v) + "' has no len()");
}

namespace {
/// A slice resolved against a sequence length (PySlice_AdjustIndices).
struct SliceBounds {
  int64_t start, stop, step, count;
};

SliceBounds resolveSlice(Interp &in, const SliceObject &s, int64_t len) {
  const char *msg = "slice indices must be integers or None or have an __index__ method";
  int64_t step = s.step.isNone() ? 1 : in.toIndex(s.step, msg);
  if (step == 0)
    in.raise(Exc::ValueError, "slice step cannot be zero");
  auto clamp = [&](const Value &v, int64_t dflt) {
    if (v.isNone())
      return dflt;
    int64_t i = in.toIndex(v, msg);
    if (i < 0) {
      i += len;
      if (i < 0)
        i = step < 0 ? -1 : 0;
    } else if (i >= len) {
      i = step < 0 ? len - 1 : len;
    }
    return i;
  };
  int64_t start = clamp(s.start, step < 0 ? len - 1 : 0);
  int64_t stop = clamp(s.stop, step < 0 ? -1 : len);
  int64_t count = 0;
  if (step < 0 ? stop < start : start < stop)
    count = step < 0 ? (start - stop - 1) / (-step) + 1 : (stop - start - 1) / step + 1;
  return {start, stop, step, count};
}

template <typename T>
std::vector<T> sliceVector(const std::vector<T> &items, const SliceBounds &b) {
  std::vector<T> out;
  out.reserve(b.count);
  for (int64_t i = 0, k = b.start; i < b.count; ++i, k += b.step)
    out.push_back(items[k]);
  return out;
}

/// Resolves a (possibly negative) index into [0, len) or raises IndexError.
int64_t checkIndex(Interp &in, const Value &index, int64_t len, const std::string &type,
                   const char *what = "index") {
  int64_t i = in.toIndex(index, type + " indices must be integers or slices, not " +
                                    in.typeName(index));
  if (i < 0)
    i += len;
  if (i < 0 || i >= len)
    in.raise(Exc::IndexError, type + " " + what + " out of range");
  return i;
}

bool isAscii(llvm::StringRef s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80)
      return false;
  return true;
}
} // namespace

Value Interp::getItem(const Value &container, const Value &index) {
  Object *o = container.getObject();
  auto *slice = index.dyn<SliceObject>();
  if (o) {
    switch (o->getKind()) {
    case Object::Kind::List: {
      auto &items = llvm::cast<ListObject>(o)->items;
      if (slice)
        return makeList(sliceVector(items, resolveSlice(*this, *slice, items.size())));
      return items[checkIndex(*this, index, items.size(), "list")];
    }
    case Object::Kind::Tuple: {
      auto &items = llvm::cast<TupleObject>(o)->items;
      if (slice)
        return makeTuple(sliceVector(items, resolveSlice(*this, *slice, items.size())));
      return items[checkIndex(*this, index, items.size(), "tuple")];
    }
    case Object::Kind::Str: {
      const std::string &s = llvm::cast<StrObject>(o)->value;
      if (isAscii(s)) {
        if (slice) {
          SliceBounds b = resolveSlice(*this, *slice, s.size());
          std::string out;
          for (int64_t i = 0, k = b.start; i < b.count; ++i, k += b.step)
            out.push_back(s[k]);
          return makeStr(std::move(out));
        }
        return charCache[static_cast<unsigned char>(s[checkIndex(*this, index, s.size(), "string")])];
      }
      std::vector<size_t> offs = format::codePointOffsets(s);
      int64_t n = offs.size() - 1;
      auto cp = [&](int64_t k) { return s.substr(offs[k], offs[k + 1] - offs[k]); };
      if (slice) {
        SliceBounds b = resolveSlice(*this, *slice, n);
        std::string out;
        for (int64_t i = 0, k = b.start; i < b.count; ++i, k += b.step)
          out += cp(k);
        return makeStr(std::move(out));
      }
      return makeStr(cp(checkIndex(*this, index, n, "string")));
    }
    case Object::Kind::Range: {
      auto *r = llvm::cast<RangeObject>(o);
      if (slice) {
        SliceBounds b = resolveSlice(*this, *slice, r->length());
        int64_t start = r->start + b.start * r->step, step = r->step * b.step;
        return Value(new RangeObject(start, start + b.count * step, step));
      }
      return Value::integer(r->start + checkIndex(*this, index, r->length(), "range object") * r->step);
    }
    case Object::Kind::Dict: {
      auto *d = llvm::cast<DictObject>(o);
      long pos = d->table.find(*this, index);
      if (pos < 0)
        raiseArgs(Exc::KeyError, {index});
      return d->table.rawEntries()[pos].value;
    }
    case Object::Kind::Instance:
      if (std::optional<Value> m = specialMethod(container, "__getitem__"))
        return call(*m, std::vector<Value>{index});
      break;
    case Object::Kind::Module:
      if (llvm::cast<ModuleObject>(o)->stub)
        stubAttribute(*llvm::cast<ModuleObject>(o), "__getitem__");
      break;
    case Object::Kind::Class:
      raise(Exc::TypeError, "type '" + llvm::cast<ClassObject>(o)->name + "' is not subscriptable");
    default:
      break;
    }
  }
  raise(Exc::TypeError, "'" + typeName(container) + "' object is not subscriptable");
}

void Interp::setItem(const Value &container, const Value &index, Value value) {
  if (container.is<ListObject>() || container.is<DictObject>())
    needsUnrollInTrial();
  if (auto *l = container.dyn<ListObject>()) {
    if (auto *slice = index.dyn<SliceObject>()) {
      std::vector<Value> items = toVector(value);
      SliceBounds b = resolveSlice(*this, *slice, l->items.size());
      if (b.step == 1) {
        int64_t stop = std::max(b.start, b.stop);
        l->items.erase(l->items.begin() + b.start, l->items.begin() + stop);
        l->items.insert(l->items.begin() + b.start, items.begin(), items.end());
        return;
      }
      if (static_cast<int64_t>(items.size()) != b.count)
        raise(Exc::ValueError, "attempt to assign sequence of size " + llvm::Twine(items.size()) +
                                   " to extended slice of size " + llvm::Twine(b.count));
      for (int64_t i = 0, k = b.start; i < b.count; ++i, k += b.step)
        l->items[k] = items[i];
      return;
    }
    l->items[checkIndex(*this, index, l->items.size(), "list", "assignment index")] = std::move(value);
    return;
  }
  if (auto *d = container.dyn<DictObject>()) {
    d->table.insert(*this, index, std::move(value));
    return;
  }
  if (container.is<InstanceObject>())
    if (std::optional<Value> m = specialMethod(container, "__setitem__")) {
      call(*m, std::vector<Value>{index, value});
      return;
    }
  raise(Exc::TypeError, "'" + typeName(container) + "' object does not support item assignment");
}

void Interp::delItem(const Value &container, const Value &index) {
  needsUnrollInTrial();
  if (auto *l = container.dyn<ListObject>()) {
    if (auto *slice = index.dyn<SliceObject>()) {
      SliceBounds b = resolveSlice(*this, *slice, l->items.size());
      std::vector<bool> drop(l->items.size());
      for (int64_t i = 0, k = b.start; i < b.count; ++i, k += b.step)
        drop[k] = true;
      std::vector<Value> kept;
      for (size_t i = 0; i < l->items.size(); ++i)
        if (!drop[i])
          kept.push_back(l->items[i]);
      l->items = std::move(kept);
      return;
    }
    int64_t i = checkIndex(*this, index, l->items.size(), "list", "assignment index");
    l->items.erase(l->items.begin() + i);
    return;
  }
  if (auto *d = container.dyn<DictObject>()) {
    if (!d->table.erase(*this, index))
      raiseArgs(Exc::KeyError, {index});
    return;
  }
  if (container.is<InstanceObject>())
    if (std::optional<Value> m = specialMethod(container, "__delitem__")) {
      call(*m, std::vector<Value>{index});
      return;
    }
  raise(Exc::TypeError, "'" + typeName(container) + "' object doesn't support item deletion");
}

bool Interp::contains(const Value &container, const Value &item) {
  Object *o = container.getObject();
  if (o) {
    switch (o->getKind()) {
    case Object::Kind::Str: {
      auto *s = item.dyn<StrObject>();
      if (!s)
        raise(Exc::TypeError, "'in <string>' requires string as left operand, not " + typeName(item));
      return llvm::StringRef(llvm::cast<StrObject>(o)->value).contains(s->value);
    }
    case Object::Kind::Dict:
      return llvm::cast<DictObject>(o)->table.find(*this, item) >= 0;
    case Object::Kind::Set:
      return llvm::cast<SetObject>(o)->table.find(*this, item) >= 0;
    case Object::Kind::DictView:
      if (llvm::cast<DictViewObject>(o)->which == DictViewObject::Which::Keys)
        return llvm::cast<DictViewObject>(o)->dict->table.find(*this, item) >= 0;
      break;
    case Object::Kind::Range: {
      auto *r = llvm::cast<RangeObject>(o);
      if (item.isIntLike()) {
        int64_t v = item.getInt();
        if (r->step > 0 ? (v < r->start || v >= r->stop) : (v > r->start || v <= r->stop))
          return false;
        return (v - r->start) % r->step == 0;
      }
      break;
    }
    case Object::Kind::Instance:
      if (std::optional<Value> m = specialMethod(container, "__contains__"))
        return truthy(call(*m, std::vector<Value>{item}));
      if (!specialMethod(container, "__iter__") && !specialMethod(container, "__getitem__"))
        raise(Exc::TypeError, "argument of type '" + typeName(container) + "' is not iterable");
      break;
    default:
      break;
    }
  }
  if (!o || o->getKind() == Object::Kind::Function || o->getKind() == Object::Kind::Class)
    raise(Exc::TypeError, "argument of type '" + typeName(container) + "' is not iterable");
  bool found = false;
  forEach(container, [&](const Value &v) {
    found = equals(v, item);
    return !found;
  });
  return found;
}

//===----------------------------------------------------------------------===//
// Iteration
//===----------------------------------------------------------------------===//

/// Iterates a dict's or set's table, raising CPython's RuntimeError when
/// the body changes its size.
template <typename Table>
static void iterateTable(Interp &in, Object *owner, Table &table, DictViewObject::Which which,
                         llvm::function_ref<bool(const Value &)> body) {
  ObjRef keep(owner);
  size_t size = table.size();
  uint64_t version = table.version();
  for (size_t i = 0; i < table.rawEntries().size(); ++i) {
    const auto &e = table.rawEntries()[i];
    if (!e.live)
      continue;
    Value item = which == DictViewObject::Which::Keys     ? e.key
                 : which == DictViewObject::Which::Values ? e.value
                                                          : makeTuple({e.key, e.value});
    if (!body(item))
      return;
    if (table.size() != size)
      in.raise(Exc::RuntimeError, llvm::Twine(llvm::isa<SetObject>(owner) ? "Set" : "dictionary") +
                                      " changed size during iteration");
    if (table.version() != version)
      in.raise(Exc::RuntimeError, llvm::Twine(llvm::isa<SetObject>(owner) ? "Set" : "dictionary") +
                                      " keys changed during iteration");
  }
}

void Interp::forEach(const Value &iterable, llvm::function_ref<bool(const Value &)> body) {
  Object *o = iterable.getObject();
  if (o) {
    switch (o->getKind()) {
    case Object::Kind::List: {
      // By index, re-reading the size: appending while iterating is seen,
      // exactly like CPython's list iterator.
      auto *l = llvm::cast<ListObject>(o);
      ObjRef keep(l);
      for (size_t i = 0; i < l->items.size(); ++i) {
        Value item = l->items[i];
        if (!body(item))
          return;
      }
      return;
    }
    case Object::Kind::Tuple: {
      ObjRef keep(o);
      for (const Value &item : llvm::cast<TupleObject>(o)->items)
        if (!body(item))
          return;
      return;
    }
    case Object::Kind::Str: {
      std::string s = llvm::cast<StrObject>(o)->value;
      if (isAscii(s)) {
        for (char c : s)
          if (!body(charCache[static_cast<unsigned char>(c)]))
            return;
        return;
      }
      std::vector<size_t> offs = format::codePointOffsets(s);
      for (size_t k = 0; k + 1 < offs.size(); ++k)
        if (!body(makeStr(s.substr(offs[k], offs[k + 1] - offs[k]))))
          return;
      return;
    }
    case Object::Kind::Range: {
      auto *r = llvm::cast<RangeObject>(o);
      int64_t n = r->length();
      for (int64_t i = 0, v = r->start; i < n; ++i, v += r->step)
        if (!body(Value::integer(v)))
          return;
      return;
    }
    case Object::Kind::Dict:
    case Object::Kind::DictView:
      if (auto *d = llvm::dyn_cast<DictObject>(o))
        iterateTable(*this, o, d->table, DictViewObject::Which::Keys, body);
      else
        iterateTable(*this, o, llvm::cast<DictViewObject>(o)->dict->table,
                     llvm::cast<DictViewObject>(o)->which, body);
      return;
    case Object::Kind::Set:
      iterateTable(*this, o, llvm::cast<SetObject>(o)->table, DictViewObject::Which::Keys, body);
      return;
    case Object::Kind::Iterator: {
      auto *it = llvm::cast<IteratorObject>(o);
      ObjRef keep(it);
      while (std::optional<Value> item = next(iterable))
        if (!body(*item))
          return;
      return;
    }
    case Object::Kind::Instance: {
      if (std::optional<Value> m = specialMethod(iterable, "__iter__")) {
        Value iter = call(*m, std::vector<Value>{});
        while (std::optional<Value> item = next(iter))
          if (!body(*item))
            return;
        return;
      }
      if (std::optional<Value> m = specialMethod(iterable, "__getitem__")) {
        // The old sequence protocol: index from 0 until IndexError.
        for (int64_t i = 0;; ++i) {
          Value item;
          try {
            item = call(*m, std::vector<Value>{Value::integer(i)});
          } catch (PyException &e) {
            if (isExceptionOf(e, Exc::IndexError) || isExceptionOf(e, Exc::StopIteration))
              return;
            throw;
          }
          if (!body(item))
            return;
        }
      }
      break;
    }
    case Object::Kind::Module:
      if (llvm::cast<ModuleObject>(o)->stub)
        stubAttribute(*llvm::cast<ModuleObject>(o), "__iter__");
      break;
    default:
      break;
    }
  }
  raise(Exc::TypeError, "'" + typeName(iterable) + "' object is not iterable");
}

std::vector<Value> Interp::toVector(const Value &iterable) {
  if (auto *l = iterable.dyn<ListObject>())
    return l->items;
  if (auto *t = iterable.dyn<TupleObject>())
    return t->items;
  std::vector<Value> out;
  forEach(iterable, [&](const Value &v) {
    out.push_back(v);
    return true;
  });
  return out;
}

Value Interp::getIter(const Value &iterable) {
  Object *o = iterable.getObject();
  if (o) {
    switch (o->getKind()) {
    case Object::Kind::Iterator:
      return iterable;
    case Object::Kind::List:
      return Value(new IteratorObject("list_iterator", iterable));
    case Object::Kind::Tuple:
      return Value(new IteratorObject("tuple_iterator", iterable));
    case Object::Kind::Range:
      return Value(new IteratorObject("range_iterator", iterable));
    case Object::Kind::Instance:
      if (std::optional<Value> m = specialMethod(iterable, "__iter__"))
        return call(*m, std::vector<Value>{});
      break;
    default:
      break;
    }
  }
  // Everything else is snapshotted (str, dict, set): the difference is not
  // observable unless the container is mutated while iterated.
  const char *name = iterable.is<StrObject>()    ? "str_ascii_iterator"
                     : iterable.is<DictObject>() ? "dict_keyiterator"
                     : iterable.is<SetObject>()  ? "set_iterator"
                                                 : "iterator";
  return Value(new IteratorObject(name, makeList(toVector(iterable))));
}

std::optional<Value> Interp::next(const Value &iterator) {
  if (auto *it = iterator.dyn<IteratorObject>()) {
    if (auto *l = it->source.dyn<ListObject>()) {
      if (it->index < l->items.size())
        return l->items[it->index++];
      it->index = SIZE_MAX / 2; // exhausted for good, as in CPython
      return std::nullopt;
    }
    if (auto *t = it->source.dyn<TupleObject>()) {
      if (it->index < t->items.size())
        return t->items[it->index++];
      return std::nullopt;
    }
    if (auto *r = it->source.dyn<RangeObject>()) {
      if (static_cast<int64_t>(it->index) < r->length())
        return Value::integer(r->start + static_cast<int64_t>(it->index++) * r->step);
      return std::nullopt;
    }
    return std::nullopt;
  }
  std::optional<Value> m = specialMethod(iterator, "__next__");
  if (!m)
    raise(Exc::TypeError, "'" + typeName(iterator) + "' object is not an iterator");
  try {
    return call(*m, std::vector<Value>{});
  } catch (PyException &e) {
    if (isExceptionOf(e, Exc::StopIteration))
      return std::nullopt;
    throw;
  }
}
