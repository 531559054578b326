import { describe, expect, it } from 'vitest'
import { GPU_RUNTIME_ENV } from '../services/embedding'
import { gpuRelaunchEnv } from './gpu-relaunch'

/** A data folder whose pack is complete: the launch environment gains the pack. */
const withPack = (home: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, LD_LIBRARY_PATH: `${home}/gpu-runtime/lib`, [GPU_RUNTIME_ENV]: `${home}/gpu-runtime/lib` })
const withoutPack = (_home: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => env

describe('CLI relaunch with the GPU runtime', () => {
  const env = { TAODESK_HOME: '/srv/taodesk', PATH: '/usr/bin' }

  it('model commands start again with the pack of the data folder on the loader path', () => {
    expect(gpuRelaunchEnv(['serve'], env, withPack)).toEqual({ ...env, LD_LIBRARY_PATH: '/srv/taodesk/gpu-runtime/lib', [GPU_RUNTIME_ENV]: '/srv/taodesk/gpu-runtime/lib' })
    for (const command of ['miner', 'models', 'validator']) expect(gpuRelaunchEnv([command, 'start'], env, withPack)).not.toBeNull()
  })

  it('no pack, a relaunched process, help, or a command without a model: runs in this process', () => {
    expect(gpuRelaunchEnv(['serve'], env, withoutPack)).toBeNull()
    expect(gpuRelaunchEnv(['serve'], { ...env, [GPU_RUNTIME_ENV]: '/srv/taodesk/gpu-runtime/lib' }, withPack)).toBeNull()
    expect(gpuRelaunchEnv(['serve', '--help'], env, withPack)).toBeNull()
    expect(gpuRelaunchEnv(['wallet', 'list'], env, withPack)).toBeNull()
    expect(gpuRelaunchEnv([], env, withPack)).toBeNull()
  })
})
