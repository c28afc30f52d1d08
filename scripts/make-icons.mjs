// Draws the app's PNG icons (public/icons/) from the favicon's flask, with no dependency:
// the shape is tested point by point (4×4 samples a pixel) and written as a PNG by node:zlib.
// Run `node scripts/make-icons.mjs` after changing the shape; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const VIOLET = [0x6d, 0x28, 0xd9];
const LILAC = [0xc4, 0xb5, 0xfd];
const WHITE = [0xff, 0xff, 0xff];

/** The favicon's flask in its 32-unit box: the neck, the cone, and the liquid in its foot. */
function flaskColour(x, y) {
  const inNeck = y >= 3 && y < 13 && x >= 13 && x <= 19;
  const inLip = y >= 3 && y < 6 && x >= 11 && x <= 21;
  // The cone widens from the neck's width at y=13 to x 6..26 at y=28.
  const t = (y - 13) / 15;
  const inCone = y >= 13 && y <= 29 && Math.abs(x - 16) <= 3 + t * 10;
  if (!(inNeck || inLip || inCone)) return null;
  return y >= 21 && inCone ? LILAC : VIOLET;
}

/** A square icon: white tile, flask scaled to `fill` of its side (maskable icons need margin). */
function drawIcon(size, fill) {
  const px = Buffer.alloc(size * size * 4);
  const scale = (size * fill) / 32;
  const offset = (size - size * fill) / 2;
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let pxI = 0; pxI < size; pxI++) {
      const acc = [0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (pxI + (sx + 0.5) / n - offset) / scale;
          const y = (py + (sy + 0.5) / n - offset) / scale;
          const c = flaskColour(x, y) ?? WHITE;
          for (let k = 0; k < 3; k++) acc[k] += c[k];
        }
      }
      const i = (py * size + pxI) * 4;
      for (let k = 0; k < 3; k++) px[i + k] = Math.round(acc[k] / (n * n));
      px[i + 3] = 255;
    }
  }
  return png(size, px);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** RGBA pixels → PNG bytes (colour type 6, filter 0 on every row). */
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++)
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = new URL('../public/icons/', import.meta.url);
writeFileSync(new URL('icon-192.png', out), drawIcon(192, 0.86));
writeFileSync(new URL('icon-512.png', out), drawIcon(512, 0.86));
// Maskable: the safe zone is the middle 80% circle, so the flask fills 60%.
writeFileSync(new URL('icon-maskable-512.png', out), drawIcon(512, 0.6));
writeFileSync(new URL('apple-touch-icon-180.png', out), drawIcon(180, 0.8));
