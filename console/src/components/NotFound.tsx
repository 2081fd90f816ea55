import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFound({ message = 'This page does not exist.' }: { message?: string }) {
  return (
    <Stack p="md" gap="xs">
      <Title order={3}>Not found</Title>
      <Text>{message}</Text>
      <Anchor component={Link} to="/">
        Back to the console
      </Anchor>
    </Stack>
  );
}
