export { parseTriggerMessage, parseTriggerJson } from './parse-trigger-message.js';
export {
  parseCloudWatchAlarmMessage,
  isCloudWatchAlarmMessage,
} from './parse-cloudwatch-alarm-message.js';
export {
  parseAlarmStateChangeEvent,
  parseLambdaAlarmAction,
  isAlarmStateChangeEvent,
  isLambdaAlarmAction,
  DETAIL_TYPE_ALARM_STATE_CHANGE,
} from './parse-alarm-state-change.js';
export {
  parseGuardDutyEvent,
  isGuardDutyEvent,
  DETAIL_TYPE_GUARDDUTY_FINDING,
  DETAIL_TYPE_GUARDDUTY_OBJECT_SCAN,
} from './parse-guardduty-event.js';
export { parseSecurityHubEvent, isSecurityHubEvent } from './parse-securityhub-event.js';
export { toIsoTime } from './json-fields.js';
