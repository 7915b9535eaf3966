#!/usr/bin/env bash
# bench/run.sh: time harcors beside dd (the cost of reading the file), jq and
# Node's JSON.parse (what a user would script) on generated Chrome HARs, in
# one run on one machine, and check the targets of issues 5, 13 and 17. bench/README.md
# explains the method.
#
#   bash bench/run.sh                 # full run: ~4.2 GB of files in a temp dir, deleted at the end
#   bash bench/run.sh --dir D --keep  # generate into D (reused next time) and keep the files
#   bash bench/run.sh --quick         # smaller files, a smoke test of the script (targets not judged)
#
# Environment: RUNS (repetitions per measurement, the best kept; default 5),
# QUIET, QUIET_WAIT (see wait_quiet), BIG, MID, DENSE, FOLDER_N, FOLDER_SIZE
# (file sizes), NODE, JQ, HARCORS_FLAGS.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR="" KEEP=0 QUICK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --quick) QUICK=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

RUNS=${RUNS:-5}
if [ "$QUICK" = 1 ]; then
  BIG=${BIG:-64MiB} MID=${MID:-16MiB} DENSE=${DENSE:-16MiB} FOLDER_N=${FOLDER_N:-100} FOLDER_SIZE=${FOLDER_SIZE:-1MiB}
else
  BIG=${BIG:-1GiB} MID=${MID:-250MiB} DENSE=${DENSE:-100MiB} FOLDER_N=${FOLDER_N:-2000} FOLDER_SIZE=${FOLDER_SIZE:-1MiB}
fi
NODE=${NODE:-$(command -v node || true)}
JQ=${JQ:-$(command -v jq || true)}
TIME=/usr/bin/time
if [ ! -x "$TIME" ]; then
  echo "run.sh: GNU time is needed for peak memory: apt-get install -y time" >&2
  exit 2
fi

if [ -z "$DIR" ]; then
  DIR=$(mktemp -d /tmp/harcors-bench.XXXXXX)
  [ "$KEEP" = 1 ] || trap 'rm -rf "$DIR"' EXIT
else
  mkdir -p "$DIR"
fi
BIN="$DIR/bin"
mkdir -p "$BIN"

echo "== building"
(cd "$ROOT" && go build -o "$BIN/harcors" . && go build -o "$BIN/hargen" ./internal/hargen/cmd)

# gen NAME ARGS...: generate $DIR/NAME unless it exists with the same
# arguments and the same generator source (recorded beside it), and keep
# hargen's JSON summary. A file written by another version of hargen is
# written again: the same flags can give other bytes.
GEN_SRC=$(find "$ROOT/internal/hargen" -name '*.go' ! -name '*_test.go' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)
gen() {
  local name=$1; shift
  local want="$* (hargen $GEN_SRC)"
  if [ -e "$DIR/$name" ] && [ "$(cat "$DIR/$name.args" 2>/dev/null)" = "$want" ]; then
    return
  fi
  rm -rf "${DIR:?}/$name"
  "$BIN/hargen" "$@" -stats -o "$DIR/$name" 2>"$DIR/$name.stats"
  echo "$want" >"$DIR/$name.args"
}

echo "== generating into $DIR"
gen big.har -size "$BIG" -mix body-heavy -seed 1
gen mid.har -size "$MID" -mix body-heavy -seed 1
# fat.har: the entries of mid.har with bodies four times larger: the same
# metadata in about 4x the bytes, to show memory does not grow with bodies.
MID_ENTRIES=$(sed -n 's/.*"Entries":\([0-9]*\).*/\1/p' "$DIR/mid.har.stats")
gen fat.har -entries "$MID_ENTRIES" -body-size 256KiB -mix body-heavy -seed 1
gen dense.har -size "$DENSE" -mix metadata-dense -seed 1
gen folder -size "$FOLDER_SIZE" -mix mixed -count "$FOLDER_N" -seed 1
# Systemic misconfiguration (issue 13): every cross-origin response echoes
# the origin without Vary: Origin, and the planted failures are four times
# as frequent: tens of thousands of findings of a handful of problems.
# Smaller bodies than big.har, for about 45,000 findings in 1 GiB.
gen sysbig.har -size "$BIG" -mix body-heavy -systemic -body-size 8KiB -seed 4
gen sysdense.har -size "$DENSE" -mix metadata-dense -systemic -seed 3

# Ways in (issue 17): mid.har gzipped (gzip -1, as browsertime's and
# sitespeed.io's HARs are), and distinct-URL cross-origin GETs that all
# share one timestamp, N and 2N of them: every pairing group stays open
# until the end, the worst case for the streamer's pairing window.
if [ ! -e "$DIR/mid.har.gz" ] || [ "$DIR/mid.har.gz" -ot "$DIR/mid.har" ]; then
  gzip -1 -c "$DIR/mid.har" >"$DIR/mid.har.gz"
fi
onestamp() { # onestamp NAME N
  [ -e "$DIR/$1" ] && return
  awk -v n="$2" 'BEGIN {
    printf "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"WebInspector\",\"version\":\"537.36\"},\"pages\":[],\"entries\":["
    for (i = 0; i < n; i++) {
      if (i) printf ","
      printf "{\"startedDateTime\":\"2025-01-01T10:00:00.000Z\",\"time\":12.5,\"request\":{\"method\":\"GET\",\"url\":\"https://api.example.test/v1/items/%d\",\"headers\":[{\"name\":\"Origin\",\"value\":\"https://app.example.test\"}]},\"response\":{\"status\":200,\"headers\":[{\"name\":\"Access-Control-Allow-Origin\",\"value\":\"*\"}]},\"_resourceType\":\"fetch\"}", i
    }
    print "]}}"
  }' >"$DIR/$1"
}
ONESTAMP_N=$([ "$QUICK" = 1 ] && echo 20000 || echo 200000)
onestamp onestamp1.har "$ONESTAMP_N"
onestamp onestamp2.har "$((ONESTAMP_N * 2))"

# The summaries hargen printed: entries and OPTIONS entries per file.
stat_of() { sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$DIR/$1.stats" | head -1; }
size_of() { stat -c %s "$DIR/$1"; }
FOLDER_BYTES=$(du -sb "$DIR/folder" | cut -f1)

# measure ID INPUT CMD...: run CMD RUNS times under GNU time (a single time
# when the first run takes over 20 s), stdout to /dev/null, and record in
# $DIR/results the best wall time (from date, in microseconds: time -v
# rounds to 10 ms), the median, the largest peak RSS of the runs, and the
# CPU%, user+sys seconds and exit status of the best run. The best, not the
# mean: other processes only ever slow a run down, so the fastest run is
# the closest to the command's own cost.
#
# INPUT (a file or a folder) is read just before every run, so that every
# tool reads from the page cache, as dd's baseline does: warming once is not
# enough where the kernel pages idle cache out within seconds (DAMON
# reclaim on some VMs).
# wait_quiet waits (up to QUIET_WAIT seconds, default 60) until no other
# process competes for the CPU: the share of the last 10 s in which some
# task waited for a CPU (/proc/pressure/cpu) under QUIET percent (default
# 5). On a shared machine a neighbour's build otherwise halves a wall time.
# NOISY counts the runs that started on a busy machine.
NOISY=0 TOTAL=0
wait_quiet() {
  TOTAL=$((TOTAL + 1))
  [ -r /proc/pressure/cpu ] || return 0
  local waited=0 p
  while :; do
    p=$(awk '/^some/ {sub("avg10=", "", $2); print $2}' /proc/pressure/cpu)
    if awk -v p="$p" -v q="${QUIET:-5}" 'BEGIN {exit !(p < q)}'; then return 0; fi
    if [ "$waited" -ge "${QUIET_WAIT:-60}" ]; then
      NOISY=$((NOISY + 1))
      return 0
    fi
    sleep 2
    waited=$((waited + 2))
  done
}

: >"$DIR/results"
measure() {
  local id=$1 input=$2; shift 2
  local walls=() rss=0 cpu="" cpus="" rc=0 err="" best=""
  local i
  for ((i = 0; i < RUNS; i++)); do
    local t0 t1
    wait_quiet
    if [ -d "$input" ]; then cat "$input"/* >/dev/null; else cat "$input" >/dev/null; fi
    t0=$(date +%s%N)
    set +e
    "$TIME" -v -o "$DIR/time.out" "$@" >/dev/null 2>"$DIR/cmd.err"
    rc=$?
    set -e
    t1=$(date +%s%N)
    local us=$(( (t1 - t0) / 1000 )) r
    walls+=("$us")
    r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/time.out")
    [ "$r" -gt "$rss" ] && rss=$r
    if [ -z "$best" ] || [ "$us" -lt "$best" ]; then
      best=$us
      cpu=$(awk -F': ' '/Percent of CPU this job got/ {sub("%","",$2); print $2}' "$DIR/time.out")
      cpus=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$DIR/time.out")
    fi
    # harcors exits 1 when it finds errors, as it must here; for any
    # other tool (Node throws: exit 1) a non-zero status is a failure.
    if [ "$rc" -ne 0 ] && ! { [ "$rc" -eq 1 ] && [[ "${id%% *}" == harcors* ]]; }; then
      err=$(grep -m1 -E 'Error|error|Cannot|Killed|fatal' "$DIR/cmd.err" | cut -c1-110 || true)
      [ -n "$err" ] || err="exit status $rc"
      break
    fi
    [ "$(( (t1 - t0) / 1000000 ))" -gt 20000 ] && break
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$best" "$rss" "$cpu" "$cpus" "$rc" "$err" "$median" >>"$DIR/results"
  printf '  %-22s best %8.3f s  median %8.3f s  %7.1f MiB  %4s%% CPU  %s\n' "$id" "$(echo "$best" | awk '{print $1/1e6}')" \
    "$(echo "$median" | awk '{print $1/1e6}')" \
    "$(echo "$rss" | awk '{print $1/1024}')" "$cpu" "${err:+FAILS: $err}"
}

# The scripts a user would write: count the OPTIONS entries.
JQ_PROG='[.log.entries[] | select(.request.method=="OPTIONS")] | length'
NODE_PROG='const h = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); let n = 0; for (const e of h.log.entries) if (e.request.method === "OPTIONS") n++; console.log(n)'

echo "== machine"
echo "  $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "  $(go version), node ${NODE:+$("$NODE" --version)}, ${JQ:+$("$JQ" --version)}, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== correctness (untimed): every tool counts the same OPTIONS entries"
for f in dense.har mid.har; do
  want=$(stat_of "$f" Options)
  got_h=$("$BIN/harcors" --format json "$DIR/$f" 2>/dev/null | grep -m1 -o '"preflights": *[0-9]*' | grep -o '[0-9]*$' || true)
  line="  $f: generated $want OPTIONS entries; harcors counts ${got_h:-?} preflights"
  [ -n "$JQ" ] && line+="; jq $("$JQ" "$JQ_PROG" "$DIR/$f")"
  [ -n "$NODE" ] && line+="; node $("$NODE" -e "$NODE_PROG" "$DIR/$f")"
  echo "$line"
done

echo "== timing (best and median of $RUNS, page cache warm, output to /dev/null)"
for f in big.har mid.har fat.har dense.har; do
  measure "dd $f" "$DIR/$f" dd if="$DIR/$f" of=/dev/null bs=1M
  # shellcheck disable=SC2086
  measure "harcors $f" "$DIR/$f" "$BIN/harcors" ${HARCORS_FLAGS:-} "$DIR/$f"
done
for f in sysbig.har sysdense.har; do
  measure "dd $f" "$DIR/$f" dd if="$DIR/$f" of=/dev/null bs=1M
  # shellcheck disable=SC2086
  measure "harcors $f" "$DIR/$f" "$BIN/harcors" ${HARCORS_FLAGS:-} "$DIR/$f"
done
for fmt in json markdown sarif; do
  measure "harcors-$fmt sysbig.har" "$DIR/sysbig.har" "$BIN/harcors" --format "$fmt" "$DIR/sysbig.har"
done
for f in big.har mid.har dense.har sysdense.har; do
  if [ -n "$NODE" ]; then measure "node $f" "$DIR/$f" "$NODE" -e "$NODE_PROG" "$DIR/$f"; fi
  if [ -n "$JQ" ]; then measure "jq $f" "$DIR/$f" "$JQ" "$JQ_PROG" "$DIR/$f"; fi
done
# Ways in (issue 17). A pipe needs a writer: cat is part of the pipe's
# time, as it is for a user's `cat f | harcors -`.
measure "gzip -dc mid.har.gz" "$DIR/mid.har.gz" gzip -dc "$DIR/mid.har.gz"
measure "harcors mid.har.gz" "$DIR/mid.har.gz" "$BIN/harcors" "$DIR/mid.har.gz"
for f in big.har dense.har; do
  # The floor for any reader of a pipe: cat into cat, which only moves
  # the bytes through the kernel.
  measure "cat-pipe $f" "$DIR/$f" sh -c 'cat "$1" | cat >/dev/null' _ "$DIR/$f"
  measure "harcors-pipe $f" "$DIR/$f" sh -c 'cat "$1" | "$2" -' _ "$DIR/$f" "$BIN/harcors"
done
measure "harcors-fifo dense.har" "$DIR/dense.har" bash -c '"$2" <(cat "$1")' _ "$DIR/dense.har" "$BIN/harcors"
for f in onestamp1.har onestamp2.har; do
  measure "harcors $f" "$DIR/$f" "$BIN/harcors" "$DIR/$f"
  measure "harcors-pipe $f" "$DIR/$f" sh -c 'cat "$1" | "$2" -' _ "$DIR/$f" "$BIN/harcors"
  # JSON lists every request, so its live heap grows with the entries
  # (past the soft memory limit a run with findings kept sets).
  measure "harcors-json $f" "$DIR/$f" "$BIN/harcors" --format json "$DIR/$f"
done
# Control for the folder's speed-up: can this machine, now, run two
# CPU-bound processes at once? Two sha256sum of mid.har side by side
# against one; 2.0 is two free cores. Other tenants can take a core away
# for minutes, and then no program can show a parallel speed-up.
capacity() {
  local t0 t1 t2
  cat "$DIR/mid.har" >/dev/null
  t0=$(date +%s%N); sha256sum "$DIR/mid.har" >/dev/null; t1=$(date +%s%N)
  sha256sum "$DIR/mid.har" >/dev/null & sha256sum "$DIR/mid.har" >/dev/null & wait
  t2=$(date +%s%N)
  awk -v a="$((t1 - t0))" -v b="$((t2 - t1))" 'BEGIN {printf "%.2f", 2*a/b}'
}
CAP_BEFORE=$(capacity)
measure "cat folder" "$DIR/folder" sh -c "cat '$DIR'/folder/*.har"
# One core: GOMAXPROCS=1, because even --jobs 1 reads and analyses each
# file on two goroutines, which two cores run side by side.
measure "harcors folder 1core" "$DIR/folder" env GOMAXPROCS=1 "$BIN/harcors" --jobs 1 "$DIR/folder"
measure "harcors folder" "$DIR/folder" "$BIN/harcors" "$DIR/folder"
CAP_AFTER=$(capacity)
echo "  parallel capacity (2 x sha256sum vs 1; 2.00 = two free cores): ${CAP_BEFORE}x before the folder runs, ${CAP_AFTER}x after"
echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg); runs started on a busy machine (CPU pressure >= ${QUIET:-5}% after ${QUIET_WAIT:-60} s of waiting): $NOISY of $TOTAL"

# ---- report ----
R="$DIR/results"
get() { awk -F'\t' -v id="$1" -v c="$2" '$1 == id {print $c}' "$R"; }
failed() { [ -n "$(get "$1" 7)" ]; }
wall() { get "$1" 2; } # microseconds
ratio() { # ratio A B: wall(A)/wall(B), or "-" when either is missing or failed
  local a b
  a=$(wall "$1"); b=$(wall "$2")
  if [ -z "$a" ] || [ -z "$b" ] || failed "$1" || failed "$2"; then echo "-"; return; fi
  awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a/b}'
}

echo
echo "== results"
ROW='%-16s %-12s %8s %8s %7s %8s %7s %8s %6s %6s  %s\n'
# shellcheck disable=SC2059
printf "$ROW" tool file size "best s" "MB/s" "x dd" "x node" "RSS MiB" "CPU%" "cpu s" "median s; note"
for f in big.har mid.har fat.har dense.har sysbig.har sysdense.har; do
  size=$(size_of "$f")
  for tool in dd harcors harcors-json harcors-markdown harcors-sarif node jq; do
    id="$tool $f"
    [ -n "$(get "$id" 1)" ] || continue
    w=$(wall "$id")
    note=$(get "$id" 7)
    node_ratio=$(ratio "$id" "node $f")
    # shellcheck disable=SC2059
    printf "$ROW" "$tool" "$f" \
      "$(awk -v s="$size" 'BEGIN {printf "%.0f MiB", s/1048576}')" \
      "$(awk -v w="$w" 'BEGIN {printf "%.3f", w/1e6}')" \
      "$(awk -v s="$size" -v w="$w" 'BEGIN {printf "%.0f", s/w}')" \
      "$(ratio "$id" "dd $f")" "$node_ratio" \
      "$(awk -v k="$(get "$id" 3)" 'BEGIN {printf "%.1f", k/1024}')" "$(get "$id" 4)%" "$(get "$id" 5)" \
      "$(awk -v w="$(get "$id" 8)" 'BEGIN {printf "%.3f", w/1e6}')${note:+; fails: $note}"
  done
done
for id in "gzip -dc mid.har.gz" "harcors mid.har.gz" "cat-pipe big.har" "harcors-pipe big.har" "cat-pipe dense.har" "harcors-pipe dense.har" "harcors-fifo dense.har" \
  "harcors onestamp1.har" "harcors-pipe onestamp1.har" "harcors-json onestamp1.har" \
  "harcors onestamp2.har" "harcors-pipe onestamp2.har" "harcors-json onestamp2.har"; do
  [ -n "$(get "$id" 1)" ] || continue
  # shellcheck disable=SC2059
  printf "$ROW" "${id% *}" "${id##* }" "-" "$(awk -v w="$(wall "$id")" 'BEGIN {printf "%.3f", w/1e6}')" "-" "-" "-" \
    "$(awk -v k="$(get "$id" 3)" 'BEGIN {printf "%.1f", k/1024}')" "$(get "$id" 4)%" "$(get "$id" 5)" \
    "$(awk -v w="$(get "$id" 8)" 'BEGIN {printf "%.3f", w/1e6}')"
done
for id in "cat folder" "harcors folder 1core" "harcors folder"; do
  w=$(wall "$id")
  # shellcheck disable=SC2059
  printf "$ROW" "${id%% *}" "folder${id##*folder}" \
    "$(awk -v s="$FOLDER_BYTES" 'BEGIN {printf "%.0f MiB", s/1048576}')" \
    "$(awk -v w="$w" 'BEGIN {printf "%.3f", w/1e6}')" \
    "$(awk -v s="$FOLDER_BYTES" -v w="$w" 'BEGIN {printf "%.0f", s/w}')" \
    "$(ratio "$id" "cat folder")" "-" "$(awk -v k="$(get "$id" 3)" 'BEGIN {printf "%.1f", k/1024}')" "$(get "$id" 4)%" "$(get "$id" 5)" \
    "$(awk -v w="$(get "$id" 8)" 'BEGIN {printf "%.3f", w/1e6}')"
done
echo "(best s: the fastest of $RUNS runs, MB/s and ratios from it (for the folder, x cat); RSS: the largest of the runs;"
echo " MiB: 2^20 bytes; MB/s: 10^6 bytes per second; CPU% and cpu s (user+sys) of the best run;"
echo " folder 1core: GOMAXPROCS=1 --jobs 1, one core; folder: the default, one job per core)"

echo
echo "== targets (issue 5)"
# verdict TEXT VALUE OP LIMIT: met when VALUE OP LIMIT; n/a when VALUE is
# missing (a tool failed or was not installed).
verdict() {
  if [ -z "$2" ] || [ "$2" = "-" ]; then echo "  n/a      $1"
  elif awk -v v="$2" -v l="$4" "BEGIN {exit !(v $3 l)}"; then echo "  met      $1"
  else echo "  NOT MET  $1"; fi
}
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k/1024}'; }
if [ "$QUICK" = 1 ]; then echo "  (--quick: sizes are not the targets' sizes; verdicts are indicative)"; fi
r=$(ratio "harcors big.har" "dd big.har")
verdict "$BIG body-heavy: harcors/dd = $r (target <= 3)" "$r" "<=" 3
rn=$(ratio "harcors big.har" "node big.har")
if [ "$rn" = "-" ] && [ -n "$NODE" ]; then
  rm=$(ratio "harcors mid.har" "node mid.har")
  echo "  n/a      $BIG body-heavy vs Node: Node fails ($(get "node big.har" 7))"
  verdict "  instead, $MID body-heavy: harcors/node = $rm (target <= 0.25)" "$rm" "<=" 0.25
else
  verdict "$BIG body-heavy: harcors/node = $rn (target <= 0.25)" "$rn" "<=" 0.25
fi
rss=$(get "harcors big.har" 3)
verdict "$BIG body-heavy: peak RSS $(mib "$rss") MiB (target < 64)" "$rss" "<" 65536
r=$(ratio "harcors dense.har" "node dense.har")
verdict "$DENSE metadata-dense: harcors/node = $r (target <= 0.5)" "$r" "<=" 0.5
rss=$(get "harcors dense.har" 3)
verdict "$DENSE metadata-dense: peak RSS $(mib "$rss") MiB (target < 128)" "$rss" "<" 131072
sp=$(ratio "harcors folder 1core" "harcors folder")
if awk -v a="$CAP_BEFORE" -v b="$CAP_AFTER" 'BEGIN {exit !(a < 1.8 || b < 1.8)}'; then
  echo "  (the machine could not run two processes at full speed during the folder runs: capacity ${CAP_BEFORE}x/${CAP_AFTER}x; the two folder verdicts below measure the neighbours as much as harcors)"
fi
verdict "folder of $FOLDER_N x $FOLDER_SIZE: default is ${sp}x the throughput on one core (target >= 1.6)" "$sp" ">=" 1.6
cpu=$(get "harcors folder" 4)
verdict "folder: CPU ${cpu}% on $(nproc) cores (target: all busy, >= $(($(nproc) * 90))%)" "$cpu" ">=" "$(($(nproc) * 90))"
# Linear in size: time per byte on the big file against the mid one.
lin=$(awk -v a="$(wall "harcors big.har")" -v sa="$(size_of big.har)" -v b="$(wall "harcors mid.har")" -v sb="$(size_of mid.har)" 'BEGIN {printf "%.2f", (a/sa)/(b/sb)}')
verdict "linear: time per byte on $BIG / on $MID body-heavy = ${lin} (target 0.8-1.2)" "$(awk -v l="$lin" 'BEGIN {print (l >= 0.8 && l <= 1.2)}')" "==" 1
rb=$(get "harcors big.har" 3) rm=$(get "harcors mid.har" 3) rf=$(get "harcors fat.har" 3)
echo "  info     peak RSS grows with entries: $MID body-heavy $(mib "$rm") MiB ($(stat_of mid.har Entries) entries), $BIG $(mib "$rb") MiB ($(stat_of big.har Entries) entries)"
verdict "memory flat in body size: fat.har ($(awk -v s="$(size_of fat.har)" 'BEGIN {printf "%.0f", s/1048576}') MiB: mid.har's entries, 4x the bodies) $(mib "$rf") MiB vs mid.har $(mib "$rm") MiB (target: within 10% + 4 MiB)" "$rf" "<=" "$(awk -v m="$rm" 'BEGIN {print m * 1.1 + 4096}')"

echo
echo "== targets (issue 13: a server misconfigured once)"
findings_of() { { "$BIN/harcors" --format json "$DIR/$1" 2>/dev/null || true; } | grep -m1 -o '"findings": *[0-9]*' | grep -o '[0-9]*$' || true; }
echo "  info     sysbig.har: $(findings_of sysbig.har) findings; sysdense.har: $(findings_of sysdense.har) findings"
r=$(ratio "harcors sysbig.har" "dd sysbig.har")
verdict "$BIG systemic: table harcors/dd = $r (target <= 6)" "$r" "<=" 6
rss=$(get "harcors sysbig.har" 3)
verdict "$BIG systemic: table peak RSS $(mib "$rss") MiB (target < 64)" "$rss" "<" 65536
for fmt in json markdown sarif; do
  r=$(ratio "harcors-$fmt sysbig.har" "dd sysbig.har")
  verdict "$BIG systemic: $fmt harcors/dd = $r (target <= 8)" "$r" "<=" 8
  rss=$(get "harcors-$fmt sysbig.har" 3)
  verdict "$BIG systemic: $fmt peak RSS $(mib "$rss") MiB (target < 128)" "$rss" "<" 131072
done
# harcors exits 1 (the capture has errors): not a failure of the pipe.
lines=$({ "$BIN/harcors" --width 100 "$DIR/sysbig.har" 2>/dev/null || true; } | wc -l)
verdict "$BIG systemic: table of $lines lines at 100 columns (target <= 150)" "$lines" "<=" 150
chars=$({ "$BIN/harcors" --format markdown "$DIR/sysbig.har" 2>/dev/null || true; } | wc -m)
verdict "$BIG systemic: Markdown of $chars characters (target < 60000)" "$chars" "<" 60000
r=$(ratio "harcors sysdense.har" "node sysdense.har")
verdict "$DENSE systemic metadata-dense: harcors/node = $r (target <= 0.35)" "$r" "<=" 0.35
rss=$(get "harcors sysdense.har" 3)
verdict "$DENSE systemic metadata-dense: peak RSS $(mib "$rss") MiB (target < 96)" "$rss" "<" 98304

echo
echo "== targets (issue 17: every way in, at file speed)"
r=$(ratio "harcors mid.har.gz" "gzip -dc mid.har.gz")
verdict "$MID body-heavy gzip -1: harcors/(gzip -dc) = $r (target <= 1.0)" "$r" "<=" 1.0
for f in big.har dense.har; do
  r=$(ratio "harcors-pipe $f" "harcors $f")
  verdict "$f through a pipe: pipe/path = $r (target <= 1.3)" "$r" "<=" 1.3
  echo "  info     $f: cat | cat alone takes $(ratio "cat-pipe $f" "harcors $f")x harcors by path; harcors through the pipe $(ratio "harcors-pipe $f" "cat-pipe $f")x cat | cat"
  rp=$(get "harcors-pipe $f" 3); rf=$(get "harcors $f" 3)
  verdict "$f through a pipe: peak RSS $(mib "$rp") MiB vs $(mib "$rf") MiB by path (target: within 10% + 4 MiB)" "$rp" "<=" "$(awk -v m="$rf" 'BEGIN {print m * 1.1 + 4096}')"
done
r=$(ratio "harcors-fifo dense.har" "harcors dense.har")
verdict "dense.har through <(...): fifo/path = $r (target <= 1.3)" "$r" "<=" 1.3
r=$(ratio "harcors onestamp2.har" "harcors-pipe onestamp2.har")
verdict "$((ONESTAMP_N * 2)) one-timestamp GETs: path/pipe = $r (target <= 1.3)" "$r" "<=" 1.3
for way in harcors harcors-pipe harcors-json; do
  r=$(ratio "$way onestamp2.har" "$way onestamp1.har")
  verdict "one-timestamp GETs, $way: $((ONESTAMP_N * 2)) vs $ONESTAMP_N entries = ${r}x (target <= 2)" "$r" "<=" 2
done
if [ "$KEEP" = 1 ]; then echo "files kept in $DIR"; fi
exit 0
