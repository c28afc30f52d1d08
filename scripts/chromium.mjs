// Locates a Chromium binary for the end-to-end tests and the benchmark (playwright-core ships no
// browser). Plain ESM JS so `node bench/*.mjs` and vitest share one implementation.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

// Headless in containers/CI: no sandbox as root, no GPU, no background traffic to Google
// (the sandboxed network only reaches npm and apt), /dev/shm is often tiny in Docker.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

const DEFAULT_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

const INSTALL_HINT =
  'Install Chromium: `sudo apt-get install -y chromium` (Debian/Ubuntu), or set CHROME_PATH to a Chrome/Chromium binary';

// Testing hooks only (lets us exercise the "not installed" path without uninstalling anything):
//   DECANT_CHROMIUM_CANDIDATES  path-delimiter-separated list replacing DEFAULT_CANDIDATES ('' = none)
//   DECANT_NO_INSTALL=1         never try apt-get, behave as if not root
const candidates = () =>
  process.env.DECANT_CHROMIUM_CANDIDATES === undefined
    ? DEFAULT_CANDIDATES
    : process.env.DECANT_CHROMIUM_CANDIDATES.split(delimiter).filter(Boolean);

const isExecutable = (path) =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

async function firstExisting() {
  for (const path of candidates()) if (await isExecutable(path)) return path;
  return undefined;
}

async function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && (await isExecutable(join(dir, cmd)))) return true;
  }
  return false;
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Several vitest workers may get here at once; apt holds exclusive locks, so only one process
// installs (mkdir is atomic) while the others wait for it to finish.
async function installWithLock() {
  const lock = join(tmpdir(), 'decant-chromium-install.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (Date.now() > deadline) return; // stale lock: give up, caller reports what to install
      await sleep(1000);
      if (await firstExisting()) return;
    }
  }
  try {
    if (await firstExisting()) return; // another process finished while we took the lock
    console.log(
      '[decant] Chromium not found: running `apt-get install -y chromium` (needed by the e2e tests and benchmark; set CHROME_PATH to skip)',
    );
    await run('apt-get', ['update']);
    await run('apt-get', ['install', '-y', 'chromium']);
  } finally {
    await rmdir(lock).catch(() => {});
  }
}

async function locate() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    // An explicit choice that is wrong should fail loudly, not silently fall back.
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new Error(`CHROME_PATH=${fromEnv} is not an executable file. ${INSTALL_HINT}`);
  }
  const found = await firstExisting();
  if (found) return found;

  const canInstall =
    process.env.DECANT_NO_INSTALL !== '1' && process.getuid?.() === 0 && (await onPath('apt-get'));
  if (canInstall) {
    try {
      await installWithLock();
    } catch (err) {
      console.error(`[decant] apt-get failed: ${err.message}`);
    }
    const installed = await firstExisting();
    if (installed) return installed;
  }
  throw new Error(
    `Chromium not found (looked in: ${candidates().join(', ') || 'nothing'}). ${INSTALL_HINT}`,
  );
}

let cached;
/** Absolute path of a Chrome/Chromium binary; installs Chromium via apt-get if root on Debian. */
export function findChromium() {
  // One lookup (and at most one install attempt) per process; a failure is not cached.
  cached ??= locate().catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
