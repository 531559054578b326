export * from './emitter'
export * from './assert'
export * from './cosine'
export * from './translate-errors'
