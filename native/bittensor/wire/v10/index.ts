export * from './dendrite'
