// BPMParser.g4 - syntax of .bpm, the Python subset BrainPy users write.
//
// It follows Python 3's grammar with two deliberate changes that keep parse
// trees shallow (a 10 MB file of assignments must not build 30 nodes per
// literal): operators are left-recursive rules with precedence (`test` for
// the boolean/comparison levels, `expr` for the arithmetic levels), and
// parameter lists accept parameters in any order; ASTBuilder then checks the
// ordering rules with messages in words. Chained comparisons arrive
// left-nested and are flattened by ASTBuilder.

parser grammar BPMParser;

options { tokenVocab = BPMLexer; }

// ---------------------------------------------------------------- entries

// A whole file. Parser.cpp drives `stmt` one top-level statement at a time
// (so each parse tree can be freed once its AST is built); this rule states
// the same shape and is what tools such as grun see.
file_input
    : ( NEWLINE | stmt )* EOF
    ;

// The expression inside an f-string replacement field.
fstring_expr_input
    : testlist_star_expr NEWLINE* EOF
    ;

// ------------------------------------------------------------- statements

stmt
    : simple_stmts
    | compound_stmt
    ;

simple_stmts
    : small_stmt ( SEMI_COLON small_stmt )* SEMI_COLON? NEWLINE
    ;

small_stmt
    : expr_stmt
    | del_stmt
    | pass_stmt
    | break_stmt
    | continue_stmt
    | return_stmt
    | raise_stmt
    | import_name
    | import_from
    | global_stmt
    | nonlocal_stmt
    | assert_stmt
    ;

expr_stmt
    : testlist_star_expr annassign                          # annAssignStmt
    | testlist_star_expr augassign ( yield_expr | testlist ) # augAssignStmt
    | testlist_star_expr ( ASSIGN ( yield_expr | testlist_star_expr ) )*  # assignOrExprStmt
    ;

annassign
    : COLON test ( ASSIGN ( yield_expr | testlist_star_expr ) )?
    ;

augassign
    : ADD_ASSIGN | SUB_ASSIGN | MULT_ASSIGN | AT_ASSIGN | DIV_ASSIGN
    | MOD_ASSIGN | AND_ASSIGN | OR_ASSIGN | XOR_ASSIGN | LEFT_SHIFT_ASSIGN
    | RIGHT_SHIFT_ASSIGN | POWER_ASSIGN | IDIV_ASSIGN
    ;

del_stmt      : DEL exprlist ;
pass_stmt     : PASS ;
break_stmt    : BREAK ;
continue_stmt : CONTINUE ;
return_stmt   : RETURN testlist_star_expr? ;
raise_stmt    : RAISE ( test ( FROM test )? )? ;

import_name
    : IMPORT dotted_as_name ( COMMA dotted_as_name )*
    ;

import_from
    : FROM ( DOT | ELLIPSIS )* dotted_name IMPORT import_targets
    | FROM ( DOT | ELLIPSIS )+ IMPORT import_targets
    ;

import_targets
    : STAR
    | OPEN_PAREN import_as_name ( COMMA import_as_name )* COMMA? CLOSE_PAREN
    | import_as_name ( COMMA import_as_name )*
    ;

import_as_name : NAME ( AS NAME )? ;
dotted_as_name : dotted_name ( AS NAME )? ;
dotted_name    : NAME ( DOT NAME )* ;

global_stmt   : GLOBAL NAME ( COMMA NAME )* ;
nonlocal_stmt : NONLOCAL NAME ( COMMA NAME )* ;
assert_stmt   : ASSERT test ( COMMA test )? ;

compound_stmt
    : if_stmt
    | while_stmt
    | for_stmt
    | try_stmt
    | with_stmt
    | funcdef
    | classdef
    | decorated
    ;

if_stmt
    : IF namedexpr_test COLON suite ( ELIF namedexpr_test COLON suite )* ( ELSE COLON suite )?
    ;

while_stmt
    : WHILE namedexpr_test COLON suite ( ELSE COLON suite )?
    ;

// The iterable may unpack, `for x in *a, b:`, as since Python 3.9.
for_stmt
    : FOR exprlist IN testlist_star_expr COLON suite ( ELSE COLON suite )?
    ;

try_stmt
    : TRY COLON suite
      ( ( except_clause COLON suite )+ ( ELSE COLON suite )? ( FINALLY COLON suite )?
      | FINALLY COLON suite
      )
    ;

except_clause
    : EXCEPT ( test ( AS NAME )? )?
    ;

// The items may be parenthesized, `with (a as b, c as d):`, as since Python
// 3.10. The parenthesized alternative comes first so that `with (a, b):`
// means two items, as in Python, rather than one tuple.
with_stmt
    : WITH OPEN_PAREN with_item ( COMMA with_item )* COMMA? CLOSE_PAREN COLON suite
    | WITH with_item ( COMMA with_item )* COLON suite
    ;

with_item
    : test ( AS expr )?
    ;

suite
    : simple_stmts
    | NEWLINE INDENT stmt+ DEDENT
    ;

decorated
    : decorator+ ( classdef | funcdef )
    ;

decorator
    : AT namedexpr_test NEWLINE
    ;

funcdef
    : DEF NAME OPEN_PAREN typedargslist? CLOSE_PAREN ( ARROW test )? COLON suite
    ;

typedargslist
    : tparam ( COMMA tparam )* COMMA?
    ;

tparam
    : NAME ( COLON test )? ( ASSIGN test )?     # plainParam
    | STAR ( NAME ( COLON test )? )?            # starParam
    | POWER NAME ( COLON test )?                # kwargsParam
    | DIV                                       # slashParam
    ;

classdef
    : CLASS NAME ( OPEN_PAREN arglist? CLOSE_PAREN )? COLON suite
    ;

// ------------------------------------------------------------ expressions

namedexpr_test
    : ( NAME WALRUS )? test
    ;

// Boolean, comparison, conditional and lambda levels (lowest precedence last).
// The right operand of a comparison is an `expr`, as in Python: that keeps
// `a is not b` from reading as `a is (not b)` and rejects `a < not b`.
test
    : expr                                              # exprTest
    | test comp_op expr                                 # compareTest
    | NOT test                                          # notTest
    | test AND test                                     # andTest
    | test OR test                                      # orTest
    | <assoc=right> test IF test ELSE test              # condTest
    | LAMBDA varargslist? COLON test                    # lambdaTest
    ;

// `is not` and `not in` come first: `x is not y` must not read as
// `x is (not y)`, which the lenient operand rule would also accept.
comp_op
    : LESS_THAN | GREATER_THAN | EQUALS | GT_EQ | LT_EQ | NOT_EQ
    | NOT IN | IS NOT | IN | IS
    ;

varargslist
    : vparam ( COMMA vparam )* COMMA?
    ;

vparam
    : NAME ( ASSIGN test )?                     # plainLambdaParam
    | STAR NAME?                                # starLambdaParam
    | POWER NAME                                # kwargsLambdaParam
    | DIV                                       # slashLambdaParam
    ;

// Arithmetic and bitwise levels (highest precedence first). A prefix `-x`
// binds looser than `**` on its right (`-x**2` is `-(x**2)`), and `**`
// accepts a prefix operand (`2**-1`), as in Python.
expr
    : atom                                                       # atomExpr
    | expr DOT NAME                                              # attributeExpr
    | expr OPEN_PAREN arglist? CLOSE_PAREN                       # callExpr
    | expr OPEN_BRACK subscriptlist CLOSE_BRACK                  # subscriptExpr
    | <assoc=right> expr POWER expr                              # powerExpr
    | op=( ADD | MINUS | NOT_OP ) expr                           # unaryExpr
    | expr op=( STAR | AT | DIV | MOD | IDIV ) expr              # binaryExpr
    | expr op=( ADD | MINUS ) expr                               # binaryExpr
    | expr op=( LEFT_SHIFT | RIGHT_SHIFT ) expr                  # binaryExpr
    | expr op=AND_OP expr                                        # binaryExpr
    | expr op=XOR expr                                           # binaryExpr
    | expr op=OR_OP expr                                         # binaryExpr
    ;

star_expr
    : STAR expr
    ;

atom
    : OPEN_PAREN ( yield_expr | testlist_comp )? CLOSE_PAREN    # parenAtom
    | OPEN_BRACK testlist_comp? CLOSE_BRACK                      # listAtom
    | OPEN_BRACE dictorsetmaker? CLOSE_BRACE                     # braceAtom
    | NAME                                                       # nameAtom
    | NUMBER                                                     # numberAtom
    | STRING+                                                    # stringAtom
    | ELLIPSIS                                                   # ellipsisAtom
    | NONE                                                       # noneAtom
    | TRUE                                                       # trueAtom
    | FALSE                                                      # falseAtom
    ;

testlist_comp
    : ( namedexpr_test | star_expr ) ( comp_for | ( COMMA ( namedexpr_test | star_expr ) )* COMMA? )
    ;

subscriptlist
    : subscript ( COMMA subscript )* COMMA?
    ;

subscript
    : namedexpr_test
    | test? COLON test? ( COLON test? )?
    ;

exprlist
    : ( expr | star_expr ) ( COMMA ( expr | star_expr ) )* COMMA?
    ;

testlist
    : test ( COMMA test )* COMMA?
    ;

testlist_star_expr
    : ( test | star_expr ) ( COMMA ( test | star_expr ) )* COMMA?
    ;

dictorsetmaker
    : dict_item ( comp_for | ( COMMA dict_item )* COMMA? )
    | ( namedexpr_test | star_expr ) ( comp_for | ( COMMA ( namedexpr_test | star_expr ) )* COMMA? )
    ;

dict_item
    : test COLON test
    | POWER expr
    ;

arglist
    : argument ( COMMA argument )* COMMA?
    ;

argument
    : namedexpr_test comp_for?
    | NAME ASSIGN test
    | POWER test
    | STAR test
    ;

comp_for
    : FOR exprlist IN test comp_iter?
    ;

comp_iter
    : comp_for
    | comp_if
    ;

comp_if
    : IF test comp_iter?
    ;

yield_expr
    : YIELD ( FROM test | testlist_star_expr )?
    ;
