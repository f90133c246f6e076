// BPMLexer.g4 - tokens of .bpm, the Python subset BrainPy users write.
//
// Layout follows Python's tokenizer: NEWLINE ends a logical line, INDENT and
// DEDENT are synthesised from the indentation after each NEWLINE, and line
// breaks inside brackets or after a backslash are joined. This grammar only
// produces the raw tokens; the layout pass is LayoutTokenSource
// (compiler/lib/Frontend/LayoutTokenSource.cpp), which sits between this
// lexer and the parser, so the grammar carries no target-language code.

lexer grammar BPMLexer;

tokens { INDENT, DEDENT }

// Strings come first so that `f'...'`, `rb"..."` are not read as a name
// followed by a string.
STRING
    : STRING_PREFIX? ( SHORT_STRING | LONG_STRING )
    ;

// An opening quote with no closing quote on the same line (or, for a
// triple-quoted string, before the end of the file). It is never longer than
// a terminated string, so a well-formed string always wins.
UNTERMINATED_STRING
    : STRING_PREFIX? ( '\'' ( ESC | ~[\\\r\n'] )*
                     | '"' ( ESC | ~[\\\r\n"] )*
                     | '\'\'\'' LONG_BODY_SQ ( '\'' | '\'\'' )?
                     | '"""' LONG_BODY_DQ ( '"' | '""' )?
                     )
    ;

NUMBER
    : DECIMAL_INTEGER
    | '0' [oO] ( '_'? [0-7] )+
    | '0' [xX] ( '_'? [0-9a-fA-F] )+
    | '0' [bB] ( '_'? [01] )+
    | FLOAT_NUMBER
    | ( FLOAT_NUMBER | DIGIT_PART ) [jJ]
    ;

// Keywords.
AND      : 'and';
AS       : 'as';
ASSERT   : 'assert';
BREAK    : 'break';
CLASS    : 'class';
CONTINUE : 'continue';
DEF      : 'def';
DEL      : 'del';
ELIF     : 'elif';
ELSE     : 'else';
EXCEPT   : 'except';
FALSE    : 'False';
FINALLY  : 'finally';
FOR      : 'for';
FROM     : 'from';
GLOBAL   : 'global';
IF       : 'if';
IMPORT   : 'import';
IN       : 'in';
IS       : 'is';
LAMBDA   : 'lambda';
NONE     : 'None';
NONLOCAL : 'nonlocal';
NOT      : 'not';
OR       : 'or';
PASS     : 'pass';
RAISE    : 'raise';
RETURN   : 'return';
TRUE     : 'True';
TRY      : 'try';
WHILE    : 'while';
WITH     : 'with';
YIELD    : 'yield';

NAME : ID_START ID_CONTINUE* ;

// Operators and delimiters.
OPEN_PAREN   : '(';
CLOSE_PAREN  : ')';
OPEN_BRACK   : '[';
CLOSE_BRACK  : ']';
OPEN_BRACE   : '{';
CLOSE_BRACE  : '}';

ELLIPSIS     : '...';
DOT          : '.';
COMMA        : ',';
COLON        : ':';
SEMI_COLON   : ';';
WALRUS       : ':=';
ARROW        : '->';
POWER        : '**';
STAR         : '*';
IDIV         : '//';
DIV          : '/';
MOD          : '%';
AT           : '@';
ADD          : '+';
MINUS        : '-';
NOT_OP       : '~';
LEFT_SHIFT   : '<<';
RIGHT_SHIFT  : '>>';
AND_OP       : '&';
XOR          : '^';
OR_OP        : '|';
LESS_THAN    : '<';
GREATER_THAN : '>';
EQUALS       : '==';
GT_EQ        : '>=';
LT_EQ        : '<=';
NOT_EQ       : '!=';
ASSIGN       : '=';
ADD_ASSIGN   : '+=';
SUB_ASSIGN   : '-=';
MULT_ASSIGN  : '*=';
AT_ASSIGN    : '@=';
DIV_ASSIGN   : '/=';
MOD_ASSIGN   : '%=';
AND_ASSIGN   : '&=';
OR_ASSIGN    : '|=';
XOR_ASSIGN   : '^=';
LEFT_SHIFT_ASSIGN  : '<<=';
RIGHT_SHIFT_ASSIGN : '>>=';
POWER_ASSIGN : '**=';
IDIV_ASSIGN  : '//=';

// A line break plus any blank or comment-only lines after it, plus the
// indentation of the next line. LayoutTokenSource turns it into NEWLINE/INDENT/
// DEDENT, or drops it inside brackets.
NEWLINE
    : LINE_BREAK ( [ \t\f]* ( '#' ~[\r\n]* )? LINE_BREAK )* [ \t\f]*
    ;

SKIP_
    : ( [ \t\f]+ | '\\' LINE_BREAK | '#' ~[\r\n]* ) -> skip
    ;

// Anything else is one bad character; LayoutTokenSource reports it by name.
ERROR_CHAR : . ;

fragment LINE_BREAK : '\r'? '\n' | '\r' ;

fragment STRING_PREFIX
    : [rRuUbBfF] | [rR][bBfF] | [bBfF][rR]
    ;

fragment SHORT_STRING
    : '\'' ( ESC | ~[\\\r\n'] )* '\''
    | '"' ( ESC | ~[\\\r\n"] )* '"'
    ;

fragment LONG_STRING
    : '\'\'\'' LONG_ITEM*? '\'\'\''
    | '"""' LONG_ITEM*? '"""'
    ;

fragment LONG_ITEM : ESC | ~'\\' ;

// The body of a triple-quoted string that does not contain its terminator.
fragment LONG_BODY_SQ
    : ( ESC | ~['\\] | '\'' ( ESC | ~['\\] ) | '\'\'' ( ESC | ~['\\] ) )*
    ;
fragment LONG_BODY_DQ
    : ( ESC | ~["\\] | '"' ( ESC | ~["\\] ) | '""' ( ESC | ~["\\] ) )*
    ;

fragment ESC : '\\' ( '\r\n' | . ) ;

fragment DECIMAL_INTEGER : [1-9] ( '_'? [0-9] )* | '0' ( '_'? '0' )* ;
fragment DIGIT_PART : [0-9] ( '_'? [0-9] )* ;
fragment FRACTION : '.' DIGIT_PART ;
fragment EXPONENT : [eE] [+-]? DIGIT_PART ;
fragment POINT_FLOAT : DIGIT_PART? FRACTION | DIGIT_PART '.' ;
fragment FLOAT_NUMBER : POINT_FLOAT EXPONENT? | DIGIT_PART EXPONENT ;

fragment ID_START
    : [a-zA-Z_]
    | [\u00AA\u00B5\u00BA\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]
    | [\u{10000}-\u{EFFFF}]
    ;
fragment ID_CONTINUE
    : ID_START
    | [0-9\u00B7\u0300-\u036F\u203F-\u2040]
    ;
