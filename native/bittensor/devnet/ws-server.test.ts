import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { DevnetNode } from './node'
import { startDevnetServer } from './ws-server'

describe('devnet WebSocket server', () => {
  it('reports a taken port as a rejected start, not an uncaught exception', async () => {
    const blocker = net.createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const port = (blocker.address() as net.AddressInfo).port
    const node = await DevnetNode.create({ blockTimeMs: 0 })
    try {
      await expect(startDevnetServer(node, { port })).rejects.toMatchObject({ code: 'EADDRINUSE' })
      const fallback = await startDevnetServer(node, { port: 0 })
      expect(fallback.port).not.toBe(port)
      await fallback.close()
    } finally {
      node.dispose()
      blocker.close()
    }
  })
})
