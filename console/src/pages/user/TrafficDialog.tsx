import { Button, Checkbox, Group, Modal, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { Subscriber } from '../../../../src/contract/partner.ts';
import { setTrafficLimit, setTrafficUnlimited } from '../../api/traffic.ts';
import { formatBytes, parseByteCount } from '../../lib/bytes.ts';
import { useProject } from '../../lib/project-context.ts';
import { useUserAction } from './use-user-action.ts';

interface Props {
  opened: boolean;
  onClose: () => void;
  user: Subscriber;
}

/** The seed's traffic form: limit in bytes (exact, may exceed 2^53), "Traffic reset", "Unlimited", "Set limit". */
export function TrafficDialog({ opened, onClose, user }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title="Traffic limit" centered>
      {opened && <TrafficForm user={user} onDone={onClose} />}
    </Modal>
  );
}

function TrafficForm({ user, onDone }: { user: Subscriber; onDone: () => void }) {
  const { project } = useProject();
  const t = user.traffic;
  const [limit, setLimit] = useState(t.limit === null ? '' : t.limit.toString());
  const [reset, setReset] = useState(false);
  const [unlimited, setUnlimited] = useState(t.unlimited || t.limit === null);
  const parsed = parseByteCount(limit);
  const action = useUserAction(
    (v: { unlimited: boolean; limit: bigint; reset: boolean }) =>
      v.unlimited ? setTrafficUnlimited(project.id, user.id, v.reset) : setTrafficLimit(project.id, user.id, v.limit, v.reset),
    (v) => (v.unlimited ? 'Traffic set to unlimited' : `Traffic limit set to ${formatBytes(v.limit)}`) + (v.reset ? ', usage reset' : ''),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!unlimited && 'error' in parsed) return;
    action.mutate({ unlimited, limit: 'value' in parsed ? parsed.value : 0n, reset }, { onSuccess: onDone });
  };
  const period = t.period === 'day' ? 'Daily' : 'Monthly';
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <TextInput
          label={`${period} limit (bytes)`}
          inputMode="numeric"
          value={limit}
          onChange={(e) => {
            setLimit(e.currentTarget.value);
            setUnlimited(false); // typing a limit means "not unlimited"
          }}
          error={!unlimited && limit !== '' && 'error' in parsed ? parsed.error : undefined}
          description={!unlimited && 'value' in parsed ? `= ${formatBytes(parsed.value)}` : ' '}
          data-autofocus
          data-testid="traffic-limit-input"
        />
        <Switch
          label="Traffic reset"
          description="Reset the current usage to 0 when the limit is updated"
          checked={reset}
          onChange={(e) => setReset(e.currentTarget.checked)}
        />
        <Checkbox label="Unlimited" checked={unlimited} onChange={(e) => setUnlimited(e.currentTarget.checked)} />
        <Text size="xs" c="dimmed">
          Period: {t.period}; used now {formatBytes(t.used)}.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={action.isPending} disabled={!unlimited && 'error' in parsed}>
            Set limit
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
