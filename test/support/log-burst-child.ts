// Child process for the durability test: an engine writing log lines as fast as it can,
// acknowledging each one on stdout only after the write returned (i.e. committed).
// Acks go through the stdout stream and wait for it to drain when the pipe is full: a
// synchronous write on a non-blocking pipe fails with EAGAIN when the parent reads slowly.
import { once } from 'node:events'
import { createEngine } from '../../native/host/create-engine'

const home = process.argv[2]
if (!home) throw new Error('usage: log-burst-child <home>')
const engine = createEngine({ home, version: '0.0.0-test', headless: true })

async function ack(line: string): Promise<void> {
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain')
}

await ack('ready')
for (let seq = 1; ; seq++) {
  engine.log.info('burst', { seq, payload: 'x'.repeat(seq % 200) })
  await ack(`ack ${seq}`)
}
