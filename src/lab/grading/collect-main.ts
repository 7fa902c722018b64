/** Entry point run inside the environment: a SnapshotRequest on stdin, the Snapshot as JSON on stdout. */
import {collect} from './collect.js';
import type {SnapshotRequest} from './snapshot-request.js';

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SnapshotRequest;
process.stdout.write(JSON.stringify(await collect(request)));
