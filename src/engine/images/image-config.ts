/** The image config (the JSON whose sha256 is the image ID), as the OCI image spec and Docker define it. */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Healthcheck?: unknown;
  OnBuild?: string[] | null;
  Shell?: string[];
  ArgsEscaped?: boolean;
  [key: string]: unknown;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  comment?: string;
  config?: ContainerConfig;
  container?: string;
  container_config?: ContainerConfig;
  docker_version?: string;
  rootfs: {type: 'layers'; diff_ids: string[]};
  history?: HistoryEntry[];
  [key: string]: unknown;
}

/** Checks the parts of a config the engine relies on; the message names what is wrong. */
export function parseImageConfig(raw: Buffer, where: string): ImageConfig {
  let data: unknown;
  try {
    data = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new Error(`${where}: image config is not valid JSON: ${(error as Error).message}`);
  }
  const c = data as ImageConfig;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error(`${where}: image config must be a JSON object`);
  if (!c.rootfs || c.rootfs.type !== 'layers' || !Array.isArray(c.rootfs.diff_ids)) {
    throw new Error(`${where}: image config has no rootfs.diff_ids (type "layers")`);
  }
  for (const [i, d] of c.rootfs.diff_ids.entries()) {
    if (typeof d !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(d)) throw new Error(`${where}: rootfs.diff_ids[${i}] is not a sha256 digest`);
  }
  return c;
}
