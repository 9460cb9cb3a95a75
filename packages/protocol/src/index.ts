export * from './version.ts';
export * from './errors.ts';
export * from './fields.ts';
export * from './gadget.ts';
export * from './target.ts';
export * from './messages.ts';
export * from './codec.ts';
export * from './filter/index.ts';
