export * from './emitter'
export * from './assert'
