import { queryOptions } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type {
  ProductMapping,
  ProductsReply,
  ProductsUpdate,
  StoreSettings,
  StoreSettingsReply,
  StoreSettingsUpdate,
} from '../../../src/contract/purchases.ts';
import { get, projectPath, put } from './client.ts';

export type Product = Static<typeof ProductMapping>;

export const storeKeys = {
  stores: (projectId: string) => ['projects', projectId, 'settings', 'stores'] as const,
  products: (projectId: string) => ['projects', projectId, 'settings', 'products'] as const,
};

/** The project's App Store / Google Play settings; the server masks the secrets (last four characters). */
export const storeSettingsQuery = (projectId: string) =>
  queryOptions({
    queryKey: storeKeys.stores(projectId),
    queryFn: async (): Promise<StoreSettings> =>
      (await get<Static<typeof StoreSettingsReply>>(projectPath(projectId, 'settings/stores'))).stores,
  });

/** Replaces one store's settings (or both); a secret left out keeps its stored value. */
export const putStoreSettings = async (projectId: string, body: StoreSettingsUpdate): Promise<StoreSettings> =>
  (await put<Static<typeof StoreSettingsReply>>(projectPath(projectId, 'settings/stores'), body)).stores;

/** Product id -> license and traffic limit while a purchase of it is active. */
export const productsQuery = (projectId: string) =>
  queryOptions({
    queryKey: storeKeys.products(projectId),
    queryFn: async (): Promise<Product[]> =>
      (await get<Static<typeof ProductsReply>>(projectPath(projectId, 'settings/products'))).products,
  });

export const putProducts = async (projectId: string, body: ProductsUpdate): Promise<Product[]> =>
  (await put<Static<typeof ProductsReply>>(projectPath(projectId, 'settings/products'), body)).products;
