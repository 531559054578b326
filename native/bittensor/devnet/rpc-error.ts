/** A JSON-RPC error as a node reports it (code, message, data). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: string,
  ) {
    super(message)
    this.name = 'RpcError'
  }
}
