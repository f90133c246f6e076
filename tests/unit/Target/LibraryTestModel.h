//===- LibraryTestModel.h - the seed model's manifest for the tests -*- C++ -*-===//

#ifndef BPC_TESTS_UNIT_TARGET_LIBRARYTESTMODEL_H
#define BPC_TESTS_UNIT_TARGET_LIBRARYTESTMODEL_H

#include "bpc/Target/ModelManifest.h"

#include <cstring>

namespace bpc::test {

/// The seed's model: `lr_jit` (X f32[n, d], Y f32[n], updates `lr.w`
/// f32[10], kernel `lr_step`) and `selu_jit` (x f32[n] -> out f32[n],
/// kernel `selu`). `lr.w` starts at 0.1f * i. The header documents `d` as
/// the tracer would; a compiled kernel needs it static (10).
inline ModelManifest seedManifest(Dim d) {
  ModelManifest manifest;
  manifest.prefix = "model";

  VariableSpec w;
  w.name = "lr.w";
  w.dtype = DType::F32;
  w.shape = {10};
  w.initial.resize(10 * sizeof(float));
  for (int i = 0; i < 10; ++i) {
    float value = 0.1f * static_cast<float>(i);
    std::memcpy(w.initial.data() + i * sizeof(float), &value, sizeof value);
  }
  manifest.variables.push_back(w);

  FunctionSpec lr;
  lr.name = "lr_jit";
  lr.kernel = "lr_step";
  lr.args = {{"X", DType::F32, {Dim::named("n"), d}}, {"Y", DType::F32, {Dim::named("n")}}};
  lr.varIndices = {0};
  manifest.functions.push_back(lr);

  FunctionSpec selu;
  selu.name = "selu_jit";
  selu.kernel = "selu";
  selu.args = {{"x", DType::F32, {Dim::named("n")}}};
  selu.results = {{"out", DType::F32, {Dim::named("n")}}};
  manifest.functions.push_back(selu);
  return manifest;
}

} // namespace bpc::test

#endif // BPC_TESTS_UNIT_TARGET_LIBRARYTESTMODEL_H
