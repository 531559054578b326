import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CUDA_LIBRARIES, GPU_RUNTIME_ENV, PROVIDER_LIBRARIES } from './detect'
import type { LaunchEnvInput } from './launch-env'
import { ORT_LIBRARY, gpuLaunchPlan, withGpuRuntime } from './launch-env'
import { ortRuntimeDir, providerCandidates } from '../runtime/providers'

const PACK = '/home/u/.config/TaoDesk/gpu-runtime/lib'
const ORT = '/opt/TaoDesk/resources/app.asar.unpacked/node_modules/onnxruntime-node/bin/napi-v6/linux/x64'
const packFiles = [...CUDA_LIBRARIES, ...PROVIDER_LIBRARIES].map((l) => `${PACK}/${l.soname}`)

function input(over: Partial<LaunchEnvInput> & { files?: string[] } = {}): LaunchEnvInput {
  const files = new Set(over.files ?? [...packFiles, `${ORT}/${ORT_LIBRARY}`])
  return { platform: 'linux', arch: 'x64', packLibDir: PACK, packInstalled: true, ortLibDir: ORT, env: {}, exists: (f) => files.has(f), ...over }
}

describe('GPU runtime launch environment', () => {
  it('a complete pack: the pack folder goes first on LD_LIBRARY_PATH and libonnxruntime is copied beside the providers', () => {
    const plan = gpuLaunchPlan(input({ env: { LD_LIBRARY_PATH: `/usr/local/lib:${PACK}:/opt/x` } }))
    expect(plan).toEqual({
      use: true,
      env: { LD_LIBRARY_PATH: `${PACK}:/usr/local/lib:/opt/x`, [GPU_RUNTIME_ENV]: PACK },
      copy: { from: `${ORT}/${ORT_LIBRARY}`, to: `${PACK}/${ORT_LIBRARY}` },
    })
    expect(gpuLaunchPlan(input())).toMatchObject({ use: true, env: { LD_LIBRARY_PATH: PACK } })
  })

  it('no pack, an incomplete pack, no onnxruntime library, or another platform: the environment is left alone', () => {
    expect(gpuLaunchPlan(input({ packInstalled: false }))).toEqual({ use: false, reason: expect.stringMatching(/No complete GPU runtime pack/) })
    const noCudnn = input({ files: [...packFiles.filter((f) => !f.endsWith('libcudnn.so.9')), `${ORT}/${ORT_LIBRARY}`] })
    expect(gpuLaunchPlan(noCudnn)).toEqual({ use: false, reason: expect.stringMatching(/incomplete \(missing libcudnn\.so\.9\); download it again/) })
    const noProvider = input({ files: [...packFiles.filter((f) => !f.endsWith('providers_cuda.so')), `${ORT}/${ORT_LIBRARY}`] })
    expect(gpuLaunchPlan(noProvider)).toMatchObject({ use: false, reason: expect.stringMatching(/libonnxruntime_providers_cuda\.so/) })
    expect(gpuLaunchPlan(input({ files: packFiles }))).toMatchObject({ use: false, reason: expect.stringMatching(/reinstall TaoDesk/) })
    expect(gpuLaunchPlan(input({ ortLibDir: null }))).toMatchObject({ use: false })
    expect(gpuLaunchPlan(input({ platform: 'win32' }))).toMatchObject({ use: false, reason: expect.stringMatching(/Linux x64 only/) })
    expect(gpuLaunchPlan(input({ arch: 'arm64' }))).toMatchObject({ use: false })
  })

  describe('on real (fake) folders', () => {
    let dir = ''
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

    it('copies libonnxruntime into the pack once, refreshes it when the installed one changes, and never writes into the install folder', () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-launch-'))
      const pack = path.join(dir, 'data', 'gpu-runtime', 'lib')
      const ort = path.join(dir, 'app', 'ort')
      fs.mkdirSync(pack, { recursive: true })
      fs.mkdirSync(ort, { recursive: true })
      for (const l of [...CUDA_LIBRARIES, ...PROVIDER_LIBRARIES]) fs.writeFileSync(path.join(pack, l.soname), 'lib')
      fs.writeFileSync(path.join(ort, ORT_LIBRARY), 'ort 1.30')
      const appBefore = fs.readdirSync(ort)
      const io = { platform: 'linux' as const, arch: 'x64', packLibDir: pack, packInstalled: true, ortLibDir: ort, exists: (f: string) => fs.existsSync(f) }

      const env = withGpuRuntime({ PATH: '/usr/bin', LD_LIBRARY_PATH: '/opt/a' }, io)
      expect(env).toEqual({ PATH: '/usr/bin', LD_LIBRARY_PATH: `${pack}:/opt/a`, [GPU_RUNTIME_ENV]: pack })
      expect(fs.readFileSync(path.join(pack, ORT_LIBRARY), 'utf8')).toBe('ort 1.30')
      const copiedAt = fs.statSync(path.join(pack, ORT_LIBRARY)).ino
      withGpuRuntime({}, io)
      expect(fs.statSync(path.join(pack, ORT_LIBRARY)).ino).toBe(copiedAt)

      // An update replaces onnxruntime-node: the next launch copies the new library.
      fs.writeFileSync(path.join(ort, ORT_LIBRARY), 'ort 1.31 (larger)')
      withGpuRuntime({}, io)
      expect(fs.readFileSync(path.join(pack, ORT_LIBRARY), 'utf8')).toBe('ort 1.31 (larger)')
      expect(fs.readdirSync(ort)).toEqual(appBefore)
      expect(fs.readdirSync(pack).filter((f) => f.endsWith('.tmp'))).toEqual([])
    })

    it('a copy that fails leaves the environment as it was and says why', () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-launch-'))
      const messages: string[] = []
      const base = { LD_LIBRARY_PATH: '/opt/a' }
      // The pack folder "exists" for the plan but is not on disk: the copy fails.
      const env = withGpuRuntime(base, { platform: 'linux', arch: 'x64', packLibDir: path.join(dir, 'missing'), packInstalled: true, ortLibDir: '/nonexistent', exists: () => true }, (m) => messages.push(m))
      expect(env).toBe(base)
      expect(messages[0]).toMatch(/GPU runtime not used: could not copy libonnxruntime\.so\.1 .*the engine runs on the CPU/)
    })
  })
})

describe('the folder onnxruntime runs from (where it finds its providers)', () => {
  const files = new Set([`${PACK}/${ORT_LIBRARY}`])
  const exists = (f: string): boolean => files.has(f)

  it('is the pack in an engine started with it, so CUDA is offered from the pack', () => {
    const dir = ortRuntimeDir(ORT, { LD_LIBRARY_PATH: `${PACK}:/usr/lib`, [GPU_RUNTIME_ENV]: PACK }, exists)
    expect(dir).toBe(PACK)
    const cuda = providerCandidates('auto', { platform: 'linux', arch: 'x64', nvidiaGpu: true, ortLibDir: dir, fileExists: (f) => f === `${PACK}/libonnxruntime_providers_cuda.so` })[0]!
    expect(cuda).toEqual({ provider: 'cuda', skipReason: null })
  })

  it("is onnxruntime-node's own folder otherwise", () => {
    expect(ortRuntimeDir(ORT, {}, exists)).toBe(ORT)
    expect(ortRuntimeDir(ORT, { [GPU_RUNTIME_ENV]: PACK }, exists)).toBe(ORT)
    expect(ortRuntimeDir(ORT, { LD_LIBRARY_PATH: PACK, [GPU_RUNTIME_ENV]: PACK }, () => false)).toBe(ORT)
  })
})
