import { useMutation, useQueryClient } from '@tanstack/react-query';
import { subscriberKeys } from '../../api/subscribers.ts';
import { licenseKeys } from '../../api/licenses.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { useProject } from '../../lib/project-context.ts';

/**
 * A User page action: runs `fn`, shows the outcome (the server's error text on failure) and refreshes
 * everything shown about the project's users, so the page reflects the new state without a reload.
 */
export function useUserAction<V = void>(fn: (vars: V) => Promise<unknown>, success: string | ((vars: V) => string)) {
  const { project } = useProject();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (_data, vars) => notifySuccess(typeof success === 'function' ? success(vars) : success),
    onError: notifyError,
    // Refresh after failures too: a refused action may still have recorded something (e.g. verify_error).
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: subscriberKeys.all(project.id) }),
        queryClient.invalidateQueries({ queryKey: licenseKeys.all(project.id) }),
      ]),
  });
}
