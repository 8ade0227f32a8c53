#!/bin/bash
# writer.sh PATH COUNT [INTERVAL] [PIDFILE]
#
# Writes COUNT numbered lines "line N" to PATH, one every INTERVAL seconds (default 0: no pause), and
# reopens PATH after SIGHUP: the trap only re-runs `exec >>PATH`, which opens the path anew in append
# mode (O_APPEND) as standard output. bash runs traps between commands, so a line is never half
# written to the old file and half to the new one. The pid goes to PIDFILE after the trap is set.
set -u
log=$1
count=$2
interval=${3:-0}
pidfile=${4:-}

exec >>"$log"
trap 'exec >>"$log"' HUP
if [ -n "$pidfile" ]; then
    # umask 022: a pid file others can write is one root must not trust.
    (umask 022 && echo $$ >"$pidfile.tmp" && mv -f "$pidfile.tmp" "$pidfile")
fi

# A pipe that nobody writes to, held open read-write: `read -t` on it is a builtin sleep, after
# which the trap runs as soon as the signal arrives (an external sleep would delay it).
exec 3<> <(:)

n=1
while [ "$n" -le "$count" ]; do
    printf 'line %d\n' "$n"
    n=$((n + 1))
    if [ "$interval" != 0 ]; then
        read -r -t "$interval" -u 3 || true
    fi
done
