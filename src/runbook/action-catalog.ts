import type { z } from 'zod';

/**
 * What validation, docs and IAM derivation need to know of an action. The action registry
 * satisfies this shape, so new actions flow into all three without changes here.
 */
export interface ActionInfo {
  /** The name runbooks use in `action:`. */
  readonly id: string;
  /** One line for docs. */
  readonly summary: string;
  /** The schema of `with:`. */
  readonly input: z.ZodType;
  /** The schema of what the action returns (`steps.<id>.outputs`), when it declares one. */
  readonly output?: z.ZodType;
  /** IAM actions the bot's role needs, e.g. `ec2:DescribeInstances`. */
  readonly iamActions: readonly string[];
  /** Whether it changes anything. */
  readonly mutating: boolean;
  /** Whether it takes something away (deserves an approval); default `mutating`. */
  readonly destructive?: boolean;
  /** The action that reverses it (`firebreak undo`), when there is one. */
  readonly undo?: { readonly action: string };
}

/** A set of actions by id: the action registry, or a stand-in in tests. */
export interface ActionCatalog {
  find(id: string): ActionInfo | undefined;
  /** Every action, sorted by id. */
  list(): readonly ActionInfo[];
}
