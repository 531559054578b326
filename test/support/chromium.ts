import fs from 'node:fs'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']

function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv
  const found = CANDIDATES.find((p) => fs.existsSync(p))
  if (!found) throw new Error('No Chromium found for the UI tests. Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.')
  return found
}

/** Debian's Chromium, headless, isolated profile, no background traffic (this machine has no internet). */
export async function launchChromium(): Promise<{ browser: Browser; cleanup: () => Promise<void> }> {
  // Playwright gives every launch a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  return {
    browser,
    cleanup: async () => {
      await browser.close()
    },
  }
}
