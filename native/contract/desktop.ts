import { z } from 'zod'
import { event, method } from './define'

/**
 * Desktop integration the Electron main process shows (tray icon, OS notifications). The engine
 * decides what and when (testable, headless-safe); main only renders it.
 */

export const DesktopNotice = z.object({
  /** Stable key of the condition ("miner.unreachable"), for de-duplication. */
  key: z.string(),
  title: z.string(),
  body: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  time: z.number(),
})
export type DesktopNotice = z.infer<typeof DesktopNotice>

export const TrayState = z.object({
  state: z.enum(['running', 'stopped', 'warning']),
  /** One line for the tray tooltip. */
  tooltip: z.string(),
  /** Short lines for the tray menu (status, uid, incentive, warnings). */
  lines: z.array(z.string()),
  minerRunning: z.boolean(),
})
export type TrayState = z.infer<typeof TrayState>

export const desktopMethods = {
  'desktop.tray': method(z.object({}).strict(), TrayState, 'What the tray icon shows: running, stopped or warning, with a tooltip.'),
}

export const desktopEvents = {
  'desktop.notify': event(DesktopNotice, 'An important change worth an OS notification (only fired while the `notifications` setting is on).'),
  'desktop.tray': event(TrayState, 'The tray state changed.'),
}
