//===- BPOps.td - Operations of the bp dialect -------------*- tablegen -*-===//
//
// Families of ops share a base class that holds their operands, format and
// verifier; each def adds only its mnemonic, types and documentation.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_DIALECT_BP_IR_BPOPS_TD
#define BPC_DIALECT_BP_IR_BPOPS_TD

include "bpc/Dialect/BP/IR/BPDialect.td"
include "bpc/Dialect/BP/IR/BPInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def BP_AnyTensor : RankedTensorOf<[F32, F64, I32, I64, I1]>;
def BP_NumTensor : RankedTensorOf<[F32, F64, I32, I64]>;
def BP_FloatTensor : RankedTensorOf<[F32, F64]>;
def BP_IntTensor : RankedTensorOf<[I32, I64]>;
def BP_IntOrBoolTensor : RankedTensorOf<[I32, I64, I1]>;
def BP_BoolTensor : RankedTensorOf<[I1]>;
// Dynamic integer indices are 0-d tensors like every other traced scalar.
def BP_IndexScalar : 0DTensorOf<[I32, I64]>;
def BP_Scalar : 0DTensorOf<[F32, F64, I32, I64, I1]>;

// An i64 attribute read as int64_t: axes and counts are signed in verifiers
// (upstream's I64Attr reads as uint64_t, hiding negative axes).
def BP_I64Attr
    : TypedSignlessIntegerAttrBase<I64, "int64_t", "64-bit integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

//===----------------------------------------------------------------------===//
// bp.func
//===----------------------------------------------------------------------===//

def BP_FuncOp : BP_Op<"func", [
    AutomaticAllocationScope, FunctionOpInterface, IsolatedFromAbove]> {
  let summary = "A traced function with explicit dynamic Variables";
  let description = [{
    The body of one specialisation of a jitted function. The entry block
    takes the ordinary arguments and then the dynamic Variables (`vars(...)`,
    each with its path in `bp.var`); `function_type` lists both, and
    `num_vars` says how many trailing inputs are Variables. The terminator
    `bp.return` yields the results and then the new value of every Variable,
    in block-argument order. Symbolic dimension names of an argument are in
    `bp.dims`, one entry per dimension: a name for a `?` dimension, `""` for a
    static one.

    ```mlir
    bp.func @lr_step(%X: tensor<?x10xf32> {bp.dims = ["n", ""]},
                     %Y: tensor<?xf32> {bp.dims = ["n"]})
        vars(%w: tensor<10xf32> {bp.var = "lr.w"}) {
      %xw = bp.matmul %X, %w
          : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?xf32>
      ...
      bp.return vars(%w_new : tensor<10xf32>)
    }
    ```
  }];

  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       BP_I64Attr:$num_vars,
                       OptionalAttr<StrAttr>:$sym_visibility,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region SizedRegion<1>:$body);

  let builders = [OpBuilder<(ins "::llvm::StringRef":$name,
      "::mlir::TypeRange":$argTypes, "::mlir::TypeRange":$varTypes,
      "::mlir::TypeRange":$resultTypes)>];

  let extraClassDeclaration = [{
    //===------------------------------------------------------------------===//
    // FunctionOpInterface
    //===------------------------------------------------------------------===//
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }

    //===------------------------------------------------------------------===//
    // Dynamic Variables
    //===------------------------------------------------------------------===//
    /// Number of ordinary (non-Variable) arguments.
    unsigned getNumOrdinaryArguments() {
      return getFunctionType().getNumInputs() - getNumVars();
    }
    /// The block arguments that carry dynamic Variables.
    ::llvm::ArrayRef<::mlir::BlockArgument> getVarArguments() {
      return getBody().getArguments().drop_front(getNumOrdinaryArguments());
    }
    ::llvm::ArrayRef<::mlir::Type> getVarTypes() {
      return getArgumentTypes().drop_front(getNumOrdinaryArguments());
    }
  }];
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// bp.return
//===----------------------------------------------------------------------===//

def BP_ReturnOp : BP_Op<"return", [
    Pure, HasParent<"FuncOp">, ReturnLike, Terminator,
    AttrSizedOperandSegments]> {
  let summary = "Yields a bp.func's results and its Variables' new values";
  let description = [{
    Terminates `bp.func`. `results` match the function's result types;
    `vars` has one value per Variable block argument, of the same type. A
    Variable that the function does not write is yielded unchanged.

    ```mlir
    bp.return %y : tensor<?xf32> vars(%w_new : tensor<10xf32>)
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$results, Variadic<AnyType>:$vars);
  let assemblyFormat = [{
    ($results^ `:` type($results))? (`vars` `(` $vars^ `:` type($vars) `)`)?
    attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// bp.global
//===----------------------------------------------------------------------===//

def BP_GlobalOp : BP_Op<"global", [Symbol]> {
  let summary = "The value of a frozen (non-dyn) Variable";
  let description = [{
    A Variable that a function reads but does not take as a dyn var is a
    constant of that specialisation: its value is captured when the function
    is traced. The symbol is the Variable's path. The value is a
    `DenseElementsAttr`, or a `DenseResourceElementsAttr` for large buffers.

    ```mlir
    bp.global @l.b = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, ElementsAttr:$value);
  let assemblyFormat = "$sym_name `=` $value attr-dict";
  let extraClassDeclaration = [{
    ::mlir::RankedTensorType getType() {
      return ::llvm::cast<::mlir::RankedTensorType>(getValue().getType());
    }
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// bp.frozen
//===----------------------------------------------------------------------===//

def BP_FrozenOp : BP_Op<"frozen", [
    Pure, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Reads the captured value of a frozen Variable";
  let description = [{
    Refers to a `bp.global` by symbol, so that the captured buffer is not
    copied into every use; the result type is the global's type.

    ```mlir
    %b = bp.frozen @l.b : tensor<3xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$global);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = "$global attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// bp.constant
//===----------------------------------------------------------------------===//

def BP_ConstantOp : BP_Op<"constant", [ConstantLike, Pure]> {
  let summary = "A dense literal array";
  let description = [{
    The result type is the type of `value`.

    ```mlir
    %c = bp.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs BP_AnyTensor:$result);
  let builders = [OpBuilder<(ins "::mlir::ElementsAttr":$value), [{
    build($_builder, $_state, value.getType(), value);
  }]>];
  let hasCustomAssemblyFormat = 1;
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops
//===----------------------------------------------------------------------===//

// Operands broadcast as in NumPy and the result type is the broadcast shape.
// Both operands have the same element type: the tracer applies JAX's
// promotion rules and inserts bp.cast before the op.
class BP_BinaryOp<string mnemonic, Type tensorType, list<Trait> traits = []>
    : BP_Op<mnemonic, !listconcat(traits, [Pure, BP_BroadcastDimSources])> {
  let arguments = (ins tensorType:$lhs, tensorType:$rhs);
  let results = (outs tensorType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() {
      return verifyElementwise(getOperation(), getOperands(),
                               getLhs().getType().getElementType());
    }
  }];
}

def BP_AddOp : BP_BinaryOp<"add", BP_NumTensor, [Commutative]> {
  let summary = "Elementwise addition (`+`)";
  let description = [{
    Integers wrap around on overflow.

    ```mlir
    %r = bp.add %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
    ```
  }];
  let hasFolder = 1;
}

def BP_SubOp : BP_BinaryOp<"sub", BP_NumTensor> {
  let summary = "Elementwise subtraction (`-`)";
  let description = [{
    ```mlir
    %r = bp.sub %a, %b : (tensor<3xi32>, tensor<i32>) -> tensor<3xi32>
    ```
  }];
  let hasFolder = 1;
}

def BP_MulOp : BP_BinaryOp<"mul", BP_NumTensor, [Commutative]> {
  let summary = "Elementwise multiplication (`*`)";
  let description = [{
    ```mlir
    %r = bp.mul %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    ```
  }];
  let hasFolder = 1;
}

def BP_DivOp : BP_BinaryOp<"div", BP_FloatTensor> {
  let summary = "Elementwise true division (`/`)";
  let description = [{
    IEEE division. Python's `/` on integers produces floats, so the tracer
    casts integer operands first (to f32, JAX's default float).

    ```mlir
    %r = bp.div %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
    ```
  }];
  let hasFolder = 1;
}

def BP_FloorDivOp : BP_BinaryOp<"floordiv", BP_NumTensor> {
  let summary = "Elementwise floor division (`//`)";
  let description = [{
    Python semantics: the quotient is rounded toward negative infinity
    (`-7 // 2 == -4`), also for floats (`floor(a / b)`). Integer division by
    zero gives an unspecified value (NumPy gives 0 and a warning).

    ```mlir
    %r = bp.floordiv %a, %b : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
    ```
  }];
}

def BP_RemOp : BP_BinaryOp<"rem", BP_NumTensor> {
  let summary = "Elementwise Python remainder (`%`)";
  let description = [{
    Python semantics: the result has the sign of the divisor
    (`-7 % 2 == 1`), so that `a == (a // b) * b + a % b`; unlike C's `fmod`
    and `%`.

    ```mlir
    %r = bp.rem %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
    ```
  }];
}

def BP_PowOp : BP_BinaryOp<"pow", BP_NumTensor> {
  let summary = "Elementwise power (`**`)";
  let description = [{
    For integers a negative exponent is an error in NumPy; the tracer
    rejects it when the exponent is a known constant, and otherwise the
    result is unspecified.

    ```mlir
    %r = bp.pow %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
    ```
  }];
}

def BP_MaxOp : BP_BinaryOp<"max", BP_NumTensor, [Commutative]> {
  let summary = "Elementwise maximum (`bm.maximum`)";
  let description = [{
    Propagates NaN, as `numpy.maximum` does.

    ```mlir
    %r = bp.max %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
    ```
  }];
}

def BP_MinOp : BP_BinaryOp<"min", BP_NumTensor, [Commutative]> {
  let summary = "Elementwise minimum (`bm.minimum`)";
  let description = [{
    Propagates NaN, as `numpy.minimum` does.

    ```mlir
    %r = bp.min %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
    ```
  }];
}

def BP_Atan2Op : BP_BinaryOp<"atan2", BP_FloatTensor> {
  let summary = "Elementwise arctan(lhs / rhs) in the quadrant of (rhs, lhs)";
  let description = [{
    NumPy's `arctan2(y, x)`: `lhs` is y, `rhs` is x.

    ```mlir
    %r = bp.atan2 %y, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    ```
  }];
}

def BP_AndOp : BP_BinaryOp<"and", BP_IntOrBoolTensor, [Commutative]> {
  let summary = "Elementwise bitwise/logical and (`&`)";
  let description = [{
    Bitwise on integers, logical on `i1`.

    ```mlir
    %r = bp.and %a, %b : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
    ```
  }];
}

def BP_OrOp : BP_BinaryOp<"or", BP_IntOrBoolTensor, [Commutative]> {
  let summary = "Elementwise bitwise/logical or (`|`)";
  let description = [{
    Bitwise on integers, logical on `i1`.

    ```mlir
    %r = bp.or %a, %b : (tensor<3xi32>, tensor<i32>) -> tensor<3xi32>
    ```
  }];
}

def BP_XorOp : BP_BinaryOp<"xor", BP_IntOrBoolTensor, [Commutative]> {
  let summary = "Elementwise bitwise/logical xor (`^`)";
  let description = [{
    Bitwise on integers, logical on `i1`.

    ```mlir
    %r = bp.xor %a, %b : (tensor<3xi1>, tensor<i1>) -> tensor<3xi1>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// bp.cmp
//===----------------------------------------------------------------------===//

def BP_CmpPredicate : I64EnumAttr<"CmpPredicate",
    "comparison predicate of bp.cmp", [
      I64EnumAttrCase<"eq", 0>, I64EnumAttrCase<"ne", 1>,
      I64EnumAttrCase<"lt", 2>, I64EnumAttrCase<"le", 3>,
      I64EnumAttrCase<"gt", 4>, I64EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::bpc::bp";
}

def BP_CmpOp : BP_Op<"cmp", [Pure, BP_BroadcastDimSources]> {
  let summary = "Elementwise comparison, yielding bools";
  let description = [{
    Operands broadcast and share an element type, as for the binary ops.
    Float comparisons are IEEE (ordered except `ne`, which is true when
    either side is NaN, like Python's `!=`). On `i1`, `false < true`.

    ```mlir
    %r = bp.cmp gt, %x, %zero : (tensor<?xf32>, tensor<f32>) -> tensor<?xi1>
    ```
  }];
  let arguments = (ins BP_CmpPredicate:$predicate, BP_AnyTensor:$lhs,
                       BP_AnyTensor:$rhs);
  let results = (outs BP_BoolTensor:$result);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// bp.where
//===----------------------------------------------------------------------===//

def BP_WhereOp : BP_Op<"where", [Pure, BP_BroadcastDimSources]> {
  let summary = "Elementwise select (`bm.where`)";
  let description = [{
    All three operands broadcast together; the two values share an element
    type, which is the result's.

    ```mlir
    %r = bp.where %c, %x, %y
        : (tensor<?xi1>, tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
    ```
  }];
  let arguments = (ins BP_BoolTensor:$condition, BP_AnyTensor:$true_value,
                       BP_AnyTensor:$false_value);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

class BP_UnaryOp<string mnemonic, Type tensorType, list<Trait> traits = []>
    : BP_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType,
                                           BP_BroadcastDimSources])> {
  let arguments = (ins tensorType:$operand);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
}

def BP_NegOp : BP_UnaryOp<"neg", BP_NumTensor> {
  let summary = "Elementwise negation (unary `-`)";
  let description = [{
    ```mlir
    %r = bp.neg %x : tensor<3xf32>
    ```
  }];
  let hasFolder = 1;
}

def BP_ExpOp : BP_UnaryOp<"exp", BP_FloatTensor> {
  let summary = "Elementwise e^x";
  let description = [{
    ```mlir
    %r = bp.exp %x : tensor<3xf32>
    ```
  }];
}

def BP_LogOp : BP_UnaryOp<"log", BP_FloatTensor> {
  let summary = "Elementwise natural logarithm";
  let description = [{
    ```mlir
    %r = bp.log %x : tensor<3xf32>
    ```
  }];
}

def BP_TanhOp : BP_UnaryOp<"tanh", BP_FloatTensor> {
  let summary = "Elementwise hyperbolic tangent";
  let description = [{
    ```mlir
    %r = bp.tanh %x : tensor<3xf32>
    ```
  }];
}

def BP_SinOp : BP_UnaryOp<"sin", BP_FloatTensor> {
  let summary = "Elementwise sine";
  let description = [{
    ```mlir
    %r = bp.sin %x : tensor<3xf32>
    ```
  }];
}

def BP_CosOp : BP_UnaryOp<"cos", BP_FloatTensor> {
  let summary = "Elementwise cosine";
  let description = [{
    ```mlir
    %r = bp.cos %x : tensor<3xf32>
    ```
  }];
}

def BP_SqrtOp : BP_UnaryOp<"sqrt", BP_FloatTensor> {
  let summary = "Elementwise square root";
  let description = [{
    ```mlir
    %r = bp.sqrt %x : tensor<3xf32>
    ```
  }];
}

def BP_AbsOp : BP_UnaryOp<"abs", BP_NumTensor> {
  let summary = "Elementwise absolute value";
  let description = [{
    The most negative integer stays negative, as in NumPy.

    ```mlir
    %r = bp.abs %x : tensor<3xi32>
    ```
  }];
}

def BP_SigmoidOp : BP_UnaryOp<"sigmoid", BP_FloatTensor> {
  let summary = "Elementwise logistic function 1 / (1 + e^-x)";
  let description = [{
    A single op rather than a composition so that autodiff can use
    `s * (1 - s)` and the lowering can pick a form that does not overflow.

    ```mlir
    %r = bp.sigmoid %x : tensor<3xf32>
    ```
  }];
}

// Functions of NumPy's surface that map one-to-one onto a `math` dialect op
// (or libm): one op each, so that lowering keeps libm's accuracy and
// autodiff has the closed-form derivative.

def BP_Exp2Op : BP_UnaryOp<"exp2", BP_FloatTensor> {
  let summary = "Elementwise 2^x";
  let description = [{
    ```mlir
    %r = bp.exp2 %x : tensor<3xf32>
    ```
  }];
}

def BP_Expm1Op : BP_UnaryOp<"expm1", BP_FloatTensor> {
  let summary = "Elementwise e^x - 1, accurate near 0";
  let description = [{
    ```mlir
    %r = bp.expm1 %x : tensor<3xf32>
    ```
  }];
}

def BP_Log2Op : BP_UnaryOp<"log2", BP_FloatTensor> {
  let summary = "Elementwise base-2 logarithm";
  let description = [{
    ```mlir
    %r = bp.log2 %x : tensor<3xf32>
    ```
  }];
}

def BP_Log10Op : BP_UnaryOp<"log10", BP_FloatTensor> {
  let summary = "Elementwise base-10 logarithm";
  let description = [{
    ```mlir
    %r = bp.log10 %x : tensor<3xf32>
    ```
  }];
}

def BP_Log1pOp : BP_UnaryOp<"log1p", BP_FloatTensor> {
  let summary = "Elementwise log(1 + x), accurate near 0";
  let description = [{
    ```mlir
    %r = bp.log1p %x : tensor<3xf32>
    ```
  }];
}

def BP_TanOp : BP_UnaryOp<"tan", BP_FloatTensor> {
  let summary = "Elementwise tangent";
  let description = [{
    ```mlir
    %r = bp.tan %x : tensor<3xf32>
    ```
  }];
}

def BP_AsinOp : BP_UnaryOp<"asin", BP_FloatTensor> {
  let summary = "Elementwise inverse sine (`arcsin`)";
  let description = [{
    ```mlir
    %r = bp.asin %x : tensor<3xf32>
    ```
  }];
}

def BP_AcosOp : BP_UnaryOp<"acos", BP_FloatTensor> {
  let summary = "Elementwise inverse cosine (`arccos`)";
  let description = [{
    ```mlir
    %r = bp.acos %x : tensor<3xf32>
    ```
  }];
}

def BP_AtanOp : BP_UnaryOp<"atan", BP_FloatTensor> {
  let summary = "Elementwise inverse tangent (`arctan`)";
  let description = [{
    ```mlir
    %r = bp.atan %x : tensor<3xf32>
    ```
  }];
}

def BP_SinhOp : BP_UnaryOp<"sinh", BP_FloatTensor> {
  let summary = "Elementwise hyperbolic sine";
  let description = [{
    ```mlir
    %r = bp.sinh %x : tensor<3xf32>
    ```
  }];
}

def BP_CoshOp : BP_UnaryOp<"cosh", BP_FloatTensor> {
  let summary = "Elementwise hyperbolic cosine";
  let description = [{
    ```mlir
    %r = bp.cosh %x : tensor<3xf32>
    ```
  }];
}

def BP_AsinhOp : BP_UnaryOp<"asinh", BP_FloatTensor> {
  let summary = "Elementwise inverse hyperbolic sine (`arcsinh`)";
  let description = [{
    ```mlir
    %r = bp.asinh %x : tensor<3xf32>
    ```
  }];
}

def BP_AcoshOp : BP_UnaryOp<"acosh", BP_FloatTensor> {
  let summary = "Elementwise inverse hyperbolic cosine (`arccosh`)";
  let description = [{
    ```mlir
    %r = bp.acosh %x : tensor<3xf32>
    ```
  }];
}

def BP_AtanhOp : BP_UnaryOp<"atanh", BP_FloatTensor> {
  let summary = "Elementwise inverse hyperbolic tangent (`arctanh`)";
  let description = [{
    ```mlir
    %r = bp.atanh %x : tensor<3xf32>
    ```
  }];
}

def BP_CbrtOp : BP_UnaryOp<"cbrt", BP_FloatTensor> {
  let summary = "Elementwise cube root";
  let description = [{
    ```mlir
    %r = bp.cbrt %x : tensor<3xf32>
    ```
  }];
}

// Rounding to integral values, on floats only: the tracer returns an integer
// operand unchanged, as jnp.floor does. Their derivative is zero.

def BP_FloorOp : BP_UnaryOp<"floor", BP_FloatTensor> {
  let summary = "Elementwise rounding toward -inf";
  let description = [{
    ```mlir
    %r = bp.floor %x : tensor<3xf32>
    ```
  }];
}

def BP_CeilOp : BP_UnaryOp<"ceil", BP_FloatTensor> {
  let summary = "Elementwise rounding toward +inf";
  let description = [{
    ```mlir
    %r = bp.ceil %x : tensor<3xf32>
    ```
  }];
}

def BP_RoundOp : BP_UnaryOp<"round", BP_FloatTensor> {
  let summary = "Elementwise rounding to the nearest integer, halves to even (NumPy's `round`/`rint`)";
  let description = [{
    ```mlir
    %r = bp.round %x : tensor<3xf32>
    ```
  }];
}

def BP_TruncOp : BP_UnaryOp<"trunc", BP_FloatTensor> {
  let summary = "Elementwise rounding toward 0 (`fix`, `trunc`)";
  let description = [{
    ```mlir
    %r = bp.trunc %x : tensor<3xf32>
    ```
  }];
}

def BP_NotOp : BP_UnaryOp<"not", BP_IntOrBoolTensor> {
  let summary = "Elementwise logical not on bools, bitwise not on integers";
  let description = [{
    `~` in Python; `bm.logical_not` on bools.

    ```mlir
    %r = bp.not %c : tensor<3xi1>
    ```
  }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// bp.cast
//===----------------------------------------------------------------------===//

def BP_CastOp : BP_Op<"cast", [Pure, BP_BroadcastDimSources]> {
  let summary = "Elementwise conversion of the element type";
  let description = [{
    NumPy `astype` semantics: float to int truncates toward zero, int to bool
    and float to bool compare with zero, bool to number gives 0 or 1. The
    shape does not change.

    ```mlir
    %r = bp.cast %x : tensor<?xi32> to tensor<?xf32>
    ```
  }];
  let arguments = (ins BP_AnyTensor:$input);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// bp.matmul
//===----------------------------------------------------------------------===//

def BP_MatmulOp : BP_Op<"matmul", [Pure, BP_DimSources]> {
  let summary = "NumPy matmul (`@`)";
  let description = [{
    vector·vector gives a 0-d tensor, matrix·vector drops the last
    dimension, vector·matrix the second-to-last, and operands of rank ≥ 2
    broadcast their batch dimensions. `bm.dot` agrees with matmul for
    operands of rank ≤ 2, so the tracer emits `bp.matmul` for it; N-D `dot`
    (a different contraction) and 0-d operands (a multiplication) are the
    tracer's to rewrite.

    ```mlir
    %y = bp.matmul %x, %w : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?xf32>
    ```
  }];
  let arguments = (ins BP_NumTensor:$lhs, BP_NumTensor:$rhs);
  let results = (outs BP_NumTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

// `axes` lists the reduced dimensions, ascending and without repeats; the
// tracer normalises Python's negative axes and `axis=None` (all axes).
class BP_ReduceOp<string mnemonic, Type tensorType>
    : BP_Op<mnemonic, [Pure, BP_DimSources]> {
  let arguments = (ins tensorType:$input, DenseI64ArrayAttr:$axes,
                       UnitAttr:$keepdims);
  let results = (outs tensorType:$result);
  let assemblyFormat = [{
    $input `axes` `=` $axes (`keepdims` $keepdims^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() {
      return verifyReduction(getOperation(), getAxes(), getKeepdims(),
                             /*sameElementType=*/true);
    }
  }];
}

def BP_SumOp : BP_ReduceOp<"sum", BP_NumTensor> {
  let summary = "Sum over axes";
  let description = [{
    The element type does not change: the tracer casts bools to i32 first,
    as JAX does.

    ```mlir
    %s = bp.sum %x axes = [0] : tensor<?x10xf32> -> tensor<10xf32>
    ```
  }];
}

def BP_MeanOp : BP_ReduceOp<"mean", BP_FloatTensor> {
  let summary = "Arithmetic mean over axes";
  let description = [{
    Integer inputs are cast to f32 by the tracer (JAX's `mean` of ints).

    ```mlir
    %m = bp.mean %x axes = [0, 1] keepdims : tensor<4x5xf32> -> tensor<1x1xf32>
    ```
  }];
}

def BP_ReduceMaxOp : BP_ReduceOp<"reduce_max", BP_NumTensor> {
  let summary = "Maximum over axes (`bm.max`)";
  let description = [{
    Propagates NaN. Reducing an empty axis is a run-time error.

    ```mlir
    %m = bp.reduce_max %x axes = [1] : tensor<4x5xf32> -> tensor<4xf32>
    ```
  }];
}

def BP_ReduceMinOp : BP_ReduceOp<"reduce_min", BP_NumTensor> {
  let summary = "Minimum over axes (`bm.min`)";
  let description = [{
    Propagates NaN. Reducing an empty axis is a run-time error.

    ```mlir
    %m = bp.reduce_min %x axes = [1] : tensor<4x5xi32> -> tensor<4xi32>
    ```
  }];
}

class BP_ArgReduceOp<string mnemonic>
    : BP_Op<mnemonic, [Pure, BP_DimSources]> {
  let arguments = (ins BP_NumTensor:$input, BP_I64Attr:$axis,
                       UnitAttr:$keepdims);
  let results = (outs BP_IntTensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis (`keepdims` $keepdims^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() {
      return verifyReduction(getOperation(), {getAxis()}, getKeepdims(),
                             /*sameElementType=*/false);
    }
  }];
}

def BP_ArgMaxOp : BP_ArgReduceOp<"argmax"> {
  let summary = "Index of the first maximum along one axis";
  let description = [{
    The result element type (i32 as JAX without x64, or i64) is the tracer's
    choice. `axis=None` (flat index) is a reshape to 1-D first.

    ```mlir
    %i = bp.argmax %x axis = 1 : tensor<4x5xf32> -> tensor<4xi32>
    ```
  }];
}

def BP_ArgMinOp : BP_ArgReduceOp<"argmin"> {
  let summary = "Index of the first minimum along one axis";
  let description = [{
    ```mlir
    %i = bp.argmin %x axis = 0 keepdims : tensor<4x5xf32> -> tensor<1x5xi64>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def BP_DimOp : BP_Op<"dim", [Pure]> {
  let summary = "The run-time size of one dimension";
  let description = [{
    Gives the `index` operands of ops that create `?` dimensions.

    ```mlir
    %n = bp.dim %x, 0 : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins BP_AnyTensor:$input, BP_I64Attr:$axis);
  let results = (outs Index:$result);
  let assemblyFormat = "$input `,` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def BP_BroadcastToOp : BP_Op<"broadcast_to", [Pure, BP_DimSources]> {
  let summary = "NumPy broadcast_to";
  let description = [{
    Dimensions are aligned from the right; each input dimension is 1 or the
    result's. `dims` gives the size of every `?` dimension of the result, in
    order.

    ```mlir
    %b = bp.broadcast_to %x dims(%n) : tensor<10xf32> -> tensor<?x10xf32>
    ```
  }];
  let arguments = (ins BP_AnyTensor:$input, Variadic<Index>:$dims);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = [{
    $input (`dims` `(` $dims^ `)`)? attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasFolder = 1;
  let hasVerifier = 1;
}

def BP_ReshapeOp : BP_Op<"reshape", [Pure, BP_DimSources]> {
  let summary = "Row-major reshape";
  let description = [{
    The result may have one `?` dimension, inferred from the element count
    (NumPy's `-1`); otherwise it is static. When the input has `?`
    dimensions the element counts are checked at run time.

    ```mlir
    %r = bp.reshape %x : tensor<?x10xf32> -> tensor<?x2x5xf32>
    ```
  }];
  let arguments = (ins BP_AnyTensor:$input);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def BP_TransposeOp : BP_Op<"transpose", [Pure, BP_DimSources]> {
  let summary = "Permutes dimensions";
  let description = [{
    Result dimension `i` is input dimension `permutation[i]`.

    ```mlir
    %t = bp.transpose %x, [1, 0] : tensor<?x10xf32> -> tensor<10x?xf32>
    ```
  }];
  let arguments = (ins BP_AnyTensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = [{
    $input `,` $permutation attr-dict `:` type($input) `->` type($result)
  }];
  let hasFolder = 1;
  let hasVerifier = 1;
}

// Python slices, one `start:stop:step` per dimension, normalised by the
// tracer: 0 <= start, step >= 1, and stop is either a number >= start or `?`
// for "to the end". On a static dimension, stop <= size; on a `?` dimension
// a numeric stop is checked against the run-time size (Python would clamp,
// but the result type already promised the static length).
class BP_SliceBase<string mnemonic, list<Trait> traits = []>
    : BP_Op<mnemonic, !listconcat(traits, [Pure, BP_DimSources])> {
  let hasVerifier = 1;
}

def BP_SliceOp : BP_SliceBase<"slice"> {
  let summary = "Basic slicing `x[a:b:c, ...]`";
  let description = [{
    Negative steps are not supported yet.

    ```mlir
    %s = bp.slice %x[0:?:1, 2:8:3] : tensor<?x10xf32> -> tensor<?x2xf32>
    ```
  }];
  let arguments = (ins BP_AnyTensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$stops, DenseI64ArrayAttr:$steps);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = [{
    $input `` custom<SliceBounds>($starts, $stops, $steps) attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasFolder = 1;
}

def BP_UpdateSliceOp : BP_SliceBase<"update_slice",
    [AllTypesMatch<["dest", "result"]>]> {
  let summary = "Functional `v[a:b:c, ...] = e`";
  let description = [{
    The result is `dest` with the slice replaced by `update`, which
    broadcasts to the slice's shape and has `dest`'s element type. `v[:] = e`
    is a full slice.

    ```mlir
    %w2 = bp.update_slice %u into %w[0:?:1] : tensor<f32> into tensor<10xf32>
    ```
  }];
  let arguments = (ins BP_AnyTensor:$update, BP_AnyTensor:$dest,
                       DenseI64ArrayAttr:$starts, DenseI64ArrayAttr:$stops,
                       DenseI64ArrayAttr:$steps);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = [{
    $update `into` $dest `` custom<SliceBounds>($starts, $stops, $steps)
    attr-dict `:` type($update) `into` type($dest)
  }];
}

def BP_IndexOp : BP_Op<"index", [Pure, BP_DimSources]> {
  let summary = "Integer indexing `x[i]`, `x[:, j]`";
  let description = [{
    Selects one position along each axis in `axes` (ascending) and drops
    those dimensions. Indices are 0-d tensors so that they may be dynamic; a
    negative index counts from the end, as in Python.

    An index out of range is an error in NumPy, and the tracer reports it
    when the dimension is static. On a `?` dimension it is only known at run
    time, where compiled code has no error channel yet: the position is
    clamped into range, as JAX's gathers do, and an empty dimension reads
    zeros.

    ```mlir
    %col = bp.index %x[%j] axes = [1]
        : (tensor<?x10xf32>, tensor<i32>) -> tensor<?xf32>
    ```
  }];
  let arguments = (ins BP_AnyTensor:$input, Variadic<BP_IndexScalar>:$indices,
                       DenseI64ArrayAttr:$axes);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = [{
    $input `[` $indices `]` `axes` `=` $axes attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def BP_UpdateIndexOp : BP_Op<"update_index",
    [Pure, AllTypesMatch<["dest", "result"]>, BP_DimSources]> {
  let summary = "Functional `v[i] = e`, `v[:, j] = e`";
  let description = [{
    The result is `dest` with the positions that `bp.index` with the same
    indices and axes would select replaced by `update`, which broadcasts to
    their shape and has `dest`'s element type. An index out of range (only
    possible on a `?` dimension, see `bp.index`) writes nothing, as JAX's
    scatters do: the result is `dest`.

    ```mlir
    %w2 = bp.update_index %e into %w[%i] axes = [0]
        : (tensor<f32>, tensor<10xf32>, tensor<i32>) -> tensor<10xf32>
    ```
  }];
  let arguments = (ins BP_AnyTensor:$update, BP_AnyTensor:$dest,
                       Variadic<BP_IndexScalar>:$indices,
                       DenseI64ArrayAttr:$axes);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = [{
    $update `into` $dest `[` $indices `]` `axes` `=` $axes attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def BP_ConcatenateOp : BP_Op<"concatenate", [Pure, BP_DimSources]> {
  let summary = "Joins tensors along an existing axis";
  let description = [{
    Inputs have the same rank and element type and agree on every other
    dimension.

    ```mlir
    %c = bp.concatenate %a, %b axis = 0
        : (tensor<2x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins Variadic<BP_AnyTensor>:$inputs, BP_I64Attr:$axis);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Creation ops
//===----------------------------------------------------------------------===//

// `dims` gives the size of every `?` dimension of the result, in order.
class BP_FillOp<string mnemonic>
    : BP_Op<mnemonic, [Pure, BP_DimSources]> {
  let arguments = (ins Variadic<Index>:$dims);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = "(`(` $dims^ `)`)? attr-dict `:` type($result)";
  let hasFolder = 1;
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() {
      return verifyDynamicDims(getOperation(), getType(), getDims().size());
    }
  }];
}

def BP_ZerosOp : BP_FillOp<"zeros"> {
  let summary = "An array of zeros (`bm.zeros`)";
  let description = [{
    With a static shape it folds to a splat `bp.constant`.

    ```mlir
    %z = bp.zeros(%n) : tensor<?x3xf32>
    ```
  }];
}

def BP_OnesOp : BP_FillOp<"ones"> {
  let summary = "An array of ones (`bm.ones`)";
  let description = [{
    With a static shape it folds to a splat `bp.constant`.

    ```mlir
    %o = bp.ones : tensor<10xf32>
    ```
  }];
}

def BP_FullOp : BP_Op<"full", [Pure, BP_DimSources]> {
  let summary = "An array filled with a (possibly dynamic) scalar";
  let description = [{
    ```mlir
    %f = bp.full %v dims(%n) : tensor<f32> -> tensor<?xf32>
    ```
  }];
  let arguments = (ins BP_Scalar:$value, Variadic<Index>:$dims);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = [{
    $value (`dims` `(` $dims^ `)`)? attr-dict `:` type($value) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def BP_ArangeOp : BP_Op<"arange", [Pure]> {
  let summary = "Evenly spaced values `start + i * step` (`bm.arange`)";
  let description = [{
    The length is the static size of the 1-D result, computed by the tracer
    from Python's `start, stop, step`. Values are computed in f64 and
    converted to the element type.

    ```mlir
    %a = bp.arange start = 0.0, step = 2.0 : tensor<5xi32>
    ```
  }];
  let arguments = (ins F64Attr:$start, F64Attr:$step);
  let results = (outs BP_NumTensor:$result);
  let assemblyFormat = [{
    `start` `=` $start `,` `step` `=` $step attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def BP_LinspaceOp : BP_Op<"linspace", [Pure]> {
  let summary = "Evenly spaced values over an interval (`bm.linspace`)";
  let description = [{
    The number of values is the static size of the 1-D result. `exclusive`
    is Python's `endpoint=False`.

    ```mlir
    %l = bp.linspace 0.0 to 1.0 exclusive : tensor<4xf32>
    ```
  }];
  let arguments = (ins F64Attr:$start, F64Attr:$stop, UnitAttr:$exclusive);
  let results = (outs BP_FloatTensor:$result);
  let assemblyFormat = [{
    $start `to` $stop (`exclusive` $exclusive^)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def BP_EyeOp : BP_Op<"eye", [Pure]> {
  let summary = "Ones on a diagonal, zeros elsewhere (`bm.eye`)";
  let description = [{
    `diagonal` is NumPy's `k` (0 when absent; positive is above the main
    diagonal).

    ```mlir
    %e = bp.eye diagonal 1 : tensor<3x4xf32>
    ```
  }];
  let arguments = (ins OptionalAttr<BP_I64Attr>:$diagonal);
  let results = (outs BP_AnyTensor:$result);
  let assemblyFormat = "(`diagonal` $diagonal^)? attr-dict `:` type($result)";
  let hasVerifier = 1;
}

include "bpc/Dialect/BP/IR/BPRandomOps.td"
include "bpc/Dialect/BP/IR/BPControlFlowOps.td"

#endif // BPC_DIALECT_BP_IR_BPOPS_TD
