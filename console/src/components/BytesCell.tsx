import { Text } from '@mantine/core';
import { formatBytes, formatExactBytes } from '../lib/bytes.ts';

/** Auto-scaled bytes; the exact count is in the tooltip. */
export function BytesCell({ value }: { value: bigint | number }) {
  return (
    <Text span size="sm" title={formatExactBytes(value)} style={{ whiteSpace: 'nowrap' }}>
      {formatBytes(value)}
    </Text>
  );
}
