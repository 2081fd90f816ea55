import { Alert } from '@mantine/core';

export function QueryError({ error, title = 'Could not load' }: { error: unknown; title?: string }) {
  return (
    <Alert color="red" title={title} role="alert" m="md">
      {error instanceof Error ? error.message : String(error)}
    </Alert>
  );
}
