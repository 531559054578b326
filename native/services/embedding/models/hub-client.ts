import { EngineError } from '../../../contract/errors'
import type { FileProgress } from './verified-download'
import { describeError as describe, downloadVerified } from './verified-download'

export type { FileProgress } from './verified-download'
export { hashFile } from './verified-download'

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

  /** Downloads one file, resumable and verified against the hub's hash (verified-download.ts). */
  download(repo: string, revision: string, file: HubFile, dest: string, onProgress: (p: FileProgress) => void, signal?: AbortSignal): Promise<void> {
    return downloadVerified(this.resolveUrl(repo, revision, file.path), file, dest, onProgress, {
      fetch: this.fetchImpl,
      headers: this.headers(),
      retries: this.options.retries,
      signal,
      refusal: (status, f) =>
        status === 404 ? new EngineError('NOT_FOUND', `The hub has no file ${f.path}.`) : new EngineError('DOWNLOAD_FAILED', `The hub refused access to ${f.path} (HTTP ${status}). Set HF_TOKEN if the model is gated.`),
    })
  }
}

