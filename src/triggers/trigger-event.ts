/**
 * What an alarm, finding or message means, once parsed. Trigger rules match on these fields;
 * runbook expressions see them as `trigger.*`. Every string here is data from outside:
 * it is never evaluated.
 */
export type TriggerEvent = FindingEvent | AlarmEvent | TextEvent | UnknownEvent;

/** A GuardDuty or Security Hub finding. */
export interface FindingEvent {
  readonly kind: 'finding';
  readonly source: 'guardduty' | 'securityhub';
  /** Finding id (GuardDuty `detail.id`, ASFF `Id`); undefined when AWS left it out. */
  readonly findingId?: string;
  /**
   * GuardDuty: the detector that reported the finding (`detail.service.detectorId`, else from
   * the finding's ARN); with `findingId`, what GuardDuty's GetFindings takes.
   */
  readonly detectorId?: string;
  /** GuardDuty finding type (`CryptoCurrency:EC2/BitcoinTool.B!DNS`) or ASFF first `Types` entry. */
  readonly findingType: string;
  /** Numeric severity: GuardDuty 0-10 as sent; ASFF `Severity.Normalized` / 10 when given. */
  readonly severity?: number;
  /** Security Hub label: INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL. */
  readonly severityLabel?: string;
  readonly title?: string;
  readonly accountId?: string;
  readonly region?: string;
  /** e.g. `Instance`, `AccessKey`, `S3_OBJECT`, `AwsEc2Instance`. */
  readonly resourceType?: string;
  /** EC2 instance ids the finding names. */
  readonly instanceIds: readonly string[];
  /**
   * Security Hub: the ASFF `ProductArn`; with `findingId`, what identifies the finding to
   * Security Hub's GetFindings and BatchUpdateFindings.
   */
  readonly productArn?: string;
  /** Security Hub: the product's name, e.g. `GuardDuty`, `Macie`. */
  readonly productName?: string;
  /** ISO time when parseable; masked or missing timestamps leave it undefined. */
  readonly time?: string;
  /** EventBridge `detail-type`, e.g. `GuardDuty Finding`. */
  readonly detailType?: string;
  /** The raw finding object (GuardDuty `detail`, or the ASFF finding). */
  readonly finding: unknown;
}

/** A CloudWatch alarm state change (SNS alarm notification or EventBridge event). */
export interface AlarmEvent {
  readonly kind: 'alarm';
  readonly alarmName: string;
  readonly alarmArn?: string;
  readonly alarmType: 'metric' | 'metric-math' | 'anomaly-detection' | 'composite';
  readonly newState: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly oldState?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly reason?: string;
  readonly namespace?: string;
  readonly metricName?: string;
  /** Dimension name to value. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly accountId?: string;
  /** Region code (`us-east-1`), from the alarm ARN or the event; never a display name. */
  readonly region?: string;
  /** The display name SNS alarm messages carry (`US East (N. Virginia)`), as sent. */
  readonly regionName?: string;
  /** Composite alarms: ARNs of the children whose change set this one off, when AWS lists them. */
  readonly triggeringAlarmArns?: readonly string[];
  readonly time?: string;
  /** The raw alarm message object. */
  readonly alarm: unknown;
}

/** A plain-text SNS message (AWS Budgets, a human, a script). */
export interface TextEvent {
  readonly kind: 'text';
  readonly text: string;
  readonly subject?: string;
}

/** JSON we could not classify: recorded, answered 200, starts nothing. */
export interface UnknownEvent {
  readonly kind: 'unknown';
  readonly raw: unknown;
}
