/**
 * The engine's default seccomp allow-list: which system calls a container may make, grouped by what they are
 * for. Anything not listed here fails with EPERM. Names are the kernel's; libseccomp resolves each for every
 * architecture in the filter, and runc skips the names an architecture does not have (so the 32-bit and arm
 * spellings can sit beside the x86-64 ones).
 *
 * The list is written for this engine. The line it draws is Docker's in spirit: what ordinary programs need
 * is allowed; what reaches kernel state that namespaces do not isolate, or that has a long record of
 * privilege-escalation bugs, is not — unless the container holds the capability that the call is about
 * (then the kernel's own permission check is the guard, as on the host).
 */

/** Reading, writing and naming files; descriptors and their multiplexing. */
const files = [
  'read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'preadv', 'pwritev', 'preadv2', 'pwritev2',
  'open', 'openat', 'openat2', 'creat', 'close', 'close_range', 'lseek', '_llseek', 'dup', 'dup2', 'dup3',
  'fcntl', 'fcntl64', 'flock', 'fsync', 'fdatasync', 'sync', 'syncfs', 'sync_file_range', 'sync_file_range2',
  'arm_sync_file_range', 'truncate', 'truncate64', 'ftruncate', 'ftruncate64', 'fallocate', 'fadvise64',
  'fadvise64_64', 'arm_fadvise64_64', 'readahead', 'sendfile', 'sendfile64', 'splice', 'tee', 'vmsplice',
  'copy_file_range', 'stat', 'stat64', 'fstat', 'fstat64', 'lstat', 'lstat64', 'newfstatat', 'fstatat64',
  'statx', 'statfs', 'statfs64', 'fstatfs', 'fstatfs64', 'access', 'faccessat', 'faccessat2', 'chmod', 'fchmod',
  'fchmodat', 'fchmodat2', 'chown', 'chown32', 'fchown', 'fchown32', 'fchownat', 'lchown', 'lchown32', 'mkdir',
  'mkdirat', 'rmdir', 'rename', 'renameat', 'renameat2', 'link', 'linkat', 'symlink', 'symlinkat', 'unlink',
  'unlinkat', 'readlink', 'readlinkat', 'getdents', 'getdents64', 'getcwd', 'chdir', 'fchdir', 'umask',
  // Device nodes: the devices cgroup decides which ones may be opened.
  'mknod', 'mknodat',
  'utime', 'utimes', 'utimensat', 'utimensat_time64', 'futimesat',
  'getxattr', 'lgetxattr', 'fgetxattr', 'setxattr', 'lsetxattr', 'fsetxattr', 'listxattr', 'llistxattr',
  'flistxattr', 'removexattr', 'lremovexattr', 'fremovexattr',
  'ioctl', 'pipe', 'pipe2', 'select', '_newselect', 'pselect6', 'pselect6_time64', 'poll', 'ppoll', 'ppoll_time64',
  'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_wait', 'epoll_wait_old', 'epoll_pwait',
  'epoll_pwait2', 'eventfd', 'eventfd2', 'signalfd', 'signalfd4', 'timerfd_create', 'timerfd_settime',
  'timerfd_settime64', 'timerfd_gettime', 'timerfd_gettime64', 'inotify_init', 'inotify_init1',
  'inotify_add_watch', 'inotify_rm_watch', 'io_setup', 'io_destroy', 'io_submit', 'io_cancel', 'io_getevents',
  'io_pgetevents', 'io_pgetevents_time64', 'memfd_create', 'name_to_handle_at',
];

/** Memory: mapping, protection, advice, locking (bounded by RLIMIT_MEMLOCK and the memory cgroup). */
const memory = [
  'brk', 'mmap', 'mmap2', 'munmap', 'mprotect', 'mremap', 'msync', 'mincore', 'madvise', 'mlock', 'mlock2',
  'munlock', 'mlockall', 'munlockall', 'remap_file_pages', 'membarrier', 'get_mempolicy', 'pkey_alloc',
  'pkey_free', 'pkey_mprotect', 'cacheflush',
];

/** Processes, threads, signals, identities and scheduling inside the container's own pid namespace. */
const processes = [
  'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'wait4', 'waitid', 'waitpid', 'kill', 'tkill',
  'tgkill', 'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'sigreturn', 'rt_sigpending', 'rt_sigsuspend',
  'rt_sigtimedwait', 'rt_sigtimedwait_time64', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'sigaltstack',
  'sigaction', 'signal', 'sigpending', 'sigprocmask', 'sigsuspend', 'pause', 'getpid', 'getppid', 'gettid',
  'getpgid', 'setpgid', 'getpgrp', 'getsid', 'setsid', 'getuid', 'getuid32', 'geteuid', 'geteuid32', 'getgid',
  'getgid32', 'getegid', 'getegid32', 'setuid', 'setuid32', 'setgid', 'setgid32', 'setreuid', 'setreuid32',
  'setregid', 'setregid32', 'setresuid', 'setresuid32', 'setresgid', 'setresgid32', 'getresuid', 'getresuid32',
  'getresgid', 'getresgid32', 'setfsuid', 'setfsuid32', 'setfsgid', 'setfsgid32', 'getgroups', 'getgroups32',
  'setgroups', 'setgroups32', 'capget', 'capset', 'prctl', 'arch_prctl', 'set_tid_address', 'set_robust_list',
  'get_robust_list', 'futex', 'futex_time64', 'futex_waitv', 'rseq', 'restart_syscall', 'get_thread_area',
  'set_thread_area', 'set_tls', 'pidfd_open', 'pidfd_send_signal',
  'sched_yield', 'sched_getaffinity', 'sched_setaffinity', 'sched_getparam', 'sched_setparam',
  'sched_getscheduler', 'sched_setscheduler', 'sched_get_priority_max', 'sched_get_priority_min',
  'sched_rr_get_interval', 'sched_rr_get_interval_time64', 'sched_getattr', 'sched_setattr', 'getpriority',
  'setpriority', 'ioprio_get', 'ioprio_set', 'getcpu',
  // A process may confine itself further: its own filters and Landlock rulesets only ever take rights away.
  'seccomp', 'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self',
];

/** Time, limits and information about the system that namespaces already scope or that is harmless to read. */
const system = [
  'uname', 'olduname', 'oldolduname', 'sysinfo', 'getrandom', 'getrlimit', 'setrlimit', 'ugetrlimit',
  'prlimit64', 'getrusage', 'times', 'time', 'gettimeofday', 'clock_gettime', 'clock_gettime64',
  'clock_getres', 'clock_getres_time64', 'clock_nanosleep', 'clock_nanosleep_time64', 'nanosleep', 'alarm',
  'getitimer', 'setitimer', 'timer_create', 'timer_settime', 'timer_settime64', 'timer_gettime',
  'timer_gettime64', 'timer_getoverrun', 'timer_delete',
  // Reads the clock's state for anyone; setting it is checked against CAP_SYS_TIME by the kernel.
  'adjtimex',
];

/** Networking inside the container's network namespace, and System V / POSIX IPC inside its ipc namespace. */
const ipcAndNetwork = [
  'socket', 'socketpair', 'bind', 'connect', 'listen', 'accept', 'accept4', 'getsockname', 'getpeername',
  'sendto', 'send', 'recvfrom', 'recv', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'recvmmsg_time64',
  'shutdown', 'setsockopt', 'getsockopt', 'socketcall',
  'msgget', 'msgsnd', 'msgrcv', 'msgctl', 'semget', 'semop', 'semtimedop', 'semtimedop_time64', 'semctl',
  'shmget', 'shmat', 'shmdt', 'shmctl', 'ipc', 'mq_open', 'mq_unlink', 'mq_timedsend', 'mq_timedsend_time64',
  'mq_timedreceive', 'mq_timedreceive_time64', 'mq_notify', 'mq_getsetattr',
];

/** Allowed to every container. */
export const allowedSyscalls: readonly string[] = [...files, ...memory, ...processes, ...system, ...ipcAndNetwork];

/**
 * Allowed only with a capability: these act on the host's kernel as a whole (mounts, modules, the clock,
 * kernel objects) or are the usual first step of a container escape, so without the capability even trying
 * is refused before the kernel looks. With the capability (`--cap-add`), the kernel's own check decides.
 */
export const syscallsByCapability: Readonly<Record<string, readonly string[]>> = {
  // Mounts and new namespaces: mounting or unsharing is how most escapes start (and unshare(CLONE_NEWUSER)
  // would otherwise hand an unprivileged process a full capability set in a namespace of its own).
  CAP_SYS_ADMIN: [
    'mount', 'umount', 'umount2', 'pivot_root', 'unshare', 'setns', 'fsopen', 'fsconfig', 'fsmount', 'fspick',
    'move_mount', 'open_tree', 'mount_setattr', 'quotactl', 'quotactl_fd', 'sethostname', 'setdomainname',
    'swapon', 'swapoff', 'fanotify_init', 'fanotify_mark', 'lookup_dcookie', 'vm86', 'vm86old', 'clone3',
    'bpf', 'perf_event_open', 'syslog',
  ],
  // eBPF programs run in the kernel; the verifier has had many escapes.
  CAP_BPF: ['bpf'],
  CAP_PERFMON: ['perf_event_open'],
  CAP_SYSLOG: ['syslog'],
  CAP_SYS_MODULE: ['init_module', 'finit_module', 'delete_module'],
  CAP_SYS_BOOT: ['reboot'],
  CAP_SYS_TIME: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64', 'clock_adjtime', 'clock_adjtime64'],
  CAP_SYS_PACCT: ['acct'],
  CAP_SYS_RAWIO: ['iopl', 'ioperm'],
  CAP_SYS_TTY_CONFIG: ['vhangup'],
  CAP_SYS_CHROOT: ['chroot'],
  // NUMA placement moves memory of other processes and across nodes.
  CAP_SYS_NICE: ['mbind', 'set_mempolicy', 'set_mempolicy_home_node', 'migrate_pages', 'move_pages'],
  // "Shocker" (2014): open_by_handle_at reads any file of the host file system by its handle.
  CAP_DAC_READ_SEARCH: ['open_by_handle_at'],
  // Reading or changing another process's memory and descriptors.
  CAP_SYS_PTRACE: ['process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd', 'process_madvise'],
};

/**
 * Never allowed, listed so the refusal is deliberate rather than an omission: the keyring is not namespaced
 * (a container could read or fill the host's keys); kexec replaces the running kernel; userfaultfd is a
 * staple of kernel-exploit race windows; io_uring has had a long run of privilege escalations and bypasses
 * seccomp filtering of the operations it submits; the rest are obsolete interfaces nothing current uses.
 */
export const neverAllowed: readonly string[] = [
  'keyctl', 'add_key', 'request_key', 'kexec_load', 'kexec_file_load', 'userfaultfd', 'io_uring_setup',
  'io_uring_enter', 'io_uring_register', 'uselib', 'ustat', 'sysfs', '_sysctl', 'nfsservctl', 'create_module',
  'get_kernel_syms', 'query_module',
];

/**
 * Names in the lists above that x86-64 does not have: the 32-bit ABIs' variants (…64, …32, _time64), ARM's
 * and the multiplexers socketcall and ipc. A filter for x86-64 leaves them out: runc would look each one up
 * and skip it, for every process it starts in the container (every `docker exec`), which costs milliseconds.
 */
export const absentOnX86_64: ReadonlySet<string> = new Set([
  '_llseek', 'fcntl64', 'sync_file_range2', 'arm_sync_file_range', 'truncate64', 'ftruncate64', 'fadvise64_64',
  'arm_fadvise64_64', 'sendfile64', 'stat64', 'fstat64', 'lstat64', 'fstatat64', 'statfs64', 'fstatfs64', 'chown32',
  'fchown32', 'lchown32', 'utimensat_time64', '_newselect', 'pselect6_time64', 'ppoll_time64', 'timerfd_settime64',
  'timerfd_gettime64', 'io_pgetevents_time64', 'mmap2', 'cacheflush', 'waitpid', 'sigreturn', 'rt_sigtimedwait_time64',
  'sigaction', 'signal', 'sigpending', 'sigprocmask', 'sigsuspend', 'getuid32', 'geteuid32', 'getgid32', 'getegid32',
  'setuid32', 'setgid32', 'setreuid32', 'setregid32', 'setresuid32', 'setresgid32', 'getresuid32', 'getresgid32',
  'setfsuid32', 'setfsgid32', 'getgroups32', 'setgroups32', 'futex_time64', 'set_tls', 'sched_rr_get_interval_time64',
  'olduname', 'oldolduname', 'ugetrlimit', 'clock_gettime64', 'clock_getres_time64', 'clock_nanosleep_time64',
  'timer_settime64', 'timer_gettime64', 'send', 'recv', 'recvmmsg_time64', 'socketcall', 'semtimedop_time64', 'ipc',
  'mq_timedsend_time64', 'mq_timedreceive_time64', 'umount', 'vm86', 'vm86old', 'stime', 'clock_settime64',
  'clock_adjtime64',
]);
