/**
 * Screenshots compared with committed references (test/web/screenshots).
 * Tolerance: a pixel differs when pixelmatch's colour distance exceeds 0.1
 * (anti-aliasing ignored); a page matches when at most 0.2% of its pixels
 * differ (about 2,600 of 1440x900), room for font rasterising, not for a
 * moved button or a changed word. A missing reference is written when
 * UPDATE_SCREENSHOTS=1 and fails otherwise; on a mismatch the actual image
 * and the difference are written under var/screenshots/ to look at.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

export const referenceDir = path.join(import.meta.dirname, 'screenshots');
const outputDir = path.join(import.meta.dirname, '..', '..', 'var', 'screenshots');
export const maxDifferingShare = 0.002;

export interface ScreenshotComparison {
  readonly name: string;
  readonly differingPixels: number;
  readonly share: number;
  readonly written: boolean;
}

export async function compareScreenshot(
  name: string,
  actual: Buffer,
): Promise<ScreenshotComparison> {
  const referencePath = path.join(referenceDir, `${name}.png`);
  await mkdir(outputDir, { recursive: true });
  await writeFile(path.join(outputDir, `${name}.png`), actual);
  if (!existsSync(referencePath) || process.env.UPDATE_SCREENSHOTS === '1') {
    if (process.env.UPDATE_SCREENSHOTS !== '1') {
      throw new Error(
        `no reference screenshot ${referencePath}; run with UPDATE_SCREENSHOTS=1, look at it, commit it`,
      );
    }
    await writeFile(referencePath, actual);
    return { name, differingPixels: 0, share: 0, written: true };
  }
  const expected = PNG.sync.read(await readFile(referencePath));
  const got = PNG.sync.read(actual);
  if (expected.width !== got.width || expected.height !== got.height) {
    return { name, differingPixels: got.width * got.height, share: 1, written: false };
  }
  const diff = new PNG({ width: got.width, height: got.height });
  const differingPixels = pixelmatch(expected.data, got.data, diff.data, got.width, got.height, {
    threshold: 0.1,
  });
  if (differingPixels > 0) {
    await writeFile(path.join(outputDir, `${name}.diff.png`), PNG.sync.write(diff));
  }
  return {
    name,
    differingPixels,
    share: differingPixels / (got.width * got.height),
    written: false,
  };
}
