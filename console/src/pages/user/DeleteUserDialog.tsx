import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Subscriber } from '../../../../src/contract/partner.ts';
import { licenseKeys } from '../../api/licenses.ts';
import { deleteSubscriber, subscriberKeys } from '../../api/subscribers.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { useProject } from '../../lib/project-context.ts';

interface Props {
  opened: boolean;
  onClose: () => void;
  user: Subscriber;
  onDeleted: () => void;
}

/** Irreversible: the operator must type the user ID. */
export function DeleteUserDialog({ opened, onClose, user, onDeleted }: Props) {
  const { project } = useProject();
  const queryClient = useQueryClient();
  const action = useMutation({
    mutationFn: () => deleteSubscriber(project.id, user.id),
    onSuccess: () => {
      notifySuccess(`User ${user.id} and all its data deleted`);
      onClose();
      onDeleted();
      // Drop the deleted user's queries once its page has unmounted (a refetch now would 404).
      setTimeout(() => queryClient.removeQueries({ queryKey: subscriberKeys.one(project.id, user.id) }), 0);
      void queryClient.invalidateQueries({ queryKey: [...subscriberKeys.all(project.id), 'list'] });
      void queryClient.invalidateQueries({ queryKey: licenseKeys.all(project.id) });
    },
    onError: notifyError,
  });
  return (
    <ConfirmDialog
      opened={opened}
      onClose={onClose}
      title="Delete user"
      confirmLabel="Delete user data"
      typeToConfirm={String(user.id)}
      typeLabel="User ID"
      loading={action.isPending}
      onConfirm={() => action.mutate()}
    >
      This deletes user <b>{user.name}</b> and all its data: user info, devices and session history. This action is
      irreversible. Type the user ID (<b>{user.id}</b>) to confirm.
    </ConfirmDialog>
  );
}
