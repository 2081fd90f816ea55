import { Grid, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** One labelled field of the General tab: label left on wide screens, above on narrow ones. */
export function FieldRow({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Grid rowGap={2} columnGap="md" align="center" py={6} style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
      <Grid.Col span={{ base: 12, sm: 3 }}>
        <Text size="sm" c="dimmed" fw={500}>
          {label}
        </Text>
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 9 }} data-testid={testId}>
        {children}
      </Grid.Col>
    </Grid>
  );
}
