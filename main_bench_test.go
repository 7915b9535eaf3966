package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/hargen"
)

// genFile writes a generated HAR into dir and returns its path and size.
func genFile(b *testing.B, dir, name string, cfg hargen.Config) (string, int64) {
	b.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	st, err := hargen.Write(f, cfg)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	return path, st.Bytes
}

// BenchmarkScan times one file from disk (page cache) through each stage of
// the command: the reader alone, read and analyse, and the whole command
// with its default table output to io.Discard. The differences between the
// stages attribute the cost; bench/run.sh times the built binary beside dd,
// jq and Node on 1 GiB files.
func BenchmarkScan(b *testing.B) {
	dir := b.TempDir()
	files := []struct {
		name string
		cfg  hargen.Config
	}{
		{"body-heavy-64MiB", hargen.Config{Size: 64 << 20, Mix: hargen.BodyHeavy, Seed: 1}},
		{"metadata-dense-16MiB", hargen.Config{Size: 16 << 20, Mix: hargen.MetadataDense, Seed: 1}},
	}
	for _, f := range files {
		path, size := genFile(b, dir, f.name+".har", f.cfg)
		b.Run(f.name+"/read", func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				r, err := har.Open(path, har.Options{})
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := r.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
				r.Close()
			}
		})
		b.Run(f.name+"/analyze", func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if res := analyze.File(path, analyze.Options{}, har.Options{}); res.Err != nil {
					b.Fatal(res.Err)
				}
			}
		})
		b.Run(f.name+"/command", func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if code := run([]string{path}, nil, io.Discard, io.Discard); code == exitTrouble {
					b.Fatal("harcors exited 2")
				}
			}
		})
	}
}

// BenchmarkScanFolder times the command on a folder of 64 generated 1 MiB
// HARs with one job and with the default (GOMAXPROCS): the ratio of their
// MB/s is the parallel speed-up.
func BenchmarkScanFolder(b *testing.B) {
	dir := b.TempDir()
	var total int64
	for i := range 64 {
		_, n := genFile(b, dir, fmt.Sprintf("capture-%04d.har", i),
			hargen.Config{Size: 1 << 20, Mix: hargen.Mixes[i%2], Seed: uint64(i)})
		total += n
	}
	for _, jobs := range []string{"1", "default"} {
		args := []string{dir}
		if jobs != "default" {
			args = []string{"--jobs", jobs, dir}
		}
		b.Run("jobs="+jobs, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				if code := run(args, nil, io.Discard, io.Discard); code == exitTrouble {
					b.Fatal("harcors exited 2")
				}
			}
		})
	}
}
