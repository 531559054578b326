import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

/**
 * A local HTTP server that answers like the Hugging Face hub for the calls TaoDesk makes:
 *   GET /api/models/{owner}/{name}/tree/{revision}?recursive=true  (paths, sizes, git oid, lfs.oid sha256)
 *     As the hub answers (huggingface_hub hf_api.py RepoFile/RepoFolder parse the same fields): folders are
 *     listed too ({type: 'directory', oid, size: 0, path}); an LFS file's `oid` is the git blob id of its
 *     pointer file and `lfs` = {oid: sha256 of the content, size, pointerSize}; a plain file has only `oid`,
 *     its git blob sha1. (A folder's oid here is a stand-in, not git's tree hash: TaoDesk never reads it.)
 *   GET|HEAD /{owner}/{name}/resolve/{revision}/{path}
 *     small files: 200 with ETag = git oid; LFS files: 302 to a CDN URL, X-Linked-Etag / X-Linked-Size
 *   GET /cdn/{sha256}  (the "CDN"): Accept-Ranges, Range → 206 Content-Range
 * Faults for tests: drop the connection after N bytes, serve tampered bytes, refuse without a token.
 */
export interface HubDoubleOptions {
  /** repo id ("BAAI/bge-small-en-v1.5") → local folder laid out like the repo. */
  readonly repos: Record<string, string>
  readonly commit?: string
}

export interface HubRequestLog {
  readonly method: string
  readonly url: string
  readonly range: string | null
}

interface RepoFile {
  readonly path: string
  readonly abs: string
  readonly size: number
  readonly gitOid: string
  readonly sha256: string | null
}

const gitBlobOid = (bytes: Buffer): string => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')

/** The Git LFS pointer committed in the repo in place of a large file (git-lfs spec v1). */
const lfsPointer = (sha256: string, size: number): Buffer => Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`)

function treeEntry(f: RepoFile): Record<string, unknown> {
  if (!f.sha256) return { type: 'file', oid: f.gitOid, size: f.size, path: f.path }
  const pointer = lfsPointer(f.sha256, f.size)
  return { type: 'file', oid: gitBlobOid(pointer), size: f.size, lfs: { oid: f.sha256, size: f.size, pointerSize: pointer.length }, path: f.path }
}

function folderEntries(files: readonly RepoFile[]): Array<Record<string, unknown>> {
  const folders = new Set(files.flatMap((f) => f.path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))))
  return [...folders].sort().map((p) => ({ type: 'directory', oid: createHash('sha1').update(`tree ${p}`).digest('hex'), size: 0, path: p }))
}

const LFS_THRESHOLD = 1_000_000

export class HubDouble {
  readonly requests: HubRequestLog[] = []
  /** Drop the connection after this many body bytes of the next CDN responses (one entry per response). */
  dropAfter: number[] = []
  /** Paths whose bytes are altered on the wire (the listing still advertises the true hash). */
  tamper = new Set<string>()
  /** Bytes per second for CDN responses (0 = unlimited), to make downloads slow enough to cancel. */
  throttleBytesPerSecond = 0
  private server: http.Server | null = null
  private readonly files = new Map<string, RepoFile[]>()
  private readonly bySha = new Map<string, RepoFile>()
  readonly commit: string

  constructor(options: HubDoubleOptions) {
    this.commit = options.commit ?? 'a'.repeat(40)
    for (const [repo, dir] of Object.entries(options.repos)) {
      const list: RepoFile[] = []
      const walk = (d: string): void => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const abs = path.join(d, e.name)
          if (e.isDirectory()) walk(abs)
          else if (e.isFile()) {
            const bytes = fs.readFileSync(abs)
            const rel = path.relative(dir, abs).split(path.sep).join('/')
            const gitOid = gitBlobOid(bytes)
            const lfs = bytes.length >= LFS_THRESHOLD || rel.endsWith('.onnx')
            const file: RepoFile = { path: rel, abs, size: bytes.length, gitOid, sha256: lfs ? createHash('sha256').update(bytes).digest('hex') : null }
            list.push(file)
            if (file.sha256) this.bySha.set(file.sha256, file)
          }
        }
      }
      walk(dir)
      this.files.set(repo, list)
    }
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res))
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x')
    this.requests.push({ method: req.method ?? 'GET', url: url.pathname, range: req.headers.range ?? null })
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)\/?$/.exec(url.pathname)
    if (tree) {
      const list = this.files.get(decodeURIComponent(tree[1]!))
      if (!list) return this.json(res, 404, { error: 'Repository not found' })
      return this.json(res, 200, [...folderEntries(list), ...list.map(treeEntry)])
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname)
    if (resolve) {
      const list = this.files.get(decodeURIComponent(resolve[1]!))
      const file = list?.find((f) => f.path === decodeURIComponent(resolve[3]!))
      if (!file) {
        res.writeHead(404, { 'x-error-code': 'EntryNotFound' })
        return void res.end('Entry not found')
      }
      const common = { 'x-repo-commit': this.commit }
      if (file.sha256) {
        res.writeHead(302, { ...common, location: `/cdn/${file.sha256}`, 'x-linked-etag': `"${file.sha256}"`, 'x-linked-size': String(file.size), etag: `"${file.gitOid}"` })
        return void res.end()
      }
      return this.sendBytes(req, res, file, { ...common, etag: `"${file.gitOid}"` })
    }
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname)
    if (cdn) {
      const file = this.bySha.get(cdn[1]!)
      if (!file) return void res.writeHead(404).end()
      return this.sendBytes(req, res, file, { etag: `"${file.sha256}"` })
    }
    res.writeHead(404).end()
  }

  private json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }

  private sendBytes(req: http.IncomingMessage, res: http.ServerResponse, file: RepoFile, headers: Record<string, string>): void {
    let bytes = fs.readFileSync(file.abs)
    if (this.tamper.has(file.path)) {
      bytes = Buffer.from(bytes)
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff
    }
    let start = 0
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    if (range) {
      start = Number(range[1])
      if (start >= bytes.length) {
        res.writeHead(416, { 'content-range': `bytes */${bytes.length}` })
        return void res.end()
      }
      res.writeHead(206, { ...headers, 'accept-ranges': 'bytes', 'content-length': String(bytes.length - start), 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` })
    } else {
      res.writeHead(200, { ...headers, 'accept-ranges': 'bytes', 'content-length': String(bytes.length) })
    }
    if (req.method === 'HEAD') return void res.end()
    const body = bytes.subarray(start)
    const drop = this.dropAfter.shift()
    if (drop !== undefined) {
      res.write(body.subarray(0, drop), () => setTimeout(() => res.socket?.destroy(), 20))
      return
    }
    if (this.throttleBytesPerSecond > 0) {
      const chunk = Math.max(1024, Math.floor(this.throttleBytesPerSecond / 20))
      let at = 0
      const tick = (): void => {
        if (res.destroyed) return
        if (at >= body.length) return void res.end()
        res.write(body.subarray(at, at + chunk))
        at += chunk
        setTimeout(tick, 50)
      }
      return tick()
    }
    res.end(body)
  }
}
