bp.func @bad_key(%key: tensor<3xi32>) -> tensor<4xi32> {
  // expected-error@+1 {{'bp.random_bits' op expects a key of type tensor<2xi32>, got 'tensor<3xi32>'}}
  %b = bp.random_bits %key : tensor<3xi32> -> tensor<4xi32>
  bp.return %b : tensor<4xi32>
}

// -----

bp.func @dynamic_result(%key: tensor<2xi32>) -> tensor<?xf32> {
  // expected-error@+1 {{'bp.random_normal' op expects a statically shaped result, got 'tensor<?xf32>'}}
  %n = bp.random_normal %key : tensor<2xi32> -> tensor<?xf32>
  bp.return %n : tensor<?xf32>
}

// -----

bp.func @split_shape(%key: tensor<2xi32>) -> tensor<3xi32> {
  // expected-error@+1 {{'bp.random_split' op expects a result of N keys, tensor<Nx2xi32>, got 'tensor<3xi32>'}}
  %k = bp.random_split %key : tensor<2xi32> -> tensor<3xi32>
  bp.return %k : tensor<3xi32>
}

// -----

bp.func @bound_type(%key: tensor<2xi32>, %lo: tensor<f64>, %hi: tensor<f32>) -> tensor<4xf32> {
  // expected-error@+1 {{'bp.random_uniform' op expects minval of element type 'f32', got 'tensor<f64>'}}
  %u = bp.random_uniform %key, %lo, %hi : (tensor<2xi32>, tensor<f64>, tensor<f32>) -> tensor<4xf32>
  bp.return %u : tensor<4xf32>
}

// -----

bp.func @bound_shape(%key: tensor<2xi32>, %lo: tensor<i32>, %hi: tensor<3xi32>) -> tensor<4xi32> {
  // expected-error@+1 {{'bp.random_int' op expects maxval to be 0-d or of the result's shape 'tensor<4xi32>', got 'tensor<3xi32>'}}
  %r = bp.random_int %key, %lo, %hi : (tensor<2xi32>, tensor<i32>, tensor<3xi32>) -> tensor<4xi32>
  bp.return %r : tensor<4xi32>
}
