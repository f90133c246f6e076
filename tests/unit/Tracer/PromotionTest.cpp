//===- PromotionTest.cpp - JAX's dtype promotion, 64-bit off --------------===//

#include "bpc/Tracer/DType.h"

#include <doctest/doctest.h>

using namespace bpc::tracer;

namespace {
TypeClass strong(DType t) { return {t, false}; }
TypeClass weak(DType t) { return {t, true}; }
DType promote(TypeClass a, TypeClass b) {
  DType r = promoteTypes(a, b).dtype;
  CHECK(promoteTypes(b, a).dtype == r); // symmetric
  return r;
}
} // namespace

TEST_CASE("promotion: Python scalars are weak (DESIGN.md §2)") {
  CHECK(promote(strong(DType::I32), weak(DType::F32)) == DType::F32); // i32 * 0.37
  CHECK(promote(strong(DType::F32), weak(DType::I32)) == DType::F32); // f32 + 1
  CHECK(promote(strong(DType::I32), weak(DType::I32)) == DType::I32);
  CHECK(promote(strong(DType::F64), weak(DType::F32)) == DType::F64);
  CHECK(promote(strong(DType::I64), weak(DType::F32)) == DType::F32);
  CHECK(promote(strong(DType::Bool), weak(DType::I32)) == DType::I32);
  CHECK(promote(strong(DType::Bool), weak(DType::F32)) == DType::F32);
  CHECK(promote(strong(DType::I32), weak(DType::Bool)) == DType::I32);
  CHECK(promoteTypes(weak(DType::F32), weak(DType::I32)).weak);
  CHECK_FALSE(promoteTypes(strong(DType::F32), weak(DType::I32)).weak);
}

TEST_CASE("promotion: strong types follow the lattice, explicit f64 stays f64") {
  CHECK(promote(strong(DType::F32), strong(DType::F64)) == DType::F64);
  CHECK(promote(strong(DType::I32), strong(DType::I64)) == DType::I64);
  CHECK(promote(strong(DType::I32), strong(DType::F32)) == DType::F32);
  CHECK(promote(strong(DType::I64), strong(DType::F32)) == DType::F32);
  CHECK(promote(strong(DType::Bool), strong(DType::I32)) == DType::I32);
  CHECK(promote(strong(DType::Bool), strong(DType::Bool)) == DType::Bool);
  CHECK(promote(strong(DType::F64), strong(DType::I64)) == DType::F64);
}
