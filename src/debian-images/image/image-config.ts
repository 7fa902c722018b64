import {sha256Hex} from '../support/hash.js';
import type {ResolvedPackage} from '../debian/apt.js';
import type {ContainerConfig, Recipe} from '../recipe/types.js';

export interface ImageConfig {
  /** Exact bytes written to the archive; the image ID is their sha256. */
  bytes: Buffer;
  /** sha256:<hex> */
  imageId: string;
  created: string;
  architecture: string;
  variant?: string;
  os: string;
  config: ContainerConfig;
}

const OCI_PLATFORM: Record<string, {architecture: string; variant?: string}> = {
  amd64: {architecture: 'amd64'},
  arm64: {architecture: 'arm64', variant: 'v8'},
  armhf: {architecture: 'arm', variant: 'v7'},
  i386: {architecture: '386'},
  ppc64el: {architecture: 'ppc64le'},
  riscv64: {architecture: 'riscv64'},
  s390x: {architecture: 's390x'},
};

// Fixed key order so the same recipe always serialises to the same bytes.
const CONFIG_KEYS = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal'] as const;

/** RFC 3339 without fractional seconds, as Docker prints build dates. */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function ociPlatform(debianArch: string): {architecture: string; variant?: string} {
  return OCI_PLATFORM[debianArch] ?? {architecture: debianArch};
}

/** The history entry of the single layer: what made it. */
export interface LayerHistory {
  createdBy: string;
  comment: string;
}

/**
 * The image config (OCI image config / Docker image JSON) for a single-layer image. The
 * history defaults to naming every package, which suits images made of a few packages.
 */
export function buildImageConfig(
  recipe: Recipe,
  diffIds: string[],
  createdSeconds: number,
  packages: ResolvedPackage[],
  history?: LayerHistory,
  extraLabels: Record<string, string> = {},
): ImageConfig {
  const created = rfc3339(createdSeconds);
  const platform = ociPlatform(recipe.image.architecture);
  const config = canonicalConfig({...recipe.image.config, Labels: provenanceLabels(recipe, packages, extraLabels)});
  const createdBy = history?.createdBy ?? `lab image build ${recipe.name} from ${packages.map((p) => `${p.name}=${p.version}`).join(' ')}`;
  const doc: Record<string, unknown> = {
    architecture: platform.architecture,
    config,
    created,
    history: [{created, created_by: createdBy, comment: history?.comment ?? 'built from Debian packages'}],
    os: recipe.image.os,
    rootfs: {type: 'layers', diff_ids: diffIds},
  };
  if (platform.variant) doc.variant = platform.variant;
  const bytes = Buffer.from(JSON.stringify(doc), 'utf8');
  return {bytes, imageId: `sha256:${sha256Hex(bytes)}`, created, architecture: platform.architecture, variant: platform.variant, os: recipe.image.os, config};
}

/**
 * Where the image came from, for `docker inspect`: the recipe and every Debian package (name=version) it was
 * built from. The recipe's own labels come last and win.
 */
function provenanceLabels(recipe: Recipe, packages: ResolvedPackage[], extra: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = {'lab.recipe': recipe.name};
  if (packages.length > 0) labels['lab.debian.packages'] = packages.map((p) => `${p.name}=${p.version}`).join(' ');
  if (recipe.kind === 'debootstrap') labels['lab.debian.suite'] = recipe.debootstrap.suite;
  return {...labels, ...extra, ...recipe.image.config.Labels};
}

function canonicalConfig(input: ContainerConfig): ContainerConfig {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = input[key];
    if (value === undefined) continue;
    out[key] = value !== null && typeof value === 'object' && !Array.isArray(value) ? sortKeys(value as Record<string, unknown>) : value;
  }
  return out as ContainerConfig;
}

function sortKeys(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]]));
}
