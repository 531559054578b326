import fs from 'node:fs'
import path from 'node:path'
import type { BrowserContextOptions, Page } from 'playwright-core'
import { RpcClient } from '../../native/rpc'
import { connectWs } from '../../native/rpc/transports/ws-node'
import { launchChromium } from './chromium'
import { startServeProcess } from './serve-process'
import type { ServeProcess } from './serve-process'
import { makeTempHome } from './temp-home'

/** What the browser tests share: the built app they drive, where screenshots go, a page and an RPC client. */
export const repoRoot = path.resolve(import.meta.dirname, '../..')
export const screenshots = path.join(repoRoot, 'test-results', 'screenshots')

/** Fails early, with the fix, when the build the UI tests drive is missing; makes the screenshots folder. */
export function requireBuild(...extra: string[]): void {
  for (const built of ['out/renderer/index.html', 'out/main/cli.js', ...extra]) {
    if (!fs.existsSync(path.join(repoRoot, built))) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does).`)
  }
  fs.mkdirSync(screenshots, { recursive: true })
}

/** One place for a free loopback port; the browser tests import it from here with the rest of their session. */
export { freePort } from './free-port'

/** An RPC client over the serve process's token-protected WebSocket. */
export async function connectRpc(serve: ServeProcess): Promise<RpcClient> {
  return new RpcClient(await connectWs(`${serve.origin.replace('http', 'ws')}/rpc`, serve.token))
}

/** Chromium with one page in a fresh context. */
export async function openPage(context: BrowserContextOptions): Promise<{ page: Page; close: () => Promise<void> }> {
  const { browser, cleanup } = await launchChromium()
  const page = await (await browser.newContext(context)).newPage()
  return { page, close: cleanup }
}

export interface UiSessionOptions {
  readonly viewport: { readonly width: number; readonly height: number }
  readonly acceptDownloads?: boolean
  /** Built files this test needs besides the UI and the CLI (worker bundles). */
  readonly requires?: readonly string[]
  /** Environment for `taodesk serve` (a hub double's HF_ENDPOINT). */
  readonly env?: Readonly<Record<string, string>>
  /** Runs on the empty home folder before the server starts (seeded databases, keyfiles). */
  readonly prepare?: (home: string) => void
}

/**
 * One browser test's world: an empty home folder, `taodesk serve` on it with its wallets folder
 * inside that home (never the real ~/.bittensor), an RPC client over its WebSocket, and a page.
 */
export class UiSession {
  private constructor(
    readonly home: { readonly dir: string; readonly cleanup: () => void },
    readonly serve: ServeProcess,
    readonly client: RpcClient,
    readonly page: Page,
    private readonly closeBrowser: () => Promise<void>,
  ) {}

  static async start(o: UiSessionOptions): Promise<UiSession> {
    requireBuild(...(o.requires ?? []))
    const home = makeTempHome()
    o.prepare?.(home.dir)
    const serve = await startServeProcess(home.dir, [], o.env)
    const client = await connectRpc(serve)
    await client.call('wallet.setDirectory', { path: path.join(home.dir, 'wallets') })
    const { page, close } = await openPage({ viewport: o.viewport, acceptDownloads: o.acceptDownloads })
    return new UiSession(home, serve, client, page, close)
  }

  get walletsDir(): string {
    return path.join(this.home.dir, 'wallets')
  }

  shot(name: string): Promise<Buffer> {
    return this.page.screenshot({ path: path.join(screenshots, name) })
  }

  /** Closes the browser, stops the server and removes the home folder; resolves to the server's exit code. */
  async close(): Promise<number | null> {
    await this.closeBrowser()
    const code = await this.serve.stop()
    this.home.cleanup()
    return code
  }
}
