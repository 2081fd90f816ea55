import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import dayjs from 'dayjs';
import type { Subscriber } from '../../../../src/contract/partner.ts';
import { formatExactBytes, formatMB } from '../../lib/bytes.ts';
import { formatTime } from '../../lib/time.ts';
import { useProject } from '../../lib/project-context.ts';
import { TrafficDialog } from './TrafficDialog.tsx';

const untilText = (iso: string): string => {
  const minutes = Math.max(0, dayjs(iso).diff(dayjs(), 'minute'));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${Math.floor(minutes / 1440)} days`;
};

const PERIOD_WORD = { day: 'day', month: 'month' } as const;

/** Traffic in MB: limit, used and remaining in the current period, or Unlimited; when it resets. */
export function TrafficField({ user }: { user: Subscriber }) {
  const { can } = useProject();
  const [opened, dialog] = useDisclosure();
  const t = user.traffic;
  const percent = t.limit && t.limit > 0n ? Number((t.used * 10000n) / t.limit) / 100 : 0;
  return (
    <Stack gap={4}>
      <Group gap="xs" justify="space-between" wrap="nowrap">
        <Text size="sm" fw={600} data-testid="traffic-limit" title={t.limit === null ? undefined : formatExactBytes(t.limit)}>
          {t.unlimited || t.limit === null ? 'Unlimited' : `${formatMB(t.limit)} per ${PERIOD_WORD[t.period]}`}
        </Text>
        {can('users.traffic') && (
          <Button size="compact-xs" variant="light" onClick={dialog.open}>
            Change
          </Button>
        )}
      </Group>
      {t.limit !== null && !t.unlimited && <Progress value={Math.min(percent, 100)} color={percent >= 100 ? 'red' : 'indigo'} size="sm" aria-label="Traffic used" />}
      <Text size="xs" c="dimmed" data-testid="traffic-usage">
        Used {formatMB(t.used)}
        {t.remaining !== null && !t.unlimited ? ` · remaining ${formatMB(t.remaining)}` : ''} this {PERIOD_WORD[t.period]}
      </Text>
      <Text size="xs" c="dimmed" data-testid="traffic-resets">
        Period resets {formatTime(t.period_end)} (in {untilText(t.period_end)})
        {t.reset_at ? ` · usage reset by operator ${formatTime(t.reset_at)}` : ''}
      </Text>
      <TrafficDialog opened={opened} onClose={dialog.close} user={user} />
    </Stack>
  );
}
