package lang

// This file declares the exported AST. Every node carries its source span
// (field At, method Span). The AST is immutable once Parse returns it: the
// checker and codegen keep their results in side tables keyed by node.

// Node is implemented by every AST node.
type Node interface {
	Span() Span
}

// node is embedded in every AST node and gives it a span.
type node struct {
	At Span
}

// Span returns the node's source range.
func (n *node) Span() Span { return n.At }

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a statement node.
type Stmt interface {
	Node
	stmtNode()
}

// File is a parsed script.
type File struct {
	node
	Name     string            // "<cmdline>", "stdin" or the script's path
	Src      string            // the full source text
	Includes []*Include        // #include lines, in order (accepted, not read)
	Defines  map[string]string // #define NAME VALUE, already substituted in the AST
	Structs  []*StructDecl     // C struct/union declarations, in order
	Enums    []*EnumDecl       // C enum declarations, in order
	MapDecls []*MapDecl        // "let @m = hash(n);" declarations, in order
	Probes   []*Probe          // probe blocks, in order
	Config   []*ConfigItem     // "config = { name = value; ... }" settings, in order
	Macros   []*MacroDecl      // "macro name(params) { ... }" definitions, in order
	Imports  []*Import         // "import "stdlib/..."" lines, in order

	// Expansions maps every node that macro expansion created to the
	// expansion it came from, so that errors inside a macro body can say
	// where the macro was used. Nil when the script uses no macro.
	Expansions map[Node]*Expansion
}

// MacroDecl is a macro definition (bpftrace 0.21+):
// "macro name($var, @map, expr) { stmts; [value] }". Value is the body's
// last expression when it has no trailing ';' (the macro's value), nil
// otherwise. Parse expands every use of a macro, so the probes of a
// returned File hold no macro calls.
type MacroDecl struct {
	node
	Name   string
	NameAt Span
	Params []*MacroParam
	Body   *Block // the statements before Value
	Value  Expr   // nil when the macro has no value
}

// MacroParamKind says what a macro parameter accepts.
type MacroParamKind int

const (
	// ExprParam ("x") takes any expression, substituted at each use.
	ExprParam MacroParamKind = iota
	// VarParam ("$x") takes a scratch variable, which the body may change.
	VarParam
	// MapParam ("@x") takes a map, which the body may change.
	MapParam
)

// MacroParam is one parameter of a macro: "x", "$x" or "@x".
type MacroParam struct {
	node
	Kind MacroParamKind
	Name string // as written, with its '$' or '@'
}

// Expansion is one use of a macro: which macro, where it was used, and
// the expansion that use itself came from (nil at the top).
type Expansion struct {
	Macro  string
	At     Span       // the call (or bare name) that was expanded
	In     *File      // the source At is in: the script, or the stdlib
	From   *File      // the source the macro is defined in
	Parent *Expansion // the expansion the use itself sits in; nil for a probe's own code
	decl   *MacroDecl
}

// Import is "import "stdlib/name";".
type Import struct {
	node
	Path string
}

// ConfigItem is one setting of a config block: "max_map_keys = 100000".
// The settings are bpftrace's; cmd/gtrace reads the ones gtrace knows.
type ConfigItem struct {
	node
	Name  string
	Value string // as written: a number, an identifier or a quoted string
}

// Include is an "#include <...>" or "#include "..."" line.
type Include struct {
	node
	Path string // without the <> or ""
}

// StructDecl is a C struct (or union) declaration written in the script:
// "struct foo { int a; char b[16]; struct bar *c; }". Layout is computed by
// the checker with C rules.
type StructDecl struct {
	node
	Union  bool
	Name   string // without "struct "
	Fields []*StructField
	Packed bool // __attribute__((packed)): no padding, alignment 1
	Align  int  // __attribute__((aligned(N))): at least N; 0 when not given
}

// StructField is one member of a StructDecl. Bits is the width of a
// bit-field ("unsigned int a:4"), 0 for an ordinary member.
type StructField struct {
	node
	Name string
	Type *TypeExpr
	Bits int
}

// EnumDecl is a C enum declaration: "enum [name] { A, B = 5, C }". Its
// enumerators are named constants of the script.
type EnumDecl struct {
	node
	Name   string // "" for an anonymous enum
	Values []*EnumValue
}

// EnumValue is one enumerator with its value: the one written, or one
// more than the previous enumerator's.
type EnumValue struct {
	node
	Name  string
	Value int64
}

// MapDecl is a map declaration at the top level (bpftrace 0.23+):
// "let @m = lruhash(100);". Kind is the written map kind (hash, lruhash,
// percpuhash, percpulruhash, percpuarray); Args its arguments, the checker
// wants one constant: the map's maximum number of entries.
type MapDecl struct {
	node
	Name   string // with the '@'
	Kind   string
	KindAt Span
	Args   []Expr
}

// Probe is one probe block: attach points, optional predicate, body.
type Probe struct {
	node
	Attach []*AttachPoint
	Pred   Expr // nil without a predicate
	Body   *Block
}

// AttachPoint is one attach point as written, split at unquoted ':'.
// Provider is the canonical provider name ("tracepoint" for "t", "BEGIN"
// for "begin", ...). Parts are the remaining fields with quotes removed;
// they may contain '*' wildcards and "$N" positional parameters, which the
// checker substitutes. "kprobe:f+0x10" keeps "f+0x10" as one part.
type AttachPoint struct {
	node
	Raw      string   // the text as written, e.g. `t:syscalls:sys_enter_*`
	Provider string   // canonical: BEGIN END tracepoint rawtracepoint kprobe kretprobe uprobe uretprobe usdt profile interval software hardware watchpoint kfunc kretfunc iter
	Parts    []string // fields after the provider
}

// Block is a braced list of statements.
type Block struct {
	node
	Stmts []Stmt
}

// BlockExpr is a block used as an expression: "{ stmts; value }". Its
// value is Value's, evaluated after Stmts; a block whose last statement
// ends in ';' has no value (Value nil). Macro expansion produces them too.
type BlockExpr struct {
	node
	Stmts []Stmt
	Value Expr
}

// ExprStmt is an expression used as a statement (a call, i++).
type ExprStmt struct {
	node
	X Expr
}

// AssignStmt is "target op value". Op is "=" or a compound operator such
// as "+=". Target is a *MapExpr, a *Var, or (for "$x.field =" style) other
// lvalues the checker rejects with a message.
type AssignStmt struct {
	node
	Target Expr
	Op     string
	Value  Expr
}

// VarDecl is "let $x [: type] [= value]". The type may be written
// "typeof(expr)" (bpftrace 0.26): then TypeOf holds expr, whose type is
// the variable's, and which is never evaluated.
type VarDecl struct {
	node
	Var    *Var
	Type   *TypeExpr // nil when not written
	TypeOf Expr      // nil when not written
	Value  Expr      // nil when not written
}

// IfStmt is "if (cond) then [else else]". Else is nil, a *Block or an *IfStmt.
type IfStmt struct {
	node
	Cond Expr
	Then *Block
	Else Stmt
}

// UnrollStmt is "unroll (count) body".
type UnrollStmt struct {
	node
	Count Expr
	Body  *Block
}

// WhileStmt is "while (cond) body".
type WhileStmt struct {
	node
	Cond Expr
	Body *Block
}

// ForStmt is "for ($kv : @map) body" (Map set) or "for ($i : lo..hi) body"
// (Lo and Hi set).
type ForStmt struct {
	node
	Var  *Var
	Map  *MapExpr
	Lo   Expr
	Hi   Expr
	Body *Block
}

// JumpKind says which jump a JumpStmt is.
type JumpKind int

const (
	Break JumpKind = iota
	Continue
	Return
)

// JumpStmt is break, continue or return. Value is the value of
// "return value;" (bpftrace 0.26), nil otherwise.
type JumpStmt struct {
	node
	Kind  JumpKind
	Value Expr
}

func (*Block) stmtNode()      {}
func (*ExprStmt) stmtNode()   {}
func (*AssignStmt) stmtNode() {}
func (*VarDecl) stmtNode()    {}
func (*IfStmt) stmtNode()     {}
func (*UnrollStmt) stmtNode() {}
func (*WhileStmt) stmtNode()  {}
func (*ForStmt) stmtNode()    {}
func (*JumpStmt) stmtNode()   {}

// IntLit is an integer or character literal. Text is the spelling.
type IntLit struct {
	node
	Value uint64
	Text  string
}

// BoolLit is "true" or "false".
type BoolLit struct {
	node
	Value bool
}

// StrLit is a string literal with escapes already decoded.
type StrLit struct {
	node
	Value string
}

// Ident is a bare identifier: a builtin (pid, comm, args, retval, arg0,
// kstack, ...), or a name used as an argument (e.g. perf in kstack(perf),
// or an enum-like constant).
type Ident struct {
	node
	Name    string
	Call    bool // written as a call without arguments: "comm()"
	Builtin bool // written "__builtin_comm": never a macro's name
}

// Var is a scratch variable "$name".
type Var struct {
	node
	Name string // with the '$'
}

// Positional is "$1".."$N" (N >= 1) or "$#" (Count set, N == 0).
type Positional struct {
	node
	N     int
	Count bool
}

// MapExpr is "@name", "@name[k]", "@name[k1, k2]", "@" or "@[k]".
// Name keeps the '@' ("@" for the anonymous map). Keys is empty for a
// scalar map.
type MapExpr struct {
	node
	Name string
	Keys []Expr
}

// Call is "name(args...)". For calls taking a type (sizeof(uint8),
// offsetof(struct x, f)) the type appears as a *TypeExpr argument.
type Call struct {
	node
	Name   string
	Args   []Expr
	NameAt Span // span of the name alone
}

// Binary is "x op y" for + - * / % << >> & | ^ && || == != < <= > >=.
type Binary struct {
	node
	Op   string
	X, Y Expr
}

// Unary is "op x" for - ! ~ * (deref) & (address of).
type Unary struct {
	node
	Op string
	X  Expr
}

// IncDec is "x++", "x--", "++x" or "--x".
type IncDec struct {
	node
	Op   string // "++" or "--"
	Post bool
	X    Expr
}

// Ternary is "cond ? then : else".
type Ternary struct {
	node
	Cond, Then, Else Expr
}

// Field is "x.name" or "x->name" (Arrow set).
type Field struct {
	node
	X     Expr
	Name  string
	Arrow bool
}

// TupleIndex is "x.N" on a tuple.
type TupleIndex struct {
	node
	X     Expr
	Index int
}

// Index is "x[i]" on an array or pointer.
type Index struct {
	node
	X, Index Expr
}

// Cast is "(type)x".
type Cast struct {
	node
	Type *TypeExpr
	X    Expr
}

// Tuple is "(a, b, ...)" with at least two elements, or a record (bpftrace
// 0.26's named tuple) "(a=1, b=2)" with at least one: then Names holds the
// field names, NameAt their spans.
type Tuple struct {
	node
	Elems  []Expr
	Names  []string
	NameAt []Span
}

// TypeExpr is a written type: "uint32", "int8", "struct task_struct *",
// "char[16]", "unsigned long". Name is the base name normalised to single
// spaces ("struct task_struct", "unsigned long", "uint8"); Ptr counts '*';
// Array is the element count of a trailing "[N]" (0 for none). Dims lists
// every "[N]" in order, outermost first ("int y[2][3]" has Array 2 and
// Dims [2 3]); it is empty when Array is 0. A struct member whose type is
// declared in place ("struct { int m; } y;") has that declaration in Struct
// (Name "struct" or "union" when it is anonymous) or Enum.
type TypeExpr struct {
	node
	// Dims are the array dimensions, outermost first; a cast may leave
	// the only one out ("(int8[])x"), which is AutoDim here.
	Name   string
	Ptr    int
	Array  int
	Dims   []int
	Struct *StructDecl
	Enum   *EnumDecl
}

// AutoDim is the array size of "[]" in a cast: the operand's size decides it.
const AutoDim = -1

func (*IntLit) exprNode()     {}
func (*StrLit) exprNode()     {}
func (*BoolLit) exprNode()    {}
func (*Ident) exprNode()      {}
func (*Var) exprNode()        {}
func (*Positional) exprNode() {}
func (*MapExpr) exprNode()    {}
func (*Call) exprNode()       {}
func (*Binary) exprNode()     {}
func (*Unary) exprNode()      {}
func (*IncDec) exprNode()     {}
func (*Ternary) exprNode()    {}
func (*Field) exprNode()      {}
func (*TupleIndex) exprNode() {}
func (*Index) exprNode()      {}
func (*Cast) exprNode()       {}
func (*Tuple) exprNode()      {}
func (*TypeExpr) exprNode()   {}
func (*BlockExpr) exprNode()  {}
