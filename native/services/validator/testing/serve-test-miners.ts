/**
 * Dev tool: three local miners of different quality (lexical, random, wrong dimension) and a
 * targets file for `taodesk validator round --once --targets FILE`.
 * Run: npx tsx native/validator/testing/serve-test-miners.ts /tmp/targets.json [seconds]
 */
import fs from 'node:fs'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { lexicalEmbed, randomEmbed, startTestAxon, wrongDimensionEmbed } from './test-axon'

async function main(): Promise<void> {
  const out = process.argv[2] ?? 'targets.json'
  const seconds = Number(process.argv[3] ?? 300)
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  const keys = ['//Good', '//Random', '//Wrong'].map((u) => keyring.addFromUri(u).address)
  const axons = [await startTestAxon(keys[0], lexicalEmbed), await startTestAxon(keys[1], randomEmbed), await startTestAxon(keys[2], wrongDimensionEmbed)]
  fs.writeFileSync(out, JSON.stringify(axons.map((a, i) => ({ hotkey: keys[i], ip: '127.0.0.1', port: a.port })), null, 2))
  process.stdout.write(`Three test miners (lexical, random, wrong dimension) on ports ${axons.map((a) => a.port).join(', ')}; targets in ${out}\n`)
  setTimeout(() => {
    for (const a of axons) void a.close()
  }, seconds * 1000)
}

void main()
