//===- BPControlFlowOps.td - Branches and loops of bp ------*- tablegen -*-===//
//
// Control flow on traced (dynamic) 0-d values, which jax.jit cannot express
// in Python syntax (DESIGN.md §2): `if`/`else` on a traced scalar becomes
// bp.if and `while` on one becomes bp.while. Values assigned in a branch or
// carried by a loop, Variables included, are results of the op; nothing
// inside mutates. They lower one to one to scf.if and scf.while.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_DIALECT_BP_IR_BPCONTROLFLOWOPS_TD
#define BPC_DIALECT_BP_IR_BPCONTROLFLOWOPS_TD

// A traced condition: a 0-d bool tensor.
def BP_BoolScalar : 0DTensorOf<[I1]> {
  let builderCall = "::mlir::RankedTensorType::get({}, $_builder.getI1Type())";
}

def BP_IfOp : BP_Op<"if", [RecursiveMemoryEffects, NoRegionArguments]> {
  let summary = "Two-way branch on a traced 0-d bool (`if`/`else`)";
  let description = [{
    Runs the `then` region when `condition` is true, else the `else` region;
    each ends with a `bp.yield` of values of the result types (the values
    that the branches assign, merged).

    ```mlir
    %r = bp.if %c -> (tensor<f32>) {
      %a = bp.mul %x, %x : (tensor<f32>, tensor<f32>) -> tensor<f32>
      bp.yield %a : tensor<f32>
    } else {
      bp.yield %x : tensor<f32>
    }
    ```
  }];
  let arguments = (ins BP_BoolScalar:$condition);
  let results = (outs Variadic<BP_AnyTensor>:$results);
  let regions = (region SizedRegion<1>:$thenRegion, SizedRegion<1>:$elseRegion);
  let assemblyFormat = [{
    $condition (`->` `(` type($results)^ `)`)? $thenRegion `else` $elseRegion attr-dict
  }];
  let hasVerifier = 1;
}

def BP_WhileOp : BP_Op<"while", [RecursiveMemoryEffects]> {
  let summary = "Loop while a traced 0-d bool holds (`while`)";
  let description = [{
    The carried values start as `inits`. The `before` region receives them,
    computes the condition and ends with `bp.condition %c, %values`; when
    `%c` is true the `after` region receives `%values` and yields the next
    carried values, otherwise the op's results are `%values`. As scf.while.

    ```mlir
    %r = bp.while (%i0) : (tensor<i32>) -> (tensor<i32>) {
    ^bb0(%i: tensor<i32>):
      %c = bp.cmp lt, %i, %n : (tensor<i32>, tensor<i32>) -> tensor<i1>
      bp.condition %c, %i : tensor<i32>
    } do {
    ^bb0(%i: tensor<i32>):
      %next = bp.add %i, %one : (tensor<i32>, tensor<i32>) -> tensor<i32>
      bp.yield %next : tensor<i32>
    }
    ```
  }];
  let arguments = (ins Variadic<BP_AnyTensor>:$inits);
  let results = (outs Variadic<BP_AnyTensor>:$results);
  let regions = (region SizedRegion<1>:$before, SizedRegion<1>:$after);
  let assemblyFormat = [{
    ` ` `(` $inits `)` `:` functional-type($inits, $results) $before `do` $after attr-dict
  }];
  let hasVerifier = 1;
}

def BP_ProgressOp : BP_Op<"progress", [
    MemoryEffects<[MemWrite]>, HasParent<"WhileOp">]> {
  let summary = "Reports the progress of a loop (`progress_bar=True`)";
  let description = [{
    `done` iterations of `total` are finished. Emitted at the end of the
    `after` region of the bp.while of `bm.for_loop(..., progress_bar=True)`
    and never otherwise, so a loop without a progress bar pays nothing. The
    lowering calls the runtime's `bpc_progress_update(done, total)` (C
    symbol, runtime/include/bpc/progress.h) on the first and the last
    iteration and every 2^k-th in between (64 to 128 calls per loop); the runtime
    draws the bar on stderr. It writes to the terminal, so it is never
    removed or moved.

    ```mlir
    bp.progress %next total = 10000 : tensor<i32>
    ```
  }];
  let arguments = (ins BP_IndexScalar:$done, BP_I64Attr:$total);
  let assemblyFormat = "$done `total` `=` $total attr-dict `:` type($done)";
  let hasVerifier = 1;
}

def BP_ConditionOp : BP_Op<"condition", [Pure, Terminator, HasParent<"WhileOp">]> {
  let summary = "Ends the `before` region of bp.while";
  let description = [{
    ```mlir
    bp.condition %c, %i : tensor<i32>
    ```
  }];
  let arguments = (ins BP_BoolScalar:$condition, Variadic<BP_AnyTensor>:$values);
  let assemblyFormat = [{
    $condition (`,` $values^ `:` type($values))? attr-dict
  }];
}

def BP_YieldOp : BP_Op<"yield", [Pure, Terminator, ReturnLike,
                                  ParentOneOf<["IfOp", "WhileOp"]>]> {
  let summary = "Ends a region of bp.if or the `after` region of bp.while";
  let description = [{
    ```mlir
    bp.yield %a, %b : tensor<f32>, tensor<3xf32>
    ```
  }];
  let arguments = (ins Variadic<BP_AnyTensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

#endif // BPC_DIALECT_BP_IR_BPCONTROLFLOWOPS_TD
