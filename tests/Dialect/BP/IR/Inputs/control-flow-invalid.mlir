bp.func @yield_type(%x: tensor<f32>, %c: tensor<i1>) -> tensor<f32> {
  // expected-error@+1 {{'bp.if' op the else yield has types ('tensor<3xf32>') but the op's results are ('tensor<f32>')}}
  %r = bp.if %c -> (tensor<f32>) {
    bp.yield %x : tensor<f32>
  } else {
    %z = bp.zeros : tensor<3xf32>
    bp.yield %z : tensor<3xf32>
  }
  bp.return %r : tensor<f32>
}

// -----

bp.func @carried_type(%n: tensor<i32>) -> tensor<i32> {
  %zero = bp.constant dense<0> : tensor<i32>
  // expected-error@+1 {{'bp.while' op the after yield has types ('tensor<f32>') but the op's results are ('tensor<i32>')}}
  %r = bp.while (%zero) : (tensor<i32>) -> (tensor<i32>) {
  ^bb0(%i: tensor<i32>):
    %c = bp.cmp lt, %i, %n : (tensor<i32>, tensor<i32>) -> tensor<i1>
    bp.condition %c, %i : tensor<i32>
  } do {
  ^bb0(%i: tensor<i32>):
    %f = bp.cast %i : tensor<i32> to tensor<f32>
    bp.yield %f : tensor<f32>
  }
  bp.return %r : tensor<i32>
}

// -----

bp.func @condition_values(%n: tensor<i32>) -> tensor<i32> {
  %zero = bp.constant dense<0> : tensor<i32>
  // expected-error@+1 {{'bp.while' op bp.condition has types () but the op's results are ('tensor<i32>')}}
  %r = bp.while (%zero) : (tensor<i32>) -> (tensor<i32>) {
  ^bb0(%i: tensor<i32>):
    %c = bp.cmp lt, %i, %n : (tensor<i32>, tensor<i32>) -> tensor<i1>
    bp.condition %c
  } do {
  ^bb0(%i: tensor<i32>):
    bp.yield %i : tensor<i32>
  }
  bp.return %r : tensor<i32>
}

// -----

bp.func @progress_total(%i: tensor<i32>) -> tensor<i32> {
  %r = bp.while (%i) : (tensor<i32>) -> (tensor<i32>) {
  ^bb0(%j: tensor<i32>):
    %c = bp.cmp lt, %j, %j : (tensor<i32>, tensor<i32>) -> tensor<i1>
    bp.condition %c, %j : tensor<i32>
  } do {
  ^bb0(%j: tensor<i32>):
    // expected-error@+1 {{'bp.progress' op total must be at least 1, got 0}}
    bp.progress %j total = 0 : tensor<i32>
    bp.yield %j : tensor<i32>
  }
  bp.return %r : tensor<i32>
}

// -----

bp.func @progress_outside_loop(%i: tensor<i32>) {
  // expected-error@+1 {{'bp.progress' op expects parent op 'bp.while'}}
  bp.progress %i total = 10 : tensor<i32>
  bp.return
}
