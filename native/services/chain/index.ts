export * from './chain-service'
export * from './practice'
