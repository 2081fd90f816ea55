import { Button, Group, Select, Text } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { devicesQuery } from '../../api/devices.ts';
import { useProject } from '../../lib/project-context.ts';
import { MAX_WINDOW_DAYS, PICKER_FORMAT, windowError, type SessionFilters } from './session-filters.ts';

interface Props {
  userId: number;
  value: SessionFilters;
  onChange: (patch: Partial<SessionFilters>) => void;
}

const PRESETS = [
  { label: '24 h', hours: 24 },
  { label: '7 days', hours: 24 * 7 },
  { label: '30 days', hours: 24 * MAX_WINDOW_DAYS },
] as const;

/** Device filter and a time window of at most 30 days (the pickers cannot select a longer one). */
export function SessionFiltersBar({ userId, value, onChange }: Props) {
  const { project } = useProject();
  const devices = useQuery(devicesQuery(project.id, userId));
  const deviceData = (devices.data ?? []).map((d) => ({ value: String(d.id), label: `${d.id} · ${d.name || d.device_id}` }));
  if (value.deviceId && !deviceData.some((d) => d.value === String(value.deviceId))) {
    deviceData.push({ value: String(value.deviceId), label: `${value.deviceId} (deleted device)` });
  }
  const from = value.from ? dayjs(value.from) : null;
  const to = value.to ? dayjs(value.to) : null;
  const error = windowError(value);
  const preset = (hours: number) => {
    const end = dayjs();
    onChange({ from: end.subtract(hours, 'hour').format(PICKER_FORMAT), to: end.format(PICKER_FORMAT) });
  };
  return (
    <Group gap="xs" align="flex-end" wrap="wrap">
      <Select
        label="Device"
        placeholder="All devices"
        data={deviceData}
        value={value.deviceId ? String(value.deviceId) : null}
        onChange={(v) => onChange({ deviceId: v ? Number(v) : null })}
        clearable
        w={{ base: '100%', xs: 220 }}
        data-testid="session-device-filter"
      />
      <DateTimePicker
        label="From"
        placeholder="Start of window"
        value={value.from}
        onChange={(v) => onChange({ from: v })}
        maxDate={to?.toDate() ?? new Date()}
        minDate={to ? to.subtract(MAX_WINDOW_DAYS, 'day').toDate() : undefined}
        clearable
        valueFormat="YYYY-MM-DD HH:mm"
        w={{ base: '47%', xs: 180 }}
        error={error !== null}
        data-testid="session-from"
      />
      <DateTimePicker
        label="To"
        placeholder="Now"
        value={value.to}
        onChange={(v) => onChange({ to: v })}
        minDate={from?.toDate()}
        maxDate={from ? from.add(MAX_WINDOW_DAYS, 'day').toDate() : undefined}
        clearable
        valueFormat="YYYY-MM-DD HH:mm"
        w={{ base: '47%', xs: 180 }}
        error={error !== null}
        data-testid="session-to"
      />
      <Group gap={4}>
        {PRESETS.map((p) => (
          <Button key={p.label} size="xs" variant="default" onClick={() => preset(p.hours)}>
            {p.label}
          </Button>
        ))}
        <Button size="xs" variant="subtle" onClick={() => onChange({ from: null, to: null, deviceId: null })}>
          Reset
        </Button>
      </Group>
      {error && (
        <Text c="red" size="sm" w="100%" role="alert" data-testid="session-window-error">
          {error}
        </Text>
      )}
    </Group>
  );
}
