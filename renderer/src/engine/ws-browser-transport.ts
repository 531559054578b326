import { Emitter } from '../../../native/base'
import { decodeFrame, encodeFrame } from '../../../native/rpc'
import type { Transport } from '../../../native/rpc'

/** Opens the headless engine's socket from the page; the session cookie carries the token. */
export function openBrowserSocket(url: string): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    const messages = new Emitter<unknown>()
    const closes = new Emitter<void>()
    let opened = false
    socket.addEventListener('open', () => {
      opened = true
      resolve({
        onMessage: messages.event,
        onClose: closes.event,
        send: (message) => {
          if (socket.readyState !== WebSocket.OPEN) throw new Error('Not connected')
          socket.send(encodeFrame(message))
        },
        close: () => socket.close(),
      })
    })
    socket.addEventListener('message', (event: MessageEvent) => {
      messages.fire(typeof event.data === 'string' ? decodeFrame(event.data) : undefined)
    })
    socket.addEventListener('close', () => {
      if (!opened) reject(new Error('Could not connect to the engine'))
      closes.fire()
    })
  })
}

export function engineSocketUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`
}
