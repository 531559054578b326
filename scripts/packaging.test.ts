import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { inflateSync } from 'node:zlib'
import { load } from 'js-yaml'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main as generateFeed } from './generate-update-feed'
import { crc32, encodePng, renderIcon } from './make-icons'

const root = path.resolve(import.meta.dirname, '..')
const require = createRequire(import.meta.url)

type Obj = Record<string, unknown>
const readYaml = (file: string): Obj => load(fs.readFileSync(file, 'utf8')) as Obj

describe('electron-builder.yml', () => {
  const config = readYaml(path.join(root, 'electron-builder.yml'))

  it("passes electron-builder's own configuration validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>
    }
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    // The validator is real: a misplaced option is rejected.
    await expect(validateConfiguration({ ...config, notarise: true }, new DebugLogger(false))).rejects.toThrow(/notarise/)
  })

  it('ships every resources/ folder the engine reads from process.resourcesPath', () => {
    const shipped = (config.extraResources as { from: string; to: string }[]).map((r) => [r.from, r.to])
    // The engine looks these up as <resourcesPath>/<name>/… (native/chain/metadata.ts, native/miner/selfscore, electron/main/tray.ts).
    for (const name of ['chain', 'selfscore', 'icons']) {
      expect(shipped).toContainEqual([`resources/${name}`, name])
      expect(fs.readdirSync(path.join(root, 'resources', name)).length, name).toBeGreaterThan(0)
    }
  })

  it('names the app, targets every platform and associates no files', () => {
    expect(config.appId).toBe('io.taodesk.app')
    expect(config.productName).toBe('TaoDesk')
    expect(config.fileAssociations).toBeUndefined()
    expect(config.protocols).toBeUndefined()
    const targets = (section: string) => ((config[section] as Obj).target as { target: string }[]).map((t) => t.target)
    expect(targets('win')).toEqual(['nsis'])
    expect(targets('mac')).toEqual(['dmg', 'zip'])
    expect(targets('linux')).toEqual(['AppImage', 'deb'])
  })

  it('leaves native rebuilds to the pipeline and unpacks native code from the asar', () => {
    const minimatch = require('minimatch') as (p: string, pattern: string) => boolean
    expect(config.npmRebuild).toBe(false)
    const unpack = config.asarUnpack as string[]
    const nativeFiles = [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/libonnxruntime.1.dylib',
      'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll',
    ]
    for (const file of nativeFiles) {
      expect(fs.existsSync(path.join(root, file)), file).toBe(true)
      expect(unpack.some((pattern) => minimatch(file, pattern)), file).toBe(true)
    }
    expect(unpack.some((pattern) => minimatch('node_modules/zod/index.js', pattern))).toBe(false)
  })

  it('hardens, notarizes and signs from the environment only', () => {
    const mac = config.mac as Obj
    expect(mac.hardenedRuntime).toBe(true)
    expect(mac.notarize).toBe(true)
    const entitlements = fs.readFileSync(path.join(root, String(mac.entitlements)), 'utf8')
    expect(entitlements).toContain('com.apple.security.cs.allow-jit')
    const text = fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')
    const keys = text.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n')
    expect(keys).not.toMatch(/certificatePassword|cscKeyPassword|appleIdPassword|password:/i)
    expect(config.publish).toEqual([{ provider: 'generic', url: '${env.TAODESK_UPDATE_URL}' }])
  })

  it('points at icons that exist and decode', () => {
    const png = fs.readFileSync(path.join(root, 'resources', 'icon.png'))
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024])
    const ico = fs.readFileSync(path.join(root, String((config.win as Obj).icon)))
    expect([ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([1, 7])
    const icns = fs.readFileSync(path.join(root, String((config.mac as Obj).icon)))
    expect(icns.subarray(0, 4).toString()).toBe('icns')
    expect(icns.readUInt32BE(4)).toBe(icns.length)
    const linuxIcons = fs.readdirSync(path.join(root, String((config.linux as Obj).icon)))
    expect(linuxIcons).toContain('512x512.png')
  })

  it('the icon script writes valid PNG (CRC checked) and the committed icon is what it draws', () => {
    const fresh = encodePng(32, 32, renderIcon(32))
    // Walk the chunks and verify each CRC.
    let offset = 8
    const types: string[] = []
    while (offset < fresh.length) {
      const length = fresh.readUInt32BE(offset)
      const typeAndData = fresh.subarray(offset + 4, offset + 8 + length)
      expect(fresh.readUInt32BE(offset + 8 + length)).toBe(crc32(typeAndData))
      types.push(typeAndData.subarray(0, 4).toString())
      offset += 12 + length
    }
    expect(types).toEqual(['IHDR', 'IDAT', 'IEND'])
    // The committed 32x32 icon holds exactly the pixels the script draws (compared after inflating).
    const committed = fs.readFileSync(path.join(root, 'resources', 'icons', '32x32.png'))
    const idatLength = committed.readUInt32BE(33)
    expect(committed.subarray(37, 41).toString()).toBe('IDAT')
    const raw = inflateSync(committed.subarray(41, 41 + idatLength))
    const pixels = Buffer.concat(Array.from({ length: 32 }, (_, y) => raw.subarray(y * 129 + 1, y * 129 + 129)))
    expect(pixels.equals(Buffer.from(renderIcon(32)))).toBe(true)
  })
})

describe('release workflow', () => {
  const workflow = readYaml(path.join(root, '.github', 'workflows', 'release.yml'))
  const jobs = workflow.jobs as Record<string, { steps: { run?: string; name?: string; uses?: string }[]; strategy?: Obj; needs?: string }>

  it('parses, builds on all three systems and publishes the feed after the builds', () => {
    expect(Object.keys(workflow.on as Obj)).toContain('push')
    const matrix = (jobs.build.strategy as { matrix: { os: string[] } }).matrix.os
    expect(matrix.some((o) => o.startsWith('ubuntu'))).toBe(true)
    expect(matrix.some((o) => o.startsWith('windows'))).toBe(true)
    expect(matrix.some((o) => o.startsWith('macos'))).toBe(true)
    const buildRuns = jobs.build.steps.map((s) => s.run ?? '').join('\n')
    expect(buildRuns).toMatch(/@electron\/rebuild/)
    expect(buildRuns).toMatch(/electron-builder --config electron-builder.yml --publish never/)
    expect(buildRuns.indexOf('@electron/rebuild')).toBeLessThan(buildRuns.indexOf('electron-builder --config'))
    expect(jobs.feed.needs).toBe('build')
    const feedRuns = jobs.feed.steps.map((s) => s.run ?? '').join('\n')
    expect(feedRuns).toMatch(/scripts\/generate-update-feed\.ts/)
    // Installers are uploaded before the feed files that point at them.
    expect(feedRuns.indexOf("--exclude '*.yml'")).toBeLessThan(feedRuns.indexOf("--include '*.yml'"))
  })
})

describe('scripts/generate-update-feed.ts', () => {
  let dir: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-feed-'))
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  const put = (name: string, bytes: number): string => {
    const file = path.join(dir, name)
    fs.writeFileSync(file, Buffer.alloc(bytes, name))
    return file
  }
  const sha512 = (file: string) => createHash('sha512').update(fs.readFileSync(file)).digest('base64')

  it('writes latest*.yml and beta*.yml whose hashes and sizes match the files', async () => {
    put('TaoDesk-Setup-1.2.3-x64.exe', 3000)
    put('TaoDesk-1.2.3-x64.dmg', 4000)
    put('TaoDesk-1.2.3-x64.zip', 3500)
    put('TaoDesk-1.2.3-arm64.dmg', 4100)
    put('TaoDesk-1.2.3-arm64.zip', 3600)
    put('TaoDesk-1.2.3-x86_64.AppImage', 5000)
    put('taodesk_1.2.3_amd64.deb', 2000)
    put('TaoDesk-1.2.3-arm64.AppImage', 5100)
    put('TaoDesk-Setup-1.2.3-x64.exe.blockmap', 10)
    const out: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write
    let code: number
    try {
      code = await generateFeed(['--dir', dir, '--version', '1.2.3', '--release-date', '2025-02-01T00:00:00.000Z'])
    } finally {
      process.stdout.write = write
    }
    expect(code).toBe(0)
    const ymls = fs.readdirSync(dir).filter((f) => f.endsWith('.yml')).sort()
    expect(ymls).toEqual([
      'beta-linux-arm64.yml', 'beta-linux.yml', 'beta-mac.yml', 'beta.yml',
      'latest-linux-arm64.yml', 'latest-linux.yml', 'latest-mac.yml', 'latest.yml',
    ])
    expect(out.join('')).toContain('latest-mac.yml')
    for (const yml of ymls) {
      const doc = readYaml(path.join(dir, yml)) as { version: string; files: { url: string; sha512: string; size: number }[]; path: string; sha512: string; releaseDate: string }
      expect(doc.version).toBe('1.2.3')
      expect(doc.releaseDate).toBe('2025-02-01T00:00:00.000Z')
      expect(doc.files.length).toBeGreaterThan(0)
      for (const f of doc.files) {
        const file = path.join(dir, f.url)
        expect(f.sha512).toBe(sha512(file))
        expect(f.size).toBe(fs.statSync(file).size)
      }
      expect(doc.path).toBe(doc.files[0].url)
      expect(doc.sha512).toBe(doc.files[0].sha512)
    }
    const mac = readYaml(path.join(dir, 'latest-mac.yml')) as { files: { url: string }[] }
    expect(mac.files.map((f) => f.url)).toEqual(['TaoDesk-1.2.3-arm64.zip', 'TaoDesk-1.2.3-x64.zip', 'TaoDesk-1.2.3-arm64.dmg', 'TaoDesk-1.2.3-x64.dmg'])
    const linux = readYaml(path.join(dir, 'latest-linux.yml')) as { files: { url: string }[] }
    expect(linux.files.map((f) => f.url)).toEqual(['TaoDesk-1.2.3-x86_64.AppImage', 'taodesk_1.2.3_amd64.deb'])
    const win = readYaml(path.join(dir, 'latest.yml')) as { files: { url: string }[] }
    expect(win.files.map((f) => f.url)).toEqual(['TaoDesk-Setup-1.2.3-x64.exe'])
  })

  it('publishes a beta only to the beta channel', async () => {
    put('TaoDesk-1.3.0-beta.2-x86_64.AppImage', 100)
    expect(await generateFeed(['--dir', dir, '--version', '1.3.0-beta.2'])).toBe(0)
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.yml'))).toEqual(['beta-linux.yml'])
  })

  it('refuses feeds that would mislead the updater', async () => {
    put('TaoDesk-1.2.3-x64.dmg', 100)
    await expect(generateFeed(['--dir', dir, '--version', '1.2.3'])).rejects.toThrow(/zip/)
    fs.rmSync(path.join(dir, 'TaoDesk-1.2.3-x64.dmg'))
    put('TaoDesk-1.2.2-x86_64.AppImage', 100)
    await expect(generateFeed(['--dir', dir, '--version', '1.2.3'])).rejects.toThrow(/another build/)
    await expect(generateFeed(['--dir', dir, '--version', '1.2.3-rc.1'])).rejects.toThrow(/no update channel/)
    await expect(generateFeed(['--dir', dir, '--version', 'latest'])).rejects.toThrow(/not a semantic version/)
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.yml'))).toEqual([])
  })
})
