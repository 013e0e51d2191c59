import type { ActionCatalog } from './action-catalog.js';
import { placeSteps } from './check-runbook.js';
import { hasTemplate } from './expressions.js';
import type { RunbookDocument } from './schema.js';

/** One statement of an IAM policy document. */
export interface IamStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
}

/** An IAM identity-based policy document. */
export interface IamPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly IamStatement[];
}

/**
 * Resource types each IAM action can be narrowed to, from the AWS Service Authorization
 * Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/). An action
 * missing here, or listed with `*` (the Describe and List calls), only takes `"Resource": "*"`.
 */
export const IAM_RESOURCE_PATTERNS: Readonly<Record<string, readonly string[]>> = {
  'sns:Publish': ['arn:aws:sns:*:*:*'],
  'cloudwatch:PutMetricAlarm': ['arn:aws:cloudwatch:*:*:alarm:*'],
  'cloudwatch:DisableAlarmActions': ['arn:aws:cloudwatch:*:*:alarm:*'],
  'cloudwatch:EnableAlarmActions': ['arn:aws:cloudwatch:*:*:alarm:*'],
  'cloudwatch:SetAlarmState': ['arn:aws:cloudwatch:*:*:alarm:*'],
  'iam:UpdateAccessKey': ['arn:aws:iam::*:user/*'],
  'iam:ListAccessKeys': ['arn:aws:iam::*:user/*'],
  'iam:PutUserPolicy': ['arn:aws:iam::*:user/*'],
  'iam:AttachUserPolicy': ['arn:aws:iam::*:user/*'],
  'iam:DeleteLoginProfile': ['arn:aws:iam::*:user/*'],
  'iam:PutRolePolicy': ['arn:aws:iam::*:role/*'],
  'iam:AttachRolePolicy': ['arn:aws:iam::*:role/*'],
};

/** Arguments that name the resource an action works on, by IAM action. */
const RESOURCE_ARGUMENTS: Readonly<Record<string, string>> = {
  'sns:Publish': 'topicArn',
};

function serviceOf(iamAction: string): string {
  return iamAction.slice(0, iamAction.indexOf(':'));
}

function sidOf(service: string): string {
  const words = service.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return `Firebreak${words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join('')}`;
}

/** The resources one use of an IAM action needs: a literal ARN argument, else its pattern. */
function resourcesOfUse(iamAction: string, args: Record<string, unknown>): readonly string[] {
  const patterns = IAM_RESOURCE_PATTERNS[iamAction];
  if (!patterns) return ['*'];
  const argument = RESOURCE_ARGUMENTS[iamAction];
  const value = argument === undefined ? undefined : args[argument];
  if (typeof value === 'string' && value.startsWith('arn:') && !hasTemplate(value)) return [value];
  return patterns;
}

/**
 * The least-privilege policy for a set of runbooks: exactly the IAM actions their steps'
 * actions declare, one statement per service, sorted, with resources narrowed where every
 * action of the service allows it (a literal ARN argument narrows to that ARN). Pure.
 */
export function deriveIamPolicy(
  runbooks: readonly RunbookDocument[],
  actions: ActionCatalog,
  options: { includeUndo?: boolean } = {},
): IamPolicyDocument {
  const byService = new Map<string, { actions: Set<string>; resources: Set<string> }>();
  for (const runbook of runbooks) {
    for (const { step } of placeSteps(runbook)) {
      const action = actions.find(step.action);
      // With includeUndo, what `firebreak undo` of the step would need too.
      const undo =
        options.includeUndo && action?.undo ? actions.find(action.undo.action) : undefined;
      for (const iamAction of [...(action?.iamActions ?? []), ...(undo?.iamActions ?? [])]) {
        const service = serviceOf(iamAction);
        const entry = byService.get(service) ?? { actions: new Set(), resources: new Set() };
        entry.actions.add(iamAction);
        for (const resource of resourcesOfUse(iamAction, step.with ?? {})) {
          entry.resources.add(resource);
        }
        byService.set(service, entry);
      }
    }
  }
  const statements = [...byService.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, entry]): IamStatement => {
      const resources = [...entry.resources].sort();
      return {
        Sid: sidOf(service),
        Effect: 'Allow',
        Action: [...entry.actions].sort(),
        Resource: resources.includes('*')
          ? '*'
          : resources.length === 1
            ? (resources[0] ?? '*')
            : resources,
      };
    });
  return { Version: '2012-10-17', Statement: statements };
}
