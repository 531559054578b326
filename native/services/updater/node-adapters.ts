import http from 'node:http'
import https from 'node:https'
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http'
import { HttpExecutor, configureRequestOptions, configureRequestUrl } from 'builder-util-runtime'
import type { DownloadOptions } from 'builder-util-runtime'
import type { AppAdapter } from 'electron-updater/out/AppAdapter'

/**
 * electron-updater's HTTP layer over node:http / node:https, for the engine process and tests
 * (the packaged app's main process uses Electron's `net` instead). Redirects, timeouts,
 * cancellation and sha512 verification stay electron-updater's own code.
 */
export class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    const transport = options.protocol === 'http:' ? http : https
    return transport.request(options, callback)
  }

  /** Streams `url` to `destination`, verifying sha512 (or sha256) on the way, as Electron's executor does. */
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined }
      configureRequestUrl(url, requestOptions)
      configureRequestOptions(requestOptions)
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error ? reject(error) : resolve(destination)),
          responseHandler: null,
        },
        0,
      )
    })
  }
}

export interface NodeAppAdapterOptions {
  readonly name: string
  readonly version: string
  /** Path to app-update.yml (provider, url, updaterCacheDirName). */
  readonly appUpdateConfigPath: string
  readonly userDataPath: string
  /** Parent of the updater's download cache. */
  readonly baseCachePath: string
  /** What "restart" means outside Electron: the host decides (tests record it). */
  readonly quit?: () => void
  readonly relaunch?: () => void
}

/** electron-updater's view of the app, without Electron. */
export class NodeAppAdapter implements AppAdapter {
  readonly isPackaged = true
  private readonly quitHandlers: ((exitCode: number) => void)[] = []

  constructor(private readonly options: NodeAppAdapterOptions) {}

  get name(): string {
    return this.options.name
  }
  get version(): string {
    return this.options.version
  }
  get appUpdateConfigPath(): string {
    return this.options.appUpdateConfigPath
  }
  get userDataPath(): string {
    return this.options.userDataPath
  }
  get baseCachePath(): string {
    return this.options.baseCachePath
  }
  whenReady(): Promise<void> {
    return Promise.resolve()
  }
  relaunch(): void {
    this.options.relaunch?.()
  }
  quit(): void {
    this.options.quit?.()
  }
  onQuit(handler: (exitCode: number) => void): void {
    this.quitHandlers.push(handler)
  }
}
