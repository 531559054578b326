import { parseArgs } from 'node:util'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { ArgValues } from './options-from-schema'
import { flagsFromSchema } from './options-from-schema'

const Schema = z
  .object({
    name: z.string().min(2).describe('who you are'),
    port: z.number().int().min(1).max(65535).default(8091).describe('listen port'),
    metricsPort: z.number().int().min(1).max(65535).nullable().default(9091).describe('metrics port'),
    ratio: z.number().min(0).default(0.5).describe('a share'),
    mode: z.enum(['fast', 'slow']).default('fast').describe('how to run'),
    serve: z.boolean().default(true).describe('publish it'),
    limits: z.object({ strict: z.boolean().default(false).describe('refuse strangers') }).default({ strict: false }),
  })
  .strict()

const flags = flagsFromSchema(Schema, {
  name: { metavar: 'NAME' },
  port: true,
  metricsPort: { zeroIsNull: true },
  ratio: { flag: 'share' },
  mode: true,
  serve: true,
  'limits.strict': true,
})

const argv = (...args: string[]) => parseArgs({ args, options: flags.options, strict: true }).values as ArgValues

describe('flagsFromSchema', () => {
  it('makes parseArgs options: kebab-case names, booleans that default to true as --no-', () => {
    expect(flags.options).toEqual({
      name: { type: 'string' },
      port: { type: 'string' },
      'metrics-port': { type: 'string' },
      share: { type: 'string' },
      mode: { type: 'string' },
      'no-serve': { type: 'boolean' },
      strict: { type: 'boolean' },
    })
  })

  it('writes help lines from the descriptions and defaults', () => {
    expect(flags.help('  ', 20).split('\n')).toEqual([
      '  --name NAME         who you are (required)',
      '  --port N            listen port (default 8091)',
      '  --metrics-port N    metrics port (default 9091; 0 turns it off)',
      '  --share N           a share (default 0.5)',
      '  --mode fast|slow    how to run (default "fast")',
      '  --no-serve          do not publish it',
      '  --strict            refuse strangers',
    ])
  })

  it('parses to the typed, defaulted schema output, nested objects included', () => {
    expect(flags.parse(argv('--name', 'ab', '--port', '80', '--metrics-port', '0', '--no-serve', '--strict', '--share', '1.5'))).toEqual({
      name: 'ab',
      port: 80,
      metricsPort: null,
      ratio: 1.5,
      mode: 'fast',
      serve: false,
      limits: { strict: true },
    })
    expect(flags.parse(argv('--name', 'ab'))).toMatchObject({ port: 8091, metricsPort: 9091, serve: true, limits: { strict: false } })
  })

  it('read() returns only what was given', () => {
    expect(flags.read(argv('--mode', 'slow'))).toEqual({ mode: 'slow' })
  })

  it('names the flag in every error', () => {
    expect(() => flags.parse(argv())).toThrow('--name is required')
    expect(() => flags.parse(argv('--name', 'ab', '--port', '70000'))).toThrow('--port must be a whole number from 1 to 65535')
    expect(() => flags.parse(argv('--name', 'ab', '--port', 'x'))).toThrow('--port must be a whole number from 1 to 65535')
    expect(() => flags.parse(argv('--name', 'ab', '--share=-1'))).toThrow('--share must be a number, 0 or more')
    expect(() => flags.parse(argv('--name', 'ab', '--mode', 'loud'))).toThrow('--mode must be one of fast, slow')
    expect(() => flags.parse(argv('--name', 'a'))).toThrow(/^--name: Too small/)
  })
})
