/**
 * Recipe links: the recipe's JSON compressed (`deflate-raw`, the browser's CompressionStream) and
 * written as base64url after `#recipe=` in a link to this app. Browsers never send a fragment to
 * the server, so the job travels only where the link is pasted.
 */
import { DecantError } from '../../core/errors';
import { recipeFromJson } from './recipe-check';
import type { Recipe } from './recipe-model';

/** The fragment's key: `#recipe=<data>`. */
export const RECIPE_LINK_KEY = 'recipe';

/** The longest fragment a recipe link may have: chat apps and mail clients cut longer links. */
export const MAX_RECIPE_FRAGMENT = 32 * 1024;

async function throughStream(
  bytes: Uint8Array,
  stream: GenericTransformStream,
): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function bytesFromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The base64url `deflate-raw` of the recipe's compact JSON (what follows `#recipe=`). */
export async function recipeLinkData(recipe: Recipe): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(recipe));
  return base64url(await throughStream(json, new CompressionStream('deflate-raw')));
}

/**
 * `appUrl#recipe=<data>` (any fragment of `appUrl` replaced). Throws a `recipe:` DecantError
 * when the fragment would be over MAX_RECIPE_FRAGMENT characters, with the advice to share the
 * file instead.
 */
export async function recipeLink(recipe: Recipe, appUrl: string): Promise<string> {
  const fragment = `${RECIPE_LINK_KEY}=${await recipeLinkData(recipe)}`;
  if (fragment.length > MAX_RECIPE_FRAGMENT)
    throw new DecantError(
      `recipe: this job makes a link of ${Math.ceil(fragment.length / 1024)} KB, over the ` +
        `${MAX_RECIPE_FRAGMENT / 1024} KB that links reliably carry; share the recipe file ` +
        `instead (Export recipe)`,
    );
  return `${appUrl.replace(/#.*$/s, '')}#${fragment}`;
}

const damaged = (why: string, cause?: unknown) =>
  new DecantError(
    `recipe: this recipe link is damaged (${why}): it was cut or changed on the way. ` +
      'Ask for the link again, or for the recipe file.',
    { cause },
  );

/**
 * The recipe a link's data (after `#recipe=`) carries, checked as a file is. Throws a `recipe:`
 * DecantError saying the link is damaged when it does not decode, decompress or parse; a
 * RecipeError when it decodes to a recipe with wrong fields.
 */
export async function recipeFromLinkData(data: string): Promise<Recipe> {
  const bytes = bytesFromBase64url(data.trim());
  if (bytes === null || bytes.length === 0)
    throw damaged('it holds characters a recipe link never has, or nothing');
  let text: string;
  try {
    const json = await throughStream(bytes, new DecompressionStream('deflate-raw'));
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch (e) {
    throw damaged('its compressed data ends early or is corrupt', e);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw damaged('it does not hold JSON', e);
  }
  return recipeFromJson(value);
}
