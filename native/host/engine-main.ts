/**
 * Entry of the engine process when the desktop app runs it as an Electron utilityProcess.
 * It never imports Electron: the parent port is a structural type, so the same engine code
 * runs under plain Node for the CLI and tests.
 */
import { MuxEndpoint } from '../rpc'
import { RemoteUpdateDriver } from '../services/updater'
import { RemoteSecretVault } from '../platform/secrets/secret-vault'
import { createEngine } from './create-engine'
import { installCrashGuards } from './crash-guards'
import { resolveHome } from './paths'
import { packageVersion } from './version'

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort
if (!parentPort) {
  process.stderr.write('engine-main must be started as a utility process; use `taodesk serve` for headless mode.\n')
  process.exit(2)
}

// electron-updater runs in the main process; the engine's update service drives it over the parent port.
const updates = new RemoteUpdateDriver((message) => parentPort.postMessage(message), packageVersion())
// "Remember password" uses Electron safeStorage in the main process (electron/main/secret-vault.ts).
const vault = new RemoteSecretVault((message) => parentPort.postMessage(message))
const engine = createEngine({ home: resolveHome(), version: packageVersion(), headless: false, updateDriver: updates, desktopShell: updates, secretVault: vault })
installCrashGuards(engine.log)
const mux = new MuxEndpoint(
  (frame) => parentPort.postMessage(frame),
  (conn, transport) => engine.server.connect(transport, { transport: 'ipc', peer: `window-${conn}` }),
)
parentPort.on('message', (event) => {
  if (!updates.receive(event.data) && !vault.receive(event.data)) mux.receive(event.data)
})

const shutdown = (): void => {
  void engine.dispose().finally(() => process.exit(0))
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
