/**
 * Test support (not used by the app): a generic update feed served over real HTTP, the way a
 * static file host serves electron-builder output, and a fake AppImage release built with
 * TaoDesk's own feed generator.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { writeFeeds } from './feed'

export interface FeedServer {
  readonly url: string
  readonly dir: string
  /** Paths requested so far (without query strings). */
  readonly requests: string[]
  /** Serve these bytes instead of the file on disk (a tampered mirror, a man in the middle). */
  override(name: string, body: Buffer): void
  close(): Promise<void>
}

export async function startFeedServer(dir: string): Promise<FeedServer> {
  const requests: string[] = []
  const overrides = new Map<string, Buffer>()
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    requests.push(pathname)
    const name = path.basename(pathname)
    const file = path.join(dir, name)
    const body = overrides.get(name) ?? (fs.existsSync(file) ? fs.readFileSync(file) : undefined)
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(200, { 'content-length': body.length, 'content-type': name.endsWith('.yml') ? 'text/yaml' : 'application/octet-stream' })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/feed/`,
    dir,
    requests,
    override: (name, body) => void overrides.set(name, body),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A runnable stand-in for an AppImage: a shell script that exits 0 (the updater runs it after install). */
export function fakeAppImage(version: string, sizeKiB = 256): Buffer {
  const header = Buffer.from(`#!/bin/sh\n# TaoDesk ${version} (test AppImage)\nexit 0\n`)
  const padding = Buffer.alloc(sizeKiB * 1024, `payload ${version} `)
  return Buffer.concat([header, padding])
}

/** Writes one Linux release (AppImage + deb) into `dir` and its channel files next to it. */
export async function publishLinuxRelease(dir: string, version: string, releaseDate = '2025-01-15T12:00:00.000Z'): Promise<string> {
  fs.mkdirSync(dir, { recursive: true })
  const appImage = path.join(dir, `TaoDesk-${version}-x86_64.AppImage`)
  fs.writeFileSync(appImage, fakeAppImage(version))
  fs.chmodSync(appImage, 0o755)
  const deb = path.join(dir, `taodesk_${version}_amd64.deb`)
  fs.writeFileSync(deb, Buffer.from(`!<arch>\ndebian ${version}\n`))
  await writeFeeds(dir, { version, artifacts: [appImage, deb], releaseDate })
  return appImage
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) }
}
