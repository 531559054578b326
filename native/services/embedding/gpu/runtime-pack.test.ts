import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { EngineError } from '../../../contract/errors'
import { GPU_RUNTIME_ENV, detectGpu } from './detect'
import type { PackProgress } from './runtime-pack'
import { RuntimePack, packComponents } from './runtime-pack'
import { readZipEntries } from './zip'

/** A zip archive (deflated members) like a wheel. */
function zip(members: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const [name, data] of Object.entries(members)) {
    const packed = zlib.deflateRawSync(data)
    const n = Buffer.from(name)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(n.length, 26)
    const c = Buffer.alloc(46)
    c.writeUInt32LE(0x02014b50, 0)
    c.writeUInt16LE(8, 10)
    c.writeUInt32LE(packed.length, 20)
    c.writeUInt32LE(data.length, 24)
    c.writeUInt16LE(n.length, 28)
    c.writeUInt32LE(offset, 42)
    locals.push(local, n, packed)
    central.push(c, n)
    offset += 30 + n.length + packed.length
  }
  const cd = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(members).length, 8)
  end.writeUInt16LE(Object.keys(members).length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

/** The libraries each wheel holds, under the paths NVIDIA's and onnxruntime's wheels use. */
const WHEELS: Record<string, Record<string, Buffer>> = {
  'nvidia-cuda-runtime-cu12': { 'nvidia/cuda_runtime/lib/libcudart.so.12': Buffer.alloc(40_000, 1), 'nvidia/cuda_runtime/include/cuda.h': Buffer.from('h') },
  'nvidia-cublas-cu12': { 'nvidia/cublas/lib/libcublas.so.12': Buffer.alloc(30_000, 2), 'nvidia/cublas/lib/libcublasLt.so.12': Buffer.alloc(30_000, 3) },
  'nvidia-cufft-cu12': { 'nvidia/cufft/lib/libcufft.so.11': Buffer.alloc(10_000, 4) },
  'nvidia-curand-cu12': { 'nvidia/curand/lib/libcurand.so.10': Buffer.alloc(10_000, 5) },
  'nvidia-cudnn-cu12': { 'nvidia/cudnn/lib/libcudnn.so.9': Buffer.alloc(20_000, 6), 'nvidia/cudnn/lib/libcudnn_ops.so.9': Buffer.alloc(20_000, 7) },
  'onnxruntime-gpu': { 'onnxruntime/capi/libonnxruntime_providers_cuda.so': Buffer.alloc(50_000, 8), 'onnxruntime/capi/libonnxruntime_providers_shared.so': Buffer.alloc(5_000, 9), 'onnxruntime/capi/onnxruntime_pybind11_state.so': Buffer.alloc(10, 0) },
}

/** PyPI's JSON API and file host, with Range support and faults. */
class PypiDouble {
  readonly requests: { url: string; range: string | null }[] = []
  dropAfter: number[] = []
  wrongHash = new Set<string>()
  private server: http.Server | null = null
  private readonly files = new Map<string, Buffer>(Object.entries(WHEELS).map(([name, members]) => [`${name}-1.0-py3-none-manylinux2014_x86_64.whl`, zip(members)]))
  url = ''

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const url = req.url ?? '/'
      this.requests.push({ url, range: req.headers.range ?? null })
      const api = /^\/pypi\/([^/]+)\/(?:[^/]+\/)?json$/.exec(url)
      if (api) {
        const filename = `${api[1]}-1.0-py3-none-manylinux2014_x86_64.whl`
        const bytes = this.files.get(filename)
        if (!bytes) return void res.writeHead(404).end()
        const sha256 = this.wrongHash.has(api[1]!) ? 'f'.repeat(64) : createHash('sha256').update(bytes).digest('hex')
        res.writeHead(200, { 'content-type': 'application/json' })
        return void res.end(JSON.stringify({ info: { version: '1.0' }, urls: [{ filename, url: `${this.url}/files/${filename}`, size: bytes.length, packagetype: 'bdist_wheel', digests: { sha256 } }] }))
      }
      const bytes = this.files.get(url.replace('/files/', ''))
      if (!bytes) return void res.writeHead(404).end()
      const m = /bytes=(\d+)-/.exec(req.headers.range ?? '')
      const start = m ? Number(m[1]) : 0
      const body = bytes.subarray(start)
      res.writeHead(m ? 206 : 200, { 'content-length': body.length, 'accept-ranges': 'bytes', ...(m ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}) })
      const drop = this.dropAfter.shift()
      if (drop !== undefined) {
        res.write(body.subarray(0, drop))
        setTimeout(() => res.destroy(), 20)
      } else res.end(body)
    })
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.url
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections()
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()))
  }
}

describe('GPU runtime pack (against a PyPI double on 127.0.0.1)', () => {
  const pypi = new PypiDouble()
  let dir: string
  beforeAll(() => pypi.start())
  afterAll(() => pypi.stop())
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-gpu-pack-'))
    pypi.requests.length = 0
    pypi.dropAfter = []
    pypi.wrongHash.clear()
  })

  const pack = (): RuntimePack => new RuntimePack({ dir, ortVersion: '1.30.0', index: pypi.url, fetch: (url, init) => fetch(url, init) })

  it('asks for the onnxruntime-gpu release matching onnxruntime-node, the newest CUDA 12 wheels otherwise', async () => {
    expect(packComponents('1.30.0').find((c) => c.name === 'onnxruntime-gpu')!.version).toBe('1.30.0')
    await pack().resolve()
    expect(pypi.requests.map((r) => r.url)).toContain('/pypi/onnxruntime-gpu/1.30.0/json')
    expect(pypi.requests.map((r) => r.url)).toContain('/pypi/nvidia-cudnn-cu12/json')
  })

  it('downloads, verifies and unpacks exactly the libraries the CUDA provider needs; detection then finds them', async () => {
    const progress: PackProgress[] = []
    const state = await pack().install((p) => progress.push(p))
    expect(state.installed).toBe(true)
    expect([...state.libraries].sort()).toEqual(
      ['libcublas.so.12', 'libcublasLt.so.12', 'libcudart.so.12', 'libcudnn.so.9', 'libcudnn_ops.so.9', 'libcufft.so.11', 'libcurand.so.10', 'libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'].sort(),
    )
    expect(fs.readFileSync(path.join(dir, 'lib', 'libcudart.so.12')).equals(WHEELS['nvidia-cuda-runtime-cu12']!['nvidia/cuda_runtime/lib/libcudart.so.12']!)).toBe(true)
    expect(fs.existsSync(path.join(dir, 'lib', 'cuda.h'))).toBe(false)
    expect(fs.readdirSync(path.join(dir, 'downloads'))).toEqual([])
    expect(progress.at(-1)!.phase).toBe('done')
    expect(progress.some((p) => p.phase === 'downloading')).toBe(true)
    const report = await detectGpu({
      platform: 'linux',
      arch: 'x64',
      run: () => Promise.resolve({ code: 0, stdout: '0, NVIDIA L4, 550.54.15, 23034, 8.9' }),
      exists: (f) => fs.existsSync(f),
      // As TaoDesk starts the engine once the pack is complete (launch-env.ts).
      env: { LD_LIBRARY_PATH: path.join(dir, 'lib'), [GPU_RUNTIME_ENV]: path.join(dir, 'lib') },
      ortLibDir: null,
      packLibDir: path.join(dir, 'lib'),
    })
    expect(report.libraries.every((l) => l.path !== null)).toBe(true)
    expect(report.ready).toBe(true)
  })

  it('resumes a dropped download with an HTTP Range request', async () => {
    pypi.dropAfter = [60]
    // The connection drops 60 bytes into the first wheel; the download retries by itself from byte 60.
    const state = await pack().install(() => undefined)
    expect(state.installed).toBe(true)
    const resumed = pypi.requests.filter((r) => r.range !== null)
    expect(resumed).toHaveLength(1)
    expect(resumed[0]!.range).toBe('bytes=60-')
  })

  it('refuses a file whose checksum does not match, keeps nothing of it, and says so on progress', async () => {
    pypi.wrongHash.add('nvidia-cublas-cu12')
    const progress: PackProgress[] = []
    const err = (await pack().install((p) => progress.push(p)).catch((e: unknown) => e)) as EngineError
    expect(err.code).toBe('DOWNLOAD_FAILED')
    expect(err.message).toMatch(/nvidia_cublas|nvidia-cublas-cu12.*failed verification: expected sha256 f{64}/)
    expect(progress.at(-1)).toMatchObject({ phase: 'failed', message: err.message })
    expect(fs.existsSync(path.join(dir, 'lib', 'libcublas.so.12'))).toBe(false)
    expect(fs.readdirSync(path.join(dir, 'downloads')).filter((f) => f.includes('cublas'))).toEqual([])
    expect(pack().state().installed).toBe(false)
  })

  it('says what to do when the index is unreachable or the disk is too small', async () => {
    const offline = (await new RuntimePack({ dir, ortVersion: '1.30.0', index: 'http://127.0.0.1:1' }).install(() => undefined).catch((e: unknown) => e)) as EngineError
    expect(offline.message).toMatch(/Could not reach http:\/\/127\.0\.0\.1:1 .*Check the internet connection/)
    const full = (await new RuntimePack({ dir, ortVersion: '1.30.0', index: pypi.url, freeSpace: () => 1000 }).install(() => undefined).catch((e: unknown) => e)) as EngineError
    expect(full.code).toBe('NO_SPACE')
  })

  it('reads zip central directories', () => {
    const file = path.join(dir, 'a.zip')
    fs.writeFileSync(file, zip({ 'x/y.so': Buffer.from('hello') }))
    expect(readZipEntries(file)).toEqual([{ name: 'x/y.so', method: 8, compressedSize: zlib.deflateRawSync(Buffer.from('hello')).length, size: 5, localHeaderOffset: 0 }])
  })
})
