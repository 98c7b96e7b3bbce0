// This file implements the Prometheus collector of a session's maps.

package export

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/runtime/format"
)

// Source is what the exporters read: runtime.Session implements it.
type Source interface {
	// Maps returns the script's map descriptors.
	Maps() []*codegen.Map
	// ReadMap reads at most limit entries of m (all when limit <= 0) and
	// reports whether there were more. It is called while the probes run.
	ReadMap(m *codegen.Map, limit int) (fm *format.Map, more bool, err error)
	// Env is the formatting environment: symbols, stacks, probe names.
	Env() *format.Env
}

// DefaultMaxKeys is the number of keys of one map a scrape reads when
// MetricsOptions.MaxKeys is 0.
const DefaultMaxKeys = 10000

// MetricsOptions configures a Collector. nil means the defaults.
type MetricsOptions struct {
	// MaxKeys caps the keys of each map one scrape reads (and so the
	// series of each family); 0 means DefaultMaxKeys.
	MaxKeys int
	// Labels names the key parts of each map (KeyLabels); a map missing
	// here has labels key0, key1...
	Labels map[string][]string
	// Stderr receives the one-time warning of a map over MaxKeys; nil
	// means no warning.
	Stderr io.Writer
}

func (o *MetricsOptions) maxKeys() int {
	if o == nil || o.MaxKeys <= 0 {
		return DefaultMaxKeys
	}
	return o.MaxKeys
}

// Collector is a prometheus.Collector of a session's maps (see the package
// documentation for the names). It reads the maps at each scrape.
type Collector struct {
	src      Source
	maxKeys  int
	stderr   io.Writer
	families []*family
	limit    *prometheus.Desc
	trunc    *prometheus.Desc

	inlines *inlines

	mu     sync.Mutex
	warned map[string]bool
	spans  map[string]*bucketSpan // hist/lhist: the buckets shown so far
}

// family is one exported map.
type family struct {
	m      *codegen.Map
	desc   *prometheus.Desc
	kind   prometheus.ValueType // for counters and gauges
	labels []string
}

// bucketSpan is the range of hist buckets a family shows: from the lowest
// to the highest non-empty one seen so far, so that buckets do not come
// and go between scrapes.
type bucketSpan struct{ lo, hi int }

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector returns the collector of src's maps.
func NewCollector(src Source, o *MetricsOptions) *Collector {
	c := &Collector{
		src: src, maxKeys: o.maxKeys(), warned: map[string]bool{}, spans: map[string]*bucketSpan{},
		inlines: newInlines(),
		limit: prometheus.NewDesc("gtrace_metrics_max_keys",
			"Keys of each map a scrape reads at most (--metrics-max-keys).", nil, nil),
		trunc: prometheus.NewDesc("gtrace_metrics_truncated",
			"1 when the map had more keys than gtrace_metrics_max_keys at this scrape.", []string{"map"}, nil),
	}
	if o != nil {
		c.stderr = o.Stderr
	}
	taken := map[string]bool{}
	for _, m := range src.Maps() {
		f := newFamily(m, o)
		if f == nil || taken[f.desc.String()] {
			continue
		}
		taken[f.desc.String()] = true
		c.families = append(c.families, f)
	}
	return c
}

// newFamily describes map m, or returns nil for a map whose values are not
// numbers.
func newFamily(m *codegen.Map, o *MetricsOptions) *family {
	name := "gtrace_" + strings.TrimPrefix(m.Name, "@")
	if m.Name == "@" {
		name = "gtrace_map"
	}
	f := &family{m: m, kind: prometheus.GaugeValue}
	switch m.Value.Kind {
	case types.Count, types.Sum:
		name += "_total"
		f.kind = prometheus.CounterValue
	case types.Min, types.Max, types.Int, types.Hist, types.Lhist, types.Avg, types.Stats:
	default:
		return nil
	}
	f.labels = labelNames(m, o)
	help := fmt.Sprintf("gtrace map %s: %s.", m.Name, valueName(m.Value))
	f.desc = prometheus.NewDesc(name, help, f.labels, nil)
	return f
}

func valueName(t *types.Type) string {
	if t.Kind == types.Int {
		return "integer"
	}
	return t.Kind.String() + "()"
}

// labelNames names the key parts of m.
func labelNames(m *codegen.Map, o *MetricsOptions) []string {
	n := len(keyKinds(m.Key))
	var given []string
	if o != nil {
		given = o.Labels[m.Name]
	}
	names := make([]string, n)
	for i := range names {
		if i < len(given) && given[i] != "" {
			names[i] = given[i]
		} else {
			names[i] = fmt.Sprintf("key%d", i)
		}
	}
	return names
}

// Describe sends nothing: the collector is unchecked, as its families
// depend on what the maps hold.
func (c *Collector) Describe(chan<- *prometheus.Desc) {}

// Collect reads every map and sends its metrics.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(c.limit, prometheus.GaugeValue, float64(c.maxKeys))
	r := newResolver(c.src.Env(), c.inlines)
	for _, f := range c.families {
		fm, more, err := c.src.ReadMap(f.m, c.maxKeys)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(f.desc, err)
			continue
		}
		truncated := 0.0
		if more {
			truncated = 1
			c.warnOnce(f.m.Name)
		}
		ch <- prometheus.MustNewConstMetric(c.trunc, prometheus.GaugeValue, truncated, f.m.Name)
		c.collectMap(ch, f, fm, r)
	}
}

// warnOnce tells stderr, once per map, that a scrape left keys out.
func (c *Collector) warnOnce(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.warned[name] || c.stderr == nil {
		return
	}
	c.warned[name] = true
	fmt.Fprintf(c.stderr, "warning: map %s has more than %d keys: /metrics shows %d of them (--metrics-max-keys)\n",
		name, c.maxKeys, c.maxKeys)
}

func (c *Collector) collectMap(ch chan<- prometheus.Metric, f *family, fm *format.Map, r *resolver) {
	var span *bucketSpan
	if k := f.m.Value.Kind; k == types.Hist || k == types.Lhist {
		span = c.widenSpan(f.m.Name, fm)
	}
	for _, e := range fm.Entries {
		labels := c.labelValues(fm, e.Key, r)
		v := reduced(fm, e)
		m, err := f.metric(v, labels, span)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(f.desc, err)
			continue
		}
		if m != nil {
			ch <- m
		}
	}
}

// labelValues returns the label values of a key: the text of each part,
// stacks as their frames root first, joined with ';'.
func (c *Collector) labelValues(fm *format.Map, key []byte, r *resolver) []string {
	parts := splitKey(fm.Key, key)
	vals := make([]string, len(parts))
	for i, p := range parts {
		if isStack(p.t) {
			vals[i] = foldedText(rootFirst(r.stack(p)))
		} else {
			vals[i] = partText(r.env, p)
		}
	}
	return vals
}

// metric returns the metric of one reduced value (nil for an unset min or
// max).
func (f *family) metric(v []byte, labels []string, span *bucketSpan) (prometheus.Metric, error) {
	t := f.m.Value
	switch t.Kind {
	case types.Hist, types.Lhist:
		counts, sum := format.HistCounts(t, v)
		count, buckets := cumulative(t, counts, span)
		return prometheus.NewConstHistogram(f.desc, count, float64(sum), buckets, labels...)
	case types.Avg, types.Stats:
		n, total := avgParts(v)
		return prometheus.NewConstSummary(f.desc, n, float64(total), nil, labels...)
	}
	x, ok := scalar(t, v)
	if !ok {
		return nil, nil
	}
	return prometheus.NewConstMetric(f.desc, f.kind, x, labels...)
}

// cumulative returns the total count and the cumulative count at the upper
// bound of each bucket of span.
func cumulative(t *types.Type, counts []uint64, span *bucketSpan) (uint64, map[float64]uint64) {
	buckets := map[float64]uint64{}
	var n uint64
	for i, c := range counts {
		n += c
		if span == nil || i < span.lo || i > span.hi {
			continue
		}
		if le, ok := format.HistBound(t, i, len(counts)); ok {
			buckets[float64(le)] = n
		}
	}
	return n, buckets
}

// widenSpan widens the bucket span of map name to the non-empty buckets of
// fm and returns a copy of it (nil while every bucket is empty).
func (c *Collector) widenSpan(name string, fm *format.Map) *bucketSpan {
	lo, hi := -1, -1
	for _, e := range fm.Entries {
		counts, _ := format.HistCounts(fm.Value, reduced(fm, e))
		for i, n := range counts {
			if n == 0 {
				continue
			}
			if lo < 0 || i < lo {
				lo = i
			}
			hi = max(hi, i)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.spans[name]
	switch {
	case s == nil && lo < 0:
		return nil
	case s == nil:
		s = &bucketSpan{lo, hi}
		c.spans[name] = s
	case lo >= 0:
		s.lo, s.hi = min(s.lo, lo), max(s.hi, hi)
	}
	cp := *s
	return &cp
}
