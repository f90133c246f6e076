// RUN: bpc-opt --split-input-file --bpc-test-grad="func=f wrt=0" --verify-diagnostics %s

// Tests that a non-scalar loss is rejected with a hint.
// expected-error@+2 {{'bp.func' op cannot be differentiated: the loss (result #0) has type 'tensor<3xf32>'}}
// expected-note@+1 {{a gradient needs a 0-d loss; reduce it first, e.g. with .sum() or .mean()}}
bp.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  bp.return %x : tensor<3xf32>
}

// -----

// Tests that an integer loss is rejected with a hint.
// expected-error@+2 {{'bp.func' op cannot be differentiated: the loss (result #0) has type 'tensor<i32>'}}
// expected-note@+1 {{a gradient needs an f32 or f64 loss; cast it first, e.g. with .astype(bm.float32)}}
bp.func @f(%x: tensor<3xi32>) -> tensor<i32> {
  %s = bp.sum %x axes = [0] : tensor<3xi32> -> tensor<i32>
  bp.return %s : tensor<i32>
}

// -----

// Tests that differentiating with respect to an integer input is an error.
// expected-error@+2 {{'bp.func' op cannot be differentiated with respect to argument #0 of type 'tensor<3xi32>'}}
// expected-note@+1 {{only f32 and f64 arrays have gradients; an integer or bool input is a constant of the loss}}
bp.func @f(%i: tensor<3xi32>, %x: tensor<3xf32>) -> tensor<f32> {
  %l = bp.sum %x axes = [0] : tensor<3xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}

// -----

// Tests that an integer Variable is named by its path.
// expected-error@+2 {{'bp.func' op cannot be differentiated with respect to Variable 'rng.key' (input #0) of type 'tensor<2xi32>'}}
// expected-note@+1 {{only f32 and f64 arrays have gradients}}
bp.func @f() vars(%key: tensor<2xi32> {bp.var = "rng.key"}) -> tensor<f32> {
  %l = bp.constant dense<1.0> : tensor<f32>
  bp.return %l : tensor<f32> vars(%key : tensor<2xi32>)
}

// -----

// Tests that a reshape whose inverse would need two inferred sizes is
// reported at the reshape.
bp.func @f(%x: tensor<?x?xf32>) -> tensor<f32> {
  // expected-error@+1 {{'bp.reshape' op cannot be differentiated: its gradient would reshape back to 'tensor<?x?xf32>', but bp.reshape can infer only one '?' dimension}}
  %r = bp.reshape %x : tensor<?x?xf32> -> tensor<?xf32>
  %l = bp.sum %r axes = [0] : tensor<?xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}

// -----

// Tests that a concatenation whose inputs after the first start at run-time
// offsets is reported at the concatenate.
bp.func @f(%a: tensor<?x3xf32>, %b: tensor<2x3xf32>) -> tensor<f32> {
  // expected-error@+1 {{'bp.concatenate' op cannot be differentiated: input #0 has a '?' size along axis 0, so the inputs after it start at unknown offsets}}
  %c = bp.concatenate %a, %b axis = 0 : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x3xf32>
  %l = bp.sum %c axes = [0, 1] : tensor<?x3xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}

// -----

// Tests that a loss that is not there is reported.
// expected-error@+1 {{'bp.func' op has 0 results, so result #0 cannot be the loss}}
bp.func @f(%x: tensor<f32>) {
  bp.return
}

// -----

// Tests that a loss carried by a traced loop is rejected with a hint.
bp.func @f(%x: tensor<f32>) -> tensor<f32> {
  %one = bp.constant dense<1.0> : tensor<f32>
  // expected-error@+2 {{'bp.while' op cannot be differentiated: the loss depends on a value carried by this traced loop}}
  // expected-note@+1 {{reverse-mode gradients of a loop whose trip count is only known at run time are not supported (as with JAX's while_loop); compute the loss with a Python loop over a static range, which bm.grad unrolls}}
  %r = bp.while (%x) : (tensor<f32>) -> (tensor<f32>) {
  ^bb0(%v: tensor<f32>):
    %c = bp.cmp lt, %v, %one : (tensor<f32>, tensor<f32>) -> tensor<i1>
    bp.condition %c, %v : tensor<f32>
  } do {
  ^bb0(%v: tensor<f32>):
    %n = bp.mul %v, %v : (tensor<f32>, tensor<f32>) -> tensor<f32>
    bp.yield %n : tensor<f32>
  }
  bp.return %r : tensor<f32>
}
