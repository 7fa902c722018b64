# Sourced by scripts that type into a container's terminal as a student would. script(1) gives the docker CLI the
# terminal it asks for; what is typed waits until the container runs and its terminal is in raw mode (the
# first docker run pulls the image; typed early, ctrl-q would be taken by the terminal as flow control).

# running_count: how many containers run now.
running_count() { docker ps -q | wc -l; }

# type_after_start BEFORE LINES...: waits until more than BEFORE containers run, then types each line, then the
# detach keys ctrl-p ctrl-q (unless the last line is exit).
type_after_start() {
  before=$1; shift
  n=0
  while [ "$(running_count)" -le "$before" ] && [ "$n" -lt 300 ]; do sleep 1; n=$((n + 1)); done
  sleep 3
  last=
  for line in "$@"; do printf '%s\n' "$line"; last=$line; sleep 0.3; done
  sleep 2
  [ "$last" = exit ] || printf '\020\021'
  sleep 1
}

# in_terminal COMMAND: runs the docker command in a terminal of its own, fed from stdin, for at most 5 minutes.
in_terminal() { timeout 300 script -qec "$1" /dev/null >/dev/null; }
