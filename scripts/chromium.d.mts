// Types for scripts/chromium.mjs (kept as plain JS so .mjs scripts can import it without a build).
export declare const CHROMIUM_ARGS: string[];
export declare function findChromium(): Promise<string>;
