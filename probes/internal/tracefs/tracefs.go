// Package tracefs finds (or mounts) the kernel's tracing filesystem, lists its
// trace events and parses their format files.
package tracefs

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// DefaultRoot is where tracefs lives on current kernels and where gtrace
// mounts it when it is not mounted.
const DefaultRoot = "/sys/kernel/tracing"

// legacyRoot is the tracefs directory inside debugfs on older systems.
const legacyRoot = "/sys/kernel/debug/tracing"

// Find returns the directory of a mounted tracefs: DefaultRoot, else the
// debugfs tracing directory. When neither is mounted and mount is true, it
// mounts tracefs at DefaultRoot and reports mounted=true. Mounting needs
// CAP_SYS_ADMIN.
func Find(mount bool) (root string, mounted bool, err error) {
	for _, dir := range []string{DefaultRoot, legacyRoot} {
		if isTracefs(dir) {
			return dir, false, nil
		}
	}
	if !mount {
		return "", false, errors.New("tracefs is not mounted at " + DefaultRoot)
	}
	if err := unix.Mount("tracefs", DefaultRoot, "tracefs", 0, ""); err != nil {
		return "", false, fmt.Errorf("mount tracefs at %s: %w", DefaultRoot, err)
	}
	return DefaultRoot, true, nil
}

// isTracefs reports whether dir is the root of a tracefs (or of the tracing
// directory of a debugfs).
func isTracefs(dir string) bool {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return false
	}
	switch st.Type {
	case unix.TRACEFS_MAGIC:
		return true
	case unix.DEBUGFS_MAGIC:
		_, err := os.Stat(filepath.Join(dir, "events"))
		return err == nil
	}
	return false
}

// Events returns the trace events under root as "category:event", sorted.
// It reads available_events and falls back to walking events/ when that
// file is missing.
func Events(root string) ([]string, error) {
	f, err := os.Open(filepath.Join(root, "available_events"))
	if errors.Is(err, fs.ErrNotExist) {
		return walkEvents(root)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var evs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.Contains(line, ":") {
			evs = append(evs, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	sort.Strings(evs)
	return evs, nil
}

func walkEvents(root string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(root, "events", "*", "*", "format"))
	if err != nil {
		return nil, err
	}
	evs := make([]string, 0, len(matches))
	for _, m := range matches {
		dir := filepath.Dir(m)
		evs = append(evs, filepath.Base(filepath.Dir(dir))+":"+filepath.Base(dir))
	}
	sort.Strings(evs)
	return evs, nil
}

// ReadFormat reads and parses the format file of category:event.
func ReadFormat(root, category, event string) (*Format, error) {
	if strings.ContainsAny(category+event, "/\x00") || category == ".." || event == ".." {
		return nil, fmt.Errorf("invalid trace event name %q", category+":"+event)
	}
	data, err := os.ReadFile(filepath.Join(root, "events", category, event, "format"))
	if err != nil {
		return nil, err
	}
	return ParseFormat(data)
}
