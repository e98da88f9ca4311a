export * from './solo.js'
