// Command hargen writes synthetic Chrome DevTools HAR files for benchmarks.
//
//	go run ./internal/hargen/cmd -size 1GiB -mix body-heavy -o /tmp/big.har
//	go run ./internal/hargen/cmd -size 100MiB -mix metadata-dense -o /tmp/dense.har
//	go run ./internal/hargen/cmd -size 1MiB -mix mixed -count 2000 -o /tmp/hars/
//
// With -count N, -o is a directory that receives N files, capture-0000.har
// onward, the i-th written with seed+i. The mix "mixed" (only with -count)
// alternates body-heavy and metadata-dense files. A JSON summary of each
// file (entries, OPTIONS entries, planted failures) goes to standard error
// with -stats.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/harcors/harcors/internal/hargen"
)

func main() {
	size := flag.String("size", "100MiB", "upper bound on each file's size (1GiB, 100MiB, 64KiB, bytes)")
	entries := flag.Int("entries", 0, "stop after this many entries instead (0: bounded by -size only)")
	mix := flag.String("mix", string(hargen.BodyHeavy), "body-heavy, metadata-dense, or (with -count) mixed")
	seed := flag.Uint64("seed", 1, "random seed: the same flags write the same bytes")
	out := flag.String("o", "-", "output file (- for standard output), or a directory with -count")
	count := flag.Int("count", 0, "write this many files into the directory -o")
	bodySize := flag.String("body-size", "64KiB", "mean size of a body-heavy response body (base64 text)")
	systemic := flag.Bool("systemic", false, "a server misconfigured once: echoed origins without Vary: Origin, failures four times as frequent")
	stats := flag.Bool("stats", false, "print a JSON summary of each file to standard error")
	flag.Parse()

	n, err := hargen.ParseSize(*size)
	if err != nil {
		fail(err)
	}
	if *entries > 0 && !isFlagSet("size") {
		n = 0
	}
	bs, err := hargen.ParseSize(*bodySize)
	if err != nil {
		fail(err)
	}
	cfg := hargen.Config{Size: n, Entries: *entries, Mix: hargen.Mix(*mix), Seed: *seed, BodySize: int(bs), Systemic: *systemic}
	if *count <= 0 {
		if cfg.Mix == "mixed" {
			fail(fmt.Errorf("-mix mixed needs -count"))
		}
		if err := one(*out, cfg, *stats); err != nil {
			fail(err)
		}
		return
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	for i := range *count {
		c := cfg
		c.Seed = *seed + uint64(i)
		if cfg.Mix == "mixed" {
			c.Mix = hargen.Mixes[i%len(hargen.Mixes)]
		}
		if err := one(filepath.Join(*out, fmt.Sprintf("capture-%04d.har", i)), c, *stats); err != nil {
			fail(err)
		}
	}
}

func one(path string, cfg hargen.Config, stats bool) error {
	var w io.Writer = os.Stdout
	var f *os.File
	if path != "-" {
		var err error
		if f, err = os.Create(path); err != nil {
			return err
		}
		w = f
	}
	st, err := hargen.Write(w, cfg)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if stats {
		b, _ := json.Marshal(struct {
			File string `json:"file"`
			Mix  string `json:"mix"`
			hargen.Stats
		}{path, string(cfg.Mix), st})
		fmt.Fprintln(os.Stderr, string(b))
	}
	return nil
}

func isFlagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "hargen:", err)
	os.Exit(2)
}
