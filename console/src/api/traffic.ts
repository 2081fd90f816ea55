import { queryOptions } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { DailyTrafficReply, TrafficReply, TrafficState } from '../../../src/contract/partner.ts';
import { del, get, post, projectPath } from './client.ts';
import { subscriberKeys } from './subscribers.ts';

export type DailyTraffic = Static<typeof DailyTrafficReply>['days'];

export const dailyTrafficQuery = (projectId: string, id: number, days = 30) =>
  queryOptions({
    queryKey: [...subscriberKeys.one(projectId, id), 'traffic', 'daily', days] as const,
    queryFn: async (): Promise<DailyTraffic> =>
      (
        await get<Static<typeof DailyTrafficReply>>(projectPath(projectId, `subscribers/${id}/traffic/daily`), {
          days,
        })
      ).days,
  });

export const setTrafficLimit = async (
  projectId: string,
  id: number,
  limit: bigint,
  reset: boolean,
): Promise<TrafficState> =>
  (
    await post<Static<typeof TrafficReply>>(projectPath(projectId, `subscribers/${id}/traffic`), {
      traffic_limit: limit,
      reset,
    })
  ).traffic;

export const setTrafficUnlimited = (projectId: string, id: number, reset: boolean) =>
  del<unknown>(projectPath(projectId, `subscribers/${id}/traffic`), { reset });
