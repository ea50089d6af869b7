'use strict';
// Child of test/exit.test.js. Connects to the sandbox (WAZAP_URL, WAZAP_ROOT_KEY), waits for the
// first QR, then proves that the connected client keeps the process alive (an unref'd timer
// still fires), closes the client and leaves nothing else running: the process must exit by
// itself. With MODE=never-connect it only creates and closes a client.
const { Client } = require('wazap');

const mode = process.env.MODE || 'connect';
const client = new Client({
  storePath: ':memory:',
  url: process.env.WAZAP_URL || 'ws://127.0.0.1:9/ws/chat',
  rootKey: process.env.WAZAP_ROOT_KEY,
});

async function main() {
  if (mode === 'never-connect') {
    await client.close();
    console.log('closed');
    return;
  }
  if (mode === 'forget') {
    // Never connected, never closed: an idle client must not hold the process either.
    console.log('idle');
    return;
  }
  const qr = new Promise((resolve) => client.once('qr', resolve));
  await client.connect();
  await qr;
  console.log('qr');
  // Only something else keeping the loop alive (the connected client) lets this fire.
  setTimeout(async () => {
    console.log('alive');
    await client.close();
    console.log('closed');
  }, 200).unref();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
