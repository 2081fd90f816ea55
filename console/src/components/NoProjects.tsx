import { Code, Stack, Text, Title } from '@mantine/core';

/** A member without any project role: say how to get one. */
export function NoProjects() {
  return (
    <Stack p="md" gap="xs" maw={640}>
      <Title order={3}>No projects yet</Title>
      <Text>Your account is not a member of any project. An operator with shell access can create one and add you:</Text>
      <Code block style={{ whiteSpace: "pre-wrap" }}>
        {'gatehouse project create my-vpn --name "My VPN" --type public\ngatehouse member add --email you@example.com --password ... --project my-vpn --role owner'}
      </Code>
    </Stack>
  );
}
