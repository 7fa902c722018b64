import {sha256Hex} from '../support/hash.js';
import {fullyQualified, splitTag} from './refs.js';
import {type TarEntry, writeDeterministicTar} from './tar-writer.js';
import type {ImageConfig} from './image-config.js';
import type {ArchiveFormat} from '../recipe/types.js';

export interface ArchiveInput {
  config: ImageConfig;
  layer: {file: string; diffId: string; size: number};
  repoTags: string[];
  mtimeSeconds: number;
}

const FILE = 0o644;
const DIR = 0o755;
const hexOf = (digest: string) => digest.replace(/^sha256:/, '');
const json = (value: unknown) => Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');

/** Writes a tarball `docker load` accepts, in the legacy layout or Docker 25+'s OCI layout. */
export async function writeImageArchive(dest: string, format: ArchiveFormat, input: ArchiveInput): Promise<void> {
  const entries = format === 'oci' ? ociEntries(input) : dockerEntries(input);
  await writeDeterministicTar(dest, entries, input.mtimeSeconds);
}

function repositoriesFile(repoTags: string[], id: string): Buffer {
  const repos: Record<string, Record<string, string>> = {};
  for (const ref of repoTags) {
    const {repository, tag} = splitTag(ref);
    (repos[repository] ??= {})[tag] = id;
  }
  return json(repos);
}

/** Layout written by docker save before Docker 25: one <v1 id>/ folder per layer. */
function dockerEntries({config, layer, repoTags}: ArchiveInput): TarEntry[] {
  const v1Fields = {
    created: config.created,
    config: config.config,
    architecture: config.architecture,
    ...(config.variant ? {variant: config.variant} : {}),
    os: config.os,
  };
  // Legacy ids only have to be stable and unique per (metadata, layer chain).
  const v1Id = sha256Hex(`${JSON.stringify(v1Fields)}\n${layer.diffId}`);
  const configName = `${hexOf(config.imageId)}.json`;
  return [
    {name: configName, type: 'file', mode: FILE, data: config.bytes},
    {name: v1Id, type: 'directory', mode: DIR},
    {name: `${v1Id}/VERSION`, type: 'file', mode: FILE, data: Buffer.from('1.0')},
    {name: `${v1Id}/json`, type: 'file', mode: FILE, data: Buffer.from(JSON.stringify({id: v1Id, ...v1Fields}))},
    {name: `${v1Id}/layer.tar`, type: 'file', mode: FILE, file: layer.file, size: layer.size},
    {name: 'manifest.json', type: 'file', mode: FILE, data: json([{Config: configName, RepoTags: repoTags, Layers: [`${v1Id}/layer.tar`]}])},
    {name: 'repositories', type: 'file', mode: FILE, data: repositoriesFile(repoTags, v1Id)},
  ];
}

/** Layout written by docker save since Docker 25: an OCI image layout plus the legacy index files. */
function ociEntries({config, layer, repoTags}: ArchiveInput): TarEntry[] {
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.imageId, size: config.bytes.length},
      layers: [{mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.diffId, size: layer.size}],
    }),
    'utf8',
  );
  const manifestDigest = `sha256:${sha256Hex(manifest)}`;
  const platform = {architecture: config.architecture, os: config.os, ...(config.variant ? {variant: config.variant} : {})};
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: repoTags.map((ref) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: manifestDigest,
      size: manifest.length,
      platform,
      annotations: {'io.containerd.image.name': fullyQualified(ref), 'org.opencontainers.image.ref.name': splitTag(ref).tag},
    })),
  };
  const blob = (digest: string) => `blobs/sha256/${hexOf(digest)}`;
  return [
    {name: 'blobs', type: 'directory', mode: DIR},
    {name: 'blobs/sha256', type: 'directory', mode: DIR},
    {name: blob(config.imageId), type: 'file', mode: FILE, data: config.bytes},
    {name: blob(manifestDigest), type: 'file', mode: FILE, data: manifest},
    {name: blob(layer.diffId), type: 'file', mode: FILE, file: layer.file, size: layer.size},
    {name: 'index.json', type: 'file', mode: FILE, data: json(index)},
    {name: 'manifest.json', type: 'file', mode: FILE, data: json([{Config: blob(config.imageId), RepoTags: repoTags, Layers: [blob(layer.diffId)]}])},
    {name: 'oci-layout', type: 'file', mode: FILE, data: json({imageLayoutVersion: '1.0.0'})},
    // Docker 25+ points the legacy repositories file at the top layer's blob.
    {name: 'repositories', type: 'file', mode: FILE, data: repositoriesFile(repoTags, hexOf(layer.diffId))},
  ];
}
