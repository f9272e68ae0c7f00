import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import express, { Router } from 'express';
import { serverPaths, styleNonceOf } from '../security-headers.ts';

/** Where `vite build` puts the web app (web/vite.config.ts). */
export const defaultWebRoot = path.join(import.meta.dirname, '..', '..', 'web', 'dist');

/** Where index.html takes this page load's style nonce (web/src/app/style-nonce.ts reads it). */
const noncePlaceholder = '__STYLE_NONCE__';

/**
 * Serves the built web app from the API's own origin: hashed assets cached
 * for a year (their names change with their content), and every other page
 * path answered with index.html so the app's router handles it (a reload on
 * /desk works). index.html itself is never cached, so a release reaches the
 * desktop on its next load, and carries the load's style nonce (see
 * security-headers.ts). Without a build, pages say how to make one.
 */
export function webAppRouter(root: string = defaultWebRoot): Router {
  const router = Router();
  // The app's JavaScript is 1.07 MB as built and about 0.35 MB gzipped: sent
  // compressed, a desk's first load moves a third of the bytes (bench:web).
  router.use(compression());
  const indexPath = path.join(root, 'index.html');
  const built = existsSync(indexPath);
  const index = built ? readFileSync(indexPath, 'utf8') : undefined;
  router.use(
    '/assets',
    express.static(path.join(root, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
    }),
  );
  router.use(express.static(root, { index: false, maxAge: '1h' }));
  router.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || serverPaths.test(req.path)) {
      next();
      return;
    }
    // Only page loads get the app; a missing script or image stays a 404.
    if (path.extname(req.path) !== '' || !(req.accepts(['html', 'json']) === 'html')) {
      next();
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    if (index === undefined) {
      res
        .status(503)
        .type('text/plain')
        .send('The web app is not built. Run `npm run build:web` (scripts/main.sh does it).\n');
      return;
    }
    res.type('html').send(index.replaceAll(noncePlaceholder, styleNonceOf(res) ?? ''));
  });
  return router;
}
