/** A container's networking as Docker's API shows it (inspect's NetworkSettings, HostConfig.PortBindings). */
export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** "80/tcp" → the bindings; null when the port is exposed but not published (Docker's shape). */
export type PortMap = Record<string, PortBinding[] | null>;

/** What a client asks of a container's place on one network (EndpointSettings' settable part), kept as sent. */
export interface EndpointConfig {
  IPAMConfig?: {IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] | null} | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
}

export interface EndpointSettings {
  IPAMConfig: EndpointConfig['IPAMConfig'] | null;
  Links: string[] | null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: Record<string, string> | null;
  GwPriority: number;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
}

export interface NetworkSettings {
  Bridge: string;
  SandboxID: string;
  SandboxKey: string;
  Ports: PortMap;
  HairpinMode: boolean;
  LinkLocalIPv6Address: string;
  LinkLocalIPv6PrefixLen: number;
  SecondaryIPAddresses: null;
  SecondaryIPv6Addresses: null;
  EndpointID: string;
  Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  MacAddress: string;
  Networks: Record<string, EndpointSettings>;
}
