import { describe, expect, it, vi } from 'vitest'
import type { Logger } from '../platform/logging'
import { installCrashGuards } from './crash-guards'

describe('crash guards', () => {
  it('log an unhandled rejection and keep going; log an uncaught exception and exit', () => {
    const errors: string[] = []
    const log = { error: (m: string) => errors.push(m) } as unknown as Logger
    const exit = vi.fn()
    const remove = installCrashGuards(log, exit)
    try {
      process.emit('unhandledRejection', new Error('nobody awaited me'), Promise.resolve())
      expect(errors[0]).toMatch(/Unhandled promise rejection/)
      expect(exit).not.toHaveBeenCalled()
      process.emit('uncaughtException', new Error('boom'))
      expect(errors[1]).toMatch(/Uncaught exception/)
      expect(exit).toHaveBeenCalledWith(70)
    } finally {
      remove()
    }
  })
})
