import test from 'ava';
import {moduleName, parseModulesDep, resolveModules} from '../../src/vm/build/modules.js';

const dep = parseModulesDep(`kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko
kernel/fs/jbd2/jbd2.ko:
kernel/fs/mbcache.ko:
kernel/lib/crc16.ko:
kernel/crypto/crc32c_generic.ko:
kernel/drivers/char/hw_random/virtio-rng.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_ring.ko:
kernel/net/bridge/bridge.ko: kernel/net/802/stp.ko kernel/net/llc/llc.ko
kernel/net/802/stp.ko: kernel/net/llc/llc.ko
kernel/net/llc/llc.ko:
`);

test('module names drop the folder and suffix and use underscores', (t) => {
  t.is(moduleName('kernel/drivers/char/hw_random/virtio-rng.ko'), 'virtio_rng');
  t.is(moduleName('kernel/fs/ext4/ext4.ko.xz'), 'ext4');
});

test('every module comes after what it needs, in the order asked, without repeats', (t) => {
  const order = resolveModules(dep, ['crc32c_generic', 'ext4', 'virtio-rng', 'bridge']);
  t.is(order[0], 'kernel/crypto/crc32c_generic.ko');
  t.is(new Set(order).size, order.length);
  const at = (name: string) => order.findIndex((p) => moduleName(p) === name);
  t.true(at('jbd2') < at('ext4') && at('mbcache') < at('ext4') && at('crc16') < at('ext4'));
  t.true(at('virtio_ring') < at('virtio') && at('virtio') < at('virtio_rng'));
  t.true(at('llc') < at('stp') && at('stp') < at('bridge'));
  t.is(order.length, 11);
});

test('built-in modules are skipped and unknown ones refused', (t) => {
  t.deepEqual(resolveModules(dep, ['unix'], new Set(['unix'])), []);
  t.throws(() => resolveModules(dep, ['no_such_module']), {message: /no_such_module is neither in modules.dep nor built in/});
});
