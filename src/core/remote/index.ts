export { redactUrl, decodePath } from './redact';
export {
  amzDate,
  hasExpired,
  keyUnder,
  listingBase,
  objectUrlUnder,
  pathOfObject,
  s3LocationOf,
  signatureOf,
  targetOf,
  type RemoteTarget,
  type S3Location,
  type UrlSignature,
} from './s3-url';
export {
  ListError,
  parseListPage,
  parseS3Error,
  type ListedObject,
  type ListPage,
  type S3ErrorBody,
} from './list-objects';
export { listingPages, ListingTooLong, type ListingStep, type PageOptions } from './paginate';
export { corsRuleFor, corsRuleJson, corsRuleXml, type CorsRule } from './cors-rule';
export {
  changedError,
  corsError,
  errorFromResponse,
  expiredError,
  failedRequestError,
  hiddenHeadersError,
  mixedContentError,
  noRangeError,
  RemoteError,
  unreachableError,
  type HttpAnswer,
  type RemoteReason,
} from './remote-error';
export { parseUrlList, type LineProblem, type PastedUrl } from './url-list';
