# Stopping the processes a lab script started, by the PID it wrote down (sourced by lab.sh and
# cluster.sh; never by name).

stop_pid() { # FILE: stop the process we started, by its PID, and wait for it
    local file=$1 pid
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
}
