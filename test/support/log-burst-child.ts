// Child process for the durability test: an engine writing log lines as fast as it can,
// acknowledging each one on stdout only after the write returned (i.e. committed).
import fs from 'node:fs'
import { createEngine } from '../../native/host/create-engine'

const home = process.argv[2]
if (!home) throw new Error('usage: log-burst-child <home>')
const engine = createEngine({ home, version: '0.0.0-test', headless: true })
fs.writeSync(1, 'ready\n')
for (let seq = 1; ; seq++) {
  engine.log.info('burst', { seq, payload: 'x'.repeat(seq % 200) })
  fs.writeSync(1, `ack ${seq}\n`)
}
