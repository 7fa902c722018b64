#!/usr/lib/lab-vm/busybox sh
# Run in the warm state (see boot.sh): every VM resumed from one saved machine must become itself before anyone
# reaches it. The host writes this VM's identity on the seed disk (/dev/vdb, zeros until then) once the machine
# runs again: a cpio laid out as the initramfs's /vm (its SSH host key and fingerprint, the key it authorizes, its
# hostname) plus the host's clock. Read with O_DIRECT, so the guest's page cache never holds the zeros it saw.
bb=/usr/lib/lab-vm/busybox
seed=/dev/vdb
until [ "$($bb dd if=$seed bs=4096 count=1 iflag=direct 2>/dev/null | $bb head -c 6)" = 070701 ]; do
	$bb usleep 20000
done
# In hundredths of a second since boot: what reading the seed takes is taken off the wait for the clock below.
centis() { read -r up _ < /proc/uptime; echo "${up%.*}${up#*.}"; }
found=$(centis)
dir=/run/lab-seed
$bb rm -rf $dir
$bb mkdir -m 700 $dir
cd $dir || exit 1
$bb dd if=$seed bs=65536 iflag=direct 2>/dev/null | $bb cpio -i -d -m 2>/dev/null
[ -d vm/root ] || { echo "LAB-VM-FAILED the seed disk holds no identity" > /dev/ttyS0; exit 1; }
# The saved clock is that of the day the state was made: take the host's, written at the moment of the seed, the
# part of a second to come waited out first (busybox's date sets whole seconds).
read -r seconds wait_us < vm/clock
wait_us=$((wait_us - ($(centis) - found) * 10000))
[ "$wait_us" -gt 0 ] && $bb usleep "$wait_us"
$bb date -s "@$seconds" > /dev/null
# The host's random bytes into the kernel's pool (the saved machine's pool is every resumed VM's; the vmgenid device
# makes the kernel reseed as well, where it is bound).
$bb cat vm/entropy > /dev/urandom
# The engine's ID (docker info's) was the saved machine's too: this VM takes its own, as a new data-root would have.
# The running engine reads it when asked.
engine_id=/var/lib/docker/engine-id
if [ -f $engine_id ]; then
	$bb cat /proc/sys/kernel/random/uuid > $engine_id.new && $bb mv $engine_id.new $engine_id
fi
$bb cp -a vm/root/. /
$bb hostname -F /etc/hostname
name=$($bb hostname)
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$name" > /etc/hosts
cd / && $bb rm -rf $dir
