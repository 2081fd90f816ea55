import { Select, type SelectProps } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { licensesQuery } from '../api/licenses.ts';

interface Props extends Omit<SelectProps, 'data' | 'value' | 'onChange'> {
  projectId: string;
  value: number | null;
  onChange: (id: number | null) => void;
}

/** The project's licenses; the label shows the limits behind the name. */
export function LicenseSelect({ projectId, value, onChange, ...rest }: Props) {
  const licenses = useQuery(licensesQuery(projectId));
  const data = (licenses.data ?? []).map((l) => ({
    value: String(l.id),
    label: `${l.name} (devices ${l.devices_limit || '∞'}, sessions ${l.sessions_limit || '∞'})${l.is_default ? ' · default' : ''}`,
  }));
  return (
    <Select
      data={data}
      value={value === null ? null : String(value)}
      onChange={(v) => onChange(v ? Number(v) : null)}
      error={licenses.isError ? licenses.error.message : undefined}
      placeholder={licenses.isPending ? 'Loading…' : 'Select a license'}
      {...rest}
    />
  );
}
