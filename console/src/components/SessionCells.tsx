import { Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatTime } from '../lib/time.ts';
import { BytesCell } from './BytesCell.tsx';

interface SessionLike {
  device_id: number | string;
  device_name?: string;
  server: string;
  location: string;
  start_time: string;
  internal_ip: string;
  download: bigint | number;
  upload: bigint | number;
}

/** The session columns shared by the active-sessions page and the user's Sessions tab; `end` is an optional End time cell. */
export function SessionCells({ session: s, end }: { session: SessionLike; end?: ReactNode }) {
  return (
    <>
      <Table.Td title={s.device_name}>{s.device_id}</Table.Td>
      <Table.Td>{s.server}</Table.Td>
      <Table.Td>{s.location}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(s.start_time)}</Table.Td>
      {end}
      <Table.Td ff="monospace">{s.internal_ip}</Table.Td>
      <Table.Td>
        <BytesCell value={s.download} />
      </Table.Td>
      <Table.Td>
        <BytesCell value={s.upload} />
      </Table.Td>
    </>
  );
}
