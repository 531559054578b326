import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import type { UpdateChannel } from '../../contract'
import type { LeaseInfo } from './gate'

/**
 * Updates for npm-installed (headless) copies: ask the npm registry which version each channel
 * points at, and install it with npm itself, which verifies the tarball's sha512 integrity and
 * leaves the installed version in place when anything fails.
 */

export const PACKAGE_NAME = 'taodesk'
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/'

export interface RegistryRelease {
  readonly version: string
  readonly integrity: string
  readonly tarball: string
}

/** Compares two semantic versions (prereleases sort before their release). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?/.exec(v.trim())
    if (!m) throw new Error(`"${v}" is not a semantic version`)
    return { nums: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4]?.split('.') ?? [] }
  }
  const x = parse(a)
  const y = parse(b)
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i] - y.nums[i]
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i]
    const q = y.pre[i]
    if (p === undefined) return -1
    if (q === undefined) return 1
    const pn = /^\d+$/.test(p)
    const qn = /^\d+$/.test(q)
    if (pn && qn && Number(p) !== Number(q)) return Number(p) - Number(q)
    if (pn !== qn) return pn ? -1 : 1
    if (p !== q) return p < q ? -1 : 1
  }
  return 0
}

function getJson(url: URL, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'http:' ? http : https
    const req = transport.get(url, { headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        if (res.statusCode === 404) return reject(new Error(`The registry has no package "${PACKAGE_NAME}" (${url.href})`))
        if (res.statusCode !== 200) return reject(new Error(`The registry answered ${res.statusCode} for ${url.href}`))
        try {
          resolve(JSON.parse(body))
        } catch {
          reject(new Error(`The registry sent something that is not JSON (${url.href})`))
        }
      })
    })
    req.on('timeout', () => req.destroy(new Error(`The registry did not answer within ${timeoutMs / 1000} s (${url.href})`)))
    req.on('error', reject)
  })
}

/** Which release the channel points at: stable = dist-tag latest; beta = the newer of beta and latest. */
export async function fetchChannelRelease(registry: string, channel: UpdateChannel, timeoutMs = 15_000): Promise<RegistryRelease> {
  const base = registry.endsWith('/') ? registry : `${registry}/`
  const doc = (await getJson(new URL(encodeURIComponent(PACKAGE_NAME), base), timeoutMs)) as {
    'dist-tags'?: Record<string, string>
    versions?: Record<string, { dist?: { integrity?: string; tarball?: string } }>
  }
  const tags = doc['dist-tags'] ?? {}
  const latest = tags.latest
  if (!latest) throw new Error('The registry lists no "latest" version of TaoDesk')
  let version = latest
  if (channel === 'beta' && tags.beta && compareVersions(tags.beta, latest) > 0) version = tags.beta
  const dist = doc.versions?.[version]?.dist
  if (!dist?.tarball) throw new Error(`The registry lists TaoDesk ${version} but no download for it`)
  if (!dist.integrity?.startsWith('sha512-')) throw new Error(`The registry publishes no sha512 integrity for TaoDesk ${version}; refusing to install it`)
  return { version, integrity: dist.integrity, tarball: dist.tarball }
}

export type InstallKind = 'npm' | 'checkout' | 'packaged'

/** How this copy was installed: a git checkout updates with git, not npm. */
export function detectInstallKind(root: string, env: NodeJS.ProcessEnv): InstallKind {
  const forced = env.TAODESK_INSTALL_KIND
  if (forced === 'npm' || forced === 'checkout' || forced === 'packaged') return forced
  if (fs.existsSync(path.join(root, '.git'))) return 'checkout'
  if (root.includes('app.asar')) return 'packaged'
  return 'npm'
}

export function npmInstallArgs(version: string, registry: string | undefined): string[] {
  return ['install', '--global', '--no-fund', '--no-audit', `${PACKAGE_NAME}@${version}`, ...(registry ? ['--registry', registry] : [])]
}

export function runNpm(args: readonly string[], env: NodeJS.ProcessEnv, onOutput: (text: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    const child = spawn(npm, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' })
    child.stdout.on('data', (c: Buffer) => onOutput(c.toString()))
    child.stderr.on('data', (c: Buffer) => onOutput(c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve(code ?? 1))
  })
}

/** The safety-gate snapshot a running engine keeps in its home folder, for `taodesk update apply`. */
export interface GateSnapshot {
  readonly pid: number
  readonly updatedAt: number
  readonly leases: LeaseInfo[]
}

export function gateFile(home: string): string {
  return path.join(home, 'safety-gate.json')
}

/** The leases of a running engine, or [] when none runs (a stale file from a dead process counts as idle). */
export function readGateLeases(home: string): LeaseInfo[] {
  try {
    const snap = JSON.parse(fs.readFileSync(gateFile(home), 'utf8')) as GateSnapshot
    if (!Array.isArray(snap.leases) || snap.leases.length === 0) return []
    try {
      process.kill(snap.pid, 0)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return []
    }
    return snap.leases
  } catch {
    return []
  }
}

/** Keeps `<home>/safety-gate.json` in step with the gate (coalesced; idle is written at once). */
export function mirrorGateToFile(home: string, gate: { leases(): LeaseInfo[]; onDidChange: (l: (leases: readonly LeaseInfo[]) => void) => { dispose(): void } }): { dispose(): void } {
  let timer: NodeJS.Timeout | undefined
  const write = (): void => {
    timer = undefined
    try {
      const temp = `${gateFile(home)}.tmp`
      fs.writeFileSync(temp, JSON.stringify({ pid: process.pid, updatedAt: Date.now(), leases: gate.leases() } satisfies GateSnapshot))
      fs.renameSync(temp, gateFile(home))
    } catch {
      // The file only informs `taodesk update apply`; never fail the engine over it.
    }
  }
  const sub = gate.onDidChange((leases) => {
    if (leases.length === 0) {
      clearTimeout(timer)
      write()
    } else if (!timer) {
      timer = setTimeout(write, 250)
      timer.unref?.()
    }
  })
  write()
  return {
    dispose() {
      sub.dispose()
      clearTimeout(timer)
      try {
        fs.rmSync(gateFile(home), { force: true })
      } catch {
        // ignore
      }
    },
  }
}
