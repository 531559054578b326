/**
 * `npm run bench [-- NAME ...] [--quick]`: runs every bench/*.bench.ts (or the named ones).
 * A bench file exports `description` and `run(args)`; add a new file to add a benchmark.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface BenchArgs {
  readonly quick: boolean
  /** Arguments after the bench names, for the bench to read. */
  readonly argv: readonly string[]
}

export interface BenchModule {
  readonly description: string
  /** Resolves to the bench's headline lines (side-by-side results), printed again together at the end. */
  run(args: BenchArgs): Promise<readonly string[] | void>
}

const here = path.dirname(fileURLToPath(import.meta.url))

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const quick = argv.includes('--quick')
  const available = fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .sort()
  if (argv.includes('--help') || argv.includes('--list')) {
    process.stdout.write(`Usage: npm run bench -- [${available.join('|')}] [--quick]\n`)
    for (const name of available) {
      const mod = (await import(pathToFileURL(path.join(here, `${name}.bench.ts`)).href)) as BenchModule
      process.stdout.write(`  ${name.padEnd(16)} ${mod.description}\n`)
    }
    return
  }
  const names = argv.filter((a) => !a.startsWith('--') && available.includes(a))
  const unknown = argv.filter((a) => !a.startsWith('--') && !available.includes(a))
  if (unknown.length > 0 && names.length === 0) {
    process.stderr.write(`Unknown bench: ${unknown.join(', ')}. Available: ${available.join(', ')}\n`)
    process.exitCode = 2
    return
  }
  const headlines: string[] = []
  for (const name of names.length > 0 ? names : available) {
    const mod = (await import(pathToFileURL(path.join(here, `${name}.bench.ts`)).href)) as BenchModule
    process.stdout.write(`\n=== ${name}: ${mod.description}${quick ? ' (quick)' : ''} ===\n`)
    const t0 = performance.now()
    const lines = await mod.run({ quick, argv })
    process.stdout.write(`=== ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s ===\n`)
    for (const line of lines ?? []) headlines.push(`${name}: ${line}`)
  }
  // One place to read the run: the comparisons issue 18 asks for come from separate benches.
  if (headlines.length > 0) process.stdout.write(`\n=== summary (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}) ===\n${headlines.join('\n')}\n`)
}

await main()
