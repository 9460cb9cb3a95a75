/** Where the hub reports what happened; library modules never write to the console themselves. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: Logger = {
  info: (message) => console.log(`podscope: ${message}`),
  warn: (message) => console.warn(`podscope: ${message}`),
};

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined };
