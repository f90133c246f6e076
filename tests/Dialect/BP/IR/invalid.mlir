// RUN: bpc-opt --split-input-file --verify-diagnostics %s

//===----------------------------------------------------------------------===//
// Function arguments, Variables and bp.return
//===----------------------------------------------------------------------===//

// Tests that bp.dims needs one entry per dimension.
// expected-error@+1 {{argument #0: 'bp.dims' has 1 entries but the argument 'tensor<?x?xf32>' has rank 2}}
bp.func @dims_count(%x: tensor<?x?xf32> {bp.dims = ["n"]}) {
  bp.return
}

// -----

// Tests that bp.dims holds strings.
// expected-error@+1 {{argument #0: 'bp.dims' must be an array of strings}}
bp.func @dims_kind(%x: tensor<?xf32> {bp.dims = [1]}) {
  bp.return
}

// -----

// Tests that a '?' dimension must be named.
// expected-error@+1 {{entry 1 names a '?' dimension and must not be empty}}
bp.func @dims_unnamed(%x: tensor<3x?xf32> {bp.dims = ["", ""]}) {
  bp.return
}

// -----

// Tests that a static dimension must not be named.
// expected-error@+1 {{entry 0 ('n') names a static dimension; use ""}}
bp.func @dims_static(%x: tensor<3xf32> {bp.dims = ["n"]}) {
  bp.return
}

// -----

// Tests that a Variable path is a non-empty string.
// expected-error@+1 {{argument #0: 'bp.var' must be a non-empty string}}
bp.func @var_empty() vars(%w: tensor<3xf32> {bp.var = ""}) {
  bp.return vars(%w : tensor<3xf32>)
}

// -----

// Tests that misspelt bp argument attributes are reported.
// expected-error@+1 {{unknown bp argument attribute 'bp.dim'}}
bp.func @unknown_attr(%x: tensor<3xf32> {bp.dim = [""]}) {
  bp.return
}

// -----

// Tests that every Variable argument carries its path.
// expected-error@+1 {{Variable argument #1 needs a 'bp.var' path}}
bp.func @var_unnamed(%x: tensor<3xf32>) vars(%w: tensor<3xf32>) {
  bp.return vars(%w : tensor<3xf32>)
}

// -----

// Tests that an ordinary argument cannot claim to be a Variable.
// expected-error@+1 {{argument #0 is not a Variable but has 'bp.var'}}
bp.func @arg_with_var(%x: tensor<3xf32> {bp.var = "l.w"}) {
  bp.return
}

// -----

// Tests that one Variable cannot be passed twice.
// expected-error@+1 {{Variable 'l.w' is passed twice}}
bp.func @var_twice() vars(%a: tensor<3xf32> {bp.var = "l.w"},
                          %b: tensor<3xf32> {bp.var = "l.w"}) {
  bp.return vars(%a, %b : tensor<3xf32>, tensor<3xf32>)
}

// -----

// Tests that num_vars cannot exceed the number of arguments.
// expected-error@+1 {{has num_vars = 2 but only 1 arguments}}
"bp.func"() <{sym_name = "too_many_vars", num_vars = 2 : i64,
              function_type = (tensor<f32>) -> ()}> ({
^bb0(%a: tensor<f32>):
  "bp.return"() <{operandSegmentSizes = array<i32: 0, 0>}> : () -> ()
}) : () -> ()

// -----

// Tests that bp.return yields as many results as the function declares.
bp.func @result_count(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{yields 0 results but the function has 1}}
  bp.return
}

// -----

// Tests that bp.return yields results of the declared types.
bp.func @result_type(%x: tensor<3xf32>) -> tensor<?xf32> {
  // expected-error@+1 {{results #0 has type 'tensor<3xf32>' but the function declares 'tensor<?xf32>'}}
  bp.return %x : tensor<3xf32>
}

// -----

// Tests that bp.return yields one new value per Variable.
bp.func @var_count() vars(%w: tensor<3xf32> {bp.var = "l.w"}) {
  // expected-error@+1 {{yields 0 Variable values but the function has 1}}
  bp.return
}

// -----

// Tests that a Variable's new value keeps its type.
bp.func @var_type(%x: tensor<3xf64>) vars(%w: tensor<3xf32> {bp.var = "l.w"}) {
  // expected-error@+1 {{Variable values #0 has type 'tensor<3xf64>' but the function declares 'tensor<3xf32>'}}
  bp.return vars(%x : tensor<3xf64>)
}

// -----

//===----------------------------------------------------------------------===//
// bp.global, bp.frozen, bp.constant
//===----------------------------------------------------------------------===//

// Tests that a global's value is dense.
// expected-error@+1 {{value must be dense<...> or dense_resource<...>}}
bp.global @sparse = sparse<[[0]], [1.0]> : tensor<3xf32>

// -----

// Tests that a global's element type is one that bp supports.
// expected-error@+1 {{element type 'f16' is not one of f32, f64, i32, i64, i1}}
bp.global @half = dense<1.0> : tensor<3xf16>

// -----

// Tests that bp.frozen refers to an existing bp.global.
bp.func @frozen_missing() {
  // expected-error@+1 {{refers to @l.b, which is not a bp.global}}
  %b = bp.frozen @l.b : tensor<3xf32>
  bp.return
}

// -----

// Tests that bp.frozen has its global's type.
bp.global @l.b = dense<1.0> : tensor<3xf32>
bp.func @frozen_type() {
  // expected-error@+1 {{result type 'tensor<4xf32>' differs from the type 'tensor<3xf32>' of @l.b}}
  %b = bp.frozen @l.b : tensor<4xf32>
  bp.return
}

// -----

// Tests that a constant has the type of its value.
bp.func @constant_type() {
  // expected-error@+1 {{value type 'tensor<2xf32>' differs from the result type 'tensor<3xf32>'}}
  %c = "bp.constant"() <{value = dense<1.0> : tensor<2xf32>}> : () -> tensor<3xf32>
  bp.return
}

// -----

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

// Tests that operands of a binary op share an element type.
bp.func @binary_mixed(%a: tensor<3xf32>, %b: tensor<3xf64>) {
  // expected-error@+1 {{operand element types differ ('tensor<3xf32>' and 'tensor<3xf64>'); the tracer must insert bp.cast to promote}}
  %0 = bp.add %a, %b : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  bp.return
}

// -----

// Tests that the result of a binary op has the operands' element type.
bp.func @binary_result_element(%a: tensor<3xf32>) {
  // expected-error@+1 {{result element type 'f64' must be 'f32'}}
  %0 = bp.mul %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf64>
  bp.return
}

// -----

// Tests that operand shapes must broadcast.
bp.func @binary_shapes(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{operand shapes do not broadcast: 'tensor<3xf32>', 'tensor<4xf32>'}}
  %0 = bp.sub %a, %b : (tensor<3xf32>, tensor<4xf32>) -> tensor<4xf32>
  bp.return
}

// -----

// Tests that the result has exactly the broadcast shape.
bp.func @binary_result_shape(%a: tensor<?x1xf32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{result type 'tensor<?x?xf32>' does not match the broadcast shape 'tensor<?x3xf32>'}}
  %0 = bp.max %a, %b : (tensor<?x1xf32>, tensor<3xf32>) -> tensor<?x?xf32>
  bp.return
}

// -----

// Tests that bp.cmp broadcasts like the binary ops.
bp.func @cmp_shape(%a: tensor<2x3xi32>, %b: tensor<2xi32>) {
  // expected-error@+1 {{operand shapes do not broadcast}}
  %0 = bp.cmp eq, %a, %b : (tensor<2x3xi32>, tensor<2xi32>) -> tensor<2x3xi1>
  bp.return
}

// -----

// Tests that the two values of bp.where share an element type.
bp.func @where_mixed(%c: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xi32>) {
  // expected-error@+1 {{operand element types differ}}
  %0 = bp.where %c, %a, %b : (tensor<3xi1>, tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  bp.return
}

// -----

// Tests that the condition of bp.where takes part in broadcasting.
bp.func @where_shape(%c: tensor<4x1xi1>, %a: tensor<3xf32>) {
  // expected-error@+1 {{does not match the broadcast shape 'tensor<4x3xf32>'}}
  %0 = bp.where %c, %a, %a : (tensor<4x1xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  bp.return
}

// -----

// Tests that bp.cast does not change the shape.
bp.func @cast_shape(%a: tensor<3xi32>) {
  // expected-error@+1 {{changes the shape from 'tensor<3xi32>' to 'tensor<1x3xf32>'; only the element type may change}}
  %0 = bp.cast %a : tensor<3xi32> to tensor<1x3xf32>
  bp.return
}

// -----

//===----------------------------------------------------------------------===//
// bp.matmul
//===----------------------------------------------------------------------===//

// Tests that static contraction dimensions must agree, naming both shapes.
bp.func @matmul_contraction(%a: tensor<3x4xf32>, %b: tensor<5x2xf32>) {
  // expected-error@+1 {{contraction dimensions differ: lhs 'tensor<3x4xf32>' has 4, rhs 'tensor<5x2xf32>' has 5}}
  %0 = bp.matmul %a, %b : (tensor<3x4xf32>, tensor<5x2xf32>) -> tensor<3x2xf32>
  bp.return
}

// -----

// Tests that 0-d operands are rejected (NumPy: use multiplication).
bp.func @matmul_scalar(%a: tensor<f32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{operands must have rank >= 1, got 'tensor<f32>' and 'tensor<3xf32>'}}
  %0 = bp.matmul %a, %b : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  bp.return
}

// -----

// Tests that batch dimensions must broadcast.
bp.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<5x4x6xf32>) {
  // expected-error@+1 {{batch dimensions of 'tensor<2x3x4xf32>' and 'tensor<5x4x6xf32>' do not broadcast}}
  %0 = bp.matmul %a, %b : (tensor<2x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x3x6xf32>
  bp.return
}

// -----

// Tests that the result has the matmul shape (vector·matrix drops a dimension).
bp.func @matmul_result(%v: tensor<3xf32>, %m: tensor<3x4xf32>) {
  // expected-error@+1 {{result type 'tensor<1x4xf32>' does not match the matmul shape 'tensor<4xf32>'}}
  %0 = bp.matmul %v, %m : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<1x4xf32>
  bp.return
}

// -----

// Tests that matmul operands share an element type.
bp.func @matmul_mixed(%a: tensor<3xf32>, %b: tensor<3xf64>) {
  // expected-error@+1 {{element types differ: 'tensor<3xf32>' and 'tensor<3xf64>'}}
  %0 = bp.matmul %a, %b : (tensor<3xf32>, tensor<3xf64>) -> tensor<f32>
  bp.return
}

// -----

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

// Tests that reduction axes are in range.
bp.func @reduce_axis_range(%x: tensor<3x4xf32>) {
  // expected-error@+1 {{axis 2 is out of range for rank 2}}
  %0 = bp.sum %x axes = [2] : tensor<3x4xf32> -> tensor<3x4xf32>
  bp.return
}

// -----

// Tests that reduction axes are normalised (ascending, unique).
bp.func @reduce_axis_order(%x: tensor<3x4xf32>) {
  // expected-error@+1 {{axes must be ascending and unique}}
  %0 = bp.mean %x axes = [1, 0] : tensor<3x4xf32> -> tensor<f32>
  bp.return
}

// -----

// Tests that the result has the reduced shape.
bp.func @reduce_result(%x: tensor<3x4xf32>) {
  // expected-error@+1 {{result type 'tensor<4xf32>' does not match the reduced shape 'tensor<1x4xf32>'}}
  %0 = bp.reduce_max %x axes = [0] keepdims : tensor<3x4xf32> -> tensor<4xf32>
  bp.return
}

// -----

// Tests that a reduction keeps the element type.
bp.func @reduce_element(%x: tensor<3xi32>) {
  // expected-error@+1 {{element types differ: 'tensor<3xi32>' and 'tensor<i64>'}}
  %0 = bp.sum %x axes = [0] : tensor<3xi32> -> tensor<i64>
  bp.return
}

// -----

// Tests that argmax checks its single axis.
bp.func @argmax_axis(%x: tensor<3x4xf32>) {
  // expected-error@+1 {{axis -1 is out of range for rank 2}}
  %0 = bp.argmax %x axis = -1 : tensor<3x4xf32> -> tensor<3xi32>
  bp.return
}

// -----

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

// Tests that bp.dim checks its axis.
bp.func @dim_axis(%x: tensor<?xf32>) {
  // expected-error@+1 {{axis 1 is out of range for 'tensor<?xf32>'}}
  %0 = bp.dim %x, 1 : tensor<?xf32>
  bp.return
}

// -----

// Tests that broadcast_to rejects a size that is neither 1 nor the target.
bp.func @broadcast_size(%x: tensor<3xf32>) {
  // expected-error@+1 {{dimension 0 of input 'tensor<3xf32>' has size 3 and cannot broadcast to size 4}}
  %0 = bp.broadcast_to %x : tensor<3xf32> -> tensor<2x4xf32>
  bp.return
}

// -----

// Tests that broadcast_to cannot drop dimensions.
bp.func @broadcast_rank(%x: tensor<1x3xf32>) {
  // expected-error@+1 {{input 'tensor<1x3xf32>' has more dimensions than the target shape (rank 1)}}
  %0 = bp.broadcast_to %x : tensor<1x3xf32> -> tensor<3xf32>
  bp.return
}

// -----

// Tests that every '?' of a broadcast_to result has a size operand.
bp.func @broadcast_dims(%x: tensor<3xf32>) {
  // expected-error@+1 {{has 0 dims operands but 'tensor<?x3xf32>' has 1 '?' dimensions}}
  %0 = bp.broadcast_to %x : tensor<3xf32> -> tensor<?x3xf32>
  bp.return
}

// -----

// Tests that a reshape infers at most one dimension.
bp.func @reshape_two_dynamic(%x: tensor<?xf32>) {
  // expected-error@+1 {{result 'tensor<?x?xf32>' may have at most one '?' dimension (the inferred one)}}
  %0 = bp.reshape %x : tensor<?xf32> -> tensor<?x?xf32>
  bp.return
}

// -----

// Tests that a static reshape keeps the element count.
bp.func @reshape_count(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{cannot reshape 'tensor<2x3xf32>' (6 elements) into 'tensor<4xf32>'}}
  %0 = bp.reshape %x : tensor<2x3xf32> -> tensor<4xf32>
  bp.return
}

// -----

// Tests that the inferred dimension must divide the element count.
bp.func @reshape_infer(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{cannot reshape 'tensor<2x3xf32>' (6 elements) into 'tensor<?x4xf32>'}}
  %0 = bp.reshape %x : tensor<2x3xf32> -> tensor<?x4xf32>
  bp.return
}

// -----

// Tests that a transpose needs a permutation of all dimensions.
bp.func @transpose_perm(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{[0, 0] is not a permutation of the 2 dimensions of 'tensor<2x3xf32>'}}
  %0 = bp.transpose %x, [0, 0] : tensor<2x3xf32> -> tensor<2x2xf32>
  bp.return
}

// -----

// Tests that a transpose result is the permuted shape.
bp.func @transpose_result(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{result type 'tensor<2x3xf32>' does not match the permuted shape 'tensor<3x2xf32>'}}
  %0 = bp.transpose %x, [1, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  bp.return
}

// -----

// Tests that a slice has bounds for every dimension.
bp.func @slice_rank(%x: tensor<4x4xf32>) {
  // expected-error@+1 {{needs one start:stop:step per dimension of 'tensor<4x4xf32>'}}
  %0 = bp.slice %x[0:2:1] : tensor<4x4xf32> -> tensor<2x4xf32>
  bp.return
}

// -----

// Tests that negative and zero steps are rejected.
bp.func @slice_step(%x: tensor<4xf32>) {
  // expected-error@+1 {{step of dimension 0 must be >= 1, got -1}}
  %0 = bp.slice %x[3:0:-1] : tensor<4xf32> -> tensor<3xf32>
  bp.return
}

// -----

// Tests that bounds must be normalised by the tracer.
bp.func @slice_normalised(%x: tensor<4xf32>) {
  // expected-error@+1 {{bounds 3:1 of dimension 0 are not normalised (0 <= start <= stop)}}
  %0 = bp.slice %x[3:1:1] : tensor<4xf32> -> tensor<0xf32>
  bp.return
}

// -----

// Tests that bounds stay within a static dimension.
bp.func @slice_bounds(%x: tensor<4xf32>) {
  // expected-error@+1 {{bounds of dimension 0 exceed its size 4 in 'tensor<4xf32>'}}
  %0 = bp.slice %x[0:5:1] : tensor<4xf32> -> tensor<5xf32>
  bp.return
}

// -----

// Tests that the result has the slice's shape.
bp.func @slice_result(%x: tensor<?x10xf32>) {
  // expected-error@+1 {{result type 'tensor<?x4xf32>' does not match the slice shape 'tensor<?x3xf32>'}}
  %0 = bp.slice %x[0:?:1, 1:10:3] : tensor<?x10xf32> -> tensor<?x4xf32>
  bp.return
}

// -----

// Tests that the update of update_slice broadcasts to the slice.
bp.func @update_slice_shape(%u: tensor<3xf32>, %w: tensor<10xf32>) {
  // expected-error@+1 {{dimension 0 of update 'tensor<3xf32>' has size 3 and cannot broadcast to size 5}}
  %0 = bp.update_slice %u into %w[0:10:2] : tensor<3xf32> into tensor<10xf32>
  bp.return
}

// -----

// Tests that the update has the destination's element type.
bp.func @update_slice_element(%u: tensor<f64>, %w: tensor<10xf32>) {
  // expected-error@+1 {{element types differ: 'tensor<f64>' and 'tensor<10xf32>'}}
  %0 = bp.update_slice %u into %w[0:?:1] : tensor<f64> into tensor<10xf32>
  bp.return
}

// -----

// Tests that bp.index has one axis per index.
bp.func @index_axes(%x: tensor<3x4xf32>, %i: tensor<i64>) {
  // expected-error@+1 {{needs one axis per index, got 1 indices and axes [0, 1]}}
  %0 = bp.index %x[%i] axes = [0, 1] : (tensor<3x4xf32>, tensor<i64>) -> tensor<f32>
  bp.return
}

// -----

// Tests that bp.index drops the indexed dimensions.
bp.func @index_result(%x: tensor<3x4xf32>, %i: tensor<i64>) {
  // expected-error@+1 {{result type 'tensor<3xf32>' does not match the indexed shape 'tensor<4xf32>'}}
  %0 = bp.index %x[%i] axes = [0] : (tensor<3x4xf32>, tensor<i64>) -> tensor<3xf32>
  bp.return
}

// -----

// Tests that the update of update_index broadcasts to the selected positions.
bp.func @update_index_shape(%u: tensor<4xf32>, %w: tensor<3x4xf32>, %j: tensor<i64>) {
  // expected-error@+1 {{dimension 0 of update 'tensor<4xf32>' has size 4 and cannot broadcast to size 3}}
  %0 = bp.update_index %u into %w[%j] axes = [1] : (tensor<4xf32>, tensor<3x4xf32>, tensor<i64>) -> tensor<3x4xf32>
  bp.return
}

// -----

// Tests that the concatenation axis is in range.
bp.func @concat_axis(%a: tensor<3xf32>) {
  // expected-error@+1 {{axis 1 is out of range for rank 1}}
  %0 = bp.concatenate %a, %a axis = 1 : (tensor<3xf32>, tensor<3xf32>) -> tensor<6xf32>
  bp.return
}

// -----

// Tests that concatenated inputs agree off the axis.
bp.func @concat_other_dims(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error@+1 {{inputs disagree on dimension 1: 3 and 4}}
  %0 = bp.concatenate %a, %b axis = 0 : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  bp.return
}

// -----

// Tests that concatenated inputs share rank and element type.
bp.func @concat_element(%a: tensor<3xf32>, %b: tensor<3xi32>) {
  // expected-error@+1 {{inputs 'tensor<3xf32>' and 'tensor<3xi32>' differ in rank or element type}}
  %0 = bp.concatenate %a, %b axis = 0 : (tensor<3xf32>, tensor<3xi32>) -> tensor<6xf32>
  bp.return
}

// -----

// Tests that the concatenation result adds up the axis sizes.
bp.func @concat_result(%a: tensor<2x3xf32>, %b: tensor<?x3xf32>) {
  // expected-error@+1 {{result type 'tensor<5x3xf32>' does not match the concatenated shape 'tensor<?x3xf32>'}}
  %0 = bp.concatenate %a, %b axis = 0 : (tensor<2x3xf32>, tensor<?x3xf32>) -> tensor<5x3xf32>
  bp.return
}

// -----

//===----------------------------------------------------------------------===//
// Creation ops
//===----------------------------------------------------------------------===//

// Tests that a fill op has one size operand per '?' dimension.
bp.func @zeros_dims(%n: index) {
  // expected-error@+1 {{has 1 dims operands but 'tensor<3xf32>' has 0 '?' dimensions}}
  %0 = bp.zeros(%n) : tensor<3xf32>
  bp.return
}

// -----

// Tests that bp.full's value has the result's element type.
bp.func @full_element(%v: tensor<i32>) {
  // expected-error@+1 {{element types differ: 'tensor<i32>' and 'tensor<3xf32>'}}
  %0 = bp.full %v : tensor<i32> -> tensor<3xf32>
  bp.return
}

// -----

// Tests that bp.arange rejects a zero step.
bp.func @arange_step() {
  // expected-error@+1 {{step must not be zero}}
  %0 = bp.arange start = 0.0, step = 0.0 : tensor<3xf32>
  bp.return
}

// -----

// Tests that bp.linspace produces a static vector.
bp.func @linspace_rank() {
  // expected-error@+1 {{result must be a static 1-D tensor, got 'tensor<2x2xf32>'}}
  %0 = bp.linspace 0.0 to 1.0 : tensor<2x2xf32>
  bp.return
}

// -----

// Tests that bp.eye produces a static matrix.
bp.func @eye_rank() {
  // expected-error@+1 {{result must be a static 2-D tensor, got 'tensor<?x3xf32>'}}
  %0 = bp.eye : tensor<?x3xf32>
  bp.return
}
