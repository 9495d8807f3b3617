import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { keys } from '../../api/queries';

/** Sign-in with the browser session (HttpOnly cookie); nothing is stored by the app itself. */
export function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => api.session.signIn(username.trim(), password),
    onSuccess: (me) => {
      qc.setQueryData(keys.me, me);
      const next = params.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/runs', { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  const err = signIn.error;
  let message: string | null = null;
  if (err instanceof ApiError) {
    if (err.status === 401) message = 'Wrong username or password.';
    else if (err.status === 429) message = `Too many attempts: try again in ${err.retryAfter ?? 60} s.`;
    else if (err.unreachable) message = 'The backend is not reachable. Is ./normlab start running?';
    else message = err.detail || err.title;
  }
  return (
    <main className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to NormLab</h1>
        <label>
          Username
          <input name="username" autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {message && <p className="field-error" role="alert" data-testid="signin-error">{message}</p>}
        <button type="submit" className="primary" disabled={signIn.isPending}>{signIn.isPending ? 'Signing in…' : 'Sign in'}</button>
        <p className="hint">
          First start: user <code>admin</code>, password in <code>~/.normlab/admin-password</code> (printed by <code>./normlab start</code>).
        </p>
      </form>
    </main>
  );
}
