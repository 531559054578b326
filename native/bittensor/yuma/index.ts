export * from './yuma'
