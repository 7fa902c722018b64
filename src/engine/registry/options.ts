/**
 * What the registry client takes from daemon.json: mirrors, insecure registries, download and upload
 * concurrency, and the folder of per-registry certificates (dockerd's /etc/docker/certs.d).
 */
export interface RegistryOptions {
  /** registry-mirrors: base URLs tried, in order, before Docker Hub for Docker Hub images. */
  mirrors: string[];
  /** insecure-registries: `host[:port]` names and CIDRs; 127.0.0.0/8 is always there, as in dockerd. */
  insecure: string[];
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  /** Holds `<host:port>/{ca.crt,*.crt,*.cert,*.key}`. */
  certsDir: string;
}

export const defaultRegistryOptions: RegistryOptions = {
  mirrors: [],
  insecure: [],
  maxConcurrentDownloads: 3,
  maxConcurrentUploads: 5,
  certsDir: '/etc/docker/certs.d',
};

/** Docker Hub, as references name it and as its API is reached. */
export const hubName = 'docker.io';
export const hubApi = 'https://registry-1.docker.io';
