/** An existing machine as given on the command line and kept in the session, so later commands reconnect to it. */
export interface SshTarget {
  host: string;
  port: number;
  user: string;
  keyPath: string;
  fingerprints?: string[];
  knownHostsPath?: string;
}
