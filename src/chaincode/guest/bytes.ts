import { Buffer } from 'buffer'

/** Every byte value handed to chaincode is a Buffer, as in Fabric's Node shim. */
export function fromHex (hex: string): Buffer { return Buffer.from(hex, 'hex') }

export function toHex (value: unknown, field: string): string {
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('hex')
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')
  throw new Error(`${field} must be a Buffer, Uint8Array or string`)
}
