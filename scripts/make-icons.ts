/**
 * Draws the TaoDesk icon (a white tau on a teal-to-indigo rounded square) and writes every
 * format electron-builder wants into resources/: icon.png (1024), icons/<n>x<n>.png (Linux),
 * icon.ico (Windows, PNG-compressed entries) and icon.icns (macOS, PNG-compressed entries).
 * No image library: shapes are signed distance functions, PNG is written with node:zlib.
 *
 *   npx tsx scripts/make-icons.ts [outDir]
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

/** Encodes RGBA pixels (row-major, 4 bytes each) as a PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0 // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const clamp = (v: number, lo = 0, hi = 1): number => Math.min(hi, Math.max(lo, v))

/** Signed distance to a rounded box centred at (cx, cy) with half sizes (hx, hy) and corner radius r. */
function roundedBox(x: number, y: number, cx: number, cy: number, hx: number, hy: number, r: number): number {
  const qx = Math.abs(x - cx) - hx + r
  const qy = Math.abs(y - cy) - hy + r
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r
}

/** Signed distance to a capsule (a line segment with round ends) of radius r. */
function capsule(x: number, y: number, ax: number, ay: number, bx: number, by: number, r: number): number {
  const px = x - ax
  const py = y - ay
  const dx = bx - ax
  const dy = by - ay
  const h = clamp((px * dx + py * dy) / (dx * dx + dy * dy))
  return Math.hypot(px - dx * h, py - dy * h) - r
}

/** Renders the icon at `size` pixels (coordinates are in a 0..1 square, so every size is drawn, not scaled). */
export function renderIcon(size: number): Uint8Array {
  const out = new Uint8Array(size * size * 4)
  const px = 1 / size
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) / size
      const y = (j + 0.5) / size
      const bg = roundedBox(x, y, 0.5, 0.5, 0.44, 0.44, 0.2)
      const bgAlpha = clamp(0.5 - bg / px)
      // Teal (#0ea5a4) top-left to indigo (#4338ca) bottom-right.
      const t = clamp((x + y) / 2)
      let r = 14 + (67 - 14) * t
      let g = 165 + (56 - 165) * t
      let b = 164 + (202 - 164) * t
      // The tau: a bar with round ends and a stem that hooks to the right at the bottom.
      const bar = capsule(x, y, 0.29, 0.33, 0.71, 0.33, 0.055)
      const stem = capsule(x, y, 0.47, 0.33, 0.47, 0.64, 0.06)
      const hook = capsule(x, y, 0.47, 0.64, 0.6, 0.73, 0.06)
      const glyph = Math.min(bar, stem, hook)
      const glyphAlpha = clamp(0.5 - glyph / px)
      r += (255 - r) * glyphAlpha
      g += (255 - g) * glyphAlpha
      b += (255 - b) * glyphAlpha
      const o = (j * size + i) * 4
      out[o] = Math.round(r)
      out[o + 1] = Math.round(g)
      out[o + 2] = Math.round(b)
      out[o + 3] = Math.round(255 * bgAlpha)
    }
  }
  return out
}

/** ICO with PNG entries (Windows Vista and later). Sizes must be <= 256. */
export function encodeIco(images: readonly { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2) // icon
  header.writeUInt16LE(images.length, 4)
  const entries: Buffer[] = []
  let offset = 6 + 16 * images.length
  for (const { size, png } of images) {
    const e = Buffer.alloc(16)
    e[0] = size >= 256 ? 0 : size
    e[1] = size >= 256 ? 0 : size
    e.writeUInt16LE(1, 4) // planes
    e.writeUInt16LE(32, 6) // bits per pixel
    e.writeUInt32LE(png.length, 8)
    e.writeUInt32LE(offset, 12)
    offset += png.length
    entries.push(e)
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)])
}

/** ICNS with PNG entries: ic07 128, ic08 256, ic09 512, ic10 1024 (512@2x). */
export function encodeIcns(images: readonly { type: string; png: Buffer }[]): Buffer {
  const parts = images.map(({ type, png }) => {
    const head = Buffer.alloc(8)
    head.write(type, 0, 'ascii')
    head.writeUInt32BE(png.length + 8, 4)
    return Buffer.concat([head, png])
  })
  const body = Buffer.concat(parts)
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'ascii')
  head.writeUInt32BE(body.length + 8, 4)
  return Buffer.concat([head, body])
}

export function writeIcons(outDir: string): string[] {
  const png = new Map<number, Buffer>()
  const get = (size: number): Buffer => {
    let p = png.get(size)
    if (!p) {
      p = encodePng(size, size, renderIcon(size))
      png.set(size, p)
    }
    return p
  }
  const written: string[] = []
  const write = (rel: string, data: Buffer): void => {
    const file = path.join(outDir, rel)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, data)
    written.push(file)
  }
  write('icon.png', get(1024))
  for (const size of [16, 32, 48, 64, 128, 256, 512]) write(path.join('icons', `${size}x${size}.png`), get(size))
  write('icon.ico', encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: get(size) }))))
  write('icon.icns', encodeIcns([
    { type: 'ic07', png: get(128) },
    { type: 'ic08', png: get(256) },
    { type: 'ic09', png: get(512) },
    { type: 'ic10', png: get(1024) },
  ]))
  return written
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'resources'))
  for (const file of writeIcons(outDir)) process.stdout.write(`${path.relative(process.cwd(), file)} (${fs.statSync(file).size} bytes)\n`)
}
