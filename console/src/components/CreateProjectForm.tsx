import { Alert, Button, Code, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { createProject } from '../api/projects.ts';
import { notifyError } from '../lib/notify.ts';

/** The installation owner's first step: a project, and its partner API key shown once. */
export function CreateProjectForm() {
  const qc = useQueryClient();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState<'public' | 'private'>('public');
  const [timeZone, setTimeZone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [created, setCreated] = useState<{ id: string; key: string } | null>(null);
  const create = useMutation({
    mutationFn: () => createProject({ id, name: name || id, type, time_zone: timeZone }),
    onSuccess: (r) => setCreated({ id: r.project.id, key: r.private_key }),
    onError: notifyError,
  });
  if (created) {
    return (
      <Alert color="teal" title={`Project ${created.id} created`} data-testid="project-created">
        <Stack gap="xs">
          <Text size="sm">Partner API login: <Code>{created.id}</Code>. Its private key is shown only now; keep it safe:</Text>
          <Code block data-testid="project-private-key">{created.key}</Code>
          <Group>
            <Button onClick={() => void qc.invalidateQueries({ queryKey: ['session'] })}>Open the project</Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Create project">
      <Stack gap="sm" maw={420}>
        <TextInput label="Project ID" description="Latin letters, digits, - and _; it cannot change later" required pattern="[A-Za-z0-9_\-]{1,64}" value={id} onChange={(e) => setId(e.currentTarget.value)} />
        <TextInput label="Name" value={name} placeholder={id} onChange={(e) => setName(e.currentTarget.value)} />
        <div>
          <Text size="sm" fw={500} mb={4}>Type</Text>
          <SegmentedControl value={type} onChange={(v) => setType(v as 'public' | 'private')} data={[{ value: 'public', label: 'Public VPN' }, { value: 'private', label: 'Private (business) VPN' }]} />
        </div>
        <TextInput label="Time zone" description="IANA name; traffic days start at midnight there" required value={timeZone} onChange={(e) => setTimeZone(e.currentTarget.value)} />
        <Group>
          <Button type="submit" loading={create.isPending}>Create project</Button>
        </Group>
      </Stack>
    </form>
  );
}
