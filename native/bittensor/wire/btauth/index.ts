export * from './payload'
export * from './sign'
export * from './verify'
export * from './client'
