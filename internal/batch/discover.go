// Package batch turns the command line's paths into inputs (files found in
// directories and globs, standard input) and reads and analyses them on a
// few goroutines at once, handing the results back in input order.
package batch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Input is one thing to read: a file, standard input, or a path that could
// not be listed (err).
type Input struct {
	Path string
	Err  error
}

// Discover expands the command-line paths into inputs, in order: each path
// in the order given, a directory's files in lexical path order. Nothing is
// dropped silently: a path that cannot be listed becomes an input with an
// error.
func Discover(paths []string) []Input {
	var out []Input
	seen := map[string]bool{}
	add := func(in Input) {
		if in.Err == nil && in.Path != "-" {
			if seen[in.Path] {
				return
			}
			seen[in.Path] = true
		}
		out = append(out, in)
	}
	stdinSeen := false
	for _, p := range paths {
		if p == "-" {
			if stdinSeen {
				// Both would read the same stream.
				add(Input{Path: "-", Err: errors.New("standard input named more than once")})
				continue
			}
			stdinSeen = true
			add(Input{Path: "-"})
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			// Not a file: maybe a glob the shell did not expand (Windows,
			// or quoted on purpose), where ** matches any number of
			// directories.
			if strings.ContainsAny(p, "*?[") && errors.Is(err, fs.ErrNotExist) {
				matches, gerr := glob(p)
				switch {
				case gerr != nil:
					add(Input{Path: p, Err: fmt.Errorf("%s: bad pattern: %v", p, gerr)})
				case len(matches) == 0:
					add(Input{Path: p, Err: fmt.Errorf("%s: no file matches this pattern", p)})
				}
				sort.Strings(matches)
				for _, m := range matches {
					// A match is found, not named: as in a walk, only
					// a regular file (or a link to one) is read, and a
					// FIFO or a device matched by *.har is named and
					// skipped, not opened (it would hang the batch).
					if info, err := os.Stat(m); err == nil && !info.IsDir() && !info.Mode().IsRegular() {
						add(Input{Path: m, Err: fmt.Errorf("%s: not a regular file (%s); name it explicitly to read it", m, info.Mode().Type())})
						continue
					}
					for _, in := range Discover([]string{m}) {
						add(in)
					}
				}
				continue
			}
			add(Input{Path: p, Err: err})
			continue
		}
		if !fi.IsDir() {
			// Named explicitly: read it whatever it is (a FIFO from <(...)
			// included).
			add(Input{Path: p})
			continue
		}
		before := len(out)
		root := p
		if li, err := os.Lstat(p); err == nil && li.Mode()&os.ModeSymlink != 0 {
			// A link to a directory, named without a trailing slash:
			// WalkDir would report the link itself and not enter it.
			root = p + string(filepath.Separator)
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				add(Input{Path: path, Err: err})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !isHARName(d.Name()) {
				return nil
			}
			// Only regular files (or links to them) inside directories:
			// opening a FIFO or a device found by a walk would hang or read
			// forever. WalkDir does not follow links to directories, so a
			// link loop cannot trap it.
			info, err := os.Stat(path)
			switch {
			case err != nil:
				add(Input{Path: path, Err: err})
			case !info.Mode().IsRegular():
				add(Input{Path: path, Err: fmt.Errorf("%s: not a regular file (%s); name it explicitly to read it", path, info.Mode().Type())})
			default:
				add(Input{Path: path})
			}
			return nil
		})
		if err != nil {
			add(Input{Path: p, Err: err})
		}
		if len(out) == before {
			// A folder scanned in CI that holds no HAR (captures saved as
			// .json, a wrong path) must not pass silently.
			add(Input{Path: p, Err: fmt.Errorf("%s: no *.har or *.har.gz files in this directory", p)})
		}
	}
	return out
}

// glob is filepath.Glob where a path element "**" also matches any number
// of directories, none included ('caps/**/*.har' finds caps/a.har and
// caps/x/y/a.har). Links to directories are not followed below the fixed
// part of the pattern.
func glob(pattern string) ([]string, error) {
	if !strings.Contains(pattern, "**") {
		return filepath.Glob(pattern)
	}
	sep := string(filepath.Separator)
	parts := strings.Split(filepath.Clean(pattern), sep)
	// The walk starts at the longest leading run of parts without magic.
	fixed := 0
	for fixed < len(parts) && !strings.ContainsAny(parts[fixed], "*?[") {
		fixed++
	}
	root := strings.Join(parts[:fixed], sep)
	switch {
	case root == "" && filepath.IsAbs(pattern):
		root = sep
	case root == "":
		root = "."
	}
	rest := parts[fixed:]
	for _, part := range rest {
		if _, err := filepath.Match(part, ""); err != nil {
			return nil, err
		}
	}
	var matches []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == root {
			return nil
		}
		rel, rerr := filepath.Rel(root, path)
		if rerr != nil {
			return nil
		}
		if matchParts(rest, strings.Split(rel, sep)) {
			matches = append(matches, path)
		}
		return nil
	})
	return matches, err
}

// matchParts matches path elements against pattern elements, "**" matching
// any number of them.
func matchParts(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchParts(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := filepath.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

func isHARName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".har") || strings.HasSuffix(n, ".har.gz")
}
