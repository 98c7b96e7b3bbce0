package check

// This file implements map keys, map value unification and aggregations.

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// aggFuncs are the functions whose result can only be assigned to a map.
var aggFuncs = map[string]bool{
	"count": true, "sum": true, "min": true, "max": true, "avg": true,
	"stats": true, "hist": true, "lhist": true, "tseries": true,
}

// Aggregation value types (see codegen/doc.go for their layouts).
var (
	countType = &types.Type{Kind: types.Count, Size: 8}
	sumType   = &types.Type{Kind: types.Sum, Size: 8, Signed: true}
	minType   = &types.Type{Kind: types.Min, Size: 16, Signed: true}
	maxType   = &types.Type{Kind: types.Max, Size: 16, Signed: true}
	avgType   = &types.Type{Kind: types.Avg, Size: 16, Signed: true}
	statsType = &types.Type{Kind: types.Stats, Size: 16, Signed: true}
	histType  = &types.Type{Kind: types.Hist, Size: 65 * 8}
)

// NewLhist returns the lhist aggregation type for a range.
func NewLhist(lo, hi, step int64) *types.Type {
	n := (hi-lo)/step + 2
	return &types.Type{Kind: types.Lhist, Size: int(n) * 8, Lin: &types.LinSpec{Min: lo, Max: hi, Step: step}}
}

func (ch *checker) mapState(m *lang.MapExpr) *mapState {
	st := ch.maps[m.Name]
	if st == nil {
		st = &mapState{name: m.Name, first: m.Span(), keyArity: -1}
		ch.maps[m.Name] = st
	}
	return st
}

// assignMap checks "@m[k] op value".
func (ch *checker) assignMap(s *lang.AssignStmt, m *lang.MapExpr) {
	st := ch.mapState(m)
	st.written = true
	ch.mapKeys(m, st)
	var t *types.Type
	switch {
	case s.Op != "=":
		vt := ch.expr(s.Value)
		cur := st.value
		if cur == nil {
			cur = types.Int64
		}
		ch.compound(s, cur, vt)
		if cur.IsInt() {
			t = types.Int64
		}
	case isAggCall(s.Value):
		t = ch.aggregate(s.Value.(*lang.Call))
	case AggOf(s.Value) != nil:
		// "@m = { stmts; avg($x) }": the block's statements, then the
		// aggregation (bpftrace 0.26).
		for b, ok := s.Value.(*lang.BlockExpr); ok; b, ok = b.Value.(*lang.BlockExpr) {
			for _, st := range b.Stmts {
				ch.stmt(st)
			}
		}
		t = ch.aggregate(AggOf(s.Value))
	default:
		t = ch.valueExpr(s.Value)
		t = mapValueType(t)
	}
	ch.setMapValue(m, st, t)
}

// AggOf returns the aggregation call that is the value of e, through
// block expressions ("{ let $a = 1; avg($a) }"), or nil.
func AggOf(e lang.Expr) *lang.Call {
	for {
		switch x := e.(type) {
		case *lang.BlockExpr:
			e = x.Value
		case *lang.Call:
			if aggFuncs[x.Name] {
				return x
			}
			return nil
		default:
			return nil
		}
	}
}

func isAggCall(e lang.Expr) bool {
	c, ok := e.(*lang.Call)
	return ok && aggFuncs[c.Name]
}

// mapValueType is how a value of type t is stored in a map: integers
// become 64-bit (as in bpftrace) and keep their sign; bools stay bools.
func mapValueType(t *types.Type) *types.Type {
	if t != nil && t.IsInt() && !t.IsBool() {
		return int64Of(t)
	}
	return t
}

// setMapValue unifies the map's value type with t and records m's type.
func (ch *checker) setMapValue(m *lang.MapExpr, st *mapState, t *types.Type) {
	if t == nil {
		ch.record(m, st.value)
		return
	}
	if st.value == nil {
		st.value, st.valueAt = t, m.Span()
		ch.record(m, t)
		return
	}
	u, err := unifyMapValue(st.value, t)
	if err != "" {
		ch.errorHint(m, []string{fmt.Sprintf("%s holds %s since %s", m.Name, st.value, st.valueAt.Start)},
			"type mismatch for %s: %s", m.Name, err)
		return
	}
	st.value = u
	ch.record(m, u)
}

// unifyMapValue combines two value types of one map, or explains why not.
func unifyMapValue(old, t *types.Type) (*types.Type, string) {
	if old.Kind.IsAgg() || t.Kind.IsAgg() {
		if old.Kind != t.Kind {
			return nil, fmt.Sprintf("map is a %s elsewhere, cannot assign %s", aggName(old), aggName(t))
		}
		if old.Kind == types.TSeries && *old.TS != *t.TS {
			return nil, fmt.Sprintf("different tseries shapes in one map: %s and %s", old, t)
		}
		if old.Kind == types.TSeries && t.Signed && !old.Signed {
			return t, ""
		}
		if old.Kind == types.Hist && old.HistBits != t.HistBits {
			return nil, fmt.Sprintf("different hist() buckets in one map: %s and %s", old, t)
		}
		if old.Kind == types.Lhist && *old.Lin != *t.Lin {
			return nil, fmt.Sprintf("different lhist bounds in one map: %s and %s", old, t)
		}
		return old, ""
	}
	u, ok := unify(old, t)
	if !ok {
		return nil, fmt.Sprintf("trying to assign a value of type %s when the map already holds %s", t, old)
	}
	return u, ""
}

func aggName(t *types.Type) string {
	if t.Kind.IsAgg() {
		return t.Kind.String() + "()"
	}
	return t.String()
}

// mapKeys checks the keys of m and unifies them with the map's key type.
// A single key that is a tuple stands for its elements, as in bpftrace
// 0.26: @m[(1, "a")] is @m[1, "a"]. Elements of a key may be tuples.
func (ch *checker) mapKeys(m *lang.MapExpr, st *mapState) {
	ts := make([]*types.Type, len(m.Keys))
	for i, k := range m.Keys {
		if isAggCall(k) {
			ch.errorf(k, "%s() should be directly assigned to a map", k.(*lang.Call).Name)
			return
		}
		t := ch.expr(k)
		if t == nil {
			return
		}
		if !validKey(t) {
			ch.errorf(k, "%s cannot be used as a map key", t)
			return
		}
		ts[i] = mapKeyType(t)
	}
	if len(ts) == 1 && ts[0].Kind == types.Tuple && !ts[0].IsRecord() {
		ts = ts[0].Elems
	}
	var key *types.Type
	switch len(ts) {
	case 0:
	case 1:
		key = ts[0]
	default:
		key = types.NewTuple(ts...)
	}
	if st.keyArity < 0 {
		st.keyArity, st.key, st.keyAt = len(ts), key, m.Span()
		return
	}
	if st.keyArity != len(ts) {
		ch.errorHint(m, []string{fmt.Sprintf("%s is used with %s at %s", m.Name, keyList(st.key), st.keyAt.Start)},
			"argument mismatch for %s: accessed with %s", m.Name, keyList(key))
		return
	}
	if key == nil {
		return
	}
	u, ok := unify(st.key, key)
	if !ok {
		ch.errorHint(m, []string{fmt.Sprintf("%s is used with %s at %s", m.Name, keyList(st.key), st.keyAt.Start)},
			"argument mismatch for %s: accessed with %s", m.Name, keyList(key))
		return
	}
	st.key = u
}

// keyList describes a key type for messages: "[]", "[int64]", "[int64, string[16]]".
func keyList(k *types.Type) string {
	switch {
	case k == nil:
		return "no keys"
	case k.Kind == types.Tuple:
		s := make([]string, len(k.Elems))
		for i, e := range k.Elems {
			s[i] = e.String()
		}
		return "keys [" + strings.Join(s, ", ") + "]"
	}
	return "key [" + k.String() + "]"
}

func validKey(t *types.Type) bool {
	switch t.Kind {
	case types.None, types.Invalid:
		return false
	case types.Tuple:
		for _, e := range t.Elems {
			if !validKey(e) {
				return false
			}
		}
	}
	return !t.Kind.IsAgg()
}

// mapKeyType is how a key of type t is stored: integers become 64-bit;
// bools stay bools.
func mapKeyType(t *types.Type) *types.Type {
	if t.IsInt() && !t.IsBool() {
		return int64Of(t)
	}
	if t.Kind == types.Tuple {
		elems := make([]*types.Type, len(t.Elems))
		for i, e := range t.Elems {
			elems[i] = mapKeyType(e)
		}
		return types.NewRecord(t.Names, elems...)
	}
	return t
}

// mapRead checks a map used as a value and returns the type of the read.
func (ch *checker) mapRead(m *lang.MapExpr) *types.Type {
	st := ch.mapRef(m, false)
	if st == nil || st.value == nil {
		return nil
	}
	if len(m.Keys) > 0 || st.keyArity == 0 {
		ch.mapKeys(m, st)
	} else if st.keyArity > 0 {
		ch.errorf(m, "map %s needs %s to be read", m.Name, keyList(st.key))
		return nil
	}
	return ch.record(m, readType(st.value))
}

// mapRef resolves a reference to a map that must be assigned somewhere.
// withKeys says whether m's keys are checked here.
func (ch *checker) mapRef(m *lang.MapExpr, withKeys bool) *mapState {
	st := ch.mapState(m)
	if withKeys && len(m.Keys) > 0 {
		ch.mapKeys(m, st)
	}
	if !st.written {
		ch.errorHint(m, ch.suggest(m.Name, ch.writtenMaps()), "unknown map %s", m.Name)
		return nil
	}
	return st
}

// recordMapNode records the type of a map named as a whole (print(@m)).
func (ch *checker) recordMapNode(m *lang.MapExpr, st *mapState) {
	if st != nil {
		ch.record(m, st.value)
	}
}

func (ch *checker) writtenMaps() []string {
	var names []string
	for n, st := range ch.maps {
		if st.written {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// readType is the type of reading a map value in an expression: count,
// sum, min and max read as integers; other aggregations stay themselves.
func readType(t *types.Type) *types.Type {
	switch t.Kind {
	case types.Count:
		return types.Uint64
	case types.Sum, types.Min, types.Max, types.Avg:
		// bpftrace 0.26 reads an avg as its integer average.
		return types.Int64
	}
	return t
}

// aggregate checks an aggregation call assigned to a map.
func (ch *checker) aggregate(c *lang.Call) *types.Type {
	if c.Name == "tseries" {
		return ch.tseries(c)
	}
	args := ch.args(c)
	want := map[string]int{"count": 0, "sum": 1, "min": 1, "max": 1, "avg": 1, "stats": 1, "hist": 1, "lhist": 4}[c.Name]
	if c.Name == "hist" && len(args) == 2 {
		want = 2
	}
	if len(args) != want {
		ch.errorf(c, "%s() takes %s, not %d", c.Name, plural(want, "argument"), len(args))
		return nil
	}
	for i, a := range args {
		if a == nil {
			return nil
		}
		if !a.IsInt() {
			ch.errorf(c.Args[i], "%s() only supports integer arguments (%s given)", c.Name, a)
			return nil
		}
	}
	ch.record(c, nil)
	switch c.Name {
	case "count":
		return ch.record(c, countType)
	case "sum":
		return ch.record(c, sumType)
	case "min":
		return ch.record(c, minType)
	case "max":
		return ch.record(c, maxType)
	case "avg":
		return ch.record(c, avgType)
	case "stats":
		return ch.record(c, statsType)
	case "hist":
		return ch.record(c, ch.hist(c))
	}
	return ch.record(c, ch.lhist(c))
}

// hist checks hist(v[, k]): k, a constant from 0 to 5, splits each power
// of 2 into 2^k buckets (bpftrace 0.21+).
func (ch *checker) hist(c *lang.Call) *types.Type {
	if len(c.Args) == 2 {
		k, ok := ch.constOf(c.Args[1])
		if !ok || k < 0 || k > types.MaxHistBits {
			ch.errorHint(c.Args[1], []string{"each power of 2 is split into 2^k buckets"},
				"hist() second argument must be a constant from 0 to %d", types.MaxHistBits)
			return nil
		}
		if k > 0 {
			return &types.Type{Kind: types.Hist, Size: types.HistSlots(int(k)) * 8, HistBits: int(k)}
		}
	}
	return histType
}

func (ch *checker) lhist(c *lang.Call) *types.Type {
	var v [3]int64
	for i := range v {
		x, ok := ch.constOf(c.Args[i+1])
		if !ok {
			ch.errorf(c.Args[i+1], "lhist() %s must be a constant integer", []string{"min", "max", "step"}[i])
			return nil
		}
		v[i] = x
	}
	lo, hi, step := v[0], v[1], v[2]
	switch {
	case lo < 0:
		ch.errorf(c.Args[1], "lhist() min must be non-negative (got %d)", lo)
	case lo >= hi:
		ch.errorf(c.Args[1], "lhist() min must be less than max (got min %d, max %d)", lo, hi)
	case step < 1:
		ch.errorf(c.Args[3], "lhist() step must be at least 1 (got %d)", step)
	case step > hi-lo:
		ch.errorf(c.Args[3], "lhist() step %d is too large for the range %d", step, hi-lo)
	case (hi-lo)/step > 1000:
		ch.errorf(c.Args[3], "lhist() has too many buckets (%d); the limit is 1000", (hi-lo)/step)
	default:
		return NewLhist(lo, hi, step)
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// int64Of is the 64-bit integer of t's sign, naming values by t's enum.
func int64Of(t *types.Type) *types.Type {
	w := types.NewInt(8, t.Signed)
	if t.Enum != nil {
		w = types.WithEnum(w, t.Enum)
	}
	return w
}

// tsAggs are the ways a tseries combines the values of one interval.
var tsAggs = []string{"last", "avg", "max", "min", "sum"}

// maxTSIntervals bounds a tseries' slots, so that one value stays a
// reasonable map value.
const maxTSIntervals = 1000

// tseries checks tseries(v, interval, n[, agg]): v an integer, interval
// (nanoseconds, a duration literal such as 100ms) and n constants.
func (ch *checker) tseries(c *lang.Call) *types.Type {
	if len(c.Args) < 3 || len(c.Args) > 4 {
		ch.errorf(c, "tseries() takes 3 or 4 arguments (value, interval, intervals[, aggregation]), not %d", len(c.Args))
		return nil
	}
	vt := ch.expr(c.Args[0])
	if vt == nil || !vt.IsInt() {
		if vt != nil {
			ch.errorf(c.Args[0], "tseries() only supports integer values (%s given)", vt)
		}
		return nil
	}
	spec := &types.TSSpec{Agg: "last"}
	for i, what := range []string{"interval", "number of intervals"} {
		ch.expr(c.Args[i+1])
		v, ok := ch.constOf(c.Args[i+1])
		switch {
		case !ok:
			ch.errorf(c.Args[i+1], "tseries() %s must be a constant integer", what)
			return nil
		case i == 0 && v <= 0:
			ch.errorf(c.Args[i+1], "tseries() interval must be positive, not %d", v)
			return nil
		case i == 1 && (v < 1 || v > maxTSIntervals):
			ch.errorf(c.Args[i+1], "tseries() number of intervals must be between 1 and %d, not %d", maxTSIntervals, v)
			return nil
		}
		if i == 0 {
			spec.Interval = v
		} else {
			spec.Intervals = int(v)
		}
	}
	if len(c.Args) == 4 {
		s, ok := c.Args[3].(*lang.StrLit)
		if !ok || !slices.Contains(tsAggs, s.Value) {
			ch.errorHint(c.Args[3], []string{"one of \"" + strings.Join(tsAggs, "\", \"") + "\""}, "tseries() aggregation must be a string literal naming one")
			return nil
		}
		spec.Agg = s.Value
	}
	ch.record(c, nil)
	// The values keep their sign: a chart of unsigned values never reaches
	// below 0.
	return ch.record(c, &types.Type{Kind: types.TSeries, Signed: vt.Signed, TS: spec})
}
