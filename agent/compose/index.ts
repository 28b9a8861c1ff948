/**
 * The compose loader: a compose file (and its `.env` and env files) in, the stack's service and network
 * specs out, with positioned diagnostics. Clients that only read files should import `client-files` alone,
 * which needs neither the agent nor ajv.
 */
export { loadStack } from './load';
export { readStackFiles } from './client-files';
export { validateStackName } from './stack-name';
export * from './types';
