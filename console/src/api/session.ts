import { queryOptions } from '@tanstack/react-query';
import type { SessionReply } from '../../../src/contract/console.ts';
import { ApiError, del, get, request, setCsrfToken } from './client.ts';

export type ConsoleSession = SessionReply;

const PATH = '/console/api/session';

/** Resolves to the session, or null when signed out. */
export const sessionQuery = queryOptions({
  queryKey: ['session'],
  queryFn: async (): Promise<ConsoleSession | null> => {
    try {
      const s = await get<ConsoleSession>(PATH, undefined, { quiet401: true });
      setCsrfToken(s.csrf_token);
      return s;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setCsrfToken(null);
        return null;
      }
      throw e;
    }
  },
  staleTime: 5 * 60_000,
  retry: false,
});

export async function signIn(email: string, password: string): Promise<ConsoleSession> {
  const s = await request<ConsoleSession>('POST', PATH, { body: { email, password }, quiet401: true });
  setCsrfToken(s.csrf_token);
  return s;
}

export async function signOut(): Promise<void> {
  try {
    await del(PATH);
  } finally {
    setCsrfToken(null);
  }
}
