export * from './emitter'
export * from './assert'
export * from './translate-errors'
