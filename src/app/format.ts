/** Number and byte formatting for the facts panel (one locale-independent style everywhere). */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const

export function formatBytes (bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1
  return `${value.toFixed(digits).replace(/\.0$/, '')} ${UNITS[unit] ?? 'B'}`
}

export function formatRate (perSecond: number, noun: string): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M ${noun}/s`
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(0)} k ${noun}/s`
  return `${perSecond.toFixed(0)} ${noun}/s`
}

export function toHex (bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}
