// sandbox/README.md quotes the Baileys configuration of lib/config.mjs ("Test your Baileys bot
// offline"): the quote must be the code, byte for byte.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'

const MARKER = '<!-- baileys-config: tests/interop/baileys/lib/config.mjs -->'

test('sandbox/README.md quotes lib/config.mjs exactly', async () => {
  const source = await readFile(new URL('../lib/config.mjs', import.meta.url), 'utf8')
  const code = source.split('// <baileys-config>\n')[1]?.split('// </baileys-config>')[0]
  assert.ok(code, 'lib/config.mjs has the <baileys-config> markers')
  const readme = await readFile(new URL('../../../../sandbox/README.md', import.meta.url), 'utf8')
  const after = readme.split(MARKER)[1]
  assert.ok(after, `sandbox/README.md has ${MARKER}`)
  const quoted = after.split('```js\n')[1]?.split('```')[0]
  assert.equal(quoted, code)
})
