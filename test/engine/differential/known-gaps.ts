/**
 * Differences from dockerd that are real gaps, each with who closes it: the cases that meet one leave its paths
 * out of their comparison and register a failing test for it, which passes while the gap is there and tells
 * when it is closed (then the gap goes from here and from its cases).
 */
import type {Gap} from '../../helpers/differential/harness.js';

/** A network's options and IPAM options shown as sent. */
export const networkOptions: Gap = {
  owner: 'network',
  why: 'a network shows the bridge driver\'s default options instead of the options sent, and IPAM.Options null instead of {}',
  paths: ['Options', 'IPAM.Options', '[].Options', '[].IPAM.Options'],
};
