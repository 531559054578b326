import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { EngineError } from '../../../contract/errors'

/** A file as the hub's tree API describes it. */
export interface HubFile {
  readonly path: string
  readonly size: number
  /** sha256 for LFS files, git blob sha1 otherwise. */
  readonly hash: { readonly algo: 'sha256' | 'git-sha1'; readonly value: string }
}

export interface HubClientOptions {
  /** https://huggingface.co, or HF_ENDPOINT / a test double. */
  readonly endpoint: string
  readonly token?: string
  readonly fetch?: typeof fetch
  /** Retries (with resume) after a connection drops mid-file. */
  readonly retries?: number
}

export interface FileProgress {
  readonly path: string
  readonly receivedBytes: number
  readonly totalBytes: number
}

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co'

interface TreeEntry {
  type: string
  path: string
  size: number
  oid: string
  lfs?: { oid: string; size: number }
}

/** Hugging Face hub HTTP API: file listing with hashes, and resumable verified downloads. */
export class HubClient {
  private readonly endpoint: string
  private readonly fetchImpl: typeof fetch

  constructor(private readonly options: HubClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '')
    this.fetchImpl = options.fetch ?? fetch
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { 'user-agent': 'taodesk', ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}), ...extra }
  }

  /** GET /api/models/{repo}/tree/{revision}?recursive=true: every file with its size and hash. */
  async listFiles(repo: string, revision: string, signal?: AbortSignal): Promise<HubFile[]> {
    const url = `${this.endpoint}/api/models/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`
    let res: Response
    try {
      res = await this.fetchImpl(url, { headers: this.headers(), signal })
    } catch (error) {
      if (signal?.aborted) throw error
      throw new EngineError('DOWNLOAD_FAILED', `Could not reach the model hub at ${this.endpoint} (${describe(error)}). Check the internet connection or the HF_ENDPOINT setting.`)
    }
    if (res.status === 401 || res.status === 403) throw new EngineError('DOWNLOAD_FAILED', `The hub refused access to ${repo} (HTTP ${res.status}). The model may be gated: set HF_TOKEN to a token with access.`)
    if (res.status === 404) throw new EngineError('NOT_FOUND', `The hub has no model ${repo} at revision ${revision}.`)
    if (!res.ok) throw new EngineError('DOWNLOAD_FAILED', `The hub answered HTTP ${res.status} when listing ${repo}. Try again later.`)
    const body = (await res.json()) as TreeEntry[]
    if (!Array.isArray(body)) throw new EngineError('DOWNLOAD_FAILED', `The hub's file list for ${repo} was not understood.`)
    return body
      .filter((e) => e.type === 'file')
      .map((e) => ({
        path: e.path,
        size: e.lfs?.size ?? e.size,
        hash: e.lfs ? { algo: 'sha256' as const, value: e.lfs.oid } : { algo: 'git-sha1' as const, value: e.oid },
      }))
  }

  resolveUrl(repo: string, revision: string, file: string): string {
    return `${this.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`
  }

  /**
   * Downloads one file to `dest`, resuming from `dest.part` with an HTTP Range request, and
   * verifies it against the hub's hash before moving it into place. A file that fails
   * verification is deleted and reported; nothing unverified is ever left at `dest`.
   */
  async download(repo: string, revision: string, file: HubFile, dest: string, onProgress: (p: FileProgress) => void, signal?: AbortSignal): Promise<void> {
    const part = `${dest}.part`
    fs.mkdirSync(path.dirname(dest), { recursive: true })
    const retries = this.options.retries ?? 3
    for (let attempt = 0; ; attempt++) {
      try {
        await this.fetchInto(this.resolveUrl(repo, revision, file.path), file, part, onProgress, signal)
        break
      } catch (error) {
        if (signal?.aborted || error instanceof EngineError || attempt >= retries) {
          if (error instanceof EngineError || signal?.aborted) throw error
          throw new EngineError('DOWNLOAD_FAILED', `Downloading ${file.path} failed (${describe(error)}). Run the download again: it resumes where it stopped.`)
        }
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)))
      }
    }
    const actual = await hashFile(part, file.hash.algo)
    if (actual !== file.hash.value) {
      fs.rmSync(part, { force: true })
      throw new EngineError(
        'DOWNLOAD_FAILED',
        `${file.path} failed verification: the hub lists ${file.hash.algo} ${file.hash.value}, the downloaded file has ${actual}. The damaged file was deleted; download it again.`,
      )
    }
    fs.renameSync(part, dest)
  }

  private async fetchInto(url: string, file: HubFile, part: string, onProgress: (p: FileProgress) => void, signal?: AbortSignal): Promise<void> {
    let have = fs.existsSync(part) ? fs.statSync(part).size : 0
    if (have > file.size) {
      fs.rmSync(part)
      have = 0
    }
    if (have === file.size && file.size > 0) return
    const headers = this.headers(have > 0 ? { range: `bytes=${have}-` } : {})
    const res = await this.fetchImpl(url, { headers, signal, redirect: 'follow' })
    if (res.status === 416) {
      fs.rmSync(part, { force: true })
      throw new Error('the server rejected the resume point; starting over')
    }
    if (res.status === 401 || res.status === 403) throw new EngineError('DOWNLOAD_FAILED', `The hub refused access to ${file.path} (HTTP ${res.status}). Set HF_TOKEN if the model is gated.`)
    if (res.status === 404) throw new EngineError('NOT_FOUND', `The hub has no file ${file.path}.`)
    if (res.status !== 200 && res.status !== 206) throw new Error(`HTTP ${res.status}`)
    if (!res.body) throw new Error('empty response')
    // 200 means the server ignored the Range header: start from zero.
    const resumeAt = res.status === 206 ? parseContentRangeStart(res.headers.get('content-range')) : 0
    if (res.status === 206 && resumeAt !== have) throw new Error(`the server resumed at byte ${resumeAt}, expected ${have}`)
    const fd = fs.openSync(part, res.status === 206 ? 'a' : 'w')
    let received = resumeAt
    let lastReport = 0
    try {
      const reader = res.body.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        fs.writeSync(fd, value)
        received += value.length
        const now = Date.now()
        if (now - lastReport > 200) {
          lastReport = now
          onProgress({ path: file.path, receivedBytes: received, totalBytes: file.size })
        }
      }
    } finally {
      fs.closeSync(fd)
    }
    onProgress({ path: file.path, receivedBytes: received, totalBytes: file.size })
    if (received < file.size) throw new Error(`connection closed after ${received} of ${file.size} bytes`)
  }
}

function parseContentRangeStart(header: string | null): number {
  const m = header ? /bytes (\d+)-/.exec(header) : null
  return m ? Number(m[1]) : -1
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message
  }
  return String(error)
}

/** sha256 of the bytes, or git's blob sha1 ("blob <size>\0" + bytes), as hex. */
export async function hashFile(file: string, algo: 'sha256' | 'git-sha1'): Promise<string> {
  const hash = algo === 'sha256' ? createHash('sha256') : createHash('sha1').update(`blob ${fs.statSync(file).size}\0`)
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
