import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type {
  Subscriber,
  SubscriberCreate,
  SubscriberReply,
  SubscribersQuery,
  SubscribersReply,
  SubscriberUpdate,
} from '../../../src/contract/partner.ts';
import { del, get, post, projectPath, put } from './client.ts';

type ListReply = Static<typeof SubscribersReply>;
type OneReply = Static<typeof SubscriberReply>;

export const subscriberKeys = {
  all: (projectId: string) => ['projects', projectId, 'subscribers'] as const,
  list: (projectId: string, q: SubscribersQuery) => [...subscriberKeys.all(projectId), 'list', q] as const,
  one: (projectId: string, id: number) => [...subscriberKeys.all(projectId), id] as const,
};

export const subscribersQuery = (projectId: string, q: SubscribersQuery) =>
  queryOptions({
    queryKey: subscriberKeys.list(projectId, q),
    queryFn: () => get<ListReply>(projectPath(projectId, 'subscribers'), { ...q }),
    placeholderData: keepPreviousData,
  });

export const subscriberQuery = (projectId: string, id: number) =>
  queryOptions({
    queryKey: subscriberKeys.one(projectId, id),
    queryFn: async (): Promise<Subscriber> =>
      (await get<OneReply>(projectPath(projectId, `subscribers/${id}`))).subscriber,
  });

export const createSubscriber = async (projectId: string, body: SubscriberCreate): Promise<Subscriber> =>
  (await post<OneReply>(projectPath(projectId, 'subscribers'), body)).subscriber;

export const updateSubscriber = async (
  projectId: string,
  id: number,
  body: SubscriberUpdate,
): Promise<Subscriber> => (await put<OneReply>(projectPath(projectId, `subscribers/${id}`), body)).subscriber;

export const deleteSubscriber = (projectId: string, id: number) =>
  del<unknown>(projectPath(projectId, `subscribers/${id}`), { confirm: id });
