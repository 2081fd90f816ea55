import { Alert, Button, Checkbox, Group, List, Modal, Progress, Select, Stack, Text, Textarea } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { SubscriberUpdate } from '../../../../src/contract/partner.ts';
import { subscriberKeys, updateSubscriber } from '../../api/subscribers.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { useProject } from '../../lib/project-context.ts';
import { runEach } from '../../lib/run-each.ts';

interface Props {
  opened: boolean;
  onClose: () => void;
  ids: number[];
  onDone: () => void;
}

type Failure = { id: number; message: string };

/** Private projects: change Status and/or Description of the selected users (one PUT each). */
export function BulkUpdateDialog({ opened, onClose, ids, onDone }: Props) {
  const { project } = useProject();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<'active' | 'disabled' | null>(null);
  const [changeDescription, setChangeDescription] = useState(false);
  const [description, setDescription] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [failures, setFailures] = useState<Failure[]>([]);
  const nothing = status === null && !changeDescription;

  const close = () => {
    setProgress(null);
    setFailures([]);
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (nothing || progress !== null) return;
    const body: SubscriberUpdate = {};
    if (status) body.status = status;
    if (changeDescription) body.description = description;
    setFailures([]);
    setProgress(0);
    const results = await runEach(
      ids,
      async (id): Promise<Failure | null> => {
        try {
          await updateSubscriber(project.id, id, body);
          return null;
        } catch (err) {
          return { id, message: err instanceof Error ? err.message : String(err) };
        }
      },
      setProgress,
    );
    const failed = results.filter((r): r is Failure => r !== null);
    void queryClient.invalidateQueries({ queryKey: subscriberKeys.all(project.id) });
    setProgress(null);
    if (failed.length === 0) {
      notifySuccess(`${ids.length} user(s) updated`);
      onDone();
      close();
    } else {
      setFailures(failed);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={`Update ${ids.length} user(s)`} centered>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Select
            label="Status"
            placeholder="Keep as is"
            data={[
              { value: 'active', label: 'Active' },
              { value: 'disabled', label: 'Disabled' },
            ]}
            value={status}
            onChange={(v) => setStatus(v as typeof status)}
            clearable
            data-autofocus
            data-testid="bulk-status"
          />
          <Checkbox label="Change description" checked={changeDescription} onChange={(e) => setChangeDescription(e.currentTarget.checked)} />
          <Textarea
            label="Description"
            disabled={!changeDescription}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            autosize
            minRows={2}
          />
          {progress !== null && <Progress value={(progress / Math.max(ids.length, 1)) * 100} animated />}
          {failures.length > 0 && (
            <Alert color="red" title={`${failures.length} of ${ids.length} failed`} role="alert">
              <List size="sm">
                {failures.map((f) => (
                  <List.Item key={f.id}>
                    User {f.id}: {f.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              Other fields are edited on each User page.
            </Text>
            <Group gap="xs">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" disabled={nothing} loading={progress !== null}>
                Update
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
