import * as autoScaling from '@aws-sdk/client-auto-scaling';
import * as cloudWatch from '@aws-sdk/client-cloudwatch';
import * as guardDuty from '@aws-sdk/client-guardduty';
import * as iam from '@aws-sdk/client-iam';
import * as securityHub from '@aws-sdk/client-securityhub';
import * as sns from '@aws-sdk/client-sns';
import { ec2Sdk } from './ec2-sdk.js';
import type { AwsServiceName } from './simulated/fault-injector.js';
import type { SimulatedAwsError } from './simulated/simulated-aws-error.js';

type ServiceExceptionClass = new (options: {
  name: string;
  $fault: 'client' | 'server';
  $metadata: object;
  message?: string;
}) => Error;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- modeled exception constructors differ per class
type ModeledExceptionClass = new (options: any) => Error;

// Looked up when needed, so that EC2's SDK loads only with an EC2 call.
const SERVICE_EXCEPTIONS: Record<AwsServiceName, () => ServiceExceptionClass> = {
  ec2: () => ec2Sdk.EC2ServiceException,
  sns: () => sns.SNSServiceException,
  iam: () => iam.IAMServiceException,
  cloudwatch: () => cloudWatch.CloudWatchServiceException,
  autoscaling: () => autoScaling.AutoScalingServiceException,
  guardduty: () => guardDuty.GuardDutyServiceException,
  securityhub: () => securityHub.SecurityHubServiceException,
};

/**
 * AWS error codes that the SDK deserialises into a modeled exception class (its `name` is the
 * class's, e.g. SNS's `NotFound` arrives as `NotFoundException`). EC2 models none.
 */
const MODELED_EXCEPTIONS: Partial<Record<AwsServiceName, Record<string, ModeledExceptionClass>>> = {
  sns: {
    NotFound: sns.NotFoundException,
    InvalidParameter: sns.InvalidParameterException,
    AuthorizationError: sns.AuthorizationErrorException,
    Throttled: sns.ThrottledException,
  },
  iam: {
    NoSuchEntity: iam.NoSuchEntityException,
    EntityAlreadyExists: iam.EntityAlreadyExistsException,
    LimitExceeded: iam.LimitExceededException,
    InvalidInput: iam.InvalidInputException,
    MalformedPolicyDocument: iam.MalformedPolicyDocumentException,
    PasswordPolicyViolation: iam.PasswordPolicyViolationException,
    ServiceFailure: iam.ServiceFailureException,
  },
  cloudwatch: {
    ResourceNotFound: cloudWatch.ResourceNotFound,
    InvalidParameterValue: cloudWatch.InvalidParameterValueException,
    InvalidParameterCombination: cloudWatch.InvalidParameterCombinationException,
    MissingParameter: cloudWatch.MissingRequiredParameterException,
  },
  autoscaling: {
    ResourceContention: autoScaling.ResourceContentionFault,
    ScalingActivityInProgress: autoScaling.ScalingActivityInProgressFault,
    ResourceInUse: autoScaling.ResourceInUseFault,
    LimitExceeded: autoScaling.LimitExceededFault,
  },
  guardduty: {
    BadRequestException: guardDuty.BadRequestException,
    AccessDeniedException: guardDuty.AccessDeniedException,
    InternalServerErrorException: guardDuty.InternalServerErrorException,
  },
  securityhub: {
    InvalidInputException: securityHub.InvalidInputException,
    InvalidAccessException: securityHub.InvalidAccessException,
    LimitExceededException: securityHub.LimitExceededException,
    AccessDeniedException: securityHub.AccessDeniedException,
    InternalException: securityHub.InternalException,
  },
};

/**
 * Turns a simulated failure into the exception the real SDK client would throw for it: an
 * instance of the service's exception class, with AWS's code as `name` (or the modeled class),
 * `$fault`, `$metadata` and AWS's message.
 */
export function toServiceException(
  service: AwsServiceName,
  error: SimulatedAwsError,
  requestId: string,
): Error {
  const $metadata = {
    httpStatusCode: error.httpStatusCode,
    requestId,
    attempts: 1,
    totalRetryDelay: 0,
  };
  const Modeled = MODELED_EXCEPTIONS[service]?.[error.awsCode];
  if (Modeled !== undefined) {
    const exception = new Modeled({ $metadata, message: error.message });
    const type = error.fault === 'client' ? 'Sender' : 'Receiver';
    const details = { Type: type, Code: error.awsCode, Message: error.message };
    return Object.assign(exception, { Code: error.awsCode, Type: type, Error: details });
  }
  const Exception = SERVICE_EXCEPTIONS[service]();
  const exception = new Exception({
    name: error.awsCode,
    $fault: error.fault,
    $metadata,
    message: error.message,
  });
  return Object.assign(exception, { Code: error.awsCode });
}
