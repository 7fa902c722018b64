/** /_ping, /version, /info and /events: what every docker command asks first. */
import {readFileSync, statfsSync} from 'node:fs';
import {arch, cpus, release, totalmem, type} from 'node:os';
import {cgroupMode} from '../../util/cgroup-mode.js';
import {engineVersion, type Engine} from '../../composition/engine.js';
import {eventMatches, parseEventTime} from '../../events/event-bus.js';
import {checkFilterNames, parseFilters, sendJson} from '../respond.js';
import type {Router} from '../router.js';
import {maxApiVersion, minApiVersion} from '../version.js';
import {serviceConfig} from '../../registry/service-config.js';

const goArch: Record<string, string> = {x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386'};

function pingHeaders() {
  return {
    'Api-Version': maxApiVersion,
    'Ostype': 'linux',
    'Docker-Experimental': 'false',
    'Builder-Version': '1',
    'Swarm': 'inactive',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    'Pragma': 'no-cache',
    'Server': `labd/${engineVersion} (linux)`,
  };
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? type();
  } catch {
    return type();
  }
}

function backingFilesystem(path: string): string {
  try {
    const t = statfsSync(path).type;
    const names: Record<number, string> = {0xef53: 'extfs', 0x58465342: 'xfs', 0x01021994: 'tmpfs', 0x9123683e: 'btrfs', 0x794c7630: 'overlayfs'};
    return names[t] ?? `0x${t.toString(16)}`;
  } catch {
    return 'unknown';
  }
}

/** The daemon's own proxy setting, as dockerd shows it in /info: a user and password in it masked. */
function shownProxy(name: string): string {
  const value = process.env[name] ?? process.env[name.toLowerCase()] ?? '';
  try {
    const url = new URL(value);
    if (url.username) url.username = 'xxxxx';
    if (url.password) url.password = 'xxxxx';
    return url.username ? url.toString() : value;
  } catch {
    return value;
  }
}

export function systemRoutes(router: Router, engine: Engine): void {
  const ping = (withBody: boolean) => ({res}: {res: import('node:http').ServerResponse}) => {
    res.writeHead(200, {...pingHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '2'});
    res.end(withBody ? 'OK' : undefined);
  };
  router.get('/_ping', ping(true));
  router.head('/_ping', ping(false));

  router.get('/version', ({res}) => {
    const details = {
      ApiVersion: maxApiVersion, Arch: goArch[arch()] ?? arch(), BuildTime: '', Experimental: 'false', GitCommit: '',
      GoVersion: `node${process.versions.node}`, KernelVersion: release(), MinAPIVersion: minApiVersion, Os: 'linux',
    };
    sendJson(res, 200, {
      Platform: {Name: 'lab container engine'},
      Components: [
        {Name: 'Engine', Version: engineVersion, Details: details},
        {Name: 'runc', Version: 'runc', Details: {GitCommit: ''}},
      ],
      Version: engineVersion,
      ApiVersion: maxApiVersion,
      MinAPIVersion: minApiVersion,
      GitCommit: '',
      GoVersion: details.GoVersion,
      Os: 'linux',
      Arch: details.Arch,
      KernelVersion: release(),
      BuildTime: '',
    });
  });

  router.get('/info', ({res}) => {
    const mode = cgroupMode();
    const images = engine.images.ids().length;
    const all = engine.containers.store.all();
    const tcpWithoutTls = engine.config.hosts.some((h) => h.startsWith('tcp://')) && !engine.config.tls;
    sendJson(res, 200, {
      ID: engine.id,
      Containers: all.length,
      ContainersRunning: all.filter((c) => c.State.Running).length,
      ContainersPaused: all.filter((c) => c.State.Paused).length,
      ContainersStopped: all.filter((c) => !c.State.Running && !c.State.Paused).length,
      Images: images,
      Driver: 'overlay2',
      DriverStatus: [['Backing Filesystem', backingFilesystem(engine.config.dataRoot)], ['Supports d_type', 'true'], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true'], ['userxattr', 'false']],
      Plugins: {Volume: ['local'], Network: ['bridge', 'host', 'none'], Authorization: null, Log: ['json-file', 'none']},
      MemoryLimit: true, SwapLimit: true, CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true, PidsLimit: true,
      IPv4Forwarding: true, Debug: engine.config.logLevel === 'debug', NFd: 0, OomKillDisable: false, NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: engine.config.logConfig.Type,
      CgroupDriver: 'cgroupfs',
      CgroupVersion: mode === 'v2' ? '2' : '1',
      NEventsListener: 0,
      KernelVersion: release(),
      OperatingSystem: osName(),
      OSVersion: '',
      OSType: 'linux',
      Architecture: arch() === 'x64' ? 'x86_64' : arch(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: serviceConfig(engine.config.registry),
      NCPU: cpus().length,
      MemTotal: totalmem(),
      DockerRootDir: engine.config.dataRoot,
      Name: engine.name,
      Labels: engine.config.labels,
      ExperimentalBuild: engine.config.experimental,
      // As dockerd: present only when daemon.json sets the pools.
      ...(engine.config.network.pools ? {DefaultAddressPools: engine.config.network.pools.map((p) => ({Base: p.base, Size: p.size}))} : {}),
      ServerVersion: engineVersion,
      Runtimes: {runc: {path: 'runc'}},
      GenericResources: null,
      HttpProxy: shownProxy('HTTP_PROXY'),
      HttpsProxy: shownProxy('HTTPS_PROXY'),
      NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
      DefaultRuntime: 'runc',
      Swarm: {NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null},
      LiveRestoreEnabled: engine.config.liveRestore,
      Isolation: '',
      InitBinary: '',
      ContainerdCommit: {ID: ''},
      RuncCommit: {ID: ''},
      InitCommit: {ID: ''},
      SecurityOptions: [`name=seccomp,profile=${typeof engine.config.seccompProfile === 'string' ? engine.config.seccompProfile : engine.config.seccompProfile.path}`, ...(mode === 'v2' ? ['name=cgroupns'] : [])],
      Warnings: tcpWithoutTls ? ['WARNING: API is accessible on tcp without encryption.\n         Access to the remote API is equivalent to root access on the host.'] : null,
    });
  });

  router.get('/events', ({req, res, query}) => {
    const filters = parseFilters(query);
    checkFilterNames(filters, ['type', 'event', 'image', 'container', 'label', 'network', 'volume', 'daemon', 'scope']);
    const now = Date.now() * 1e6;
    const since = parseEventTime(query.get('since'), now);
    const until = parseEventTime(query.get('until'), Infinity);
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.flushHeaders();
    const send = (e: unknown) => res.write(JSON.stringify(e) + '\n');
    for (const e of engine.events.since(since, until)) if (eventMatches(e, filters)) send(e);
    if (until <= now) return void res.end();
    const unsubscribe = engine.events.subscribe((e) => {
      if (e.timeNano > until) return finish();
      if (eventMatches(e, filters)) send(e);
    });
    const timer = Number.isFinite(until) ? setTimeout(() => finish(), Math.max(0, (until - now) / 1e6)) : undefined;
    function finish() {
      unsubscribe();
      if (timer) clearTimeout(timer);
      res.end();
    }
    req.on('close', finish);
  });
}
