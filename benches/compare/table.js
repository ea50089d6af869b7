// Prints the comparison table from wazap's criterion estimates and the peers' JSON lines.
//   node table.js <criterion dir> <compare output dir>
'use strict';
const fs = require('fs');
const path = require('path');

const [criterion, out] = process.argv.slice(2);

// Mean time of one criterion iteration, in ns (undefined when that bench did not run).
function meanNs(group, prefix) {
  const dir = path.join(criterion, group);
  if (!fs.existsSync(dir)) return undefined;
  const bench = fs.readdirSync(dir).find((d) => d.startsWith(prefix));
  if (!bench) return undefined;
  const file = path.join(dir, bench, 'new', 'estimates.json');
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')).mean.point_estimate;
}

function peer(name) {
  const file = path.join(out, `${name}.jsonl`);
  const rows = {};
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line);
      rows[r.row] = r;
    }
  }
  return rows;
}

const baileys = peer('baileys');
const whatsmeow = peer('whatsmeow');
const MEDIA = 16 << 20;
const perSec = (ns, elements = 1) => (ns === undefined ? undefined : (elements * 1e9) / ns);
const mbs = (ns) => (ns === undefined ? undefined : MEDIA / (ns * 1e-9) / 1e6);

function fmtRate(v) {
  if (v === undefined) return '–';
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M/s`;
  if (v >= 1e5) return `${(v / 1e3).toFixed(0)}k/s`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)}k/s`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(2)}k/s`;
  return `${v.toFixed(0)}/s`;
}
const fmtMb = (v) => (v === undefined ? '–' : v.toFixed(0));
const ratio = (a, b) => (a === undefined || b === undefined ? '–' : `${(a / b).toFixed(1)}×`);

const rows = [];
function rateRow(work, key, wazap, goal) {
  const b = baileys[key] && baileys[key].per_sec;
  const w = whatsmeow[key] && whatsmeow[key].per_sec;
  rows.push([work, fmtRate(b), fmtRate(w), `**${fmtRate(wazap)}**`, ratio(wazap, b), ratio(wazap, w), goal]);
}

rateRow('binary codec, encode + decode of a ~100-byte stanza', 'codec_round_trip',
  perSec(meanNs('codec', 'round_trip')), '≥ 4 M/s');
{
  const e = mbs(meanNs('media_16MiB', 'encrypt_stream'));
  const d = mbs(meanNs('media_16MiB', 'decrypt_stream'));
  const pair = (r, k) => (r[k] ? r[k].mb_s : undefined);
  const be = pair(baileys, 'media_encrypt');
  const bd = pair(baileys, 'media_decrypt');
  const we = pair(whatsmeow, 'media_encrypt');
  const wd = pair(whatsmeow, 'media_decrypt');
  rows.push(['media encrypt / decrypt+verify, 16 MiB (MB/s)', `${fmtMb(be)} / ${fmtMb(bd)} (no MAC check)`,
    `${fmtMb(we)} / ${fmtMb(wd)}`, `**${fmtMb(e)} / ${fmtMb(d)}**`,
    `${ratio(e, be)} / ${ratio(d, bd)}`, `${ratio(e, we)} / ${ratio(d, wd)}`, '≥ 600 / ≥ 900']);
}
rateRow('Signal one-way encrypt + decrypt', 'signal_one_way',
  perSec(meanNs('signal', 'session_encrypt_decrypt')), '≥ 300k/s');
rateRow('Signal ping-pong (a DH ratchet step each message)', 'signal_ping_pong',
  perSec(meanNs('signal', 'ping_pong'), 2), '≥ 10k/s');
rateRow('X3DH set-up + first message', 'x3dh_first_message',
  perSec(meanNs('signal', 'x3dh_setup')), '≥ 3k/s');

const idleFile = path.join(out, 'idle.txt');
if (fs.existsSync(idleFile)) {
  const text = fs.readFileSync(idleFile, 'utf8');
  const per = /marginal memory per idle logged-in client: ([\d.]+) KiB/.exec(text);
  const count = /clients logged in: (\d+) of (\d+)/.exec(text);
  rows.push(['marginal memory per idle logged-in client', '', '(whatsapp-rust: ~530 KiB)',
    per ? `**${Number(per[1]).toFixed(0)} KiB** at ${count ? count[2] : '?'} clients` : '–', '', '', '≤ 150 KiB']);
  rows.push(['idle logged-in clients in one process', '', '', count ? `**${count[1]}** of ${count[2]}` : '–', '', '', '50,000']);
}
const tputFile = path.join(out, 'throughput.txt');
if (fs.existsSync(tputFile)) {
  const lines = fs.readFileSync(tputFile, 'utf8').split('\n').filter((l) => /msg\/s/.test(l));
  const cell = lines.map((l) => {
    const m = /(\d+) messages.*?: (\d+) msg\/s; send-to-receive p50 ([^,]+), p99 (\S+)(.*)/.exec(l);
    return m ? `${m[2]}/s, p50 ${m[3]}, p99 ${m[4]}${m[5].includes('paced') ? ' paced' : ' burst'}` : l;
  }).join('; ');
  rows.push(['messages/s between two clients via the sandbox', '', '', `**${cell}**`, '', '', '≥ 20,000/s; p99 ≤ 50 ms at a paced 5,000/s']);
}

const header = ['work', 'Baileys 6', 'whatsmeow', 'wazap', 'wazap ÷ Baileys', 'wazap ÷ whatsmeow', 'goal'];
console.log(fs.readFileSync(path.join(out, 'machine.txt'), 'utf8').trim().split('\n').map((l) => `- ${l}`).join('\n'));
console.log('');
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
