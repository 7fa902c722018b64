# Sourced by scripts that type into a container's terminal as a student would:
#   type_after_start BEFORE LINES... | in_terminal 'docker run -it …'
# script(1) gives the docker CLI the terminal it asks for. The typing side waits on state, never on time: the
# container running, then that terminal in raw mode (the CLI sets it once its attach connection is up; typed into
# a terminal still in its normal mode, ctrl-q is taken as flow control and the detach never happens), and it
# closes its end of the pipe only once the command in the terminal has ended (script(1) sends the terminal an
# end-of-file when its input closes, which would end the container's shell). Each wait has an upper bound and
# says what it waited for.

# running_count: how many containers run now.
running_count() { docker ps -q | wc -l; }

# Both sides of the pipe are subshells of the same script, so $$ is the same in both: files named from it tell
# the typing side the terminal's name (.tty), that the command has ended (.end), and the terminal side that the
# typing side gave up (.fail).
tty_files() { printf '%s/lab-tty-input.%s' "${TMPDIR:-/tmp}" "$$"; }

# tty_raw TTY: the terminal is in raw mode (no canonical line editing, so no flow control on ctrl-q).
tty_raw() {
  case " $(stty -a -F "$1" 2>/dev/null | tr '\n;' '  ') " in *' -icanon '*) return 0 ;; esac
  return 1
}

# tty_give_up MESSAGE: says why on stderr (stdout is the terminal's input) and, while the command still runs,
# tells the terminal side.
tty_give_up() {
  echo "typing into the terminal: $1" >&2
  [ -e "$f.end" ] || : > "$f.fail"
  rm -f "$f.tty" "$f.end"
  return 1
}

# type_after_start BEFORE LINES...: waits until more than BEFORE containers run and the terminal is in raw mode,
# types each line, then the detach keys ctrl-p ctrl-q (unless the last line is exit), and waits until the command
# in the terminal has ended.
type_after_start() {
  before=$1; shift
  f=$(tty_files)
  n=0
  until [ -s "$f.tty" ] || [ -e "$f.end" ]; do
    n=$((n + 1)); [ "$n" -lt 600 ] || { tty_give_up 'the terminal did not open in 2 minutes'; return 1; }
    sleep 0.2
  done
  [ -s "$f.tty" ] || { tty_give_up 'the command in the terminal ended before it could be typed into'; return 1; }
  read -r tty < "$f.tty"
  # The first docker run may pull the image first.
  n=0
  while [ "$(running_count)" -le "$before" ]; do
    [ ! -e "$f.end" ] || { tty_give_up 'the command in the terminal ended before its container ran'; return 1; }
    n=$((n + 1)); [ "$n" -lt 600 ] || { tty_give_up "no new container ran in 10 minutes (still $before running)"; return 1; }
    sleep 1
  done
  n=0
  until tty_raw "$tty"; do
    [ ! -e "$f.end" ] || { tty_give_up "the command in the terminal ended before $tty was in raw mode"; return 1; }
    n=$((n + 1)); [ "$n" -lt 600 ] || { tty_give_up "$tty was not in raw mode 2 minutes after the container ran: the docker CLI did not attach"; return 1; }
    sleep 0.2
  done
  last=
  for line in "$@"; do printf '%s\n' "$line"; last=$line; done
  [ "$last" = exit ] || printf '\020\021'
  n=0
  until [ -e "$f.end" ]; do
    n=$((n + 1)); [ "$n" -lt 600 ] || { tty_give_up "the command in $tty did not end in 2 minutes after $([ "$last" = exit ] && echo exit || echo 'ctrl-p ctrl-q')"; return 1; }
    sleep 0.2
  done
  rm -f "$f.tty" "$f.end"
}

# in_terminal COMMAND: runs the docker command in a terminal of its own, fed from stdin, for at most 10 minutes;
# fails when the typing side gave up.
in_terminal() {
  f=$(tty_files)
  rm -f "$f.fail"
  timeout 600 script -qec "tty > '$f.tty.new' && mv '$f.tty.new' '$f.tty'; $1" /dev/null >/dev/null
  rc=$?
  : > "$f.end"
  if [ -e "$f.fail" ]; then rm -f "$f.fail" "$f.end"; return 1; fi
  return "$rc"
}
