'use strict';
// Bad arguments and misuse give Errors with stable codes, never a crash.
const assert = require('node:assert/strict');
const { test } = require('node:test');
const { Client, ErrorCode } = require('wazap');

const typeError = (code = 'ERR_INVALID_ARG_TYPE') => (error) => {
  assert.ok(error instanceof TypeError, `${error}`);
  assert.equal(error.code, code);
  return true;
};
const valueError = (code = 'ERR_INVALID_ARG') => (error) => {
  assert.ok(error instanceof Error && !(error instanceof TypeError), `${error}`);
  assert.equal(error.code, code);
  return true;
};

test('options of the wrong type are TypeErrors with a code', () => {
  for (const options of [undefined, null, 42, 'x', [], () => {}]) {
    assert.throws(() => new Client(options), typeError(), String(options));
  }
  assert.throws(() => new Client({}), typeError(), 'storePath is required');
  assert.throws(() => new Client({ storePath: 7 }), typeError());
  assert.throws(() => new Client({ storePath: ':memory:', url: 1 }), typeError());
  assert.throws(() => new Client({ storePath: ':memory:', rootKey: {} }), typeError());
  assert.throws(() => new Client({ storePath: ':memory:', iqTimeoutMs: '5' }), typeError());
  assert.throws(() => new Client({ storePath: ':memory:', reconnect: true }), typeError());
  assert.throws(
    () => new Client({ storePath: ':memory:', reconnect: { enabled: 'yes' } }),
    typeError(),
  );
  assert.throws(() => new Client({ storePath: ':memory:', big: 10n }), typeError());
});

test('options with bad values are Errors with ERR_INVALID_ARG', () => {
  const bad = [
    { storePath: '' },
    { storePath: ':memory:', url: 'http://example.org' },
    { storePath: ':memory:', rootKey: 'zz' },
    { storePath: ':memory:', rootKey: 'abcd' },
    { storePath: ':memory:', proxy: 'gopher://x' },
    { storePath: ':memory:', iqTimeoutMs: -1 },
    { storePath: ':memory:', iqTimeoutMs: 1.5 },
    { storePath: ':memory:', preKeys: { initialBatch: 2 ** 40 } },
    { storePath: ':memory:', storepath: 'typo' },
    { storePath: ':memory:', reconnect: { enable: false } },
  ];
  for (const options of bad) {
    assert.throws(() => new Client(options), valueError(), JSON.stringify(options));
  }
  const error = (() => {
    try {
      new Client({ storePath: ':memory:', storepath: 'typo' });
    } catch (e) {
      return e;
    }
  })();
  assert.match(error.message, /storepath/);
});

test('an unusable store path is ERR_STORE', () => {
  assert.throws(
    () => new Client({ storePath: '/nonexistent-dir/sub/wazap.db' }),
    valueError('ERR_STORE'),
  );
});

test('method arguments of the wrong type reject with TypeError', async () => {
  const client = new Client({ storePath: ':memory:' });
  try {
    await assert.rejects(client.pairPhone(), typeError());
    await assert.rejects(client.pairPhone(15550001), typeError());
    await assert.rejects(client.pairPhone('15550001', null), typeError());
    await assert.rejects(client.pairPhone('15550001', { clientType: 3 }), typeError());
    await assert.rejects(
      client.pairPhone('15550001', { showPushNotification: 'yes' }),
      typeError(),
    );
    await assert.rejects(client.setPushName({}), typeError());
  } finally {
    await client.close();
  }
});

test('calls that need a device fail with ERR_NO_DEVICE; a bad client type with ERR_INVALID_ARG', async () => {
  const client = new Client({ storePath: ':memory:' });
  try {
    await assert.rejects(client.pairPhone('15550001'), valueError('ERR_NO_DEVICE'));
    await assert.rejects(
      client.pairPhone('15550001', { clientType: 'netscape' }),
      valueError('ERR_INVALID_ARG'),
    );
    await assert.rejects(client.logout(), (e) => typeof e.code === 'string' && e.code in codes());
    await client.disconnect(); // not connected: a no-op
    assert.equal(client.isConnected, false);
  } finally {
    await client.close();
  }
  for (const call of [
    () => client.connect(),
    () => client.disconnect(),
    () => client.logout(),
    () => client.pairPhone('15550001'),
    () => client.setPushName('x'),
  ]) {
    await assert.rejects(call(), valueError('ERR_CLOSED'));
  }
  assert.equal(client.isConnected, false);
  assert.equal(client.isLoggedIn, false);
  assert.equal(client.jid, null);
});

test('connecting to nothing fails with ERR_CONNECTION', async () => {
  // A port that was just free: nothing listens there.
  const net = require('node:net');
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  const client = new Client({
    storePath: ':memory:',
    url: `ws://127.0.0.1:${port}/ws/chat`,
    connectTimeoutMs: 5000,
  });
  try {
    await assert.rejects(client.connect(), valueError('ERR_CONNECTION'));
    assert.equal(client.isConnected, false);
  } finally {
    await client.close();
  }
});

test('ErrorCode lists every code, frozen', () => {
  assert.ok(Object.isFrozen(ErrorCode));
  for (const [name, code] of Object.entries(ErrorCode)) assert.equal(code, `ERR_${name}`);
});

function codes() {
  return Object.fromEntries(Object.values(ErrorCode).map((c) => [c, true]));
}
