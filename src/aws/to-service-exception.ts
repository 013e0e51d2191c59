import * as autoScaling from '@aws-sdk/client-auto-scaling';
import * as cloudWatch from '@aws-sdk/client-cloudwatch';
import * as iam from '@aws-sdk/client-iam';
import * as sns from '@aws-sdk/client-sns';
import { ec2Sdk, guardDutySdk, securityHubSdk } from './lazy-sdk.js';
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

// Looked up when needed, so that EC2's, GuardDuty's and Security Hub's SDKs load only with a call.
const SERVICE_EXCEPTIONS: Record<AwsServiceName, () => ServiceExceptionClass> = {
  ec2: () => ec2Sdk.EC2ServiceException,
  sns: () => sns.SNSServiceException,
  iam: () => iam.IAMServiceException,
  cloudwatch: () => cloudWatch.CloudWatchServiceException,
  autoscaling: () => autoScaling.AutoScalingServiceException,
  guardduty: () => guardDutySdk.GuardDutyServiceException,
  securityhub: () => securityHubSdk.SecurityHubServiceException,
};

/**
 * AWS error codes that the SDK deserialises into a modeled exception class (its `name` is the
 * class's, e.g. SNS's `NotFound` arrives as `NotFoundException`). EC2 models none. Read when
 * needed, as the service exceptions are.
 */
const MODELED_EXCEPTIONS: Partial<
  Record<AwsServiceName, () => Record<string, ModeledExceptionClass>>
> = {
  sns: () => ({
    NotFound: sns.NotFoundException,
    InvalidParameter: sns.InvalidParameterException,
    AuthorizationError: sns.AuthorizationErrorException,
    Throttled: sns.ThrottledException,
  }),
  iam: () => ({
    NoSuchEntity: iam.NoSuchEntityException,
    EntityAlreadyExists: iam.EntityAlreadyExistsException,
    LimitExceeded: iam.LimitExceededException,
    InvalidInput: iam.InvalidInputException,
    MalformedPolicyDocument: iam.MalformedPolicyDocumentException,
    PasswordPolicyViolation: iam.PasswordPolicyViolationException,
    ServiceFailure: iam.ServiceFailureException,
  }),
  cloudwatch: () => ({
    ResourceNotFound: cloudWatch.ResourceNotFound,
    InvalidParameterValue: cloudWatch.InvalidParameterValueException,
    InvalidParameterCombination: cloudWatch.InvalidParameterCombinationException,
    MissingParameter: cloudWatch.MissingRequiredParameterException,
  }),
  autoscaling: () => ({
    ResourceContention: autoScaling.ResourceContentionFault,
    ScalingActivityInProgress: autoScaling.ScalingActivityInProgressFault,
    ResourceInUse: autoScaling.ResourceInUseFault,
    LimitExceeded: autoScaling.LimitExceededFault,
  }),
  guardduty: () => ({
    BadRequestException: guardDutySdk.BadRequestException,
    AccessDeniedException: guardDutySdk.AccessDeniedException,
    InternalServerErrorException: guardDutySdk.InternalServerErrorException,
  }),
  securityhub: () => ({
    InvalidInputException: securityHubSdk.InvalidInputException,
    InvalidAccessException: securityHubSdk.InvalidAccessException,
    LimitExceededException: securityHubSdk.LimitExceededException,
    AccessDeniedException: securityHubSdk.AccessDeniedException,
    InternalException: securityHubSdk.InternalException,
  }),
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
  const Modeled = MODELED_EXCEPTIONS[service]?.()[error.awsCode];
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
