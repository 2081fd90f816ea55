import { Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { AUTH_METHODS, type AuthMethod } from '../../../../src/contract/enums.ts';
import type { SubscriberCreate } from '../../../../src/contract/partner.ts';
import { ApiError } from '../../api/client.ts';
import { createSubscriber, subscriberKeys } from '../../api/subscribers.ts';
import { CountrySelect } from '../../components/CountrySelect.tsx';
import { LicenseSelect } from '../../components/LicenseSelect.tsx';
import { parseByteCount } from '../../lib/bytes.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { useProject } from '../../lib/project-context.ts';

const EMPTY = { auth_method: 'firebase' as AuthMethod, external_id: '', extref: '', description: '', country: null as string | null, license_id: null as number | null, traffic: '' };

/** Private projects: the operator adds a user, who starts as Invited until the first login. */
export function AddUserDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { project } = useProject();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const set = <K extends keyof typeof EMPTY>(k: K, v: (typeof EMPTY)[K]) => setForm((f) => ({ ...f, [k]: v }));
  const traffic = form.traffic.trim() === '' ? null : parseByteCount(form.traffic);
  const mutation = useMutation({
    mutationFn: () => {
      const body: SubscriberCreate = { auth_method: form.auth_method, external_id: form.external_id.trim() };
      if (form.extref) body.extref = form.extref;
      if (form.description) body.description = form.description;
      if (form.country) body.country = form.country;
      if (form.license_id) body.license_id = form.license_id;
      if (traffic && 'value' in traffic) body.traffic_limit = traffic.value;
      return createSubscriber(project.id, body);
    },
    onSuccess: (user) => {
      notifySuccess(`User ${user.name} added (ID ${user.id}, ${user.status})`);
      void queryClient.invalidateQueries({ queryKey: subscriberKeys.all(project.id) });
      setForm(EMPTY);
      onClose();
    },
    onError: notifyError,
  });
  const fieldError = (f: string) =>
    mutation.error instanceof ApiError && mutation.error.field === f ? mutation.error.message : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!form.external_id.trim() || (traffic && 'error' in traffic)) return;
    mutation.mutate();
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Add user" centered>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Select
            label="Auth method"
            data={AUTH_METHODS.map((m) => ({ value: m, label: m }))}
            value={form.auth_method}
            onChange={(v) => v && set('auth_method', v as AuthMethod)}
            allowDeselect={false}
          />
          <TextInput
            label="External ID"
            description="The user's id in that auth system (e.g. email or Firebase uid)"
            required
            value={form.external_id}
            onChange={(e) => set('external_id', e.currentTarget.value)}
            error={fieldError('external_id')}
            data-autofocus
          />
          <TextInput label="Extref" value={form.extref} onChange={(e) => set('extref', e.currentTarget.value)} error={fieldError('extref')} />
          <Textarea label="Description" autosize minRows={1} value={form.description} onChange={(e) => set('description', e.currentTarget.value)} />
          <CountrySelect label="Country" value={form.country} onChange={(v) => set('country', v)} comboboxProps={{ withinPortal: true }} />
          <LicenseSelect
            label="License"
            projectId={project.id}
            value={form.license_id}
            onChange={(v) => set('license_id', v)}
            clearable
            placeholder="Project default"
          />
          <TextInput
            label="Traffic limit (bytes per period)"
            placeholder="Project default"
            inputMode="numeric"
            value={form.traffic}
            onChange={(e) => set('traffic', e.currentTarget.value)}
            error={traffic && 'error' in traffic ? traffic.error : fieldError('traffic_limit')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              Add user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
