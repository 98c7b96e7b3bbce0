// This file serves /metrics over HTTP (with TLS and basic auth through an
// exporter-toolkit web configuration file).

package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/exporter-toolkit/web"
)

// ServerOptions configures Serve.
type ServerOptions struct {
	// Addr is where to listen: ":PORT" listens on 127.0.0.1 only; any
	// other host is used as given, with a warning when it is not a
	// loopback address.
	Addr string
	// WebConfigFile is an exporter-toolkit web configuration file (TLS,
	// basic auth); "" serves plain HTTP without authentication.
	WebConfigFile string
	// Metrics configures the collector.
	Metrics MetricsOptions
	// Stderr receives warnings and the "Serving metrics" line.
	Stderr io.Writer
}

// Timeouts of the HTTP server, so that a slow or idle client holds a
// connection for a bounded time; scrapes run in their own goroutines and
// never block the session.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 60 * time.Second
	scrapeTimeout     = 20 * time.Second
	maxScrapes        = 2 // concurrent scrapes; more get 503
)

// Server serves /metrics until Close.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan error
}

// Serve listens on o.Addr and serves the metrics of src at /metrics (and
// nothing else) in the background. Errors in the address or the web
// configuration are returned before anything is served. The Server must
// be Closed before src is.
func Serve(src Source, o *ServerOptions) (*Server, error) {
	addr, err := listenAddr(o.Addr)
	if err != nil {
		return nil, err
	}
	if err := web.Validate(o.WebConfigFile); err != nil {
		return nil, fmt.Errorf("--web.config.file %s: %w", o.WebConfigFile, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics: %w", err)
	}
	stderr := o.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	if !isLoopback(ln.Addr()) {
		fmt.Fprintf(stderr, "warning: --metrics listens on %s, beyond this machine: anyone who reaches it sees what the traced processes do\n", ln.Addr())
	}
	mo := o.Metrics
	if mo.Stderr == nil {
		mo.Stderr = stderr
	}
	s := &Server{srv: newHTTPServer(src, &mo), ln: ln, done: make(chan error, 1)}
	scheme := "http"
	if o.WebConfigFile != "" {
		scheme = "http(s)"
	}
	fmt.Fprintf(stderr, "Serving metrics on %s://%s/metrics\n", scheme, ln.Addr())
	cfg := o.WebConfigFile
	flags := &web.FlagConfig{WebConfigFile: &cfg}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	go func() { s.done <- web.Serve(ln, s.srv, flags, logger) }()
	return s, nil
}

func newHTTPServer(src Source, mo *MetricsOptions) *http.Server {
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewCollector(src, mo))
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: maxScrapes,
		Timeout:             scrapeTimeout,
	})
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          nil,
	}
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Close stops the server: it waits at most a second for scrapes in flight,
// then closes every connection.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	if serr := <-s.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}

// listenAddr turns a --metrics argument into a listen address: a bare
// ":PORT" means loopback only.
func listenAddr(a string) (string, error) {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return "", fmt.Errorf("--metrics %q: want [HOST]:PORT, e.g. :9464", a)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), port), nil
}

func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}
