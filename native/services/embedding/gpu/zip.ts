import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'

/** One member of a zip archive (wheels and NuGet packages are zip files). */
export interface ZipEntry {
  readonly name: string
  readonly method: number
  readonly compressedSize: number
  readonly size: number
  readonly localHeaderOffset: number
}

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

/** Reads the central directory (zip64 sizes and offsets included). */
export function readZipEntries(file: string): ZipEntry[] {
  const fd = fs.openSync(file, 'r')
  try {
    const size = fs.fstatSync(fd).size
    const tailLength = Math.min(size, 65_557)
    const tail = Buffer.alloc(tailLength)
    fs.readSync(fd, tail, 0, tailLength, size - tailLength)
    let eocd = -1
    for (let i = tailLength - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD) {
      eocd = i
      break
    }
    if (eocd < 0) throw new Error(`${path.basename(file)} is not a zip archive`)
    let count = tail.readUInt16LE(eocd + 10)
    let cdSize = tail.readUInt32LE(eocd + 12)
    let cdOffset = tail.readUInt32LE(eocd + 16)
    // Zip64: the end-of-central-directory locator sits just before the EOCD record.
    if (cdOffset === 0xffffffff && eocd >= 20 && tail.readUInt32LE(eocd - 20) === 0x07064b50) {
      const rec = Buffer.alloc(56)
      fs.readSync(fd, rec, 0, 56, Number(tail.readBigUInt64LE(eocd - 12)))
      count = Number(rec.readBigUInt64LE(32))
      cdSize = Number(rec.readBigUInt64LE(40))
      cdOffset = Number(rec.readBigUInt64LE(48))
    }
    const cd = Buffer.alloc(cdSize)
    fs.readSync(fd, cd, 0, cdSize, cdOffset)
    const out: ZipEntry[] = []
    let p = 0
    for (let n = 0; n < count; n++) {
      if (cd.readUInt32LE(p) !== CENTRAL) throw new Error('damaged zip central directory')
      const method = cd.readUInt16LE(p + 10)
      let compressedSize = cd.readUInt32LE(p + 20)
      let uncompressed = cd.readUInt32LE(p + 24)
      const nameLength = cd.readUInt16LE(p + 28)
      const extraLength = cd.readUInt16LE(p + 30)
      const commentLength = cd.readUInt16LE(p + 32)
      let offset = cd.readUInt32LE(p + 42)
      const name = cd.toString('utf8', p + 46, p + 46 + nameLength)
      // Zip64 extra field (id 1): the 64-bit values, in this order, for the fields that are 0xFFFFFFFF.
      for (let e = p + 46 + nameLength; e < p + 46 + nameLength + extraLength; ) {
        const id = cd.readUInt16LE(e)
        const len = cd.readUInt16LE(e + 2)
        if (id === 1) {
          let q = e + 4
          const next = (): number => {
            const v = Number(cd.readBigUInt64LE(q))
            q += 8
            return v
          }
          if (uncompressed === 0xffffffff) uncompressed = next()
          if (compressedSize === 0xffffffff) compressedSize = next()
          if (offset === 0xffffffff) offset = next()
        }
        e += 4 + len
      }
      out.push({ name, method, compressedSize, size: uncompressed, localHeaderOffset: offset })
      p += 46 + nameLength + extraLength + commentLength
    }
    return out
  } finally {
    fs.closeSync(fd)
  }
}

/** Extracts one member to `dest` (streamed: members can be hundreds of megabytes). */
export async function extractZipEntry(file: string, entry: ZipEntry, dest: string): Promise<void> {
  const header = Buffer.alloc(30)
  const fd = fs.openSync(file, 'r')
  try {
    fs.readSync(fd, header, 0, 30, entry.localHeaderOffset)
  } finally {
    fs.closeSync(fd)
  }
  if (header.readUInt32LE(0) !== LOCAL) throw new Error(`damaged zip entry ${entry.name}`)
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28)
  if (entry.method !== 0 && entry.method !== 8) throw new Error(`${entry.name} uses zip compression method ${entry.method}, which is not supported`)
  fs.mkdirSync(path.dirname(dest), { recursive: true })
  const tmp = `${dest}.tmp`
  const source = fs.createReadStream(file, { start, end: start + entry.compressedSize - 1 })
  if (entry.compressedSize === 0) fs.writeFileSync(tmp, '')
  else if (entry.method === 0) await pipeline(source, fs.createWriteStream(tmp))
  else await pipeline(source, zlib.createInflateRaw(), fs.createWriteStream(tmp))
  if (fs.statSync(tmp).size !== entry.size) throw new Error(`${entry.name}: extracted ${fs.statSync(tmp).size} bytes, expected ${entry.size}`)
  fs.renameSync(tmp, dest)
}
