import fs from 'node:fs'
import path from 'node:path'
import type { BrowserContextOptions, Page } from 'playwright-core'
import { RpcClient } from '../../native/rpc'
import { connectWs } from '../../native/rpc/transports/ws-node'
import { launchChromium } from './chromium'
import type { ServeProcess } from './serve-process'

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
