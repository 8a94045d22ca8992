#!/bin/bash
# Draws the pictures of one bench.sh run from its raw data, as SVG (gnuplot):
#   single-add.svg      a: the single-ADD latency distribution (CDF, log scale), ours and the reference
#   burst-timeline.svg  b and f (round 1): per ADD of the burst, when it started and when it ended,
#                       relative to the burst's start, as two curves per implementation: ADDs started
#                       and ADDs completed (successful ones) by time t; b above, f (loaded) below
#   batches.svg         g: ADDs completed by time t over the batches, ours and the reference
#
#   bench-plot.sh RUN_DIR [FIGURE_DIR]    (FIGURE_DIR defaults to RUN_DIR; PLOT_FORMAT=png draws PNG)
# RUN_DIR holds what bench.sh wrote: single.IMPL.dat (one latency in ms per line), burst.IMPL.rN.dat,
# loaded.IMPL.rN.dat and batches.IMPL.dat (one ADD per line: POD START END EXIT, START and END in
# seconds since the epoch) and params. A picture whose data is missing is left out.
set -euo pipefail
export LC_ALL=C

RUN=${1:?usage: bench-plot.sh RUN_DIR [FIGURE_DIR]}
FIG=${2:-$RUN}
command -v gnuplot >/dev/null 2>&1 || { echo "bench-plot: no gnuplot (apt-get install gnuplot-nox)" >&2; exit 1; }
mkdir -p "$FIG"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

label="bench.sh"
if [ -f "$RUN/params" ]; then
    # shellcheck disable=SC1091
    . "$RUN/params"
    label="commit ${COMMIT:-?}"
    if [ "${QUICK:-0}" = 1 ]; then label="$label, quick mode"; fi
fi

# started/completed curves of one burst file: t (s since the first ADD started) and a running count
curves() { # FILE OUTPREFIX
    awk 'NR == FNR { if (t0 == "" || $2 < t0) t0 = $2; next }
         { printf "%.4f\n", $2 - t0 > "'"$2"'.s"; if ($4 == 0) printf "%.4f\n", $3 - t0 > "'"$2"'.c" }' "$1" "$1"
    for k in s c; do
        { echo "0 0"; sort -n "$2.$k" 2>/dev/null | awk '{print $1, NR}'; } >"$2.$k.dat"
    done
}

EXT=${PLOT_FORMAT:-svg}
term() { # WIDTH HEIGHT
    case $EXT in
        svg) echo "set terminal svg size $1,$2 dynamic enhanced font 'Helvetica,13' background rgb 'white'" ;;
        png) echo "set terminal pngcairo size $1,$2 enhanced font 'Helvetica,11' background rgb 'white'" ;;
        *) echo "bench-plot: PLOT_FORMAT is svg or png" >&2; exit 2 ;;
    esac
}
STYLE="$(term 860 520)
set grid lc rgb '#dddddd'
set key top left box opaque
set style line 1 lc rgb '#1f5fbf' lw 2.5
set style line 2 lc rgb '#d0461e' lw 2.5
set style line 3 lc rgb '#1f5fbf' lw 1.5 dt 2
set style line 4 lc rgb '#d0461e' lw 1.5 dt 2"

drawn=()
if [ -s "$RUN/single.ours.dat" ] && [ -s "$RUN/single.reference.dat" ]; then
    n_o=$(wc -l <"$RUN/single.ours.dat")
    n_r=$(wc -l <"$RUN/single.reference.dat")
    med() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    gnuplot <<EOF
$STYLE
set output '$FIG/single-add.$EXT'
set title "a. single ADD through bridge: latency distribution ($label)"
set xlabel 'ADD latency, ms (log scale)'
set ylabel 'share of ADDs at or below'
set logscale x
set yrange [0:1.02]
set ytics ('0%%' 0, '25%%' 0.25, '50%%' 0.5, '75%%' 0.75, '100%%' 1)
set key bottom right
plot '$RUN/single.ours.dat' using 1:(1.0) smooth cnormal with steps ls 1 title sprintf('ours (%d ADDs, median %s ms)', $n_o, '$(med "$RUN/single.ours.dat")'), \
     '$RUN/single.reference.dat' using 1:(1.0) smooth cnormal with steps ls 2 title sprintf('reference (%d ADDs, median %s ms)', $n_r, '$(med "$RUN/single.reference.dat")')
EOF
    drawn+=(single-add.$EXT)
fi

panel() { # KIND TITLE: the gnuplot commands of one burst panel, or nothing without data
    local kind=$1 title=$2 n
    [ -s "$RUN/$kind.ours.r1.dat" ] && [ -s "$RUN/$kind.reference.r1.dat" ] || return 0
    curves "$RUN/$kind.ours.r1.dat" "$TMP/$kind.ours"
    curves "$RUN/$kind.reference.r1.dat" "$TMP/$kind.reference"
    n=$(wc -l <"$RUN/$kind.ours.r1.dat")
    cat <<EOF
set title "$title ($n ADDs in parallel, round 1)"
set xlabel 'seconds since the burst started'
set ylabel 'ADDs'
set yrange [0:$((n + n / 10 + 1))]
set key outside right top vertical
plot '$TMP/$kind.ours.c.dat' with steps ls 1 title 'ours: completed', \
     '$TMP/$kind.reference.c.dat' with steps ls 2 title 'reference: completed', \
     '$TMP/$kind.ours.s.dat' with steps ls 3 title 'ours: started', \
     '$TMP/$kind.reference.s.dat' with steps ls 4 title 'reference: started'
EOF
}
b_panel=$(panel burst "b. burst, no load added")
f_panel=$(panel loaded "f. burst, ${LOAD_PROCS:-2} CPU-bound processes running")
if [ -n "$b_panel" ]; then
    rows=1
    [ -n "$f_panel" ] && rows=2
    gnuplot <<EOF
$STYLE
$(term 960 $((rows * 400 + 40)))
set output '$FIG/burst-timeline.$EXT'
set multiplot layout $rows,1 title "ADD bursts: when each ADD started and ended ($label)"
$b_panel
$f_panel
unset multiplot
EOF
    drawn+=(burst-timeline.$EXT)
fi

if [ -s "$RUN/batches.ours.dat" ] && [ -s "$RUN/batches.reference.dat" ]; then
    curves "$RUN/batches.ours.dat" "$TMP/g.ours"
    curves "$RUN/batches.reference.dat" "$TMP/g.reference"
    n=$(wc -l <"$RUN/batches.ours.dat")
    gnuplot <<EOF
$STYLE
set output '$FIG/batches.$EXT'
set title "g. $n ADDs in batches of ${BATCH:-50} ($label)"
set xlabel 'seconds since the first batch started (pod namespaces made between batches included)'
set ylabel 'ADDs completed'
set yrange [0:$((n + n / 10 + 1))]
plot '$TMP/g.ours.c.dat' with steps ls 1 title 'ours', '$TMP/g.reference.c.dat' with steps ls 2 title 'reference'
EOF
    drawn+=(batches.$EXT)
fi
echo "bench-plot: ${drawn[*]:-nothing} in $FIG" >&2
