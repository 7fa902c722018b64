/** The same volume and network requests to labd and Debian's dockerd, with the CLI's bodies. */
import test from 'ava';
import {cliNetworkBody, filters} from '../../helpers/differential/bodies.js';
import {differentialCases, type Case} from '../../helpers/differential/harness.js';

const volume = ['Name', 'Driver', 'Scope', 'Options', 'Labels', 'Status'];
const network = ['Name', 'Driver', 'Scope', 'Internal', 'Attachable', 'Ingress', 'EnableIPv6', 'IPAM.Driver', 'IPAM.Options', 'Options', 'Labels', 'ConfigOnly', 'ConfigFrom'];

const cases: Case[] = [
  {what: 'create a named volume', method: 'POST', path: '/volumes/create', body: {Driver: 'local', Name: 'diff-vol'}, values: volume},
  {what: 'create a volume with labels', method: 'POST', path: '/volumes/create', body: {Driver: 'local', Name: 'diff-vol2', Labels: {a: 'b'}}, values: volume},
  {what: 'create a tmpfs volume', method: 'POST', path: '/volumes/create',
    body: {Driver: 'local', Name: 'diff-tmpfs', DriverOpts: {type: 'tmpfs', device: 'tmpfs', o: 'size=1m'}}, values: volume},
  {what: 'create a volume with an option the local driver does not know', method: 'POST', path: '/volumes/create', body: {Driver: 'local', Name: 'diff-badopt', DriverOpts: {nope: '1'}}},
  {what: 'create an anonymous volume', method: 'POST', path: '/volumes/create', body: {}, values: ['Driver', 'Scope', 'Labels', 'Options']},
  {what: 'create an existing volume again', method: 'POST', path: '/volumes/create', body: {Driver: 'local', Name: 'diff-vol'}, values: volume,
    prepare: [['volume', 'rm', '-f', 'diff-tmpfs']]},
  {what: 'inspect a volume', method: 'GET', path: '/volumes/diff-vol', values: volume},
  {what: 'list volumes', method: 'GET', path: '/volumes', values: ['Volumes.#', 'Volumes.*.Name', 'Volumes.*.Driver', 'Warnings']},
  {what: 'list volumes by name', method: 'GET', path: `/volumes?filters=${filters({name: ['diff-vol2']})}`, values: ['Volumes.*.Name']},
  {what: 'list volumes by label', method: 'GET', path: `/volumes?filters=${filters({label: ['a=b']})}`, values: ['Volumes.*.Name']},
  {what: 'list dangling volumes', method: 'GET', path: `/volumes?filters=${filters({dangling: ['true']})}`, values: ['Volumes.#']},
  {what: 'remove a volume in use', method: 'DELETE', path: '/volumes/diff-vol', prepare: [['create', '--name', 'diff-vuser', '-v', 'diff-vol:/data', 'busybox']]},
  {what: 'remove a volume', method: 'DELETE', path: '/volumes/diff-vol2', sameBody: true},
  {what: 'prune volumes at API 1.41 (named ones too)', method: 'POST', path: '/volumes/prune',
    prepare: [['volume', 'create', 'diff-unused']], values: ['VolumesDeleted.#', 'SpaceReclaimed']},
  {what: 'list volumes after prune', method: 'GET', path: '/volumes', values: ['Volumes.*.Name']},
  {what: 'create a network with the CLI\'s body', method: 'POST', path: '/networks/create', body: cliNetworkBody('diff-net'), values: ['Warning']},
  {what: 'create a network with a subnet and labels', method: 'POST', path: '/networks/create',
    body: {...cliNetworkBody('diff-net2'), IPAM: {Driver: 'default', Options: {}, Config: [{Subnet: '{subnet}.0/24', Gateway: '{subnet}.1'}]}, Labels: {a: 'b'}, Internal: true}},
  {what: 'create a network with driver options', method: 'POST', path: '/networks/create',
    body: {...cliNetworkBody('diff-opts'), Options: {'com.docker.network.driver.mtu': '1400', 'com.docker.network.bridge.enable_icc': 'false'}}, values: ['Warning']},
  {what: 'inspect a network with driver options', method: 'GET', path: '/networks/diff-opts', values: network},
  {what: 'a container on it, created', method: 'POST', path: '/containers/create?name=diff-onopts', body: {Image: 'busybox', Cmd: ['true'], HostConfig: {NetworkMode: 'diff-opts'}}},
  {what: 'remove a network with driver options', method: 'DELETE', path: '/networks/diff-opts', prepare: [['rm', 'diff-onopts']], sameBody: true},
  {what: 'create a network of an existing name', method: 'POST', path: '/networks/create', body: cliNetworkBody('diff-net')},
  {what: 'inspect a network', method: 'GET', path: '/networks/diff-net', values: network},
  {what: 'inspect a network with a subnet', method: 'GET', path: '/networks/diff-net2', values: [...network, 'IPAM.Config.#']},
  {what: 'inspect a network verbosely', method: 'GET', path: '/networks/diff-net?verbose=true', values: network},
  {what: 'list networks by name', method: 'GET', path: `/networks?filters=${filters({name: ['diff-net']})}`, values: ['*.Name']},
  {what: 'list networks by label', method: 'GET', path: `/networks?filters=${filters({label: ['a=b']})}`, values: ['*.Name']},
  {what: 'list custom networks', method: 'GET', path: `/networks?filters=${filters({type: ['custom']})}`, values: ['*.Name']},
  {what: 'list all networks', method: 'GET', path: '/networks', values: ['*.Name', '*.Driver']},
  {what: 'connect a created container', method: 'POST', path: '/networks/diff-net/connect', prepare: [['create', '--name', 'diff-nc', 'busybox', 'sleep', '100']],
    body: {Container: 'diff-nc', EndpointConfig: {Aliases: ['nc-alias']}}},
  {what: 'inspect a network with a container', method: 'GET', path: '/networks/diff-net', values: ['Containers.*.Name']},
  {what: 'disconnect a container', method: 'POST', path: '/networks/diff-net/disconnect', body: {Container: 'diff-nc', Force: false}},
  {what: 'remove a network', method: 'DELETE', path: '/networks/diff-net2', sameBody: true},
  {what: 'prune networks', method: 'POST', path: '/networks/prune', values: ['NetworksDeleted']},
];

differentialCases(test, 'volumes-networks', cases);
