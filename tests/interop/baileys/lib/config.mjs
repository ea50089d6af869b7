// The Baileys configuration that points an unmodified Baileys at the wazap sandbox, quoted in
// sandbox/README.md ("Test your Baileys bot offline"; the quote is checked by test/readme.test.mjs).
// <baileys-config>
import { Agent as HttpsAgent } from 'node:https'
import { connect } from 'node:net'

import { Agent as UndiciAgent } from 'undici'

/**
 * Socket config for the sandbox whose ready line is `ready` ({"ws_url", "media_url",
 * "root_public_key"}), for `baileys` (the imported module: 6.x or 7), an auth state and a logger.
 */
export function sandboxSocketConfig(baileys, ready, auth, logger) {
  // Baileys 7 verifies the server's certificate chain against WhatsApp's root key, a constant
  // it exports: trust the sandbox's root instead. (Baileys 6 checks only the issuer serial.)
  if (baileys.WA_CERT_DETAILS?.PUBLIC_KEY) {
    baileys.WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(ready.root_public_key, 'hex')
  }
  const media = sandboxMediaOptions(ready)
  return {
    waWebSocketUrl: ready.ws_url,
    auth,
    logger,
    browser: baileys.Browsers.ubuntu('Chrome'),
    fetchAgent: media.httpsAgent, // uploads (6 and 7)
    options: media, // downloads Baileys makes itself: history syncs (6: axios; 7: fetch)
  }
}

/**
 * Baileys always fetches media over https: uploads from the hosts in media_conn, downloads
 * from the message's URL or https://mmg.whatsapp.net + direct path. These route every media
 * connection to the sandbox's media host, which speaks plain HTTP. Pass them to
 * downloadMediaMessage too: `downloadMediaMessage(msg, 'buffer', { options })`.
 */
export function sandboxMediaOptions(ready) {
  const media = new URL(ready.media_url)
  const toSandbox = () => connect(Number(media.port), media.hostname)
  class SandboxMediaAgent extends HttpsAgent {
    createConnection() {
      return toSandbox()
    }
  }
  const dispatcher = new UndiciAgent({
    connect: (_options, callback) => {
      const socket = toSandbox()
      socket.once('connect', () => callback(null, socket)).once('error', (e) => callback(e, null))
    },
  })
  return { httpsAgent: new SandboxMediaAgent(), dispatcher }
}
// </baileys-config>
