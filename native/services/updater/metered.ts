import { execFile } from 'node:child_process'

/**
 * Whether the operating system says the current connection is metered (costs money per byte).
 * `undefined` means the OS gave no answer; TaoDesk then follows only the user's setting.
 *
 * - Linux: NetworkManager's `Metered` property over D-Bus (`busctl`): 1 yes, 3 guess-yes.
 * - Windows: the WinRT connection cost of the internet profile (`Fixed` or `Variable` = metered).
 * - macOS: no command-line answer exists (Low Data Mode is visible to native code only): undefined.
 */
export type MeteredProbe = () => Promise<boolean | undefined>

type Exec = (file: string, args: readonly string[]) => Promise<string>

const defaultExec: Exec = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 5000, windowsHide: true }, (error, stdout) => (error ? reject(error) : resolve(stdout)))
  })

/** Parses `busctl get-property ... Metered` output ("u 4"). NMMetered: 0 unknown, 1 yes, 2 no, 3 guess-yes, 4 guess-no. */
export function parseNetworkManagerMetered(output: string): boolean | undefined {
  const match = /^\s*u\s+(\d+)\s*$/.exec(output)
  if (!match) return undefined
  const value = Number(match[1])
  if (value === 1 || value === 3) return true
  if (value === 2 || value === 4) return false
  return undefined
}

/** Parses the NetworkCostType printed by PowerShell: Unrestricted, Fixed, Variable, Unknown. */
export function parseWindowsCostType(output: string): boolean | undefined {
  const value = output.trim().toLowerCase()
  if (value === 'fixed' || value === 'variable') return true
  if (value === 'unrestricted') return false
  return undefined
}

const WINDOWS_COST_SCRIPT =
  '[void][Windows.Networking.Connectivity.NetworkInformation,Windows.Networking.Connectivity,ContentType=WindowsRuntime];' +
  '$p=[Windows.Networking.Connectivity.NetworkInformation]::GetInternetConnectionProfile();' +
  'if($p){$p.GetConnectionCost().NetworkCostType}else{"Unknown"}'

export function createMeteredProbe(platform: NodeJS.Platform = process.platform, exec: Exec = defaultExec): MeteredProbe {
  return async () => {
    try {
      if (platform === 'linux') {
        const out = await exec('busctl', ['--system', 'get-property', 'org.freedesktop.NetworkManager', '/org/freedesktop/NetworkManager', 'org.freedesktop.NetworkManager', 'Metered'])
        return parseNetworkManagerMetered(out)
      }
      if (platform === 'win32') {
        const out = await exec('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', WINDOWS_COST_SCRIPT])
        return parseWindowsCostType(out)
      }
      return undefined
    } catch {
      // No NetworkManager, no D-Bus, PowerShell blocked: the OS gave no answer.
      return undefined
    }
  }
}
