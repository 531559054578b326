import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { EngineError } from '../../../contract/errors'

export interface FileProgress {
  readonly path: string
  readonly receivedBytes: number
  readonly totalBytes: number
}

export type HashAlgo = 'sha256' | 'git-sha1'

/** What a download must turn out to be: its size and hash are known before it starts. */
export interface ExpectedFile {
  /** Shown in messages and progress. */
  readonly path: string
  readonly size: number
  readonly hash: { readonly algo: HashAlgo; readonly value: string }
}

export interface VerifiedDownloadOptions {
  readonly fetch?: typeof fetch
  readonly headers?: Record<string, string>
  /** Retries (with resume) after a connection drops mid-file. */
  readonly retries?: number
  /** Turns a refusal (401/403/404) into the message the user needs; return null for the default. */
  readonly refusal?: (status: number, file: ExpectedFile) => EngineError | null
  readonly signal?: AbortSignal
}

/**
 * Downloads `url` to `dest`, resuming from `dest.part` with an HTTP Range request, and verifies
 * it against the expected hash before moving it into place. A file that fails verification is
 * deleted and reported; nothing unverified is ever left at `dest`.
 */
export async function downloadVerified(url: string, file: ExpectedFile, dest: string, onProgress: (p: FileProgress) => void, options: VerifiedDownloadOptions = {}): Promise<void> {
  const part = `${dest}.part`
  const signal = options.signal
  fs.mkdirSync(path.dirname(dest), { recursive: true })
  const retries = options.retries ?? 3
  for (let attempt = 0; ; attempt++) {
    try {
      await fetchInto(url, file, part, onProgress, options)
      break
    } catch (error) {
      if (signal?.aborted || error instanceof EngineError || attempt >= retries) {
        if (error instanceof EngineError || signal?.aborted) throw error
        throw new EngineError('DOWNLOAD_FAILED', `Downloading ${file.path} failed (${describeError(error)}). Run the download again: it resumes where it stopped.`)
      }
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)))
    }
  }
  const actual = await hashFile(part, file.hash.algo)
  if (actual !== file.hash.value) {
    fs.rmSync(part, { force: true })
    throw new EngineError(
      'DOWNLOAD_FAILED',
      `${file.path} failed verification: expected ${file.hash.algo} ${file.hash.value}, the downloaded file has ${actual}. The damaged file was deleted; download it again.`,
    )
  }
  fs.renameSync(part, dest)
}

async function fetchInto(url: string, file: ExpectedFile, part: string, onProgress: (p: FileProgress) => void, options: VerifiedDownloadOptions): Promise<void> {
  let have = fs.existsSync(part) ? fs.statSync(part).size : 0
  if (have > file.size) {
    fs.rmSync(part)
    have = 0
  }
  if (have === file.size && file.size > 0) return
  const headers = { ...options.headers, ...(have > 0 ? { range: `bytes=${have}-` } : {}) }
  const res = await (options.fetch ?? fetch)(url, { headers, signal: options.signal, redirect: 'follow' })
  if (res.status === 416) {
    fs.rmSync(part, { force: true })
    throw new Error('the server rejected the resume point; starting over')
  }
  if (res.status === 401 || res.status === 403 || res.status === 404) {
    throw options.refusal?.(res.status, file) ?? new EngineError(res.status === 404 ? 'NOT_FOUND' : 'DOWNLOAD_FAILED', `The server refused ${file.path} (HTTP ${res.status}).`)
  }
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

function parseContentRangeStart(header: string | null): number {
  const m = header ? /bytes (\d+)-/.exec(header) : null
  return m ? Number(m[1]) : -1
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message
  }
  return String(error)
}

/** sha256 of the bytes, or git's blob sha1 ("blob <size>\0" + bytes), as hex. */
export async function hashFile(file: string, algo: HashAlgo): Promise<string> {
  const hash = algo === 'sha256' ? createHash('sha256') : createHash('sha1').update(`blob ${fs.statSync(file).size}\0`)
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
