import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { StoreSettingsUpdate } from '../../../../src/contract/purchases.ts';
import { ApiError } from '../../api/client.ts';
import { putStoreSettings, storeKeys } from '../../api/store-settings.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';

/**
 * Saves one store's settings. On success the cache takes the server's (masked) answer, which also
 * resets the form; on failure the server's error text is shown, under the field it names when the
 * form has one (`apple.private_key` -> errors.private_key), else above the buttons.
 */
export function useStoreSave(projectId: string, store: 'apple' | 'google', label: string) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const mutation = useMutation({
    mutationFn: (body: StoreSettingsUpdate) => putStoreSettings(projectId, body),
    onMutate: () => setError(null),
    onSuccess: (stores, body) => {
      queryClient.setQueryData(storeKeys.stores(projectId), stores);
      notifySuccess(body[store] === null ? `${label} settings removed` : `${label} settings saved`);
    },
    onError: (e) => {
      const field = e instanceof ApiError && e.field?.startsWith(`${store}.`) ? e.field.slice(store.length + 1) : null;
      setError({ field, message: e.message });
      notifyError(e);
    },
  });
  /** The server's complaint about `field`, if that is what it named. */
  const fieldError = (field: string): string | undefined => (error?.field === field ? error.message : undefined);
  /** A complaint no field of the form shows. */
  const formError = error && (error.field === null || !FORM_FIELDS[store].includes(error.field)) ? error.message : null;
  return { mutation, fieldError, formError, clearError: () => setError(null) };
}

const FORM_FIELDS = {
  apple: ['issuer_id', 'key_id', 'private_key', 'bundle_id', 'app_apple_id'],
  google: ['package_name', 'service_account_json'],
};
