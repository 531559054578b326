/** The only IPC channels between the window and main. Envelopes on them follow native/rpc/protocol. */
export const RPC_CHANNEL = 'taodesk:rpc'
/** main -> window: the engine process went down or came back ({ up: boolean }). */
export const ENGINE_STATE_CHANNEL = 'taodesk:engine-state'
