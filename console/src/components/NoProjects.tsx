import { Code, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { sessionQuery } from '../api/session.ts';
import { CreateProjectForm } from './CreateProjectForm.tsx';

/** A member without any project: the installation owner creates one; others learn how to be added. */
export function NoProjects() {
  const { data: session } = useQuery(sessionQuery);
  if (session?.member.installation_owner) {
    return (
      <Stack p="md" gap="sm" maw={640}>
        <Title order={3}>Create your first project</Title>
        <Text>A project is one VPN service: its users, devices, licenses and nodes.</Text>
        <CreateProjectForm />
      </Stack>
    );
  }
  return (
    <Stack p="md" gap="xs" maw={640}>
      <Title order={3}>No projects yet</Title>
      <Text>Your account is not a member of any project. The installation owner can create one and add you:</Text>
      <Code block style={{ whiteSpace: 'pre-wrap' }}>
        {'gatehouse member add --email you@example.com --password ... --project my-vpn --role admin'}
      </Code>
    </Stack>
  );
}
