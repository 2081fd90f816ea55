import { Anchor, Breadcrumbs, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { subscriberQuery } from '../../api/subscribers.ts';
import { NotFound } from '../../components/NotFound.tsx';
import { QueryError } from '../../components/QueryError.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useProject } from '../../lib/project-context.ts';
import { DeleteUserDialog } from './DeleteUserDialog.tsx';
import { DevicesTab } from './DevicesTab.tsx';
import { GeneralTab } from './GeneralTab.tsx';
import { PurchasesTab } from './PurchasesTab.tsx';
import { SessionsTab } from './SessionsTab.tsx';

const TABS = ['general', 'sessions', 'devices', 'purchases'] as const;
type Tab = (typeof TABS)[number];

export function UserPage() {
  const { project, can } = useProject();
  const params = useParams();
  const navigate = useNavigate();
  const id = Number(params.userId);
  const [deleteOpened, deleteDialog] = useDisclosure();
  const user = useQuery({ ...subscriberQuery(project.id, id), enabled: Number.isSafeInteger(id) && id > 0 });
  const usersPath = `/projects/${encodeURIComponent(project.id)}/users`;
  const tabs = TABS.filter((t) => t !== 'purchases' || project.type === 'public');
  const tab: Tab = tabs.includes(params.tab as Tab) ? (params.tab as Tab) : 'general';

  if (!Number.isSafeInteger(id) || id <= 0) return <NotFound message="Bad user id." />;
  if (user.isError) {
    if (user.error instanceof ApiError && user.error.status === 404) return <NotFound message={`User ${id} does not exist in this project.`} />;
    return <QueryError error={user.error} />;
  }
  if (!user.data) return <Text c="dimmed">Loading…</Text>;
  const u = user.data;

  return (
    <Stack gap="sm">
      <Breadcrumbs>
        <Anchor component={Link} to={usersPath} size="sm">
          Users
        </Anchor>
        <Text size="sm">{u.id}</Text>
      </Breadcrumbs>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs" wrap="wrap">
          <Title order={2} style={{ wordBreak: 'break-all' }} data-testid="user-title">
            {u.name}
          </Title>
          <StatusBadge status={u.status} />
        </Group>
        {can('users.delete') && (
          <Button color="red" variant="light" onClick={deleteDialog.open}>
            Delete user
          </Button>
        )}
      </Group>
      <Tabs value={tab} onChange={(t) => navigate(`${usersPath}/${u.id}${t && t !== 'general' ? `/${t}` : ''}`, { replace: true })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="general">General</Tabs.Tab>
          <Tabs.Tab value="sessions">Sessions</Tabs.Tab>
          <Tabs.Tab value="devices">Devices</Tabs.Tab>
          {tabs.includes('purchases') && <Tabs.Tab value="purchases">Purchases</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="general" pt="md">
          <GeneralTab user={u} />
        </Tabs.Panel>
        <Tabs.Panel value="sessions" pt="md">
          <SessionsTab userId={u.id} />
        </Tabs.Panel>
        <Tabs.Panel value="devices" pt="md">
          <DevicesTab userId={u.id} />
        </Tabs.Panel>
        {tabs.includes('purchases') && (
          <Tabs.Panel value="purchases" pt="md">
            <PurchasesTab userId={u.id} />
          </Tabs.Panel>
        )}
      </Tabs>
      <DeleteUserDialog opened={deleteOpened} onClose={deleteDialog.close} user={u} onDeleted={() => navigate(usersPath, { replace: true })} />
    </Stack>
  );
}
