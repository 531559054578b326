import fs from 'node:fs'
import path from 'node:path'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
}

export interface StaticFile {
  readonly file: string
  readonly contentType: string
}

/**
 * Maps a URL path to a file inside `root`, refusing anything that escapes it. Unknown
 * paths without an extension fall back to index.html (client-side routes).
 */
export function resolveStatic(root: string, urlPath: string): StaticFile | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (decoded.includes('\0')) return undefined
  const rootResolved = path.resolve(root)
  const candidate = path.resolve(rootResolved, `.${path.posix.normalize(`/${decoded}`)}`)
  if (candidate !== rootResolved && !candidate.startsWith(rootResolved + path.sep)) return undefined
  let file = candidate
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html')
  if (!fs.existsSync(file)) {
    if (path.extname(decoded) !== '') return undefined
    file = path.join(rootResolved, 'index.html')
    if (!fs.existsSync(file)) return undefined
  }
  return { file, contentType: MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream' }
}
