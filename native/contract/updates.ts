import { z } from 'zod'
import { event, method } from './define'

export const UpdateChannel = z.enum(['stable', 'beta'])
export type UpdateChannel = z.infer<typeof UpdateChannel>

export const UpdateState = z.enum([
  /** This copy cannot update itself (development build, headless npm install: see `reason`). */
  'unsupported',
  'idle',
  'checking',
  'up-to-date',
  /** Found, not downloaded: auto-download is off or the connection is metered (see `deferred`). */
  'available',
  'downloading',
  /** Downloaded and verified; the user decides when to restart. */
  'ready',
  /** The user asked to restart; waiting until the miner and validator are at a safe point. */
  'waiting-for-safe-point',
  'installing',
  'error',
])
export type UpdateState = z.infer<typeof UpdateState>

export const UpdateStatus = z.object({
  currentVersion: z.string(),
  channel: UpdateChannel,
  state: UpdateState,
  /** Why updates are unavailable, when state is "unsupported". */
  reason: z.string().nullable(),
  autoDownload: z.boolean(),
  lastCheckAt: z.number().nullable(),
  nextCheckAt: z.number().nullable(),
  available: z
    .object({ version: z.string(), releaseDate: z.string().nullable(), releaseNotes: z.string().nullable() })
    .nullable(),
  progress: z
    .object({ percent: z.number(), transferredBytes: z.number(), totalBytes: z.number(), bytesPerSecond: z.number() })
    .nullable(),
  /** Why an available update was not downloaded automatically. */
  deferred: z.enum(['metered', 'auto-download-off']).nullable(),
  /** While waiting for a safe point: the work that holds the restart back. */
  waitingFor: z.array(z.object({ owner: z.string(), reason: z.string(), since: z.number() })),
  /** The last failure, written for the user; the running version is untouched. */
  error: z.string().nullable(),
})
export type UpdateStatus = z.infer<typeof UpdateStatus>

const Empty = z.object({}).strict()

export const updatesMethods = {
  'updates.status': method(Empty, UpdateStatus, 'Current version, channel, last check and update state.'),
  'updates.check': method(Empty, UpdateStatus, 'Check the update feed now (downloads automatically when allowed).'),
  'updates.download': method(Empty, UpdateStatus, 'Download the available update now, even on a metered connection.'),
  'updates.restart': method(Empty, UpdateStatus, 'Restart into the downloaded update at the next safe point.'),
  'updates.cancelRestart': method(Empty, UpdateStatus, 'Stop waiting for a safe point; the update stays ready.'),
}

export const updatesEvents = {
  'updates.status': event(UpdateStatus, 'The update state changed (checks, download progress, safe-point wait).'),
}
