import { createTheme, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { ApiError, setUnauthorizedHandler } from './api/client.ts';
import { sessionQuery } from './api/session.ts';
import { AppLayout } from './components/AppLayout.tsx';
import { RequireSession } from './components/RequireSession.tsx';
import { ProjectHome, ProjectRoute } from './components/ProjectRoute.tsx';
import { NotFound } from './components/NotFound.tsx';
import { SignInPage } from './pages/sign-in/SignInPage.tsx';
import { UsersPage } from './pages/users/UsersPage.tsx';
import { ActiveSessionsPage } from './pages/sessions/ActiveSessionsPage.tsx';
import { LicensesPage } from './pages/licenses/LicensesPage.tsx';
import { AuditPage } from './pages/audit/AuditPage.tsx';
import { StoreSettingsPage } from './pages/store/StoreSettingsPage.tsx';

// The User page carries the charts and date pickers; load it on demand.
const UserPage = lazy(() => import('./pages/user/UserPage.tsx').then((m) => ({ default: m.UserPage })));

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'sm' });

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // 4xx answers are final; retry only network trouble and 5xx once.
      retry: (count, error) => count < 1 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});
setUnauthorizedHandler(() => queryClient.setQueryData(sessionQuery.queryKey, null));

const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <ProjectHome /> },
          {
            path: 'projects/:projectId',
            element: <ProjectRoute />,
            children: [
              { index: true, element: <Navigate to="users" replace /> },
              { path: 'users', element: <UsersPage /> },
              { path: 'users/:userId/:tab?', element: <UserPage /> },
              { path: 'sessions', element: <ActiveSessionsPage /> },
              { path: 'licenses', element: <LicensesPage /> },
              { path: 'store', element: <StoreSettingsPage /> },
              { path: 'log', element: <AuditPage /> },
            ],
          },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
]);

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
