import { BarChart } from '@mantine/charts';
import { Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { dailyTrafficQuery } from '../../api/traffic.ts';
import { chartUnit, formatBytes } from '../../lib/bytes.ts';
import { formatDay } from '../../lib/time.ts';
import { useProject } from '../../lib/project-context.ts';

const NUMBER = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** Per-day download/upload over the last 30 days, in MB or a larger unit when needed. */
export function TrafficChart({ userId }: { userId: number }) {
  const { project } = useProject();
  const daily = useQuery(dailyTrafficQuery(project.id, userId, 30));
  if (daily.isError) return <Text c="red" size="sm">{daily.error.message}</Text>;
  if (!daily.data) return <Text c="dimmed" size="sm">Loading…</Text>;
  const max = daily.data.reduce((m, d) => (d.download + d.upload > m ? d.download + d.upload : m), 0n);
  const unit = chartUnit(max);
  const data = daily.data.map((d) => ({ day: formatDay(d.day), Download: unit.scale(d.download), Upload: unit.scale(d.upload) }));
  const total = daily.data.reduce((sum, d) => sum + d.download + d.upload, 0n);
  return (
    <div data-testid="traffic-chart">
      <Text size="xs" c="dimmed" mb="xs">
        Total {formatBytes(total)} in {daily.data.length} days
      </Text>
      <BarChart
        h={220}
        data={data}
        dataKey="day"
        type="stacked"
        unit={` ${unit.label}`}
        valueFormatter={(v) => NUMBER.format(v)}
        withLegend
        series={[
          { name: 'Download', color: 'indigo.6' },
          { name: 'Upload', color: 'teal.5' },
        ]}
        tickLine="y"
      />
    </div>
  );
}
