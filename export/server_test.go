package export

// Tests of the HTTP server on loopback: where a bare :PORT listens, the
// warning for other addresses, what is served, and basic auth from an
// exporter-toolkit web configuration file.

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/gtrace/gtrace/lang/types"
)

func countSource() *fakeSource {
	src := &fakeSource{}
	src.add("@calls", nil, &types.Type{Kind: types.Count}, perCPU(u64s(0), u64s(4), u64s(3)))
	return src
}

func serve(t *testing.T, o *ServerOptions) (*Server, *bytes.Buffer) {
	t.Helper()
	var stderr bytes.Buffer
	o.Stderr = &stderr
	s, err := Serve(countSource(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, &stderr
}

func get(t *testing.T, url, user, pass string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeLoopback(t *testing.T) {
	s, stderr := serve(t, &ServerOptions{Addr: ":0"})
	if !isLoopback(s.Addr()) || !strings.HasPrefix(s.Addr().String(), "127.0.0.1:") {
		t.Errorf("--metrics :0 listens on %s, want 127.0.0.1", s.Addr())
	}
	if strings.Contains(stderr.String(), "warning") {
		t.Errorf("warning for a loopback address: %q", stderr.String())
	}
	base := "http://" + s.Addr().String()
	if code, body := get(t, base+"/metrics", "", ""); code != 200 || !strings.Contains(body, "gtrace_calls_total 7\n") {
		t.Errorf("GET /metrics: %d\n%s", code, body)
	}
	for _, path := range []string{"/", "/debug/pprof/", "/metrics/x", "/debug/vars"} {
		if code, _ := get(t, base+path, "", ""); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, code)
		}
	}
	if code, _ := get(t, base+"/metrics", "", ""); code != 200 {
		t.Errorf("second scrape: %d", code)
	}
}

func TestServeWarnsBeyondLoopback(t *testing.T) {
	s, stderr := serve(t, &ServerOptions{Addr: "0.0.0.0:0"})
	want := "warning: --metrics listens on " + s.Addr().String() + ", beyond this machine: anyone who reaches it sees what the traced processes do\n"
	if !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("stderr %q, want it to start with %q", stderr.String(), want)
	}
}

func TestServeBasicAuth(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(t.TempDir(), "web.yml")
	if err := os.WriteFile(conf, []byte("basic_auth_users:\n  prom: "+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := serve(t, &ServerOptions{Addr: ":0", WebConfigFile: conf})
	url := "http://" + s.Addr().String() + "/metrics"
	if code, body := get(t, url, "", ""); code != http.StatusUnauthorized || strings.Contains(body, "gtrace_calls") {
		t.Errorf("scrape without credentials: %d\n%s", code, body)
	}
	if code, _ := get(t, url, "prom", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("scrape with a wrong password: %d, want 401", code)
	}
	if code, body := get(t, url, "prom", "s3cret"); code != 200 || !strings.Contains(body, "gtrace_calls_total 7\n") {
		t.Errorf("scrape with credentials: %d\n%s", code, body)
	}
}

func TestServeBadConfig(t *testing.T) {
	for _, tc := range []struct{ name, addr, conf, want string }{
		{"no port", "localhost", "", `--metrics "localhost": want [HOST]:PORT`},
		{"missing config", ":0", "/nonexistent/web.yml", "--web.config.file /nonexistent/web.yml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Serve(countSource(), &ServerOptions{Addr: tc.addr, WebConfigFile: tc.conf})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Serve: %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestServeSlowClient keeps connections open with half-written requests
// (the server's read timeouts end them later); scrapes are served
// meanwhile.
func TestServeSlowClient(t *testing.T) {
	s, _ := serve(t, &ServerOptions{Addr: ":0"})
	for range 8 {
		c, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write([]byte("GET /metrics HTTP/1.1\r\nHost: x\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	if code, body := get(t, "http://"+s.Addr().String()+"/metrics", "", ""); code != 200 || !strings.Contains(body, "gtrace_calls_total 7\n") {
		t.Errorf("scrape beside slow clients: %d\n%s", code, body)
	}
}
