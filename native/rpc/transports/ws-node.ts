import WebSocket from 'ws'
import { Emitter } from '../../base'
import type { Transport } from '../transport'
import { decodeFrame, encodeFrame } from './json-frames'

/** Wraps a `ws` socket (server or client side, Node) as a Transport of JSON frames. */
export function wsTransport(socket: WebSocket): Transport {
  const messages = new Emitter<unknown>()
  const closes = new Emitter<void>()
  socket.on('message', (data, isBinary) => {
    messages.fire(isBinary ? decodeFrame('') : decodeFrame(rawToString(data)))
  })
  socket.on('close', () => closes.fire())
  socket.on('error', () => {
    // 'close' follows every error; that is where cleanup happens.
  })
  return {
    onMessage: messages.event,
    onClose: closes.event,
    send(message) {
      if (socket.readyState !== WebSocket.OPEN) throw new Error('WebSocket is not open')
      socket.send(encodeFrame(message))
    },
    close() {
      socket.close()
    },
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

/** Opens an authenticated client connection to a headless engine (CLI, tests). */
export async function connectWs(url: string, token: string): Promise<Transport> {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } })
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('unexpected-response', (_req, res) => reject(new Error(`Engine refused the connection: HTTP ${res.statusCode}`)))
    socket.once('error', reject)
  })
  return wsTransport(socket)
}
