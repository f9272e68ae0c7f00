import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/api-client.ts';
import type { Me } from '../api/api-types.ts';

export const meKey = ['me'] as const;

/** The logged-in user (GET /auth/me); an ApiError 401 means nobody is. */
export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: () => api.get<Me>('/auth/me'), retry: false });
}

/** The user as the pages need them once RequireSession has let them in. */
export function useSignedInUser(): Me {
  const client = useQueryClient();
  const me = client.getQueryData<Me>(meKey);
  if (me === undefined) throw new Error('useSignedInUser outside RequireSession');
  return me;
}

/** The user's time zone: theirs from the server, else the browser's. */
export function userTimeZone(me: Me | undefined): string {
  return me?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const signedInKey = 'switchboard.signedIn';

/** Remembered across reloads, so a later 401 can say "your session ended" rather than nothing. */
export const signedInMemory = {
  set: () => localStorage.setItem(signedInKey, '1'),
  clear: () => localStorage.removeItem(signedInKey),
  was: () => localStorage.getItem(signedInKey) === '1',
};

/**
 * POST /auth/login: on success the user is the session's (meKey) and is
 * remembered as signed in; `onLoggedIn` then moves on (a page, or the page
 * under a dialog, whose data it re-reads).
 */
export function useLogIn(onLoggedIn: (me: Me) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { email: string; password: string }) =>
      api.post<Me>('/auth/login', credentials),
    onSuccess: (me) => {
      queryClient.setQueryData(meKey, me);
      signedInMemory.set();
      onLoggedIn(me);
    },
  });
}
