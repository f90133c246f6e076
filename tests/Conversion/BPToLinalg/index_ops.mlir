// RUN: bpc-opt --split-input-file --bpc-lower-bp-to-linalg %s | FileCheck %s

// Tests that an index on a static axis is a gather of one column: the
// position is normalised (negative from the end), clamped into range and
// read with tensor.extract in a generic over the result.
// CHECK-LABEL: func.func @column(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<?x10xf32>, %[[J:[^:]*]]: tensor<i32>)
// CHECK:         %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x10xf32>
// CHECK:         %[[C10:.*]] = arith.constant 10 : index
// CHECK:         %[[JV:.*]] = tensor.extract %[[J]][] : tensor<i32>
// CHECK:         %[[JI:.*]] = arith.index_cast %[[JV]] : i32 to index
// CHECK:         %[[NEG:.*]] = arith.cmpi slt, %[[JI]], %{{.*}} : index
// CHECK:         %[[WRAP:.*]] = arith.addi %[[JI]], %[[C10]] : index
// CHECK:         %[[POS:.*]] = arith.select %[[NEG]], %[[WRAP]], %[[JI]] : index
// CHECK:         %[[LAST:.*]] = arith.subi %[[C10]], %{{.*}} : index
// CHECK:         %[[MIN:.*]] = arith.minsi %[[POS]], %[[LAST]] : index
// CHECK:         %[[CLAMP:.*]] = arith.maxsi %[[MIN]], %{{.*}} : index
// CHECK:         %[[INIT:.*]] = tensor.empty(%[[N]]) : tensor<?xf32>
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} outs(%[[INIT]] : tensor<?xf32>)
// CHECK:           %[[I:.*]] = linalg.index 0 : index
// CHECK-NOT:       scf.if
// CHECK:           %[[E:.*]] = tensor.extract %[[X]][%[[I]], %[[CLAMP]]] : tensor<?x10xf32>
// CHECK:           linalg.yield %[[E]] : f32
// CHECK:         return %[[R]] : tensor<?xf32>
bp.func @column(%x: tensor<?x10xf32>, %j: tensor<i32>) -> tensor<?xf32> {
  %c = bp.index %x[%j] axes = [1] : (tensor<?x10xf32>, tensor<i32>) -> tensor<?xf32>
  bp.return %c : tensor<?xf32>
}

// -----

// Tests that an index on a `?` axis clamps with the run-time size and reads
// zero instead when that axis is empty (nothing can be read there).
// CHECK-LABEL: func.func @row(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<?x3xf32>, %[[I:[^:]*]]: tensor<i64>)
// CHECK:         %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3xf32>
// CHECK:         arith.index_cast %{{.*}} : i64 to index
// CHECK:         arith.addi %{{.*}}, %[[N]] : index
// CHECK:         arith.subi %[[N]], %{{.*}} : index
// CHECK:         %[[CLAMP:.*]] = arith.maxsi
// CHECK:         %[[EMPTY:.*]] = arith.cmpi eq, %[[N]], %{{.*}} : index
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<3xf32>)
// CHECK:           %[[K:.*]] = linalg.index 0 : index
// CHECK:           %[[V:.*]] = scf.if %[[EMPTY]] -> (f32) {
// CHECK:             %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:             scf.yield %[[ZERO]] : f32
// CHECK:           } else {
// CHECK:             %[[E:.*]] = tensor.extract %[[X]][%[[CLAMP]], %[[K]]] : tensor<?x3xf32>
// CHECK:             scf.yield %[[E]] : f32
// CHECK:           }
// CHECK:           linalg.yield %[[V]] : f32
bp.func @row(%x: tensor<?x3xf32>, %i: tensor<i64>) -> tensor<3xf32> {
  %r = bp.index %x[%i] axes = [0] : (tensor<?x3xf32>, tensor<i64>) -> tensor<3xf32>
  bp.return %r : tensor<3xf32>
}

// -----

// Tests two indexed axes around a kept one: `x[i, :, j]`.
// CHECK-LABEL: func.func @two_axes(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x?x6xi32>
// CHECK:         %[[P0:.*]] = arith.maxsi
// CHECK:         %[[P2:.*]] = arith.maxsi
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<?xi32>)
// CHECK:           %[[K:.*]] = linalg.index 0 : index
// CHECK:           tensor.extract %[[X]][%[[P0]], %[[K]], %[[P2]]] : tensor<4x?x6xi32>
bp.func @two_axes(%x: tensor<4x?x6xi32>, %i: tensor<i32>, %j: tensor<i32>) -> tensor<?xi32> {
  %r = bp.index %x[%i, %j] axes = [0, 2]
      : (tensor<4x?x6xi32>, tensor<i32>, tensor<i32>) -> tensor<?xi32>
  bp.return %r : tensor<?xi32>
}

// -----

// Tests `w[i] = e` on a Variable: the subset keeps the indexed dimension with
// size 1 in range and 0 out of range (the write is dropped), the update is
// written into an extract_slice of the Variable itself and inserted back at
// the same place.
// CHECK-LABEL: func.func @set_item(
// CHECK-SAME:    %[[E:[^:]*]]: tensor<f32>, %[[I:[^:]*]]: tensor<i32>, %[[W:[^:]*]]: tensor<10xf32> {bp.var = "w"})
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C10:.*]] = arith.constant 10 : index
// CHECK:         %[[POS:.*]] = arith.select
// CHECK:         %[[IN:.*]] = arith.cmpi ult, %[[POS]], %[[C10]] : index
// CHECK:         %[[OFF:.*]] = arith.select %[[IN]], %[[POS]], %[[C0]] : index
// CHECK:         %[[SIZE:.*]] = arith.select %[[IN]], %[[C1]], %[[C0]] : index
// CHECK:         %[[SUB:.*]] = tensor.extract_slice %[[W]][%[[OFF]]] [%[[SIZE]]] [1] : tensor<10xf32> to tensor<?xf32>
// CHECK:         %[[U:.*]] = linalg.generic {{.*}} ins(%[[E]] : tensor<f32>) outs(%[[SUB]] : tensor<?xf32>)
// CHECK:         %[[NEW:.*]] = tensor.insert_slice %[[U]] into %[[W]][%[[OFF]]] [%[[SIZE]]] [1] : tensor<?xf32> into tensor<10xf32>
// CHECK:         return %[[NEW]] : tensor<10xf32>
bp.func @set_item(%e: tensor<f32>, %i: tensor<i32>) vars(%w: tensor<10xf32> {bp.var = "w"}) {
  %w2 = bp.update_index %e into %w[%i] axes = [0]
      : (tensor<f32>, tensor<10xf32>, tensor<i32>) -> tensor<10xf32>
  bp.return vars(%w2 : tensor<10xf32>)
}

// -----

// Tests `v[:, j] = e` with `e` broadcast along the kept dimension only: its
// map skips the indexed dimension d1.
// CHECK-DAG:   #[[KEPT:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @set_column(
// CHECK-SAME:    %[[E:[^:]*]]: tensor<?xf32>, %[[V:[^:]*]]: tensor<?x?xf32>, %[[J:[^:]*]]: tensor<i32>)
// CHECK:         %[[SUB:.*]] = tensor.extract_slice %[[V]][0, %{{.*}}] [%{{.*}}, %{{.*}}] [1, 1] : tensor<?x?xf32> to tensor<?x?xf32>
// CHECK:         %[[U:.*]] = linalg.generic {indexing_maps = [#[[KEPT]], #[[ID]]], {{.*}} ins(%[[E]] : tensor<?xf32>) outs(%[[SUB]] : tensor<?x?xf32>)
// CHECK:         tensor.insert_slice %[[U]] into %[[V]][0, %{{.*}}] [%{{.*}}, %{{.*}}] [1, 1] : tensor<?x?xf32> into tensor<?x?xf32>
bp.func @set_column(%e: tensor<?xf32>, %v: tensor<?x?xf32>, %j: tensor<i32>) -> tensor<?x?xf32> {
  %r = bp.update_index %e into %v[%j] axes = [1]
      : (tensor<?xf32>, tensor<?x?xf32>, tensor<i32>) -> tensor<?x?xf32>
  bp.return %r : tensor<?x?xf32>
}

// -----

// Tests concatenation: one generic over a tensor.empty of the summed size
// whose element is read from the input that holds it, chosen by scf.if on
// the position along the axis against each input's start.
// CHECK-LABEL: func.func @concat(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<?x3xf32>)
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[NB:.*]] = tensor.dim %[[B]], %{{.*}} : tensor<?x3xf32>
// CHECK:         %[[START2:.*]] = arith.addi %[[NB]], %[[C2]] : index
// CHECK:         %[[TOTAL:.*]] = arith.addi %[[START2]], %{{.*}} : index
// CHECK:         %[[INIT:.*]] = tensor.empty(%[[TOTAL]]) : tensor<?x3xf32>
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} outs(%[[INIT]] : tensor<?x3xf32>)
// CHECK:           %[[I:.*]] = linalg.index 0 : index
// CHECK:           %[[J:.*]] = linalg.index 1 : index
// CHECK:           %[[IN_A:.*]] = arith.cmpi ult, %[[I]], %[[C2]] : index
// CHECK:           %[[V:.*]] = scf.if %[[IN_A]] -> (f32) {
// CHECK:             tensor.extract %[[A]][%[[I]], %[[J]]] : tensor<2x3xf32>
// CHECK:           } else {
// CHECK:             %[[IN_B:.*]] = arith.cmpi ult, %[[I]], %[[START2]] : index
// CHECK:             scf.if %[[IN_B]] -> (f32) {
// CHECK:               %[[IB:.*]] = arith.subi %[[I]], %[[C2]] : index
// CHECK:               tensor.extract %[[B]][%[[IB]], %[[J]]] : tensor<?x3xf32>
// CHECK:             } else {
// CHECK:               %[[IA:.*]] = arith.subi %[[I]], %[[START2]] : index
// CHECK:               tensor.extract %[[A]][%[[IA]], %[[J]]] : tensor<2x3xf32>
// CHECK:           linalg.yield %[[V]] : f32
// CHECK:         return %[[R]] : tensor<?x3xf32>
bp.func @concat(%a: tensor<2x3xf32>, %b: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %c = bp.concatenate %a, %b, %a axis = 0
      : (tensor<2x3xf32>, tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x3xf32>
  bp.return %c : tensor<?x3xf32>
}

// -----

// Tests static concatenation along the last axis: the starts fold to
// constants and the result is static.
// CHECK-LABEL: func.func @concat_static(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<2x2xi32>, %[[B:[^:]*]]: tensor<2x3xi32>)
// CHECK:         tensor.empty() : tensor<2x5xi32>
// CHECK:           %[[I:.*]] = linalg.index 0 : index
// CHECK:           %[[J:.*]] = linalg.index 1 : index
// CHECK:           arith.cmpi ult, %[[J]], %[[C2:.*]] : index
// CHECK:             tensor.extract %[[A]][%[[I]], %[[J]]]
// CHECK:             %[[JB:.*]] = arith.subi %[[J]], %[[C2]] : index
// CHECK:             tensor.extract %[[B]][%[[I]], %[[JB]]]
bp.func @concat_static(%a: tensor<2x2xi32>, %b: tensor<2x3xi32>) -> tensor<2x5xi32> {
  %c = bp.concatenate %a, %b axis = 1
      : (tensor<2x2xi32>, tensor<2x3xi32>) -> tensor<2x5xi32>
  bp.return %c : tensor<2x5xi32>
}
