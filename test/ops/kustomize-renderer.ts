import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAll } from 'js-yaml';

export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

type Json = Record<string, unknown>;

interface Kustomization {
  resources?: string[];
  patches?: Array<{ path?: string; patch?: string }>;
  namespace?: string;
  labels?: Array<{ pairs: Record<string, string> }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  replacements?: Replacement[];
}

interface Selector {
  kind: string;
  name: string;
}

interface DelimiterOptions {
  delimiter?: string;
  index?: number;
}

interface Replacement {
  source: Selector & { fieldPath: string; options?: DelimiterOptions };
  targets: Array<{ select: Selector; fieldPaths: string[]; options?: DelimiterOptions }>;
}

/** The kustomization fields this renderer understands; anything else fails the render instead of being ignored. */
const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'resources',
  'patches',
  'namespace',
  'labels',
  'images',
  'replacements',
]);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readManifests(file: string): Manifest[] {
  return loadAll(readFileSync(file, 'utf8')).filter(isObject) as Manifest[];
}

/**
 * Strategic merge as kustomize does it for the fields Chorus patches: maps merge, `null` deletes a key, lists
 * of objects with a `name` (containers, ports, env, volumes) merge by name, other lists are replaced.
 */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(target) || !isObject(patch)) {
    if (Array.isArray(target) && Array.isArray(patch) && patch.every((item) => isObject(item) && 'name' in item)) {
      const merged = [...target] as unknown[];
      for (const item of patch as Json[]) {
        const index = merged.findIndex((existing) => isObject(existing) && existing.name === item.name);
        if (index >= 0) {
          merged[index] = strategicMerge(merged[index], item);
        } else {
          merged.push(item);
        }
      }
      return merged;
    }
    return patch;
  }
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
    } else {
      out[key] = key in out ? strategicMerge(out[key], value) : value;
    }
  }
  return out;
}

function walk(node: unknown, visit: (object: Json) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item) => walk(item, visit));
  } else if (isObject(node)) {
    visit(node);
    Object.values(node).forEach((value) => walk(value, visit));
  }
}

function applyImages(manifest: Manifest, images: NonNullable<Kustomization['images']>): void {
  walk(manifest, (object) => {
    if (!Array.isArray(object.containers)) {
      return;
    }
    for (const container of object.containers as Json[]) {
      const [name, tag] = String(container.image).split(':');
      const rule = images.find((image) => image.name === name);
      if (rule) {
        container.image = `${rule.newName ?? name}:${rule.newTag ?? tag ?? 'latest'}`;
      }
    }
  });
}

/** Splits a fieldPath like `spec.template.spec.containers.[name=chorus].image` into its steps. */
function fieldSteps(fieldPath: string): string[] {
  return fieldPath.split('.').filter(Boolean);
}

function step(node: unknown, part: string): unknown {
  const match = /^\[(\w+)=(.+)\]$/.exec(part);
  if (match) {
    return Array.isArray(node) ? node.find((item) => isObject(item) && item[match[1]] === match[2]) : undefined;
  }
  return isObject(node) ? node[part] : Array.isArray(node) ? node[Number(part)] : undefined;
}

function find(manifests: Manifest[], selector: Selector, file: string): Manifest {
  const found = manifests.find((m) => m.kind === selector.kind && m.metadata.name === selector.name);
  if (!found) {
    throw new Error(`${file}: replacement selects ${selector.kind}/${selector.name}, which no resource defines`);
  }
  return found;
}

/** kustomize's `replacements` with the delimiter/index options: copy (part of) one field into (part of) others. */
function applyReplacements(manifests: Manifest[], replacements: Replacement[], file: string): void {
  for (const { source, targets } of replacements) {
    let value = String(fieldSteps(source.fieldPath).reduce<unknown>(step, find(manifests, source, file)));
    if (source.options?.delimiter !== undefined) {
      value = value.split(source.options.delimiter)[source.options.index ?? 0] ?? '';
    }
    for (const target of targets) {
      const manifest = find(manifests, target.select, file);
      for (const fieldPath of target.fieldPaths) {
        const steps = fieldSteps(fieldPath);
        const parent = steps.slice(0, -1).reduce<unknown>(step, manifest) as Json;
        const key = steps[steps.length - 1];
        let next = value;
        if (target.options?.delimiter !== undefined) {
          const parts = String(parent[key]).split(target.options.delimiter);
          parts[target.options.index ?? 0] = value;
          next = parts.join(target.options.delimiter);
        }
        parent[key] = next;
      }
    }
  }
}

/**
 * A small kustomize for the tests (no kustomize binary is installable here): resources (files and
 * directories, recursively), patches by file or inline (strategic merge, matched on kind + name), namespace,
 * labels, images and replacements (delimiter/index). Throws on a missing resource, a patch whose target does not exist, or an unknown field.
 */
export function renderKustomization(dir: string): Manifest[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) {
    throw new Error(`no kustomization.yaml in ${dir}`);
  }
  const spec = readManifests(file)[0] as unknown as Kustomization;
  const unknown = Object.keys(spec).filter((key) => !SUPPORTED.has(key));
  if (unknown.length > 0) {
    throw new Error(`${file}: unsupported fields ${unknown.join(', ')}`);
  }
  let manifests: Manifest[] = [];
  for (const entry of spec.resources ?? []) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) {
      throw new Error(`${file}: resource ${entry} does not exist`);
    }
    manifests.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readManifests(path)));
  }
  for (const entry of spec.patches ?? []) {
    const patchPath = entry.path ? resolve(dir, entry.path) : undefined;
    if (patchPath && !existsSync(patchPath)) {
      throw new Error(`${file}: patch ${entry.path} does not exist`);
    }
    const patches = patchPath ? readManifests(patchPath) : (loadAll(entry.patch ?? '') as Manifest[]);
    for (const patch of patches) {
      const index = manifests.findIndex((m) => m.kind === patch.kind && m.metadata.name === patch.metadata.name);
      if (index < 0) {
        throw new Error(`${file}: patch targets ${patch.kind}/${patch.metadata.name}, which no resource defines`);
      }
      manifests[index] = strategicMerge(manifests[index], patch) as Manifest;
    }
  }
  manifests = manifests.map((manifest) => structuredClone(manifest));
  for (const manifest of manifests) {
    if (spec.namespace) {
      manifest.metadata.namespace = spec.namespace;
    }
    for (const { pairs } of spec.labels ?? []) {
      manifest.metadata.labels = { ...manifest.metadata.labels, ...pairs };
    }
    if (spec.images) {
      applyImages(manifest, spec.images);
    }
  }
  if (spec.replacements) {
    applyReplacements(manifests, spec.replacements, file);
  }
  return manifests;
}

export function kustomizationDirs(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    if (existsSync(join(dir, 'kustomization.yaml'))) {
      found.push(dir);
    }
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        visit(path);
      }
    }
  };
  visit(root);
  return found;
}
