import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../../../host'
import { makeTempHome } from '../../../../test/support/temp-home'

const homes: Array<() => void> = []
afterEach(() => {
  while (homes.length > 0) homes.pop()?.()
})

describe('model ids are never paths', () => {
  it('refuses ".", ".." and dot-names for remove, verify and use, and deletes nothing', async () => {
    const home = makeTempHome()
    homes.push(home.cleanup)
    const engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true })
    const client = engine.connectInproc()
    try {
      fs.mkdirSync(path.join(home.dir, 'models', 'not-a-model'), { recursive: true })
      fs.writeFileSync(path.join(home.dir, 'models', 'not-a-model', 'keep.txt'), 'x')
      for (const id of ['..', '.', '.hidden', '../..']) {
        for (const method of ['models.remove', 'models.verify', 'models.use'] as const) {
          const error = await client.call(method, { id }).catch((e: unknown) => e)
          expect(error, `${method} ${id}`).toMatchObject({ code: 'BAD_REQUEST' })
        }
      }
      await expect(client.call('models.remove', { id: 'not-a-model' })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
      expect(fs.existsSync(path.join(home.dir, 'taodesk.sqlite'))).toBe(true)
      expect(fs.existsSync(path.join(home.dir, 'models', 'not-a-model', 'keep.txt'))).toBe(true)
    } finally {
      client.dispose()
      await engine.dispose()
    }
  })
})
