import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { ApiError } from './api/client';
import { keys } from './api/queries';
import { Layout } from './components/Layout';
import { SignInPage } from './features/auth/SignInPage';
import { ComparePage } from './features/compare/ComparePage';
import { MemoryPage } from './features/memory/MemoryPage';
import { NewRunPage } from './features/newrun/NewRunPage';
import { QueuePage } from './features/queue/QueuePage';
import { RunPage } from './features/run/RunPage';
import { RunsPage } from './features/runs/RunsPage';
import { NotFound } from './components/States';
import './styles.css';

performance.mark('normlab:boot');

/** Any 401 means the session is gone: forget who we were, the shell shows the sign-in page. */
function onAuthError(e: unknown) {
  if (e instanceof ApiError && e.status === 401) queryClient.setQueryData(keys.me, null);
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onAuthError }),
  mutationCache: new MutationCache({ onError: onAuthError }),
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      refetchOnWindowFocus: false,
      // 4xx answers are final; retry only network trouble, twice
      retry: (count, e) => e instanceof ApiError && (e.unreachable ? count < 2 : false),
    },
  },
});

const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <RunsPage /> },
      { path: 'runs', element: <RunsPage /> },
      { path: 'runs/:id', element: <RunPage /> },
      { path: 'compare', element: <ComparePage /> },
      { path: 'memory', element: <MemoryPage /> },
      { path: 'new', element: <NewRunPage /> },
      { path: 'queue', element: <QueuePage /> },
      { path: '*', element: <NotFound what="page" /> },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
