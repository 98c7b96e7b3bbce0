package main

// This file wires package export into a run: --metrics (Prometheus),
// --pprof and -f folded.

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/export"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/runtime"
)

// exportOptions are the flags of the exporters.
type exportOptions struct {
	metrics   string // --metrics ADDR
	webConfig string // --web.config.file FILE
	maxKeys   int    // --metrics-max-keys N
	pprof     string // --pprof FILE
	labels    map[string][]string
}

func addExportFlags(fs *flag.FlagSet, o *exportOptions) {
	fs.StringVar(&o.metrics, "metrics", "", "serve Prometheus metrics of the maps at `addr` (:PORT is loopback only)")
	fs.StringVar(&o.webConfig, "web.config.file", "", "TLS and basic auth for --metrics (exporter-toolkit web config `file`)")
	fs.IntVar(&o.maxKeys, "metrics-max-keys", export.DefaultMaxKeys, "keys of each map a scrape reads at most (`n`)")
	fs.StringVar(&o.pprof, "pprof", "", "at exit, write the maps keyed by stacks as a pprof profile to `file`")
}

// prepareExport checks the export flags against the program and sets the
// folded dump; it runs before the program is loaded.
func prepareExport(o *options, f *lang.File, prog *codegen.Program, opts *runtime.Options, stderr io.Writer) error {
	o.export.labels = export.KeyLabels(f)
	stacks := len(export.StackMaps(prog.Maps))
	if o.export.pprof != "" && stacks == 0 {
		return fmt.Errorf("--pprof: no map has a kstack or ustack key")
	}
	if o.export.webConfig != "" && o.export.metrics == "" {
		return fmt.Errorf("--web.config.file needs --metrics")
	}
	if o.format == "folded" {
		opts.DumpMap = (&export.Folded{Multi: stacks > 1, Other: stderr}).Dump
	}
	return nil
}

// startMetrics serves --metrics; the returned func stops it.
func startMetrics(o *options, s *runtime.Session, stderr io.Writer) (func(), error) {
	if o.export.metrics == "" {
		return func() {}, nil
	}
	srv, err := export.Serve(s, &export.ServerOptions{
		Addr: o.export.metrics, WebConfigFile: o.export.webConfig, Stderr: stderr,
		Metrics: export.MetricsOptions{MaxKeys: o.export.maxKeys, Labels: o.export.labels},
	})
	if err != nil {
		return nil, err
	}
	return func() { srv.Close() }, nil
}

// writeProfile writes --pprof after the run.
func writeProfile(o *options, s *runtime.Session, start time.Time) error {
	if o.export.pprof == "" {
		return nil
	}
	fh, err := os.Create(o.export.pprof)
	if err != nil {
		return err
	}
	err = export.WriteProfile(fh, s, &export.ProfileOptions{Labels: o.export.labels, Start: start})
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	return err
}
