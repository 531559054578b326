import { afterEach, describe, expect, it } from 'vitest'
import { captureIo } from '../../../test/support/capture-io'
import { makeTempHome } from '../../../test/support/temp-home'
import { runCli } from '../main'

const homes: Array<ReturnType<typeof makeTempHome>> = []
afterEach(() => {
  for (const h of homes.splice(0)) h.cleanup()
})

describe('taodesk api', () => {
  it('creates a key shown once, lists it by prefix only, rotates and revokes it', async () => {
    const home = makeTempHome()
    homes.push(home)
    const cli = async (args: string[]) => {
      const io = captureIo({ TAODESK_HOME: home.dir })
      const code = await runCli([...args, '--json'], io)
      return { code, json: JSON.parse(io.out().trim() || 'null') as unknown, err: io.err() }
    }
    const created = await cli(['api', 'keys', 'create', '--name', 'acme', '--rate', '10', '--quota', '1000'])
    expect(created.code, created.err).toBe(0)
    const key = created.json as { id: string; secret: string; prefix: string; ratePerMinute: number }
    expect(key.secret).toMatch(/^tdk_/)
    expect(key.ratePerMinute).toBe(10)
    const listed = await cli(['api', 'keys', 'list'])
    expect(JSON.stringify(listed.json)).not.toContain(key.secret)
    expect((listed.json as Array<{ prefix: string }>)[0]!.prefix).toBe(key.prefix)
    const rotated = (await cli(['api', 'keys', 'rotate', '--id', key.id])).json as { id: string; secret: string; replaced: string }
    expect(rotated.replaced).toBe(key.id)
    expect(rotated.secret).not.toBe(key.secret)
    expect((await cli(['api', 'keys', 'revoke', '--id', rotated.id])).code).toBe(0)
    const states = (await cli(['api', 'keys', 'list'])).json as Array<{ revokedAt: number | null }>
    expect(states.every((k) => k.revokedAt !== null)).toBe(true)
    expect((await cli(['api', 'keys', 'revoke', '--id', rotated.id])).code).not.toBe(0)
    expect((await cli(['api', 'usage'])).json).toEqual([])
  })
})
