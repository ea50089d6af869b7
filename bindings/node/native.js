'use strict';
// Loads the native addon, as napi-rs packages do: $WAZAP_NODE_ADDON if set (a path), else
// wazap.node next to this file (built in the source tree by scripts/build.js), else the
// platform package installed as an optional dependency of `wazap` (`@wazap/linux-x64-gnu`...,
// which holds only the .node binary).
const fs = require('node:fs');
const path = require('node:path');
const { platformSuffix } = require('./platform.js');

function load() {
  if (process.env.WAZAP_NODE_ADDON) return require(process.env.WAZAP_NODE_ADDON);
  const local = path.join(__dirname, 'wazap.node');
  if (fs.existsSync(local)) return require(local);
  const name = `@wazap/${platformSuffix()}`;
  try {
    return require(name);
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    const wrapped = new Error(
      `wazap: no native addon for this platform: ${name} is not installed (it is an optional ` +
        'dependency of wazap; reinstall without --no-optional/--omit=optional), or build it ' +
        'from the source tree with `npm run build`',
    );
    wrapped.cause = error;
    throw wrapped;
  }
}

module.exports = load();
