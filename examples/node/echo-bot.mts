// The echo bot of echo-bot.js in TypeScript, as an ES module: answers every text message with
// the same text and marks it read. Type-checked with `tsc --strict` against the installed
// package's index.d.mts by bindings/node/test-installed (a fresh npm project).
//
//   npm install wazap && npm install -D typescript @types/node
//   npx tsc --strict --module nodenext --outDir out echo-bot.mts && node out/echo-bot.mjs bot.db
// Environment: WAZAP_URL, WAZAP_ROOT_KEY (the sandbox's), as for echo-bot.js.
import { Client, qrTerminal, type ClientOptions, type MessageEvent, type WazapError } from 'wazap';

const options: ClientOptions = {
  storePath: process.argv[2] ?? 'echo-bot.db',
  deviceName: 'wazap echo bot (TypeScript)',
};
if (process.env.WAZAP_URL) options.url = process.env.WAZAP_URL;
if (process.env.WAZAP_ROOT_KEY) options.rootKey = process.env.WAZAP_ROOT_KEY;
const client = new Client(options);

client.on('qr', ({ code }) => {
  console.log(qrTerminal(code));
  console.log('scan this QR with WhatsApp (Settings > Linked devices)');
});
client.on('connected', () => console.log(`connected as ${client.jid ?? '?'}; echoing`));
client.on('logged_out', ({ reason }) => {
  console.log(`logged out (${reason})`);
  void client.close();
});

async function echo({ info, message }: MessageEvent): Promise<void> {
  if (info.is_from_me || message.kind !== 'text' || !message.text) return;
  await client.markRead([info.id], info.chat, info.is_group ? info.sender : null);
  const sent = await client.sendText(info.chat, message.text);
  console.log(`echoed as ${sent.id} at ${sent.timestamp}`);
}

client.on('message', (event) => {
  echo(event).catch((error: WazapError) => console.error(`cannot echo: ${error.code} ${error.message}`));
});

process.once('SIGINT', () => void client.close());
client.connect().catch((error: WazapError) => {
  console.error(`cannot connect: ${error.code} ${error.message}`);
  process.exitCode = 1;
  void client.close();
});
