// Reads every case of ../poll_vote.json (made by whatsmeow, see go/main.go) with Baileys'
// own decryptPollVote (npm baileys 6.17.16, unmodified): a second implementation must find the
// same chosen options, or this exits non-zero. Usage: node poll_vote_check.js ../poll_vote.json
'use strict'

const fs = require('fs')
const { decryptPollVote } = require('baileys')

const doc = JSON.parse(fs.readFileSync(process.argv[2] || '../poll_vote.json', 'utf8'))
const buf = (h) => Buffer.from(h, 'hex')
for (const c of doc.cases) {
  const vote = decryptPollVote(
    { encPayload: buf(c.enc_payload), encIv: buf(c.enc_iv) },
    { pollCreatorJid: c.poll_sender, pollMsgId: c.poll_id, pollEncKey: buf(c.message_secret), voterJid: c.voter }
  )
  const got = vote.selectedOptions.map((o) => Buffer.from(o).toString('hex'))
  if (JSON.stringify(got) !== JSON.stringify(c.selected_hashes)) {
    throw new Error(`${c.name}: Baileys reads ${got}, whatsmeow wrote ${c.selected_hashes}`)
  }
}
console.log(`Baileys decrypts all ${doc.cases.length} whatsmeow poll votes`)
