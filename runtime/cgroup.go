// This file implements cgroup_path(): a cgroup id (the inode of the cgroup's
// directory) is turned into its path in every mounted cgroup hierarchy,
// "unified:/user.slice,cpu:/,...", as bpftrace prints it.

package runtime

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// hierarchy is one mounted cgroup hierarchy.
type hierarchy struct {
	name string // "unified" for cgroup2, else the controllers ("cpu", "systemd")
	root string // mount point
}

// cgroups resolves cgroup ids to paths, caching each answer.
type cgroups struct {
	mountinfo string
	once      sync.Once
	hier      []hierarchy
	mu        sync.Mutex
	cache     map[uint64]string
}

// path returns "name:/path" for each hierarchy where a cgroup of this id
// exists, joined by commas, unified first and the others by name.
func (c *cgroups) path(id uint64) string {
	c.once.Do(func() { c.hier = readHierarchies(c.mountinfo) })
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.cache[id]; ok {
		return s
	}
	var parts []string
	for _, h := range c.hier {
		if p, ok := findInode(h.root, id); ok {
			parts = append(parts, h.name+":"+p)
		}
	}
	s := strings.Join(parts, ",")
	if c.cache == nil {
		c.cache = map[uint64]string{}
	}
	c.cache[id] = s
	return s
}

// readHierarchies lists the cgroup mounts of a mountinfo file.
func readHierarchies(mountinfo string) []hierarchy {
	f, err := os.Open(mountinfo)
	if err != nil {
		return nil
	}
	defer f.Close()
	var hs []hierarchy
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		fields, after := strings.Fields(pre), strings.Fields(post)
		if !ok || len(fields) < 5 || len(after) < 3 {
			continue
		}
		var name string
		switch after[0] {
		case "cgroup2":
			name = "unified"
		case "cgroup":
			name = v1Name(after[2])
		default:
			continue
		}
		if name != "" && !seen[name] {
			seen[name] = true
			hs = append(hs, hierarchy{name, fields[4]})
		}
	}
	sort.Slice(hs, func(i, j int) bool {
		if (hs[i].name == "unified") != (hs[j].name == "unified") {
			return hs[i].name == "unified"
		}
		return hs[i].name < hs[j].name
	})
	return hs
}

// v1Name names a cgroup v1 hierarchy from its super options
// ("rw,cpu,cpuacct" → "cpu,cpuacct", "rw,name=systemd" → "systemd").
func v1Name(opts string) string {
	var names []string
	for _, o := range strings.Split(opts, ",") {
		switch {
		case o == "rw" || o == "ro" || strings.HasPrefix(o, "release_agent") || o == "clone_children" || o == "noprefix" || o == "xattr" || o == "cpuset_v2_mode" || o == "favordynmods":
		case strings.HasPrefix(o, "name="):
			names = append(names, strings.TrimPrefix(o, "name="))
		default:
			names = append(names, o)
		}
	}
	return strings.Join(names, ",")
}

// findInode returns the path below root of the directory whose inode is id.
func findInode(root string, id uint64) (string, bool) {
	found := ""
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Ino == id {
			found = "/" + strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
			return filepath.SkipAll
		}
		return nil
	})
	return found, found != ""
}
