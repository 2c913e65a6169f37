/** Money in minor units as currency text, with the currency's own decimals (¥ has none). */
export const formatMoney = (amount: number, currency: string): string => {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency })
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2
  return format.format(amount / 10 ** digits)
}

export const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)} %`

/** Two columns: labels padded to a common width. */
export const table = (rows: readonly (readonly [string, string])[], indent = '  '): string[] => {
  const width = Math.max(0, ...rows.map(([label]) => label.length))
  return rows.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`)
}
