import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureIo } from '../../../test/support/capture-io'
import { packageVersion } from '../../host'
import { compareVersions, gateFile, runNpm } from '../../services/updater'
import { runCli } from '../main'

/** A package registry speaking npm's protocol: packument with dist-tags and sha512 integrity, tarballs. */
interface Registry {
  url: string
  requests: string[]
  tamper: Set<string>
  close(): Promise<void>
}

function makeTarball(work: string, version: string): Buffer {
  const dir = path.join(work, `pkg-${version}`, 'package')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'taodesk', version, description: 'test build' }))
  fs.writeFileSync(path.join(dir, 'index.js'), `module.exports = ${JSON.stringify(version)}\n`)
  const tgz = path.join(work, `taodesk-${version}.tgz`)
  execFileSync('tar', ['-czf', tgz, '-C', path.dirname(dir), 'package'])
  return fs.readFileSync(tgz)
}

async function startRegistry(work: string, versions: string[], tags: Record<string, string>): Promise<Registry> {
  const tarballs = new Map(versions.map((v) => [v, makeTarball(work, v)]))
  const requests: string[] = []
  const tamper = new Set<string>()
  let base = ''
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    requests.push(url.pathname)
    if (url.pathname === '/taodesk') {
      const packument = {
        name: 'taodesk',
        'dist-tags': tags,
        versions: Object.fromEntries(
          [...tarballs].map(([v, tgz]) => [
            v,
            {
              name: 'taodesk',
              version: v,
              dist: {
                tarball: `${base}/taodesk/-/taodesk-${v}.tgz`,
                integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`,
                shasum: createHash('sha1').update(tgz).digest('hex'),
              },
            },
          ]),
        ),
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument))
      return
    }
    const match = /^\/taodesk\/-\/taodesk-(.+)\.tgz$/.exec(url.pathname)
    const tgz = match ? tarballs.get(match[1]) : undefined
    if (!match || !tgz) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
      return
    }
    const body = tamper.has(match[1]) ? Buffer.concat([tgz.subarray(0, tgz.length - 8), Buffer.alloc(8, 0xaa)]) : tgz
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url: `${base}/`, requests, tamper, close: () => new Promise((r) => server.close(() => r())) }
}

const current = packageVersion()
const [major, minor] = current.split('.').map(Number)
const next = `${major}.${minor + 1}.0`
const beta = `${major}.${minor + 2}.0-beta.1`

let work: string
let registry: Registry
let env: NodeJS.ProcessEnv
const installed = (): string | undefined => {
  const lib = process.platform === 'win32' ? path.join(env.npm_config_prefix!, 'node_modules') : path.join(env.npm_config_prefix!, 'lib', 'node_modules')
  const file = path.join(lib, 'taodesk', 'package.json')
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version : undefined
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-npm-update-'))
  registry = await startRegistry(work, [current, next, beta], { latest: next, beta })
  env = {
    ...process.env,
    TAODESK_HOME: path.join(work, 'home'),
    TAODESK_INSTALL_KIND: 'npm',
    npm_config_prefix: path.join(work, 'prefix'),
    npm_config_cache: path.join(work, 'npm-cache'),
    npm_config_update_notifier: 'false',
    // npm retries a corrupt download with back-off (tens of seconds); once is enough here.
    npm_config_fetch_retries: '0',
    npm_config_registry: registry.url,
  }
  fs.mkdirSync(env.TAODESK_HOME!, { recursive: true })
})

afterAll(async () => {
  await registry.close()
  fs.rmSync(work, { recursive: true, force: true })
})

async function cli(...args: string[]) {
  const io = captureIo(env)
  const code = await runCli(['update', ...args], io)
  return { code, out: io.out(), err: io.err() }
}

describe('taodesk update (npm installs, against a local registry)', () => {
  it('compares versions the semver way', () => {
    expect(compareVersions('1.2.0', '1.10.0')).toBeLessThan(0)
    expect(compareVersions('1.3.0-beta.1', '1.3.0')).toBeLessThan(0)
    expect(compareVersions('1.3.0-beta.10', '1.3.0-beta.2')).toBeGreaterThan(0)
    expect(compareVersions('1.2.3', '1.2.3')).toBe(0)
  })

  it('check: reports the newest version of each channel', async () => {
    const stable = await cli('check', '--json')
    expect(stable.code).toBe(0)
    expect(JSON.parse(stable.out)).toMatchObject({ current, channel: 'stable', latest: next, updateAvailable: true, installKind: 'npm' })
    const betaCheck = await cli('check', '--channel', 'beta', '--json')
    expect(JSON.parse(betaCheck.out)).toMatchObject({ channel: 'beta', latest: beta, updateAvailable: true })
    expect((await cli('check', '--channel', 'nightly')).code).toBe(2)
  })

  it('apply: prints the npm command without --yes and installs nothing', async () => {
    const { code, out } = await cli('apply')
    expect(code).toBe(0)
    expect(out).toContain(`npm install --global --no-fund --no-audit taodesk@${next}`)
    expect(registry.requests.some((p) => p.endsWith('.tgz'))).toBe(false)
  })

  it('apply --yes: waits for no one but refuses while the engine is busy', async () => {
    fs.writeFileSync(gateFile(env.TAODESK_HOME!), JSON.stringify({ pid: process.pid, updatedAt: Date.now(), leases: [{ owner: 'validator', reason: 'round 88 in progress', since: 1 }] }))
    const { code, err } = await cli('apply', '--yes')
    expect(code).toBe(3)
    expect(err).toContain('round 88 in progress')
    fs.rmSync(gateFile(env.TAODESK_HOME!))
  })

  it('apply --yes: a tampered tarball is rejected and the installed version stays; a good one installs', { timeout: 180_000 }, async () => {
    const output: string[] = []
    expect(await runNpm(['install', '--global', `taodesk@${current}`], env, (t) => output.push(t)), output.join('')).toBe(0)
    expect(installed()).toBe(current)

    registry.tamper.add(next)
    const bad = await cli('apply', '--yes', '--json')
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.out)).toMatchObject({ status: 'failed', latest: next })
    expect(JSON.parse(bad.out).message).toMatch(/installed version is unchanged/)
    expect(JSON.parse(bad.out).message).toMatch(/EINTEGRITY|integrity/i)
    expect(installed()).toBe(current)

    registry.tamper.delete(next)
    fs.rmSync(env.npm_config_cache!, { recursive: true, force: true })
    const good = await cli('apply', '--yes')
    expect(good.code, good.err).toBe(0)
    expect(good.out).toContain(`Installed taodesk ${next}`)
    expect(installed()).toBe(next)
  })
})
