/**
 * Writes the electron-updater feed files for one release from the installers in a folder:
 * latest.yml (Windows), latest-mac.yml, latest-linux.yml (and latest-linux-arm64.yml), with the
 * base64 sha512 and size of every file. A stable release also writes beta*.yml (beta users get
 * stable releases too); a beta release (1.3.0-beta.1) writes only beta*.yml.
 *
 *   npx tsx scripts/generate-update-feed.ts --dir release/1.2.3 --version 1.2.3 \
 *     [--out DIR] [--release-date ISO] [--notes FILE] [--staging-percentage N] [--base-url URL]
 *
 * Run it after signing and notarizing: the hashes must describe the final bytes users download.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { writeFeeds } from '../native/services/updater/feed'

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dir: { type: 'string' },
      version: { type: 'string' },
      out: { type: 'string' },
      'release-date': { type: 'string' },
      notes: { type: 'string' },
      'staging-percentage': { type: 'string' },
      'base-url': { type: 'string' },
    },
    strict: true,
  })
  if (!values.dir || !values.version) {
    process.stderr.write('usage: generate-update-feed --dir DIR --version X.Y.Z [--out DIR] [--release-date ISO] [--notes FILE] [--staging-percentage N] [--base-url URL]\n')
    return 2
  }
  const dir = path.resolve(values.dir)
  const artifacts = fs.readdirSync(dir).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile())
  let stagingPercentage: number | undefined
  if (values['staging-percentage'] !== undefined) {
    stagingPercentage = Number(values['staging-percentage'])
    if (!Number.isInteger(stagingPercentage) || stagingPercentage < 1 || stagingPercentage > 100) {
      process.stderr.write('--staging-percentage must be a whole number from 1 to 100\n')
      return 2
    }
  }
  const written = await writeFeeds(path.resolve(values.out ?? dir), {
    version: values.version,
    artifacts,
    releaseDate: values['release-date'],
    releaseNotes: values.notes ? fs.readFileSync(values.notes, 'utf8') : undefined,
    stagingPercentage,
    baseUrl: values['base-url'],
  })
  for (const file of written) process.stdout.write(`${file}\n`)
  return 0
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`generate-update-feed: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exit(1)
    },
  )
}
