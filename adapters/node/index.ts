export * from './crypto-secret-generator.js'
export * from './random-id-generator.js'
export * from './scrypt-password-hasher.js'
export * from './system-clock.js'
