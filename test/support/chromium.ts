// Single implementation lives in scripts/chromium.mjs so the plain-Node benchmark can use it too.
export { findChromium, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
