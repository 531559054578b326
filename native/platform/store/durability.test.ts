import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { databasePath } from '../../host/paths'
import { makeTempHome } from '../../../test/support/temp-home'
import { Store } from './store'

const child = path.resolve(import.meta.dirname, '../../../test/support/log-burst-child.ts')
/** Long enough for the child to fill a 64 KiB pipe with acks (about 7 000 of them). */
const SLOW_READER_MS = 5000

describe('durability', () => {
  it('SIGKILL during a burst of log writes keeps every acknowledged write and a sound database', async () => {
    const home = makeTempHome()
    try {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, home.dir], { stdio: ['ignore', 'pipe', 'pipe'] })
      let stderr = ''
      proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
      let acked = 0
      let buffered = ''
      // After "ready" the parent stops reading for a while, as a loaded CI machine may: the child's
      // pipe fills up, and its acks must wait for room instead of failing with EAGAIN.
      let slowReader: NodeJS.Timeout | undefined
      await new Promise<void>((resolve, reject) => {
        proc.on('error', reject)
        proc.on('exit', (code) => reject(new Error(`child exited early with ${code}: ${stderr}`)))
        proc.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString()
          const lines = buffered.split('\n')
          buffered = lines.pop() ?? ''
          for (const line of lines) if (line.startsWith('ack ')) acked = Number(line.slice(4))
          if (!slowReader && lines.includes('ready')) {
            proc.stdout.pause()
            slowReader = setTimeout(() => proc.stdout.resume(), SLOW_READER_MS)
          }
          // Kill mid-burst, at an arbitrary point after a few thousand commits.
          if (acked >= 3000) {
            clearTimeout(slowReader)
            proc.removeAllListeners('exit')
            proc.kill('SIGKILL')
            proc.on('exit', () => resolve())
          }
        })
      })
      expect(proc.signalCode).toBe('SIGKILL')

      const store = Store.open(databasePath(home.dir))
      try {
        expect(store.integrityCheck()).toBe('ok')
        const seqs = new Set(
          store.db
            .prepare<[], { seq: number }>("SELECT json_extract(fields, '$.seq') AS seq FROM event_log WHERE message = 'burst'")
            .all()
            .map((r) => r.seq),
        )
        const missing = []
        for (let s = 1; s <= acked; s++) if (!seqs.has(s)) missing.push(s)
        expect(missing).toEqual([])
        expect(seqs.size).toBeGreaterThanOrEqual(acked)
      } finally {
        store.close()
      }
    } finally {
      home.cleanup()
    }
  })
})
