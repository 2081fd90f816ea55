import { AppShell, Burger, Button, Group, Loader, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { Suspense } from 'react';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useLocation, useMatch, useNavigate } from 'react-router';
import { sessionQuery, signOut } from '../api/session.ts';
import { notifyError } from '../lib/notify.ts';
import { ProjectSwitcher } from './ProjectSwitcher.tsx';

/** `publicOnly`: shown for public projects only (the app stores). */
const SECTIONS: ReadonlyArray<{ path: string; label: string; publicOnly?: boolean }> = [
  { path: 'users', label: 'Users' },
  { path: 'sessions', label: 'Active sessions' },
  { path: 'licenses', label: 'Licenses' },
  { path: 'store', label: 'Store settings', publicOnly: true },
  { path: 'log', label: 'Log' },
];

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { data: session } = useQuery(sessionQuery);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const match = useMatch('/projects/:projectId/:section/*');
  const projectId = match?.params.projectId;
  const section = match?.params.section ?? 'users';
  const project = session?.projects.find((p) => p.id === projectId);

  const onSignOut = async () => {
    try {
      await signOut();
    } catch (e) {
      notifyError(e);
    }
    queryClient.clear();
    queryClient.setQueryData(sessionQuery.queryKey, null);
    navigate('/sign-in', { replace: true });
  };

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <UnstyledButton component={Link} to="/" fw={700} visibleFrom="xs">
              Gatehouse
            </UnstyledButton>
            <ProjectSwitcher
              projects={session?.projects ?? []}
              current={projectId}
              onSwitch={(id) => {
                // A private project has no store settings: land on its users instead.
                const to = SECTIONS.find((s) => s.path === section);
                const target = to?.publicOnly && session?.projects.find((p) => p.id === id)?.type !== 'public' ? 'users' : section;
                navigate(`/projects/${encodeURIComponent(id)}/${target}`);
              }}
            />
          </Group>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="subtle" size="compact-sm" data-testid="member-menu">
                <Text size="sm" truncate maw={{ base: 90, sm: 240 }}>
                  {session?.member.email}
                </Text>
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{session?.member.email}</Menu.Label>
              <Menu.Item onClick={onSignOut}>Sign out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {projectId &&
          SECTIONS.filter((s) => !s.publicOnly || project?.type === 'public').map((s) => {
            const to = `/projects/${encodeURIComponent(projectId)}/${s.path}`;
            return (
              <NavLink
                key={s.path}
                component={Link}
                to={to}
                label={s.label}
                active={location.pathname.startsWith(to)}
                onClick={close}
              />
            );
          })}
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loader m="md" />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
