/**
 * The sample dataset bundled with the app (public/samples/, served from the app's own origin):
 * its manifest read and checked, and its files copied into the browser's storage (OPFS) for the
 * tour to crawl. Nothing is fetched from anywhere else.
 */
import { DecantError } from '../core/errors';
import { writeOpfsFolder } from '../platform/sample-files';

export interface SampleManifest {
  /** The OPFS folder the files go into; the crawler names the tables after it. */
  name: string;
  title: string;
  /** Relative to the manifest, '/'-separated. */
  files: string[];
}

const SAFE_NAME = /^[A-Za-z0-9_-]+$/;
const SAFE_PATH = /^[A-Za-z0-9_=.-]+(\/[A-Za-z0-9_=.-]+)*$/;

/** Checks a parsed manifest; throws a `samples:` DecantError saying what is wrong. */
export function sampleManifestFrom(doc: unknown): SampleManifest {
  const m = doc as Partial<SampleManifest> | null;
  if (!m || typeof m !== 'object') throw new DecantError('samples: the manifest is not an object');
  if (typeof m.name !== 'string' || !SAFE_NAME.test(m.name))
    throw new DecantError(
      `samples: the manifest's name ${JSON.stringify(m.name)} is not a folder name`,
    );
  if (!Array.isArray(m.files) || m.files.length === 0)
    throw new DecantError('samples: the manifest lists no files');
  for (const f of m.files)
    if (
      typeof f !== 'string' ||
      !SAFE_PATH.test(f) ||
      f.split('/').some((p) => p === '..' || p === '.')
    )
      throw new DecantError(`samples: ${JSON.stringify(f)} is not a relative file path`);
  return { name: m.name, title: typeof m.title === 'string' ? m.title : m.name, files: m.files };
}

/** Where the bundled samples are served: next to the app's index.html. */
export function samplesBase(baseUri: string): string {
  return new URL('samples/', baseUri).href;
}

/**
 * Fetches the manifest and every file it lists from `base` (the app's origin) and writes them into
 * OPFS under the manifest's name. Returns the manifest. Throws `samples:` DecantErrors.
 */
export async function loadSampleData(base: string): Promise<SampleManifest> {
  const get = async (path: string): Promise<Response> => {
    const res = await fetch(new URL(path, base)).catch((e: unknown) => {
      throw new DecantError(`samples: cannot read ${path}: ${String(e)}`, { cause: e });
    });
    if (!res.ok) throw new DecantError(`samples: cannot read ${path}: HTTP ${res.status}`);
    return res;
  };
  const manifest = sampleManifestFrom(await (await get('manifest.json')).json());
  const files = await Promise.all(
    manifest.files.map(async (path) => ({ path, data: await (await get(path)).blob() })),
  );
  try {
    await writeOpfsFolder(manifest.name, files);
  } catch (e) {
    throw new DecantError(`samples: ${(e as Error).message}`, { cause: e });
  }
  return manifest;
}
