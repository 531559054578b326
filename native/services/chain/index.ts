export * from './chain-service'
export * from './practice'
export * from './subnet-guard'
export * from './subnet-creation'
