// The ES module entry point of wazap: the same objects as the CommonJS one (index.js), as
// named exports and as the default export.
import wazap from './index.js';

export const { Client, ErrorCode, qrTerminal } = wazap;
export default wazap;
