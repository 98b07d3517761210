/** A value that settles `ms` after the last change (search boxes). */
import { useEffect, useState } from 'react';

/** Debounce a value. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
