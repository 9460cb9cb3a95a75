export { startHub, type RunningHub } from './hub.ts';
export { loadConfig, type HubConfig } from './config.ts';
export { AgentTokenStore } from './agentTokenStore.ts';
export { consoleLogger, silentLogger, type Logger } from './logger.ts';
