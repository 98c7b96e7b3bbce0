package lang

// This file holds the participle grammar. It is private: lower.go turns
// its parse tree into the exported AST. Binary operators are parsed as a
// flat operand/operator list and given C precedence during lowering.

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// grammar is the participle parser, built once.
var grammar = participle.MustBuild[gFile](
	participle.Lexer(tokenDef{}),
	participle.UseLookahead(participle.MaxLookahead),
	participle.Union[gItem](&gStruct{}, &gEnum{}, &gConfig{}, &gMapDecl{}, &gMacro{}, &gImport{}, &gProbe{}),
)

type gFile struct {
	Items []gItem `parser:"@@*"`
}

// gItem is a top-level item.
type gItem interface{ item() }

func (*gStruct) item()  {}
func (*gEnum) item()    {}
func (*gConfig) item()  {}
func (*gMapDecl) item() {}
func (*gProbe) item()   {}
func (*gMacro) item()   {}
func (*gImport) item()  {}

// gMacro is a macro definition: "macro name($v, @m, e) { ... }".
type gMacro struct {
	Tokens []lexer.Token
	Name   *gAlias        `parser:"\"macro\" @@"`
	Params []*gMacroParam `parser:"\"(\" ( @@ ( \",\" @@ )* )? \")\""`
	Body   *gBlock        `parser:"@@ \";\"?"`
}

// gMacroParam is one macro parameter: "$v", "@m" or "e".
type gMacroParam struct {
	Tokens []lexer.Token
	Name   string `parser:"@( Var | Map | Ident )"`
}

// gImport is "import "path";".
type gImport struct {
	Tokens []lexer.Token
	Path   string `parser:"\"import\" @String \";\"?"`
}

type gStruct struct {
	Tokens []lexer.Token
	Kind   string        `parser:"@(\"struct\" | \"union\")"`
	Name   string        `parser:"@Ident"`
	Body   *gFields      `parser:"@@"`
	Attrs  []*gAttribute `parser:"@@* \";\"?"`
}

// gAttribute is a GNU attribute list after a struct's body:
// "__attribute__((packed, aligned(4)))".
type gAttribute struct {
	Specs []*gAttrSpec `parser:"\"__attribute__\" \"(\" \"(\" @@ ( \",\" @@ )* \")\" \")\""`
}

type gAttrSpec struct {
	Tokens []lexer.Token
	Name   string   `parser:"@Ident"`
	Args   []string `parser:"( \"(\" ( @(Int | Ident) ( \",\" @(Int | Ident) )* )? \")\" )?"`
}

// gFields is the braced member list of a struct or union.
type gFields struct {
	Fields []*gCField `parser:"\"{\" ( @@ | \";\" )* \"}\""`
}

type gEnum struct {
	Tokens []lexer.Token
	Name   string  `parser:"\"enum\" @Ident?"`
	Body   *gEnums `parser:"@@ \";\"?"`
}

// gEnums is the braced enumerator list of an enum.
type gEnums struct {
	Values []*gEnumValue `parser:"\"{\" ( @@ ( \",\" @@ )* \",\"? )? \"}\""`
}

type gEnumValue struct {
	Tokens []lexer.Token
	Name   string `parser:"@Ident"`
	Neg    bool   `parser:"( \"=\" @\"-\"?"`
	Value  string `parser:"  @Int )?"`
}

// gCField is one C member declaration: "unsigned long a, *b[4]".
type gCField struct {
	Tokens []lexer.Token
	Base   *gCBase   `parser:"@@"`
	Decls  []*gCDecl `parser:"@@ ( \",\" @@ )*"`
	Semi   bool      `parser:"@\";\"?"`
}

type gCBase struct {
	Tokens   []lexer.Token
	Tag      string   `parser:"( \"const\" | \"volatile\" )* ( @( \"struct\" | \"union\" )"`
	Name     string   `parser:"  @Ident?"`
	Body     *gFields `parser:"  @@?"`
	IsEnum   bool     `parser:"| @\"enum\""`
	EnumName string   `parser:"  @Ident?"`
	Enum     *gEnums  `parser:"  @@?"`
	Words    []string `parser:"| @( \"unsigned\" | \"signed\" | \"char\" | \"short\" | \"int\" | \"long\" | \"float\" | \"double\" | \"void\" | \"_Bool\" | \"bool\" )+"`
	Alias    string   `parser:"| @Ident ) ( \"const\" | \"volatile\" )*"`
}

type gCDecl struct {
	Tokens []lexer.Token
	Ptr    []string `parser:"( @\"*\" | \"const\" | \"volatile\" )*"`
	Name   string   `parser:"@Ident"`
	Dims   []string `parser:"( \"[\" @Int \"]\" )*"`
	Bits   string   `parser:"( \":\" @Int )?"`
}

type gConfig struct {
	Tokens []lexer.Token
	Items  []*gConfigItem `parser:"\"config\" \"=\" \"{\" ( @@ | \";\" )* \"}\" \";\"?"`
}

// gMapDecl is a map declaration: "let @m = lruhash(100);".
type gMapDecl struct {
	Tokens []lexer.Token
	Name   string  `parser:"\"let\" @Map \"=\""`
	Kind   *gAlias `parser:"@@"`
	Max    []*gArg `parser:"\"(\" ( @@ ( \",\" @@ )* )? \")\" \";\""`
}

type gConfigItem struct {
	Tokens []lexer.Token
	Key    string `parser:"@Ident \"=\""`
	Value  string `parser:"@( Int | String | Ident )"`
}

type gProbe struct {
	Tokens []lexer.Token
	Attach []*gAttach `parser:"@@ ( \",\" @@ )*"`
	Pred   *gExpr     `parser:"( PredStart @@ PredEnd )?"`
	Body   *gBlock    `parser:"@@"`
}

type gAttach struct {
	Tokens []lexer.Token
	Raw    string `parser:"@Attach"`
}

type gBlock struct {
	Tokens []lexer.Token
	Stmts  []*gStmt `parser:"\"{\" ( @@ | \";\" )* \"}\""`
}

type gStmt struct {
	Tokens []lexer.Token
	If     *gIf     `parser:"  @@"`
	Unroll *gUnroll `parser:"| @@"`
	While  *gWhile  `parser:"| @@"`
	For    *gFor    `parser:"| @@"`
	Block  *gBlock  `parser:"| @@"`
	Simple *gSimple `parser:"| @@"`
	Semi   bool     `parser:"  @\";\"?"`
}

type gIf struct {
	Tokens   []lexer.Token
	Cond     *gExpr  `parser:"\"if\" (?! \"{\") @@"`
	Then     *gBlock `parser:"@@"`
	ElseIf   *gIf    `parser:"( \"else\" ( @@"`
	ElseBody *gBlock `parser:"        | @@ ) )?"`
}

type gUnroll struct {
	Tokens []lexer.Token
	Count  *gExpr  `parser:"\"unroll\" \"(\" @@ \")\""`
	Body   *gBlock `parser:"@@"`
}

type gWhile struct {
	Tokens []lexer.Token
	Cond   *gExpr  `parser:"\"while\" \"(\" @@ \")\""`
	Body   *gBlock `parser:"@@"`
}

type gFor struct {
	Tokens []lexer.Token
	Open   bool    `parser:"\"for\" @\"(\"?"`
	Var    *gToken `parser:"@@ \":\""`
	Lo     *gExpr  `parser:"@@"`
	Hi     *gExpr  `parser:"( \"..\" @@ )?"`
	Close  bool    `parser:"@\")\"?"`
	Body   *gBlock `parser:"@@"`
}

// gToken captures one token with its position.
type gToken struct {
	Tokens []lexer.Token
	Value  string `parser:"@Var"`
}

type gSimple struct {
	Tokens []lexer.Token
	Let    *gLet      `parser:"  @@"`
	Jump   *gJump     `parser:"| @@"`
	Assign *gExprStmt `parser:"| @@"`
}

// gJump is break, continue or return, with the value of a return
// (bpftrace 0.26: "return $a;").
type gJump struct {
	Tokens []lexer.Token
	Kind   string `parser:"@( \"break\" | \"continue\" | \"return\" )"`
	Value  *gExpr `parser:"@@?"`
}

type gLet struct {
	Tokens []lexer.Token
	Var    *gToken `parser:"\"let\" @@"`
	Type   *gType  `parser:"( \":\" ( @@"`
	TypeOf *gExpr  `parser:"      | \"typeof\" \"(\" @@ \")\""`
	Alias  *gAlias `parser:"      | @@ ) )?"`
	Value  *gExpr  `parser:"( \"=\" @@ )?"`
}

type gExprStmt struct {
	Tokens []lexer.Token
	X      *gExpr `parser:"@@"`
	Op     string `parser:"( @( \"=\" | \"+=\" | \"-=\" | \"*=\" | \"/=\" | \"%=\" | \"<<=\" | \">>=\" | \"&=\" | \"|=\" | \"^=\" )"`
	Value  *gExpr `parser:"  @@ )?"`
}

// gExpr is a conditional expression; Cond alone when there is no "?".
// Then is nil in "x ?: y" (Elvis set).
type gExpr struct {
	Tokens []lexer.Token
	Cond   *gBinary `parser:"@@"`
	Elvis  bool     `parser:"( @\"?\""`
	Then   *gExpr   `parser:"  @@?"`
	Else   *gExpr   `parser:"  \":\" @@ )?"`
}

// gBinary is "operand (op operand)*"; lowering applies precedence.
type gBinary struct {
	Tokens []lexer.Token
	X      *gUnary     `parser:"@@"`
	Rest   []*gOperand `parser:"@@*"`
}

type gOperand struct {
	Tokens []lexer.Token
	Op     string  `parser:"@( \"||\" | \"&&\" | \"|\" | \"^\" | \"&\" | \"==\" | \"!=\" | \"<=\" | \">=\" | \"<\" | \">\" | \"<<\" | \">>\" | \"+\" | \"-\" | \"*\" | \"/\":Punct | \"%\" )"`
	Y      *gUnary `parser:"@@"`
}

type gUnary struct {
	Tokens []lexer.Token
	Op     string    `parser:"  @( \"-\" | \"!\" | \"~\" | \"*\" | \"&\" | \"++\" | \"--\" )"`
	X      *gUnary   `parser:"  @@"`
	Cast   *gCast    `parser:"| @@"`
	Post   *gPostfix `parser:"| @@"`
}

// gCast is "(type)x". A bare name in parentheses is a cast only when an
// operand follows that cannot continue an expression: "(pid_t)$x" but not
// "(x) - 1".
type gCast struct {
	Tokens []lexer.Token
	Type   *gType  `parser:"\"(\" ( @@ \")\""`
	Alias  *gAlias `parser:"    | @@ \")\" (?= Ident | Int | Char | String | Map | Var | Positional | \"(\" | \"!\" | \"~\" ) )"`
	X      *gUnary `parser:"@@"`
}

type gAlias struct {
	Tokens []lexer.Token
	Name   string `parser:"@Ident"`
}

// gType is a type that cannot be an expression: a tagged type, builtin
// type words, or a name followed by '*'.
type gType struct {
	Tokens []lexer.Token
	Tag    string   `parser:"(  @( \"struct\" | \"union\" | \"enum\" )"`
	Name   string   `parser:"   @Ident @\"*\"*"`
	Words  []string `parser:"| @( \"int8\" | \"int16\" | \"int32\" | \"int64\" | \"uint8\" | \"uint16\" | \"uint32\" | \"uint64\" | \"unsigned\" | \"signed\" | \"char\" | \"short\" | \"int\" | \"long\" | \"void\" | \"bool\" | \"_Bool\" )+ @\"*\"*"`
	Alias  string   `parser:"| @Ident @\"*\"+ )"`
	Dims   []string `parser:"( \"[\" @Int \"]\" )*"`
	Auto   bool     `parser:"@( \"[\" \"]\" )?"` // "int8[]": the size of the cast's operand
}

type gPostfix struct {
	Tokens []lexer.Token
	X      *gPrimary `parser:"@@"`
	Ops    []*gPost  `parser:"@@*"`
}

type gPost struct {
	Tokens []lexer.Token
	Index  string `parser:"  \".\" @Int"`
	Field  string `parser:"| \".\" @Ident"`
	Arrow  string `parser:"| \"->\" @Ident"`
	Sub    *gExpr `parser:"| \"[\" @@ \"]\""`
	IncDec string `parser:"| @( \"++\" | \"--\" )"`
}

type gPrimary struct {
	Tokens []lexer.Token
	Int    string  `parser:"  @Int"`
	Char   string  `parser:"| @Char"`
	Str    string  `parser:"| @String"`
	Bool   string  `parser:"| @( \"true\" | \"false\" )"`
	Map    *gMap   `parser:"| @@"`
	Var    string  `parser:"| @Var"`
	Pos    string  `parser:"| @Positional"`
	Call   *gCall  `parser:"| @@"`
	Ident  string  `parser:"| @Ident"`
	Paren  *gParen `parser:"| @@"`
	Block  *gBlock `parser:"| @@"`
	If     *gIfX   `parser:"| @@"`
}

// gIfX is "if" used as an expression (bpftrace 0.26): both branches are
// blocks ending in their value, and the "else" is required.
type gIfX struct {
	Tokens   []lexer.Token
	Cond     *gExpr  `parser:"\"if\" (?! \"{\") @@"`
	Then     *gBlock `parser:"@@ \"else\""`
	ElseIf   *gIfX   `parser:"( @@"`
	ElseBody *gBlock `parser:"| @@ )"`
}

type gMap struct {
	Tokens []lexer.Token
	Name   string   `parser:"@Map"`
	Keys   []*gExpr `parser:"( \"[\" @@ ( \",\" @@ )* \"]\" )?"`
}

type gCall struct {
	Tokens []lexer.Token
	Name   *gAlias `parser:"@@ \"(\""`
	Args   []*gArg `parser:"( @@ ( \",\" @@ )* )? \")\""`
}

// gArg is a call argument: a type where one is written (sizeof(uint8),
// offsetof(struct x, f)), an expression otherwise.
type gArg struct {
	Tokens []lexer.Token
	Type   *gType `parser:"  @@ (?= \",\" | \")\")"`
	X      *gExpr `parser:"| @@"`
}

type gParen struct {
	Tokens []lexer.Token
	Elems  []*gElem `parser:"\"(\" @@ ( \",\" @@ )* \")\""`
}

// gElem is an element of a tuple, or a field of a record: "name = value".
type gElem struct {
	Tokens []lexer.Token
	Name   *gAlias `parser:"( @@ \"=\" )?"`
	X      *gExpr  `parser:"@@"`
}
