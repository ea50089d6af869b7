'use strict';
// The suffix of this machine's platform package, `@wazap/<suffix>`: `linux-x64-gnu`,
// `linux-arm64-musl`, `darwin-arm64`... (napi-rs's naming).
function platformSuffix() {
  const { platform, arch } = process;
  if (platform !== 'linux') return `${platform}-${arch}`;
  const glibc = process.report?.getReport?.().header?.glibcVersionRuntime;
  return `${platform}-${arch}-${glibc ? 'gnu' : 'musl'}`;
}

module.exports = { platformSuffix };
