# Sourced by the scripts that start a process in the background: it takes a moment to enter its namespaces (and
# on a busy machine longer than any fixed sleep), so they wait for what the step needs to see, for up to 20 s.

# wait_until CMD [ARG...]: runs CMD every 0.1 s until it succeeds.
wait_until() {
  tries=0
  until "$@"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 200 ]; then
      echo "gave up after 20 s waiting for: $*" >&2
      return 1
    fi
    sleep 0.1
  done
}

# runs PID COMM: PID has exec'd COMM (unshare and nsenter without a fork become the program they start).
runs() {
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}

# child_runs PID COMM: PID's child has exec'd COMM (unshare --fork and nsenter -p start it in a child).
child_runs() {
  child=$(cut -d' ' -f1 "/proc/$1/task/$1/children" 2>/dev/null)
  [ -n "$child" ] && runs "$child" "$2"
}

# own_net PID: PID is in a network namespace other than this shell's.
own_net() {
  [ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/$$/ns/net)" ]
}
