#!/usr/bin/env node
'use strict';
// An echo bot: answers every text message with the same text, and marks it read.
//
// Against the sandbox (everything local, no phone needed):
//   cargo build -p wazap-sandbox && (cd bindings/node && npm run build)
//   target/debug/wazap-sandbox --listen 127.0.0.1:7000 &
//     # prints {"ws_url":"ws://127.0.0.1:7000/ws/chat","control_url":"http://127.0.0.1:7000/control",
//     #         "root_public_key":"<hex>",...}
//   curl -s -X POST http://127.0.0.1:7000/control/accounts \
//        -H 'content-type: application/json' -d '{"phone":"15550001111","push_name":"Bot"}'
//   WAZAP_URL=ws://127.0.0.1:7000/ws/chat WAZAP_ROOT_KEY=<hex> \
//   WAZAP_CONTROL=http://127.0.0.1:7000/control WAZAP_PHONE=15550001111 \
//     node examples/node/echo-bot.js bot.db
//   # With WAZAP_CONTROL and WAZAP_PHONE set, the bot "scans" its own QR through the sandbox's
//   # control API; without them it draws the QR code in the terminal for a real phone to scan.
//   # Then write to 15550001111 from another client paired with another sandbox account: the
//   # bot answers with the same text (bindings/node/test/echo-bot.test.js does exactly that).
//
// Against the real service: node examples/node/echo-bot.js bot.db, scan the QR it draws.
// Installed from npm (`npm install wazap`): WAZAP_NODE_MODULE=wazap, or require('wazap').
// The same bot in TypeScript: echo-bot.mts.
// Stop with Ctrl-C (the client is closed, the process exits).

// quick-start:begin
const { Client, qrTerminal } = require(process.env.WAZAP_NODE_MODULE || '../../bindings/node');

const storePath = process.argv[2] || 'echo-bot.db';
const options = { storePath, deviceName: 'wazap echo bot' };
if (process.env.WAZAP_URL) options.url = process.env.WAZAP_URL;
if (process.env.WAZAP_ROOT_KEY) options.rootKey = process.env.WAZAP_ROOT_KEY;
const client = new Client(options);

client.on('qr', async ({ code }) => {
  const { WAZAP_CONTROL: control, WAZAP_PHONE: phone } = process.env;
  if (!control || !phone) {
    console.log(qrTerminal(code)); // drawn in half blocks
    console.log('scan this QR with WhatsApp (Settings > Linked devices)');
    return;
  }
  const response = await fetch(`${control}/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, qr: code }),
  });
  console.log(`sandbox pairing: ${response.status} ${await response.text()}`);
});
client.on('pair_success', ({ jid }) => console.log(`paired as ${jid}`));
client.on('connected', () => console.log(`connected as ${client.jid}; echoing`));
client.on('disconnected', ({ reason }) => console.log(`disconnected (${reason}); reconnecting`));
client.on('logged_out', ({ reason }) => {
  console.log(`logged out (${reason})`);
  client.close();
});

client.on('message', async ({ info, message }) => {
  if (info.is_from_me || message.kind !== 'text' || !message.text) return;
  console.log(`${info.sender}: ${message.text}`);
  try {
    await client.markRead([info.id], info.chat, info.is_group ? info.sender : null);
    const sent = await client.sendText(info.chat, message.text);
    console.log(`echoed as ${sent.id} at ${sent.timestamp}`);
  } catch (error) {
    console.error(`cannot echo: ${error.code} ${error.message}`);
  }
});

process.once('SIGINT', () => client.close());
process.once('SIGTERM', () => client.close());

client.connect().catch((error) => {
  console.error(`cannot connect: ${error.code} ${error.message}`);
  process.exitCode = 1;
  client.close();
});
// quick-start:end
