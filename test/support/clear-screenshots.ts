import fs from 'node:fs'
import { screenshots } from './ui-session'

/**
 * Vitest globalSetup of the e2e project: runs once, before any browser test of this run starts, so
 * the folder ends up holding exactly what this run's tests wrote (no names no test writes any more).
 */
export function setup(): void {
  fs.rmSync(screenshots, { recursive: true, force: true })
  fs.mkdirSync(screenshots, { recursive: true })
}
