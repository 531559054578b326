// The SDK's weight processing (§2.6) has one implementation, next to the chain calls that use it.
export * from '../../chain/weights'
