/** Byte counts in decimal units, as file managers show them. */
const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1536 → {value: 1.536, unit: 'KB', scaled: true}; below 1000 the unit is 'bytes' and scaled is false. */
export function scaleBytes(n: number): { value: number; unit: (typeof UNITS)[number]; scaled: boolean } {
  let v = n;
  let i = 0;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return { value: v, unit: UNITS[i]!, scaled: i > 0 };
}
