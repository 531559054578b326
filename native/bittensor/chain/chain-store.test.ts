import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Store } from '../../platform/store'
import { ChainStore } from './chain-store'

describe('migration 0005 chain tables and ChainStore', () => {
  it('persists cached reads and pending commits across reopening the database', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-chain-'))
    const file = path.join(dir, 'db.sqlite')
    try {
      let store = Store.open(file)
      let chain = new ChainStore(store.db)
      chain.cachePut('devnet', 'burn:5', '100000000', 1000)
      const id = chain.addCommit({ network: 'devnet', netuid: 5, hotkey: '5Hot', commitHash: '0xab', uids: [0, 2], weights: [65535, 10], salt: [1, 2, 3], versionKey: '803', commitBlock: 12, revealFrom: 30, revealUntil: 50 })
      store.close()
      store = Store.open(file)
      chain = new ChainStore(store.db)
      expect(chain.cacheGet('devnet', 'burn:5')).toEqual({ value: '100000000', updatedAt: 1000 })
      const [c] = chain.pendingCommits('devnet')
      expect(c).toMatchObject({ id, uids: [0, 2], weights: [65535, 10], salt: [1, 2, 3], versionKey: '803', revealFrom: 30, status: 'pending' })
      chain.markCommit(id, 'revealed')
      expect(chain.pendingCommits('devnet')).toEqual([])
      expect(() => store.db.prepare("UPDATE chain_commits SET status = 'bogus'").run()).toThrow()
      store.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
