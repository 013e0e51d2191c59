import { z } from 'zod';
import type { ActionCatalog, ActionInfo } from './action-catalog.js';
import { toRunbookJsonSchema } from './schema.js';

type JsonSchema = {
  type?: string | string[];
  $ref?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
};

/** Markers around the generated parts of docs/runbooks.md. */
export const GENERATED_SECTIONS = ['fields', 'actions'] as const;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function resolve(schema: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  if (!schema.$ref) return schema;
  return defs[schema.$ref.replace('#/$defs/', '')] ?? schema;
}

function typeOf(schema: JsonSchema, defs: Record<string, JsonSchema>): string {
  if (schema.$ref) return schema.$ref.replace('#/$defs/', '');
  const s = resolve(schema, defs);
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' | ');
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  if (s.anyOf) return s.anyOf.map((a) => typeOf(a, defs)).join(' or ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items, defs) : 'any'}`;
  if (s.type === 'object' && !s.properties) {
    const values = typeof s.additionalProperties === 'object' ? s.additionalProperties : {};
    return `map of ${typeOf(values, defs)}`;
  }
  if (s.type === 'object') return 'object';
  const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : '';
  const range = s.minimum !== undefined || max !== '' ? ` ${s.minimum ?? ''}..${max}` : '';
  return `${Array.isArray(s.type) ? s.type.join('/') : (s.type ?? 'any')}${range}`;
}

function describe(schema: JsonSchema, defs: Record<string, JsonSchema>): string {
  const s = resolve(schema, defs);
  const parts = [schema.description ?? s.description ?? ''];
  if (s.pattern) parts.push(`Pattern \`${s.pattern}\`.`);
  return parts.filter(Boolean).join(' ');
}

function defaultOf(schema: JsonSchema): string {
  return schema.default === undefined ? '' : `\`${JSON.stringify(schema.default)}\``;
}

/** Table rows for every field under `schema`, depth first, with dotted paths. */
function fieldRows(
  schema: JsonSchema,
  prefix: string,
  defs: Record<string, JsonSchema>,
  seen: Set<string>,
): string[] {
  const rows: string[] = [];
  const s = resolve(schema, defs);
  const required = new Set(s.required ?? []);
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    const path = `${prefix}${name}`;
    const need = required.has(name) && child.default === undefined ? 'yes' : '';
    const type = cell(typeOf(child, defs));
    rows.push(
      `| \`${path}\` | ${type} | ${need} | ${defaultOf(child)} | ${cell(describe(child, defs))} |`,
    );
    rows.push(...nested(child, path, defs, seen));
  }
  return rows;
}

function nested(
  child: JsonSchema,
  path: string,
  defs: Record<string, JsonSchema>,
  seen: Set<string>,
): string[] {
  // Named definitions (Step) get a table of their own.
  if ((child.$ref ?? child.items?.$ref) !== undefined) return [];
  const target = resolve(child, defs);
  if (target.type === 'array' && target.items) {
    return fieldRows(target.items, `${path}[].`, defs, seen);
  }
  if (target.anyOf) {
    return target.anyOf.flatMap((option) => fieldRows(option, `${path}.`, defs, seen));
  }
  if (target.properties) return fieldRows(target, `${path}.`, defs, seen);
  const values = target.additionalProperties;
  if (typeof values === 'object' && (values.properties || values.$ref)) {
    return fieldRows(values, `${path}.<name>.`, defs, seen);
  }
  return [];
}

/** The field reference: every runbook field, its type, default and meaning. */
export function renderFieldReference(): string {
  const schema = toRunbookJsonSchema() as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const header = [
    '| field | type | required | default | meaning |',
    '| --- | --- | --- | --- | --- |',
  ];
  const defs = schema.$defs ?? {};
  const tables = [[...header, ...fieldRows(schema, '', defs, new Set())].join('\n')];
  for (const [name, definition] of Object.entries(defs)) {
    const rows = fieldRows(definition, `${name.toLowerCase()}.`, defs, new Set());
    tables.push([`**${name}** fields:`, '', ...header, ...rows].join('\n'));
  }
  return tables.join('\n\n');
}

function argumentTable(schema: z.ZodType | undefined, noun: string): string {
  if (schema === undefined) return `${noun}: not declared.`;
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  const defs = json.$defs ?? {};
  const required = new Set(json.required ?? []);
  const entries = Object.entries(json.properties ?? {});
  if (entries.length === 0) return `${noun}: none.`;
  const rows = entries.map(([name, child]) => {
    const need = required.has(name) && child.default === undefined ? 'yes' : '';
    const type = cell(typeOf(child, defs));
    return `| \`${name}\` | ${type} | ${need} | ${defaultOf(child)} | ${cell(describe(child, defs))} |`;
  });
  const header = `| ${noun.toLowerCase()} | type | required | default | notes |`;
  return [`${noun}:`, '', header, '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function changesLabel(action: ActionInfo): string {
  if (!action.mutating) return 'no';
  if (action.destructive === false) return 'yes, only adds (no approval needed)';
  return 'yes (give the step an `approval`)';
}

function renderAction(action: ActionInfo): string {
  const iam = action.iamActions.length
    ? action.iamActions.map((a) => `\`${a}\``).join(', ')
    : 'none';
  return [
    `### \`${action.id}\``,
    '',
    action.summary,
    '',
    `- Changes resources: ${changesLabel(action)}`,
    `- IAM actions: ${iam}`,
    '',
    argumentTable(action.input, 'Arguments'),
    '',
    argumentTable(action.output, 'Outputs'),
  ].join('\n');
}

/** The action reference: every registered action with its arguments, outputs and IAM actions. */
export function renderActionReference(actions: ActionCatalog): string {
  return actions.list().map(renderAction).join('\n\n');
}

/** Replaces the text between `<!-- generated:NAME -->` and `<!-- end:NAME -->`. */
export function replaceGeneratedSection(document: string, name: string, body: string): string {
  const begin = `<!-- generated:${name} -->`;
  const end = `<!-- end:${name} -->`;
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from < 0 || to < from) return document;
  return `${document.slice(0, from + begin.length)}\n\n${body}\n\n${document.slice(to)}`;
}
