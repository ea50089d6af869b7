// Types of the ES module entry point (index.mjs): those of index.d.ts, named and as default.
import * as wazap from './index.js';

export * from './index.js';
export default wazap;
