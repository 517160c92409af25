// The web session: who we are, login and logout.

/** GET /api/web/session; throws with a readable message when the server is unreachable. */
export async function fetchSession() {
  const r = await fetch('/api/web/session', { credentials: 'same-origin', cache: 'no-store' });
  if (!r.ok) throw new Error(`session: HTTP ${r.status}`);
  return r.json();
}

/** A sentence for a failed login answer (the body is `{"error": {...}}`). */
async function errorText(r) {
  // The limiter's and the password check's wording is ours, not the server's:
  // a watch officer needs to know what to do next.
  if (r.status === 401) return 'Wrong user name or password.';
  if (r.status === 429) return 'Too many attempts; wait a moment and try again.';
  try {
    const body = await r.json();
    if (body && body.error && body.error.message) return `Login failed: ${body.error.message}`;
  } catch {
    // fall through to the status code
  }
  return `Login failed (HTTP ${r.status}).`;
}

/** Shows the login form; resolves with the Session once a login succeeds. */
export function showLogin() {
  const overlay = document.getElementById('login');
  const form = document.getElementById('login-form');
  const error = form.querySelector('[data-testid="login-error"]');
  overlay.hidden = false;
  form.elements.username.focus();
  return new Promise((resolve) => {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      const submit = form.querySelector('[data-testid="login-submit"]');
      submit.disabled = true;
      try {
        const r = await fetch('/api/web/login', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: form.elements.username.value, password: form.elements.password.value }),
        });
        if (!r.ok) {
          error.textContent = await errorText(r);
          error.hidden = false;
          return;
        }
        const session = await r.json();
        form.elements.password.value = '';
        overlay.hidden = true;
        resolve(session);
      } catch (err) {
        error.textContent = `Cannot reach the server: ${err.message}`;
        error.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
  });
}

/** POST /api/web/logout, then reload to the login form. */
export async function logout() {
  try {
    await fetch('/api/web/logout', { method: 'POST', credentials: 'same-origin' });
  } finally {
    location.reload();
  }
}
