import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api/api-client.ts';
import type { Directory } from '../api/api-types.ts';

/** `value` once it has stayed the same for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The transfer directory (`GET /directory?q=`) for what the agent typed,
 * asked 250 ms after the typing stops; the last answer stays on screen
 * while the next is on its way.
 */
export function useDirectory(text: string, enabled: boolean) {
  const q = useDebounced(text.trim(), 250);
  return useQuery({
    queryKey: ['directory', q],
    queryFn: () => api.get<Directory>(`/directory?q=${encodeURIComponent(q)}`),
    enabled,
    staleTime: 5_000,
    retry: false,
    placeholderData: keepPreviousData,
  });
}
