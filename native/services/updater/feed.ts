import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { dump } from 'js-yaml'

/**
 * The update feed, in exactly the shape electron-updater reads (`latest.yml`, `latest-mac.yml`,
 * `latest-linux.yml`, `latest-linux-arm64.yml`, and the same with `beta` for the beta channel).
 * File names follow electron-updater's providers: `<channel>.yml` for Windows,
 * `<channel>-mac.yml` for macOS, `<channel>-linux[-<arch>].yml` for Linux (no suffix for x64).
 */

export type FeedPlatform = 'win' | 'mac' | 'linux'
export type FeedChannel = 'latest' | 'beta'

export interface FeedFile {
  readonly url: string
  /** base64 SHA-512 of the file, as electron-updater verifies it. */
  readonly sha512: string
  readonly size: number
}

export interface FeedDocument {
  readonly version: string
  readonly files: FeedFile[]
  /** Legacy fields electron-updater still reads when `files` is missing; kept for old clients. */
  readonly path: string
  readonly sha512: string
  readonly releaseDate: string
  readonly releaseNotes?: string
  readonly stagingPercentage?: number
}

export interface Artifact {
  readonly file: string
  readonly platform: FeedPlatform
  /** x64, arm64, universal. */
  readonly arch: string
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/

/** The channels a release of `version` is published to. Stable releases also reach beta users. */
export function channelsForVersion(version: string): FeedChannel[] {
  const match = SEMVER.exec(version)
  if (!match) throw new Error(`"${version}" is not a semantic version (expected e.g. 1.2.3 or 1.3.0-beta.1)`)
  const pre = match[4]
  if (pre === undefined) return ['latest', 'beta']
  if (pre.split('.')[0] === 'beta') return ['beta']
  throw new Error(`Prerelease "${pre}" has no update channel: use a stable version (1.2.3) or a beta (1.3.0-beta.1)`)
}

export function channelFileName(channel: FeedChannel, platform: FeedPlatform, arch = 'x64'): string {
  if (platform === 'win') return `${channel}.yml`
  if (platform === 'mac') return `${channel}-mac.yml`
  return arch === 'x64' ? `${channel}-linux.yml` : `${channel}-linux-${arch}.yml`
}

const ARCH_ALIASES: Record<string, string> = { x64: 'x64', x86_64: 'x64', amd64: 'x64', arm64: 'arm64', aarch64: 'arm64', universal: 'universal' }

/** Which platform and architecture an installer belongs to, from its name; undefined for other files. */
export function classifyArtifact(file: string): Artifact | undefined {
  const name = path.basename(file)
  const lower = name.toLowerCase()
  const archToken = /(?:^|[-_.])(x64|x86_64|amd64|arm64|aarch64|universal)(?=[-_.])/.exec(lower)?.[1]
  const arch = archToken ? ARCH_ALIASES[archToken] : 'x64'
  if (lower.endsWith('.exe')) return { file, platform: 'win', arch }
  if (lower.endsWith('.zip') || lower.endsWith('.dmg')) return { file, platform: 'mac', arch }
  if (lower.endsWith('.appimage') || lower.endsWith('.deb') || lower.endsWith('.rpm')) return { file, platform: 'linux', arch }
  return undefined
}

export async function sha512Base64(file: string): Promise<string> {
  const hash = createHash('sha512')
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('base64')
}

/** The order in which an updater should see files: the one it installs from comes first. */
function primaryRank(platform: FeedPlatform, file: string): number {
  const ext = path.extname(file).toLowerCase()
  if (platform === 'mac') return ext === '.zip' ? 0 : 1 // Squirrel.Mac updates from the zip
  if (platform === 'linux') return ext === '.appimage' ? 0 : ext === '.deb' ? 1 : 2
  return 0
}

export interface BuildFeedOptions {
  readonly version: string
  readonly artifacts: readonly string[]
  readonly releaseDate?: string
  readonly releaseNotes?: string
  readonly stagingPercentage?: number
  /** URL prefix for files hosted elsewhere than the feed (default: same folder, relative names). */
  readonly baseUrl?: string
}

/** Computes every channel file for one release: file name -> document. */
export async function buildFeeds(options: BuildFeedOptions): Promise<Map<string, FeedDocument>> {
  const channels = channelsForVersion(options.version)
  const releaseDate = options.releaseDate ?? new Date().toISOString()
  if (Number.isNaN(Date.parse(releaseDate))) throw new Error(`Release date "${releaseDate}" is not a date`)
  const groups = new Map<string, { platform: FeedPlatform; arch: string; files: string[] }>()
  for (const file of options.artifacts) {
    const artifact = classifyArtifact(file)
    if (!artifact) continue
    if (!path.basename(file).includes(options.version)) {
      throw new Error(`${path.basename(file)} does not carry version ${options.version} in its name: is it from another build?`)
    }
    // macOS: one feed lists every architecture (electron-updater picks arm64 or x64 itself).
    const arch = artifact.platform === 'linux' ? (artifact.arch === 'universal' ? 'x64' : artifact.arch) : 'all'
    const key = `${artifact.platform}/${arch}`
    const group = groups.get(key) ?? { platform: artifact.platform, arch, files: [] }
    group.files.push(file)
    groups.set(key, group)
  }
  if (groups.size === 0) throw new Error('No installers found (.exe, .dmg/.zip, .AppImage, .deb, .rpm)')

  const feeds = new Map<string, FeedDocument>()
  for (const group of groups.values()) {
    if (group.platform === 'mac' && !group.files.some((f) => f.toLowerCase().endsWith('.zip'))) {
      throw new Error('macOS auto-update needs the .zip next to the .dmg: add the "zip" target for mac')
    }
    const sorted = [...group.files].sort((a, b) => primaryRank(group.platform, a) - primaryRank(group.platform, b) || a.localeCompare(b))
    const files: FeedFile[] = []
    for (const file of sorted) {
      const name = path.basename(file)
      files.push({
        url: options.baseUrl ? new URL(encodeURIComponent(name), options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).href : name,
        sha512: await sha512Base64(file),
        size: fs.statSync(file).size,
      })
    }
    const primary = files[0]
    const doc: FeedDocument = {
      version: options.version,
      files,
      path: primary.url,
      sha512: primary.sha512,
      releaseDate,
      ...(options.releaseNotes ? { releaseNotes: options.releaseNotes } : {}),
      ...(options.stagingPercentage !== undefined ? { stagingPercentage: options.stagingPercentage } : {}),
    }
    for (const channel of channels) feeds.set(channelFileName(channel, group.platform, group.arch), doc)
  }
  return feeds
}

export function serializeFeed(doc: FeedDocument): string {
  return dump(doc, { lineWidth: -1, noRefs: true, quotingType: "'" })
}

/** Writes the channel files into `outDir` (atomically, each through a temp file) and returns their paths. */
export async function writeFeeds(outDir: string, options: BuildFeedOptions): Promise<string[]> {
  const feeds = await buildFeeds(options)
  fs.mkdirSync(outDir, { recursive: true })
  const written: string[] = []
  for (const [name, doc] of feeds) {
    const target = path.join(outDir, name)
    const temp = `${target}.tmp-${process.pid}`
    fs.writeFileSync(temp, serializeFeed(doc))
    fs.renameSync(temp, target)
    written.push(target)
  }
  return written.sort()
}
