export * from './format'
export * from './request'
export * from './headers'
export * from './dendrite'
