import { AppError } from '../domain/errors.ts';
import type { Viewer } from './viewer.ts';

/** The signed-in viewer, or UNAUTHENTICATED. */
export function requireViewer(viewer: Viewer | undefined): Viewer {
  if (!viewer) throw new AppError('UNAUTHENTICATED', 'Sign in: send "Authorization: Bearer <token>"');
  return viewer;
}

/** An operator (per `user_profiles`), or UNAUTHENTICATED / FORBIDDEN. */
export function requireOperator(viewer: Viewer | undefined): Viewer {
  const signedIn = requireViewer(viewer);
  if (!signedIn.isOperator) throw new AppError('FORBIDDEN', 'Only operators can do this');
  return signedIn;
}
