import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { ActiveSessionsReply, SessionsQuery, SessionsReply } from '../../../src/contract/partner.ts';
import { get, projectPath } from './client.ts';
import { subscriberKeys } from './subscribers.ts';

export type SessionsPage = Static<typeof SessionsReply>;
export type ActiveSessions = Static<typeof ActiveSessionsReply>;

export const userSessionsQuery = (projectId: string, id: number, q: SessionsQuery) =>
  queryOptions({
    queryKey: [...subscriberKeys.one(projectId, id), 'sessions', q] as const,
    queryFn: () => get<SessionsPage>(projectPath(projectId, `subscribers/${id}/sessions`), { ...q }),
    placeholderData: keepPreviousData,
  });

export const activeSessionsQuery = (projectId: string, limit = 5000) =>
  queryOptions({
    queryKey: ['projects', projectId, 'sessions', 'active', limit] as const,
    queryFn: () => get<ActiveSessions>(projectPath(projectId, 'sessions/active'), { limit }),
    refetchInterval: 30_000,
  });
