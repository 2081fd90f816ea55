import { queryOptions } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { Purchase, PurchaseReply, PurchasesReply } from '../../../src/contract/purchases.ts';
import { get, post, projectPath } from './client.ts';
import { subscriberKeys } from './subscribers.ts';

export const purchasesQuery = (projectId: string, id: number) =>
  queryOptions({
    queryKey: [...subscriberKeys.one(projectId, id), 'purchases'] as const,
    queryFn: async (): Promise<Purchase[]> =>
      (await get<Static<typeof PurchasesReply>>(projectPath(projectId, `subscribers/${id}/purchase`))).purchases,
    retry: false,
  });

/** Activate verifies the purchase with its store first; the reply says why when it stays inactive. */
export const setPurchaseActive = async (projectId: string, id: number, purchaseId: number, active: boolean): Promise<Purchase> =>
  (
    await post<Static<typeof PurchaseReply>>(
      projectPath(projectId, `subscribers/${id}/purchase/${purchaseId}/${active ? 'activate' : 'deactivate'}`),
    )
  ).purchase;
